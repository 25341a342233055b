/* Unit tests: gopher menu lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "gophermap.h"
#include "utf8.h"

struct fixture {
	struct buf		 b;
	struct gophermap	 gm;
};

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	buf_init(&f->b);
	f->gm.out = &f->b;
	f->gm.host = "gopher.example";
	f->gm.port = 7070;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	buf_free(&f->b);
	free(f);
	return 0;
}

static const char *
out(struct fixture *f)
{
	assert_false(f->b.err);
	return f->b.len > 0 ? f->b.data : "";
}

/* Splits "display TAB ..." off a line: returns the display's length. */
static size_t
display_len(const char *line)
{
	const char	*t = strchr(line, '\t');

	assert_non_null(t);
	return (size_t)(t - line) - 1;	/* minus the type byte */
}

static void
test_item(void **state)
{
	struct fixture	*f = *state;

	gophermap_item(&f->gm, '0', "About this capsule", "/about.txt");
	gophermap_item(&f->gm, '1', "Articles", "/articles/");
	gophermap_item(&f->gm, '1', "", "");
	assert_string_equal(out(f),
	    "0About this capsule\t/about.txt\tgopher.example\t7070\r\n"
	    "1Articles\t/articles/\tgopher.example\t7070\r\n"
	    "1\t\tgopher.example\t7070\r\n");
}

/* TAB, CR and LF in any field become spaces: four fields, one line. */
static void
test_field_cleaning(void **state)
{
	struct fixture	*f = *state;

	f->gm.host = "bad\thost";
	gophermap_item(&f->gm, '0', "a\tb\rc\nd", "/x\ty\r\n");
	gophermap_url(&f->gm, "u\tv", "https://e.example/\tz");
	assert_string_equal(out(f),
	    "0a b c d\t/x y  \tbad host\t7070\r\n"
	    "hu v\tURL:https://e.example/ z\tbad host\t7070\r\n");
}

/* A type byte that would break the line becomes an error line. */
static void
test_bad_type(void **state)
{
	struct fixture	*f = *state;

	gophermap_item(&f->gm, '\t', "x", "/x");
	gophermap_item(&f->gm, '\0', "y", "/y");
	assert_string_equal(out(f),
	    "3x\t/x\tgopher.example\t7070\r\n"
	    "3y\t/y\tgopher.example\t7070\r\n");
}

/* Exactly 69 columns stays; 70 is cut to 66 + "...". */
static void
test_display_cut_ascii(void **state)
{
	struct fixture	*f = *state;
	char		 s69[70], s70[71], want[200];

	memset(s69, 'x', 69);
	s69[69] = '\0';
	memset(s70, 'y', 70);
	s70[70] = '\0';
	gophermap_item(&f->gm, '0', s69, "/a");
	assert_int_equal(display_len(out(f)), 69);
	assert_memory_equal(out(f) + 1, s69, 69);

	buf_reset(&f->b);
	gophermap_item(&f->gm, '0', s70, "/b");
	memset(want, 'y', 66);
	strcpy(want + 66, "...\t/b\tgopher.example\t7070\r\n");
	assert_string_equal(out(f) + 1, want);
}

/* Multi-byte displays are cut by columns, on a character boundary. */
static void
test_display_cut_utf8(void **state)
{
	struct fixture	*f = *state;
	struct buf	 in;
	const char	*o;
	size_t		 i, n;
	static const char *units[] = {
		"é", "漢", "😀", "e\xcc\x81", "“",
	};

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		buf_init(&in);
		for (n = 0; n < 80; n++)
			buf_puts(&in, units[i]);
		assert_false(in.err);
		buf_reset(&f->b);
		gophermap_item(&f->gm, '0', in.data, "/s");
		o = out(f);
		n = display_len(o);
		/* 66 whole units, then "...": 69 columns, valid UTF-8. */
		assert_int_equal(n, 66 * strlen(units[i]) + 3);
		assert_memory_equal(o + 1, in.data, 66 * strlen(units[i]));
		assert_memory_equal(o + 1 + n - 3, "...", 3);
		assert_true(utf8_valid(o + 1, n));
		assert_int_equal(utf8_columns(o + 1, n), GOPHER_DISPLAY_MAX);
		buf_free(&in);
	}
}

/* A cut that lands after a space does not leave "word ...". */
static void
test_display_cut_space(void **state)
{
	struct fixture	*f = *state;
	char		 s[100], want[200];

	memset(s, 'w', 65);
	memcpy(s + 65, " more words here", 17);
	gophermap_item(&f->gm, '0', s, "/s");
	memset(want, 'w', 65);
	strcpy(want + 65, "...\t/s\tgopher.example\t7070\r\n");
	assert_string_equal(out(f) + 1, want);
}

static void
test_info(void **state)
{
	struct fixture	*f = *state;

	gophermap_info(&f->gm, "Welcome");
	gophermap_info(&f->gm, "");
	gophermap_info(&f->gm, "  indented\tand tabbed");
	assert_string_equal(out(f),
	    "iWelcome\t\terror.host\t1\r\n"
	    "i\t\terror.host\t1\r\n"
	    "i  indented and tabbed\t\terror.host\t1\r\n");
}

/* Long info text wraps over several 'i' lines, each within 69 columns. */
static void
test_info_wrap(void **state)
{
	struct fixture	*f = *state;
	struct buf	 in, want;
	size_t		 i;

	buf_init(&in);
	buf_init(&want);
	/* 20 words of 4 letters: 14 fill 69 columns exactly, then 6. */
	for (i = 0; i < 20; i++)
		buf_printf(&in, "%sw%03zu", i ? " " : "", i);
	buf_puts(&want, "i");
	for (i = 0; i < 14; i++)
		buf_printf(&want, "%sw%03zu", i ? " " : "", i);
	buf_puts(&want, "\t\terror.host\t1\r\ni");
	for (i = 14; i < 20; i++)
		buf_printf(&want, "%sw%03zu", i > 14 ? " " : "", i);
	buf_puts(&want, "\t\terror.host\t1\r\n");
	assert_false(in.err || want.err);
	gophermap_info(&f->gm, in.data);
	assert_string_equal(out(f), want.data);
	buf_free(&in);
	buf_free(&want);
}

/* A single word longer than a line is cut like a display string. */
static void
test_info_long_word(void **state)
{
	struct fixture	*f = *state;
	char		 s[120], want[200];

	memset(s, 'u', 100);
	strcpy(s + 100, " tail");
	gophermap_info(&f->gm, s);
	memset(want, 'u', 66);
	strcpy(want + 66, "...\t\terror.host\t1\r\nitail\t\terror.host\t1\r\n");
	assert_string_equal(out(f) + 1, want);
	assert_int_equal(out(f)[0], 'i');
}

/* Only blanks, but too many to fit: still one blank line. */
static void
test_info_blanks(void **state)
{
	struct fixture	*f = *state;
	char		 s[100];

	memset(s, ' ', 99);
	s[99] = '\0';
	gophermap_info(&f->gm, s);
	assert_string_equal(out(f), "i\t\terror.host\t1\r\n");
}

static void
test_error(void **state)
{
	struct fixture	*f = *state;

	gophermap_error(&f->gm, "Not found:\t/x");
	assert_string_equal(out(f), "3Not found: /x\t\terror.host\t1\r\n");
}

static void
test_url(void **state)
{
	struct fixture	*f = *state;

	gophermap_url(&f->gm, "Project site", "https://example.org/a?b=c");
	assert_string_equal(out(f),
	    "hProject site\tURL:https://example.org/a?b=c"
	    "\tgopher.example\t7070\r\n");
}

static void
test_end(void **state)
{
	struct fixture	*f = *state;

	gophermap_info(&f->gm, "x");
	gophermap_end(&f->gm);
	assert_string_equal(out(f), "ix\t\terror.host\t1\r\n.\r\n");
}

/* A failed buffer takes no more bytes and nothing crashes. */
static void
test_failed_buffer(void **state)
{
	struct fixture	*f = *state;
	char		 s[200];

	memset(s, 'a', 199);
	s[199] = '\0';
	f->b.err = 1;
	gophermap_item(&f->gm, '0', s, "/x");
	gophermap_info(&f->gm, s);
	gophermap_error(&f->gm, "e");
	gophermap_url(&f->gm, "u", "https://e/");
	gophermap_end(&f->gm);
	assert_int_equal(f->b.len, 0);
	f->b.err = 0;	/* so teardown's buf_free sees a clean buffer */
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test_setup_teardown(test_item, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_cleaning, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_display_cut_ascii, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_display_cut_utf8, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_display_cut_space, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_wrap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_info_long_word, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_info_blanks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url, setup, teardown),
		cmocka_unit_test_setup_teardown(test_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_buffer, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
