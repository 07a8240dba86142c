/*
 * Reading an archive's layout: libarchive parses each header; after it,
 * the reader's position (archive_filter_bytes on the uncompressed stream)
 * is where the member's data starts, and skipping the data is a seek.  A
 * member whose data would run past the end of the file is a truncated
 * archive: reported, and the index stops there.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "compat.h"
#include "quote.h"
#include "tarx.h"
#include "util.h"

/* Can this archive be read by offset? */
static bool
seekable_tar(struct archive *a, const struct stat *st)
{
	return S_ISREG(st->st_mode) && archive_filter_count(a) == 1 &&
	    archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE &&
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_TAR;
}

struct member *
tarx_add(struct tarx *x, struct archive_entry *e, bool keep_entry)
{
	struct member *m;

	if (x->n == x->cap)
		x->m = xreallocarray(x->m, x->cap = x->cap ? 2 * x->cap : 256,
		    sizeof(*x->m));
	m = &x->m[x->n++];
	memset(m, 0, sizeof(*m));
	m->tfd = -1;
	if (keep_entry && (m->e = archive_entry_clone(e)) == NULL)
		errc(1, ENOMEM, "index");
	return m;
}

void
tarx_supersede(struct tarx *x)
{
	size_t nslot, i, h, mask;
	uint32_t *slot;

	for (nslot = 16; nslot < 2 * x->n; nslot *= 2)
		;
	mask = nslot - 1;
	slot = xcalloc(nslot, sizeof(*slot));	/* index + 1; 0: empty */
	for (i = x->n; i-- > 0;) {		/* the last one first */
		if (x->m[i].name == NULL)
			continue;
		h = (size_t)XXH64(x->m[i].name, strlen(x->m[i].name), 0);
		for (;; h++) {
			if (slot[h & mask] == 0) {
				slot[h & mask] = (uint32_t)i + 1;
				break;
			}
			if (strcmp(x->m[slot[h & mask] - 1].name,
			    x->m[i].name) == 0) {
				x->m[i].superseded = true;
				break;
			}
		}
	}
	free(slot);
}

/* A member's data size from its header: 0 for what has none. */
static off_t
data_size(struct archive_entry *e)
{
	if (!archive_entry_size_is_set(e) || !S_ISREG(archive_entry_mode(e)) ||
	    archive_entry_hardlink(e) != NULL ||
	    archive_entry_hardlink_utf8(e) != NULL)
		return 0;
	return archive_entry_size(e);
}

/*
 * Walk the headers.  0, 1 (stream it), or -1 (reported).  What the walk
 * reports ends it with 0: an archive that is streamed after all (not a
 * plain tar file, a sparse member, a damaged header, a warning) is read
 * again from its start by the streamed pass, which says what is wrong
 * with it, so saying it here too would say it twice.
 */
static int
walk(struct tarx *x, struct archive *a, const struct stat *st)
{
	struct archive_entry *e;
	off_t data, size;
	int r;

	for (;;) {
		if ((r = archive_read_next_header(a, &e)) == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_FAILED) {
			(void)tarx_archive_error(x, a, r);
			return 0;
		}
		if (r != ARCHIVE_OK || !seekable_tar(a, st) ||
		    archive_entry_sparse_count(e) > 0)
			return 1;
		data = archive_filter_bytes(a, 0);
		size = data_size(e);
		if (data < 0 || size < 0 || size > x->asize - data) {
			tarx_refuse(x, e, "truncated archive: the member's "
			    "data runs past its end");
			return 0;
		}
		tarx_add(x, e, true)->data = data;
		if ((r = archive_read_data_skip(a)) < ARCHIVE_WARN) {
			(void)tarx_archive_error(x, a, r);
			return 0;
		}
	}
}

int
tarx_index(struct tarx *x)
{
	struct stat st;

	x->afd = strcmp(x->o->tar_path, "-") == 0 ?
	    fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0) :
	    open(x->o->tar_path, O_RDONLY | O_CLOEXEC);
	if (x->afd == -1 || fstat(x->afd, &st) == -1) {
		warn("%s", quote(x->o->tar_path));
		return -1;
	}
	x->asize = st.st_size;
	if (!S_ISREG(st.st_mode))
		return 1;	/* a pipe: read once, so streamed */
	return tarx_index_fd(x, &st);
}

int
tarx_index_fd(struct tarx *x, const struct stat *st)
{
	struct archive *a;
	int rv;

	x->ast = *st;
	if ((a = archive_read_new()) == NULL)
		errc(1, ENOMEM, "libarchive");
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	if ((rv = archive_read_open_fd(a, x->afd, 65536)) != ARCHIVE_OK) {
		(void)tarx_archive_error(x, a, rv == ARCHIVE_WARN ?
		    ARCHIVE_FATAL : rv);
		(void)archive_read_free(a);
		return -1;
	}
	rv = walk(x, a, st);
	(void)archive_read_free(a);
	/* The streamed pass reads the same descriptor from its start. */
	if (rv == 1 && lseek(x->afd, 0, SEEK_SET) == -1) {
		warn("%s", quote(x->o->tar_path));
		return -1;
	}
	return rv;
}
