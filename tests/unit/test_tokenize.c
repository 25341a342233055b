/* Tests for tokenize.c: splitting, folding, cutting and stop words. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tokenize.h"

/*
 * Tokenises s[0..len) and compares the folded words, joined by '|',
 * with want ("" for no words).
 */
static void
words_len(const char *s, size_t len, const char *want)
{
	struct token	 t;
	char		 got[1024];
	size_t		 pos = 0, n = 0;

	got[0] = '\0';
	while (token_next(s, len, &pos, &t)) {
		assert_true(t.start < t.end && t.end <= len);
		assert_int_equal(strlen(t.term), t.len);
		assert_true(n + t.len + 2 < sizeof(got));
		if (n > 0)
			got[n++] = '|';
		memcpy(got + n, t.term, t.len + 1);
		n += t.len;
	}
	assert_int_equal(pos, len);
	assert_string_equal(got, want);
}

static void
words(const char *s, const char *want)
{
	words_len(s, strlen(s), want);
}

static void
test_ascii(void **state)
{
	words("", "");
	words("   ,.;!  ", "");
	words("Hello, World!", "hello|world");
	words("Recovery", "recovery");
	words("UPPER lower MiXeD 42 x9", "upper|lower|mixed|42|x9");
	/* Punctuation, also ASCII symbols next to letters, splits. */
	words("self-help 24/7 e-mail don't a_b a@b [x] `y` {z} ~w^",
	    "self|help|24|7|e|mail|don|t|a|b|a|b|x|y|z|w");
	/* Control bytes are not digits (bit 5 must not make them so). */
	words("\x10\x19" "a\x11" "b", "a|b");
	/* Words across the eight-byte steps of the fast path. */
	words("abcdefgh ijklmnopq rstuvwxyzABCDEFGHIJ 1234567 12345678 x",
	    "abcdefgh|ijklmnopq|rstuvwxyzabcdefghij|1234567|12345678|x");
}

static void
test_offsets(void **state)
{
	const char	*s = "  Caf\xc3\xa9, au-lait";
	struct token	 t;
	size_t		 pos = 0;

	assert_int_equal(token_next(s, strlen(s), &pos, &t), 1);
	assert_int_equal(t.start, 2);
	assert_int_equal(t.end, 7);
	assert_string_equal(t.term, "cafe");
	assert_int_equal(token_next(s, strlen(s), &pos, &t), 1);
	assert_int_equal(t.start, 9);
	assert_int_equal(t.end, 11);
	assert_int_equal(token_next(s, strlen(s), &pos, &t), 1);
	assert_string_equal(t.term, "lait");
	assert_int_equal(t.end, strlen(s));
	assert_int_equal(token_next(s, strlen(s), &pos, &t), 0);
	assert_int_equal(pos, strlen(s));
}

static void
test_folding(void **state)
{
	struct token	 a, b;
	size_t		 pa = 0, pb = 0;

	/* Case and accents of Latin letters. */
	words("\xc3\x89lan \xc3\xa9lan ELAN elan", "elan|elan|elan|elan");
	words("Stra\xc3\x9f" "e", "strasse");
	words("co\xc3\xb6perate na\xc3\xafve r\xc3\xa9sum\xc3\xa9",
	    "cooperate|naive|resume");
	words("\xc5\x81\xc3\xb3" "d\xc5\xba \xc3\x86sir \xc5\x92uvre",
	    "lodz|aesir|oeuvre");
	words("Vi\xe1\xbb\x87t", "viet");		/* U+1EC7 */
	/* A combining accent (decomposed form) belongs to its letter. */
	words("e\xcc\x81t\xc3\xa9", "ete");
	words("\xcc\x81" "abc", "abc");		/* a stray mark is skipped */
	/* Greek, Cyrillic and fullwidth letters: lowercase. */
	words("\xce\x91\xce\x92\xce\x93 \xcf\x82", "\xce\xb1\xce\xb2\xce\xb3|"
	    "\xcf\x83");
	words("\xd0\x9f\xd0\xa0\xd0\x98 \xd0\x81", "\xd0\xbf\xd1\x80\xd0\xb8|"
	    "\xd1\x91");
	words("\xef\xbc\xa1\xef\xbd\x82\xef\xbc\x91", "ab1");
	/* Soft hyphen and zero-width joiner do not split. */
	words("re\xc2\xad" "cover z\xe2\x80\x8dw", "recover|zw");
	/* Equal terms hash equal, and the padding is zero. */
	assert_int_equal(token_next("CAF\xc3\x89", 5, &pa, &a), 1);
	assert_int_equal(token_next("cafe", 4, &pb, &b), 1);
	assert_string_equal(a.term, b.term);
	assert_int_equal(a.hash, b.hash);
	assert_memory_equal(a.term + a.len, "\0\0\0\0\0\0\0\0", 8);
}

static void
test_unicode_punctuation(void **state)
{
	/* Dashes, quotes, ellipsis, bullets, NBSP, ideographic space. */
	words("recovery\xe2\x80\x94support \xe2\x80\x9cquoted\xe2\x80\x9d",
	    "recovery|support|quoted");
	words("a\xe2\x80\xa6" "b \xe2\x80\xa2 c\xc2\xa0" "d\xe3\x80\x80" "e",
	    "a|b|c|d|e");
	words("\xc2\xbfQu\xc3\xa9? \xc2\xa1S\xc3\xad! \xc2\xab" "x\xc2\xbb",
	    "que|si|x");
	words("3\xc3\x97" "4 \xe2\x82\xac" "5 \xe2\x86\x92 ok\xf0\x9f\x98\x80",
	    "3|4|5|ok");
	words("\xe3\x80\x8c\xe6\x97\xa5\xe6\x9c\xac\xe3\x80\x8d",
	    "\xe6\x97\xa5\xe6\x9c\xac");
	/* Invalid UTF-8 separates like punctuation. */
	words_len("ab\xff" "cd\xc3", 6, "ab|cd");
	words("\xed\xa0\x80x", "x");	/* a surrogate */
}

static void
test_long_words(void **state)
{
	char		 s[200], want[TOKEN_MAX + 3];

	/* Cut at TOKEN_MAX bytes; the rest of the word is skipped. */
	memset(s, 'a', 150);
	memcpy(s + 150, " b", 3);
	memset(want, 'a', TOKEN_MAX);
	memcpy(want + TOKEN_MAX, "|b", 3);
	words(s, want);
	/* A two-byte letter that would not fit is left out whole. */
	memset(s, 'a', TOKEN_MAX - 1);
	memcpy(s + TOKEN_MAX - 1, "\xce\xb1" "z", 4);
	memset(want, 'a', TOKEN_MAX - 1);
	want[TOKEN_MAX - 1] = 'z';
	want[TOKEN_MAX] = '\0';
	words(s, want);
}

/*
 * The same word, found in a long text (where token_next() takes its
 * 8-byte fast path when it can) and alone in a buffer shorter than 16
 * bytes past it (where it never can), gives the same term, the same
 * zero padding up to the next multiple of 8 (what hashes and compares
 * read) and the same hash. start and end frame the word in the text.
 */
static void
check_alone(const char *s, size_t len)
{
	struct token	 t, u;
	size_t		 pos = 0, p2;

	while (token_next(s, len, &pos, &t)) {
		assert_true(t.start < t.end && t.end <= pos && pos <= len);
		p2 = 0;
		assert_int_equal(token_next(s + t.start, t.end - t.start, &p2,
		    &u), 1);
		assert_int_equal(u.start, 0);
		assert_int_equal(u.end, t.end - t.start);
		assert_int_equal(u.len, t.len);
		assert_memory_equal(u.term, t.term, (t.len / 8 + 1) * 8);
		assert_int_equal(u.hash, t.hash);
		p2 = u.end;
		assert_int_equal(token_next(s + t.start, t.end - t.start, &p2,
		    &u), 0);
	}
	assert_int_equal(pos, len);
}

/* ASCII words: letters and digits, lowercased; anything else splits. */
static void
check_ascii(const char *s, size_t len)
{
	struct token	 t;
	size_t		 pos = 0, i = 0, st, k;

	for (;;) {
		while (i < len && !isalnum((unsigned char)s[i]))
			i++;
		if (i == len)
			break;
		for (st = i; i < len && isalnum((unsigned char)s[i]); i++)
			;
		assert_int_equal(token_next(s, len, &pos, &t), 1);
		assert_int_equal(t.start, st);
		assert_int_equal(t.end, i);
		assert_int_equal(t.len, i - st < TOKEN_MAX ? i - st :
		    TOKEN_MAX);
		for (k = 0; k < t.len; k++)
			assert_int_equal(t.term[k],
			    tolower((unsigned char)s[st + k]));
	}
	assert_int_equal(token_next(s, len, &pos, &t), 0);
}

static void
test_fast_path(void **state)
{
	static const char *const after[] = { " ", ".", "-", "\xc3\xa9",
	    "\xc3\x89", "\xe2\x80\x94", "\xff", "\xc2\xad", "\xcc\x81",
	    "\xce\x91", "\xef\xbc\xa1", "" };
	static const char alpha[] = "aZ09mQx7 ,.-'/\t\n";
	char		 s[256];
	size_t		 n, a, tail, len, k, i;
	unsigned	 seed = 11;

	(void)state;
	/* Every word length, every kind of byte after it, every room. */
	for (n = 1; n <= 40; n++)
		for (a = 0; a < sizeof(after) / sizeof(after[0]); a++)
			for (tail = 0; tail <= 20; tail++) {
				len = 0;
				s[len++] = ' ';
				for (k = 0; k < n; k++)
					s[len++] = (char)("AbCd3fGhIj"[k % 10]);
				memcpy(s + len, after[a], strlen(after[a]));
				len += strlen(after[a]);
				for (k = 0; k < tail; k++)
					s[len++] = (char)("x. "[k % 3]);
				check_alone(s, len);
			}
	/* Random ASCII, checked against a plain definition too. */
	for (k = 0; k < 3000; k++) {
		len = (k * 7) % 200;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245 + 12345;
			s[i] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		check_ascii(s, len);
		check_alone(s, len);
	}
	/* Random mixes with letters, marks and separators beyond ASCII. */
	for (k = 0; k < 3000; k++) {
		len = 0;
		while (len < 200) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 12) % 4 == 0) {
				a = (seed >> 20) % (sizeof(after) /
				    sizeof(after[0]));
				memcpy(s + len, after[a], strlen(after[a]));
				len += strlen(after[a]);
			} else
				s[len++] = alpha[(seed >> 16) %
				    (sizeof(alpha) - 1)];
		}
		check_alone(s, len);
	}
}

static void
test_stopwords(void **state)
{
	static const char *const stop[] = { "the", "and", "a", "of", "to",
	    "is", "your", "s", "t", "with", "which" };
	static const char *const keep[] = { "recovery", "us", "who", "no",
	    "not", "help", "", "thee", "an8" };
	size_t	 i;

	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		assert_true(token_stopword(stop[i], strlen(stop[i])));
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		assert_false(token_stopword(keep[i], strlen(keep[i])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_unicode_punctuation),
		cmocka_unit_test(test_long_words),
		cmocka_unit_test(test_fast_path),
		cmocka_unit_test(test_stopwords),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
