/*
 * Fuzz target: Gopher selector framing and answering, against the fixed
 * capsule. Checks that an answer is never the file outside the capsule
 * and that menus and errors stay well-formed lines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gopher.h"
#include "response.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_capsule	*fc = fuzz_capsule();
	struct response		 r;
	const char		*buf = (const char *)data;
	ssize_t			 n;
	size_t			 len;

	n = gopher_frame(buf, size);
	FUZZ_ASSERT(n >= -1 && n <= (ssize_t)size);
	if (n == -1)
		FUZZ_ASSERT(size > GOPHER_LINE_MAX);
	if (n > 0) {
		FUZZ_ASSERT(buf[n - 1] == '\n');
		len = (size_t)n - 1;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
	} else if (size <= GOPHER_LINE_MAX) {
		len = size;
	} else
		return 0;

	response_init(&r);
	gopher_respond(&fc->ctx, buf, len, &r);
	FUZZ_ASSERT(r.status == 0 || r.status == 3);
	if (r.bodylen > 0) {
		FUZZ_ASSERT(r.body != NULL);
		FUZZ_ASSERT(fuzz_echoed(data, size) ||
		    memmem(r.body, r.bodylen, FUZZ_SECRET,
		    strlen(FUZZ_SECRET)) == NULL);
	}
	if (r.status == 3)
		FUZZ_ASSERT(r.fd == -1);
	fuzz_check_fd(fc, r.fd);
	response_free(&r);
	return 0;
}
