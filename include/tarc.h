/*
 * Archive creation's shared state.  tar_create.c drives: it opens the
 * output (tar_out.c), describes each member (header fields, sparse map)
 * and decides what a failure means; tar_place.c writes a seekable,
 * uncompressed archive in parallel, every member at an offset computed
 * up front; tar_inorder.c streams everything else (compressed, standard
 * output, a FIFO, a device) through libarchive's writer, in order.
 * Parent only, except where noted.
 */
#ifndef PARCP_TARC_H
#define PARCP_TARC_H

#include <sys/stat.h>
#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <archive.h>
#include <archive_entry.h>

#include "copy.h"
#include "fault.h"
#include "flist.h"
#include "manifest.h"
#include "opts.h"
#include "plan.h"
#include "progress.h"
#include "work.h"

#define TARC_BLOCK	512
#define TARC_RECORD	10240		/* what tar pads archives to */

/* Where the archive goes (tar_out.c). */
struct tar_out {
	const char	*path;		/* as given; "-" is standard output */
	int		 fd;		/* -1: not open */
	bool		 stream;	/* written in place, in order */
	bool		 temp;		/* fd is tmp: renamed over path when
					   whole, removed otherwise */
	bool		 committed;
	char		 tmp[PATH_MAX];
};

/* A data extent of a sparse member: at is where its bytes start in the
 * member's archived data (the extents, back to back). */
struct tarc_ext {
	off_t		 off;
	off_t		 len;
	off_t		 at;
};

/* A sparse member's extents: ext[first .. first + n). */
struct tarc_sparse {
	uint32_t	 node;
	uint32_t	 first;
	uint32_t	 n;
};

struct tarc {
	const struct opts	*o;
	struct flist		*fl;
	struct copy_stats	*st;
	struct archive		*disk;		/* reads entries' metadata */
	struct archive_entry	*e;
	struct tar_out		 out;
	struct tarc_sparse	*sp;		/* sorted by node */
	size_t			 nsp, spcap;
	struct tarc_ext		*ext;
	size_t			 next, extcap;
	struct stat		 self;		/* the archive itself: skip */
	bool			 have_self;
	struct progress		 pr;
	struct manifest		 man;
	int			 status;
	bool			 failed;	/* the archive is not whole */
	volatile int		*abort;		/* failed, as workers see it */
	mode_t			 umask;

	/* tar_place.c: the archive laid out at offsets */
	struct plan		 plan;
	off_t			*data;		/* per node: its data offset */
	uint32_t		*hlens;		/* header (and map) size */
	uint64_t		*hsums;		/* and XXH64 (--verify) */
	uint64_t		*aoff;		/* and where the arena has it */
	char			*arena;		/* headers workers write */
	size_t			 alen, acap;
	unsigned char		*hdr;		/* the header being captured */
	size_t			 hlen, hcap;
	bool			 sealed;	/* capture no more bytes */
	char			 why[256];	/* the encoder's last words */
	uint32_t		*hashed;	/* --manifest: task -> node */
	size_t			 nhashed;	/* and how many: the hash job */
	struct work		 work;		/* the task side */
};

/*
 * The member failed after its header went in: the archive fails.  Only
 * the first failure is reported, naming the member and f (or why, if
 * set); later ones are consequences.
 */
void	tarc_fail(struct tarc *, uint32_t node, const struct fault *f,
	    const char *why);
/* The archive itself failed (operation op, errno err; why, if set, says
 * it in other words); reported once. */
void	tarc_fail_out(struct tarc *, int op, int err, const char *why);
/*
 * The member is left out, before anything of it is written: warned as
 * "'NAME': Cannot OP: REASON" (why, or f's errno), exit status 1.
 */
void	tarc_left_out(struct tarc *, uint32_t node, const struct fault *f,
	    const char *why);
/* A libarchive warning about node, with libarchive's own words. */
void	tarc_warn(struct tarc *, uint32_t node, struct archive *);
/* libarchive's message for a, never NULL. */
const char *tarc_why(struct archive *a);

/* The metadata reader (t->disk, t->e), as the options say.  0, or -1
 * (said on stderr). */
int	tarc_reader(struct tarc *);
/* Worker side (tar_place.c): task i of the data job, of the hash job. */
int	tarc_task(void *arg, uint64_t i, const struct engine_buf *eb,
	    struct fault *f, unsigned char *out);
int	tarc_hash_task(void *arg, uint64_t i, const struct engine_buf *eb,
	    struct fault *f, unsigned char *out);
/* Does the worker encode node's header again (it is not in the arena)? */
bool	tarc_no_arena(const struct tarc *, uint32_t node);

/* Is node the archive being replaced (or standard output)?  Then it is
 * left out with a warning, as tar does. */
bool	tarc_is_self(struct tarc *, uint32_t node);
/* Is node a hard link to a name left out?  Then it is left out too (a
 * link member would dangle), with a warning. */
bool	tarc_lost_link(struct tarc *, uint32_t node);
/* node is in the archive: counted for --stats, --json, --progress. */
void	tarc_done(struct tarc *, uint32_t node);
/* Does node carry data in the archive (a regular file, not a link)? */
bool	tarc_has_data(const struct tarc *, uint32_t node);
/*
 * Open node's source for reading, as the walk resolved it (symlinks
 * followed only where -L/-H said so) and check it is the file the walk
 * saw.  Returns the descriptor, or -1 with *f (FAULT_CHANGED: replaced).
 * Worker-safe.
 */
int	tarc_open(const struct tarc *, uint32_t node, const char *src,
	    struct fault *f);
/* Has node's source changed since the walk (size, mtime, inode)? */
bool	tarc_changed(const struct tarc *, uint32_t node, const char *src);
/*
 * Map node's data extents from fd (the parent, before its header): a
 * source with holes becomes a sparse member.  Returns 0, or -1 with errno.
 */
int	tarc_map(struct tarc *, uint32_t node, int fd);
/* tarc_open, then tarc_map: the descriptor, or -1 with *f. */
int	tarc_ready(struct tarc *, uint32_t node, const char *src,
	    struct fault *f);
/* node's extents if sparse (NULL: dense).  Worker-safe. */
const struct tarc_sparse *tarc_sparse(const struct tarc *, uint32_t node);
/* The bytes of data node takes in the archive (its extents if sparse). */
off_t	tarc_data_len(const struct tarc *, uint32_t node);
/*
 * Fill t->e for node (member its name in the archive), sparse map
 * included.  Returns ARCHIVE_OK or ARCHIVE_WARN (the warning is in
 * t->disk), or -1 with *why.  Worker-safe (it prints nothing).
 */
int	tarc_entry(struct tarc *, uint32_t node, const char *src,
	    const char *member, const char **why);
/* The archive's pax writer options on a.  ARCHIVE_OK, or less. */
int	tarc_format(struct archive *a);

/*
 * tar_place.c: lay out, fill and check a seekable uncompressed archive
 * at t->out.fd.  Returns 0, or the signal that stopped it.
 */
int	tar_place(struct tarc *);
/* tar_inorder.c: stream the archive to t->out.fd.  0, or a signal. */
int	tar_inorder(struct tarc *);

/* tar_out.c */
/* Is path written as a stream: "-", a FIFO or a device? */
bool	tar_out_is_stream(const char *path);
/*
 * Open path for the archive: "-" (standard output), a FIFO or a device is
 * written in place as a stream; anything else gets a locked temp archive
 * beside it (leftovers of dead runs are swept first).  Returns 0, or -1
 * with *f (the operation and errno).
 */
int	tar_out_open(struct tar_out *, const char *path, struct fault *f);
/*
 * The temp name for the archive path: DIR/.parcp.NAME.PID.TOKEN, TOKEN 16
 * hex digits, NAME cut to fit NAME_MAX.  0, or -1 with ENAMETOOLONG.  Pure.
 */
int	tar_out_tmpname(const char *path, pid_t pid, uint64_t token,
	    char *buf, size_t len);
/*
 * Remove temp archives for path that no run holds (flock), as dead runs
 * leave them.  Returns how many were removed.
 */
int	tar_out_sweep(const char *path);
/* Give the whole temp archive mode and its name (durable: fsync it and
 * its directory).  Returns 0, or -1 with *f.  A stream: nothing to do. */
int	tar_out_commit(struct tar_out *, mode_t mode, bool durable,
	    struct fault *f);
/* Close the output; a temp archive not committed is removed. */
void	tar_out_close(struct tar_out *);

#endif
