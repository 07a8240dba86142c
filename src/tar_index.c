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

#include "compat.h"
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

static void
add(struct tarx *x, struct archive_entry *e, off_t data)
{
	struct member *m;

	if (x->n == x->cap)
		x->m = xreallocarray(x->m, x->cap = x->cap ? 2 * x->cap : 256,
		    sizeof(*x->m));
	m = &x->m[x->n++];
	memset(m, 0, sizeof(*m));
	if ((m->e = archive_entry_clone(e)) == NULL)
		errc(1, ENOMEM, "index");
	m->data = data;
}

/* Walk the headers.  0, 1 (stream it), or -1 (reported). */
static int
walk(struct tarx *x, struct archive *a, const struct stat *st)
{
	struct archive_entry *e;
	off_t data, size;
	int r;

	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		if (!seekable_tar(a, st) || archive_entry_sparse_count(e) > 0)
			return 1;
		data = archive_filter_bytes(a, 0);
		size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
		if (!S_ISREG(archive_entry_mode(e)) ||
		    archive_entry_hardlink(e) != NULL)
			size = 0;	/* no data of its own */
		if (data < 0 || size < 0 || size > x->asize - data) {
			tarx_refuse(x, e, "truncated archive: the member's "
			    "data runs past its end");
			return 0;
		}
		add(x, e, data);
		if (archive_read_data_skip(a) != ARCHIVE_OK)
			break;
	}
	if (r == ARCHIVE_EOF)
		return 0;
	warnx("%s: %s", x->o->tar_path, archive_error_string(a));
	x->status = 1;
	return 0;
}

int
tarx_index(struct tarx *x)
{
	struct archive *a;
	struct stat st;
	int rv;

	x->afd = strcmp(x->o->tar_path, "-") == 0 ? dup(STDIN_FILENO) :
	    open(x->o->tar_path, O_RDONLY | O_CLOEXEC);
	if (x->afd == -1 || fstat(x->afd, &st) == -1) {
		warn("%s", x->o->tar_path);
		return -1;
	}
	x->asize = st.st_size;
	if (!S_ISREG(st.st_mode))
		return 1;	/* a pipe: read once, so streamed */
	if ((a = archive_read_new()) == NULL)
		errc(1, ENOMEM, "libarchive");
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	if (archive_read_open_fd(a, x->afd, 65536) != ARCHIVE_OK) {
		warnx("%s: %s", x->o->tar_path, archive_error_string(a));
		(void)archive_read_free(a);
		return -1;
	}
	rv = walk(x, a, &st);
	(void)archive_read_free(a);
	return rv;
}
