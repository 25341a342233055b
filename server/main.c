/*
 * gemserv: converts a capsule of plain-text articles and a resource
 * directory into Gemini and Gopher pages at startup and serves them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

#ifndef GEMSERV_CONFIG
#define GEMSERV_CONFIG	"/etc/gemserv/gemserv.ini"
#endif

static void
usage(FILE *f)
{
	fprintf(f, "usage: gemserv [-hnVv] [-c config]\n"
	    "  -c config  configuration file (default %s)\n"
	    "  -h         this help\n"
	    "  -n         check the configuration, exit\n"
	    "  -V         print the version and exit\n"
	    "  -v         verbose: also log debug messages\n", GEMSERV_CONFIG);
}

int
main(int argc, char *argv[])
{
	struct config		*cfg;
	const char		*path = GEMSERV_CONFIG;
	int			 ch, check = 0;

	while ((ch = getopt(argc, argv, "c:hnVv")) != -1) {
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
	if (check) {
		printf("%s: configuration ok\n", cfg->path);
		config_free(cfg);
		return 0;
	}
	/* The capsule pipeline and the front ends are not built yet. */
	log_err("only -n is available in this build");
	config_free(cfg);
	return 1;
}
