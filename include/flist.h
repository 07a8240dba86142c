/*
 * The file list: one compact node per walked entry.  A node stores its
 * name once (in an arena) and its parent's index; full paths are built on
 * demand, so a tree of a million files costs about 100 bytes a file.
 * Nodes are added parents first (pre-order), which later passes rely on:
 * directories can be made in index order and finished in reverse.
 */
#ifndef PARCP_FLIST_H
#define PARCP_FLIST_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "fault.h"

#define NODE_NONE	UINT32_MAX

enum ftype { FT_REG, FT_DIR, FT_LNK, FT_FIFO, FT_CHR, FT_BLK };

enum nstate {
	NS_PENDING,	/* to be copied */
	NS_DONE,	/* copied, or deliberately skipped (-n, -u) */
	NS_FAILED,	/* reported; its subtree is skipped */
	NS_SKIPPED	/* an existing destination kept (-n, -u) */
};

struct node {
	uint32_t	 parent;	/* directory node; NODE_NONE: operand */
	uint32_t	 name;		/* arena offset: name, operand's path */
	uint32_t	 dst;		/* operands: arena offset of the dest */
	uint32_t	 link;		/* first of its hard-link group, or NONE */
	uint32_t	 pending;	/* split files: ranges not reported */
	uint8_t		 type;		/* enum ftype */
	uint8_t		 state;		/* enum nstate */
	bool		 split;		/* ranges, with a temp made by the parent */
	bool		 existed;	/* directory that was already there */
	bool		 inplace;	/* destination is a device or FIFO:
					   written into, never replaced */
	bool		 path_dir;	/* --parents: a directory on the
					   way to an operand */
	bool		 backed;	/* --backup: its old destination
					   was renamed to a backup name */
	uint8_t		 engine;	/* files: the engine that copied it */
	mode_t		 mode;
	uid_t		 uid;
	gid_t		 gid;
	off_t		 size;
	blkcnt_t	 blocks;
	dev_t		 dev;
	ino_t		 ino;
	dev_t		 rdev;
	struct timespec	 atime;
	struct timespec	 mtime;
	struct fault	 fault;		/* split files: first failure */
};

/* An error of the walk, as reported (kept for --json's errors). */
struct flist_error {
	char		*path;
	const char	*op;		/* static: "opendir", "stat"... */
	int		 err;		/* errno: the reason */
};

struct flist {
	struct flist_error *errors;	/* the walk's, in order */
	size_t		 nerrors;
	struct node	*v;
	size_t		 n;
	size_t		 cap;
	char		*names;		/* the arena */
	size_t		 nlen;
	size_t		 ncap;
};

enum flist_side { FLIST_SRC, FLIST_DST };

/* Add a node for name (a path for an operand) with st.  Parent only. */
uint32_t	flist_add(struct flist *, uint32_t parent, const char *name,
		    const struct stat *st);
/* Set an operand's destination path.  Parent only. */
void		flist_set_dst(struct flist *, uint32_t node, const char *dst);
/*
 * Write node's source or destination path into buf.  Returns its length,
 * or -1 with errno ENAMETOOLONG.  Worker-safe.
 */
int		flist_path(const struct flist *, uint32_t node,
		    enum flist_side, char *buf, size_t len);
/* The node's name (last component; an operand's whole path). */
const char	*flist_name(const struct flist *, uint32_t node);
/* Keep the walk's error: op (static) on path failed with errno err. */
void		flist_error(struct flist *, const char *path, const char *op,
		    int err);
/* ftype of a stat mode; -1 for a socket or anything unknown. */
int		flist_type(mode_t);
void		flist_free(struct flist *);

#endif
