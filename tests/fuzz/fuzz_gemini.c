/*
 * Fuzz target: Gemini request framing and answering, against a small fixed
 * capsule with static files and symlinks that point outside it. Checks
 * that every answer has a well-formed header and never serves the file
 * outside the capsule.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gemini.h"
#include "response.h"

static void
check_head(const struct response *r)
{
	const char	*h = r->head.data;
	size_t		 n = r->head.len;

	if (r->close_silently)
		return;
	/* "NN META\r\n": two digits, a space, META of at most 1024 bytes. */
	FUZZ_ASSERT(n >= 5 && h != NULL);
	FUZZ_ASSERT(h[0] >= '1' && h[0] <= '6' && h[1] >= '0' && h[1] <= '9');
	FUZZ_ASSERT(h[2] == ' ' || (h[2] == '\r' && n == 4));
	FUZZ_ASSERT(h[n - 2] == '\r' && h[n - 1] == '\n');
	FUZZ_ASSERT(memchr(h, '\n', n - 1) == NULL);
	FUZZ_ASSERT(n <= 3 + 1024 + 2);
	FUZZ_ASSERT(r->status == (h[0] - '0') * 10 + (h[1] - '0'));
	/* Only a success has a body. */
	if (r->status / 10 != 2)
		FUZZ_ASSERT(r->bodylen == 0 && r->fd == -1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_capsule	*fc = fuzz_capsule();
	struct response		 r;
	const char		*buf = (const char *)data;
	const char		*sni = NULL;
	ssize_t			 n;
	size_t			 len;

	/* The first byte picks the SNI and the port the request came in on. */
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		sni = "localhost";
		break;
	case 1:
		sni = "example.org";
		break;
	default:
		break;
	}
	buf++;
	size--;

	n = gemini_frame(buf, size);
	FUZZ_ASSERT(n >= -1 && n <= (ssize_t)size);
	if (n == -1)
		FUZZ_ASSERT(size > GEMINI_URI_MAX);
	if (n > 0) {
		FUZZ_ASSERT(n >= 2 && buf[n - 2] == '\r' && buf[n - 1] == '\n');
		len = (size_t)n - 2;
	} else if (size <= GEMINI_URI_MAX + 2) {
		/* Answer unframed input too: the parser must not rely on it. */
		len = size;
	} else
		return 0;

	response_init(&r);
	gemini_respond(&fc->ctx, buf, len, data[0] % 8 == 3 ? 7070 : 1965,
	    sni, &r);
	check_head(&r);
	if (r.bodylen > 0)
		FUZZ_ASSERT(fuzz_echoed(data, size) ||
		    memmem(r.body, r.bodylen, FUZZ_SECRET,
		    strlen(FUZZ_SECRET)) == NULL);
	fuzz_check_fd(fc, r.fd);
	response_free(&r);
	return 0;
}
