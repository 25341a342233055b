/*
 * Fuzz target: the gemserv.ini loader. Each input is written to one
 * scratch file beside a small capsule, so path keys can name directories
 * that exist. Checks the ranges config.h promises for a config that loads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 ready;
	struct config	*c;
	const char	*path;
	size_t		 i;

	fuzz_quiet();
	if (!ready) {
		(void)fuzz_capsule();	/* directories for the path keys */
		ready = 1;
	}
	path = fuzz_write("fuzz.ini", data, size);
	if ((c = config_load(path)) == NULL)
		return 0;
	FUZZ_ASSERT(c->hostname != NULL && c->hostname[0] != '\0');
	FUZZ_ASSERT(c->workers >= 0 && c->workers <= 256);
	FUZZ_ASSERT(c->max_connections >= 1);
	FUZZ_ASSERT(c->gopher_width >= 20 && c->gopher_width <= 200);
	FUZZ_ASSERT(c->latest >= 1 && c->latest <= 100);
	FUZZ_ASSERT(c->gopher_port >= 0 && c->gopher_port <= 65535);
	for (i = 0; i < c->gemini_nlisten; i++)
		FUZZ_ASSERT(c->gemini_listen[i].port >= 0 &&
		    c->gemini_listen[i].port <= 65535);
	for (i = 0; i < c->ndrop_lines; i++)
		FUZZ_ASSERT(c->drop_lines[i] != NULL);
	FUZZ_ASSERT(config_gemini_port(c) > 0);
	config_free(c);
	return 0;
}
