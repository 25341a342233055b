/*
 * The Gemini protocol: finding the end of a request and choosing the
 * answer. Every request is checked in a fixed order so that one input
 * always gets one status: size and bytes (59), URI syntax (59), scheme
 * (53), authority (59 malformed, 53 not ours), path (59), then lookup in
 * the capsule and the static directory (20, 31, 51).
 *
 * Host rule: a request is ours when its host equals [server] hostname,
 * ignoring ASCII case; an IPv6 literal is compared as an address, so
 * "[::1]" matches hostname "::1" or "[::1]" and "[0::1]" too. The loopback
 * names (localhost, 127.0.0.1, ::1) are always ours: only a client on this
 * machine can reach them, and the generated certificate names them.
 * A URL without a port means 1965, so it is ours only on port 1965.
 * The TLS server name is not consulted: the URL decides. Only /search
 * reads the query: without one it answers 10; with one, the words are
 * percent-decoded ("%20" is a space, "+" stays a plus), at most
 * SEARCH_QUERY_MAX bytes once decoded and UTF-8, or 59.
 *
 * out must come fresh from response_init(); if the header cannot be
 * allocated, out->close_silently is set instead.
 *
 * Path rule: percent-escapes are decoded first (so "%2e%2e" is ".."),
 * an escape that decodes to NUL, a control character, '/' or '\' is a 59,
 * then dot segments are removed, and a ".." that would climb above the
 * root is a 59 as well: such a request names nothing that can exist.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "gemini.h"
#include "response.h"
#include "search.h"
#include "serve.h"
#include "site.h"
#include "static.h"
#include "url.h"
#include "utf8.h"

#define GEMINI_DEFAULT_PORT	1965
#define META_MAX		1024

/* Error metas: short messages for people. */
#define META_BAD	"Bad request"
#define META_LONG	"URI too long"
#define META_PROXY	"Proxy request refused"
#define META_NOTFOUND	"Not found"
#define META_TEMP	"Temporary failure"
#define META_SEARCH	"Search articles and resources"
#define META_SEARCH_LONG "Search words too long (at most 256 bytes)"
#define META_SEARCH_UTF8 "Search words must be UTF-8"

ssize_t
gemini_frame(const char *buf, size_t len)
{
	size_t	 i, lim;

	/* The URI has at most GEMINI_URI_MAX bytes, so the CRLF ends
	 * within the first GEMINI_URI_MAX + 2. */
	lim = len < GEMINI_URI_MAX + 2 ? len : GEMINI_URI_MAX + 2;
	for (i = 0; i + 1 < lim; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n')
			return (ssize_t)(i + 2);
	if (len >= GEMINI_URI_MAX + 2)
		return -1;
	return 0;
}

static void
answer(struct response *out, int status, const char *meta)
{
	out->status = status;
	buf_reset(&out->head);
	buf_printf(&out->head, "%02d %s\r\n", status, meta);
	/* Without a header there is nothing correct to send. */
	if (out->head.err)
		out->close_silently = 1;
}

/* A lang parameter is a list of language tags: letters, digits, '-', ','. */
static int
lang_ok(const char *l)
{
	size_t	 n;

	if (l == NULL || *l == '\0')
		return 0;
	for (n = 0; l[n] != '\0'; n++)
		if (!((l[n] >= 'a' && l[n] <= 'z') ||
		    (l[n] >= 'A' && l[n] <= 'Z') ||
		    (l[n] >= '0' && l[n] <= '9') || l[n] == '-' ||
		    l[n] == ','))
			return 0;
	return n <= 64;
}

static void
answer_page(const struct serve_ctx *ctx, const struct entry *e,
    struct response *out)
{
	const char	*lang = ctx->cfg->lang;

	out->status = 20;
	buf_reset(&out->head);
	if (e->mime == NULL || strcmp(e->mime, "text/gemini") == 0) {
		buf_puts(&out->head, "20 text/gemini; charset=utf-8");
		if (lang_ok(lang))
			buf_printf(&out->head, "; lang=%s", lang);
		buf_puts(&out->head, "\r\n");
	} else if (strlen(e->mime) <= META_MAX)
		buf_printf(&out->head, "20 %s\r\n", e->mime);
	else {
		answer(out, 40, META_TEMP);
		return;
	}
	if (out->head.err) {
		out->close_silently = 1;
		return;
	}
	out->body = e->data;
	out->bodylen = e->len;
}

static int
addr6(const char *s, size_t len, struct in6_addr *a)
{
	char	 tmp[INET6_ADDRSTRLEN];

	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	if (len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	return inet_pton(AF_INET6, tmp, a) == 1 ? 0 : -1;
}

static int
host_is(const struct url *u, const char *name)
{
	struct in6_addr	 a, b;
	size_t		 n = strlen(name);

	if (u->host_literal)
		return addr6(u->host, u->host_len, &a) == 0 &&
		    addr6(name, n, &b) == 0 &&
		    memcmp(&a, &b, sizeof(a)) == 0;
	return u->host_len == n && u->host_len > 0 &&
	    strncasecmp(u->host, name, n) == 0;
}

static int
host_served(const struct config *cfg, const struct url *u)
{
	return (cfg->hostname != NULL && host_is(u, cfg->hostname)) ||
	    host_is(u, "localhost") || host_is(u, "127.0.0.1") ||
	    host_is(u, "::1");
}

/*
 * For a directory named without its trailing slash: "gemini://" + the
 * request's own host and port + the normalised path, percent-encoded
 * where a URI needs it + "/" + the query as sent. Re-encoding can make it
 * longer than the request; over the meta limit it is a 59.
 */
static void
answer_slash(const struct url *u, const char *path, struct response *out)
{
	struct buf		 b;
	const unsigned char	*p;

	buf_init(&b);
	buf_puts(&b, "gemini://");
	if (u->host_literal)
		buf_putc(&b, '[');
	buf_append(&b, u->host, u->host_len);
	if (u->host_literal)
		buf_putc(&b, ']');
	if (u->has_port) {
		buf_putc(&b, ':');
		buf_append(&b, u->port, u->port_len);
	}
	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		/* A URI, not an IRI: UTF-8 bytes are percent-encoded too. */
		if ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~!$&'()*+,;=:@/", *p) != NULL)
			buf_putc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	buf_putc(&b, '/');
	if (u->has_query) {
		buf_putc(&b, '?');
		buf_append(&b, u->query, u->query_len);
	}
	if (b.err)
		out->close_silently = 1;
	else if (b.len > META_MAX)
		answer(out, 59, META_LONG);
	else
		answer(out, 31, b.data);
	buf_free(&b);
}

static void
answer_static(const struct serve_ctx *ctx, const struct url *u,
    const char *path, size_t pathlen, struct response *out)
{
	struct static_file	 sf;
	char			 idx[GEMINI_URI_MAX + 16];

	if (static_open(ctx, path, &sf) == -1)
		goto fail;
	if (sf.is_dir) {
		if (path[pathlen - 1] != '/') {
			answer_slash(u, path, out);
			return;
		}
		if (pathlen + sizeof("index.gmi") > sizeof(idx)) {
			answer(out, 51, META_NOTFOUND);
			return;
		}
		memcpy(idx, path, pathlen);
		memcpy(idx + pathlen, "index.gmi", sizeof("index.gmi"));
		if (static_open(ctx, idx, &sf) == -1)
			goto fail;
		if (sf.is_dir) {
			answer(out, 51, META_NOTFOUND);
			return;
		}
	}
	answer(out, 20, sf.mime);
	if (out->close_silently) {
		(void)close(sf.fd);
		return;
	}
	out->fd = sf.fd;
	out->fdlen = sf.size;
	return;
fail:
	if (errno == ENOENT)
		answer(out, 51, META_NOTFOUND);
	else
		answer(out, 40, META_TEMP);
}

/* "/search": a prompt without a query, a page of results with one. */
static void
answer_search(const struct serve_ctx *ctx, const struct url *u,
    struct response *out)
{
	const struct search_index	*x = capsule_index(ctx->capsule);
	struct search_result		 res;
	struct entry			 e;
	enum search_status		 st;
	char				 w[GEMINI_URI_MAX];
	size_t				 n;

	if (x == NULL) {
		answer(out, 51, META_NOTFOUND);
		return;
	}
	if (!u->has_query || u->query_len == 0) {
		answer(out, 10, META_SEARCH);
		return;
	}
	if (u->query_len > sizeof(w)) {	/* the URI limit keeps it shorter */
		answer(out, 59, META_SEARCH_LONG);
		return;
	}
	n = url_decode_query(u->query, u->query_len, w);
	switch ((st = search_run(x, w, n, &res))) {
	case SEARCH_BLANK:
		answer(out, 10, META_SEARCH);
		return;
	case SEARCH_TOO_LONG:
		answer(out, 59, META_SEARCH_LONG);
		return;
	case SEARCH_BAD_UTF8:
		answer(out, 59, META_SEARCH_UTF8);
		return;
	case SEARCH_NOMEM:
		answer(out, 40, META_TEMP);
		return;
	case SEARCH_OK:
	case SEARCH_COMMON:
		break;
	}
	buf_reset(&out->owned);
	site_search_gemini(&out->owned, x, w, n, st, &res);
	if (out->owned.err) {
		answer(out, 40, META_TEMP);
		return;
	}
	memset(&e, 0, sizeof(e));
	answer_page(ctx, &e, out);
	if (out->status == 20 && !out->close_silently)
		response_use_owned(out);
}

void
gemini_respond(const struct serve_ctx *ctx, const char *req, size_t len,
    int local_port, const char *sni, struct response *out)
{
	struct url		 u;
	const struct entry	*e;
	char			 path[GEMINI_URI_MAX + 2];
	size_t			 i, pathlen;
	int			 port;

	if (len > GEMINI_URI_MAX) {
		answer(out, 59, META_LONG);
		return;
	}
	/* Control characters (a bare LF too) and spaces are never part of
	 * a URI; invalid UTF-8 and a byte-order mark are not either. */
	for (i = 0; i < len; i++)
		if ((unsigned char)req[i] <= 0x20 ||
		    (unsigned char)req[i] == 0x7f) {
			answer(out, 59, META_BAD);
			return;
		}
	if (len == 0 || !utf8_valid(req, len) ||
	    (len >= 3 && memcmp(req, "\xef\xbb\xbf", 3) == 0) ||
	    url_parse(req, len, &u) == -1 || u.has_userinfo ||
	    u.has_fragment) {
		answer(out, 59, META_BAD);
		return;
	}
	if (u.scheme_len != 6 || strncasecmp(u.scheme, "gemini", 6) != 0) {
		answer(out, 53, META_PROXY);
		return;
	}
	/* A gemini URI has a host; a port, when given, is 1..65535. */
	if (!u.has_authority || u.host_len == 0 ||
	    (u.has_port && u.port_num < 1)) {
		answer(out, 59, META_BAD);
		return;
	}
	port = u.has_port ? u.port_num : GEMINI_DEFAULT_PORT;
	if (!host_served(ctx->cfg, &u) || port != local_port) {
		answer(out, 53, META_PROXY);
		return;
	}

	if (url_decode_path(u.path, u.path_len, path, sizeof(path),
	    &pathlen) == -1 || !utf8_valid(path, pathlen) ||
	    url_remove_dot_segments(path, &pathlen) == -1) {
		answer(out, 59, META_BAD);
		return;
	}
	if (pathlen == 0) {
		/* "gemini://host" is the root itself, not a redirect. */
		path[0] = '/';
		path[1] = '\0';
		pathlen = 1;
	}

	if (strcmp(path, "/search") == 0) {
		answer_search(ctx, &u, out);
		return;
	}
	if ((e = capsule_find(ctx->capsule, PROTO_GEMINI, path)) != NULL) {
		answer_page(ctx, e, out);
		return;
	}
	if (path[pathlen - 1] != '/') {
		path[pathlen] = '/';
		path[pathlen + 1] = '\0';
		e = capsule_find(ctx->capsule, PROTO_GEMINI, path);
		path[pathlen] = '\0';
		if (e != NULL) {
			answer_slash(&u, path, out);
			return;
		}
	}
	if (ctx->static_fd != -1) {
		answer_static(ctx, &u, path, pathlen, out);
		return;
	}
	answer(out, 51, META_NOTFOUND);
}
