/*
 * tar_extract_job.c: an indexed extraction's job as data.
 *
 * A worker of an extraction writes regular members' data and metadata
 * beneath DEST.  What it needs from rank 0 is flat: per member the name
 * the check cleaned (the only name a worker ever writes under), where
 * its data starts and, for a split member, the identity of the temp file
 * the parent made; the plan's ranges and the split members whose finish
 * is a later task; the run's temp-name token, pid and umask; the
 * options; and the identities of the archive and of DEST.
 *
 * The member's metadata (mode, owner, times, extended attributes, ACLs)
 * is not copied into a second format: the archive is on storage every
 * rank reads (its data comes from there), so a rank has libarchive read
 * the archive's headers itself, as rank 0 did, and takes each member's
 * entry from them.  libarchive reads archive bytes only; the rank writes
 * only under the names rank 0 checked.  The archive must be the one rank
 * 0 indexed (device, inode, size, mtime) and every member must start
 * where rank 0 saw it and be a regular file as large as its ranges, or
 * the rank takes no part in the job: a changed archive fails there, it
 * never makes a rank write what rank 0 did not check.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "job.h"
#include "tarx.h"
#include "util.h"

#define TARX_JOB_MAGIC	0x706172637831ULL	/* "parcx1" */

/* The worker view unpack makes, and what it owns. */
struct tarx_remote {
	struct tarx	 x;		/* first: release finds r through it */
	struct job_opts	 o;
	struct copy_stats st;
	char		*dest;
};

/* A member as it travels. */
struct tarx_rec {
	int64_t		 data;
	uint64_t	 dev;
	uint64_t	 ino;
	uint64_t	 split;
};

/* The identity a reopened file must have. */
struct ident {
	uint64_t	 dev, ino, size, mtime, mtime_ns;
};

static void
put_ident(struct blob *b, const struct stat *st)
{
	struct ident id;

	memset(&id, 0, sizeof(id));
	id.dev = st->st_dev;
	id.ino = st->st_ino;
	id.size = (uint64_t)st->st_size;
	id.mtime = (uint64_t)st->st_mtim.tv_sec;
	id.mtime_ns = (uint64_t)st->st_mtim.tv_nsec;
	blob_put(b, &id, sizeof(id));
}

/* Is fd (a directory: size and mtime not compared) the file id names? */
static bool
same(int fd, const struct ident *id, const struct job_devmap *m, bool dir)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == job_dev(m, id->dev) &&
	    st.st_ino == id->ino && (dir || ((uint64_t)st.st_size ==
	    id->size && (uint64_t)st.st_mtim.tv_sec == id->mtime &&
	    (uint64_t)st.st_mtim.tv_nsec == id->mtime_ns));
}

static void
pack(void *ctx, struct blob *b)
{
	const struct tarx *x = ctx;
	struct job_anchors a = { NULL, 0 };
	struct tarx_rec rec;
	struct stat st;
	bool *task = xcalloc(x->n ? x->n : 1, sizeof(*task));
	size_t i;

	memset(&st, 0, sizeof(st));
	(void)fstat(x->w.root, &st);
	for (i = 0; i < x->plan.nranges; i++)
		task[x->plan.ranges[i].file] = true;
	job_put_head(b, TARX_JOB_MAGIC, x->o);
	job_anchor(&a, x->ast.st_dev, x->ast.st_ino, true, x->o->tar_path);
	job_anchor(&a, st.st_dev, st.st_ino, true, x->dest);
	job_put_anchors(b, &a);
	blob_put_str(b, x->dest);
	job_put_work(b, &x->work);
	put_ident(b, &st);		/* DEST, held */
	put_ident(b, &x->ast);		/* the archive, as indexed */
	blob_put_u64(b, x->w.umask);
	blob_put_u64(b, (uint64_t)x->w.pid);
	blob_put(b, x->w.token, sizeof(x->w.token));
	blob_put_u64(b, x->w.sweep);
	blob_put_u64(b, x->n);
	for (i = 0; i < x->n; i++) {
		memset(&rec, 0, sizeof(rec));
		rec.data = x->m[i].data;
		rec.dev = x->m[i].dev;
		rec.ino = x->m[i].ino;
		rec.split = x->m[i].split;
		blob_put(b, &rec, sizeof(rec));
		blob_put_str(b, task[i] ? x->m[i].name : NULL);
	}
	job_put_ranges(b, &x->plan);
	blob_put_u64(b, x->nsplit);
	blob_put(b, x->split, x->nsplit * sizeof(*x->split));
	blob_seal(b);
	free(task);
}

/* The members as rank 0 recorded them, over the ones this rank read:
 * each one a task names must be where rank 0 saw it, a regular file
 * holding its ranges. */
static int
take_members(struct tarx *x, const struct tarx_rec *rec, char **name,
    size_t n, const struct job_devmap *m)
{
	const struct range *r;
	struct archive_entry *e;
	size_t i;

	if (x->n != n)
		return -1;
	for (i = 0; i < n; i++) {
		if (x->m[i].data != rec[i].data)
			return -1;
		x->m[i].name = name[i];
		name[i] = NULL;
		x->m[i].dev = job_dev(m, (dev_t)rec[i].dev);
		x->m[i].ino = (ino_t)rec[i].ino;
		x->m[i].split = rec[i].split != 0;
	}
	for (i = 0; i < x->plan.nranges; i++) {
		r = &x->plan.ranges[i];
		e = x->m[r->file].e;
		if (x->m[r->file].name == NULL || e == NULL ||
		    !S_ISREG(archive_entry_mode(e)) ||
		    archive_entry_hardlink(e) != NULL ||
		    r->off > archive_entry_size(e) ||
		    r->len > archive_entry_size(e) - r->off ||
		    (r->whole && (r->off != 0 ||
		    r->len != archive_entry_size(e))) ||
		    (!r->whole && !x->m[r->file].split))
			return -1;
	}
	return 0;
}

/* This rank's own index of the archive, checked against rank 0's. */
static int
index_here(struct tarx *x, const struct ident *aid,
    const struct job_devmap *m, const struct tarx_rec *rec, char **name,
    size_t n)
{
	struct stat st;

	if ((x->afd = open(x->o->tar_path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    !same(x->afd, aid, m, false) || fstat(x->afd, &st) == -1 ||
	    !S_ISREG(st.st_mode)) {
		warnx("%s: not the archive rank 0 read", x->o->tar_path);
		return -1;
	}
	x->asize = st.st_size;
	if (tarx_index_fd(x, &st) != 0 ||
	    take_members(x, rec, name, n, m) == -1) {
		warnx("%s: changed since rank 0 read it", x->o->tar_path);
		return -1;
	}
	return 0;
}

/* The records and names, as put by pack. */
static int
get_members(struct blob *b, struct tarx_rec **rec, char ***name,
    size_t *n)
{
	uint64_t k = blob_get_u64(b), i;

	if (b->bad || k > b->len / sizeof(**rec))
		return -1;
	*n = k;
	*rec = xcalloc(k ? k : 1, sizeof(**rec));
	*name = xcalloc(k ? k : 1, sizeof(**name));
	for (i = 0; i < k && !b->bad; i++) {
		blob_get(b, &(*rec)[i], sizeof(**rec));
		(*name)[i] = blob_get_str(b);
	}
	return b->bad ? -1 : 0;
}

/* The split members whose finish is a later task: each one split. */
static int
get_split(struct blob *b, struct tarx *x, const struct tarx_rec *rec,
    size_t n)
{
	uint64_t k = blob_get_u64(b), i;

	if (b->bad || k > n ||
	    (x->split = blob_get_array(b, k, sizeof(*x->split))) == NULL)
		return -1;
	x->nsplit = (uint32_t)k;
	for (i = 0; i < k; i++)
		if (x->split[i] >= n || !rec[x->split[i]].split ||
		    (i > 0 && x->split[i] <= x->split[i - 1]))
			return -1;
	return b->bad ? -1 : 0;
}

/* DEST, as rank 0 holds it; then the member writer beneath it, with the
 * run's umask, pid and token (w). */
static int
open_dest(struct tarx_remote *r, const struct ident *did,
    const struct job_devmap *m, const struct tarw *w)
{
	struct tarx *x = &r->x;
	int root;

	if ((root = open(r->dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || !same(root, did, m, true)) {
		if (root != -1)
			(void)close(root);
		warnx("%s: not the directory rank 0 extracts into", r->dest);
		return -1;
	}
	tarw_init(&x->w, x->o, root);
	x->w.umask = w->umask;
	x->w.pid = w->pid;
	memcpy(x->w.token, w->token, sizeof(x->w.token));
	x->w.token[sizeof(x->w.token) - 1] = '\0';
	x->w.sweep = w->sweep;
	return 0;
}

/* Everything after the work settings: read first, then opened. */
static int
unpack_rest(struct tarx_remote *r, struct blob *b, struct job_devmap *m)
{
	struct tarx *x = &r->x;
	struct ident did, aid;
	struct tarx_rec *rec = NULL;
	struct tarw w;
	char **name = NULL;
	size_t n = 0, i;
	int rv = -1;

	blob_get(b, &did, sizeof(did));
	blob_get(b, &aid, sizeof(aid));
	w.umask = (mode_t)blob_get_u64(b);
	w.pid = (pid_t)blob_get_u64(b);
	blob_get(b, w.token, sizeof(w.token));
	w.sweep = blob_get_u64(b) != 0;
	if (r->dest != NULL && x->o->tar_path != NULL && !b->bad &&
	    get_members(b, &rec, &name, &n) == 0 &&
	    job_get_ranges(b, &x->plan, n) == 0 &&
	    get_split(b, x, rec, n) == 0 && open_dest(r, &did, m, &w) == 0)
		rv = index_here(x, &aid, m, rec, name, n);
	for (i = 0; i < n; i++)
		free(name[i]);
	free(name);
	free(rec);
	return rv;
}

static int
unpack(struct blob *b, struct exec_job *job)
{
	struct tarx_remote *r = xcalloc(1, sizeof(*r));
	struct tarx *x = &r->x;
	struct job_devmap m = { NULL, 0 };
	int rv = -1;

	x->afd = -1;
	x->w.root = -1;
	x->quiet = true;
	x->st = &r->st;
	x->work.arg = x;
	job->arg = &x->work;
	job->ops = &work_tasks;
	if (job_get_head(b, TARX_JOB_MAGIC, &r->o) == -1)
		return -1;
	x->o = &r->o.o;
	if (job_get_anchors(b, x->o->durable_ranges, &m) == 0) {
		x->dest = r->dest = blob_get_str(b);
		x->work.task = tarx_task;
		if (job_get_work(b, &x->work) == 0)
			rv = unpack_rest(r, b, &m);
	}
	job_devmap_free(&m);
	return rv;
}

static void
release(struct exec_job *job)
{
	struct work *w = job->arg;
	struct tarx_remote *r;
	struct tarx *x;
	size_t i;

	if (w == NULL)
		return;
	x = w->arg;
	r = (struct tarx_remote *)x;
	for (i = 0; i < x->n; i++) {
		if (x->m[i].e != NULL)
			archive_entry_free(x->m[i].e);
		free(x->m[i].name);
	}
	free(x->m);
	free(x->split);
	plan_free(&x->plan);
	if (x->w.root != -1) {
		(void)close(x->w.root);
		tarw_free(&x->w);
	}
	if (x->afd != -1)
		(void)close(x->afd);
	job_opts_free(&r->o);
	free(r->dest);
	free(r);
	job->arg = NULL;
}

const struct job_driver tar_extract_driver = { "tar-extract", pack, unpack,
	release };
