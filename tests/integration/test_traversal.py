"""Escaping the capsule: a table of ways to name a file outside static/ -
dot segments, percent-encoded dots, slashes and backslashes, overlong and
look-alike UTF-8, NUL bytes, double encoding, and symlinks inside static/
that point out - asked over Gemini and Gopher. No byte of a file outside
static/ may ever be served, nor the names in a directory outside it."""
import os
import random
import unittest

from harness import SharedServerTest, gemini, gopher

SECRET = "SECRET-%08x" % random.getrandbits(32)
INSIDE = "INSIDE-%08x" % random.getrandbits(32)

# Paths as raw bytes after the host; each must fail to leave static/.
ESCAPES = [
    b"/../secret.txt",
    b"/../../secret.txt",
    b"/./../secret.txt",
    b"/a/../../secret.txt",
    b"/sub/../../secret.txt",
    b"//../secret.txt",
    b"/.../secret.txt",
    b"/....//secret.txt",
    b"/..;/secret.txt",
    b"/../../../../../../../../etc/passwd",
    b"/%2e%2e/secret.txt",
    b"/%2E%2E/secret.txt",
    b"/.%2e/secret.txt",
    b"/%2e./secret.txt",
    b"/%2e/%2e%2e/secret.txt",
    b"/.%2E/.%2E/secret.txt",
    b"/sub/%2e%2e/%2e%2e/secret.txt",
    b"/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/..%2fsecret.txt",
    b"/..%2Fsecret.txt",
    b"/%2e%2e%2fsecret.txt",
    b"/%2e%2e%2f%2e%2e%2fsecret.txt",
    b"/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
    b"/..%5csecret.txt",
    b"/%2e%2e%5csecret.txt",
    b"/..\\secret.txt",
    b"/\\..\\secret.txt",
    b"/%5c..%5csecret.txt",
    b"/..\\..\\..\\etc\\passwd",
    b"/%c0%ae%c0%ae/secret.txt",
    b"/%c0%ae%c0%ae%c0%afsecret.txt",
    b"/..%c0%afsecret.txt",
    b"/..%c1%9csecret.txt",
    b"/..%e0%80%afsecret.txt",
    b"/%e0%80%ae%e0%80%ae/secret.txt",
    b"/%f0%80%80%ae%f0%80%80%ae/secret.txt",
    b"/\xc0\xae\xc0\xae/secret.txt",
    b"/..\xc0\xafsecret.txt",
    b"/%ef%bc%8e%ef%bc%8e/secret.txt",
    b"/\xef\xbc\x8e\xef\xbc\x8e/secret.txt",
    b"/..\xe2\x88\x95secret.txt",
    b"/%uff0e%uff0e/secret.txt",
    b"/..%00/secret.txt",
    b"/%00../secret.txt",
    b"/.%00./secret.txt",
    b"/../secret.txt%00.gmi",
    b"/..\x00/secret.txt",
    b"/../secret.txt\x00",
    b"/%252e%252e/secret.txt",
    b"/%25%32%65%25%32%65/secret.txt",
    b"/..%252fsecret.txt",
    b"/..%255csecret.txt",
    b"/..%20/secret.txt",
    b"/.. /secret.txt",
    b"/..\t/secret.txt",
    b"/link-file",
    b"/link-dir/secret.txt",
    b"/link-dir/static/../secret.txt",
    b"/./link-dir/../secret.txt",
    b"/abs-link",
    b"/abs-dir/secret.txt",
    b"/sub/deeper",
    b"/sub/up/secret.txt",
    b"/link-dir",
    b"/link-dir/",
    b"/abs-dir/",
    b"/link-passwd",
]


class TraversalTest(SharedServerTest):
    capsule_args = {"static": {"inside.txt": INSIDE + "\n",
                               "sub/index.gmi": "# sub\n"}}

    @classmethod
    def setUpClass(cls):
        # Static files are opened per request: links made now count.
        super().setUpClass()
        d = cls.capsule.dir
        cls.capsule.write("secret.txt", SECRET + "\n")
        cls.capsule.write("outside/secret.txt", SECRET + "\n")
        st = cls.capsule.static
        os.symlink("../secret.txt", os.path.join(st, "link-file"))
        os.symlink("..", os.path.join(st, "link-dir"))
        os.symlink(os.path.join(d, "secret.txt"),
                   os.path.join(st, "abs-link"))
        os.symlink(os.path.join(d, "outside"), os.path.join(st, "abs-dir"))
        os.symlink("../../secret.txt", os.path.join(st, "sub", "deeper"))
        os.symlink("../..", os.path.join(st, "sub", "up"))
        os.symlink("/etc/passwd", os.path.join(st, "link-passwd"))
        cls.gem = cls.capsule.gemini_port
        cls.gph = cls.capsule.gopher_port

    def ask_gemini(self, path):
        return gemini(self.gem, b"gemini://localhost:%d%s\r\n" %
                      (self.gem, path), timeout=10)

    def ask_gopher(self, selector):
        return gopher(self.gph, selector + b"\r\n", timeout=10)

    def assert_clean(self, out, what):
        self.assertNotIn(SECRET.encode(), out, what)
        self.assertNotIn(b"root:x:0:0", out, what)
        # A listing of a directory outside would name its files; an
        # error line may quote the selector asked for.
        for line in out.split(b"\r\n"):
            if not line.startswith((b"3", b"i")):
                self.assertNotIn(b"secret.txt", line, what)

    def test_table_is_large(self):
        self.assertGreaterEqual(len(ESCAPES), 50)

    def test_inside_is_served(self):
        # The control: the same server does serve a file inside static/.
        self.assertIn(INSIDE.encode(), self.ask_gemini(b"/inside.txt"))
        self.assertIn(INSIDE.encode(), self.ask_gopher(b"/inside.txt"))

    def test_gemini_escapes(self):
        for path in ESCAPES:
            with self.subTest(path=path):
                out = self.ask_gemini(path)
                self.assert_clean(out, path)
                # Never a success: every path here names no page.
                self.assertFalse(out.startswith(b"20 "), (path, out[:80]))

    def test_gopher_escapes(self):
        for path in ESCAPES:
            for sel in (path, path[1:]):
                with self.subTest(selector=sel):
                    self.assert_clean(self.ask_gopher(sel), sel)

    def test_server_survived(self):
        self.assertIn(INSIDE.encode(), self.ask_gemini(b"/inside.txt"))


if __name__ == "__main__":
    unittest.main()
