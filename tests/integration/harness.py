"""Test harness: a temporary capsule and gemserv.ini, and the real server
started on free loopback ports and stopped by PID.

GEMSERV names the binary under test (the sanitizer build in `make test`).
"""
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GEMSERV = os.environ.get("GEMSERV", os.path.join(ROOT, "gemserv"))
WRAPPER = os.environ.get("GEMSERV_WRAPPER", "").split()
SANITIZER_MARKS = (b"AddressSanitizer", b"LeakSanitizer", b"runtime error:",
                   b"UndefinedBehaviorSanitizer",
                   b"VALGRIND-ERROR")     # make valgrind's --error-markers


def free_port():
    """A port free on both 127.0.0.1 and ::1 right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s4:
            s4.bind(("127.0.0.1", 0))
            port = s4.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6:
                    s6.bind(("::1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port")


def wait_for(cond, timeout=15, step=0.05):
    """cond()'s first true value within timeout seconds, else its last."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(step)
    return cond()


def workers(pid):
    """The server's worker PIDs (the supervisor's children), sorted."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return sorted(int(c) for c in f.read().split())
    except OSError:
        return []


def tcp_sockets():
    """Every TCP socket of this network namespace, IPv4 and IPv6, as
    (local port, remote port, state, inode) from /proc/net; state "01" is
    ESTABLISHED and inode 0 a socket no process holds any more."""
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as f:
            next(f)
            for line in f:
                fields = line.split()
                yield (int(fields[1].rsplit(":", 1)[1], 16),
                       int(fields[2].rsplit(":", 1)[1], 16),
                       fields[3], fields[9])


def server_socket_held(server_port, client_port):
    """Whether a process still holds the server's end of the connection
    between these loopback ports; False once it is closed, even while the
    kernel finishes the TCP close on its own."""
    return any(local == server_port and remote == client_port and
               inode != "0"
               for local, remote, _, inode in tcp_sockets())


def worker_rss_kb(pid):
    """Resident memory of the server's worker processes, in KiB."""
    total = 0
    for child in workers(pid):
        with open("/proc/%d/status" % child) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


class Capsule:
    """A capsule in a temporary directory: articles, resources.ini, static/
    and gemserv.ini. By default a copy of the shipped capsule."""

    def __init__(self, articles=None, resources=None, static=None,
                 ini=None, shipped=True):
        self.dir = tempfile.mkdtemp(prefix="gemserv-test-")
        self.articles = os.path.join(self.dir, "articles")
        self.static = os.path.join(self.dir, "static")
        self.resources = os.path.join(self.dir, "resources.ini")
        if shipped:
            shutil.copytree(os.path.join(ROOT, "capsule", "articles"),
                            self.articles)
            shutil.copytree(os.path.join(ROOT, "capsule", "static"),
                            self.static)
            shutil.copy(os.path.join(ROOT, "capsule", "resources.ini"),
                        self.resources)
        else:
            os.makedirs(self.articles)
            os.makedirs(self.static)
        for name, data in (articles or {}).items():
            self.write(os.path.join("articles", name), data)
        for name, data in (static or {}).items():
            self.write(os.path.join("static", name), data)
        if resources is not None:
            self.write("resources.ini", resources)
        self.gemini_port = free_port()
        self.gopher_port = free_port()
        self.ini_path = os.path.join(self.dir, "gemserv.ini")
        self.sections = {
            "server": {"hostname": "localhost", "log": "stderr",
                       "workers": "1", "read_timeout": "3",
                       "handshake_timeout": "3", "shutdown_timeout": "5",
                       # Tests run as root in CI; the server refuses that
                       # without an explicit yes.
                       "allow_root": "yes" if os.geteuid() == 0 else None},
            "gemini": {"listen": "127.0.0.1:%d [::1]:%d" %
                       (self.gemini_port, self.gemini_port),
                       "cert": "certs/cert.pem", "key": "certs/key.pem",
                       "lang": "en"},
            "gopher": {"listen": "127.0.0.1:%d [::1]:%d" %
                       (self.gopher_port, self.gopher_port),
                       "port": str(self.gopher_port)},
            "capsule": {"title": "Recovery Support Library",
                        "articles": "articles", "resources": "resources.ini",
                        "static": "static",
                        "drop_lines": "Blog Article | Report this page"},
        }
        for section, keys in (ini or {}).items():
            self.sections.setdefault(section, {}).update(keys)
        self.write_ini()

    def write(self, rel, data):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data.encode() if isinstance(data, str) else data)
        return path

    def write_ini(self):
        lines = []
        for section, keys in self.sections.items():
            lines.append("[%s]" % section)
            lines += ["%s = %s" % kv for kv in keys.items() if kv[1] is not None]
            lines.append("")
        self.write("gemserv.ini", "\n".join(lines))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def run_gemserv(*args, timeout=60):
    """Runs gemserv to completion (-n, -x, -h ...)."""
    p = subprocess.run([GEMSERV] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    for mark in SANITIZER_MARKS:
        assert mark not in p.stderr, p.stderr.decode(errors="replace")
    return p


class Server:
    """The real server on a Capsule's ports; stop() asserts a clean exit."""

    def __init__(self, capsule, args=(), env=None, preexec_fn=None,
                 binary=None):
        self.capsule = capsule
        self.stderr_path = os.path.join(capsule.dir, "stderr.log")
        self.stderr = open(self.stderr_path, "wb")
        # GEMSERV_WRAPPER (e.g. "valgrind -q ...") runs the server under a
        # tool; valgrind keeps the PID, so stopping by PID still works.
        self.proc = subprocess.Popen(
            WRAPPER + [binary or GEMSERV, "-c", capsule.ini_path] +
            list(args),
            stdin=subprocess.DEVNULL, stdout=self.stderr, stderr=self.stderr,
            env=dict(os.environ, **(env or {})), preexec_fn=preexec_fn)
        self.wait_ready()

    def wait_ready(self, timeout=20):
        deadline = time.monotonic() + timeout
        port = self.capsule.gopher_port
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("gemserv exited %d:\n%s" %
                                     (self.proc.returncode, self.log()))
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.kill()
        raise AssertionError("gemserv did not start:\n" + self.log())

    def log(self):
        if not self.stderr.closed:
            self.stderr.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self, timeout=30):
        """SIGTERM by PID; asserts exit 0 and no sanitizer report."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("gemserv did not stop on SIGTERM")
        self.stderr.close()
        log = self.log()
        for mark in SANITIZER_MARKS:
            assert mark.decode() not in log, log
        assert rc == 0, "exit %d\n%s" % (rc, log)
        return log

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.stderr.closed:
            self.stderr.close()


def tls_context(maximum=None, minimum=ssl.TLSVersion.TLSv1_2):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.minimum_version = minimum
    if maximum is not None:
        ctx.maximum_version = maximum
    return ctx


def recv_all(s):
    """Every chunk a socket (plain or TLS) gives until EOF, as a list: over
    TLS each is one record's plaintext."""
    chunks = []
    while True:
        data = s.recv(65536)
        if not data:
            return chunks
        chunks.append(data)


def gemini(port, request, host="127.0.0.1", sni="localhost", ctx=None,
           timeout=10, session=None, want_session=False, records=False):
    """Sends raw request bytes over TLS, returns every byte of the answer
    (and the TLS session when want_session). Asserts close_notify. With
    records, the answer is a list of each TLS record's plaintext (one
    recv returns one record)."""
    if isinstance(request, str):
        request = request.encode()
    ctx = ctx or tls_context()
    with socket.create_connection((host, port), timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname=sni,
                             session=session) as s:
            s.sendall(request)
            chunks = recv_all(s)
            sess = s.session
            reused = s.session_reused
    out = chunks if records else b"".join(chunks)
    if want_session:
        return out, sess, reused
    return out


def gemini_raw(port, request, host="127.0.0.1", sni="localhost", ctx=None,
               timeout=10):
    """Like gemini(), but tells apart a TLS close_notify from a bare TCP
    close: returns (answer bytes, whether close_notify arrived)."""
    if isinstance(request, str):
        request = request.encode()
    ctx = ctx or tls_context()
    chunks = []
    with socket.create_connection((host, port), timeout) as raw:
        s = ctx.wrap_socket(raw, server_hostname=sni,
                            suppress_ragged_eofs=False)
        try:
            s.sendall(request)
            notify = True
            try:
                while True:
                    data = s.recv(65536)
                    if not data:
                        break
                    chunks.append(data)
            except ssl.SSLEOFError:
                notify = False
        finally:
            s.close()
    return b"".join(chunks), notify


def gopher(port, request, host="127.0.0.1", timeout=10):
    if isinstance(request, str):
        request = request.encode()
    with socket.create_connection((host, port), timeout) as s:
        s.sendall(request)
        return b"".join(recv_all(s))


class SharedServerTest(unittest.TestCase):
    """One capsule and server for all the tests of a class, built from
    capsule_args; port is its Gemini port."""
    capsule_args = {}
    server_env = {}

    @classmethod
    def setUpClass(cls):
        cls.capsule = Capsule(**cls.capsule_args)
        cls.server = Server(cls.capsule, env=cls.server_env)
        cls.port = cls.capsule.gemini_port

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.kill()
            cls.capsule.cleanup()
