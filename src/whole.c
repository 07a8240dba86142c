/*
 * Whole-entry copies, run by a worker: the file is opened, copied into a
 * temp file beside its final name, given its metadata, and renamed into
 * place.  A source that changes while it is read (size or mtime differ
 * before and after) is not copied.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <unistd.h>

#include "backup.h"
#include "dest.h"
#include "extent.h"
#include "meta.h"
#include "util.h"
#include "verify.h"
#include "whole.h"

/* Does the source have holes worth keeping?  cp's test: fewer blocks. */
static bool
has_holes(off_t size, blkcnt_t blocks, const struct opts *o)
{
	return o->sparse != SPARSE_NEVER && blocks * 512 < size;
}

int
whole_data(int sfd, int dfd, off_t size, blkcnt_t blocks,
    const struct opts *o, const struct engine_buf *eb, struct fault *f)
{
	struct engine_buf own = *eb;
	off_t pos, off, len;
	int more, kind = ENGINE_PREAD;

	own.shared = false;		/* this worker alone writes the file */
	if (!has_holes(size, blocks, o))
		return verify_copy(sfd, 0, dfd, 0, size, &own, f);
	for (pos = 0; (more = extent_next(sfd, pos, size, &off, &len)) > 0;
	    pos = off + len)
		if ((kind = verify_copy(sfd, off, dfd, off, len, &own, f)) ==
		    -1)
			return -1;
	if (more == -1) {
		fault_set(f, FAULT_SEEK);
		return -1;
	}
	return kind;
}

static bool
moved(const struct stat *a, const struct stat *b)
{
	return a->st_size != b->st_size ||
	    a->st_mtim.tv_sec != b->st_mtim.tv_sec ||
	    a->st_mtim.tv_nsec != b->st_mtim.tv_nsec;
}

/* --manifest: hash the data (before metadata, which atime would see). */
static int
hash(const struct whole_ctx *c, int dfd, off_t size,
    const struct engine_buf *eb, struct fault *f, unsigned char *out)
{
	if (c->o->manifest == NULL)
		return 0;
	return verify_hash_file(dfd, size, eb, out, f) == -1 ? -1 :
	    WHOLE_HASHED;
}

/* --fsync: data and metadata durable before the rename. */
static int
sync_file(const struct whole_ctx *c, int dfd, struct fault *f)
{
	if (c->o->fsync && fsync(dfd) == -1) {
		fault_set(f, FAULT_SYNC);
		return -1;
	}
	return 0;
}

/*
 * Copy sfd to dfd in order until EOF, whatever sfd's size says: a pipe, a
 * device, a procfs or sysfs file.  Returns the bytes copied, or -1 with
 * *f set.
 */
static off_t
stream(int sfd, int dfd, const struct engine_buf *eb, struct fault *f)
{
	off_t total = 0;
	ssize_t len;

	while ((len = read_full(sfd, eb->buf, eb->size)) > 0) {
		if (write_full(dfd, eb->buf, (size_t)len) == -1) {
			fault_set(f, FAULT_WRITE);
			return -1;
		}
		total += len;
		if (eb->progress != NULL)
			__atomic_add_fetch(eb->progress, (uint64_t)len,
			    __ATOMIC_RELAXED);
	}
	if (len == -1) {
		fault_set(f, FAULT_READ);
		return -1;
	}
	return total;
}

/*
 * Is st's size no promise of its data?  Not a regular file, empty (procfs
 * reports 0 for files with data), or on sysfs (which reports a page).
 */
static bool
unsized(int fd, const struct stat *st)
{
	struct statfs sf;

	if (!S_ISREG(st->st_mode) || st->st_size == 0)
		return true;
	return st->st_size == 4096 && fstatfs(fd, &sf) == 0 &&
	    (sf.f_type == SYSFS_MAGIC || sf.f_type == PROC_SUPER_MAGIC);
}

/* A regular file into tmp; metadata through the open descriptor. */
static int
regular(const struct whole_ctx *c, const struct node *n, const char *src,
    const char *tmp, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	struct stat before, after;
	struct meta_src ms = { -1, src, true };
	int sfd, dfd = -1, rv = -1, kind, bits, nofollow = O_NOFOLLOW;
	int direct = eb->direct ? O_DIRECT : 0;
	off_t size;

	/* Operands were resolved by the walk's rules (-H, no -r). */
	if (c->o->deref == DEREF_ALWAYS || n->parent == NODE_NONE)
		nofollow = 0;
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC | nofollow | direct)) == -1 ||
	    fstat(sfd, &before) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		goto out;
	}
	if (c->o->attributes_only) {	/* a new file: empty */
		if ((dfd = dest_create(tmp, -1, f)) == -1)
			goto out;
		size = 0;
		kind = ENGINE_PREAD;
		goto meta;
	}
	if (unsized(sfd, &before)) {
		if ((dfd = dest_create(tmp, -1, f)) == -1 ||
		    (size = stream(sfd, dfd, eb, f)) == -1)
			goto out;
		kind = ENGINE_PREAD;
		goto meta;
	}
	size = before.st_size;
	/* Pre-size only when holes will be left unwritten. */
	if ((dfd = dest_create(tmp, has_holes(before.st_size, before.st_blocks,
	    c->o) || c->o->sparse == SPARSE_ALWAYS ? before.st_size : -1, f)) ==
	    -1)
		goto out;
	if (direct)	/* best effort: copy_rw falls back if refused */
		(void)fcntl(dfd, F_SETFL, fcntl(dfd, F_GETFL) | O_DIRECT);
	if ((kind = whole_data(sfd, dfd, before.st_size, before.st_blocks,
	    c->o, eb, f)) == -1)
		goto out;
	if (fstat(sfd, &after) == -1 || moved(&before, &after)) {
		fault_setc(f, FAULT_CHANGED, 0);
		goto out;
	}
meta:
	ms.fd = sfd;			/* the attributes of what was copied */
	if ((bits = hash(c, dfd, size, eb, f, out)) == -1 ||
	    meta_apply_src(dfd, tmp, &ms, n, c->o, c->umask, f) == -1 ||
	    sync_file(c, dfd, f) == -1)
		goto out;
	rv = kind | bits;
out:
	return engine_close(sfd, dfd, rv, f);
}

/* A symlink, FIFO or device node as tmp; metadata by path. */
static int
special(const struct whole_ctx *c, const struct node *n, const char *src,
    const char *tmp, struct fault *f)
{
	char target[PATH_MAX];
	ssize_t len;

	(void)unlink(tmp);		/* left by a worker that died */
	if (n->type == FT_LNK) {
		if ((len = readlink(src, target, sizeof(target) - 1)) == -1) {
			fault_set(f, FAULT_READLINK);
			return -1;
		}
		target[len] = '\0';
		if (symlink(target, tmp) == -1) {
			fault_set(f, FAULT_SYMLINK);
			return -1;
		}
	} else if (mknod(tmp, (n->mode & S_IFMT) | 0600, n->rdev) == -1) {
		fault_set(f, FAULT_MKNOD);
		return -1;
	}
	return meta_apply(-1, tmp, src, n, c->o, c->umask, f);
}

/*
 * Into an existing destination, as cp writes it: a device or FIFO (or,
 * with --inplace, a regular file, truncated first) is opened (a FIFO may
 * block until it has a reader) and written from the start, in order;
 * never replaced.  Its own mode stays unless -p says otherwise.  With
 * --attributes-only, nothing is written but the attributes.
 */
static int
inplace(const struct whole_ctx *c, const struct node *n, const char *src,
    const char *dst, const struct engine_buf *eb, struct fault *f)
{
	struct node kept = *n;
	int sfd, dfd = -1, rv = -1;

	kept.existed = true;
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC | (c->o->deref ==
	    DEREF_ALWAYS || n->parent == NODE_NONE ? 0 : O_NOFOLLOW))) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		return -1;
	}
	if ((dfd = open(dst, O_WRONLY | O_NOCTTY | O_CLOEXEC |
	    (c->o->inplace && !c->o->attributes_only ? O_TRUNC : 0))) == -1) {
		fault_set(f, FAULT_OPEN_DST);
		goto out;
	}
	/* --attributes-only: its data stays, its attributes are set. */
	if (!c->o->attributes_only && stream(sfd, dfd, eb, f) == -1)
		goto out;
	if (meta_apply(dfd, dst, src, &kept, c->o, c->umask, f) == -1)
		goto out;
	rv = ENGINE_PREAD;
out:
	return engine_close(sfd, dfd, rv, f);
}

/* Can the destination exist already (an operand's, or in a directory
 * that was there)? */
static bool
may_exist(const struct whole_ctx *c, const struct node *n)
{
	return n->parent == NODE_NONE || c->fl->v[n->parent].existed;
}

int
whole_copy(const struct whole_ctx *c, uint32_t node,
    const struct engine_buf *eb, struct fault *f, unsigned char *out)
{
	const struct node *n = &c->fl->v[node];
	char src[PATH_MAX], dst[PATH_MAX], tmp[PATH_MAX];
	struct meta_target t = { -1, AT_FDCWD, tmp };
	int rv, kept;

	if (flist_path(c->fl, node, FLIST_SRC, src, sizeof(src)) == -1 ||
	    flist_path(c->fl, node, FLIST_DST, dst, sizeof(dst)) == -1 ||
	    dest_tmpname(dst, c->owner, node, tmp, sizeof(tmp)) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if (n->inplace)
		return inplace(c, n, src, dst, eb, f);
	rv = n->type == FT_REG ? regular(c, n, src, tmp, eb, f, out) :
	    special(c, n, src, tmp, f);
	if (rv >= 0 && n->type == FT_REG && may_exist(c, n) &&
	    meta_like_existing(&t, dst, c->o, f) == -1)
		rv = -1;
	if (rv >= 0 && (kept = backup_commit(tmp, dst, c->o->noclobber,
	    &c->o->backup, f)) >= 0)	/* kept: no hash to list */
		return kept == 1 ? WHOLE_KEPT : kept == BACKUP_MADE ?
		    rv | WHOLE_BACKED : rv;
	(void)unlink(tmp);
	return -1;
}
