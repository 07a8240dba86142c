/*
 * Parallel tar create.
 *
 *  headers  In walk order, the parent fills an archive_entry for each
 *           member from the file system (archive_read_disk: owner names,
 *           xattrs and ACLs under -a), has libarchive encode its pax header
 *           into memory, and writes it at the running offset of the temp
 *           archive.  Header sizes vary (pax extended headers), so each is
 *           measured, never assumed; a member takes its header plus its
 *           data padded to 512 bytes.
 *  size     The archive is sized once: the end-of-archive blocks and the
 *           record padding are the zeros ftruncate leaves.
 *  data     Regular files' data extents become range tasks that copy
 *           source bytes to their offset in the archive (holes stay holes
 *           in it), run by the usual workers, which share the archive's
 *           descriptor (pwrite at explicit offsets needs no position).
 *           A small file is one task that writes its header and data in
 *           one pwrite: every buffered write to the archive takes its
 *           inode lock, so half the writes is half the waiting (the
 *           parent keeps such headers in memory, up to ARENA_MAX; past
 *           that the worker encodes the header again).
 *  commit   The temp archive is renamed into place once whole.
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
#include <xxhash.h>

#include "compat.h"
#include "dest.h"
#include "extent.h"
#include "plan.h"
#include "pool.h"
#include "progress.h"
#include "sig.h"
#include "tar.h"
#include "util.h"
#include "verify.h"

#define TAR_BLOCK	512
#define TAR_RECORD	10240		/* what tar pads archives to */
#define ARENA_MAX	((size_t)64 << 20)	/* headers kept for workers */
#define NO_ARENA	UINT64_MAX

struct tarc {
	const struct opts	*o;
	struct flist		*fl;
	struct copy_stats	*st;
	struct archive		*disk;		/* reads entries' metadata */
	struct archive_entry	*e;
	struct plan		 plan;
	off_t			*data;		/* per node: its data offset */
	uint32_t		*hlens;		/* per node: its header's size */
	uint64_t		*hsums;		/* and XXH64 (--verify) */
	uint64_t		*aoff;		/* and where the arena has it */
	char			*arena;		/* headers for workers to write */
	size_t			 alen, acap;
	int			 afd;		/* the temp archive */
	char			 tmp[PATH_MAX];
	unsigned char		*hdr;		/* the header being captured */
	size_t			 hlen, hcap;
	bool			 sealed;	/* capture no more bytes */
	struct stat		 self;		/* an existing archive: skip */
	bool			 have_self;
	struct progress		 pr;
	int			 status;
	mode_t			 umask;
};

static off_t
pad(off_t n, off_t to)
{
	return (n + to - 1) / to * to;
}

/* The member failed (reported once): exit status 1. */
static void
member_fail(struct tarc *t, uint32_t node, const char *what,
    const char *why)
{
	char src[PATH_MAX];

	if (t->fl->v[node].state == NS_FAILED)
		return;
	t->fl->v[node].state = NS_FAILED;
	t->st->failed++;
	t->pr.errors++;
	if (t->status == 0)
		t->status = 1;
	if (flist_path(t->fl, node, FLIST_SRC, src, sizeof(src)) == -1)
		(void)snprintf(src, sizeof(src), "%s", flist_name(t->fl, node));
	progress_clear(&t->pr);
	warnx("%s: %s%s%s", src, what, why ? ": " : "", why ? why : "");
}

/* libarchive's writer output: the header bytes, then nothing more. */
static la_ssize_t
capture(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct tarc *t = arg;

	(void)a;
	if (t->sealed)
		return -1;	/* the data padding: not ours to keep */
	if (t->hlen + len > t->hcap) {
		t->hcap = (t->hlen + len) * 2;
		t->hdr = xreallocarray(t->hdr, t->hcap, 1);
	}
	memcpy(t->hdr + t->hlen, buf, len);
	t->hlen += len;
	return (la_ssize_t)len;
}

/* Encode t->e's pax header into t->hdr.  Returns 0, or -1 with *why. */
static int
encode(struct tarc *t, const char **why)
{
	struct archive *w = archive_write_new();
	int rv = -1;

	t->hlen = 0;
	t->sealed = false;
	if (w == NULL) {
		*why = strerror(ENOMEM);
		return -1;
	}
	/* xattrs only as SCHILY.xattr.*, which GNU tar knows too */
	if (archive_write_set_format_pax(w) != ARCHIVE_OK ||
	    archive_write_set_format_option(w, "pax", "xattrheader",
	    "SCHILY") != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(w, 0) != ARCHIVE_OK ||
	    archive_write_open(w, t, NULL, capture, NULL) != ARCHIVE_OK ||
	    archive_write_header(w, t->e) < ARCHIVE_WARN)
		*why = archive_error_string(w);
	else
		rv = t->hlen % TAR_BLOCK == 0 ? 0 : -1;
	if (rv == -1 && *why == NULL)
		*why = "header not whole blocks";
	t->sealed = true;
	(void)archive_write_free(w);
	return rv;
}

/* The struct stat the walk saw, for archive_read_disk. */
static void
node_stat(const struct node *n, struct stat *st)
{
	static const mode_t fmt[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO,
	    S_IFCHR, S_IFBLK };

	memset(st, 0, sizeof(*st));
	st->st_mode = fmt[n->type] | (n->mode & 07777);
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	/* a symlink: room for its target, which libarchive reads */
	st->st_size = n->type == FT_REG ? n->size : n->type == FT_LNK ?
	    PATH_MAX : 0;
	st->st_atim = n->atime;
	st->st_mtim = n->mtime;
	st->st_ctim = n->mtime;
	st->st_rdev = n->rdev;
	st->st_dev = n->dev;
	st->st_ino = n->ino;
	st->st_nlink = 1;	/* hard links: the walk's groups */
}

/* Fill t->e for node.  Returns 0, or -1 with *why. */
static int
entry(struct tarc *t, uint32_t node, const char *src, const char *member,
    const char **why)
{
	const struct node *n = &t->fl->v[node];
	char first[PATH_MAX];
	struct stat st;

	node_stat(n, &st);
	archive_entry_clear(t->e);
	archive_entry_copy_sourcepath(t->e, src);
	archive_entry_copy_pathname(t->e, member);
	if (archive_read_disk_entry_from_file(t->disk, t->e, -1, &st) <
	    ARCHIVE_WARN) {
		*why = archive_error_string(t->disk);
		return -1;
	}
	archive_entry_copy_pathname(t->e, member);
	archive_entry_sparse_clear(t->e);
	if (n->type != FT_REG)
		archive_entry_set_size(t->e, 0);
	if (n->link != NODE_NONE) {
		if (flist_path(t->fl, n->link, FLIST_DST, first,
		    sizeof(first)) == -1) {
			*why = strerror(ENAMETOOLONG);
			return -1;
		}
		archive_entry_copy_hardlink(t->e, first);
		archive_entry_set_size(t->e, 0);
	}
	return 0;
}

/* A small, dense file whose header and data one worker writes at once
 * (--verify keeps the parent's header write: it checks what it wrote). */
static bool
together(const struct tarc *t, const struct node *n, off_t chunk)
{
	return !t->o->verify && t->o->sparse != SPARSE_ALWAYS &&
	    n->size <= chunk && n->blocks * 512 >= n->size;
}

/* Plan node's data at archive offset data[node] (extents if sparse). */
static int
plan_data(struct tarc *t, uint32_t node, const char *src, off_t chunk,
    const char **why)
{
	const struct node *n = &t->fl->v[node];
	off_t pos, off, len;
	int fd, more = 0;

	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		*why = strerror(errno);	/* as tar: unreadable, left out */
		return -1;
	}
	if (together(t, n, chunk))
		more = plan_add_whole(&t->plan, node, n->size);
	else if (t->o->sparse == SPARSE_NEVER || n->blocks * 512 >= n->size)
		more = plan_add(&t->plan, node, 0, n->size, chunk);
	else
		for (pos = 0; (more = extent_next(fd, pos, n->size, &off,
		    &len)) > 0; pos = off + len)
			if (plan_add(&t->plan, node, off, len, chunk) == -1)
				break;
	if (more == -1)
		*why = strerror(errno);
	(void)close(fd);
	return more == -1 ? -1 : 0;
}

/* Is node the archive being replaced?  Then it is left out, as tar does. */
static bool
is_self(const struct tarc *t, const struct node *n)
{
	return t->have_self && n->dev == t->self.st_dev &&
	    n->ino == t->self.st_ino;
}

/* The header just encoded, for the worker that writes node's data. */
static void
keep_header(struct tarc *t, uint32_t node)
{
	if (t->alen + t->hlen > ARENA_MAX)
		return;			/* the worker encodes it again */
	if (t->alen + t->hlen > t->acap)
		t->arena = xreallocarray(t->arena, t->acap = t->acap ?
		    2 * t->acap : (size_t)1 << 20, 1);
	memcpy(t->arena + t->alen, t->hdr, t->hlen);
	t->aoff[node] = t->alen;
	t->alen += t->hlen;
}

/* One member: header written at *pos, data planned.  Advances *pos. */
static void
add_member(struct tarc *t, uint32_t node, off_t chunk, off_t *pos)
{
	const struct node *n = &t->fl->v[node];
	char src[PATH_MAX], member[PATH_MAX];
	const char *why = NULL;
	bool data = n->type == FT_REG && n->link == NODE_NONE && n->size > 0;
	size_t before = t->plan.nranges;

	if (flist_path(t->fl, node, FLIST_SRC, src, sizeof(src)) == -1 ||
	    flist_path(t->fl, node, FLIST_DST, member, sizeof(member)) == -1) {
		member_fail(t, node, "path", strerror(ENAMETOOLONG));
		return;
	}
	if (is_self(t, n)) {
		warnx("%s: file is the archive; not dumped", src);
		t->fl->v[node].state = NS_SKIPPED;
		return;
	}
	if ((data && plan_data(t, node, src, chunk, &why) == -1) ||
	    entry(t, node, src, member, &why) == -1 || encode(t, &why) == -1) {
		t->plan.nranges = before;
		member_fail(t, node, "tar", why);
		return;
	}
	if (data && together(t, n, chunk))
		keep_header(t, node);
	else if (pwrite_full(t->afd, t->hdr, t->hlen, *pos) == -1)
		err(1, "%s", t->tmp);	/* the archive itself: nothing to do */
	t->hlens[node] = (uint32_t)t->hlen;
	t->hsums[node] = XXH64(t->hdr, t->hlen, 0);
	t->data[node] = *pos + (off_t)t->hlen;
	*pos = t->data[node] + pad(data ? n->size : 0, TAR_BLOCK);
	t->pr.nfiles++;
}

/* Every member's header; returns the archive's size, or -1 (signal). */
static off_t
headers(struct tarc *t)
{
	off_t pos = 0, total = 0, chunk;
	uint32_t i;

	for (i = 0; i < t->fl->n; i++)
		if (t->fl->v[i].type == FT_REG)
			total += t->fl->v[i].size;
	chunk = plan_chunk(total, t->o->jobs, t->o->chunk);
	t->st->chunk = chunk;
	for (i = 0; i < t->fl->n; i++) {
		if (sig_caught() != 0)
			return -1;
		if (t->fl->v[i].parent != NODE_NONE &&
		    t->fl->v[t->fl->v[i].parent].state == NS_FAILED)
			t->fl->v[i].state = NS_FAILED;
		else
			add_member(t, i, chunk, &pos);
	}
	return pad(pos + 2 * TAR_BLOCK, TAR_RECORD);
}

/* Worker side: node's header, from the arena or encoded again. */
static const char *
header(struct tarc *t, uint32_t node, const char *src, struct fault *f)
{
	char member[PATH_MAX];
	const char *why;

	if (t->aoff[node] != NO_ARENA)
		return t->arena + t->aoff[node];
	if (flist_path(t->fl, node, FLIST_DST, member, sizeof(member)) == -1 ||
	    entry(t, node, src, member, &why) == -1 || encode(t, &why) == -1 ||
	    t->hlen != t->hlens[node]) {
		fault_setc(f, FAULT_CHANGED, 0);	/* its xattrs, say */
		return NULL;
	}
	return (const char *)t->hdr;
}

/*
 * Worker side: a small member's header and as much of its data as the
 * buffer holds, in one pwrite; the rest (if any) by the engine.
 */
static int
member_copy(struct tarc *t, uint32_t node, int sfd, const char *src,
    const struct engine_buf *eb, struct fault *f)
{
	off_t size = t->fl->v[node].size, data = t->data[node], first = 0;
	size_t hlen = t->hlens[node];
	const char *hdr;
	ssize_t n;

	if ((hdr = header(t, node, src, f)) == NULL)
		return -1;
	if (hlen < eb->size) {
		memcpy(eb->buf, hdr, hlen);
		first = size < (off_t)(eb->size - hlen) ? size :
		    (off_t)(eb->size - hlen);
		if ((n = pread(sfd, eb->buf + hlen, (size_t)first, 0)) !=
		    first) {
			fault_setc(f, n == -1 ? FAULT_READ : FAULT_SHRANK,
			    n == -1 ? errno : 0);
			first = 0;	/* the header still goes in */
		}
		hdr = eb->buf;
	}
	if (pwrite_full(t->afd, hdr, hlen + (size_t)first, data - (off_t)hlen) ==
	    -1) {
		fault_set(f, FAULT_WRITE);
		return -1;
	}
	if (f->op != FAULT_NONE)
		return -1;
	if (eb->progress != NULL)
		__atomic_add_fetch(eb->progress, (uint64_t)first,
		    __ATOMIC_RELAXED);
	if (first == size)
		return ENGINE_PREAD;
	return engine_copy_fd(sfd, first, t->afd, data + first, size - first,
	    eb, f);
}

/* Worker side: a member, or one range of a large member's data. */
static int
task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	struct tarc *t = arg;
	const struct range *r = &t->plan.ranges[i];
	char src[PATH_MAX];
	int sfd, rv = -1;

	(void)out;
	if (flist_path(t->fl, r->file, FLIST_SRC, src, sizeof(src)) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if (r->whole) {
		if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
			fault_set(f, FAULT_OPEN_SRC);
			return -1;
		}
		rv = member_copy(t, r->file, sfd, src, eb, f);
		return engine_close(sfd, -1, rv, f);
	}
	if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) == -1)
		fault_set(f, FAULT_OPEN_SRC);
	else
		rv = verify_copy(sfd, r->off, t->afd, t->data[r->file] + r->off,
		    r->len, eb, f);
	return engine_close(sfd, -1, rv, f);
}

static void
result(void *arg, const struct result *res)
{
	struct tarc *t = arg;
	const struct range *r = &t->plan.ranges[res->task];
	struct node *n = &t->fl->v[r->file];
	char why[256];

	if (res->fault.op != FAULT_NONE) {
		if (res->fault.op != FAULT_INTR)
			member_fail(t, r->file, fault_format(&res->fault, why,
			    sizeof(why)), NULL);
		if (res->fault.op == FAULT_VERIFY)
			t->status = 3;
		return;
	}
	n->engine = (uint8_t)res->rv;
}

static void
tick(void *arg, uint64_t bytes)
{
	struct tarc *t = arg;

	progress_update(&t->pr, bytes);
}

/* Run the data tasks; returns a signal that stopped them, or 0. */
static int
copy_data(struct tarc *t)
{
	struct pool_job job;

	plan_sort(&t->plan);
	progress_start(&t->pr, t->o->progress, plan_bytes(&t->plan),
	    t->pr.nfiles);
	copy_job(&job, t->o, t, t->st->lane_bytes);
	job.how.direct = false;		/* the archive is not aligned */
	job.how.durable = false;	/* --fsync: the archive, at the end */
	job.ntasks = t->plan.nranges;
	job.task = task;
	job.result = result;
	job.tick = tick;
	t->st->ranges = t->plan.nranges;
	return pool_run(&job);
}

/* Members whose source changed while it was read; and the counts. */
static void
account(struct tarc *t)
{
	char src[PATH_MAX];
	struct node *n;
	struct stat st;
	uint32_t i;

	for (i = 0; i < t->fl->n; i++) {
		n = &t->fl->v[i];
		if (n->state != NS_PENDING)
			continue;
		if (n->type == FT_REG && n->link == NODE_NONE &&
		    (flist_path(t->fl, i, FLIST_SRC, src, sizeof(src)) == -1 ||
		    lstat(src, &st) == -1 || st.st_size != n->size ||
		    st.st_mtim.tv_sec != n->mtime.tv_sec ||
		    st.st_mtim.tv_nsec != n->mtime.tv_nsec)) {
			member_fail(t, i, "file changed while being copied",
			    NULL);
			continue;
		}
		n->state = NS_DONE;
		t->pr.files++;
		if (n->type == FT_DIR)
			t->st->dirs++;
		else
			t->st->files++;
		if (n->type == FT_REG) {
			t->st->bytes += (uint64_t)n->size;
			t->st->engines |= 1u << n->engine;
		}
	}
}

/* Does node's header read back as it was written?  -1 on a read error. */
static int
header_ok(struct tarc *t, uint32_t node)
{
	size_t len = t->hlens[node];

	if (len > t->hcap)
		t->hdr = xreallocarray(t->hdr, t->hcap = len, 1);
	if (pread(t->afd, t->hdr, len, t->data[node] - (off_t)len) !=
	    (ssize_t)len)
		return -1;
	return XXH64(t->hdr, len, 0) == t->hsums[node];
}

/*
 * --verify for the headers the parent wrote: read back from storage
 * (after fdatasync and dropping the cache), and a bad one is encoded and
 * written once more, then checked again.  Data ranges were verified by
 * the workers.
 */
static void
verify_headers(struct tarc *t)
{
	char src[PATH_MAX], member[PATH_MAX];
	const char *why = NULL;
	uint32_t i;
	int ok;

	if (fdatasync(t->afd) == -1)
		err(1, "%s: fdatasync", t->tmp);
	(void)posix_fadvise(t->afd, 0, 0, POSIX_FADV_DONTNEED);
	for (i = 0; i < t->fl->n; i++) {
		if (t->hlens[i] == 0 || (ok = header_ok(t, i)) == 1)
			continue;
		if (ok == 0 && flist_path(t->fl, i, FLIST_SRC, src,
		    sizeof(src)) != -1 && flist_path(t->fl, i, FLIST_DST,
		    member, sizeof(member)) != -1 && entry(t, i, src, member,
		    &why) == 0 && encode(t, &why) == 0 &&
		    t->hlen == t->hlens[i] && pwrite_full(t->afd, t->hdr,
		    t->hlen, t->data[i] - (off_t)t->hlen) == 0 &&
		    fdatasync(t->afd) == 0 && (ok = header_ok(t, i)) == 1)
			continue;
		member_fail(t, i, "verification failed: header differs "
		    "after a retry", NULL);
		t->status = 3;
	}
}

/* --fsync: the directory entry of the renamed archive. */
static int
sync_parent(const char *path)
{
	char *dir = xpath_dir(path);
	struct fault f;
	int rv;

	if ((rv = dest_sync_dir(dir, &f)) == -1)
		warnc(f.err, "%s: fsync", dir);
	free(dir);
	return rv;
}

/* Size, fill, sync and rename the archive.  Returns a signal, or 0. */
static int
build(struct tarc *t)
{
	struct fault f;
	off_t size;
	int sig;

	if ((size = headers(t)) == -1)
		return sig_caught();
	if (ftruncate(t->afd, size) == -1)
		err(1, "%s", t->tmp);
	if ((sig = copy_data(t)) != 0)
		return sig;
	if (t->o->verify)
		verify_headers(t);
	account(t);
	/* a new file's mode, as tar leaves it (the temp was private) */
	if (fchmod(t->afd, 0666 & ~t->umask) == -1 ||
	    (t->o->fsync && fsync(t->afd) == -1))
		err(1, "%s", t->tmp);
	if (dest_commit(t->tmp, t->o->tar_path, false, &f) == -1) {
		warnc(f.err, "%s: rename", t->o->tar_path);
		t->status = 1;
	} else if (t->o->fsync && sync_parent(t->o->tar_path) == -1)
		t->status = 1;
	return 0;
}

static void
setup(struct tarc *t)
{
	int flags = ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_SPARSE;
	struct fault f;

	if (!(t->o->preserve & PRESERVE_XATTR))
		flags |= ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL;
	if ((t->disk = archive_read_disk_new()) == NULL ||
	    (t->e = archive_entry_new()) == NULL ||
	    archive_read_disk_set_standard_lookup(t->disk) != ARCHIVE_OK ||
	    archive_read_disk_set_behavior(t->disk, flags) != ARCHIVE_OK)
		errx(1, "libarchive: %s", t->disk ?
		    archive_error_string(t->disk) : strerror(ENOMEM));
	t->have_self = stat(t->o->tar_path, &t->self) == 0;
	t->umask = umask(0);
	(void)umask(t->umask);
	t->data = xcalloc(t->fl->n ? t->fl->n : 1, sizeof(*t->data));
	t->hlens = xcalloc(t->fl->n ? t->fl->n : 1, sizeof(*t->hlens));
	t->hsums = xcalloc(t->fl->n ? t->fl->n : 1, sizeof(*t->hsums));
	t->aoff = xreallocarray(NULL, t->fl->n ? t->fl->n : 1,
	    sizeof(*t->aoff));
	memset(t->aoff, 0xff, (t->fl->n ? t->fl->n : 1) * sizeof(*t->aoff));
	if (dest_tmpname(t->o->tar_path, getpid(), 0, t->tmp,
	    sizeof(t->tmp)) == -1)
		errc(1, ENAMETOOLONG, "%s", t->o->tar_path);
	if ((t->afd = dest_create(t->tmp, -1, &f)) == -1)
		errc(1, f.err, "%s", t->o->tar_path);
}

int
tar_create(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	struct tarc t;
	uint32_t i;
	int sig;

	memset(&t, 0, sizeof(t));
	memset(st, 0, sizeof(*st));
	t.o = o;
	t.fl = fl;
	t.st = st;
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	for (i = 0; i < fl->n; i++)
		if (fl->v[i].parent == NODE_NONE && o->paths[0] != NULL &&
		    flist_name(fl, i)[0] == '/') {
			warnx("removing leading '/' from member names");
			break;
		}
	setup(&t);
	sig = build(&t);
	(void)close(t.afd);
	if (sig != 0) {
		(void)unlink(t.tmp);
		progress_clear(&t.pr);
	} else
		progress_end(&t.pr, t.pr.errors == 0);
	for (i = 0, st->written = 0; i < o->jobs; i++)
		st->written += st->lane_bytes[i];
	archive_entry_free(t.e);
	archive_read_free(t.disk);
	plan_free(&t.plan);
	free(t.data);
	free(t.hlens);
	free(t.hsums);
	free(t.aoff);
	free(t.arena);
	free(t.hdr);
	return sig != 0 ? 128 + sig : t.status;
}
