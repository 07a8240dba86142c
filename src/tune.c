/*
 * tune.c: defaults by measurement, per kind of destination.
 *
 * What bench/disk.sh and bench/tree.sh measured (README, "Defaults"):
 *
 *   memory   the copy is CPU work: a worker per CPU, and a large file's
 *            ranges side by side (1.4-1.6x cp on one file).
 *   disk     the copy waits on the device: more workers than CPUs keep
 *            requests in flight on a tree (20,000 small files, cold, with
 *            `&& sync`: -j 8 1.67x cp -a, -j 2 1.18x).  A large file's
 *            ranges are cut into a run per CPU, each run one worker's, in
 *            order: a hot 1 GiB file ran 1.58x cp that way, 1.29x with
 *            every range apart at -j 8 (eight writers queue on the file's
 *            inode lock), 1.04x with one writer (one CPU idle).
 *   network  a server (or many, striped) behind each write: workers
 *            hide the round trips, and ranges side by side reach more
 *            servers.  Not measured here (no such mount on the bench
 *            machine); the rule follows doc/scaling.md.
 */
#include "config.h"

#include <sys/vfs.h>

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsmagic.h"
#include "quote.h"
#include "tune.h"
#include "util.h"

#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC	0x858458f6
#endif

static const struct {
	long		 magic;
	enum fs_kind	 kind;
} kinds[] = {
	{ TMPFS_MAGIC, FS_MEMORY },
	{ RAMFS_MAGIC, FS_MEMORY },
	{ NFS_SUPER_MAGIC, FS_NETWORK },
	{ SMB2_MAGIC_NUMBER, FS_NETWORK },
	{ CIFS_SUPER_MAGIC, FS_NETWORK },
	{ CEPH_SUPER_MAGIC, FS_NETWORK },
	{ FUSE_SUPER_MAGIC, FS_NETWORK },
	{ V9FS_MAGIC, FS_NETWORK },
	{ AFS_FS_MAGIC, FS_NETWORK },
	{ OCFS2_SUPER_MAGIC, FS_NETWORK },
	{ ORANGEFS_DEVREQ_MAGIC, FS_NETWORK },
	{ LUSTRE_SUPER_MAGIC, FS_NETWORK },
	{ GPFS_SUPER_MAGIC, FS_NETWORK },
	{ BEEGFS_SUPER_MAGIC, FS_NETWORK },
};

enum fs_kind
tune_kind(long f_type)
{
	size_t i;

	/* f_type is a signed word: compare the 32 bits the magic has. */
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((unsigned long)kinds[i].magic ==
		    ((unsigned long)f_type & 0xffffffffUL))
			return kinds[i].kind;
	return FS_DISK;
}

const char *
tune_kind_name(enum fs_kind kind)
{
	switch (kind) {
	case FS_MEMORY:
		return "memory";
	case FS_NETWORK:
		return "network";
	default:
		return "disk";
	}
}

struct tune
tune_pick(enum fs_kind kind, unsigned ncpu)
{
	struct tune t;

	if (ncpu < 1)
		ncpu = 1;
	t.jobs = kind == FS_MEMORY || ncpu > TUNE_IO_JOBS ? ncpu :
	    TUNE_IO_JOBS;
	t.writers = kind == FS_DISK ? ncpu : 0;
	return t;
}

/* The kind of the file system path is on, or of its directory when it
 * does not exist yet; a disk when neither can be asked. */
static enum fs_kind
kind_of(const char *path)
{
	struct statfs sf;
	char *copy;
	int rv;

	if (statfs(path, &sf) == 0)
		return tune_kind((long)sf.f_type);
	copy = xstrdup(path);
	rv = statfs(dirname(copy), &sf);
	free(copy);
	return rv == 0 ? tune_kind((long)sf.f_type) : FS_DISK;
}

/* The path whose file system the run writes to: DEST, the directory an
 * archive unpacks into, or the archive --to-tar writes (NULL: stdout). */
static const char *
dest_path(const struct opts *o)
{
	switch (o->tar) {
	case TAR_EXTRACT:
		return o->paths[0];
	case TAR_CREATE:
		return strcmp(o->tar_path, "-") == 0 ? NULL : o->tar_path;
	default:
		return o->target != NULL ? o->target :
		    o->paths[o->npaths - 1];
	}
}

void
tune_opts(struct opts *o)
{
	const char *dest = dest_path(o);
	struct tune t;

	o->dest_kind = dest != NULL ? kind_of(dest) : FS_DISK;
	if (o->tar == TAR_CREATE || dest == NULL) {
		/* Every worker writes the one archive: not measured yet, so
		 * a worker per CPU, as before. */
		if (o->split == SPLIT_AUTO)
			o->split = SPLIT_ALWAYS;
		o->writers = o->split == SPLIT_NEVER ? 1 : 0;
		return;
	}
	t = tune_pick(o->dest_kind, o->ncpu);
	if (!o->jobs_set && o->mode != EXEC_MPI)
		o->jobs = t.jobs > EXEC_MAX ? EXEC_MAX : t.jobs;
	/* parcp-mpi: the ranks (hosts) are the parallelism, and a rank
	 * sends a grant's results when the grant ends, so a grant of half
	 * a file would journal nothing until that half is done.  A chunk
	 * size given asks for ranges side by side (the classic -j 2
	 * --chunk-size=half: a worker per half). */
	if (o->mode == EXEC_MPI || o->chunk > 0)
		t.writers = 0;
	if (o->split == SPLIT_AUTO)
		o->writers = t.writers;
	else
		o->writers = o->split == SPLIT_NEVER ? 1 : 0;
	o->split = o->writers == 1 ? SPLIT_NEVER : SPLIT_ALWAYS;
	if (o->debug)
		fprintf(stderr, "parcp: %s is on %s: -j %u, --split=%s%s\n",
		    quote(dest), o->dest_kind == FS_DISK ? "a disk" :
		    tune_kind_name(o->dest_kind), o->jobs,
		    o->split == SPLIT_NEVER ? "never" : "always",
		    o->writers > 1 ? " (a file's ranges in runs, one per CPU)" :
		    "");
}
