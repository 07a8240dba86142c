/*
 * Data extents of a source file (SEEK_DATA/SEEK_HOLE), so that holes are
 * never read and stay holes in the pre-sized destination.  Parent only.
 */
#ifndef PARCP_EXTENT_H
#define PARCP_EXTENT_H

#include <sys/types.h>

/*
 * Find the first data extent at or after from in a file of size bytes.
 * Returns 1 and fills *off and *len, 0 when only holes remain, or -1 with
 * errno.  A file system without SEEK_DATA yields one extent to the end.
 */
int	extent_next(int fd, off_t from, off_t size, off_t *off, off_t *len);

#endif
