/*
 * Early write-out: a worker hands each large piece of data it finished
 * writing (a whole file, a split file's range) to a thread of its own,
 * which starts the piece's write-out to storage (sync_file_range WRITE)
 * and never waits for it.  The kernel starts writing dirty pages only
 * past its background threshold (10% of memory): a copy of a few GB
 * then leaves most of its data for the `sync` after it, written by one
 * flusher, while the disk idled through the copy's first seconds.  With
 * the write-out started as each piece finishes, the disk is busy from
 * the first file; the worker itself never blocks on the disk (a queue
 * full drops the hint: the kernel writes those pages as it would have).
 * A hint is only a hint: nothing here can fail a file.
 *
 * Only for a copy that the kernel would start writing out before its end
 * anyway (writeout_wanted): a smaller one stays in the page cache, as
 * cp's does, and returns at memory speed (a hinted 1 GiB copy on ext4
 * returned in 0.29 s instead of 0.18 s; cp: 0.27 s).
 */
#ifndef PARCP_WRITEOUT_H
#define PARCP_WRITEOUT_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

/* Pieces smaller than this are not worth a hand-off (about 2% of one). */
#define WRITEOUT_MIN	((off_t)1 << 20)
/* Hints waiting at most: the disk behind by this many pieces, drop. */
#define WRITEOUT_QUEUE	4

struct writeout;

/* What decides the kernel's background threshold, in bytes (0: unset). */
struct writeout_mem {
	uint64_t	 dirty;		/* Dirty + Writeback (meminfo) */
	uint64_t	 dirtyable;	/* MemFree + Active(file) +
					   Inactive(file) (meminfo) */
	uint64_t	 bg_bytes;	/* vm.dirty_background_bytes */
	uint64_t	 bg_ratio;	/* vm.dirty_background_ratio, % */
};

/* The meminfo fields of text (/proc/meminfo's); -1 when it has none. */
int		 writeout_mem_parse(struct writeout_mem *m, const char *text);
/* This machine's, from /proc; -1 when it cannot be read.
 * PARCP_WRITEOUT_BG=N, if set (the tests): a threshold of N bytes and
 * nothing dirty before. */
int		 writeout_mem_read(struct writeout_mem *m);
/*
 * Will a copy of bytes take the dirty pages past the background
 * threshold, so that the kernel starts writing them out during it?
 * (Then hints pay; pure.)
 */
bool		 writeout_wanted(const struct writeout_mem *m, uint64_t bytes);

/* Does a piece of len bytes on fstype (statfs f_type) get a hint? */
bool		 writeout_pays(long fstype, off_t len);
/* This worker's thread, or NULL when none could start (hints no-ops). */
struct writeout	*writeout_start(void);
/*
 * Start the write-out of [off, off + len) of fd, soon, on the thread's
 * own read-only descriptor of the file (it shares no flock with fd's).
 * w may be NULL.  Never blocks on the disk.
 */
void		 writeout_hint(struct writeout *w, int fd, off_t off,
		    off_t len);
/* Carry out what waits (at most WRITEOUT_QUEUE hints), join the thread
 * (NULL: nothing). */
void		 writeout_stop(struct writeout *w);

#endif
