/* Tests for config.c: the shipped file, defaults, and every refusal. */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "testutil.h"

#define E	"gemserv: error: "

/* Each test runs inside a fresh directory holding a default capsule. */
struct fixture {
	char	*dir;
	int	 cwd;		/* to return to the repository root */
};

static int
setup(void **state)
{
	struct fixture	*fx;

	if ((fx = calloc(1, sizeof(*fx))) == NULL)
		return -1;
	if ((fx->dir = tu_tmpdir()) == NULL ||
	    (fx->cwd = open(".", O_RDONLY | O_DIRECTORY)) == -1 ||
	    chdir(fx->dir) == -1 ||
	    tu_mkdir(NULL, "capsule/articles") == -1 ||
	    tu_mkdir(NULL, "capsule/static") == -1 ||
	    tu_write(NULL, "capsule/resources.ini", "[x]\n") == -1) {
		free(fx->dir);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	int		 r = 0;

	if (fchdir(fx->cwd) == -1 || tu_rmtree(fx->dir) == -1)
		r = -1;
	close(fx->cwd);
	free(fx->dir);
	free(fx);
	return r;
}

/* Loads text as gemserv.ini; *errs gets everything logged (free it). */
static struct config *
load_text(const char *text, char **errs)
{
	struct tu_capture	 cap;
	struct config		*cf;

	assert_int_equal(tu_write(NULL, "gemserv.ini", text), 0);
	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load("gemserv.ini");
	*errs = tu_capture_end(&cap);
	assert_non_null(*errs);
	return cf;
}

static struct config *
load_ok(const char *text)
{
	struct config	*cf;
	char		*errs;

	cf = load_text(text, &errs);
	assert_string_equal(errs, "");
	free(errs);
	assert_non_null(cf);
	return cf;
}

/* The file is refused, and the log holds exactly want. */
static void
refused(const char *text, const char *want)
{
	struct config	*cf;
	char		*errs;

	cf = load_text(text, &errs);
	assert_null(cf);
	assert_string_equal(errs, want);
	free(errs);
}

static void
assert_v4(const struct listen_addr *la, const char *addr, int port,
    const char *text)
{
	struct sockaddr_in	 sin;
	struct in_addr		 want;

	assert_int_equal(la->ss.ss_family, AF_INET);
	assert_int_equal(la->sslen, sizeof(sin));
	memcpy(&sin, &la->ss, sizeof(sin));
	assert_int_equal(inet_pton(AF_INET, addr, &want), 1);
	assert_memory_equal(&sin.sin_addr, &want, sizeof(want));
	assert_int_equal(ntohs(sin.sin_port), port);
	assert_int_equal(la->port, port);
	assert_string_equal(la->text, text);
}

static void
assert_v6(const struct listen_addr *la, const char *addr, int port,
    const char *text)
{
	struct sockaddr_in6	 sin6;
	struct in6_addr		 want;

	assert_int_equal(la->ss.ss_family, AF_INET6);
	assert_int_equal(la->sslen, sizeof(sin6));
	memcpy(&sin6, &la->ss, sizeof(sin6));
	assert_int_equal(inet_pton(AF_INET6, addr, &want), 1);
	assert_memory_equal(&sin6.sin6_addr, &want, sizeof(want));
	assert_int_equal(ntohs(sin6.sin6_port), port);
	assert_int_equal(la->port, port);
	assert_string_equal(la->text, text);
}

/* --- loading -------------------------------------------------------- */

/* Runs from the repository root, outside the fixture directory. */
static void
test_shipped(void **state)
{
	struct tu_capture	 cap;
	struct config		*cf;
	char			*errs;

	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load("gemserv.ini");
	errs = tu_capture_end(&cap);
	assert_non_null(errs);
	assert_string_equal(errs, "");
	free(errs);
	assert_non_null(cf);

	assert_string_equal(cf->path, "gemserv.ini");
	assert_string_equal(cf->hostname, "localhost");
	/* So make run works as root too: root drops to nobody. */
	assert_string_equal(cf->user, "nobody");
	assert_null(cf->chroot);
	assert_string_equal(cf->log, "stderr");
	assert_int_equal(cf->allow_root, 0);
	assert_int_equal(cf->gemini_enabled, 1);
	assert_int_equal(cf->gemini_nlisten, 2);
	assert_v4(&cf->gemini_listen[0], "127.0.0.1", 1965, "127.0.0.1:1965");
	assert_v6(&cf->gemini_listen[1], "::1", 1965, "[::1]:1965");
	assert_int_equal(config_gemini_port(cf), 1965);
	assert_string_equal(cf->cert, "certs/cert.pem");
	assert_string_equal(cf->key, "certs/key.pem");
	assert_int_equal(cf->gopher_enabled, 1);
	assert_int_equal(cf->gopher_nlisten, 2);
	assert_v4(&cf->gopher_listen[0], "127.0.0.1", 7070, "127.0.0.1:7070");
	assert_v6(&cf->gopher_listen[1], "::1", 7070, "[::1]:7070");
	assert_int_equal(cf->gopher_port, 7070);
	assert_string_equal(cf->title, "Recovery Support Library");
	assert_string_equal(cf->articles, "capsule/articles");
	assert_string_equal(cf->resources, "capsule/resources.ini");
	assert_string_equal(cf->static_dir, "capsule/static");
	assert_int_equal(cf->ndrop_lines, 2);
	assert_string_equal(cf->drop_lines[0], "Blog Article");
	assert_string_equal(cf->drop_lines[1], "Report this page");
	config_free(cf);
}

static void
test_defaults(void **state)
{
	struct config	*cf;

	cf = load_ok("# nothing set\n[server]\n[gemini]\n");
	assert_string_equal(cf->path, "gemserv.ini");
	assert_string_equal(cf->hostname, "localhost");
	assert_null(cf->user);
	assert_null(cf->chroot);
	assert_string_equal(cf->log, "stderr");
	assert_int_equal(cf->allow_root, 0);
	assert_int_equal(cf->workers, 0);
	assert_int_equal(cf->max_connections, 4096);
	assert_int_equal(cf->handshake_timeout, 10);
	assert_int_equal(cf->read_timeout, 10);
	assert_int_equal(cf->shutdown_timeout, 10);
	assert_int_equal(cf->gemini_enabled, 1);
	assert_int_equal(cf->gemini_nlisten, 2);
	assert_v4(&cf->gemini_listen[0], "127.0.0.1", 1965, "127.0.0.1:1965");
	assert_v6(&cf->gemini_listen[1], "::1", 1965, "[::1]:1965");
	assert_string_equal(cf->cert, "certs/cert.pem");
	assert_string_equal(cf->key, "certs/key.pem");
	assert_string_equal(cf->lang, "en");
	assert_int_equal(cf->gemini_proxy, 0);
	assert_int_equal(cf->gopher_enabled, 1);
	assert_int_equal(cf->gopher_nlisten, 2);
	assert_v4(&cf->gopher_listen[0], "127.0.0.1", 7070, "127.0.0.1:7070");
	assert_v6(&cf->gopher_listen[1], "::1", 7070, "[::1]:7070");
	assert_int_equal(cf->gopher_port, 7070);
	assert_int_equal(cf->gopher_width, 70);
	assert_int_equal(cf->gopher_tls, 0);
	assert_int_equal(cf->gopher_ascii, 0);
	assert_int_equal(cf->gopher_proxy, 0);
	assert_string_equal(cf->title, "gemserv capsule");
	assert_string_equal(cf->intro,
	    "Articles and resources, served over Gemini and Gopher.");
	assert_string_equal(cf->articles, "capsule/articles");
	assert_string_equal(cf->resources, "capsule/resources.ini");
	assert_string_equal(cf->static_dir, "capsule/static");
	assert_int_equal(cf->ndrop_lines, 0);
	assert_null(cf->drop_lines);
	assert_int_equal(cf->latest, 5);
	config_free(cf);

	/* An empty file is all defaults too. */
	cf = load_ok("");
	assert_int_equal(config_gemini_port(cf), 1965);
	config_free(cf);
}

static void
test_values_set(void **state)
{
	struct config	*cf;

	assert_int_equal(tu_mkdir(NULL, "logs"), 0);
	cf = load_ok(
	    "[Server]\n"
	    "HostName = gemini.example.org\n"
	    "log = logs/gemserv.log\n"
	    "allow_root = TRUE\n"
	    "workers = 256\n"
	    "max_connections = 1000000\n"
	    "handshake_timeout = 1\n"
	    "read_timeout = 3600\n"
	    "shutdown_timeout = 7\n"
	    "[gemini]\n"
	    "listen = 127.0.0.1:1966\n"
	    "lang = en,pt-BR\n"
	    "proxy_protocol = yes\n"
	    "[gopher]\n"
	    "enabled = on\n"
	    "listen = 127.0.0.1:7071\n"
	    "width = 200\n"
	    "tls = 1\n"
	    "charset = ASCII\n"
	    "proxy_protocol = on\n"
	    "[capsule]\n"
	    "title = Title with spaces  \n"
	    "intro = \"Help; call # now\"\n"
	    "latest = 100\n");
	assert_string_equal(cf->hostname, "gemini.example.org");
	assert_string_equal(cf->log, "logs/gemserv.log");
	assert_int_equal(cf->allow_root, 1);
	assert_int_equal(cf->workers, 256);
	assert_int_equal(cf->max_connections, 1000000);
	assert_int_equal(cf->handshake_timeout, 1);
	assert_int_equal(cf->read_timeout, 3600);
	assert_int_equal(cf->shutdown_timeout, 7);
	assert_int_equal(config_gemini_port(cf), 1966);
	assert_string_equal(cf->lang, "en,pt-BR");
	/* The public gopher port follows the first listen port. */
	assert_int_equal(cf->gopher_port, 7071);
	assert_int_equal(cf->gopher_width, 200);
	assert_int_equal(cf->gopher_tls, 1);
	assert_int_equal(cf->gopher_ascii, 1);
	assert_int_equal(cf->gemini_proxy, 1);
	assert_int_equal(cf->gopher_proxy, 1);
	assert_string_equal(cf->title, "Title with spaces");
	assert_string_equal(cf->intro, "Help; call # now");
	assert_int_equal(cf->latest, 100);
	config_free(cf);

	cf = load_ok("[gemini]\nenabled = off\n[gopher]\nport = 70\n"
	    "width = 20\n[server]\nlog = syslog\nhostname = ::1\n");
	assert_int_equal(cf->gemini_enabled, 0);
	assert_int_equal(cf->gopher_port, 70);
	assert_int_equal(cf->gopher_width, 20);
	assert_string_equal(cf->log, "syslog");
	assert_string_equal(cf->hostname, "::1");
	config_free(cf);

	cf = load_ok("[server]\nhostname = 192.0.2.7\n"
	    "[gemini]\nenabled = 1\n[gopher]\nenabled = false\nlisten =\n");
	assert_string_equal(cf->hostname, "192.0.2.7");
	assert_int_equal(cf->gopher_enabled, 0);
	assert_int_equal(cf->gopher_nlisten, 0);
	assert_int_equal(cf->gopher_port, 70);
	config_free(cf);
}

/* Relative paths follow the config file's directory; absolute stay. */
static void
test_relative_paths(void **state)
{
	struct fixture		*fx = *state;
	struct tu_capture	 cap;
	struct config		*cf;
	char			*errs, *text, *abs;

	assert_int_equal(tu_mkdir(NULL, "etc/arts"), 0);
	assert_int_equal(tu_mkdir(NULL, "etc/logs"), 0);
	assert_int_equal(tu_write(NULL, "etc/res.ini", ""), 0);
	assert_int_equal(tu_mkdir(NULL, "abs-static"), 0);
	assert_non_null(abs = tu_path(fx->dir, "abs-static"));
	assert_true(asprintf(&text, "[server]\nlog = logs/x.log\n"
	    "[gemini]\ncert = tls/c.pem\nkey = /etc/gemserv/k.pem\n"
	    "[capsule]\narticles = arts\nresources = ./res.ini\n"
	    "static = %s\n", abs) != -1);
	assert_int_equal(tu_write(NULL, "etc/gemserv.ini", text), 0);
	free(text);

	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load("etc/gemserv.ini");
	errs = tu_capture_end(&cap);
	assert_non_null(errs);
	assert_string_equal(errs, "");
	free(errs);
	assert_non_null(cf);
	assert_string_equal(cf->path, "etc/gemserv.ini");
	assert_string_equal(cf->log, "etc/logs/x.log");
	assert_string_equal(cf->cert, "etc/tls/c.pem");
	assert_string_equal(cf->key, "/etc/gemserv/k.pem");
	assert_string_equal(cf->articles, "etc/arts");
	assert_string_equal(cf->resources, "etc/./res.ini");
	assert_string_equal(cf->static_dir, abs);
	config_free(cf);

	/* The same file named by its absolute path. */
	assert_non_null(text = tu_path(fx->dir, "etc/gemserv.ini"));
	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load(text);
	errs = tu_capture_end(&cap);
	assert_non_null(errs);
	assert_string_equal(errs, "");
	free(errs);
	assert_non_null(cf);
	free(text);
	assert_non_null(text = tu_path(fx->dir, "etc/arts"));
	assert_string_equal(cf->articles, text);
	free(text);
	config_free(cf);
	free(abs);

	/* A directory relative to the cwd but not to the file is missing. */
	assert_int_equal(tu_write(NULL, "etc/bad.ini",
	    "[capsule]\narticles = capsule/articles\n"), 0);
	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load("etc/bad.ini");
	errs = tu_capture_end(&cap);
	assert_null(cf);
	assert_non_null(errs);
	assert_string_equal(errs,
	    E "etc/bad.ini: [capsule] articles: directory etc/capsule/articles:"
	    " No such file or directory (value \"capsule/articles\")\n"
	    E "etc/bad.ini: [capsule] resources: file "
	    "etc/capsule/resources.ini: No such file or directory "
	    "(default \"capsule/resources.ini\")\n"
	    E "etc/bad.ini: [capsule] static: directory etc/capsule/static: "
	    "No such file or directory (default \"capsule/static\")\n");
	free(errs);
}

static void
test_drop_lines(void **state)
{
	struct config	*cf;

	cf = load_ok("[capsule]\n"
	    "drop_lines =  Blog Article |Report this page|| \t |  x  y |\n");
	assert_int_equal(cf->ndrop_lines, 3);
	assert_string_equal(cf->drop_lines[0], "Blog Article");
	assert_string_equal(cf->drop_lines[1], "Report this page");
	assert_string_equal(cf->drop_lines[2], "x  y");
	config_free(cf);

	cf = load_ok("[capsule]\ndrop_lines = one\n");
	assert_int_equal(cf->ndrop_lines, 1);
	assert_string_equal(cf->drop_lines[0], "one");
	config_free(cf);

	cf = load_ok("[capsule]\ndrop_lines = | |\n");
	assert_int_equal(cf->ndrop_lines, 0);
	config_free(cf);
}

static void
test_listen(void **state)
{
	struct config	*cf;

	cf = load_ok("[gemini]\n"
	    "listen = [::1]:1965,[2001:DB8::1]:1966 , 192.0.2.1:1967\n"
	    "[gopher]\nlisten = *:70\n");
	assert_int_equal(cf->gemini_nlisten, 3);
	assert_v6(&cf->gemini_listen[0], "::1", 1965, "[::1]:1965");
	assert_v6(&cf->gemini_listen[1], "2001:db8::1", 1966,
	    "[2001:db8::1]:1966");
	assert_v4(&cf->gemini_listen[2], "192.0.2.1", 1967, "192.0.2.1:1967");
	assert_int_equal(config_gemini_port(cf), 1965);
	/* "*:port" is every IPv4 and every IPv6 address. */
	assert_int_equal(cf->gopher_nlisten, 2);
	assert_v4(&cf->gopher_listen[0], "0.0.0.0", 70, "0.0.0.0:70");
	assert_v6(&cf->gopher_listen[1], "::", 70, "[::]:70");
	assert_int_equal(cf->gopher_port, 70);
	config_free(cf);

	cf = load_ok("[gemini]\nlisten = *:1965\n[gopher]\nenabled = no\n");
	assert_int_equal(cf->gemini_nlisten, 2);
	assert_v4(&cf->gemini_listen[0], "0.0.0.0", 1965, "0.0.0.0:1965");
	assert_v6(&cf->gemini_listen[1], "::", 1965, "[::]:1965");
	config_free(cf);
}

/* --- refusals ------------------------------------------------------- */

static void
test_missing_file(void **state)
{
	struct tu_capture	 cap;
	struct config		*cf;
	char			*errs;

	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load("missing.ini");
	errs = tu_capture_end(&cap);
	assert_null(cf);
	assert_non_null(errs);
	assert_string_equal(errs,
	    E "missing.ini: cannot open: No such file or directory\n");
	free(errs);

	/* A directory is not a config file. */
	assert_int_equal(tu_capture_begin(&cap), 0);
	cf = config_load("capsule");
	errs = tu_capture_end(&cap);
	assert_null(cf);
	assert_non_null(errs);
	assert_string_equal(errs, E "capsule: Is a directory\n");
	free(errs);
}

static void
test_unknown(void **state)
{
	refused("[bogus]\nx = 1\n[server]\n",
	    E "gemserv.ini: [bogus]: unknown section "
	    "(want server, gemini, gopher or capsule)\n");
	refused("[server]\nBogus = 1\n",
	    E "gemserv.ini: [server] bogus: unknown key (value \"1\")\n");
	/* A key valid in another section is still unknown here. */
	refused("[gemini]\nwidth = 70\n",
	    E "gemserv.ini: [gemini] width: unknown key (value \"70\")\n");
	refused("workers = 2\n[server]\n",
	    E "gemserv.ini: workers: key outside any [section] "
	    "(value \"2\")\n");
}

static void
test_syntax(void **state)
{
	refused("[server]\nworkers = 1\nthis is not a key\n",
	    E "gemserv.ini:3: syntax error: want [section], key = value or "
	    "a comment (line \"this is not a key\")\n");
	/* Every bad line is named, not just the first. */
	refused("[server\n\n= 3\n[gemini]\n",
	    E "gemserv.ini:1: syntax error: want [section], key = value or "
	    "a comment (line \"[server\")\n"
	    E "gemserv.ini:3: syntax error: want [section], key = value or "
	    "a comment (line \"= 3\")\n");
}

/* iniparser reads lines of at most 1022 bytes and gives up on longer. */
static void
test_long_line(void **state)
{
	char	 text[1200];

	memset(text, 'a', sizeof(text));
	memcpy(text, "[server]\nhostname = ", 20);
	memcpy(text + sizeof(text) - 2, "\n", 2);
	refused(text, E "gemserv.ini:2: line too long (at most 1022 bytes)\n");
}

static void
test_duplicate(void **state)
{
	refused("[server]\nworkers = 1\n[gemini]\n[server]\n\nWORKERS = 2\n",
	    E "gemserv.ini: [server] workers: set twice, on lines 2 and 6\n");
	/* The same name in two sections is two keys. */
	config_free(load_ok("[gemini]\nenabled = yes\n"
	    "[gopher]\nenabled = yes\n"));
}

static void
test_ports(void **state)
{
	refused("[gopher]\nport = 0\n",
	    E "gemserv.ini: [gopher] port: must be 1..65535 (value \"0\")\n");
	refused("[gopher]\nport = 65536\n",
	    E "gemserv.ini: [gopher] port: must be 1..65535 "
	    "(value \"65536\")\n");
	refused("[gopher]\nport = -1\n",
	    E "gemserv.ini: [gopher] port: must be 1..65535 "
	    "(value \"-1\")\n");
	refused("[gopher]\nport = 99999999999999999999\n",
	    E "gemserv.ini: [gopher] port: must be 1..65535 "
	    "(value \"99999999999999999999\")\n");
	refused("[gopher]\nport = seventy\n",
	    E "gemserv.ini: [gopher] port: must be a number 1..65535 "
	    "(value \"seventy\")\n");
	refused("[gopher]\nport = 70x\n",
	    E "gemserv.ini: [gopher] port: must be a number 1..65535 "
	    "(value \"70x\")\n");
	refused("[gopher]\nport = +70\n",
	    E "gemserv.ini: [gopher] port: must be a number 1..65535 "
	    "(value \"+70\")\n");
	refused("[gopher]\nport =\n",
	    E "gemserv.ini: [gopher] port: must be a number 1..65535 "
	    "(value \"\")\n");
}

static void
test_ranges(void **state)
{
	refused("[gopher]\nwidth = 19\n",
	    E "gemserv.ini: [gopher] width: must be 20..200 (value \"19\")\n");
	refused("[gopher]\nwidth = 201\n",
	    E "gemserv.ini: [gopher] width: must be 20..200 "
	    "(value \"201\")\n");
	refused("[server]\nworkers = 257\nmax_connections = 0\n"
	    "read_timeout = 3601\n[capsule]\nlatest = 0\n",
	    E "gemserv.ini: [server] workers: must be 0..256 "
	    "(value \"257\")\n"
	    E "gemserv.ini: [server] max_connections: must be 1..1000000 "
	    "(value \"0\")\n"
	    E "gemserv.ini: [server] read_timeout: must be 1..3600 "
	    "(value \"3601\")\n"
	    E "gemserv.ini: [capsule] latest: must be 1..100 "
	    "(value \"0\")\n");
}

static void
test_bool(void **state)
{
	refused("[gemini]\nenabled = maybe\n",
	    E "gemserv.ini: [gemini] enabled: must be yes or no "
	    "(or true/false, on/off, 1/0) (value \"maybe\")\n");
	refused("[gopher]\ntls = 2\n",
	    E "gemserv.ini: [gopher] tls: must be yes or no "
	    "(or true/false, on/off, 1/0) (value \"2\")\n");
	refused("[server]\nallow_root = y\n",
	    E "gemserv.ini: [server] allow_root: must be yes or no "
	    "(or true/false, on/off, 1/0) (value \"y\")\n");
	refused("[gopher]\nproxy_protocol = v2\n",
	    E "gemserv.ini: [gopher] proxy_protocol: must be yes or no "
	    "(or true/false, on/off, 1/0) (value \"v2\")\n");
}

static void
test_charset(void **state)
{
	refused("[gopher]\ncharset = latin1\n",
	    E "gemserv.ini: [gopher] charset: must be utf-8 or ascii "
	    "(value \"latin1\")\n");
}

static void
test_both_disabled(void **state)
{
	refused("[gemini]\nenabled = no\n[gopher]\nenabled = no\n",
	    E "gemserv.ini: [gemini] and [gopher] are both disabled: "
	    "nothing to serve\n");
}

static void
test_bad_listen(void **state)
{
	refused("[gemini]\nlisten = localhost:1965\n",
	    E "gemserv.ini: [gemini] listen: \"localhost:1965\": want "
	    "IPv4:port, [IPv6]:port or *:port (value \"localhost:1965\")\n");
	refused("[gemini]\nlisten = 127.0.0.1\n",
	    E "gemserv.ini: [gemini] listen: \"127.0.0.1\": want "
	    "IPv4:port, [IPv6]:port or *:port (value \"127.0.0.1\")\n");
	refused("[gemini]\nlisten = 1.2.3:1965\n",
	    E "gemserv.ini: [gemini] listen: \"1.2.3:1965\": want "
	    "IPv4:port, [IPv6]:port or *:port (value \"1.2.3:1965\")\n");
	refused("[gemini]\nlisten = [::1]1965\n",
	    E "gemserv.ini: [gemini] listen: \"[::1]1965\": want "
	    "IPv4:port, [IPv6]:port or *:port (value \"[::1]1965\")\n");
	refused("[gemini]\nlisten = [fe80::zz]:1965\n",
	    E "gemserv.ini: [gemini] listen: \"[fe80::zz]:1965\": want "
	    "IPv4:port, [IPv6]:port or *:port "
	    "(value \"[fe80::zz]:1965\")\n");
	refused("[gemini]\nlisten = ::1:1965\n",
	    E "gemserv.ini: [gemini] listen: \"::1:1965\": IPv6 addresses "
	    "need brackets: [IPv6]:port (value \"::1:1965\")\n");
	/* Each bad item is its own line. */
	refused("[gopher]\nlisten = 127.0.0.1:0, [::1]:7070 *:99999\n",
	    E "gemserv.ini: [gopher] listen: \"127.0.0.1:0\": port must be "
	    "1..65535 (value \"127.0.0.1:0, [::1]:7070 *:99999\")\n"
	    E "gemserv.ini: [gopher] listen: \"*:99999\": port must be "
	    "1..65535 (value \"127.0.0.1:0, [::1]:7070 *:99999\")\n");
	refused("[gemini]\nlisten = 127.0.0.1:1965 127.0.0.1:1965\n",
	    E "gemserv.ini: [gemini] listen: 127.0.0.1:1965 is listed twice "
	    "(value \"127.0.0.1:1965 127.0.0.1:1965\")\n");
	refused("[gemini]\nlisten = , \n",
	    E "gemserv.ini: [gemini] listen: no address, but gemini is "
	    "enabled (value \",\")\n");
	refused("[gopher]\nlisten = 127.0.0.1:1965\n",
	    E "gemserv.ini: [gopher] listen: 127.0.0.1:1965 clashes with "
	    "[gemini] listen 127.0.0.1:1965 (value \"127.0.0.1:1965\")\n");
	/* A wildcard address takes the port on every address. */
	refused("[gemini]\nlisten = *:7070\n",
	    E "gemserv.ini: [gopher] listen: 127.0.0.1:7070 clashes with "
	    "[gemini] listen 0.0.0.0:7070 (default \"127.0.0.1:7070 "
	    "[::1]:7070\")\n"
	    E "gemserv.ini: [gopher] listen: [::1]:7070 clashes with "
	    "[gemini] listen [::]:7070 (default \"127.0.0.1:7070 "
	    "[::1]:7070\")\n");
}

static void
test_missing_dirs(void **state)
{
	assert_int_equal(tu_write(NULL, "afile", "x"), 0);
	refused("[capsule]\narticles = nope\n",
	    E "gemserv.ini: [capsule] articles: directory nope: No such file "
	    "or directory (value \"nope\")\n");
	refused("[capsule]\narticles = afile\n",
	    E "gemserv.ini: [capsule] articles: directory afile: Not a "
	    "directory (value \"afile\")\n");
	refused("[capsule]\nresources = nope.ini\n",
	    E "gemserv.ini: [capsule] resources: file nope.ini: No such file "
	    "or directory (value \"nope.ini\")\n");
	refused("[capsule]\nresources = capsule\n",
	    E "gemserv.ini: [capsule] resources: file capsule: not a regular "
	    "file (value \"capsule\")\n");
	refused("[capsule]\nstatic =\n",
	    E "gemserv.ini: [capsule] static: must not be empty "
	    "(value \"\")\n");
	refused("[server]\nchroot = /nonexistent-gemserv-root\n",
	    E "gemserv.ini: [server] chroot: directory "
	    "/nonexistent-gemserv-root: No such file or directory "
	    "(value \"/nonexistent-gemserv-root\")\n");
	refused("[server]\nlog = nodir/gemserv.log\n",
	    E "gemserv.ini: [server] log: log directory nodir: No such file "
	    "or directory (value \"nodir/gemserv.log\")\n");
	/* Defaults are checked too, and say so. */
	assert_int_equal(tu_rmtree("capsule/static"), 0);
	refused("",
	    E "gemserv.ini: [capsule] static: directory capsule/static: No "
	    "such file or directory (default \"capsule/static\")\n");
}

static void
test_strings(void **state)
{
	refused("[server]\nhostname = bad_host!\n",
	    E "gemserv.ini: [server] hostname: must be a DNS name or an IP "
	    "address (value \"bad_host!\")\n");
	refused("[server]\nhostname = -a.example\n",
	    E "gemserv.ini: [server] hostname: must be a DNS name or an IP "
	    "address (value \"-a.example\")\n");
	refused("[server]\nhostname = 10.0.0.256\n",
	    E "gemserv.ini: [server] hostname: must be a DNS name or an IP "
	    "address (value \"10.0.0.256\")\n");
	refused("[server]\nhostname = a..b\n",
	    E "gemserv.ini: [server] hostname: must be a DNS name or an IP "
	    "address (value \"a..b\")\n");
	refused("[gemini]\nlang = en_US\n",
	    E "gemserv.ini: [gemini] lang: must be language tags such as en "
	    "or en-GB, separated by commas (value \"en_US\")\n");
	refused("[gemini]\nlang = en,\n",
	    E "gemserv.ini: [gemini] lang: must be language tags such as en "
	    "or en-GB, separated by commas (value \"en,\")\n");
	refused("[capsule]\ntitle =\n",
	    E "gemserv.ini: [capsule] title: must not be empty "
	    "(value \"\")\n");
	refused("[capsule]\ntitle = a\tb\n",
	    E "gemserv.ini: [capsule] title: must not contain control "
	    "characters (value \"a?b\")\n");
	refused("[capsule]\nintro = caf\xe9\n",
	    E "gemserv.ini: [capsule] intro: must be valid UTF-8 "
	    "(value \"caf\xe9\")\n");
}

static void
test_user(void **state)
{
	if (geteuid() != 0) {
		/* Not root: the name is never used, so not looked up. */
		config_free(load_ok("[server]\nuser = no-such-gemserv-user\n"));
		return;
	}
	refused("[server]\nuser = no-such-gemserv-user\n",
	    E "gemserv.ini: [server] user: no such user "
	    "(value \"no-such-gemserv-user\")\n");
	config_free(load_ok("[server]\nuser = root\n"));
}

/* All problems are reported, in one pass. */
static void
test_all_reported(void **state)
{
	refused("[server]\nbogus = 1\nworkers = x\n"
	    "[gopher]\nport = 0\nwidth = 10\n"
	    "[capsule]\narticles = gone\n",
	    E "gemserv.ini: [server] bogus: unknown key (value \"1\")\n"
	    E "gemserv.ini: [server] workers: must be a number 0..256 "
	    "(value \"x\")\n"
	    E "gemserv.ini: [gopher] port: must be 1..65535 (value \"0\")\n"
	    E "gemserv.ini: [gopher] width: must be 20..200 (value \"10\")\n"
	    E "gemserv.ini: [capsule] articles: directory gone: No such file "
	    "or directory (value \"gone\")\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_values_set, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_relative_paths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_drop_lines, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_listen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bool, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_both_disabled, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_listen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_missing_dirs, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_reported, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
