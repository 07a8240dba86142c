/*
 * Metadata: give a copy its source's owner, extended attributes (so POSIX
 * ACLs too), mode and times, as --preserve asks.  Worker-safe: no output,
 * no exit; applied only to a copy whose every byte is in place.
 */
#ifndef PARCP_META_H
#define PARCP_META_H

#include <sys/types.h>

#include "fault.h"
#include "flist.h"
#include "opts.h"

/*
 * Apply node n's metadata (source path src) to the copy dst, through fd if
 * it is not -1, else by path without following a symlink.  Without
 * --preserve=mode the copy gets the source's permission bits minus umask
 * (a directory that already existed keeps its own).  Returns 0, or -1 with
 * *f set.
 */
int	meta_apply(int fd, const char *dst, const char *src,
	    const struct node *n, const struct opts *o, mode_t umask,
	    struct fault *f);

#endif
