/*
 * The supervisor. It binds every listener, loads the keypair and the magic
 * database, drops privileges, then forks one generation of workers that
 * share the listening sockets. It restarts workers that die, replaces the
 * whole generation on SIGHUP (the old one finishes its in-flight
 * responses), relays SIGUSR1, and on SIGTERM or SIGINT waits for the
 * workers to finish before returning 0.
 *
 * A worker is forked from inside the supervisor's event loop: the child
 * breaks out of that loop, re-initialises and frees the supervisor's event
 * base (its epoll instance is shared with the parent), runs worker_run(),
 * frees what it inherited and returns from server_run().
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <tls.h>

#include "article.h"
#include "build.h"
#include "capsule.h"
#include "certgen.h"
#include "config.h"
#include "log.h"
#include "privdrop.h"
#include "server.h"
#include "tlsconf.h"
#include "worker.h"

#define BACKLOG		511
#define KILL_GRACE	5	/* seconds past shutdown_timeout: SIGKILL */
#define RESPAWN_DELAY	1	/* seconds before restarting a crash loop */

/* What one generation of workers serves. */
struct gen {
	unsigned		 id;
	struct config		*cfg;
	struct capsule		*capsule;
	struct tls_config	*tlscfg;	/* NULL: no TLS configured */
	struct keypair		 kp;		/* what tlscfg was made from */
	int			 static_fd;
	size_t			 nworkers;
};

struct child {
	pid_t			 pid;
	unsigned		 gen;
	int			 ctl;		/* write end of its pipe */
	time_t			 started;
};

enum { SIG_CHLD, SIG_TERM, SIG_INT, SIG_HUP, SIG_USR1, NSIGS };

struct server {
	const char		*config_path;
	struct gen		*cur;
	struct gen		*prev;		/* only during a reload */
	struct listener		*listeners;
	size_t			 nlisteners;
	struct magic_set	*magic;
	struct event_base	*base;
	struct event		*sig[NSIGS];
	struct event		*rotate;	/* ticket keys */
	struct event		*respawn;
	struct event		*kill;		/* shutdown deadline */
	struct child		*children;
	size_t			 nchildren;
	size_t			 capchildren;
	struct ticket_key	 keys[2];	/* previous, current */
	size_t			 nkeys;
	unsigned		 ngen;
	int			 stopping;
	int			 failed;
	int			 in_child;	/* this process is a new worker */
	struct worker_params	 wp;
};

static int	 spawn_missing(struct server *);

static void
gen_free(struct gen *g)
{
	if (g == NULL)
		return;
	if (g->tlscfg != NULL)
		tls_config_free(g->tlscfg);
	keypair_free(&g->kp);
	if (g->static_fd != -1)
		close(g->static_fd);
	capsule_free(g->capsule);
	config_free(g->cfg);
	free(g);
}

static size_t
nworkers(const struct config *cfg)
{
	long	 n;

	if (cfg->workers > 0)
		return (size_t)cfg->workers;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}

static int
same_str(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * Loads (creating it on first start) and checks the keypair. On reload
 * after a privilege drop or chroot the key file is usually out of reach:
 * the keypair already in memory is kept when the paths did not change.
 */
static struct tls_config *
load_tls(const struct config *cfg, const struct gen *prev,
    struct keypair *kp)
{
	struct tls_config	*tc = NULL;

	if (cfg->cert == NULL || cfg->key == NULL) {
		log_err("[gemini] cert and key are required for TLS");
		return NULL;
	}
	if (prev != NULL && prev->kp.key != NULL &&
	    same_str(cfg->cert, prev->cfg->cert) &&
	    same_str(cfg->key, prev->cfg->key) &&
	    (access(cfg->cert, R_OK) == -1 || access(cfg->key, R_OK) == -1)) {
		log_warn("reload: cannot read %s or %s any more; keeping the "
		    "keypair loaded at startup", cfg->cert, cfg->key);
		if (keypair_dup(kp, &prev->kp) == -1)
			return NULL;
	} else if (certgen_ensure(cfg->cert, cfg->key, cfg->hostname) == -1 ||
	    keypair_load(kp, cfg->cert, cfg->key) == -1)
		return NULL;
	if (cert_check(cfg->cert, kp->cert, kp->certlen, cfg->key, kp->key,
	    kp->keylen) == 0)
		tc = tlsconf_new(kp, cfg->cert);
	return tc;
}

/* Takes cfg and capsule, even on failure. */
static struct gen *
gen_new(struct server *s, struct config *cfg, struct capsule *capsule)
{
	struct gen	*g;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		log_err("out of memory");
		capsule_free(capsule);
		config_free(cfg);
		return NULL;
	}
	g->cfg = cfg;
	g->capsule = capsule;
	g->static_fd = -1;
	g->nworkers = nworkers(cfg);
	if ((cfg->gemini_enabled || (cfg->gopher_enabled && cfg->gopher_tls))
	    && (g->tlscfg = load_tls(cfg, s->cur, &g->kp)) == NULL)
		goto fail;
	if (cfg->static_dir != NULL && (g->static_fd = open(cfg->static_dir,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		log_err("[capsule] static %s: %s", cfg->static_dir,
		    strerror(errno));
		goto fail;
	}
	g->id = ++s->ngen;
	return g;
fail:
	gen_free(g);
	return NULL;
}

static int
bind_one(struct listener *l, const struct listen_addr *a, enum proto proto)
{
	int	 fd, on = 1;

	l->fd = -1;
	l->proto = proto;
	l->port = a->port;
	snprintf(l->text, sizeof(l->text), "%s", a->text);
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_err("listen %s: socket: %s", a->text, strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    (a->ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &on, sizeof(on)) == -1) ||
	    bind(fd, (const struct sockaddr *)&a->ss, a->sslen) == -1 ||
	    listen(fd, BACKLOG) == -1) {
		log_err("listen %s: %s", a->text, strerror(errno));
		close(fd);
		return -1;
	}
	l->fd = fd;
	return 0;
}

static int
bind_all(struct server *s, const struct config *cfg)
{
	size_t	 n = 0, i;

	if (cfg->gemini_enabled)
		n += cfg->gemini_nlisten;
	if (cfg->gopher_enabled)
		n += cfg->gopher_nlisten;
	if (n == 0) {
		log_err("nothing to serve: enable [gemini] or [gopher] with "
		    "at least one listen address");
		return -1;
	}
	if ((s->listeners = calloc(n, sizeof(*s->listeners))) == NULL) {
		log_err("out of memory");
		return -1;
	}
	for (i = 0; cfg->gemini_enabled && i < cfg->gemini_nlisten; i++)
		if (bind_one(&s->listeners[s->nlisteners++],
		    &cfg->gemini_listen[i], PROTO_GEMINI) == -1)
			return -1;
	for (i = 0; cfg->gopher_enabled && i < cfg->gopher_nlisten; i++)
		if (bind_one(&s->listeners[s->nlisteners++],
		    &cfg->gopher_listen[i], PROTO_GOPHER) == -1)
			return -1;
	return 0;
}

/* Whether cfg listens where the sockets already are. */
static int
same_listeners(const struct server *s, const struct config *cfg)
{
	size_t	 i, n = 0;

	for (i = 0; cfg->gemini_enabled && i < cfg->gemini_nlisten; i++, n++)
		if (n >= s->nlisteners || s->listeners[n].proto !=
		    PROTO_GEMINI || strcmp(s->listeners[n].text,
		    cfg->gemini_listen[i].text) != 0)
			return 0;
	for (i = 0; cfg->gopher_enabled && i < cfg->gopher_nlisten; i++, n++)
		if (n >= s->nlisteners || s->listeners[n].proto !=
		    PROTO_GOPHER || strcmp(s->listeners[n].text,
		    cfg->gopher_listen[i].text) != 0)
			return 0;
	return n == s->nlisteners;
}

static struct child *
find_child(struct server *s, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < s->nchildren; i++)
		if (s->children[i].pid == pid)
			return &s->children[i];
	return NULL;
}

static size_t
count_gen(const struct server *s, unsigned gen)
{
	size_t	 i, n = 0;

	for (i = 0; i < s->nchildren; i++)
		if (s->children[i].gen == gen)
			n++;
	return n;
}

/*
 * Forks one worker of the current generation. Returns 0 in the parent,
 * 1 in the new worker (which must return to the event loop at once), -1
 * on failure.
 */
static int
spawn(struct server *s)
{
	struct child	*c;
	sigset_t	 all, old;
	pid_t		 pid;
	int		 p[2];
	size_t		 i;

	if (s->nchildren == s->capchildren) {
		size_t	 n = s->capchildren ? s->capchildren * 2 : 8;

		if ((c = reallocarray(s->children, n, sizeof(*c))) == NULL) {
			log_err("out of memory");
			return -1;
		}
		s->children = c;
		s->capchildren = n;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		log_err("pipe: %s", strerror(errno));
		return -1;
	}
	/* No signal may reach the supervisor's handlers in the child. */
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, &old) == -1) {
		log_err("sigprocmask: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		log_err("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	if (pid == 0) {
		close(p[1]);
		/* Siblings must see end of file when the supervisor dies. */
		for (i = 0; i < s->nchildren; i++)
			close(s->children[i].ctl);
		s->nchildren = 0;
		s->in_child = 1;
		s->wp.cfg = s->cur->cfg;
		s->wp.capsule = s->cur->capsule;
		s->wp.magic = s->magic;
		s->wp.static_fd = s->cur->static_fd;
		s->wp.tlscfg = s->cur->tlscfg;
		s->wp.listeners = s->listeners;
		s->wp.nlisteners = s->nlisteners;
		s->wp.ctlfd = p[0];
		s->wp.keys = s->keys + (2 - s->nkeys);
		s->wp.nkeys = s->nkeys;
		event_base_loopbreak(s->base);
		return 1;
	}
	close(p[0]);
	if (fcntl(p[1], F_SETFL, O_NONBLOCK) == -1)
		log_warn("pipe: %s", strerror(errno));
	c = &s->children[s->nchildren++];
	c->pid = pid;
	c->gen = s->cur->id;
	c->ctl = p[1];
	c->started = time(NULL);
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* Tops the current generation up to its size. 1 in a new worker. */
static int
spawn_missing(struct server *s)
{
	int	 rv;

	while (!s->stopping && count_gen(s, s->cur->id) < s->cur->nworkers) {
		if ((rv = spawn(s)) != 0)
			return rv;
	}
	return 0;
}

static void
signal_gen(struct server *s, unsigned gen, int sig, int all)
{
	size_t	 i;

	for (i = 0; i < s->nchildren; i++)
		if (all || s->children[i].gen == gen)
			(void)kill(s->children[i].pid, sig);
}

static void
reap(struct server *s)
{
	struct child	*c;
	pid_t		 pid;
	int		 st, early = 0;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if ((c = find_child(s, pid)) == NULL)
			continue;
		if (c->gen != s->cur->id || s->stopping) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				log_debug("worker %d exited", (int)pid);
			else
				log_warn("worker %d ended with status %d",
				    (int)pid, st);
		} else {
			if (WIFSIGNALED(st))
				log_err("worker %d killed by signal %d; "
				    "restarting it", (int)pid, WTERMSIG(st));
			else
				log_err("worker %d exited with status %d; "
				    "restarting it", (int)pid,
				    WIFEXITED(st) ? WEXITSTATUS(st) : st);
			if (time(NULL) - c->started < RESPAWN_DELAY + 1)
				early = 1;
		}
		close(c->ctl);
		*c = s->children[--s->nchildren];
	}
	if (s->stopping) {
		if (s->nchildren == 0)
			event_base_loopbreak(s->base);
		return;
	}
	if (early) {
		/* Crash loop: do not fork as fast as workers die. */
		struct timeval	 tv = { RESPAWN_DELAY, 0 };

		if (evtimer_add(s->respawn, &tv) == -1)
			log_err("evtimer_add");
		return;
	}
	if (!evtimer_pending(s->respawn, NULL))
		(void)spawn_missing(s);
}

static void
on_respawn(evutil_socket_t fd, short what, void *arg)
{
	(void)spawn_missing(arg);
}

static void
on_kill(evutil_socket_t fd, short what, void *arg)
{
	struct server	*s = arg;

	log_warn("shutdown: %zu workers still running; killing them",
	    s->nchildren);
	signal_gen(s, 0, SIGKILL, 1);
}

static void
shut_down(struct server *s)
{
	struct timeval	 tv;

	if (s->stopping)
		return;
	s->stopping = 1;
	log_info("shutting down");
	event_del(s->respawn);
	event_del(s->rotate);
	signal_gen(s, 0, SIGTERM, 1);
	if (s->nchildren == 0) {
		event_base_loopbreak(s->base);
		return;
	}
	tv.tv_sec = s->cur->cfg->shutdown_timeout + KILL_GRACE;
	tv.tv_usec = 0;
	if (evtimer_add(s->kill, &tv) == -1)
		log_err("evtimer_add");
}

/*
 * The name of a *.txt in dir whose slug is slug[0..len), or NULL: the
 * source of an article page. Free the result.
 */
static char *
article_source(const char *dir, const char *slug, size_t len)
{
	DIR		*d;
	struct dirent	*de;
	char		*sl, *name = NULL;
	size_t		 n;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (name == NULL && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 4, ".txt") != 0 ||
		    (sl = article_slug(de->d_name)) == NULL)
			continue;
		if (strlen(sl) == len && memcmp(sl, slug, len) == 0)
			name = strdup(de->d_name);
		free(sl);
	}
	(void)closedir(d);
	return name;
}

/*
 * 1 when an article the running capsule serves is missing from the new
 * one although its file is still there: it could not be converted any
 * more (binary, empty, unreadable), and a reload should not silently drop
 * a page that works. A deleted file is a change, not damage: 0.
 */
static int
article_broken(const struct capsule *old, const struct capsule *c,
    const struct config *cfg)
{
	const struct entry	*e;
	const char		*slug;
	char			*name;
	size_t			 i, n, len;

	n = capsule_count(old, PROTO_GEMINI);
	for (i = 0; i < n; i++) {
		e = capsule_at(old, PROTO_GEMINI, i);
		if (strncmp(e->path, "/articles/", 10) != 0)
			continue;
		slug = e->path + 10;
		len = strlen(slug);
		if (len <= 4 || strcmp(slug + len - 4, ".gmi") != 0 ||
		    memchr(slug, '/', len) != NULL ||
		    capsule_find(c, PROTO_GEMINI, e->path) != NULL)
			continue;
		if ((name = article_source(cfg->articles, slug,
		    len - 4)) != NULL) {
			log_err("reload failed: %s/%s could not be converted "
			    "(see above); still serving the previous capsule",
			    cfg->articles, name);
			free(name);
			return 1;
		}
	}
	return 0;
}

static void
reload(struct server *s)
{
	struct config		*cfg;
	struct capsule		*capsule;
	struct build_stats	 st;
	struct gen		*g;

	log_info("reloading %s", s->config_path);
	if ((cfg = config_load(s->config_path)) == NULL) {
		log_err("reload failed: %s has errors; still serving the "
		    "previous configuration", s->config_path);
		return;
	}
	if (!same_listeners(s, cfg))
		log_warn("reload: listen addresses changed; restart to "
		    "apply them, keeping the current sockets");
	memset(&st, 0, sizeof(st));
	if ((capsule = build_capsule(cfg, &st)) == NULL) {
		log_err("reload failed: the capsule could not be built; "
		    "still serving the previous one");
		config_free(cfg);
		return;
	}
	if (article_broken(s->cur->capsule, capsule, cfg)) {
		capsule_free(capsule);
		config_free(cfg);
		return;
	}
	if ((g = gen_new(s, cfg, capsule)) == NULL) {
		log_err("reload failed; still serving the previous "
		    "configuration");
		return;
	}
	s->prev = s->cur;
	s->cur = g;
	if (spawn_missing(s) == 1)
		return;		/* this is a new worker */
	if (count_gen(s, g->id) == 0) {
		log_err("reload failed: no worker could be started; still "
		    "serving the previous configuration");
		s->cur = s->prev;
		s->prev = NULL;
		gen_free(g);
		return;
	}
	if (count_gen(s, g->id) < g->nworkers) {
		struct timeval	 tv = { RESPAWN_DELAY, 0 };

		(void)evtimer_add(s->respawn, &tv);
	}
	/* The new generation accepts; the old one finishes and exits. */
	signal_gen(s, s->prev->id, SIGTERM, 0);
	gen_free(s->prev);
	s->prev = NULL;
	log_info("reloaded %s: %zu articles, %zu pages", s->config_path,
	    st.articles, st.pages);
}

static void
rotate_keys(struct server *s)
{
	struct ticket_key	 tk;
	size_t			 i;

	if (ticket_key_new(&tk, s->keys[1].rev + 1) == -1)
		return;
	s->keys[0] = s->keys[1];
	s->keys[1] = tk;
	s->nkeys = 2;
	explicit_bzero(&tk, sizeof(tk));
	for (i = 0; i < s->nchildren; i++)
		if (write(s->children[i].ctl, s->keys + 1,
		    sizeof(struct ticket_key)) != (ssize_t)sizeof(tk))
			log_warn("worker %d: cannot pass the new ticket key",
			    (int)s->children[i].pid);
}

static void
on_rotate(evutil_socket_t fd, short what, void *arg)
{
	rotate_keys(arg);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server	*s = arg;

	switch (sig) {
	case SIGCHLD:
		reap(s);
		break;
	case SIGTERM:
	case SIGINT:
		shut_down(s);
		break;
	case SIGHUP:
		if (!s->stopping)
			reload(s);
		break;
	case SIGUSR1:
		log_reopen();
		signal_gen(s, 0, SIGUSR1, 1);
		break;
	}
}

static int
setup_events(struct server *s)
{
	static const int	 sigs[NSIGS] = { SIGCHLD, SIGTERM, SIGINT,
	    SIGHUP, SIGUSR1 };
	struct timeval		 tv = { TICKET_ROTATE, 0 };
	size_t			 i;

	for (i = 0; i < NSIGS; i++)
		if ((s->sig[i] = evsignal_new(s->base, sigs[i], on_signal,
		    s)) == NULL || evsignal_add(s->sig[i], NULL) == -1)
			return -1;
	if ((s->rotate = event_new(s->base, -1, EV_PERSIST, on_rotate,
	    s)) == NULL || event_add(s->rotate, &tv) == -1 ||
	    (s->respawn = evtimer_new(s->base, on_respawn, s)) == NULL ||
	    (s->kill = evtimer_new(s->base, on_kill, s)) == NULL)
		return -1;
	return 0;
}

static void
free_events(struct server *s)
{
	size_t	 i;

	for (i = 0; i < NSIGS; i++)
		if (s->sig[i] != NULL)
			event_free(s->sig[i]);
	if (s->rotate != NULL)
		event_free(s->rotate);
	if (s->respawn != NULL)
		event_free(s->respawn);
	if (s->kill != NULL)
		event_free(s->kill);
	memset(s->sig, 0, sizeof(s->sig));
	s->rotate = s->respawn = s->kill = NULL;
	if (s->base != NULL)
		event_base_free(s->base);
	s->base = NULL;
}

static void
free_rest(struct server *s)
{
	size_t	 i;

	for (i = 0; i < s->nchildren; i++)
		close(s->children[i].ctl);
	free(s->children);
	for (i = 0; i < s->nlisteners; i++)
		if (s->listeners[i].fd != -1)
			close(s->listeners[i].fd);
	free(s->listeners);
	if (s->wp.ctlfd != -1)
		close(s->wp.ctlfd);
	gen_free(s->prev);
	gen_free(s->cur);
	if (s->magic != NULL)
		magic_close(s->magic);
	explicit_bzero(s->keys, sizeof(s->keys));
}

/* Everything that needs root or paths outside a chroot. */
static int
prepare(struct server *s, struct config *cfg, struct capsule *capsule)
{
	uint32_t	 rev;

	if (tls_init() == -1) {
		log_err("tls_init failed");
		config_free(cfg);
		capsule_free(capsule);
		return -1;
	}
	if ((s->cur = gen_new(s, cfg, capsule)) == NULL)
		return -1;
	if (bind_all(s, cfg) == -1)
		return -1;
	if ((s->magic = magic_open(MAGIC_MIME_TYPE)) == NULL ||
	    magic_load(s->magic, NULL) == -1) {
		log_err("libmagic: %s", s->magic != NULL ?
		    magic_error(s->magic) : strerror(errno));
		return -1;
	}
	if (privdrop(cfg->user, cfg->chroot, cfg->allow_root) == -1)
		return -1;
	/* The ticket key every worker shares; rotated by a timer. */
	if (getentropy(&rev, sizeof(rev)) == -1 ||
	    ticket_key_new(&s->keys[1], rev) == -1)
		return -1;
	s->nkeys = 1;
	return 0;
}

static void
log_listening(const struct server *s)
{
	size_t	 i;

	for (i = 0; i < s->nlisteners; i++)
		log_info("listening on %s (%s)", s->listeners[i].text,
		    s->listeners[i].proto == PROTO_GEMINI ? "gemini" :
		    "gopher");
	log_info("%zu workers, up to %d connections each", s->cur->nworkers,
	    s->cur->cfg->max_connections);
}

int
server_run(const char *config_path, struct config *cfg,
    struct capsule *capsule)
{
	struct server	 s;
	sigset_t	 hold, old;
	size_t		 i;
	int		 rv = 1;

	memset(&s, 0, sizeof(s));
	s.config_path = config_path;
	s.wp.ctlfd = -1;
	/*
	 * The listeners accept before the signal events exist; meanwhile
	 * SIGHUP or SIGUSR1 would kill the supervisor (their default
	 * action), and SIGTERM or SIGINT would stop it without a clean
	 * exit. Hold them until the events are set up, then they act.
	 */
	sigemptyset(&hold);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGUSR1);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGINT);
	if (sigprocmask(SIG_BLOCK, &hold, &old) == -1 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
		log_err("signal: %s", strerror(errno));
		config_free(cfg);
		capsule_free(capsule);
		return 1;
	}
	if ((s.base = event_base_new()) == NULL) {
		log_err("event_base_new failed");
		config_free(cfg);
		capsule_free(capsule);
		return 1;
	}
	if (prepare(&s, cfg, capsule) == -1)
		goto out;
	if (setup_events(&s) == -1) {
		log_err("cannot set up supervisor events");
		goto out;
	}
	if (sigprocmask(SIG_SETMASK, &old, NULL) == -1) {
		log_err("sigprocmask: %s", strerror(errno));
		goto out;
	}
	log_listening(&s);
	if (spawn_missing(&s) == -1 || (!s.in_child &&
	    s.nchildren == 0)) {
		shut_down(&s);
		goto out;
	}
	if (!s.in_child && event_base_dispatch(s.base) == -1)
		log_err("event loop failed");
	if (s.in_child) {
		/* Detach from the parent's epoll before freeing the base. */
		if (event_reinit(s.base) == -1)
			log_err("event_reinit failed");
		free_events(&s);
		rv = worker_run(&s.wp);
		free_rest(&s);
		return rv;
	}
	rv = 0;
	log_info("stopped");
out:
	/* Only when setup failed half-way: no worker outlives us. */
	signal_gen(&s, 0, SIGKILL, 1);
	for (i = 0; i < s.nchildren; i++)
		(void)waitpid(s.children[i].pid, NULL, 0);
	free_events(&s);
	free_rest(&s);
	return rv;
}
