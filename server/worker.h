/*
 * A worker process: one libevent loop accepting on every shared listening
 * socket and serving up to max_connections connections at once.
 */
#ifndef GEMSERV_WORKER_H
#define GEMSERV_WORKER_H

#include <stddef.h>

#include "capsule.h"
#include "tlsconf.h"

struct config;
struct magic_set;
struct tls_config;

struct listener {
	int		 fd;
	enum proto	 proto;
	int		 port;
	char		 text[64];
};

struct worker_params {
	const struct config	*cfg;
	const struct capsule	*capsule;
	struct magic_set	*magic;
	int			 static_fd;
	struct tls_config	*tlscfg;	/* NULL: no TLS */
	const struct listener	*listeners;
	size_t			 nlisteners;
	/*
	 * Read end of the supervisor's pipe: struct ticket_key messages;
	 * end of file means the supervisor is gone.
	 */
	int			 ctlfd;
	const struct ticket_key	*keys;		/* initial keys, oldest first */
	size_t			 nkeys;
};

/*
 * Serves until SIGTERM or SIGINT (then finishes in-flight responses
 * within shutdown_timeout). Expects every signal blocked on entry; leaves
 * the listening sockets open. Returns the exit status.
 */
int	 worker_run(const struct worker_params *);

#endif
