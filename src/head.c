/*
 * head.c: the copy's head start.  The walk lists a tree before anything
 * is copied, and it is serial: on 20,000 small files in tmpfs, 21 ms of a
 * 450 ms copy at -j 1 passed before the first byte moved (one fstatat per
 * entry, as cp makes, but cp copies between them).
 *
 * So while the last operand is walked, what it has listed is copied in
 * waves.  Once HEAD_WAVE entries are listed the directories among them
 * are made and their small regular files planned as whole-file tasks
 * (copy_plan_node, as the run plans them), and pool_start's workers copy
 * them while the walk goes on.  The walk looks in at the end of every
 * directory (pool_poll: results, fork mode's next batches, a stop
 * signal); once a wave is done, the next takes everything listed since.
 * After the walk the last wave is finished and the run goes on as it
 * always did, with what is still pending: directories' metadata (last, in
 * any case), split files, links, symlinks and devices.  A wave takes only
 * files that need nothing after them but that metadata.
 *
 * A wave's workers are forked with the list as it is at that moment:
 * their tasks are data they hold, and nothing listed later is theirs.
 * The walk refuses a directory a wave made, as a copy into itself: with
 * -L (or a bind mount) the destination could be reachable from the
 * source, and the walk would list what the copy writes.
 *
 * Only where nothing depends on doing things in the walk's order after
 * the walk: not with -i (questions), -v (lines in cp's order),
 * --progress (its totals), --manifest, --dry-run, -l or -s, nor under
 * parcp-mpi (its ranks are started once).
 */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <unistd.h>

#include "compat.h"
#include "copyx.h"
#include "exec.h"
#include "plan.h"
#include "sig.h"
#include "util.h"
#include "walk.h"

#define HEAD_WAVE	1024		/* entries listed per wave, at least;
					   PARCP_HEAD_WAVE=N: N (the tests) */

/* A directory a wave made, by identity (open addressing). */
struct head_dir {
	dev_t	 dev;
	ino_t	 ino;
	bool	 used;
};

struct head {
	struct walk_hook hook;		/* arg: the copy */
	struct exec_job	 job;		/* the running wave's */
	struct pool	*run;		/* the running wave, or NULL */
	uint32_t	 next;		/* first node no wave has looked at */
	size_t		 wave;		/* HEAD_WAVE, or the environment's */
	int		 sig;		/* the stop signal a wave ended with */
	struct head_dir	*dirs;		/* made by waves: cap slots */
	size_t		 ndirs, cap;
};

static size_t
dir_slot(const struct head *h, dev_t dev, ino_t ino)
{
	size_t i = (size_t)((ino * 0x9e3779b97f4a7c15ULL) ^ dev) & (h->cap - 1);

	while (h->dirs[i].used && (h->dirs[i].dev != dev ||
	    h->dirs[i].ino != ino))
		i = (i + 1) & (h->cap - 1);
	return i;
}

/* Keep dev, ino as a directory a wave made; at most half full. */
static void
dir_add(struct head *h, dev_t dev, ino_t ino)
{
	struct head_dir *old = h->dirs;
	size_t i, cap = h->cap;

	if (2 * (h->ndirs + 1) > h->cap) {
		h->cap = h->cap ? 2 * h->cap : 256;
		h->dirs = xcalloc(h->cap, sizeof(*h->dirs));
		h->ndirs = 0;
		for (i = 0; i < cap; i++)
			if (old[i].used)
				dir_add(h, old[i].dev, old[i].ino);
		free(old);
	}
	i = dir_slot(h, dev, ino);
	if (!h->dirs[i].used) {
		h->dirs[i].dev = dev;
		h->dirs[i].ino = ino;
		h->dirs[i].used = true;
		h->ndirs++;
	}
}

static bool
made(void *arg, const struct stat *st)
{
	const struct head *h = ((struct copy *)arg)->head;

	return h->cap > 0 && h->dirs[dir_slot(h, st->st_dev,
	    st->st_ino)].used;
}

void
head_made(struct copy *c, dev_t dev, ino_t ino)
{
	if (c->head != NULL)
		dir_add(c->head, dev, ino);
}

/* The largest file a wave takes: one the run would not split either. */
static off_t
head_most(const struct opts *o)
{
	return o->chunk > 0 && o->chunk < PLAN_CHUNK_MIN ? o->chunk :
	    PLAN_CHUNK_MIN;
}

/* A node a wave copies: a small regular file, no later name of a link
 * group (those are linked after the copies). */
static bool
takes(const struct node *n, off_t most)
{
	return n->state == NS_PENDING && n->type == FT_REG &&
	    n->link == NODE_NONE && n->size <= most;
}

/* Make what is listed since the last wave and copy its small files. */
static void
wave_start(struct copy *c)
{
	struct head *h = c->head;
	uint32_t to = (uint32_t)c->fl->n, i;
	off_t most = head_most(c->o), chunk;

	copy_make_dirs(c, to);
	for (i = h->next; i < to; i++)
		if (takes(&c->fl->v[i], most))
			copy_plan_node(c, i, most);
	h->next = to;
	if (c->plan.nranges == 0)
		return;
	/* the wave's own chunk: its batches, and what counts as small */
	chunk = plan_chunk(plan_bytes(&c->plan), c->o->jobs, c->o->chunk);
	work_order(&c->plan, c->o, chunk);
	c->st->ranges += c->plan.nranges;
	if (copy_job(c, &h->job, chunk) == -1)
		err(1, "plan");
	h->run = pool_start(&h->job);
}

/* Wait for the running wave; the signal that stopped it, or 0. */
static int
wave_end(struct copy *c)
{
	struct head *h = c->head;
	int sig;

	sig = pool_finish(h->run);
	h->run = NULL;
	plan_free(&c->plan);
	if (sig != 0 && h->sig == 0)
		h->sig = sig;
	return sig;
}

/* The walk finished a directory: look in on the wave, maybe start one. */
static bool
walked(void *arg)
{
	struct copy *c = arg;
	struct head *h = c->head;

	if (h->run != NULL && pool_poll(h->run))
		return false;		/* still at it */
	if (h->run != NULL && wave_end(c) != 0)
		return true;
	if (sig_caught() != 0)
		return true;		/* the run says so next */
	if (c->fl->n - h->next >= h->wave)
		wave_start(c);
	return false;
}

/* Can this run start while it is walked?  (See the top.) */
static bool
head_wanted(const struct opts *o)
{
	bool bar = o->progress == PROGRESS_ALWAYS ||
	    (o->progress == PROGRESS_AUTO && isatty(STDERR_FILENO));

	return (o->mode == EXEC_POOL || o->mode == EXEC_FORK) &&
	    o->tar == TAR_NONE && !o->dry_run && !o->interactive &&
	    o->verbose == 0 && !o->debug && !bar && o->manifest == NULL &&
	    o->link_instead == 0;
}

void
head_init(struct copy *c)
{
	const char *env;

	if (!head_wanted(c->o))
		return;
	c->head = xcalloc(1, sizeof(*c->head));
	c->head->wave = HEAD_WAVE;
	if ((env = getenv("PARCP_HEAD_WAVE")) != NULL && *env != '\0')
		c->head->wave = strtoul(env, NULL, 10);
	c->head->hook.walked = walked;
	c->head->hook.made = made;
	c->head->hook.arg = c;
}

const struct walk_hook *
copy_hook(struct copy *c)
{
	return c->head != NULL ? &c->head->hook : NULL;
}

int
head_end(struct copy *c)
{
	struct head *h = c->head;

	if (h == NULL)
		return 0;
	if (h->run != NULL)
		(void)wave_end(c);
	return h->sig != 0 ? 128 + h->sig : 0;
}

void
head_free(struct copy *c)
{
	if (c->head == NULL)
		return;
	free(c->head->dirs);
	free(c->head);
	c->head = NULL;
}
