/*
 * Resume journals.  A split file being copied has a journal beside its
 * temp file: a header naming the source (size, mtime, inode) and the boot
 * it was written in, then one record per finished range, appended by the
 * worker after the range's data was written.  A record is trusted when it
 * was written in this boot (the page cache holding the data survived: a
 * killed process loses nothing it wrote) or when it is marked durable (the
 * data was fdatasync'ed first, as --fsync does), so after a power loss
 * only --fsync runs resume.  Records, not a bitmap: each append is one
 * small write that no other worker's can tear, and a later run may cut the
 * file into different ranges.  Worker-safe: no output, no exit.
 */
#ifndef PARCP_JOURNAL_H
#define PARCP_JOURNAL_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fault.h"
#include "plan.h"

/* What a journal's source was: it must be unchanged to be resumed. */
struct journal_id {
	uint64_t	 size;
	int64_t		 mtime_sec;
	int64_t		 mtime_nsec;
	uint64_t	 ino;
};

/* Create (replace) name in dir with a header for id: 0, or -1 with *f. */
int	journal_create(int dir, const char *name, const struct journal_id *,
	    struct fault *f);
/* Append a record: [off, off + len) is written (durable: and synced). */
int	journal_append(int dir, const char *name, off_t off, off_t len,
	    bool durable, struct fault *f);
/* name in dir, opened to append records to: a descriptor, or -1 with
 * *f. */
int	journal_open(int dir, const char *name, struct fault *f);
/* journal_append to a descriptor from journal_open. */
int	journal_append_fd(int fd, off_t off, off_t len, bool durable,
	    struct fault *f);
/*
 * Load name's (in dir) trusted records for a source with id, merged and
 * sorted, into *done (malloc'ed; free it).  Returns how many, or -1 when there is
 * no usable journal (absent, another source, corrupt header).
 */
ssize_t	journal_load(int dir, const char *name, const struct journal_id *,
	    struct ival **done);

/*
 * The bytes the journal at path lists as copied (trusted records, merged),
 * whatever source it is for; 0 if there is no usable journal.
 */
uint64_t	journal_kept(int dir, const char *name);

#endif
