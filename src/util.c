/*
 * Allocation that cannot fail (parent only: tmux's policy, out of memory in
 * the planner is fatal), path pieces, and write_full for the result pipe.
 */
#include "config.h"

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

int
write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
