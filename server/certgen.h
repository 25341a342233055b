/*
 * The server certificate: a self-signed ECDSA P-256 certificate created
 * on first start, and startup checks of the configured keypair.
 */
#ifndef GEMSERV_CERTGEN_H
#define GEMSERV_CERTGEN_H

#include <stddef.h>
#include <stdint.h>

/*
 * When neither file exists, creates a self-signed certificate for hostname
 * (valid ten years; subjectAltName hostname, localhost, 127.0.0.1, ::1)
 * and its key (mode 0600), creating missing parent directories. Never
 * replaces an existing file: one present without the other is an error.
 * 0, or -1 after logging why.
 */
int	 certgen_ensure(const char *certfile, const char *keyfile,
	    const char *hostname);

/*
 * Checks PEM data read from the two files: both parse, the key matches
 * the certificate and the certificate has not expired. 0, or -1 after
 * logging a message that names the file at fault.
 */
int	 cert_check(const char *certfile, const uint8_t *cert, size_t certlen,
	    const char *keyfile, const uint8_t *key, size_t keylen);

#endif
