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
 * Where a copy's extended attributes come from: the open source fd, or
 * (fd == -1) the entry name in the directory dir, following a symlink
 * there when follow (the walk reached the file through one, as -L, -H and
 * operands do).
 */
struct meta_src {
	int		 fd;
	int		 dir;
	const char	*name;
	bool		 follow;
};

/*
 * Where metadata goes: the open descriptor fd, or (fd == -1) the entry
 * name in the directory dir (AT_FDCWD: a path), never following a symlink
 * there.
 */
struct meta_target {
	int		 fd;
	int		 dir;
	const char	*name;
	bool		 fresh;		/* fd is a file this run just made
					   (no set-id bits): an owner or a
					   mode it has already is not set
					   again (one fstat, not two calls) */
};

/* Sets t's extended attributes (and ACLs) from arg: how many it set (0
 * only when none was: a mode's ACL changes the mode), or -1 with *f. */
typedef int	meta_xattr_fn(const void *arg, const struct meta_target *t,
		    const struct node *n, const struct opts *o,
		    struct fault *f);
/*
 * Apply node n's metadata to the copy t, as --preserve asks.  Without
 * --preserve=mode the copy gets the source's permission bits minus umask
 * (a directory that already existed keeps its own).  The extended
 * attributes come from xa(arg) (tar members) or, for meta_apply_src,
 * from the source s (the file actually copied).  0, or -1 with *f set.
 */
int	meta_apply_with(const struct meta_target *t, const struct node *n,
	    const struct opts *o, mode_t umask, meta_xattr_fn *xa,
	    const void *arg, struct fault *f);
int	meta_apply_src(const struct meta_target *t, const struct meta_src *s,
	    const struct node *n, const struct opts *o, mode_t umask,
	    struct fault *f);
/*
 * Set one extended attribute on t: through fd, or through an O_PATH
 * descriptor of name (no symlink followed).  0, or -1 with errno.
 */
int	meta_setxattr(const struct meta_target *t, const char *name,
	    const void *v, size_t len);
/*
 * cp's result over an existing regular file old, which cp writes into:
 * unless --preserve says otherwise, the new copy at t takes old's owner
 * and group (where this user may set them), POSIX ACL and mode.  0 when
 * old is not there (or not a regular file; or --remove-destination: cp
 * made a new file), or -1 with *f.
 */
int	meta_like_existing(const struct meta_target *t,
	    const struct meta_src *old, const struct opts *o,
	    struct fault *f);
/* Does err say the file system has no extended attributes? */
bool	meta_unsupported(int err);

#endif
