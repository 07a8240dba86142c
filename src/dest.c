/*
 * Temp file + rename, so that nothing is lost: the final name shows either
 * the old file or the complete new one, never a partial copy, and an
 * existing destination is untouched until the new copy is whole.  The temp
 * file lives in the destination's directory so rename(2) stays atomic
 * (same file system), and is created 0600 so that nobody reads a file whose
 * final permissions are not yet set.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dest.h"

int
dest_tmpname(const char *dst, pid_t pid, uint32_t node, char *buf,
    size_t len)
{
	const char *slash = strrchr(dst, '/'), *base;
	char tail[32];
	int dlen, blen, n;

	base = slash ? slash + 1 : dst;
	dlen = (int)(base - dst);
	n = snprintf(tail, sizeof(tail), ".%ld.%lu", (long)pid,
	    (unsigned long)node);
	blen = (int)strlen(base);
	if (blen > NAME_MAX - (int)sizeof(DEST_TMP_PREFIX) + 1 - n)
		blen = NAME_MAX - (int)sizeof(DEST_TMP_PREFIX) + 1 - n;
	n = snprintf(buf, len, "%.*s%s%.*s%s", dlen, dst, DEST_TMP_PREFIX,
	    blen, base, tail);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
dest_create(const char *tmp, off_t size, struct fault *f)
{
	int fd, flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;

	if ((fd = open(tmp, flags, 0600)) == -1 && errno == EEXIST &&
	    unlink(tmp) == 0)		/* left by a worker that died */
		fd = open(tmp, flags, 0600);
	if (fd == -1) {
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	if (size >= 0 && ftruncate(fd, size) == -1) {
		fault_set(f, FAULT_TRUNCATE);
		(void)close(fd);
		(void)unlink(tmp);
		return -1;
	}
	return fd;
}

int
dest_commit(const char *tmp, const char *dst, bool noreplace,
    struct fault *f)
{
	if (noreplace) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE)
		    == 0)
			return 0;
		if (errno == EEXIST) {
			(void)unlink(tmp);
			return 1;
		}
		fault_set(f, FAULT_RENAME);
		return -1;
	}
	if (rename(tmp, dst) == -1) {
		fault_set(f, FAULT_RENAME);
		return -1;
	}
	return 0;
}
