/*
 * make bench-search: builds the search index over a synthetic capsule
 * (tests/gen_capsule.py) and times the build and a fixed mix of queries,
 * each one run and rendered as the Gemini result page.
 *
 * usage: bench_search DIR [ROUNDS]
 *
 * Times are CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), so a busy
 * machine does not inflate them; wall-clock figures are printed beside.
 * A digest of the first round's pages (hits, order, snippets) tells
 * whether a change to the search kept its results byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "buf.h"
#include "directory.h"
#include "render_gemtext.h"
#include "search.h"
#include "site.h"

/* Words of the generator's vocabulary, in every kind of query. */
static const char *const queries[] = {
	"recovery",
	"naloxone",
	"Café",
	"naive",
	"resume",
	"harm reduction",
	"peer support group",
	"\"harm reduction\"",
	"\"peer support\"",
	"\"recovery support community\"",
	"re*",
	"sp*",
	"coop*",
	"mentor sponsor",
	"hope daily routine",
	"\"step program\" volunteer",
	"synthetic",
	"Resource 17",
	"crisis lines",
	"nonexistentword",
	"the and of",
	"strength* journey",
};
#define NQUERIES	(sizeof(queries) / sizeof(queries[0]))

static double
now(clockid_t clk)
{
	struct timespec	 ts;

	if (clock_gettime(clk, &ts) == -1) {
		perror("clock_gettime");
		exit(1);
	}
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* FNV-1a, 64 bits, of s[0..n) on top of h. */
static uint64_t
fnv(uint64_t h, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t	 i = (size_t)(p * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

int
main(int argc, char *argv[])
{
	struct article_opts	 opts;
	struct article		*arts;
	struct directory	 dir;
	struct search_index	*x;
	struct search_result	 res;
	struct buf		 page, path, *pages;
	enum search_status	 st;
	double			 t0, w0, build, wbuild, t, w;
	double			*cpu, *wall, *kind;
	size_t			 narts, i, j, n, rounds = 100;
	size_t			 total[NQUERIES];
	uint64_t		 digest = 0xcbf29ce484222325ULL;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench_search DIR [ROUNDS]\n");
		return 2;
	}
	if (argc == 3 && (rounds = strtoul(argv[2], NULL, 10)) == 0)
		rounds = 1;
	memset(&opts, 0, sizeof(opts));
	buf_init(&path);
	buf_printf(&path, "%s/articles", argv[1]);
	if (path.err || articles_load(path.data, &opts, &arts, &narts) == -1)
		return 1;
	buf_reset(&path);
	buf_printf(&path, "%s/resources.ini", argv[1]);
	if (path.err || directory_load(path.data, &dir) == -1)
		return 1;

	/* The server indexes each article beside its rendered page. */
	if ((pages = calloc(narts ? narts : 1, sizeof(*pages))) == NULL)
		return 1;
	for (i = 0; i < narts; i++) {
		buf_init(&pages[i]);
		render_gemtext(&pages[i], &arts[i].doc);
		if (pages[i].err)
			return 1;
	}

	t0 = now(CLOCK_THREAD_CPUTIME_ID);
	w0 = now(CLOCK_MONOTONIC);
	if ((x = search_new()) == NULL)
		return 1;
	for (i = 0; i < narts; i++)
		if (search_add_article(x, &arts[i], pages[i].data,
		    pages[i].len) == -1)
			return 1;
	for (i = 0; i < dir.nresources; i++)
		if (search_add_resource(x, &dir.resources[i]) == -1)
			return 1;
	if (search_finish(x) == -1)
		return 1;
	build = now(CLOCK_THREAD_CPUTIME_ID) - t0;
	wbuild = now(CLOCK_MONOTONIC) - w0;

	n = rounds * NQUERIES;
	cpu = calloc(n, sizeof(*cpu));
	wall = calloc(n, sizeof(*wall));
	kind = calloc(rounds, sizeof(*kind));
	if (cpu == NULL || wall == NULL || kind == NULL)
		return 1;
	buf_init(&page);
	for (i = 0; i < n; i++) {
		const char	*q = queries[i % NQUERIES];

		buf_reset(&page);
		t = now(CLOCK_THREAD_CPUTIME_ID);
		w = now(CLOCK_MONOTONIC);
		st = search_run(x, q, strlen(q), &res);
		if (st == SEARCH_OK || st == SEARCH_COMMON)
			site_search_gemini(&page, x, q, strlen(q), st, &res);
		cpu[i] = now(CLOCK_THREAD_CPUTIME_ID) - t;
		wall[i] = now(CLOCK_MONOTONIC) - w;
		if (page.err || st == SEARCH_NOMEM)
			return 1;
		if (i < NQUERIES) {
			total[i] = res.total;
			digest = fnv(digest, page.data != NULL ? page.data :
			    "", page.len);
		}
	}
	/* Per kind: the median over the rounds (kind k is every NQUERIES). */
	printf("query kinds (hits, median CPU time):\n");
	for (i = 0; i < NQUERIES; i++) {
		for (j = 0; j < rounds; j++)
			kind[j] = cpu[j * NQUERIES + i];
		qsort(kind, rounds, sizeof(*kind), dbl_cmp);
		printf("  %-34s %6zu hits %7.3f ms\n", queries[i], total[i],
		    pct(kind, rounds, 0.5) * 1e3);
	}
	qsort(cpu, n, sizeof(*cpu), dbl_cmp);
	qsort(wall, n, sizeof(*wall), dbl_cmp);
	printf("documents: %zu (%zu articles, %zu resources), terms: %zu\n",
	    search_ndocs(x), narts, dir.nresources, search_nterms(x));
	printf("index build: %.1f ms CPU (%.1f ms wall)\n", build * 1e3,
	    wbuild * 1e3);
	printf("index memory: %.1f MB\n", search_memory(x) / 1e6);
	printf("queries: %zu (%zu kinds x %zu), search + Gemini page\n", n,
	    NQUERIES, rounds);
	printf("query p50: %.3f ms CPU (%.3f ms wall)\n", pct(cpu, n, 0.5) *
	    1e3, pct(wall, n, 0.5) * 1e3);
	printf("query p99: %.3f ms CPU (%.3f ms wall)\n", pct(cpu, n, 0.99) *
	    1e3, pct(wall, n, 0.99) * 1e3);
	printf("query max: %.3f ms CPU (%.3f ms wall)\n", cpu[n - 1] * 1e3,
	    wall[n - 1] * 1e3);
	printf("results digest: %016llx\n", (unsigned long long)digest);
	buf_free(&page);
	buf_free(&path);
	free(cpu);
	free(wall);
	free(kind);
	search_free(x);
	for (i = 0; i < narts; i++)
		buf_free(&pages[i]);
	free(pages);
	articles_free(arts, narts);
	directory_free(&dir);
	return 0;
}
