#!/usr/bin/env python3
"""make bench: gemserv side by side with peer servers, on loopback only.

Installs the peers from Debian when they are missing (as root; otherwise
prints the apt-get line), builds a temporary capsule (the shipped one plus
a 100 KB static file), exports it with `gemserv -x` for the peers, makes an
ECDSA P-256 and an RSA-2048 certificate, starts every server on free
loopback ports, drives them with tests/bench/loadgen and prints one table.
Every process it starts is stopped by PID at the end. As root it runs in a
private network namespace of its own, so nothing but loopback exists.

usage: bench.py [--quick] [--runs N] [--duration S] [--warmup S]
                [--conc 1,16,64] [--idle N] [--json FILE] GEMSERV LOADGEN
"""
import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
PEER_PKGS = ["molly-brown", "gophernicus", "pygopherd", "socat", "openssl"]
ARTICLE = "belonging-heals"
STATIC = "bench-100k.txt"

# (name, Gemini path, Gopher selector); "\t" is unescaped by loadgen.
WORKLOADS = [
    ("home", "/", "/"),
    ("article", "/articles/%s.gmi" % ARTICLE, "/articles/%s.txt" % ARTICLE),
    ("resources", "/resources/", "/resources/"),
    ("static 100 KB", "/" + STATIC, "/" + STATIC),
    ("search", "/search?recovery", "/search\\trecovery"),
]
NO_SEARCH = {"molly-brown", "gophernicus", "pygopherd"}


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# --- setup ---------------------------------------------------------------

def ensure_peers():
    missing = []
    for p in PEER_PKGS:
        r = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status}", p],
                           capture_output=True, text=True)
        if r.stdout != "installed":
            missing.append(p)
    if not missing:
        return True
    line = "apt-get install -y --no-install-recommends " + " ".join(missing)
    if os.geteuid() != 0:
        log("missing peer servers; as root run:\n  " + line)
        return False
    log("installing " + " ".join(missing))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Services must not start: policy-rc.d usually stops them, and none
    # of these three is enabled by default anyway.
    r = subprocess.run(line.split(), env=env, capture_output=True)
    if r.returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env,
                       capture_output=True)
        r = subprocess.run(line.split(), env=env)
    return r.returncode == 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(tmp, kind):
    key, cert = (os.path.join(tmp, "%s-%s.pem" % (kind, n))
                 for n in ("key", "cert"))
    newkey = (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
              if kind == "ecdsa" else ["-newkey", "rsa:2048"])
    subprocess.run(["openssl", "req", "-x509"] + newkey +
                   ["-nodes", "-keyout", key, "-out", cert, "-days", "30",
                    "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"],
                   check=True, capture_output=True)
    return cert, key


def make_capsule(tmp):
    dst = os.path.join(tmp, "capsule")
    shutil.copytree(os.path.join(REPO, "capsule"), dst)
    # 100 KB of CRLF text: every server sends it byte for byte.
    line = ("The quick brown fox jumps over the lazy dog; recovery is a "
            "journey taken one day at a time.\r\n")
    data = (line * (102400 // len(line) + 1))[:102400]
    with open(os.path.join(dst, "static", STATIC), "w", newline="") as f:
        f.write(data)
    return dst


def write_ini(tmp, name, gem_port, gop_port, cert, key, capsule):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write("""[server]
hostname = localhost
allow_root = yes
log = %s
; Two workers (one per core) with room for 10,000 idle clients, which
; keep their connections past the default timeouts.
workers = 2
max_connections = 8192
handshake_timeout = 120
read_timeout = 120
[gemini]
listen = 127.0.0.1:%d
cert = %s
key = %s
[gopher]
listen = 127.0.0.1:%d
[capsule]
title = Recovery Support Library
intro = Articles about recovery from addiction, and where to find help.
articles = %s/articles
resources = %s/resources.ini
static = %s/static
drop_lines = Blog Article | Report this page
""" % (os.path.join(tmp, name + ".log"), gem_port, cert, key, gop_port,
            capsule, capsule, capsule))
    return path


def gopher_tree(src, dst, old_port, new_port, bucktooth):
    """Copies the exported gopher tree, pointing menus at new_port. With
    bucktooth (pygopherd), info lines become bare text and the final "."
    goes: its parser takes only that form."""
    shutil.copytree(src, dst)
    for d, _, files in os.walk(dst):
        if "gophermap" not in files:
            continue
        p = os.path.join(d, "gophermap")
        with open(p, encoding="utf-8", newline="") as f:
            lines = f.read().split("\r\n")
        out = []
        for ln in lines:
            ln = ln.replace("\tlocalhost\t%d" % old_port,
                            "\tlocalhost\t%d" % new_port)
            if bucktooth:
                if ln in (".", ""):
                    continue
                if ln.startswith("i"):
                    ln = ln[1:].split("\t")[0]
            out.append(ln)
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write("\r\n".join(out) + "\r\n")


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- servers -------------------------------------------------------------

class Server:
    def __init__(self, name, proto, port, argv, tmp, env=None):
        self.name, self.proto, self.port = name, proto, port
        out = open(os.path.join(tmp, name + ".out"), "ab")
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=out, stderr=out, env=env,
                                     preexec_fn=raise_nofile)
        out.close()
        self.pid = self.proc.pid
        deadline = time.time() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("%s did not start; see %s" % (
                        name, os.path.join(tmp, name + ".out")))
                time.sleep(0.05)

    def request(self, path):
        if self.proto == "gemini":
            return "gemini://localhost:%d%s" % (self.port, path)
        return path


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            out.append(k)
            todo.append(k)
    return out


def stop(server):
    """SIGTERM to the server and any stray children, by PID; SIGKILL
    what is still there after 10 s."""
    if server.proc.poll() is not None:
        return
    kids = descendants(server.pid)
    for pid in [server.pid] + kids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        server.proc.wait(10)
    except subprocess.TimeoutExpired:
        log("%s did not stop in 10 s: SIGKILL" % server.name)
        server.proc.kill()
        server.proc.wait()
    for pid in kids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# --- runs ----------------------------------------------------------------

def loadgen(args, server, requests, conc, resume=False, idle=0,
            idle_tls=False):
    argv = [args.loadgen, "-j", "-c", str(conc), "-d", str(args.duration),
            "-w", str(args.warmup), "-s", str(server.pid)]
    if resume:
        argv.append("-r")
    if idle:
        argv += ["-i", str(idle)]
    if idle_tls:
        argv.append("-k")
    argv += [server.proto, "127.0.0.1", str(server.port)]
    argv += [server.request(r) for r in requests]
    r = subprocess.run(argv, capture_output=True, text=True,
                       preexec_fn=raise_nofile,
                       timeout=args.duration + args.warmup + 120)
    if r.returncode != 0:
        raise RuntimeError("loadgen failed: %s" % r.stderr.strip())
    return json.loads(r.stdout)


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


class Table:
    """Rows of cells; each cell keeps every run's result."""

    def __init__(self):
        self.rows = []		# (label, conc, note-key)
        self.cells = {}		# (row, server) -> [result...]
        self.notes = {}

    def add(self, row, server, res):
        if row not in self.rows:
            self.rows.append(row)
        self.cells.setdefault((row, server), []).append(res)

    def get(self, row, server):
        return self.cells.get((row, server))


def cell_stats(runs):
    if not runs:
        return None
    ok = [r for r in runs if r["requests"] > 0]
    errs = {}
    for r in runs:
        for k, v in r["errors"].items():
            errs[k] = errs.get(k, 0) + v
        for k, v in r.get("statuses", {}).items():
            errs["status_" + k] = errs.get("status_" + k, 0) + v
    errs.pop("status", None)
    return {
        "rps": median([r["rps"] for r in runs]),
        "p99_ms": median([r["p99_us"] / 1000 for r in ok]),
        "cpu": median([r["server_cpu_us_per_req"] for r in ok]),
        "rss_mb": median([r["server_rss_kb"] / 1024 for r in runs]),
        "pss_mb": median([r["server_pss_kb"] / 1024 for r in runs]),
        "errors": errs,
        "requests": sum(r["requests"] for r in runs),
    }


def ratio(table, row, peer):
    """Median of the per-run ratios gemserv/peer (same round)."""
    a, b = table.get(row, "gemserv"), table.get(row, peer)
    if not a or not b:
        return None, None
    rr, cr = [], []
    for x, y in zip(a, b):
        if y["rps"] > 0 and x["rps"] > 0:
            rr.append(x["rps"] / y["rps"])
        if y["server_cpu_us_per_req"] > 0 and x["requests"] > 0:
            cr.append(x["server_cpu_us_per_req"] /
                      y["server_cpu_us_per_req"])
    return median(rr), median(cr)


def run_all(args, tmp):
    table = Table()
    ecdsa = make_cert(tmp, "ecdsa")
    rsa = make_cert(tmp, "rsa")
    capsule = make_capsule(tmp)
    gem_port, gop_port = free_port(), free_port()
    ini = write_ini(tmp, "gemserv.ini", gem_port, gop_port, ecdsa[0],
                    ecdsa[1], capsule)
    export = os.path.join(tmp, "export")
    subprocess.run([args.gemserv, "-c", ini, "-x", export], check=True,
                   capture_output=True)
    servers = []
    try:
        servers.append(Server("gemserv", "gemini", gem_port,
                              [args.gemserv, "-c", ini], tmp))
        gs = servers[-1]
        gsg = Server.__new__(Server)
        gsg.__dict__.update(gs.__dict__, proto="gopher", port=gop_port)
        gemini_servers = [gs]
        gopher_servers = [gsg]
        if not args.no_peers:
            mp = free_port()
            molly = os.path.join(tmp, "molly.conf")
            with open(molly, "w") as f:
                f.write('Port = %d\nHostname = "localhost"\n'
                        'CertPath = "%s"\nKeyPath = "%s"\n'
                        'DocBase = "%s/gemini"\n'
                        'AccessLog = "%s/molly-access.log"\n'
                        'ErrorLog = "%s/molly-error.log"\n' % (
                            mp, ecdsa[0], ecdsa[1], export, tmp, tmp))
            servers.append(Server("molly-brown", "gemini", mp,
                                  ["molly-brown", "-c", molly], tmp))
            gemini_servers.append(servers[-1])

            gp = free_port()
            gtree = os.path.join(tmp, "gophernicus-root")
            gopher_tree(os.path.join(export, "gopher"), gtree, gop_port,
                        gp, False)
            # inetd style: socat forks per connection and execs gophernicus
            # on the socket itself (nofork: no relay process in between).
            # -i/-k: its per-client throttle (4096 hits in 30 min, then a
            # second's sleep per request) would stop a benchmark cold.
            cmd = ("/usr/sbin/gophernicus -h localhost -p %d -r %s -nf -nh "
                   "-nr -ns -i 2000000000 -k 2000000000 "
                   "-l %s/gophernicus-access.log" % (gp, gtree, tmp))
            servers.append(Server(
                "gophernicus", "gopher", gp,
                ["socat", "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,"
                 "backlog=1024" % gp, "EXEC:%s,nofork" % cmd], tmp))
            gopher_servers.append(servers[-1])

            pp = free_port()
            ptree = os.path.join(tmp, "pygopherd-root")
            gopher_tree(os.path.join(export, "gopher"), ptree, gop_port, pp,
                        True)
            conf = os.path.join(tmp, "pygopherd.conf")
            with open("/etc/pygopherd/pygopherd.conf") as f:
                text = f.read()
            # Debian's configuration with the port, root, address and
            # logging changed (ForkingTCPServer, as shipped).
            rep = {"port": "%d\ninterface = 127.0.0.1" % pp,
                   "usechroot": "no", "root": ptree, "logmethod": "file",
                   "pidfile": None}
            out = []
            for ln in text.splitlines():
                key = ln.split("=")[0].strip()
                if not ln.startswith((" ", "\t", "#")) and key in rep:
                    if rep[key] is not None:
                        out.append("%s = %s" % (key, rep.pop(key)))
                    else:
                        rep.pop(key)
                    continue
                out.append(ln)
            if rep:
                raise RuntimeError("pygopherd.conf: no %s" % ", ".join(rep))
            text = "\n".join(out) + "\n"
            with open(conf, "w") as f:
                f.write(text)
            servers.append(Server("pygopherd", "gopher", pp,
                                  ["pygopherd", conf], tmp))
            gopher_servers.append(servers[-1])

        for rnd in range(args.runs):
            log("round %d of %d" % (rnd + 1, args.runs))
            for proto, group in (("gemini", gemini_servers),
                                 ("gopher", gopher_servers)):
                for name, gpath, gsel in WORKLOADS:
                    req = gpath if proto == "gemini" else gsel
                    for conc in args.conc:
                        row = ("%s %s" % (proto, name), conc)
                        for s in group:
                            if name == "search" and s.name in NO_SEARCH:
                                continue
                            table.add(row, s.name,
                                      loadgen(args, s, [req], conc))
            for conc in (16, 64):
                row = ("gemini home, resumed", conc)
                for s in gemini_servers:
                    table.add(row, s.name,
                              loadgen(args, s, ["/"], conc, resume=True))
            # Idle clients: connected and silent (TCP), or for Gemini also
            # past the TLS handshake and silent (TLS). Forking peers are
            # left out: 10,000 idle clients would be 10,000 processes.
            if args.idle:
                for s, tls in ([(s, False) for s in gemini_servers] +
                               [(gsg, False)] +
                               [(s, True) for s in gemini_servers]):
                    kind = "TLS" if tls else "TCP"
                    r0 = loadgen(args, s, ["/"], 16)
                    r1 = loadgen(args, s, ["/"], 16, idle=args.idle,
                                 idle_tls=tls)
                    table.add(("%s home + %d idle %s" % (
                        s.proto, args.idle, kind), 16), s.name, r1)
                    table.notes.setdefault((s.proto, kind, s.name),
                                           []).append((r0, r1))

        # RSA-2048: both Gemini servers again with the other certificate.
        if not args.no_rsa:
            for s in list(servers):
                if s.proto == "gemini":
                    stop(s)
            servers = [s for s in servers if s.proto != "gemini"]
            gem2 = free_port()
            ini2 = write_ini(tmp, "gemserv-rsa.ini", gem2, free_port(),
                             rsa[0], rsa[1], capsule)
            rsa_servers = [Server("gemserv", "gemini", gem2,
                                  [args.gemserv, "-c", ini2], tmp)]
            servers.append(rsa_servers[0])
            if not args.no_peers:
                mp2 = free_port()
                molly2 = os.path.join(tmp, "molly-rsa.conf")
                with open(molly, "r") as f:
                    text = f.read()
                text = text.replace("Port = %d" % mp, "Port = %d" % mp2)
                text = text.replace(ecdsa[0], rsa[0]).replace(ecdsa[1],
                                                              rsa[1])
                with open(molly2, "w") as f:
                    f.write(text)
                rsa_servers.append(Server("molly-brown", "gemini", mp2,
                                          ["molly-brown", "-c", molly2],
                                          tmp))
                servers.append(rsa_servers[-1])
            for rnd in range(args.runs):
                log("RSA round %d of %d" % (rnd + 1, args.runs))
                for conc in (16, 64):
                    for s in rsa_servers:
                        table.add(("gemini home, RSA-2048", conc), s.name,
                                  loadgen(args, s, ["/"], conc))
    finally:
        for s in servers:
            stop(s)
    return table


def startup(args):
    """10,000 generated articles through `gemserv -n` (best of 3)."""
    r = subprocess.run([sys.executable,
                        os.path.join(REPO, "tests", "bench_convert.py"),
                        "10000", args.gemserv], capture_output=True,
                       text=True)
    for line in r.stdout.splitlines():
        if line.startswith("convert"):
            return float(line.split(":")[1].split()[0])
    log("startup measurement failed: %s" % r.stderr.strip()[-300:])
    return None


# --- the table -----------------------------------------------------------

SERVERS = ["gemserv", "molly-brown", "gophernicus", "pygopherd"]
PEERS = {"gemini": ["molly-brown"], "gopher": ["gophernicus", "pygopherd"]}


def fmt(v, spec, width):
    return (spec % v).rjust(width) if v is not None else "-".rjust(width)


def render(table, args, startup_s):
    w0 = 34
    head1 = "%-*s" % (w0, "workload (concurrency)")
    head2 = " " * w0
    for s in SERVERS:
        head1 += " | %-22s" % s
        head2 += " | %7s %6s %7s" % ("req/s", "p99ms", "us/req")
    head1 += " | gemserv/peer: req/s, CPU"
    lines = [head1, head2, "-" * len(head2) + "-+-" + "-" * 26]
    notes = []
    for row in table.rows:
        label, conc = row
        proto = label.split()[0]
        line = "%-*s" % (w0, "%s (%d)" % (label, conc))
        for s in SERVERS:
            st = cell_stats(table.get(row, s))
            if st is None:
                na = (s != "gemserv" and s in PEERS[proto] and
                      "search" in label)
                line += " | %22s" % ("n/a" if na else "")
                continue
            mark = ""
            if st["errors"]:
                mark = "!"
                notes.append("%s (%d), %s: errors %s over %d runs" % (
                    label, conc, s, ", ".join(
                        "%s=%d" % kv for kv in sorted(st["errors"].items())),
                    len(table.get(row, s))))
            line += " | %7s %6s %7s" % (
                fmt(st["rps"], "%.0f", 6) + mark, fmt(st["p99_ms"], "%.1f", 6),
                fmt(st["cpu"], "%.1f", 7))
        rat = []
        for p in PEERS[proto]:
            rr, cr = ratio(table, row, p)
            if rr is not None or cr is not None:
                rat.append("%s %s, %s" % (p.split("-")[0][:6],
                           fmt(rr, "%.2fx", 0), fmt(cr, "%.2fx", 0)))
        line += " | " + "; ".join(rat)
        lines.append(line.rstrip())
    for key, pairs in sorted(table.notes.items()):
        base = median([a["rps"] for a, _ in pairs])
        idle = median([b["rps"] for _, b in pairs])
        rss0 = median([a["server_rss_kb"] / 1024 for a, _ in pairs])
        rss1 = median([b["server_rss_kb"] / 1024 for _, b in pairs])
        pss1 = median([b["server_pss_kb"] / 1024 for _, b in pairs])
        held = min(b["idle_open"] for _, b in pairs)
        proto, kind, name = key
        notes.append("%s %s, %d idle %s (%d held open): active clients "
                     "%.0f%% of the run without them; server RSS %.1f MB "
                     "(PSS %.1f MB), %.1f MB without" % (
                         proto, name, args.idle, kind, held,
                         100 * idle / base if base else 0, rss1, pss1, rss0))
    if startup_s is not None:
        notes.append("startup: 10,000 generated articles converted and "
                     "indexed by `gemserv -n` in %.3f s (best of 3, one "
                     "core)" % startup_s)
    return "\n".join(lines + [""] + notes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gemserv")
    ap.add_argument("loadgen")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=float, default=2.0)
    ap.add_argument("--warmup", type=float, default=0.5)
    ap.add_argument("--conc", default="1,16,64")
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--quick", action="store_true",
                    help="one run, 1 s cells, 1,000 idle: a smoke test")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--no-rsa", action="store_true")
    ap.add_argument("--no-startup", action="store_true")
    ap.add_argument("--no-netns", action="store_true",
                    help="do not enter a private network namespace")
    ap.add_argument("--json", help="also write every run's results here")
    args = ap.parse_args()
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 1.0, 0.3
        args.idle = min(args.idle, 1000)
    args.conc = [int(c) for c in args.conc.split(",")]
    args.gemserv = os.path.abspath(args.gemserv)
    args.loadgen = os.path.abspath(args.loadgen)

    if (os.geteuid() == 0 and not args.no_netns and
            os.environ.get("GEMSERV_BENCH_NETNS") != "1" and
            shutil.which("unshare") and shutil.which("ip")):
        # A network namespace of our own: loopback is all there is, and
        # no other process's ports or traffic are in the way.
        env = dict(os.environ, GEMSERV_BENCH_NETNS="1")
        return subprocess.run(
            ["unshare", "--net", "sh", "-c",
             'ip link set lo up && exec "$0" "$@"', sys.executable,
             os.path.abspath(__file__)] + sys.argv[1:], env=env).returncode

    if not args.no_peers and not ensure_peers():
        return 1
    tmp = tempfile.mkdtemp(prefix="gemserv-bench-")
    t0 = time.time()
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    try:
        table = run_all(args, tmp)
        startup_s = None if args.no_startup else startup(args)
    finally:
        pass
    out = render(table, args, startup_s)
    print(out)
    print("\n%d run(s) per cell of %.1f s after %.1f s warm-up; medians; "
          "ratios are medians of per-round ratios; total %.0f s" % (
              args.runs, args.duration, args.warmup, time.time() - t0))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"%s|%d|%s" % (r[0], r[1], s): v
                       for (r, s), v in table.cells.items()}, f, indent=1)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
