/*
 * Session tickets with Debian's libtls (libretls 3.7 over OpenSSL 3).
 *
 * libretls's ticket-key callback returns 0 after setting up a new ticket;
 * OpenSSL 3 reads 0 in encrypt mode as "send no ticket", so no client can
 * ever resume. libtls gives no handle on its SSL_CTX, so this file
 * interposes the one OpenSSL call libtls installs the callback through and
 * wraps the callback: in encrypt mode 0 becomes 1 (libretls reports its
 * errors as -1, so 0 can only mean success). Every other control and
 * return value passes through, so a fixed libtls is unaffected.
 *
 * The same hook is the one place gemserv can reach libtls's SSL_CTX, so
 * it also sets what libtls leaves at OpenSSL's defaults and that costs a
 * capsule server: two tickets per handshake, no fresh ticket when one is
 * used, 16 KB buffers kept by every waiting connection, two read(2)
 * calls per TLS record (header, then body) instead of one per arrival,
 * and TLS 1.3's AES-256-GCM-SHA384 ahead of AES-128-GCM-SHA256.
 */
#include <dlfcn.h>
#include <stddef.h>

#include <openssl/ssl.h>

#define TLS13_SUITES	"TLS_AES_128_GCM_SHA256:" \
			"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384"

typedef long	(*callback_ctrl_fn)(SSL_CTX *, int, void (*)(void));
typedef int	(*ticket_fn)(SSL *, unsigned char *, unsigned char *,
		    EVP_CIPHER_CTX *, HMAC_CTX *, int);

long	 SSL_CTX_callback_ctrl(SSL_CTX *, int, void (*)(void));

/* libtls installs one callback function for every context it makes. */
static ticket_fn	 libtls_ticket_cb;

static int
ticket_cb(SSL *ssl, unsigned char *name, unsigned char *iv,
    EVP_CIPHER_CTX *cctx, HMAC_CTX *hctx, int enc)
{
	int	 r;

	r = libtls_ticket_cb(ssl, name, iv, cctx, hctx, enc);
	if (enc == 1 && r == 0)
		return 1;
	/*
	 * A ticket opened: ask for a fresh one (2), or TLS 1.3 sends none
	 * on a resumed connection and a client that uses each ticket once,
	 * as RFC 8446 advises, falls back to a full handshake every other
	 * time.
	 */
	if (enc == 0 && r == 1)
		return 2;
	return r;
}

long
SSL_CTX_callback_ctrl(SSL_CTX *ctx, int cmd, void (*fp)(void))
{
	static callback_ctrl_fn	 real;

	if (real == NULL &&
	    (real = (callback_ctrl_fn)dlsym(RTLD_NEXT,
	    "SSL_CTX_callback_ctrl")) == NULL)
		return 0;
	if (cmd == SSL_CTRL_SET_TLSEXT_TICKET_KEY_CB && fp != NULL &&
	    (libtls_ticket_cb == NULL ||
	    libtls_ticket_cb == (ticket_fn)fp)) {
		libtls_ticket_cb = (ticket_fn)fp;
		fp = (void (*)(void))ticket_cb;
		/*
		 * The one hook on libtls's SSL_CTX: one ticket per handshake
		 * (OpenSSL sends two), no 16 KB read and write buffers kept
		 * by connections that wait, and reads that take every record
		 * that has arrived (a client's Finished and its request come
		 * together). Buffered records are never stranded: libtls
		 * asks for POLLIN only once OpenSSL has found the socket dry.
		 */
		(void)SSL_CTX_set_num_tickets(ctx, 1);
		(void)SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
		SSL_CTX_set_read_ahead(ctx, 1);
		/*
		 * TLS 1.3 with AES-128-GCM first, as Go and Mozilla's
		 * guidelines order it: 128-bit security like the X25519 or
		 * P-256 key exchange before it, and a key schedule on SHA-256
		 * costs 6% less of a handshake than on SHA-384, on both
		 * ends. ChaCha20 first for clients that ask for it first
		 * (no AES in hardware). Every suite stays available.
		 */
		if (SSL_CTX_set_ciphersuites(ctx, TLS13_SUITES) == 1)
			(void)SSL_CTX_set_options(ctx,
			    SSL_OP_PRIORITIZE_CHACHA);
	}
	return real(ctx, cmd, fp);
}
