/* Tests for gopher.c: framing, selector checks and response choice. */
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capsule.h"
#include "config.h"
#include "gopher.h"
#include "response.h"
#include "serve.h"

#define HOST	"gopher.example"
#define PORT	"7070"
#define ERR(msg)	"3" msg "\t\terror.host\t1\r\n.\r\n"

#define ROOT_MENU	"iRoot\t\terror.host\t1\r\n.\r\n"
#define ART_MENU	"iArticles\t\terror.host\t1\r\n.\r\n"
#define HELLO_TXT	"Hello, gopher.\r\n"
#define CAPS_TXT	"CAPS\r\nCapsVersion=1\r\n"
#define RES_MENU	"iA resource\t\terror.host\t1\r\n.\r\n"

static const char	 wav[] = "RIFF,\0\0\0WAVEfmt \x10\0\0\0\1\0\1\0"
			    "\x40\x1f\0\0\x40\x1f\0\0\1\0\x08\0data\x08\0\0\0"
			    "\x80\x80\x80\x80\x80\x80\x80\x80";

struct fixture {
	char		 tmp[64];	/* mkdtemp: static/ and secret.txt */
	struct config	 cfg;
	struct serve_ctx ctx;
	struct response	 r;
};

static int
write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char	 path[512];
	int	 fd;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1)
		return -1;
	if (write(fd, data, len) != (ssize_t)len) {
		(void)close(fd);
		return -1;
	}
	return close(fd);
}

static int
add(struct capsule *c, const char *path, char type, const char *data)
{
	char	*d;

	if ((d = strdup(data)) == NULL)
		return -1;
	return capsule_add(c, PROTO_GOPHER, path, NULL, type, d, strlen(d));
}

static int
setup(void **state)
{
	struct fixture	*f;
	struct capsule	*c;
	char		 st[128], dir[160];
	static const char gif[] = "GIF89a\1\0\1\0\0\0\0;";
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\1"
			    "\0\0\0\1\x08\x06\0\0\0\x1f\x15\xc4\x89";
	static const char html[] = "<!DOCTYPE html>\n<html><head><title>x"
			    "</title></head><body>x</body></html>\n";
	static const char pdf[] = "%PDF-1.4\n%%EOF\n";
	static const char zip[] = "PK\3\4\x14\0\0\0\0\0\0\0!\0\0\0\0\0\0\0"
			    "\0\0\0\0\0\0\1\0\0\0x";
	static const char bin[] = "\0\1\2\3\xff\xfe";

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	(void)snprintf(f->tmp, sizeof(f->tmp), "/tmp/test_gopher.XXXXXX");
	if (mkdtemp(f->tmp) == NULL)
		return -1;
	(void)snprintf(st, sizeof(st), "%s/static", f->tmp);
	(void)snprintf(dir, sizeof(dir), "%s/sub", st);
	if (mkdir(st, 0755) == -1 || mkdir(dir, 0755) == -1)
		return -1;
	(void)snprintf(dir, sizeof(dir), "%s/.git", st);
	if (mkdir(dir, 0755) == -1)
		return -1;
	(void)snprintf(dir, sizeof(dir), "%s/sub", st);
	if (write_file(f->tmp, "secret.txt", "SECRET\n", 7) == -1 ||
	    write_file(st, "notes.txt", "static notes\n", 13) == -1 ||
	    write_file(st, "page.html", html, sizeof(html) - 1) == -1 ||
	    write_file(st, "pic.gif", gif, sizeof(gif) - 1) == -1 ||
	    write_file(st, "photo.png", png, sizeof(png) - 1) == -1 ||
	    write_file(st, "doc.pdf", pdf, sizeof(pdf) - 1) == -1 ||
	    write_file(st, "archive.zip", zip, sizeof(zip) - 1) == -1 ||
	    write_file(st, "data.bin", bin, sizeof(bin) - 1) == -1 ||
	    write_file(st, "sound.wav", wav, sizeof(wav) - 1) == -1 ||
	    write_file(st, ".hidden", "hidden\n", 7) == -1 ||
	    write_file(st, "r\xc3\xa9sum\xc3\xa9.txt", "cv\n", 3) == -1 ||
	    write_file(st, "a%2fb", "x\n", 2) == -1 ||
	    write_file(dir, "inner.txt", "inner\n", 6) == -1)
		return -1;
	(void)snprintf(dir, sizeof(dir), "%s/link", st);
	if (symlink("../secret.txt", dir) == -1)
		return -1;

	f->cfg.hostname = HOST;
	f->cfg.gopher_port = 7070;
	f->cfg.title = "Test Capsule";
	f->ctx.cfg = &f->cfg;
	if ((f->ctx.static_fd = open(st, O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	if ((f->ctx.magic = magic_open(MAGIC_MIME_TYPE)) == NULL ||
	    magic_load(f->ctx.magic, NULL) == -1)
		return -1;
	if ((c = capsule_new()) == NULL)
		return -1;
	if (add(c, "/", '1', ROOT_MENU) == -1 ||
	    add(c, "/articles/", '1', ART_MENU) == -1 ||
	    add(c, "/articles/hello.txt", '0', HELLO_TXT) == -1 ||
	    add(c, "/caps.txt", '0', CAPS_TXT) == -1 ||
	    add(c, "/resources/abc/", '1', RES_MENU) == -1 ||
	    add(c, "/find", '7', "") == -1 ||
	    capsule_seal(c) == -1)
		return -1;
	f->ctx.capsule = c;
	response_init(&f->r);
	*state = f;
	return 0;
}

static int
rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	response_free(&f->r);
	capsule_free((struct capsule *)f->ctx.capsule);
	magic_close(f->ctx.magic);
	(void)close(f->ctx.static_fd);
	if (nftw(f->tmp, rm, 16, FTW_DEPTH | FTW_PHYS) == -1)
		return -1;
	free(f);
	return 0;
}

/* Answers line[0..len) into f->r (freed from the previous request). */
static struct response *
ask_len(struct fixture *f, const char *line, size_t len)
{
	response_free(&f->r);
	gopher_respond(&f->ctx, line, len, &f->r);
	return &f->r;
}

static struct response *
ask(struct fixture *f, const char *line)
{
	return ask_len(f, line, strlen(line));
}

static void
body_is(const struct response *r, int status, const char *want)
{
	assert_int_equal(r->status, status);
	assert_int_equal(r->fd, -1);
	assert_non_null(r->body);
	assert_int_equal(r->bodylen, strlen(want));
	assert_memory_equal(r->body, want, r->bodylen);
}

/* The body is the capsule entry itself, not a copy. */
static void
entry_is(struct fixture *f, const struct response *r, const char *path)
{
	const struct entry	*e;

	e = capsule_find(f->ctx.capsule, PROTO_GOPHER, path);
	assert_non_null(e);
	assert_int_equal(r->status, 0);
	assert_int_equal(r->fd, -1);
	assert_ptr_equal(r->body, e->data);
	assert_int_equal(r->bodylen, e->len);
}

/* A static file: the fd is streamed, holding exactly want. */
static void
file_is(const struct response *r, const char *want, size_t len)
{
	char	 got[256];

	assert_int_equal(r->status, 0);
	assert_true(r->fd >= 0);
	assert_int_equal(r->bodylen, 0);
	assert_int_equal(r->fdlen, (off_t)len);
	assert_true(len <= sizeof(got));
	assert_int_equal(read(r->fd, got, sizeof(got)), (ssize_t)len);
	assert_memory_equal(got, want, len);
}

static void
test_frame(void **state)
{
	char	 big[GOPHER_LINE_MAX + 3];

	assert_int_equal(gopher_frame("", 0), 0);
	assert_int_equal(gopher_frame("abc", 3), 0);
	assert_int_equal(gopher_frame("abc\r", 4), 0);
	assert_int_equal(gopher_frame("abc\r\n", 5), 5);
	assert_int_equal(gopher_frame("abc\n", 4), 4);		/* bare LF */
	assert_int_equal(gopher_frame("\r\n", 2), 2);
	assert_int_equal(gopher_frame("\n", 1), 1);
	assert_int_equal(gopher_frame("a\nb\n", 4), 2);		/* first line */
	assert_int_equal(gopher_frame("\t$\r\nextra", 9), 4);

	memset(big, 'a', sizeof(big));
	/* Up to GOPHER_LINE_MAX bytes without an end: keep reading. */
	assert_int_equal(gopher_frame(big, GOPHER_LINE_MAX), 0);
	/* One more byte and no LF: too long. */
	assert_int_equal(gopher_frame(big, GOPHER_LINE_MAX + 1), -1);
	/* ...unless it is the CR of a full-length line. */
	big[GOPHER_LINE_MAX] = '\r';
	assert_int_equal(gopher_frame(big, GOPHER_LINE_MAX + 1), 0);
	big[GOPHER_LINE_MAX + 1] = '\n';
	assert_int_equal(gopher_frame(big, GOPHER_LINE_MAX + 2),
	    GOPHER_LINE_MAX + 2);
	big[GOPHER_LINE_MAX] = '\n';
	assert_int_equal(gopher_frame(big, GOPHER_LINE_MAX + 1),
	    GOPHER_LINE_MAX + 1);
	/* A line ending that arrives after too many bytes. */
	big[GOPHER_LINE_MAX] = 'a';
	big[GOPHER_LINE_MAX + 1] = '\n';
	assert_int_equal(gopher_frame(big, GOPHER_LINE_MAX + 2), -1);
}

static void
test_item_type(void **state)
{
	assert_int_equal(gopher_item_type("text/plain"), '0');
	assert_int_equal(gopher_item_type("text/gemini"), '0');
	assert_int_equal(gopher_item_type("text/plain; charset=utf-8"), '0');
	assert_int_equal(gopher_item_type("TEXT/Plain"), '0');
	assert_int_equal(gopher_item_type("text/html"), 'h');
	assert_int_equal(gopher_item_type("text/html; charset=utf-8"), 'h');
	assert_int_equal(gopher_item_type("text/htmlx"), '0');
	assert_int_equal(gopher_item_type("image/gif"), 'g');
	assert_int_equal(gopher_item_type("image/png"), 'I');
	assert_int_equal(gopher_item_type("image/jpeg"), 'I');
	assert_int_equal(gopher_item_type("audio/mpeg"), 's');
	assert_int_equal(gopher_item_type("audio/x-wav"), 's');
	assert_int_equal(gopher_item_type("application/pdf"), 'd');
	assert_int_equal(gopher_item_type("inode/directory"), '1');
	assert_int_equal(gopher_item_type("application/zip"), '9');
	assert_int_equal(gopher_item_type("application/gzip"), '9');
	assert_int_equal(gopher_item_type("application/x-tar"), '9');
	assert_int_equal(gopher_item_type("application/octet-stream"), '9');
	assert_int_equal(gopher_item_type("video/mp4"), '9');
	assert_int_equal(gopher_item_type(""), '9');
	assert_int_equal(gopher_item_type("text"), '9');
	assert_int_equal(gopher_item_type(NULL), '9');
}

static void
test_root(void **state)
{
	struct fixture	*f = *state;

	entry_is(f, ask(f, ""), "/");
	entry_is(f, ask(f, "/"), "/");
	/* A search string on an item that is not a search is ignored. */
	entry_is(f, ask(f, "\tsome words"), "/");
	entry_is(f, ask(f, "/\tsome words"), "/");
	/* Gopher+ "+": served as a plain request. */
	entry_is(f, ask(f, "\t+"), "/");
	/* A line ending left on by the caller is tolerated. */
	entry_is(f, ask(f, "\r\n"), "/");
}

static void
test_capsule_items(void **state)
{
	struct fixture	*f = *state;

	entry_is(f, ask(f, "/articles/hello.txt"), "/articles/hello.txt");
	body_is(&f->r, 0, HELLO_TXT);
	entry_is(f, ask(f, "/articles/"), "/articles/");
	entry_is(f, ask(f, "/caps.txt"), "/caps.txt");
	/* caps.txt is asked for without the slash. */
	entry_is(f, ask(f, "caps.txt"), "/caps.txt");
	entry_is(f, ask(f, "/articles/hello.txt\r\n"), "/articles/hello.txt");
	entry_is(f, ask(f, "/articles/hello.txt\n"), "/articles/hello.txt");
	/* Gopher+ markers on other items: the item, unchanged. */
	entry_is(f, ask(f, "/articles/hello.txt\t+"), "/articles/hello.txt");
	entry_is(f, ask(f, "/articles/\t$"), "/articles/");
	entry_is(f, ask(f, "/articles/\t!"), "/articles/");
}

static void
test_menu_slash(void **state)
{
	struct fixture	*f = *state;

	entry_is(f, ask(f, "/articles"), "/articles/");
	entry_is(f, ask(f, "articles"), "/articles/");
	entry_is(f, ask(f, "/resources/abc"), "/resources/abc/");
	entry_is(f, ask(f, "/resources/abc/"), "/resources/abc/");
	/* Only menus: a text is not found with a slash added. */
	body_is(ask(f, "/caps.txt/"), 3, ERR("Not found: /caps.txt/"));
	body_is(ask(f, "/articles/hello.txt/"), 3,
	    ERR("Not found: /articles/hello.txt/"));
}

static void
test_not_found(void **state)
{
	struct fixture	*f = *state;
	char		 sel[GOPHER_SELECTOR_MAX + 1];

	body_is(ask(f, "/nope"), 3, ERR("Not found: /nope"));
	body_is(ask(f, "nope"), 3, ERR("Not found: nope"));
	body_is(ask(f, "/nope\tfoo"), 3, ERR("Not found: /nope"));
	/* Non-ASCII is transliterated, invalid UTF-8 becomes '?'. */
	body_is(ask(f, "/caf\xc3\xa9"), 3, ERR("Not found: /cafe"));
	body_is(ask(f, "/a\xff"), 3, ERR("Not found: /a?"));
	/* The longest legal selector: echoed cut. */
	memset(sel, 'a', GOPHER_SELECTOR_MAX);
	sel[0] = '/';
	body_is(ask_len(f, sel, GOPHER_SELECTOR_MAX), 3,
	    ERR("Not found: /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."));
	/* Exactly 50 bytes are echoed whole. */
	body_is(ask_len(f, sel, 50), 3,
	    ERR("Not found: /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static void
test_too_long(void **state)
{
	struct fixture	*f = *state;
	char		 line[GOPHER_LINE_MAX + 100];

	memset(line, 'a', sizeof(line));
	line[0] = '/';
	body_is(ask_len(f, line, GOPHER_SELECTOR_MAX + 1), 3,
	    ERR("Selector too long"));
	/* A short selector with a search string that fits the line. */
	line[5] = '\t';
	body_is(ask_len(f, line, GOPHER_LINE_MAX), 3, ERR("Not found: /aaaa"));
	/* The whole buffer after gopher_frame() said -1. */
	body_is(ask_len(f, line, sizeof(line)), 3, ERR("Request too long"));
	line[5] = 'a';
	body_is(ask_len(f, line, sizeof(line)), 3, ERR("Request too long"));
}

static void
test_control_bytes(void **state)
{
	struct fixture	*f = *state;

	body_is(ask_len(f, "/a\0b", 4), 3, ERR("Invalid selector"));
	body_is(ask_len(f, "\0", 1), 3, ERR("Invalid selector"));
	body_is(ask(f, "/a\x01" "b"), 3, ERR("Invalid selector"));
	body_is(ask(f, "/a\x7f"), 3, ERR("Invalid selector"));
	body_is(ask(f, "/a\x1b[2J"), 3, ERR("Invalid selector"));
	body_is(ask(f, "/a\rb"), 3, ERR("Invalid selector"));
	body_is(ask(f, "/a\nb"), 3, ERR("Invalid selector"));
}

static void
test_traversal(void **state)
{
	struct fixture	*f = *state;
	static const char *bad[] = {
		"..", "/..", "/../secret.txt", "../secret.txt",
		"/sub/../../secret.txt", "/articles/../caps.txt",
		"/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/.%2e/secret.txt",
		"/%2e./secret.txt", "%2e%2e", "/sub/%2e%2e",
		"/sub%2f..%2fsecret.txt", "/sub%2F..", "/a%2fb",
		"\\..\\secret.txt", "/..\\secret.txt", "/sub\\notes.txt",
		"/%5c..", "/%00", "/./notes.txt", "/.", "//..//secret.txt",
		"/..\t$", "..\tfoo",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("selector %s\n", bad[i]);
		body_is(ask(f, bad[i]), 3, ERR("Invalid selector"));
	}
	/* A symlink in the static root, even one that exists: not served. */
	body_is(ask(f, "/link"), 3, ERR("Not found: /link"));
	/* Dot files are not served. */
	body_is(ask(f, "/.hidden"), 3, ERR("Not found: /.hidden"));
	body_is(ask(f, "/.git/"), 3, ERR("Not found: /.git/"));
	/* Dots inside a name are ordinary. */
	body_is(ask(f, "/a..b"), 3, ERR("Not found: /a..b"));
	body_is(ask(f, "/...."), 3, ERR("Not found: /...."));
}

static void
test_static_files(void **state)
{
	struct fixture	*f = *state;

	file_is(ask(f, "/notes.txt"), "static notes\n", 13);
	file_is(ask(f, "notes.txt"), "static notes\n", 13);
	file_is(ask(f, "//sub//inner.txt"), "inner\n", 6);
	file_is(ask(f, "/sub/inner.txt\tsearch"), "inner\n", 6);
	file_is(ask(f, "/r\xc3\xa9sum\xc3\xa9.txt"), "cv\n", 3);
	/* Selectors are not percent-decoded. */
	body_is(ask(f, "/notes%2etxt"), 3, ERR("Not found: /notes%2etxt"));
	body_is(ask(f, "/sub/inner.txt/"), 3,
	    ERR("Not found: /sub/inner.txt/"));
}

static void
test_static_dir(void **state)
{
	struct fixture	*f = *state;
	const char	*want =
	    "i/\t\terror.host\t1\r\n"
	    "i\t\terror.host\t1\r\n"
	    "9archive.zip\t/archive.zip\t" HOST "\t" PORT "\r\n"
	    "9data.bin\t/data.bin\t" HOST "\t" PORT "\r\n"
	    "ddoc.pdf\t/doc.pdf\t" HOST "\t" PORT "\r\n"
	    "0notes.txt\t/notes.txt\t" HOST "\t" PORT "\r\n"
	    "hpage.html\t/page.html\t" HOST "\t" PORT "\r\n"
	    "Iphoto.png\t/photo.png\t" HOST "\t" PORT "\r\n"
	    "gpic.gif\t/pic.gif\t" HOST "\t" PORT "\r\n"
	    "0r\xc3\xa9sum\xc3\xa9.txt\t/r\xc3\xa9sum\xc3\xa9.txt\t" HOST "\t"
	    PORT "\r\n"
	    "ssound.wav\t/sound.wav\t" HOST "\t" PORT "\r\n"
	    "1sub/\t/sub/\t" HOST "\t" PORT "\r\n"
	    "i\t\terror.host\t1\r\n"
	    "1Home\t/\t" HOST "\t" PORT "\r\n"
	    ".\r\n";
	const char	*sub =
	    "i/sub/\t\terror.host\t1\r\n"
	    "i\t\terror.host\t1\r\n"
	    "0inner.txt\t/sub/inner.txt\t" HOST "\t" PORT "\r\n"
	    "i\t\terror.host\t1\r\n"
	    "1Home\t/\t" HOST "\t" PORT "\r\n"
	    ".\r\n";
	struct capsule	*saved;
	struct capsule	*empty;

	/* The static root itself, with no capsule menu in the way. */
	assert_non_null(empty = capsule_new());
	assert_int_equal(capsule_seal(empty), 0);
	saved = (struct capsule *)f->ctx.capsule;
	f->ctx.capsule = empty;
	body_is(ask(f, "/"), 0, want);
	/* Listing the root again must not start where the last one ended. */
	body_is(ask(f, "/"), 0, want);
	f->ctx.capsule = saved;
	capsule_free(empty);

	body_is(ask(f, "/sub/"), 0, sub);
	body_is(ask(f, "/sub"), 0, sub);
	body_is(ask(f, "sub"), 0, sub);
}

static void
test_static_dir_ascii(void **state)
{
	struct fixture	*f = *state;
	struct capsule	*saved, *empty;
	const char	*line = "0resume.txt\t/r\xc3\xa9sum\xc3\xa9.txt\t" HOST
			    "\t" PORT "\r\n";

	assert_non_null(empty = capsule_new());
	assert_int_equal(capsule_seal(empty), 0);
	saved = (struct capsule *)f->ctx.capsule;
	f->ctx.capsule = empty;
	f->cfg.gopher_ascii = 1;
	ask(f, "/");
	f->cfg.gopher_ascii = 0;
	f->ctx.capsule = saved;
	capsule_free(empty);
	assert_int_equal(f->r.status, 0);
	/* The display is ASCII; the selector stays the file's name. */
	assert_non_null(memmem(f->r.body, f->r.bodylen, line, strlen(line)));
}

#define PAGE(u) \
	"<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n" \
	"<meta http-equiv=\"refresh\" content=\"0; url=" u "\">\n" \
	"<title>Link</title>\n</head>\n<body>\n<p><a href=\"" u "\">" u \
	"</a></p>\n</body>\n</html>\n"

static void
test_url(void **state)
{
	struct fixture	*f = *state;

	body_is(ask(f, "URL:https://example.org/x"), 0,
	    PAGE("https://example.org/x"));
	body_is(ask(f, "URL:https://example.org/?a=1&b='2'"), 0,
	    PAGE("https://example.org/?a=1&amp;b=&#39;2&#39;"));
	body_is(ask(f, "URL:HTTP://Example.org"), 0, PAGE("HTTP://Example.org"));
	body_is(ask(f, "URL:gemini://example.org:1965/"), 0,
	    PAGE("gemini://example.org:1965/"));
	body_is(ask(f, "URL:gopher://example.org/1/"), 0,
	    PAGE("gopher://example.org/1/"));
	body_is(ask(f, "/URL:https://example.org/"), 0,
	    PAGE("https://example.org/"));
	/* A Gopher+ marker after the selector does not change the page. */
	body_is(ask(f, "URL:https://example.org/\t+"), 0,
	    PAGE("https://example.org/"));
}

static void
test_url_refused(void **state)
{
	struct fixture	*f = *state;
	static const char *bad[] = {
		"URL:", "URL:javascript:alert(1)", "URL:JavaScript://x/%0a",
		"URL:data:text/html,<script>x</script>",
		"URL:file:///etc/passwd", "URL:ftp://example.org/",
		"URL:example.org", "URL://example.org/", "URL:https://",
		"URL:https:///path", "URL:https:example.org",
		"URL:https://user@evil.example/", "URL:https://a b/",
		"URL:https://example.org/\"><script>",
		"URL:https://example.org/<x>", "URL:https://ex\xc3\xa9.org/",
		"URL:https://example.org:0/", "URL:https://example.org:99999/",
		"url:https://example.org/x",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("selector %s\n", bad[i]);
		ask(f, bad[i]);
		assert_int_equal(f->r.status, 3);
		assert_int_equal(f->r.fd, -1);
		assert_null(memmem(f->r.body, f->r.bodylen, "<html", 5));
		assert_int_equal(f->r.body[0], '3');
	}
	body_is(ask(f, "URL:javascript:alert(1)"), 3, ERR("Unsupported link"));
	/* "url:" is not the convention: an ordinary missing selector. */
	body_is(ask(f, "url:x"), 3, ERR("Not found: url:x"));
}

static void
test_gopher_plus_root(void **state)
{
	struct fixture	*f = *state;
	const char	*plain = "+-1\r\n+INFO: 1Test Capsule\t\t" HOST "\t"
			    PORT "\r\n.\r\n";
	char		 title[81], want[160];
	size_t		 i;

	body_is(ask(f, "\t$"), 0, plain);
	body_is(ask(f, "/\t$"), 0, plain);
	body_is(ask(f, "\t$\r\n"), 0, plain);
	body_is(ask(f, "\t$+VIEWS"), 0, plain);
	body_is(ask(f, "\t!"), 0, plain);
	/* The title keeps UTF-8, or is transliterated for charset = ascii. */
	f->cfg.title = "Caf\xc3\xa9\tau lait";
	body_is(ask(f, "\t$"), 0, "+-1\r\n+INFO: 1Caf\xc3\xa9 au lait\t\t"
	    HOST "\t" PORT "\r\n.\r\n");
	f->cfg.gopher_ascii = 1;
	body_is(ask(f, "\t$"), 0, "+-1\r\n+INFO: 1Cafe au lait\t\t"
	    HOST "\t" PORT "\r\n.\r\n");
	/*
	 * Cut after transliteration: 40 x U+00DF fit in 69 columns, but not
	 * the 80 of "ss" x 40; 66 stay, then "...".
	 */
	for (i = 0; i < 40; i++)
		memcpy(title + 2 * i, "\xc3\x9f", 2);
	title[80] = '\0';
	f->cfg.title = title;
	(void)snprintf(want, sizeof(want), "+-1\r\n+INFO: 1%.66s...\t\t"
	    HOST "\t" PORT "\r\n.\r\n", title);
	memset(want + strlen("+-1\r\n+INFO: 1"), 's', 66);
	body_is(ask(f, "\t$"), 0, want);
	f->cfg.gopher_ascii = 0;
	f->cfg.title = "Test Capsule";
}

static void
test_search_hook(void **state)
{
	struct fixture	*f = *state;

	body_is(ask(f, "/find\trecovery"), 3, ERR("Search is not available"));
	body_is(ask(f, "/find"), 3, ERR("Search is not available"));
	body_is(ask(f, "/find\twords\t+"), 3, ERR("Search is not available"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_item_type),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_capsule_items),
		cmocka_unit_test(test_menu_slash),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_control_bytes),
		cmocka_unit_test(test_traversal),
		cmocka_unit_test(test_static_files),
		cmocka_unit_test(test_static_dir),
		cmocka_unit_test(test_static_dir_ascii),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_url_refused),
		cmocka_unit_test(test_gopher_plus_root),
		cmocka_unit_test(test_search_hook),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
