/*
 * Resolution beneath a directory descriptor.  The fast path is one
 * openat2(2) call; the walk is the fallback for kernels (or seccomp
 * filters) without it, and the way missing directories are made: each
 * component is opened relative to the one before with O_NOFOLLOW, so a
 * symlink anywhere on the way stops the walk.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "beneath.h"

#define DIR_FLAGS	(O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
/* Cleared the first time the kernel says it has no openat2. */
static bool have_openat2 = true;

/* 0 or more: the descriptor; -1 with errno; -2: use the walk. */
static int
open2(int root, const char *rel, int flags, mode_t mode)
{
	struct open_how how;
	long fd;
	int tries;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC);
	/* O_TMPFILE holds O_DIRECTORY's bit: test all of it */
	how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ?
	    mode : 0;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
	    RESOLVE_NO_MAGICLINKS;
	if (!have_openat2)
		return -2;
	/* EAGAIN: a rename elsewhere raced the lookup; it is safe to retry. */
	for (tries = 0; tries < 16; tries++) {
		fd = syscall(SYS_openat2, root, rel, &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN)
			break;
	}
	if (errno == ENOSYS || errno == EPERM || errno == E2BIG) {
		have_openat2 = false;	/* old kernel, or a filter */
		return -2;
	}
	return -1;
}
void
beneath_walk_only(void)
{
	have_openat2 = false;
}
#else
void
beneath_walk_only(void)
{
}

static int
open2(int root, const char *rel, int flags, mode_t mode)
{
	(void)root; (void)rel; (void)flags; (void)mode;
	return -2;
}
#endif

/*
 * After an O_NOFOLLOW | O_DIRECTORY open of name in dir failed with err:
 * ELOOP if name is a symlink, else err (ENOTDIR for a file).
 */
static int
why_not_dir(int dir, const char *name, int err)
{
	struct stat st;

	if ((err == ELOOP || err == ENOTDIR) &&
	    fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR;
	return err;
}

/* The next component of *p (skipping "/" and "."), into name.  1, 0 at
 * the end, or -1 with errno (EINVAL for "..", ENAMETOOLONG). */
static int
component(const char **p, const char *end, char *name)
{
	const char *s;
	size_t n;

	for (;;) {
		while (*p < end && **p == '/')
			(*p)++;
		if (*p == end)
			return 0;
		for (s = *p; s < end && *s != '/'; s++)
			;
		n = (size_t)(s - *p);
		if (n > NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(name, *p, n);
		name[n] = '\0';
		*p = s;
		if (n == 2 && name[0] == '.' && name[1] == '.') {
			errno = EINVAL;
			return -1;
		}
		if (n != 1 || name[0] != '.')
			return 1;
	}
}

/* Step from directory fd into its entry name (made when make). */
static int
step(int fd, const char *name, bool make, mode_t mode, bool *made)
{
	int nfd;

	*made = false;
	if ((nfd = openat(fd, name, DIR_FLAGS)) != -1 || errno != ENOENT ||
	    !make)
		return nfd != -1 ? nfd : (errno = why_not_dir(fd, name,
		    errno), -1);
	if (mkdirat(fd, name, mode) == 0)
		*made = true;
	else if (errno != EEXIST)	/* EEXIST: made by someone else */
		return -1;
	if ((nfd = openat(fd, name, DIR_FLAGS)) == -1)
		errno = why_not_dir(fd, name, errno);
	return nfd;
}

/* The walk: the directory rel[0, len) beneath root. */
static int
walk(int root, const char *rel, size_t len, bool make, mode_t mode,
    bool *made)
{
	char name[NAME_MAX + 1];
	const char *p = rel, *end = rel + len;
	int fd, nfd, r, saved;

	*made = false;
	if ((fd = openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	while ((r = component(&p, end, name)) == 1) {
		nfd = step(fd, name, make, mode, made);
		saved = errno;
		(void)close(fd);
		if ((fd = nfd) == -1) {
			errno = saved;
			return -1;
		}
	}
	if (r == -1) {
		saved = errno;
		(void)close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
beneath_dir(int root, const char *rel, size_t len, bool make, mode_t mode,
    bool *made)
{
	char path[PATH_MAX];
	bool dummy;
	int fd;

	if (made == NULL)
		made = &dummy;
	*made = false;
	if (len > 0 && rel[0] == '/') {
		errno = EINVAL;
		return -1;
	}
	if (len == 0)
		return openat(root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (len < sizeof(path)) {
		memcpy(path, rel, len);
		path[len] = '\0';
		if ((fd = open2(root, path, O_RDONLY | O_DIRECTORY, 0)) >= 0)
			return fd;
		/* The walk makes what is missing, and tells a symlink
		 * (ELOOP) from a file (ENOTDIR) on the way. */
		if (fd == -1 && !(errno == ENOENT && make) &&
		    errno != ENOTDIR && errno != ELOOP)
			return -1;
	}
	return walk(root, rel, len, make, mode, made);
}

int
beneath_open(int root, const char *rel, int flags, mode_t mode)
{
	const char *slash = strrchr(rel, '/'), *leaf;
	int fd, dfd, saved;

	if (rel[0] == '/') {
		errno = EINVAL;
		return -1;
	}
	if (strlen(rel) < PATH_MAX &&
	    (fd = open2(root, rel, flags, mode)) != -2)
		return fd;
	leaf = slash ? slash + 1 : rel;
	if (strcmp(leaf, "..") == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((dfd = beneath_dir(root, rel, slash ? (size_t)(slash - rel) : 0,
	    false, 0, NULL)) == -1)
		return -1;
	fd = openat(dfd, *leaf ? leaf : ".", flags | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	saved = errno;
	(void)close(dfd);
	errno = saved;
	return fd;
}
