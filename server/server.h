/*
 * The server: a supervisor process that binds the listeners, loads keys,
 * drops privileges and keeps one worker per core running; workers serve
 * Gemini and Gopher connections from an event loop.
 */
#ifndef GEMSERV_SERVER_H
#define GEMSERV_SERVER_H

struct config;
struct capsule;

/*
 * Serves until SIGTERM or SIGINT. Takes ownership of cfg and capsule (a
 * SIGHUP replaces both with ones built from config_path). Returns the
 * process exit status.
 */
int	 server_run(const char *config_path, struct config *cfg,
	    struct capsule *capsule);

#endif
