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

#include "exec.h"

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
