"""The shipped gemserv.ini and capsule, as `make run` uses them: only the
listening ports are moved to free ones. Run as root (as the README's
newcomer does), the server must drop to the configured user and serve."""
import os
import pwd
import re
import shutil
import tempfile
import unittest

from harness import ROOT, Capsule, Server, free_port, gemini, gopher


class ShippedConfigTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gemserv-shipped-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        os.chmod(self.dir, 0o755)       # readable after the drop
        shutil.copytree(os.path.join(ROOT, "capsule"),
                        os.path.join(self.dir, "capsule"))
        with open(os.path.join(ROOT, "gemserv.ini")) as f:
            ini = f.read()
        self.gport, self.pport = free_port(), free_port()
        ini, n = re.subn(r"(?m)^;listen = 127\.0\.0\.1:1965 \[::1\]:1965$",
                         "listen = 127.0.0.1:%d" % self.gport, ini)
        self.assertEqual(n, 1)
        ini, n = re.subn(r"(?m)^;listen = 127\.0\.0\.1:7070 \[::1\]:7070$",
                         "listen = 127.0.0.1:%d" % self.pport, ini)
        self.assertEqual(n, 1)
        self.ini = os.path.join(self.dir, "gemserv.ini")
        with open(self.ini, "w") as f:
            f.write(ini)

    def test_serves_as_shipped(self):
        # Server() wants a Capsule; point one at the shipped copy.
        capsule = Capsule.__new__(Capsule)
        capsule.dir, capsule.ini_path = self.dir, self.ini
        capsule.gemini_port, capsule.gopher_port = self.gport, self.pport
        server = Server(capsule)
        self.addCleanup(server.kill)
        home = gemini(self.gport, "gemini://localhost:%d/\r\n" % self.gport)
        self.assertTrue(home.startswith(
            b"20 text/gemini; charset=utf-8; lang=en\r\n# Recovery Support "
            b"Library\n"), home[:80])
        menu = gopher(self.pport, "\r\n")
        self.assertTrue(menu.startswith(b"iRecovery Support Library\t"))
        self.assertTrue(menu.endswith(b"\r\n.\r\n"))
        if os.geteuid() == 0:
            with open("/proc/%d/status" % server.proc.pid) as f:
                uid = re.search(r"(?m)^Uid:\s+(\d+)", f.read()).group(1)
            self.assertEqual(int(uid), pwd.getpwnam("nobody").pw_uid)
        log = server.stop()
        self.assertIn("created self-signed certificate", log)
