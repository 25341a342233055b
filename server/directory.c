/*
 * The curated resource directory. iniparser does the parsing; a first
 * pass over the raw lines catches what iniparser silently forgives
 * (duplicate sections merged, duplicate keys overwritten, keys before any
 * section ignored, section names lowercased). Every error is logged with
 * the file, and the section and key or the line, before loading fails.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iniparser/iniparser.h>

#include "buf.h"
#include "directory.h"
#include "log.h"
#include "utf8.h"

/* One [section] line seen by the raw pass. */
struct rawsec {
	char	*name;		/* as written, trimmed */
	size_t	 line;
};

struct loader {
	const char	*path;
	unsigned	 errors;
	struct rawsec	*secs;
	size_t		 nsecs;
};

enum field { F_NAME, F_CATEGORY, F_DESCRIPTION, F_URL, F_PHONE, F_REGION,
    F_HOURS, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"name", "category", "description", "url", "phone", "region", "hours"
};

static void	 lerr(struct loader *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
lerr(struct loader *l, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;

	buf_init(&b);
	buf_printf(&b, "%s: ", l->path);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (b.err)
		log_err("%s: (error message lost: out of memory)", l->path);
	else
		log_err("%s", b.data);
	buf_free(&b);
	l->errors++;
}

/*
 * Appends s for an error message: quotes, backslashes and control
 * characters escaped, and every non-ASCII byte too unless s is valid
 * UTF-8, so a log line never carries raw garbage.
 */
static void
put_value(struct buf *b, const char *s)
{
	const unsigned char	*p;
	int			 utf8;

	utf8 = utf8_valid(s, strlen(s));
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !utf8))
			buf_printf(b, "\\x%02x", *p);
		else
			buf_putc(b, (char)*p);
	}
}

/* An escaped copy of s for an error message, in quotes if asked. */
static char *
escaped(const char *s, int quote)
{
	struct buf	 b;
	char		*q;

	buf_init(&b);
	if (quote)
		buf_putc(&b, '"');
	put_value(&b, s);
	if (quote)
		buf_putc(&b, '"');
	if ((q = buf_steal(&b, NULL)) == NULL)
		buf_free(&b);
	return q;
}

static int
id_valid(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-'))
			return 0;
	return 1;
}

/*
 * iniparser reports through a printf-like callback without a context
 * pointer; its two 4.1 messages that carry a line number are rewritten
 * as "file:line: ...", anything else is logged flattened to one line.
 */
static int
ini_error(const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	const char	*file, *text;
	int		 line;
	size_t		 i;

	buf_init(&b);
	va_start(ap, fmt);
	if (strcmp(fmt, "iniparser: syntax error in %s (%d):\n-> %s\n") == 0) {
		file = va_arg(ap, const char *);
		line = va_arg(ap, int);
		text = va_arg(ap, const char *);
		buf_printf(&b, "%s:%d: syntax error: ", file, line);
		put_value(&b, text);
	} else if (strcmp(fmt, "iniparser: input line too long in %s (%d)\n")
	    == 0) {
		file = va_arg(ap, const char *);
		line = va_arg(ap, int);
		buf_printf(&b, "%s:%d: line too long", file, line);
	} else {
		buf_vprintf(&b, fmt, ap);
		for (i = 0; i < b.len; i++)
			if ((unsigned char)b.data[i] < 0x20)
				b.data[i] = ' ';
	}
	va_end(ap);
	if (!b.err)
		log_err("%s", b.data);
	buf_free(&b);
	return 0;
}

/* Strips leading and trailing white space in place. */
static char *
trim(char *s)
{
	size_t	 n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Classifies one logical line the way iniparser 4.1 does: sections and
 * "key =" lines only; iniparser itself reports syntax errors. keys holds
 * the keys of the current section, NUL-separated, to find repeats.
 */
static int
raw_line(struct loader *l, char *line, size_t lineno, struct buf *keys)
{
	struct rawsec	*ns;
	char		*s, *eq, *name, *k, *q;
	size_t		 i, n;

	s = trim(line);
	n = strlen(s);
	if (n == 0 || *s == '#' || *s == ';')
		return 0;
	if (*s == '[' && s[n - 1] == ']') {
		s[n - 1] = '\0';
		name = trim(s + 1);
		for (i = 0; i < l->nsecs; i++)
			if (strcasecmp(l->secs[i].name, name) == 0)
				break;
		if (i < l->nsecs) {
			if ((q = escaped(name, 1)) == NULL)
				return -1;
			lerr(l, "line %zu: section %s repeats the one on line "
			    "%zu", lineno, q, l->secs[i].line);
			free(q);
		} else if (!id_valid(name)) {
			if ((q = escaped(name, 1)) == NULL)
				return -1;
			lerr(l, "line %zu: section %s: a resource id is "
			    "lowercase letters, digits and '-'", lineno, q);
			free(q);
		}
		ns = reallocarray(l->secs, l->nsecs + 1, sizeof(*l->secs));
		if (ns == NULL)
			return -1;
		l->secs = ns;
		if ((ns[l->nsecs].name = strdup(name)) == NULL)
			return -1;
		ns[l->nsecs].line = lineno;
		l->nsecs++;
		buf_reset(keys);
		return 0;
	}
	if ((eq = strchr(s, '=')) == NULL)
		return 0;
	*eq = '\0';
	k = trim(s);
	if (*k == '\0')
		return 0;
	for (q = k; *q != '\0'; q++)
		*q = (char)tolower((unsigned char)*q);
	if (l->nsecs == 0) {
		if ((q = escaped(k, 0)) == NULL)
			return -1;
		lerr(l, "line %zu: %s: key outside any section", lineno, q);
		free(q);
		return 0;
	}
	for (i = 0; i < keys->len; i += strlen(keys->data + i) + 1)
		if (strcmp(keys->data + i, k) == 0) {
			if ((q = escaped(k, 0)) == NULL)
				return -1;
			if ((name = escaped(l->secs[l->nsecs - 1].name, 0)) ==
			    NULL) {
				free(q);
				return -1;
			}
			lerr(l, "line %zu: [%s] %s: key given twice", lineno,
			    name, q);
			free(name);
			free(q);
			return 0;
		}
	buf_append(keys, k, strlen(k) + 1);
	return keys->err ? -1 : 0;
}

/*
 * The raw pass. Lines ending in a backslash continue on the next line,
 * as in iniparser. -1 only when the file cannot be read at all (logged)
 * or memory runs out.
 */
static int
raw_scan(struct loader *l)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0, lineno = 0, start = 0, n;
	ssize_t	 len;
	struct buf	 logical, keys;
	int	 rc = 0, cont = 0;

	if ((f = fopen(l->path, "r")) == NULL) {
		lerr(l, "%s", strerror(errno));
		return -1;
	}
	buf_init(&logical);
	buf_init(&keys);
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (!cont)
			start = lineno;
		n = (size_t)len;
		while (n > 0 && isspace((unsigned char)line[n - 1]))
			n--;
		if (n > 0 && line[n - 1] == '\\') {
			buf_append(&logical, line, n - 1);
			if (logical.err)
				break;
			cont = 1;
			continue;
		}
		cont = 0;
		buf_append(&logical, line, n);
		if (logical.err || raw_line(l, logical.data, start, &keys) == -1)
			break;
		buf_reset(&logical);
	}
	if (ferror(f)) {
		lerr(l, "%s", strerror(errno));
		rc = -1;
	} else if (logical.err || keys.err || len != -1) {
		lerr(l, "out of memory");
		rc = -1;
	} else if (cont && logical.len > 0 &&
	    raw_line(l, logical.data, start, &keys) == -1) {
		lerr(l, "out of memory");
		rc = -1;
	}
	free(line);
	buf_free(&logical);
	buf_free(&keys);
	fclose(f);
	return rc;
}

static void
resource_free(struct resource *r)
{
	free(r->id);
	free(r->name);
	free(r->category);
	free(r->description);
	free(r->url);
	free(r->phone);
	free(r->region);
	free(r->hours);
}

static char **
field(struct resource *r, enum field f)
{
	switch (f) {
	case F_NAME:		return &r->name;
	case F_CATEGORY:	return &r->category;
	case F_DESCRIPTION:	return &r->description;
	case F_URL:		return &r->url;
	case F_PHONE:		return &r->phone;
	case F_REGION:		return &r->region;
	case F_HOURS:		return &r->hours;
	default:		return NULL;
	}
}

/* Checks one value; logs and returns 0 when it is not acceptable. */
static int
value_ok(struct loader *l, const char *sec, const char *key, const char *v)
{
	const unsigned char	*p;

	if (*v == '\0') {
		lerr(l, "[%s] %s: empty value (leave the key out instead)",
		    sec, key);
		return 0;
	}
	if (!utf8_valid(v, strlen(v))) {
		lerr(l, "[%s] %s: value is not valid UTF-8", sec, key);
		return 0;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f) {
			lerr(l, "[%s] %s: tab, newline or other control "
			    "character in value", sec, key);
			return 0;
		}
	return 1;
}

/*
 * Fills r from section sec (iniparser's lowercased name); errors show it
 * as shown. -1 only on memory exhaustion; validation errors are counted
 * in l.
 */
static int
load_section(struct loader *l, dictionary *d, const char *sec,
    const char *shown, struct resource *r)
{
	const char	**keys = NULL;
	const char	*key, *v;
	char		*q;
	int		 nkeys, i;
	unsigned	 seen = 0;
	enum field	 f;
	size_t		 seclen = strlen(sec);

	if ((r->id = strdup(sec)) == NULL)
		return -1;
	if ((nkeys = iniparser_getsecnkeys(d, sec)) > 0) {
		if ((keys = calloc((size_t)nkeys, sizeof(*keys))) == NULL)
			return -1;
		if (iniparser_getseckeys(d, sec, keys) == NULL) {
			free(keys);
			return -1;
		}
	}
	for (i = 0; i < nkeys; i++) {
		key = keys[i] + seclen + 1;	/* "section:key" */
		for (f = 0; f < F_COUNT; f++)
			if (strcmp(key, field_names[f]) == 0)
				break;
		if (f == F_COUNT) {
			if ((q = escaped(key, 0)) == NULL) {
				free(keys);
				return -1;
			}
			lerr(l, "[%s] %s: unknown key (known: name, category, "
			    "description, url, phone, region, hours)", shown, q);
			free(q);
			continue;
		}
		seen |= 1u << f;
		v = iniparser_getstring(d, keys[i], NULL);
		if (v == NULL || !value_ok(l, shown, key, v))
			continue;
		if ((*field(r, f) = strdup(v)) == NULL) {
			free(keys);
			return -1;
		}
	}
	free(keys);

	for (f = 0; f < F_COUNT; f++)
		if ((f == F_NAME || f == F_CATEGORY || f == F_URL) &&
		    !(seen & (1u << f)))
			lerr(l, "[%s] %s: missing", shown, field_names[f]);
	if (r->url != NULL && !directory_url_valid(r->url)) {
		if ((q = escaped(r->url, 1)) == NULL)
			return -1;
		lerr(l, "[%s] url: not a valid http, https, gemini or gopher "
		    "URL (value %s)", shown, q);
		free(q);
	}
	return 0;
}

/* Bytes never allowed anywhere in a URL: not in RFC 3986's repertoire. */
static int
url_char_ok(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return 0;
	return strchr("\"<>\\^`{|}", c) == NULL;
}

int
directory_url_valid(const char *url)
{
	static const char *const schemes[] = {
		"http", "https", "gemini", "gopher"
	};
	const char	*p, *host, *end;
	size_t		 i, n, digits;
	unsigned long	 port;

	for (p = url; *p != '\0'; p++)
		if (!url_char_ok((unsigned char)*p))
			return 0;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(url, schemes[i], n) == 0 &&
		    strncmp(url + n, "://", 3) == 0)
			break;
	}
	if (i == sizeof(schemes) / sizeof(schemes[0]))
		return 0;
	host = url + n + 3;
	end = host + strcspn(host, "/?#");
	/* Userinfo (user:pass@host) hides the real host from readers. */
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return 0;
	if (*host == '[') {
		for (p = host + 1; p < end && *p != ']'; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				return 0;
		if (p == end || p == host + 1 ||
		    memchr(host + 1, ':', (size_t)(p - host - 1)) == NULL)
			return 0;
		p++;
	} else {
		for (p = host; p < end && (isalnum((unsigned char)*p) ||
		    *p == '-' || *p == '.'); p++)
			;
		if (p == host)
			return 0;
	}
	if (p == end)
		return 1;
	if (*p != ':')
		return 0;
	port = 0;
	for (p++, digits = 0; p < end && isdigit((unsigned char)*p); p++) {
		if (++digits > 5)
			return 0;
		port = port * 10 + (unsigned long)(*p - '0');
	}
	return p == end && digits > 0 && port >= 1 && port <= 65535;
}

/* Categories in order of first appearance, items in file order. */
static int
group(struct directory *dir)
{
	struct category	*c;
	size_t		 i, j;

	if ((dir->categories = calloc(dir->nresources,
	    sizeof(*dir->categories))) == NULL)
		return -1;
	for (i = 0; i < dir->nresources; i++) {
		for (j = 0; j < dir->ncategories; j++)
			if (strcmp(dir->categories[j].name,
			    dir->resources[i].category) == 0)
				break;
		c = &dir->categories[j];
		if (j == dir->ncategories) {
			if ((c->name = strdup(dir->resources[i].category)) ==
			    NULL)
				return -1;
			dir->ncategories++;
		}
		c->nitems++;
	}
	for (j = 0; j < dir->ncategories; j++) {
		c = &dir->categories[j];
		if ((c->items = calloc(c->nitems, sizeof(*c->items))) == NULL)
			return -1;
		c->nitems = 0;
		for (i = 0; i < dir->nresources; i++)
			if (strcmp(c->name, dir->resources[i].category) == 0)
				c->items[c->nitems++] = &dir->resources[i];
	}
	return 0;
}

int
directory_load(const char *path, struct directory *out)
{
	struct loader	 l;
	struct directory dir;
	dictionary	*d = NULL;
	const char	*sec;
	char		*shown;
	size_t		 i, j;
	int		 nsec, k, rc;

	memset(out, 0, sizeof(*out));
	memset(&dir, 0, sizeof(dir));
	memset(&l, 0, sizeof(l));
	l.path = path;
	if (raw_scan(&l) == -1)
		goto fail;

	iniparser_set_error_callback(ini_error);
	d = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (d == NULL) {
		lerr(&l, "could not be parsed");
		goto fail;
	}
	if ((nsec = iniparser_getnsec(d)) <= 0) {
		lerr(&l, "no resources: the file has no [section]");
		goto fail;
	}
	if ((dir.resources = calloc((size_t)nsec,
	    sizeof(*dir.resources))) == NULL) {
		lerr(&l, "out of memory");
		goto fail;
	}
	/* iniparser 4.1 keeps sections in insertion order, i.e. file order. */
	for (k = 0; k < nsec; k++) {
		if ((sec = iniparser_getsecname(d, k)) == NULL) {
			lerr(&l, "section %d vanished", k);
			goto fail;
		}
		/* The raw pass judged ids as written; this catches the rest. */
		for (j = 0; j < l.nsecs; j++)
			if (strcasecmp(l.secs[j].name, sec) == 0)
				break;
		if ((shown = escaped(sec, 0)) == NULL) {
			lerr(&l, "out of memory");
			goto fail;
		}
		if (j == l.nsecs && !id_valid(sec))
			lerr(&l, "section [%s]: a resource id is lowercase "
			    "letters, digits and '-'", shown);
		dir.nresources++;
		rc = load_section(&l, d, sec, shown, &dir.resources[k]);
		free(shown);
		if (rc == -1) {
			lerr(&l, "out of memory");
			goto fail;
		}
	}
	if (l.errors > 0)
		goto fail;
	if (group(&dir) == -1) {
		lerr(&l, "out of memory");
		goto fail;
	}
	iniparser_freedict(d);
	for (i = 0; i < l.nsecs; i++)
		free(l.secs[i].name);
	free(l.secs);
	*out = dir;
	return 0;

fail:
	if (d != NULL)
		iniparser_freedict(d);
	for (i = 0; i < l.nsecs; i++)
		free(l.secs[i].name);
	free(l.secs);
	directory_free(&dir);
	return -1;
}

void
directory_free(struct directory *dir)
{
	size_t	 i;

	for (i = 0; i < dir->nresources; i++)
		resource_free(&dir->resources[i]);
	free(dir->resources);
	/* group() may stop half way: items are NULL past that point. */
	for (i = 0; i < dir->ncategories; i++) {
		free(dir->categories[i].name);
		free(dir->categories[i].items);
	}
	free(dir->categories);
	memset(dir, 0, sizeof(*dir));
}
