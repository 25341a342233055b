/*
 * What a protocol module hands the server core for one request: a header
 * (Gemini's status line), a body that usually points into the immutable
 * capsule (no copy), an optional body built for this request, and an
 * optional static file streamed after it.
 */
#ifndef GEMSERV_RESPONSE_H
#define GEMSERV_RESPONSE_H

#include <sys/types.h>
#include <stddef.h>

#include "buf.h"

struct response {
	int		 status;	/* Gemini status; gopher: 0 ok, 3 error */
	struct buf	 head;		/* bytes sent first ("20 text/gemini\r\n") */
	const char	*body;		/* capsule memory or owned.data */
	size_t		 bodylen;
	struct buf	 owned;		/* a body built for this request */
	int		 fd;		/* static file to stream after body, or -1 */
	off_t		 fdlen;		/* its size when opened: what is sent */
	int		 close_silently; /* send nothing at all */
};

void	 response_init(struct response *);
void	 response_free(struct response *);	/* closes fd */
/* Sets body to the owned buffer once it is complete. */
void	 response_use_owned(struct response *);

#endif
