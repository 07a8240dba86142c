/*
 * Parallel tar extract.
 *
 *  index   A seekable, uncompressed tar is read once by libarchive for its
 *          headers (data is skipped by seeking): each member's entry and
 *          the offset of its data.  Anything else (a compressed or piped
 *          archive, zip, GNU sparse members) is streamed (tar_stream.c).
 *  check   Every member name is cleaned and checked before anything is
 *          written for it: no "..", no absolute path (the slash is
 *          stripped, as tar does, with a warning), never through a symlink
 *          (extracted earlier or already there), devices only for root
 *          with -a; set-id bits only when owners are kept.
 *  dirs    Directories, symlinks and FIFOs are made by the parent in
 *          archive order (so a later member's path is checked against
 *          them), owner-writable.
 *  data    A small file is one task: a worker makes its temp file, copies
 *          the data from the archive (all workers share its descriptor),
 *          sets metadata and renames it into place.  A large one is split:
 *          the parent makes its temp file, workers copy ranges, the parent
 *          finishes it when the last one reports.
 *  links   Hard links, once their target is in place; then directory
 *          metadata, deepest first.
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

#include <archive.h>
#include <archive_entry.h>

#include "compat.h"
#include "dest.h"
#include "extent.h"
#include "meta.h"
#include "plan.h"
#include "pool.h"
#include "progress.h"
#include "sig.h"
#include "tar.h"
#include "tarmeta.h"
#include "tarx.h"
#include "util.h"
#include "verify.h"

/* Paths of member i: its final name and its temp name. */
static int
member_paths(const struct tarx *x, size_t i, char *dst, char *tmp)
{
	if (snprintf(dst, PATH_MAX, "%s/%s", x->dest, x->m[i].name) >=
	    PATH_MAX || dest_tmpname(dst, x->pid, (uint32_t)i, tmp,
	    PATH_MAX) == -1) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

void
tarx_fail(struct tarx *x, size_t i, const char *what, const char *why)
{
	struct member *m = &x->m[i];

	if (m->state == NS_FAILED)
		return;
	m->state = NS_FAILED;
	x->st->failed++;
	x->pr.errors++;
	if (x->status == 0)
		x->status = 1;
	progress_clear(&x->pr);
	warnx("%s: %s%s%s", m->name ? m->name :
	    archive_entry_pathname(m->e), what, why ? ": " : "",
	    why ? why : "");
}

static void
fail_fault(struct tarx *x, size_t i, const struct fault *f)
{
	char why[256];

	if (f->op == FAULT_INTR) {
		x->m[i].state = NS_FAILED;
		return;
	}
	tarx_fail(x, i, fault_format(f, why, sizeof(why)), NULL);
	if (f->op == FAULT_VERIFY)
		x->status = 3;
}

static void
done(struct tarx *x, size_t i)
{
	struct member *m = &x->m[i];

	m->state = NS_DONE;
	x->pr.files++;
	if (S_ISDIR(archive_entry_mode(m->e)))
		x->st->dirs++;
	else
		x->st->files++;
	if (S_ISREG(archive_entry_mode(m->e)) &&
	    archive_entry_hardlink(m->e) == NULL)
		x->st->bytes += (uint64_t)archive_entry_size(m->e);
	if (x->o->verbose > 0)
		fprintf(x->o->json ? stderr : stdout, "%s\n", m->name);
}

/* Metadata for member i on path (through fd unless -1). */
static int
meta(const struct tarx *x, size_t i, int fd, const char *path,
    struct fault *f)
{
	struct opts o = *x->o;
	struct node n;

	tarmeta_node(x->m[i].e, &n);
	o.preserve |= PRESERVE_TIMES;	/* tar always restores mtime */
	return meta_apply_with(fd, path, &n, &o, x->umask, tarmeta_xattrs,
	    x->m[i].e, f);
}

/* Worker side: a small member from start to finish. */
static int
whole(const struct tarx *x, size_t i, const struct engine_buf *eb,
    struct fault *f)
{
	const struct member *m = &x->m[i];
	char dst[PATH_MAX], tmp[PATH_MAX];
	off_t size = archive_entry_size(m->e);
	struct engine_buf own = *eb;
	int dfd, rv = -1;

	own.shared = false;		/* this worker alone writes the file */
	eb = &own;
	if (member_paths(x, i, dst, tmp) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if ((dfd = dest_create(tmp, eb->holes ? size : -1, f)) == -1)
		return -1;
	if ((rv = verify_copy(x->afd, m->data, dfd, 0, size, eb, f)) != -1 &&
	    (meta(x, i, dfd, tmp, f) == -1 || (x->o->fsync &&
	    fsync(dfd) == -1 && (fault_set(f, FAULT_SYNC), 1))))
		rv = -1;
	if ((rv = engine_close(-1, dfd, rv, f)) != -1 &&
	    dest_commit(tmp, dst, false, f) == -1)
		rv = -1;
	if (rv == -1)
		(void)unlink(tmp);
	return rv;
}

static int
task(void *arg, uint64_t t, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	const struct tarx *x = arg;
	const struct range *r = &x->plan.ranges[t];
	const struct member *m = &x->m[r->file];
	char dst[PATH_MAX], tmp[PATH_MAX];
	int dfd, rv;

	(void)out;
	if (r->whole)
		return whole(x, r->file, eb, f);
	if (member_paths(x, r->file, dst, tmp) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if ((dfd = open(tmp, O_RDWR | O_CLOEXEC)) == -1) {
		fault_set(f, FAULT_OPEN_DST);
		return -1;
	}
	rv = verify_copy(x->afd, m->data + r->off, dfd, r->off, r->len, eb, f);
	return engine_close(-1, dfd, rv, f);
}

/* A split member's last range reported: metadata, rename. */
static void
finish_split(struct tarx *x, size_t i)
{
	struct member *m = &x->m[i];
	char dst[PATH_MAX], tmp[PATH_MAX];
	struct fault f = m->fault;
	int fd = -1;

	if (member_paths(x, i, dst, tmp) == -1)
		fault_set(&f, FAULT_PATH);
	else if (f.op == FAULT_NONE && (fd = open(tmp, O_RDONLY |
	    O_CLOEXEC)) == -1)
		fault_set(&f, FAULT_OPEN_DST);
	if (f.op == FAULT_NONE && meta(x, i, fd, tmp, &f) == 0 &&
	    (!x->o->fsync || fsync(fd) == 0 || (fault_set(&f, FAULT_SYNC),
	    0)) && dest_commit(tmp, dst, false, &f) == 0) {
		(void)close(fd);
		done(x, i);
		return;
	}
	if (fd != -1)
		(void)close(fd);
	(void)unlink(tmp);
	fail_fault(x, i, &f);
}

static void
result(void *arg, const struct result *res)
{
	struct tarx *x = arg;
	const struct range *r = &x->plan.ranges[res->task];
	struct member *m = &x->m[r->file];

	if (r->whole) {
		if (res->fault.op == FAULT_NONE)
			done(x, r->file);
		else
			fail_fault(x, r->file, &res->fault);
		return;
	}
	if (res->fault.op != FAULT_NONE && m->fault.op == FAULT_NONE)
		m->fault = res->fault;
	if (--m->pending == 0)
		finish_split(x, r->file);
}

static void
tick(void *arg, uint64_t bytes)
{
	progress_update(&((struct tarx *)arg)->pr, bytes);
}

/*
 * A split member's ranges: the data extents of its bytes in the archive
 * (an archive made by parcp keeps a sparse file's holes; they stay holes).
 */
static int
plan_data(struct tarx *x, size_t i, off_t size, off_t chunk)
{
	off_t start = x->m[i].data, pos, off, len;
	int more;

	if (x->o->sparse == SPARSE_NEVER)
		return plan_add(&x->plan, (uint32_t)i, 0, size, chunk);
	for (pos = start; (more = extent_next(x->afd, pos, start + size, &off,
	    &len)) > 0; pos = off + len)
		if (plan_add(&x->plan, (uint32_t)i, off - start, len, chunk) ==
		    -1)
			err(1, "plan");
	return more;
}

/* A regular member: one whole task, or a temp file and ranges. */
static void
plan_file(struct tarx *x, size_t i, off_t chunk)
{
	struct member *m = &x->m[i];
	off_t size = archive_entry_size(m->e);
	char dst[PATH_MAX], tmp[PATH_MAX];
	struct fault f;
	size_t before;
	int fd;

	if (size <= chunk) {
		if (plan_add_whole(&x->plan, (uint32_t)i, size) == -1)
			err(1, "plan");
		return;
	}
	if (member_paths(x, i, dst, tmp) == -1) {
		tarx_fail(x, i, "path", strerror(ENAMETOOLONG));
		return;
	}
	if ((fd = dest_create(tmp, size, &f)) == -1) {
		fail_fault(x, i, &f);
		return;
	}
	(void)close(fd);
	m->split = true;
	before = x->plan.nranges;
	if (plan_data(x, i, size, chunk) == -1) {
		x->plan.nranges = before;
		(void)unlink(tmp);
		tarx_fail(x, i, "seek", strerror(errno));
		return;
	}
	m->pending = (uint32_t)(x->plan.nranges - before);
	if (m->pending == 0)
		finish_split(x, i);	/* all hole */
}

/* A symlink, FIFO or device node, made now (later names are checked
 * against it), through a temp name. */
static void
make_special(struct tarx *x, size_t i)
{
	struct archive_entry *e = x->m[i].e;
	char dst[PATH_MAX], tmp[PATH_MAX];
	mode_t m = archive_entry_mode(e);
	struct fault f = { FAULT_NONE, 0 };
	const char *target = archive_entry_symlink(e);

	if (member_paths(x, i, dst, tmp) == -1) {
		tarx_fail(x, i, "path", strerror(ENAMETOOLONG));
		return;
	}
	(void)unlink(tmp);
	if (S_ISLNK(m) ? symlink(target ? target : "", tmp) == -1 :
	    mknod(tmp, (m & S_IFMT) | 0600, archive_entry_rdev(e)) == -1)
		fault_set(&f, S_ISLNK(m) ? FAULT_SYMLINK : FAULT_MKNOD);
	else if (meta(x, i, -1, tmp, &f) == 0 &&
	    dest_commit(tmp, dst, false, &f) == 0) {
		done(x, i);
		return;
	}
	(void)unlink(tmp);
	fail_fault(x, i, &f);
}

static void
make_dir(struct tarx *x, size_t i)
{
	char dst[PATH_MAX], tmp[PATH_MAX];
	struct stat st;

	if (member_paths(x, i, dst, tmp) == -1) {
		tarx_fail(x, i, "path", strerror(ENAMETOOLONG));
		return;
	}
	if (mkdir(dst, 0700) == 0 || (errno == EEXIST && lstat(dst, &st) ==
	    0 && S_ISDIR(st.st_mode)))
		return;		/* its metadata comes last */
	tarx_fail(x, i, "mkdir", strerror(errno == EEXIST ? ENOTDIR : errno));
}

/* Check every member and make what the parent makes; plan the data. */
static int
prepare(struct tarx *x)
{
	struct archive_entry *e;
	off_t total = 0, chunk;
	size_t i;
	mode_t m;

	for (i = 0; i < x->n; i++)
		total += archive_entry_size(x->m[i].e);
	chunk = plan_chunk(total, x->o->jobs, x->o->chunk);
	x->st->chunk = chunk;
	for (i = 0; i < x->n; i++) {
		if (sig_caught() != 0)
			return sig_caught();
		e = x->m[i].e;
		m = archive_entry_mode(e);
		if ((x->m[i].name = tarx_check(x, e)) == NULL) {
			x->m[i].state = NS_FAILED;
			continue;
		}
		x->pr.nfiles++;
		if (archive_entry_hardlink(e) != NULL)
			continue;		/* after its target */
		if (S_ISDIR(m))
			make_dir(x, i);
		else if (S_ISREG(m))
			plan_file(x, i, chunk);
		else
			make_special(x, i);
	}
	return 0;
}

/* Hard links, in archive order: their targets are in place now. */
static void
make_links(struct tarx *x)
{
	char dst[PATH_MAX], tmp[PATH_MAX], target[PATH_MAX];
	struct fault f;
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->m[i].state != NS_PENDING ||
		    archive_entry_hardlink(x->m[i].e) == NULL)
			continue;
		if (member_paths(x, i, dst, tmp) == -1 || snprintf(target,
		    sizeof(target), "%s/%s", x->dest,
		    archive_entry_hardlink(x->m[i].e)) >= (int)sizeof(target)) {
			tarx_fail(x, i, "path", strerror(ENAMETOOLONG));
			continue;
		}
		(void)unlink(tmp);
		if (link(target, tmp) == -1)
			fault_set(&f, FAULT_LINK);
		else if (dest_commit(tmp, dst, false, &f) == 0) {
			done(x, i);
			continue;
		}
		(void)unlink(tmp);
		fail_fault(x, i, &f);
	}
}

/* Directory metadata, deepest (latest) first. */
static void
finish_dirs(struct tarx *x)
{
	char dst[PATH_MAX], tmp[PATH_MAX];
	struct fault f;
	size_t i;

	for (i = x->n; i-- > 0;) {
		if (x->m[i].state != NS_PENDING ||
		    !S_ISDIR(archive_entry_mode(x->m[i].e)))
			continue;
		if (member_paths(x, i, dst, tmp) == -1)
			tarx_fail(x, i, "path", strerror(ENAMETOOLONG));
		else if (meta(x, i, -1, dst, &f) == -1 || (x->o->fsync &&
		    dest_sync_dir(dst, &f) == -1))
			fail_fault(x, i, &f);
		else
			done(x, i);
	}
}

/* Stopped before the workers ran: the split members' temp files go. */
static void
abandon(struct tarx *x)
{
	char dst[PATH_MAX], tmp[PATH_MAX];
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->m[i].split && member_paths(x, i, dst, tmp) == 0)
			(void)unlink(tmp);
}

static int
run(struct tarx *x)
{
	struct pool_job job;
	struct fault f;
	int sig;

	if ((sig = prepare(x)) != 0) {
		abandon(x);
		return sig;
	}
	plan_sort(&x->plan);
	progress_start(&x->pr, x->o->progress, plan_bytes(&x->plan),
	    x->pr.nfiles);
	copy_job(&job, x->o, x, x->st->lane_bytes);
	job.how.direct = false;		/* member data is not aligned */
	job.how.durable = false;	/* --fsync: whole files, at the end */
	job.ntasks = x->plan.nranges;
	job.task = task;
	job.result = result;
	job.tick = tick;
	x->st->ranges = x->plan.nranges;
	if ((sig = pool_run(&job)) != 0)
		return sig;
	make_links(x);
	finish_dirs(x);
	if (x->o->fsync && dest_sync_dir(x->dest, &f) == -1) {
		warnc(f.err, "%s: fsync", x->dest);
		x->status = 1;
	}
	return 0;
}

/* DEST is made if it is missing (one level, as mkdir). */
static int
make_dest(const char *dest)
{
	struct stat st;

	if (mkdir(dest, 0777) == 0 || (errno == EEXIST && stat(dest, &st) ==
	    0 && S_ISDIR(st.st_mode)))
		return 0;
	warnc(errno == EEXIST ? ENOTDIR : errno, "%s", dest);
	return -1;
}

static void
free_members(struct tarx *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		archive_entry_free(x->m[i].e);
		free(x->m[i].name);
	}
	free(x->m);
	x->m = NULL;
	x->n = x->cap = 0;
}

int
tar_extract(const struct opts *o, struct copy_stats *st)
{
	struct tarx x;
	unsigned i;
	int rv, sig;

	memset(&x, 0, sizeof(x));
	memset(st, 0, sizeof(*st));
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	x.o = o;
	x.st = st;
	x.dest = o->paths[0];
	x.afd = -1;
	x.pid = getpid();
	x.umask = umask(0);
	(void)umask(x.umask);
	if ((rv = tarx_index(&x)) == -1 || make_dest(x.dest) == -1) {
		if (x.afd != -1)
			(void)close(x.afd);
		return 1;
	}
	if (rv == 1) {
		free_members(&x);
		sig = tarx_stream(&x);
	} else
		sig = run(&x);
	if (sig != 0)
		progress_clear(&x.pr);
	else
		progress_end(&x.pr, x.pr.errors == 0);
	for (i = 0; i < o->jobs; i++)
		st->written += st->lane_bytes[i];
	free_members(&x);
	plan_free(&x.plan);
	(void)close(x.afd);
	return sig != 0 ? 128 + sig : x.status;
}
