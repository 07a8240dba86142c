/*
 * Where --to-tar's archive goes.  Standard output ("-"), a FIFO or a
 * device is written in place, as a stream.  Anything else (a regular
 * file, a new name) gets a temp archive beside it that is renamed over it
 * only when whole, so FILE shows its old contents or the new archive,
 * never a part.
 *
 * Temp names carry parcp's pid and a token from getrandom(2), unique per
 * run and unguessable: DIR/.parcp.NAME.PID.TOKEN.  The run holds an
 * exclusive flock(2) on its temp from birth until the rename, and that
 * lock, not the pid, is what tells a live run's temp from a dead one's:
 * a pid says nothing on another host of a shared file system, and it may
 * have been reused.  So a run first sweeps the temps of FILE that nobody
 * holds.  To leave no instant in which a sweeper could see a temp
 * unlocked, the temp is made unnamed (O_TMPFILE), locked, and only then
 * linked under its name; where the file system cannot do that, it is
 * made by name and locked at once (XXX: a sweep in that instant removes
 * it, and the run then fails at its rename).
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dest.h"
#include "tarc.h"

#define TOKEN_DIGITS	16
#define TAIL_MAX	(1 + 10 + 1 + TOKEN_DIGITS)	/* ".PID.TOKEN" */
#define PREFIX_LEN	((int)sizeof(DEST_TMP_PREFIX) - 1)

/* path's directory part (up to its last slash) and its name, cut so that
 * a temp name made of it fits NAME_MAX. */
static void
split(const char *path, int *dlen, const char **base, int *blen)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	*dlen = (int)(*base - path);
	*blen = (int)strlen(*base);
	if (*blen > NAME_MAX - PREFIX_LEN - TAIL_MAX)
		*blen = NAME_MAX - PREFIX_LEN - TAIL_MAX;
}

/* The directory holding path, as a name open(2) takes. */
static int
dir_of(const char *path, char *buf, size_t len)
{
	const char *base;
	int dlen, blen, n;

	split(path, &dlen, &base, &blen);
	n = snprintf(buf, len, "%.*s", dlen ? dlen : 1, dlen ? path : ".");
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
tar_out_tmpname(const char *path, pid_t pid, uint64_t token, char *buf,
    size_t len)
{
	const char *base;
	int dlen, blen, n;

	split(path, &dlen, &base, &blen);
	n = snprintf(buf, len, "%.*s%s%.*s.%ld.%016llx", dlen, path,
	    DEST_TMP_PREFIX, blen, base, (long)pid, (unsigned long long)token);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Is name, by its form, a temp archive for the name base (blen bytes)? */
static bool
is_temp(const char *name, const char *base, int blen)
{
	const char *p;
	int i;

	if (strncmp(name, DEST_TMP_PREFIX, PREFIX_LEN) != 0 ||
	    strncmp(name + PREFIX_LEN, base, (size_t)blen) != 0 ||
	    name[PREFIX_LEN + blen] != '.')
		return false;
	p = name + PREFIX_LEN + blen + 1;
	for (i = 0; isdigit((unsigned char)p[i]); i++)
		;
	if (i == 0 || p[i] != '.')
		return false;
	p += i + 1;
	for (i = 0; isdigit((unsigned char)p[i]) ||
	    (p[i] >= 'a' && p[i] <= 'f'); i++)
		;
	return i == TOKEN_DIGITS && p[i] == '\0';
}

/* Remove the temp name in dfd if no run holds it (1 if removed). */
static int
reap(int dfd, const char *name)
{
	struct stat a, b;
	int fd, rv = 0;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return 0;
	/* still the file that was locked, when it is removed */
	if (fstat(fd, &a) == 0 && S_ISREG(a.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    fstatat(dfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		rv = unlinkat(dfd, name, 0) == 0;
	(void)close(fd);
	return rv;
}

int
tar_out_sweep(const char *path)
{
	char dir[PATH_MAX];
	const char *base;
	struct dirent *e;
	int dlen, blen, n = 0;
	DIR *d;

	split(path, &dlen, &base, &blen);
	if (blen == 0 || dir_of(path, dir, sizeof(dir)) == -1 ||
	    (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (is_temp(e->d_name, base, blen))
			n += reap(dirfd(d), e->d_name);
	(void)closedir(d);
	return n;
}

/* A new temp archive for out->path, locked before anyone can see it. */
static int
make_temp(struct tar_out *out, struct fault *f)
{
	char dir[PATH_MAX];
	uint64_t token;
	int fd;

	if (getrandom(&token, sizeof(token), 0) != (ssize_t)sizeof(token)) {
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	if (tar_out_tmpname(out->path, getpid(), token, out->tmp,
	    sizeof(out->tmp)) == -1 || dir_of(out->path, dir,
	    sizeof(dir)) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) != -1) {
		(void)flock(fd, LOCK_EX | LOCK_NB);	/* nobody else has it */
		if (dest_name_anon(fd, AT_FDCWD, out->tmp) == 0) {
			out->fd = fd;
			out->temp = true;
			return 0;
		}
		(void)close(fd);	/* no /proc, say: by name instead */
	}
	if ((fd = open(out->tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	out->fd = fd;
	out->temp = true;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		fault_set(f, FAULT_CREATE);
		tar_out_close(out);
		return -1;
	}
	return 0;
}

bool
tar_out_is_stream(const char *path)
{
	struct stat st;

	return strcmp(path, "-") == 0 || (stat(path, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
	    S_ISBLK(st.st_mode)));
}

int
tar_out_open(struct tar_out *out, const char *path, struct fault *f)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	out->path = path;
	if (strcmp(path, "-") == 0) {
		out->stream = true;
		if ((out->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)) ==
		    -1) {
			fault_set(f, FAULT_OPEN_DST);
			return -1;
		}
		return 0;
	}
	if (tar_out_is_stream(path)) {
		out->stream = true;
		/* a FIFO: this waits for its reader */
		if ((out->fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
			fault_set(f, FAULT_OPEN_DST);
			return -1;
		}
		return 0;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fault_setc(f, FAULT_CREATE, EISDIR);
		return -1;
	}
	(void)tar_out_sweep(path);
	return make_temp(out, f);
}

/* fsync the directory that holds path. */
static int
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, rv;

	if (dir_of(path, dir, sizeof(dir)) == -1 ||
	    (fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rv = fsync(fd);
	(void)close(fd);
	return rv;
}

/* A stream: its close is its last write. */
static int
close_stream(struct tar_out *out, struct fault *f)
{
	int rv = close(out->fd);

	out->fd = -1;
	out->committed = true;
	if (rv == -1 && errno != EINTR) {
		fault_set(f, FAULT_CLOSE_DST);
		return -1;
	}
	return 0;
}

int
tar_out_commit(struct tar_out *out, mode_t mode, bool durable,
    struct fault *f)
{
	int fd2;

	if (!out->temp)
		return close_stream(out, f);
	if (fchmod(out->fd, mode) == -1) {
		fault_set(f, FAULT_CHMOD);
		return -1;
	}
	if (durable && fsync(out->fd) == -1) {
		fault_set(f, FAULT_SYNC);
		return -1;
	}
	/*
	 * Every close(2) flushes (and reports a late write error, as NFS
	 * does); closing a duplicate keeps the lock until the rename.
	 */
	if ((fd2 = fcntl(out->fd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    close(fd2) == -1) {
		fault_set(f, FAULT_CLOSE_DST);
		return -1;
	}
	if (rename(out->tmp, out->path) == -1) {
		fault_set(f, FAULT_RENAME);
		return -1;
	}
	out->committed = true;
	if (durable && sync_dir(out->path) == -1) {
		fault_set(f, FAULT_SYNC);
		return -1;
	}
	return 0;
}

void
tar_out_close(struct tar_out *out)
{
	/* removed while still locked: no sweeper can race for it */
	if (out->temp && !out->committed)
		(void)unlink(out->tmp);
	if (out->fd != -1)
		(void)close(out->fd);
	out->fd = -1;
}
