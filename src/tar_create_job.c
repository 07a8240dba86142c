/*
 * tar_create_job.c: a placed archive's job as data (tar_place.c).
 *
 * The parent laid the archive out before any data moved, so what a
 * worker needs is tables: the file list and the plan's ranges (each
 * member's data, or a range of it), each member's data offset and header
 * size, the headers the parent kept (the arena), the sparse members'
 * extents, and, for the --manifest pass, which member each hash task
 * reads.  The archive itself is reopened by its temp name and must be the
 * file rank 0 made (device, inode); sources are opened by their walk
 * paths and checked against the walk's identities, as in every worker.
 * A header the arena could not keep is encoded again by the worker from
 * the source (libarchive's disk reader, set up on the rank as rank 0 set
 * it up); a header that comes out different fails the member.
 *
 * Once the archive has failed, pool and fork workers skip what is left
 * (a flag in shared memory).  A rank does not see that flag: it finishes
 * its grants into an archive that is then removed, which costs time and
 * is otherwise harmless.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "job.h"
#include "tarc.h"
#include "util.h"

#define TARC_JOB_MAGIC	0x706172636331ULL	/* "parcc1" */

/* The worker view unpack makes, and what it owns. */
struct tarc_remote {
	struct tarc	 t;		/* first: release finds r through it */
	struct job_opts	 o;
	struct flist	 fl;
	struct copy_stats st;
	int		 abort;		/* never set on a rank */
	char		*path;		/* the archive being written */
};

/* The archive's name while it is written. */
static const char *
out_path(const struct tarc *t)
{
	return t->out.temp ? t->out.tmp : t->out.path;
}

/* The operands' sources, as the user named them, and the archive. */
static void
pack_anchors(const struct tarc *t, struct blob *b)
{
	struct job_anchors a = { NULL, 0 };
	struct stat st;
	uint32_t k;

	for (k = 0; k < t->fl->n; k++)
		if (t->fl->v[k].parent == NODE_NONE)
			job_anchor(&a, t->fl->v[k].dev, t->fl->v[k].ino, true,
			    flist_name(t->fl, k));
	if (fstat(t->out.fd, &st) == 0)
		job_anchor(&a, st.st_dev, st.st_ino, false, out_path(t));
	job_put_anchors(b, &a);
}

static void
pack(void *ctx, struct blob *b)
{
	const struct tarc *t = ctx;
	size_t n = t->fl->n;
	struct stat st;

	job_put_head(b, TARC_JOB_MAGIC, t->o);
	pack_anchors(t, b);
	job_put_work(b, &t->work);
	job_put_lists(b, t->fl, &t->plan);
	blob_put(b, t->data, n * sizeof(*t->data));
	blob_put(b, t->hlens, n * sizeof(*t->hlens));
	blob_put(b, t->aoff, n * sizeof(*t->aoff));
	blob_put_u64(b, t->alen);
	blob_put(b, t->arena, t->alen);
	blob_put_u64(b, t->nsp);
	blob_put(b, t->sp, t->nsp * sizeof(*t->sp));
	blob_put_u64(b, t->next);
	blob_put(b, t->ext, t->next * sizeof(*t->ext));
	blob_put_u64(b, t->umask);
	blob_put_u64(b, t->hashed != NULL ? t->nhashed : UINT64_MAX);
	if (t->hashed != NULL)
		blob_put(b, t->hashed, t->nhashed * sizeof(*t->hashed));
	blob_put_str(b, out_path(t));
	memset(&st, 0, sizeof(st));
	(void)fstat(t->out.fd, &st);
	blob_put_u64(b, st.st_dev);
	blob_put_u64(b, st.st_ino);
	blob_seal(b);
}

/* The per-member tables, each index checked against what it points at. */
static int
unpack_tables(struct blob *b, struct tarc *t)
{
	size_t n = t->fl->n, i;
	uint64_t k;

	if ((t->data = blob_get_array(b, n, sizeof(*t->data))) == NULL ||
	    (t->hlens = blob_get_array(b, n, sizeof(*t->hlens))) == NULL ||
	    (t->aoff = blob_get_array(b, n, sizeof(*t->aoff))) == NULL)
		return -1;
	t->alen = blob_get_u64(b);
	if ((t->arena = blob_get_array(b, t->alen, 1)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (!tarc_no_arena(t, (uint32_t)i) && (t->aoff[i] > t->alen ||
		    t->hlens[i] > t->alen - t->aoff[i]))
			return -1;
	t->nsp = blob_get_u64(b);
	if ((t->sp = blob_get_array(b, t->nsp, sizeof(*t->sp))) == NULL)
		return -1;
	t->next = blob_get_u64(b);
	if ((t->ext = blob_get_array(b, t->next, sizeof(*t->ext))) == NULL)
		return -1;
	for (i = 0; i < t->nsp; i++)
		if (t->sp[i].node >= n || t->sp[i].first > t->next ||
		    t->sp[i].n > t->next - t->sp[i].first ||
		    (i > 0 && t->sp[i].node <= t->sp[i - 1].node))
			return -1;
	t->umask = (mode_t)blob_get_u64(b);
	if ((k = blob_get_u64(b)) != UINT64_MAX) {
		if ((t->hashed = blob_get_array(b, k, sizeof(*t->hashed))) ==
		    NULL)
			return -1;
		t->nhashed = k;
		for (i = 0; i < k; i++)
			if (t->hashed[i] >= n)
				return -1;
	}
	return b->bad ? -1 : 0;
}

/* The archive rank 0 is writing, by its temp name, or -1. */
static int
open_archive(struct tarc_remote *r, struct blob *b,
    const struct job_devmap *m)
{
	dev_t dev;
	ino_t ino;
	struct stat st;
	int fd;

	r->path = blob_get_str(b);
	dev = job_dev(m, (dev_t)blob_get_u64(b));
	ino = (ino_t)blob_get_u64(b);
	if (r->path == NULL || b->bad)
		return -1;
	if ((fd = open(r->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || st.st_dev != dev || st.st_ino != ino ||
	    !S_ISREG(st.st_mode)) {
		if (fd != -1)
			(void)close(fd);
		warnx("%s: not the archive rank 0 writes", r->path);
		return -1;
	}
	return fd;
}

/* Does a task encode a header again?  Then it needs the disk reader. */
static bool
needs_reader(const struct tarc *t)
{
	size_t i;

	for (i = 0; t->hashed == NULL && i < t->plan.nranges; i++)
		if (t->plan.ranges[i].whole &&
		    tarc_no_arena(t, t->plan.ranges[i].file))
			return true;
	return false;
}

static int
unpack_rest(struct tarc_remote *r, struct blob *b, struct job_devmap *m)
{
	struct tarc *t = &r->t;
	size_t k;

	if (job_get_work(b, &t->work) == -1 ||
	    job_get_lists(b, &r->fl, &t->plan) == -1 ||
	    unpack_tables(b, t) == -1 ||
	    (t->out.fd = open_archive(r, b, m)) == -1)
		return -1;
	for (k = 0; k < r->fl.n && m->n > 0; k++)
		r->fl.v[k].dev = job_dev(m, r->fl.v[k].dev);
	if (needs_reader(t) && tarc_reader(t) == -1)
		return -1;
	t->work.task = t->hashed != NULL ? tarc_hash_task : tarc_task;
	return 0;
}

static int
unpack(struct blob *b, struct exec_job *job)
{
	struct tarc_remote *r = xcalloc(1, sizeof(*r));
	struct tarc *t = &r->t;
	struct job_devmap m = { NULL, 0 };
	int rv = -1;

	t->out.fd = -1;
	t->fl = &r->fl;
	t->st = &r->st;
	t->abort = &r->abort;
	t->work.arg = t;
	job->arg = &t->work;
	job->ops = &work_tasks;
	if (job_get_head(b, TARC_JOB_MAGIC, &r->o) == -1)
		return -1;
	t->o = &r->o.o;
	if (job_get_anchors(b, t->o->durable_ranges, &m) == 0)
		rv = unpack_rest(r, b, &m);
	job_devmap_free(&m);
	return rv;
}

static void
release(struct exec_job *job)
{
	struct work *w = job->arg;
	struct tarc_remote *r;
	struct tarc *t;

	if (w == NULL)
		return;
	t = w->arg;
	r = (struct tarc_remote *)t;
	if (t->out.fd != -1)
		(void)close(t->out.fd);
	if (t->e != NULL)
		archive_entry_free(t->e);
	if (t->disk != NULL)
		(void)archive_read_free(t->disk);
	plan_free(&t->plan);
	flist_free(&r->fl);
	free(t->data);
	free(t->hlens);
	free(t->aoff);
	free(t->arena);
	free(t->sp);
	free(t->ext);
	free(t->hashed);
	free(t->hdr);
	job_opts_free(&r->o);
	free(r->path);
	free(r);
	job->arg = NULL;
}

const struct job_driver tar_create_driver = { "tar-create", pack, unpack,
	release };
