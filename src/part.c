/*
 * Split files.  A file larger than the run's chunk is copied as ranges by
 * several workers into a part file beside its destination, whose stable
 * name (.parcp.NAME.HASH.part) and journal (.jnl) let --resume find it
 * after an interrupted run: the parent makes (or resumes) the part and
 * plans its data extents minus the ranges the journal lists; each worker
 * copies a range and appends it to the journal; when the last range has
 * reported, the parent checks that the source did not change, hashes it
 * (--manifest), applies metadata, syncs (--fsync) and renames it.  An
 * interrupted file keeps its part and journal; any other failure removes
 * both.  The parent holds each part open, with its flock, from planning to
 * finish: a run owns its parts, and a sweep or a second run of the same
 * copy never removes or reuses one it does not own.  The journal goes
 * before the rename, so a journal never outlives its file.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "copyx.h"
#include "backup.h"
#include "dest.h"
#include "extent.h"
#include "journal.h"
#include "meta.h"
#include "tree.h"
#include "util.h"
#include "verify.h"
#include "xfer.h"
#include "walk.h"
#include "writeout.h"

/*
 * A split file's names by descriptor: its source, its final name, and
 * its part and journal (in the final name's directory).
 */
struct where {
	struct tree_at	 src;
	struct tree_at	 dst;
	char		 part[NAME_MAX + 1];
	char		 jnl[NAME_MAX + 1];
};

/* Where node's names are, in this process's tree.  0, or -1 with *f. */
static int
locate(const struct copy *c, uint32_t node, struct where *w,
    struct fault *f)
{
	if (tree_at(c->wc.tree, FLIST_SRC, node, &w->src, f) == -1 ||
	    tree_at(c->wc.tree, FLIST_DST, node, &w->dst, f) == -1)
		return -1;
	if (dest_partname(w->dst.name, "part", w->part, sizeof(w->part)) ==
	    -1 || dest_partname(w->dst.name, "jnl", w->jnl, sizeof(w->jnl)) ==
	    -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	return 0;
}

/* The walk followed a symlink here (an operand, -L): so do we. */
static int
nofollow(const struct copy *c, const struct node *n)
{
	return c->o->deref == DEREF_ALWAYS || n->parent == NODE_NONE ? 0 :
	    O_NOFOLLOW;
}

static struct journal_id
journal_id(const struct stat *st)
{
	struct journal_id id;

	memset(&id, 0, sizeof(id));
	id.size = (uint64_t)st->st_size;
	id.mtime_sec = st->st_mtim.tv_sec;
	id.mtime_nsec = st->st_mtim.tv_nsec;
	id.ino = st->st_ino;
	return id;
}

/* Remember the part held open as fd (and its lock). */
static void
hold(struct copy *c, uint32_t node, int fd, const struct stat *src)
{
	struct part_hold *h;
	struct stat pt;
	size_t i;

	if (c->held == NULL) {
		c->held = xcalloc(c->fl->n, sizeof(*c->held));
		for (i = 0; i < c->fl->n; i++)
			c->held[i].fd = c->held[i].jfd = -1;
	}
	h = &c->held[node];
	h->fd = fd;
	if (fstat(fd, &pt) == 0) {
		h->dev = pt.st_dev;
		h->ino = pt.st_ino;
	}
	h->src_ctime = src->st_ctim;
}

static void
release(struct copy *c, uint32_t node)
{
	if (c->held != NULL && c->held[node].fd != -1) {
		(void)close(c->held[node].fd);
		c->held[node].fd = -1;
	}
	if (c->held != NULL && c->held[node].jfd != -1) {
		(void)close(c->held[node].jfd);
		c->held[node].jfd = -1;
	}
}

void
part_release(struct copy *c)
{
	size_t i;

	for (i = 0; c->held != NULL && i < c->fl->n; i++)
		release(c, (uint32_t)i);
}

/*
 * --resume: the ranges w's part already holds, by its journal, if both
 * belong to this source (the part is then held: *fd).  Returns how many (*done
 * malloc'ed), -1: start afresh, or -2 with *f: another run owns it.
 */
static ssize_t
resumable(struct copy *c, const struct where *w, const struct stat *st,
    struct ival **done, int *fd, struct fault *f)
{
	struct journal_id id = journal_id(st);
	struct stat pt;
	ssize_t n, i;

	*done = NULL;
	if (!c->o->resume || (*fd = openat(w->dst.dir, w->part, O_RDWR |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		(void)close(*fd);
		*fd = -1;
		fault_setc(f, FAULT_OWNED, 0);
		return -2;
	}
	if (fstat(*fd, &pt) == -1 || !S_ISREG(pt.st_mode) ||
	    pt.st_size != st->st_size ||
	    (n = journal_load(w->dst.dir, w->jnl, &id, done)) == -1) {
		(void)close(*fd);	/* fresh() replaces it */
		*fd = -1;
		return -1;
	}
	for (i = 0; i < n; i++)
		c->st->resumed += (uint64_t)((*done)[i].end - (*done)[i].off);
	return n;
}

/* A new part file, sized (held: the returned fd), and its journal. */
static int
fresh(const struct where *w, const struct stat *st, struct fault *f)
{
	struct journal_id id = journal_id(st);
	int dfd;

	if ((dfd = dest_create_at(w->dst.dir, w->part, st->st_size, f)) == -1)
		return -1;
	if (journal_create(w->dst.dir, w->jnl, &id, f) == -1) {
		(void)close(dfd);
		(void)unlinkat(w->dst.dir, w->part, 0);
		return -1;
	}
	return dfd;
}

/* Plan sfd's data (all of it, or its extents) minus done. */
static int
plan_split(struct copy *c, uint32_t node, int sfd, const struct stat *st,
    off_t chunk, const struct ival *done, size_t ndone)
{
	off_t pos, off, len;
	int more;

	if (c->o->sparse == SPARSE_NEVER || st->st_blocks * 512 >= st->st_size)
		return plan_add_except(&c->plan, node, 0, st->st_size, chunk,
		    done, ndone);
	for (pos = 0; (more = extent_next(sfd, pos, st->st_size, &off,
	    &len)) > 0; pos = off + len)
		if (plan_add_except(&c->plan, node, off, len, chunk, done,
		    ndone) == -1)
			return -1;
	return more;
}

/* The source, opened as the walk saw it (the same inode).  -1 with *f. */
static int
open_source(const struct copy *c, uint32_t node, const struct where *w,
    int flags, struct fault *f)
{
	int fd;

	if ((fd = openat(w->src.dir, w->src.name, O_RDONLY | O_CLOEXEC |
	    nofollow(c, &c->fl->v[node]) | flags)) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		return -1;
	}
	if (!tree_same(c->fl, node, fd)) {
		(void)close(fd);
		fault_setc(f, FAULT_CHANGED, 0);	/* replaced since */
		return -1;
	}
	return fd;
}

/* Plan a large file as ranges into a part file (made here, or resumed). */
int
part_plan(struct copy *c, uint32_t node, off_t chunk, struct fault *f)
{
	struct node *n = &c->fl->v[node];
	size_t before = c->plan.nranges;
	struct ival *done = NULL;
	ssize_t ndone = -1;
	struct where w;
	struct stat st;
	int sfd = -1, pfd = -1;

	n->split = true;
	if (locate(c, node, &w, f) == -1)
		goto bad;
	if ((sfd = open_source(c, node, &w, 0, f)) == -1)
		goto bad;
	if (fstat(sfd, &st) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		goto bad;
	}
	n->size = st.st_size;		/* what we hold open is what counts */
	n->mtime = st.st_mtim;
	if ((ndone = resumable(c, &w, &st, &done, &pfd, f)) == -2 ||
	    (ndone == -1 && (pfd = fresh(&w, &st, f)) == -1))
		goto bad;
	hold(c, node, pfd, &st);
	if (plan_split(c, node, sfd, &st, chunk, done, ndone > 0 ?
	    (size_t)ndone : 0) == -1) {
		if (errno == ENOMEM)
			err(1, "plan");
		fault_set(f, FAULT_SEEK);
		c->plan.nranges = before;
		(void)unlinkat(w.dst.dir, w.jnl, 0);
		(void)unlinkat(w.dst.dir, w.part, 0);
		release(c, node);
		goto bad;
	}
	free(done);
	(void)close(sfd);
	n->pending = (uint32_t)(c->plan.nranges - before);
	return 0;
bad:
	free(done);
	if (sfd != -1)
		(void)close(sfd);
	return -1;
}

/*
 * A finished part file (fd): --manifest hashes it into out (before its
 * metadata: the read would disturb atime), metadata, --fsync.  Returns
 * 1 when it hashed, 0, or -1 with *f.
 */
static int
seal(const struct copy *c, uint32_t node, const struct where *w, int fd,
    const struct engine_buf *eb, unsigned char *out, struct fault *f)
{
	const struct node *n = &c->fl->v[node];
	struct meta_src ms = { -1, w->src.dir, w->src.name,
	    walk_follows(c->o, n->parent == NODE_NONE) };
	struct meta_src old = { -1, w->dst.dir, w->dst.name, false };
	struct meta_target mt = { fd, w->dst.dir, w->part, false };

	if (c->o->manifest != NULL &&
	    verify_hash_file(fd, n->size, eb, out, f) == -1)
		return -1;
	if (meta_apply_src(&mt, &ms, n, c->o, c->wc.umask, f) == -1 ||
	    ((n->parent == NODE_NONE || c->fl->v[n->parent].existed) &&
	    meta_like_existing(&mt, &old, c->o, f) == -1))
		return -1;
	if (c->o->fsync && fsync(fd) == -1) {
		fault_set(f, FAULT_SYNC);
		return -1;
	}
	return c->o->manifest != NULL;
}

/* Is the source not the file planned: another inode, size, mtime, ctime? */
static bool
changed(const struct copy *c, uint32_t node, const struct where *w)
{
	const struct node *n = &c->fl->v[node];
	const struct timespec *ct = &c->held[node].src_ctime;
	struct stat st;

	if (fstatat(w->src.dir, w->src.name, &st, nofollow(c, n) ?
	    AT_SYMLINK_NOFOLLOW : 0) == -1)
		return true;
	return st.st_dev != n->dev || st.st_ino != n->ino ||
	    st.st_size != n->size || st.st_mtim.tv_sec != n->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != n->mtime.tv_nsec ||
	    st.st_ctim.tv_sec != ct->tv_sec ||
	    st.st_ctim.tv_nsec != ct->tv_nsec;
}

static bool
same_file(int fd, dev_t dev, ino_t ino)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/* Is the name in dir the part held for node (the same inode)? */
static bool
ours_at(const struct copy *c, uint32_t node, int dir, const char *name)
{
	const struct part_hold *h = &c->held[node];
	struct stat st;

	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == h->dev && st.st_ino == h->ino;
}

/* A failed split file: its part and journal go, if the part is ours. */
static void
discard(const struct copy *c, uint32_t node, const struct where *w)
{
	if (!ours_at(c, node, w->dst.dir, w->part))
		return;
	(void)unlinkat(w->dst.dir, w->jnl, 0);
	(void)unlinkat(w->dst.dir, w->part, 0);
}

int
part_finish_task(const struct copy *c, uint32_t node,
    const struct engine_buf *eb, struct fault *f, unsigned char *out)
{
	const struct part_hold *h = &c->held[node];
	struct where w;
	int fd, hashed, kept;

	if (locate(c, node, &w, f) == -1)
		return -1;
	if ((fd = openat(w.dst.dir, w.part, O_RDWR | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		/* Run again after a worker died past its rename: done. */
		if (errno == ENOENT && ours_at(c, node, w.dst.dir, w.dst.name))
			return 0;
		fault_set(f, FAULT_OPEN_DST);
		return -1;
	}
	if (!same_file(fd, h->dev, h->ino)) {
		(void)close(fd);
		fault_setc(f, FAULT_OPEN_DST, ESTALE);	/* not our part */
		return -1;
	}
	if (changed(c, node, &w))
		fault_setc(f, FAULT_CHANGED, 0);
	/* The journal first: a crash after it leaves no journal that a
	 * later --resume could trust for a file already renamed. */
	else if ((hashed = seal(c, node, &w, fd, eb, out, f)) != -1 &&
	    (unlinkat(w.dst.dir, w.jnl, 0) == 0 || errno == ENOENT) &&
	    (kept = backup_commit(w.dst.dir, w.part, w.dst.name,
	    c->o->noclobber, &c->o->backup, f)) >= 0) {
		(void)close(fd);
		return (kept == 1 ? PART_KEPT : 0) |
		    (kept == BACKUP_MADE ? PART_BACKED : 0) |
		    (hashed ? PART_HASHED : 0);
	} else if (f->op == FAULT_NONE)
		fault_set(f, FAULT_JOURNAL);	/* the journal would not go */
	(void)close(fd);
	discard(c, node, &w);
	return -1;
}

int
part_finished(struct copy *c, uint32_t node, int rv, const struct fault *f,
    const unsigned char *out)
{
	struct fault lf;
	struct where w;

	if (rv == -1 && f->op != FAULT_INTR && locate(c, node, &w, &lf) == 0)
		discard(c, node, &w);	/* a worker that died left it */
	release(c, node);
	if (rv == -1)
		return -1;
	c->fl->v[node].backed = (rv & PART_BACKED) != 0;
	if (rv & PART_HASHED)
		manifest_set(&c->man, node, out);
	return (rv & PART_KEPT) != 0;
}

int
part_finish(struct copy *c, uint32_t node, struct fault *f)
{
	unsigned char out[WORK_OUT];
	int rv;

	*f = c->fl->v[node].fault;
	if (f->op == FAULT_NONE) {
		if (c->o->manifest != NULL && c->eb.buf == NULL)
			c->eb.buf = xmalloc(c->eb.size = OPTS_BUFSZ_DEFAULT);
		rv = part_finish_task(c, node, &c->eb, f, out);
	} else
		rv = -1;
	return part_finished(c, node, rv, f, out);
}

bool
part_kept(struct copy *c, uint32_t node, uint64_t *bytes)
{
	struct where w;
	struct stat st;
	struct fault f;

	if (locate(c, node, &w, &f) == -1 || fstatat(w.dst.dir, w.part, &st,
	    AT_SYMLINK_NOFOLLOW) == -1)
		return false;
	*bytes = journal_kept(w.dst.dir, w.jnl);
	return true;
}

/*
 * A range written: across hosts (parcp-mpi) it is made durable before
 * its record, since rank 0's journal outlives a worker host's crash.
 * With --fsync alone it is only written out (sync_file_range: this
 * range's pages, not every worker's dirty pages of the file, as an
 * fdatasync would wait for) and the file is synced once at its finish;
 * its records then count on this boot only, like any others.
 */
static int
sync_range(const struct copy *c, int dfd, const struct range *r,
    const struct engine_buf *eb, struct fault *f)
{
	if (c->o->durable_ranges) {
		if (fdatasync(dfd) == 0)
			return 0;
	} else if (!eb->durable || sync_file_range(dfd, r->off, r->len,
	    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
	    SYNC_FILE_RANGE_WAIT_AFTER) == 0 || errno == EINVAL ||
	    errno == ENOSYS || errno == ESPIPE)
		return 0;	/* not there: the finish's fsync suffices */
	fault_set(f, FAULT_SYNC);
	return -1;
}

/* A range of a split file: copy (and check), then journal it. */
int
part_range(const struct copy *c, const struct range *r,
    const struct engine_buf *eb, struct fault *f)
{
	int sfd = -1, dfd = -1, rv = -1, direct = eb->direct ? O_DIRECT : 0;
	const struct part_hold *h = &c->held[r->file];
	struct where w;

	if (locate(c, r->file, &w, f) == -1)
		return -1;
	if ((sfd = open_source(c, r->file, &w, direct, f)) == -1)
		return -1;
	if ((dfd = openat(w.dst.dir, w.part, O_RDWR | O_NOFOLLOW |
	    O_CLOEXEC | direct)) == -1)
		fault_set(f, FAULT_OPEN_DST);	/* pre-sized: no O_TRUNC */
	else if (!same_file(dfd, h->dev, h->ino))
		fault_setc(f, FAULT_OPEN_DST, ESTALE);	/* not our part */
	else if ((rv = xfer_run(&(struct xfer){ .sfd = sfd, .soff = r->off,
	    .dfd = dfd, .doff = r->off, .len = r->len, .eb = eb, .f = f })) !=
	    -1 && sync_range(c, dfd, r, eb, f) == -1)
		rv = -1;
	else if (rv != -1 && eb->writeout != NULL &&
	    writeout_pays(engine_fstype(dfd, h->dev), r->len))
		writeout_hint(eb->writeout, dfd, r->off, r->len);
	return engine_close(sfd, dfd, rv, f);
}

/*
 * The parent journals a range once its worker reported it: one writer
 * per journal, so nothing relies on O_APPEND being atomic (it is not on
 * NFS), whichever host the worker ran on.  A record is durable when the
 * worker synced the range before it reported it (sync_range).
 */
int
part_record(struct copy *c, const struct range *r, struct fault *f)
{
	struct part_hold *h = &c->held[r->file];
	struct where w;

	/* Held open from the first record to the finish: a write per
	 * range, not an open and a close (on a parallel file system each is
	 * a round trip to its metadata server). */
	if (h->jfd == -1 && (locate(c, r->file, &w, f) == -1 ||
	    (h->jfd = journal_open(w.dst.dir, w.jnl, f)) == -1))
		return -1;
	return journal_append_fd(h->jfd, r->off, r->len,
	    c->o->durable_ranges, f);
}
