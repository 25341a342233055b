/*
 * Self-signed certificate creation and keypair checks with libcrypto.
 * Gemini clients pin certificates on first use, so an existing key is
 * never replaced.
 */
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "certgen.h"
#include "log.h"

#define CERT_DAYS	3650

static const char *
ssl_err(void)
{
	unsigned long	 e = ERR_get_error();

	ERR_clear_error();
	return e == 0 ? "unknown error" : ERR_reason_error_string(e) ?
	    ERR_reason_error_string(e) : "unknown error";
}

/* mkdir -p of the directory holding path. */
static int
make_parent(const char *path)
{
	char	 dir[PATH_MAX];
	char	*p, c;
	size_t	 len = strlen(path);

	if (len >= sizeof(dir)) {
		log_err("%s: path too long", path);
		return -1;
	}
	memcpy(dir, path, len + 1);
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			log_err("creating directory %s: %s", dir,
			    strerror(errno));
			return -1;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	int		 ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* "DNS:host," or "IP:addr," unless it is one of the fixed entries. */
static void
san_host(struct buf *b, const char *host)
{
	unsigned char	 a[16];

	if (strcmp(host, "localhost") == 0 || strcmp(host, "127.0.0.1") == 0 ||
	    strcmp(host, "::1") == 0)
		return;
	if (inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1)
		buf_printf(b, "IP:%s,", host);
	else
		buf_printf(b, "DNS:%s,", host);
}

static X509 *
make_cert(EVP_PKEY *pk, const char *host)
{
	X509		*x;
	X509_NAME	*name;
	ASN1_INTEGER	*serial;
	unsigned char	 rnd[16];
	BIGNUM		*bn = NULL;
	struct buf	 san;
	int		 ok = 0;

	buf_init(&san);
	if ((x = X509_new()) == NULL)
		return NULL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto out;
	rnd[0] &= 0x7f;		/* a positive serial */
	if ((bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) == NULL ||
	    (serial = X509_get_serialNumber(x)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, serial) == NULL)
		goto out;
	if (X509_set_version(x, 2) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), CERT_DAYS, 0,
	    NULL) == NULL ||
	    X509_set_pubkey(x, pk) != 1)
		goto out;
	name = X509_get_subject_name(x);
	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)host, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1)
		goto out;
	san_host(&san, host);
	buf_puts(&san, "DNS:localhost,IP:127.0.0.1,IP:::1");
	if (san.err ||
	    add_ext(x, NID_subject_alt_name, san.data) == -1 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") == -1 ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature") == -1 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") == -1 ||
	    add_ext(x, NID_subject_key_identifier, "hash") == -1)
		goto out;
	if (X509_sign(x, pk, EVP_sha256()) == 0)
		goto out;
	ok = 1;
out:
	BN_free(bn);
	buf_free(&san);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Creates path (which must not exist) with mode and opens it for stdio. */
static FILE *
create_excl(const char *path, mode_t mode)
{
	FILE	*f;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		log_err("creating %s: %s", path, strerror(errno));
		return NULL;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		log_err("creating %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
	}
	return f;
}

static int
finish(FILE *f, const char *path, int wrote)
{
	int	 bad = !wrote || fflush(f) != 0 || fsync(fileno(f)) != 0;

	if (fclose(f) != 0)
		bad = 1;
	if (bad) {
		log_err("writing %s failed", path);
		unlink(path);
		return -1;
	}
	return 0;
}

static int
generate(const char *certfile, const char *keyfile, const char *host)
{
	EVP_PKEY	*pk;
	X509		*x = NULL;
	FILE		*f;
	int		 rv = -1;

	if ((pk = EVP_EC_gen("P-256")) == NULL) {
		log_err("generating a P-256 key: %s", ssl_err());
		return -1;
	}
	if ((x = make_cert(pk, host)) == NULL) {
		log_err("creating a certificate for %s: %s", host, ssl_err());
		goto out;
	}
	if (make_parent(keyfile) == -1 || make_parent(certfile) == -1)
		goto out;
	if ((f = create_excl(keyfile, 0600)) == NULL)
		goto out;
	if (finish(f, keyfile, PEM_write_PrivateKey(f, pk, NULL, NULL, 0,
	    NULL, NULL)) == -1)
		goto out;
	if ((f = create_excl(certfile, 0644)) == NULL) {
		unlink(keyfile);	/* ours, made a moment ago */
		goto out;
	}
	if (finish(f, certfile, PEM_write_X509(f, x)) == -1) {
		unlink(keyfile);
		goto out;
	}
	log_info("created self-signed certificate %s (key %s) for %s",
	    certfile, keyfile, host);
	rv = 0;
out:
	X509_free(x);
	EVP_PKEY_free(pk);
	return rv;
}

static int
exists(const char *path, int *err)
{
	struct stat	 st;

	*err = 0;
	if (stat(path, &st) == 0)
		return 1;
	if (errno != ENOENT)
		*err = errno;
	return 0;
}

int
certgen_ensure(const char *certfile, const char *keyfile, const char *host)
{
	int	 c, k, cerr, kerr;

	c = exists(certfile, &cerr);
	k = exists(keyfile, &kerr);
	if (cerr != 0) {
		log_err("certificate %s: %s", certfile, strerror(cerr));
		return -1;
	}
	if (kerr != 0) {
		log_err("key %s: %s", keyfile, strerror(kerr));
		return -1;
	}
	if (c && k)
		return 0;
	if (c) {
		log_err("key %s is missing but certificate %s exists; "
		    "restore the key or remove both to create new ones",
		    keyfile, certfile);
		return -1;
	}
	if (k) {
		log_err("certificate %s is missing but key %s exists; "
		    "restore the certificate or remove both to create new ones",
		    certfile, keyfile);
		return -1;
	}
	return generate(certfile, keyfile, host);
}

/* Encrypted keys are not supported: never prompt on a terminal. */
static int
no_password(char *buf, int size, int rwflag, void *u)
{
	return 0;
}

int
cert_check(const char *certfile, const uint8_t *cert, size_t certlen,
    const char *keyfile, const uint8_t *key, size_t keylen)
{
	BIO		*bio;
	X509		*x = NULL;
	EVP_PKEY	*pk = NULL;
	int		 rv = -1;

	if (certlen > INT_MAX || keylen > INT_MAX) {
		log_err("certificate %s or key %s: too large", certfile,
		    keyfile);
		return -1;
	}
	if ((bio = BIO_new_mem_buf(cert, (int)certlen)) == NULL)
		goto out;
	x = PEM_read_bio_X509(bio, NULL, no_password, NULL);
	BIO_free(bio);
	if (x == NULL) {
		log_err("certificate %s: not a PEM certificate: %s", certfile,
		    ssl_err());
		goto out;
	}
	if ((bio = BIO_new_mem_buf(key, (int)keylen)) == NULL)
		goto out;
	pk = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	BIO_free(bio);
	if (pk == NULL) {
		log_err("key %s: not a readable PEM private key (encrypted "
		    "keys are not supported): %s", keyfile, ssl_err());
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		ERR_clear_error();
		log_err("key %s does not match certificate %s", keyfile,
		    certfile);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
		log_err("certificate %s has expired", certfile);
		goto out;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
		log_warn("certificate %s is not valid yet", certfile);
	rv = 0;
out:
	X509_free(x);
	EVP_PKEY_free(pk);
	return rv;
}
