/*
 * Backups of replaced destinations (--backup, -S), named as cp names
 * them.  A numbered backup's number is one more than the highest
 * NAME.~N~ in NAME's directory, read with getdents64(2) into a buffer on
 * the stack: workers call this, and they allocate nothing.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "dest.h"

/* N of "BASE.~N~", or 0 when name is not a numbered backup of base. */
static uintmax_t
number_of(const char *name, const char *base, size_t blen)
{
	uintmax_t n = 0;
	const char *p;

	if (strncmp(name, base, blen) != 0 || strncmp(name + blen, ".~", 2))
		return 0;
	for (p = name + blen + 2; *p >= '0' && *p <= '9'; p++) {
		if (n > (UINTMAX_MAX - 9) / 10)
			return 0;
		n = n * 10 + (uintmax_t)(*p - '0');
	}
	if (p == name + blen + 2 || p[0] != '~' || p[1] != '\0' ||
	    name[blen + 2] == '0')
		return 0;
	return n;
}

/* The highest N of dir's BASE.~N~ into *max (0: none).  0, or -1. */
static int
highest(int dir, const char *base, uintmax_t *max)
{
	char buf[8192];
	struct dirent64 *d;
	size_t blen = strlen(base);
	ssize_t got, off;
	uintmax_t n;
	int fd;

	*max = 0;
	if ((fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	while ((got = getdents64(fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < got; off += d->d_reclen) {
			d = (struct dirent64 *)(void *)(buf + off);
			if ((n = number_of(d->d_name, base, blen)) > *max)
				*max = n;
		}
	(void)close(fd);
	return got == -1 ? -1 : 0;
}

int
backup_name(int dir, const char *leaf, const struct backup_how *b,
    bool last, char *buf, size_t len)
{
	uintmax_t max = 0;
	int n;

	if (b->kind != BACKUP_SIMPLE && highest(dir, leaf, &max) == -1)
		return -1;
	if (b->kind == BACKUP_SIMPLE || (b->kind == BACKUP_EXISTING &&
	    max == 0))
		n = snprintf(buf, len, "%s%s", leaf, b->suffix);
	else
		n = snprintf(buf, len, "%s.~%ju~", leaf, last ? max : max + 1);
	if (n < 0 || (size_t)n >= len || (size_t)n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
backup_commit(int dir, const char *tmp, const char *leaf, bool noreplace,
    const struct backup_how *b, struct fault *f)
{
	char bak[NAME_MAX + 1];
	struct stat st;

	if (b->kind == BACKUP_NONE || fstatat(dir, leaf, &st,
	    AT_SYMLINK_NOFOLLOW) == -1 || S_ISDIR(st.st_mode))
		return dest_commit_at(dir, tmp, leaf, noreplace, f);
	if (backup_name(dir, leaf, b, false, bak, sizeof(bak)) == -1 ||
	    renameat(dir, leaf, dir, bak) == -1) {
		fault_set(f, FAULT_RENAME);
		return -1;
	}
	/*
	 * A crash here leaves the backup and no file under leaf: the new
	 * copy is still in its temp (a split file's part, which --resume
	 * finishes).  cp's own window is the same, between its rename and
	 * its create.
	 */
	if (renameat(dir, tmp, dir, leaf) == -1) {
		fault_set(f, FAULT_RENAME);
		(void)renameat(dir, bak, dir, leaf);	/* the old one back */
		return -1;
	}
	return BACKUP_MADE;
}
