/* utf8.c: decoding, validation, encoding and column counting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

static void
test_decode(void **state)
{
	static const struct {
		const char	*s;
		int		 n;
		uint32_t	 cp;
	} cases[] = {
		{ "A", 1, 'A' },
		{ "\xc3\xa9", 2, 0xe9 },			/* é */
		{ "\xe2\x80\x9c", 3, 0x201c },			/* “ */
		{ "\xf0\x9f\x8c\xb1", 4, 0x1f331 },		/* seedling */
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xef\xbf\xbd", 3, 0xfffd },			/* a real U+FFFD */
		{ "\x80", -1, UTF8_REPLACEMENT },		/* lone continuation */
		{ "\xc0\xaf", -1, UTF8_REPLACEMENT },		/* overlong '/' */
		{ "\xe0\x80\xaf", -1, UTF8_REPLACEMENT },	/* overlong */
		{ "\xed\xa0\x80", -1, UTF8_REPLACEMENT },	/* surrogate */
		{ "\xf4\x90\x80\x80", -1, UTF8_REPLACEMENT },	/* > U+10FFFF */
		{ "\xc3", -1, UTF8_REPLACEMENT },		/* truncated */
		{ "\xe2\x80", -1, UTF8_REPLACEMENT },		/* truncated */
		{ "\xc3(", -1, UTF8_REPLACEMENT },		/* bad continuation */
		{ "\xff", -1, UTF8_REPLACEMENT },
	};
	size_t		 i;
	uint32_t	 cp;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cp = 0;
		assert_int_equal(utf8_decode(cases[i].s, strlen(cases[i].s),
		    &cp), cases[i].n);
		assert_int_equal(cp, cases[i].cp);
	}
	assert_int_equal(utf8_decode("", 0, &cp), -1);
}

static void
test_encode_roundtrip(void **state)
{
	char		 out[4];
	uint32_t	 cp, back;
	size_t		 n;

	(void)state;
	for (cp = 0; cp <= 0x10ffff; cp += (cp < 0x3000 ? 1 : 97)) {
		n = utf8_encode(cp, out);
		if (cp >= 0xd800 && cp <= 0xdfff) {
			/* Surrogates cannot be encoded: U+FFFD instead. */
			assert_memory_equal(out, "\xef\xbf\xbd", 3);
			continue;
		}
		assert_int_equal(utf8_decode(out, n, &back), (int)n);
		assert_int_equal(back, cp);
	}
	assert_int_equal(utf8_encode(0x110000, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("plain ascii", 11));
	assert_true(utf8_valid("caf\xc3\xa9 \xe2\x80\x94 ok", 12));
	assert_false(utf8_valid("caf\xe9", 4));
	assert_false(utf8_valid("a\xc0\xaf", 3));
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_false(utf8_valid("ok\xe2\x80", 4));
	/* An embedded NUL is valid UTF-8: callers check for it. */
	assert_true(utf8_valid("a\0b", 3));
}

static void
test_columns(void **state)
{
	(void)state;
	assert_int_equal(utf8_columns("", 0), 0);
	assert_int_equal(utf8_columns("abc", 3), 3);
	assert_int_equal(utf8_columns("caf\xc3\xa9", 5), 4);
	/* e + combining acute: one column. */
	assert_int_equal(utf8_columns("e\xcc\x81", 3), 1);
	assert_int_equal(utf8_columns("\xe4\xb8\xad\xe6\x96\x87", 6), 2);
	assert_int_equal(utf8_columns("\xf0\x9f\x8c\xb1!", 5), 2);
	/* Invalid bytes count one column each, so nothing is hidden. */
	assert_int_equal(utf8_columns("a\xffz", 3), 3);
}

/*
 * The columns and validity a code point at a time, as utf8.c counted
 * them before its 8-byte ASCII steps: the fast paths must agree.
 */
static int
ref_combining(uint32_t cp)
{
	return (cp >= 0x0300 && cp <= 0x036f) ||
	    (cp >= 0x1ab0 && cp <= 0x1aff) ||
	    (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f) ||
	    cp == 0x200b || cp == 0x200c || cp == 0x200d || cp == 0xfe0f;
}

static size_t
ref_columns(const char *s, size_t len, int *valid)
{
	size_t		 i = 0, cols = 0;
	uint32_t	 cp;
	int		 n;

	*valid = 1;
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &cp)) < 0) {
			*valid = 0;
			cols++;
			i++;
			continue;
		}
		cols += !ref_combining(cp);
		i += (size_t)n;
	}
	return cols;
}

static void
check_columns(const char *s, size_t len)
{
	int	 valid;
	size_t	 cols = ref_columns(s, len, &valid);

	assert_int_equal(utf8_columns(s, len), cols);
	assert_int_equal(utf8_valid(s, len), valid);
}

/* ASCII, mixed and invalid text, every length and every position. */
static void
test_columns_fast_path(void **state)
{
	static const char *const odd[] = {
		"\xc3\xa9", "\xcc\x81", "\xe2\x80\x94", "\xf0\x9f\x8c\xb1",
		"\xff", "\x80", "\xc3", "\xe2\x80", "\xed\xa0\x80",
		"\xe2\x80\x8b", "\xef\xb8\x8f", "\xc0\xaf",
	};
	char		 s[64];
	size_t		 len, at, k, n;
	unsigned	 seed = 7;

	(void)state;
	memset(s, 'a', sizeof(s));
	for (len = 0; len <= 40; len++)
		check_columns(s, len);
	for (k = 0; k < sizeof(odd) / sizeof(odd[0]); k++) {
		n = strlen(odd[k]);
		for (len = n; len <= 40; len++)
			for (at = 0; at + n <= len; at++) {
				memset(s, 'a', len);
				memcpy(s + at, odd[k], n);
				check_columns(s, len);
			}
	}
	/* Random mixes, including several odd sequences in one string. */
	for (k = 0; k < 2000; k++) {
		len = 0;
		while (len < 48) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 3 == 0) {
				n = strlen(odd[(seed >> 8) %
				    (sizeof(odd) / sizeof(odd[0]))]);
				memcpy(s + len, odd[(seed >> 8) %
				    (sizeof(odd) / sizeof(odd[0]))], n);
				len += n;
			} else
				s[len++] = (char)(' ' + (seed >> 20) % 95);
		}
		check_columns(s, len);
	}
}

static void
test_prefix_columns(void **state)
{
	const char	*s = "h\xc3\xa9llo";	/* héllo: 6 bytes, 5 columns */

	(void)state;
	assert_int_equal(utf8_prefix_columns(s, 6, 0), 0);
	assert_int_equal(utf8_prefix_columns(s, 6, 1), 1);
	assert_int_equal(utf8_prefix_columns(s, 6, 2), 3);	/* never splits é */
	assert_int_equal(utf8_prefix_columns(s, 6, 5), 6);
	assert_int_equal(utf8_prefix_columns(s, 6, 50), 6);
	/* A combining mark stays with its letter. */
	assert_int_equal(utf8_prefix_columns("e\xcc\x81x", 4, 1), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_columns_fast_path),
		cmocka_unit_test(test_prefix_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
