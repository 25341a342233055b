"""Every Gemini request rule, over real TLS to the real server, with the
exact bytes of each answer: framing and URI syntax (59), schemes, hosts
and ports (53), normalisation and traversal, redirects, static files,
and the shape of every page (one line ending, no BOM)."""
import os

from harness import SharedServerTest, gemini, gemini_raw

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"
B59 = b"59 Bad request\r\n"
B53 = b"53 Proxy request refused\r\n"
B51 = b"51 Not found\r\n"
# A 1x1 PNG header: signature, then the IHDR chunk libmagic looks for.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01"
       b"\x00\x00\x00\x01\x08\x06\x00\x00\x00" + bytes(16))
SECRET = b"TOP SECRET: must never be served\n"


class GeminiRulesTest(SharedServerTest):
    capsule_args = {"static": {"image.png": PNG,
                               "sub/index.gmi": "# Sub\n",
                               "notes.gmi": "# Notes\n",
                               ".hidden": "hidden\n"}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        d = cls.capsule.dir
        cls.capsule.write("secret.txt", SECRET)
        os.symlink(os.path.join(d, "secret.txt"),
                   os.path.join(d, "static", "outside.txt"))
        os.symlink(d, os.path.join(d, "static", "linkdir"))
        cls.base = "gemini://localhost:%d" % cls.port
        cls.home = gemini(cls.port, cls.base + "/\r\n")
        cls.article = gemini(cls.port, cls.base +
                             "/articles/belonging-heals.gmi\r\n")

    def ask(self, request):
        """The answer to raw request bytes; asserts close_notify."""
        if isinstance(request, str):
            request = request.encode()
        out, notify = gemini_raw(self.port, request)
        self.assertTrue(notify, request)
        return out

    def expect(self, rows):
        for request, want in rows:
            with self.subTest(request=request):
                req = request.replace(b"{b}", self.base.encode()) \
                    .replace(b"{p}", str(self.port).encode()) \
                    .replace(b"{q}", str(self.port + 1).encode())
                self.assertEqual(self.ask(req + b"\r\n"), want)

    def test_bad_requests_are_59(self):
        self.expect([
            (b"", B59),                              # empty
            (b"//localhost:{p}/", B59),              # no scheme
            (b"/", B59),                             # absolute path only
            (b"articles/", B59),                     # relative
            (b"Hello", B59),                         # not a URL
            (b"{b}/\xff", B59),                      # invalid UTF-8
            (b"{b}/\xc0\xaf", B59),                  # overlong UTF-8
            (b"\xef\xbb\xbf{b}/", B59),              # leading BOM
            (b"gemini://user@localhost:{p}/", B59),  # userinfo
            (b"{b}/#top", B59),                      # fragment
            (b"{b}/a\x01b", B59),                    # control character
            (b"{b}/a\x7f", B59),                     # DEL
            (b"{b}/a b", B59),                       # space
            (b"{b}/a\tb", B59),                      # tab
            (b"gemini://localhost:99999/", B59),     # port out of range
            (b"{b}/%zz", B59),                       # bad escape
        ])

    def test_other_schemes_hosts_ports_are_53(self):
        self.expect([
            (b"http://localhost:{p}/", B53),
            (b"https://localhost:{p}/", B53),
            (b"gopher://localhost:{p}/", B53),
            (b"titan://localhost:{p}/x;size=1", B53),
            (b"gemini://example.org:{p}/", B53),     # a host not served
            (b"gemini://localhost:{q}/", B53),       # another port
            (b"gemini://localhost/", B53),           # that is 1965: not ours
        ])

    def test_host_ignores_case_and_loopback_names_are_served(self):
        for req in (b"gemini://LOCALHOST:{p}/", b"gemini://LocalHost:{p}/",
                    b"gemini://127.0.0.1:{p}/", b"gemini://[::1]:{p}/",
                    b"GEMINI://localhost:{p}/"):
            with self.subTest(request=req):
                req = req.replace(b"{p}", str(self.port).encode())
                self.assertEqual(self.ask(req + b"\r\n"), self.home)

    def test_root_without_slash_is_20(self):
        self.assertTrue(self.home.startswith(HEAD_GMI))
        self.assertEqual(self.ask(self.base + "\r\n"), self.home)

    def test_directory_without_slash_is_31(self):
        self.expect([
            (b"{b}/articles", b"31 {b}/articles/\r\n"
             .replace(b"{b}", self.base.encode())),
            (b"{b}/resources", b"31 {b}/resources/\r\n"
             .replace(b"{b}", self.base.encode())),
            (b"{b}/sub", b"31 {b}/sub/\r\n"
             .replace(b"{b}", self.base.encode())),
        ])

    def test_percent_decoding_and_dot_segments(self):
        for path in ("/articles/%62elonging-heals.gmi",
                     "/articles/../articles/belonging-heals.gmi",
                     "/./articles/./belonging-heals.gmi",
                     "/resources/../articles/belonging-heals.gmi",
                     "/articles/belonging%2Dheals.gmi"):
            with self.subTest(path=path):
                self.assertEqual(self.ask(self.base + path + "\r\n"),
                                 self.article)

    def test_nothing_resolves_outside(self):
        rows = [(b"{b}" + p.encode(), want) for p, want in (
            ("/../../etc/passwd", B59),
            ("/..", B59),
            ("/%2e%2e/%2e%2e/etc/passwd", B59),
            ("/%2E%2E/secret.txt", B59),
            ("/a/%2F..%2F..%2Fetc%2Fpasswd", B59),
            ("/%2F", B59),
            ("/%5C..%5Csecret.txt", B59),
            ("/favicon.txt%00.gmi", B59),
            ("/%00", B59),
            ("/static/../../secret.txt", B59),
            ("/outside.txt", B51),                   # symlink leading out
            ("/linkdir/secret.txt", B51),            # symlinked directory
            ("/linkdir/", B51),
            ("/.hidden", B51),                       # dot files stay hidden
            ("/secret.txt", B51),                    # outside static/
        )]
        self.expect(rows)
        for row in rows:
            req = row[0].replace(b"{b}", self.base.encode()) + b"\r\n"
            self.assertNotIn(b"TOP SECRET", self.ask(req))

    def test_missing_is_51(self):
        self.expect([(b"{b}/no-such-page", B51),
                     (b"{b}/articles/no-such.gmi", B51),
                     (b"{b}/sub/missing.png", B51)])

    def test_static_files_typed_by_libmagic(self):
        self.assertEqual(self.ask(self.base + "/image.png\r\n"),
                         b"20 image/png\r\n" + PNG)
        self.assertEqual(self.ask(self.base + "/notes.gmi\r\n"),
                         b"20 text/gemini\r\n# Notes\n")
        self.assertEqual(self.ask(self.base + "/sub/\r\n"),
                         b"20 text/gemini\r\n# Sub\n")
        out = self.ask(self.base + "/favicon.txt\r\n")
        self.assertEqual(out, b"20 text/plain\r\n\xf0\x9f\x8c\xb1\n")

    def test_pages_have_one_line_ending_and_no_bom(self):
        for path, mime in (("/", HEAD_GMI), ("/articles/", HEAD_GMI),
                           ("/articles/belonging-heals.gmi", HEAD_GMI),
                           ("/resources/", HEAD_GMI),
                           ("/resources/988-lifeline.gmi", HEAD_GMI),
                           ("/robots.txt", b"20 text/plain\r\n"),
                           ("/atom.xml", b"20 application/atom+xml\r\n")):
            with self.subTest(path=path):
                out = gemini(self.port, self.base + path + "\r\n")
                self.assertTrue(out.startswith(mime), out[:60])
                body = out[len(mime):]
                self.assertNotIn(b"\r", body)
                self.assertFalse(body.startswith(b"\xef\xbb\xbf"))
                self.assertTrue(body.endswith(b"\n"))
