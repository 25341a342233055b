/*
 * Helpers shared by the libFuzzer targets: a quiet logger, a scratch file
 * for loaders that need a path, and a small fixed capsule (articles,
 * resources.ini, static files, a file outside the capsule) built once per
 * process through the real config loader and page builder.
 */
#ifndef GEMSERV_FUZZ_H
#define GEMSERV_FUZZ_H

#include <sys/stat.h>

#include <fcntl.h>
#include <magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "capsule.h"
#include "config.h"
#include "log.h"
#include "serve.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A check that holds in every build: a failure is a finding. */
#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

/* Messages about bad input are expected by the thousand: drop them. */
static inline void
fuzz_quiet(void)
{
	static int	 done;

	if (!done && log_open("/dev/null") == 0)
		done = 1;
}

/* A directory made once per process; removed at exit. */
static char	*fuzz_dir;

static inline void
fuzz_cleanup(void)
{
	char	 cmd[300];

	/* Only our own mkdtemp directory, whose name has no quote. */
	if (fuzz_dir != NULL && snprintf(cmd, sizeof(cmd), "rm -rf '%s'",
	    fuzz_dir) < (int)sizeof(cmd))
		(void)system(cmd);
}

static inline const char *
fuzz_tmpdir(void)
{
	static char	 tmpl[] = "/tmp/gemserv-fuzz-XXXXXX";

	if (fuzz_dir == NULL) {
		if (mkdtemp(tmpl) == NULL) {
			perror("mkdtemp");
			abort();
		}
		fuzz_dir = tmpl;
		(void)atexit(fuzz_cleanup);
	}
	return fuzz_dir;
}

/* Writes len bytes to dir/name (truncating); aborts on failure. */
static inline char *
fuzz_write(const char *name, const void *data, size_t len)
{
	static char	 path[512];
	FILE		*f;

	FUZZ_ASSERT((size_t)snprintf(path, sizeof(path), "%s/%s",
	    fuzz_tmpdir(), name) < sizeof(path));
	if ((f = fopen(path, "wb")) == NULL) {
		perror(path);
		abort();
	}
	FUZZ_ASSERT(len == 0 || fwrite(data, 1, len, f) == len);
	FUZZ_ASSERT(fclose(f) == 0);
	return path;
}

static inline void
fuzz_mkdir(const char *name)
{
	char	 path[512];

	FUZZ_ASSERT((size_t)snprintf(path, sizeof(path), "%s/%s",
	    fuzz_tmpdir(), name) < sizeof(path));
	FUZZ_ASSERT(mkdir(path, 0755) == 0);
}

#define FUZZ_SECRET	"OUTSIDE-THE-CAPSULE-7c1f"

static const char fuzz_article_text[] =
    "Title: Belonging Heals\nDate: 2025-03-01\nAuthor: A. Writer\n"
    "Tags: peer support, meetings\n---\n\n"
    "Connection is the opposite of addiction. See https://example.org/a\n"
    "and gemini://example.org/b for more.\n\n"
    "What helps\n\n- a meeting\n- a friend\n1. call\n2. text\n\n"
    "> a quote\n\n    preformatted\n\tline\n";

static const char fuzz_resources[] =
    "[988-lifeline]\nname = 988 Lifeline\ncategory = Crisis lines\n"
    "url = https://988lifeline.org/\nphone = 988\nhours = 24/7\n\n"
    "[aa]\nname = Alcoholics Anonymous\ncategory = Peer support\n"
    "description = Meetings everywhere.\nurl = gopher://aa.example/\n";

struct fuzz_capsule {
	struct config		*cfg;
	struct capsule		*capsule;
	struct serve_ctx	 ctx;
	struct stat		 secret;	/* the file outside static/ */
};

/* A gemserv.ini for the fixed capsule under the scratch directory. */
static inline char *
fuzz_write_ini(const char *name, const char *extra)
{
	char	 ini[1024];

	FUZZ_ASSERT((size_t)snprintf(ini, sizeof(ini),
	    "[server]\nhostname = localhost\nlog = stderr\n"
	    "[gemini]\nlisten = 127.0.0.1:1965\ncert = cert.pem\n"
	    "key = key.pem\n"
	    "[gopher]\nlisten = 127.0.0.1:7070\n"
	    "[capsule]\ntitle = Fuzz capsule\narticles = capsule/articles\n"
	    "resources = capsule/resources.ini\nstatic = capsule/static\n"
	    "drop_lines = Blog Article | Report this page\n%s",
	    extra) < sizeof(ini));
	return fuzz_write(name, ini, strlen(ini));
}

/* The fixed capsule, built on first use. */
static inline struct fuzz_capsule *
fuzz_capsule(void)
{
	static struct fuzz_capsule	 fc;
	static int			 done;
	char				 p[512];
	magic_t				 m;

	if (done)
		return &fc;
	fuzz_quiet();
	fuzz_mkdir("capsule");
	fuzz_mkdir("capsule/articles");
	fuzz_mkdir("capsule/static");
	fuzz_mkdir("capsule/static/sub");
	fuzz_write("capsule/articles/belonging-heals.txt", fuzz_article_text,
	    sizeof(fuzz_article_text) - 1);
	fuzz_write("capsule/resources.ini", fuzz_resources,
	    sizeof(fuzz_resources) - 1);
	fuzz_write("capsule/static/favicon.txt", "*\n", 2);
	fuzz_write("capsule/static/doc.gmi", "# Doc\n", 6);
	fuzz_write("capsule/static/sub/index.gmi", "# Sub\n", 6);
	fuzz_write("capsule/static/.hidden", "hidden\n", 7);
	fuzz_write("secret.txt", FUZZ_SECRET "\n", sizeof(FUZZ_SECRET));
	fuzz_write("cert.pem", "", 0);
	fuzz_write("key.pem", "", 0);
	/* Symlinks inside static/ that point out of it. */
	FUZZ_ASSERT((size_t)snprintf(p, sizeof(p), "%s/capsule/static/out",
	    fuzz_tmpdir()) < sizeof(p));
	FUZZ_ASSERT(symlink("../../secret.txt", p) == 0);
	FUZZ_ASSERT((size_t)snprintf(p, sizeof(p), "%s/capsule/static/up",
	    fuzz_tmpdir()) < sizeof(p));
	FUZZ_ASSERT(symlink("../..", p) == 0);
	FUZZ_ASSERT((size_t)snprintf(p, sizeof(p), "%s/secret.txt",
	    fuzz_tmpdir()) < sizeof(p));
	FUZZ_ASSERT(stat(p, &fc.secret) == 0);

	if ((fc.cfg = config_load(fuzz_write_ini("gemserv.ini", ""))) ==
	    NULL || (fc.capsule = build_capsule(fc.cfg, NULL)) == NULL) {
		fprintf(stderr, "fuzz: cannot build the fixed capsule\n");
		abort();
	}
	fc.ctx.cfg = fc.cfg;
	fc.ctx.capsule = fc.capsule;
	fc.ctx.static_fd = open(fc.cfg->static_dir,
	    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FUZZ_ASSERT(fc.ctx.static_fd != -1);
	FUZZ_ASSERT((m = magic_open(MAGIC_MIME_TYPE)) != NULL);
	FUZZ_ASSERT(magic_load(m, NULL) == 0);
	fc.ctx.magic = m;
	done = 1;
	return &fc;
}

/*
 * An answer may quote the request (an error, a search), cleaned of bytes
 * it cannot show: then the request may name the secret. Letters only are
 * compared, case-insensitively, so any quoting is allowed for.
 */
static inline int
fuzz_echoed(const uint8_t *data, size_t size)
{
	static const char	 want[] = "OUTSIDETHECAPSULE";
	size_t			 i, k = 0;
	int			 c;

	for (i = 0; i < size; i++) {
		c = data[i] >= 'a' && data[i] <= 'z' ? data[i] - 32 : data[i];
		if (c < 'A' || c > 'Z')
			continue;
		k = c == want[k] ? k + 1 : (c == want[0] ? 1 : 0);
		if (want[k] == '\0')
			return 1;
	}
	return 0;
}

/* A static file in a response must never be the one outside static/. */
static inline void
fuzz_check_fd(const struct fuzz_capsule *fc, int fd)
{
	struct stat	 st;

	if (fd == -1)
		return;
	FUZZ_ASSERT(fstat(fd, &st) == 0);
	FUZZ_ASSERT(!(st.st_dev == fc->secret.st_dev &&
	    st.st_ino == fc->secret.st_ino));
}

#endif
