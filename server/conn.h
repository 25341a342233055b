/*
 * One client connection as a non-blocking state machine: optional TLS
 * handshake, read one request, write the response (head, body, then a
 * file in bounded chunks), close_notify, close. Every wait has a timer,
 * so a silent or slow client only ever holds its own connection.
 */
#ifndef GEMSERV_CONN_H
#define GEMSERV_CONN_H

#include <sys/socket.h>

#include "capsule.h"
#include "serve.h"

struct conn;
struct event_base;
struct tls;

struct conn_env {
	struct event_base	*base;
	const struct serve_ctx	*ctx;
	struct tls		*tls;		/* server context, or NULL */
	int			 gopher_tls;	/* sniff TLS on gopher */
	int			 handshake_timeout;
	int			 read_timeout;
	/* Called once the connection has ended; must conn_free() it. */
	void			(*done)(struct conn *, void *);
	void			*arg;
};

/*
 * A connection for fd (non-blocking, accepted on local_port); nothing is
 * read or written until conn_start. Takes the fd even on failure. env
 * must outlive the connection. NULL on failure.
 */
struct conn	*conn_new(const struct conn_env *, int fd, enum proto,
		    int local_port, const struct sockaddr *peer, socklen_t);
/* Serves what already arrived; may end (env->done) before returning. */
void		 conn_start(struct conn *);
void		 conn_free(struct conn *);
/* Slot number kept for the owner. */
void		 conn_set_slot(struct conn *, size_t);
size_t		 conn_slot(const struct conn *);

#endif
