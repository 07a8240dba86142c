/*
 * The plan: every copy is a list of byte ranges, each "copy len bytes at off
 * of file".  Pure arithmetic: no syscalls, no output, no exit.
 */
#ifndef PARCP_PLAN_H
#define PARCP_PLAN_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* With the automatic chunk size, aim for this many ranges per worker. */
#define PLAN_SPLIT		4
/* Automatic chunks are multiples of this and within [MIN, MAX]. */
#define PLAN_ALIGN		((off_t)1 << 20)
#define PLAN_CHUNK_MIN		((off_t)1 << 20)
#define PLAN_CHUNK_MAX		((off_t)16 << 20)

struct range {
	off_t		 off;
	off_t		 len;
	uint32_t	 file;		/* index into the caller's file list */
	uint32_t	 whole;		/* 1: the whole entry, one task */
};

/* A byte interval [off, end). */
struct ival {
	off_t		 off;
	off_t		 end;
};

struct plan {
	struct range	*ranges;
	size_t		 nranges;
	size_t		 cap;
	uint64_t	*batch;		/* batch b: [batch[b], batch[b + 1]) */
	size_t		 nbatches;
};

/* A batch's bytes count each task this much more: what a file costs
 * beyond its data (open, create, metadata, rename). */
#define PLAN_TASK_COST		((off_t)64 << 10)
/* The most tasks in a batch. */
#define PLAN_BATCH_MAX		64
/* Fork mode's batches (a child each): this many times the bytes of a
 * chunk, and this many tasks at most (measured: bench/exec.sh). */
#define PLAN_FORK_BATCH_SCALE	4
#define PLAN_FORK_BATCH_MAX	256

/*
 * The chunk size for a file of size bytes: chunk if it is set (> 0),
 * otherwise about size / (jobs * PLAN_SPLIT), aligned and clamped.
 */
off_t	plan_chunk(off_t size, unsigned jobs, off_t chunk);
/*
 * Append the ranges covering [off, off + len) of file, each at most chunk
 * bytes.  len 0 adds nothing.  Returns 0, or -1 with errno EINVAL (negative
 * values, chunk < 1), EOVERFLOW (off + len past OFF_MAX) or ENOMEM.
 */
int	plan_add(struct plan *, uint32_t file, off_t off, off_t len,
	    off_t chunk);
/*
 * Append one task for all of file (len bytes, for ordering): a worker
 * copies and finishes it alone.  Returns 0, or -1 with errno ENOMEM.
 */
int	plan_add_whole(struct plan *, uint32_t file, off_t len);
/*
 * Append the ranges covering what of [off, off + len) is not in done (n
 * sorted, disjoint intervals), each at most chunk bytes.  Returns 0 or -1
 * as plan_add.
 */
int	plan_add_except(struct plan *, uint32_t file, off_t off, off_t len,
	    off_t chunk, const struct ival *done, size_t n);
/* Sort v and merge overlapping or touching intervals.  Returns the new
 * count. */
size_t	ival_merge(struct ival *v, size_t n);
/* The bytes all ranges cover. */
uint64_t plan_bytes(const struct plan *);
/* Order the ranges largest first (ties: by file, then offset). */
void	plan_sort(struct plan *);
/*
 * The same, except that whole entries smaller than small come last, in
 * file order: the largest first balance the workers, and the small files
 * that batches group then go in walk order, a directory at a time (each
 * task in another directory costs a worker opening and checking two).
 */
void	plan_sort_small(struct plan *, off_t small);
/*
 * For a bounded number of writers a file (struct batching's writers):
 * split files' ranges first, each file's together in offset order (files
 * in file order), then whole entries as plan_sort_small orders them.
 */
void	plan_sort_files(struct plan *, off_t small);
/* What plan_sort_small takes as small for a chunk. */
#define PLAN_SMALL(chunk)	((chunk) / 8)
/* How plan_batch groups ranges. */
struct batching {
	off_t		 target;	/* a batch's bytes, at most */
	unsigned	 max;		/* a batch's tasks, at most */
	unsigned	 writers;	/* a split file's batches, at most
					   (0: a batch per range) */
};
/*
 * Group the ranges, in their order, into batches for the executor:
 * consecutive whole-entry tasks costing at most how->target bytes
 * (PLAN_TASK_COST more each) and at most how->max of them; one that alone
 * costs more is a batch alone.  A split file's ranges are each a batch
 * alone (they are there to run side by side), or, with how->writers, cut
 * into that many runs of consecutive ranges, a batch each, however many
 * ranges (1: one worker writes the file from start to end; 2: a worker
 * per half, as a disk wants it).  The ranges of a file must be together,
 * in offset order (plan_sort_files).  Fills p->batch and p->nbatches.
 * Returns 0, or -1 with errno ENOMEM.
 */
int	plan_batch(struct plan *, const struct batching *how);
void	plan_free(struct plan *);

#endif
