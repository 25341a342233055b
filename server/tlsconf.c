/*
 * libtls server configuration. Keys live in memory so that a chroot or a
 * privilege drop after startup does not stop a worker from using them.
 */
#include <sys/random.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tls.h>

#include "log.h"
#include "tlsconf.h"

/* Shared by every worker so a ticket sealed by one is accepted by all. */
static const unsigned char session_id[] = "gemserv";

int
keypair_load(struct keypair *kp, const char *certfile, const char *keyfile)
{
	memset(kp, 0, sizeof(*kp));
	if ((kp->cert = tls_load_file(certfile, &kp->certlen, NULL)) == NULL) {
		log_err("certificate %s: cannot read: %s", certfile,
		    strerror(errno));
		return -1;
	}
	if ((kp->key = tls_load_file(keyfile, &kp->keylen, NULL)) == NULL) {
		log_err("key %s: cannot read: %s", keyfile, strerror(errno));
		keypair_free(kp);
		return -1;
	}
	return 0;
}

int
keypair_dup(struct keypair *dst, const struct keypair *src)
{
	memset(dst, 0, sizeof(*dst));
	if ((dst->cert = malloc(src->certlen)) == NULL ||
	    (dst->key = malloc(src->keylen)) == NULL) {
		free(dst->cert);
		dst->cert = NULL;
		log_err("out of memory");
		return -1;
	}
	memcpy(dst->cert, src->cert, src->certlen);
	dst->certlen = src->certlen;
	memcpy(dst->key, src->key, src->keylen);
	dst->keylen = src->keylen;
	return 0;
}

void
keypair_free(struct keypair *kp)
{
	if (kp->cert != NULL)
		tls_unload_file(kp->cert, kp->certlen);
	if (kp->key != NULL)
		tls_unload_file(kp->key, kp->keylen);
	memset(kp, 0, sizeof(*kp));
}

int
ticket_key_new(struct ticket_key *tk, uint32_t rev)
{
	size_t	 got = 0;
	ssize_t	 n;

	tk->rev = rev;
	while (got < sizeof(tk->key)) {
		n = getrandom(tk->key + got, sizeof(tk->key) - got, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_err("getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

struct tls_config *
tlsconf_new(const struct keypair *kp, const char *certfile)
{
	struct tls_config	*tc;
	struct tls		*t;

	if ((tc = tls_config_new()) == NULL) {
		log_err("tls_config_new failed");
		return NULL;
	}
	if (tls_config_set_protocols(tc,
	    TLS_PROTOCOL_TLSv1_2 | TLS_PROTOCOL_TLSv1_3) == -1 ||
	    tls_config_set_keypair_mem(tc, kp->cert, kp->certlen, kp->key,
	    kp->keylen) == -1 ||
	    tls_config_set_session_id(tc, session_id,
	    sizeof(session_id) - 1) == -1 ||
	    tls_config_set_session_lifetime(tc, SESSION_LIFETIME) == -1) {
		log_err("TLS configuration: %s", tls_config_error(tc));
		tls_config_free(tc);
		return NULL;
	}
	/* Ask for a client certificate, accept any (self-signed) one. */
	tls_config_verify_client_optional(tc);
	tls_config_insecure_noverifycert(tc);

	/* Configure a context now so a bad keypair fails at startup. */
	if ((t = tls_server()) == NULL) {
		log_err("tls_server failed");
		tls_config_free(tc);
		return NULL;
	}
	if (tls_configure(t, tc) == -1) {
		log_err("certificate %s: %s", certfile, tls_error(t));
		tls_free(t);
		tls_config_free(tc);
		return NULL;
	}
	tls_free(t);
	return tc;
}

int
tlsconf_add_ticket_key(struct tls_config *tc, const struct ticket_key *tk)
{
	unsigned char	 key[TICKET_KEY_SIZE];
	int		 rv;

	/* The API takes a non-const key. */
	memcpy(key, tk->key, sizeof(key));
	rv = tls_config_add_ticket_key(tc, tk->rev, key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	if (rv == -1) {
		log_err("TLS ticket key: %s", tls_config_error(tc));
		return -1;
	}
	return 0;
}

struct tls *
tlsconf_server(struct tls_config *tc)
{
	struct tls	*t;

	if ((t = tls_server()) == NULL) {
		log_err("tls_server failed");
		return NULL;
	}
	if (tls_configure(t, tc) == -1) {
		log_err("TLS server: %s", tls_error(t));
		tls_free(t);
		return NULL;
	}
	return t;
}
