/*
 * The libtls server configuration shared by every worker: TLS 1.2 and 1.3
 * only, one keypair held in memory (loaded before any chroot), client
 * certificates requested but never required, and session tickets whose
 * keys come from the supervisor so a session resumes on any worker.
 * (Named tlsconf, not tls, so it cannot shadow libtls's <tls.h>.)
 */
#ifndef GEMSERV_TLSCONF_H
#define GEMSERV_TLSCONF_H

#include <stddef.h>
#include <stdint.h>

#define TICKET_KEY_SIZE		48	/* TLS_TICKET_KEY_SIZE */
#define SESSION_LIFETIME	7200	/* seconds a ticket stays valid */
/*
 * libtls stops sealing with a key SESSION_LIFETIME seconds after it was
 * added, and then fails every handshake: keys must be replaced well
 * before that.
 */
#define TICKET_ROTATE		(SESSION_LIFETIME / 4)

struct tls;
struct tls_config;

struct ticket_key {
	uint32_t	 rev;
	unsigned char	 key[TICKET_KEY_SIZE];
};

struct keypair {
	uint8_t		*cert;
	size_t		 certlen;
	uint8_t		*key;
	size_t		 keylen;
};

/* Reads both PEM files into memory. 0, or -1 after logging the file. */
int	 keypair_load(struct keypair *, const char *certfile,
	    const char *keyfile);
/* A copy of src. 0, or -1 after logging. */
int	 keypair_dup(struct keypair *dst, const struct keypair *src);
void	 keypair_free(struct keypair *);	/* zeroes the key */

/* A fresh random key. 0, or -1 after logging. */
int	 ticket_key_new(struct ticket_key *, uint32_t rev);

/*
 * A server configuration for the keypair, checked by configuring a
 * throwaway server context. NULL after logging why.
 */
struct tls_config *tlsconf_new(const struct keypair *, const char *certfile);
/* Makes key the one new tickets are sealed with. 0 or -1 after logging. */
int	 tlsconf_add_ticket_key(struct tls_config *, const struct ticket_key *);
/* A server context using cfg. NULL after logging. */
struct tls *tlsconf_server(struct tls_config *);

#endif
