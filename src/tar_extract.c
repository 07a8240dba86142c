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
 *          with -a; set-id bits only when owners are kept.  Of several
 *          members with one name only the last is extracted (as tar).
 *  dirs    Directories, symlinks and FIFOs are made by the parent in
 *          archive order (so a later member's path is checked against
 *          them), owner-writable.
 *  data    A small file is one task: a worker makes its temp file, copies
 *          the data from the archive (all workers share its descriptor),
 *          sets metadata and renames it into place.  A large one is split:
 *          the parent makes its temp file (and holds it, with its lock),
 *          workers reopen it beneath DEST, check it is that file and copy
 *          ranges; when the last one reports, its finish (the --manifest
 *          hash, metadata, rename) is a later task that any worker runs,
 *          and the parent only lets go of the lock and accounts.
 *  Everything on disk is made by the member writer (tar_write.c), beneath
 *  DEST's descriptor; no path is resolved from the root again.
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
#include "quote.h"
#include "extent.h"
#include "meta.h"
#include "plan.h"
#include "progress.h"
#include "sig.h"
#include "tar.h"
#include "tarw.h"
#include "tarx.h"
#include "util.h"
#include "verify.h"
#include "xfer.h"

static struct tarw_item
item(const struct tarx *x, size_t i)
{
	struct tarw_item it = { x->m[i].e, x->m[i].name, (uint32_t)i };

	return it;
}

static void
done(struct tarx *x, size_t i)
{
	struct member *m = &x->m[i];
	mode_t mode = archive_entry_mode(m->e);

	if (m->superseded) {		/* made, and replaced later */
		m->state = NS_SKIPPED;
		return;
	}
	m->state = NS_DONE;
	x->pr.files++;
	if (S_ISDIR(mode))
		x->st->dirs++;
	else
		x->st->files++;
	if (S_ISREG(mode) && archive_entry_hardlink(m->e) == NULL)
		x->st->bytes += (uint64_t)archive_entry_size(m->e);
	if (x->o->verbose > 0)
		fprintf(x->o->json ? stderr : stdout, "%s\n", m->name);
}

/* A member the writer returned rv for (TARW_* or -1 with f, xerr). */
static void
outcome(struct tarx *x, size_t i, int rv, int xerr, const struct fault *f)
{
	if (rv == -1) {
		tarx_fail(x, i, f);
		return;
	}
	if (rv == TARW_KEPT) {
		x->m[i].state = NS_SKIPPED;
		x->st->skipped++;
		return;
	}
	if (rv == TARW_XATTR)
		tarx_warn_xattr(x, x->m[i].e, xerr);
	done(x, i);
}

/*
 * A whole member's result.rv: the writer's TARW_* value, WHOLE_HASH when
 * out holds its XXH128 (--manifest), and an attribute's errno above.
 */
#define WHOLE_HASH	0x80
#define WHOLE_XERR(rv)	((rv) >> 8)

/* Worker side: a small member from start to finish. */
static int
whole(struct tarx *x, size_t i, const struct engine_buf *eb,
    struct fault *f, unsigned char *out)
{
	const struct member *m = &x->m[i];
	struct tarw_item it = item(x, i);
	off_t size = archive_entry_size(m->e);
	struct engine_buf own = *eb;
	char tmp[NAME_MAX + 1];
	int dfd, dir, rv, xerr, hashed = 0;

	own.shared = false;		/* this worker alone writes the file */
	if ((dfd = tarw_file_begin(&x->w, &it, own.holes ? size : -1, &dir,
	    tmp, f)) == -1)
		return -1;
	rv = xfer_run(&(struct xfer){ .sfd = x->afd, .soff = m->data,
	    .dfd = dfd, .doff = 0, .len = size, .eb = &own, .f = f });
	if (rv != -1 && x->o->manifest != NULL) {
		rv = verify_hash_file(dfd, size, &own, out, f);
		hashed = WHOLE_HASH;
	}
	rv = tarw_file_end(&x->w, &it, dfd, dir, tmp, rv == -1 ? -1 : 0,
	    &xerr, f);
	return rv == -1 ? -1 : rv | hashed | xerr << 8;
}

/*
 * Worker side: the member placed already, by a worker that died after
 * renaming it (this is the retry): its final name is the temp's inode.
 * Its descriptor (to hash it again), or -1.
 */
static int
placed(struct tarx *x, size_t i)
{
	const struct member *m = &x->m[i];
	const char *leaf;
	struct stat st;
	int dir, fd;

	if ((dir = tarw_parent(&x->w, m->name, false, &leaf)) == -1 ||
	    (fd = openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_dev != m->dev ||
	    st.st_ino != m->ino) {
		(void)close(fd);
		return -1;
	}
	return fd;
}

/*
 * Worker side: a split member whose ranges have all reported, finished:
 * its temp reopened beneath DEST and checked to be the parent's, hashed
 * (--manifest), its metadata set, renamed into place.
 */
static int
finish_task(struct tarx *x, size_t i, const struct engine_buf *eb,
    struct fault *f, unsigned char *out)
{
	const struct member *m = &x->m[i];
	struct tarw_item it = item(x, i);
	off_t size = archive_entry_size(m->e);
	char tmp[NAME_MAX + 1];
	const char *leaf;
	int fd, dir, rv = 0, xerr, hashed = 0;

	if ((fd = tarw_file_reopen(&x->w, &it, m->dev, m->ino, f)) == -1) {
		if ((fd = placed(x, i)) == -1)
			return -1;
		if (x->o->manifest != NULL && verify_hash_file(fd, size, eb,
		    out, f) == -1)
			rv = -1;
		(void)close(fd);
		return rv == -1 ? -1 : (x->o->manifest ? WHOLE_HASH : 0);
	}
	if ((dir = tarw_parent(&x->w, m->name, false, &leaf)) == -1 ||
	    dest_runname(leaf, x->w.token, x->w.pid, (uint32_t)i, tmp,
	    sizeof(tmp)) == -1) {
		(void)close(fd);
		fault_set(f, FAULT_OPEN_DST);
		return -1;
	}
	if (x->o->manifest != NULL) {
		rv = verify_hash_file(fd, size, eb, out, f);
		hashed = WHOLE_HASH;
	}
	rv = tarw_file_end(&x->w, &it, fd, dir, tmp, rv == -1 ? -1 : 0,
	    &xerr, f);
	return rv == -1 ? -1 : rv | hashed | xerr << 8;
}

int
tarx_task(void *arg, uint64_t t, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	struct tarx *x = arg;		/* this worker's own copy */
	const struct range *r;
	const struct member *m;
	struct tarw_item it;
	int dfd, rv;

	if (t >= x->plan.nranges)
		return finish_task(x, x->split[t - x->plan.nranges], eb, f,
		    out);
	r = &x->plan.ranges[t];
	m = &x->m[r->file];
	it = item(x, r->file);
	if (r->whole)
		return whole(x, r->file, eb, f, out);
	if ((dfd = tarw_file_reopen(&x->w, &it, m->dev, m->ino, f)) == -1)
		return -1;
	rv = xfer_run(&(struct xfer){ .sfd = x->afd, .soff = m->data + r->off,
	    .dfd = dfd, .doff = r->off, .len = r->len, .eb = eb, .f = f });
	return engine_close(-1, dfd, rv, f);
}

/* A split member's last range reported: metadata, rename. */
static void
finish_split(struct tarx *x, size_t i)
{
	struct member *m = &x->m[i];
	struct tarw_item it = item(x, i);
	struct fault f = m->fault;
	char tmp[NAME_MAX + 1];
	const char *leaf;
	int dir, rv, xerr = 0;

	rv = f.op == FAULT_NONE ? 0 : -1;
	if ((dir = tarw_parent(&x->w, m->name, false, &leaf)) == -1 ||
	    dest_runname(leaf, x->w.token, x->w.pid, (uint32_t)i, tmp,
	    sizeof(tmp)) == -1) {
		if (rv == 0)
			fault_set(&f, FAULT_OPEN_DST);
		(void)close(m->tfd);	/* its lock goes: swept later */
		m->tfd = -1;
		tarx_fail(x, i, &f);
		return;
	}
	if (rv == 0 && tarx_hash(x, i, m->tfd, archive_entry_size(m->e),
	    &f) == -1)
		rv = -1;
	rv = tarw_file_end(&x->w, &it, m->tfd, dir, tmp, rv, &xerr, &f);
	m->tfd = -1;
	outcome(x, i, rv, xerr, &f);
}

/* Split member i's finish: its later task's id. */
static uint64_t
later_id(const struct tarx *x, size_t i)
{
	return x->plan.nranges + lower_bound_u32(x->split, x->nsplit,
	    (uint32_t)i);
}

/*
 * A split member's finish reported.  Stopped before a worker took it,
 * the parent finishes it (its data is all there, unless a worker died
 * renaming it: then it is in place).  A member settled already (a range
 * failed, so the parent finished it) is not accounted again.
 */
static void
finished(struct tarx *x, const struct result *res, const struct work_out *wo)
{
	size_t i = x->split[res->task - x->plan.nranges];
	struct member *m = &x->m[i];

	if (m->state != NS_PENDING || m->tfd == -1)
		return;
	if (res->fault.op == FAULT_INTR) {
		finish_split(x, i);
		return;
	}
	(void)close(m->tfd);		/* its lock: the worker is done */
	m->tfd = -1;
	if (res->fault.op == FAULT_NONE && (res->rv & WHOLE_HASH) &&
	    (res->rv & 0x7f) != TARW_KEPT)
		manifest_set(&x->man, (uint32_t)i, wo->out);
	outcome(x, i, res->fault.op == FAULT_NONE ? res->rv & 0x7f : -1,
	    WHOLE_XERR(res->rv), &res->fault);
}

static void
result(void *arg, const struct result *res, const struct work_out *wo)
{
	struct tarx *x = arg;
	const struct range *r;
	struct member *m;

	if (res->task >= x->plan.nranges) {
		finished(x, res, wo);
		return;
	}
	r = &x->plan.ranges[res->task];
	m = &x->m[r->file];
	if (r->whole) {
		if (res->fault.op == FAULT_NONE && (res->rv & WHOLE_HASH) &&
		    (res->rv & 0x7f) != TARW_KEPT)
			manifest_set(&x->man, (uint32_t)r->file, wo->out);
		outcome(x, r->file, res->fault.op == FAULT_NONE ?
		    res->rv & 0x7f : -1, WHOLE_XERR(res->rv), &res->fault);
		return;
	}
	if (res->fault.op != FAULT_NONE && m->fault.op == FAULT_NONE)
		m->fault = res->fault;
	if (--m->pending > 0)
		return;
	if (m->fault.op == FAULT_NONE && res->fault.op != FAULT_INTR)
		work_ready(&x->work, later_id(x, r->file));
	else
		finish_split(x, r->file);	/* failed: the temp goes */
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
	struct tarw_item it = item(x, i);
	off_t size = archive_entry_size(m->e);
	char tmp[NAME_MAX + 1];
	struct fault f;
	struct stat st;
	size_t before;
	int dir, xerr;

	if (size <= chunk) {
		if (plan_add_whole(&x->plan, (uint32_t)i, size) == -1)
			err(1, "plan");
		return;
	}
	if ((m->tfd = tarw_file_begin(&x->w, &it, size, &dir, tmp, &f)) ==
	    -1 || (fstat(m->tfd, &st) == -1 && (fault_set(&f, FAULT_CREATE),
	    1))) {
		if (m->tfd != -1)
			(void)tarw_file_end(&x->w, &it, m->tfd, dir, tmp, -1,
			    &xerr, &f);
		m->tfd = -1;
		tarx_fail(x, i, &f);
		return;
	}
	m->dev = st.st_dev;
	m->ino = st.st_ino;
	m->split = true;
	before = x->plan.nranges;
	if (plan_data(x, i, size, chunk) == -1) {
		x->plan.nranges = before;
		fault_set(&m->fault, FAULT_SEEK);
	}
	m->pending = (uint32_t)(x->plan.nranges - before);
	if (m->pending == 0) {
		finish_split(x, i);	/* all hole, or failed */
		return;
	}
	x->split = xreallocarray(x->split, x->nsplit + 1, sizeof(*x->split));
	x->split[x->nsplit++] = (uint32_t)i;
}

static void
make_special(struct tarx *x, size_t i)
{
	struct tarw_item it = item(x, i);
	struct fault f = { FAULT_NONE, 0 };
	int rv, xerr;

	rv = tarw_special(&x->w, &it, &xerr, &f);
	outcome(x, i, rv, xerr, &f);
}

static void
make_dir(struct tarx *x, size_t i)
{
	struct tarw_item it = item(x, i);
	struct fault f = { FAULT_NONE, 0 };

	if (tarw_mkdir(&x->w, &it, &x->m[i].dev, &x->m[i].ino, &f) == -1)
		tarx_fail(x, i, &f);	/* its metadata comes last */
}

/* Sizes are checked once: a total that does not fit is refused. */
static off_t
total_size(struct tarx *x)
{
	off_t total = 0, size;
	size_t i;

	for (i = 0; i < x->n; i++) {
		size = archive_entry_size(x->m[i].e);
		if (size > 0 && __builtin_add_overflow(total, size, &total))
			total = INT64_MAX;
	}
	return total;
}

/* The pure part of the check, for tarx_supersede: names only. */
static void
clean_names(struct tarx *x)
{
	char clean[PATH_MAX];
	const char *why;
	bool stripped;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (tar_clean_name(tarx_name(x->m[i].e), clean, sizeof(clean),
		    &stripped, &why) != -1)
			x->m[i].name = xstrdup(clean);
	tarx_supersede(x);
	for (i = 0; i < x->n; i++) {
		free(x->m[i].name);
		x->m[i].name = NULL;
	}
}

/*
 * Check member i and make what the parent makes; plan its data.  Archive
 * order is kept as if streamed: a member whose name a later one takes is
 * still checked, and made when it is a directory or special (a later path
 * meets it as it would in tar), but its data is not written; a file still
 * to come is no directory for the members after it (x->later).
 */
static void
prepare_one(struct tarx *x, size_t i, off_t chunk)
{
	struct member *m = &x->m[i];
	struct tarw_item it;
	mode_t mode = archive_entry_mode(m->e);
	bool link;

	if ((m->name = tarx_check(x, m->e)) == NULL) {
		m->state = NS_FAILED;
		return;
	}
	link = archive_entry_hardlink(m->e) != NULL;
	if (S_ISREG(mode) || link)
		tarx_later_add(x, m->name);
	else
		tarx_later_del(x, m->name);
	if (m->superseded && (S_ISREG(mode) || link)) {
		m->state = NS_SKIPPED;
		return;
	}
	if (!m->superseded)
		x->pr.nfiles++;
	it = item(x, i);
	if (!S_ISDIR(mode) && tarw_keep_existing(&x->w, &it)) {
		m->state = NS_SKIPPED;
		x->st->skipped++;
	} else if (link)
		return;			/* after its target */
	else if (S_ISDIR(mode))
		make_dir(x, i);
	else if (S_ISREG(mode))
		plan_file(x, i, chunk);
	else
		make_special(x, i);
}

static int
prepare(struct tarx *x)
{
	off_t chunk;
	size_t i;

	chunk = plan_chunk(total_size(x), x->o->jobs, x->o->chunk);
	x->st->chunk = chunk;
	clean_names(x);
	for (i = 0; i < x->n; i++) {
		if (sig_caught() != 0)
			return sig_caught();
		prepare_one(x, i, chunk);
	}
	return 0;
}

/* Hard links, in archive order: their targets are in place now. */
static void
make_links(struct tarx *x)
{
	struct tarw_item it;
	struct fault f;
	size_t i;
	int rv;

	for (i = 0; i < x->n; i++) {
		if (x->m[i].state != NS_PENDING || x->m[i].name == NULL ||
		    archive_entry_hardlink(x->m[i].e) == NULL)
			continue;
		it = item(x, i);
		rv = tarw_link(&x->w, &it, archive_entry_hardlink(x->m[i].e),
		    &f);
		outcome(x, i, rv, 0, &f);
	}
}

/* Directory metadata, deepest (latest) first. */
static void
finish_dirs(struct tarx *x)
{
	struct tarw_item it;
	struct fault f;
	size_t i;
	int rv, xerr;

	for (i = x->n; i-- > 0;) {
		if (x->m[i].state != NS_PENDING || x->m[i].name == NULL ||
		    x->m[i].superseded || x->m[i].e == NULL ||
		    !S_ISDIR(archive_entry_mode(x->m[i].e)))
			continue;
		it = item(x, i);
		rv = tarw_dir_end(&x->w, &it, x->m[i].dev, x->m[i].ino, &xerr,
		    &f);
		outcome(x, i, rv, xerr, &f);
	}
}

/* Stopped: the split members' temp files go. */
static void
abandon(struct tarx *x)
{
	struct tarw_item it;
	struct fault f;
	char tmp[NAME_MAX + 1];
	const char *leaf;
	size_t i;
	int dir, xerr;

	for (i = 0; i < x->n; i++) {
		if (x->m[i].tfd == -1)
			continue;
		it = item(x, i);
		if ((dir = tarw_parent(&x->w, x->m[i].name, false, &leaf)) !=
		    -1 && dest_runname(leaf, x->w.token, x->w.pid, (uint32_t)i,
		    tmp, sizeof(tmp)) == 0)
			(void)tarw_file_end(&x->w, &it, x->m[i].tfd, dir, tmp,
			    -1, &xerr, &f);
		else
			(void)close(x->m[i].tfd);
		x->m[i].tfd = -1;
	}
}

static int
run(struct tarx *x)
{
	struct exec_job job;
	int sig;

	if ((sig = prepare(x)) != 0) {
		abandon(x);
		return sig;
	}
	work_order(&x->plan, x->o, x->st->chunk);
	progress_start(&x->pr, x->o->progress, plan_bytes(&x->plan),
	    x->pr.nfiles);
	work_init(&x->work, x->o, x);
	x->work.how.direct = false;	/* member data is not aligned */
	x->work.how.durable = false;	/* --fsync: whole files, at the end */
	x->work.task = tarx_task;
	x->work.done = result;
	x->work.tick = tick;
	work_job(&job, &x->work, x->o, x->plan.nranges, x->st->lane_bytes);
	job.nlater = x->nsplit;
	job.driver = "tar-extract";	/* tar_extract_job.c */
	job.ctx = x;
	if (work_batches(&job, &x->plan, x->o, x->st->chunk) == -1)
		err(1, "plan");
	x->st->ranges = x->plan.nranges;
	sig = exec_run(&job);
	abandon(x);			/* split members not finished */
	if (sig != 0)
		return sig;
	make_links(x);
	finish_dirs(x);
	return 0;
}

/* DEST is made if it is missing (one level, as mkdir), then held. */
static int
open_dest(const char *dest)
{
	int fd;

	if (mkdir(dest, 0777) == -1 && errno != EEXIST) {
		warn("cannot create directory %s", quote(dest));
		return -1;
	}
	if ((fd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		warn("%s", quote(dest));
	return fd;
}

static void
free_members(struct tarx *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		if (x->m[i].e != NULL)
			archive_entry_free(x->m[i].e);
		free(x->m[i].name);
	}
	free(x->m);
	x->m = NULL;
	x->n = x->cap = 0;
}

int
tarx_hash(struct tarx *x, size_t i, int fd, off_t size, struct fault *f)
{
	unsigned char hash[VERIFY_HASHLEN];

	if (x->o->manifest == NULL)
		return 0;
	if (x->heb.buf == NULL) {
		x->heb.size = OPTS_BUFSZ_DEFAULT;
		x->heb.buf = xmalloc(x->heb.size);
	}
	if (verify_hash_file(fd, size, &x->heb, hash, f) == -1)
		return -1;
	manifest_set(&x->man, (uint32_t)i, hash);
	return 0;
}

/* A member's path in the manifest: DEST/NAME. */
static int
manifest_name(const void *arg, uint32_t i, char *buf, size_t len)
{
	const struct tarx *x = arg;
	int n;

	if (i >= x->n || x->m[i].name == NULL || x->m[i].state != NS_DONE ||
	    x->m[i].superseded)
		return -1;
	n = snprintf(buf, len, "%s%s%s", x->dest,
	    x->dest[strlen(x->dest) - 1] == '/' ? "" : "/", x->m[i].name);
	return n < 0 ? (int)len : n;	/* len or more: too long, said */
}

int
tar_extract(const struct opts *o, struct copy_stats *st)
{
	struct tarx x;
	struct fault f;
	unsigned i;
	int rv, sig, root;

	memset(&x, 0, sizeof(x));
	memset(st, 0, sizeof(*st));
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	x.o = o;
	x.st = st;
	x.dest = o->paths[0];
	x.afd = -1;
	raise_nofile();
	if ((rv = tarx_index(&x)) == -1 || (root = open_dest(x.dest)) == -1) {
		if (x.afd != -1)
			(void)close(x.afd);
		free_members(&x);
		return 1;
	}
	tarw_init(&x.w, o, root);
	if (o->manifest != NULL)
		manifest_init(&x.man, x.n);
	if (rv == 1) {
		free_members(&x);
		sig = tarx_stream(&x);
	} else
		sig = run(&x);
	if (sig == 0 && o->fsync && fsync(root) == -1) {
		fault_set(&f, FAULT_SYNC);
		warnc(f.err, "%s: fsync", quote(x.dest));
		x.status = 1;
	}
	if (sig != 0)
		progress_clear(&x.pr);
	else
		progress_end(&x.pr, x.pr.errors == 0);
	if (sig == 0 && o->manifest != NULL && x.status != 3 &&
	    manifest_write_with(&x.man, manifest_name, &x, o->manifest) != 0 &&
	    x.status == 0)
		x.status = 1;
	for (i = 0; i < o->jobs; i++)
		st->written += st->lane_bytes[i];
	free_members(&x);
	free(x.split);
	tarx_later_free(&x);
	plan_free(&x.plan);
	manifest_free(&x.man);
	free(x.heb.buf);
	tarw_free(&x.w);
	(void)close(root);
	(void)close(x.afd);
	return sig != 0 ? 128 + sig : x.status;
}
