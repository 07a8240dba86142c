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
/*
 * A copy stopped by a signal: one line on stderr, what it kept (st) and
 * the command that finishes it (argv as main got it, after opts_parse:
 * options, then o->paths), with --resume and, where a rerun would name
 * other targets, -T.
 */
void	notice_stopped(const struct opts *, const struct flist *,
	    const struct copy_stats *st, char **argv);
/* A run without --resume removed kept parts: one line saying how much. */
void	notice_discarded(const struct copy_stats *st);

#endif
