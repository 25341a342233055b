/* buf.c: growth, the sticky error flag, stealing and escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/*
 * The inline fast paths of buf.h: appends that exactly fill the buffer
 * stay in it, the next byte grows it, and the bytes and the NUL after
 * them are always what a plain array of the same appends holds.
 */
static void
test_inline_growth(void **state)
{
	struct buf	 b;
	char		 want[4096], chunk[300];
	size_t		 len = 0, cap, i, n, seed = 1;

	(void)state;
	buf_init(&b);
	buf_putc(&b, 'a');
	want[len++] = 'a';
	cap = b.cap;
	assert_true(cap > 1);
	/* Up to the last byte before the NUL: no growth. */
	while (b.len + 1 < cap) {
		buf_putc(&b, 'b');
		want[len++] = 'b';
	}
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.data[b.len], '\0');
	buf_putc(&b, 'c');
	want[len++] = 'c';
	assert_true(b.cap > cap);
	/* An append of exactly the room left, then one byte more. */
	cap = b.cap;
	n = cap - b.len - 1;
	memset(chunk, 'd', sizeof(chunk));
	assert_true(n <= sizeof(chunk));
	buf_append(&b, chunk, n);
	memcpy(want + len, chunk, n);
	len += n;
	assert_int_equal(b.cap, cap);
	buf_append(&b, "e", 1);
	want[len++] = 'e';
	assert_true(b.cap > cap);
	/* Mixed sizes, zero included, across several growths. */
	while (len + sizeof(chunk) < sizeof(want)) {
		seed = seed * 1103515245 + 12345;
		n = (seed >> 8) % sizeof(chunk);
		for (i = 0; i < n; i++)
			chunk[i] = (char)('f' + (len + i) % 20);
		if (n == 1)
			buf_putc(&b, chunk[0]);
		else
			buf_append(&b, chunk, n);
		memcpy(want + len, chunk, n);
		len += n;
		assert_int_equal(b.len, len);
		assert_memory_equal(b.data, want, len);
		assert_int_equal(b.data[len], '\0');
	}
	buf_append(&b, NULL, 0);	/* nothing to copy: fine */
	assert_int_equal(b.len, len);
	buf_free(&b);
}

/*
 * buf_printf formats into the room left when it fits and otherwise
 * grows: around the boundary the text, the length and the NUL are right,
 * and a cut first attempt leaves no trace.
 */
static void
test_printf_room(void **state)
{
	struct buf	 b;
	char		 want[600], num[16];
	size_t		 fill, n, room;

	(void)state;
	for (fill = 0; fill < 40; fill++) {
		buf_init(&b);
		buf_putc(&b, 'x');
		/* room - 1 bytes fit (the NUL takes the last one). */
		room = b.cap - b.len;
		n = room - 1 - 20 + fill;	/* 20 below to 19 above */
		memset(want, 'y', n);
		want[n] = '\0';
		buf_printf(&b, "%s", want);
		assert_false(b.err);
		assert_int_equal(b.len, 1 + n);
		assert_int_equal(b.data[0], 'x');
		assert_memory_equal(b.data + 1, want, n + 1);
		/* Then a second one, across the boundary this time. */
		snprintf(num, sizeof(num), "[%zu]", n);
		buf_printf(&b, "[%zu]", n);
		assert_int_equal(b.len, 1 + n + strlen(num));
		assert_memory_equal(b.data + 1, want, n);
		assert_string_equal(b.data + 1 + n, num);
		buf_free(&b);
	}
	/* After a failure, printf does nothing either. */
	buf_init(&b);
	buf_puts(&b, "kept");
	buf_append(&b, "x", SIZE_MAX / 2 + 1);
	buf_printf(&b, "%d", 42);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "kept", 5);
	buf_free(&b);
}

/* After a failure appends do nothing, even with room left in the buffer. */
static void
test_inline_sticky_error(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "kept");
	assert_true(b.cap - b.len > 16);
	buf_append(&b, "x", SIZE_MAX / 2 + 1);	/* more than any buffer */
	assert_true(b.err);
	assert_true(b.cap - b.len > 16);	/* room, but no more appends */
	buf_putc(&b, 'y');
	buf_append(&b, "zz", 2);
	buf_puts(&b, "more");
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "kept", 5);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
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
		cmocka_unit_test(test_inline_growth),
		cmocka_unit_test(test_inline_sticky_error),
		cmocka_unit_test(test_printf_room),
		cmocka_unit_test(test_escape_markup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
