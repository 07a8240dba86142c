/*
 * Whole-entry tasks: one worker copies a small file (or makes a symlink,
 * FIFO or device node) from start to finish: temp, data, metadata,
 * rename.  The parent only hears the result, so thousands of small files
 * never funnel through it.  Worker-safe: no output, no exit.
 */
#ifndef PARCP_WHOLE_H
#define PARCP_WHOLE_H

#include <sys/types.h>

#include <stdint.h>

#include "engine.h"
#include "dest.h"
#include "fault.h"
#include "flist.h"
#include "opts.h"
#include "tree.h"

struct whole_ctx {
	const struct flist	*fl;
	const struct opts	*o;
	struct tree		*tree;		/* this process's descriptors */
	mode_t			 umask;
	pid_t			 owner;		/* parcp's pid, for temp names */
	char			 token[DEST_TOKEN_SIZE];	/* the run's, for temp names */
};

/* The temp name, in its directory, of node's copy whose final name is
 * leaf (a whole entry's, unique to the run).  0, or -1 (ENAMETOOLONG). */
int	whole_tmpname(const struct whole_ctx *, uint32_t node,
	    const char *leaf, char *buf);

/* whole_copy's result bits: -n kept an existing destination; out holds
 * the file's XXH128 (--manifest); --backup renamed the old one. */
#define WHOLE_KEPT	0x100
#define WHOLE_HASHED	0x200
#define WHOLE_BACKED	0x400	/* the old destination was backed up */

/*
 * Copy node completely (verified, hashed into out, synced as the options
 * say).  Returns the engine kind that copied a file's data (0 for other
 * kinds of entry) with the WHOLE_* bits, or -1 with *f set and no temp
 * file left.
 */
int	whole_copy(const struct whole_ctx *, uint32_t node,
	    const struct engine_buf *, struct fault *f, unsigned char *out);
/*
 * Copy a regular file's data from sfd to dfd (pre-sized to size): only
 * the data extents when the source has holes and --sparse allows.
 * Returns the engine kind used last, or -1 with *f set.
 */
int	whole_data(int sfd, int dfd, off_t size, blkcnt_t blocks,
	    const struct opts *, const struct engine_buf *, struct fault *f);

#endif
