/* Tests for translit.c: UTF-8 to ASCII transliteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "translit.h"
#include "utf8.h"

/* Transliterates in and compares the result byte for byte with want. */
static void
check_len(const char *in, size_t inlen, const char *want, size_t wantlen)
{
	char	*out;
	size_t	 outlen = (size_t)-1;

	out = translit_ascii(in, inlen, &outlen);
	assert_non_null(out);
	assert_int_equal(outlen, wantlen);
	assert_memory_equal(out, want, wantlen);
	assert_int_equal(out[outlen], '\0');
	free(out);
}

static void
check(const char *in, const char *want)
{
	check_len(in, strlen(in), want, strlen(want));
}

static void
test_ascii_unchanged(void **state)
{
	check("", "");
	check("Plain ASCII, with\ttabs\r\nand lines.\n",
	    "Plain ASCII, with\ttabs\r\nand lines.\n");
	/* Control characters and NUL are ASCII too: copied, not judged. */
	check_len("a\0b\x7f", 4, "a\0b\x7f", 4);
}

static void
test_quotes(void **state)
{
	check("\xe2\x80\x98single\xe2\x80\x99", "'single'");
	check("\xe2\x80\x9c" "double" "\xe2\x80\x9d", "\"double\"");
	check("\xe2\x80\x9elow\xe2\x80\x9c", "\"low\"");
	check("it\xe2\x80\x99s", "it's");
	check("\xc2\xab" "guillemets" "\xc2\xbb", "\"guillemets\"");
	check("\xe2\x80\xb9x\xe2\x80\xba", "<x>");
}

static void
test_dashes_ellipsis_spaces_bullets(void **state)
{
	check("1\xe2\x80\x93" "2", "1-2");		/* en dash */
	check("a\xe2\x80\x94" "b", "a--b");		/* em dash */
	check("x\xe2\x88\x92y", "x-y");			/* minus sign */
	check("wait\xe2\x80\xa6", "wait...");
	check("a\xc2\xa0" "b", "a b");			/* no-break space */
	check("a\xe2\x80\xaf" "b", "a b");		/* narrow nbsp */
	check("a\xe2\x80\x89" "b", "a b");		/* thin space */
	check("\xe2\x80\xa2 item", "* item");
	check("\xe2\x97\xa6 sub", "* sub");
	check("soft\xc2\xadhyphen", "softhyphen");	/* dropped */
	check("zero\xe2\x80\x8bwidth", "zerowidth");
	check("\xef\xbb\xbf" "bom", "bom");
}

static void
test_latin1_letters(void **state)
{
	check("caf\xc3\xa9", "cafe");
	check("\xc3\x80\xc3\x81\xc3\x82\xc3\x83\xc3\x84\xc3\x85", "AAAAAA");
	check("\xc3\xa0\xc3\xa1\xc3\xa2\xc3\xa3\xc3\xa4\xc3\xa5", "aaaaaa");
	check("\xc3\x87\xc3\xa7", "Cc");
	check("\xc3\x91" "and\xc3\xba", "Nandu");
	check("Stra\xc3\x9f" "e", "Strasse");		/* sharp s */
	check("\xc3\xa6" "on \xc3\x86", "aeon AE");
	check("\xc3\xb8" "l \xc3\x98", "ol O");
	check("\xc3\xbe\xc3\x9e", "thTH");
	check("\xc3\xbf\xc3\xbd", "yy");
	check("2\xc3\x97" "3", "2x3");
}

static void
test_latin_extended(void **state)
{
	check("\xc5\x92uvre \xc5\x93uf", "OEuvre oeuf");
	check("\xc5\x81\xc3\xb3" "d\xc5\xba", "Lodz");
	check("\xc5\x82" "a", "la");
	check("\xc5\xa0koda \xc5\xbd", "Skoda Z");
	check("\xc4\x9f\xc4\xb1", "gi");		/* Turkish g breve, dotless i */
	check("\xc4\xb3", "ij");
	check("\xc8\x99" "i", "si");			/* s comma below */
	check("Vi\xe1\xbb\x87t", "Viet");		/* Latin Extended Additional */
	/* Decomposed: the combining acute is dropped after its base. */
	check("e\xcc\x81t\xc3\xa9", "ete");
}

static void
test_others_become_question_marks(void **state)
{
	check("\xce\xb1\xce\xb2", "??");		/* Greek */
	check("\xd0\x96", "?");				/* Cyrillic */
	check("\xe2\x82\xac" "5", "?5");		/* euro */
	check("\xf0\x9f\x98\x80!", "?!");		/* emoji */
	check("\xe6\x97\xa5\xe6\x9c\xac", "??");	/* CJK */
	check("\xc2\xa9", "?");
}

static void
test_invalid_utf8(void **state)
{
	check("a\xff" "b", "a?b");
	check("\xc3", "?");				/* truncated at the end */
	check("\xc3(", "?(");				/* bad continuation */
	check("\xe2\x80", "??");			/* each bad byte is one '?' */
	check("\xc0\xaf", "??");			/* overlong '/' */
	check("\xed\xa0\x80", "???");			/* surrogate */
	check("\xf4\x90\x80\x80", "????");		/* past U+10FFFF */
	check("\x80x", "?x");				/* stray continuation */
}

static void
test_never_longer(void **state)
{
	char	 in[5 * 256], *out;
	size_t	 outlen, i, n = 0;

	/* Every two-byte code point: the output must not outgrow the input. */
	for (i = 0x80; i < 0x800 && n + 2 < sizeof(in); i++) {
		in[n++] = (char)(0xc0 | (i >> 6));
		in[n++] = (char)(0x80 | (i & 0x3f));
	}
	out = translit_ascii(in, n, &outlen);
	assert_non_null(out);
	assert_true(outlen <= n);
	for (i = 0; i < outlen; i++)
		assert_true((unsigned char)out[i] < 0x80);
	free(out);
	/* Each code point of the BMP alone, through the replacement tables. */
	for (i = 0x80; i < 0x10000; i++) {
		if (i >= 0xd800 && i <= 0xdfff)
			continue;
		n = utf8_encode((uint32_t)i, in);
		out = translit_ascii(in, n, &outlen);
		assert_non_null(out);
		assert_true(outlen <= n);
		free(out);
	}
	/* outlen may be NULL. */
	out = translit_ascii("\xc3\xa9", 2, NULL);
	assert_non_null(out);
	assert_string_equal(out, "e");
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_unchanged),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_dashes_ellipsis_spaces_bullets),
		cmocka_unit_test(test_latin1_letters),
		cmocka_unit_test(test_latin_extended),
		cmocka_unit_test(test_others_become_question_marks),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_never_longer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
