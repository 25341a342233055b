/* Unit tests for proxy.c: PROXY protocol v1 and v2 headers. */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proxy.h"

#define S(x)	x, sizeof(x) - 1

/* v2 signature, then version/command and family/transport bytes. */
#define SIG	"\r\n\r\n\0\r\nQUIT\n"
#define V2_TCP4(len)	SIG "\x21\x11" "\x00" len
#define V2_TCP6(len)	SIG "\x21\x21" "\x00" len
#define A4	"\xc0\x00\x02\x01" "\xc6\x33\x64\x07" "\xdc\x04" "\x07\xad"
#define A6	"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01" \
		"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02" "\x00\x46" "\x1f\x90"

struct pcase {
	const char	*in;
	size_t		 len;
	ssize_t		 rv;		/* header length, PROXY_NEED, _BAD */
	int		 known;
	const char	*src;		/* expected when known */
	int		 sport;
	const char	*dst;
	int		 dport;
};

static const struct pcase cases[] = {
	/* v1, valid. */
	{ S("PROXY TCP4 192.0.2.1 198.51.100.7 56324 1965\r\n"), 46, 1,
	    "192.0.2.1", 56324, "198.51.100.7", 1965 },
	{ S("PROXY TCP6 2001:db8::1 2001:db8::2 70 8080\r\n"), 44, 1,
	    "2001:db8::1", 70, "2001:db8::2", 8080 },
	{ S("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"), 44, 1,
	    "0.0.0.0", 0, "255.255.255.255", 65535 },
	{ S("PROXY TCP6 ::ffff:192.0.2.1 ::1 1 2\r\n"), 37, 1,
	    "::ffff:192.0.2.1", 1, "::1", 2 },
	{ S("PROXY UNKNOWN\r\n"), 15, 0, NULL, 0, NULL, 0 },
	{ S("PROXY UNKNOWN ffff:f::1 ffff:f::2 1 2\r\n"), 39, 0, NULL, 0,
	    NULL, 0 },
	/* The request that follows is not part of the header. */
	{ S("PROXY TCP4 127.0.0.2 127.0.0.1 4000 70\r\n/caps.txt\r\n"), 40, 1,
	    "127.0.0.2", 4000, "127.0.0.1", 70 },
	{ S("PROXY TCP4 127.0.0.2 127.0.0.1 4000 1965\r\n\x16\x03\x01"), 42,
	    1, "127.0.0.2", 4000, "127.0.0.1", 1965 },
	/* The longest allowed line is 107 bytes, CRLF included. */
	{ S("PROXY UNKNOWN 0123456789012345678901234567890123456789"
	    "012345678901234567890123456789012345678901234567890\r\n"), 107, 0,
	    NULL, 0, NULL, 0 },

	/* v1, a valid beginning. */
	{ S(""), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S("P"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S("PROXY"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S("PROXY "), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S("PROXY TCP4 192.0.2.1 198.51.100.7 56324 1965"), PROXY_NEED, 0,
	    NULL, 0, NULL, 0 },
	{ S("PROXY TCP4 192.0.2.1 198.51.100.7 56324 1965\r"), PROXY_NEED,
	    0, NULL, 0, NULL, 0 },

	/* v1, malformed. */
	{ S("\x16\x03\x01\x02\x00"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("/\r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("\r\r"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("gemini://localhost/\r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("proxy TCP4 1.2.3.4 1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY\r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("PROXY \r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("PROXY UNKNOWNX\r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("PROXY TCP5 1.2.3.4 1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1 2 3\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4  1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1 2 \r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1 65536\r\n"), PROXY_BAD, 0, NULL,
	    0, NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 01 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 -1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1x 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 123456 2\r\n"), PROXY_BAD, 0, NULL,
	    0, NULL, 0 },
	{ S("PROXY TCP4 1.2.3 1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.256 1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 ::1 1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0, NULL,
	    0 },
	{ S("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), PROXY_BAD, 0, NULL, 0, NULL,
	    0 },
	{ S("PROXY TCP6 ::1 ::g 1 2\r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1 2\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4 1.2.3.5 1 2\rX\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY TCP4 1.2.3.4\0 1.2.3.5 1 2\r\n"), PROXY_BAD, 0, NULL, 0,
	    NULL, 0 },
	{ S("PROXY UNKNOWN \xc3\xa9\r\n"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	/* 108 bytes: one too many. */
	{ S("PROXY UNKNOWN 0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901\r\n"), PROXY_BAD,
	    0, NULL, 0, NULL, 0 },
	/* 107 bytes without the line's end: it cannot end in time. */
	{ S("PROXY UNKNOWN 0123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901\r"), PROXY_BAD,
	    0, NULL, 0, NULL, 0 },

	/* v2, valid. */
	{ S(V2_TCP4("\x0c") A4), 28, 1, "192.0.2.1", 56324, "198.51.100.7",
	    1965 },
	{ S(V2_TCP6("\x24") A6), 52, 1, "2001:db8::1", 70, "2001:db8::2",
	    8080 },
	/* TLVs after the addresses: the full length, parsed early. */
	{ S(V2_TCP4("\x14") A4 "\x04\x00\x05" "hello"), 36, 1, "192.0.2.1",
	    56324, "198.51.100.7", 1965 },
	{ S(V2_TCP4("\x14") A4), 36, 1, "192.0.2.1", 56324, "198.51.100.7",
	    1965 },
	{ S(SIG "\x21\x11" "\xff\xf0" A4), 16 + 0xfff0, 1, "192.0.2.1",
	    56324, "198.51.100.7", 1965 },
	/* LOCAL (a health check): the real peer; addresses ignored. */
	{ S(SIG "\x20\x00" "\x00\x00"), 16, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x20\x11" "\x00\x0c" A4), 28, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x21\x00" "\x00\x00"), 16, 0, NULL, 0, NULL, 0 },
	/* The request after the header. */
	{ S(V2_TCP4("\x0c") A4 "\x16\x03\x01"), 28, 1, "192.0.2.1", 56324,
	    "198.51.100.7", 1965 },

	/* v2, a valid beginning. */
	{ S("\r"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	/* An empty gopher selector looks like the start of one. */
	{ S("\r\n"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S("\r\n\r\n\0\r\nQUIT"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S(SIG), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x21\x11\x00"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S(V2_TCP4("\x0c")), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S(V2_TCP4("\x0c") "\xc0\x00\x02\x01\xc6\x33\x64\x07\xdc\x04\x07"),
	    PROXY_NEED, 0, NULL, 0, NULL, 0 },
	{ S(V2_TCP6("\x24") "\x20\x01"), PROXY_NEED, 0, NULL, 0, NULL, 0 },
	/* AF_UNIX (kept as the real peer): 216 address bytes to come. */
	{ S(SIG "\x21\x31" "\x00\xd8"), PROXY_NEED, 0, NULL, 0, NULL, 0 },

	/* v2, malformed. */
	{ S("\r\n\r\n\0\r\nQUIX\n\x21\x11\x00\x0c" A4), PROXY_BAD, 0, NULL,
	    0, NULL, 0 },
	{ S("\r\n\r\n\x01"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x11\x11" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x31\x11" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x22\x11" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x2f\x11" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	/* UDP, unknown transport, unknown family. */
	{ S(SIG "\x21\x12" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x21\x10" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x21\x41" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	/* The length is too short for the family's addresses. */
	{ S(SIG "\x21\x11" "\x00\x0b" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x21\x21" "\x00\x0c" A4), PROXY_BAD, 0, NULL, 0, NULL, 0 },
	{ S(SIG "\x21\x11" "\x00\x00"), PROXY_BAD, 0, NULL, 0, NULL, 0 },
};

static void
check_addr(const struct sockaddr_storage *ss, const char *want, int port)
{
	char	 text[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		assert_non_null(inet_ntop(AF_INET, &sin->sin_addr, text,
		    sizeof(text)));
		assert_int_equal(ntohs(sin->sin_port), port);
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		assert_int_equal(ss->ss_family, AF_INET6);
		assert_non_null(inet_ntop(AF_INET6, &sin6->sin6_addr, text,
		    sizeof(text)));
		assert_int_equal(ntohs(sin6->sin6_port), port);
	}
	assert_string_equal(text, want);
}

static void
test_table(void **state)
{
	struct proxy_hdr	 h;
	size_t			 i;
	ssize_t			 rv;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *c = &cases[i];

		memset(&h, 0xa5, sizeof(h));
		rv = proxy_parse(c->in, c->len, &h);
		if (rv != c->rv)
			fail_msg("case %zu (%.40s): got %zd, want %zd", i,
			    c->in, rv, c->rv);
		if (rv <= 0)
			continue;
		assert_int_equal(h.version, c->in[0] == 'P' ? 1 : 2);
		assert_int_equal(h.known, c->known);
		if (!c->known)
			continue;
		assert_int_equal(h.addrlen, h.src.ss_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
		check_addr(&h.src, c->src, c->sport);
		check_addr(&h.dst, c->dst, c->dport);
	}
}

/*
 * Byte by byte, every prefix of a valid header is PROXY_NEED until the
 * parser has what it needs, and proxy_want() never reaches past the end.
 */
static void
feed(const char *hdr, size_t len, size_t decided, ssize_t total)
{
	struct proxy_hdr	 h;
	size_t			 i;

	for (i = 0; i < decided; i++) {
		assert_int_equal(proxy_parse(hdr, i, &h), PROXY_NEED);
		assert_true(proxy_want(hdr, i) > 0);
		assert_true(i + proxy_want(hdr, i) <= PROXY_V2_KEEP);
		/* Once the version is known (the first byte). */
		if (hdr[0] == '\r' && i > 0)
			assert_true(i + proxy_want(hdr, i) <= (size_t)total);
	}
	for (i = decided; i <= len; i++)
		assert_int_equal(proxy_parse(hdr, i, &h), total);
}

static void
test_incremental(void **state)
{
	static const char v1[] = "PROXY TCP4 192.0.2.1 198.51.100.7 1 2\r\n";
	static const char v2[] = V2_TCP6("\x24") A6;
	static const char tlv[] = V2_TCP4("\x14") A4 "\x04\x00\x05" "hello";

	feed(v1, sizeof(v1) - 1, sizeof(v1) - 1, sizeof(v1) - 1);
	feed(v2, sizeof(v2) - 1, sizeof(v2) - 1, sizeof(v2) - 1);
	/* Decided once the address block is in; the TLVs are skipped. */
	feed(tlv, sizeof(tlv) - 1, 28, 36);
}

/* AF_UNIX addresses are accepted but not used: the real peer stays. */
static void
test_unix(void **state)
{
	unsigned char		 b[PROXY_V2_KEEP];
	struct proxy_hdr	 h;

	memset(b, 0, sizeof(b));
	memcpy(b, SIG "\x21\x31" "\x00\xd8", 16);
	assert_int_equal(proxy_parse(b, sizeof(b) - 1, &h), PROXY_NEED);
	assert_int_equal(proxy_parse(b, sizeof(b), &h), PROXY_V2_KEEP);
	assert_int_equal(h.known, 0);
	b[13] = 0x33;		/* unknown transport */
	assert_int_equal(proxy_parse(b, sizeof(b), &h), PROXY_BAD);
}

static void
test_want(void **state)
{
	static const char big[] = SIG "\x21\x11" "\xff\xf0";

	assert_int_equal(proxy_want("", 0), PROXY_V1_MAX);
	assert_int_equal(proxy_want("PROXY ", 6), PROXY_V1_MAX - 6);
	assert_int_equal(proxy_want(SIG, 12), 4);
	assert_int_equal(proxy_want(V2_TCP4("\x0c"), 16), 12);
	/* Long TLVs: only as far as the buffer the caller keeps. */
	assert_int_equal(proxy_want(big, sizeof(big) - 1),
	    PROXY_V2_KEEP - 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_unix),
		cmocka_unit_test(test_want),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
