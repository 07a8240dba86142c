/*
 * The defaults a run takes from where it writes: how many workers (-j)
 * and whether several of them copy one file at once (--split).  The rule
 * and the measurements behind it are in the README ("Defaults").
 */
#ifndef PARCP_TUNE_H
#define PARCP_TUNE_H

#include <stdbool.h>

#include "opts.h"

/* What DEST's file system is, as far as speed goes. */
enum fs_kind {
	FS_DISK,	/* a local block device (and anything not known) */
	FS_MEMORY,	/* tmpfs, ramfs: copies run at memory speed */
	FS_NETWORK	/* NFS, SMB, Ceph, Lustre, GPFS, BeeGFS, FUSE...: a
			   server (or many) behind every write */
};

/* Workers on a disk or a network file system (at least the CPUs). */
#define TUNE_IO_JOBS	8

struct tune {
	unsigned	 jobs;
	unsigned	 writers;	/* on one file at most (0: any) */
};

/* The kind of a statfs f_type.  Pure. */
enum fs_kind	tune_kind(long f_type);
/* A word for kind ("disk", "memory", "network"). */
const char	*tune_kind_name(enum fs_kind kind);
/* The defaults on kind with ncpu online CPUs.  Pure. */
struct tune	 tune_pick(enum fs_kind kind, unsigned ncpu);
/*
 * Resolve o's defaults for its destination (a copy's DEST or the
 * directory --from-tar unpacks into; --to-tar's archive keeps today's
 * split): jobs unless -j was given (or the ranks are the workers), split
 * and writers unless --split was (any number of writers with
 * --chunk-size, and in parcp-mpi).  Sets o->dest_kind.  Only statfs(2):
 * the choice is speed alone, never where anything is written.
 */
void		 tune_opts(struct opts *o);

#endif
