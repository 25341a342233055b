/*
 * gemserv.ini: loading and validation. Every key is listed in one table in
 * config.c; unknown sections or keys and bad values are errors that name
 * the file, the section and the key. Relative paths are resolved against
 * the directory that holds the config file.
 */
#ifndef GEMSERV_CONFIG_H
#define GEMSERV_CONFIG_H

#include <sys/socket.h>
#include <stddef.h>

struct listen_addr {
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 port;
	char			 text[64];	/* "127.0.0.1:1965", "[::1]:1965" */
};

struct config {
	char		*path;		/* the file as given */

	/* [server] */
	char		*hostname;	/* served host; public host in menus */
	char		*user;		/* user to drop to when root; NULL: none */
	char		*chroot;	/* NULL: no chroot */
	char		*log;		/* "stderr", "syslog" or a path */
	int		 allow_root;	/* keep running as root: explicit only */
	int		 workers;	/* worker processes; 0: one per core */
	int		 max_connections; /* per worker */
	int		 handshake_timeout; /* seconds */
	int		 read_timeout;	/* seconds to receive the request */
	int		 shutdown_timeout; /* seconds to finish in-flight work */

	/* [gemini] */
	int		 gemini_enabled;
	struct listen_addr *gemini_listen;
	size_t		 gemini_nlisten;
	char		*cert;
	char		*key;
	char		*lang;
	int		 gemini_proxy;	/* PROXY protocol header first */

	/* [gopher] */
	int		 gopher_enabled;
	struct listen_addr *gopher_listen;
	size_t		 gopher_nlisten;
	int		 gopher_port;	/* public port written into menus */
	int		 gopher_width;	/* text wrap width in columns */
	int		 gopher_tls;	/* also accept TLS on the gopher port */
	int		 gopher_ascii;	/* charset = ascii: transliterate */
	int		 gopher_proxy;	/* PROXY protocol header first */

	/* [capsule] */
	char		*title;
	char		*intro;		/* a sentence or two for the home page */
	char		*articles;	/* directory of *.txt */
	char		*resources;	/* resources.ini */
	char		*static_dir;
	char		**drop_lines;	/* exact lines dropped from articles */
	size_t		 ndrop_lines;
	int		 latest;	/* articles listed on the home page */
};

/*
 * Loads and validates path. On failure returns NULL after writing one
 * message per problem through log_err(), each naming file, section and key.
 */
struct config	*config_load(const char *path);
void		 config_free(struct config *);
/* The public Gemini port: the first gemini listen port (1965 if none). */
int		 config_gemini_port(const struct config *);

#endif
