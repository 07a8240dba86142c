/*
 * The job as data.  What a worker needs to run a driver's tasks (the
 * option values workers read, the file list and its name arena, the
 * plan's ranges, the identities it checks) is packed by the parent into
 * one flat blob and unpacked by a process that shares no memory with it
 * (an MPI rank on another node).  Forked workers inherit the same values;
 * a blob is what travels when nothing is inherited.
 *
 * A blob names its driver; the driver table maps the name to the code
 * that turns the blob back into the driver's worker view.  Blobs are read
 * with bounds checks and sealed with a checksum: a short or changed one
 * fails to unpack before any field is taken from it, and no read goes
 * past its end.
 */
#ifndef PARCP_JOB_H
#define PARCP_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "exec.h"
#include "flist.h"
#include "opts.h"
#include "plan.h"
#include "work.h"

struct blob {
	unsigned char	*p;
	size_t		 len, cap;
	size_t		 pos;		/* the reader's */
	bool		 bad;		/* a read went past the end */
};

void	blob_put(struct blob *, const void *, size_t);
void	blob_put_u64(struct blob *, uint64_t);
/* s, or NULL, as a length and its bytes. */
void	blob_put_str(struct blob *, const char *s);
/* n bytes into dst; on a short blob, zeros and b->bad. */
void	blob_get(struct blob *, void *dst, size_t n);
uint64_t blob_get_u64(struct blob *);
/* A string put by blob_put_str: a copy (free it), or NULL. */
char	*blob_get_str(struct blob *);
/* n elements of size bytes each, copied into new memory (free it);
 * NULL with b->bad when the blob is short or n * size overflows. */
void	*blob_get_array(struct blob *, size_t n, size_t size);
void	blob_free(struct blob *);
/* Append a checksum of everything put so far (the writer's last call). */
void	blob_seal(struct blob *);
/* Check and drop the checksum (the reader's first call): 0, or -1 (the
 * blob is short or was changed on its way; then nothing is read). */
int	blob_check(struct blob *);

/*
 * What every driver's blob holds, packed by the same code.
 */

/* The option values by value; what points into the parent travels as a
 * string (the backup suffix, the manifest's path, the archive's path)
 * or not at all (workers never read it).  job_opts owns the strings. */
struct job_opts {
	struct opts	 o;
	char		*suffix, *manifest, *tar_path;
};
/* A driver's blob starts with its magic, the directory its relative
 * paths start from and the options: put them, or check and take them
 * (entering the directory).  0, or -1: refuse the blob. */
void	job_put_head(struct blob *, uint64_t magic, const struct opts *);
int	job_get_head(struct blob *, uint64_t magic, struct job_opts *);
void	job_opts_free(struct job_opts *);

/* The task side's engine settings (work.h: buffer size, engine, the
 * --verify and --fsync flags); the reader's pointers (its buffer, its
 * progress counter, its tally) are its own, left NULL.  Get: 0, or -1
 * for a buffer size the options would refuse. */
void	job_put_work(struct blob *, const struct work *);
int	job_get_work(struct blob *, struct work *);

/* The file list (nodes and name arena) and a plan's ranges; every index
 * in them is checked to point inside them (-1 if one does not). */
void	job_put_lists(struct blob *, const struct flist *,
	    const struct plan *);
int	job_get_lists(struct blob *, struct flist *, struct plan *);
/* Just ranges, over nfiles entries of the driver's own table. */
void	job_put_ranges(struct blob *, const struct plan *);
int	job_get_ranges(struct blob *, struct plan *, size_t nfiles);

/*
 * Device numbers are the one identity field that is not the same on
 * every host: each client of a parallel or network file system numbers
 * its mounts itself.  So a blob carries an anchor per device of the
 * job's operands (a path the user gave, with its inode, which the file
 * system keeps the same on every client); across hosts the reader stats
 * each anchor and, when the inode matches, maps that device to its own
 * number.  A device without a matching anchor stays as it was: entries
 * on it then fail their identity checks (safe), never redirected.
 * Anchors are the user's own paths only: nothing deeper, which a race
 * could bend.
 */
struct job_anchor {
	dev_t		 dev;
	ino_t		 ino;
	bool		 follow;	/* stat, not lstat */
	char		*path;
};
struct job_anchors {
	struct job_anchor *v;
	size_t		 n;
};
/* Add (dev, ino) at path unless dev has one already (dev 0: nothing). */
void	job_anchor(struct job_anchors *, dev_t, ino_t, bool follow,
	    const char *path);
/* Put them and free them. */
void	job_put_anchors(struct blob *, struct job_anchors *);
/* This host's number for each anchored device. */
struct job_devmap {
	dev_t		(*v)[2];	/* rank 0's, this host's */
	size_t		 n;
};
/* Read the anchors; across_hosts false (one host: rank 0's numbers are
 * this host's) resolves nothing and maps nothing.  0, or -1. */
int	job_get_anchors(struct blob *, bool across_hosts, struct job_devmap *);
/* This host's number for rank 0's device dev (dev itself if unknown). */
dev_t	job_dev(const struct job_devmap *, dev_t dev);
void	job_devmap_free(struct job_devmap *);

/* A driver whose jobs can travel. */
struct job_driver {
	const char	*name;
	/* Parent: ctx (the exec_job's) into b. */
	void	 (*pack)(void *ctx, struct blob *b);
	/* Elsewhere: the worker view from b, as an exec_job's ops and arg
	 * (the job's other fields: ntasks, batches).  0, or -1 (malformed,
	 * or a directory it names cannot be entered). */
	int	 (*unpack)(struct blob *b, struct exec_job *job);
	/* Free what unpack made. */
	void	 (*release)(struct exec_job *job);
};

/* The driver called name, or NULL. */
const struct job_driver *job_driver(const char *name);

#endif
