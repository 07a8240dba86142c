/*
 * Temp file + rename, so that nothing is lost: the final name shows either
 * the old file or the complete new one, never a partial copy, and an
 * existing destination is untouched until the new copy is whole.  The temp
 * file lives in the destination's directory so rename(2) stays atomic
 * (same file system), and is created 0600 so that nobody reads a file whose
 * final permissions are not yet set.  A new file where none can be yet
 * (whole.c: in a directory this run made) is made unnamed instead
 * (O_TMPFILE) and linked under its final name once complete: the same
 * promise with no temp name to lock, sweep or rename.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xxhash.h>

#include "dest.h"
#include "journal.h"

/* DIR/.parcp.NAME + tail, NAME cut so that the whole fits NAME_MAX. */
static int
beside(const char *dst, const char *tail, int n, char *buf, size_t len)
{
	const char *slash = strrchr(dst, '/'), *base;
	int dlen, blen;

	base = slash ? slash + 1 : dst;
	dlen = (int)(base - dst);
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
dest_tmpname(const char *dst, pid_t pid, uint32_t node, char *buf,
    size_t len)
{
	char tail[32];
	int n;

	n = snprintf(tail, sizeof(tail), ".%ld.%lu", (long)pid,
	    (unsigned long)node);
	return beside(dst, tail, n, buf, len);
}

int
dest_partname(const char *dst, const char *ext, char *buf, size_t len)
{
	const char *slash = strrchr(dst, '/'), *base = slash ? slash + 1 : dst;
	char tail[48];
	int n;

	/* The hash tells apart long names cut to the same prefix. */
	n = snprintf(tail, sizeof(tail), ".%016llx.%s",
	    (unsigned long long)XXH64(base, strlen(base), 0), ext);
	return beside(dst, tail, n, buf, len);
}

/* This host, as 32 bits of its name's hash (0 if it has no name). */
static unsigned
host_tag(void)
{
	char name[HOST_NAME_MAX + 1] = "";

	if (gethostname(name, sizeof(name)) == -1)
		return 0;
	name[HOST_NAME_MAX] = '\0';
	return (unsigned)XXH32(name, strlen(name), 0);
}

/* Is s (n bytes) all hex digits? */
static bool
hex(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") >= n;
}

/*
 * Is the name's segment [host + 1, pid) a host tag after a run's random
 * token (.RANDOM.HOST.PID.IDX, dest_runname's)?  Other temp names
 * (.NAME.PID.IDX, dest_tmpname's) are made by this host's parent only.
 */
static bool
run_named(const char *name, const char *host, const char *pid)
{
	return pid - host == 9 && hex(host + 1, 8) && host - name > 17 &&
	    host[-17] == '.' && hex(host - 16, 16);
}

/*
 * Is name the temp file of a parcp that is no longer running?  Only a
 * run of this host can be judged (by its pid): one of another host that
 * shares the storage may well be alive.
 */
static bool
orphan(const char *name)
{
	const char *node = strrchr(name, '.'), *pid, *host;
	char *end;
	long v;

	if (node == NULL || node == name)
		return false;
	for (pid = node - 1; pid > name && *pid != '.'; pid--)
		;
	for (host = pid - 1; host > name && *host != '.'; host--)
		;
	errno = 0;
	v = strtol(pid + 1, &end, 10);
	if (end != node || v <= 0 || errno != 0)
		return false;
	if (run_named(name, host, pid) && (strtoul(host + 1, &end, 16) !=
	    host_tag() || end != pid))
		return false;	/* another host's run */
	return kill((pid_t)v, 0) == -1 && errno == ESRCH;
}

static bool
has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

/*
 * Is name in dir held by a live run?  A journal is held with its part
 * (the part's owner holds the part's lock).
 */
static bool
held_at(int dir, const char *name)
{
	char part[NAME_MAX + 1];
	size_t n = strlen(name);
	bool rv;
	int fd;

	if (has_ext(name, ".jnl") && n - 4 + 5 < sizeof(part)) {
		memcpy(part, name, n - 4);
		(void)strcpy(part + n - 4, ".part");
		name = part;
	}
	if ((fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC)) == -1)
		return false;
	rv = flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK;
	(void)close(fd);
	return rv;
}

/* --resume not asked for: what a journal about to go had kept. */
static void
discard(int dir, const char *name, uint64_t *discarded)
{
	if (discarded != NULL && has_ext(name, ".jnl"))
		*discarded += journal_kept(dir, name);
}

int
dest_sync_at(int dir, struct fault *f)
{
	int fd;

	if ((fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || fsync(fd) == -1) {
		fault_set(f, FAULT_SYNC);
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	(void)close(fd);
	return 0;
}

int
dest_rename_noreplace(int odir, const char *old, int ndir, const char *new)
{
	if (renameat2(odir, old, ndir, new, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
	/* No RENAME_NOREPLACE here: link(2) refuses an existing name too. */
	if (linkat(odir, old, ndir, new, 0) == -1)
		return -1;
	(void)unlinkat(odir, old, 0);
	return 0;
}

/*
 * Linking an unnamed file by descriptor (AT_EMPTY_PATH) needs
 * CAP_DAC_READ_SEARCH; without it, by its /proc/self/fd link, which is
 * the file itself only on procfs.  So that directory is opened once per
 * process (a forked worker's inherited one is its parent's table) and
 * held, checked to be procfs: a /proc somebody else made (in a chroot)
 * could otherwise hand the link any file of theirs.
 */
static bool by_proc;		/* AT_EMPTY_PATH was refused */

static int
proc_fds(void)
{
	static int pfd = -1;
	static pid_t pid;
	struct statfs sf;

	if (pfd != -1 && pid == getpid())
		return pfd;
	if (pfd != -1)
		(void)close(pfd);
	pid = getpid();
	if ((pfd = open("/proc/self/fd", O_PATH | O_DIRECTORY |
	    O_CLOEXEC)) != -1 && (fstatfs(pfd, &sf) == -1 ||
	    sf.f_type != PROC_SUPER_MAGIC)) {
		(void)close(pfd);
		pfd = -1;
	}
	return pfd;
}

/* fd sized to size (< 0: left empty): fd, or -1 with *f and fd closed. */
static int
sized(int fd, off_t size, struct fault *f)
{
	if (size >= 0 && ftruncate(fd, size) == -1) {
		fault_set(f, FAULT_TRUNCATE);
		(void)close(fd);
		return -1;
	}
	return fd;
}

int
dest_create_anon(int dir, off_t size, mode_t perm, struct fault *f)
{
	int fd;

	if (by_proc && proc_fds() == -1)
		return -2;		/* it could not be named */
	if ((fd = openat(dir, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, perm &
	    0777)) ==
	    -1) {
		/* EISDIR: a kernel without O_TMPFILE sees O_DIRECTORY. */
		if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
			return -2;
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	return sized(fd, size, f);
}

int
dest_create_new(int dir, const char *leaf, off_t size, mode_t perm,
    struct fault *f)
{
	int fd;

	if ((fd = openat(dir, leaf, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW |
	    O_CLOEXEC, perm & 0777)) == -1) {
		if (errno == EEXIST)
			return -2;
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	if ((fd = sized(fd, size, f)) == -1)
		(void)unlinkat(dir, leaf, 0);	/* made just now, by us */
	return fd;
}

/* fd's link in this process's /proc/self/fd, checked to be fd's file. */
static int
name_by_proc(int fd, int dir, const char *leaf)
{
	struct stat mine, there;
	char name[16];
	int pfd;

	if ((pfd = proc_fds()) == -1) {
		errno = ENOENT;
		return -1;
	}
	(void)snprintf(name, sizeof(name), "%d", fd);
	if (fstat(fd, &mine) == -1 || fstatat(pfd, name, &there, 0) == -1)
		return -1;
	if (mine.st_dev != there.st_dev || mine.st_ino != there.st_ino) {
		errno = ENOENT;		/* not our table: never linked */
		return -1;
	}
	return linkat(pfd, name, dir, leaf, AT_SYMLINK_FOLLOW);
}

int
dest_name_anon(int fd, int dir, const char *leaf)
{
	if (!by_proc) {
		if (linkat(fd, "", dir, leaf, AT_EMPTY_PATH) == 0)
			return 0;
		if (errno != ENOENT && errno != EPERM)
			return -1;
		by_proc = true;
	}
	return name_by_proc(fd, dir, leaf);
}

int
dest_commit_at(int dir, const char *tmp, const char *name, bool noreplace,
    struct fault *f)
{
	if (noreplace) {
		if (dest_rename_noreplace(dir, tmp, dir, name) == 0)
			return 0;
		if (errno == EEXIST) {
			(void)unlinkat(dir, tmp, 0);
			return 1;
		}
		fault_set(f, FAULT_RENAME);
		return -1;
	}
	if (renameat(dir, tmp, dir, name) == -1) {
		fault_set(f, FAULT_RENAME);
		return -1;
	}
	return 0;
}

void
dest_token(char *buf)
{
	uint64_t v = 0;
	struct timespec ts;

	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v)) {
		/* No entropy source: still distinct per run, if guessable. */
		(void)clock_gettime(CLOCK_REALTIME, &ts);
		v = XXH64(&ts, sizeof(ts), (uint64_t)getpid());
	}
	(void)snprintf(buf, DEST_TOKEN_SIZE, "%016llx.%08x",
	    (unsigned long long)v, host_tag());
}

int
dest_runname(const char *leaf, const char *token, pid_t pid, uint32_t idx,
    char *buf, size_t len)
{
	char tail[64];
	int n;

	n = snprintf(tail, sizeof(tail), ".%s.%ld.%lu", token, (long)pid,
	    (unsigned long)idx);
	return beside(leaf, tail, n, buf, len);
}

/* A temp regular file nobody holds, and not one just being made. */
static bool
unowned(int dir, const char *name)
{
	struct stat st;
	bool gone;
	int fd;

	if ((fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC)) == -1)
		return false;
	gone = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0;
	/*
	 * Between its creation and its flock a live run's temp is unlocked:
	 * spare it while that run is alive here, or for a few seconds.
	 */
	if (gone && !orphan(name) && time(NULL) - st.st_ctime < 3)
		gone = false;
	(void)close(fd);
	return gone;
}

/* Is the leftover name in dir (its lstat st) for this sweep to remove? */
static bool
leftover(int dir, const char *name, const struct stat *st, bool keep_parts)
{
	if (has_ext(name, ".part") || has_ext(name, ".jnl"))
		return !keep_parts && !held_at(dir, name);
	if (S_ISREG(st->st_mode))
		return unowned(dir, name);
	return !S_ISDIR(st->st_mode) && orphan(name);
}

int
dest_sweep_at(int dir, bool keep_parts, uint64_t *discarded)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd, n = 0;

	if ((fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			(void)close(fd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, DEST_TMP_PREFIX,
		    sizeof(DEST_TMP_PREFIX) - 1) != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ==
		    -1 || !leftover(dirfd(d), e->d_name, &st, keep_parts))
			continue;
		discard(dirfd(d), e->d_name, discarded);
		n += unlinkat(dirfd(d), e->d_name, 0) == 0;
	}
	(void)closedir(d);
	return n;
}

int
dest_create_at(int dir, const char *tmp, off_t size, struct fault *f)
{
	int fd, flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;

	if ((fd = openat(dir, tmp, flags, 0600)) == -1 && errno == EEXIST) {
		if (held_at(dir, tmp)) {	/* another run's: untouched */
			fault_setc(f, FAULT_OWNED, 0);
			return -1;
		}
		/* A part left by a run that is gone, or the temp of a worker
		 * of this run that died: nobody writes it any more.  Anything
		 * but a regular file is not ours: refused (EEXIST). */
		if (fstatat(dir, tmp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && unlinkat(dir, tmp, 0) == 0)
			fd = openat(dir, tmp, flags, 0600);
		else
			errno = EEXIST;
	}
	if (fd == -1) {
		fault_set(f, FAULT_CREATE);
		return -1;
	}
	/* Owned while open: a sweep of another run leaves it alone. */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		fault_set(f, FAULT_CREATE);
	else if (size >= 0 && ftruncate(fd, size) == -1)
		fault_set(f, FAULT_TRUNCATE);
	else
		return fd;
	(void)close(fd);
	(void)unlinkat(dir, tmp, 0);
	return -1;
}
