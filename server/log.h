/*
 * Logging: errors, warnings and the access log go to one place chosen by
 * [server] log: "stderr", "syslog" or a file path. The logger is the one
 * piece of process-wide state besides the config and the capsule.
 */
#ifndef GEMSERV_LOG_H
#define GEMSERV_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* target: "stderr", "syslog" or a path opened for appending. 0 or -1. */
int	 log_open(const char *target);
int	 log_reopen(void);		/* SIGUSR1: reopen a log file */
void	 log_close(void);
void	 log_set_verbose(int);		/* show LOG_LVL_DEBUG messages */
/* Counts warnings since the last reset, so -n can report them. */
unsigned log_warnings(void);
void	 log_reset_warnings(void);

void	 log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * Batching (workers): access lines wait in a buffer, at most PIPE_BUF
 * bytes, until log_flush(); any other message, a reopen and log_close()
 * flush it first. log_batch(0) flushes and stops batching.
 */
void	 log_batch(int);
void	 log_flush(void);
/* One line, no prefix: the access log. */
void	 log_access(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
