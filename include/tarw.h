/*
 * The member writer: the one place that changes the disk tree for an
 * archive, used by the indexed (parallel) and the streamed extraction
 * alike.  libarchive only parses archive bytes; every directory, file,
 * link and attribute under DEST is made here, beneath DEST's descriptor:
 *
 *  - a member's directory is resolved with beneath_dir (no symlink, no
 *    "..", ever); a directory swapped for a symlink fails the member;
 *  - file data goes to a temp file made O_EXCL | O_NOFOLLOW in that
 *    directory, named with the run's unguessable token and flock'ed for
 *    as long as it is written, then renamed over the member's name;
 *  - metadata goes through the open descriptor, or *at calls that do not
 *    follow symlinks; nothing is done by full path.
 *
 * Worker-safe: no output, no exit.  Each process keeps its own directory
 * cache (a worker's copy is its own after fork).
 */
#ifndef PARCP_TARW_H
#define PARCP_TARW_H

#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <archive_entry.h>

#include "dest.h"
#include "fault.h"
#include "opts.h"

struct tarw {
	const struct opts *o;
	int		 root;		/* DEST, held for the whole run */
	mode_t		 umask;
	pid_t		 pid;		/* the run's parent, in temp names */
	char		 token[DEST_TOKEN_SIZE];	/* the run's token, in temp names */
	bool		 sweep;		/* sweep leftovers where we go */
	int		 dirfd;		/* cache: the last directory, or -1 */
	size_t		 dirlen;
	char		 dir[PATH_MAX];
};

/* One member for the writer: its entry and its clean name under DEST. */
struct tarw_item {
	struct archive_entry *e;
	const char	*name;
	uint32_t	 idx;		/* distinct per member: temp names */
};

/* What tarw_* return besides 0 and -1. */
#define TARW_KEPT	1	/* -n/-u: the existing entry stays */
#define TARW_XATTR	2	/* made, but an xattr or ACL was not set */

void	tarw_init(struct tarw *, const struct opts *, int root);
void	tarw_free(struct tarw *);
/*
 * The directory holding name (made as needed when make, 0777 & ~umask),
 * cached; *leaf points into name.  Returns the descriptor (the cache's:
 * not to be closed), or -1 with errno (ELOOP: a symlink on the way).
 */
int	tarw_parent(struct tarw *, const char *name, bool make,
	    const char **leaf);
/* Should the member be left out because of what exists (-n, -u)? */
bool	tarw_keep_existing(struct tarw *, const struct tarw_item *);
/*
 * A regular member's temp file, made in its directory and sized (size <
 * 0: empty).  Returns its descriptor; *dir and tmp (NAME_MAX + 1 bytes)
 * are what tarw_file_end needs.  -1 with *f set.
 */
int	tarw_file_begin(struct tarw *, const struct tarw_item *, off_t size,
	    int *dir, char *tmp, struct fault *f);
/*
 * The data is in fd (rv -1 if not): metadata through fd, fsync (--fsync),
 * close, rename over the member's name.  Returns 0, TARW_KEPT or
 * TARW_XATTR (*xerr its errno), or -1 with *f set; the temp is gone
 * unless renamed.
 */
int	tarw_file_end(struct tarw *, const struct tarw_item *, int fd,
	    int dir, const char *tmp, int rv, int *xerr, struct fault *f);
/* Reopen a split member's temp (made by the parent) beneath DEST and
 * check it is that file.  Returns the descriptor or -1 with *f. */
int	tarw_file_reopen(struct tarw *, const struct tarw_item *, dev_t dev,
	    ino_t ino, struct fault *f);
/* A symlink, FIFO or device node, made in place of the member's name. */
int	tarw_special(struct tarw *, const struct tarw_item *, int *xerr,
	    struct fault *f);
/* A hard link to the (clean) target, which may be a symlink: it is
 * linked, never followed. */
int	tarw_link(struct tarw *, const struct tarw_item *,
	    const char *target, struct fault *f);
/*
 * A directory (an existing one is kept; a non-directory in its place is
 * replaced), owner-writable until tarw_dir_end.  Its identity in *dev,
 * *ino.  0 or -1 with *f.
 */
int	tarw_mkdir(struct tarw *, const struct tarw_item *, dev_t *dev,
	    ino_t *ino, struct fault *f);
/* A directory's metadata, after everything in it: reopened beneath DEST
 * and checked to be the one tarw_mkdir made (dev 0: not checked). */
int	tarw_dir_end(struct tarw *, const struct tarw_item *, dev_t dev,
	    ino_t ino, int *xerr, struct fault *f);

#endif
