/* The Gemini protocol: framing a request and choosing the response. */
#ifndef GEMSERV_GEMINI_H
#define GEMSERV_GEMINI_H

#include <sys/types.h>
#include <stddef.h>

#include "response.h"
#include "serve.h"

#define GEMINI_URI_MAX	1024

/*
 * Looks for the end of a request in the bytes read so far: returns the
 * request's length including CRLF, 0 when more bytes are needed, or -1 when
 * the URI is already longer than GEMINI_URI_MAX (answer 59 at once).
 * A bare LF is not an end: the client waits until the read timeout.
 */
ssize_t	 gemini_frame(const char *buf, size_t len);

/*
 * Answers one request (len bytes, without CRLF) that arrived on
 * local_port. sni is the TLS server name or NULL.
 */
void	 gemini_respond(const struct serve_ctx *, const char *req, size_t len,
	    int local_port, const char *sni, struct response *out);

#endif
