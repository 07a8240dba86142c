/*
 * What the copy driver tells the user about work that is not a plain
 * copy: ranges --verify repaired, and the partial work a stopped run
 * keeps for --resume.  Parent only.
 */
#ifndef PARCP_NOTICE_H
#define PARCP_NOTICE_H

#include <stdint.h>

#include "copyx.h"

/*
 * A task's --verify tally for node: counted in the stats, and each
 * repaired range a warning naming the file and the offset.
 */
void	notice_tally(struct copy *, uint32_t node, const struct engine_tally *);
/*
 * A stopped run: count the split files whose parts it keeps (still held)
 * and the bytes their journals list, into c->st.  Before part_release.
 */
void	notice_kept(struct copy *);

#endif
