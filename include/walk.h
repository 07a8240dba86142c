/*
 * The walk: SOURCE... DEST turned into a file list with cp's naming rules,
 * recursing into directories with -r.  Parent only.
 */
#ifndef PARCP_WALK_H
#define PARCP_WALK_H

#include <stdbool.h>

#include "flist.h"
#include "opts.h"

/*
 * Fill fl from o->paths.  Each bad source, unreadable directory or entry
 * is reported once and left out (or, for a directory that cannot be read,
 * kept without its contents).  Returns the number of errors reported, or
 * -1 when nothing can be copied at all (several sources and DEST not a
 * directory, say).
 */
int	walk_args(const struct opts *o, struct flist *fl);
/*
 * Fill fl from o->paths, all sources (--to-tar): each operand's
 * destination is its member name.  Returns the number of errors reported.
 */
int	walk_sources(const struct opts *o, struct flist *fl);

/* Does the walk follow a symlink at this entry (an operand or not)? */
bool	walk_follows(const struct opts *o, bool operand);

#endif
