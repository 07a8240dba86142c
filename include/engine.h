/*
 * Engines move the bytes of one range.  Worker-safe: no output, no exit;
 * failures are recorded in a struct fault at the failing call.
 *
 * pread/pwrite is the portable core; copy_file_range(2) copies in the
 * kernel; reflink (FICLONERANGE) shares blocks on file systems that can.
 * Each falls back down that chain when the file system says no, so any
 * engine works anywhere.
 */
#ifndef PARCP_ENGINE_H
#define PARCP_ENGINE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"

struct writeout;

/* Alignment of I/O buffers: a page, which also suits O_DIRECT. */
#define ENGINE_ALIGN		4096

enum engine_kind {
	ENGINE_AUTO,		/* per file pair, by destination file system */
	ENGINE_PREAD,
	ENGINE_CFR,		/* copy_file_range(2) */
	ENGINE_REFLINK,		/* ioctl FICLONERANGE */
	ENGINE_NKINDS
};

/*
 * What --verify did in one task, filled by the worker and carried to the
 * parent in its result (no pointers: it crosses the result pipe).
 */
struct engine_tally {
	uint64_t	 verified;	/* bytes read back and compared */
	int64_t		 repair_off;	/* the first repaired range: offset */
	int64_t		 repair_len;	/* and length */
	uint32_t	 repaired;	/* ranges that differed, were copied
					   again and then matched */
	uint32_t	 pad;
};

/* A worker's buffer, its progress counter, and how to copy. */
struct engine_buf {
	char		*buf;
	size_t		 size;
	uint64_t	*progress;	/* may be NULL */
	bool		 holes;		/* skip all-zero blocks: the
					   destination is pre-sized */
	int		 kind;		/* enum engine_kind asked for */
	bool		 direct;	/* O_DIRECT where alignment allows */
	bool		 nocache;	/* drop the pages behind the copy */
	bool		 shared;	/* other workers write the same file
					   at once (a split file, -j > 1) */
	bool		 verify;	/* --verify: read back and compare */
	bool		 durable;	/* --fsync: data reaches storage */
	bool		 clone_only;	/* --reflink=always: no fallback */
	bool		 no_clone;	/* --reflink=never: never a clone */
	struct engine_tally *tally;	/* the worker's, for its task; or NULL */
	long		 fstype;	/* the destination's statfs f_type
					   for this task; 0: not known */
	bool		 early;		/* start large pieces' write-out
					   as they finish (writeout.h) */
	struct writeout	*writeout;	/* the worker's thread for it, or
					   NULL */
};

/*
 * fd's file system type (statfs f_type; 0 when fstatfs fails), kept by
 * this process for dev, the device fd lives on (0: not known, asked each
 * time): one fstatfs per device, not one per file of a tree.
 */
long		 engine_fstype(int fd, dev_t dev);
/*
 * Can close(2) of a file written on fstype report a write error?  Only
 * where the file system flushes at close (NFS, FUSE, SMB...), or when
 * the type is not known; the local disk and memory file systems cannot.
 */
bool		 engine_close_reports(long fstype);
/* "pread", "copy_file_range"...; NULL for a bad kind. */
const char	*engine_name(int kind);
/* The kind named name, or -1. */
int		 engine_parse(const char *name);
/*
 * One range on its way: the values that travel together from a task to
 * the engines (and to --verify's check).  dst is written without O_TRUNC:
 * other workers fill its other ranges.
 */
struct xfer {
	int			 sfd;
	off_t			 soff;
	int			 dfd;
	off_t			 doff;
	off_t			 len;
	const struct engine_buf	*eb;
	struct fault		*f;
};

/*
 * Copy x's range with the engine eb asks for (or auto's pick), falling
 * back down the table's chain for the rest of the range where the file
 * system cannot.  Returns the engine kind that finished it (>= 1), or -1
 * with *x->f set (FAULT_SHRANK if the source ends early).
 */
int	engine_copy(const struct xfer *x);
/*
 * Write [off, off + len) of fd out to storage and drop its cached pages,
 * so that a read shows what storage holds.  Returns 0, or -1 with errno
 * (a failed write-back).
 */
int	engine_flush(int fd, off_t off, off_t len);
/*
 * Close dfd and sfd (either may be -1) at the end of a copy that returns
 * rv: a failed close of the destination (a late write error, on NFS say)
 * turns success into -1 with FAULT_CLOSE_DST.  Returns the final rv.
 */
int	engine_close(int sfd, int dfd, int rv, struct fault *f);

#endif
