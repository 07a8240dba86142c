/*
 * The file list: SOURCE... DEST turned into (source, destination) pairs
 * with cp's naming rules, one stat per entry.  Parent only.
 */
#ifndef PARCP_WALK_H
#define PARCP_WALK_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "fault.h"
#include "opts.h"

struct file {
	char		*src;
	char		*dst;		/* final name */
	char		*tmp;		/* temp file while being written */
	off_t		 size;
	mode_t		 mode;
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 mtime;
	uint64_t	 pending;	/* ranges not yet reported */
	struct fault	 fault;		/* first failure; FAULT_NONE if none */
};

struct flist {
	struct file	*v;
	size_t		 n;
	size_t		 cap;
};

/*
 * Add a file for each SOURCE in o->paths.  Each bad source is reported
 * once (missing, a directory, same file as its destination...) and left
 * out.  Returns the number of sources left out, or -1 when nothing can be
 * copied at all (several sources and DEST not a directory).
 */
int	walk_args(const struct opts *o, struct flist *);
void	walk_free(struct flist *);

#endif
