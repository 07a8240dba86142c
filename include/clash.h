/*
 * An operand's destination that already exists, decided as cp decides it
 * before anything is copied: the same file under two names (refused, or
 * nothing to do, or fine because the name is replaced rather than written
 * through), a backup that would destroy its own source, a directory in
 * the way, a symlink cp would not write through.  Parent only.
 */
#ifndef PARCP_CLASH_H
#define PARCP_CLASH_H

#include <sys/stat.h>

#include <stdbool.h>
#include <stddef.h>

#include "opts.h"

enum clash {
	CLASH_COPY,		/* copy to *dst as usual */
	CLASH_NOTHING,		/* nothing to do, and that is success */
	CLASH_REFUSED		/* reported: a failure, nothing written */
};

/*
 * Check the destination *dst (allocated) of the non-directory operand
 * src, st being src as the walk stat'ed it; into: DEST is a directory the
 * operand goes into.  *dst may be replaced by another allocated name: a
 * symlink's target that cp writes through, or (cp -f -b F F) the backup
 * name the copy itself takes.  Reports a refusal in cp's words.
 */
enum clash	clash_file(const struct opts *o, const char *src,
		    const struct stat *st, char **dst, bool into);

/* The operands seen so far, for cp's "specified more than once". */
struct clash_seen {
	struct clash_op	*v;
	size_t		 n, cap;
};

/*
 * Was the operand src (st: as stat'ed; dst: its destination) given
 * before: the same file by the same name, or the same directory to the
 * same destination?  Then cp copies it once and warns: true, warned.
 * Otherwise it is remembered: false.
 */
bool	clash_repeated(struct clash_seen *seen, const struct opts *o,
	    const char *src, const struct stat *st, const char *dst);
void	clash_seen_free(struct clash_seen *seen);

#endif
