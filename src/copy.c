/*
 * Copying files: the one place that knows both files and ranges.
 *
 * prepare: per file, open the source, create the sized temp file, and add
 *          the source's data extents to the plan in chunks;
 * run:     pool_run executes the ranges (task i is plan range i); the worker
 *          side opens the paths and calls the engine;
 * finish:  when a file's last range reports, check the source did not change,
 *          then commit (chmod + rename) or discard the temp file and report.
 *
 * Files are finished as soon as they are complete, so an interrupted run
 * keeps what was finished and discards the rest.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "copy.h"
#include "dest.h"
#include "engine.h"
#include "extent.h"
#include "plan.h"
#include "pool.h"
#include "sig.h"
#include "util.h"

struct copy {
	const struct opts	*o;
	struct flist		*fl;
	struct plan		 plan;
	mode_t			 umask;
	int			 status;
	struct copy_stats	*st;
};

static void
report(struct copy *c, struct file *f)
{
	char why[256];

	c->st->failed++;
	if (f->fault.op == FAULT_INTR)
		return;		/* the exit status says it all */
	warnx("%s: %s", fault_is_dst(f->fault.op) ? f->dst : f->src,
	    fault_format(&f->fault, why, sizeof(why)));
	c->status = 1;
}

/* Did the source change since we sized the copy?  A copy of a moving
 * target is no copy: tar says "file changed as we read it". */
static int
changed(const struct file *f)
{
	struct stat st;

	if (stat(f->src, &st) == -1)
		return 1;
	return st.st_dev != f->dev || st.st_ino != f->ino ||
	    st.st_size != f->size || st.st_mtim.tv_sec != f->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != f->mtime.tv_nsec;
}

static void
finish(struct copy *c, struct file *f)
{
	if (f->fault.op == FAULT_NONE && changed(f))
		fault_setc(&f->fault, FAULT_CHANGED, 0);
	if (f->fault.op == FAULT_NONE &&
	    dest_commit(f, f->mode & 0777 & ~c->umask, &f->fault) == 0) {
		c->st->files++;
		c->st->bytes += (uint64_t)f->size;
		if (c->o->verbose > 0)
			printf("'%s' -> '%s'\n", f->src, f->dst);
		return;
	}
	dest_discard(f);
	report(c, f);
}

/* Open the source, create the temp file and plan the data extents. */
static int
prepare(struct copy *c, uint32_t i)
{
	struct file *f = &c->fl->v[i];
	struct stat st;
	off_t pos, off, len, chunk;
	size_t before = c->plan.nranges;
	int sfd, more;

	if ((sfd = open(f->src, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(sfd, &st) == -1) {
		fault_set(&f->fault, FAULT_OPEN_SRC);
		goto bad;
	}
	f->size = st.st_size;		/* what we hold open is what counts */
	f->mtime = st.st_mtim;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	if (dest_create(f, &f->fault) == -1)
		goto bad;
	chunk = plan_chunk(f->size, c->o->jobs, c->o->chunk);
	for (pos = 0; (more = extent_next(sfd, pos, f->size, &off, &len)) > 0;
	    pos = off + len)
		if (plan_add(&c->plan, i, off, len, chunk) == -1)
			err(1, "plan");		/* only ENOMEM: fatal */
	if (more == -1) {
		fault_set(&f->fault, FAULT_SEEK);
		c->plan.nranges = before;
		goto bad;
	}
	(void)close(sfd);
	f->pending = c->plan.nranges - before;
	return 0;
bad:
	if (sfd != -1)
		(void)close(sfd);
	dest_discard(f);
	report(c, f);
	return -1;
}

/* Worker side: copy one range.  Worker-safe: no output, no exit. */
static int
task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f)
{
	struct copy *c = arg;
	const struct range *r = &c->plan.ranges[i];
	const struct file *file = &c->fl->v[r->file];

	return engine_copy_range(file->src, r->off, file->tmp, r->off,
	    r->len, eb, f);
}

/* Parent side: account for one range; finish its file after the last. */
static void
result(void *arg, const struct result *res)
{
	struct copy *c = arg;
	const struct range *r = &c->plan.ranges[res->task];
	struct file *f = &c->fl->v[r->file];

	if (res->fault.op != FAULT_NONE && f->fault.op == FAULT_NONE)
		f->fault = res->fault;
	if (c->o->verbose > 1 && res->fault.op == FAULT_NONE)
		printf("worker %u: '%s' [%jd, %jd)\n", res->worker, f->src,
		    (intmax_t)r->off, (intmax_t)(r->off + r->len));
	if (--f->pending == 0)
		finish(c, f);
}

/* A signal during planning: remove every temp file made so far. */
static int
abandon(struct copy *c, int sig)
{
	size_t i;

	for (i = 0; i < c->fl->n; i++)
		dest_discard(&c->fl->v[i]);
	return 128 + sig;
}

int
copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	struct pool_job job;
	struct copy c;
	uint32_t i;
	int sig;

	memset(&c, 0, sizeof(c));
	memset(st, 0, sizeof(*st));
	c.o = o;
	c.fl = fl;
	c.st = st;
	c.umask = umask(0);
	(void)umask(c.umask);
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	if (fl->n > UINT32_MAX)
		errx(1, "too many files: %zu", fl->n);
	for (i = 0; i < fl->n; i++) {
		if ((sig = sig_caught()) != 0)
			return abandon(&c, sig);
		if (prepare(&c, i) == 0 && fl->v[i].pending == 0)
			finish(&c, &fl->v[i]);
	}
	plan_sort(&c.plan);
	st->ranges = c.plan.nranges;
	memset(&job, 0, sizeof(job));
	job.mode = o->mode;
	job.jobs = o->jobs;
	job.bufsz = o->bufsz;
	job.ntasks = c.plan.nranges;
	job.task = task;
	job.result = result;
	job.arg = &c;
	job.lane_bytes = st->lane_bytes;
	sig = pool_run(&job);
	plan_free(&c.plan);
	return sig != 0 ? 128 + sig : c.status;
}
