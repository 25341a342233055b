"""Search over both protocols, against the real server on a small fixed
capsule: exact bytes of result pages and menus, the exact order of hits,
phrases, prefixes, folding, and every kind of bad input."""
import re

from harness import SharedServerTest, gemini, gopher

HEAD_GMI = b"20 text/gemini; charset=utf-8; lang=en\r\n"

ARTICLES = {
    "Peer Groups.txt": "Title: Peer Support Groups\nDate: 2025-03-01\n"
                       "Tags: peer support\n\n"
                       "Meeting others who understand helps. A peer group "
                       "offers support every week.\n",
    "families.txt": "Title: Families in Recovery\nDate: 2025-02-01\n\n"
                    "Peer support for families is rare.\n\n"
                    "Groups for parents\n\n"
                    "Support groups for parents exist in many towns, and "
                    "self-help books are a good start.\n",
    "cafe.txt": "Title: Sober Caf\u00e9 Nights\nDate: 2025-01-01\n\n"
                "The CAF\u00c9 opens at night for every peer\n\n"
                "Support is there. Co\u00f6perate with the staff; self help "
                "is welcome.\n",
}

RESOURCES = """\
[peer-line]
name = Peer Recovery Line
category = Crisis lines
description = Call for peer support any time of day.
url = https://example.org/peer
region = Canada

[locator]
name = Treatment Locator
category = Treatment locators
description = Find treatment and recovery services near you.
url = https://example.org/locator
"""

FOOTER = ("\n=> / Home\n=> /articles/ All articles\n"
          "=> /resources/ Recovery resource directory\n"
          "=> /search Search articles and resources\n")

PEER_PAGE = """\
# Search: peer

4 results.

=> /articles/peer-groups.gmi Peer Support Groups
2025-03-01
Meeting others who understand helps. A peer group offers support every week.

=> /resources/peer-line.gmi Peer Recovery Line
Crisis lines, Canada
Call for peer support any time of day.

=> /articles/cafe.gmi Sober Caf\u00e9 Nights
2025-01-01
The CAF\u00c9 opens at night for every peer

=> /articles/families.gmi Families in Recovery
2025-02-01
Peer support for families is rare.
""" + FOOTER

PEER_MENU = """\
iSearch: peer\t\terror.host\t1
i\t\terror.host\t1
i4 results.\t\terror.host\t1
i\t\terror.host\t1
0Peer Support Groups\t/articles/peer-groups.txt\tlocalhost\t{gp}
i2025-03-01\t\terror.host\t1
iMeeting others who understand helps. A peer group offers support\t\t\
error.host\t1
ievery week.\t\terror.host\t1
i\t\terror.host\t1
1Peer Recovery Line\t/resources/peer-line/\tlocalhost\t{gp}
iCrisis lines, Canada\t\terror.host\t1
iCall for peer support any time of day.\t\terror.host\t1
i\t\terror.host\t1
0Sober Caf\u00e9 Nights\t/articles/cafe.txt\tlocalhost\t{gp}
i2025-01-01\t\terror.host\t1
iThe CAF\u00c9 opens at night for every peer\t\terror.host\t1
i\t\terror.host\t1
0Families in Recovery\t/articles/families.txt\tlocalhost\t{gp}
i2025-02-01\t\terror.host\t1
iPeer support for families is rare.\t\terror.host\t1
i\t\terror.host\t1
7Search again\t/search\tlocalhost\t{gp}
1Home\t/\tlocalhost\t{gp}
.
"""

HELP_MENU = """\
iSearch articles and resources\t\terror.host\t1
i\t\terror.host\t1
iType words to find the articles and resources that contain all of\t\t\
error.host\t1
ithem. Put words in "double quotes" to find a phrase; end a word with\t\t\
error.host\t1
i* to find every word it begins (recover* finds recovery and\t\t\
error.host\t1
irecovering).\t\terror.host\t1
i\t\terror.host\t1
7Search articles and resources\t/search\tlocalhost\t{gp}
1Home\t/\tlocalhost\t{gp}
.
"""


def crlf(text):
    return text.replace("\n", "\r\n").encode()


class SearchTest(SharedServerTest):
    capsule_args = {"shipped": False, "articles": ARTICLES,
                    "resources": RESOURCES}

    def gem(self, query):
        return gemini(self.port, "gemini://localhost:%d/search%s\r\n" %
                      (self.port, query))

    def gem_order(self, query):
        out = self.gem(query)
        self.assertTrue(out.startswith(HEAD_GMI), out[:80])
        return re.findall(r"(?m)^=> (/(?:articles|resources)/[^ ]+) ",
                          out.decode())

    def gopher(self, words):
        return gopher(self.capsule.gopher_port, "/search\t%s\r\n" % words)

    def gopher_order(self, words):
        menu = self.gopher(words).decode()
        return [line.split("\t")[1] for line in menu.split("\r\n")
                if line[:1] in ("0", "1") and line.split("\t")[1] != "/"]

    def test_prompt(self):
        for q in ("", "?", "?%20", "?%0D%0A"):
            self.assertEqual(self.gem(q),
                             b"10 Search articles and resources\r\n", q)

    def test_gemini_page(self):
        self.assertEqual(self.gem("?peer"),
                         HEAD_GMI + PEER_PAGE.encode())

    def test_gopher_menu(self):
        self.assertEqual(self.gopher("peer"),
                         crlf(PEER_MENU.format(gp=self.capsule.gopher_port)))
        # Gopher+ data after a second TAB is not part of the words.
        self.assertEqual(self.gopher("peer\t+"), self.gopher("peer"))

    def test_order(self):
        """Title and name first, then body matches by BM25 (more matches,
        shorter text); both protocols agree."""
        cases = {
            "recovery": ["/articles/families.gmi", "/resources/peer-line.gmi",
                         "/resources/locator.gmi"],
            "support": ["/articles/peer-groups.gmi",
                        "/articles/families.gmi", "/articles/cafe.gmi",
                        "/resources/peer-line.gmi"],
            "peer parents": ["/articles/families.gmi"],
            "recover*": ["/articles/families.gmi", "/resources/peer-line.gmi",
                         "/resources/locator.gmi"],
            "gro*": ["/articles/peer-groups.gmi", "/articles/families.gmi"],
            "caf\u00e9": ["/articles/cafe.gmi"],
            "CAFE": ["/articles/cafe.gmi"],
            "cooperate": ["/articles/cafe.gmi"],
            "self-help": ["/articles/cafe.gmi", "/articles/families.gmi"],
            "nosuchword": [],
        }
        for words, want in cases.items():
            q = "?" + "".join(c if c.isalnum() or c in "-*" else
                              "".join("%%%02X" % b for b in c.encode())
                              for c in words)
            self.assertEqual(self.gem_order(q), want, words)
            gophered = [w.replace(".gmi", ".txt") if "/articles/" in w else
                        w.replace(".gmi", "/") for w in want]
            self.assertEqual(self.gopher_order(words), gophered, words)

    def test_phrases(self):
        both = ["/articles/peer-groups.gmi", "/resources/peer-line.gmi",
                "/articles/cafe.gmi", "/articles/families.gmi"]
        phrase = ["/articles/peer-groups.gmi", "/resources/peer-line.gmi",
                  "/articles/families.gmi"]
        # %20 is a space: two words. "+" is a plus: one phrase.
        self.assertEqual(self.gem_order("?peer%20support"), both)
        self.assertEqual(self.gem_order("?peer+support"), phrase)
        self.assertEqual(self.gem_order("?%22peer%20support%22"), phrase)
        self.assertEqual(self.gem_order("?%22support%20peer%22"), [])
        self.assertEqual(len(self.gopher_order('"peer support"')), 3)
        out = self.gem("?peer+support")
        self.assertIn(b"# Search: peer+support\n\n3 results.\n", out)

    def test_common_words(self):
        out = self.gem("?the%20and%20%22of%22")
        self.assertEqual(out, HEAD_GMI + (
            "# Search: the and \"of\"\n\nNo results. Only very common "
            "words (like \"the\" or \"and\") and punctuation were given; "
            "they are not indexed. Try more specific words.\n" +
            FOOTER).encode())
        menu = self.gopher("the ... !").decode()
        self.assertTrue(menu.startswith(
            "iSearch: the ... !\t\terror.host\t1\r\n"
            "i\t\terror.host\t1\r\n"
            "iNo results. Only very common words"), menu)

    def test_empty_gopher_query(self):
        want = crlf(HELP_MENU.format(gp=self.capsule.gopher_port))
        self.assertEqual(gopher(self.capsule.gopher_port, "/search\r\n"),
                         want)
        self.assertEqual(self.gopher("   "), want)

    def test_too_long(self):
        self.assertTrue(self.gem("?" + "x" * 256).startswith(HEAD_GMI))
        self.assertEqual(self.gem("?" + "x" * 257),
                         b"59 Search words too long (at most 256 bytes)\r\n")
        # The limit is on the decoded words.
        self.assertTrue(self.gem("?" + "%20" * 255 + "x")
                        .startswith(HEAD_GMI))
        self.assertEqual(self.gopher("x" * 257),
                         b"3Search words too long (at most 256 bytes)\t\t"
                         b"error.host\t1\r\n.\r\n")
        self.assertIn(b"No results.", self.gopher("x" * 256))

    def test_not_utf8(self):
        self.assertEqual(self.gem("?caf%E9"),
                         b"59 Search words must be UTF-8\r\n")
        self.assertEqual(
            gopher(self.capsule.gopher_port, b"/search\tcaf\xe9\r\n"),
            b"3Search words must be UTF-8\t\terror.host\t1\r\n.\r\n")

    def test_root_menu_item(self):
        root = gopher(self.capsule.gopher_port, "\r\n").decode()
        self.assertIn("\r\n7Search articles and resources\t/search\t"
                      "localhost\t%d\r\n" % self.capsule.gopher_port, root)
