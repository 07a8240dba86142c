/*
 * Streamed extraction, for what cannot be read by offset: compressed
 * archives (.tar.gz, .tar.zst, .tar.xz), pipes, zip and other formats,
 * GNU sparse members.  libarchive only decodes: each member is checked
 * (tar_check.c) and written by the member writer (tar_write.c), exactly
 * as in the indexed path; a regular member's data blocks, at the offsets
 * libarchive gives (holes stay holes), go into its temp file.
 *
 * libarchive's return codes: WARN is printed and the member goes on;
 * RETRY is tried again (a damaged header: libarchive resynchronises);
 * FAILED fails the member; FATAL stops reading at once.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "quote.h"
#include "sig.h"
#include "tar.h"
#include "tarw.h"
#include "tarx.h"
#include "util.h"

#define RETRIES	1000000		/* damaged headers in a row, at most */

/* A stop: a signal, or an archive that cannot be read on. */
enum { GO_ON, STOP_FATAL, STOP_SIGNAL };

/*
 * The member's data into fd.  Returns 0, or -1 with *f set (FAULT_READ
 * with EIO for an archive error, already reported) and *stop set when
 * reading must end.
 */
static int
data(struct tarx *x, struct archive *a, int fd, int *stop, struct fault *f)
{
	const void *buf;
	size_t len;
	int64_t off;
	int r;

	for (;;) {
		if (sig_caught() != 0) {
			*stop = STOP_SIGNAL;
			fault_setc(f, FAULT_INTR, EINTR);
			return -1;
		}
		r = archive_read_data_block(a, &buf, &len, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r == ARCHIVE_RETRY)
			continue;
		if (r == ARCHIVE_WARN)
			(void)tarx_archive_error(x, a, r);
		else if (r != ARCHIVE_OK) {
			(void)tarx_archive_error(x, a, r);
			if (r == ARCHIVE_FATAL)
				*stop = STOP_FATAL;
			fault_setc(f, FAULT_READ, EIO);
			return -1;
		}
		if (len > 0 && pwrite_full(fd, buf, len, (off_t)off) == -1) {
			fault_set(f, FAULT_WRITE);
			return -1;
		}
		x->st->written += len;
	}
}

/* A regular member: temp file (sized: the blocks may leave holes), data,
 * metadata, rename. */
static int
regular(struct tarx *x, struct archive *a, const struct tarw_item *it,
    int *stop, int *xerr, struct fault *f)
{
	off_t size = archive_entry_size_is_set(it->e) ?
	    archive_entry_size(it->e) : 0;
	char tmp[NAME_MAX + 1];
	int fd, dir, rv;

	*xerr = 0;
	if ((fd = tarw_file_begin(&x->w, it, size > 0 ? size : -1, &dir, tmp,
	    f)) == -1)
		return -1;
	if ((rv = data(x, a, fd, stop, f)) == 0)
		rv = tarx_hash(x, it->idx, fd, size, f);
	return tarw_file_end(&x->w, it, fd, dir, tmp, rv, xerr, f);
}

/* One member, checked, then made by the writer; *stop to end reading. */
static void
member(struct tarx *x, struct archive *a, struct archive_entry *e,
    int *stop)
{
	struct fault f = { FAULT_NONE, 0 };
	mode_t mode = archive_entry_mode(e);
	struct tarw_item it;
	struct member *m;
	char *name;
	int rv, xerr = 0;
	bool link;

	if ((name = tarx_check(x, e)) == NULL)
		return;
	x->pr.nfiles++;
	link = archive_entry_hardlink(e) != NULL;
	/* Directories are finished at the end: their records keep it. */
	m = tarx_add(x, e, S_ISDIR(mode) && !link);
	m->name = name;
	it.e = e;
	it.name = name;
	it.idx = (uint32_t)(x->n - 1);
	if (!S_ISDIR(mode) && tarw_keep_existing(&x->w, &it))
		rv = TARW_KEPT;
	else if (link)
		rv = tarw_link(&x->w, &it, archive_entry_hardlink(e), &f);
	else if (S_ISDIR(mode))
		rv = tarw_mkdir(&x->w, &it, &m->dev, &m->ino, &f);
	else if (S_ISREG(mode))
		rv = regular(x, a, &it, stop, &xerr, &f);
	else
		rv = tarw_special(&x->w, &it, &xerr, &f);
	if (rv == -1) {
		m->e = m->e != NULL ? m->e : archive_entry_clone(e);
		tarx_fail(x, x->n - 1, &f);
		return;
	}
	if (rv == TARW_KEPT) {
		m->state = NS_SKIPPED;
		x->st->skipped++;
		return;
	}
	if (rv == TARW_XATTR)
		tarx_warn_xattr(x, e, xerr);
	if (S_ISDIR(mode) && !link)
		return;			/* counted when finished */
	m->state = NS_DONE;
	x->pr.files++;
	x->st->files++;
	if (S_ISREG(mode) && !link)
		x->st->bytes += (uint64_t)archive_entry_size(e);
	if (x->o->verbose > 0)
		fprintf(x->o->json ? stderr : stdout, "%s\n", name);
}

/* Directory metadata at the end, deepest (latest) first; a directory
 * whose name a later member took is left alone. */
static void
finish_dirs(struct tarx *x)
{
	struct tarw_item it;
	struct fault f;
	struct member *m;
	size_t i;
	int rv, xerr;

	tarx_supersede(x);
	for (i = x->n; i-- > 0;) {
		m = &x->m[i];
		if (m->e == NULL || m->state != NS_PENDING || m->superseded ||
		    !S_ISDIR(archive_entry_mode(m->e)))
			continue;
		it.e = m->e;
		it.name = m->name;
		it.idx = (uint32_t)i;
		if ((rv = tarw_dir_end(&x->w, &it, m->dev, m->ino, &xerr,
		    &f)) == -1) {
			tarx_fail(x, i, &f);
			continue;
		}
		if (rv == TARW_XATTR)
			tarx_warn_xattr(x, m->e, xerr);
		m->state = NS_DONE;
		x->pr.files++;
		x->st->dirs++;
		if (x->o->verbose > 0)
			fprintf(x->o->json ? stderr : stdout, "%s\n", m->name);
	}
}

static struct archive *
open_archive(struct tarx *x)
{
	struct archive *a = archive_read_new();
	int r;

	if (a == NULL)
		errc(1, ENOMEM, "libarchive");
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	/* The descriptor the index read, from its start: stdin only once. */
	if ((r = archive_read_open_fd(a, x->afd, 65536)) != ARCHIVE_OK) {
		(void)tarx_archive_error(x, a, r == ARCHIVE_WARN ?
		    ARCHIVE_FATAL : r);
		(void)archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The next header: ARCHIVE_OK (or WARN, said) with *e, EOF, or FATAL. */
static int
next(struct tarx *x, struct archive *a, struct archive_entry **e)
{
	long retries = 0;
	bool resync = false;
	int r;

	for (;;) {
		if ((r = archive_read_next_header(a, e)) == ARCHIVE_OK ||
		    r == ARCHIVE_EOF)
			return r;
		/* libarchive retries block by block past a damaged header:
		 * one damaged region, one line. */
		if (r != ARCHIVE_RETRY || !resync)
			(void)tarx_archive_error(x, a, r);
		resync = r == ARCHIVE_RETRY;
		if (r == ARCHIVE_WARN)
			return ARCHIVE_OK;
		if (r == ARCHIVE_FATAL || ++retries == RETRIES)
			return ARCHIVE_FATAL;
		/* RETRY: skipped a damaged header; FAILED: this member */
	}
}

int
tarx_stream(struct tarx *x)
{
	struct archive_entry *e;
	struct archive *a;
	int stop = GO_ON;

	if ((a = open_archive(x)) == NULL)
		return 0;
	progress_start(&x->pr, x->o->progress, (uint64_t)x->asize, 0);
	while (stop == GO_ON && next(x, a, &e) == ARCHIVE_OK) {
		if (sig_caught() != 0)
			break;
		member(x, a, e, &stop);
		progress_update(&x->pr, (uint64_t)archive_filter_bytes(a, -1));
	}
	(void)archive_read_free(a);
	if (sig_caught() != 0)
		return sig_caught();
	finish_dirs(x);
	return 0;
}
