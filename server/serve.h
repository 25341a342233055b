/*
 * What the protocol modules need to answer a request: the config, the
 * capsule and the static file root. Owned by a worker; replaced whole on
 * reload.
 */
#ifndef GEMSERV_SERVE_H
#define GEMSERV_SERVE_H

struct config;
struct capsule;
struct magic_set;
struct mime_cache;

struct serve_ctx {
	const struct config	*cfg;
	const struct capsule	*capsule;
	struct magic_set	*magic;		/* loaded before any chroot */
	struct mime_cache	*mimes;		/* libmagic's answers, or NULL */
	int			 static_fd;	/* O_DIRECTORY of [capsule] static, or -1 */
};

#endif
