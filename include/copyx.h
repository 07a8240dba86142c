/*
 * The copy driver's state, shared by copy.c (the driver: directories, the
 * plan, the run, links, directory metadata) and part.c (files split into
 * ranges: their part file, resume journal, ranges and finish).  Parent
 * only, except where noted.
 */
#ifndef PARCP_COPYX_H
#define PARCP_COPYX_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "copy.h"
#include "engine.h"
#include "fault.h"
#include "job.h"
#include "manifest.h"
#include "plan.h"
#include "progress.h"
#include "tree.h"
#include "whole.h"
#include "work.h"

/*
 * A split file's part, held by the parent from its planning to its
 * finish: the open descriptor keeps the part's flock (the run owns it; a
 * sweep or a second run leaves it alone), its identity lets workers check
 * what they reopen, and the source's ctime is checked at the finish.
 */
struct part_hold {
	int		 fd;
	int		 jfd;		/* its journal, once a range is
					   recorded (-1 before, and in a
					   worker) */
	dev_t		 dev;
	ino_t		 ino;
	struct timespec	 src_ctime;
};

struct copy {
	const struct opts	*o;
	struct flist		*fl;
	struct plan		 plan;
	struct whole_ctx	 wc;
	int			 status;
	struct copy_stats	*st;
	FILE			*out;		/* -v lines (stderr: --json) */
	struct progress		 pr;
	struct manifest		 man;
	struct engine_buf	 eb;		/* the parent's, for hashing */
	struct part_hold	*held;		/* per node, split files only */
	struct tree		 tree;		/* wc.tree: the parent's */
	struct work		 work;		/* the task side */
	/* later.c: what waits for what */
	uint32_t		*later;		/* task plan.nranges + k is
					   later[k]'s finish, link or
					   directory metadata (node order) */
	uint32_t		 nlater;
	uint64_t		*ready0;	/* later tasks ready at the start */
	uint64_t		 nready0;
	uint32_t		*chain;		/* a hard-link group's later
					   names, from its first */
	uint32_t		*left;		/* per directory: entries in it
					   not settled yet */
	uint8_t			*settled;	/* per node: done, kept, failed */
	bool			 running;	/* the executor runs: readiness
					   goes to it */
	uint32_t		 made;		/* copy_make_dirs has seen the
					   nodes before this one */
	struct head		*head;		/* head.c's waves, or NULL */
	struct copy_stage	*stage;		/* stage.c's staged trees */
	size_t			 nstage;
	char			*path[2];	/* copy_path's, per side */
	size_t			 pathcap[2];
};

/*
 * node's path on side, for messages only (every operation goes by
 * descriptor): valid until the next call for that side.  Parent only.
 */
const char	*copy_path(struct copy *, uint32_t node, enum flist_side);
/* Report node's failure once, naming the side the fault is about. */
void	copy_fail(struct copy *, uint32_t node, const struct fault *f);
/* node is in place (kept: an existing destination was kept, -n). */
void	copy_done(struct copy *, uint32_t node, int kept);

/* Worker side: run task i of the plan (work_task_cb).  Worker-safe. */
int	copy_task(void *arg, uint64_t i, const struct engine_buf *eb,
	    struct fault *f, unsigned char *out);
/* The job as data (job.h): the copy driver. */
extern const struct job_driver copy_driver;

/* -n, -u and --resume: keep node's existing destination? */
bool	copy_keep_existing(struct copy *, uint32_t node);
/* Are the two names one inode already (a's symlink followed: follow)? */
bool	copy_linked(int adir, const char *a, bool follow, int bdir,
	    const char *b);

/* Make the directories among the nodes not seen yet, up to node to. */
void	copy_make_dirs(struct copy *, uint32_t to);
/* Plan pending non-directory node (split above chunk) or settle it. */
void	copy_plan_node(struct copy *, uint32_t node, off_t chunk);
/* The plan as the executor's job (batches of about chunk bytes), with
 * the later tasks later_plan made, if it ran.  0, or -1 (no memory). */
int	copy_job(struct copy *, struct exec_job *job, off_t chunk);

/* head.c: waves copied while the walk goes on (see there). */
void	head_init(struct copy *);
/* The directory dev, ino was made by this run. */
void	head_made(struct copy *, dev_t dev, ino_t ino);
/* Finish the running wave: 0, or 128 + the signal that stopped one. */
int	head_end(struct copy *);
void	head_free(struct copy *);

/* stage.c: operand node's directory was just made under its name (at,
 * open as *fd): make the one the copy goes into beside it, and put its
 * descriptor in *fd.  True if it did. */
bool	stage_dir(struct copy *, uint32_t node, const struct tree_at *at,
	    int *fd);
/* Every staged tree under its name (the run is over, or stopped): 0, or
 * -1 when one could not be placed (said; the status is 1). */
int	stage_place(struct copy *);
void	stage_free(struct copy *);

/* later.c: the later tasks (see there), made after planning. */
void	later_plan(struct copy *);
void	later_free(struct copy *);
/* node is settled (copy_done, copy_fail): what waited for it may run. */
void	later_settled(struct copy *, uint32_t node);
/* The later task for node. */
uint64_t later_id(const struct copy *, uint32_t node);
/* Worker side: run later task task (work_task_cb's contract). */
int	later_task(struct copy *, uint64_t task, const struct engine_buf *eb,
	    struct fault *f, unsigned char *out);
/* Parent side: account for a later task's result. */
void	later_done(struct copy *, const struct result *res,
	    const struct work_out *wo);
/* After the run, by the parent: the links and directories no later task
 * did (none, unless the run stopped). */
void	make_links(struct copy *);
void	finish_dirs(struct copy *);

/* Plan a file larger than chunk as ranges into its part file (made here,
 * or resumed from its journal with --resume): 0, or -1 with *f. */
int	part_plan(struct copy *, uint32_t node, off_t chunk, struct fault *f);
/*
 * The split file's last range reported: check, seal, rename, in the
 * parent (part_finish_task, then part_finished).  Returns 1 when -n kept
 * an existing destination, 0 when it is in place, or -1 with *f (the
 * part and journal removed, or kept when interrupted: node's fault).
 */
int	part_finish(struct copy *, uint32_t node, struct fault *f);

/* part_finish_task's result bits. */
#define PART_KEPT	0x1	/* -n kept an existing destination */
#define PART_BACKED	0x2	/* --backup renamed the old one */
#define PART_HASHED	0x4	/* out holds the file's XXH128 */
/*
 * Worker side, a later task: finish split file node, all of whose
 * ranges reported done: check the source is the file planned, seal the
 * part (hash into out, metadata, --fsync), drop its journal, rename it
 * into place.  Returns the PART_* bits, or -1 with *f (the part and
 * journal removed, if the part is still ours).  Safe to run again after
 * a worker died: a part already renamed is known by its inode.
 */
int	part_finish_task(const struct copy *, uint32_t node,
	    const struct engine_buf *eb, struct fault *f, unsigned char *out);
/*
 * Parent side: account for part_finish_task's rv (f, out: its fault and
 * output): the part is let go, the manifest told.  Returns 1 (kept), 0,
 * or -1 (the part and journal removed unless f is an interrupt).
 */
int	part_finished(struct copy *, uint32_t node, int rv,
	    const struct fault *f, const unsigned char *out);
/* Let go of every part still held (a stopped run keeps them for
 * --resume, unlocked). */
void	part_release(struct copy *);
/* After a stop: is node's part there?  *bytes: what its journal lists. */
bool	part_kept(struct copy *, uint32_t node, uint64_t *bytes);
/* Parent side: journal range r, which its worker reported done.  0, or
 * -1 with *f. */
int	part_record(struct copy *, const struct range *r, struct fault *f);
/* Worker side: copy (and check) one range. */
int	part_range(const struct copy *, const struct range *,
	    const struct engine_buf *, struct fault *f);

#endif
