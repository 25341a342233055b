/*
 * Fuzz target: the URL parser, path decoding and dot-segment removal.
 * Invariants: parsed parts lie inside the input and in order; a decoded
 * path has no byte an escape must not produce; a normalised absolute path
 * has no "." or ".." segment, matches a plain segment-stack model, and is
 * refused exactly when ".." would climb above the root.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "url.h"

#define PATHMAX	4096

static void
in_input(const char *s, size_t len, const char *p, size_t plen)
{
	if (p == NULL) {
		FUZZ_ASSERT(plen == 0);
		return;
	}
	FUZZ_ASSERT(p >= s && p + plen <= s + len);
}

/*
 * The reference: split at '/', "." drops, ".." pops (failing on an empty
 * stack), and a trailing "." or ".." leaves a trailing slash.
 */
static int
model(const char *p, size_t len, char *out, size_t *outlen)
{
	static size_t	 starts[PATHMAX], ends[PATHMAX];
	size_t		 nseg = 0, i, e, o = 0;
	int		 trailing = 0;

	FUZZ_ASSERT(len > 0 && p[0] == '/');
	for (i = 1; i <= len; i = e + 1) {
		for (e = i; e < len && p[e] != '/'; e++)
			;
		trailing = 0;
		if (e - i == 1 && p[i] == '.') {
			trailing = 1;
		} else if (e - i == 2 && p[i] == '.' && p[i + 1] == '.') {
			if (nseg == 0)
				return -1;
			nseg--;
			trailing = 1;
		} else {
			starts[nseg] = i;
			ends[nseg] = e;
			nseg++;
		}
	}
	for (i = 0; i < nseg; i++) {
		out[o++] = '/';
		memcpy(out + o, p + starts[i], ends[i] - starts[i]);
		o += ends[i] - starts[i];
	}
	if (trailing || o == 0)
		out[o++] = '/';
	out[o] = '\0';
	*outlen = o;
	return 0;
}

static int
has_dot_segment(const char *p, size_t len)
{
	size_t	 i, e;

	for (i = 0; i < len; i = e + 1) {
		for (e = i; e < len && p[e] != '/'; e++)
			;
		if ((e - i == 1 && p[i] == '.') ||
		    (e - i == 2 && p[i] == '.' && p[i + 1] == '.'))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 dec[PATHMAX + 1], ref[PATHMAX + 2];
	struct url	 u;
	const char	*s = (const char *)data;
	size_t		 declen, reflen, i;
	int		 rc, mrc;

	fuzz_quiet();
	if (url_parse(s, size, &u) == 0) {
		FUZZ_ASSERT(u.scheme_len > 0 && u.scheme == s);
		in_input(s, size, u.userinfo, u.userinfo_len);
		in_input(s, size, u.host, u.host_len);
		in_input(s, size, u.port, u.port_len);
		in_input(s, size, u.path, u.path_len);
		in_input(s, size, u.query, u.query_len);
		in_input(s, size, u.fragment, u.fragment_len);
		FUZZ_ASSERT(u.port_num >= -1 && u.port_num <= 65535);
		for (i = 0; i < size; i++)
			FUZZ_ASSERT(data[i] > 0x20 && data[i] != 0x7f);
		if (u.has_authority && u.path_len > 0)
			FUZZ_ASSERT(u.path[0] == '/');
		if (u.path_len > PATHMAX)
			return 0;
		rc = url_decode_path(u.path, u.path_len, dec, sizeof(dec),
		    &declen);
	} else {
		/* Decode and normalise the raw bytes as a path too. */
		if (size > PATHMAX)
			return 0;
		rc = url_decode_path(s, size, dec, sizeof(dec), &declen);
	}
	if (rc == -1)
		return 0;
	FUZZ_ASSERT(declen < sizeof(dec) && dec[declen] == '\0');
	FUZZ_ASSERT(strlen(dec) == declen);
	for (i = 0; i < declen; i++) {
		/* Control bytes and backslashes come only from escapes. */
		FUZZ_ASSERT((unsigned char)dec[i] >= 0x20 ||
		    memchr(s, dec[i], size) != NULL);
	}
	if (declen == 0 || dec[0] != '/') {
		(void)url_remove_dot_segments(dec, &declen);
		return 0;
	}
	mrc = model(dec, declen, ref, &reflen);
	rc = url_remove_dot_segments(dec, &declen);
	FUZZ_ASSERT(rc == mrc);
	if (rc == -1)
		return 0;
	FUZZ_ASSERT(strlen(dec) == declen);
	FUZZ_ASSERT(declen > 0 && dec[0] == '/');
	FUZZ_ASSERT(!has_dot_segment(dec + 1, declen - 1));
	FUZZ_ASSERT(strstr(dec, "/../") == NULL);
	FUZZ_ASSERT(reflen == declen && memcmp(ref, dec, declen) == 0);
	return 0;
}
