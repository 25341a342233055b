/* buf.c: growth, the sticky error flag, stealing and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"

static void
test_append_and_grow(void **state)
{
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b);
	assert_string_equal(buf_str(&b), "");
	for (i = 0; i < 10000; i++)
		buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[10000], '\0');
	assert_int_equal(b.data[27], 'b');
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_printf(&b, "%s=%d", "x", 42);
	buf_puts(&b, "!");
	buf_append(&b, "\0z", 2);
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "x=42!\0z", 7);
	buf_free(&b);
}

static void
test_steal(void **state)
{
	struct buf	 b;
	char		*p;
	size_t		 len = 99;

	(void)state;
	buf_init(&b);
	p = buf_steal(&b, &len);	/* empty: still a string */
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	buf_puts(&b, "page");
	p = buf_steal(&b, &len);
	assert_string_equal(p, "page");
	assert_int_equal(len, 4);
	assert_null(b.data);		/* the buffer starts over */
	assert_int_equal(b.len, 0);
	free(p);
}

static void
test_sticky_error(void **state)
{
	struct buf	 b;
	size_t		 len;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "kept");
	/* A size no allocator can give sets the flag... */
	buf_append(&b, "x", SIZE_MAX - 8);
	assert_true(b.err);
	/* ...after which appends do nothing and steal gives NULL. */
	buf_puts(&b, "more");
	assert_int_equal(b.len, 4);
	assert_string_equal(buf_str(&b), "");
	assert_null(buf_steal(&b, &len));
	assert_null(b.data);
}

static void
test_escape_markup(void **state)
{
	struct buf	 b;
	const char	 in[] = "a&b<c>d\"e'f\tg\nh\x01i\x7f";

	(void)state;
	buf_init(&b);
	buf_escape_markup(&b, in, sizeof(in) - 1);
	assert_string_equal(buf_str(&b),
	    "a&amp;b&lt;c&gt;d&quot;e&#39;f\tg\nh i\x7f");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_grow),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_sticky_error),
		cmocka_unit_test(test_escape_markup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
