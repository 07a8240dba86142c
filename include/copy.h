/*
 * The copy driver: make the directories, plan every entry (large files as
 * ranges, the rest as whole-entry tasks), run them on the workers, finish
 * split files as their last range reports, then hard links and directory
 * metadata.  Parent only; reports each failure once.
 */
#ifndef PARCP_COPY_H
#define PARCP_COPY_H

#include <stdint.h>

#include "flist.h"
#include "opts.h"

struct copy_stats {
	uint64_t	 bytes;		/* data bytes of files copied */
	uint64_t	 files;		/* non-directories copied */
	uint64_t	 dirs;		/* directories made */
	uint64_t	 failed;	/* entries not copied */
	uint64_t	 ranges;	/* tasks planned */
	uint64_t	*lane_bytes;	/* bytes per worker, o->jobs entries */
};

/*
 * Copy every entry of fl.  Returns 0 when all were copied, 1 when some
 * failed (each reported), or 128 + N when signal N stopped the run (no
 * temp file is left behind).  *st is filled in; free st->lane_bytes.
 */
int	copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st);

#endif
