/*
 * The pread/pwrite engine: the portable core every other engine falls back
 * to.  Only EINTR and short transfers are retried (as dd does); a zero-byte
 * write is EIO rather than a spin, and a zero-byte read before the range
 * ends means the source shrank under us.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "util.h"

#define HOLE_BLOCK	4096

static bool
zero(const char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/*
 * Write buf at off.  With holes, runs of all-zero blocks are skipped
 * (--sparse=always): the pre-sized destination reads them as zeros.
 */
static int
put(int dfd, const char *buf, size_t len, off_t off, bool holes)
{
	size_t start, end, bl;

	if (!holes)
		return pwrite_full(dfd, buf, len, off);
	for (start = 0; start < len; start = end) {
		bl = len - start < HOLE_BLOCK ? len - start : HOLE_BLOCK;
		if (zero(buf + start, bl)) {
			end = start + bl;
			continue;
		}
		for (end = start + bl; end < len; end += bl) {
			bl = len - end < HOLE_BLOCK ? len - end : HOLE_BLOCK;
			if (zero(buf + end, bl))
				break;
		}
		if (pwrite_full(dfd, buf + start, end - start,
		    off + (off_t)start) == -1)
			return -1;
	}
	return 0;
}

int
engine_copy_fd(int sfd, off_t soff, int dfd, off_t doff, off_t len,
    const struct engine_buf *eb, struct fault *f)
{
	size_t want;
	ssize_t n;

	while (len > 0) {
		want = (uint64_t)len < eb->size ? (size_t)len : eb->size;
		if ((n = pread(sfd, eb->buf, want, soff)) == -1) {
			if (errno == EINTR)
				continue;
			fault_set(f, FAULT_READ);
			return -1;
		}
		if (n == 0) {
			fault_setc(f, FAULT_SHRANK, 0);
			return -1;
		}
		if (put(dfd, eb->buf, (size_t)n, doff, eb->holes) == -1) {
			fault_set(f, FAULT_WRITE);
			return -1;
		}
		if (eb->progress != NULL)
			__atomic_add_fetch(eb->progress, (uint64_t)n,
			    __ATOMIC_RELAXED);
		soff += n;
		doff += n;
		len -= n;
	}
	return 0;
}

int
engine_copy_range(const char *src, off_t soff, const char *dst, off_t doff,
    off_t len, const struct engine_buf *eb, struct fault *f)
{
	int dfd = -1, sfd = -1, rv = -1;

	if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		goto out;
	}
	if ((dfd = open(dst, O_WRONLY | O_CLOEXEC)) == -1) {
		fault_set(f, FAULT_OPEN_DST);	/* pre-sized: no O_TRUNC */
		goto out;
	}
	if (engine_copy_fd(sfd, soff, dfd, doff, len, eb, f) == -1)
		goto out;
	rv = 0;
out:
	return engine_close(sfd, dfd, rv, f);
}

int
engine_close(int sfd, int dfd, int rv, struct fault *f)
{
	if (dfd != -1 && close(dfd) == -1 && rv == 0) {
		fault_set(f, FAULT_CLOSE_DST);
		rv = -1;
	}
	if (sfd != -1)
		(void)close(sfd);
	return rv;
}
