/*
 * job.c: blobs, and the table of drivers whose jobs travel.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "job.h"
#include "util.h"

extern const struct job_driver copy_driver;
#ifdef HAVE_LIBARCHIVE
extern const struct job_driver tar_extract_driver, tar_create_driver;
#endif

static const struct job_driver *const drivers[] = {
	&copy_driver,
#ifdef HAVE_LIBARCHIVE
	&tar_extract_driver,
	&tar_create_driver,
#endif
};

const struct job_driver *
job_driver(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(drivers) / sizeof(*drivers);
	    i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

void
blob_put(struct blob *b, const void *src, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len < n) {
		while (b->cap - b->len < n)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

void
blob_put_u64(struct blob *b, uint64_t v)
{
	blob_put(b, &v, sizeof(v));
}

void
blob_put_str(struct blob *b, const char *s)
{
	if (s == NULL) {
		blob_put_u64(b, UINT64_MAX);
		return;
	}
	blob_put_u64(b, strlen(s));
	blob_put(b, s, strlen(s));
}

void
blob_get(struct blob *b, void *dst, size_t n)
{
	if (b->bad || b->len - b->pos < n) {
		b->bad = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, b->p + b->pos, n);
	b->pos += n;
}

uint64_t
blob_get_u64(struct blob *b)
{
	uint64_t v;

	blob_get(b, &v, sizeof(v));
	return v;
}

char *
blob_get_str(struct blob *b)
{
	uint64_t n = blob_get_u64(b);
	char *s;

	if (n == UINT64_MAX || b->bad)
		return NULL;
	if (b->len - b->pos < n) {
		b->bad = true;
		return NULL;
	}
	s = xmalloc(n + 1);
	blob_get(b, s, n);
	s[n] = '\0';
	return s;
}

void *
blob_get_array(struct blob *b, size_t n, size_t size)
{
	void *v;

	if (b->bad || (size != 0 && n > (b->len - b->pos) / size)) {
		b->bad = true;
		return NULL;
	}
	v = xmalloc(n != 0 && size != 0 ? n * size : 1);
	blob_get(b, v, n * size);
	return v;
}

void
blob_seal(struct blob *b)
{
	blob_put_u64(b, XXH64(b->p, b->len, 0));
}

int
blob_check(struct blob *b)
{
	uint64_t sum;

	if (b->len < sizeof(sum) || b->pos != 0) {
		b->bad = true;
		return -1;
	}
	memcpy(&sum, b->p + b->len - sizeof(sum), sizeof(sum));
	if (sum != XXH64(b->p, b->len - sizeof(sum), 0)) {
		b->bad = true;
		return -1;
	}
	b->len -= sizeof(sum);
	return 0;
}

void
blob_free(struct blob *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
