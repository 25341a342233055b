/*
 * Logging to stderr, syslog or a file. Messages are formatted into one
 * buffer and written with a single write(2), so lines from several worker
 * processes appending to one file do not interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

enum target { TARGET_STDERR, TARGET_SYSLOG, TARGET_FILE };

static struct {
	enum target	 target;
	int		 fd;		/* stderr or the log file */
	char		*path;		/* TARGET_FILE */
	int		 verbose;
	unsigned	 warnings;
} logger = { TARGET_STDERR, STDERR_FILENO, NULL, 0, 0 };

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
	close(logger.fd);
	logger.fd = fd;
	return 0;
}

void
log_close(void)
{
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

/* stamp: prefix a time in a log file (access lines carry their own). */
static void
log_emit(int prio, const char *prefix, int stamp, const char *fmt,
    va_list ap)
{
	char		 line[2048];
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
	/* Best effort: there is nowhere to report a failing log. */
	if (write(logger.fd, line, n) == -1)
		return;
}

#define LOG_FUNC(name, prio, prefix, stamp, cond, count)			\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	 ap;							\
									\
	if (!(cond))							\
		return;							\
	count;								\
	va_start(ap, fmt);						\
	log_emit(prio, prefix, stamp, fmt, ap);				\
	va_end(ap);							\
}

LOG_FUNC(log_err, LOG_ERR, "gemserv: error: ", 1, 1, (void)0)
LOG_FUNC(log_warn, LOG_WARNING, "gemserv: warning: ", 1, 1, logger.warnings++)
LOG_FUNC(log_info, LOG_INFO, "gemserv: ", 1, 1, (void)0)
LOG_FUNC(log_debug, LOG_DEBUG, "gemserv: debug: ", 1, logger.verbose, (void)0)
LOG_FUNC(log_access, LOG_INFO, "", 0, 1, (void)0)
