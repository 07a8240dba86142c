/*
 * The walk: SOURCE... DEST turned into a file list with cp's naming rules,
 * recursing into directories with -r.  Parent only.
 */
#ifndef PARCP_WALK_H
#define PARCP_WALK_H

#include <sys/stat.h>

#include <stdbool.h>

#include "flist.h"
#include "opts.h"

/*
 * What the walk tells the copy as it goes (copy.c's head start), while
 * the last operand is walked.
 */
struct walk_hook {
	/* A directory and all below it are in the list; true: stop the
	 * walk (a stop signal: nothing more will be copied). */
	bool	(*walked)(void *arg);
	/* Did this copy make the directory st?  Then it is refused as a
	 * copy into itself, not walked. */
	bool	(*made)(void *arg, const struct stat *st);
	void	*arg;
};

/*
 * Fill fl from o->paths.  Each bad source, unreadable directory or entry
 * is reported once and left out (or, for a directory that cannot be read,
 * kept without its contents).  Returns the number of errors reported, or
 * -1 when nothing can be copied at all (several sources and DEST not a
 * directory, say).  hook: or NULL.
 */
int	walk_args(const struct opts *o, struct flist *fl,
	    const struct walk_hook *hook);
/*
 * Fill fl from o->paths, all sources (--to-tar): each operand's
 * destination is its member name.  Returns the number of errors reported.
 */
int	walk_sources(const struct opts *o, struct flist *fl);

/* Does the walk follow a symlink at this entry (an operand or not)? */
bool	walk_follows(const struct opts *o, bool operand);

#endif
