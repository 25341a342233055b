/*
 * loadgen: a closed-loop load generator for Gemini and Gopher servers on
 * this machine. Non-blocking sockets, epoll, one thread per CPU (-T): a
 * single thread doing the client's half of every TLS handshake saturates
 * its core before a server does, and would measure itself. Every request
 * opens a new TCP connection (and, for Gemini, does a full TLS handshake,
 * or a resumed one with -r), sends one request line, reads the response
 * to EOF and closes. N connections run at once; the request lines are
 * taken round-robin. After a warm-up it measures for a fixed time and
 * prints requests/s, latency percentiles, errors by kind and bytes, and,
 * given the server's PID, the CPU time and memory of the server's whole
 * process tree read from /proc. It only connects to loopback addresses
 * and always stops by itself.
 *
 * usage: loadgen [-jkr] [-c conc] [-d secs] [-w secs] [-i idle]
 *            [-s pid] [-t secs] [-n sni] [-T threads]
 *            gemini|gopher addr port request...
 *
 * A request is sent as given plus CRLF; "\t" in it stands for a TAB.
 * -i opens that many idle connections first, which send nothing (with
 * -k, Gemini ones finish a TLS handshake first) and stay open throughout.
 * Connections (active and idle) are split evenly between the threads;
 * -T defaults to the number of online CPUs, at most the concurrency.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_EVENTS	256
#define RBUF		16384
#define HEAD_KEEP	8	/* response bytes kept to judge the status */
#define IDLE_INFLIGHT	256	/* idle connections being opened at once */
#define MAX_PROCS	65536	/* /proc entries scanned for the tree */

enum kind {
	E_CONNECT,		/* connect(2) failed */
	E_TLS,			/* TLS handshake failed */
	E_RESET,		/* read or write error */
	E_TIMEOUT,		/* no answer in time */
	E_EMPTY,		/* closed without a byte */
	E_NOCLOSE,		/* Gemini: EOF without close_notify */
	E_BADHEAD,		/* Gemini: not "NN " */
	E_STATUS,		/* Gemini: status other than 2x */
	E_GOPHER3,		/* Gopher: a type 3 (error) menu */
	E_IDLE,			/* an idle connection closed by the server */
	E_NKINDS
};

static const char *kind_name[E_NKINDS] = {
	"connect", "tls", "reset", "timeout", "empty", "no_close_notify",
	"bad_header", "status", "gopher_error", "idle_closed"
};

enum st { S_FREE, S_CONNECT, S_HANDSHAKE, S_WRITE, S_READ, S_IDLE };

struct conn {
	int		 fd;
	enum st		 st;
	int		 idle;		/* held open, never sends */
	SSL		*ssl;
	SSL_SESSION	*sess;		/* this client's newest ticket, -r */
	const char	*req;
	size_t		 reqlen;
	size_t		 reqoff;
	double		 start;
	double		 deadline;
	unsigned long long bytes;
	char		 head[HEAD_KEEP];
	size_t		 headlen;
};

struct stats {
	unsigned long long ok;
	unsigned long long bytes;
	unsigned long long err[E_NKINDS];
	unsigned long long status[100];	/* Gemini statuses other than 2x */
	unsigned long long resumed;
	unsigned long long handshakes;
	uint32_t	*lat;		/* microseconds, successful requests */
	size_t		 nlat;
	size_t		 caplat;
};

struct proc_sample {
	unsigned long long ticks;	/* user+system, incl. reaped children */
	unsigned long long rss_kb;
	unsigned long long pss_kb;
	int		 nprocs;
};

/* Set up by main before the threads start; read-only afterwards. */
static int		 gemini;
static int		 resume;
static int		 idle_tls;	/* idle clients finish a handshake */
static struct sockaddr_storage srv;
static socklen_t	 srvlen;
static const char	*sni = "localhost";
static SSL_CTX		*ctx;
static char		**reqs;
static size_t		*reqlens;
static size_t		 nreqs;
static double		 timeout_s = 10;
static double		 t0, t1;	/* the window; set before "go" */
static pthread_barrier_t ready, go;

/*
 * Each thread's own event set, connections and counts: thread-local so
 * that the connection code below reads as for one thread.
 */
static _Thread_local int	 ep;
static _Thread_local struct conn *conns;
static _Thread_local size_t	 nconns;
static _Thread_local size_t	 nextreq;
static _Thread_local int	 measuring;
static _Thread_local struct stats st;
static _Thread_local unsigned long long idle_open;
static _Thread_local char	 rbuf[RBUF];

/* One thread's share of the connections and, at the end, its counts. */
struct client {
	pthread_t	 tid;
	size_t		 conc;
	size_t		 idle;
	size_t		 first;		/* its first request, round-robin */
	struct stats	 st;
	unsigned long long idle_open;
};

static void
die(const char *msg)
{
	fprintf(stderr, "loadgen: %s\n", msg);
	exit(2);
}

static void
die_errno(const char *msg)
{
	fprintf(stderr, "loadgen: %s: %s\n", msg, strerror(errno));
	exit(2);
}

static double
now(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		die_errno("clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
count_err(enum kind k)
{
	if (measuring || k == E_IDLE)
		st.err[k]++;
}

static void
add_latency_us(uint32_t us)
{
	uint32_t	*p;

	if (st.nlat == st.caplat) {
		st.caplat = st.caplat ? st.caplat * 2 : 65536;
		if ((p = realloc(st.lat, st.caplat * sizeof(*p))) == NULL)
			die("out of memory");
		st.lat = p;
	}
	st.lat[st.nlat++] = us;
}

static void
add_latency(double secs)
{
	double	 us = secs * 1e6;

	add_latency_us(us > UINT32_MAX ? UINT32_MAX : (uint32_t)us);
}

/* Only loopback: 127.0.0.0/8 or ::1. */
static void
parse_addr(const char *host, const char *port)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&srv;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&srv;
	char			*end;
	long			 p;

	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || p < 1 || p > 65535)
		die("bad port");
	memset(&srv, 0, sizeof(srv));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		if ((ntohl(s4->sin_addr.s_addr) >> 24) != 127)
			die("refusing a non-loopback address");
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		srvlen = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			die("refusing a non-loopback address");
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		srvlen = sizeof(*s6);
	} else
		die("address must be a numeric loopback address");
}

/* The request as given, "\t" unescaped, CRLF appended. */
static void
add_request(const char *arg)
{
	size_t	 n = strlen(arg), i, j = 0;
	char	*r;

	if ((r = malloc(n + 3)) == NULL)
		die("out of memory");
	for (i = 0; i < n; i++) {
		if (arg[i] == '\\' && arg[i + 1] == 't') {
			r[j++] = '\t';
			i++;
		} else
			r[j++] = arg[i];
	}
	r[j++] = '\r';
	r[j++] = '\n';
	r[j] = '\0';
	reqs[nreqs] = r;
	reqlens[nreqs++] = j;
}

/*
 * Each connection slot is one client that keeps the newest ticket it was
 * given, for its next connection. OpenSSL uses a TLS 1.3 ticket once.
 */
static int
new_session(SSL *ssl, SSL_SESSION *sess)
{
	struct conn	*c = SSL_get_app_data(ssl);

	if (c == NULL || !SSL_SESSION_is_resumable(sess))
		return 0;
	if (c->sess != NULL)
		SSL_SESSION_free(c->sess);
	c->sess = sess;
	return 1;	/* we keep the reference */
}

static void
tls_init(void)
{
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		die("SSL_CTX_new failed");
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
		die("SSL_CTX_set_min_proto_version failed");
	/* Self-signed servers: the handshake's signature is still checked. */
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (resume) {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
		    SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, new_session);
	}
}

static void
conn_close(struct conn *c)
{
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1) {
		close(c->fd);	/* also leaves the epoll set */
		c->fd = -1;
	}
	if (c->idle && c->st == S_IDLE)
		idle_open--;
	c->st = S_FREE;
}

static void
conn_start(struct conn *c, int idle)
{
	struct epoll_event	 ev;
	int			 fd, one = 1;

	c->idle = idle;
	c->bytes = 0;
	c->headlen = 0;
	c->reqoff = 0;
	c->start = now();
	c->deadline = c->start + timeout_s;
	c->req = reqs[nextreq];
	c->reqlen = reqlens[nextreq];
	if (!idle)
		nextreq = (nextreq + 1) % nreqs;
	fd = socket(srv.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		die_errno("socket");
	c->fd = fd;
	c->st = S_CONNECT;
	/* As Go's and most clients' sockets: no Nagle delay on our writes. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		die_errno("setsockopt TCP_NODELAY");
	if (connect(fd, (struct sockaddr *)&srv, srvlen) == -1 &&
	    errno != EINPROGRESS) {
		count_err(E_CONNECT);
		conn_close(c);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.ptr = c;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1)
		die_errno("epoll_ctl");
	if (gemini) {
		if ((c->ssl = SSL_new(ctx)) == NULL ||
		    SSL_set_fd(c->ssl, fd) != 1 ||
		    SSL_set_tlsext_host_name(c->ssl, sni) != 1 ||
		    SSL_set_app_data(c->ssl, c) != 1)
			die("SSL_new failed");
		if (resume && c->sess != NULL &&
		    SSL_set_session(c->ssl, c->sess) != 1)
			die("SSL_set_session failed");
		SSL_set_connect_state(c->ssl);
	}
}

/* A request ended well: count it if it ended inside the window. */
static void
conn_ok(struct conn *c)
{
	double	 t = now();

	/*
	 * Answer the server's close_notify as a polite client does; a
	 * session freed without it is marked not resumable.
	 */
	if (c->ssl != NULL)
		(void)SSL_shutdown(c->ssl);
	if (measuring && t < t1) {
		st.ok++;
		st.bytes += c->bytes;
		add_latency(t - c->start);
	}
	conn_close(c);
}

static void
conn_fail(struct conn *c, enum kind k)
{
	count_err(k);
	conn_close(c);
}

/* Judges the first bytes of a complete response. */
static void
conn_done(struct conn *c)
{
	int	 status;

	if (c->bytes == 0) {
		conn_fail(c, E_EMPTY);
		return;
	}
	if (gemini) {
		if (c->headlen < 3 || !isdigit((unsigned char)c->head[0]) ||
		    !isdigit((unsigned char)c->head[1]) ||
		    (c->head[2] != ' ' && c->head[2] != '\r')) {
			conn_fail(c, E_BADHEAD);
			return;
		}
		status = (c->head[0] - '0') * 10 + (c->head[1] - '0');
		if (status / 10 != 2) {
			if (measuring)
				st.status[status]++;
			conn_fail(c, E_STATUS);
			return;
		}
	} else if (c->head[0] == '3') {
		conn_fail(c, E_GOPHER3);
		return;
	}
	conn_ok(c);
}

static void
keep_head(struct conn *c, const char *p, size_t n)
{
	while (c->headlen < HEAD_KEEP && n > 0) {
		c->head[c->headlen++] = *p++;
		n--;
	}
}

/* Drives one connection as far as it goes without blocking. */
static void
conn_step(struct conn *c, uint32_t events)
{
	int		 rv, e, soerr;
	socklen_t	 len;
	ssize_t		 n;

	for (;;) {
		switch (c->st) {
		case S_FREE:
			return;
		case S_CONNECT:
			if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
				return;
			len = sizeof(soerr);
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr,
			    &len) == -1 || soerr != 0) {
				conn_fail(c, E_CONNECT);
				return;
			}
			if (gemini && (!c->idle || idle_tls))
				c->st = S_HANDSHAKE;
			else
				c->st = c->idle ? S_IDLE : S_WRITE;
			if (c->st == S_IDLE)
				idle_open++;
			break;
		case S_HANDSHAKE:
			ERR_clear_error();
			rv = SSL_do_handshake(c->ssl);
			if (rv != 1) {
				e = SSL_get_error(c->ssl, rv);
				if (e == SSL_ERROR_WANT_READ ||
				    e == SSL_ERROR_WANT_WRITE)
					return;
				conn_fail(c, c->idle ? E_IDLE : E_TLS);
				return;
			}
			if (measuring && !c->idle) {
				st.handshakes++;
				if (SSL_session_reused(c->ssl))
					st.resumed++;
			}
			c->st = c->idle ? S_IDLE : S_WRITE;
			if (c->st == S_IDLE)
				idle_open++;
			break;
		case S_WRITE:
			if (c->ssl != NULL) {
				ERR_clear_error();
				rv = SSL_write(c->ssl, c->req + c->reqoff,
				    (int)(c->reqlen - c->reqoff));
				if (rv <= 0) {
					e = SSL_get_error(c->ssl, rv);
					if (e == SSL_ERROR_WANT_READ ||
					    e == SSL_ERROR_WANT_WRITE)
						return;
					conn_fail(c, E_RESET);
					return;
				}
				n = rv;
			} else {
				n = send(c->fd, c->req + c->reqoff,
				    c->reqlen - c->reqoff, MSG_NOSIGNAL);
				if (n == -1 && (errno == EAGAIN ||
				    errno == EINTR))
					return;
				if (n == -1) {
					conn_fail(c, E_RESET);
					return;
				}
			}
			c->reqoff += (size_t)n;
			if (c->reqoff == c->reqlen)
				c->st = S_READ;
			break;
		case S_READ:
			if (c->ssl != NULL) {
				ERR_clear_error();
				rv = SSL_read(c->ssl, rbuf, sizeof(rbuf));
				if (rv <= 0) {
					e = SSL_get_error(c->ssl, rv);
					if (e == SSL_ERROR_WANT_READ ||
					    e == SSL_ERROR_WANT_WRITE)
						return;
					if (e == SSL_ERROR_ZERO_RETURN) {
						conn_done(c);
						return;
					}
					if (e == SSL_ERROR_SYSCALL &&
					    ERR_peek_error() == 0 &&
					    c->bytes > 0)
						conn_fail(c, E_NOCLOSE);
					else if (c->bytes == 0)
						conn_fail(c, E_EMPTY);
					else
						conn_fail(c, E_RESET);
					return;
				}
				n = rv;
			} else {
				n = read(c->fd, rbuf, sizeof(rbuf));
				if (n == -1 && (errno == EAGAIN ||
				    errno == EINTR))
					return;
				if (n == -1) {
					conn_fail(c, E_RESET);
					return;
				}
				if (n == 0) {
					conn_done(c);
					return;
				}
			}
			keep_head(c, rbuf, (size_t)n);
			c->bytes += (unsigned long long)n;
			break;
		case S_IDLE:
			/* Any event on an idle connection: the server closed. */
			if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
			    EPOLLERR)) {
				n = read(c->fd, rbuf, sizeof(rbuf));
				if (n == 0 || (n == -1 && errno != EAGAIN)) {
					conn_fail(c, E_IDLE);
					return;
				}
			}
			return;
		}
	}
}

/* Parses "pid (comm) state ppid ..." fields 14-17 (utime..cstime). */
static int
read_stat(int pid, int *ppid, unsigned long long *ticks)
{
	char			 path[64], buf[1024], *p;
	unsigned long long	 f[4];
	ssize_t			 n;
	int			 fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: skip to the last ')'. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	p += 2;		/* ") " */
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime */
	if (sscanf(p, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %llu %llu", ppid, &f[0], &f[1], &f[2], &f[3]) != 5)
		return -1;
	*ticks = 0;
	for (i = 0; i < 4; i++)
		*ticks += f[i];
	return 0;
}

static unsigned long long
status_kb(int pid, const char *file, const char *key)
{
	char			 path[64], line[256];
	FILE			*fp;
	unsigned long long	 v = 0;
	size_t			 klen = strlen(key);

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if ((fp = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, key, klen) == 0) {
			v = strtoull(line + klen, NULL, 10);
			break;
		}
	fclose(fp);
	return v;
}

/*
 * CPU ticks and memory of root and every descendant. A reaped child's
 * time is in its parent's cutime/cstime; a live one's in its own entry,
 * so the sum counts each tick once.
 */
static void
sample_tree(int root, struct proc_sample *ps, int want_mem)
{
	static int		 pids[MAX_PROCS], ppids[MAX_PROCS];
	static unsigned long long ticks[MAX_PROCS];
	static char		 in[MAX_PROCS];
	DIR			*d;
	struct dirent		*de;
	int			 n = 0, i, changed;

	memset(ps, 0, sizeof(*ps));
	if (root <= 0)
		return;
	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < MAX_PROCS) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pids[n] = atoi(de->d_name);
		if (read_stat(pids[n], &ppids[n], &ticks[n]) == 0)
			n++;
	}
	closedir(d);
	for (i = 0; i < n; i++)
		in[i] = pids[i] == root;
	/* Mark descendants until nothing changes (the tree is shallow). */
	do {
		int	 j;

		changed = 0;
		for (i = 0; i < n; i++) {
			if (in[i])
				continue;
			for (j = 0; j < n; j++)
				if (in[j] && pids[j] == ppids[i]) {
					in[i] = 1;
					changed = 1;
					break;
				}
		}
	} while (changed);
	for (i = 0; i < n; i++) {
		if (!in[i])
			continue;
		ps->ticks += ticks[i];
		ps->nprocs++;
		if (want_mem) {
			ps->rss_kb += status_kb(pids[i], "status", "VmRSS:");
			ps->pss_kb += status_kb(pids[i], "smaps_rollup",
			    "Pss:");
		}
	}
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double p)
{
	size_t	 i;

	if (st.nlat == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)st.nlat);
	if (i >= st.nlat)
		i = st.nlat - 1;
	return st.lat[i];
}

static void
raise_nofile(size_t want)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		die_errno("getrlimit");
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			die_errno("setrlimit");
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want + 16)
		die("RLIMIT_NOFILE too low for the connections asked for");
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen [-jkr] [-c conc] [-d secs] [-w secs] "
	    "[-i idle] [-s pid] [-t secs] [-n sni] [-T threads]\n"
	    "           gemini|gopher addr port request...\n");
	exit(2);
}

static double
arg_num(const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		usage();
	return v;
}

static void
open_idle(size_t want, double limit)
{
	struct epoll_event	 evs[MAX_EVENTS];
	size_t			 i, started = 0, pending;
	int			 n, k;

	while (now() < limit) {
		pending = 0;
		for (i = 0; i < started; i++)
			if (conns[i].st != S_FREE && conns[i].st != S_IDLE)
				pending++;
		while (started < want && pending < IDLE_INFLIGHT) {
			conn_start(&conns[started++], 1);
			pending++;
		}
		if (started == want && pending == 0)
			return;
		n = epoll_wait(ep, evs, MAX_EVENTS, 50);
		if (n == -1 && errno != EINTR)
			die_errno("epoll_wait");
		for (k = 0; k < n; k++)
			conn_step(evs[k].data.ptr, evs[k].events);
	}
}

static void
barrier_wait(pthread_barrier_t *b)
{
	int	 rv = pthread_barrier_wait(b);

	if (rv != 0 && rv != PTHREAD_BARRIER_SERIAL_THREAD)
		die("pthread_barrier_wait failed");
}

/* One thread: its idle connections, then its share of the load. */
static void *
client_run(void *arg)
{
	struct client		*cl = arg;
	struct epoll_event	 evs[MAX_EVENTS];
	double			 t, tcheck;
	size_t			 i, k;
	int			 n;

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die_errno("epoll_create1");
	nconns = cl->idle + cl->conc;
	if ((conns = calloc(nconns, sizeof(*conns))) == NULL)
		die("out of memory");
	for (i = 0; i < nconns; i++)
		conns[i].fd = -1;
	nextreq = cl->first % nreqs;

	/* Idle connections first (at most a minute to open them). */
	if (cl->idle > 0)
		open_idle(cl->idle, now() + 60);
	barrier_wait(&ready);
	barrier_wait(&go);

	tcheck = now();
	for (i = cl->idle; i < nconns; i++)
		conn_start(&conns[i], 0);
	for (;;) {
		n = epoll_wait(ep, evs, MAX_EVENTS, 20);
		if (n == -1 && errno != EINTR)
			die_errno("epoll_wait");
		for (k = 0; k < (size_t)(n > 0 ? n : 0); k++)
			conn_step(evs[k].data.ptr, evs[k].events);
		t = now();
		measuring = t >= t0;
		if (t >= t1)
			break;
		/* Refill free slots; time out stuck ones now and then. */
		for (i = cl->idle; i < nconns; i++) {
			if (conns[i].st == S_FREE)
				conn_start(&conns[i], 0);
			else if (t - tcheck > 0.1 && t > conns[i].deadline)
				conn_fail(&conns[i], E_TIMEOUT);
			if (conns[i].st == S_FREE)
				conn_start(&conns[i], 0);
		}
		if (t - tcheck > 0.1)
			tcheck = t;
	}
	measuring = 0;
	cl->st = st;
	cl->idle_open = idle_open;
	for (i = 0; i < nconns; i++)
		if (conns[i].st != S_FREE)
			conn_close(&conns[i]);
	free(conns);
	close(ep);
	return NULL;
}

static void
sleep_until(double when)
{
	struct timespec	 ts;

	ts.tv_sec = (time_t)when;
	ts.tv_nsec = (long)((when - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* Adds one thread's counts to the total. */
static void
merge(struct stats *to, const struct stats *from)
{
	size_t	 k;

	to->ok += from->ok;
	to->bytes += from->bytes;
	for (k = 0; k < E_NKINDS; k++)
		to->err[k] += from->err[k];
	for (k = 0; k < 100; k++)
		to->status[k] += from->status[k];
	to->resumed += from->resumed;
	to->handshakes += from->handshakes;
	for (k = 0; k < from->nlat; k++)
		add_latency_us(from->lat[k]);
}

int
main(int argc, char *argv[])
{
	struct proc_sample	 p0, p1;
	struct rusage		 ru0, ru1;
	struct client		*cls;
	double			 dur = 5, warm = 1, win;
	double			 cpu_client, cpu_server, tick;
	size_t			 conc = 1, idle = 0, nthreads = 0, i, k;
	long			 ncpu;
	int			 ch, json = 0, server_pid = 0, n;

	while ((ch = getopt(argc, argv, "c:d:i:jkn:rs:t:T:w:")) != -1) {
		switch (ch) {
		case 'c':
			conc = (size_t)arg_num(optarg, 1, 10000);
			break;
		case 'd':
			dur = arg_num(optarg, 0.1, 600);
			break;
		case 'i':
			idle = (size_t)arg_num(optarg, 0, 100000);
			break;
		case 'j':
			json = 1;
			break;
		case 'k':
			idle_tls = 1;
			break;
		case 'n':
			sni = optarg;
			break;
		case 'r':
			resume = 1;
			break;
		case 's':
			server_pid = (int)arg_num(optarg, 1, INT_MAX);
			break;
		case 't':
			timeout_s = arg_num(optarg, 0.1, 600);
			break;
		case 'T':
			nthreads = (size_t)arg_num(optarg, 1, 256);
			break;
		case 'w':
			warm = arg_num(optarg, 0, 600);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 4)
		usage();
	if (strcmp(argv[0], "gemini") == 0)
		gemini = 1;
	else if (strcmp(argv[0], "gopher") != 0)
		usage();
	parse_addr(argv[1], argv[2]);
	nreqs = 0;
	if ((reqs = calloc((size_t)argc, sizeof(*reqs))) == NULL ||
	    (reqlens = calloc((size_t)argc, sizeof(*reqlens))) == NULL)
		die("out of memory");
	for (n = 3; n < argc; n++)
		add_request(argv[n]);
	if (nthreads == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		nthreads = ncpu > 0 ? (size_t)ncpu : 1;
	}
	if (nthreads > conc)
		nthreads = conc;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die_errno("signal");
	raise_nofile(conc + idle);
	if (gemini)
		tls_init();
	if ((cls = calloc(nthreads, sizeof(*cls))) == NULL)
		die("out of memory");
	if (pthread_barrier_init(&ready, NULL, (unsigned)nthreads + 1) != 0 ||
	    pthread_barrier_init(&go, NULL, (unsigned)nthreads + 1) != 0)
		die("pthread_barrier_init failed");
	for (i = 0; i < nthreads; i++) {
		cls[i].conc = conc / nthreads + (i < conc % nthreads);
		cls[i].idle = idle / nthreads + (i < idle % nthreads);
		cls[i].first = i * (conc / nthreads);
		if (pthread_create(&cls[i].tid, NULL, client_run, &cls[i]) != 0)
			die("pthread_create failed");
	}
	barrier_wait(&ready);
	t0 = now() + warm;
	t1 = t0 + dur;
	barrier_wait(&go);

	sleep_until(t0);
	sample_tree(server_pid, &p0, 0);
	if (getrusage(RUSAGE_SELF, &ru0) == -1)
		die_errno("getrusage");
	sleep_until(t1);
	if (getrusage(RUSAGE_SELF, &ru1) == -1)
		die_errno("getrusage");
	sample_tree(server_pid, &p1, 1);
	win = t1 - t0;
	for (i = 0; i < nthreads; i++) {
		if (pthread_join(cls[i].tid, NULL) != 0)
			die("pthread_join failed");
		merge(&st, &cls[i].st);
		free(cls[i].st.lat);
		idle_open += cls[i].idle_open;
	}
	free(cls);

	tick = (double)sysconf(_SC_CLK_TCK);
	cpu_server = (double)(p1.ticks - p0.ticks) / tick;
	cpu_client = (double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
	    ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) +
	    (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
	    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
	qsort(st.lat, st.nlat, sizeof(*st.lat), cmp_u32);

	if (json) {
		printf("{\"requests\": %llu, \"seconds\": %.3f, \"rps\": %.1f, "
		    "\"p50_us\": %.0f, \"p90_us\": %.0f, \"p99_us\": %.0f, "
		    "\"max_us\": %.0f, \"bytes\": %llu, ", st.ok, win,
		    (double)st.ok / win, pct(50), pct(90), pct(99),
		    st.nlat ? (double)st.lat[st.nlat - 1] : 0.0, st.bytes);
		printf("\"errors\": {");
		for (k = 0, n = 0; k < E_NKINDS; k++) {
			if (st.err[k] == 0)
				continue;
			printf("%s\"%s\": %llu", n++ ? ", " : "", kind_name[k],
			    st.err[k]);
		}
		printf("}, \"statuses\": {");
		for (k = 0, n = 0; k < 100; k++)
			if (st.status[k] != 0)
				printf("%s\"%02zu\": %llu", n++ ? ", " : "", k,
				    st.status[k]);
		printf("}, \"handshakes\": %llu, \"resumed\": %llu, ",
		    st.handshakes, st.resumed);
		printf("\"server_cpu_s\": %.3f, \"server_cpu_us_per_req\": "
		    "%.1f, \"server_procs\": %d, \"server_rss_kb\": %llu, "
		    "\"server_pss_kb\": %llu, ", cpu_server,
		    st.ok ? cpu_server * 1e6 / (double)st.ok : 0.0,
		    p1.nprocs, p1.rss_kb, p1.pss_kb);
		printf("\"client_cpu_us_per_req\": %.1f, \"idle_wanted\": %zu, "
		    "\"idle_open\": %llu}\n", st.ok ?
		    cpu_client * 1e6 / (double)st.ok : 0.0, idle, idle_open);
	} else {
		printf("requests   %llu in %.2f s: %.1f/s\n", st.ok, win,
		    (double)st.ok / win);
		printf("latency    p50 %.0f us, p90 %.0f us, p99 %.0f us, "
		    "max %.0f us\n", pct(50), pct(90), pct(99),
		    st.nlat ? (double)st.lat[st.nlat - 1] : 0.0);
		printf("bytes      %llu (%.0f per request)\n", st.bytes,
		    st.ok ? (double)st.bytes / (double)st.ok : 0.0);
		printf("errors    ");
		for (k = 0, n = 0; k < E_NKINDS; k++)
			if (st.err[k] != 0)
				printf(" %s=%llu", kind_name[k], st.err[k]),
				    n++;
		for (k = 0; k < 100; k++)
			if (st.status[k] != 0)
				printf(" status_%02zu=%llu", k, st.status[k]);
		printf("%s\n", n ? "" : " none");
		if (gemini)
			printf("tls        %llu handshakes, %llu resumed\n",
			    st.handshakes, st.resumed);
		if (server_pid)
			printf("server     %.1f us CPU/request (%.2f s over "
			    "%d processes), RSS %.1f MB, PSS %.1f MB\n",
			    st.ok ? cpu_server * 1e6 / (double)st.ok : 0.0,
			    cpu_server, p1.nprocs, (double)p1.rss_kb / 1024,
			    (double)p1.pss_kb / 1024);
		printf("client     %.1f us CPU/request\n", st.ok ?
		    cpu_client * 1e6 / (double)st.ok : 0.0);
		if (idle)
			printf("idle       %llu of %zu held open\n", idle_open,
			    idle);
	}
	return 0;
}
