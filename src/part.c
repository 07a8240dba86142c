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
 * both.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "copyx.h"
#include "dest.h"
#include "extent.h"
#include "journal.h"
#include "meta.h"
#include "util.h"
#include "verify.h"

static int
source_stat(const struct copy *c, const struct node *n, struct stat *st)
{
	if (c->o->deref == DEREF_ALWAYS || n->parent == NODE_NONE)
		return stat(c->src, st);
	return lstat(c->src, st);
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

/*
 * --resume: the ranges c->tmp already holds, by c->jnl, if both belong to
 * this source.  Returns how many (*done malloc'ed), or -1: start afresh.
 */
static ssize_t
resumable(struct copy *c, const struct stat *st, struct ival **done)
{
	struct journal_id id = journal_id(st);
	struct stat pt;
	ssize_t n, i;

	*done = NULL;
	if (!c->o->resume || lstat(c->tmp, &pt) == -1 || !S_ISREG(pt.st_mode) ||
	    pt.st_size != st->st_size)
		return -1;
	if ((n = journal_load(c->jnl, &id, done)) == -1)
		return -1;
	for (i = 0; i < n; i++)
		c->st->resumed += (uint64_t)((*done)[i].end - (*done)[i].off);
	return n;
}

/* A new part file, sized, and its journal. */
static int
fresh(struct copy *c, const struct stat *st, struct fault *f)
{
	struct journal_id id = journal_id(st);
	int dfd;

	if ((dfd = dest_create(c->tmp, st->st_size, f)) == -1)
		return -1;
	(void)close(dfd);
	if (journal_create(c->jnl, &id, f) == -1) {
		(void)unlink(c->tmp);
		return -1;
	}
	return 0;
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

/* Plan a large file as ranges into a part file (made here, or resumed). */
void
part_plan(struct copy *c, uint32_t node, off_t chunk)
{
	struct node *n = &c->fl->v[node];
	size_t before = c->plan.nranges;
	struct ival *done = NULL;
	ssize_t ndone = -1;
	struct stat st;
	struct fault f;
	int sfd = -1;

	n->split = true;
	if (copy_paths(c, node, &f) == -1)
		goto bad;
	if ((sfd = open(c->src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(sfd, &st) == -1) {
		fault_set(&f, FAULT_OPEN_SRC);
		goto bad;
	}
	n->size = st.st_size;		/* what we hold open is what counts */
	n->mtime = st.st_mtim;
	if ((ndone = resumable(c, &st, &done)) == -1 && fresh(c, &st, &f) == -1)
		goto bad;
	if (plan_split(c, node, sfd, &st, chunk, done, ndone > 0 ?
	    (size_t)ndone : 0) == -1) {
		if (errno == ENOMEM)
			err(1, "plan");
		fault_set(&f, FAULT_SEEK);
		c->plan.nranges = before;
		(void)unlink(c->tmp);
		(void)unlink(c->jnl);
		goto bad;
	}
	free(done);
	(void)close(sfd);
	n->pending = (uint32_t)(c->plan.nranges - before);
	return;
bad:
	free(done);
	if (sfd != -1)
		(void)close(sfd);
	copy_fail(c, node, &f);
}

/*
 * A finished part file, by the parent: --manifest hashes it (before its
 * metadata: the read would disturb atime), metadata, --fsync.
 */
static int
seal(struct copy *c, uint32_t node, struct fault *f)
{
	const struct node *n = &c->fl->v[node];
	unsigned char hash[VERIFY_HASHLEN];
	int fd, rv = -1;

	if ((fd = open(c->tmp, O_RDONLY | O_CLOEXEC)) == -1) {
		fault_set(f, FAULT_OPEN_DST);
		return -1;
	}
	if (c->o->manifest != NULL && c->eb.buf == NULL)
		c->eb.buf = xmalloc(c->eb.size = OPTS_BUFSZ_DEFAULT);
	if (c->o->manifest != NULL &&
	    verify_hash_file(fd, n->size, &c->eb, hash, f) == -1)
		goto out;
	if (meta_apply(fd, c->tmp, c->src, n, c->o, c->wc.umask, f) == -1)
		goto out;
	if (c->o->fsync && fsync(fd) == -1) {
		fault_set(f, FAULT_SYNC);
		goto out;
	}
	if (c->o->manifest != NULL)
		manifest_set(&c->man, node, hash);
	rv = 0;
out:
	(void)close(fd);
	return rv;
}

void
part_finish(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	struct fault f = n->fault, pf;
	struct stat st;
	int kept;

	if (f.op == FAULT_NONE && copy_paths(c, node, &f) == 0 &&
	    (source_stat(c, n, &st) == -1 || st.st_size != n->size ||
	    st.st_mtim.tv_sec != n->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != n->mtime.tv_nsec))
		fault_setc(&f, FAULT_CHANGED, 0);
	if (f.op == FAULT_NONE && seal(c, node, &f) == 0 &&
	    (kept = dest_commit(c->tmp, c->dst, c->o->noclobber, &f)) >= 0) {
		(void)unlink(c->jnl);
		copy_done(c, node, kept);
		return;
	}
	/* Interrupted: the part and its journal stay for --resume. */
	if (f.op != FAULT_INTR && copy_paths(c, node, &pf) == 0) {
		(void)unlink(c->tmp);
		(void)unlink(c->jnl);
	}
	copy_fail(c, node, &f);
}

/* A range of a split file: copy (and check), then journal it. */
int
part_range(const struct copy *c, const struct range *r,
    const struct engine_buf *eb, struct fault *f)
{
	char src[PATH_MAX], dst[PATH_MAX], tmp[PATH_MAX], jnl[PATH_MAX];
	int sfd = -1, dfd = -1, rv = -1, direct = eb->direct ? O_DIRECT : 0;

	if (flist_path(c->fl, r->file, FLIST_SRC, src, sizeof(src)) == -1 ||
	    flist_path(c->fl, r->file, FLIST_DST, dst, sizeof(dst)) == -1 ||
	    copy_tmpnames(c, r->file, dst, tmp, jnl) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC | direct)) == -1)
		fault_set(f, FAULT_OPEN_SRC);
	else if ((dfd = open(tmp, O_RDWR | O_CLOEXEC | direct)) == -1)
		fault_set(f, FAULT_OPEN_DST);	/* pre-sized: no O_TRUNC */
	else if ((rv = verify_copy(sfd, r->off, dfd, r->off, r->len, eb, f)) !=
	    -1 && eb->durable && fdatasync(dfd) == -1) {
		fault_set(f, FAULT_SYNC);
		rv = -1;
	}
	if ((rv = engine_close(sfd, dfd, rv, f)) != -1 &&
	    journal_append(jnl, r->off, r->len, eb->durable, f) == -1)
		rv = -1;
	return rv;
}

