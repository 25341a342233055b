/*
 * Unit tests for sandbox.c. Each test forks: the child enters the same
 * sandbox a worker enters, tries things and reports through its exit
 * status (or dies by SIGSYS); the parent checks.
 */
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/landlock.h>

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include "sandbox.h"
#include "testutil.h"

struct fixture {
	char	*dir;		/* scratch */
	char	*static_dir;	/* dir/static */
	char	*inside;	/* dir/static/in.txt */
	char	*outside;	/* dir/out.txt */
	char	*log;		/* dir/logs/gemserv.log */
	int	 static_fd;
};

static int
landlock_abi(void)
{
	return (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
}

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->dir = tu_tmpdir()) == NULL ||
	    tu_write(f->dir, "static/in.txt", "inside\n") == -1 ||
	    tu_write(f->dir, "static/sub/deep.txt", "deep\n") == -1 ||
	    tu_write(f->dir, "out.txt", "outside\n") == -1 ||
	    tu_write(f->dir, "logs/other.txt", "other\n") == -1 ||
	    (f->static_dir = tu_path(f->dir, "static")) == NULL ||
	    (f->inside = tu_path(f->dir, "static/in.txt")) == NULL ||
	    (f->outside = tu_path(f->dir, "out.txt")) == NULL ||
	    (f->log = tu_path(f->dir, "logs/gemserv.log")) == NULL)
		return -1;
	f->static_fd = open(f->static_dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (f->static_fd == -1)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	close(f->static_fd);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->static_dir);
	free(f->inside);
	free(f->outside);
	free(f->log);
	free(f);
	return 0;
}

/* Runs fn in a sandboxed child; returns its wait status. */
static int
in_child(struct fixture *f, const char *log, int (*fn)(struct fixture *))
{
	pid_t	 pid;
	int	 st;

	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (sandbox_enter(f->static_fd, log) == -1)
			_exit(100);
		/* _exit: the parent's cmocka and sanitizer state stay put. */
		_exit(fn(f));
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return st;
}

static void
assert_exit(int st, int code)
{
	if (!WIFEXITED(st))
		fail_msg("child died by signal %d", WIFSIGNALED(st) ?
		    WTERMSIG(st) : -1);
	assert_int_equal(WEXITSTATUS(st), code);
}

static int
denied(const char *path, int flags)
{
	int	 fd;

	if ((fd = open(path, flags | O_CLOEXEC, 0640)) != -1) {
		close(fd);
		return 0;
	}
	return errno == EACCES;
}

/* Numbered checks: the exit status names the first one that failed. */
static int
files(struct fixture *f)
{
	char	 b[16];
	int	 fd;
	ssize_t	 n;

	/* Inside the static directory: reading works, as workers do it. */
	if ((fd = openat(f->static_fd, "in.txt", O_RDONLY)) == -1)
		return 1;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n != 7)
		return 2;
	if ((fd = open(f->inside, O_RDONLY)) == -1)
		return 3;
	close(fd);
	if ((fd = openat(f->static_fd, "sub", O_RDONLY | O_DIRECTORY)) == -1)
		return 4;
	close(fd);
	/* ... and nothing else. */
	if (!denied(f->outside, O_RDONLY))
		return 5;
	if (!denied("/etc/passwd", O_RDONLY))
		return 6;
	if (!denied(f->dir, O_RDONLY | O_DIRECTORY))
		return 7;
	if (!denied(f->inside, O_WRONLY))
		return 8;
	if (!denied(f->outside, O_WRONLY | O_APPEND))
		return 9;
	if (openat(f->static_fd, "new.txt", O_WRONLY | O_CREAT, 0640) != -1 ||
	    errno != EACCES)
		return 10;
	return 0;
}

static void
test_files(void **state)
{
	struct fixture	*f = *state;

	if (landlock_abi() < 1)
		skip();
	assert_exit(in_child(f, "stderr", files), 0);
	/* Nothing was created or removed. */
	assert_int_equal(access(f->inside, F_OK), 0);
	assert_int_equal(faccessat(f->static_fd, "new.txt", F_OK, 0), -1);
}

/* A log file: appended to and created anew after rotation, not read. */
static int
logfile(struct fixture *f)
{
	char	*other;
	int	 fd;

	if ((fd = open(f->log, O_WRONLY | O_APPEND | O_CREAT, 0640)) == -1)
		return 1;
	if (write(fd, "one\n", 4) != 4)
		return 2;
	close(fd);
	if (!denied(f->log, O_RDONLY))
		return 3;
	if ((other = tu_path(f->dir, "logs/other.txt")) == NULL)
		return 4;
	fd = denied(other, O_RDONLY);
	free(other);
	if (!fd)
		return 5;
	if (!denied(f->outside, O_WRONLY | O_APPEND))
		return 6;
	return 0;
}

static void
test_log(void **state)
{
	struct fixture	*f = *state;
	char		*text;

	if (landlock_abi() < 1)
		skip();
	assert_exit(in_child(f, f->log, logfile), 0);
	assert_non_null(text = tu_read(f->log, NULL));
	assert_string_equal(text, "one\n");
	free(text);
}

static int
raw_socket(struct fixture *f)
{
	(void)socket(AF_PACKET, SOCK_RAW, 0);
	return 1;
}

static int
tcp_socket(struct fixture *f)
{
	(void)socket(AF_INET, SOCK_STREAM, 0);
	return 1;
}

static int
exec_shell(struct fixture *f)
{
	char *const	 argv[] = { "/bin/sh", "-c", "exit 0", NULL };

	(void)execve(argv[0], argv, NULL);
	return 1;
}

static int
exec_memory(struct fixture *f)
{
	/* Executable memory: an exploit's first step. */
	(void)mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return 1;
}

static int
unlink_file(struct fixture *f)
{
	(void)unlinkat(f->static_fd, "in.txt", 0);
	return 1;
}

static int
serving(struct fixture *f)
{
	void	*p;
	int	 sv[2];

	/* What serving needs still works: memory, time, randomness. */
	if ((p = malloc(1 << 20)) == NULL)
		return 1;
	free(p);
	if (getrandom(&sv, sizeof(sv), 0) != sizeof(sv))
		return 2;
	if (time(NULL) == (time_t)-1)
		return 3;
	return 0;
}

static void
test_syscalls(void **state)
{
	struct fixture	*f = *state;
	int		 st;

	assert_exit(in_child(f, "stderr", serving), 0);
	st = in_child(f, "stderr", raw_socket);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(f, "stderr", tcp_socket);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(f, "stderr", exec_shell);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(f, "stderr", exec_memory);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	st = in_child(f, "stderr", unlink_file);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	assert_int_equal(access(f->inside, F_OK), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_log),
		cmocka_unit_test(test_syscalls),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
