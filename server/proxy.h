/*
 * The PROXY protocol (versions 1 and 2), as a TCP load balancer sends it
 * at the start of a connection to pass on the client's address. A pure
 * parser: it looks only at the bytes given and may be called again as
 * more arrive.
 */
#ifndef GEMSERV_PROXY_H
#define GEMSERV_PROXY_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stddef.h>

#define PROXY_V1_MAX	107	/* longest v1 line, CRLF included */
#define PROXY_V2_HEAD	16	/* fixed part of a v2 header */
/* A v2 header up to the end of the longest address block (AF_UNIX). */
#define PROXY_V2_KEEP	(PROXY_V2_HEAD + 216)

#define PROXY_NEED	0	/* a valid beginning: read more */
#define PROXY_BAD	(-1)	/* not a (valid) PROXY header */

struct proxy_hdr {
	int			 version;	/* 1 or 2 */
	/*
	 * 0: the addresses are unknown (v1 UNKNOWN, v2 LOCAL, v2 UNSPEC or
	 * AF_UNIX): keep the connection's own peer address.
	 */
	int			 known;
	struct sockaddr_storage	 src;		/* the client */
	struct sockaddr_storage	 dst;		/* the address it connected to */
	socklen_t		 addrlen;	/* of src and dst */
};

/*
 * Parses the first len bytes of a connection. Returns PROXY_NEED, PROXY_BAD
 * or the full length of the header (> 0) with *out filled. A v2 header's
 * length may exceed len: the bytes past its address block are TLVs,
 * which the parser does not need; the caller reads and drops them.
 */
ssize_t	 proxy_parse(const void *buf, size_t len, struct proxy_hdr *out);

/*
 * How many more bytes the parser may look at without going past the end
 * of the header (it may need fewer, for a v1 header). Never more than
 * PROXY_V2_KEEP - len, so a buffer of PROXY_V2_KEEP bytes is enough.
 */
size_t	 proxy_want(const void *buf, size_t len);

#endif
