/*
 * The connection state machine. Every state either makes progress or arms
 * exactly one I/O event and the connection's timer, then returns to the
 * loop. Protocol rules stay in gemini.c and gopher.c: this file only
 * moves bytes.
 */
#include <sys/param.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/sockios.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <tls.h>

#include "buf.h"
#include "config.h"
#include "conn.h"
#include "gemini.h"
#include "gopher.h"
#include "log.h"
#include "proxy.h"
#include "response.h"

#define CHUNK		16384	/* file bytes in memory per connection */
#define TLS_RECORD_MAX	16384	/* plaintext bytes in one TLS record */
#define SENDFILE_MAX	(1 << 20) /* file bytes per sendfile(2) call */
#define LINGER_SECS	2	/* wait for the client's FIN after ours */
#define LOG_REQ_MAX	1024	/* request bytes kept in the access log */
#define TLS_RECORD	0x16	/* first byte of a TLS ClientHello */
/* The longest request either protocol reads, with its line ending. */
#define IN_MAX		((GEMINI_URI_MAX > GOPHER_LINE_MAX ? GEMINI_URI_MAX : \
			    GOPHER_LINE_MAX) + 2)

enum state {
	ST_PROXY,		/* PROXY protocol header */
	ST_SNIFF,		/* wait for a first byte; gopher: TLS or not? */
	ST_HANDSHAKE,
	ST_READ,
	ST_WRITE,
	ST_CLOSE,		/* TLS close_notify */
	ST_LINGER,		/* drain until the client closes */
	ST_DONE
};

enum part { PART_HEAD, PART_BODY, PART_FILE, PART_END };

struct conn {
	const struct conn_env	*env;
	int			 fd;
	struct tls		*tls;		/* NULL: plaintext */
	enum proto		 proto;
	int			 local_port;
	char			 peer[INET6_ADDRSTRLEN];
	size_t			 slot;
	enum state		 state;
	struct event		*ev_read;
	struct event		*ev_write;
	struct event		*timer;
	struct timespec		 start;

	char			*in;		/* request bytes */
	size_t			 inlen;
	size_t			 incap;
	size_t			 reqlen;	/* framed request, w/o EOL */
	int			 have_req;
	int			 extra;		/* sent more than a request */

	struct response		 resp;
	int			 responded;
	enum part		 part;
	size_t			 off;		/* in the current part */
	char			*chunk;
	size_t			 chunklen;
	unsigned long long	 sent;
	off_t			 fileleft;	/* static file bytes to send */
	int			 outq;		/* unsent bytes at last look */

	unsigned char		 pbuf[PROXY_V2_KEEP]; /* PROXY header */
	size_t			 plen;
	size_t			 pskip;		/* v2 TLV bytes to drop */
};

static void	 step(struct conn *);
static void	 peer_text(struct conn *, const struct sockaddr *, socklen_t);

static void
now_mono(struct timespec *ts)
{
	if (clock_gettime(CLOCK_MONOTONIC, ts) == -1)
		memset(ts, 0, sizeof(*ts));
}

static long long
elapsed_ms(const struct conn *c)
{
	struct timespec	 now;

	now_mono(&now);
	return (long long)(now.tv_sec - c->start.tv_sec) * 1000 +
	    (now.tv_nsec - c->start.tv_nsec) / 1000000;
}

static void
arm_timer(struct conn *c, long long ms)
{
	struct timeval	 tv;

	if (ms < 1)
		ms = 1;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (event_add(c->timer, &tv) == -1)
		log_err("event_add: timer");
}

/* Time left until seconds after accept. */
static long long
left_ms(const struct conn *c, int seconds)
{
	return (long long)seconds * 1000 - elapsed_ms(c);
}

/*
 * Waits for one direction only. The read event persists: once added it
 * stays through the request and the lingering close, so a connection
 * that waits for its request and later for the client's FIN registers
 * with epoll once, not once per wait. It goes only while a write waits,
 * since a readable socket would otherwise wake the writer in vain.
 */
static void
wait_for(struct conn *c, short what)
{
	struct event	*ev = what == EV_READ ? c->ev_read : c->ev_write;

	event_del(what == EV_READ ? c->ev_write : c->ev_read);
	if (event_add(ev, NULL) == -1) {
		log_err("event_add: connection");
		c->state = ST_DONE;
	}
}

/* 1 when a socket call found the socket not ready: it now waits for what. */
static int
would_block(struct conn *c, ssize_t n, short what)
{
	if (n != -1 || (errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR))
		return 0;
	wait_for(c, what);
	return 1;
}

/* The same for a libtls call: it names the direction to wait for. */
static int
tls_would_block(struct conn *c, ssize_t n)
{
	if (n != TLS_WANT_POLLIN && n != TLS_WANT_POLLOUT)
		return 0;
	wait_for(c, n == TLS_WANT_POLLIN ? EV_READ : EV_WRITE);
	return 1;
}

/* Escapes control bytes, quotes and backslashes; cuts long requests. */
static void
log_request(struct buf *b, const char *s, size_t len)
{
	size_t	 i;
	unsigned char ch;

	if (len > LOG_REQ_MAX)
		len = LOG_REQ_MAX;
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\')
			buf_printf(b, "\\x%02x", ch);
		else
			buf_putc(b, (char)ch);
	}
}

static void
log_conn(struct conn *c)
{
	struct buf	 req;
	char		 when[32], status[16];
	time_t		 t = time(NULL);
	struct tm	 tm;

	/* No bytes, no request: handshake failures and idle probes. */
	if (!c->responded && c->inlen == 0)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "-");
	if (c->responded && !c->resp.close_silently)
		snprintf(status, sizeof(status), "%d", c->resp.status);
	else
		snprintf(status, sizeof(status), "-");
	buf_init(&req);
	log_request(&req, c->in, c->have_req ? c->reqlen : c->inlen);
	log_access("%s %s %s%s \"%s\" %s %llu %lldms", when, c->peer,
	    c->proto == PROTO_GEMINI ? "gemini" : "gopher",
	    c->proto == PROTO_GOPHER && c->tls != NULL ? "+tls" : "",
	    req.err || req.data == NULL ? "" : req.data, status, c->sent,
	    elapsed_ms(c));
	buf_free(&req);
}

static void
finish(struct conn *c)
{
	c->state = ST_DONE;
	event_del(c->ev_read);
	event_del(c->ev_write);
	event_del(c->timer);
	log_conn(c);
	c->env->done(c, c->env->arg);
}

/* Ends the exchange: close_notify on TLS, then a lingering close. */
static void
start_close(struct conn *c)
{
	event_del(c->ev_write);
	c->state = c->tls != NULL ? ST_CLOSE : ST_LINGER;
	if (c->state == ST_CLOSE)
		arm_timer(c, (long long)c->env->handshake_timeout * 1000);
	else {
		if (shutdown(c->fd, SHUT_WR) == -1) {
			c->state = ST_DONE;
			return;
		}
		c->outq = INT_MAX;
		arm_timer(c, LINGER_SECS * 1000);
	}
}

/*
 * Whether the client took bytes from the socket's send queue since the
 * last look. A large send buffer drains slowly without waking a writer,
 * so "no write for a while" alone would cut slow but live readers.
 */
static int
client_reading(struct conn *c)
{
	int	 q;

	if (ioctl(c->fd, SIOCOUTQ, &q) == -1 || q >= c->outq || q == 0)
		return 0;
	c->outq = q;
	return 1;
}

static void
on_io(evutil_socket_t fd, short what, void *arg)
{
	step(arg);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct conn	*c = arg;

	switch (c->state) {
	case ST_PROXY:
		if (c->plen > 0)
			log_warn("%s: PROXY header unfinished after %d "
			    "seconds; closing", c->peer, c->env->read_timeout);
		else
			log_debug("%s: no PROXY header; closing", c->peer);
		break;
	case ST_READ:
		/* Never answer an unfinished request (bare LF, silence). */
		log_debug("%s: read timeout", c->peer);
		start_close(c);
		step(c);
		return;
	case ST_WRITE:
	case ST_LINGER:
		if (client_reading(c)) {
			arm_timer(c, (long long)(c->state == ST_WRITE ?
			    c->env->read_timeout : LINGER_SECS) * 1000);
			return;
		}
		if (c->state == ST_WRITE)
			log_debug("%s: write timeout", c->peer);
		break;
	default:
		break;
	}
	finish(c);
}

static void
respond(struct conn *c, const char *req, size_t len)
{
	const char	*sni = NULL;

	if (c->tls != NULL)
		sni = tls_conn_servername(c->tls);
	if (c->proto == PROTO_GEMINI)
		gemini_respond(c->env->ctx, req, len, c->local_port, sni,
		    &c->resp);
	else
		gopher_respond(c->env->ctx, req, len, &c->resp);
	c->responded = 1;
	if (c->resp.close_silently) {
		start_close(c);
		return;
	}
	c->state = ST_WRITE;
	c->part = PART_HEAD;
	c->off = 0;
	c->fileleft = c->resp.fdlen;
	arm_timer(c, (long long)c->env->read_timeout * 1000);
}

/* Looks for a complete request; answers it when there is one. */
static void
frame(struct conn *c)
{
	ssize_t	 n;
	size_t	 len;

	if (c->proto == PROTO_GEMINI)
		n = gemini_frame(c->in, c->inlen);
	else
		n = gopher_frame(c->in, c->inlen);
	if (n == 0 && c->inlen < c->incap)
		return;
	if (n <= 0 || (size_t)n > c->inlen) {
		/* Too long: the protocol answers the whole buffer. */
		c->reqlen = c->inlen;
		c->extra = 1;	/* the rest of it may still come */
		c->have_req = 1;
		respond(c, c->in, c->inlen);
		return;
	}
	len = (size_t)n;
	c->extra = len < c->inlen;
	if (len > 0 && c->in[len - 1] == '\n')
		len--;
	if (len > 0 && c->in[len - 1] == '\r')
		len--;
	c->reqlen = len;
	c->have_req = 1;
	respond(c, c->in, len);
}

/* 1: progress, 0: waiting, -1: the connection is over. */
static int
do_read(struct conn *c)
{
	char	 first[IN_MAX];
	char	*dst;
	ssize_t	 n;

	/*
	 * The first read goes to the stack: the buffer is allocated only
	 * once there are bytes to keep, so a silent client costs none.
	 */
	dst = c->in != NULL ? c->in + c->inlen : first;
	if (c->tls != NULL) {
		n = tls_read(c->tls, dst, c->incap - c->inlen);
		if (tls_would_block(c, n))
			return 0;
		if (n < 0) {
			log_debug("%s: %s", c->peer, tls_error(c->tls));
			return -1;
		}
	} else {
		n = read(c->fd, dst, c->incap - c->inlen);
		if (would_block(c, n, EV_READ))
			return 0;
		if (n < 0)
			return -1;
	}
	if (n > 0 && c->in == NULL) {
		if ((c->in = malloc(c->incap)) == NULL) {
			log_err("out of memory");
			return -1;
		}
		memcpy(c->in, dst, (size_t)n);	/* dst is first here */
	}
	if (n == 0)
		return -1;	/* EOF before a complete request */
	c->inlen += (size_t)n;
	frame(c);
	return 1;
}

/*
 * The bytes still to send from the current part, reading file chunks.
 * 1: the part is a file on a plain socket, for send_file().
 */
static int
next_bytes(struct conn *c, const char **p, size_t *len)
{
	ssize_t	 n;

	for (;;) {
		*len = 0;
		switch (c->part) {
		case PART_HEAD:
			*p = c->resp.head.data;
			*len = c->resp.head.len;
			break;
		case PART_BODY:
			*p = c->resp.body;
			*len = c->resp.body != NULL ? c->resp.bodylen : 0;
			break;
		case PART_FILE:
			if (c->resp.fd == -1) {
				*len = 0;
				break;
			}
			if (c->tls == NULL)
				return 1;
			if (c->off < c->chunklen) {
				*p = c->chunk;
				*len = c->chunklen;
				break;
			}
			/* Previous chunk written: read the next one. */
			if (c->chunk == NULL &&
			    (c->chunk = malloc(CHUNK)) == NULL) {
				log_err("out of memory");
				return -1;
			}
			do
				n = c->fileleft == 0 ? 0 : read(c->resp.fd,
				    c->chunk, (size_t)MIN(c->fileleft, CHUNK));
			while (n == -1 && errno == EINTR);
			if (n == -1) {
				log_err("reading a static file: %s",
				    strerror(errno));
				return -1;
			}
			c->chunklen = (size_t)n;
			c->fileleft -= n;
			c->off = 0;
			if (n == 0) {
				*len = 0;
				break;
			}
			continue;
		case PART_END:
			*len = 0;
			return 0;
		}
		if (c->off < *len) {
			*p += c->off;
			*len -= c->off;
			return 0;
		}
		/* What went past this part (a joined write) counts on. */
		c->off -= *len;
		c->part++;
	}
}

/* Progress on the socket: counted, and the stall timer starts again. */
static void
sent(struct conn *c, size_t n)
{
	c->sent += (unsigned long long)n;
	c->outq = INT_MAX;
	arm_timer(c, (long long)c->env->read_timeout * 1000);
}

/*
 * A static file on a plain socket goes from the page cache to the socket
 * without a copy through the worker, and in fewer calls than 16 KB reads
 * and writes. The file's own offset tracks progress: it is opened anew
 * for every request. Its size at opening is what is sent, so a file that
 * grows meanwhile still ends, and the end costs no call that returns 0.
 */
static int
send_file(struct conn *c)
{
	ssize_t	 n = 0;

	if (c->fileleft > 0)
		n = sendfile(c->fd, c->resp.fd, NULL,
		    (size_t)MIN(c->fileleft, SENDFILE_MAX));
	if (would_block(c, n, EV_WRITE))
		return 0;
	if (n == -1) {
		if (errno != EPIPE && errno != ECONNRESET)
			log_err("sending a static file: %s", strerror(errno));
		return -1;
	}
	if (n > 0) {
		sent(c, (size_t)n);
		c->fileleft -= n;
	}
	if (n == 0 || c->fileleft == 0) {	/* the end, or it shrank */
		c->part = PART_END;
		c->off = 0;
	}
	return 1;
}

static int
do_write(struct conn *c)
{
	char		 joined[TLS_RECORD_MAX];
	const char	*p = NULL;
	size_t		 len = 0, take;
	ssize_t		 n;
	int		 rv;

	if ((rv = next_bytes(c, &p, &len)) == -1)
		return -1;
	if (rv == 1)
		return send_file(c);
	if (c->part == PART_END) {
		start_close(c);
		return 1;
	}
	if (c->tls != NULL) {
		/*
		 * The header and the start of a page in one TLS record: one
		 * encryption and one write instead of two. A retry after
		 * TLS_WANT_* rebuilds the same bytes, as libtls asks.
		 */
		if (c->part == PART_HEAD && c->resp.body != NULL &&
		    len < sizeof(joined)) {
			take = sizeof(joined) - len;
			if (take > c->resp.bodylen)
				take = c->resp.bodylen;
			memcpy(joined, p, len);
			memcpy(joined + len, c->resp.body, take);
			p = joined;
			len += take;
		}
		n = tls_write(c->tls, p, len);
		if (tls_would_block(c, n))
			return 0;
		if (n == -1) {
			log_debug("%s: %s", c->peer, tls_error(c->tls));
			return -1;
		}
	} else {
		n = send(c->fd, p, len, MSG_NOSIGNAL);
		if (would_block(c, n, EV_WRITE))
			return 0;
		if (n == -1)
			return -1;
	}
	c->off += (size_t)n;
	sent(c, (size_t)n);
	return 1;
}

static int
do_handshake(struct conn *c)
{
	int	 rv;

	rv = tls_handshake(c->tls);
	if (tls_would_block(c, rv))
		return 0;
	if (rv == -1) {
		log_debug("%s: TLS handshake: %s", c->peer, tls_error(c->tls));
		return -1;
	}
	c->state = ST_READ;
	arm_timer(c, left_ms(c, c->env->read_timeout));
	return 1;
}

static int
start_tls(struct conn *c)
{
	if (tls_accept_socket(c->env->tls, &c->tls, c->fd) == -1) {
		log_err("tls_accept_socket: %s", tls_error(c->env->tls));
		return -1;
	}
	c->state = ST_HANDSHAKE;
	arm_timer(c, left_ms(c, c->env->handshake_timeout));
	return 1;
}

/*
 * Nothing is set up for TLS until the client's first byte: a connection
 * that stays silent costs a socket and this struct, not a TLS state
 * (kilobytes each, times every idle client). On the gopher port the byte
 * also decides between TLS and plaintext.
 */
static int
do_sniff(struct conn *c)
{
	unsigned char	 b;
	ssize_t		 n;

	n = recv(c->fd, &b, 1, MSG_PEEK);
	if (would_block(c, n, EV_READ))
		return 0;
	if (n <= 0)
		return -1;
	if (c->proto == PROTO_GEMINI || b == TLS_RECORD)
		return start_tls(c);
	c->state = ST_READ;
	return 1;
}

/* What the listener does first: wait for a TLS client, or the request. */
static int
start_proto(struct conn *c)
{
	if (c->proto == PROTO_GEMINI) {
		if (c->env->tls == NULL)
			return -1;
		c->state = ST_SNIFF;
		arm_timer(c, left_ms(c, c->env->handshake_timeout));
		return 1;
	}
	c->state = c->env->tls != NULL && c->env->gopher_tls ? ST_SNIFF :
	    ST_READ;
	arm_timer(c, left_ms(c, c->env->read_timeout));
	return 1;
}

static int
proxy_on(const struct conn *c)
{
	const struct config	*cfg = c->env->ctx->cfg;

	return c->proto == PROTO_GEMINI ? cfg->gemini_proxy :
	    cfg->gopher_proxy;
}

/*
 * The PROXY header comes before anything else. Bytes are peeked first and
 * consumed only as far as the header goes, so what follows it (a TLS
 * ClientHello, a selector) stays in the socket for the next state. The
 * real peer is named in every warning: that is who sent the bad header.
 */
static int
do_proxy(struct conn *c)
{
	struct proxy_hdr	 h;
	char			 drop[512];
	size_t			 want, take;
	ssize_t			 n, len;
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;

	if (c->pskip > 0) {
		want = c->pskip < sizeof(drop) ? c->pskip : sizeof(drop);
		n = recv(c->fd, drop, want, 0);
	} else {
		if ((want = proxy_want(c->pbuf, c->plen)) == 0)
			goto bad;
		n = recv(c->fd, c->pbuf + c->plen, want, MSG_PEEK);
	}
	if (would_block(c, n, EV_READ))
		return 0;
	if (n == -1)
		return -1;
	if (n == 0) {
		if (c->plen > 0)
			log_warn("%s: connection closed inside the PROXY "
			    "header", c->peer);
		return -1;
	}
	if (c->pskip > 0) {
		c->pskip -= (size_t)n;
		return c->pskip > 0 ? 1 : start_proto(c);
	}
	len = proxy_parse(c->pbuf, c->plen + (size_t)n, &h);
	if (len == PROXY_BAD)
		goto bad;
	if (len == PROXY_NEED)
		take = (size_t)n;	/* all of it is header */
	else if ((size_t)len < c->plen + (size_t)n)
		take = (size_t)len - c->plen;
	else
		take = (size_t)n;
	do
		n = recv(c->fd, c->pbuf + c->plen, take, 0);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return -1;
	c->plen += (size_t)n;
	if ((size_t)n < take || len == PROXY_NEED)
		return 1;
	if (h.known) {
		peer_text(c, (const struct sockaddr *)&h.src, h.addrlen);
		/* The port the client connected to: the proxy's. */
		if (h.dst.ss_family == AF_INET) {
			sin = (const struct sockaddr_in *)&h.dst;
			c->local_port = ntohs(sin->sin_port);
		} else {
			sin6 = (const struct sockaddr_in6 *)&h.dst;
			c->local_port = ntohs(sin6->sin6_port);
		}
	}
	c->pskip = (size_t)len - c->plen;
	return c->pskip > 0 ? 1 : start_proto(c);
bad:
	log_warn("%s: missing or malformed PROXY header; closing", c->peer);
	return -1;
}

static int
do_close(struct conn *c)
{
	int	 rv;

	rv = tls_close(c->tls);
	if (tls_would_block(c, rv))
		return 0;
	if (rv == -1)
		log_debug("%s: TLS close: %s", c->peer, tls_error(c->tls));
	if (shutdown(c->fd, SHUT_WR) == -1)
		return -1;
	c->outq = INT_MAX;
	c->state = ST_LINGER;
	arm_timer(c, LINGER_SECS * 1000);
	return 1;
}

/*
 * Whether a plain connection may close at once instead of waiting for the
 * client's FIN: it was answered, and the client sent nothing beyond its
 * request, so nothing it sends can be waiting to turn our close into a
 * reset. This spares a well-behaved client's FIN a wakeup (a Gopher
 * request went from 44 to 35 us at concurrency 1). A client that sent
 * more gets the full lingering close, as every TLS connection does: its
 * peer is expected to answer close_notify with its own.
 */
static int
close_now(struct conn *c)
{
	return c->tls == NULL && c->responded && !c->extra;
}

/* Reads and drops what the client sends until it closes, or close_now(). */
static int
do_linger(struct conn *c)
{
	char	 drop[512];
	ssize_t	 n;

	for (;;) {
		n = read(c->fd, drop, sizeof(drop));
		if (n > 0) {
			c->extra = 1;
			continue;
		}
		if (n == -1 && errno == EAGAIN && close_now(c))
			return -1;
		if (would_block(c, n, EV_READ))
			return 0;
		return -1;
	}
}

static void
step(struct conn *c)
{
	int	 rv = 1;

	while (rv == 1) {
		switch (c->state) {
		case ST_PROXY:
			rv = do_proxy(c);
			break;
		case ST_SNIFF:
			rv = do_sniff(c);
			break;
		case ST_HANDSHAKE:
			rv = do_handshake(c);
			break;
		case ST_READ:
			rv = do_read(c);
			break;
		case ST_WRITE:
			rv = do_write(c);
			break;
		case ST_CLOSE:
			rv = do_close(c);
			break;
		case ST_LINGER:
			rv = do_linger(c);
			break;
		case ST_DONE:
			rv = -1;
			break;
		}
	}
	if (rv == -1 || c->state == ST_DONE)
		finish(c);
}

static void
peer_text(struct conn *c, const struct sockaddr *sa, socklen_t salen)
{
	if (getnameinfo(sa, salen, c->peer, sizeof(c->peer), NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(c->peer, sizeof(c->peer), "-");
}

struct conn *
conn_new(const struct conn_env *env, int fd, enum proto proto,
    int local_port, const struct sockaddr *peer, socklen_t peerlen)
{
	struct conn	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_err("out of memory");
		close(fd);
		return NULL;
	}
	c->env = env;
	c->fd = fd;
	c->proto = proto;
	c->local_port = local_port;
	response_init(&c->resp);
	now_mono(&c->start);
	peer_text(c, peer, peerlen);
	/* Room for the longest request plus its line ending. */
	c->incap = (proto == PROTO_GEMINI ? GEMINI_URI_MAX :
	    GOPHER_LINE_MAX) + 2;
	if ((c->ev_read = event_new(env->base, fd, EV_READ | EV_PERSIST,
	    on_io, c)) == NULL ||
	    (c->ev_write = event_new(env->base, fd, EV_WRITE, on_io,
	    c)) == NULL ||
	    (c->timer = evtimer_new(env->base, on_timeout, c)) == NULL) {
		log_err("out of memory");
		conn_free(c);
		return NULL;
	}
	if (proxy_on(c)) {
		c->state = ST_PROXY;
		arm_timer(c, left_ms(c, c->env->read_timeout));
	} else if (start_proto(c) == -1) {
		conn_free(c);
		return NULL;
	}
	return c;
}

/*
 * The first move is a read, not a wait: a client usually sends its
 * request right behind the handshake, so it is often there already, and
 * a request answered now costs no event registration at all.
 */
void
conn_start(struct conn *c)
{
	step(c);
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->ev_read != NULL)
		event_free(c->ev_read);
	if (c->ev_write != NULL)
		event_free(c->ev_write);
	if (c->timer != NULL)
		event_free(c->timer);
	if (c->tls != NULL)
		tls_free(c->tls);
	if (c->fd != -1)
		close(c->fd);
	response_free(&c->resp);
	free(c->chunk);
	free(c->in);
	free(c);
}

void
conn_set_slot(struct conn *c, size_t slot)
{
	c->slot = slot;
}

size_t
conn_slot(const struct conn *c)
{
	return c->slot;
}
