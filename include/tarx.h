/*
 * Extraction's shared state (tar_extract.c drives; tar_check.c judges
 * member names; tar_index.c reads the archive's layout; tar_stream.c
 * unpacks what cannot be indexed).  Parent only, except where noted.
 */
#ifndef PARCP_TARX_H
#define PARCP_TARX_H

#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <archive.h>
#include <archive_entry.h>

#include "copy.h"
#include "fault.h"
#include "opts.h"
#include "plan.h"
#include "progress.h"

struct member {
	struct archive_entry *e;	/* a copy of the header */
	char		*name;		/* checked name under DEST; NULL: bad */
	off_t		 data;		/* where its data starts */
	uint32_t	 pending;	/* split: ranges not reported */
	uint8_t		 state;		/* enum nstate */
	bool		 split;
	struct fault	 fault;		/* split: the first failure */
};

struct tarx {
	const struct opts *o;
	struct copy_stats *st;
	const char	*dest;
	struct member	*m;
	size_t		 n, cap;
	int		 afd;		/* the archive, shared by the workers */
	off_t		 asize;
	struct plan	 plan;
	struct progress	 pr;
	int		 status;
	bool		 stripped;	/* warned about a leading '/' */
	char		 dir[PATH_MAX];	/* the last directory checked */
	size_t		 dirlen;
	mode_t		 umask;
	pid_t		 pid;
};

/* Report member i's failure once (exit status 1). */
void	tarx_fail(struct tarx *, size_t i, const char *what, const char *why);
/*
 * Index the archive at x->o->tar_path into x->m.  Returns 0, 1 when it
 * must be streamed instead (not a seekable uncompressed tar, or it has
 * GNU sparse members), or -1 when it cannot be read at all (reported).
 */
int	tarx_index(struct tarx *);
/*
 * May member e be extracted under x->dest?  Returns its cleaned name
 * (malloc'ed; a hard link's target in e is cleaned too), or NULL after
 * reporting why not.  Missing parent directories are made (as tar does),
 * so that the check sees what the member will be written through.
 */
char	*tarx_check(struct tarx *, struct archive_entry *e);
/* Report a member, named as in the archive, refused or failed. */
void	tarx_refuse(struct tarx *, struct archive_entry *e, const char *why);
/* Stream the archive through libarchive into x->dest.  Returns a
 * signal that stopped it, or 0. */
int	tarx_stream(struct tarx *);

#endif
