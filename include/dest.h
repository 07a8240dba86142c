/*
 * The destination's lifecycle: a temp file beside the final name, sized
 * before workers write into it, renamed over the final name only when
 * complete, removed otherwise.  Parent only; no output (faults out).
 */
#ifndef PARCP_DEST_H
#define PARCP_DEST_H

#include <sys/types.h>

#include "fault.h"
#include "walk.h"

/* Prefix of every temp file name, so leftovers are recognisable. */
#define DEST_TMP_PREFIX	".parcp."

/*
 * Create f->tmp in f->dst's directory, mode 0600, f->size bytes long (all
 * hole).  Returns 0, or -1 with *flt set and no temp file left.
 */
int	dest_create(struct file *f, struct fault *flt);
/* Set mode on f->tmp and rename it to f->dst: 0, or -1 with *flt set. */
int	dest_commit(struct file *f, mode_t mode, struct fault *flt);
/* Remove f->tmp, if any. */
void	dest_discard(struct file *f);

#endif
