/*
 * Temp file + rename, so that nothing is lost: the final name shows either
 * the old file or the complete new one, never a partial copy, and an
 * existing destination is untouched until the new copy is whole.  The temp
 * file lives in the destination's directory so rename(2) stays atomic
 * (same file system), and is created 0600 so that nobody reads a file whose
 * final permissions are not yet set.
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

#include "dest.h"
#include "util.h"

/* Room in a name for the prefix and mkstemp's ".XXXXXX". */
#define TMP_OVERHEAD	(sizeof(DEST_TMP_PREFIX) - 1 + 7)

static char *
tmp_template(const char *dst)
{
	char *dir, *base, *name, *path;
	size_t blen;

	dir = xpath_dir(dst);
	base = xpath_base(dst);
	blen = strlen(base);
	if (blen > NAME_MAX - TMP_OVERHEAD)
		blen = NAME_MAX - TMP_OVERHEAD;
	name = xmalloc(TMP_OVERHEAD + blen + 1);
	(void)snprintf(name, TMP_OVERHEAD + blen + 1, "%s%.*s.XXXXXX",
	    DEST_TMP_PREFIX, (int)blen, base);
	path = xpath_join(dir, name);
	free(dir);
	free(base);
	free(name);
	return path;
}

int
dest_create(struct file *f, struct fault *flt)
{
	int fd;

	f->tmp = tmp_template(f->dst);
	if ((fd = mkostemp(f->tmp, O_CLOEXEC)) == -1) {
		fault_set(flt, FAULT_CREATE);
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	if (ftruncate(fd, f->size) == -1) {
		fault_set(flt, FAULT_TRUNCATE);
		(void)close(fd);
		dest_discard(f);
		return -1;
	}
	if (close(fd) == -1) {
		fault_set(flt, FAULT_CLOSE_DST);
		dest_discard(f);
		return -1;
	}
	return 0;
}

int
dest_commit(struct file *f, mode_t mode, struct fault *flt)
{
	if (chmod(f->tmp, mode) == -1) {
		fault_set(flt, FAULT_CHMOD);
		return -1;
	}
	if (rename(f->tmp, f->dst) == -1) {
		fault_set(flt, FAULT_RENAME);
		return -1;
	}
	free(f->tmp);
	f->tmp = NULL;
	return 0;
}

void
dest_discard(struct file *f)
{
	if (f->tmp == NULL)
		return;
	(void)unlink(f->tmp);
	free(f->tmp);
	f->tmp = NULL;
}
