/*
 * A fault names the operation that failed and its errno.  It holds no
 * pointers, so a worker can send it to the parent through a pipe; the parent
 * adds the path, which the worker never prints.
 */
#ifndef PARCP_FAULT_H
#define PARCP_FAULT_H

#include <stdbool.h>
#include <stddef.h>

enum fault_op {
	FAULT_NONE = 0,
	FAULT_OPEN_SRC,		/* open the source */
	FAULT_OPEN_DST,		/* open the temp file */
	FAULT_READ,
	FAULT_WRITE,
	FAULT_SHRANK,		/* source ended before the planned range did */
	FAULT_CHANGED,		/* source size/mtime differ after the copy */
	FAULT_CLOSE_DST,
	FAULT_CREATE,		/* create the temp file */
	FAULT_TRUNCATE,		/* size the temp file */
	FAULT_SEEK,		/* map the source's data extents */
	FAULT_CHMOD,
	FAULT_RENAME,
	FAULT_KILLED,		/* err is the signal that killed the worker */
	FAULT_WORKER,		/* worker failed: err is an errno */
	FAULT_INTR,		/* run interrupted before this task finished */
	FAULT_CHOWN,
	FAULT_GETXATTR,		/* read the source's extended attributes */
	FAULT_SETXATTR,
	FAULT_UTIMES,
	FAULT_READLINK,
	FAULT_SYMLINK,
	FAULT_MKNOD,
	FAULT_MKDIR,
	FAULT_LINK,		/* make a hard link to the group's first copy */
	FAULT_PATH,		/* build the path: ENAMETOOLONG */
	FAULT_COPY,		/* copy_file_range or FICLONERANGE */
	FAULT_VERIFY,		/* copy differs from the source, twice */
	FAULT_READBACK,		/* read the copy back (--verify, hashes) */
	FAULT_SYNC,		/* fsync/fdatasync the copy */
	FAULT_JOURNAL,		/* write the resume journal */
	FAULT_OWNED,		/* another parcp run holds the temp file */
	FAULT_CLONE,		/* --reflink=always: the clone was refused */
	FAULT_MOVED,		/* a destination directory was replaced */
	FAULT_NOP		/* sentinel: number of ops */
};

struct fault {
	int	op;		/* enum fault_op */
	int	err;		/* errno, or a signal for FAULT_KILLED */
};

/* Record op with the current errno.  Worker-safe. */
void		 fault_set(struct fault *, int op);
/* Record op with an explicit error number.  Worker-safe. */
void		 fault_setc(struct fault *, int op, int err);
/* The operation's name: "read", "create"... Never NULL. */
const char	*fault_str(int op);
/* True when the fault is about the destination, not the source. */
bool		 fault_is_dst(int op);
/*
 * Format "what: reason" (e.g. "write: No space left on device") into buf.
 * Returns buf.  Pure.
 */
char		*fault_format(const struct fault *, char *buf, size_t len);
/* Only the reason: strerror, the signal's name, or "" if none.  Pure. */
const char	*fault_reason(const struct fault *);

#endif
