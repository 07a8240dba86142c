/*
 * Whole-entry copies, run by a worker: the file is opened, copied into a
 * temp file beside its final name, given its metadata, and renamed into
 * place.  A source that changes while it is read (size or mtime differ
 * before and after) is not copied.
 *
 * In a staged tree (stage.c: nothing but this run writes there, and
 * nothing is seen before it is placed) a regular file is made under its
 * final name (dest_create_new), and removed if its copy fails; a name
 * taken there (a killed worker's copy, retried) sends it the unnamed way.
 * A regular file in another directory this run made (no destination can
 * be there) is copied into an unnamed file instead and linked under its
 * final name when complete (dest_create_anon): no temp name to create,
 * lock and rename (20,000 files of 1 KiB on tmpfs at -j 1: 0.61 s before,
 * 0.49 s after, cp -a 0.47 s).  Where the file system has no unnamed
 * files, the named temp is made instead; where the name was taken
 * meanwhile (a racing process), the complete copy is linked under its
 * temp name and committed as a temp is (replacing or keeping what is
 * there as the options say); where this process can link it neither by
 * descriptor nor through procfs, it is copied again, named (once).
 */
#include "config.h"

#include <sys/file.h>
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
#include "tree.h"
#include "util.h"
#include "verify.h"
#include "xfer.h"
#include "whole.h"
#include "writeout.h"

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
		return xfer_run(&(struct xfer){ .sfd = sfd, .soff = 0,
		    .dfd = dfd, .doff = 0, .len = size, .eb = &own, .f = f });
	for (pos = 0; (more = extent_next(sfd, pos, size, &off, &len)) > 0;
	    pos = off + len)
		if ((kind = xfer_run(&(struct xfer){ .sfd = sfd, .soff = off,
		    .dfd = dfd, .doff = off, .len = len, .eb = &own,
		    .f = f })) == -1)
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

/* One entry on its way: where it comes from, where it goes. */
struct entry {
	const struct whole_ctx	*c;
	const struct node	*n;
	struct tree_at		 src;
	struct tree_at		 dst;		/* the final name */
	char			 tmp[NAME_MAX + 1];	/* in dst.dir */
	bool			 named;		/* made under its final name */
	bool			 made;		/* ...and this call made it */
	bool			 anon;		/* copied into an unnamed file */
	bool			 placed;	/* ...now under its final name */
	bool			 again;		/* ...not nameable: copy it again */
};

/* Unnamed files refused once (by the file system, or their link): this
 * process makes named temps from then on. */
static bool anon_off;

int
whole_tmpname(const struct whole_ctx *c, uint32_t node, const char *leaf,
    char *buf)
{
	return dest_runname(leaf, c->token, c->owner, node, buf, NAME_MAX + 1);
}

/*
 * Open the source the walk saw, beneath its directory: a symlink is not
 * followed unless the walk followed it (operands, -L), and another file
 * now under the name (dev, inode) is refused.  sfd, or -1 with *f.
 */
static int
open_source(const struct entry *e, int flags, struct stat *st,
    struct fault *f)
{
	const struct opts *o = e->c->o;
	int fd;

	if (o->deref != DEREF_ALWAYS && e->n->parent != NODE_NONE)
		flags |= O_NOFOLLOW;
	if ((fd = openat(e->src.dir, e->src.name, O_RDONLY | O_CLOEXEC |
	    flags)) == -1 || fstat(fd, st) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	if (st->st_dev != e->n->dev || st->st_ino != e->n->ino) {
		fault_setc(f, FAULT_CHANGED, 0);	/* replaced since */
		(void)close(fd);
		return -1;
	}
	return fd;
}

/* The copy's metadata through dfd, from the source it was read from. */
static int
meta_by_fd(const struct entry *e, int sfd, int dfd, struct fault *f)
{
	struct meta_target t = { dfd, e->dst.dir, e->tmp, true };
	struct meta_src s = { sfd, e->src.dir, e->src.name, true };

	return meta_apply_src(&t, &s, e->n, e->c->o, e->c->umask, f);
}

/* The copy's file: under its final name in a staged tree (e->named),
 * unnamed (e->anon) where it can be, else the run's temp.  The
 * descriptor, or -1 with *f. */
static int
create(struct entry *e, off_t size, struct fault *f)
{
	int fd;

	if (e->named) {
		if ((fd = dest_create_new(e->dst.dir, e->dst.name, size,
		    e->n->mode, f)) != -2) {
			e->made = fd != -1;
			return fd;
		}
		e->named = false;	/* a dead worker's: replaced, as any */
	}
	if (e->anon && (fd = dest_create_anon(e->dst.dir, size, e->n->mode,
	    f)) != -2)
		return fd;
	if (e->anon)			/* not here, not by this process */
		e->anon = false, anon_off = true;
	return dest_create_at(e->dst.dir, e->tmp, size, f);
}

/*
 * An unnamed copy, complete, under its final name (never replacing one).
 * First what close(2) would report, on a file system that writes back at
 * close (not asked where close cannot fail): nothing failed may be named.
 * The name taken meanwhile (a racing process), the copy gets the run's
 * temp name instead (locked, as dest_create_at's) and is committed as any
 * temp: it replaces or keeps what is there as the options say.  0; or -1 with *f; or -1 with
 * e->again: this process cannot name it, and the caller copies it again,
 * named (once a process: anon_off).  fstype: the copy's file system.
 */
static int
place(struct entry *e, int dfd, long fstype, struct fault *f)
{
	int d;

	if (!e->anon && !e->named)
		return 0;
	if (engine_close_reports(fstype) && ((d = dup(dfd)) == -1 ||
	    close(d) == -1)) {
		fault_set(f, FAULT_CLOSE_DST);
		return -1;
	}
	if (e->named) {			/* there already: seen when placed */
		e->placed = true;
		return 0;
	}
	if (dest_name_anon(dfd, e->dst.dir, e->dst.name) == 0) {
		e->placed = true;
		return 0;
	}
	e->anon = false;
	if (errno != EEXIST) {
		anon_off = e->again = true;
		return -1;
	}
	if (flock(dfd, LOCK_EX | LOCK_NB) == -1 ||
	    dest_name_anon(dfd, e->dst.dir, e->tmp) == -1) {
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	return 0;
}

/* The device of e's destination directory, as recorded; 0: not known. */
static dev_t
dst_dev(const struct entry *e)
{
	const struct tree *t = e->c->tree;
	uint32_t p = e->n->parent;

	return p != NODE_NONE && p < t->ndst ? t->dst[p].dev : 0;
}

/* A regular file into the temp; metadata through the open descriptor. */
static int
regular(struct entry *e, const struct engine_buf *how, struct fault *f,
    unsigned char *out)
{
	const struct whole_ctx *c = e->c;
	struct engine_buf own = *how;
	const struct engine_buf *eb = &own;
	struct stat before, after;
	int sfd, dfd = -1, rv = -1, kind, bits;
	int direct = eb->direct ? O_DIRECT : 0;
	off_t size;

	/* Where the copy goes decides its engine and its close check. */
	own.fstype = engine_fstype(e->dst.dir, dst_dev(e));
	if ((sfd = open_source(e, direct, &before, f)) == -1)
		return -1;
	if (c->o->attributes_only) {	/* a new file: empty */
		if ((dfd = create(e, -1, f)) == -1)
			goto out;
		size = 0;
		kind = ENGINE_PREAD;
		goto meta;
	}
	if (unsized(sfd, &before)) {
		if ((dfd = create(e, -1, f)) == -1 ||
		    (size = stream(sfd, dfd, eb, f)) == -1)
			goto out;
		kind = ENGINE_PREAD;
		goto meta;
	}
	size = before.st_size;
	/* Pre-size only when holes will be left unwritten. */
	if ((dfd = create(e, has_holes(size, before.st_blocks, c->o) ||
	    c->o->sparse == SPARSE_ALWAYS ? size : -1, f)) == -1)
		goto out;
	if (direct)	/* best effort: copy_rw falls back if refused */
		(void)fcntl(dfd, F_SETFL, fcntl(dfd, F_GETFL) | O_DIRECT);
	if ((kind = whole_data(sfd, dfd, size, before.st_blocks, c->o, eb,
	    f)) == -1)
		goto out;
	if (fstat(sfd, &after) == -1 || moved(&before, &after)) {
		fault_setc(f, FAULT_CHANGED, 0);
		goto out;
	}
	if (writeout_pays(eb->fstype, size))
		writeout_hint(eb->writeout, dfd, 0, size);
meta:
	if ((bits = hash(c, dfd, size, eb, f, out)) == -1 ||
	    meta_by_fd(e, sfd, dfd, f) == -1 || sync_file(c, dfd, f) == -1 ||
	    place(e, dfd, eb->fstype, f) == -1)
		goto out;
	rv = kind | bits;
out:
	return engine_close(sfd, dfd, rv, f);
}

/* A symlink, FIFO or device node as the temp; metadata by name. */
static int
special(const struct entry *e, struct fault *f)
{
	struct meta_target t = { -1, e->dst.dir, e->tmp, false };
	struct meta_src s = { -1, e->src.dir, e->src.name, false };
	const struct node *n = e->n;
	char target[PATH_MAX];
	ssize_t len;

	(void)unlinkat(e->dst.dir, e->tmp, 0);	/* a dead worker's */
	if (n->type == FT_LNK) {
		if ((len = readlinkat(e->src.dir, e->src.name, target,
		    sizeof(target) - 1)) == -1) {
			fault_set(f, FAULT_READLINK);
			return -1;
		}
		target[len] = '\0';
		if (symlinkat(target, e->dst.dir, e->tmp) == -1) {
			fault_set(f, FAULT_SYMLINK);
			return -1;
		}
	} else if (mknodat(e->dst.dir, e->tmp, (n->mode & S_IFMT) | 0600,
	    n->rdev) == -1) {
		fault_set(f, FAULT_MKNOD);
		return -1;
	}
	return meta_apply_src(&t, &s, n, e->c->o, e->c->umask, f);
}

/*
 * Into an existing destination, as cp writes it: a device or FIFO (or,
 * with --inplace, a regular file, truncated first) is opened (a FIFO may
 * block until it has a reader) and written from the start, in order;
 * never replaced.  An operand's destination is opened as the user named
 * it (a symlink to a device too); below an operand, a symlink is never
 * written through.  Its own mode stays unless -p says otherwise.  With
 * --attributes-only, nothing is written but the attributes.
 */
static int
inplace(const struct entry *e, const struct engine_buf *eb, struct fault *f)
{
	const struct opts *o = e->c->o;
	struct node kept = *e->n;
	struct meta_target t = { -1, e->dst.dir, e->dst.name, false };
	struct meta_src s = { -1, e->src.dir, e->src.name, true };
	struct stat st;
	int sfd, dfd = -1, rv = -1, flags = O_WRONLY | O_NOCTTY | O_CLOEXEC;

	kept.existed = true;
	if ((sfd = open_source(e, 0, &st, f)) == -1)
		return -1;
	if (o->inplace && !o->attributes_only)
		flags |= O_TRUNC;
	if (e->n->parent != NODE_NONE)
		flags |= O_NOFOLLOW;
	if ((dfd = openat(e->dst.dir, e->dst.name, flags)) == -1) {
		fault_set(f, FAULT_OPEN_DST);
		goto out;
	}
	/* --attributes-only: its data stays, its attributes are set. */
	if (!o->attributes_only && stream(sfd, dfd, eb, f) == -1)
		goto out;
	t.fd = dfd;
	s.fd = sfd;
	if (meta_apply_src(&t, &s, &kept, o, e->c->umask, f) == -1)
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

/* The new copy takes an existing regular file's owner, ACL, mode. */
static int
like_existing(const struct entry *e, struct fault *f)
{
	struct meta_target t = { -1, e->dst.dir, e->tmp, false };
	struct meta_src old = { -1, e->dst.dir, e->dst.name, false };

	if (e->n->type != FT_REG || !may_exist(e->c, e->n))
		return 0;
	return meta_like_existing(&t, &old, e->c->o, f);
}

/* Where node comes from and goes, by descriptor.  0, or -1 with *f. */
static int
locate(const struct whole_ctx *c, uint32_t node, struct entry *e,
    struct fault *f)
{
	e->c = c;
	e->n = &c->fl->v[node];
	if (tree_at(c->tree, FLIST_SRC, node, &e->src, f) == -1 ||
	    tree_at(c->tree, FLIST_DST, node, &e->dst, f) == -1)
		return -1;
	if (whole_tmpname(c, node, e->dst.name, e->tmp) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	e->named = e->n->type == FT_REG && !e->n->inplace &&
	    !may_exist(c, e->n) && tree_in_staged(c->tree, e->n->parent);
	e->anon = e->n->type == FT_REG && !e->n->inplace && !anon_off &&
	    !may_exist(c, e->n);
	e->made = e->placed = e->again = false;
	return 0;
}

/* A regular file: unnamed first where it can be, else (or again, when
 * the unnamed one could not be placed) into the run's temp. */
static int
regular_copy(struct entry *e, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	int rv;

	rv = regular(e, eb, f, out);
	if (rv == -1 && e->again) {
		e->again = false;
		rv = regular(e, eb, f, out);
	}
	return rv;
}

int
whole_copy(const struct whole_ctx *c, uint32_t node,
    const struct engine_buf *eb, struct fault *f, unsigned char *out)
{
	struct entry e;
	int rv, kept;

	if (locate(c, node, &e, f) == -1)
		return -1;
	if (e.n->inplace)
		return inplace(&e, eb, f);
	rv = e.n->type == FT_REG ? regular_copy(&e, eb, f, out) :
	    special(&e, f);
	if (rv >= 0 && e.placed)
		return rv;
	if (rv >= 0 && like_existing(&e, f) == -1)
		rv = -1;
	if (rv >= 0 && (kept = backup_commit(e.dst.dir, e.tmp, e.dst.name,
	    c->o->noclobber, &c->o->backup, f)) >= 0)	/* kept: no hash */
		return kept == 1 ? WHOLE_KEPT : kept == BACKUP_MADE ?
		    rv | WHOLE_BACKED : rv;
	(void)unlinkat(e.dst.dir, e.tmp, 0);
	if (e.made)		/* never seen: its tree is not placed yet */
		(void)unlinkat(e.dst.dir, e.dst.name, 0);
	return -1;
}
