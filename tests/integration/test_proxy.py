"""PROXY protocol: HAProxy in TCP mode with send-proxy-v2 in front of two
gemserv instances (TLS passed through to them), the access log naming
the real client; and a listener that expects the header closing
connections without one, or with a malformed one, unanswered."""
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

from harness import Capsule, Server, free_port, tls_context

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"
CLIENT = "127.0.0.2"    # loopback too, but not what HAProxy connects from
PROXY_ON = {"gemini": {"proxy_protocol": "yes"},
            "gopher": {"proxy_protocol": "yes"}}


def find_haproxy():
    """The haproxy binary, installing the Debian package when root."""
    path = shutil.which("haproxy") or (
        os.path.exists("/usr/sbin/haproxy") and "/usr/sbin/haproxy")
    if path:
        return path, None
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "haproxy is not installed (Debian package haproxy)"
    r = subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=300, env=dict(os.environ,
                                             DEBIAN_FRONTEND="noninteractive"))
    if r.returncode != 0:
        return None, "apt-get install haproxy failed: %s" % r.stderr[-200:]
    return shutil.which("haproxy") or "/usr/sbin/haproxy", None


def exchange(port, data, tls=False, source=CLIENT, header=b"", timeout=10):
    """Connects from source, sends header then data (over TLS when tls),
    returns every byte of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout,
                                  source_address=(source, 0)) as raw:
        if header:
            raw.sendall(header)
        if not tls:
            return talk(raw, data)
        with tls_context().wrap_socket(raw, server_hostname="localhost") as s:
            return talk(s, data)


def talk(s, data):
    s.sendall(data)
    chunks = []
    while True:
        b = s.recv(65536)
        if not b:
            break
        chunks.append(b)
    return b"".join(chunks)


def closed_silently(port, data, header=b""):
    """True when the server closes without sending a byte."""
    with socket.create_connection(("127.0.0.1", port), 10) as s:
        s.sendall(header + data)
        try:
            return s.recv(65536) == b""
        except ConnectionResetError:
            return True


class HAProxyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.haproxy, why = find_haproxy()
        if cls.haproxy is None:
            raise unittest.SkipTest(why)
        cls.capsules = [Capsule(ini=PROXY_ON) for _ in range(2)]
        cls.servers = []
        cls.proc = None
        try:
            for c in cls.capsules:
                cls.servers.append(Server(c))
            cls.start_haproxy()
        except BaseException:
            cls.cleanup()
            raise

    @classmethod
    def start_haproxy(cls):
        cls.dir = tempfile.mkdtemp(prefix="gemserv-haproxy-")
        cls.gemini_port = free_port()
        cls.gopher_port = free_port()
        lines = ["global", "    maxconn 200", "defaults", "    mode tcp",
                 "    timeout connect 5s", "    timeout client 30s",
                 "    timeout server 30s"]
        for name, port, attr in (("gem", cls.gemini_port, "gemini_port"),
                                 ("goph", cls.gopher_port, "gopher_port")):
            lines += ["frontend %s" % name,
                      "    bind 127.0.0.1:%d" % port,
                      "    default_backend %s_back" % name,
                      "backend %s_back" % name, "    balance roundrobin"]
            for i, c in enumerate(cls.capsules):
                lines.append("    server s%d 127.0.0.1:%d send-proxy-v2" %
                             (i, getattr(c, attr)))
        cfg = os.path.join(cls.dir, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write("\n".join(lines) + "\n")
        cls.hlog = open(os.path.join(cls.dir, "haproxy.log"), "wb")
        cls.proc = subprocess.Popen([cls.haproxy, "-f", cfg, "-db"],
                                    stdin=subprocess.DEVNULL,
                                    stdout=cls.hlog, stderr=cls.hlog)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if cls.proc.poll() is not None:
                raise AssertionError("haproxy exited: " + cls.haproxy_log())
            try:
                for port in (cls.gemini_port, cls.gopher_port):
                    socket.create_connection(("127.0.0.1", port), 1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("haproxy did not start: " + cls.haproxy_log())

    @classmethod
    def haproxy_log(cls):
        cls.hlog.flush()
        with open(cls.hlog.name, "rb") as f:
            return f.read().decode(errors="replace")

    @classmethod
    def cleanup(cls):
        if cls.proc is not None and cls.proc.poll() is None:
            cls.proc.terminate()
            try:
                cls.proc.wait(10)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
                cls.proc.wait()
        for s in cls.servers:
            s.kill()
        for c in cls.capsules:
            c.cleanup()
        if getattr(cls, "dir", None):
            cls.hlog.close()
            shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        try:
            for s in cls.servers:
                s.stop()
        finally:
            cls.cleanup()

    def test_both_instances_serve_and_log_the_client(self):
        url = "gemini://localhost:%d/" % self.gemini_port
        for _ in range(4):
            # TLS end to end: HAProxy only forwards the bytes.
            out = exchange(self.gemini_port, (url + "\r\n").encode(),
                           tls=True)
            self.assertTrue(out.startswith(HEAD_GMI), out[:80])
            out = exchange(self.gopher_port, b"/caps.txt\r\n")
            self.assertTrue(out.startswith(b"CAPS"), out[:80])
        time.sleep(0.3)
        for s in self.servers:
            log = s.log()
            lines = [l for l in log.splitlines() if '"' in l]
            gem = [l for l in lines if ' gemini "%s"' % url in l]
            gop = [l for l in lines if ' gopher "/caps.txt"' in l]
            self.assertGreaterEqual(len(gem), 1, log)
            self.assertGreaterEqual(len(gop), 1, log)
            for l in gem + gop:
                self.assertEqual(l.split()[1], CLIENT, l)

    def test_direct_connections_are_refused(self):
        s = self.servers[0]
        c = self.capsules[0]
        before = s.log().count("missing or malformed PROXY header")
        # No header: a gopher selector, a TLS ClientHello.
        self.assertTrue(closed_silently(c.gopher_port, b"/caps.txt\r\n"))
        with self.assertRaises((ssl.SSLError, OSError)):
            exchange(c.gemini_port, b"gemini://localhost/\r\n", tls=True,
                     source="127.0.0.1")
        # Malformed headers.
        for bad in (b"PROXY TCP4 192.0.2.1 127.0.0.1 99999 70\r\n",
                    b"PROXY TCP4 192.0.2.1 127.0.0.1 1000\r\n",
                    b"PROXY TCP6 192.0.2.1 ::1 1000 70\r\n",
                    b"\r\n\r\n\x00\r\nQUIT\n\x31\x11\x00\x0c" + bytes(12),
                    b"PROXY " + b"x" * 120 + b"\r\n"):
            self.assertTrue(closed_silently(c.gopher_port, b"/\r\n", bad),
                            bad)
        self.assertTrue(wait_for_count(
            s, "missing or malformed PROXY header", before + 7))
        # The warning names the real peer; no access line is written.
        self.assertIn("127.0.0.1: missing or malformed PROXY header",
                      s.log())
        self.assertNotIn("192.0.2.1", s.log())

    def test_v1_header_direct(self):
        c = self.capsules[1]
        hdr = b"PROXY TCP4 198.51.100.9 127.0.0.1 40000 %d\r\n" % c.gopher_port
        out = exchange(c.gopher_port, b"/caps.txt\r\n", header=hdr,
                       source="127.0.0.1")
        self.assertTrue(out.startswith(b"CAPS"), out[:80])
        hdr = (b"PROXY TCP6 2001:db8::7 ::1 40001 %d\r\n" %
               c.gemini_port)
        out = exchange(c.gemini_port, b"gemini://localhost:%d/\r\n" %
                       c.gemini_port, tls=True, header=hdr,
                       source="127.0.0.1")
        self.assertTrue(out.startswith(HEAD_GMI), out[:80])
        # UNKNOWN: the connection's own address is logged.
        out = exchange(c.gopher_port, b"/caps.txt\r\n",
                       header=b"PROXY UNKNOWN\r\n", source="127.0.0.1")
        self.assertTrue(out.startswith(b"CAPS"), out[:80])
        time.sleep(0.3)
        log = self.servers[1].log()
        self.assertIn(' 198.51.100.9 gopher "/caps.txt"', log)
        self.assertIn(' 2001:db8::7 gemini "gemini://', log)
        self.assertIn(' 127.0.0.1 gopher "/caps.txt"', log)


def wait_for_count(server, text, n, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.log().count(text) >= n:
            return True
        time.sleep(0.05)
    return False


if __name__ == "__main__":
    unittest.main()
