/* Giving up root: chroot, then switch to an unprivileged user. */
#ifndef GEMSERV_PRIVDROP_H
#define GEMSERV_PRIVDROP_H

/*
 * When running as root: chroot to dir (if not NULL), then become user (if
 * not NULL) and verify root cannot be regained. Staying root is refused
 * unless allow_root. Not root: nothing to do. 0, or -1 after logging.
 */
int	 privdrop(const char *user, const char *dir, int allow_root);

#endif
