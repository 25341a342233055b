/*
 * Worker confinement: Landlock through its raw system calls (libc has no
 * wrappers) and a seccomp allow-list through libseccomp.
 *
 * Landlock: every file system right the kernel knows is handled, and the
 * only rules grant reading beneath the static directory and writing or
 * creating regular files in the log file's directory (the file may have
 * been rotated away when SIGUSR1 asks for a reopen, so the rule cannot
 * name the file itself). TCP bind and connect (ABI 4), and signals and
 * abstract sockets outside the worker (ABI 6) are denied too.
 *
 * seccomp: the calls a worker makes while serving and exiting, found by
 * running the whole test suite with a build made with -DSANDBOX_TRACE
 * (every call outside the list is then allowed and logged by the kernel:
 * dmesg shows "audit: type=1326 ... syscall=N").
 * Anything else kills the worker; the supervisor logs that and starts a
 * new one.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <linux/landlock.h>
#include <linux/sockios.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

#include "log.h"
#include "sandbox.h"

/* Rights and fields newer than the oldest supported headers. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER		(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE		(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV		(1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP		(1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP		(1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL			(1ULL << 1)
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_ASAN	1
#endif
#endif

/*
 * The ruleset attribute as of ABI 6. The kernel takes a longer structure
 * than it knows as long as the fields it does not know are zero.
 */
struct ll_ruleset_attr {
	uint64_t	 handled_access_fs;
	uint64_t	 handled_access_net;
	uint64_t	 scoped;
};

static long
ll_create_ruleset(const struct ll_ruleset_attr *attr, size_t size,
    uint32_t flags)
{
	return syscall(SYS_landlock_create_ruleset, attr, size, flags);
}

static long
ll_add_rule(int fd, const struct landlock_path_beneath_attr *pb)
{
	return syscall(SYS_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH,
	    pb, 0);
}

static long
ll_restrict_self(int fd)
{
	return syscall(SYS_landlock_restrict_self, fd, 0);
}

/* Every file system right of this ABI version. */
static uint64_t
fs_rights(int abi)
{
	uint64_t	 r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

static int
add_path(int ruleset, int fd, uint64_t rights, const char *what)
{
	struct landlock_path_beneath_attr	 pb;

	memset(&pb, 0, sizeof(pb));
	pb.parent_fd = fd;
	pb.allowed_access = rights;
	if (ll_add_rule(ruleset, &pb) == -1) {
		log_err("sandbox: Landlock rule for %s: %s", what,
		    strerror(errno));
		return -1;
	}
	return 0;
}

#ifdef SANDBOX_ASAN
static int
add_dir(int ruleset, const char *dir, uint64_t rights)
{
	int	 fd, rv;

	/* Not in a chroot: leak checks and reports are then poorer. */
	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;
	rv = add_path(ruleset, fd, rights, dir);
	close(fd);
	return rv;
}
#endif

/* Write access to the directory of a log file path. */
static int
add_log_dir(int ruleset, const char *log, uint64_t handled)
{
	char	 dir[PATH_MAX];
	char	*slash;
	int	 fd, rv;

	if (snprintf(dir, sizeof(dir), "%s", log) >= (int)sizeof(dir)) {
		log_err("sandbox: log path too long: %s", log);
		return -1;
	}
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		/* In a chroot the path may lead nowhere: no reopen then. */
		log_warn("sandbox: log directory %s: %s; SIGUSR1 cannot "
		    "reopen the log", dir, strerror(errno));
		return 0;
	}
	rv = add_path(ruleset, fd, (LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_REG) & handled, "the log directory");
	close(fd);
	return rv;
}

/*
 * 0: confined by Landlock; 1: Landlock unavailable (warned); -1: error.
 * Needs no_new_privs set.
 */
static int
enter_landlock(int static_fd, const char *log)
{
	struct ll_ruleset_attr	 attr;
	int			 abi, ruleset, rv = -1;
	uint64_t		 ro = LANDLOCK_ACCESS_FS_READ_FILE |
				    LANDLOCK_ACCESS_FS_READ_DIR;

	abi = (int)ll_create_ruleset(NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP) {
			log_warn("Landlock not available: workers are not "
			    "confined to the capsule");
			return 1;
		}
		log_err("sandbox: Landlock: %s", strerror(errno));
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = fs_rights(abi);
	if (abi >= 4)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP |
		    LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
		    LANDLOCK_SCOPE_SIGNAL;
	ruleset = (int)ll_create_ruleset(&attr, sizeof(attr), 0);
	if (ruleset == -1) {
		log_err("sandbox: Landlock ruleset: %s", strerror(errno));
		return -1;
	}
	if (static_fd != -1 &&
	    add_path(ruleset, static_fd, ro, "the static directory") == -1)
		goto out;
	if (log != NULL && strcmp(log, "stderr") != 0 &&
	    strcmp(log, "syslog") != 0 &&
	    add_log_dir(ruleset, log, attr.handled_access_fs) == -1)
		goto out;
#ifdef SANDBOX_ASAN
	/*
	 * LeakSanitizer lists threads and mappings in /proc at exit; reports
	 * read the libraries to name functions.
	 */
	if (add_dir(ruleset, "/proc", ro) == -1 ||
	    add_dir(ruleset, "/usr", ro) == -1)
		goto out;
#endif
	if (ll_restrict_self(ruleset) == -1) {
		log_err("sandbox: Landlock: %s", strerror(errno));
		goto out;
	}
	rv = 0;
out:
	close(ruleset);
	return rv;
}

/* Plain allow rules: no argument worth checking. */
static const int allowed[] = {
	/* Files: static files, gopher listings, the log, libmagic. */
	SCMP_SYS(read), SCMP_SYS(readv), SCMP_SYS(pread64),
	SCMP_SYS(write), SCMP_SYS(writev),
	SCMP_SYS(openat), SCMP_SYS(close), SCMP_SYS(lseek),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(getdents64),
	SCMP_SYS(fcntl),
	/* Sockets: accepting and serving, never opening or connecting. */
	SCMP_SYS(accept4), SCMP_SYS(recvfrom), SCMP_SYS(sendto),
	SCMP_SYS(sendfile),
	SCMP_SYS(shutdown), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getpeername), SCMP_SYS(getsockname),
	/* libevent. */
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl),
	/* Memory (PROT_EXEC is refused below). */
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk),
	SCMP_SYS(madvise),
	/* Time, randomness (OpenSSL, ticket keys), signals, exit. */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getrandom), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall), SCMP_SYS(futex),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

#ifdef SANDBOX_ASAN
/*
 * Sanitizer builds only: LeakSanitizer stops the process with a
 * ptrace-ing clone of itself at exit, and reports print from there.
 */
static const int allowed_asan[] = {
	SCMP_SYS(clone), SCMP_SYS(ptrace), SCMP_SYS(wait4), SCMP_SYS(prctl),
	SCMP_SYS(sched_yield), SCMP_SYS(getppid), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(readlink), SCMP_SYS(getrlimit),
	SCMP_SYS(prlimit64), SCMP_SYS(dup2), SCMP_SYS(pipe2), SCMP_SYS(tgkill),
	SCMP_SYS(kill), SCMP_SYS(mprotect), SCMP_SYS(open),
	SCMP_SYS(getdents), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(access),
	/* clang's runtime forks a symbolizer: its execve is still fatal. */
	SCMP_SYS(fork),
};
#endif

static int
rule(scmp_filter_ctx ctx, int nr, unsigned n, const struct scmp_arg_cmp *a)
{
	int	 rv;

	if ((rv = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, a)) < 0) {
		log_err("sandbox: seccomp rule for system call %d: %s", nr,
		    strerror(-rv));
		return -1;
	}
	return 0;
}

static int
add_rules(scmp_filter_ctx ctx, const char *log)
{
	struct scmp_arg_cmp	 a[2];
	size_t			 i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (rule(ctx, allowed[i], 0, NULL) == -1)
			return -1;
#ifdef SANDBOX_ASAN
	for (i = 0; i < sizeof(allowed_asan) / sizeof(allowed_asan[0]); i++)
		if (rule(ctx, allowed_asan[i], 0, NULL) == -1)
			return -1;
#else
	/* abort(): die by SIGABRT, not by the filter. */
	a[0] = SCMP_A2(SCMP_CMP_EQ, SIGABRT, 0);
	if (rule(ctx, SCMP_SYS(tgkill), 1, a) == -1)
		return -1;
	/* malloc may change protections, never to executable. */
	a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	if (rule(ctx, SCMP_SYS(mprotect), 1, a) == -1)
		return -1;
#endif
	a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	if (rule(ctx, SCMP_SYS(mmap), 1, a) == -1)
		return -1;
#ifdef SANDBOX_ASAN
	/* Reports check whether stderr is a terminal. */
	a[0] = SCMP_A1(SCMP_CMP_EQ, TCGETS, 0);
	if (rule(ctx, SCMP_SYS(ioctl), 1, a) == -1)
		return -1;
#endif
	/* conn.c watches the send queue. */
	a[0] = SCMP_A1(SCMP_CMP_EQ, SIOCOUTQ, 0);
	if (rule(ctx, SCMP_SYS(ioctl), 1, a) == -1)
		return -1;
	/* syslog(3) reconnects to /dev/log after an error. */
	if (log != NULL && strcmp(log, "syslog") == 0) {
		a[0] = SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0);
		if (rule(ctx, SCMP_SYS(socket), 1, a) == -1 ||
		    rule(ctx, SCMP_SYS(connect), 0, NULL) == -1)
			return -1;
	}
	return 0;
}

static int
enter_seccomp(const char *log)
{
	scmp_filter_ctx	 ctx;
	uint32_t	 deny = SCMP_ACT_KILL_PROCESS;
	int		 rv;

#ifdef SANDBOX_TRACE
	/* Development: calls outside the list go to the kernel's log. */
	deny = SCMP_ACT_LOG;
	log_warn("sandbox: tracing build: forbidden system calls are "
	    "logged by the kernel, not stopped");
#endif
	if ((ctx = seccomp_init(deny)) == NULL) {
		log_err("sandbox: seccomp_init failed");
		return -1;
	}
	if ((rv = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, deny)) < 0 ||
	    add_rules(ctx, log) == -1 || (rv = seccomp_load(ctx)) < 0) {
		if (rv < 0)
			log_err("sandbox: seccomp: %s", strerror(-rv));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}

int
sandbox_enter(int static_fd, const char *log)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_err("sandbox: no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (enter_landlock(static_fd, log) == -1)
		return -1;
	return enter_seccomp(log);
}
