/*
 * Extraction's shared state (tar_extract.c drives the indexed, parallel
 * path; tar_stream.c the streamed one; tar_check.c judges member names;
 * tar_index.c reads the archive's layout; tar_write.c, the member writer,
 * makes everything on disk for both).  Parent only, except where noted.
 */
#ifndef PARCP_TARX_H
#define PARCP_TARX_H

#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <archive.h>
#include <archive_entry.h>

#include "copy.h"
#include "engine.h"
#include "fault.h"
#include "manifest.h"
#include "nameset.h"
#include "opts.h"
#include "plan.h"
#include "progress.h"
#include "tarw.h"
#include "work.h"

struct member {
	struct archive_entry *e;	/* a copy of the header (streamed:
					   directories only) */
	char		*name;		/* checked name under DEST; NULL: bad */
	off_t		 data;		/* where its data starts */
	dev_t		 dev;		/* split: its temp; dirs: as made */
	ino_t		 ino;
	int		 tfd;		/* split: the temp, held (its lock) */
	uint32_t	 pending;	/* split: ranges not reported */
	uint8_t		 state;		/* enum nstate */
	bool		 split;
	bool		 superseded;	/* a later member has its name */
	struct fault	 fault;		/* split: the first failure */
};

struct tarx {
	const struct opts *o;
	struct copy_stats *st;
	const char	*dest;
	struct tarw	 w;		/* the member writer, beneath DEST */
	struct member	*m;
	size_t		 n, cap;
	int		 afd;		/* the archive, shared by the workers */
	off_t		 asize;
	struct stat	 ast;		/* the archive as indexed */
	struct plan	 plan;
	struct progress	 pr;
	int		 status;
	bool		 stripped;	/* warned about a leading '/' */
	bool		 quiet;		/* an MPI rank: rank 0 said it all */
	struct nameset	 later;		/* indexed: files not made yet (a
					   later member may not use one as
					   a directory, as when streamed) */
	uint32_t	*split;		/* split members, in order: the
					   finish of split[k] is later task
					   ntasks + k */
	uint32_t	 nsplit;
	struct manifest	 man;		/* --manifest */
	struct engine_buf heb;		/* the parent's, for hashing */
	struct work	 work;		/* the task side */
};

/* --manifest: member i's data in fd (size bytes) is hashed into the
 * manifest.  0, or -1 with *f. */
int	tarx_hash(struct tarx *, size_t i, int fd, off_t size,
	    struct fault *f);

/* The member's name as stored (never NULL: the UTF-8 form, or "" when
 * it cannot be converted). */
const char *tarx_name(struct archive_entry *);
/* Report a member, named as in the archive, refused or failed:
 * "cannot extract 'NAME': why" (exit status 1). */
void	tarx_refuse(struct tarx *, struct archive_entry *e, const char *why);
/* Report member i's failure once (fault f). */
void	tarx_fail(struct tarx *, size_t i, const struct fault *f);
/* Member i was made but an attribute could not be set: reported. */
void	tarx_warn_xattr(struct tarx *, struct archive_entry *e, int err);
/* A libarchive call on the archive returned r (< ARCHIVE_OK): say so.
 * Returns r. */
int	tarx_archive_error(struct tarx *, struct archive *a, int r);
/* Add a member record (entry cloned when keep_entry). */
struct member *tarx_add(struct tarx *, struct archive_entry *e,
	    bool keep_entry);
/* Mark every member whose name a later member has (the last one wins). */
void	tarx_supersede(struct tarx *);
/*
 * Index the archive at x->o->tar_path into x->m.  Returns 0, 1 when it
 * must be streamed instead (not a seekable uncompressed tar, or it has
 * GNU sparse members), or -1 when it cannot be read at all (reported).
 */
int	tarx_index(struct tarx *);
/* The same, of the archive open in x->afd (st: its fstat). */
int	tarx_index_fd(struct tarx *, const struct stat *st);
/*
 * May member e be extracted under DEST?  Returns its cleaned name
 * (malloc'ed; a hard link's target in e is cleaned too), or NULL after
 * reporting why not.  Missing parent directories are made (as tar does,
 * 0777 & ~umask), beneath DEST, so the check sees what the member will be
 * written through.
 */
char	*tarx_check(struct tarx *, struct archive_entry *e);
/* The set of names x->later: a name in it, out of it, freed. */
void	tarx_later_add(struct tarx *, const char *name);
void	tarx_later_del(struct tarx *, const char *name);
void	tarx_later_free(struct tarx *);
/* Worker side: task t of the plan (a whole member or a range of one). */
int	tarx_task(void *arg, uint64_t t, const struct engine_buf *eb,
	    struct fault *f, unsigned char *out);
/* Stream the archive through libarchive into DEST.  Returns a signal
 * that stopped it, or 0. */
int	tarx_stream(struct tarx *);

#endif
