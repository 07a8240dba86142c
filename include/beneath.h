/*
 * Paths beneath a held directory.  Every component of a relative path is
 * resolved under the directory descriptor root, and no component may be a
 * symlink or "..": openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS where the kernel has it (Linux >= 5.6), otherwise a
 * walk that opens one component at a time with O_NOFOLLOW.  A component
 * swapped for a symlink by a racing process makes the call fail (ELOOP);
 * it never resolves somewhere else.  Worker-safe: no output, no exit.
 */
#ifndef PARCP_BENEATH_H
#define PARCP_BENEATH_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

/*
 * Open rel beneath root as openat(2) would with flags (O_NOFOLLOW and
 * O_CLOEXEC are added) and mode.  Returns the descriptor, or -1 with
 * errno: ELOOP when a component (the last one too) is a symlink, ENOTDIR
 * when one on the way is not a directory, EINVAL for a ".." component or
 * an absolute path.
 */
int	beneath_open(int root, const char *rel, int flags, mode_t mode);
/*
 * Open the directory named by the first len bytes of rel beneath root
 * (len 0: root itself), O_RDONLY.  With make, missing components are
 * made with mode (minus the umask, as mkdir(2) does).  Returns the
 * descriptor or -1 with errno as beneath_open; *made (may be NULL) tells
 * whether the last component was made by this call.
 */
int	beneath_dir(int root, const char *rel, size_t len, bool make,
	    mode_t mode, bool *made);

/* For tests: resolve with the walk, as on a kernel without openat2. */
void	beneath_walk_only(void);

#endif
