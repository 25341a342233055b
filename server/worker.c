/*
 * The worker: accepts while below max_connections, hands each socket to a
 * conn, and stops gracefully on SIGTERM: no more accepting, in-flight
 * responses get shutdown_timeout seconds.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <tls.h>

#include "config.h"
#include "conn.h"
#include "log.h"
#include "mimecache.h"
#include "sandbox.h"
#include "serve.h"
#include "tlsconf.h"
#include "worker.h"

#define ACCEPT_BATCH	32	/* per wakeup, so workers share the load */
#define EMFILE_PAUSE	1	/* seconds without accepting when out of fds */
#define TRIM_PEAK	64	/* connections at once that earn a malloc_trim */
#define FD_RECORDS_MAX	65536	/* descriptor numbers reserved at start */

struct worker {
	const struct worker_params *p;
	struct event_base	*base;
	struct tls		*tls;
	struct serve_ctx	 ctx;
	struct conn_env		 env;
	struct event		**lev;		/* one per listener */
	int			 accepting;
	int			 stopping;
	struct conn		**slots;
	size_t			*freeslots;	/* stack of free slot numbers */
	size_t			 nfree;
	size_t			 max;
	size_t			 nconns;
	size_t			 peak;		/* most at once since the last trim */
	struct event		*sig[4];
	struct event		*ctl;
	struct event		*resume;	/* after EMFILE */
	struct event		*deadline;	/* shutdown_timeout */
	struct event		*keycheck;
	time_t			 lastkey;	/* when a ticket key last came */
};

static void
set_accepting(struct worker *w, int on)
{
	size_t	 i;

	if (w->accepting == on)
		return;
	for (i = 0; i < w->p->nlisteners; i++) {
		if (on) {
			if (event_add(w->lev[i], NULL) == -1)
				log_err("event_add: listener");
		} else
			event_del(w->lev[i]);
	}
	w->accepting = on;
}

static void
maybe_resume(struct worker *w)
{
	if (!w->stopping && w->nconns < w->max &&
	    !evtimer_pending(w->resume, NULL))
		set_accepting(w, 1);
}

static void
conn_done(struct conn *c, void *arg)
{
	struct worker	*w = arg;
	size_t		 slot = conn_slot(c);

	w->slots[slot] = NULL;
	w->freeslots[w->nfree++] = slot;
	w->nconns--;
	conn_free(c);
	/*
	 * Idle after a burst: hand the freed pages back to the system, which
	 * glibc would otherwise keep, so a flood does not leave the worker
	 * large for good.
	 */
	if (w->nconns == 0 && w->peak >= TRIM_PEAK) {
		(void)malloc_trim(0);
		w->peak = 0;
	}
	if (w->stopping && w->nconns == 0)
		event_base_loopbreak(w->base);
	else
		maybe_resume(w);
}

static void
on_accept(evutil_socket_t fd, short what, void *arg)
{
	struct worker		*w = arg;
	const struct listener	*l = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct conn		*c;
	struct timeval		 tv = { EMFILE_PAUSE, 0 };
	size_t			 i;
	int			 cfd;

	for (i = 0; i < w->p->nlisteners; i++)
		if (w->p->listeners[i].fd == fd)
			l = &w->p->listeners[i];
	if (l == NULL)
		return;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		if (w->nconns >= w->max) {
			set_accepting(w, 0);
			return;
		}
		sslen = sizeof(ss);
		cfd = accept4(fd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE) {
				log_warn("accept on %s: %s; pausing", l->text,
				    strerror(errno));
				set_accepting(w, 0);
				if (evtimer_add(w->resume, &tv) == -1)
					log_err("evtimer_add");
			} else if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_err("accept on %s: %s", l->text,
				    strerror(errno));
			return;
		}
		c = conn_new(&w->env, cfd, l->proto, l->port,
		    (struct sockaddr *)&ss, sslen);
		if (c == NULL)
			continue;
		conn_set_slot(c, w->freeslots[--w->nfree]);
		w->slots[conn_slot(c)] = c;
		w->nconns++;
		if (w->nconns > w->peak)
			w->peak = w->nconns;
		conn_start(c);
	}
}

static void
on_resume(evutil_socket_t fd, short what, void *arg)
{
	maybe_resume(arg);
}

static void
abort_all(struct worker *w)
{
	size_t	 i;

	for (i = 0; i < w->max; i++) {
		if (w->slots[i] == NULL)
			continue;
		conn_free(w->slots[i]);
		w->slots[i] = NULL;
	}
	w->nconns = 0;
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*w = arg;

	if (w->nconns > 0)
		log_warn("shutdown: closing %zu unfinished connections",
		    w->nconns);
	abort_all(w);
	event_base_loopbreak(w->base);
}

static void
stop(struct worker *w)
{
	struct timeval	 tv;

	if (w->stopping)
		return;
	w->stopping = 1;
	set_accepting(w, 0);
	event_del(w->resume);
	if (w->nconns == 0) {
		event_base_loopbreak(w->base);
		return;
	}
	tv.tv_sec = w->p->cfg->shutdown_timeout;
	tv.tv_usec = 0;
	if (evtimer_add(w->deadline, &tv) == -1) {
		abort_all(w);
		event_base_loopbreak(w->base);
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct worker	*w = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		stop(w);
		break;
	case SIGUSR1:
		log_reopen();
		break;
	default:
		break;	/* SIGHUP is the supervisor's business */
	}
}

static void
on_ctl(evutil_socket_t fd, short what, void *arg)
{
	struct worker		*w = arg;
	struct ticket_key	 tk;
	ssize_t			 n;

	n = read(fd, &tk, sizeof(tk));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == (ssize_t)sizeof(tk)) {
		if (w->p->tlscfg != NULL &&
		    tlsconf_add_ticket_key(w->p->tlscfg, &tk) == 0)
			w->lastkey = time(NULL);
		explicit_bzero(&tk, sizeof(tk));
		return;
	}
	/* The supervisor is gone (or the pipe is broken): finish up. */
	event_del(w->ctl);
	stop(w);
}

/*
 * Without fresh keys from the supervisor every handshake would fail once
 * the last key expires: seal with a key of our own (tickets then resume
 * on this worker only) rather than stop serving.
 */
static void
on_keycheck(evutil_socket_t fd, short what, void *arg)
{
	struct worker		*w = arg;
	struct ticket_key	 tk;

	if (w->p->tlscfg == NULL || time(NULL) - w->lastkey < 2 * TICKET_ROTATE)
		return;
	if (ticket_key_new(&tk, (uint32_t)getpid() << 8 |
	    (uint32_t)(time(NULL) & 0xff)) == -1)
		return;
	if (tlsconf_add_ticket_key(w->p->tlscfg, &tk) == 0) {
		w->lastkey = time(NULL);
		log_warn("no ticket key from the supervisor; using a local one");
	}
	explicit_bzero(&tk, sizeof(tk));
}

static void
on_nothing(evutil_socket_t fd, short what, void *arg)
{
}

/*
 * libevent keeps a small record for every descriptor number it has ever
 * watched, made the first time and kept for good. Made during a flood,
 * each lands between the allocations of live connections and pins its
 * heap page once they are freed: 2,000 connections left 5 MB resident
 * for 100 KB of records. Watching each number a connection can get once,
 * at start, packs the records together instead. A connection can hold
 * two descriptors (its socket and a static file); dup stops at the
 * process's descriptor limit, which no connection can pass either.
 */
static void
reserve_fd_records(struct event_base *base, size_t max_connections)
{
	struct event	*ev;
	size_t		 want, n = 0, i;
	int		 sv[2], *fds;

	want = max_connections < (FD_RECORDS_MAX - 64) / 2 ?
	    2 * max_connections + 64 : FD_RECORDS_MAX;
	if ((fds = calloc(want, sizeof(*fds))) == NULL)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		free(fds);
		return;
	}
	while (n < want && (fds[n] = fcntl(sv[0], F_DUPFD_CLOEXEC, 0)) != -1)
		n++;
	for (i = 0; i < n; i++) {
		if ((ev = event_new(base, fds[i], EV_READ, on_nothing,
		    NULL)) != NULL) {
			(void)event_add(ev, NULL);
			event_free(ev);
		}
		(void)close(fds[i]);
	}
	(void)close(sv[0]);
	(void)close(sv[1]);
	free(fds);
}

static int
setup(struct worker *w)
{
	static const int	 sigs[] = { SIGTERM, SIGINT, SIGUSR1, SIGHUP };
	const struct worker_params *p = w->p;
	struct timeval		 keytv = { TICKET_ROTATE / 2, 0 };
	size_t			 i;

	if ((w->base = event_base_new()) == NULL) {
		log_err("event_base_new failed");
		return -1;
	}
	reserve_fd_records(w->base, p->cfg->max_connections > 0 ?
	    (size_t)p->cfg->max_connections : 1);
	if (p->tlscfg != NULL) {
		for (i = 0; i < p->nkeys; i++)
			if (tlsconf_add_ticket_key(p->tlscfg,
			    &p->keys[i]) == -1)
				return -1;
		if ((w->tls = tlsconf_server(p->tlscfg)) == NULL)
			return -1;
		w->lastkey = time(NULL);
	}
	w->ctx.cfg = p->cfg;
	w->ctx.capsule = p->capsule;
	w->ctx.magic = p->magic;
	/* Without the cache every static request runs libmagic: not fatal. */
	if ((w->ctx.mimes = mime_cache_new()) == NULL)
		log_warn("out of memory for the MIME type cache");
	w->ctx.static_fd = p->static_fd;
	w->env.base = w->base;
	w->env.ctx = &w->ctx;
	w->env.tls = w->tls;
	w->env.gopher_tls = p->cfg->gopher_tls;
	w->env.handshake_timeout = p->cfg->handshake_timeout;
	w->env.read_timeout = p->cfg->read_timeout;
	w->env.done = conn_done;
	w->env.arg = w;

	w->max = p->cfg->max_connections > 0 ?
	    (size_t)p->cfg->max_connections : 1;
	if ((w->slots = calloc(w->max, sizeof(*w->slots))) == NULL ||
	    (w->freeslots = calloc(w->max, sizeof(*w->freeslots))) == NULL ||
	    (w->lev = calloc(p->nlisteners ? p->nlisteners : 1,
	    sizeof(*w->lev))) == NULL) {
		log_err("out of memory");
		return -1;
	}
	for (i = 0; i < w->max; i++)
		w->freeslots[i] = w->max - 1 - i;
	w->nfree = w->max;
	for (i = 0; i < p->nlisteners; i++)
		if ((w->lev[i] = event_new(w->base, p->listeners[i].fd,
		    EV_READ | EV_PERSIST, on_accept, w)) == NULL)
			goto nomem;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if ((w->sig[i] = evsignal_new(w->base, sigs[i], on_signal,
		    w)) == NULL || evsignal_add(w->sig[i], NULL) == -1)
			goto nomem;
	if ((w->resume = evtimer_new(w->base, on_resume, w)) == NULL ||
	    (w->deadline = evtimer_new(w->base, on_deadline, w)) == NULL ||
	    (w->keycheck = event_new(w->base, -1, EV_PERSIST, on_keycheck,
	    w)) == NULL || event_add(w->keycheck, &keytv) == -1)
		goto nomem;
	if (p->ctlfd != -1) {
		if (fcntl(p->ctlfd, F_SETFL, O_NONBLOCK) == -1 ||
		    (w->ctl = event_new(w->base, p->ctlfd,
		    EV_READ | EV_PERSIST, on_ctl, w)) == NULL ||
		    event_add(w->ctl, NULL) == -1)
			goto nomem;
	}
	set_accepting(w, 1);
	return 0;
nomem:
	log_err("worker: cannot set up events");
	return -1;
}

static void
teardown(struct worker *w)
{
	size_t	 i;

	if (w->slots != NULL)
		abort_all(w);
	for (i = 0; w->lev != NULL && i < w->p->nlisteners; i++)
		if (w->lev[i] != NULL)
			event_free(w->lev[i]);
	for (i = 0; i < sizeof(w->sig) / sizeof(w->sig[0]); i++)
		if (w->sig[i] != NULL)
			event_free(w->sig[i]);
	if (w->ctl != NULL)
		event_free(w->ctl);
	if (w->resume != NULL)
		event_free(w->resume);
	if (w->deadline != NULL)
		event_free(w->deadline);
	if (w->keycheck != NULL)
		event_free(w->keycheck);
	free(w->lev);
	mime_cache_free(w->ctx.mimes);
	free(w->slots);
	free(w->freeslots);
	if (w->tls != NULL)
		tls_free(w->tls);
	if (w->base != NULL)
		event_base_free(w->base);
}

/*
 * The event loop, one pass at a time: the access lines a pass logged go
 * out together in one write once its callbacks are done, before the
 * worker waits again, so a line is never held while the worker is idle.
 */
static int
run_loop(struct event_base *base)
{
	int	 rv;

	log_batch(1);
	for (;;) {
		rv = event_base_loop(base, EVLOOP_ONCE);
		log_flush();
		if (rv != 0)
			return rv == 1 ? 0 : -1;
		if (event_base_got_break(base) || event_base_got_exit(base))
			return 0;
	}
}

int
worker_run(const struct worker_params *p)
{
	struct worker	 w;
	sigset_t	 none;
	int		 rv = 1;

	memset(&w, 0, sizeof(w));
	w.p = p;
	/* Confined once set up: nothing it needs later is out of reach. */
	if (setup(&w) == 0 && sandbox_enter(p->static_fd, p->cfg->log) == 0) {
		sigemptyset(&none);
		if (sigprocmask(SIG_SETMASK, &none, NULL) == -1)
			log_err("sigprocmask: %s", strerror(errno));
		else if (run_loop(w.base) == -1)
			log_err("worker: event loop failed");
		else
			rv = 0;
	}
	teardown(&w);
	log_batch(0);
	return rv;
}
