/*
 * Small helpers.  The x* allocators exit on failure and are for the parent
 * only; the I/O helpers are worker-safe (no output, no exit).
 */
#ifndef PARCP_UTIL_H
#define PARCP_UTIL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* dir + "/" + name, without doubling a trailing slash.  Parent only. */
char	*xpath_join(const char *dir, const char *name);

/* Write all of buf, retrying EINTR and short writes: 0, or -1 and errno. */
int	 write_full(int fd, const void *buf, size_t len);
/* Read up to len bytes, retrying EINTR and short reads: the count (less
 * only at end of file), or -1 and errno. */
ssize_t	 read_full(int fd, void *buf, size_t len);
/* The same with pwrite(2) at off (>= 0). */
int	 pwrite_full(int fd, const void *buf, size_t len, off_t off);

/* The last component of path, ignoring trailing slashes; a new string. */
char	*xpath_base(const char *path);
/* Everything before the last component ("." if none); a new string. */
char	*xpath_dir(const char *path);

/* Raise the soft limit of open files to the hard one (runs that hold a
 * descriptor, and its lock, for each file in flight).  Parent only. */
void	 raise_nofile(void);

/* The first index of the n sorted v[] whose value is not below key (n
 * when none). */
uint32_t lower_bound_u32(const uint32_t *v, uint32_t n, uint32_t key);

#endif
