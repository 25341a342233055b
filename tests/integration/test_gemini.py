"""Gemini over the real server: exact response bytes, request framing
limits, timeouts, streaming of static files, IPv6 and the access log."""
import os
import re
import socket
import time
import unittest

from harness import (SharedServerTest, WRAPPER, gemini, gemini_raw,
                     run_gemserv, tls_context, worker_rss_kb)

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"
# 1 MiB of bytes that are not text, to stream from the static directory.
BLOB = bytes((i * 7 + i // 251) & 0xff for i in range(1 << 20))


# An article whose page spans several TLS records.
LONG_ARTICLE = "Title: A Long Read\nDate: 2025-01-05\n\n" + "\n\n".join(
    "Paragraph %d of a long article: peer support and mutual aid, one "
    "day at a time, with room for everyone who asks." % i
    for i in range(600)) + "\n"


class GeminiTest(SharedServerTest):
    capsule_args = {"static": {"blob.bin": BLOB},
                    "articles": {"long-read.txt": LONG_ARTICLE},
                    "ini": {"server": {"read_timeout": "2"}}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base = "gemini://localhost:%d" % cls.port

    def req(self, path, **kw):
        return gemini(self.port, self.base + path + "\r\n", **kw)

    def test_home(self):
        out = self.req("/")
        self.assertTrue(out.startswith(HEAD_GMI), out[:80])
        body = out[len(HEAD_GMI):]
        self.assertTrue(body.startswith(b"# Recovery Support Library\n"))
        self.assertIn(b"=> /articles/belonging-heals.gmi 2025-06-02 - "
                      b"Belonging Heals", body)

    def test_home_without_path(self):
        self.assertTrue(self.req("").startswith(HEAD_GMI))

    def test_redirect_directory(self):
        self.assertEqual(self.req("/articles"),
                         ("31 %s/articles/\r\n" % self.base).encode())

    def test_not_found(self):
        self.assertEqual(self.req("/no-such-page"), b"51 Not found\r\n")

    def uri_of_length(self, n):
        prefix = self.base + "/"
        return prefix + "a" * (n - len(prefix))

    def test_uri_1024_is_a_request(self):
        uri = self.uri_of_length(1024)
        self.assertEqual(len(uri), 1024)
        out = gemini(self.port, uri + "\r\n")
        self.assertEqual(out, b"51 Not found\r\n")

    def test_uri_1025_is_59(self):
        uri = self.uri_of_length(1025)
        out, notify = gemini_raw(self.port, uri + "\r\n")
        self.assertTrue(out.startswith(b"59 "), out)
        self.assertTrue(out.endswith(b"\r\n"))
        self.assertTrue(notify, "no close_notify after 59")

    def test_uri_over_long_without_crlf_is_59(self):
        # The server must not wait for a line end that can never be valid.
        out = gemini(self.port, self.uri_of_length(3000), timeout=1.5)
        self.assertTrue(out.startswith(b"59 "), out)

    def test_wrong_port_is_53(self):
        out = gemini(self.port, "gemini://localhost:%d/\r\n" %
                     (self.port + 1 if self.port < 65535 else 1))
        self.assertEqual(out[:3], b"53 ")

    def test_bare_lf_gets_no_answer(self):
        start = time.monotonic()
        out, notify = gemini_raw(self.port, self.base + "/\n", timeout=10)
        took = time.monotonic() - start
        self.assertEqual(out, b"")
        # Closed by the 2 s read timeout, not at once and not never.
        self.assertGreater(took, 1.5)
        self.assertLess(took, 6)
        self.assertTrue(notify, "timeout close without close_notify")

    def test_long_page_is_the_exported_file(self):
        """A page of several TLS records arrives whole: the header shares
        the first record with the page's start, and the rest follows
        from where that record ended."""
        out = os.path.join(self.capsule.dir, "export-long")
        p = run_gemserv("-c", self.capsule.ini_path, "-x", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(out, "gemini", "articles",
                               "long-read.gmi"), "rb") as f:
            want = f.read()
        self.assertGreater(len(want), 3 * 16384)
        records = self.req("/articles/long-read.gmi", records=True)
        self.assertEqual(b"".join(records), HEAD_GMI + want)
        self.assertEqual(len(records[0]), 16384)
        self.assertTrue(records[0].startswith(HEAD_GMI + want[:100]))

    def test_static_file_streamed(self):
        out = self.req("/blob.bin", timeout=30)
        head, _, body = out.partition(b"\r\n")
        self.assertTrue(head.startswith(b"20 "), head)
        self.assertEqual(len(body), len(BLOB))
        self.assertEqual(body, BLOB)

    def test_static_file_slow_reader(self):
        # A reader that takes its time still gets every byte: the server
        # waits for the socket instead of buffering the file.
        from harness import tls_context
        ctx = tls_context()
        with socket.create_connection(("127.0.0.1", self.port), 10) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall((self.base + "/blob.bin\r\n").encode())
                time.sleep(1)
                chunks = []
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    chunks.append(d)
        out = b"".join(chunks)
        self.assertEqual(out.partition(b"\r\n")[2], BLOB)

    def test_ipv6(self):
        out = gemini(self.port, "gemini://localhost:%d/\r\n" % self.port,
                     host="::1")
        self.assertTrue(out.startswith(HEAD_GMI))

    def test_access_log_line(self):
        self.req("/no-such-page?x%01y")
        gemini(self.port, b"gemini://localhost:%d/\x01\"\r\n" % self.port)
        time.sleep(0.3)
        log = self.server.log()
        line = re.compile(
            r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 gemini '
            r'"gemini://localhost:%d/no-such-page\?x%%01y" 51 14 \d+ms$'
            % self.port, re.M)
        self.assertRegex(log, line)
        # Control bytes and quotes are escaped, never written raw.
        self.assertIn('"gemini://localhost:%d/\\x01\\x22" 59 ' % self.port,
                      log)


if __name__ == "__main__":
    unittest.main()


@unittest.skipIf(WRAPPER, "measures the server's memory: not under a wrapper")
class StreamingMemoryTest(SharedServerTest):
    """A 1 GB static file to a reader that stalls: the worker must stream
    it through a few buffers, never load it."""
    capsule_args = {"ini": {"server": {"workers": "1"}}}
    # AddressSanitizer keeps freed memory in quarantine to catch use after
    # free, which would be counted here as growth: measure without it.
    server_env = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") +
                  ":quarantine_size_mb=0"}
    SIZE = 1 << 30

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        path = os.path.join(cls.capsule.static, "huge.bin")
        with open(path, "wb") as f:
            f.truncate(cls.SIZE)        # sparse: costs no disk

    def test_slow_reader_of_1gb_stays_small(self):
        # Warm the worker up so its baseline includes TLS and libmagic.
        gemini(self.port, "gemini://localhost:%d/\r\n" % self.port)
        pid = self.server.proc.pid
        base = worker_rss_kb(pid)
        ctx = tls_context()
        with socket.create_connection(("127.0.0.1", self.port), 10) as raw, \
                ctx.wrap_socket(raw, server_hostname="localhost") as s:
            s.sendall(b"gemini://localhost:%d/huge.bin\r\n" % self.port)
            head = s.recv(64)
            self.assertTrue(head.startswith(b"20 application/octet-stream"),
                            head)
            got, after = 0, []
            for mark in (4 << 20, 64 << 20):
                while got < mark:           # read, then stall
                    got += len(s.recv(65536))
                time.sleep(1.5)
                after.append(worker_rss_kb(pid))
            # Sixteen times more streamed and a stalled reader: no growth.
            # The kernel's socket buffers hold what the reader leaves; the
            # worker holds one 16 KiB chunk and TLS records.
            self.assertLess(after[1] - after[0], 1024,
                            "grew %d KiB from 4 MB to 64 MB" %
                            (after[1] - after[0]))
            # A few buffers (and, in the sanitizer build, their shadow).
            self.assertLess(after[0] - base, 16 * 1024,
                            "worker grew %d KiB" % (after[0] - base))
        # The server is still answering others.
        out = gemini(self.port, "gemini://localhost:%d/\r\n" % self.port)
        self.assertTrue(out.startswith(HEAD_GMI))
