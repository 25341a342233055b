"""The capsule pipeline end to end: gemserv -n and -x on real capsules,
golden files for the seed article, determinism, word fidelity and bad
input. Runs the real binary; no network."""
import os
import re
import shutil
import tempfile
import unittest

from harness import ROOT, Capsule, run_gemserv

GOLDEN = os.path.join(ROOT, "tests", "golden")
SEED = os.path.join(ROOT, "capsule", "articles", "belonging-heals.txt")
TITLE = "Belonging Heals: The Role of Recovery Support Networks"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def tree(root):
    """{relative path: bytes} of every file below root."""
    out = {}
    for d, _, files in os.walk(root):
        for name in files:
            p = os.path.join(d, name)
            out[os.path.relpath(p, root)] = read(p)
    return out


def words(text):
    return re.findall(r"\S+", text)


def is_subsequence(needle, hay):
    it = iter(hay)
    return all(any(w == h for h in it) for w in needle)


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.capsule = Capsule()
        cls.out = os.path.join(cls.capsule.dir, "export")
        p = run_gemserv("-c", cls.capsule.ini_path, "-x", cls.out)
        assert p.returncode == 0, p.stderr.decode()
        cls.files = tree(cls.out)

    @classmethod
    def tearDownClass(cls):
        cls.capsule.cleanup()

    def test_layout(self):
        for path in ("gemini/index.gmi", "gemini/articles/index.gmi",
                     "gemini/articles/belonging-heals.gmi",
                     "gemini/atom.xml", "gemini/robots.txt",
                     "gemini/resources/index.gmi", "gemini/favicon.txt",
                     "gopher/gophermap", "gopher/articles/gophermap",
                     "gopher/articles/belonging-heals.txt",
                     "gopher/resources/gophermap", "gopher/caps.txt",
                     "gopher/favicon.txt"):
            self.assertIn(path, self.files)

    def test_golden_gemtext(self):
        self.assertEqual(
            self.files["gemini/articles/belonging-heals.gmi"],
            read(os.path.join(GOLDEN, "belonging-heals.gmi")))

    def test_golden_gopher(self):
        self.assertEqual(
            self.files["gopher/articles/belonging-heals.txt"],
            read(os.path.join(GOLDEN, "belonging-heals.txt")))

    def test_deterministic(self):
        out2 = os.path.join(self.capsule.dir, "export2")
        p = run_gemserv("-c", self.capsule.ini_path, "-x", out2)
        self.assertEqual(p.returncode, 0)
        self.assertEqual(tree(out2), self.files)

    def test_gemfeed_index(self):
        index = self.files["gemini/articles/index.gmi"].decode()
        self.assertTrue(index.startswith("# "))
        self.assertRegex(index, r"(?m)^=> /articles/belonging-heals\.gmi "
                         r"\d{4}-\d\d-\d\d - " + re.escape(TITLE) + "$")

    def test_atom(self):
        atom = self.files["gemini/atom.xml"].decode()
        self.assertTrue(atom.startswith('<?xml version="1.0" encoding="utf-8"?>'))
        self.assertIn('<feed xmlns="http://www.w3.org/2005/Atom">', atom)
        self.assertIn("/articles/belonging-heals.gmi</id>", atom)

    def test_home_links(self):
        home = self.files["gemini/index.gmi"].decode()
        self.assertTrue(home.startswith("# Recovery Support Library\n"))
        for link in ("=> /articles/belonging-heals.gmi", "=> /articles/ ",
                     "=> /resources/ ", "=> /search ",
                     "=> gopher://localhost:%d/ " % self.capsule.gopher_port):
            self.assertIn(link, home)

    def test_gopher_menus_well_formed(self):
        for path, data in self.files.items():
            if not path.startswith("gopher/") or \
                    not path.endswith("gophermap"):
                continue
            text = data.decode()
            self.assertTrue(text.endswith("\r\n.\r\n"), path)
            for line in text.split("\r\n")[:-2]:
                fields = line.split("\t")
                self.assertEqual(len(fields), 4, (path, line))
                self.assertLess(len(fields[0]) - 1, 70, (path, line))

    def test_gopher_root_links_gemini(self):
        root = self.files["gopher/gophermap"].decode()
        self.assertIn("\tURL:gemini://localhost:%d/\tlocalhost\t%d\r\n" %
                      (self.capsule.gemini_port, self.capsule.gopher_port),
                      root)
        self.assertTrue(root.startswith("iRecovery Support Library\t"))

    def test_caps(self):
        caps = self.files["gopher/caps.txt"].decode()
        self.assertTrue(caps.startswith("CAPS\r\n"))
        for line in ("CapsVersion=1", "PathDelimeter=/",
                     "ServerSoftware=gemserv", "ServerDefaultEncoding=UTF-8"):
            self.assertIn("\r\n" + line + "\r\n", caps)

    def test_resource_pages(self):
        d = self.files["gemini/resources/index.gmi"].decode()
        links = re.findall(r"(?m)^=> /resources/([a-z0-9-]+)\.gmi ", d)
        self.assertGreaterEqual(len(links), 20)
        for rid in links:
            self.assertIn("gemini/resources/%s.gmi" % rid, self.files)
            self.assertIn("gopher/resources/%s/gophermap" % rid, self.files)
            menu = self.files["gopher/resources/%s/gophermap" % rid].decode()
            self.assertRegex(menu, r"(?m)^h.*\tURL:(https?|gemini|gopher)://")

    def test_fidelity(self):
        """Every word of the source, in order, in both renderings; the only
        allowed losses are the repeated title and the configured debris."""
        lines = read(SEED).decode().splitlines()
        body, top = [], True
        for line in lines:
            s = " ".join(line.split())
            if top and (s == "" or s.lower() == TITLE.lower()):
                continue
            top = False
            if s in ("Blog Article", "Report this page"):
                continue
            body.append(line)
        expected = words(TITLE) + words("\n".join(body))
        gmi = self.files["gemini/articles/belonging-heals.gmi"].decode()
        txt = self.files["gopher/articles/belonging-heals.txt"].decode()
        for out in (gmi, txt):
            self.assertTrue(is_subsequence(expected, words(out)))
            self.assertNotIn("Blog Article", out)
            self.assertNotIn("Report this page", out)
            self.assertEqual(out.count(TITLE), 1)
            self.assertNotIn(TITLE.upper(), out)

    def test_fidelity_detects_a_lost_word(self):
        expected = words("one two three")
        self.assertFalse(is_subsequence(expected, words("one three")))


class CheckTest(unittest.TestCase):
    def test_shipped_config_checks(self):
        p = run_gemserv("-c", os.path.join(ROOT, "gemserv.ini"), "-n")
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        out = p.stdout.decode()
        self.assertIn("configuration ok", out)
        self.assertRegex(out, r"(?m)^articles: 1 \(5898 bytes of source\)$")
        self.assertRegex(out, r"(?m)^resources: \d\d+ in \d+ categories$")
        self.assertRegex(out, r"(?m)^gemini: \d+ pages, \d+ bytes$")
        self.assertRegex(out, r"(?m)^warnings: 0$")

    def test_version_and_help(self):
        p = run_gemserv("-V")
        self.assertEqual(p.stdout, b"gemserv 0.1.0\n")
        p = run_gemserv("-h")
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"usage: gemserv", p.stdout)
        p = run_gemserv("-q")
        self.assertEqual(p.returncode, 1)

    def test_bad_config_names_key(self):
        c = Capsule(ini={"gopher": {"port": "0"}})
        try:
            p = run_gemserv("-c", c.ini_path, "-n")
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"[gopher] port", p.stderr)
        finally:
            c.cleanup()

    def test_bad_resource_names_section(self):
        c = Capsule(resources="[helpline]\nname = Help\ncategory = Crisis\n")
        try:
            p = run_gemserv("-c", c.ini_path, "-n")
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"[helpline] url", p.stderr)
        finally:
            c.cleanup()

    def test_bad_articles_are_skipped_not_fatal(self):
        bad = {
            "empty.txt": b"",
            "binary.txt": b"\x00\x01\x02ELF\x00" * 50,
            "latin1.txt": b"Caf\xe9 society\n\nA paragraph with \xff bytes.\n",
            "crlf.txt": b"Windows Title\r\n\r\nFirst para\r\nwraps here.\r\n",
            "cr.txt": b"Old Mac Title\r\rA para\rthat wraps.\r",
            "tabs.txt": b"Tabbed\n\n\tcode\there\n\nText\twith tab.\n",
            "long.txt": b"Long\n\n" + b"word " * 200000 + b"\n",
            "Dup Name.txt": b"First of two\n\nBody one.\n",
            "dup-name.txt": b"Second of two\n\nBody two.\n",
        }
        c = Capsule(articles=bad)
        try:
            out = os.path.join(c.dir, "x")
            p = run_gemserv("-c", c.ini_path, "-n", "-x", out)
            err = p.stderr.decode()
            self.assertEqual(p.returncode, 0, err)
            self.assertIn("empty.txt", err)
            self.assertIn("binary.txt", err)
            self.assertRegex(err, r"latin1\.txt:1: .*U\+FFFD")
            self.assertRegex(err, r"latin1\.txt:3: .*U\+FFFD")
            self.assertIn("dup-name.txt", err)
            files = tree(out)
            self.assertNotIn("gemini/articles/empty.gmi", files)
            self.assertNotIn("gemini/articles/binary.gmi", files)
            latin = files["gemini/articles/latin1.gmi"].decode()
            self.assertIn("Caf\ufffd society", latin)
            crlf = files["gemini/articles/crlf.gmi"].decode()
            self.assertNotIn("\r", crlf)
            self.assertIn("First para wraps here.", crlf)
            self.assertIn("A para that wraps.",
                          files["gemini/articles/cr.gmi"].decode())
            self.assertIn("Body one.",
                          files["gemini/articles/dup-name.gmi"].decode())
            longtxt = files["gopher/articles/long.txt"].decode()
            self.assertEqual(longtxt.count("word"), 200000)
            for line in longtxt.split("\r\n"):
                self.assertLessEqual(len(line), 70)
        finally:
            c.cleanup()

    def test_missing_articles_dir_is_an_error(self):
        c = Capsule()
        try:
            shutil.rmtree(c.articles)
            p = run_gemserv("-c", c.ini_path, "-n")
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"[capsule] articles", p.stderr)
        finally:
            c.cleanup()

    def test_ascii_charset_transliterates(self):
        c = Capsule(articles={"quotes.txt": "\u201cQuoted\u201d Title\n\n"
                              "Caf\u00e9 \u2014 na\u00efve\u2026\n"},
                    ini={"gopher": {"charset": "ascii"}})
        try:
            out = os.path.join(c.dir, "x")
            p = run_gemserv("-c", c.ini_path, "-x", out)
            self.assertEqual(p.returncode, 0, p.stderr.decode())
            txt = read(os.path.join(out, "gopher/articles/quotes.txt"))
            self.assertTrue(all(b < 0x80 for b in txt))
            self.assertIn(b'Cafe -- naive...', txt)
        finally:
            c.cleanup()


if __name__ == "__main__":
    unittest.main()
