/*
 * Allocation that cannot fail (parent only: tmux's policy, out of memory in
 * the planner is fatal), path pieces, and write_full for the result pipe.
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "util.h"

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		err(1, "malloc");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if ((p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size)) == NULL)
		err(1, "calloc");
	return p;
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	void *p;

	if ((p = reallocarray(old, nmemb == 0 ? 1 : nmemb, size)) == NULL)
		err(1, "reallocarray");
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		err(1, "strdup");
	return p;
}

char *
xpath_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p;

	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	p = xmalloc(dl + 1 + nl + 1);
	memcpy(p, dir, dl);
	if (dl == 0 || dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* Length of path without trailing slashes, keeping a lone "/". */
static size_t
trimmed_len(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	return len;
}

char *
xpath_base(const char *path)
{
	size_t end = trimmed_len(path), start = end;
	char *p;

	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == end)	/* "/" or "" */
		return xstrdup(end == 0 ? "." : "/");
	p = xmalloc(end - start + 1);
	memcpy(p, path + start, end - start);
	p[end - start] = '\0';
	return p;
}

char *
xpath_dir(const char *path)
{
	size_t end = trimmed_len(path);
	char *p;

	while (end > 0 && path[end - 1] != '/')
		end--;
	if (end == 0)
		return xstrdup(".");
	while (end > 1 && path[end - 1] == '/')
		end--;
	p = xmalloc(end + 1);
	memcpy(p, path, end);
	p[end] = '\0';
	return p;
}

/*
 * write(2) (off < 0) or pwrite(2) all of buf, retrying EINTR and short
 * writes; a zero-byte write is EIO, not a spin.
 */
static int
put_full(int fd, const char *buf, size_t len, off_t off)
{
	ssize_t n;

	while (len > 0) {
		n = off < 0 ? write(fd, buf, len) : pwrite(fd, buf, len, off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
		if (off >= 0)
			off += n;
	}
	return 0;
}

int
write_full(int fd, const void *buf, size_t len)
{
	return put_full(fd, buf, len, -1);
}

ssize_t
read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		if ((n = read(fd, (char *)buf + done, len - done)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
pwrite_full(int fd, const void *buf, size_t len, off_t off)
{
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	return put_full(fd, buf, len, off);
}

void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

uint32_t
lower_bound_u32(const uint32_t *v, uint32_t n, uint32_t key)
{
	uint32_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
