/*
 * The copy driver: make the directories, plan every entry (large files as
 * ranges, the rest as whole-entry tasks), run them on the workers, finish
 * split files as their last range reports, then hard links and directory
 * metadata.  Parent only; reports each failure once.
 */
#ifndef PARCP_COPY_H
#define PARCP_COPY_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "fault.h"
#include "flist.h"
#include "opts.h"
#include "walk.h"

/* --dry-run: one thing a copy would do (for --json). */
struct copy_would {
	const char	*action;	/* "copy", "mkdir", "keep", ... */
	char		*src;
	char		*dst;
	uint64_t	 bytes;		/* data a copy would write */
};

/* A failure, as reported (for --json). */
struct copy_error {
	char		*path;
	struct fault	 fault;
};

struct copy_stats {
	uint64_t	 bytes;		/* data bytes of files copied */
	uint64_t	 written;	/* bytes the workers wrote this run */
	uint64_t	 resumed;	/* bytes not copied again (--resume) */
	uint64_t	 files;		/* non-directories copied */
	uint64_t	 skipped;	/* kept: -n, -u, complete (--resume) */
	uint64_t	 dirs;		/* directories made */
	uint64_t	 failed;	/* entries not copied */
	uint64_t	 ranges;	/* tasks planned */
	uint64_t	 verified;	/* --verify: bytes compared */
	uint64_t	 repaired;	/* --verify: ranges copied again */
	uint64_t	 kept_files;	/* stopped: parts kept for --resume */
	uint64_t	 kept_bytes;	/* and the bytes their journals list */
	uint64_t	 discarded;	/* partial work removed (no --resume) */
	off_t		 chunk;		/* the run's chunk size */
	unsigned	 engines;	/* bit 1 << kind for each engine used */
	uint64_t	*lane_bytes;	/* bytes per worker, o->jobs entries */
	struct copy_error *errors;
	size_t		 nerrors;
	struct copy_would *would;	/* --dry-run --json */
	size_t		 nwould;
};

/*
 * Copy every entry of fl.  Returns 0 when all were copied, 1 when some
 * failed (each reported), 3 when a copy still differed from its source
 * after a retry (--verify), or 128 + N when signal N stopped the run (no
 * partial file under a final name; split files keep their part and
 * journal for --resume).  *st is filled in; copy_stats_free it.  With
 * --dry-run nothing is written: each thing the copy would do is listed
 * (and counted in *st as if done).
 */
int	copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st);
/*
 * copy_run in two steps around the walk that fills fl, so that copying
 * can start while it goes on: copy_begin before the walk (*st is set up
 * here), copy_hook for walk_args (NULL: this run waits for the walk),
 * copy_end after it (go: false when the walk found nothing to copy at
 * all: nothing more is done).  copy_end returns what copy_run does.
 */
struct copy	*copy_begin(const struct opts *o, struct flist *fl,
		    struct copy_stats *st);
const struct walk_hook *copy_hook(struct copy *);
int	copy_end(struct copy *, bool go);
void	copy_stats_free(struct copy_stats *);

#endif
