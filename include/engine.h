/*
 * Engines move the bytes of one range.  Worker-safe: no output, no exit;
 * failures are recorded in a struct fault at the failing call.
 */
#ifndef PARCP_ENGINE_H
#define PARCP_ENGINE_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"

/* Alignment of I/O buffers: a page, which also suits O_DIRECT. */
#define ENGINE_ALIGN		4096

/* A worker's buffer and the shared counter its progress is added to. */
struct engine_buf {
	char		*buf;
	size_t		 size;
	uint64_t	*progress;	/* may be NULL */
	bool		 holes;		/* skip all-zero blocks: the
					   destination is pre-sized */
};

/*
 * Copy len bytes from src at soff into the existing file dst at doff, with
 * pread/pwrite.  dst is opened without O_TRUNC: other workers fill its other
 * ranges.  Returns 0, or -1 with *f set (FAULT_SHRANK if src ends early).
 */
int	engine_copy_range(const char *src, off_t soff, const char *dst,
	    off_t doff, off_t len, const struct engine_buf *,
	    struct fault *f);
/*
 * Close dfd and sfd (either may be -1) at the end of a copy that returns
 * rv: a failed close of the destination (a late write error, on NFS say)
 * turns success into -1 with FAULT_CLOSE_DST.  Returns the final rv.
 */
int	engine_close(int sfd, int dfd, int rv, struct fault *f);
/* The same on open descriptors. */
int	engine_copy_fd(int sfd, off_t soff, int dfd, off_t doff, off_t len,
	    const struct engine_buf *, struct fault *f);

#endif
