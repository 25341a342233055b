/* One request's answer: header, body and optional static file. */
#include <string.h>
#include <unistd.h>

#include "response.h"

void
response_init(struct response *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->head);
	buf_init(&r->owned);
	r->fd = -1;
}

void
response_free(struct response *r)
{
	buf_free(&r->head);
	buf_free(&r->owned);
	if (r->fd != -1)
		(void)close(r->fd);
	/* Leaves a valid empty response, so a second free is harmless. */
	response_init(r);
}

void
response_use_owned(struct response *r)
{
	if (r->owned.err) {
		r->body = NULL;
		r->bodylen = 0;
		return;
	}
	r->body = r->owned.data;
	r->bodylen = r->owned.len;
}
