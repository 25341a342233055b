/* certgen: self-signed certificate creation and keypair checks. */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <tls.h>

#include "certgen.h"

struct paths {
	char	 dir[64];
	char	 cert[128];
	char	 key[128];
};

static int
setup(void **state)
{
	struct paths	*p = calloc(1, sizeof(*p));

	if (p == NULL)
		return -1;
	snprintf(p->dir, sizeof(p->dir), "/tmp/test-certgen-XXXXXX");
	if (mkdtemp(p->dir) == NULL)
		return -1;
	/* A directory that does not exist yet: certgen creates it. */
	snprintf(p->cert, sizeof(p->cert), "%s/certs/cert.pem", p->dir);
	snprintf(p->key, sizeof(p->key), "%s/certs/key.pem", p->dir);
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	struct paths	*p = *state;
	char		 d[128];

	unlink(p->cert);
	unlink(p->key);
	snprintf(d, sizeof(d), "%s/certs", p->dir);
	rmdir(d);
	rmdir(p->dir);
	free(p);
	return 0;
}

static char *
slurp(const char *path, size_t *len)
{
	uint8_t	*b = tls_load_file(path, len, NULL);

	assert_non_null(b);
	return (char *)b;
}

static int
check_files(const char *cert, const char *key)
{
	size_t	 cl, kl;
	char	*c = slurp(cert, &cl), *k = slurp(key, &kl);
	int	 rv;

	rv = cert_check(cert, (uint8_t *)c, cl, key, (uint8_t *)k, kl);
	tls_unload_file((uint8_t *)c, cl);
	tls_unload_file((uint8_t *)k, kl);
	return rv;
}

static void
test_creates_pair(void **state)
{
	struct paths	*p = *state;
	struct stat	 st;
	FILE		*f;
	X509		*x;

	assert_int_equal(certgen_ensure(p->cert, p->key, "capsule.example"),
	    0);
	assert_int_equal(stat(p->key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(check_files(p->cert, p->key), 0);

	assert_non_null(f = fopen(p->cert, "r"));
	assert_non_null(x = PEM_read_X509(f, NULL, NULL, NULL));
	fclose(f);
	assert_int_equal(X509_check_host(x, "capsule.example", 0, 0, NULL),
	    1);
	assert_int_equal(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	assert_int_equal(X509_check_host(x, "other.example", 0, 0, NULL), 0);
	assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "::1", 0), 1);
	assert_int_equal(X509_check_ip_asc(x, "10.0.0.1", 0), 0);
	/* About ten years. */
	assert_true(X509_cmp_time(X509_get0_notAfter(x),
	    &(time_t){ time(NULL) + 9L * 365 * 86400 }) > 0);
	X509_free(x);
}

static void
test_keeps_existing_pair(void **state)
{
	struct paths	*p = *state;
	size_t		 l1, l2;
	char		*k1, *k2;

	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), 0);
	k1 = slurp(p->key, &l1);
	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), 0);
	k2 = slurp(p->key, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(k1, k2, l1);
	tls_unload_file((uint8_t *)k1, l1);
	tls_unload_file((uint8_t *)k2, l2);
}

static void
test_one_missing_is_an_error(void **state)
{
	struct paths	*p = *state;
	struct stat	 st;

	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), 0);
	assert_int_equal(unlink(p->key), 0);
	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), -1);
	assert_int_equal(stat(p->key, &st), -1);	/* not recreated */

	assert_int_equal(unlink(p->cert), 0);
	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), 0);
	assert_int_equal(unlink(p->cert), 0);
	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), -1);
	assert_int_equal(stat(p->cert, &st), -1);
}

static void
test_mismatch_and_garbage(void **state)
{
	struct paths	*p = *state;
	char		 c2[160], k2[160];
	size_t		 cl, kl;
	char		*c, *k;

	snprintf(c2, sizeof(c2), "%s/c2.pem", p->dir);
	snprintf(k2, sizeof(k2), "%s/k2.pem", p->dir);
	assert_int_equal(certgen_ensure(p->cert, p->key, "localhost"), 0);
	assert_int_equal(certgen_ensure(c2, k2, "localhost"), 0);
	assert_int_equal(check_files(p->cert, k2), -1);
	assert_int_equal(check_files(c2, p->key), -1);
	assert_int_equal(check_files(c2, k2), 0);

	c = slurp(p->cert, &cl);
	k = slurp(p->key, &kl);
	assert_int_equal(cert_check("c", (const uint8_t *)"junk", 4, "k",
	    (uint8_t *)k, kl), -1);
	assert_int_equal(cert_check("c", (uint8_t *)c, cl, "k",
	    (const uint8_t *)"junk", 4), -1);
	/* The key passed as the certificate and the other way round. */
	assert_int_equal(cert_check("c", (uint8_t *)k, kl, "k",
	    (uint8_t *)c, cl), -1);
	tls_unload_file((uint8_t *)c, cl);
	tls_unload_file((uint8_t *)k, kl);
	unlink(c2);
	unlink(k2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_creates_pair, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keeps_existing_pair, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_missing_is_an_error,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_mismatch_and_garbage,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
