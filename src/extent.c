/*
 * Data extents through lseek(SEEK_DATA/SEEK_HOLE).  The extents are read
 * from the file system once, by the parent, before planning: workers then
 * copy data ranges only, and holes cost neither reads nor blocks.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "extent.h"

int
extent_next(int fd, off_t from, off_t size, off_t *off, off_t *len)
{
	off_t data, hole;

	if (from >= size)
		return 0;
	if ((data = lseek(fd, from, SEEK_DATA)) == -1) {
		if (errno == ENXIO)		/* nothing but a hole left */
			return 0;
		if (errno != EINVAL && errno != EOPNOTSUPP)
			return -1;
		data = from;			/* no SEEK_DATA: all data */
		hole = size;
	} else if ((hole = lseek(fd, data, SEEK_HOLE)) == -1)
		return -1;
	if (data >= size)	/* data appended after we sized the file */
		return 0;
	*off = data;
	*len = (hole > size ? size : hole) - data;
	return 1;
}
