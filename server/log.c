/*
 * Logging to stderr, syslog or a file. Messages are formatted into one
 * buffer and written with a single write(2), so lines from several worker
 * processes appending to one file do not interleave.
 *
 * A worker may batch its access lines: they collect in a buffer that the
 * event loop flushes after every pass, so the lines of a busy moment cost
 * one write(2) together. A batch never passes PIPE_BUF, which keeps it
 * whole on a pipe shared with other writers too, and any other message
 * flushes the batch before it, so the log keeps its order.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LINE_MAX_LEN	2048	/* one message, with its newline */

enum target { TARGET_STDERR, TARGET_SYSLOG, TARGET_FILE };

static struct {
	enum target	 target;
	int		 fd;		/* stderr or the log file */
	char		*path;		/* TARGET_FILE */
	int		 verbose;
	unsigned	 warnings;
	int		 batch;		/* access lines wait for log_flush() */
	size_t		 pending;	/* bytes in out[] */
	char		 out[PIPE_BUF];
} logger = { TARGET_STDERR, STDERR_FILENO, NULL, 0, 0, 0, 0, { 0 } };

/* Best effort: there is nowhere to report a failing log. */
static void
put(const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(logger.fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void
log_flush(void)
{
	size_t	 n = logger.pending;

	if (n == 0)
		return;
	logger.pending = 0;
	put(logger.out, n);
}

void
log_batch(int on)
{
	if (!on)
		log_flush();
	logger.batch = on;
}

int
log_open(const char *target)
{
	int	 fd;
	char	*path;

	if (strcmp(target, "stderr") == 0) {
		log_close();
		return 0;
	}
	if (strcmp(target, "syslog") == 0) {
		log_close();
		openlog("gemserv", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		logger.target = TARGET_SYSLOG;
		return 0;
	}
	fd = open(target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		log_err("log file %s: %s", target, strerror(errno));
		return -1;
	}
	if ((path = strdup(target)) == NULL) {
		close(fd);
		return -1;
	}
	log_close();
	logger.target = TARGET_FILE;
	logger.fd = fd;
	logger.path = path;
	return 0;
}

int
log_reopen(void)
{
	int	 fd;

	if (logger.target != TARGET_FILE)
		return 0;
	fd = open(logger.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd == -1) {
		log_err("reopening log file %s: %s", logger.path,
		    strerror(errno));
		return -1;
	}
	/* Lines logged before the reopen belong to the old file. */
	log_flush();
	close(logger.fd);
	logger.fd = fd;
	return 0;
}

void
log_close(void)
{
	log_flush();
	if (logger.target == TARGET_FILE)
		close(logger.fd);
	else if (logger.target == TARGET_SYSLOG)
		closelog();
	free(logger.path);
	logger.path = NULL;
	logger.target = TARGET_STDERR;
	logger.fd = STDERR_FILENO;
}

void
log_set_verbose(int v)
{
	logger.verbose = v;
}

unsigned
log_warnings(void)
{
	return logger.warnings;
}

void
log_reset_warnings(void)
{
	logger.warnings = 0;
}

/*
 * stamp: prefix a time in a log file (access lines carry their own).
 * batch: the line may wait in the batch.
 */
static void
log_emit(int prio, const char *prefix, int stamp, int batch,
    const char *fmt, va_list ap)
{
	char		 line[LINE_MAX_LEN];
	size_t		 n = 0;
	int		 r;
	time_t		 now;
	struct tm	 tm;

	if (logger.target == TARGET_SYSLOG) {
		vsyslog(prio, fmt, ap);
		return;
	}
	if (logger.target == TARGET_FILE && stamp) {
		now = time(NULL);
		if (gmtime_r(&now, &tm) != NULL)
			n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ",
			    &tm);
	}
	r = snprintf(line + n, sizeof(line) - n, "%s", prefix);
	if (r > 0)
		n += (size_t)r;
	r = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (r > 0)
		n += (size_t)r;
	if (n > sizeof(line) - 2)	/* truncated: keep room for '\n' */
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (logger.pending + n > sizeof(logger.out))
		log_flush();
	if (batch && logger.batch) {
		memcpy(logger.out + logger.pending, line, n);
		logger.pending += n;
		return;
	}
	log_flush();
	put(line, n);
}

#define LOG_FUNC(name, prio, prefix, stamp, batch, cond, count)		\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	 ap;							\
									\
	if (!(cond))							\
		return;							\
	count;								\
	va_start(ap, fmt);						\
	log_emit(prio, prefix, stamp, batch, fmt, ap);			\
	va_end(ap);							\
}

LOG_FUNC(log_err, LOG_ERR, "gemserv: error: ", 1, 0, 1, (void)0)
LOG_FUNC(log_warn, LOG_WARNING, "gemserv: warning: ", 1, 0, 1,
    logger.warnings++)
LOG_FUNC(log_info, LOG_INFO, "gemserv: ", 1, 0, 1, (void)0)
LOG_FUNC(log_debug, LOG_DEBUG, "gemserv: debug: ", 1, 0, logger.verbose,
    (void)0)
LOG_FUNC(log_access, LOG_INFO, "", 0, 1, 1, (void)0)
