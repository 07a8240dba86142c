/*
 * The copy driver: plan every file's ranges, run them on the workers, and
 * finish each file (commit or discard) as its last range reports.  Parent
 * only; reports each failed file once.
 */
#ifndef PARCP_COPY_H
#define PARCP_COPY_H

#include <stdint.h>

#include "opts.h"
#include "walk.h"

struct copy_stats {
	uint64_t	 bytes;		/* data bytes of files copied */
	uint64_t	 files;		/* files copied */
	uint64_t	 failed;	/* files not copied */
	uint64_t	 ranges;	/* ranges planned */
	uint64_t	*lane_bytes;	/* bytes per worker, o->jobs entries */
};

/*
 * Copy every file of fl.  Returns 0 when all were copied, 1 when some
 * failed (each reported), or 128 + N when signal N stopped the run (no
 * temp file is left behind).  *st is filled in; free st->lane_bytes.
 */
int	copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st);

#endif
