/*
 * The Gopher protocol (RFC 1436): one selector line in, one response out.
 * Selectors are opaque bytes: they are looked up as sent, first in the
 * capsule, then under [capsule] static. Nothing is percent-decoded, but
 * anything that could climb out of the root in any spelling is refused.
 * Every refusal is a type-3 error menu, never a file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "capsule.h"
#include "config.h"
#include "directory.h"
#include "gopher.h"
#include "gophermap.h"
#include "search.h"
#include "site.h"
#include "static.h"
#include "translit.h"

/* Entries listed in a generated directory menu: bounds the work. */
#define GOPHER_DIR_MAX		1000
/* Bytes of a selector echoed in "Not found: ..." (fits 69 columns). */
#define ECHO_MAX		50

ssize_t
gopher_frame(const char *buf, size_t len)
{
	const char	*lf;
	size_t		 n;

	if ((lf = memchr(buf, '\n', len)) == NULL) {
		/* A full line and its CR may still be waiting for the LF. */
		if (len > GOPHER_LINE_MAX + 1 ||
		    (len == GOPHER_LINE_MAX + 1 && buf[GOPHER_LINE_MAX] != '\r'))
			return -1;
		return 0;
	}
	n = (size_t)(lf - buf);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > GOPHER_LINE_MAX)
		return -1;
	return (ssize_t)(lf - buf) + 1;
}

/* "type/subtype" of mime equals t, ignoring case and parameters. */
static int
mime_is(const char *mime, const char *t)
{
	size_t	 n = strlen(t);

	return strncasecmp(mime, t, n) == 0 &&
	    (mime[n] == '\0' || mime[n] == ';' || mime[n] == ' ');
}

static int
mime_major(const char *mime, const char *major)
{
	return strncasecmp(mime, major, strlen(major)) == 0;
}

char
gopher_item_type(const char *mime)
{
	if (mime == NULL)
		return '9';
	if (mime_is(mime, "inode/directory"))
		return '1';
	if (mime_is(mime, "text/html"))
		return 'h';
	if (mime_major(mime, "text/"))
		return '0';
	if (mime_is(mime, "image/gif"))
		return 'g';
	if (mime_major(mime, "image/"))
		return 'I';
	if (mime_major(mime, "audio/"))
		return 's';
	if (mime_is(mime, "application/pdf"))
		return 'd';
	return '9';
}

static void
map_init(struct gophermap *gm, const struct serve_ctx *ctx, struct buf *b)
{
	gm->out = b;
	gm->host = ctx->cfg->hostname;
	gm->port = ctx->cfg->gopher_port;
}

/* A one-line type-3 menu; status 3 for the access log. */
static void
error_menu(const struct serve_ctx *ctx, struct response *out, const char *msg)
{
	struct gophermap	 gm;

	map_init(&gm, ctx, &out->owned);
	buf_reset(&out->owned);
	gophermap_error(&gm, msg);
	gophermap_end(&gm);
	out->status = 3;
	response_use_owned(out);
}

/*
 * "Not found: <selector>", the selector made printable ASCII (it may be
 * any bytes) and cut so the line stays under 70 columns.
 */
static void
not_found(const struct serve_ctx *ctx, struct response *out, const char *sel,
    size_t len)
{
	struct buf	 msg;
	char		*a;
	size_t		 alen, i;

	buf_init(&msg);
	buf_puts(&msg, "Not found: ");
	if ((a = translit_ascii(sel, len, &alen)) == NULL) {
		buf_free(&msg);
		error_menu(ctx, out, "Not found");
		return;
	}
	for (i = 0; i < alen; i++)
		if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f)
			a[i] = '?';
	if (alen > ECHO_MAX) {
		buf_append(&msg, a, ECHO_MAX - 3);
		buf_puts(&msg, "...");
	} else
		buf_append(&msg, a, alen);
	free(a);
	error_menu(ctx, out, msg.err ? "Not found" : msg.data);
	buf_free(&msg);
}

/* Control bytes, NUL included: no selector needs them, terminals obey them. */
static int
bad_bytes(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* s[0..len) is "." or "..", with any dot written as "%2e". */
static int
is_dot_segment(const char *s, size_t len)
{
	size_t	 i = 0, dots = 0;

	while (i < len) {
		if (s[i] == '.')
			i++;
		else if (len - i >= 3 && s[i] == '%' && s[i + 1] == '2' &&
		    (s[i + 2] == 'e' || s[i + 2] == 'E'))
			i += 3;
		else
			return 0;
		dots++;
	}
	return dots == 1 || dots == 2;
}

/*
 * A path that could name something outside the root, or alias another
 * path once some layer decodes it: dot segments (also percent-encoded),
 * backslashes, and encoded slashes, backslashes and NULs.
 */
static int
escapes_root(const char *p)
{
	const char	*s, *e;

	if (strchr(p, '\\') != NULL || strcasestr(p, "%2f") != NULL ||
	    strcasestr(p, "%5c") != NULL || strstr(p, "%00") != NULL)
		return 1;
	for (s = p; *s != '\0'; s = e) {
		/* p is NUL-terminated and s stays within it; the analyzer
		 * loses track through strcasestr() and strchr(). */
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		while (*s == '/')
			s++;
		if ((e = strchr(s, '/')) == NULL)
			e = s + strlen(s);
		if (is_dot_segment(s, (size_t)(e - s)))
			return 1;
	}
	return 0;
}

/*
 * Only links a reader can follow safely, by the same rule the resource
 * directory applies to its URLs: http, https, gemini or gopher, a host,
 * no userinfo (it can disguise the host), only URL characters.
 */
static int
url_allowed(const char *s, size_t len)
{
	char	 u[GOPHER_SELECTOR_MAX + 1];

	if (len >= sizeof(u) || memchr(s, '\0', len) != NULL)
		return 0;
	memcpy(u, s, len);
	u[len] = '\0';
	return directory_url_valid(u);
}

/*
 * The "URL:" convention: clients that do not know it fetch the selector
 * and get a page that links and redirects to the target.
 */
static void
url_page(const struct serve_ctx *ctx, const char *url, size_t len,
    struct response *out)
{
	struct buf	*b = &out->owned;

	if (!url_allowed(url, len)) {
		error_menu(ctx, out, "Unsupported link");
		return;
	}
	buf_reset(b);
	buf_puts(b, "<!DOCTYPE html>\n<html>\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"refresh\" content=\"0; url=");
	buf_escape_markup(b, url, len);
	buf_puts(b, "\">\n<title>Link</title>\n</head>\n<body>\n<p><a href=\"");
	buf_escape_markup(b, url, len);
	buf_puts(b, "\">");
	buf_escape_markup(b, url, len);
	buf_puts(b, "</a></p>\n</body>\n</html>\n");
	out->status = 0;
	response_use_owned(out);
}

/*
 * The Gopher+ attribute probe of the root ("\t$", the UMN client's first
 * request; "\t!" asks the same of the root item). This server speaks plain
 * Gopher, so the answer is one +INFO block whose item is the root menu
 * without the trailing "+": the client lists it and then fetches the menu
 * the plain way. Period-terminated, as "+-1" announces.
 */
static void
plus_root(const struct serve_ctx *ctx, struct response *out)
{
	struct gophermap	 gm;
	char			*ascii = NULL;
	const char		*title = ctx->cfg->title;

	/* Transliterate before gophermap cuts the title to fit. */
	if (ctx->cfg->gopher_ascii && title != NULL) {
		if ((ascii = translit_ascii(title, strlen(title), NULL)) ==
		    NULL) {
			error_menu(ctx, out, "Out of memory");
			return;
		}
		title = ascii;
	}
	buf_reset(&out->owned);
	buf_puts(&out->owned, "+-1\r\n+INFO: ");
	map_init(&gm, ctx, &out->owned);
	gophermap_item(&gm, '1', title, "");
	buf_puts(&out->owned, ".\r\n");
	free(ascii);
	out->status = 0;
	response_use_owned(out);
}

/*
 * Type-7 (search) items: "/search" (e is NULL) and any capsule entry of
 * type '7' search the capsule's index; a capsule without one (built by
 * hand) cannot search. Blank words get a menu explaining how to search.
 */
static void
search(const struct serve_ctx *ctx, const struct entry *e, const char *query,
    size_t qlen, struct response *out)
{
	const struct search_index	*x = capsule_index(ctx->capsule);
	struct search_result		 res;
	struct gophermap		 gm;
	enum search_status		 st;
	char				*a;
	size_t				 alen;

	if (x == NULL) {
		error_menu(ctx, out, "Search is not available");
		return;
	}
	switch ((st = search_run(x, query, qlen, &res))) {
	case SEARCH_TOO_LONG:
		error_menu(ctx, out,
		    "Search words too long (at most 256 bytes)");
		return;
	case SEARCH_BAD_UTF8:
		error_menu(ctx, out, "Search words must be UTF-8");
		return;
	case SEARCH_NOMEM:
		error_menu(ctx, out, "Out of memory");
		return;
	case SEARCH_OK:
	case SEARCH_BLANK:
	case SEARCH_COMMON:
		break;
	}
	buf_reset(&out->owned);
	map_init(&gm, ctx, &out->owned);
	if (st == SEARCH_BLANK)
		site_search_gopher_help(&gm);
	else
		site_search_gopher(&gm, x, query, qlen, st, &res);
	if (!out->owned.err && ctx->cfg->gopher_ascii) {
		if ((a = translit_ascii(out->owned.data, out->owned.len,
		    &alen)) == NULL) {
			error_menu(ctx, out, "Out of memory");
			return;
		}
		buf_reset(&out->owned);
		buf_append(&out->owned, a, alen);
		free(a);
	}
	if (out->owned.err) {
		error_menu(ctx, out, "Out of memory");
		return;
	}
	out->status = 0;
	response_use_owned(out);
}

/*
 * The capsule entry for path; a menu may be asked for with or without its
 * trailing slash.
 */
static const struct entry *
find_entry(const struct serve_ctx *ctx, char *path, size_t len)
{
	const struct entry	*e;

	if ((e = capsule_find(ctx->capsule, PROTO_GOPHER, path)) != NULL)
		return e;
	if (len == 1)
		return NULL;
	if (path[len - 1] == '/') {
		path[len - 1] = '\0';
		e = capsule_find(ctx->capsule, PROTO_GOPHER, path);
		path[len - 1] = '/';
	} else {
		path[len] = '/';
		path[len + 1] = '\0';
		e = capsule_find(ctx->capsule, PROTO_GOPHER, path);
		path[len] = '\0';
	}
	return e != NULL && e->type == '1' ? e : NULL;
}

/*
 * Opens the directory path under the static root one component at a time,
 * refusing symlinks and dot names like static_open() does.
 */
static int
open_static_dir(const struct serve_ctx *ctx, const char *path)
{
	char		 name[256];
	const char	*p, *e;
	size_t		 n;
	int		 dir, fd;

	/* Not dup(2): that would share (and move) the root's read offset. */
	if ((dir = openat(ctx->static_fd, ".",
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	for (p = path; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n >= sizeof(name) || p[0] == '.') {
			(void)close(dir);
			errno = ENOENT;
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		fd = openat(dir, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		(void)close(dir);
		if (fd == -1)
			return -1;
		dir = fd;
	}
	return dir;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Reads the visible names of d, sorted. Returns the count or -1. */
static ssize_t
read_names(DIR *d, char ***namesp)
{
	struct dirent	*de;
	char		**names = NULL, **v;
	size_t		 n = 0, cap = 0;

	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				goto fail;
			break;
		}
		if (n == GOPHER_DIR_MAX)
			break;
		/* Dot names are hidden; static_open() refuses them anyway. */
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((v = reallocarray(names, cap, sizeof(*v))) == NULL)
				goto fail;
			names = v;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto fail;
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	*namesp = names;
	return (ssize_t)n;
fail:
	while (n > 0)
		free(names[--n]);
	free(names);
	return -1;
}

/*
 * The item type of name in directory dfd (selector child), or 0 to leave
 * it out: symlinks, special files and anything static_open() refuses.
 */
static char
child_type(const struct serve_ctx *ctx, int dfd, const char *name,
    const char *child)
{
	struct static_file	 sf;
	struct stat		 st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return 0;
	if (S_ISDIR(st.st_mode))
		return '1';
	if (!S_ISREG(st.st_mode))
		return 0;
	if (static_open(ctx, child, &sf) == -1)
		return 0;
	if (sf.fd != -1)
		(void)close(sf.fd);
	return sf.is_dir ? '1' : gopher_item_type(sf.mime);
}

static void
display(struct buf *b, const struct serve_ctx *ctx, const char *s)
{
	char	*a;

	buf_reset(b);
	if (ctx->cfg->gopher_ascii && (a = translit_ascii(s, strlen(s),
	    NULL)) != NULL) {
		buf_puts(b, a);
		free(a);
	} else
		buf_puts(b, s);
}

/* A menu of a static directory: its visible entries, sorted. */
static void
static_dir_menu(const struct serve_ctx *ctx, const char *path,
    struct response *out)
{
	struct gophermap	 gm;
	struct buf		 dir, child, text;
	DIR			*d;
	char			**names = NULL;
	ssize_t			 n;
	size_t			 i, listed = 0;
	char			 type;
	int			 fd;

	if ((fd = open_static_dir(ctx, path)) == -1) {
		not_found(ctx, out, path, strlen(path));
		return;
	}
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		error_menu(ctx, out, "Cannot list this directory");
		return;
	}
	if ((n = read_names(d, &names)) == -1) {
		(void)closedir(d);
		error_menu(ctx, out, "Cannot list this directory");
		return;
	}

	buf_init(&dir);
	buf_init(&child);
	buf_init(&text);
	buf_puts(&dir, path);
	if (dir.len == 0 || dir.data[dir.len - 1] != '/')
		buf_putc(&dir, '/');
	buf_reset(&out->owned);
	map_init(&gm, ctx, &out->owned);
	display(&text, ctx, dir.err ? path : dir.data);
	gophermap_info(&gm, text.data);
	gophermap_info(&gm, "");
	for (i = 0; i < (size_t)n; i++) {
		buf_reset(&child);
		buf_append(&child, dir.data, dir.len);
		buf_puts(&child, names[i]);
		if (child.err)
			break;
		/* A name no request could reach is not listed. */
		if (bad_bytes(names[i], strlen(names[i])) ||
		    escapes_root(child.data) ||
		    child.len + 1 > GOPHER_SELECTOR_MAX)
			continue;
		if ((type = child_type(ctx, dirfd(d), names[i],
		    child.data)) == 0)
			continue;
		display(&text, ctx, names[i]);
		if (type == '1') {
			buf_putc(&child, '/');
			buf_putc(&text, '/');
		}
		if (child.err || text.err)
			break;
		gophermap_item(&gm, type, text.data, child.data);
		listed++;
	}
	if (listed == 0)
		gophermap_info(&gm, "This directory is empty.");
	gophermap_info(&gm, "");
	gophermap_item(&gm, '1', "Home", "/");
	gophermap_end(&gm);
	if (dir.err || child.err || text.err)
		out->owned.err = 1;
	buf_free(&dir);
	buf_free(&child);
	buf_free(&text);
	for (i = 0; i < (size_t)n; i++)
		free(names[i]);
	free(names);
	(void)closedir(d);
	if (out->owned.err) {
		error_menu(ctx, out, "Out of memory");
		return;
	}
	out->status = 0;
	response_use_owned(out);
}

/* A file or directory under [capsule] static. */
static void
serve_static(const struct serve_ctx *ctx, const char *path, const char *sel,
    size_t sellen, struct response *out)
{
	struct static_file	 sf;

	if (static_open(ctx, path, &sf) == -1) {
		not_found(ctx, out, sel, sellen);
		return;
	}
	if (sf.is_dir) {
		static_dir_menu(ctx, path, out);
		return;
	}
	out->fd = sf.fd;
	out->fdlen = sf.size;
	out->status = 0;
}

void
gopher_respond(const struct serve_ctx *ctx, const char *line, size_t len,
    struct response *out)
{
	const struct entry	*e;
	const char		*tab, *rest = NULL, *q;
	char			 path[GOPHER_SELECTOR_MAX + 3];
	size_t			 sellen, restlen = 0, plen, qlen;

	/* Tolerate a line ending the caller left on. */
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > GOPHER_LINE_MAX) {
		error_menu(ctx, out, "Request too long");
		return;
	}
	sellen = len;
	if ((tab = memchr(line, '\t', len)) != NULL) {
		sellen = (size_t)(tab - line);
		rest = tab + 1;
		restlen = len - sellen - 1;
	}
	if (sellen > GOPHER_SELECTOR_MAX) {
		error_menu(ctx, out, "Selector too long");
		return;
	}
	if (bad_bytes(line, sellen)) {
		error_menu(ctx, out, "Invalid selector");
		return;
	}

	/* "URL:" links, also as "/URL:" from clients that add a slash. */
	if (sellen >= 4 && memcmp(line, "URL:", 4) == 0) {
		url_page(ctx, line + 4, sellen - 4, out);
		return;
	}
	if (sellen >= 5 && memcmp(line, "/URL:", 5) == 0) {
		url_page(ctx, line + 5, sellen - 5, out);
		return;
	}

	/* Capsule selectors start with '/'; "caps.txt" is asked bare. */
	plen = 0;
	if (sellen == 0 || line[0] != '/')
		path[plen++] = '/';
	memcpy(path + plen, line, sellen);
	plen += sellen;
	path[plen] = '\0';
	if (escapes_root(path)) {
		error_menu(ctx, out, "Invalid selector");
		return;
	}

	if (strcmp(path, "/") == 0 && rest != NULL && restlen > 0 &&
	    (rest[0] == '$' || rest[0] == '!')) {
		plus_root(ctx, out);
		return;
	}

	e = find_entry(ctx, path, plen);
	if (e != NULL || strcmp(path, "/search") == 0) {
		if (e == NULL || e->type == '7') {
			/* "selector TAB words [TAB Gopher+ data]". */
			q = rest != NULL ? rest : "";
			qlen = rest != NULL ? restlen : 0;
			if ((tab = memchr(q, '\t', qlen)) != NULL)
				qlen = (size_t)(tab - q);
			search(ctx, e, q, qlen, out);
			return;
		}
		/* Any other TAB field (search words, Gopher+) is ignored. */
		out->body = e->data;
		out->bodylen = e->len;
		out->status = 0;
		return;
	}
	serve_static(ctx, path, line, sellen, out);
}
