/*
 * stage.c: a new tree appears whole.  An operand directory the run
 * creates is made twice: under its name, empty (owner-only), which holds
 * the name and decides everything as before (an existing one is merged
 * into, never staged); and beside it under the run's temp name
 * (.parcp.NAME.TOKEN.PID.N: unguessable, owner-only), where the copy is
 * made.  When the run ends, finished or stopped, the two are exchanged
 * (RENAME_EXCHANGE) and the empty one removed: the tree is seen under its
 * name only then, with every file in it complete.
 *
 * Inside, nothing but this run writes, so a regular file is created under
 * its final name (dest_create_new) instead of unnamed and linked: on
 * tmpfs an unnamed file and its link cost 2.7 us a file more than a name
 * (20,000 one-byte files: 0.165 s against 0.110 s).  A copy that fails is
 * removed by the worker that made it, or (a worker killed, a stop) by the
 * parent with its result (copy.c's whole_done).  Where a file system has
 * no exchange, the copy is renamed over the empty directory, once it is
 * checked to be the one this run made.  A run killed outright (SIGKILL)
 * leaves the empty directory under the name and the copy beside it.
 *
 * Not with --parents (its directories are operands inside operands) nor
 * under parcp-mpi (its ranks find an operand by its name).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "copyx.h"
#include "dest.h"
#include "quote.h"
#include "tree.h"
#include "util.h"

/*
 * An operand's staged tree: its node, and both directories, held open so
 * that their identities (dev, inode) stay theirs: a directory removed
 * and made again could get a freed inode's number back, and pass for
 * the one this run made.
 */
struct copy_stage {
	uint32_t	 node;
	int		 held;		/* the empty one under the name */
	int		 copy;		/* the one the copy is made in */
};

#define STAGE_MAX	64		/* staged trees a run holds open */

static bool
wanted(const struct copy *c)
{
	const struct opts *o = c->o;

	return !o->parents && o->mode != EXEC_MPI && !o->dry_run &&
	    c->nstage < STAGE_MAX;
}

bool
stage_dir(struct copy *c, uint32_t node, const struct tree_at *at, int *fd)
{
	char leaf[NAME_MAX + 1];
	struct copy_stage *s;
	struct stat st;
	int sfd, copy;

	if (!wanted(c) || fstat(*fd, &st) == -1 ||
	    whole_tmpname(&c->wc, node, at->name, leaf) == -1 ||
	    mkdirat(at->dir, leaf, S_IRWXU) == -1)
		return false;
	if ((sfd = openat(at->dir, leaf, O_PATH | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || (copy = fcntl(sfd, F_DUPFD_CLOEXEC, 0)) ==
	    -1) {
		if (sfd != -1)
			(void)close(sfd);
		(void)unlinkat(at->dir, leaf, AT_REMOVEDIR);
		return false;
	}
	c->stage = xreallocarray(c->stage, c->nstage + 1, sizeof(*c->stage));
	s = &c->stage[c->nstage++];
	s->node = node;
	s->held = *fd;
	s->copy = copy;
	tree_stage(&c->tree, node, leaf);
	head_made(c, st.st_dev, st.st_ino);	/* the empty one too */
	*fd = sfd;
	return true;
}

/* Is dir's name the directory held open as fd (not a symlink to it)? */
static bool
is_dir(int dir, const char *name, int fd)
{
	struct stat st, held;

	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstat(fd, &held) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_dev == held.st_dev && st.st_ino == held.st_ino;
}

/*
 * s's tree (leaf in at.dir) under its name at.name, the empty directory
 * removed.  Both are checked after the exchange: if either is not what
 * this run made (a racing process renamed one), the exchange is undone
 * and nothing of theirs moves.  0, or -1 with errno; *left: the empty
 * one could not be removed (something was put in it: it stays, under
 * leaf).
 */
static int
exchange(const struct tree_at *at, const char *leaf,
    const struct copy_stage *s, bool *left)
{
	*left = false;
	if (renameat2(at->dir, leaf, at->dir, at->name, RENAME_EXCHANGE) ==
	    0) {
		if (is_dir(at->dir, at->name, s->copy) &&
		    is_dir(at->dir, leaf, s->held)) {
			*left = unlinkat(at->dir, leaf, AT_REMOVEDIR) == -1;
			return 0;
		}
		(void)renameat2(at->dir, leaf, at->dir, at->name,
		    RENAME_EXCHANGE);
		errno = EEXIST;
		return -1;
	}
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* No exchange here: over the empty one, both checked first. */
	if (!is_dir(at->dir, leaf, s->copy) ||
	    !is_dir(at->dir, at->name, s->held)) {
		errno = EEXIST;
		return -1;
	}
	return renameat(at->dir, leaf, at->dir, at->name);
}

/* Place s's tree, or say where it stays (-1). */
static int
place(struct copy *c, const struct copy_stage *s)
{
	char leaf[NAME_MAX + 1], *dir, *kept;
	struct tree_at at;
	struct fault f;
	bool left;
	int err;

	(void)snprintf(leaf, sizeof(leaf), "%s",
	    tree_staged_leaf(&c->tree, s->node));
	tree_unstage(&c->tree, s->node);
	if (tree_at(&c->tree, FLIST_DST, s->node, &at, &f) == 0 &&
	    exchange(&at, leaf, s, &left) == 0) {
		if (c->o->fsync && dest_sync_at(at.dir, &f) == -1)
			copy_fail(c, s->node, &f);
		if (!left)
			return 0;
		err = ENOTEMPTY;	/* placed; what was put there stays */
	} else
		err = errno;
	if (c->status == 0)
		c->status = 1;
	if (err != ENOTEMPTY)
		c->st->failed++;
	dir = xpath_dir(copy_path(c, s->node, FLIST_DST));
	kept = xpath_join(dir, leaf);
	if (err == ENOTEMPTY)
		warnx("%s: what was put in it meanwhile is in %s",
		    quote(copy_path(c, s->node, FLIST_DST)), quote(kept));
	else
		warnx("cannot place %s: %s; the copy is in %s",
		    quote(copy_path(c, s->node, FLIST_DST)), strerror(err),
		    quote(kept));
	free(kept);
	free(dir);
	return -1;
}

int
stage_place(struct copy *c)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < c->nstage; i++) {
		bad |= place(c, &c->stage[i]);
		(void)close(c->stage[i].held);
		(void)close(c->stage[i].copy);
	}
	c->nstage = 0;
	return bad;
}

void
stage_free(struct copy *c)
{
	free(c->stage);
	c->stage = NULL;
	c->nstage = 0;
}
