/*
 * The task side every driver shares (copy, tar create, tar extract): a
 * worker's state is its engine buffer, made in the worker, and a task is
 * "run with that buffer, hand back a 16-byte output and --verify's tally".
 * A driver fills a struct work with its engine settings and callbacks and
 * gives exec_run work_tasks with the struct as the argument.
 */
#ifndef PARCP_WORK_H
#define PARCP_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "exec.h"
#include "fault.h"
#include "opts.h"
#include "plan.h"

#define WORK_OUT	16		/* bytes a task can hand back (a hash) */

/* What a task hands back, in struct result's out. */
struct work_out {
	unsigned char	 out[WORK_OUT];
	struct engine_tally tally;	/* --verify: compared, repaired */
};
_Static_assert(sizeof(struct work_out) <= EXEC_OUT, "fits a result");

/*
 * Worker side: run task with buffer eb; -1 with *f set on failure, any
 * other value goes to the parent in result.rv, and out (WORK_OUT bytes,
 * zeroed) in the result's work_out; eb->tally (zeroed) in its tally.
 */
typedef int	work_task_cb(void *arg, uint64_t task,
		    const struct engine_buf *eb, struct fault *f,
		    unsigned char *out);
/* Parent side: called once per task, in completion order. */
typedef void	work_done_cb(void *arg, const struct result *,
		    const struct work_out *);
/* Parent side: every tick, with the bytes all workers have written. */
typedef void	work_tick_cb(void *arg, uint64_t bytes);

struct work {
	struct engine_buf how;		/* engine settings; buf, size,
					   progress and tally are a worker's */
	size_t		 bufsz;
	work_task_cb	*task;
	work_done_cb	*done;
	work_tick_cb	*tick;		/* or NULL */
	void		*arg;
	struct dispatch	*queue;		/* while done runs: exec_ready's */
};

extern const struct exec_tasks work_tasks;

/* w's engine settings as the options say (buffer, engine, --verify...). */
void	work_init(struct work *w, const struct opts *o, void *arg);
/* From a done callback: the job's later task can run now. */
void	work_ready(struct work *w, uint64_t task);
/*
 * job, set up to run w's ntasks (batch, nbatches: see exec.h) with the
 * options' executor and workers; lane_bytes: see exec.h.
 */
void	work_job(struct exec_job *job, struct work *w, const struct opts *o,
	    uint64_t ntasks, uint64_t *lane_bytes);

/*
 * Order p's ranges for the run: the largest first, small files last in
 * walk order; with --split=never (o->split, as tune.c resolved it) each
 * split file's ranges together, in offset order, first.
 */
void	work_order(struct plan *p, const struct opts *o, off_t chunk);
/*
 * Group p's ranges (in their order) into the job's batches: about chunk
 * bytes each, or four chunks in fork mode (a fork costs more than a
 * claim); with --split=never a split file's ranges are one batch.  0, or
 * -1 with errno ENOMEM.
 */
int	work_batches(struct exec_job *job, struct plan *p, const struct opts *o,
	    off_t chunk);

#endif
