"""The server process model on the real binary: slow clients, connection
limits, worker restarts, SIGHUP reload (good and broken), SIGUSR1, SIGTERM
with a response in flight, the access log under load, privilege drop, and
amfora rendering the home page."""
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from harness import (Capsule, Server, gemini, gopher, run_gemserv, tls_context,
                     wait_for, workers)

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"
ARTICLE = "articles/belonging-heals.txt"


def uids(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    return []


class ServerTest(unittest.TestCase):
    def start(self, ini=None, env=None, **kw):
        self.capsule = Capsule(ini=ini, **kw)
        self.addCleanup(self.capsule.cleanup)
        self.server = Server(self.capsule, env=env)
        self.addCleanup(self.server.kill)
        self.url = "gemini://localhost:%d/" % self.capsule.gemini_port
        return self.server

    def home(self, **kw):
        return gemini(self.capsule.gemini_port, self.url + "\r\n", **kw)

    def page(self, path):
        return gemini(self.capsule.gemini_port, self.url + path + "\r\n")

    def test_stalled_client_does_not_block_others(self):
        self.start({"server": {"workers": "1", "read_timeout": "30",
                               "handshake_timeout": "30"}})
        stalled = []
        for port in (self.capsule.gemini_port, self.capsule.gopher_port):
            s = socket.create_connection(("127.0.0.1", port), 5)
            s.sendall(b"\x16" if port == self.capsule.gemini_port else b"x")
            stalled.append(s)
        try:
            t = time.monotonic()
            self.assertTrue(self.home().startswith(HEAD_GMI))
            self.assertIn(b"Recovery Support Library",
                          gopher(self.capsule.gopher_port, "\r\n"))
            self.assertLess(time.monotonic() - t, 3)
        finally:
            for s in stalled:
                s.close()
        self.server.stop()

    def test_max_connections(self):
        # One worker, two connections at a time: a third client waits
        # until the idle ones time out, then is served.
        self.start({"server": {"workers": "1", "max_connections": "2",
                               "read_timeout": "2"}})
        idle = [socket.create_connection(("127.0.0.1",
                                          self.capsule.gopher_port), 5)
                for _ in range(2)]
        try:
            time.sleep(0.3)
            t = time.monotonic()
            out = gopher(self.capsule.gopher_port, "\r\n", timeout=15)
            took = time.monotonic() - t
            self.assertIn(b"Recovery Support Library", out)
            self.assertGreater(took, 1.0)
            self.assertLess(took, 10)
        finally:
            for s in idle:
                s.close()
        self.server.stop()

    def test_worker_restarted(self):
        self.start({"server": {"workers": "2"}})
        pid = self.server.proc.pid
        pids = wait_for(lambda: len(workers(pid)) == 2 and workers(pid))
        self.assertEqual(len(pids), 2)
        os.kill(pids[0], signal.SIGKILL)
        new = wait_for(lambda: (lambda c: len(c) == 2 and
                                pids[0] not in c and c)(workers(pid)))
        self.assertTrue(new, workers(pid))
        for _ in range(4):
            self.assertTrue(self.home().startswith(HEAD_GMI))
        log = self.server.stop()
        self.assertRegex(log, r"worker %d killed by signal 9; restarting"
                         % pids[0])

    def test_sighup_reload(self):
        self.start({"server": {"workers": "2"}})
        path = "articles/belonging-heals.gmi"
        self.assertNotIn(b"Zanzibarreload", self.page(path))
        with open(os.path.join(self.capsule.dir, ARTICLE), "a") as f:
            f.write("\nA new closing line: Zanzibarreload.\n")
        # Clients keep asking during the reload; none may fail.
        errors, stop = [], threading.Event()

        def hammer():
            while not stop.is_set():
                try:
                    if not self.home().startswith(HEAD_GMI):
                        errors.append("bad answer")
                except OSError as e:
                    errors.append(repr(e))
        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.3)
            self.server.signal(signal.SIGHUP)
            self.assertTrue(wait_for(
                lambda: b"Zanzibarreload" in self.page(path)))
            time.sleep(0.3)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        log = self.server.stop()
        self.assertIn("reloaded", log)

    def test_sighup_broken_config_keeps_serving(self):
        self.start()
        before = self.home()
        with open(self.capsule.ini_path, "a") as f:
            f.write("\n[server]\nno_such_key = 1\n")
        self.server.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "reload failed" in
                                 self.server.log()))
        self.assertEqual(self.home(), before)
        log = self.server.stop()
        self.assertIn("no_such_key", log)
        self.assertIn("still serving the previous configuration", log)

    def test_sighup_broken_capsule_keeps_serving(self):
        self.start()
        before = self.home()
        shutil.rmtree(os.path.join(self.capsule.dir, "articles"))
        self.server.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "reload failed" in
                                 self.server.log()))
        self.assertEqual(self.home(), before)
        self.server.stop()

    def test_sigusr1_reopens_log(self):
        logpath = os.path.join(tempfile.gettempdir(),
                               "gemserv-test-%d.log" % os.getpid())
        self.addCleanup(lambda: [os.unlink(p) for p in
                                 (logpath, logpath + ".1")
                                 if os.path.exists(p)])
        self.start({"server": {"log": logpath, "workers": "2"}})
        self.home()
        os.rename(logpath, logpath + ".1")
        self.server.signal(signal.SIGUSR1)
        self.assertTrue(wait_for(lambda: os.path.exists(logpath)))
        time.sleep(0.3)     # the workers reopen too
        for _ in range(4):
            self.home()
        self.server.stop()
        with open(logpath) as f:
            new = f.read()
        with open(logpath + ".1") as f:
            old = f.read()
        self.assertEqual(new.count(" gemini \"%s\" 20 " % self.url), 4,
                         new)
        self.assertEqual(old.count(" gemini \"%s\" 20 " % self.url), 1)
        # One timestamp per access line, also in a log file.
        for line in (new + old).splitlines():
            if " gemini \"" in line:
                self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:"
                                 r"\d\dZ 127\.0\.0\.1 gemini ")

    def access_lines(self, logpath, mark):
        """The access lines for requests containing mark, each whole."""
        with open(logpath) as f:
            text = f.read()
        self.assertTrue(text == "" or text.endswith("\n"), text[-200:])
        lines = [line for line in text.splitlines() if mark in line]
        for line in lines:
            self.assertRegex(line, r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ '
                             r'127\.0\.0\.1 gopher "/%s-\d+-x{900}" 3 \d+ '
                             r'\d+ms$' % mark)
        return lines

    def burst(self, mark, n, threads=8):
        """n gopher requests from several clients at once; long ones, so
        that the lines of one moment pass PIPE_BUF together."""
        port = self.capsule.gopher_port
        bad = []

        def client(k):
            for i in range(k, n, threads):
                out = gopher(port, "/%s-%d-%s\r\n" % (mark, i, "x" * 900))
                if not out.startswith(b"3"):
                    bad.append(out[:80])

        pool = [threading.Thread(target=client, args=(k,))
                for k in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        self.assertEqual(bad, [])

    def test_access_log_prompt_and_whole(self):
        logpath = os.path.join(self.capsule_tmp(), "access.log")
        self.start({"server": {"log": logpath, "workers": "2"}})
        # A lone request: its line is out while the worker waits.
        gopher(self.capsule.gopher_port, "/lone-0-%s\r\n" % ("x" * 900))
        self.assertTrue(wait_for(lambda: len(self.access_lines(
            logpath, "lone")) == 1, timeout=1))
        # Many at once, from both workers into one file: every line
        # whole, none lost, none twice, all out without more traffic.
        self.burst("many", 400)
        t = time.monotonic()
        self.assertTrue(wait_for(lambda: len(self.access_lines(
            logpath, "many")) == 400, timeout=5))
        self.assertLess(time.monotonic() - t, 1)
        self.server.stop()
        lines = self.access_lines(logpath, "many")
        ids = sorted(int(line.split('"')[1].split("-")[1]) for line in lines)
        self.assertEqual(ids, list(range(400)))

    def test_access_log_complete_at_sigterm(self):
        logpath = os.path.join(self.capsule_tmp(), "access.log")
        self.start({"server": {"log": logpath, "workers": "2"}})
        self.burst("term", 200)
        self.server.stop()      # right away: SIGTERM, exit 0
        self.assertEqual(len(self.access_lines(logpath, "term")), 200)

    def capsule_tmp(self):
        d = tempfile.mkdtemp(prefix="gemserv-log-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def test_sigterm_finishes_response_in_flight(self):
        # Larger than every socket buffer on the way, and the client does
        # not read for a while: the response is in flight at SIGTERM.
        blob = os.urandom(16 << 20)
        self.start({"server": {"workers": "1", "shutdown_timeout": "20"}},
                   static={"big.bin": blob})
        ctx = tls_context()
        raw = socket.create_connection(("127.0.0.1",
                                        self.capsule.gemini_port), 10)
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        s.sendall((self.url + "big.bin\r\n").encode())
        chunks = [s.recv(4096)]
        time.sleep(0.5)
        self.server.signal(signal.SIGTERM)
        time.sleep(1)
        self.assertIsNone(self.server.proc.poll())
        while True:
            d = s.recv(1 << 20)
            if not d:
                break
            chunks.append(d)
        s.close()
        out = b"".join(chunks)
        self.assertEqual(len(out.partition(b"\r\n")[2]), len(blob))
        self.assertEqual(out.partition(b"\r\n")[2], blob)
        self.assertEqual(self.server.proc.wait(30), 0)
        log = self.server.stop()
        # The access log counts every byte sent: header and body.
        self.assertRegex(log, r'"%sbig.bin" 20 %d ' % (re.escape(self.url),
                                                      len(out)))

    def test_sigterm_exits_zero(self):
        self.start({"server": {"workers": "3"}})
        pid = self.server.proc.pid
        pids = wait_for(lambda: len(workers(pid)) == 3 and workers(pid))
        self.home()
        log = self.server.stop()       # asserts exit 0 and no report
        self.assertIn("stopped", log)
        for w in pids:
            self.assertFalse(os.path.exists("/proc/%d/status" % w) and
                             "State:\tZ" not in open(
                                 "/proc/%d/status" % w).read())

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_privilege_drop(self):
        nobody = pwd.getpwnam("nobody")
        self.start({"server": {"user": "nobody", "allow_root": None,
                               "workers": "2"}})
        pid = self.server.proc.pid
        pids = wait_for(lambda: len(workers(pid)) == 2 and workers(pid))
        for p in [pid] + pids:
            self.assertEqual(uids(p)[:3], [nobody.pw_uid] * 3)
        self.assertTrue(self.home().startswith(HEAD_GMI))
        self.assertTrue(self.page("favicon.txt").startswith(b"20 "))
        # Reload as nobody: the config and articles are readable, the key
        # (0600, root) is not; the keypair in memory is kept.
        os.chmod(self.capsule.dir, 0o755)
        with open(os.path.join(self.capsule.dir, ARTICLE), "a") as f:
            f.write("\nA new closing line: Zanzibarnobody.\n")
        self.server.signal(signal.SIGHUP)
        self.assertTrue(wait_for(lambda: b"Zanzibarnobody" in self.page(
            "articles/belonging-heals.gmi")), self.server.log())
        log = self.server.stop()
        self.assertIn("keeping the keypair loaded at startup", log)

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_chroot(self):
        png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01"
               b"\x00\x00\x00\x01\x08\x06\x00\x00\x00" + bytes(16))
        jail = tempfile.mkdtemp(prefix="gemserv-jail-")
        self.addCleanup(os.rmdir, jail)
        os.chmod(jail, 0o755)
        # LeakSanitizer needs /proc, which the jail lacks; every other
        # server test checks for leaks.
        env = {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") +
               ":detect_leaks=0"}
        self.start({"server": {"user": "nobody", "chroot": jail,
                               "allow_root": None, "workers": "2"}},
                   env=env, static={"pic.png": png})
        pid = self.server.proc.pid
        pids = wait_for(lambda: len(workers(pid)) == 2 and workers(pid))
        for p in [pid] + pids:
            self.assertEqual(os.readlink("/proc/%d/root" % p), jail)
        self.assertTrue(self.home().startswith(HEAD_GMI))
        # The magic database lies outside the jail: it was loaded first.
        self.assertEqual(self.page("pic.png"), b"20 image/png\r\n" + png)
        self.assertIn("in chroot " + jail, self.server.stop())

    @unittest.skipUnless(os.geteuid() == 0, "needs root")
    def test_refuses_root(self):
        capsule = Capsule(ini={"server": {"allow_root": None}})
        self.addCleanup(capsule.cleanup)
        p = run_gemserv("-c", capsule.ini_path)
        self.assertNotEqual(p.returncode, 0)
        err = p.stderr.decode()
        self.assertIn("refusing to run as root", err)
        self.assertIn("[server] user", err)
        self.assertIn("allow_root", err)


def have_amfora():
    if shutil.which("amfora") and shutil.which("tmux"):
        return True
    if os.geteuid() != 0:
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "amfora", "tmux"]
    if subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return bool(shutil.which("amfora") and shutil.which("tmux"))


class AmforaTest(unittest.TestCase):
    def test_amfora_renders_home(self):
        if not have_amfora():
            self.skipTest("amfora or tmux missing and apt-get could not "
                          "install them")
        capsule = Capsule()
        self.addCleanup(capsule.cleanup)
        server = Server(capsule)
        self.addCleanup(server.kill)
        home = tempfile.mkdtemp(prefix="gemserv-amfora-")
        self.addCleanup(shutil.rmtree, home, True)
        name = "gemserv-test-%d" % os.getpid()
        # A private tmux server socket, so only our own session is touched.
        tmux = ["tmux", "-L", name]
        env = dict(os.environ, HOME=home, TERM="xterm-256color",
                   XDG_CONFIG_HOME=os.path.join(home, ".config"),
                   XDG_CACHE_HOME=os.path.join(home, ".cache"),
                   XDG_DATA_HOME=os.path.join(home, ".local", "share"))
        url = "gemini://127.0.0.1:%d/" % capsule.gemini_port
        subprocess.run(tmux + ["new-session", "-d", "-s", name, "-x", "120",
                               "-y", "40", "amfora " + url], env=env,
                       check=True)
        self.addCleanup(subprocess.run, tmux + ["kill-session", "-t", name],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def screen():
            p = subprocess.run(tmux + ["capture-pane", "-p", "-t", name],
                               stdout=subprocess.PIPE, env=env)
            return p.stdout.decode(errors="replace")
        text = wait_for(lambda: "Belonging Heals" in screen() and screen(),
                        timeout=20, step=0.3)
        if not text:
            # A first-run prompt may sit in front of the page: accept it.
            subprocess.run(tmux + ["send-keys", "-t", name, "Enter"],
                           env=env)
            text = wait_for(lambda: "Belonging Heals" in screen() and
                            screen(), timeout=10, step=0.3)
        self.assertTrue(text, screen())
        self.assertIn("Recovery Support Library", text)
        self.assertIn("Belonging Heals", text)
        subprocess.run(tmux + ["kill-session", "-t", name],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        log = server.stop()
        self.assertRegex(log, r'127\.0\.0\.1 gemini "%s" 20 ' %
                         re.escape(url))


if __name__ == "__main__":
    unittest.main()
