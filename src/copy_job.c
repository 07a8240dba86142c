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
 * Device numbers are the one identity field that is not the same on
 * every host: each client of a parallel or network file system numbers
 * its mounts itself.  So a blob also carries an anchor per device of the
 * operands (an operand's source, destination or part, by the user's own
 * path, with its inode, which the file system keeps the same on every
 * client); across hosts a rank stats each anchor and, when the inode
 * matches, rewrites that device to its own number.  A device without a
 * matching anchor stays as it was: the entries on it then fail their
 * identity checks (safe), they are never redirected.
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
	struct opts	 o;
	struct flist	 fl;
	char		*suffix;
	char		*manifest;
};

/* A device's anchor: a path on it as rank 0 saw it, and that inode. */
struct anchor {
	dev_t		 dev;
	ino_t		 ino;
	bool		 follow;	/* stat, not lstat */
	char		 path[PATH_MAX];
};

/* Add (dev, ino) at path, unless dev has an anchor or path is too long. */
static void
add_anchor(struct anchor **v, size_t *n, dev_t dev, ino_t ino, bool follow,
    const char *path)
{
	size_t i;

	if (dev == 0 || path == NULL || strlen(path) >= PATH_MAX)
		return;
	for (i = 0; i < *n; i++)
		if ((*v)[i].dev == dev)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].dev = dev;
	(*v)[*n].ino = ino;
	(*v)[*n].follow = follow;
	(void)snprintf((*v)[*n].path, PATH_MAX, "%s", path);
	(*n)++;
}

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
	const struct node *n;
	struct anchor *v = NULL;
	char dst[PATH_MAX], part[PATH_MAX];
	size_t nv = 0, i;
	uint32_t k;

	for (k = 0; k < c->fl->n; k++) {
		n = &c->fl->v[k];
		if (n->parent != NODE_NONE ||
		    flist_path(c->fl, k, FLIST_DST, dst, sizeof(dst)) == -1)
			continue;
		add_anchor(&v, &nv, n->dev, n->ino, walk_follows(c->o, true),
		    flist_name(c->fl, k));
		if (k < c->tree.ndst)
			add_anchor(&v, &nv, c->tree.dst[k].dev,
			    c->tree.dst[k].ino, c->tree.dst_links, dst);
		if (c->held != NULL && n->split && dest_partname(dst, "part",
		    part, sizeof(part)) == 0)
			add_anchor(&v, &nv, c->held[k].dev, c->held[k].ino,
			    false, part);
	}
	blob_put_u64(b, nv);
	for (i = 0; i < nv; i++) {
		blob_put_u64(b, v[i].dev);
		blob_put_u64(b, v[i].ino);
		blob_put_u64(b, v[i].follow);
		blob_put_str(b, v[i].path);
	}
	free(v);
}

/* This host's number for rank 0's device dev (dev itself if unknown). */
static dev_t
mapped(const dev_t (*map)[2], size_t n, dev_t dev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (map[i][0] == dev)
			return map[i][1];
	return dev;
}

/* Stat each anchor here; rewrite the devices whose anchor matches. */
static int
unpack_anchors(struct blob *b, struct copy *c)
{
	uint64_t n = blob_get_u64(b), i, ino, follow;
	dev_t (*map)[2], dev;
	struct stat st;
	size_t nmap = 0;
	uint32_t k;
	char *path;

	if (b->bad || n > b->len)
		return -1;
	map = xcalloc(n ? n : 1, sizeof(*map));
	for (i = 0; i < n && !b->bad; i++) {
		dev = (dev_t)blob_get_u64(b);
		ino = blob_get_u64(b);
		follow = blob_get_u64(b);
		path = blob_get_str(b);
		/* One host: rank 0's numbers are this host's; nothing to map,
		 * nothing resolved by path. */
		if (path != NULL && c->o->durable_ranges && (follow ?
		    stat(path, &st) : lstat(path, &st)) == 0 &&
		    st.st_ino == ino &&
		    st.st_dev != dev) {
			map[nmap][0] = dev;
			map[nmap++][1] = st.st_dev;
		}
		free(path);
	}
	for (k = 0; k < c->fl->n && nmap > 0; k++) {
		c->fl->v[k].dev = mapped(map, nmap, c->fl->v[k].dev);
		if (c->held != NULL)
			c->held[k].dev = mapped(map, nmap, c->held[k].dev);
	}
	for (k = 0; k < c->tree.ndst && nmap > 0; k++)
		c->tree.dst[k].dev = mapped(map, nmap, c->tree.dst[k].dev);
	free(map);
	return b->bad ? -1 : 0;
}

static void
pack(void *ctx, struct blob *b)
{
	const struct copy *c = ctx;
	struct opts o = *c->o;
	char cwd[PATH_MAX];
	uint32_t i, nsplit = 0;

	blob_put_u64(b, COPY_JOB_MAGIC);
	blob_put_str(b, getcwd(cwd, sizeof(cwd)) ? cwd : NULL);
	/* The options by value; what points into the parent goes as
	 * strings, or not at all (workers never read it). */
	o.backup_control = NULL;
	o.backup.suffix = NULL;
	o.manifest = NULL;
	o.tar_path = o.target = NULL;
	memset(&o.exclude, 0, sizeof(o.exclude));
	o.paths = NULL;
	o.npaths = 0;
	blob_put(b, &o, sizeof(o));
	blob_put_str(b, c->o->backup.suffix);
	blob_put_str(b, c->o->manifest);
	blob_put(b, &c->work.how, sizeof(c->work.how));
	blob_put_u64(b, c->work.bufsz);
	blob_put_u64(b, c->fl->n);
	blob_put(b, c->fl->v, c->fl->n * sizeof(*c->fl->v));
	blob_put_u64(b, c->fl->nlen);
	blob_put(b, c->fl->names, c->fl->nlen);
	blob_put_u64(b, c->plan.nranges);
	blob_put(b, c->plan.ranges, c->plan.nranges * sizeof(*c->plan.ranges));
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

/* Every index in the lists points inside them: a worker never reads
 * past the arena or the nodes, whatever the blob said. */
static bool
sane(const struct flist *fl, const struct plan *p)
{
	const struct node *n;
	size_t i;

	if (fl->nlen == 0 || fl->names[fl->nlen - 1] != '\0')
		return false;
	for (i = 0; i < fl->n; i++) {
		n = &fl->v[i];
		if (n->name >= fl->nlen || (n->parent != NODE_NONE &&
		    n->parent >= i) || (n->parent == NODE_NONE &&
		    n->dst >= fl->nlen) || (n->link != NODE_NONE &&
		    n->link >= fl->n))
			return false;
	}
	for (i = 0; i < p->nranges; i++)
		if (p->ranges[i].file >= fl->n)
			return false;
	return true;
}

static int
unpack_lists(struct blob *b, struct copy_remote *r)
{
	uint64_t n;

	n = blob_get_u64(b);
	if (n > UINT32_MAX ||
	    (r->fl.v = blob_get_array(b, n, sizeof(*r->fl.v))) == NULL)
		return -1;
	r->fl.n = r->fl.cap = n;
	n = blob_get_u64(b);
	if ((r->fl.names = blob_get_array(b, n, 1)) == NULL)
		return -1;
	r->fl.nlen = r->fl.ncap = n;
	n = blob_get_u64(b);
	if ((r->c.plan.ranges = blob_get_array(b, n,
	    sizeof(*r->c.plan.ranges))) == NULL)
		return -1;
	r->c.plan.nranges = r->c.plan.cap = n;
	return sane(&r->fl, &r->c.plan) ? 0 : -1;
}

static int
unpack(struct blob *b, struct exec_job *job)
{
	struct copy_remote *r = xcalloc(1, sizeof(*r));
	struct copy *c = &r->c;
	char *cwd;
	int rv = -1;

	c->work.arg = c;		/* release() finds r through it */
	job->arg = &c->work;
	job->ops = &work_tasks;
	if (blob_check(b) == -1 || blob_get_u64(b) != COPY_JOB_MAGIC)
		return -1;
	cwd = blob_get_str(b);
	if (cwd != NULL && chdir(cwd) == -1) {
		warn("cannot enter %s", cwd);
		free(cwd);
		return -1;
	}
	free(cwd);
	blob_get(b, &r->o, sizeof(r->o));
	r->o.backup.suffix = r->suffix = blob_get_str(b);
	r->o.manifest = r->manifest = blob_get_str(b);
	c->o = &r->o;
	c->fl = &r->fl;
	blob_get(b, &c->work.how, sizeof(c->work.how));
	c->work.bufsz = blob_get_u64(b);
	if (unpack_lists(b, r) == -1)
		return -1;
	c->wc.fl = c->fl;
	c->wc.o = c->o;
	c->wc.tree = &c->tree;
	c->wc.umask = (mode_t)blob_get_u64(b);
	c->wc.owner = (pid_t)blob_get_u64(b);
	blob_get(b, c->wc.token, sizeof(c->wc.token));
	c->wc.token[sizeof(c->wc.token) - 1] = '\0';
	if (unpack_tree(b, c) == 0 && unpack_held(b, c) == 0 &&
	    unpack_anchors(b, c) == 0 && !b->bad && c->work.bufsz > 0 &&
	    c->work.bufsz <= OPTS_BUFSZ_MAX)
		rv = 0;
	c->work.task = copy_task;
	c->work.how.buf = NULL;
	c->work.how.progress = NULL;
	c->work.how.tally = NULL;
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
	free(r->suffix);
	free(r->manifest);
	free(r);
	job->arg = NULL;
}

const struct job_driver copy_driver = { "copy", pack, unpack, release };
