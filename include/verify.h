/*
 * Verification and hashes (libxxhash).  --verify copies a range, reads
 * both sides back and compares their XXH3 hashes; a mismatch is copied
 * once more and checked again.  --manifest hashes whole files (XXH128, as
 * xxhsum -H2).  Worker-safe: no output, no exit.
 */
#ifndef PARCP_VERIFY_H
#define PARCP_VERIFY_H

#include <sys/types.h>

#include <stdint.h>

#include "engine.h"
#include "fault.h"

#define VERIFY_HASHLEN	16	/* XXH128, canonical (big-endian) bytes */

/*
 * Compare [soff, soff + len) of sfd with [doff, doff + len) of dfd by XXH3
 * hashes, after writing dfd's range out and dropping its cached pages,
 * so the read shows what storage holds.  Returns 0 when equal, 1 when they
 * differ, -1 with *f set.
 */
int	verify_range(int sfd, off_t soff, int dfd, off_t doff, off_t len,
	    const struct engine_buf *, struct fault *f);
/*
 * engine_copy_fd, then (eb->verify) verify_range; a range that differs is
 * copied again in full (no hole skipping) and checked once more, and
 * fails with FAULT_VERIFY if it still differs.  Returns the engine kind,
 * or -1 with *f set.  eb->tally (if not NULL) counts the bytes compared
 * and the ranges repaired (the first one's place).
 */
int	verify_copy(int sfd, off_t soff, int dfd, off_t doff, off_t len,
	    const struct engine_buf *, struct fault *f);
/* XXH128 of fd's first size bytes into out.  Returns 0, or -1 with *f. */
int	verify_hash_file(int fd, off_t size, const struct engine_buf *,
	    unsigned char out[VERIFY_HASHLEN], struct fault *f);

#endif
