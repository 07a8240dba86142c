/*
 * Verification and hashes (libxxhash): --verify's check of a copied
 * range (both sides read back, XXH3 hashes compared; the transfer's stage,
 * xfer.c), and --manifest's whole-file hash (XXH128, as xxhsum -H2).
 * Worker-safe: no output, no exit.
 */
#ifndef PARCP_VERIFY_H
#define PARCP_VERIFY_H

#include <sys/types.h>

#include <stdint.h>

#include "engine.h"
#include "fault.h"

#define VERIFY_HASHLEN	16	/* XXH128, canonical (big-endian) bytes */

/*
 * Compare x's source range with its destination range by XXH3 hashes
 * (the caller has written the destination's range out and dropped its
 * cached pages, so the read shows what storage holds).  Returns 0 when
 * equal, 1 when they differ, -1 with *x->f set.
 */
int	verify_range(const struct xfer *x);
/* XXH128 of fd's first size bytes into out.  Returns 0, or -1 with *f. */
int	verify_hash_file(int fd, off_t size, const struct engine_buf *,
	    unsigned char out[VERIFY_HASHLEN], struct fault *f);

#endif
