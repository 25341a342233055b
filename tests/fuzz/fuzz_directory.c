/*
 * Fuzz target: the resource directory loader (resources.ini). iniparser
 * reads a path, so each input is written to one scratch file. Checks
 * that a directory that loads has the required fields, valid ids and
 * URLs, and categories that account for every resource exactly once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct directory	 d;
	const char		*path;
	size_t			 i, j, total = 0;

	fuzz_quiet();
	path = fuzz_write("resources.ini", data, size);
	memset(&d, 0, sizeof(d));
	if (directory_load(path, &d) == -1)
		return 0;
	for (i = 0; i < d.nresources; i++) {
		FUZZ_ASSERT(d.resources[i].id != NULL &&
		    d.resources[i].id[0] != '\0');
		FUZZ_ASSERT(strspn(d.resources[i].id,
		    "abcdefghijklmnopqrstuvwxyz0123456789-") ==
		    strlen(d.resources[i].id));
		FUZZ_ASSERT(d.resources[i].name != NULL);
		FUZZ_ASSERT(d.resources[i].category != NULL);
		FUZZ_ASSERT(d.resources[i].url != NULL);
		FUZZ_ASSERT(directory_url_valid(d.resources[i].url));
	}
	for (i = 0; i < d.ncategories; i++) {
		for (j = 0; j < d.categories[i].nitems; j++)
			FUZZ_ASSERT(strcmp(d.categories[i].items[j]->category,
			    d.categories[i].name) == 0);
		total += d.categories[i].nitems;
	}
	FUZZ_ASSERT(total == d.nresources);
	directory_free(&d);
	return 0;
}
