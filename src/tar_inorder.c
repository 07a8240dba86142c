/*
 * The streamed archive: compressed, or written to standard output, a FIFO
 * or a device, where nothing can be written at an offset.  The parent
 * writes the members in walk order through libarchive's writer (with its
 * compression filter), reading each file itself: serially, but zstd
 * compresses on o->jobs threads where libarchive lets it.  A sparse
 * member is fed whole (libarchive skips the holes its map names), so the
 * archive carries the map and the data only.
 *
 * A failure after a member's header cuts the stream short: the output
 * callback refuses every later write, so libarchive never gets to write
 * the rest of the member or the end-of-archive blocks.  A temp archive is
 * then removed by the driver.  What went down a pipe cannot be taken
 * back, and a tar cut at a member boundary reads as whole to GNU tar and
 * bsdtar; so an uncompressed stream gets one last block that is no tar
 * header (it says why), and every reader reports the archive damaged.  A
 * cut compressed stream is damaged as it is (its end is missing).
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
#include "sig.h"
#include "tarc.h"
#include "util.h"
#include "verify.h"

struct tarw {
	struct tarc	*t;
	struct archive	*w;
	char		*buf;		/* data read from a member */
	char		*zero;		/* and a sparse member's holes */
	size_t		 bufsz;
	uint64_t	 done;		/* data bytes so far (--progress) */
	XXH3_state_t	*hash;		/* --manifest */
	int		 werr;		/* errno of a failed write */
};

/* libarchive's output: the archive, unless it has failed. */
static la_ssize_t
out_write(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct tarw *s = arg;
	ssize_t n;

	/* never the rest of a failed or interrupted archive: its end would
	 * make it look whole */
	if (s->t->failed || sig_caught() != 0) {
		archive_set_error(a, ECANCELED, "the archive is abandoned");
		return -1;
	}
	while ((n = write(s->t->out.fd, buf, len)) == -1 && errno == EINTR &&
	    sig_caught() == 0)
		;
	if (n <= 0) {
		s->werr = n == 0 ? EIO : errno;
		archive_set_error(a, s->werr, "%s", strerror(s->werr));
		return -1;
	}
	s->t->st->lane_bytes[0] += (uint64_t)n;
	return n;
}

/* The writer cannot be set up: the archive fails, in libarchive's words. */
static int
no_writer(struct tarw *s)
{
	tarc_fail_out(s->t, FAULT_WRITE, archive_errno(s->w),
	    tarc_why(s->w));
	return -1;
}

/* Add o->compress's filter; a warning is printed.  0, or -1 (reported). */
static int
add_filter(struct tarw *s)
{
	static const struct {
		enum tar_compress	 how;
		int			(*add)(struct archive *);
	} filters[] = {
		{ COMPRESS_GZIP, archive_write_add_filter_gzip },
		{ COMPRESS_XZ, archive_write_add_filter_xz },
		{ COMPRESS_ZSTD, archive_write_add_filter_zstd },
		{ COMPRESS_BZIP2, archive_write_add_filter_bzip2 },
	};
	char jobs[16];
	size_t i;
	int r;

	for (i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (filters[i].how == s->t->o->compress)
			break;
	if (i == sizeof(filters) / sizeof(filters[0]))
		return 0;
	if ((r = filters[i].add(s->w)) < ARCHIVE_WARN)
		return no_writer(s);
	if (r == ARCHIVE_WARN)	/* "Using external gzip program", say */
		warnx("libarchive: %s", tarc_why(s->w));
	/* zstd's own threads, if this libarchive and libzstd have them */
	(void)snprintf(jobs, sizeof(jobs), "%u", s->t->o->jobs);
	if (s->t->o->compress == COMPRESS_ZSTD)
		(void)archive_write_set_filter_option(s->w, "zstd", "threads",
		    jobs);
	return 0;
}

/*
 * Pad the last block to a whole record only for a device (a tape wants
 * whole records), as libarchive's own writers do.  Not a compressed
 * stream (records are the uncompressed side's), and not a pipe: a reader
 * such as tar -t of a FIFO stops at the end-of-archive blocks and closes,
 * and zeros still being written after them would die of SIGPIPE.
 */
static bool
pad_last(const struct tarw *s)
{
	struct stat st;

	return s->t->o->compress == COMPRESS_NONE &&
	    fstat(s->t->out.fd, &st) == 0 && (S_ISCHR(st.st_mode) ||
	    S_ISBLK(st.st_mode));
}

/* The writer, open on t->out.fd.  0, or -1 (reported). */
static int
open_writer(struct tarw *s)
{
	int r;

	if ((s->w = archive_write_new()) == NULL) {
		tarc_fail_out(s->t, FAULT_WRITE, ENOMEM, NULL);
		return -1;
	}
	if (tarc_format(s->w) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(s->w, TARC_RECORD) !=
	    ARCHIVE_OK || add_filter(s) == -1 ||
	    archive_write_set_bytes_in_last_block(s->w, pad_last(s) ? 0 :
	    1) != ARCHIVE_OK)
		return s->t->failed ? -1 : no_writer(s);
	if ((r = archive_write_open(s->w, s, NULL, out_write, NULL)) ==
	    ARCHIVE_WARN)
		warnx("libarchive: %s", tarc_why(s->w));
	else if (r != ARCHIVE_OK)
		return no_writer(s);
	return 0;
}

/* len bytes of buf to the archive (and the hash).  0, or -1 with *f. */
static int
put(struct tarw *s, const char *buf, size_t len, struct fault *f)
{
	la_ssize_t n;

	if (s->hash != NULL)
		(void)XXH3_128bits_update(s->hash, buf, len);
	if ((n = archive_write_data(s->w, buf, len)) != (la_ssize_t)len) {
		fault_setc(f, FAULT_WRITE, s->werr ? s->werr : EIO);
		return -1;
	}
	return 0;
}

/* len zeros: a hole of a sparse member, which libarchive skips. */
static int
put_zeros(struct tarw *s, off_t len, struct fault *f)
{
	size_t n;

	for (; len > 0; len -= (off_t)n) {
		n = len < (off_t)s->bufsz ? (size_t)len : s->bufsz;
		if (put(s, s->zero, n, f) == -1)
			return -1;
	}
	return 0;
}

/* [off, off + len) of fd to the archive.  0, or -1 with *f. */
static int
put_extent(struct tarw *s, int fd, off_t off, off_t len, struct fault *f)
{
	ssize_t n;

	while (len > 0) {
		if (sig_caught() != 0) {
			fault_setc(f, FAULT_INTR, 0);
			return -1;
		}
		n = pread(fd, s->buf, len < (off_t)s->bufsz ? (size_t)len :
		    s->bufsz, off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			fault_setc(f, n == 0 ? FAULT_SHRANK : FAULT_READ,
			    n == 0 ? 0 : errno);
			return -1;
		}
		if (put(s, s->buf, (size_t)n, f) == -1)
			return -1;
		off += n;
		len -= n;
		s->done += (uint64_t)n;
		progress_update(&s->t->pr, s->done);
	}
	return 0;
}

/* node's data from fd: its extents and holes, or all of it. */
static int
put_data(struct tarw *s, uint32_t node, int fd, struct fault *f)
{
	const struct tarc_sparse *sp = tarc_sparse(s->t, node);
	const struct node *n = &s->t->fl->v[node];
	const struct tarc_ext *e;
	off_t pos = 0;
	uint32_t k;

	if (sp == NULL)
		return put_extent(s, fd, 0, n->size, f);
	for (k = 0; k < sp->n; k++, pos = e->off + e->len) {
		e = &s->t->ext[sp->first + k];
		if (put_zeros(s, e->off - pos, f) == -1 ||
		    put_extent(s, fd, e->off, e->len, f) == -1)
			return -1;
	}
	return put_zeros(s, n->size - pos, f);
}

/* node's data, checked: the file must not have changed while read. */
static int
member_data(struct tarw *s, uint32_t node, int fd, struct fault *f)
{
	const struct node *n = &s->t->fl->v[node];
	unsigned char hash[VERIFY_HASHLEN];
	XXH128_canonical_t c;
	struct stat st;

	if (s->hash != NULL)
		(void)XXH3_128bits_reset(s->hash);
	if (put_data(s, node, fd, f) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_size != n->size ||
	    st.st_mtim.tv_sec != n->mtime.tv_sec ||
	    st.st_mtim.tv_nsec != n->mtime.tv_nsec) {
		fault_setc(f, FAULT_CHANGED, 0);
		return -1;
	}
	if (s->hash != NULL) {
		XXH128_canonicalFromHash(&c, XXH3_128bits_digest(s->hash));
		memcpy(hash, c.digest, sizeof(hash));
		manifest_set(&s->t->man, node, hash);
	}
	s->t->fl->v[node].engine = ENGINE_PREAD;
	return 0;
}

/* node's header (the member read first: left out if it cannot be). */
static int
member_header(struct tarw *s, uint32_t node, const char *src, int *fd)
{
	struct tarc *t = s->t;
	struct fault f = { FAULT_NONE, 0 };
	char member[PATH_MAX];
	const char *why = NULL;
	int r;

	if (flist_path(t->fl, node, FLIST_DST, member, sizeof(member)) == -1) {
		fault_setc(&f, FAULT_OPEN_SRC, ENAMETOOLONG);
		tarc_left_out(t, node, &f, NULL);
		return 1;
	}
	if (tarc_has_data(t, node) && (*fd = tarc_ready(t, node, src, &f)) ==
	    -1) {
		tarc_left_out(t, node, &f, NULL);
		return 1;
	}
	if ((r = tarc_entry(t, node, src, member, &why)) == -1) {
		fault_setc(&f, FAULT_READ, archive_errno(t->disk));
		tarc_left_out(t, node, &f, why);
		return 1;
	}
	if (r == ARCHIVE_WARN)
		tarc_warn(t, node, t->disk);
	if ((r = archive_write_header(s->w, t->e)) < ARCHIVE_WARN) {
		fault_setc(&f, FAULT_WRITE, s->werr ? s->werr :
		    archive_errno(s->w));
		if (sig_caught() == 0)
			tarc_fail(t, node, &f, s->werr ? NULL : tarc_why(s->w));
		return -1;
	}
	if (r == ARCHIVE_WARN)
		tarc_warn(t, node, s->w);
	return 0;
}

/* One member.  Returns 0, or -1: the archive failed (or a signal). */
static int
write_member(struct tarw *s, uint32_t node)
{
	struct tarc *t = s->t;
	struct fault f = { FAULT_NONE, 0 };
	char src[PATH_MAX];
	int fd = -1, rv;

	if (flist_path(t->fl, node, FLIST_SRC, src, sizeof(src)) == -1) {
		fault_setc(&f, FAULT_OPEN_SRC, ENAMETOOLONG);
		tarc_left_out(t, node, &f, NULL);
		return 0;
	}
	if (tarc_is_self(t, node) || tarc_lost_link(t, node) ||
	    (rv = member_header(s, node, src, &fd)) == 1)
		return 0;
	if (rv == 0 && fd != -1 && (rv = member_data(s, node, fd, &f)) ==
	    -1 && sig_caught() == 0)
		tarc_fail(t, node, &f, f.op == FAULT_WRITE && s->werr == 0 ?
		    tarc_why(s->w) : NULL);
	if (fd != -1)
		(void)close(fd);
	if (rv == 0)
		tarc_done(t, node);
	return rv;
}

/* Every member, in walk order; then the end of the archive. */
static void
write_all(struct tarw *s)
{
	struct tarc *t = s->t;
	uint32_t i;
	int r;

	for (i = 0; i < t->fl->n && !t->failed && sig_caught() == 0; i++) {
		if (t->fl->v[i].parent != NODE_NONE &&
		    t->fl->v[t->fl->v[i].parent].state == NS_FAILED)
			t->fl->v[i].state = NS_FAILED;
		else if (write_member(s, i) == -1)
			return;
	}
	if (t->failed || sig_caught() != 0)
		return;
	if ((r = archive_write_close(s->w)) == ARCHIVE_WARN)
		warnx("libarchive: %s", tarc_why(s->w));
	else if (r != ARCHIVE_OK && sig_caught() == 0)
		tarc_fail_out(t, FAULT_WRITE, s->werr ? s->werr :
		    archive_errno(s->w), s->werr ? NULL : tarc_why(s->w));
}

/* A block no reader takes for a header: an abandoned stream ends so. */
static void
mark_abandoned(struct tarw *s)
{
	static const char why[] = "parcp: this archive is incomplete: its "
	    "writer stopped here\n";
	char block[TARC_BLOCK];

	memset(block, '\n', sizeof(block));
	memcpy(block, why, sizeof(why) - 1);
	(void)write_full(s->t->out.fd, block, sizeof(block));
}

int
tar_inorder(struct tarc *t)
{
	struct tarw s;
	uint64_t total = 0;
	uint32_t i;

	memset(&s, 0, sizeof(s));
	s.t = t;
	s.bufsz = t->o->bufsz;
	s.buf = xmalloc(s.bufsz);
	s.zero = xcalloc(1, s.bufsz);
	if (t->o->manifest != NULL && (s.hash = XXH3_createState()) == NULL)
		tarc_fail_out(t, FAULT_WORKER, ENOMEM, NULL);
	for (i = 0; i < t->fl->n; i++)
		if (tarc_has_data(t, i))
			total += (uint64_t)t->fl->v[i].size;
	progress_start(&t->pr, t->o->progress, total, t->fl->n);
	if (!t->failed && open_writer(&s) == 0) {
		write_all(&s);
		(void)archive_write_free(s.w);	/* refused, if failed */
		if ((t->failed || sig_caught() != 0) && t->out.stream &&
		    t->o->compress == COMPRESS_NONE)
			mark_abandoned(&s);
	} else if (s.w != NULL)
		(void)archive_write_free(s.w);
	(void)XXH3_freeState(s.hash);
	free(s.buf);
	free(s.zero);
	return sig_caught();
}
