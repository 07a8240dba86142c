/*
 * treecmp: compare two trees field by field, for the end-to-end tests.
 *
 *   treecmp [-MOTXL] A B
 *
 * Every entry under A must be under B with the same type, permission bits
 * (-M: skip), owner (-O: skip), size, modification time to the nanosecond
 * (-T: skip), symlink target, device number, extended attributes (-X:
 * skip), hard-link grouping (-L: skip) and content; and B must hold nothing
 * else.  Prints one line per difference; exits 1 if there is any.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *ra, *rb;		/* the two roots */
static size_t ralen, rblen;
static bool nomode, noowner, notimes, noxattr, nolinks;
static int diffs;

struct pair {
	ino_t	a, b;
};
static struct pair *pairs;
static size_t npairs, cpairs;

static void
differ(const char *rel, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
differ(const char *rel, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("treecmp: %s: %s: ", *rel ? rel : ".", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	diffs++;
}

/* Where data starts at or after pos (size if only holes remain). */
static off_t
data_from(int fd, off_t pos, off_t size)
{
	off_t d = lseek(fd, pos, SEEK_DATA);

	if (d == -1)		/* ENXIO: holes to the end; else no SEEK_DATA */
		return errno == ENXIO ? size : pos;
	return d > size ? size : d;
}

/* Where the hole after pos starts (pos itself if it is in a hole). */
static off_t
hole_from(int fd, off_t pos, off_t size)
{
	off_t h = lseek(fd, pos, SEEK_HOLE);

	return h == -1 || h > size ? size : h;
}

static bool
same_range(int fa, int fb, off_t off, off_t end)
{
	static char x[65536], y[65536];
	ssize_t na, nb;
	size_t want;

	while (off < end) {
		want = end - off < (off_t)sizeof(x) ? (size_t)(end - off) :
		    sizeof(x);
		na = pread(fa, x, want, off);
		nb = pread(fb, y, want, off);
		if (na <= 0 || na != nb || memcmp(x, y, (size_t)na) != 0)
			return false;
		off += na;
	}
	return true;
}

/*
 * Same bytes?  Only where either file has data: a range that is a hole in
 * both is zeros in both, so a 9 GiB sparse file costs what its data does.
 */
static bool
same_content(const char *a, const char *b, off_t size)
{
	off_t pos = 0, start, end, ea, eb;
	bool same = true;
	int fa, fb;

	if ((fa = open(a, O_RDONLY)) == -1)
		return false;
	if ((fb = open(b, O_RDONLY)) == -1) {
		close(fa);
		return false;
	}
	while (same && pos < size) {
		start = data_from(fa, pos, size);
		if (data_from(fb, pos, size) < start)
			start = data_from(fb, pos, size);
		if (start >= size)
			break;
		ea = hole_from(fa, start, size);
		eb = hole_from(fb, start, size);
		end = ea > eb ? ea : eb;
		same = same_range(fa, fb, start, end);
		pos = end;
	}
	close(fa);
	close(fb);
	return same;
}

static int
name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The sorted attribute names of path, in buf; their count. */
static size_t
xnames(const char *path, char *buf, size_t len, char **v, size_t max)
{
	ssize_t n = llistxattr(path, buf, len);
	size_t count = 0;
	char *p;

	for (p = buf; n > 0 && p < buf + n && count < max; p += strlen(p) + 1)
		v[count++] = p;
	qsort(v, count, sizeof(*v), name_cmp);
	return count;
}

static void
cmp_xattrs(const char *rel, const char *a, const char *b)
{
	static char la[65536], lb[65536], va[65536], vb[65536];
	char *na[512], *nb[512];
	size_t ca, cb, i;
	ssize_t sa, sb;

	ca = xnames(a, la, sizeof(la), na, 512);
	cb = xnames(b, lb, sizeof(lb), nb, 512);
	if (ca != cb) {
		differ(rel, "xattrs", "%zu names vs %zu", ca, cb);
		return;
	}
	for (i = 0; i < ca; i++) {
		if (strcmp(na[i], nb[i]) != 0) {
			differ(rel, "xattr", "%s vs %s", na[i], nb[i]);
			continue;
		}
		sa = lgetxattr(a, na[i], va, sizeof(va));
		sb = lgetxattr(b, nb[i], vb, sizeof(vb));
		if (sa != sb || (sa > 0 && memcmp(va, vb, (size_t)sa) != 0))
			differ(rel, "xattr value", "%s", na[i]);
	}
}

/* A's inode ia shows as B's ib: both directions must be one-to-one. */
static void
cmp_link(const char *rel, ino_t ia, ino_t ib)
{
	size_t i;

	for (i = 0; i < npairs; i++)
		if (pairs[i].a == ia || pairs[i].b == ib) {
			if (pairs[i].a != ia || pairs[i].b != ib)
				differ(rel, "hard links", "grouped differently");
			return;
		}
	if (npairs == cpairs) {
		cpairs = cpairs ? cpairs * 2 : 64;
		pairs = realloc(pairs, cpairs * sizeof(*pairs));
	}
	pairs[npairs].a = ia;
	pairs[npairs++].b = ib;
}

static void
cmp_entry(const char *rel, const char *a, const struct stat *sa)
{
	char b[PATH_MAX], la[PATH_MAX], lb[PATH_MAX];
	struct stat sb;
	ssize_t n;

	snprintf(b, sizeof(b), "%s%s", rb, rel);
	if (lstat(b, &sb) == -1) {
		differ(rel, "missing", "not in %s", rb);
		return;
	}
	if ((sa->st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) {
		differ(rel, "type", "%o vs %o", sa->st_mode & S_IFMT,
		    sb.st_mode & S_IFMT);
		return;
	}
	if (!nomode && !S_ISLNK(sa->st_mode) &&
	    (sa->st_mode & 07777) != (sb.st_mode & 07777))
		differ(rel, "mode", "%o vs %o", sa->st_mode & 07777,
		    sb.st_mode & 07777);
	if (!noowner && (sa->st_uid != sb.st_uid || sa->st_gid != sb.st_gid))
		differ(rel, "owner", "%d:%d vs %d:%d", sa->st_uid, sa->st_gid,
		    sb.st_uid, sb.st_gid);
	if (S_ISREG(sa->st_mode) && sa->st_size != sb.st_size)
		differ(rel, "size", "%jd vs %jd", (intmax_t)sa->st_size,
		    (intmax_t)sb.st_size);
	else if (S_ISREG(sa->st_mode) && !same_content(a, b, sa->st_size))
		differ(rel, "content", "differs");
	if (!notimes && (sa->st_mtim.tv_sec != sb.st_mtim.tv_sec ||
	    sa->st_mtim.tv_nsec != sb.st_mtim.tv_nsec))
		differ(rel, "mtime", "%jd.%09ld vs %jd.%09ld",
		    (intmax_t)sa->st_mtim.tv_sec, sa->st_mtim.tv_nsec,
		    (intmax_t)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
	if (S_ISLNK(sa->st_mode)) {
		n = readlink(a, la, sizeof(la) - 1);
		la[n < 0 ? 0 : n] = '\0';
		n = readlink(b, lb, sizeof(lb) - 1);
		lb[n < 0 ? 0 : n] = '\0';
		if (strcmp(la, lb) != 0)
			differ(rel, "link target", "%s vs %s", la, lb);
	}
	if ((S_ISCHR(sa->st_mode) || S_ISBLK(sa->st_mode)) &&
	    sa->st_rdev != sb.st_rdev)
		differ(rel, "rdev", "differs");
	if (!noxattr)
		cmp_xattrs(rel, a, b);
	if (!nolinks && !S_ISDIR(sa->st_mode) && sa->st_nlink > 1)
		cmp_link(rel, sa->st_ino, sb.st_ino);
}

static int
visit_a(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_DNR || flag == FTW_NS)
		differ(path + ralen, "unreadable", "in %s", ra);
	else
		cmp_entry(path + ralen, path, st);
	return 0;
}

static int
visit_b(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char a[PATH_MAX];
	struct stat sa;

	(void)st;
	(void)flag;
	(void)ftw;
	snprintf(a, sizeof(a), "%s%s", ra, path + rblen);
	if (lstat(a, &sa) == -1)
		differ(path + rblen, "extra", "only in %s", rb);
	return 0;
}

int
main(int argc, char **argv)
{
	int ch;

	while ((ch = getopt(argc, argv, "MOTXL")) != -1)
		switch (ch) {
		case 'M': nomode = true; break;
		case 'O': noowner = true; break;
		case 'T': notimes = true; break;
		case 'X': noxattr = true; break;
		case 'L': nolinks = true; break;
		default:
			fprintf(stderr, "usage: treecmp [-MOTXL] A B\n");
			return 2;
		}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: treecmp [-MOTXL] A B\n");
		return 2;
	}
	ra = argv[optind];
	rb = argv[optind + 1];
	ralen = strlen(ra);
	rblen = strlen(rb);
	if (nftw(ra, visit_a, 64, FTW_PHYS) == -1 ||
	    nftw(rb, visit_b, 64, FTW_PHYS) == -1) {
		perror("treecmp: nftw");
		return 2;
	}
	return diffs ? 1 : 0;
}
