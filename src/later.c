/*
 * later.c: what waits for what.  Three kinds of work in a copy need
 * other work done first:
 *
 *   finish  a split file, once all its ranges reported (part.c does it);
 *   link    a later name of a hard-link group, once the group's first
 *           copy is in place;
 *   dir     a directory's metadata, once everything in it is in place
 *           (its times would move, a read-only mode would lock out the
 *           entries still to come, and a subdirectory's own metadata
 *           goes through it).
 *
 * Each is a later task of the job (task plan.nranges + k is later[k],
 * later[] in node order; the node's type says the kind).  The parent
 * learns that a node is settled (done, kept or failed) from copy_done and
 * copy_fail, counts down what waits for it and makes a later task ready
 * when nothing is left: any worker (any rank) then runs it, and the
 * parent only accounts.  Whatever no task did when the run ends (nothing,
 * when all is well) is done by the parent as before: make_links and
 * finish_dirs.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "compat.h"
#include "copyx.h"
#include "dest.h"
#include "manifest.h"
#include "meta.h"
#include "tree.h"
#include "util.h"
#include "whole.h"
#include "work.h"

enum later_kind { LATER_FINISH, LATER_LINK, LATER_DIR };

static enum later_kind
kind(const struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];

	return n->type == FT_DIR ? LATER_DIR : n->link != NODE_NONE ?
	    LATER_LINK : LATER_FINISH;
}

uint64_t
later_id(const struct copy *c, uint32_t node)
{
	return c->plan.nranges + lower_bound_u32(c->later, c->nlater, node);
}

/*
 * Link node to the first copy of its group, beside its final name, and
 * put it in place: 0, 1 (kept: -n), BACKUP_MADE, or -1 with *f.
 * Worker-safe.
 */
static int
link_one(struct copy *c, uint32_t node, struct fault *f)
{
	char tmp[NAME_MAX + 1];
	struct tree_at first, at;
	int fdir, rv;

	if (tree_at(&c->tree, FLIST_DST, c->fl->v[node].link, &first, f) ==
	    -1)
		return -1;
	/* The next tree_at may reuse first's slot: a descriptor of ours. */
	if ((fdir = fcntl(first.dir, F_DUPFD_CLOEXEC, 0)) == -1) {
		fault_set(f, FAULT_LINK);
		return -1;
	}
	if (tree_at(&c->tree, FLIST_DST, node, &at, f) == -1)
		rv = -1;
	else if (copy_linked(fdir, first.name, false, at.dir, at.name))
		rv = 0;		/* rename(2) would keep both names */
	else if (whole_tmpname(&c->wc, node, at.name, tmp) == -1) {
		fault_set(f, FAULT_PATH);
		rv = -1;
	} else if (linkat(fdir, first.name, at.dir, tmp, 0) == -1) {
		fault_set(f, FAULT_LINK);
		rv = -1;
	} else if ((rv = backup_commit(at.dir, tmp, at.name, c->o->noclobber,
	    &c->o->backup, f)) == -1)
		(void)unlinkat(at.dir, tmp, 0);
	(void)close(fdir);
	return rv;
}

/*
 * A directory's metadata, through the descriptors of the very
 * directories the walk saw and the run made or found (checked by
 * identity), never by a path resolved again: "." beneath each.
 * Worker-safe.
 */
static int
finish_dir(struct copy *c, uint32_t node, struct fault *f)
{
	const struct node *n = &c->fl->v[node];
	struct meta_src ms = { -1, -1, ".", true };
	struct meta_target mt = { -1, -1, ".", false };

	/* The source only for what is read from it: xattrs, ACLs. */
	if ((c->o->preserve & (PRESERVE_XATTR | PRESERVE_MODE)) &&
	    (ms.dir = tree_dir(&c->tree, FLIST_SRC, node, f)) == -1)
		return -1;
	if ((mt.dir = tree_dir(&c->tree, FLIST_DST, node, f)) == -1)
		return -1;
	if (meta_apply_src(&mt, &ms, n, c->o, c->wc.umask, f) == -1)
		return -1;
	return c->o->fsync ? dest_sync_at(mt.dir, f) : 0;
}

/*
 * A later name whose group's first is settled: does it need linking?
 * If not, it is settled here: failed with its first (reported there), or
 * kept.  With the first kept (-n, -u, --resume: an existing copy) a
 * missing name of its group links to that copy; with -n (or --resume)
 * an existing later name stays; with -u it is made a link too, newer or
 * not, so the group stays whole (cp).
 */
static bool
needs_link(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	const struct node *first = &c->fl->v[n->link];

	if (first->state == NS_FAILED) {
		n->state = NS_FAILED;	/* reported with the first */
		later_settled(c, node);
		return false;
	}
	if (first->state == NS_SKIPPED && (c->o->noclobber ||
	    !c->o->update) && copy_keep_existing(c, node)) {
		n->state = NS_SKIPPED;
		c->st->skipped++;
		later_settled(c, node);
		return false;
	}
	return true;
}

/*
 * Is node the head of a later task: a finish, a link, a directory?  Not
 * a directory with --parents: there an operand's destination can lie in
 * another operand's directory (--parents a a/b), which no count of a's
 * entries knows about, so the parent finishes them all at the end.
 */
static bool
is_later(const struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];

	if (n->state != NS_PENDING)
		return false;
	return (n->type == FT_DIR && !c->o->parents) ||
	    n->link != NODE_NONE || (n->split && n->pending > 0);
}

static void
ready(struct copy *c, uint32_t node)
{
	uint64_t id = later_id(c, node);

	if (c->running)
		work_ready(&c->work, id);
	else
		c->ready0[c->nready0++] = id;
}

/* The later names of first's group, now that first is settled. */
static void
links_of(struct copy *c, uint32_t first)
{
	uint32_t i;

	for (i = c->chain[first]; i != NODE_NONE; i = c->chain[i])
		if (c->fl->v[i].state == NS_PENDING && needs_link(c, i))
			ready(c, i);
}

void
later_settled(struct copy *c, uint32_t node)
{
	uint32_t p;

	if (c->settled == NULL || c->settled[node])
		return;
	c->settled[node] = 1;
	if (c->fl->v[node].link == NODE_NONE && c->chain[node] != NODE_NONE)
		links_of(c, node);
	p = c->fl->v[node].parent;
	if (p != NODE_NONE && c->left[p] > 0 && --c->left[p] == 0 &&
	    is_later(c, p))
		ready(c, p);
}

void
later_plan(struct copy *c)
{
	size_t n = c->fl->n ? c->fl->n : 1;
	const struct node *v = c->fl->v;
	uint32_t i, f;

	c->later = xreallocarray(NULL, n, sizeof(*c->later));
	c->ready0 = xreallocarray(NULL, n, sizeof(*c->ready0));
	c->chain = xreallocarray(NULL, n, sizeof(*c->chain));
	c->left = xcalloc(n, sizeof(*c->left));
	c->settled = xcalloc(n, 1);
	c->nlater = c->nready0 = 0;
	/* Each group's later names, chained from its first (node order). */
	for (i = 0; i < c->fl->n; i++)
		c->chain[i] = NODE_NONE;
	for (i = (uint32_t)c->fl->n; i-- > 0;)
		if ((f = v[i].link) != NODE_NONE) {
			c->chain[i] = c->chain[f];
			c->chain[f] = i;
		}
	for (i = 0; i < c->fl->n; i++) {
		if (is_later(c, i))
			c->later[c->nlater++] = i;
		else if (v[i].state != NS_PENDING)
			c->settled[i] = 1;
		if (v[i].parent != NODE_NONE && v[i].state == NS_PENDING)
			c->left[v[i].parent]++;
	}
	/* What is ready before anything runs: links to a first settled
	 * while planning (kept, say), directories with nothing pending. */
	for (i = 0; i < c->fl->n; i++)
		if (v[i].link == NODE_NONE && c->settled[i] &&
		    c->chain[i] != NODE_NONE)
			links_of(c, i);
	for (i = 0; i < c->fl->n; i++)
		if (v[i].type == FT_DIR && is_later(c, i) && c->left[i] == 0)
			ready(c, i);
}

void
later_free(struct copy *c)
{
	free(c->later);
	free(c->ready0);
	free(c->chain);
	free(c->left);
	free(c->settled);
	c->later = c->chain = c->left = NULL;
	c->ready0 = NULL;
	c->settled = NULL;
}

int
later_task(struct copy *c, uint64_t task, const struct engine_buf *eb,
    struct fault *f, unsigned char *out)
{
	uint32_t node = c->later[task - c->plan.nranges];

	switch (kind(c, node)) {
	case LATER_FINISH:
		return part_finish_task(c, node, eb, f, out);
	case LATER_LINK:
		return link_one(c, node, f);
	case LATER_DIR:
		return finish_dir(c, node, f);
	}
	return -1;
}

static void
drop_link_temp(struct copy *c, uint32_t node)
{
	char tmp[NAME_MAX + 1];
	struct tree_at at;
	struct fault f;

	if (tree_at(&c->tree, FLIST_DST, node, &at, &f) == 0 &&
	    whole_tmpname(&c->wc, node, at.name, tmp) == 0)
		(void)unlinkat(at.dir, tmp, 0);
}

void
later_done(struct copy *c, const struct result *res,
    const struct work_out *wo)
{
	uint32_t node = c->later[res->task - c->plan.nranges];
	struct node *n = &c->fl->v[node];
	const struct fault *fault = &res->fault;
	int rv = res->fault.op == FAULT_NONE ? res->rv : -1;
	struct fault f;

	/* A link's worker that died (a stop's SIGTERM, say) may have left
	 * the link beside its final name. */
	if (rv == -1 && kind(c, node) == LATER_LINK)
		drop_link_temp(c, node);
	/* Stopped before it ran: a link or a directory stays undone, as
	 * when the run stops before the parent's passes (not a failure). */
	if (res->fault.op == FAULT_INTR && kind(c, node) != LATER_FINISH)
		return;
	switch (kind(c, node)) {
	case LATER_FINISH:
		/* A stop before a worker took it: its data is all there, so
		 * the parent finishes it (files done before the signal stay). */
		if (res->fault.op == FAULT_INTR && n->fault.op == FAULT_NONE) {
			rv = part_finish(c, node, &f);
			fault = &f;
			break;
		}
		rv = part_finished(c, node, rv, &res->fault, wo->out);
		break;
	case LATER_LINK:
		if (rv != -1) {
			manifest_copy(&c->man, node, n->link);
			n->backed = rv == BACKUP_MADE;
			rv = rv == 1;
		}
		break;
	case LATER_DIR:
		if (rv != -1) {
			n->state = NS_DONE;
			later_settled(c, node);
			return;
		}
		break;
	}
	if (rv == -1)
		copy_fail(c, node, fault);
	else
		copy_done(c, node, rv);
}

void
make_links(struct copy *c)
{
	struct node *n;
	struct fault f;
	uint32_t i;
	int kept;

	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if (n->link == NODE_NONE || n->state != NS_PENDING ||
		    !needs_link(c, i))
			continue;
		if ((kept = link_one(c, i, &f)) == -1) {
			copy_fail(c, i, &f);
			continue;
		}
		manifest_copy(&c->man, i, n->link);
		n->backed = kept == BACKUP_MADE;
		copy_done(c, i, kept == 1);
	}
}

void
finish_dirs(struct copy *c)
{
	struct node *n;
	struct fault f;
	uint32_t i;

	for (i = (uint32_t)c->fl->n; i-- > 0;) {
		n = &c->fl->v[i];
		if (n->type != FT_DIR || n->state != NS_PENDING)
			continue;
		if (finish_dir(c, i, &f) == -1)
			copy_fail(c, i, &f);
		else
			n->state = NS_DONE;
	}
}
