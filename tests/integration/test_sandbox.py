"""Worker confinement: every worker runs under seccomp with no_new_privs
(and Landlock where the kernel has it), and still serves both protocols,
static files and gopher directory listings, reopens its log on SIGUSR1,
and is replaced by confined workers on SIGHUP."""
import os
import signal
import time
import unittest

from harness import Capsule, Server, gemini, gopher, wait_for, workers

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"


def status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            out[key] = value.strip()
    return out


class SandboxTest(unittest.TestCase):
    def setUp(self):
        self.capsule = Capsule(
            ini={"server": {"workers": "2", "log": "logs/gemserv.log"}},
            static={"docs/a.txt": "hello from docs\n"})
        self.addCleanup(self.capsule.cleanup)
        self.logdir = os.path.join(self.capsule.dir, "logs")
        os.makedirs(self.logdir)
        self.logpath = os.path.join(self.logdir, "gemserv.log")
        self.server = Server(self.capsule)
        self.addCleanup(self.server.kill)
        self.pid = self.server.proc.pid
        self.workers = wait_for(lambda: len(workers(self.pid)) == 2 and
                                workers(self.pid))
        self.assertTrue(self.workers)

    def read_log(self, path=None):
        with open(path or self.logpath, "rb") as f:
            return f.read().decode(errors="replace")

    def assert_confined(self, pids):
        for pid in pids:
            # A worker confines itself once set up, a moment after fork.
            wait_for(lambda: status(pid)["Seccomp"] == "2", timeout=10)
            st = status(pid)
            self.assertEqual(st["Seccomp"], "2", pid)
            self.assertEqual(st["NoNewPrivs"], "1", pid)

    def assert_serves(self):
        port = self.capsule.gemini_port
        gport = self.capsule.gopher_port
        # Enough requests that both workers are likely to answer some.
        for _ in range(3):
            self.assertTrue(gemini(port, "gemini://localhost:%d/\r\n" %
                                   port).startswith(HEAD_GMI))
            self.assertEqual(
                gemini(port, "gemini://localhost:%d/docs/a.txt\r\n" % port),
                b"20 text/plain\r\nhello from docs\n")
            self.assertIn(b"Recovery Support Library", gopher(gport, "\r\n"))
            listing = gopher(gport, "/docs/\r\n")
            self.assertIn(b"a.txt\t/docs/a.txt\t", listing)
            self.assertEqual(gopher(gport, "/docs/a.txt\r\n"),
                             b"hello from docs\n")

    def test_workers_confined_and_serving(self):
        self.assert_confined(self.workers)
        # The supervisor is not: it rebuilds the capsule on SIGHUP.
        self.assertEqual(status(self.pid)["Seccomp"], "0")
        self.assert_serves()
        # Nobody died: the same workers are still there.
        self.assertEqual(workers(self.pid), self.workers)
        log = self.server.stop()
        self.assertNotIn("killed by signal", self.read_log())
        self.assertNotIn("Landlock not available", self.read_log() + log)

    def test_sigusr1_reopens_log_in_new_file(self):
        rotated = self.logpath + ".1"
        os.rename(self.logpath, rotated)
        self.server.signal(signal.SIGUSR1)
        self.assertTrue(wait_for(lambda: os.path.exists(self.logpath)))
        time.sleep(0.5)     # the workers reopen on their own time
        before = self.read_log(rotated)
        self.assert_serves()
        # Every worker writes to the new file: none to the old one.
        time.sleep(0.2)
        self.assertEqual(self.read_log(rotated), before)
        log = self.read_log()
        self.assertGreaterEqual(log.count(" gemini \"gemini://"), 6, log)
        self.assertGreaterEqual(log.count(" gopher \"/docs/"), 6, log)
        self.assertEqual(workers(self.pid), self.workers)
        self.server.stop()
        self.assertNotIn("killed by signal", self.read_log())
        self.assertNotIn("reopening log file", self.read_log())

    def test_sighup_new_workers_confined(self):
        self.server.signal(signal.SIGHUP)
        fresh = wait_for(lambda: (lambda c: len(c) == 2 and
                                  not set(c) & set(self.workers) and c)(
                                      workers(self.pid)))
        self.assertTrue(fresh, "no new generation of workers")
        self.assert_confined(fresh)
        self.assert_serves()
        self.server.stop()
        log = self.read_log()
        self.assertIn("reloaded", log)
        self.assertNotIn("killed by signal", log)


if __name__ == "__main__":
    unittest.main()
