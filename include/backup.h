/*
 * --backup: an existing destination is renamed to its backup name just
 * before the new copy is renamed over it, as cp names backups: simple
 * (NAME + suffix, "~" by default), numbered (NAME.~N~, one more than the
 * highest there), or existing (numbered if NAME already has numbered
 * backups, else simple).  Worker-safe: no output, no allocation.
 */
#ifndef PARCP_BACKUP_H
#define PARCP_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

#include "fault.h"

enum backup {
	BACKUP_NONE,
	BACKUP_SIMPLE,
	BACKUP_NUMBERED,
	BACKUP_EXISTING
};

/* How an existing destination is kept: the run's --backup and -S. */
struct backup_how {
	enum backup	 kind;
	const char	*suffix;
};

/*
 * The backup name of leaf (in the directory dir) into buf: the one a
 * backup made now would take or, with last, the numbered one made most
 * recently (the highest).  It is leaf followed by a suffix.  Returns 0,
 * or -1 with errno (ENAMETOOLONG, or why dir cannot be read).
 */
int	backup_name(int dir, const char *leaf, const struct backup_how *b,
	    bool last, char *buf, size_t len);
/*
 * Rename tmp to leaf, both in dir, as dest_commit_at does (noreplace: an
 * existing leaf is kept, 1), first renaming an existing non-directory
 * leaf to its backup name when b asks for one.  Returns 0, 1 (kept), BACKUP_MADE (renamed
 * into place, the old dst backed up), or -1 with *f set (tmp stays).
 */
#define BACKUP_MADE	2
int	backup_commit(int dir, const char *tmp, const char *leaf,
	    bool noreplace, const struct backup_how *b, struct fault *f);

#endif
