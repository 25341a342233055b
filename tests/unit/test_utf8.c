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
		cmocka_unit_test(test_prefix_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
