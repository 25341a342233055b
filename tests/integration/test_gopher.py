"""Gopher over a real socket: menus, texts, errors, the URL: page, the
Gopher+ root probe, TLS on the gopher port, the read timeout, and real
clients (curl, lynx, sacc in tmux) against the running server."""
import os
import shutil
import socket
import ssl
import subprocess
import time
import unittest

from harness import (ROOT, SharedServerTest, gemini, gopher, recv_all,
                     run_gemserv, server_socket_held, tls_context, wait_for)

TITLE = b"Recovery Support Library"
ARTICLE = "/articles/belonging-heals.txt"
ARTICLE_TITLE = b"Belonging Heals"
READ_TIMEOUT = 3            # harness: [server] read_timeout = 3


def err(msg):
    """The type-3 error menu, byte for byte."""
    return b"3" + msg + b"\t\terror.host\t1\r\n.\r\n"


def url_page(url):
    return (b'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
            b'<meta http-equiv="refresh" content="0; url=' + url + b'">\n'
            b'<title>Link</title>\n</head>\n<body>\n<p><a href="' + url +
            b'">' + url + b'</a></p>\n</body>\n</html>\n')


def ensure_tool(tool, package):
    """The path of tool, installing its Debian package when missing and
    running as root; None when it cannot be had."""
    path = shutil.which(tool)
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", package],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"),
                       timeout=600)
        path = shutil.which(tool)
    return path


ROOT_MENU = """\
iRecovery Support Library\t\terror.host\t1
i\t\terror.host\t1
iArticles and resources, served over Gemini and Gopher.\t\terror.host\t1
i\t\terror.host\t1
iLatest articles\t\terror.host\t1
02025-06-02 Belonging Heals: The Role of Recovery Support Networks\t\
/articles/belonging-heals.txt\tlocalhost\t{gp}
1All articles (1)\t/articles/\tlocalhost\t{gp}
i\t\terror.host\t1
iRecovery resources\t\terror.host\t1
1Helplines, peer support and treatment locators (31)\t/resources/\t\
localhost\t{gp}
7Search articles and resources\t/search\tlocalhost\t{gp}
i\t\terror.host\t1
iOther ways to read\t\terror.host\t1
hThe same capsule over Gemini\tURL:gemini://localhost:{mp}/\tlocalhost\t{gp}
0Server capabilities (caps.txt)\t/caps.txt\tlocalhost\t{gp}
.
"""

CAPS = """\
CAPS

CapsVersion=1
ExpireCapsAfter=3600

PathDelimeter=/
PathIdentity=.
PathParent=..
PathParentDouble=FALSE
PathKeepPreDelimeter=FALSE

ServerSoftware=gemserv
ServerSoftwareVersion=0.1.0
ServerDescription=Recovery Support Library
ServerDefaultEncoding=UTF-8
"""


def crlf(text):
    return text.replace("\n", "\r\n").encode()


class ExactBytesTest(SharedServerTest):
    """What a gopher client receives, byte for byte."""

    def test_root_menu(self):
        want = crlf(ROOT_MENU.format(gp=self.capsule.gopher_port,
                                     mp=self.capsule.gemini_port))
        self.assertEqual(gopher(self.capsule.gopher_port, "\r\n"), want)

    def test_caps(self):
        self.assertEqual(gopher(self.capsule.gopher_port, "/caps.txt\r\n"),
                         crlf(CAPS))

    def test_article_is_the_golden_file(self):
        with open(os.path.join(ROOT, "tests", "golden",
                               "belonging-heals.txt"), "rb") as f:
            want = f.read()
        self.assertEqual(gopher(self.capsule.gopher_port, ARTICLE + "\r\n"),
                         want)

    def test_every_item_is_the_exported_file(self):
        """The resource directory and every other item as served equal
        the -x export of the same capsule, whose bytes the conversion
        tests pin."""
        out = os.path.join(self.capsule.dir, "export")
        p = run_gemserv("-c", self.capsule.ini_path, "-x", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        root = os.path.join(out, "gopher")
        seen = 0
        for d, _, files in os.walk(root):
            for name in files:
                path = os.path.join(d, name)
                sel = "/" + os.path.relpath(path, root)
                if name == "gophermap":
                    sel = sel[:-len("gophermap")]
                with open(path, "rb") as f:
                    want = f.read()
                with self.subTest(selector=sel):
                    self.assertEqual(
                        gopher(self.capsule.gopher_port, sel + "\r\n"),
                        want)
                seen += 1
        self.assertGreater(seen, 30)
        directory = gopher(self.capsule.gopher_port, "/resources/\r\n")
        self.assertTrue(directory.startswith(
            b"iRecovery resource directory\t\terror.host\t1\r\n"))
        self.assertIn(b"iCrisis lines\t\terror.host\t1\r\n1988 Suicide & "
                      b"Crisis Lifeline (United States)\t/resources/"
                      b"988-lifeline/\tlocalhost\t%d\r\n"
                      % self.capsule.gopher_port, directory)


class GopherTest(SharedServerTest):

    def get(self, request, **kw):
        return gopher(self.capsule.gopher_port, request, **kw)

    def assert_menu(self, data):
        """Every line has four fields and the menu ends with ".\\r\\n"."""
        self.assertTrue(data.endswith(b"\r\n.\r\n"), data[-40:])
        lines = data[:-3].split(b"\r\n")
        self.assertEqual(lines.pop(), b"")
        self.assertGreater(len(lines), 0)
        for line in lines:
            self.assertEqual(len(line.split(b"\t")), 4, line)
            self.assertNotIn(b"\n", line)
            self.assertNotIn(b"\r", line)
        return lines

    def test_root_menu(self):
        data = self.get("\r\n")
        lines = self.assert_menu(data)
        port = str(self.capsule.gopher_port).encode()
        self.assertIn(TITLE, lines[0])
        items = [l.split(b"\t") for l in lines]
        self.assertIn([b"0", ARTICLE.encode(), b"localhost", port],
                      [[i[0][:1], i[1], i[2], i[3]] for i in items])
        self.assertTrue(any(i[0].startswith(b"1") and i[1] == b"/articles/"
                            for i in items))
        for i in items:
            if not i[0].startswith((b"i", b"3")):
                self.assertEqual(i[2:], [b"localhost", port], i)
        # The same menu for "/" and for a bare LF.
        self.assertEqual(self.get("/\r\n"), data)
        self.assertEqual(self.get("\n"), data)
        self.assertEqual(self.get("/\n"), data)

    def test_articles_menu(self):
        data = self.get("/articles/\r\n")
        self.assert_menu(data)
        self.assertIn(ARTICLE.encode(), data)
        self.assertEqual(self.get("/articles\r\n"), data)

    def test_article_text(self):
        data = self.get(ARTICLE + "\r\n")
        self.assertIn(ARTICLE_TITLE, data)
        self.assertIn(b"\r\n", data)
        self.assertNotIn(b"error.host", data)
        # A search string or Gopher+ marker does not change the item.
        self.assertEqual(self.get(ARTICLE + "\t+\r\n"), data)
        self.assertEqual(self.get(ARTICLE + "\twords\r\n"), data)

    def test_missing(self):
        self.assertEqual(self.get("/nope\r\n"), err(b"Not found: /nope"))
        self.assertEqual(self.get("/articles/nope.txt\r\n"),
                         err(b"Not found: /articles/nope.txt"))

    def test_url_page(self):
        self.assertEqual(
            self.get("URL:https://example.org/?a=1&b=2\r\n"),
            url_page(b"https://example.org/?a=1&amp;b=2"))
        self.assertEqual(self.get("URL:javascript:alert(1)\r\n"),
                         err(b"Unsupported link"))
        self.assertEqual(self.get("URL:file:///etc/passwd\r\n"),
                         err(b"Unsupported link"))

    def test_caps(self):
        data = self.get("caps.txt\r\n")
        self.assertTrue(data.startswith(b"CAPS"), data[:40])
        self.assertIn(b"CapsVersion=1", data)
        self.assertEqual(self.get("/caps.txt\r\n"), data)

    def test_long_selector(self):
        self.assertEqual(self.get("/" + "a" * 1024 + "\r\n"),
                         err(b"Selector too long"))
        # 1024 bytes is still a selector: not found, echoed cut.
        self.assertEqual(self.get("/" + "a" * 1023 + "\r\n"),
                         err(b"Not found: /" + b"a" * 46 + b"..."))

    def test_request_without_end(self):
        # More than a line's worth with no LF: an error, then close.
        data = self.get("/" + "a" * 6000)
        self.assertTrue(data.startswith(b"3"), data[:60])
        self.assertTrue(data.endswith(b"\t\terror.host\t1\r\n.\r\n"))

    def test_traversal(self):
        for sel in ("/../gemserv.ini", "../gemserv.ini", "..",
                    "/articles/../../gemserv.ini", "/%2e%2e/gemserv.ini",
                    "/%2E%2e/resources.ini", "/.%2e/gemserv.ini",
                    "/static%2f..%2fgemserv.ini", "..\\gemserv.ini",
                    "/..\\gemserv.ini", "/./caps.txt", "//..//gemserv.ini",
                    "/../gemserv.ini\t$"):
            with self.subTest(sel=sel):
                data = self.get(sel + "\r\n")
                self.assertEqual(data, err(b"Invalid selector"))
                self.assertNotIn(b"[server]", data)
        for sel in ("/\x00", "/a\x01b", "/a\x1b[2J"):
            with self.subTest(sel=sel):
                self.assertEqual(self.get(sel + "\r\n"),
                                 err(b"Invalid selector"))

    def test_static_file(self):
        with open(os.path.join(self.capsule.static, "favicon.txt"),
                  "rb") as f:
            want = f.read()
        self.assertEqual(self.get("/favicon.txt\r\n"), want)

    def test_plus_root_probe(self):
        want = (b"+-1\r\n+INFO: 1" + TITLE + b"\t\tlocalhost\t" +
                str(self.capsule.gopher_port).encode() + b"\r\n.\r\n")
        self.assertEqual(self.get("\t$\r\n"), want)
        self.assertEqual(self.get("/\t$\n"), want)

    def test_clean_exchange_closes_at_once(self):
        # A client that sent only its request is answered and closed at
        # once: the server does not wait for its FIN.
        port = self.capsule.gopher_port
        with socket.create_connection(("127.0.0.1", port), 10) as s:
            s.sendall(b"\r\n")
            got = b"".join(recv_all(s))
            me = s.getsockname()[1]
            # The lingering close would hold it for 2 s.
            self.assertTrue(wait_for(
                lambda: not server_socket_held(port, me), timeout=1))
        self.assertEqual(got, self.get("\r\n"))

    def test_close_waits_for_the_client(self):
        # A client that sent more than its request makes the server read
        # and drop what follows until the client closes: never a reset
        # that could destroy the answer it has not read yet.
        want = self.get("\r\n")
        port = self.capsule.gopher_port
        with socket.create_connection(("127.0.0.1", port), 10) as s:
            s.sendall(b"\r\nand more")
            time.sleep(0.3)                 # answered and shut by now
            self.assertTrue(server_socket_held(port, s.getsockname()[1]))
            for _ in range(3):              # a reset makes these raise
                s.sendall(b"more bytes the server never asked for\r\n")
                time.sleep(0.1)
            got = b"".join(recv_all(s))     # ... or this
        self.assertEqual(got, want)
        # Bytes after a clean answer come too late to harm it: it was
        # whole in the client's buffer before they left.
        with socket.create_connection(("127.0.0.1", port), 10) as s:
            s.sendall(b"\r\n")
            time.sleep(0.3)
            s.sendall(b"late bytes\r\n")
            time.sleep(0.3)
            self.assertEqual(b"".join(recv_all(s)), want)
        # A client that half-closes right after its request.
        with socket.create_connection(("127.0.0.1",
                                       self.capsule.gopher_port), 10) as s:
            s.sendall(b"\r\n")
            s.shutdown(socket.SHUT_WR)
            got = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        self.assertEqual(got, want)

    def test_idle_client_closed(self):
        port = self.capsule.gopher_port
        idle = socket.create_connection(("127.0.0.1", port), 10)
        try:
            idle.sendall(b"/artic")         # never finished
            t0 = time.monotonic()
            data = self.get("\r\n")         # served meanwhile
            self.assertLess(time.monotonic() - t0, READ_TIMEOUT - 1)
            self.assert_menu(data)
            idle.settimeout(READ_TIMEOUT + 10)
            got = b""
            try:
                while True:
                    chunk = idle.recv(65536)
                    if not chunk:
                        break
                    got += chunk
            except ConnectionResetError:
                pass
            elapsed = time.monotonic() - t0
            self.assertGreater(elapsed, READ_TIMEOUT - 1)
            self.assertLess(elapsed, READ_TIMEOUT + 5)
            self.assertNotIn(ARTICLE_TITLE, got)
        finally:
            idle.close()

    def test_curl(self):
        curl = shutil.which("curl")
        if curl is None:
            self.skipTest("curl not installed")
        port = self.capsule.gopher_port
        p = subprocess.run([curl, "-s", "--max-time", "20",
                            "gopher://127.0.0.1:%d/0%s" % (port, ARTICLE)],
                           stdout=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(p.stdout, self.get(ARTICLE + "\r\n"))
        p = subprocess.run([curl, "-s", "--max-time", "20",
                            "gopher://127.0.0.1:%d/" % port],
                           stdout=subprocess.PIPE, timeout=30)
        self.assertEqual(p.stdout, self.get("\r\n"))

    def test_lynx(self):
        lynx = ensure_tool("lynx", "lynx")
        if lynx is None:
            self.skipTest("lynx not available")
        port = self.capsule.gopher_port
        p = subprocess.run([lynx, "-dump", "-nolist", "-width=100",
                            "gopher://127.0.0.1:%d/" % port],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60,
                           env=dict(os.environ, TERM="dumb"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(TITLE, p.stdout)
        self.assertIn(ARTICLE_TITLE, p.stdout)
        self.assertIn(b"All articles", p.stdout)
        p = subprocess.run([lynx, "-dump", "-nolist", "-width=100",
                            "gopher://127.0.0.1:%d/1/articles/" % port],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60,
                           env=dict(os.environ, TERM="dumb"))
        self.assertIn(ARTICLE_TITLE, p.stdout)
        p = subprocess.run([lynx, "-dump", "-nolist", "-width=100",
                            "gopher://127.0.0.1:%d/0%s" % (port, ARTICLE)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60,
                           env=dict(os.environ, TERM="dumb"))
        self.assertIn(ARTICLE_TITLE, p.stdout)


class SaccTest(SharedServerTest):
    """sacc, a curses gopher client, driven in a private tmux server."""

    def setUp(self):
        self.sacc = ensure_tool("sacc", "sacc")
        self.tmux = ensure_tool("tmux", "tmux")
        if self.sacc is None or self.tmux is None:
            self.skipTest("sacc or tmux not available")
        # A private tmux server whose socket lives in the capsule's
        # temporary directory: nothing here touches other tmux servers.
        self.sock = os.path.join(self.capsule.dir, "tmux.sock")
        self.session = "gopher%d" % os.getpid()

    def tmux_cmd(self, *args):
        return subprocess.run([self.tmux, "-S", self.sock] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=20)

    def screen(self):
        return self.tmux_cmd("capture-pane", "-p", "-t",
                             self.session).stdout.decode(errors="replace")

    def wait_for(self, *texts, timeout=20):
        deadline = time.monotonic() + timeout
        shown = ""
        while time.monotonic() < deadline:
            shown = self.screen()
            if all(t in shown for t in texts):
                return shown
            time.sleep(0.2)
        self.fail("%r not on screen:\n%s" % (texts, shown))

    def start(self, url):
        p = self.tmux_cmd("new-session", "-d", "-s", self.session,
                          "-x", "100", "-y", "40",
                          "env TERM=screen %s %s" % (self.sacc, url))
        self.assertEqual(p.returncode, 0, p.stderr)

    def keys(self, *keys):
        for k in keys:
            self.tmux_cmd("send-keys", "-t", self.session, k)
            time.sleep(0.2)

    def test_sacc(self):
        url = "gopher://127.0.0.1:%d/" % self.capsule.gopher_port
        try:
            self.start(url)
            self.wait_for(TITLE.decode(), ARTICLE_TITLE.decode(),
                          "All articles")
            # Open the article: sacc's '/' search selects it, 'l' opens.
            # Type only once the prompt is up, so no key can reach sacc
            # before it reads them (it flaked on a loaded machine).
            self.keys("/")
            self.wait_for("Search for:")
            self.keys("Belonging", "Enter", "l")
            shown = self.wait_for("=" * 30, "Tags:")
            self.assertNotIn("All articles", shown)
            self.assertNotIn("error.host", shown)
            self.tmux_cmd("kill-session", "-t", self.session)
            # The article menu, by URL.
            self.start(url + "1/articles/")
            self.wait_for(TITLE.decode() + ": articles",
                          ARTICLE_TITLE.decode())
        finally:
            self.tmux_cmd("kill-server")


class GopherTlsTest(SharedServerTest):
    capsule_args = {"ini": {"gopher": {"tls": "yes"}}}

    def tls_get(self, request):
        ctx = tls_context()
        port = self.capsule.gopher_port
        with socket.create_connection(("127.0.0.1", port), 10) as raw, \
                ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(request)
            chunks = []
            while True:
                # A TCP close without close_notify raises SSLEOFError here.
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
            try:
                s.unwrap()
            except (BrokenPipeError, ConnectionResetError):
                pass            # the peer's close_notify already came
            return b"".join(chunks)

    def test_tls_root(self):
        plain = gopher(self.capsule.gopher_port, b"\r\n")
        self.assertTrue(plain.endswith(b".\r\n"))
        self.assertIn(TITLE, plain)
        self.assertEqual(self.tls_get(b"\r\n"), plain)

    def test_tls_error_menu(self):
        self.assertEqual(self.tls_get(b"/nope\r\n"), err(b"Not found: /nope"))

    def test_tls_article(self):
        self.assertEqual(self.tls_get(ARTICLE.encode() + b"\r\n"),
                         gopher(self.capsule.gopher_port,
                                ARTICLE.encode() + b"\r\n"))


if __name__ == "__main__":
    unittest.main()


# 3 MiB that are not text: a static file streamed over plain TCP (from the
# page cache with sendfile) and over TLS (in 16 KiB records).
BLOB = bytes((i * 13 + i // 509) & 0xff for i in range(3 << 20))


class GopherLargeFileTest(SharedServerTest):
    capsule_args = {"static": {"big.bin": BLOB},
                    "ini": {"gopher": {"tls": "yes"}}}

    def test_plain_whole_and_logged(self):
        self.assertEqual(gopher(self.capsule.gopher_port, "/big.bin\r\n",
                                timeout=30), BLOB)
        line = [ln for ln in self.server.log().splitlines()
                if '"/big.bin"' in ln and " gopher " in ln]
        self.assertTrue(line, self.server.log()[-2000:])
        self.assertIn(" %d " % len(BLOB), line[-1])

    def test_plain_slow_reader(self):
        # The socket fills and the server waits for it, then goes on from
        # where the file stood.
        with socket.create_connection(("127.0.0.1", self.capsule.gopher_port),
                                      30) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"/big.bin\r\n")
            time.sleep(1.5)
            self.assertEqual(b"".join(recv_all(s)), BLOB)

    def test_tls_whole(self):
        self.assertEqual(gemini(self.capsule.gopher_port, "/big.bin\r\n",
                                timeout=30), BLOB)

    def test_file_that_grows_ends_at_its_size_when_opened(self):
        # A file appended to while it is sent ends where it stood when
        # the request opened it, over sendfile and over TLS alike.
        path = os.path.join(self.capsule.static, "grows.bin")
        port = self.capsule.gopher_port
        # More than the sockets buffer while the client waits.
        blob = BLOB * 8
        for tls in (False, True):
            with open(path, "wb") as f:
                f.write(blob)
            s = socket.create_connection(("127.0.0.1", port), 30)
            if tls:
                s = tls_context().wrap_socket(s, server_hostname="localhost")
            with s:
                s.sendall(b"/grows.bin\r\n")
                time.sleep(1)       # opened, and waiting for the reader
                with open(path, "ab") as f:
                    f.write(b"x" * 65536)
                got = b"".join(recv_all(s))
            self.assertEqual(len(got), len(blob), tls)
            self.assertEqual(got, blob, tls)
