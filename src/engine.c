/*
 * The engines, one table, one fallback chain: reflink -> copy_file_range
 * -> pread/pwrite.  A file system that cannot do one (EXDEV, EOPNOTSUPP,
 * ENOSYS, EINVAL...) gets the next for the rest of the range.
 *
 * pread/pwrite is the portable core.  Only EINTR and short transfers are
 * retried (as dd does); a zero-byte write is EIO rather than a spin, and a
 * zero-byte read before the range ends means the source shrank under us.
 * It alone handles --sparse=always (zero blocks become holes) and
 * --direct (O_DIRECT, dropped for an unaligned piece).
 *
 * auto, measured in bench/ on tmpfs and ext4: a file that one worker
 * writes goes fastest with copy_file_range (one in-kernel copy instead of
 * two through a buffer).  But when several workers write one file, every
 * buffered write queues on that inode's lock: copy_file_range does its
 * whole copy under it, pread/pwrite only half (the read runs outside), and
 * pread/pwrite measured faster.  btrfs and xfs share blocks (reflink);
 * network file systems copy server-side (copy_file_range) either way.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/vfs.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "fsmagic.h"
#include "util.h"

#define HOLE_BLOCK	4096
/* Bytes per copy_file_range call: progress moves, signals get through. */
#define CFR_STEP	((size_t)16 << 20)

/* An engine's return when the file system cannot: the next one goes on. */
#define ENGINE_NEXT	0

/* Copy the range at x (advancing it as bytes move): a kind, -1, NEXT. */
typedef int	copy_fn(struct xfer *x);

static copy_fn	copy_rw, copy_cfr, copy_clone;

static const struct {
	const char	*name;
	copy_fn		*copy;
	int		 next;		/* the fallback, for the rest */
} engines[ENGINE_NKINDS] = {
	[ENGINE_AUTO] = { "auto", NULL, ENGINE_PREAD },
	[ENGINE_PREAD] = { "pread", copy_rw, ENGINE_PREAD },
	[ENGINE_CFR] = { "copy_file_range", copy_cfr, ENGINE_PREAD },
	[ENGINE_REFLINK] = { "reflink", copy_clone, ENGINE_CFR },
};

/* File systems with a better engine than the rule above (auto). */
static const struct {
	long		 magic;
	int		 kind;
} prefer[] = {
	{ BTRFS_SUPER_MAGIC, ENGINE_REFLINK },
	{ XFS_SUPER_MAGIC, ENGINE_REFLINK },
	{ NFS_SUPER_MAGIC, ENGINE_CFR },
	{ SMB2_MAGIC_NUMBER, ENGINE_CFR },
	{ CIFS_SUPER_MAGIC, ENGINE_CFR },
	{ CEPH_SUPER_MAGIC, ENGINE_CFR },
	{ FUSE_SUPER_MAGIC, ENGINE_CFR },
};

const char *
engine_name(int kind)
{
	return kind >= 0 && kind < ENGINE_NKINDS ? engines[kind].name : NULL;
}

int
engine_parse(const char *name)
{
	int k;

	for (k = 0; k < ENGINE_NKINDS; k++)
		if (strcmp(name, engines[k].name) == 0)
			return k;
	return -1;
}

/* Errors that mean "this file system cannot", not "this copy failed". */
static bool
unsupported(int err)
{
	return err == EXDEV || err == EOPNOTSUPP || err == ENOSYS ||
	    err == EINVAL || err == ENOTTY || err == ETXTBSY;
}

static void
progress(const struct engine_buf *eb, off_t n)
{
	if (eb->progress != NULL)
		__atomic_add_fetch(eb->progress, (uint64_t)n,
		    __ATOMIC_RELAXED);
}

static bool
zero(const char *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* Stop using O_DIRECT on fd (an unaligned piece): 0, or -1. */
static int
buffered(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl == -1 || !(fl & O_DIRECT))
		return -1;	/* the EINVAL was not about O_DIRECT */
	return fcntl(fd, F_SETFL, fl & ~O_DIRECT);
}

static int
write_at(int dfd, const char *buf, size_t len, off_t off)
{
	if (pwrite_full(dfd, buf, len, off) == 0)
		return 0;
	if (errno != EINVAL || buffered(dfd) == -1)
		return -1;
	return pwrite_full(dfd, buf, len, off);
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
		return write_at(dfd, buf, len, off);
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
		if (write_at(dfd, buf + start, end - start,
		    off + (off_t)start) == -1)
			return -1;
	}
	return 0;
}

static int
copy_rw(struct xfer *x)
{
	const struct engine_buf *eb = x->eb;
	size_t want;
	ssize_t n;

	while (x->len > 0) {
		want = (uint64_t)x->len < eb->size ? (size_t)x->len : eb->size;
		if ((n = pread(x->sfd, eb->buf, want, x->soff)) == -1) {
			if (errno == EINTR ||
			    (errno == EINVAL && buffered(x->sfd) == 0))
				continue;
			fault_set(x->f, FAULT_READ);
			return -1;
		}
		if (n == 0) {
			fault_setc(x->f, FAULT_SHRANK, 0);
			return -1;
		}
		if (put(x->dfd, eb->buf, (size_t)n, x->doff, eb->holes) == -1) {
			fault_set(x->f, FAULT_WRITE);
			return -1;
		}
		progress(eb, n);
		x->soff += n;
		x->doff += n;
		x->len -= n;
	}
	return ENGINE_PREAD;
}

static int
copy_cfr(struct xfer *x)
{
	size_t want;
	ssize_t n;

	while (x->len > 0) {
		want = (uint64_t)x->len < CFR_STEP ? (size_t)x->len : CFR_STEP;
		/* the kernel advances both offsets by what it copied */
		if ((n = copy_file_range(x->sfd, &x->soff, x->dfd, &x->doff,
		    want, 0)) == -1) {
			if (errno == EINTR)
				continue;
			if (unsupported(errno))
				return ENGINE_NEXT;
			fault_set(x->f, FAULT_COPY);
			return -1;
		}
		if (n == 0) {
			fault_setc(x->f, FAULT_SHRANK, 0);
			return -1;
		}
		progress(x->eb, n);
		x->len -= n;
	}
	return ENGINE_CFR;
}

static int
copy_clone(struct xfer *x)
{
	struct file_clone_range fcr;

	fcr.src_fd = x->sfd;
	fcr.src_offset = (uint64_t)x->soff;
	fcr.src_length = (uint64_t)x->len;
	fcr.dest_offset = (uint64_t)x->doff;
	if (ioctl(x->dfd, FICLONERANGE, &fcr) == -1) {
		if (x->eb->clone_only) {
			/* as cp --reflink=always: fail, never copy */
			fault_set(x->f, FAULT_CLONE);
			return -1;
		}
		if (unsupported(errno) || errno == EBADF)
			return ENGINE_NEXT;
		fault_set(x->f, FAULT_COPY);
		return -1;
	}
	progress(x->eb, x->len);
	return ENGINE_REFLINK;
}

long
engine_fstype(int fd, dev_t dev)
{
	static dev_t last_dev;
	static long last_type;
	struct statfs sf;

	if (dev != 0 && dev == last_dev)
		return last_type;
	if (fstatfs(fd, &sf) == -1)
		return 0;
	if (dev != 0) {
		last_dev = dev;
		last_type = (long)sf.f_type;
	}
	return (long)sf.f_type;
}

bool
engine_close_reports(long fstype)
{
	/* None of these has a flush at close (f_op->flush). */
	static const long quiet[] = { TMPFS_MAGIC, EXT4_SUPER_MAGIC,
	    XFS_SUPER_MAGIC, BTRFS_SUPER_MAGIC };
	size_t i;

	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		if (fstype == quiet[i])
			return false;
	return true;
}

/* The engine to start with for this pair. */
static int
pick(int dfd, const struct engine_buf *eb)
{
	long type;
	size_t i;

	if (eb->clone_only)
		return ENGINE_REFLINK;
	if (eb->holes || eb->direct)
		return ENGINE_PREAD;	/* only it sees the bytes */
	if (eb->kind != ENGINE_AUTO)
		return eb->kind;
	type = eb->fstype != 0 ? eb->fstype : engine_fstype(dfd, 0);
	for (i = 0; i < sizeof(prefer) / sizeof(prefer[0]); i++)
		if (type == prefer[i].magic)
			return eb->no_clone && prefer[i].kind ==
			    ENGINE_REFLINK ? ENGINE_CFR : prefer[i].kind;
	return eb->shared ? ENGINE_PREAD : ENGINE_CFR;
}

int
engine_flush(int fd, off_t off, off_t len)
{
	if (sync_file_range(fd, off, len, SYNC_FILE_RANGE_WAIT_BEFORE |
	    SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == -1)
		return -1;
	(void)posix_fadvise(fd, off, len, POSIX_FADV_DONTNEED);
	return 0;
}

/* --nocache: write the range out and drop both sides' pages. */
static void
drop_cache(const struct xfer *x)
{
	(void)engine_flush(x->dfd, x->doff, x->len);
	(void)posix_fadvise(x->sfd, x->soff, x->len, POSIX_FADV_DONTNEED);
}

/*
 * A source read from start to end of a range of SEQUENTIAL_MIN bytes or
 * more: say so, as cp does, and Linux doubles the read-ahead of the open
 * file.  A cold 2 GiB file on ext4 read by one writer in 16 MiB ranges
 * took 2.0 s without it, cp (which says it) 1.6 s.
 */
#define SEQUENTIAL_MIN	((off_t)1 << 20)

int
engine_copy(const struct xfer *x)
{
	struct xfer at = *x;
	int kind, rv;

	if (x->len == 0)
		return ENGINE_PREAD;
	if (x->len >= SEQUENTIAL_MIN && !x->eb->nocache)
		(void)posix_fadvise(x->sfd, x->soff, x->len,
		    POSIX_FADV_SEQUENTIAL);
	for (kind = pick(x->dfd, x->eb); (rv = engines[kind].copy(&at)) ==
	    ENGINE_NEXT; kind = engines[kind].next)
		;
	if (rv != -1 && x->eb->nocache)
		drop_cache(x);
	return rv;
}

int
engine_close(int sfd, int dfd, int rv, struct fault *f)
{
	if (dfd != -1 && close(dfd) == -1 && rv != -1) {
		fault_set(f, FAULT_CLOSE_DST);
		rv = -1;
	}
	if (sfd != -1)
		(void)close(sfd);
	return rv;
}
