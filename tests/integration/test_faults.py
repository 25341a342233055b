"""Faults under load, on the real server: a worker killed with SIGKILL,
SIGHUP every 100 ms for 10 s, a SIGHUP with a broken gemserv.ini, a broken
resources.ini or a broken article, and running out of file descriptors.
Failed requests are counted exactly, one record per request."""
import os
import resource
import shutil
import signal
import socket
import threading
import time
import unittest

from harness import Capsule, Server, WRAPPER, gemini, gopher, wait_for, workers

TIMED = unittest.skipIf(WRAPPER, "times the server: not under a wrapper")

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"
ARTICLE = "articles/belonging-heals.txt"


class Load:
    """Clients asking for the home page in a loop, each request recorded
    as (start, end, ok, what)."""

    def __init__(self, port, threads=6, path="", expect=HEAD_GMI):
        self.port, self.expect = port, expect
        self.url = "gemini://localhost:%d/%s\r\n" % (port, path)
        self.records, self.lock = [], threading.Lock()
        self.stop_ev = threading.Event()
        self.threads = [threading.Thread(target=self.run)
                        for _ in range(threads)]
        for t in self.threads:
            t.start()

    def run(self):
        while not self.stop_ev.is_set():
            t0 = time.monotonic()
            try:
                out = gemini(self.port, self.url, timeout=5)
                ok, what = out.startswith(self.expect), out[:40]
            except (OSError, ValueError) as e:
                ok, what = False, repr(e)
            with self.lock:
                self.records.append((t0, time.monotonic(), ok, what))

    def stop(self):
        self.stop_ev.set()
        for t in self.threads:
            t.join()
        return self.records

    def failures(self, start=0.0, end=float("inf")):
        return [r for r in self.records if not r[2] and start <= r[1] < end]

    def count(self, start=0.0, end=float("inf")):
        return len([r for r in self.records if start <= r[1] < end])


class FaultTest(unittest.TestCase):
    def start(self, ini=None, **kw):
        self.capsule = Capsule(ini=ini)
        self.addCleanup(self.capsule.cleanup)
        self.server = Server(self.capsule, **kw)
        self.addCleanup(self.server.kill)
        self.port = self.capsule.gemini_port
        return self.server

    def home(self):
        return gemini(self.port, "gemini://localhost:%d/\r\n" % self.port)

    @TIMED
    def test_kill_9_worker_under_load(self):
        self.start({"server": {"workers": "2"}})
        pid = self.server.proc.pid
        ws = wait_for(lambda: len(workers(pid)) == 2 and workers(pid))
        load = Load(self.port)
        try:
            time.sleep(1.5)
            t_kill = time.monotonic()
            os.kill(ws[0], signal.SIGKILL)
            new = wait_for(lambda: (lambda c: len(c) == 2 and ws[0] not in c
                                    and c)(workers(pid)), timeout=5)
            time.sleep(max(0, t_kill + 3 - time.monotonic()))
        finally:
            load.stop()
        self.assertTrue(new, workers(pid))
        before = load.failures(end=t_kill)
        during = load.failures(t_kill, t_kill + 1)
        after = load.failures(start=t_kill + 1)
        n = load.count(t_kill, t_kill + 1)
        print("\nkill -9: %d requests in the second after the kill, %d "
              "failed (%.2f%%); %d before, %d after, none failed"
              % (n, len(during), 100.0 * len(during) / max(n, 1),
                 load.count(end=t_kill), load.count(start=t_kill + 1)))
        self.assertEqual(before, [])
        self.assertLess(len(during), n / 100.0, during)
        self.assertEqual(after, [])
        log = self.server.stop()
        self.assertRegex(log, r"worker %d killed by signal 9" % ws[0])

    @TIMED
    def test_sighup_every_100ms_under_load(self):
        self.start({"server": {"workers": "2"}})
        load = Load(self.port)
        sent = 0
        try:
            time.sleep(0.3)
            t0 = time.monotonic()
            while time.monotonic() - t0 < 10:
                self.server.signal(signal.SIGHUP)
                sent += 1
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            records = load.stop()
        fails = load.failures()
        log = self.server.log()
        print("\nSIGHUP storm: %d signals, %d reloads, %d requests, "
              "%d failed" % (sent, log.count("reloaded "), len(records),
                             len(fails)))
        self.assertEqual(fails, [])
        self.assertGreater(log.count("reloaded "), 10)
        self.assertNotIn("reload failed", log)
        self.server.stop()

    def reload_broken(self, breaker, want_in_log):
        """Breaks something, SIGHUPs under load: the old capsule stays,
        byte for byte, and the log says why."""
        self.start({"server": {"workers": "2"}})
        home = self.home()
        art = gemini(self.port, "gemini://localhost:%d/articles/"
                     "belonging-heals.gmi\r\n" % self.port)
        self.assertTrue(art.startswith(HEAD_GMI))
        load = Load(self.port)
        try:
            breaker()
            self.server.signal(signal.SIGHUP)
            self.assertTrue(wait_for(lambda: "reload failed" in
                                     self.server.log()))
            time.sleep(0.3)
        finally:
            load.stop()
        self.assertEqual(load.failures(), [])
        self.assertEqual(self.home(), home)
        self.assertEqual(gemini(self.port, "gemini://localhost:%d/articles/"
                                "belonging-heals.gmi\r\n" % self.port), art)
        log = self.server.stop()
        for want in want_in_log:
            self.assertIn(want, log)
        self.assertIn("still serving the previous", log)

    def test_sighup_broken_ini_keeps_old_capsule(self):
        def breaker():
            with open(self.capsule.ini_path, "a") as f:
                f.write("\n[gopher]\nwidth = 7\n")
        self.reload_broken(breaker, ["width"])

    def test_sighup_broken_resources_keeps_old_capsule(self):
        def breaker():
            with open(self.capsule.resources, "a") as f:
                f.write("\n[broken-entry]\nname = No URL\ncategory = X\n")
        self.reload_broken(breaker, ["broken-entry", "url"])

    def test_sighup_broken_article_keeps_old_capsule(self):
        def breaker():
            # A served article replaced by binary junk.
            with open(os.path.join(self.capsule.dir, ARTICLE), "wb") as f:
                f.write(b"\x00\x01\x02\xff" * 256)
        self.reload_broken(breaker, ["belonging-heals.txt"])

    def test_sighup_after_deleting_an_article_reloads(self):
        # The other side of the rule above: a removed article is a change,
        # not damage, and the reload goes through.
        self.start({"server": {"workers": "1"}})
        os.unlink(os.path.join(self.capsule.dir, ARTICLE))
        self.server.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "reloaded" in self.server.log()))
        out = gemini(self.port, "gemini://localhost:%d/articles/"
                     "belonging-heals.gmi\r\n" % self.port)
        self.assertTrue(out.startswith(b"51 "), out)
        self.server.stop()

    def test_sighup_as_soon_as_listening(self):
        # The listeners accept a little before the supervisor handles
        # signals; a SIGHUP in between used to kill it (default action).
        class HupAtOnce(Server):
            def wait_ready(self, timeout=20):
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    try:
                        socket.create_connection(
                            ("127.0.0.1", self.capsule.gemini_port),
                            0.1).close()
                        self.proc.send_signal(signal.SIGHUP)
                        return
                    except OSError:
                        time.sleep(0.001)
                raise AssertionError("gemserv did not start")
        for _ in range(8):
            capsule = Capsule()
            self.addCleanup(capsule.cleanup)
            server = HupAtOnce(capsule)
            self.addCleanup(server.kill)
            self.assertTrue(wait_for(lambda: "reloaded" in server.log(),
                                     timeout=10), server.log())
            self.assertIsNone(server.proc.poll())
            server.stop()

    def test_out_of_file_descriptors(self):
        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        self.start({"server": {"workers": "1", "read_timeout": "20",
                               "handshake_timeout": "20"}},
                   preexec_fn=limit)
        gph = self.capsule.gopher_port
        self.assertTrue(self.home().startswith(HEAD_GMI))
        # More idle connections than the worker has descriptors.
        idle = []
        try:
            for _ in range(100):
                idle.append(socket.create_connection(("127.0.0.1", gph), 5))
            self.assertTrue(wait_for(lambda: "pausing" in self.server.log(),
                                     timeout=10))
            # Degraded: a new client is not served while they stay.
            s = socket.create_connection(("127.0.0.1", gph), 5)
            s.settimeout(1.5)
            s.sendall(b"\r\n")
            try:
                got = s.recv(100)
            except (socket.timeout, ConnectionResetError):
                got = b""
            s.close()
            self.assertNotIn(b"Recovery", got)
        finally:
            for s in idle:
                s.close()
        # Recovered: once they leave, clients are served again, promptly.
        t = time.monotonic()
        self.assertTrue(wait_for(lambda: b"Recovery Support Library" in
                                 gopher(gph, "\r\n", timeout=5), timeout=10))
        for _ in range(5):
            self.assertTrue(self.home().startswith(HEAD_GMI))
        print("\nulimit -n 64: refused while 100 idle clients held it, "
              "served again %.1f s after they left"
              % (time.monotonic() - t))
        self.server.stop()


if __name__ == "__main__":
    unittest.main()
