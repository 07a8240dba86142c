/*
 * Copying: the one place that knows entries, tasks and their order.
 *
 *  dirs    every directory is made first, in walk order (parents first),
 *          owner-writable so that read-only sources can be filled;
 *  plan    one chunk size for the run (from the total, so many files are
 *          not split needlessly); a regular file larger than it is split:
 *          the parent creates and sizes its temp file and plans its data
 *          extents as ranges; everything else is one whole-entry task that
 *          a worker finishes alone (whole.c);
 *  run     pool_run executes the tasks, largest first;
 *  finish  a split file's last range reported: check that the source did
 *          not change, apply metadata, rename (or discard and report);
 *  links   later names of a hard-link group become links to the first;
 *  dirs    directory metadata last, deepest first, so a read-only or
 *          time-stamped directory is not disturbed by its own contents.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "copy.h"
#include "dest.h"
#include "engine.h"
#include "extent.h"
#include "meta.h"
#include "plan.h"
#include "pool.h"
#include "sig.h"
#include "util.h"
#include "whole.h"

struct copy {
	const struct opts	*o;
	struct flist		*fl;
	struct plan		 plan;
	struct whole_ctx	 wc;
	int			 status;
	struct copy_stats	*st;
	char			 src[PATH_MAX];	/* parent's scratch paths */
	char			 dst[PATH_MAX];
	char			 tmp[PATH_MAX];
};

/* Fill c->src, c->dst and c->tmp for node; -1 with *f on a long path. */
static int
paths(struct copy *c, uint32_t node, struct fault *f)
{
	if (flist_path(c->fl, node, FLIST_SRC, c->src, sizeof(c->src)) ==
	    -1 || flist_path(c->fl, node, FLIST_DST, c->dst,
	    sizeof(c->dst)) == -1 || dest_tmpname(c->dst, c->wc.owner, node,
	    c->tmp, sizeof(c->tmp)) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	return 0;
}

/* Report node's failure once, naming the side the fault is about. */
static void
fail(struct copy *c, uint32_t node, const struct fault *f)
{
	struct fault pf;
	char why[256];

	c->fl->v[node].state = NS_FAILED;
	c->st->failed++;
	if (f->op == FAULT_INTR)
		return;		/* the exit status says it all */
	c->status = 1;
	if (paths(c, node, &pf) == -1)
		(void)snprintf(c->dst, sizeof(c->dst), "%s",
		    flist_name(c->fl, node));
	warnx("%s: %s", fault_is_dst(f->op) ? c->dst : c->src,
	    fault_format(f, why, sizeof(why)));
}

static void
copied(struct copy *c, uint32_t node, int kept)
{
	struct node *n = &c->fl->v[node];
	struct fault f;

	n->state = kept ? NS_SKIPPED : NS_DONE;
	if (kept)
		return;
	c->st->files++;
	c->st->bytes += (uint64_t)n->size;
	if (c->o->verbose == 0 || paths(c, node, &f) == -1)
		return;
	if (n->type == FT_REG)
		printf("'%s' -> '%s' (%s)\n", c->src, c->dst,
		    engine_name(n->engine));
	else
		printf("'%s' -> '%s'\n", c->src, c->dst);
}

static void
make_dir(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	struct stat st;
	struct fault f;
	int err;

	if (paths(c, node, &f) == -1) {
		fail(c, node, &f);
		return;
	}
	if (mkdir(c->dst, S_IRWXU) == 0) {
		c->st->dirs++;
		if (c->o->verbose > 0)
			printf("'%s' -> '%s'\n", c->src, c->dst);
		return;
	}
	err = errno;
	if (err == EEXIST && stat(c->dst, &st) == 0 && S_ISDIR(st.st_mode)) {
		n->existed = true;
		return;
	}
	fault_setc(&f, FAULT_MKDIR, err);
	fail(c, node, &f);
}

/* Directories first, parents before children; a failed one's subtree is
 * skipped (its own failure was reported). */
static void
make_dirs(struct copy *c)
{
	struct node *n;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if (n->parent != NODE_NONE &&
		    c->fl->v[n->parent].state == NS_FAILED)
			n->state = NS_FAILED;
		else if (n->type == FT_DIR)
			make_dir(c, i);
	}
}

/* -n and -u: keep an existing destination? */
static bool
keep_existing(struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];
	struct stat st;
	struct fault f;

	if (!c->o->noclobber && !c->o->update)
		return false;
	if (paths(c, node, &f) == -1 || lstat(c->dst, &st) == -1)
		return false;
	if (c->o->noclobber)
		return true;
	return st.st_mtim.tv_sec > n->mtime.tv_sec ||
	    (st.st_mtim.tv_sec == n->mtime.tv_sec &&
	    st.st_mtim.tv_nsec >= n->mtime.tv_nsec);
}

static int
source_stat(const struct copy *c, const struct node *n, struct stat *st)
{
	if (c->o->deref == DEREF_ALWAYS || n->parent == NODE_NONE)
		return stat(c->src, st);
	return lstat(c->src, st);
}

/* Plan a large file as ranges into a temp file made here. */
static void
split(struct copy *c, uint32_t node, off_t chunk)
{
	struct node *n = &c->fl->v[node];
	size_t before = c->plan.nranges;
	off_t pos, off, len;
	struct stat st;
	struct fault f;
	int sfd = -1, dfd, more = 0;

	if (paths(c, node, &f) == -1)
		goto bad;
	if ((sfd = open(c->src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(sfd, &st) == -1) {
		fault_set(&f, FAULT_OPEN_SRC);
		goto bad;
	}
	n->size = st.st_size;		/* what we hold open is what counts */
	n->mtime = st.st_mtim;
	if ((dfd = dest_create(c->tmp, n->size, &f)) == -1)
		goto bad;
	(void)close(dfd);
	n->split = true;
	if (c->o->sparse == SPARSE_NEVER || st.st_blocks * 512 >= n->size)
		more = plan_add(&c->plan, node, 0, n->size, chunk);
	else
		for (pos = 0; (more = extent_next(sfd, pos, n->size, &off,
		    &len)) > 0; pos = off + len)
			if (plan_add(&c->plan, node, off, len, chunk) == -1)
				err(1, "plan");		/* only ENOMEM */
	if (more == -1 && errno == ENOMEM)
		err(1, "plan");
	if (more == -1) {
		fault_set(&f, FAULT_SEEK);
		c->plan.nranges = before;
		(void)unlink(c->tmp);
		goto bad;
	}
	(void)close(sfd);
	n->pending = (uint32_t)(c->plan.nranges - before);
	return;
bad:
	if (sfd != -1)
		(void)close(sfd);
	fail(c, node, &f);
}

static void
finish_split(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	struct fault f = n->fault, pf;
	struct stat st;
	int kept;

	if (f.op == FAULT_NONE && paths(c, node, &f) == 0 &&
	    (source_stat(c, n, &st) == -1 || st.st_size != n->size ||
	    st.st_mtim.tv_sec != n->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != n->mtime.tv_nsec))
		fault_setc(&f, FAULT_CHANGED, 0);
	if (f.op == FAULT_NONE &&
	    meta_apply(-1, c->tmp, c->src, n, c->o, c->wc.umask, &f) == 0 &&
	    (kept = dest_commit(c->tmp, c->dst, c->o->noclobber, &f)) >= 0) {
		copied(c, node, kept);
		return;
	}
	if (paths(c, node, &pf) == 0)
		(void)unlink(c->tmp);
	fail(c, node, &f);
}

/* Plan every pending non-directory.  Returns a signal that stopped it. */
static int
plan_all(struct copy *c)
{
	struct node *n;
	off_t total = 0, chunk;
	uint32_t i;
	int sig;

	for (i = 0; i < c->fl->n; i++)
		if (c->fl->v[i].type == FT_REG)
			total += c->fl->v[i].size;
	chunk = plan_chunk(total, c->o->jobs, c->o->chunk);
	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if ((sig = sig_caught()) != 0)
			return sig;
		if (n->state != NS_PENDING || n->type == FT_DIR ||
		    n->link != NODE_NONE)
			continue;
		if (keep_existing(c, i))
			n->state = NS_SKIPPED;
		else if (n->type == FT_REG && n->size > chunk) {
			split(c, i, chunk);
			if (n->split && n->pending == 0)
				finish_split(c, i);	/* all hole */
		} else if (plan_add_whole(&c->plan, i, n->size) == -1)
			err(1, "plan");
	}
	return 0;
}

/* Worker side: run task i.  Worker-safe: no output, no exit. */
static int
task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f)
{
	struct copy *c = arg;
	const struct range *r = &c->plan.ranges[i];
	char src[PATH_MAX], dst[PATH_MAX], tmp[PATH_MAX];

	if (r->whole)
		return whole_copy(&c->wc, r->file, eb, f);
	if (flist_path(c->fl, r->file, FLIST_SRC, src, sizeof(src)) == -1 ||
	    flist_path(c->fl, r->file, FLIST_DST, dst, sizeof(dst)) == -1 ||
	    dest_tmpname(dst, c->wc.owner, r->file, tmp, sizeof(tmp)) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	return engine_copy_range(src, r->off, tmp, r->off, r->len, eb, f);
}

static void
whole_done(struct copy *c, const struct result *res, uint32_t node)
{
	struct fault f;

	if (res->fault.op == FAULT_NONE) {
		c->fl->v[node].engine = (uint8_t)(res->rv & 0xff);
		copied(c, node, res->rv & WHOLE_KEPT);
		return;
	}
	/* A worker that died may have left its temp file. */
	if (paths(c, node, &f) == 0)
		(void)unlink(c->tmp);
	fail(c, node, &res->fault);
}

/* Parent side: account for one task. */
static void
result(void *arg, const struct result *res)
{
	struct copy *c = arg;
	const struct range *r = &c->plan.ranges[res->task];
	struct node *n = &c->fl->v[r->file];
	struct fault f;

	if (c->o->verbose > 1 && res->fault.op == FAULT_NONE &&
	    paths(c, r->file, &f) == 0)
		printf("worker %u: '%s' [%jd, %jd)\n", res->worker, c->src,
		    (intmax_t)r->off, (intmax_t)(r->off + r->len));
	if (r->whole) {
		whole_done(c, res, r->file);
		return;
	}
	if (res->fault.op != FAULT_NONE && n->fault.op == FAULT_NONE)
		n->fault = res->fault;
	else if (res->fault.op == FAULT_NONE)
		n->engine = (uint8_t)res->rv;
	if (--n->pending == 0)
		finish_split(c, r->file);
}

/* Later names of a hard-link group: links to the first copy. */
static void
make_links(struct copy *c)
{
	char first[PATH_MAX];
	struct node *n;
	struct fault f;
	uint32_t i;
	int kept;

	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if (n->link == NODE_NONE || n->state != NS_PENDING)
			continue;
		if (c->fl->v[n->link].state != NS_DONE) {
			/* the first failed (reported) or was kept (-n) */
			n->state = c->fl->v[n->link].state;
			continue;
		}
		if (flist_path(c->fl, n->link, FLIST_DST, first,
		    sizeof(first)) == -1 || paths(c, i, &f) == -1) {
			fault_set(&f, FAULT_PATH);
			fail(c, i, &f);
			continue;
		}
		(void)unlink(c->tmp);
		if (link(first, c->tmp) == -1) {
			fault_set(&f, FAULT_LINK);
			fail(c, i, &f);
		} else if ((kept = dest_commit(c->tmp, c->dst, c->o->noclobber,
		    &f)) == -1) {
			(void)unlink(c->tmp);
			fail(c, i, &f);
		} else
			copied(c, i, kept);
	}
}

/* Directory metadata, deepest first: after their contents. */
static void
finish_dirs(struct copy *c)
{
	struct node *n;
	struct fault f;
	uint32_t i;

	for (i = (uint32_t)c->fl->n; i-- > 0;) {
		n = &c->fl->v[i];
		if (n->type != FT_DIR || n->state == NS_FAILED)
			continue;
		if (paths(c, i, &f) == -1 ||
		    meta_apply(-1, c->dst, c->src, n, c->o, c->wc.umask, &f) ==
		    -1)
			fail(c, i, &f);
		else
			n->state = NS_DONE;
	}
}

/* Stopped before the workers ran: remove the temp files made so far. */
static int
abandon(struct copy *c, int sig)
{
	struct fault f;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++)
		if (c->fl->v[i].split && paths(c, i, &f) == 0)
			(void)unlink(c->tmp);
	plan_free(&c->plan);
	return 128 + sig;
}

int
copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	struct pool_job job;
	struct copy *c;
	int sig;

	memset(st, 0, sizeof(*st));
	c = xcalloc(1, sizeof(*c));
	c->o = o;
	c->fl = fl;
	c->st = st;
	c->wc.fl = fl;
	c->wc.o = o;
	c->wc.owner = getpid();
	c->wc.umask = umask(0);
	(void)umask(c->wc.umask);
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	make_dirs(c);
	if ((sig = sig_caught()) != 0 || (sig = plan_all(c)) != 0) {
		sig = abandon(c, sig);
		free(c);
		return sig;
	}
	plan_sort(&c->plan);
	st->ranges = c->plan.nranges;
	memset(&job, 0, sizeof(job));
	job.mode = o->mode;
	job.jobs = o->jobs;
	job.bufsz = o->bufsz;
	job.how.holes = o->sparse == SPARSE_ALWAYS;
	job.how.kind = o->engine;
	job.how.direct = o->direct;
	job.how.nocache = o->nocache;
	job.how.shared = o->jobs > 1;	/* ranges of one file at once */
	job.ntasks = c->plan.nranges;
	job.task = task;
	job.result = result;
	job.arg = c;
	job.lane_bytes = st->lane_bytes;
	if ((sig = pool_run(&job)) == 0) {
		make_links(c);
		finish_dirs(c);
	}
	plan_free(&c->plan);
	sig = sig != 0 ? 128 + sig : c->status;
	free(c);
	return sig;
}
