"""The benchmark's load generator (tests/bench/loadgen.c) against the real
server: what it counts is what the server answered, it splits the work
between threads, keeps idle clients open, tells errors apart, stops by
itself and refuses anything but loopback."""
import json
import os
import subprocess
import time

from harness import ROOT, SharedServerTest

LOADGEN = os.environ.get("LOADGEN", os.path.join(ROOT, "build", "loadgen"))


class LoadgenTest(SharedServerTest):

    def run_loadgen(self, *args, timeout=30):
        self.assertTrue(os.access(LOADGEN, os.X_OK),
                        "%s missing: make build/loadgen" % LOADGEN)
        t0 = time.monotonic()
        p = subprocess.run([LOADGEN] + list(args), capture_output=True,
                           text=True, timeout=timeout)
        return p, time.monotonic() - t0

    def load(self, proto, *requests, opts=()):
        port = self.port if proto == "gemini" else self.capsule.gopher_port
        p, took = self.run_loadgen(
            "-j", "-d", "0.5", "-w", "0.1", "-s", str(self.server.proc.pid),
            *opts, proto, "127.0.0.1", str(port), *requests)
        self.assertEqual(p.returncode, 0, p.stderr)
        # 0.6 s of load, then the window closes: it stops by itself.
        self.assertLess(took, 10)
        return json.loads(p.stdout)

    def gem(self, path):
        return "gemini://localhost:%d%s" % (self.port, path)

    def test_gemini_full_handshakes_on_two_threads(self):
        before = self.server.log().count(" gemini ")
        r = self.load("gemini", self.gem("/"), opts=("-T", "2", "-c", "4"))
        self.assertEqual(r["errors"], {})
        self.assertGreater(r["requests"], 10)
        self.assertEqual(r["resumed"], 0)
        # Handshakes and requests are counted when they end inside the
        # window: up to one per client differs at each edge.
        self.assertLessEqual(abs(r["handshakes"] - r["requests"]), 4)
        # Every counted request is one the server logged.
        logged = self.server.log().count(" gemini ") - before
        self.assertLessEqual(r["requests"], logged)
        self.assertGreater(r["server_cpu_us_per_req"], 0)
        self.assertGreaterEqual(r["server_procs"], 2)
        self.assertGreater(r["server_rss_kb"], 0)
        self.assertEqual(r["bytes"] % r["requests"], 0)

    def test_gemini_resumed(self):
        r = self.load("gemini", self.gem("/"), opts=("-r", "-c", "2"))
        self.assertEqual(r["errors"], {})
        self.assertGreater(r["resumed"], 0.9 * r["handshakes"])

    def test_gemini_status_is_an_error_of_its_own(self):
        r = self.load("gemini", self.gem("/no-such-page"), opts=("-c", "2"))
        self.assertEqual(r["requests"], 0)
        self.assertGreater(r["errors"]["status"], 0)
        self.assertEqual(r["statuses"], {"51": r["errors"]["status"]})

    def test_gopher_round_robin_with_tab(self):
        r = self.load("gopher", "/", "/search\\trecovery",
                      opts=("-T", "2", "-c", "4"))
        self.assertEqual(r["errors"], {})
        self.assertGreater(r["requests"], 10)

    def test_idle_clients_stay_open(self):
        r = self.load("gemini", self.gem("/"),
                      opts=("-c", "2", "-i", "20", "-k"))
        self.assertEqual(r["errors"], {})
        self.assertEqual(r["idle_open"], 20)

    def test_refuses_other_than_loopback(self):
        for addr in ("192.0.2.1", "::2", "localhost"):
            p, _ = self.run_loadgen("-d", "0.2", "gopher", addr, "70", "/")
            self.assertEqual(p.returncode, 2, addr)
            self.assertRegex(p.stderr, "loopback")
