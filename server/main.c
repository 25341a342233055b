/*
 * gemserv: converts a capsule of plain-text articles and a resource
 * directory into Gemini and Gopher pages at startup and serves them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "build.h"
#include "capsule.h"
#include "config.h"
#include "export.h"
#include "log.h"
#include "server.h"

#ifndef GEMSERV_CONFIG
#define GEMSERV_CONFIG	"/etc/gemserv/gemserv.ini"
#endif

static void
usage(FILE *f)
{
	fprintf(f, "usage: gemserv [-hnVv] [-c config] [-x dir]\n"
	    "  -c config  configuration file (default %s)\n"
	    "  -h         this help\n"
	    "  -n         check the configuration and the capsule, print a "
	    "summary, exit\n"
	    "  -V         print the version and exit\n"
	    "  -v         verbose: also log debug messages\n"
	    "  -x dir     export the converted capsule as a static tree and "
	    "exit\n", GEMSERV_CONFIG);
}

static void
summary(const struct config *cfg, const struct capsule *c,
    const struct build_stats *st)
{
	printf("%s: configuration ok\n", cfg->path);
	printf("articles: %zu (%zu bytes of source)\n", st->articles,
	    st->source_bytes);
	printf("resources: %zu in %zu categories\n", st->resources,
	    st->categories);
	printf("gemini: %zu pages, %zu bytes\n",
	    capsule_count(c, PROTO_GEMINI), capsule_bytes(c, PROTO_GEMINI));
	printf("gopher: %zu items, %zu bytes\n",
	    capsule_count(c, PROTO_GOPHER), capsule_bytes(c, PROTO_GOPHER));
	printf("warnings: %u\n", log_warnings());
}

int
main(int argc, char *argv[])
{
	struct build_stats	 st;
	struct config		*cfg;
	struct capsule		*c;
	const char		*path = GEMSERV_CONFIG, *export_dir = NULL;
	int			 ch, check = 0, rv;

	while ((ch = getopt(argc, argv, "c:hnVvx:")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			check = 1;
			break;
		case 'V':
			printf("gemserv %s\n", GEMSERV_VERSION);
			return 0;
		case 'v':
			log_set_verbose(1);
			break;
		case 'x':
			export_dir = optarg;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}

	if ((cfg = config_load(path)) == NULL)
		return 1;
	/* Checking and exporting report to the terminal, not the log. */
	if (!check && export_dir == NULL && log_open(cfg->log) == -1) {
		config_free(cfg);
		return 1;
	}
	if ((c = build_capsule(cfg, &st)) == NULL) {
		config_free(cfg);
		log_close();
		return 1;
	}
	if (check || export_dir != NULL) {
		rv = 0;
		if (export_dir != NULL &&
		    export_capsule(c, cfg->static_dir, export_dir) == -1)
			rv = 1;
		if (check && rv == 0)
			summary(cfg, c, &st);
		capsule_free(c);
		config_free(cfg);
		return rv;
	}
	log_info("capsule built: %zu articles, %zu resources, %zu pages, "
	    "%zu bytes", st.articles, st.resources, st.pages, st.bytes);
	rv = server_run(path, cfg, c);
	log_close();
	return rv;
}
