/*
 * faultshim: an LD_PRELOAD library for the end-to-end tests.  It wraps
 * pread/pwrite and copy_file_range (so every engine is covered: reads are
 * its source side, writes its destination side) and injects one kind of
 * fault chosen by the environment:
 *
 *   PARCP_SHIM_KILL_AT=OFF     the process reading byte OFF dies (SIGKILL)
 *   PARCP_SHIM_KILL_ONCE=PATH  ...but only the first one: PATH is created
 *                              as a marker (O_EXCL), later readers live
 *   PARCP_SHIM_KILL_READING=PAT the process reading a file whose path
 *                              matches PAT dies (SIGKILL); with KILL_ONCE,
 *                              only the first
 *   PARCP_SHIM_EIO_AT=OFF      a read covering byte OFF fails with EIO
 *   PARCP_SHIM_INT_AT=OFF      the process reading byte OFF gets SIGINT
 *                              (raised in itself; the read goes on)
 *   PARCP_SHIM_ENOSPC_AT=OFF   a write covering byte OFF fails with ENOSPC
 *   PARCP_SHIM_CORRUPT_AT=OFF  a pwrite covering byte OFF writes it with
 *                              its bits flipped (silent corruption)
 *   PARCP_SHIM_CORRUPT_ONCE=PATH ...but only the first such write: PATH is
 *                              created as a marker (O_EXCL)
 *   PARCP_SHIM_SYNC_LOG=PATH   each fsync/fdatasync appends a line naming
 *                              the call and the file it synced to PATH
 *   PARCP_SHIM_SYNC_FAIL=N     the Nth fsync or fdatasync fails with EIO
 *   PARCP_SHIM_SLOW_US=N       every read first sleeps N microseconds
 *   PARCP_SHIM_SLOW_READ_US=N  every read(2) (libarchive's, of an archive)
 *                              first sleeps N microseconds
 *   PARCP_SHIM_TRUNCATE=P:SIZE the first read truncates file P to SIZE
 *                              (smaller: the source shrinks; larger: grows)
 *   PARCP_SHIM_UNLINK=P        the first read removes file P (it vanishes)
 *   PARCP_SHIM_READ_FAIL=PAT:N the Nth read (pread, copy_file_range) of a
 *                              file whose path matches the fnmatch(3)
 *                              pattern PAT fails with EIO
 *   PARCP_SHIM_WRITE_FAIL=PAT:N the Nth write (write, pwrite,
 *                              copy_file_range) to such a file fails with
 *                              ENOSPC
 *   PARCP_SHIM_SHORT_READ=N    every pread (and copy_file_range) of a
 *                              regular file moves at most N bytes
 *   PARCP_SHIM_SHORT_WRITE=N   every pwrite, write (and copy_file_range) to
 *                              a regular file moves at most N bytes (short
 *                              transfers, as a signal or a quota makes
 *                              them)
 *   PARCP_SHIM_ZERO_WRITE=PAT  the first pwrite or write to a file matching
 *                              PAT returns 0 (nothing written, no error)
 *   PARCP_SHIM_CFR_ERRNO=E     copy_file_range always fails with errno E
 *                              (a number: 18 EXDEV, 38 ENOSYS, 95 ...)
 *   PARCP_SHIM_DIE_AFTER_RESULT=PATH a worker dies (SIGKILL) right after
 *                              its first report: the one-byte wake-up it
 *                              writes to the parent's pipe once its
 *                              results are published; PATH is made as a
 *                              marker (O_EXCL), so only one worker dies
 *   PARCP_SHIM_RENAME_EINVAL=1 renameat2 with flags fails with EINVAL, as
 *                              on a file system without RENAME_NOREPLACE
 *   PARCP_SHIM_NO_TMPFILE=1    openat with O_TMPFILE fails with EOPNOTSUPP,
 *                              as on a file system without unnamed files
 *   PARCP_SHIM_NAME_ERRNO=E    naming an unnamed file (linkat with
 *                              AT_EMPTY_PATH, or AT_SYMLINK_FOLLOW through
 *                              /proc/self/fd) under its final name (not a
 *                              .parcp. temp's) fails with errno E (17
 *                              EEXIST: the name was taken meanwhile)
 *   PARCP_SHIM_NO_EMPTY_PATH=1 linkat with AT_EMPTY_PATH fails with ENOENT,
 *                              as without CAP_DAC_READ_SEARCH
 *   PARCP_SHIM_NOT_PROCFS=1    fstatfs says tmpfs where it is procfs (a
 *                              /proc that is not the kernel's)
 *   PARCP_SHIM_PROC_OTHER=1    fstatat of an entry of /proc/self/fd (seen
 *                              as /proc/PID/fd) shows another inode, as a
 *                              /proc whose table is not this process's
 *   PARCP_SHIM_CLOSE_FAIL=PAT  close of a regular file whose path matches
 *                              PAT closes it, then fails with EIO, as a
 *                              network file system's write-back at close
 *                              (and fstatfs says NFS but for procfs and
 *                              sysfs: a file system whose close can fail)
 *   PARCP_SHIM_SEEK_FAIL=PAT   lseek SEEK_DATA or SEEK_HOLE on a file whose
 *                              path matches PAT fails with EIO (a network
 *                              or FUSE file system's extent query failing)
 * "First" and "Nth" count in each process (a worker counts its own).  A
 * file made with O_TMPFILE keeps the path "DIR/#INODE (deleted)" after it
 * is linked: match such a file by its directory ("DIR/" then "*").
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef ssize_t	pread_fn(int, void *, size_t, off_t);
typedef ssize_t	pwrite_fn(int, const void *, size_t, off_t);
typedef ssize_t	cfr_fn(int, off_t *, int, off_t *, size_t, unsigned int);
typedef ssize_t	write_fn(int, const void *, size_t);

static int	reads_seen, writes_seen;	/* on matching files */
static bool	zero_done;

/* Does fd's path (as /proc shows it) match the fnmatch(3) pattern? */
static bool
fd_matches(int fd, const char *pat)
{
	char proc[64], path[4096];
	ssize_t n;

	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, path, sizeof(path) - 1)) < 0)
		return false;
	path[n] = '\0';
	return fnmatch(pat, path, 0) == 0;
}

/* PARCP_SHIM_SHORT_READ/WRITE (var): len cut to N on a regular file
 * (never a pipe: the workers' result records must stay whole). */
static size_t
shorten(const char *var, int fd, size_t len)
{
	const char *v = getenv(var);
	struct stat st;
	size_t n;

	if (v == NULL || (n = (size_t)strtoull(v, NULL, 10)) == 0 ||
	    len <= n || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return len;
	return n;
}

/* PARCP_SHIM_ZERO_WRITE: this write to fd returns 0, once. */
static bool
zero_write(int fd)
{
	const char *pat = getenv("PARCP_SHIM_ZERO_WRITE");

	if (pat == NULL || zero_done || !fd_matches(fd, pat))
		return false;
	zero_done = true;
	return true;
}

static bool
covers(const char *var, off_t off, size_t len)
{
	const char *v = getenv(var);
	long long at;

	if (v == NULL)
		return false;
	at = strtoll(v, NULL, 10);
	return at >= off && at < off + (off_t)len;
}

static void
truncate_once(void)
{
	static bool done;
	const char *v = getenv("PARCP_SHIM_TRUNCATE");
	char path[4096];
	const char *colon;

	if (done || v == NULL || (colon = strrchr(v, ':')) == NULL ||
	    (size_t)(colon - v) >= sizeof(path))
		return;
	done = true;
	memcpy(path, v, (size_t)(colon - v));
	path[colon - v] = '\0';
	(void)truncate(path, strtoll(colon + 1, NULL, 10));
}

static void
unlink_once(void)
{
	static bool done;
	const char *v = getenv("PARCP_SHIM_UNLINK");

	if (done || v == NULL)
		return;
	done = true;
	(void)unlink(v);
}

/* var=PAT:N: is this call on fd the Nth on a file whose path matches? */
static bool
nth_on(const char *var, int fd, int *seen)
{
	const char *v = getenv(var), *colon;
	char pat[4096];

	if (v == NULL || (colon = strrchr(v, ':')) == NULL ||
	    (size_t)(colon - v) >= sizeof(pat))
		return false;
	memcpy(pat, v, (size_t)(colon - v));
	pat[colon - v] = '\0';
	if (!fd_matches(fd, pat))
		return false;
	return ++*seen == atoi(colon + 1);
}

/* With a marker variable set, only the first caller (it makes PATH). */
static bool
first(const char *var)
{
	const char *marker = getenv(var);
	int fd;

	if (marker == NULL)
		return true;
	if ((fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return false;
	(void)close(fd);
	return true;
}

/* The read side's faults for [off, off + len): 0, or -1 with errno. */
static int
read_faults(int fd, off_t off, size_t len)
{
	const char *slow = getenv("PARCP_SHIM_SLOW_US");

	if (slow != NULL)
		(void)usleep((useconds_t)atoi(slow));
	truncate_once();
	unlink_once();
	if (nth_on("PARCP_SHIM_READ_FAIL", fd, &reads_seen)) {
		errno = EIO;
		return -1;
	}
	if (covers("PARCP_SHIM_KILL_AT", off, len) &&
	    first("PARCP_SHIM_KILL_ONCE"))
		(void)raise(SIGKILL);
	if (getenv("PARCP_SHIM_KILL_READING") != NULL &&
	    fd_matches(fd, getenv("PARCP_SHIM_KILL_READING")) &&
	    first("PARCP_SHIM_KILL_ONCE"))
		(void)raise(SIGKILL);
	if (covers("PARCP_SHIM_INT_AT", off, len))
		(void)raise(SIGINT);	/* then read on: the stop comes after */
	if (covers("PARCP_SHIM_EIO_AT", off, len)) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int
write_faults(int fd, off_t off, size_t len)
{
	if (nth_on("PARCP_SHIM_WRITE_FAIL", fd, &writes_seen)) {
		errno = ENOSPC;
		return -1;
	}
	if (covers("PARCP_SHIM_ENOSPC_AT", off, len)) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

static ssize_t
shim_pread(const char *sym, int fd, void *buf, size_t len, off_t off)
{
	pread_fn *real = (pread_fn *)dlsym(RTLD_NEXT, sym);

	if (read_faults(fd, off, len) == -1)
		return -1;
	return real(fd, buf, shorten("PARCP_SHIM_SHORT_READ", fd, len), off);
}

static ssize_t
shim_pwrite(const char *sym, int fd, const void *buf, size_t len, off_t off)
{
	pwrite_fn *real = (pwrite_fn *)dlsym(RTLD_NEXT, sym);

	const char *at = getenv("PARCP_SHIM_CORRUPT_AT");
	char *bad;
	ssize_t n;

	if (write_faults(fd, off, len) == -1)
		return -1;
	if (zero_write(fd))
		return 0;
	len = shorten("PARCP_SHIM_SHORT_WRITE", fd, len);
	if (!covers("PARCP_SHIM_CORRUPT_AT", off, len) ||
	    !first("PARCP_SHIM_CORRUPT_ONCE") || (bad = malloc(len)) == NULL)
		return real(fd, buf, len, off);
	memcpy(bad, buf, len);
	bad[strtoll(at, NULL, 10) - off] ^= 0xff;
	n = real(fd, bad, len, off);
	free(bad);
	return n;
}

ssize_t	copy_file_range(int, off_t *, int, off_t *, size_t, unsigned int);
ssize_t	pread(int, void *, size_t, off_t);
ssize_t	pread64(int, void *, size_t, off_t);
ssize_t	pwrite(int, const void *, size_t, off_t);
ssize_t	pwrite64(int, const void *, size_t, off_t);

ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	return shim_pread("pread", fd, buf, len, off);
}

ssize_t
pread64(int fd, void *buf, size_t len, off_t off)
{
	return shim_pread("pread64", fd, buf, len, off);
}

ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return shim_pwrite("pwrite", fd, buf, len, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return shim_pwrite("pwrite64", fd, buf, len, off);
}

/* With explicit offsets only, as parcp calls it. */
ssize_t
copy_file_range(int in, off_t *ioff, int out, off_t *ooff, size_t len,
    unsigned int flags)
{
	cfr_fn *real = (cfr_fn *)dlsym(RTLD_NEXT, "copy_file_range");
	const char *e = getenv("PARCP_SHIM_CFR_ERRNO");

	if (e != NULL) {
		errno = atoi(e);
		return -1;
	}
	len = shorten("PARCP_SHIM_SHORT_WRITE", out,
	    shorten("PARCP_SHIM_SHORT_READ", in, len));
	if (ioff != NULL && read_faults(in, *ioff, len) == -1)
		return -1;
	if (ooff != NULL && write_faults(out, *ooff, len) == -1)
		return -1;
	return real(in, ioff, out, ooff, len, flags);
}

ssize_t	write(int, const void *, size_t);

/* A worker's report: a one-byte wake-up (pool.c). */
#define REPORT_SIZE	1

typedef ssize_t	read_fn(int, void *, size_t);
ssize_t	read(int, void *, size_t);

/* A slow archive for --from-tar's streamed pass: PARCP_SHIM_SLOW_READ_US. */
ssize_t
read(int fd, void *buf, size_t len)
{
	read_fn *real = (read_fn *)dlsym(RTLD_NEXT, "read");
	const char *slow = getenv("PARCP_SHIM_SLOW_READ_US");

	if (slow != NULL)
		(void)usleep((useconds_t)atoi(slow));
	return real(fd, buf, len);
}

/* Streams (a compressed archive, a pipe): only PARCP_SHIM_WRITE_FAIL. */
ssize_t
write(int fd, const void *buf, size_t len)
{
	struct stat st;
	ssize_t n;

	write_fn *real = (write_fn *)dlsym(RTLD_NEXT, "write");

	if (nth_on("PARCP_SHIM_WRITE_FAIL", fd, &writes_seen)) {
		errno = ENOSPC;
		return -1;
	}
	if (zero_write(fd))
		return 0;
	n = real(fd, buf, shorten("PARCP_SHIM_SHORT_WRITE", fd, len));
	if (n == (ssize_t)REPORT_SIZE && fstat(fd, &st) == 0 &&
	    S_ISFIFO(st.st_mode) && getenv("PARCP_SHIM_DIE_AFTER_RESULT") !=
	    NULL && first("PARCP_SHIM_DIE_AFTER_RESULT"))
		(void)raise(SIGKILL);	/* its results are with the parent */
	return n;
}

typedef int	renameat2_fn(int, const char *, int, const char *, unsigned);
int	renameat2(int, const char *, int, const char *, unsigned);

int
renameat2(int ofd, const char *old, int nfd, const char *new, unsigned flags)
{
	renameat2_fn *real = (renameat2_fn *)dlsym(RTLD_NEXT, "renameat2");

	if (flags != 0 && getenv("PARCP_SHIM_RENAME_EINVAL") != NULL) {
		errno = EINVAL;
		return -1;
	}
	return real(ofd, old, nfd, new, flags);
}

typedef int	openat_fn(int, const char *, int, ...);
int	openat(int, const char *, int, ...);
int	openat64(int, const char *, int, ...);

static int
shim_openat(const char *sym, int dir, const char *path, int flags,
    mode_t mode)
{
	static openat_fn *reals[2];
	openat_fn **real = &reals[strcmp(sym, "openat") != 0];

	if (*real == NULL)	/* every open passes here: look it up once */
		*real = (openat_fn *)dlsym(RTLD_NEXT, sym);
	if ((flags & O_TMPFILE) == O_TMPFILE &&
	    getenv("PARCP_SHIM_NO_TMPFILE") != NULL) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return (*real)(dir, path, flags, mode);
}

int
openat(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return shim_openat("openat", dir, path, flags, mode);
}

int
openat64(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return shim_openat("openat64", dir, path, flags, mode);
}

typedef int	linkat_fn(int, const char *, int, const char *, int);
int	linkat(int, const char *, int, const char *, int);

int
linkat(int ofd, const char *old, int nfd, const char *new, int flags)
{
	linkat_fn *real = (linkat_fn *)dlsym(RTLD_NEXT, "linkat");
	const char *e = getenv("PARCP_SHIM_NAME_ERRNO");

	(void)old;
	if (flags & (AT_EMPTY_PATH | AT_SYMLINK_FOLLOW)) {
		if (e != NULL && strncmp(new, ".parcp.", 7) != 0) {
			errno = atoi(e);
			return -1;
		}
		if ((flags & AT_EMPTY_PATH) &&
		    getenv("PARCP_SHIM_NO_EMPTY_PATH") != NULL) {
			errno = ENOENT;
			return -1;
		}
	}
	return real(ofd, old, nfd, new, flags);
}

typedef int	fstatfs_fn(int, struct statfs *);
int	fstatfs(int, struct statfs *);

int
fstatfs(int fd, struct statfs *sf)
{
	static fstatfs_fn *real;
	int rv;

	if (real == NULL)
		real = (fstatfs_fn *)dlsym(RTLD_NEXT, "fstatfs");
	rv = real(fd, sf);
	if (rv == 0 && sf->f_type == PROC_SUPER_MAGIC &&
	    getenv("PARCP_SHIM_NOT_PROCFS") != NULL)
		sf->f_type = TMPFS_MAGIC;
	else if (rv == 0 && sf->f_type != PROC_SUPER_MAGIC &&
	    sf->f_type != SYSFS_MAGIC &&
	    getenv("PARCP_SHIM_CLOSE_FAIL") != NULL)
		sf->f_type = NFS_SUPER_MAGIC;
	return rv;
}

typedef off_t	lseek_fn(int, off_t, int);
off_t	lseek(int, off_t, int);
off_t	lseek64(int, off_t, int);

/* Only the extent queries fail: a plain seek (SEEK_SET, SEEK_END) is
 * what libarchive and the journal use, and is left alone. */
static off_t
shim_lseek(const char *sym, int fd, off_t off, int whence)
{
	lseek_fn *real = (lseek_fn *)dlsym(RTLD_NEXT, sym);
	const char *pat = getenv("PARCP_SHIM_SEEK_FAIL");

	if (pat != NULL && (whence == SEEK_DATA || whence == SEEK_HOLE) &&
	    fd_matches(fd, pat)) {
		errno = EIO;
		return -1;
	}
	return real(fd, off, whence);
}

off_t
lseek(int fd, off_t off, int whence)
{
	return shim_lseek("lseek", fd, off, whence);
}

off_t
lseek64(int fd, off_t off, int whence)
{
	return shim_lseek("lseek64", fd, off, whence);
}

typedef int	sync_fn(int);

static long	nsyncs;		/* fsync and fdatasync calls, for SYNC_FAIL */

/* Log "CALL PATH" for PARCP_SHIM_SYNC_LOG, then sync. */
static int
shim_sync(const char *sym, int fd)
{
	sync_fn *real = (sync_fn *)dlsym(RTLD_NEXT, sym);
	const char *log = getenv("PARCP_SHIM_SYNC_LOG");
	char proc[64], path[4096], line[4200];
	ssize_t n;
	int lfd, len;

	if (log != NULL) {
		(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if ((n = readlink(proc, path, sizeof(path) - 1)) < 0)
			n = 0;
		path[n] = '\0';
		len = snprintf(line, sizeof(line), "%s %s\n", sym, path);
		if ((lfd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) != -1) {
			(void)!write(lfd, line, (size_t)len);
			(void)close(lfd);
		}
	}
	if ((log = getenv("PARCP_SHIM_SYNC_FAIL")) != NULL &&
	    ++nsyncs == strtol(log, NULL, 10)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int	fsync(int);
int	fdatasync(int);

int
fsync(int fd)
{
	return shim_sync("fsync", fd);
}

int
fdatasync(int fd)
{
	return shim_sync("fdatasync", fd);
}

typedef int	fstatat_fn(int, const char *, struct stat *, int);
int	fstatat(int, const char *, struct stat *, int);

/* Is dir a process's table of descriptors in /proc?  (/proc/self/fd,
 * opened, shows as /proc/PID/fd.) */
static bool
proc_fd_dir(int dir)
{
	return fd_matches(dir, "/proc/[0-9]*/fd");
}

int
fstatat(int dir, const char *name, struct stat *st, int flags)
{
	static fstatat_fn *real;
	int rv;

	if (real == NULL)
		real = (fstatat_fn *)dlsym(RTLD_NEXT, "fstatat");
	rv = real(dir, name, st, flags);
	if (rv == 0 && *name != '\0' && getenv("PARCP_SHIM_PROC_OTHER") &&
	    proc_fd_dir(dir))
		st->st_ino ^= 1;
	return rv;
}

typedef int	close_fn(int);
int	close(int);

int
close(int fd)
{
	static close_fn *real;
	const char *pat = getenv("PARCP_SHIM_CLOSE_FAIL");
	struct stat st;
	bool fail;

	if (real == NULL)
		real = (close_fn *)dlsym(RTLD_NEXT, "close");
	fail = pat != NULL && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    fd_matches(fd, pat);
	if (real(fd) == -1)
		return -1;
	if (fail) {
		errno = EIO;
		return -1;
	}
	return 0;
}
