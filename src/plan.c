/*
 * Planning: file extents and a chunk size become byte ranges that cover
 * every byte exactly once.  Pure arithmetic so that every edge (0, 1,
 * chunk - 1, chunk + 1, offsets near INT64_MAX) is unit-testable; the parent
 * finds the extents (extent.c) and the executor (pool.c) runs the ranges.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "plan.h"

#define OFF_MAX	INT64_MAX

off_t
plan_chunk(off_t size, unsigned jobs, off_t chunk)
{
	off_t parts, want;

	if (chunk > 0)
		return chunk;
	if (jobs == 0)
		jobs = 1;
	parts = (off_t)jobs * PLAN_SPLIT;
	want = size / parts + (size % parts != 0);
	if (want > PLAN_CHUNK_MAX)
		return PLAN_CHUNK_MAX;
	if (want < PLAN_CHUNK_MIN)
		return PLAN_CHUNK_MIN;
	/* Round up to the alignment; cannot overflow below CHUNK_MAX. */
	return (want + PLAN_ALIGN - 1) / PLAN_ALIGN * PLAN_ALIGN;
}

static int
grow(struct plan *p, size_t more)
{
	struct range *r;
	size_t cap;

	if (more <= p->cap - p->nranges)
		return 0;
	cap = p->cap ? p->cap : 16;
	while (cap - p->nranges < more) {
		if (cap > SIZE_MAX / 2 / sizeof(*r)) {
			errno = ENOMEM;
			return -1;
		}
		cap *= 2;
	}
	if ((r = reallocarray(p->ranges, cap, sizeof(*r))) == NULL)
		return -1;
	p->ranges = r;
	p->cap = cap;
	return 0;
}

int
plan_add(struct plan *p, uint32_t file, off_t off, off_t len, off_t chunk)
{
	off_t n, count;

	if (off < 0 || len < 0 || chunk < 1) {
		errno = EINVAL;
		return -1;
	}
	if (len > OFF_MAX - off) {
		errno = EOVERFLOW;
		return -1;
	}
	count = len / chunk + (len % chunk != 0);
	if ((uint64_t)count > SIZE_MAX || grow(p, (size_t)count) == -1) {
		errno = ENOMEM;
		return -1;
	}
	while (len > 0) {
		n = len < chunk ? len : chunk;
		p->ranges[p->nranges].off = off;
		p->ranges[p->nranges].len = n;
		p->ranges[p->nranges].file = file;
		p->ranges[p->nranges].whole = 0;
		p->nranges++;
		off += n;
		len -= n;
	}
	return 0;
}

int
plan_add_except(struct plan *p, uint32_t file, off_t off, off_t len,
    off_t chunk, const struct ival *done, size_t n)
{
	off_t end, gap_end;
	size_t i;

	/* Checked before the sum is formed: an overflow is undefined. */
	if (off < 0 || len < 0 || off > OFF_MAX - len) {
		errno = off < 0 || len < 0 ? EINVAL : EOVERFLOW;
		return -1;
	}
	end = off + len;
	for (i = 0; i < n && off < end; i++) {
		if (done[i].end <= off)
			continue;
		gap_end = done[i].off < end ? done[i].off : end;
		if (gap_end > off &&
		    plan_add(p, file, off, gap_end - off, chunk) == -1)
			return -1;
		if (done[i].end > off)
			off = done[i].end;
	}
	return off < end ? plan_add(p, file, off, end - off, chunk) : 0;
}

static int
ival_cmp(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

size_t
ival_merge(struct ival *v, size_t n)
{
	size_t i, k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), ival_cmp);
	for (i = 1; i < n; i++) {
		if (v[i].off <= v[k].end) {
			if (v[i].end > v[k].end)
				v[k].end = v[i].end;
		} else
			v[++k] = v[i];
	}
	return k + 1;
}

uint64_t
plan_bytes(const struct plan *p)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < p->nranges; i++)
		sum += (uint64_t)p->ranges[i].len;
	return sum;
}

int
plan_add_whole(struct plan *p, uint32_t file, off_t len)
{
	if (grow(p, 1) == -1)
		return -1;
	p->ranges[p->nranges].off = 0;
	p->ranges[p->nranges].len = len;
	p->ranges[p->nranges].file = file;
	p->ranges[p->nranges].whole = 1;
	p->nranges++;
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return 0;
}

void
plan_sort(struct plan *p)
{
	plan_sort_small(p, 0);
}

/* Small whole entries: after everything else, by file alone. */
static off_t sort_small;

static bool
is_small(const struct range *r)
{
	return r->whole && r->len < sort_small;
}

static int
small_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (is_small(x) != is_small(y))
		return is_small(x) ? 1 : -1;
	if (is_small(x))
		return x->file < y->file ? -1 : x->file > y->file;
	return range_cmp(a, b);
}

void
plan_sort_small(struct plan *p, off_t small)
{
	if (p->nranges < 2)
		return;
	sort_small = small;	/* qsort takes no argument: parent only */
	qsort(p->ranges, p->nranges, sizeof(*p->ranges), small_cmp);
}

/* One writer a file: split files' ranges first, a file at a time in
 * offset order, then the rest as small_cmp orders it. */
static int
files_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->whole != y->whole)
		return x->whole ? 1 : -1;
	if (x->whole)
		return small_cmp(a, b);
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

void
plan_sort_files(struct plan *p, off_t small)
{
	if (p->nranges < 2)
		return;
	sort_small = small;
	qsort(p->ranges, p->nranges, sizeof(*p->ranges), files_cmp);
}

/* Where the split file whose range is at i has its last range, plus one
 * (its ranges are together). */
static size_t
file_end(const struct plan *p, size_t i)
{
	size_t e = i + 1;

	while (e < p->nranges && !p->ranges[e].whole &&
	    p->ranges[e].file == p->ranges[i].file)
		e++;
	return e;
}

/* Which of how->writers runs range i (of a split file's [s, e)) is in. */
static size_t
run_of(const struct batching *how, size_t s, size_t e, size_t i)
{
	return (i - s) * how->writers / (e - s);
}

int
plan_batch(struct plan *p, const struct batching *how)
{
	uint64_t *b;
	size_t i, n = 0, s = 0, e = 0;
	off_t sum = 0;
	unsigned count = 0;
	bool same;

	free(p->batch);
	p->batch = NULL;
	p->nbatches = 0;
	if ((b = calloc(p->nranges + 1, sizeof(*b))) == NULL)
		return -1;
	for (i = 0; i < p->nranges; i++) {
		const struct range *r = &p->ranges[i];
		off_t cost = r->len + PLAN_TASK_COST;

		if (!r->whole && i >= e)	/* a split file's first range */
			s = i, e = file_end(p, i);
		/* The next range of the same writer's run: whatever the size. */
		same = how->writers > 0 && !r->whole && i > s &&
		    run_of(how, s, e, i - 1) == run_of(how, s, e, i);
		if (count > 0 && !same &&
		    (count == how->max || sum + cost > how->target ||
		    !r->whole || !r[-1].whole)) {
			b[++n] = i;
			sum = 0;
			count = 0;
		}
		sum += cost;
		count++;
	}
	if (count > 0)
		b[++n] = p->nranges;
	p->batch = b;
	p->nbatches = n;
	return 0;
}

void
plan_free(struct plan *p)
{
	free(p->ranges);
	free(p->batch);
	p->ranges = NULL;
	p->batch = NULL;
	p->nranges = p->cap = p->nbatches = 0;
}
