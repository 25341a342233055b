/*
 * The in-memory capsule: two sorted arrays of entries, one per protocol.
 * Built once, sealed, then only searched, so workers share it read-only.
 */
#include <stdlib.h>
#include <string.h>

#include "capsule.h"
#include "search.h"

struct table {
	struct entry	*v;
	size_t		 n;
	size_t		 cap;
	size_t		 bytes;
};

struct capsule {
	struct table	 t[2];		/* indexed by enum proto */
	struct search_index *index;
	int		 sealed;
};

struct capsule *
capsule_new(void)
{
	return calloc(1, sizeof(struct capsule));
}

void
capsule_free(struct capsule *c)
{
	size_t	 i, p;

	if (c == NULL)
		return;
	for (p = 0; p < 2; p++) {
		for (i = 0; i < c->t[p].n; i++) {
			free(c->t[p].v[i].path);
			free(c->t[p].v[i].mime);
			free(c->t[p].v[i].data);
		}
		free(c->t[p].v);
	}
	search_free(c->index);
	free(c);
}

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path,
	    ((const struct entry *)b)->path);
}

int
capsule_add(struct capsule *c, enum proto proto, const char *path,
    const char *mime, char type, char *data, size_t len)
{
	struct table	*t = &c->t[proto];
	struct entry	*e, *v;
	size_t		 cap;

	if (c->sealed)
		goto fail;
	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		if ((v = reallocarray(t->v, cap, sizeof(*v))) == NULL)
			goto fail;
		t->v = v;
		t->cap = cap;
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->data = data;
	e->len = len;
	if ((e->path = strdup(path)) == NULL)
		goto fail;
	if (mime != NULL && (e->mime = strdup(mime)) == NULL) {
		free(e->path);
		goto fail;
	}
	t->n++;
	t->bytes += len;
	return 0;
fail:
	free(data);
	return -1;
}

/* Duplicates are reported by returning -1; the capsule is sealed anyway. */
int
capsule_seal(struct capsule *c)
{
	size_t	 i, p;
	int	 rv = 0;

	for (p = 0; p < 2; p++) {
		if (c->t[p].n > 1)
			qsort(c->t[p].v, c->t[p].n, sizeof(struct entry),
			    entry_cmp);
		for (i = 1; i < c->t[p].n; i++)
			if (strcmp(c->t[p].v[i - 1].path,
			    c->t[p].v[i].path) == 0)
				rv = -1;
	}
	c->sealed = 1;
	return rv;
}

const struct entry *
capsule_find(const struct capsule *c, enum proto proto, const char *path)
{
	const struct table	*t = &c->t[proto];
	struct entry		 key;

	if (t->n == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	return bsearch(&key, t->v, t->n, sizeof(struct entry), entry_cmp);
}

size_t
capsule_count(const struct capsule *c, enum proto proto)
{
	return c->t[proto].n;
}

const struct entry *
capsule_at(const struct capsule *c, enum proto proto, size_t i)
{
	return i < c->t[proto].n ? &c->t[proto].v[i] : NULL;
}

size_t
capsule_bytes(const struct capsule *c, enum proto proto)
{
	return c->t[proto].bytes;
}

void
capsule_set_index(struct capsule *c, struct search_index *x)
{
	search_free(c->index);
	c->index = x;
}

const struct search_index *
capsule_index(const struct capsule *c)
{
	return c->index;
}
