/*
 * copy_job.c: the copy driver's job as data.
 *
 * What a worker of a copy reads, and nothing else: the option values,
 * the file list (nodes and name arena), the plan's ranges, the split
 * files whose finish is a later task,
 * the run's temp-name token and owner, the umask, the identities of the
 * destination directories the run made or found and of the split files'
 * parts, and the directory the operands' paths are relative to.  The
 * parent's descriptors, its progress and its report stay with it: a
 * worker opens everything itself, beneath the directories the identities
 * name (tree.c), and a blob names no descriptor.
 *
 * Devices are mapped across hosts by the operands' anchors (job.h):
 * an operand's source, destination directory and part.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "copyx.h"
#include "dest.h"
#include "job.h"
#include "util.h"
#include "walk.h"
#include "work.h"

#define COPY_JOB_MAGIC	0x706172637031ULL	/* "parcp1" */

/* The worker view unpack makes, and what it owns. */
struct copy_remote {
	struct copy	 c;
	struct job_opts	 o;
	struct flist	 fl;
};

/*
 * The devices of the job's operands, anchored by the user's own paths
 * (an operand's source, its destination directory, its part): nothing
 * deeper, which a race could bend.  A device first seen below them (a
 * mount crossed inside a tree) goes without: its entries fail safe on
 * another host.
 */
static void
pack_anchors(const struct copy *c, struct blob *b)
{
	struct job_anchors a = { NULL, 0 };
	const struct node *n;
	char dst[PATH_MAX], part[PATH_MAX];
	uint32_t k;

	for (k = 0; k < c->fl->n; k++) {
		n = &c->fl->v[k];
		if (n->parent != NODE_NONE ||
		    flist_path(c->fl, k, FLIST_DST, dst, sizeof(dst)) == -1)
			continue;
		job_anchor(&a, n->dev, n->ino, walk_follows(c->o, true),
		    flist_name(c->fl, k));
		if (k < c->tree.ndst)
			job_anchor(&a, c->tree.dst[k].dev, c->tree.dst[k].ino,
			    c->tree.dst_links, dst);
		if (c->held != NULL && n->split && dest_partname(dst, "part",
		    part, sizeof(part)) == 0)
			job_anchor(&a, c->held[k].dev, c->held[k].ino, false,
			    part);
	}
	job_put_anchors(b, &a);
}

/* Stat each anchor here; rewrite the devices whose anchor matches. */
static int
unpack_anchors(struct blob *b, struct copy *c)
{
	struct job_devmap m;
	uint32_t k;

	if (job_get_anchors(b, c->o->durable_ranges, &m) == -1) {
		job_devmap_free(&m);
		return -1;
	}
	for (k = 0; k < c->fl->n && m.n > 0; k++) {
		c->fl->v[k].dev = job_dev(&m, c->fl->v[k].dev);
		if (c->held != NULL)
			c->held[k].dev = job_dev(&m, c->held[k].dev);
	}
	for (k = 0; k < c->tree.ndst && m.n > 0; k++)
		c->tree.dst[k].dev = job_dev(&m, c->tree.dst[k].dev);
	job_devmap_free(&m);
	return 0;
}

static void
pack(void *ctx, struct blob *b)
{
	const struct copy *c = ctx;
	uint32_t i, nsplit = 0;

	job_put_head(b, COPY_JOB_MAGIC, c->o);
	job_put_work(b, &c->work);
	job_put_lists(b, c->fl, &c->plan);
	blob_put_u64(b, c->wc.umask);
	blob_put_u64(b, (uint64_t)c->wc.owner);
	blob_put(b, c->wc.token, sizeof(c->wc.token));
	blob_put_u64(b, c->tree.deref);
	blob_put_u64(b, c->tree.dst_links);
	blob_put_u64(b, c->tree.ndst);
	blob_put(b, c->tree.dst, c->tree.ndst * sizeof(*c->tree.dst));
	blob_put_u64(b, c->nlater);
	blob_put(b, c->later, c->nlater * sizeof(*c->later));
	for (i = 0; i < c->fl->n; i++)
		nsplit += c->held != NULL && c->fl->v[i].split;
	blob_put_u64(b, nsplit);
	for (i = 0; i < c->fl->n && nsplit > 0; i++)
		if (c->fl->v[i].split) {
			blob_put_u64(b, i);
			blob_put(b, &c->held[i], sizeof(c->held[i]));
		}
	pack_anchors(c, b);
	blob_seal(b);
}

/* The held parts' identities (their descriptors stay with the parent),
 * after the split files whose finish is a later task. */
static int
unpack_held(struct blob *b, struct copy *c)
{
	uint64_t n = blob_get_u64(b), i, node;

	if (n > c->fl->n || (c->later = blob_get_array(b, n,
	    sizeof(*c->later))) == NULL)
		return -1;
	c->nlater = (uint32_t)n;
	for (i = 0; i < n; i++)
		if (c->later[i] >= c->fl->n)
			return -1;
	n = blob_get_u64(b);

	c->held = xcalloc(c->fl->n ? c->fl->n : 1, sizeof(*c->held));
	for (i = 0; i < n && !b->bad; i++) {
		if ((node = blob_get_u64(b)) >= c->fl->n)
			return -1;
		blob_get(b, &c->held[node], sizeof(c->held[node]));
		c->held[node].fd = c->held[node].jfd = -1;
	}
	return b->bad ? -1 : 0;
}

static int
unpack_tree(struct blob *b, struct copy *c)
{
	bool deref = blob_get_u64(b) != 0, links = blob_get_u64(b) != 0;
	uint64_t n;

	tree_init(&c->tree, c->fl, deref, links);
	n = blob_get_u64(b);
	if ((c->tree.dst = blob_get_array(b, n, sizeof(*c->tree.dst))) ==
	    NULL)
		return -1;
	c->tree.ndst = n;
	return 0;
}

static int
unpack(struct blob *b, struct exec_job *job)
{
	struct copy_remote *r = xcalloc(1, sizeof(*r));
	struct copy *c = &r->c;
	int rv = -1;

	c->work.arg = c;		/* release() finds r through it */
	job->arg = &c->work;
	job->ops = &work_tasks;
	if (job_get_head(b, COPY_JOB_MAGIC, &r->o) == -1)
		return -1;
	c->o = &r->o.o;
	c->fl = &r->fl;
	c->work.task = copy_task;
	if (job_get_work(b, &c->work) == -1 ||
	    job_get_lists(b, &r->fl, &c->plan) == -1)
		return -1;
	c->wc.fl = c->fl;
	c->wc.o = c->o;
	c->wc.tree = &c->tree;
	c->wc.umask = (mode_t)blob_get_u64(b);
	c->wc.owner = (pid_t)blob_get_u64(b);
	blob_get(b, c->wc.token, sizeof(c->wc.token));
	c->wc.token[sizeof(c->wc.token) - 1] = '\0';
	if (unpack_tree(b, c) == 0 && unpack_held(b, c) == 0 &&
	    unpack_anchors(b, c) == 0 && !b->bad)
		rv = 0;
	return rv;
}

static void
release(struct exec_job *job)
{
	struct work *w = job->arg;
	struct copy_remote *r;
	struct copy *c;

	if (w == NULL)
		return;
	r = w->arg;			/* c is its first member */
	c = &r->c;
	tree_free(&c->tree);
	free(c->held);
	free(c->later);
	plan_free(&c->plan);
	flist_free(&r->fl);
	job_opts_free(&r->o);
	free(r);
	job->arg = NULL;
}

const struct job_driver copy_driver = { "copy", pack, unpack, release };
