/*
 * gemserv.ini loading. iniparser reads the file; every key we know is one
 * row of the table below, which drives defaults, parsing, validation and
 * freeing. All problems are reported, one log line each, before failing,
 * so an operator can fix the file in one pass.
 */
#include <sys/stat.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <iniparser/iniparser.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "utf8.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct loader;

enum ktype {
	K_STRING,	/* text as written */
	K_PATH,		/* relative to the directory holding the config */
	K_LOG,		/* "stderr", "syslog" or a K_PATH */
	K_BOOL,
	K_INT,		/* min..max */
	K_ENUM,		/* index into names[] */
	K_LISTEN,	/* address list: struct listen_addr[off], count off_n */
	K_LIST		/* '|'-separated list: char *[off], count off_n */
};

#define KF_EMPTY_NULL	0x01	/* an empty value stores NULL */

/* Extra check of a stored string: NULL when fine, else the problem. */
typedef const char *(*check_fn)(struct loader *, const char *);

struct key {
	const char		 *section;
	const char		 *name;
	enum ktype		  type;
	const char		 *def;	/* as written in the file; NULL: derived */
	int			  flags;
	long			  min, max;
	const char *const	 *names;
	check_fn		  check;
	size_t			  off;
	size_t			  off_n;
};

static const char	*check_hostname(struct loader *, const char *);
static const char	*check_user(struct loader *, const char *);
static const char	*check_dir(struct loader *, const char *);
static const char	*check_log(struct loader *, const char *);
static const char	*check_file(struct loader *, const char *);
static const char	*check_lang(struct loader *, const char *);
static const char	*check_title(struct loader *, const char *);
static const char	*check_text(struct loader *, const char *);

static const char *const charsets[] = { "utf-8", "ascii", NULL };

#define F(f)		offsetof(struct config, f)
#define STR(s, k, d, fl, c, f)						\
	{ s, k, K_STRING, d, fl, 0, 0, NULL, c, F(f), 0 }
#define PATH(s, k, d, fl, c, f)						\
	{ s, k, K_PATH, d, fl, 0, 0, NULL, c, F(f), 0 }
#define LOGT(s, k, d, f)						\
	{ s, k, K_LOG, d, 0, 0, 0, NULL, check_log, F(f), 0 }
#define BOOL(s, k, d, f)						\
	{ s, k, K_BOOL, d, 0, 0, 0, NULL, NULL, F(f), 0 }
#define INT(s, k, d, lo, hi, f)						\
	{ s, k, K_INT, d, 0, lo, hi, NULL, NULL, F(f), 0 }
#define ENUM(s, k, d, names, f)						\
	{ s, k, K_ENUM, d, 0, 0, 0, names, NULL, F(f), 0 }
#define LISTEN(s, k, d, f, fn)						\
	{ s, k, K_LISTEN, d, 0, 0, 0, NULL, NULL, F(f), F(fn) }
#define LIST(s, k, d, c, f, fn)						\
	{ s, k, K_LIST, d, 0, 0, 0, NULL, c, F(f), F(fn) }

static const struct key keys[] = {
	STR("server", "hostname", "localhost", 0, check_hostname, hostname),
	STR("server", "user", "", KF_EMPTY_NULL, check_user, user),
	PATH("server", "chroot", "", KF_EMPTY_NULL, check_dir, chroot),
	LOGT("server", "log", "stderr", log),
	BOOL("server", "allow_root", "no", allow_root),
	INT("server", "workers", "0", 0, 256, workers),
	INT("server", "max_connections", "4096", 1, 1000000, max_connections),
	INT("server", "handshake_timeout", "10", 1, 3600, handshake_timeout),
	INT("server", "read_timeout", "10", 1, 3600, read_timeout),
	INT("server", "shutdown_timeout", "10", 1, 3600, shutdown_timeout),

	BOOL("gemini", "enabled", "yes", gemini_enabled),
	LISTEN("gemini", "listen", "127.0.0.1:1965 [::1]:1965",
	    gemini_listen, gemini_nlisten),
	PATH("gemini", "cert", "certs/cert.pem", 0, NULL, cert),
	PATH("gemini", "key", "certs/key.pem", 0, NULL, key),
	STR("gemini", "lang", "en", 0, check_lang, lang),
	BOOL("gemini", "proxy_protocol", "no", gemini_proxy),

	BOOL("gopher", "enabled", "yes", gopher_enabled),
	LISTEN("gopher", "listen", "127.0.0.1:7070 [::1]:7070",
	    gopher_listen, gopher_nlisten),
	INT("gopher", "port", NULL, 1, 65535, gopher_port),
	INT("gopher", "width", "70", 20, 200, gopher_width),
	BOOL("gopher", "tls", "no", gopher_tls),
	ENUM("gopher", "charset", "utf-8", charsets, gopher_ascii),
	BOOL("gopher", "proxy_protocol", "no", gopher_proxy),

	STR("capsule", "title", "gemserv capsule", 0, check_title, title),
	STR("capsule", "intro",
	    "Articles and resources, served over Gemini and Gopher.",
	    0, check_text, intro),
	PATH("capsule", "articles", "capsule/articles", 0, check_dir,
	    articles),
	PATH("capsule", "resources", "capsule/resources.ini", 0, check_file,
	    resources),
	PATH("capsule", "static", "capsule/static", 0, check_dir, static_dir),
	LIST("capsule", "drop_lines", "", check_text, drop_lines,
	    ndrop_lines),
	INT("capsule", "latest", "5", 1, 100, latest),
};

static const char *const sections[] = {
	"server", "gemini", "gopher", "capsule"
};

struct loader {
	const char	*file;		/* as given: messages name it */
	size_t		 dirlen;	/* prefix of file up to its last '/' */
	dictionary	*ini;
	struct config	*cf;
	int		 errors;
	char		 why[512];	/* problem text built by the checks */
};

/* Field access through the table's offsets. */
#define FIELD(cf, off, type)	((type *)(void *)((char *)(cf) + (off)))

/*
 * One log line: "FILE: [section] key: problem (value "...")". Control
 * characters in the value are shown as '?' to keep the message one line.
 */
static void
report(struct loader *ld, const char *section, const char *name,
    const char *value, int dflt, const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		*msg, *p;

	ld->errors++;
	buf_init(&b);
	buf_printf(&b, "%s: ", ld->file);
	if (section != NULL)
		buf_printf(&b, "[%s]%s%s: ", section, name ? " " : "",
		    name ? name : "");
	else if (name != NULL)
		buf_printf(&b, "%s: ", name);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (value != NULL)
		buf_printf(&b, " (%s \"%s\")", dflt ? "default" : "value",
		    value);
	if ((msg = buf_steal(&b, NULL)) == NULL) {
		log_err("%s: out of memory", ld->file);
		return;
	}
	for (p = msg; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p))
			*p = '?';
	log_err("%s", msg);
	free(msg);
}

/* The raw value of row k: from the file, else its default (*dflt = 1). */
static const char *
lookup(struct loader *ld, const struct key *k, int *dflt)
{
	char		 name[64];
	const char	*v;

	(void)snprintf(name, sizeof(name), "%s:%s", k->section, k->name);
	v = iniparser_getstring(ld->ini, name, NULL);
	*dflt = v == NULL;
	return v != NULL ? v : k->def;
}

/* --- checks --------------------------------------------------------- */

static int
dns_name(const char *s)
{
	size_t		 len = strlen(s), label = 0;
	const char	*p, *last = s;
	int		 alpha = 0;

	if (len == 0 || len > 253)
		return 0;
	for (p = s; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || *last == '-' ||
			    p[-1] == '-')
				return 0;
			if (*p == '\0')
				break;
			label = 0;
			last = p + 1;
			alpha = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
		if (!isdigit((unsigned char)*p))
			alpha = 1;
		label++;
	}
	/* An all-digit last label is a mistyped IPv4 address. */
	return alpha;
}

static const char *
check_hostname(struct loader *ld, const char *v)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;

	if (inet_pton(AF_INET, v, &a4) == 1 ||
	    inet_pton(AF_INET6, v, &a6) == 1 || dns_name(v))
		return NULL;
	return "must be a DNS name or an IP address";
}

static const char *
check_user(struct loader *ld, const char *v)
{
	/* Only root can switch users; otherwise the name is never used. */
	if (v == NULL || geteuid() != 0)
		return NULL;
	errno = 0;
	if (getpwnam(v) != NULL)
		return NULL;
	if (errno != 0 && errno != ENOENT && errno != ESRCH)
		(void)snprintf(ld->why, sizeof(ld->why),
		    "looking up user: %s", strerror(errno));
	else
		(void)snprintf(ld->why, sizeof(ld->why), "no such user");
	return ld->why;
}

static const char *
check_dir(struct loader *ld, const char *v)
{
	int	 fd;

	if (v == NULL)
		return NULL;
	if ((fd = open(v, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		(void)snprintf(ld->why, sizeof(ld->why), "directory %s: %s",
		    v, strerror(errno));
		return ld->why;
	}
	close(fd);
	return NULL;
}

/* A log file may not exist yet, but its directory must. */
static const char *
check_log(struct loader *ld, const char *v)
{
	const char	*slash;
	char		*dir;
	int		 fd;

	if (strcmp(v, "stderr") == 0 || strcmp(v, "syslog") == 0)
		return NULL;
	if ((slash = strrchr(v, '/')) == NULL)
		dir = strdup(".");
	else
		dir = strndup(v, slash == v ? 1 : (size_t)(slash - v));
	if (dir == NULL)
		return "out of memory";
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		(void)snprintf(ld->why, sizeof(ld->why),
		    "log directory %s: %s", dir, strerror(errno));
		free(dir);
		return ld->why;
	}
	close(fd);
	free(dir);
	return NULL;
}

static const char *
check_file(struct loader *ld, const char *v)
{
	struct stat	 st;
	int		 fd;

	if ((fd = open(v, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		(void)snprintf(ld->why, sizeof(ld->why), "file %s: %s",
		    v, strerror(errno));
		return ld->why;
	}
	if (fstat(fd, &st) == -1) {
		(void)snprintf(ld->why, sizeof(ld->why), "file %s: %s",
		    v, strerror(errno));
		close(fd);
		return ld->why;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		(void)snprintf(ld->why, sizeof(ld->why),
		    "file %s: not a regular file", v);
		return ld->why;
	}
	return NULL;
}

/* "en", "en-GB", "en,fr": subtags of 1..8 letters or digits. */
static const char *
check_lang(struct loader *ld, const char *v)
{
	const char	*p = v;
	size_t		 n;
	int		 first;

	for (;;) {
		for (first = 1;; first = 0) {
			n = 0;
			while (isalnum((unsigned char)p[n]) &&
			    (!first || isalpha((unsigned char)p[n])))
				n++;
			if (n == 0 || n > 8)
				goto bad;
			p += n;
			if (*p != '-')
				break;
			p++;
		}
		if (*p == '\0')
			return NULL;
		if (*p != ',')
			goto bad;
		p++;
	}
bad:
	return "must be language tags such as en or en-GB, separated by commas";
}

static const char *
check_text(struct loader *ld, const char *v)
{
	const char	*p;

	if (!utf8_valid(v, strlen(v)))
		return "must be valid UTF-8";
	for (p = v; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p))
			return "must not contain control characters";
	return NULL;
}

static const char *
check_title(struct loader *ld, const char *v)
{
	if (*v == '\0')
		return "must not be empty";
	return check_text(ld, v);
}

/* --- value parsers -------------------------------------------------- */

/* 0, -1 when not a number, -2 when out of range. */
static int
parse_int(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (!isdigit((unsigned char)*s) &&
	    !(*s == '-' && isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return -1;
	if (errno == ERANGE || v < min || v > max)
		return -2;
	*out = v;
	return 0;
}

static int
parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < NITEMS(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

static char *
resolve(struct loader *ld, const char *v)
{
	char	*p;
	size_t	 len;

	if (v[0] == '/' || ld->dirlen == 0)
		return strdup(v);
	len = ld->dirlen + strlen(v) + 1;
	if ((p = malloc(len)) == NULL)
		return NULL;
	memcpy(p, ld->file, ld->dirlen);
	memcpy(p + ld->dirlen, v, len - ld->dirlen);
	return p;
}

static void
set_addr(struct listen_addr *la, int af, const void *addr, int port)
{
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	char			 host[INET6_ADDRSTRLEN];

	memset(la, 0, sizeof(*la));
	la->port = port;
	if (af == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		memcpy(&sin.sin_addr, addr, sizeof(sin.sin_addr));
		memcpy(&la->ss, &sin, sizeof(sin));
		la->sslen = sizeof(sin);
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)port);
		memcpy(&sin6.sin6_addr, addr, sizeof(sin6.sin6_addr));
		memcpy(&la->ss, &sin6, sizeof(sin6));
		la->sslen = sizeof(sin6);
	}
	if (inet_ntop(af, addr, host, sizeof(host)) == NULL)
		(void)strcpy(host, "?");
	(void)snprintf(la->text, sizeof(la->text),
	    af == AF_INET ? "%s:%d" : "[%s]:%d", host, port);
}

/*
 * One listen item into out[0] (and out[1] for "*:port"). Returns the
 * number of addresses, or -1 with the problem in ld->why.
 */
static int
parse_addr(struct loader *ld, const char *item, struct listen_addr out[2])
{
	static const char	 want[] =
	    "want IPv4:port, [IPv6]:port or *:port";
	struct in6_addr		 a6;
	struct in_addr		 a4;
	char			 host[INET6_ADDRSTRLEN];
	const char		*tok = item, *port, *end;
	size_t			 hlen;
	long			 p;
	int			 af;

	if (tok[0] == '*' && tok[1] == ':') {
		af = 0;
		port = tok + 2;
	} else if (tok[0] == '[') {
		af = AF_INET6;
		if ((end = strchr(tok, ']')) == NULL || end[1] != ':')
			goto bad;
		tok++;
		port = end + 2;
	} else {
		af = AF_INET;
		if ((end = strrchr(tok, ':')) == NULL)
			goto bad;
		if (strchr(tok, ':') != end) {
			(void)snprintf(ld->why, sizeof(ld->why),
			    "\"%s\": IPv6 addresses need brackets: [IPv6]:port",
			    item);
			return -1;
		}
		port = end + 1;
	}
	if (parse_int(port, 1, 65535, &p) != 0) {
		(void)snprintf(ld->why, sizeof(ld->why),
		    "\"%s\": port must be 1..65535", item);
		return -1;
	}
	if (af == 0) {
		a4.s_addr = htonl(INADDR_ANY);
		set_addr(&out[0], AF_INET, &a4, (int)p);
		set_addr(&out[1], AF_INET6, &in6addr_any, (int)p);
		return 2;
	}
	hlen = (size_t)(end - tok);
	if (hlen >= sizeof(host))
		goto bad;
	memcpy(host, tok, hlen);
	host[hlen] = '\0';
	if (inet_pton(af, host, af == AF_INET ? (void *)&a4 : (void *)&a6)
	    != 1)
		goto bad;
	set_addr(&out[0], af, af == AF_INET ? (void *)&a4 : (void *)&a6,
	    (int)p);
	return 1;
bad:
	(void)snprintf(ld->why, sizeof(ld->why), "\"%s\": %s", item, want);
	return -1;
}

#define LISTEN_SEP	" \t,"

static void
load_listen(struct loader *ld, const struct key *k, const char *raw,
    int dflt)
{
	struct listen_addr	**list = FIELD(ld->cf, k->off,
				    struct listen_addr *);
	size_t			 *n = FIELD(ld->cf, k->off_n, size_t);
	struct listen_addr	  two[2], *nl;
	char			 *copy, *tok, *save;
	size_t			  i, j;
	int			  got;

	if ((copy = strdup(raw)) == NULL) {
		report(ld, k->section, k->name, NULL, 0, "out of memory");
		return;
	}
	for (tok = strtok_r(copy, LISTEN_SEP, &save); tok != NULL;
	    tok = strtok_r(NULL, LISTEN_SEP, &save)) {
		if ((got = parse_addr(ld, tok, two)) == -1) {
			report(ld, k->section, k->name, raw, dflt, "%s",
			    ld->why);
			continue;
		}
		for (i = 0; i < (size_t)got; i++) {
			for (j = 0; j < *n; j++)
				if (strcmp((*list)[j].text, two[i].text) == 0)
					break;
			if (j < *n) {
				report(ld, k->section, k->name, raw, dflt,
				    "%s is listed twice", two[i].text);
				continue;
			}
			nl = reallocarray(*list, *n + 1, sizeof(**list));
			if (nl == NULL) {
				report(ld, k->section, k->name, NULL, 0,
				    "out of memory");
				free(copy);
				return;
			}
			*list = nl;
			(*list)[(*n)++] = two[i];
		}
	}
	free(copy);
}

static void
load_list(struct loader *ld, const struct key *k, const char *raw, int dflt)
{
	char		***list = FIELD(ld->cf, k->off, char **);
	size_t		 *n = FIELD(ld->cf, k->off_n, size_t);
	const char	 *p, *bar, *e, *why;
	char		**nl, *item;

	for (p = raw; ; p = bar + 1) {
		if ((bar = strchr(p, '|')) == NULL)
			bar = p + strlen(p);
		for (e = bar; e > p && isspace((unsigned char)e[-1]); e--)
			continue;
		while (p < e && isspace((unsigned char)*p))
			p++;
		if (p < e) {
			if ((item = strndup(p, (size_t)(e - p))) == NULL ||
			    (nl = reallocarray(*list, *n + 1,
			    sizeof(**list))) == NULL) {
				free(item);
				report(ld, k->section, k->name, NULL, 0,
				    "out of memory");
				return;
			}
			*list = nl;
			(*list)[(*n)++] = item;
			if (k->check != NULL &&
			    (why = k->check(ld, item)) != NULL)
				report(ld, k->section, k->name, raw, dflt,
				    "\"%s\": %s", item, why);
		}
		if (*bar == '\0')
			break;
	}
}

static void
report_enum(struct loader *ld, const struct key *k, const char *raw,
    int dflt)
{
	struct buf	 b;
	char		*alts;
	size_t		 i;

	buf_init(&b);
	for (i = 0; k->names[i] != NULL; i++)
		buf_printf(&b, "%s%s", i == 0 ? "" :
		    k->names[i + 1] == NULL ? " or " : ", ", k->names[i]);
	alts = buf_steal(&b, NULL);
	report(ld, k->section, k->name, raw, dflt, "must be %s",
	    alts != NULL ? alts : "one of the listed values");
	free(alts);
}

static void
load_key(struct loader *ld, const struct key *k)
{
	const char	 *raw, *why;
	char		**sp, *s;
	long		  v;
	size_t		  i;
	int		  dflt, r;

	if ((raw = lookup(ld, k, &dflt)) == NULL)
		return;		/* derived after every row is loaded */
	switch (k->type) {
	case K_STRING:
	case K_PATH:
	case K_LOG:
		sp = FIELD(ld->cf, k->off, char *);
		if (*raw == '\0' && (k->flags & KF_EMPTY_NULL))
			return;
		if (*raw == '\0' && k->type != K_STRING) {
			report(ld, k->section, k->name, raw, dflt,
			    "must not be empty");
			return;
		}
		if (k->type == K_STRING || (k->type == K_LOG &&
		    (strcmp(raw, "stderr") == 0 || strcmp(raw, "syslog") == 0)))
			s = strdup(raw);
		else
			s = resolve(ld, raw);
		if ((*sp = s) == NULL) {
			report(ld, k->section, k->name, NULL, 0,
			    "out of memory");
			return;
		}
		if (k->check != NULL && (why = k->check(ld, s)) != NULL)
			report(ld, k->section, k->name, raw, dflt, "%s", why);
		return;
	case K_BOOL:
		if ((r = parse_bool(raw)) == -1)
			report(ld, k->section, k->name, raw, dflt,
			    "must be yes or no (or true/false, on/off, 1/0)");
		else
			*FIELD(ld->cf, k->off, int) = r;
		return;
	case K_INT:
		if ((r = parse_int(raw, k->min, k->max, &v)) == 0)
			*FIELD(ld->cf, k->off, int) = (int)v;
		else
			report(ld, k->section, k->name, raw, dflt,
			    "must be %s%ld..%ld", r == -1 ? "a number " : "",
			    k->min, k->max);
		return;
	case K_ENUM:
		for (i = 0; k->names[i] != NULL; i++)
			if (strcasecmp(raw, k->names[i]) == 0)
				break;
		if (k->names[i] != NULL)
			*FIELD(ld->cf, k->off, int) = (int)i;
		else
			report_enum(ld, k, raw, dflt);
		return;
	case K_LISTEN:
		load_listen(ld, k, raw, dflt);
		return;
	case K_LIST:
		load_list(ld, k, raw, dflt);
		return;
	}
}

/* --- whole-file checks ---------------------------------------------- */

static int
known_section(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < NITEMS(sections); i++)
		if (strlen(sections[i]) == len &&
		    strncmp(sections[i], s, len) == 0)
			return 1;
	return 0;
}

static const struct key *
find_key(const char *section, const char *name, size_t namelen)
{
	size_t	 i;

	for (i = 0; i < NITEMS(keys); i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strlen(keys[i].name) == namelen &&
		    strncasecmp(keys[i].name, name, namelen) == 0)
			return &keys[i];
	return NULL;
}

/*
 * iniparser stores a section as "name" with a NULL value and a key as
 * "section:key" (":key" before any section), lowercased.
 */
static void
check_unknown(struct loader *ld)
{
	const dictionary	*d = ld->ini;
	const char		*e, *name;
	char			 sec[16];
	size_t			 i, j, len;
	ssize_t			 n;

	for (n = 0; n < d->size; n++) {
		if ((e = d->key[n]) == NULL)
			continue;
		if (d->val[n] == NULL) {
			if (!known_section(e, strlen(e)))
				report(ld, e, NULL, NULL, 0, "unknown section "
				    "(want server, gemini, gopher or capsule)");
			continue;
		}
		if (e[0] == ':') {
			report(ld, NULL, e + 1, d->val[n], 0,
			    "key outside any [section]");
			continue;
		}
		/* Keys of an unknown section were reported with it. */
		for (i = 0; i < NITEMS(sections); i++) {
			len = strlen(sections[i]);
			if (strncmp(e, sections[i], len) == 0 && e[len] == ':')
				break;
		}
		if (i == NITEMS(sections))
			continue;
		name = e + len + 1;
		for (j = 0; j < len && j < sizeof(sec) - 1; j++)
			sec[j] = e[j];
		sec[j] = '\0';
		if (find_key(sec, name, strlen(name)) == NULL)
			report(ld, sec, name, d->val[n], 0, "unknown key");
	}
}

/*
 * iniparser keeps the last of two equal keys without a word, so a short
 * pass over the file finds them (seen[] holds the first line of each
 * row). It also counts the lines iniparser will refuse, so a failure
 * without such lines can still be reported.
 */
static int
prescan(struct loader *ld, FILE *fp, unsigned seen[], unsigned *bad)
{
	const struct key	*k;
	struct buf		 lb;
	char			 section[16] = "", *line = NULL, *s, *e;
	size_t			 cap = 0, len, i;
	ssize_t			 n;
	unsigned		 lineno = 0, start = 0;
	int			 cont = 0;

	buf_init(&lb);
	*bad = 0;
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n >= 1000)		/* iniparser's limit is 1022 */
			(*bad)++;
		len = (size_t)n;
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		if (!cont) {
			buf_reset(&lb);
			start = lineno;
		}
		/* A trailing backslash continues the line. */
		cont = len > 0 && line[len - 1] == '\\';
		buf_append(&lb, line, cont ? len - 1 : len);
		if (cont || lb.err)
			continue;
		for (s = lb.data; isspace((unsigned char)*s); s++)
			continue;
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[' && s[strlen(s) - 1] == ']') {
			for (s++; isspace((unsigned char)*s); s++)
				continue;
			for (e = s; *e != ']'; e++)
				continue;
			while (e > s && isspace((unsigned char)e[-1]))
				e--;
			len = (size_t)(e - s);
			if (len >= sizeof(section))
				len = 0;	/* unknown anyway */
			for (i = 0; i < len; i++)
				section[i] = (char)tolower((unsigned char)s[i]);
			section[len] = '\0';
			continue;
		}
		if ((e = strchr(s, '=')) == NULL || e == s) {
			(*bad)++;
			continue;
		}
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		if ((k = find_key(section, s, (size_t)(e - s))) == NULL)
			continue;
		i = (size_t)(k - keys);
		if (seen[i] != 0)
			report(ld, k->section, k->name, NULL, 0,
			    "set twice, on lines %u and %u", seen[i], start);
		else
			seen[i] = start;
	}
	free(line);
	if (ferror(fp)) {
		report(ld, NULL, NULL, NULL, 0, "%s", strerror(errno));
		buf_free(&lb);
		return -1;
	}
	if (lb.err) {
		report(ld, NULL, NULL, NULL, 0, "out of memory");
		buf_free(&lb);
		return -1;
	}
	buf_free(&lb);
	return 0;
}

/*
 * iniparser's error callback has no context argument, so this one keeps
 * no state: it rewrites the messages it knows into our own form.
 */
static int __attribute__((format(printf, 1, 2)))
ini_error(const char *fmt, ...)
{
	va_list		 ap;
	const char	*file, *text;
	char		 msg[1200], *p;
	int		 line;

	va_start(ap, fmt);
	/* The formats of iniparser 4.1; others are passed on as they are. */
	if (strcmp(fmt, "iniparser: syntax error in %s (%d):\n-> %s\n") == 0) {
		file = va_arg(ap, const char *);
		line = va_arg(ap, int);
		text = va_arg(ap, const char *);
		(void)snprintf(msg, sizeof(msg), "%s:%d: syntax error: want "
		    "[section], key = value or a comment (line \"%s\")",
		    file, line, text);
	} else if (strcmp(fmt, "iniparser: input line too long in %s (%d)\n")
	    == 0) {
		file = va_arg(ap, const char *);
		line = va_arg(ap, int);
		(void)snprintf(msg, sizeof(msg),
		    "%s:%d: line too long (at most 1022 bytes)", file, line);
	} else
		(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (p = msg; *p != '\0'; p++)
		if (iscntrl((unsigned char)*p))
			*p = *(p + 1) == '\0' ? '\0' : ' ';
	log_err("%s", msg);
	return 0;
}

static int
addr_overlap(const struct listen_addr *a, const struct listen_addr *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->port != b->port || a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)(const void *)&a->ss;
		b4 = (const struct sockaddr_in *)(const void *)&b->ss;
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr ||
		    a4->sin_addr.s_addr == htonl(INADDR_ANY) ||
		    b4->sin_addr.s_addr == htonl(INADDR_ANY);
	}
	a6 = (const struct sockaddr_in6 *)(const void *)&a->ss;
	b6 = (const struct sockaddr_in6 *)(const void *)&b->ss;
	return IN6_ARE_ADDR_EQUAL(&a6->sin6_addr, &b6->sin6_addr) ||
	    IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr) ||
	    IN6_IS_ADDR_UNSPECIFIED(&b6->sin6_addr);
}

static const struct key *
row(const char *section, const char *name)
{
	return find_key(section, name, strlen(name));
}

/* Checks between keys, once every row is loaded. */
static void
check_across(struct loader *ld)
{
	struct config		*cf = ld->cf;
	const struct key	*k;
	const char		*raw;
	size_t			 i, j;
	int			 dflt;

	if (!cf->gemini_enabled && !cf->gopher_enabled)
		report(ld, NULL, NULL, NULL, 0, "[gemini] and [gopher] are "
		    "both disabled: nothing to serve");
	/* An empty list; bad items were reported already. */
	k = row("gemini", "listen");
	raw = lookup(ld, k, &dflt);
	if (cf->gemini_enabled && raw[strspn(raw, LISTEN_SEP)] == '\0')
		report(ld, k->section, k->name, raw, dflt,
		    "no address, but gemini is enabled");
	k = row("gopher", "listen");
	raw = lookup(ld, k, &dflt);
	if (cf->gopher_enabled && raw[strspn(raw, LISTEN_SEP)] == '\0')
		report(ld, k->section, k->name, raw, dflt,
		    "no address, but gopher is enabled");
	if (cf->gopher_port == 0)
		cf->gopher_port = cf->gopher_nlisten > 0 ?
		    cf->gopher_listen[0].port : 70;
	if (!cf->gemini_enabled || !cf->gopher_enabled)
		return;
	for (i = 0; i < cf->gopher_nlisten; i++)
		for (j = 0; j < cf->gemini_nlisten; j++)
			if (addr_overlap(&cf->gopher_listen[i],
			    &cf->gemini_listen[j]))
				report(ld, k->section, k->name, raw, dflt,
				    "%s clashes with [gemini] listen %s",
				    cf->gopher_listen[i].text,
				    cf->gemini_listen[j].text);
}

/* --- interface ------------------------------------------------------ */

struct config *
config_load(const char *path)
{
	struct loader	 ld;
	FILE		*fp;
	const char	*slash;
	unsigned	 seen[NITEMS(keys)], bad;
	size_t		 i;
	int		 r;

	memset(&ld, 0, sizeof(ld));
	memset(seen, 0, sizeof(seen));
	ld.file = path;
	if ((slash = strrchr(path, '/')) != NULL)
		ld.dirlen = (size_t)(slash - path) + 1;

	if ((fp = fopen(path, "re")) == NULL) {
		log_err("%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	r = prescan(&ld, fp, seen, &bad);
	fclose(fp);
	if (r == -1)
		return NULL;

	iniparser_set_error_callback(ini_error);
	ld.ini = iniparser_load(path);
	iniparser_set_error_callback(NULL);	/* back to the default */
	if (ld.ini == NULL) {
		if (bad == 0)
			log_err("%s: cannot be loaded", path);
		return NULL;
	}

	if ((ld.cf = calloc(1, sizeof(*ld.cf))) == NULL ||
	    (ld.cf->path = strdup(path)) == NULL) {
		log_err("%s: out of memory", path);
		free(ld.cf);
		iniparser_freedict(ld.ini);
		return NULL;
	}
	check_unknown(&ld);
	for (i = 0; i < NITEMS(keys); i++)
		load_key(&ld, &keys[i]);
	check_across(&ld);
	iniparser_freedict(ld.ini);
	if (ld.errors > 0) {
		config_free(ld.cf);
		return NULL;
	}
	return ld.cf;
}

void
config_free(struct config *cf)
{
	const struct key	 *k;
	char			**list;
	size_t			  i, j, n;

	if (cf == NULL)
		return;
	for (i = 0; i < NITEMS(keys); i++) {
		k = &keys[i];
		switch (k->type) {
		case K_STRING:
		case K_PATH:
		case K_LOG:
			free(*FIELD(cf, k->off, char *));
			break;
		case K_LISTEN:
			free(*FIELD(cf, k->off, struct listen_addr *));
			break;
		case K_LIST:
			list = *FIELD(cf, k->off, char **);
			n = *FIELD(cf, k->off_n, size_t);
			for (j = 0; j < n; j++)
				free(list[j]);
			free(list);
			break;
		case K_BOOL:
		case K_INT:
		case K_ENUM:
			break;
		}
	}
	free(cf->path);
	free(cf);
}

int
config_gemini_port(const struct config *cf)
{
	return cf->gemini_nlisten > 0 ? cf->gemini_listen[0].port : 1965;
}
