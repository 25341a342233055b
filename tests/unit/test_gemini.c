/*
 * Unit tests for gemini.c: request framing and the exact response header
 * for every rule, against a small capsule and a temporary static root.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <magic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "capsule.h"
#include "config.h"
#include "gemini.h"
#include "response.h"
#include "serve.h"

#define H59	"59 Bad request\r\n"
#define H59LONG	"59 URI too long\r\n"
#define H53	"53 Proxy request refused\r\n"
#define H51	"51 Not found\r\n"
#define H20GMI	"20 text/gemini; charset=utf-8; lang=en\r\n"

static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01"
    "\x08\x06\0\0\0\x1f\x15\xc4\x89";

struct fix {
	char			*dir;
	struct config		 cfg;
	struct capsule		*capsule;
	struct serve_ctx	 ctx;
};

static void
add(struct capsule *c, const char *path, const char *mime, const char *text)
{
	char	*d;

	d = strdup(text);
	assert_non_null(d);
	assert_int_equal(capsule_add(c, PROTO_GEMINI, path, mime, 0, d,
	    strlen(text)), 0);
}

static void
sub(const char *dir, const char *name, char *path, size_t size)
{
	assert_true((size_t)snprintf(path, size, "%s/%s", dir, name) < size);
}

static int
setup(void **state)
{
	struct fix	*f;
	char		 p[1024];
	size_t		 i;
	magic_t		 m;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->cfg.hostname = "localhost";
	f->cfg.lang = "en";

	if ((f->capsule = capsule_new()) == NULL)
		return -1;
	add(f->capsule, "/", "text/gemini", "# Home\n");
	add(f->capsule, "/articles/", "text/gemini", "# Articles\n");
	add(f->capsule, "/articles/x.gmi", "text/gemini", "# X\n");
	add(f->capsule, "/caf\xc3\xa9 au lait/", "text/gemini", "# Cafe\n");
	add(f->capsule, "/robots.txt", "text/plain; charset=utf-8",
	    "User-agent: *\n");
	add(f->capsule, "/atom.xml", "application/atom+xml", "<feed/>\n");
	/* "/" + 350 times U+00E9 + "/": its redirect would be too long. */
	memset(p, 0, sizeof(p));
	p[0] = '/';
	for (i = 0; i < 350; i++)
		memcpy(p + 1 + 2 * i, "\xc3\xa9", 2);
	p[701] = '/';
	add(f->capsule, p, "text/gemini", "# Long\n");
	capsule_seal(f->capsule);

	if ((f->dir = tu_tmpdir()) == NULL)
		return -1;
	assert_int_equal(tu_write_bytes(f->dir, "img.png",
	    png, sizeof(png) - 1), 0);
	assert_int_equal(tu_write_bytes(f->dir, "doc.gmi", "# Doc\n", 6), 0);
	assert_int_equal(tu_write_bytes(f->dir, ".hidden", "secret\n", 7), 0);
	sub(f->dir, "sub", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(tu_write_bytes(p, "index.gmi",
	    "# Sub index\n", 12), 0);
	sub(f->dir, "empty", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	sub(f->dir, "noindex", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	sub(f->dir, "noindex/index.gmi", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);	/* a directory, not a page */
	sub(f->dir, "articles", p, sizeof(p));
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(tu_write_bytes(p, "x.gmi",
	    "# shadowed by the capsule\n", 26), 0);
	sub(f->dir, "link", p, sizeof(p));
	assert_int_equal(symlink("/etc/passwd", p), 0);
	sub(f->dir, "etc", p, sizeof(p));
	assert_int_equal(symlink("/etc", p), 0);

	f->ctx.cfg = &f->cfg;
	f->ctx.capsule = f->capsule;
	f->ctx.static_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->ctx.static_fd == -1)
		return -1;
	if ((m = magic_open(MAGIC_MIME_TYPE)) == NULL)
		return -1;
	if (magic_load(m, NULL) == -1) {
		magic_close(m);
		return -1;
	}
	f->ctx.magic = m;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix	*f = *state;

	magic_close(f->ctx.magic);
	close(f->ctx.static_fd);
	capsule_free(f->capsule);
	if (tu_rmtree(f->dir) == -1)
		return -1;
	free(f->dir);
	free(f);
	return 0;
}

/* --- framing ------------------------------------------------------------ */

static void
test_frame(void **state)
{
	char	 b[1100];

	assert_int_equal(gemini_frame("", 0), 0);
	assert_int_equal(gemini_frame("gemini://h/", 11), 0);
	assert_int_equal(gemini_frame("gemini://h/\r", 12), 0);
	assert_int_equal(gemini_frame("gemini://h/\r\n", 13), 13);
	assert_int_equal(gemini_frame("\r\n", 2), 2);
	/* Bytes after the CRLF are not part of the request. */
	assert_int_equal(gemini_frame("gemini://h/\r\nextra", 18), 13);
	/* A bare LF is not an end: keep waiting. */
	assert_int_equal(gemini_frame("gemini://h/\n", 12), 0);
	assert_int_equal(gemini_frame("gemini://h/\n\n", 13), 0);
	assert_int_equal(gemini_frame("gemini://h/\n\r", 13), 0);
	assert_int_equal(gemini_frame("a\nb\r\n", 5), 5);
	assert_int_equal(gemini_frame("gemini://h/\r\r\n", 14), 14);

	/* A 1024-byte URI + CRLF is the longest request. */
	memset(b, 'a', sizeof(b));
	b[1024] = '\r';
	b[1025] = '\n';
	assert_int_equal(gemini_frame(b, 1026), 1026);
	assert_int_equal(gemini_frame(b, 1100), 1026);
	assert_int_equal(gemini_frame(b, 1025), 0);
	/* 1025 bytes of URI: over the limit, whatever follows. */
	memset(b, 'a', sizeof(b));
	assert_int_equal(gemini_frame(b, 1024), 0);
	assert_int_equal(gemini_frame(b, 1025), 0);
	assert_int_equal(gemini_frame(b, 1026), -1);
	assert_int_equal(gemini_frame(b, 1100), -1);
	b[1025] = '\r';
	b[1026] = '\n';
	assert_int_equal(gemini_frame(b, 1027), -1);
	/* Bare LFs do not end a long line either. */
	memset(b, '\n', sizeof(b));
	assert_int_equal(gemini_frame(b, 1026), -1);
}

/* --- responses ---------------------------------------------------------- */

struct rcase {
	const char	*req;
	int		 port;
	const char	*head;
};

static void
respond(struct fix *f, const char *req, size_t len, int port,
    struct response *r)
{
	response_init(r);
	gemini_respond(&f->ctx, req, len, port, NULL, r);
	assert_false(r->close_silently);
	assert_false(r->head.err);
}

/* Checks the header byte for byte and that non-2x carry no body. */
static void
check(struct fix *f, const char *req, size_t len, int port, const char *head)
{
	struct response	 r;
	char		 st[3];

	respond(f, req, len, port, &r);
	assert_non_null(r.head.data);
	assert_string_equal(r.head.data, head);
	assert_int_equal(r.head.len, strlen(head));
	memcpy(st, head, 2);
	st[2] = '\0';
	assert_int_equal(r.status, atoi(st));
	if (r.status != 20) {
		assert_null(r.body);
		assert_int_equal(r.bodylen, 0);
		assert_int_equal(r.fd, -1);
	}
	response_free(&r);
}

static void
run_table(struct fix *f, const struct rcase *c, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		print_message("case %zu: port %d\n", i, c[i].port);
		check(f, c[i].req, strlen(c[i].req), c[i].port, c[i].head);
	}
}

static const struct rcase bad_cases[] = {
	{ "", 1965, H59 },
	{ "//localhost/", 1965, H59 },
	{ "//localhost:1965/", 1965, H59 },
	{ "/", 1965, H59 },
	{ "/articles/", 1965, H59 },
	{ "articles/x.gmi", 1965, H59 },
	{ "Hello", 1965, H59 },
	{ "Hello world", 1965, H59 },
	{ "gemini://localhost:1965/\xff", 1965, H59 },
	{ "gemini://localhost:1965/\xc3", 1965, H59 },
	{ "gemini://localhost:1965/\xc0\xaf", 1965, H59 },	/* overlong */
	{ "gemini://localhost:1965/\xed\xa0\x80", 1965, H59 }, /* surrogate */
	{ "\xef\xbb\xbfgemini://localhost:1965/", 1965, H59 },
	{ "gemini://user@localhost:1965/", 1965, H59 },
	{ "gemini://@localhost:1965/", 1965, H59 },
	{ "gemini://u:p@localhost:1965/", 1965, H59 },
	{ "gemini://localhost:1965/#x", 1965, H59 },
	{ "gemini://localhost:1965/#", 1965, H59 },
	{ "gemini://localhost:1965/\x01", 1965, H59 },
	{ "gemini://localhost:1965/a\nb", 1965, H59 },
	{ "gemini://localhost:1965/\n", 1965, H59 },
	{ "gemini://localhost:1965/\r", 1965, H59 },
	{ "gemini://localhost:1965/a\tb", 1965, H59 },
	{ "gemini://localhost:1965/\x7f", 1965, H59 },
	{ "gemini://localhost:1965/\x1b[31m", 1965, H59 },
	{ "gemini://localhost:1965/a b", 1965, H59 },
	{ " gemini://localhost:1965/", 1965, H59 },
	{ "gemini://localhost:1965/ ", 1965, H59 },
	{ "gemini://localhost:1965/%zz", 1965, H59 },
	{ "gemini://localhost:1965/%4", 1965, H59 },
	{ "gemini://localhost:1965/%", 1965, H59 },
	{ "gemini://localhost:1965/?%zz", 1965, H59 },
	{ "gemini://localhost:abc/", 1965, H59 },
	{ "gemini://localhost:0/", 1965, H59 },
	{ "gemini://localhost:65536/", 1965, H59 },
	{ "gemini://localhost:-1965/", 1965, H59 },
	{ "gemini://localhost:/", 1965, H59 },
	{ "gemini://localhost:1965:1965/", 1965, H59 },
	{ "gemini:///", 1965, H59 },
	{ "gemini://", 1965, H59 },
	{ "gemini:", 1965, H59 },
	{ "gemini:/articles/", 1965, H59 },
	{ "gemini:localhost", 1965, H59 },
	{ "gemini://[::1/", 1965, H59 },
	{ "gemini://[zz::1]/", 1965, H59 },
	{ "gemini://localhost:1965/<script>", 1965, H59 },
	{ "gemini://localhost:1965/a\\b", 1965, H59 },
	/* Paths that would leave the root or alias a separator. */
	{ "gemini://localhost:1965/../../etc/passwd", 1965, H59 },
	{ "gemini://localhost:1965/%2e%2e/%2e%2e/etc/passwd", 1965, H59 },
	{ "gemini://localhost:1965/%2E%2E/", 1965, H59 },
	{ "gemini://localhost:1965/a/%2F..%2F..%2Fetc", 1965, H59 },
	{ "gemini://localhost:1965/%2f", 1965, H59 },
	{ "gemini://localhost:1965/a%5C..%5C..%5Cetc", 1965, H59 },
	{ "gemini://localhost:1965/%00", 1965, H59 },
	{ "gemini://localhost:1965/doc.gmi%00.png", 1965, H59 },
	{ "gemini://localhost:1965/%0a", 1965, H59 },
	{ "gemini://localhost:1965/%7f", 1965, H59 },
	{ "gemini://localhost:1965/%ff", 1965, H59 },	/* not UTF-8 */
	{ "gemini://localhost:1965/static/../../", 1965, H59 },
	{ "gemini://localhost:1965/articles/../../", 1965, H59 },
	{ "gemini://localhost:1965/..", 1965, H59 },
	{ "gemini://localhost:1965/etc/../../etc/passwd", 1965, H59 },
};

static void
test_bad_request(void **state)
{
	run_table(*state, bad_cases, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

static const struct rcase proxy_cases[] = {
	{ "http://localhost:1965/", 1965, H53 },
	{ "https://localhost/", 1965, H53 },
	{ "HTTP://localhost/", 1965, H53 },
	{ "gopher://localhost:70/", 1965, H53 },
	{ "titan://localhost:1965/x;size=1", 1965, H53 },
	{ "gemini+x://localhost:1965/", 1965, H53 },
	{ "geminix://localhost:1965/", 1965, H53 },
	{ "gemin://localhost:1965/", 1965, H53 },
	{ "mailto:someone@localhost", 1965, H53 },
	{ "localhost:1965/", 1965, H53 },	/* scheme "localhost" */
	{ "gemini://example.org/", 1965, H53 },
	{ "gemini://example.org:1965/", 1965, H53 },
	{ "gemini://localhost.:1965/", 1965, H53 },
	{ "gemini://localhostx:1965/", 1965, H53 },
	{ "gemini://localhos:1965/", 1965, H53 },
	{ "gemini://127.0.0.2:1965/", 1965, H53 },
	{ "gemini://[::2]:1965/", 1965, H53 },
	{ "gemini://%6cocalhost:1965/", 1965, H53 },
	{ "gemini://localhost:1966/", 1965, H53 },
	{ "gemini://localhost:1965/", 1966, H53 },
	{ "gemini://localhost/", 1966, H53 },
	{ "gemini://localhost", 1966, H53 },
	{ "gemini://localhost:443/", 1965, H53 },
};

static void
test_proxy_refused(void **state)
{
	run_table(*state, proxy_cases,
	    sizeof(proxy_cases) / sizeof(proxy_cases[0]));
}

static const struct rcase ok_cases[] = {
	{ "gemini://localhost:1965/", 1965, H20GMI },
	{ "gemini://localhost/", 1965, H20GMI },
	{ "gemini://localhost:1965", 1965, H20GMI },
	{ "gemini://localhost", 1965, H20GMI },
	{ "gemini://LOCALHOST:1965/", 1965, H20GMI },
	{ "gemini://LocalHost/", 1965, H20GMI },
	{ "GEMINI://localhost:1965/", 1965, H20GMI },
	{ "Gemini://localhost:1965/", 1965, H20GMI },
	{ "gemini://localhost:01965/", 1965, H20GMI },
	{ "gemini://localhost:40001/", 40001, H20GMI },
	{ "gemini://localhost:1/", 1, H20GMI },
	{ "gemini://localhost:65535/", 65535, H20GMI },
	{ "gemini://localhost:1965/?", 1965, H20GMI },
	{ "gemini://localhost:1965/?query%20text", 1965, H20GMI },
	{ "gemini://localhost:1965/articles/", 1965, H20GMI },
	{ "gemini://localhost:1965/articles/x.gmi", 1965, H20GMI },
	{ "gemini://localhost:1965/%61rticles/x%2Egmi", 1965, H20GMI },
	{ "gemini://localhost:1965/articles/./x.gmi", 1965, H20GMI },
	{ "gemini://localhost:1965/articles/../articles/", 1965, H20GMI },
	{ "gemini://localhost:1965/articles/%2e%2e/", 1965, H20GMI },
	{ "gemini://localhost:1965/articles/..", 1965, H20GMI },
	{ "gemini://localhost:1965/.", 1965, H20GMI },
	{ "gemini://localhost:1965/caf%C3%A9%20au%20lait/", 1965, H20GMI },
	{ "gemini://localhost:1965/caf\xc3\xa9%20au%20lait/", 1965, H20GMI },
	{ "gemini://localhost:1965/robots.txt", 1965,
	    "20 text/plain; charset=utf-8\r\n" },
	{ "gemini://localhost:1965/atom.xml", 1965,
	    "20 application/atom+xml\r\n" },
};

static void
test_success(void **state)
{
	run_table(*state, ok_cases, sizeof(ok_cases) / sizeof(ok_cases[0]));
}

/* The body points into the capsule entry: no copy. */
static void
test_body_in_capsule(void **state)
{
	struct fix		*f = *state;
	const struct entry	*e;
	struct response		 r;
	const char		*q = "gemini://localhost:1965/articles/x.gmi";

	e = capsule_find(f->capsule, PROTO_GEMINI, "/articles/x.gmi");
	assert_non_null(e);
	respond(f, q, strlen(q), 1965, &r);
	assert_int_equal(r.status, 20);
	assert_ptr_equal(r.body, e->data);
	assert_int_equal(r.bodylen, e->len);
	assert_int_equal(r.fd, -1);
	assert_memory_equal(r.body, "# X\n", 4);
	response_free(&r);
}

static void
test_lang(void **state)
{
	struct fix	*f = *state;
	const char	*q = "gemini://localhost:1965/";

	f->cfg.lang = "de";
	check(f, q, strlen(q), 1965,
	    "20 text/gemini; charset=utf-8; lang=de\r\n");
	f->cfg.lang = "en-GB,fr";
	check(f, q, strlen(q), 1965,
	    "20 text/gemini; charset=utf-8; lang=en-GB,fr\r\n");
	f->cfg.lang = NULL;
	check(f, q, strlen(q), 1965, "20 text/gemini; charset=utf-8\r\n");
	f->cfg.lang = "";
	check(f, q, strlen(q), 1965, "20 text/gemini; charset=utf-8\r\n");
	/* A value that would break the header is left out. */
	f->cfg.lang = "en\r\n20 x";
	check(f, q, strlen(q), 1965, "20 text/gemini; charset=utf-8\r\n");
	f->cfg.lang = "en";
}

static const struct rcase redirect_cases[] = {
	{ "gemini://localhost:1965/articles", 1965,
	    "31 gemini://localhost:1965/articles/\r\n" },
	{ "gemini://localhost/articles", 1965,
	    "31 gemini://localhost/articles/\r\n" },
	{ "gemini://LOCALHOST:1965/articles", 1965,
	    "31 gemini://LOCALHOST:1965/articles/\r\n" },
	{ "gemini://localhost:40001/articles", 40001,
	    "31 gemini://localhost:40001/articles/\r\n" },
	{ "gemini://localhost:1965/articles?x=1", 1965,
	    "31 gemini://localhost:1965/articles/?x=1\r\n" },
	{ "gemini://localhost:1965/%61rticles", 1965,
	    "31 gemini://localhost:1965/articles/\r\n" },
	{ "gemini://localhost:1965/x/../articles", 1965,
	    "31 gemini://localhost:1965/articles/\r\n" },
	{ "gemini://localhost:1965/caf%C3%A9%20au%20lait", 1965,
	    "31 gemini://localhost:1965/caf%C3%A9%20au%20lait/\r\n" },
	{ "gemini://localhost:1965/caf\xc3\xa9%20au%20lait", 1965,
	    "31 gemini://localhost:1965/caf%C3%A9%20au%20lait/\r\n" },
	{ "gemini://localhost:1965/articles/../%61rticles?a%20b/c", 1965,
	    "31 gemini://localhost:1965/articles/?a%20b/c\r\n" },
	/* Static directories too. */
	{ "gemini://localhost:1965/sub", 1965,
	    "31 gemini://localhost:1965/sub/\r\n" },
	{ "gemini://localhost:1965/empty", 1965,
	    "31 gemini://localhost:1965/empty/\r\n" },
};

static void
test_redirect(void **state)
{
	run_table(*state, redirect_cases,
	    sizeof(redirect_cases) / sizeof(redirect_cases[0]));
}

static void
test_ipv6_host(void **state)
{
	struct fix	*f = *state;
	const char	*q;

	f->cfg.hostname = "::1";
	q = "gemini://[::1]:1965/";
	check(f, q, strlen(q), 1965, H20GMI);
	q = "gemini://[0:0:0:0:0:0:0:1]/";
	check(f, q, strlen(q), 1965, H20GMI);
	q = "gemini://[::1]:1965/articles";
	check(f, q, strlen(q), 1965,
	    "31 gemini://[::1]:1965/articles/\r\n");
	q = "gemini://[::2]:1965/";
	check(f, q, strlen(q), 1965, H53);
	f->cfg.hostname = "[::1]";
	q = "gemini://[::1]:1965/";
	check(f, q, strlen(q), 1965, H20GMI);
	f->cfg.hostname = "127.0.0.1";
	q = "gemini://127.0.0.1:1965/";
	check(f, q, strlen(q), 1965, H20GMI);
	q = "gemini://[::ffff:127.0.0.1]:1965/";
	check(f, q, strlen(q), 1965, H53);
	f->cfg.hostname = NULL;
	q = "gemini://example.org:1965/";
	check(f, q, strlen(q), 1965, H53);
	f->cfg.hostname = "localhost";
}

/* The loopback names are served whatever the hostname, nothing else is. */
static void
test_loopback_hosts(void **state)
{
	struct fix	*f = *state;
	const char	*served[] = { "gemini://localhost:1965/",
	    "gemini://LocalHost:1965/", "gemini://127.0.0.1:1965/",
	    "gemini://[::1]:1965/", "gemini://capsule.example:1965/" };
	const char	*refused[] = { "gemini://example.org:1965/",
	    "gemini://127.0.0.2:1965/", "gemini://[::2]:1965/",
	    "gemini://localhost.localdomain:1965/" };
	size_t		 i;

	f->cfg.hostname = "capsule.example";
	for (i = 0; i < sizeof(served) / sizeof(served[0]); i++)
		check(f, served[i], strlen(served[i]), 1965, H20GMI);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		check(f, refused[i], strlen(refused[i]), 1965, H53);
	f->cfg.hostname = "localhost";
}

/* A URI of n bytes naming a missing page: "gemini://localhost:1965/aaa". */
static char *
long_uri(size_t n)
{
	const char	*pre = "gemini://localhost:1965/";
	char		*s;

	s = malloc(n + 1);
	assert_non_null(s);
	memset(s, 'a', n);
	memcpy(s, pre, strlen(pre));
	s[n] = '\0';
	return s;
}

static void
test_length_limit(void **state)
{
	struct fix	*f = *state;
	char		*s;
	size_t		 i;

	s = long_uri(1024);
	check(f, s, 1024, 1965, H51);
	free(s);
	s = long_uri(1025);
	check(f, s, 1025, 1965, H59LONG);
	free(s);
	/* What the core passes when gemini_frame gave -1. */
	s = long_uri(4096);
	check(f, s, 4096, 1965, H59LONG);
	free(s);
	/* A redirect whose re-encoded URL would pass the meta limit. */
	s = long_uri(24 + 700);
	for (i = 0; i < 350; i++)
		memcpy(s + 24 + 2 * i, "\xc3\xa9", 2);
	check(f, s, 24 + 700, 1965, H59LONG);
	/* With its slash it is a page; one character less is nothing. */
	s = realloc(s, 24 + 702);
	assert_non_null(s);
	s[24 + 700] = '/';
	s[24 + 701] = '\0';
	check(f, s, 24 + 701, 1965, H20GMI);
	check(f, s, 24 + 698, 1965, H51);
	free(s);
	/* Even a proxy request over the limit is a 59. */
	s = long_uri(1025);
	memcpy(s, "http", 4);
	check(f, s, 1025, 1965, H59LONG);
	free(s);
}

/* The length given is what counts: a NUL byte inside is refused. */
static void
test_embedded_nul(void **state)
{
	check(*state, "gemini://localhost:1965/\0", 25, 1965, H59);
	check(*state, "gemini://localhost\0:1965/", 25, 1965, H59);
	check(*state, "gemini://localhost:1965/robots.txt", 24, 1965, H20GMI);
}

static const struct rcase notfound_cases[] = {
	{ "gemini://localhost:1965/missing", 1965, H51 },
	{ "gemini://localhost:1965/articles/missing.gmi", 1965, H51 },
	{ "gemini://localhost:1965/articles/x.gmi/", 1965, H51 },
	{ "gemini://localhost:1965/robots.txt/", 1965, H51 },
	{ "gemini://localhost:1965/.hidden", 1965, H51 },
	{ "gemini://localhost:1965/%2ehidden", 1965, H51 },
	{ "gemini://localhost:1965/link", 1965, H51 },
	{ "gemini://localhost:1965/etc/passwd", 1965, H51 },
	{ "gemini://localhost:1965/etc/", 1965, H51 },
	{ "gemini://localhost:1965/etc", 1965, H51 },
	{ "gemini://localhost:1965/empty/", 1965, H51 },
	{ "gemini://localhost:1965/noindex/", 1965, H51 },
	{ "gemini://localhost:1965/img.png/", 1965, H51 },
	{ "gemini://localhost:1965/doc.gmi/x", 1965, H51 },
};

static void
test_not_found(void **state)
{
	run_table(*state, notfound_cases,
	    sizeof(notfound_cases) / sizeof(notfound_cases[0]));
}

static void
check_file(struct fix *f, const char *q, const char *head, const char *data,
    size_t len)
{
	struct response	 r;
	char		 b[64];

	respond(f, q, strlen(q), 1965, &r);
	assert_string_equal(r.head.data, head);
	assert_int_equal(r.status, 20);
	assert_null(r.body);
	assert_int_equal(r.bodylen, 0);
	assert_true(r.fd >= 0);
	assert_int_equal(r.fdlen, len);
	assert_true(len <= sizeof(b));
	assert_int_equal(read(r.fd, b, sizeof(b)), (ssize_t)len);
	assert_memory_equal(b, data, len);
	response_free(&r);
	assert_int_equal(r.fd, -1);
}

static void
test_static_files(void **state)
{
	struct fix	*f = *state;

	check_file(f, "gemini://localhost:1965/img.png", "20 image/png\r\n",
	    png, sizeof(png) - 1);
	check_file(f, "gemini://localhost:1965/doc.gmi", "20 text/gemini\r\n",
	    "# Doc\n", 6);
	check_file(f, "gemini://localhost:1965/sub/", "20 text/gemini\r\n",
	    "# Sub index\n", 12);
	check_file(f, "gemini://localhost:1965/sub/index.gmi",
	    "20 text/gemini\r\n", "# Sub index\n", 12);
	check_file(f, "gemini://localhost:1965/sub/../img.png",
	    "20 image/png\r\n", png, sizeof(png) - 1);
	check_file(f, "gemini://localhost:1965/doc.gmi?q", "20 text/gemini\r\n",
	    "# Doc\n", 6);
}

/* The capsule wins over a static file with the same path. */
static void
test_capsule_first(void **state)
{
	struct fix		*f = *state;
	struct response		 r;
	const char		*q = "gemini://localhost:1965/articles/x.gmi";

	respond(f, q, strlen(q), 1965, &r);
	assert_string_equal(r.head.data, H20GMI);
	assert_int_equal(r.fd, -1);
	assert_memory_equal(r.body, "# X\n", 4);
	response_free(&r);
}

static void
test_no_static(void **state)
{
	struct fix	*f = *state;
	int		 fd = f->ctx.static_fd;

	f->ctx.static_fd = -1;
	check(f, "gemini://localhost:1965/doc.gmi", 31, 1965, H51);
	check(f, "gemini://localhost:1965/sub", 27, 1965, H51);
	check(f, "gemini://localhost:1965/articles", 32, 1965,
	    "31 gemini://localhost:1965/articles/\r\n");
	f->ctx.static_fd = fd;
}

static void
test_response(void **state)
{
	struct response	 r;

	response_init(&r);
	assert_int_equal(r.fd, -1);
	assert_null(r.body);
	assert_int_equal(r.head.len, 0);
	buf_puts(&r.owned, "hello");
	response_use_owned(&r);
	assert_ptr_equal(r.body, r.owned.data);
	assert_int_equal(r.bodylen, 5);
	r.fd = dup(0);
	assert_true(r.fd >= 0);
	response_free(&r);
	assert_int_equal(r.fd, -1);
	assert_null(r.owned.data);
	response_free(&r);	/* twice is harmless */

	response_init(&r);
	r.owned.err = 1;
	response_use_owned(&r);
	assert_null(r.body);
	assert_int_equal(r.bodylen, 0);
	response_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_bad_request),
		cmocka_unit_test(test_proxy_refused),
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_body_in_capsule),
		cmocka_unit_test(test_lang),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_ipv6_host),
		cmocka_unit_test(test_loopback_hosts),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_static_files),
		cmocka_unit_test(test_capsule_first),
		cmocka_unit_test(test_no_static),
		cmocka_unit_test(test_response),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
