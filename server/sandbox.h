/*
 * Confinement of a worker on Linux, entered once the worker is set up and
 * before it serves: Landlock limits the file system to reading the static
 * directory (and writing the log file's directory), and a seccomp filter
 * allows only the system calls serving needs. The capsule is in memory and
 * reloads happen in the (unconfined) supervisor, which forks new workers.
 */
#ifndef GEMSERV_SANDBOX_H
#define GEMSERV_SANDBOX_H

/*
 * static_fd: the static directory (O_DIRECTORY), or -1 for none.
 * log: [server] log: "stderr", "syslog" or a file path (reopened on
 * SIGUSR1, possibly created anew after rotation).
 * Without Landlock in the kernel, logs a warning and goes on with seccomp
 * alone. Returns 0, or -1 after logging if the process could not be
 * confined (it must not serve then). Irreversible for the process and its
 * children.
 */
int	 sandbox_enter(int static_fd, const char *log);

#endif
