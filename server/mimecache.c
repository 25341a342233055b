/*
 * A direct-mapped table: a capsule's static folder holds few files, and
 * a collision only costs one more libmagic call, never a wrong answer,
 * since every field of the key is compared.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mimecache.h"

#define SLOTS		64	/* a power of two */
#define MIME_MAX	128	/* as struct static_file's mime */

struct key {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
};

struct slot {
	int		 used;
	struct key	 key;
	char		 mime[MIME_MAX];
};

struct mime_cache {
	struct slot	 slots[SLOTS];
};

static void
key_of(const struct stat *st, struct key *k)
{
	memset(k, 0, sizeof(*k));
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
	k->mtime = st->st_mtim;
	k->ctime = st->st_ctim;
}

static int
key_eq(const struct key *a, const struct key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

static size_t
slot_of(const struct stat *st)
{
	uint64_t	 h = (uint64_t)st->st_ino ^ ((uint64_t)st->st_dev << 32);

	/* Fibonacci hashing spreads consecutive inode numbers. */
	h *= UINT64_C(0x9e3779b97f4a7c15);
	return (size_t)(h >> 58) & (SLOTS - 1);
}

struct mime_cache *
mime_cache_new(void)
{
	return calloc(1, sizeof(struct mime_cache));
}

void
mime_cache_free(struct mime_cache *mc)
{
	free(mc);
}

int
mime_cache_get(const struct mime_cache *mc, const struct stat *st,
    char *mime, size_t size)
{
	const struct slot *s = &mc->slots[slot_of(st)];
	struct key	 k;
	size_t		 n;

	key_of(st, &k);
	if (!s->used || !key_eq(&s->key, &k))
		return 0;
	n = strlen(s->mime);
	if (n >= size)
		return 0;
	memcpy(mime, s->mime, n + 1);
	return 1;
}

void
mime_cache_put(struct mime_cache *mc, const struct stat *st,
    const char *mime)
{
	struct slot	*s = &mc->slots[slot_of(st)];
	size_t		 n = strlen(mime);

	if (n >= sizeof(s->mime))
		return;
	key_of(st, &s->key);
	memcpy(s->mime, mime, n + 1);
	s->used = 1;
}
