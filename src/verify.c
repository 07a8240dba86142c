/*
 * Reading back.  The copy's range is first written out (sync_file_range)
 * and its cached pages dropped (POSIX_FADV_DONTNEED), so the comparison
 * reads what reached storage rather than what the page cache remembers
 * writing (on tmpfs the cache is the storage, and the check reads it).  O_DIRECT is
 * turned off for the reads: their lengths need not be aligned.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "verify.h"

/* Read [off, off + len) of fd into the hash state, buf of size bytes. */
static int
feed(int fd, off_t off, off_t len, char *buf, size_t size,
    XXH3_state_t *st, bool wide, int op, struct fault *f)
{
	ssize_t n;

	while (len > 0) {
		n = pread(fd, buf, (size_t)(len < (off_t)size ? len : (off_t)size),
		    off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fault_setc(f, n == 0 ? FAULT_SHRANK : op, errno);
			return -1;
		}
		if ((wide ? XXH3_128bits_update(st, buf, (size_t)n) :
		    XXH3_64bits_update(st, buf, (size_t)n)) != XXH_OK) {
			fault_setc(f, op, EINVAL);
			return -1;
		}
		off += n;
		len -= n;
	}
	return 0;
}

/* Turn O_DIRECT off for a read; returns the flags to restore, or -1. */
static int
buffered(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || !(fl & O_DIRECT))
		return -1;
	(void)fcntl(fd, F_SETFL, fl & ~O_DIRECT);
	return fl;
}

static void
restore(int fd, int fl)
{
	if (fl != -1)
		(void)fcntl(fd, F_SETFL, fl);
}

/* A hash state from the library (its layout is not our ABI). */
static XXH3_state_t *
state(struct fault *f)
{
	XXH3_state_t *st;

	if ((st = XXH3_createState()) == NULL)
		fault_setc(f, FAULT_WORKER, ENOMEM);
	return st;
}

/* XXH3-64 of [off, off + len) of fd into *h. */
static int
hash64(int fd, off_t off, off_t len, char *buf, size_t size, int op,
    XXH64_hash_t *h, struct fault *f)
{
	XXH3_state_t *st;
	int rv = -1;

	if ((st = state(f)) == NULL)
		return -1;
	if (XXH3_64bits_reset(st) == XXH_OK &&
	    feed(fd, off, len, buf, size, st, false, op, f) == 0) {
		*h = XXH3_64bits_digest(st);
		rv = 0;
	}
	(void)XXH3_freeState(st);
	return rv;
}

int
verify_range(const struct xfer *x)
{
	const struct engine_buf *eb = x->eb;
	XXH64_hash_t hs, hd;
	size_t half = eb->size / 2;
	int sfl, dfl, rv = -1;

	sfl = buffered(x->sfd);
	dfl = buffered(x->dfd);
	if (hash64(x->sfd, x->soff, x->len, eb->buf, half, FAULT_READ, &hs,
	    x->f) == 0 && hash64(x->dfd, x->doff, x->len, eb->buf + half, half,
	    FAULT_READBACK, &hd, x->f) == 0)
		rv = hs != hd;
	restore(x->sfd, sfl);
	restore(x->dfd, dfl);
	return rv;
}


int
verify_hash_file(int fd, off_t size, const struct engine_buf *eb,
    unsigned char out[VERIFY_HASHLEN], struct fault *f)
{
	XXH3_state_t *st;
	XXH128_canonical_t c;
	int rv = -1, fl;

	if ((st = state(f)) == NULL)
		return -1;
	fl = buffered(fd);
	if (XXH3_128bits_reset(st) == XXH_OK && feed(fd, 0, size, eb->buf,
	    eb->size, st, true, FAULT_READBACK, f) == 0) {
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
		memcpy(out, c.digest, VERIFY_HASHLEN);
		rv = 0;
	}
	(void)XXH3_freeState(st);
	restore(fd, fl);
	return rv;
}
