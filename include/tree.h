/*
 * The two trees of a copy (its sources and its destinations) by
 * descriptor.  Every entry is reached as (directory descriptor, leaf
 * name): a walked entry's directory is its parent node's, opened relative
 * to the grandparent's with O_NOFOLLOW | O_DIRECTORY and checked against
 * the identity recorded for it (the walk's stat for sources, the one taken
 * when the run made or found it for destinations); an operand's directory
 * is the one its path names, opened by that path (the user's choice,
 * symlinks and all).  Nothing is resolved again from the root: no path is
 * limited by PATH_MAX, and a directory swapped for a symlink or another
 * directory fails an entry instead of redirecting it.
 *
 * The descriptors are O_PATH, in a small cache per process (a fork copies
 * it; each worker then fills its own); an evicted one is reopened from
 * its parent, so a tree deeper than the descriptor limit works too.
 * The identities are data (struct tree_id per node), recorded by the
 * parent before the workers start and the same in every process.
 * Worker-safe (but tree_set_dst): no output, no allocation.
 */
#ifndef PARCP_TREE_H
#define PARCP_TREE_H

#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"
#include "flist.h"

#define TREE_SLOTS	64	/* per side: descriptors held at most */

/* A directory's identity; dev == 0 && ino == 0: not known yet. */
struct tree_id {
	dev_t	dev;
	ino_t	ino;
};

struct tree_slot {
	uint32_t	key;		/* node, or NODE_NONE: empty */
	bool		container;	/* an operand's directory, not its own */
	int		fd;
};

/* An operand's destination directory made under another name (copy.c's
 * staged trees): leaf, in the operand's directory, until it is placed. */
struct tree_stage {
	uint32_t	 node;
	char		 leaf[NAME_MAX + 1];
};

struct tree {
	const struct flist	*fl;
	bool			 deref;	/* -L: source symlinks followed */
	bool			 dst_links;	/* --keep-directory-symlink */
	struct tree_id		*dst;	/* per node: destination dirs */
	uint8_t			*staged;	/* per node: a dir in a staged
						   tree (tree_set_staged) */
	size_t			 ndst;
	struct tree_stage	*stage;	/* by node, ascending */
	size_t			 nstage;
	struct tree_slot	 slot[2][TREE_SLOTS];	/* [enum flist_side] */
};

/* An entry as its directory's descriptor and its name there. */
struct tree_at {
	int	 dir;
	char	 name[NAME_MAX + 1];
};

/* deref: -L; dst_links: --keep-directory-symlink. */
void	tree_init(struct tree *, const struct flist *, bool deref,
	    bool dst_links);
/* Close every cached descriptor (a worker's, or the parent's at the end). */
void	tree_close(struct tree *);
void	tree_free(struct tree *);

/*
 * The directory node itself, as a cached O_PATH descriptor (not to be
 * closed by the caller), checked against its identity.  -1 with *f set
 * (FAULT_CHANGED: not the directory recorded, or a symlink now).
 */
int	tree_dir(struct tree *, enum flist_side, uint32_t node,
	    struct fault *f);
/* node as (its directory, its name); 0, or -1 with *f set. */
int	tree_at(struct tree *, enum flist_side, uint32_t node,
	    struct tree_at *at, struct fault *f);
/* Record the destination directory node's identity from fd.  Parent
 * only.  0, or -1 (fstat failed). */
int	tree_set_dst(struct tree *, uint32_t node, int fd);
/*
 * The operand node's destination is the directory leaf in its operand's
 * directory (staged), until tree_unstage.  Parent only, in node order.
 */
void	tree_stage(struct tree *, uint32_t node, const char *leaf);
void	tree_unstage(struct tree *, uint32_t node);
/* The staged leaf of operand node, or NULL. */
const char *tree_staged_leaf(const struct tree *, uint32_t node);
/* Directory node (recorded by tree_set_dst) lies in a staged tree: made
 * by this run, owner-only, under a name nobody knows; nothing but this
 * run writes there.  Parent only. */
void	tree_set_staged(struct tree *, uint32_t node);
/* Is directory node in a staged tree? */
bool	tree_in_staged(const struct tree *, uint32_t node);
/* Does fd hold the directory the source walk saw as node? */
bool	tree_same(const struct flist *, uint32_t node, int fd);

#endif
