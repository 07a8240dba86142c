/*
 * The trees by descriptor (tree.h).  A slot holds one directory's O_PATH
 * descriptor; a node maps to one slot (direct-mapped: no bookkeeping,
 * and a tree's siblings, which sit next to each other in the file list,
 * never collide).  Reopening a node needs its parent's descriptor, which
 * may itself be reopened: the recursion is as deep as the tree at worst,
 * and each level is one openat.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tree.h"
#include "util.h"

#define DIR_FLAGS	(O_PATH | O_DIRECTORY | O_CLOEXEC)

void
tree_init(struct tree *t, const struct flist *fl, bool deref,
    bool dst_links)
{
	size_t s, i;

	memset(t, 0, sizeof(*t));
	t->fl = fl;
	t->deref = deref;
	t->dst_links = dst_links;
	for (s = 0; s < 2; s++)
		for (i = 0; i < TREE_SLOTS; i++) {
			t->slot[s][i].key = NODE_NONE;
			t->slot[s][i].fd = -1;
		}
}

void
tree_close(struct tree *t)
{
	size_t s, i;

	for (s = 0; s < 2; s++)
		for (i = 0; i < TREE_SLOTS; i++) {
			if (t->slot[s][i].fd != -1)
				(void)close(t->slot[s][i].fd);
			t->slot[s][i].key = NODE_NONE;
			t->slot[s][i].fd = -1;
		}
}

void
tree_free(struct tree *t)
{
	tree_close(t);
	free(t->dst);
	free(t->staged);
	free(t->stage);
	t->dst = NULL;
	t->staged = NULL;
	t->stage = NULL;
	t->ndst = t->nstage = 0;
}

static struct tree_stage *
stage_of(const struct tree *t, uint32_t node)
{
	size_t lo = 0, hi = t->nstage, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->stage[mid].node == node)
			return &t->stage[mid];
		if (t->stage[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
tree_stage(struct tree *t, uint32_t node, const char *leaf)
{
	struct tree_stage *s;

	t->stage = xreallocarray(t->stage, t->nstage + 1, sizeof(*t->stage));
	s = &t->stage[t->nstage++];
	s->node = node;
	(void)snprintf(s->leaf, sizeof(s->leaf), "%s", leaf);
}

void
tree_unstage(struct tree *t, uint32_t node)
{
	struct tree_stage *s = stage_of(t, node);

	if (s != NULL) {
		memmove(s, s + 1, (size_t)(t->stage + t->nstage - (s + 1)) *
		    sizeof(*s));
		t->nstage--;
	}
}

const char *
tree_staged_leaf(const struct tree *t, uint32_t node)
{
	const struct tree_stage *s = stage_of(t, node);

	return s != NULL ? s->leaf : NULL;
}

void
tree_set_staged(struct tree *t, uint32_t node)
{
	if (t->staged != NULL && node < t->ndst)
		t->staged[node] = 1;
}

bool
tree_in_staged(const struct tree *t, uint32_t node)
{
	/* (an mpi rank's tree has identities only: nothing staged) */
	return t->staged != NULL && node < t->ndst && t->staged[node];
}

static struct tree_slot *
slot_of(struct tree *t, enum flist_side side, uint32_t node, bool container)
{
	return &t->slot[side][(node * 2 + container) % TREE_SLOTS];
}

/* An operand path as its directory (into dir) and its last name (leaf,
 * trailing slashes dropped; "." for "/"). */
static int
split_operand(const char *path, char *dir, size_t dlen, char *leaf)
{
	size_t n = strlen(path), end, start;

	for (end = n; end > 1 && path[end - 1] == '/'; end--)
		;
	for (start = end; start > 0 && path[start - 1] != '/'; start--)
		;
	if (end - start > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (end == start)		/* "/" (or "") */
		(void)strcpy(leaf, ".");
	else {
		memcpy(leaf, path + start, end - start);
		leaf[end - start] = '\0';
	}
	if (start == 0)
		(void)strcpy(dir, ".");
	else if (start == 1 || end == start)
		(void)strcpy(dir, "/");
	else if (start - 1 >= dlen) {
		errno = ENAMETOOLONG;
		return -1;
	} else {
		memcpy(dir, path, start - 1);
		dir[start - 1] = '\0';
	}
	return 0;
}

static const char *
operand_path(const struct flist *fl, enum flist_side side, uint32_t node)
{
	const struct node *n = &fl->v[node];

	return fl->names + (side == FLIST_DST ? n->dst : n->name);
}

/* An operand's directory (by its path: the user's choice), cached. */
static int
container(struct tree *t, enum flist_side side, uint32_t node,
    struct fault *f)
{
	struct tree_slot *s = slot_of(t, side, node, true);
	char dir[PATH_MAX], leaf[NAME_MAX + 1];

	if (s->key == node && s->container)
		return s->fd;
	if (split_operand(operand_path(t->fl, side, node), dir, sizeof(dir),
	    leaf) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	if (s->fd != -1)
		(void)close(s->fd);
	s->key = NODE_NONE;
	/* A destination's missing directory: it cannot be created (cp). */
	if ((s->fd = open(dir, DIR_FLAGS)) == -1) {
		fault_set(f, side == FLIST_DST ? FAULT_CREATE :
		    FAULT_OPEN_SRC);
		return -1;
	}
	s->key = node;
	s->container = true;
	return s->fd;
}

bool
tree_same(const struct flist *fl, uint32_t node, int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_dev == fl->v[node].dev &&
	    st.st_ino == fl->v[node].ino;
}

/* Is fd the directory recorded for node on side? */
static bool
identical(const struct tree *t, enum flist_side side, uint32_t node, int fd)
{
	const struct tree_id *id;
	struct stat st;

	if (side == FLIST_SRC)
		return tree_same(t->fl, node, fd);
	if (node >= t->ndst || ((id = &t->dst[node])->dev == 0 &&
	    id->ino == 0))
		return true;		/* not made or found yet */
	return fstat(fd, &st) == 0 && st.st_dev == id->dev &&
	    st.st_ino == id->ino;
}

/*
 * Source operands and -L follow symlinks (the walk did), and so does
 * --keep-directory-symlink in DEST (the directory found there is the
 * one recorded); nothing else.
 */
static int
dir_flags(const struct tree *t, enum flist_side side, uint32_t node)
{
	if (side == FLIST_SRC && (t->deref || t->fl->v[node].parent ==
	    NODE_NONE))
		return DIR_FLAGS;
	if (side == FLIST_DST && t->dst_links)
		return DIR_FLAGS;
	return DIR_FLAGS | O_NOFOLLOW;
}

int
tree_dir(struct tree *t, enum flist_side side, uint32_t node,
    struct fault *f)
{
	struct tree_slot *s = slot_of(t, side, node, false);
	struct tree_at at;
	int fd;

	if (s->key == node && !s->container)
		return s->fd;
	if (tree_at(t, side, node, &at, f) == -1)
		return -1;
	if ((fd = openat(at.dir, at.name, dir_flags(t, side, node))) == -1) {
		/* A symlink where a directory was: replaced under us. */
		if (errno == ELOOP || errno == ENOTDIR)
			fault_setc(f, side == FLIST_DST ? FAULT_MOVED :
			    FAULT_CHANGED, 0);
		else
			fault_set(f, side == FLIST_DST ? FAULT_OPEN_DST :
			    FAULT_OPEN_SRC);
		return -1;
	}
	if (!identical(t, side, node, fd)) {
		(void)close(fd);
		fault_setc(f, side == FLIST_DST ? FAULT_MOVED : FAULT_CHANGED,
		    0);
		return -1;
	}
	if (s->fd != -1)
		(void)close(s->fd);
	s->key = node;
	s->container = false;
	s->fd = fd;
	return fd;
}

int
tree_at(struct tree *t, enum flist_side side, uint32_t node,
    struct tree_at *at, struct fault *f)
{
	const struct node *n = &t->fl->v[node];
	char dir[PATH_MAX];
	const char *name;

	if (n->parent == NODE_NONE) {
		if (split_operand(operand_path(t->fl, side, node), dir,
		    sizeof(dir), at->name) == -1) {
			fault_set(f, FAULT_PATH);
			return -1;
		}
		if (side == FLIST_DST && t->nstage > 0 &&
		    (name = tree_staged_leaf(t, node)) != NULL)
			(void)strcpy(at->name, name);
		at->dir = container(t, side, node, f);
		return at->dir == -1 ? -1 : 0;
	}
	name = flist_name(t->fl, node);
	if (strlen(name) > NAME_MAX) {
		fault_setc(f, FAULT_PATH, ENAMETOOLONG);
		return -1;
	}
	(void)strcpy(at->name, name);
	at->dir = tree_dir(t, side, n->parent, f);
	return at->dir == -1 ? -1 : 0;
}

int
tree_set_dst(struct tree *t, uint32_t node, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -1;
	if (node >= t->ndst) {
		t->dst = xreallocarray(t->dst, t->fl->n, sizeof(*t->dst));
		t->staged = xreallocarray(t->staged, t->fl->n, 1);
		memset(t->dst + t->ndst, 0, (t->fl->n - t->ndst) *
		    sizeof(*t->dst));
		memset(t->staged + t->ndst, 0, t->fl->n - t->ndst);
		t->ndst = t->fl->n;
	}
	t->dst[node].dev = st.st_dev;
	t->dst[node].ino = st.st_ino;
	return 0;
}
