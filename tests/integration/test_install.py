"""make install: the installed tree and its modes, the manual pages
(mandoc -Tlint, man -l, every configuration key documented), the
systemd unit (systemd-analyze verify and its hardening), the example
configurations checked by the installed binary, and the unit's privilege
model (an unprivileged user holding only CAP_NET_BIND_SERVICE) without
systemd."""
import filecmp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import GEMSERV, ROOT, free_port, gemini, gopher

UNIT = "usr/lib/systemd/system/gemserv.service"
MAN8 = "usr/share/man/man8/gemserv.8"
MAN5 = "usr/share/man/man5/gemserv.ini.5"
SHARE = "usr/share/gemserv"

# Path under DESTDIR -> mode, for PREFIX=/usr.
FILES = {
    "usr/sbin/gemserv": 0o755,
    MAN8: 0o644,
    MAN5: 0o644,
    SHARE + "/gemserv.ini.example": 0o644,
    SHARE + "/gemserv.ini.production": 0o644,
    UNIT: 0o644,
    "usr/lib/sysusers.d/gemserv.conf": 0o644,
}


def make(*args):
    """make in the source tree. Under `make check` GEMSERV is
    $(BUILD)/san/gemserv: pass that BUILD so nothing is rebuilt."""
    cmd = ["make", "-C", ROOT, "--no-print-directory"]
    san = os.path.dirname(os.path.abspath(GEMSERV))
    if os.path.basename(san) == "san":
        cmd.append("BUILD=" + os.path.dirname(san))
    p = subprocess.run(cmd + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    assert p.returncode == 0, p.stdout.decode(errors="replace")
    return p


def config_keys():
    """(section, key) of every row of server/config.c's key table."""
    with open(os.path.join(ROOT, "server", "config.c")) as f:
        src = f.read()
    table = src[src.index("static const struct key keys[]"):]
    table = table[:table.index("};")]
    keys = re.findall(r'\b[A-Z]+\(\s*"(\w+)",\s*"(\w+)"', table)
    assert len(keys) > 20, keys
    return keys


def unit_settings(path):
    """The unit file as {key: [values]} (repeated keys keep every value)."""
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line[0] in "#;[":
                continue
            k, _, v = line.partition("=")
            out.setdefault(k, []).append(v)
    return out


def privileged_port():
    """A port below 1024 free on 127.0.0.1 (tests run as root here)."""
    for port in range(1001, 900, -1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise unittest.SkipTest("no free port below 1024")


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="gemserv-install-")
        os.chmod(cls.tmp, 0o755)
        cls.dest = os.path.join(cls.tmp, "dest")
        make("install", "DESTDIR=" + cls.dest, "PREFIX=/usr")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.dest, rel)

    def test_files_and_modes(self):
        for rel, mode in FILES.items():
            st = os.stat(self.path(rel))
            self.assertEqual(st.st_mode & 0o7777, mode, rel)
        # The example capsule is the shipped one, world readable.
        capsule = self.path(SHARE + "/capsule")
        src = os.path.join(ROOT, "capsule")
        n = 0
        for d, dirs, files in os.walk(src):
            rel = os.path.relpath(d, src)
            self.assertEqual(os.stat(os.path.join(capsule, rel)).st_mode
                             & 0o7777, 0o755, rel)
            for name in files:
                got = os.path.join(capsule, rel, name)
                self.assertTrue(filecmp.cmp(os.path.join(d, name), got,
                                            shallow=False), got)
                self.assertEqual(os.stat(got).st_mode & 0o7777, 0o644)
                n += 1
        self.assertGreater(n, 2)
        # Nothing else: no /etc, no stray build files.
        self.assertEqual(os.listdir(self.dest), ["usr"])

    def test_uninstall(self):
        dest = os.path.join(self.tmp, "uninstall")
        make("install", "DESTDIR=" + dest, "PREFIX=/usr")
        make("uninstall", "DESTDIR=" + dest, "PREFIX=/usr")
        left = [os.path.join(d, f) for d, _, files in os.walk(dest)
                for f in files]
        self.assertEqual(left, [])

    def test_example_config_checks(self):
        """The installed example runs as is beside the example capsule."""
        p = subprocess.run([self.path("usr/sbin/gemserv"), "-n", "-c",
                            self.path(SHARE + "/gemserv.ini.example")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"configuration ok", p.stdout)
        self.assertIn(b"warnings: 0", p.stdout)

    def test_production_config_checks(self):
        """The production example, with the unit's two roots moved into a
        temporary directory, after the copy the README describes."""
        root = os.path.join(self.tmp, "prod")
        srv = os.path.join(root, "srv")
        state = os.path.join(root, "state")
        os.makedirs(state)
        shutil.copytree(self.path(SHARE + "/capsule"), srv)
        with open(self.path(SHARE + "/gemserv.ini.production")) as f:
            text = f.read()
        # The paths it names are those the unit makes and documents.
        unit = unit_settings(self.path(UNIT))
        self.assertEqual(unit["StateDirectory"], ["gemserv"])
        self.assertIn("cert = /var/lib/gemserv/certs/cert.pem", text)
        self.assertIn("articles = /srv/gemserv/articles", text)
        self.assertIn("listen = *:1965", text)
        self.assertIn("listen = *:70", text)
        text = text.replace("/srv/gemserv", srv)
        text = text.replace("/var/lib/gemserv", state)
        ini = os.path.join(root, "gemserv.ini")
        with open(ini, "w") as f:
            f.write(text)
        p = subprocess.run([self.path("usr/sbin/gemserv"), "-n", "-c", ini],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"warnings: 0", p.stdout)

    def test_default_config_path(self):
        p = subprocess.run([self.path("usr/sbin/gemserv"), "-h"],
                           stdout=subprocess.PIPE, timeout=10)
        self.assertIn(b"/etc/gemserv/gemserv.ini", p.stdout)
        unit = unit_settings(self.path(UNIT))
        self.assertEqual(unit["ExecStart"],
                         ["/usr/sbin/gemserv -c /etc/gemserv/gemserv.ini"])

    @unittest.skipUnless(shutil.which("mandoc"), "needs mandoc")
    def test_mandoc_lint(self):
        pages = [self.path(MAN8), self.path(MAN5)]
        # Every warning, error and unsupported construct: none at all.
        p = subprocess.run(["mandoc", "-Tlint", "-Wwarning"] + pages,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30)
        self.assertEqual((p.returncode, p.stdout.decode()), (0, ""))
        # Style too, except cross references the machine's manual
        # database cannot resolve (these pages are not installed there).
        p = subprocess.run(["mandoc", "-Tlint"] + pages,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=30)
        rest = [line for line in p.stdout.decode().splitlines()
                if "referenced manual not found" not in line and
                "outdated mandoc.db" not in line]
        self.assertEqual(rest, [])

    @unittest.skipUnless(shutil.which("man"), "needs man")
    def test_man_renders(self):
        for rel, want in ((MAN8, "SIGNALS"), (MAN5, "proxy_protocol")):
            p = subprocess.run(["man", "-l", self.path(rel)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=dict(os.environ, MANWIDTH="80",
                                        MANPAGER="cat", PAGER="cat"),
                               timeout=30)
            self.assertEqual(p.returncode, 0, rel)
            self.assertEqual(p.stderr.decode(), "", rel)
            self.assertIn(want, p.stdout.decode())

    def test_every_key_documented(self):
        """Each key of config.c's table in gemserv.ini(5) under its
        section, in the README's table and in the example config."""
        with open(self.path(MAN5)) as f:
            man = f.read()
        with open(os.path.join(ROOT, "README.md")) as f:
            readme = f.read()
        with open(self.path(SHARE + "/gemserv.ini.example")) as f:
            example = f.read()
        sections = re.split(r"^\.Ss ", man, flags=re.M)
        for section, key in config_keys():
            body = [s for s in sections
                    if s.startswith("[%s] section" % section)]
            self.assertEqual(len(body), 1, section)
            self.assertTrue(re.search(r"(?m)^\.It Cm %s No = " % key,
                                      body[0]),
                            "gemserv.ini(5) lacks [%s] %s" % (section, key))
            self.assertTrue("`%s`" % key in readme,
                            "README lacks [%s] %s" % (section, key))
            self.assertTrue(re.search(r"(?m)^;?%s =" % key, example),
                            "gemserv.ini lacks [%s] %s" % (section, key))

    def test_unit_hardening(self):
        u = unit_settings(self.path(UNIT))
        want = {
            "User": ["gemserv"],
            "AmbientCapabilities": ["CAP_NET_BIND_SERVICE"],
            "CapabilityBoundingSet": ["CAP_NET_BIND_SERVICE"],
            "NoNewPrivileges": ["yes"],
            "ProtectSystem": ["strict"],
            "ProtectHome": ["yes"],
            "PrivateTmp": ["yes"],
            "PrivateDevices": ["yes"],
            "RestrictAddressFamilies": ["AF_INET AF_INET6 AF_UNIX"],
            "SystemCallArchitectures": ["native"],
            "Restart": ["on-failure"],
        }
        for k, v in want.items():
            self.assertEqual(u.get(k), v, k)
        filters = " ".join(u["SystemCallFilter"]).split()
        self.assertEqual(filters[0], "@system-service")
        for call in ("landlock_create_ruleset", "landlock_add_rule",
                     "landlock_restrict_self", "seccomp"):
            self.assertIn(call, filters)
        self.assertIn("/bin/kill -HUP $MAINPID", u["ExecReload"])
        # Never root: no user switch, so the unit must not start as root.
        self.assertNotIn("PermissionsStartOnly", u)
        self.assertFalse(any("@" in v and "@system-service" not in v
                             for vs in u.values() for v in vs),
                         "unfilled @PLACEHOLDER@ in the unit")

    @unittest.skipUnless(shutil.which("systemd-analyze"),
                         "needs systemd-analyze")
    def test_systemd_verify(self):
        """The unit exactly as installed, with PREFIX a temporary
        directory (no DESTDIR), so ExecStart names a binary that exists
        and the Documentation= pages are found through MANPATH."""
        prefix = os.path.join(self.tmp, "prefix")
        make("install", "PREFIX=" + prefix)
        unit = os.path.join(prefix, "lib/systemd/system/gemserv.service")
        self.assertEqual(unit_settings(unit)["ExecStart"],
                         [prefix + "/sbin/gemserv -c /etc/gemserv/gemserv.ini"])
        env = dict(os.environ, MANPATH=os.path.join(prefix, "share/man") +
                   ":", SYSTEMD_LOG_LEVEL="notice")
        p = subprocess.run(["systemd-analyze", "verify", unit],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, timeout=60)
        self.assertEqual((p.returncode, p.stdout.decode()), (0, ""))
        # Exposure 0..100; systemd rates below 40 "OK", this unit ~18.
        p = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                            "--threshold=25", unit],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=env, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout.decode())

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                         "needs root and setpriv")
    def test_unprivileged_with_capability(self):
        """What the unit does, without systemd: an ordinary user holding
        only CAP_NET_BIND_SERVICE serves a port below 1024, then stops
        cleanly on SIGTERM."""
        nobody = pwd.getpwnam("nobody")
        root = os.path.join(self.tmp, "cap")
        shutil.copytree(self.path(SHARE + "/capsule"),
                        os.path.join(root, "capsule"))
        os.makedirs(os.path.join(root, "certs"))
        os.chown(os.path.join(root, "certs"), nobody.pw_uid, nobody.pw_gid)
        gport, pport = free_port(), privileged_port()
        with open(os.path.join(root, "gemserv.ini"), "w") as f:
            f.write("[server]\nworkers = 1\n"
                    "[gemini]\nlisten = 127.0.0.1:%d\n"
                    "[gopher]\nlisten = 127.0.0.1:%d\n" % (gport, pport))
        for d, dirs, files in os.walk(root):
            os.chmod(d, 0o755)
        log = open(os.path.join(self.tmp, "cap.log"), "wb")
        proc = subprocess.Popen(
            ["setpriv", "--reuid=%d" % nobody.pw_uid,
             "--regid=%d" % nobody.pw_gid, "--clear-groups",
             "--inh-caps=-all,+net_bind_service",
             "--ambient-caps=-all,+net_bind_service",
             "--bounding-set=-all,+net_bind_service", "--no-new-privs",
             self.path("usr/sbin/gemserv"), "-c",
             os.path.join(root, "gemserv.ini")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 20
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", pport), 1).close()
                    break
                except OSError:
                    time.sleep(0.05)
            self.assertIsNone(proc.poll())
            self.assertIn(b"gemserv capsule", gopher(pport, "/\r\n"))
            self.assertTrue(gemini(gport, "gemini://localhost:%d/\r\n" % gport)
                            .startswith(b"20 "))
            self.assertEqual(os.stat(os.path.join(root, "certs", "key.pem"))
                             .st_uid, nobody.pw_uid)
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(30), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()
        with open(os.path.join(self.tmp, "cap.log"), "rb") as f:
            out = f.read().decode(errors="replace")
        self.assertNotIn("error", out)


if __name__ == "__main__":
    unittest.main()


class BuildDependencyTest(unittest.TestCase):
    """`make deps` on a fresh Debian machine installs every package whose
    headers the sources include: a header that only happens to be on
    this machine would break `make run` there."""

    # Present on any machine with gcc, or part of the C library.
    BASE = {"libc6-dev", "linux-libc-dev"}

    def deps_build(self):
        with open(os.path.join(ROOT, "Makefile")) as f:
            text = f.read().replace("\\\n", " ")
        m = re.search(r"^DEPS_BUILD\s*=(.*)$", text, re.M)
        self.assertIsNotNone(m, "no DEPS_BUILD in the Makefile")
        return set(m.group(1).split())

    def test_every_included_header_is_installed_by_make_deps(self):
        want = self.deps_build()
        headers = set()
        server = os.path.join(ROOT, "server")
        for name in os.listdir(server):
            if name.endswith((".c", ".h")):
                with open(os.path.join(server, name)) as f:
                    headers.update(re.findall(r"^#include <([^>]+)>",
                                              f.read(), re.M))
        self.assertGreater(len(headers), 20)
        cflags = subprocess.run(
            ["pkg-config", "--cflags", "libtls", "libevent", "libmagic",
             "libseccomp", "openssl"], capture_output=True, text=True,
            check=True).stdout.split()
        for h in sorted(headers):
            dep = subprocess.run(
                ["cc", "-M", "-D_GNU_SOURCE", "-x", "c", "-"] + cflags,
                input="#include <%s>\n" % h, capture_output=True,
                text=True)
            self.assertEqual(dep.returncode, 0, dep.stderr)
            # "-: stdc-predef.h /usr/include/.../h.h more.h ..."
            path = [p for p in dep.stdout.replace("\\\n", " ").split()
                    if p.endswith("/" + h)][0]
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)],
                                   capture_output=True, text=True)
            if owner.returncode != 0:
                owner = subprocess.run(["dpkg", "-S", path],
                                       capture_output=True, text=True)
            self.assertEqual(owner.returncode, 0, "%s: %s" % (h, path))
            pkgs = {p.split(":")[0].strip()
                    for p in owner.stdout.split(": ")[0].split(",")}
            if pkgs & self.BASE or any(p.startswith("libgcc-") for p in pkgs):
                continue
            with self.subTest(header=h):
                self.assertTrue(pkgs & want,
                                "<%s> is in %s, which make deps does not "
                                "install" % (h, ", ".join(sorted(pkgs))))
