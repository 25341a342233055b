/*
 * PROXY protocol v1 (one text line) and v2 (a binary header). Only what a
 * TCP listener needs: TCP over IPv4 or IPv6, "unknown" (keep the real
 * peer), and v2 TLVs skipped unread. Everything else is refused, so a
 * connection that did not come through the proxy cannot pose as another
 * client.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <string.h>

#include "proxy.h"

#define V1_PREFIX	"PROXY "
#define V1_PREFIXLEN	6
#define V1_TOKENS	6	/* PROXY TCP4 src dst sport dport */

static const unsigned char v2_sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};

enum { V2_LOCAL = 0x0, V2_PROXY = 0x1 };
enum { V2_UNSPEC = 0x0, V2_INET = 0x1, V2_INET6 = 0x2, V2_UNIX = 0x3 };
enum { V2_STREAM = 0x1, V2_DGRAM = 0x2 };

/* Which version buf can still be: 1, 2, or 0 for neither. */
static int
version_of(const unsigned char *b, size_t len)
{
	size_t	 n;

	if (len == 0)
		return 1;	/* undecided; v1 is the longer wait */
	n = len < V1_PREFIXLEN ? len : V1_PREFIXLEN;
	if (memcmp(b, V1_PREFIX, n) == 0)
		return 1;
	n = len < sizeof(v2_sig) ? len : sizeof(v2_sig);
	if (memcmp(b, v2_sig, n) == 0)
		return 2;
	return 0;
}

/* A decimal port, 0..65535, without sign or leading zeros. */
static int
parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned long	 v = 0;
	size_t		 i;

	if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int
parse_addr(int af, const char *s, size_t len, uint16_t port,
    struct sockaddr_storage *ss)
{
	char			 text[INET6_ADDRSTRLEN];
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return inet_pton(AF_INET, text, &sin->sin_addr) == 1 ? 0 : -1;
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	return inet_pton(AF_INET6, text, &sin6->sin6_addr) == 1 ? 0 : -1;
}

/* The line without "PROXY " and CRLF. */
static int
parse_v1_line(const char *s, size_t len, struct proxy_hdr *out)
{
	const char	*tok[V1_TOKENS - 1];
	size_t		 toklen[V1_TOKENS - 1], n = 0, i;
	uint16_t	 sport, dport;
	int		 af;

	/* "UNKNOWN", alone or followed by anything: keep the real peer. */
	if (len >= 7 && memcmp(s, "UNKNOWN", 7) == 0 &&
	    (len == 7 || s[7] == ' ')) {
		out->known = 0;
		return 0;
	}
	/* Exactly five tokens separated by single spaces. */
	tok[0] = s;
	for (i = 0; i < len; i++) {
		if (s[i] != ' ')
			continue;
		toklen[n] = (size_t)(s + i - tok[n]);
		if (++n == V1_TOKENS - 1)
			return -1;
		tok[n] = s + i + 1;
	}
	toklen[n] = (size_t)(s + len - tok[n]);
	if (n != V1_TOKENS - 2)
		return -1;
	if (toklen[0] == 4 && memcmp(tok[0], "TCP4", 4) == 0)
		af = AF_INET;
	else if (toklen[0] == 4 && memcmp(tok[0], "TCP6", 4) == 0)
		af = AF_INET6;
	else
		return -1;
	if (parse_port(tok[3], toklen[3], &sport) == -1 ||
	    parse_port(tok[4], toklen[4], &dport) == -1 ||
	    parse_addr(af, tok[1], toklen[1], sport, &out->src) == -1 ||
	    parse_addr(af, tok[2], toklen[2], dport, &out->dst) == -1)
		return -1;
	out->known = 1;
	out->addrlen = af == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	return 0;
}

static ssize_t
parse_v1(const unsigned char *b, size_t len, struct proxy_hdr *out)
{
	size_t	 i, end = len < PROXY_V1_MAX ? len : PROXY_V1_MAX;

	for (i = 0; i < end; i++) {
		if (b[i] == '\r') {
			if (i + 1 >= PROXY_V1_MAX)
				return PROXY_BAD;
			if (i + 1 == len)
				return PROXY_NEED;
			if (b[i + 1] != '\n')
				return PROXY_BAD;
			memset(out, 0, sizeof(*out));
			out->version = 1;
			if (i < V1_PREFIXLEN || parse_v1_line((const char *)b +
			    V1_PREFIXLEN, i - V1_PREFIXLEN, out) == -1)
				return PROXY_BAD;
			return (ssize_t)i + 2;
		}
		/* Printable ASCII only: no bare LF, no NUL, no UTF-8. */
		if (b[i] < 0x20 || b[i] > 0x7e)
			return PROXY_BAD;
	}
	return len >= PROXY_V1_MAX ? PROXY_BAD : PROXY_NEED;
}

/* Bytes of the v2 address block the parser reads, or -1. */
static int
v2_addrlen(unsigned cmd, unsigned fam, unsigned proto)
{
	if (cmd == V2_LOCAL)
		return 0;
	switch (fam) {
	case V2_UNSPEC:
		return 0;
	case V2_INET:
		return proto == V2_STREAM ? 12 : -1;
	case V2_INET6:
		return proto == V2_STREAM ? 36 : -1;
	case V2_UNIX:
		return proto == V2_STREAM || proto == V2_DGRAM ? 216 : -1;
	default:
		return -1;
	}
}

static ssize_t
parse_v2(const unsigned char *b, size_t len, struct proxy_hdr *out)
{
	struct sockaddr_in	*s4, *d4;
	struct sockaddr_in6	*s6, *d6;
	unsigned		 cmd, fam, proto;
	size_t			 total;
	int			 need;

	if (len < PROXY_V2_HEAD)
		return PROXY_NEED;
	if ((b[12] >> 4) != 2)
		return PROXY_BAD;
	cmd = b[12] & 0x0f;
	fam = b[13] >> 4;
	proto = b[13] & 0x0f;
	if (cmd != V2_LOCAL && cmd != V2_PROXY)
		return PROXY_BAD;
	total = PROXY_V2_HEAD + ((size_t)b[14] << 8 | b[15]);
	if ((need = v2_addrlen(cmd, fam, proto)) == -1 ||
	    total < PROXY_V2_HEAD + (size_t)need)
		return PROXY_BAD;
	if (len < PROXY_V2_HEAD + (size_t)need)
		return PROXY_NEED;
	memset(out, 0, sizeof(*out));
	out->version = 2;
	if (cmd == V2_PROXY && fam == V2_INET) {
		s4 = (struct sockaddr_in *)&out->src;
		d4 = (struct sockaddr_in *)&out->dst;
		s4->sin_family = d4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, b + 16, 4);
		memcpy(&d4->sin_addr, b + 20, 4);
		memcpy(&s4->sin_port, b + 24, 2);
		memcpy(&d4->sin_port, b + 26, 2);
		out->addrlen = sizeof(struct sockaddr_in);
		out->known = 1;
	} else if (cmd == V2_PROXY && fam == V2_INET6) {
		s6 = (struct sockaddr_in6 *)&out->src;
		d6 = (struct sockaddr_in6 *)&out->dst;
		s6->sin6_family = d6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, b + 16, 16);
		memcpy(&d6->sin6_addr, b + 32, 16);
		memcpy(&s6->sin6_port, b + 48, 2);
		memcpy(&d6->sin6_port, b + 50, 2);
		out->addrlen = sizeof(struct sockaddr_in6);
		out->known = 1;
	}
	return (ssize_t)total;
}

ssize_t
proxy_parse(const void *buf, size_t len, struct proxy_hdr *out)
{
	const unsigned char	*b = buf;

	switch (version_of(b, len)) {
	case 1:
		if (len < V1_PREFIXLEN)
			return PROXY_NEED;
		return parse_v1(b, len, out);
	case 2:
		if (len < sizeof(v2_sig))
			return PROXY_NEED;
		return parse_v2(b, len, out);
	default:
		return PROXY_BAD;
	}
}

size_t
proxy_want(const void *buf, size_t len)
{
	const unsigned char	*b = buf;
	size_t			 total;

	if (version_of(b, len) == 2) {
		if (len < PROXY_V2_HEAD)
			return PROXY_V2_HEAD - len;
		total = PROXY_V2_HEAD + ((size_t)b[14] << 8 | b[15]);
		if (total > PROXY_V2_KEEP)
			total = PROXY_V2_KEEP;
		return total > len ? total - len : 0;
	}
	return len < PROXY_V1_MAX ? PROXY_V1_MAX - len : 0;
}
