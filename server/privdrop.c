/*
 * Privilege drop. The user is looked up before chroot, while /etc/passwd
 * is still reachable.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

static int
become(const char *user, uid_t uid, gid_t gid)
{
	uid_t	 ru, eu, su;
	gid_t	 rg, eg, sg;

	if (setgroups(1, &gid) == -1 ||
	    setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		log_err("[server] user %s: cannot switch to it: %s", user,
		    strerror(errno));
		return -1;
	}
	if (getresuid(&ru, &eu, &su) == -1 ||
	    getresgid(&rg, &eg, &sg) == -1 ||
	    ru != uid || eu != uid || su != uid ||
	    rg != gid || eg != gid || sg != gid) {
		log_err("[server] user %s: privilege drop did not take "
		    "effect", user);
		return -1;
	}
	if (uid != 0 && setuid(0) != -1) {
		log_err("[server] user %s: root could be regained", user);
		return -1;
	}
	return 0;
}

int
privdrop(const char *user, const char *dir, int allow_root)
{
	struct passwd	*pw = NULL;
	uid_t		 uid;
	gid_t		 gid;

	if (geteuid() != 0)
		return 0;
	if (user != NULL) {
		errno = 0;
		if ((pw = getpwnam(user)) == NULL) {
			log_err("[server] user %s: no such user%s%s", user,
			    errno ? ": " : "", errno ? strerror(errno) : "");
			return -1;
		}
	}
	uid = pw != NULL ? pw->pw_uid : 0;
	gid = pw != NULL ? pw->pw_gid : 0;
	if (dir != NULL) {
		if (chroot(dir) == -1 || chdir("/") == -1) {
			log_err("[server] chroot %s: %s", dir,
			    strerror(errno));
			return -1;
		}
	}
	if (pw != NULL && become(user, uid, gid) == -1)
		return -1;
	if (geteuid() == 0 && !allow_root) {
		log_err("refusing to run as root: set [server] user to an "
		    "unprivileged account, or allow_root = yes to keep root");
		return -1;
	}
	if (pw != NULL)
		log_info("running as %s%s%s", user, dir ? " in chroot " : "",
		    dir ? dir : "");
	return 0;
}
