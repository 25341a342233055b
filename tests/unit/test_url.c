/* Unit tests for url.c: parsing, path decoding, dot-segment removal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "url.h"

/* Expected parts; NULL means "absent". */
struct parse_case {
	const char	*in;
	int		 ok;
	const char	*scheme;
	const char	*userinfo;
	const char	*host;
	int		 literal;
	const char	*port;
	int		 port_num;
	const char	*path;
	const char	*query;
	const char	*fragment;
};

static const struct parse_case parse_cases[] = {
	{ "gemini://localhost:1965/", 1, "gemini", NULL, "localhost", 0,
	    "1965", 1965, "/", NULL, NULL },
	{ "gemini://localhost", 1, "gemini", NULL, "localhost", 0,
	    NULL, -1, "", NULL, NULL },
	{ "GEMINI://Example.ORG/a/b.gmi", 1, "GEMINI", NULL, "Example.ORG",
	    0, NULL, -1, "/a/b.gmi", NULL, NULL },
	{ "gemini://h/x?q=1&r=%20s", 1, "gemini", NULL, "h", 0, NULL, -1,
	    "/x", "q=1&r=%20s", NULL },
	{ "gemini://h/?a?b/c", 1, "gemini", NULL, "h", 0, NULL, -1, "/",
	    "a?b/c", NULL },
	{ "gemini://h/x#frag", 1, "gemini", NULL, "h", 0, NULL, -1, "/x",
	    NULL, "frag" },
	{ "gemini://h/x?#", 1, "gemini", NULL, "h", 0, NULL, -1, "/x", "",
	    "" },
	{ "gemini://user@h/", 1, "gemini", "user", "h", 0, NULL, -1, "/",
	    NULL, NULL },
	{ "gemini://u:pw@h:7/", 1, "gemini", "u:pw", "h", 0, "7", 7, "/",
	    NULL, NULL },
	{ "gemini://@h/", 1, "gemini", "", "h", 0, NULL, -1, "/", NULL,
	    NULL },
	{ "gemini://[::1]:1965/", 1, "gemini", NULL, "::1", 1, "1965",
	    1965, "/", NULL, NULL },
	{ "gemini://[2001:db8::7]/", 1, "gemini", NULL, "2001:db8::7", 1,
	    NULL, -1, "/", NULL, NULL },
	{ "gemini://127.0.0.1:1/", 1, "gemini", NULL, "127.0.0.1", 0, "1",
	    1, "/", NULL, NULL },
	{ "gemini://h:/", 1, "gemini", NULL, "h", 0, "", -1, "/", NULL,
	    NULL },
	{ "gemini://h:65535/", 1, "gemini", NULL, "h", 0, "65535", 65535,
	    "/", NULL, NULL },
	{ "gemini://h:65536/", 1, "gemini", NULL, "h", 0, "65536", -1, "/",
	    NULL, NULL },
	{ "gemini://h:0/", 1, "gemini", NULL, "h", 0, "0", 0, "/", NULL,
	    NULL },
	{ "gemini://h:99999999999999999999/", 1, "gemini", NULL, "h", 0,
	    "99999999999999999999", -1, "/", NULL, NULL },
	{ "gemini://h:01965/", 1, "gemini", NULL, "h", 0, "01965", 1965,
	    "/", NULL, NULL },
	{ "gemini:///x", 1, "gemini", NULL, "", 0, NULL, -1, "/x", NULL,
	    NULL },
	{ "gemini://h/caf\xc3\xa9", 1, "gemini", NULL, "h", 0, NULL, -1,
	    "/caf\xc3\xa9", NULL, NULL },
	{ "gemini://h/%2e%2E/%41", 1, "gemini", NULL, "h", 0, NULL, -1,
	    "/%2e%2E/%41", NULL, NULL },
	{ "gemini://h/a:b@c;d=e!$&'()*+,~_-.", 1, "gemini", NULL, "h", 0,
	    NULL, -1, "/a:b@c;d=e!$&'()*+,~_-.", NULL, NULL },
	{ "http://h/", 1, "http", NULL, "h", 0, NULL, -1, "/", NULL, NULL },
	{ "titan://h/x;size=3", 1, "titan", NULL, "h", 0, NULL, -1,
	    "/x;size=3", NULL, NULL },
	{ "a+b-c.d:x", 1, "a+b-c.d", NULL, NULL, 0, NULL, -1, "x", NULL,
	    NULL },
	{ "mailto:a@b", 1, "mailto", NULL, NULL, 0, NULL, -1, "a@b", NULL,
	    NULL },
	{ "localhost:1965/", 1, "localhost", NULL, NULL, 0, NULL, -1,
	    "1965/", NULL, NULL },
	{ "gemini:", 1, "gemini", NULL, NULL, 0, NULL, -1, "", NULL, NULL },

	/* Not absolute URIs, or outside the grammar. */
	{ "", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ "Hello", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ "/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ "//host/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ "a/b:c", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ ":x", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ "1gemini://h/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL },
	{ "\xef\xbb\xbfgemini://h/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL,
	    NULL, NULL },
	{ "gemini://h/a b", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/a\tb", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/a\nb", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/a\x7f", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/%zz", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/%4", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/%", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/?%g0", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/#a#b", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/<x>", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/a\\b", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h/{}|^`\"", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h:19x5/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h:-1/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h:1:2/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://a@b@h/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://[::1/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://[]/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://[127.0.0.1]/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL,
	    NULL, NULL },
	{ "gemini://[v1.x]/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://[fe80::1%25eth0]/", 0, NULL, NULL, NULL, 0, NULL, 0,
	    NULL, NULL, NULL },
	{ "gemini://[::1]x/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
	{ "gemini://h[1]/", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL,
	    NULL },
};

static void
check_part(const char *want, const char *got, size_t gotlen, int has)
{
	if (want == NULL) {
		assert_false(has);
		return;
	}
	assert_true(has);
	assert_int_equal(gotlen, strlen(want));
	assert_memory_equal(got, want, gotlen);
}

static void
test_parse_table(void **state)
{
	const struct parse_case	*c;
	struct url		 u;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		print_message("case %zu: %s\n", i, c->in);
		rc = url_parse(c->in, strlen(c->in), &u);
		assert_int_equal(rc, c->ok ? 0 : -1);
		if (!c->ok)
			continue;
		check_part(c->scheme, u.scheme, u.scheme_len, 1);
		check_part(c->userinfo, u.userinfo, u.userinfo_len,
		    u.has_userinfo);
		check_part(c->host, u.host, u.host_len, u.has_authority);
		assert_int_equal(u.host_literal, c->literal);
		check_part(c->port, u.port, u.port_len, u.has_port);
		assert_int_equal(u.port_num, c->port_num);
		check_part(c->path, u.path, u.path_len, 1);
		check_part(c->query, u.query, u.query_len, u.has_query);
		check_part(c->fragment, u.fragment, u.fragment_len,
		    u.has_fragment);
	}
}

/* The length is explicit: a NUL byte inside is data, not an end. */
static void
test_parse_embedded_nul(void **state)
{
	struct url	 u;

	assert_int_equal(url_parse("gemini://h/a\0b", 14, &u), -1);
	assert_int_equal(url_parse("gemini://h\0/", 12, &u), -1);
	/* Found by fuzz_url: inet_pton() stopped at the NUL. */
	assert_int_equal(url_parse("gemini://[::\0\0001]/",
	    sizeof("gemini://[::\0\0001]/") - 1, &u), -1);
	assert_int_equal(url_parse("gemini://h/ab", 12, &u), 0);
	assert_int_equal(u.path_len, 2);
}

struct decode_case {
	const char	*in;
	const char	*out;	/* NULL: refused */
};

static const struct decode_case decode_cases[] = {
	{ "", "" },
	{ "/", "/" },
	{ "/a/b.gmi", "/a/b.gmi" },
	{ "/%41%62c", "/Abc" },
	{ "/%2e%2E/x", "/../x" },
	{ "/a%20b", "/a b" },
	{ "/caf%C3%A9", "/caf\xc3\xa9" },
	{ "/caf\xc3\xa9", "/caf\xc3\xa9" },
	{ "/100%25", "/100%" },
	{ "/%25zz", "/%zz" },
	{ "/%7e", "/~" },
	{ "/%zz", NULL },
	{ "/%4", NULL },
	{ "/%", NULL },
	{ "/%%41", NULL },
	{ "/%00", NULL },
	{ "/a%0Ab", NULL },
	{ "/a%0d", NULL },
	{ "/%1f", NULL },
	{ "/%7F", NULL },
	{ "/a/%2F..%2F..%2Fetc", NULL },
	{ "/%2f", NULL },
	{ "/%5C", NULL },
	{ "/a\tb", NULL },
};

static void
test_decode_table(void **state)
{
	const struct decode_case	*c;
	char				 out[1025];
	size_t				 i, n;
	int				 rc;

	for (i = 0; i < sizeof(decode_cases) / sizeof(decode_cases[0]); i++) {
		c = &decode_cases[i];
		print_message("case %zu: %s\n", i, c->in);
		n = 12345;
		rc = url_decode_path(c->in, strlen(c->in), out, sizeof(out),
		    &n);
		if (c->out == NULL) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(n, strlen(c->out));
		assert_string_equal(out, c->out);
	}
}

static void
test_decode_bounds(void **state)
{
	char	 out[4];
	size_t	 n;

	assert_int_equal(url_decode_path("/ab", 3, out, sizeof(out), &n), 0);
	assert_string_equal(out, "/ab");
	assert_int_equal(url_decode_path("/abc", 4, out, sizeof(out), &n),
	    -1);
	/* Decoding shrinks: 9 bytes in, 3 out, fits. */
	assert_int_equal(url_decode_path("%2F", 3, out, sizeof(out), &n), -1);
	assert_int_equal(url_decode_path("/%61%62", 7, out, sizeof(out), &n),
	    0);
	assert_string_equal(out, "/ab");
	assert_int_equal(url_decode_path("", 0, out, 0, &n), -1);
}

struct dot_case {
	const char	*in;
	const char	*out;	/* NULL: climbs above the root */
};

static const struct dot_case dot_cases[] = {
	{ "", "" },
	{ "/", "/" },
	{ "/a/b/c", "/a/b/c" },
	{ "/a/b/c/", "/a/b/c/" },
	{ "/a/./b", "/a/b" },
	{ "/a/.", "/a/" },
	{ "/.", "/" },
	{ "/./", "/" },
	{ "/a/..", "/" },
	{ "/a/../", "/" },
	{ "/a/b/../c", "/a/c" },
	{ "/a/b/c/./../../g", "/a/g" },
	{ "/a/b/../../c", "/c" },
	{ "/a/..b/c", "/a/..b/c" },
	{ "/a/.b", "/a/.b" },
	{ "/a/b..", "/a/b.." },
	{ "/a/...", "/a/..." },
	{ "/a//../b", "/a/b" },
	{ "//..", "/" },
	{ "/a/b/./", "/a/b/" },
	{ "mid/content=5/../6", "mid/6" },
	{ "./a", "a" },
	{ ".", "" },
	{ "/..", NULL },
	{ "/../", NULL },
	{ "/../x", NULL },
	{ "/../../etc/passwd", NULL },
	{ "/a/../..", NULL },
	{ "/a/../../etc", NULL },
	{ "/static/../../", NULL },
	{ "/a/./../../b", NULL },
	{ "..", NULL },
	{ "../a", NULL },
};

static void
test_dot_table(void **state)
{
	const struct dot_case	*c;
	char			 p[1025];
	size_t			 i, n;
	int			 rc;

	for (i = 0; i < sizeof(dot_cases) / sizeof(dot_cases[0]); i++) {
		c = &dot_cases[i];
		print_message("case %zu: %s\n", i, c->in);
		n = strlen(c->in);
		memcpy(p, c->in, n + 1);
		rc = url_remove_dot_segments(p, &n);
		if (c->out == NULL) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(n, strlen(c->out));
		assert_string_equal(p, c->out);
	}
}

static void
test_decode_query(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
		size_t		 outlen;
	} cases[] = {
		{ "recovery", "recovery", 8 },
		{ "peer%20support", "peer support", 12 },
		{ "a+b", "a+b", 3 },			/* no form encoding */
		{ "%22harm%20reduction%22", "\"harm reduction\"", 16 },
		{ "caf%C3%A9", "caf\xc3\xa9", 5 },
		{ "line%0Abreak", "line\nbreak", 10 },
		{ "%2f%2F", "//", 2 },
		{ "", "", 0 },
	};
	char	 out[64];
	size_t	 i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = url_decode_query(cases[i].in, strlen(cases[i].in), out);
		assert_int_equal(n, cases[i].outlen);
		assert_memory_equal(out, cases[i].out, n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_embedded_nul),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_bounds),
		cmocka_unit_test(test_dot_table),
		cmocka_unit_test(test_decode_query),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
