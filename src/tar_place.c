/*
 * The parallel archive: a seekable, uncompressed tar whose every member
 * is written at an offset computed before any data moves.
 *
 *  headers  In walk order, the parent has libarchive encode each member's
 *           pax header into memory and writes it at the running offset of
 *           the temp archive.  A sparse member's GNU.sparse map is the
 *           first part of its data, emitted by libarchive with the first
 *           data write: it is captured with the header and counted in its
 *           size.  Header sizes vary (pax extended headers), so each is
 *           measured, never assumed.  A member takes its header plus its
 *           data padded to 512 bytes; a sparse member's data is its
 *           extents back to back.
 *  size     The archive is sized once: the end-of-archive blocks and the
 *           record padding are the zeros ftruncate leaves.
 *  data     Regular files' data becomes range tasks that copy source bytes
 *           to their offset in the archive, run by the usual workers,
 *           which share the archive's descriptor (pwrite at explicit
 *           offsets needs no position).  A small file is one task that
 *           writes its header and data in one pwrite: every buffered write
 *           to the archive takes its inode lock, so half the writes is
 *           half the waiting (the parent keeps such headers in memory, up
 *           to ARENA_MAX; past that the worker encodes the header again).
 *           Once the archive has failed, the workers skip what is left (a
 *           flag in shared memory).
 *  check    A source that changed while it was read fails the archive;
 *           --verify reads the headers back; --manifest hashes each
 *           member's data as the archive holds it, in tasks again.
 */
#include "config.h"

#include <sys/mman.h>
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
#include "sig.h"
#include "tarc.h"
#include "util.h"
#include "verify.h"
#include "xfer.h"

#define ARENA_MAX	((size_t)64 << 20)	/* headers kept for workers */
#define NO_ARENA	UINT64_MAX

static off_t
pad(off_t n, off_t to)
{
	return (n + to - 1) / to * to;
}

/* libarchive's writer output: the header (and map) bytes, then no more. */
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

/*
 * Encode t->e's header (and sparse map) into t->hdr.  Returns ARCHIVE_OK
 * or ARCHIVE_WARN (reported for node when report is set), or -1 with *why.
 */
static int
encode(struct tarc *t, uint32_t node, bool report, const char **why)
{
	static const char none[1];
	struct archive *w;
	int r = ARCHIVE_FATAL;

	t->hlen = 0;
	t->sealed = false;
	if ((w = archive_write_new()) == NULL) {
		*why = strerror(ENOMEM);
		return -1;
	}
	if (tarc_format(w) == ARCHIVE_OK &&
	    archive_write_set_bytes_per_block(w, 0) == ARCHIVE_OK &&
	    archive_write_open(w, t, NULL, capture, NULL) == ARCHIVE_OK)
		r = archive_write_header(w, t->e);
	if (r == ARCHIVE_WARN && report)
		tarc_warn(t, node, w);	/* before the next call clears it */
	if (r >= ARCHIVE_WARN && archive_write_data(w, none, 0) < 0)
		r = ARCHIVE_FATAL;	/* the sparse map, if any, goes out */
	if (r < ARCHIVE_WARN)
		(void)snprintf(t->why, sizeof(t->why), "%s", tarc_why(w));
	else if (t->hlen % TARC_BLOCK != 0) {
		(void)snprintf(t->why, sizeof(t->why),
		    "header not whole blocks");
		r = ARCHIVE_FATAL;
	}
	t->sealed = true;
	(void)archive_write_free(w);
	if (r < ARCHIVE_WARN) {
		*why = t->why;
		return -1;
	}
	return r;
}

/* A small, dense file whose header and data one worker writes at once
 * (--verify keeps the parent's header write: it checks what it wrote). */
static bool
together(const struct tarc *t, uint32_t node, off_t chunk)
{
	const struct node *n = &t->fl->v[node];

	return tarc_has_data(t, node) && !t->o->verify &&
	    t->o->sparse != SPARSE_ALWAYS && n->size > 0 && n->size <= chunk &&
	    n->blocks * 512 >= n->size && tarc_sparse(t, node) == NULL;
}

/* Plan node's data: one task, ranges, or ranges over its extents. */
static int
plan_member(struct tarc *t, uint32_t node, off_t chunk)
{
	const struct tarc_sparse *sp = tarc_sparse(t, node);
	off_t size = t->fl->v[node].size;
	uint32_t i;

	if (together(t, node, chunk))
		return plan_add_whole(&t->plan, node, size);
	if (sp == NULL)
		return plan_add(&t->plan, node, 0, size, chunk);
	for (i = 0; i < sp->n; i++)
		if (plan_add(&t->plan, node, t->ext[sp->first + i].off,
		    t->ext[sp->first + i].len, chunk) == -1)
			return -1;
	return 0;
}

/* Where byte off of node's source goes in the archive.  Worker-safe. */
static off_t
archive_off(const struct tarc *t, uint32_t node, off_t off)
{
	const struct tarc_sparse *sp = tarc_sparse(t, node);
	const struct tarc_ext *e;
	size_t lo, hi, mid;

	if (sp == NULL)
		return t->data[node] + off;
	/* the last extent that starts at or before off: ranges never
	 * cross extents */
	for (lo = 0, hi = sp->n; hi - lo > 1;) {
		mid = lo + (hi - lo) / 2;
		if (t->ext[sp->first + mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	e = &t->ext[sp->first + lo];
	return t->data[node] + e->at + (off - e->off);
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

/* node's encoded header to *pos (or kept for its worker), its data
 * planned; *pos advanced.  Returns 0, or -1: the archive failed. */
static int
place(struct tarc *t, uint32_t node, off_t chunk, off_t *pos)
{
	struct fault f;

	if (together(t, node, chunk))
		keep_header(t, node);
	else if (pwrite_full(t->out.fd, t->hdr, t->hlen, *pos) == -1) {
		fault_set(&f, FAULT_WRITE);
		tarc_fail(t, node, &f, NULL);
		return -1;
	}
	if (tarc_has_data(t, node) && plan_member(t, node, chunk) == -1) {
		fault_set(&f, FAULT_WORKER);
		tarc_fail(t, node, &f, NULL);
		return -1;
	}
	t->hlens[node] = (uint32_t)t->hlen;
	t->hsums[node] = XXH64(t->hdr, t->hlen, 0);
	t->data[node] = *pos + (off_t)t->hlen;
	*pos = t->data[node] + pad(tarc_data_len(t, node), TARC_BLOCK);
	t->pr.nfiles++;
	return 0;
}

/* One member, unless it is left out.  Returns 0, or -1: the archive
 * failed. */
static int
add_member(struct tarc *t, uint32_t node, off_t chunk, off_t *pos)
{
	char src[PATH_MAX], member[PATH_MAX];
	struct fault f = { FAULT_NONE, 0 };
	const char *why = NULL;
	int fd, r;

	if (flist_path(t->fl, node, FLIST_SRC, src, sizeof(src)) == -1 ||
	    flist_path(t->fl, node, FLIST_DST, member, sizeof(member)) == -1) {
		fault_setc(&f, FAULT_OPEN_SRC, ENAMETOOLONG);
		tarc_left_out(t, node, &f, NULL);
		return 0;
	}
	if (tarc_is_self(t, node) || tarc_lost_link(t, node))
		return 0;
	if (tarc_has_data(t, node)) {
		if ((fd = tarc_ready(t, node, src, &f)) == -1) {
			tarc_left_out(t, node, &f, NULL);
			return 0;
		}
		(void)close(fd);
	}
	if ((r = tarc_entry(t, node, src, member, &why)) == -1) {
		fault_setc(&f, FAULT_READ, archive_errno(t->disk));
		tarc_left_out(t, node, &f, why);
		return 0;
	}
	if (r == ARCHIVE_WARN)
		tarc_warn(t, node, t->disk);
	if (encode(t, node, true, &why) == -1) {
		fault_setc(&f, FAULT_WRITE, 0);
		tarc_fail(t, node, &f, why);
		return -1;
	}
	return place(t, node, chunk, pos);
}

/* Every member's header, the archive's size in *size.  Returns 0, or the
 * signal that stopped it. */
static int
headers(struct tarc *t, off_t *size)
{
	off_t pos = 0, total = 0, chunk;
	uint32_t i;

	for (i = 0; i < t->fl->n; i++)
		if (t->fl->v[i].type == FT_REG)
			total += t->fl->v[i].size;
	chunk = plan_chunk(total, t->o->jobs, t->o->chunk);
	t->st->chunk = chunk;
	for (i = 0; i < t->fl->n && !t->failed; i++) {
		if (sig_caught() != 0)
			return sig_caught();
		if (t->fl->v[i].parent != NODE_NONE &&
		    t->fl->v[t->fl->v[i].parent].state == NS_FAILED)
			t->fl->v[i].state = NS_FAILED;
		else if (add_member(t, i, chunk, &pos) == -1)
			break;
	}
	*size = pad(pos + 2 * TARC_BLOCK, TARC_RECORD);
	return 0;
}

bool
tarc_no_arena(const struct tarc *t, uint32_t node)
{
	return t->aoff[node] == NO_ARENA;
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
	    tarc_entry(t, node, src, member, &why) == -1 ||
	    encode(t, node, false, &why) == -1 || t->hlen != t->hlens[node]) {
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
			return -1;
		}
		hdr = eb->buf;
	}
	if (pwrite_full(t->out.fd, hdr, hlen + (size_t)first,
	    data - (off_t)hlen) == -1) {
		fault_set(f, FAULT_WRITE);
		return -1;
	}
	if (eb->progress != NULL)
		__atomic_add_fetch(eb->progress, (uint64_t)first,
		    __ATOMIC_RELAXED);
	if (first == size)
		return ENGINE_PREAD;
	return engine_copy(&(struct xfer){ .sfd = sfd, .soff = first,
	    .dfd = t->out.fd, .doff = data + first, .len = size - first,
	    .eb = eb, .f = f });
}

/* Worker side: a member, or one range of a large member's data. */
int
tarc_task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	struct tarc *t = arg;
	const struct range *r = &t->plan.ranges[i];
	char src[PATH_MAX];
	int sfd, rv;

	(void)out;
	if (*t->abort) {
		fault_setc(f, FAULT_INTR, 0);	/* the archive failed */
		return -1;
	}
	if (flist_path(t->fl, r->file, FLIST_SRC, src, sizeof(src)) == -1) {
		fault_setc(f, FAULT_PATH, ENAMETOOLONG);
		return -1;
	}
	if ((sfd = tarc_open(t, r->file, src, f)) == -1)
		return -1;
	if (r->whole)
		rv = member_copy(t, r->file, sfd, src, eb, f);
	else
		rv = xfer_run(&(struct xfer){ .sfd = sfd, .soff = r->off,
		    .dfd = t->out.fd, .doff = archive_off(t, r->file, r->off),
		    .len = r->len, .eb = eb, .f = f });
	return engine_close(sfd, -1, rv, f);
}

static void
result(void *arg, const struct result *res, const struct work_out *wo)
{
	struct tarc *t = arg;
	const struct range *r = &t->plan.ranges[res->task];

	(void)wo;			/* no output: the data is in place */
	if (res->fault.op == FAULT_NONE) {
		t->fl->v[r->file].engine = (uint8_t)res->rv;
		return;
	}
	if (res->fault.op == FAULT_INTR)
		return;		/* stopped: the archive failed, or a signal */
	if (res->fault.op == FAULT_VERIFY && !t->failed)
		t->status = 3;
	tarc_fail(t, r->file, &res->fault, NULL);
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
	struct exec_job job;

	work_order(&t->plan, t->o, t->st->chunk);
	progress_start(&t->pr, t->o->progress, plan_bytes(&t->plan),
	    t->pr.nfiles);
	work_init(&t->work, t->o, t);
	t->work.how.direct = false;	/* the archive is not aligned */
	t->work.how.durable = false;	/* --fsync: the archive, at the end */
	t->work.task = tarc_task;
	t->work.done = result;
	t->work.tick = tick;
	work_job(&job, &t->work, t->o, t->plan.nranges, t->st->lane_bytes);
	job.driver = "tar-create";	/* tar_create_job.c */
	job.ctx = t;
	if (work_batches(&job, &t->plan, t->o, t->st->chunk) == -1) {
		tarc_fail_out(t, FAULT_WORKER, errno, NULL);
		return 0;
	}
	t->st->ranges = t->plan.nranges;
	return exec_run(&job);
}

/* Members whose source changed while it was read fail the archive; the
 * others are counted. */
static void
account(struct tarc *t)
{
	struct fault f = { FAULT_CHANGED, 0 };
	char src[PATH_MAX];
	uint32_t i;

	for (i = 0; i < t->fl->n && !t->failed; i++) {
		if (t->fl->v[i].state != NS_PENDING)
			continue;
		if (tarc_has_data(t, i) && (flist_path(t->fl, i, FLIST_SRC,
		    src, sizeof(src)) == -1 || tarc_changed(t, i, src)))
			tarc_fail(t, i, &f, NULL);
		else
			tarc_done(t, i);
	}
}

/* Does node's header read back as it was written?  -1 on a read error. */
static int
header_ok(struct tarc *t, uint32_t node)
{
	size_t len = t->hlens[node];

	if (len > t->hcap)
		t->hdr = xreallocarray(t->hdr, t->hcap = len, 1);
	if (pread(t->out.fd, t->hdr, len, t->data[node] - (off_t)len) !=
	    (ssize_t)len)
		return -1;
	return XXH64(t->hdr, len, 0) == t->hsums[node];
}

/* Encode node's header again and write it once more: 0, or -1. */
static int
rewrite_header(struct tarc *t, uint32_t node)
{
	char src[PATH_MAX], member[PATH_MAX];
	const char *why;

	if (flist_path(t->fl, node, FLIST_SRC, src, sizeof(src)) == -1 ||
	    flist_path(t->fl, node, FLIST_DST, member, sizeof(member)) == -1 ||
	    tarc_entry(t, node, src, member, &why) == -1 ||
	    encode(t, node, false, &why) == -1 || t->hlen != t->hlens[node] ||
	    pwrite_full(t->out.fd, t->hdr, t->hlen, t->data[node] -
	    (off_t)t->hlen) == -1 || fdatasync(t->out.fd) == -1)
		return -1;
	return 0;
}

/*
 * --verify for the headers the parent wrote: read back from storage
 * (after fdatasync and dropping the cache); a bad one is encoded and
 * written once more, then checked again.  Data ranges were verified by
 * the workers.
 */
static void
verify_headers(struct tarc *t)
{
	struct fault f = { FAULT_VERIFY, 0 };
	uint32_t i;
	int ok;

	if (fdatasync(t->out.fd) == -1) {
		tarc_fail_out(t, FAULT_SYNC, errno, NULL);
		return;
	}
	(void)posix_fadvise(t->out.fd, 0, 0, POSIX_FADV_DONTNEED);
	for (i = 0; i < t->fl->n && !t->failed; i++) {
		if (t->hlens[i] == 0 || (ok = header_ok(t, i)) == 1)
			continue;
		if (ok == 0 && rewrite_header(t, i) == 0 &&
		    header_ok(t, i) == 1)
			continue;
		t->status = 3;
		tarc_fail(t, i, &f, "verification failed: header differs "
		    "after a retry");
	}
}

/* Feed len bytes of fd at off (fd -1: zeros) to the hash st. */
static int
feed(XXH3_state_t *st, int fd, off_t off, off_t len,
    const struct engine_buf *eb, struct fault *f)
{
	size_t want;
	ssize_t n;

	if (fd == -1)
		memset(eb->buf, 0, eb->size);
	while (len > 0) {
		want = len < (off_t)eb->size ? (size_t)len : eb->size;
		if (fd == -1)
			n = (ssize_t)want;
		else if ((n = pread(fd, eb->buf, want, off)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0) {
			fault_setc(f, FAULT_READBACK, n == 0 ? EIO : errno);
			return -1;
		}
		(void)XXH3_128bits_update(st, eb->buf, (size_t)n);
		off += n;
		len -= n;
	}
	return 0;
}

/* Feed node's data, as the archive holds it, to st. */
static int
feed_member(struct tarc *t, uint32_t node, XXH3_state_t *st,
    const struct engine_buf *eb, struct fault *f)
{
	const struct tarc_sparse *sp = tarc_sparse(t, node);
	off_t size = t->fl->v[node].size, pos = 0;
	const struct tarc_ext *e;
	uint32_t k;

	if (sp == NULL)
		return feed(st, t->out.fd, t->data[node], size, eb, f);
	for (k = 0; k < sp->n; k++, pos = e->off + e->len) {
		e = &t->ext[sp->first + k];
		if (feed(st, -1, 0, e->off - pos, eb, f) == -1 ||
		    feed(st, t->out.fd, t->data[node] + e->at, e->len, eb,
		    f) == -1)
			return -1;
	}
	return feed(st, -1, 0, size - pos, eb, f);
}

/* Worker side: --manifest's XXH128 of a member, read from the archive. */
int
tarc_hash_task(void *arg, uint64_t i, const struct engine_buf *eb,
    struct fault *f, unsigned char *out)
{
	struct tarc *t = arg;
	XXH128_canonical_t c;
	XXH3_state_t *st;
	int rv = -1;

	if (*t->abort) {
		fault_setc(f, FAULT_INTR, 0);
		return -1;
	}
	if ((st = XXH3_createState()) == NULL ||
	    XXH3_128bits_reset(st) != XXH_OK)
		fault_setc(f, FAULT_WORKER, ENOMEM);
	else if (feed_member(t, t->hashed[i], st, eb, f) == 0) {
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
		memcpy(out, c.digest, VERIFY_HASHLEN);
		rv = 0;
	}
	(void)XXH3_freeState(st);
	return rv;
}

static void
hash_result(void *arg, const struct result *res, const struct work_out *wo)
{
	struct tarc *t = arg;
	uint32_t node = t->hashed[res->task];

	if (res->fault.op == FAULT_NONE)
		manifest_set(&t->man, node, wo->out);
	else if (res->fault.op != FAULT_INTR)
		tarc_fail(t, node, &res->fault, NULL);
}

/* --manifest: hash every file member.  Returns 0, or a signal. */
static int
hash_all(struct tarc *t)
{
	struct exec_job job;
	uint64_t n = 0;
	uint32_t i;

	t->hashed = xreallocarray(NULL, t->fl->n ? t->fl->n : 1,
	    sizeof(*t->hashed));
	for (i = 0; i < t->fl->n; i++)
		if (t->fl->v[i].state == NS_DONE && tarc_has_data(t, i))
			t->hashed[n++] = i;
	t->nhashed = n;
	work_init(&t->work, t->o, t);
	t->work.task = tarc_hash_task;
	t->work.done = hash_result;
	work_job(&job, &t->work, t->o, n, NULL);
	job.driver = "tar-create";
	job.ctx = t;
	return exec_run(&job);
}

/* Headers, size, data, checks.  Returns 0, or a signal. */
static int
fill(struct tarc *t)
{
	off_t size = 0;
	int sig;

	if ((sig = headers(t, &size)) != 0 || t->failed)
		return sig;
	if (ftruncate(t->out.fd, size) == -1) {
		tarc_fail_out(t, FAULT_TRUNCATE, errno, NULL);
		return 0;
	}
	if ((sig = copy_data(t)) != 0 || t->failed)
		return sig;
	if (t->o->verify)
		verify_headers(t);
	if (!t->failed)
		account(t);
	if (!t->failed && t->o->manifest != NULL)
		return hash_all(t);
	return 0;
}

int
tar_place(struct tarc *t)
{
	size_t n = t->fl->n ? t->fl->n : 1;
	void *flag;
	int sig;

	t->data = xcalloc(n, sizeof(*t->data));
	t->hlens = xcalloc(n, sizeof(*t->hlens));
	t->hsums = xcalloc(n, sizeof(*t->hsums));
	t->aoff = xreallocarray(NULL, n, sizeof(*t->aoff));
	memset(t->aoff, 0xff, n * sizeof(*t->aoff));
	if ((flag = mmap(NULL, sizeof(*t->abort), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED) {
		tarc_fail_out(t, FAULT_WORKER, errno, NULL);
		return 0;
	}
	t->abort = flag;
	sig = fill(t);
	t->abort = NULL;
	(void)munmap(flag, sizeof(*t->abort));
	return sig;
}
