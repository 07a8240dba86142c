/*
 * The dispatcher: the bookkeeping every executor shares.  It hands out
 * grants (a batch of task ids), delivers each task's result exactly once,
 * decides what a dead worker's grant becomes (its running task retried
 * once, the rest handed on) and gives every task nobody reported a result
 * at the end.  Executors only move grants and results (a shared counter
 * and a pipe, forks, MPI messages).  Parent only; pure: no I/O.
 */
#ifndef PARCP_DISPATCH_H
#define PARCP_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "exec.h"
#include "fault.h"

/*
 * Tasks for one worker, run in order: ids [first, end), or with ready,
 * the later tasks at positions [first, end) of the ready list (the
 * dispatcher's ready[], which pool mode mirrors in shared memory).
 */
struct grant {
	uint64_t	 first;
	uint64_t	 end;
	bool		 ready;
};

/* The most later tasks in one grant. */
#define DISPATCH_READY_MAX	64

struct dispatch {
	const struct exec_job *job;
	uint64_t	 ntotal;	/* ntasks + nlater */
	uint8_t		*done;		/* per task: DISPATCH_* bits */
	uint64_t	 next;		/* the next batch to grant */
	uint64_t	*ready;		/* later tasks made ready, in order */
	uint64_t	 nready;
	uint64_t	 rnext;		/* the next of them to grant */
	uint64_t	 delivered;
	uint64_t	 retries;	/* grants given to replacements */
	bool		 stopped;	/* no more grants */
};

void	dispatch_init(struct dispatch *, const struct exec_job *);
void	dispatch_free(struct dispatch *);
/* Batch b's tasks into *g; false past the last batch.  Pure. */
bool	dispatch_batch(const struct exec_job *, uint64_t b, struct grant *g);
/* The next grant into *g: up to max ready later tasks first, then the
 * next batch; false when none is there now, or after a stop. */
bool	dispatch_next(struct dispatch *, struct grant *g, uint64_t max);
/* The task at position k of g. */
uint64_t dispatch_task(const struct dispatch *, const struct grant *g,
	    uint64_t k);
/* Make a later task ready (exec_ready); false if it is not one, or was
 * made ready before. */
bool	dispatch_ready(struct dispatch *, uint64_t task);
/* Can no task be granted any more (stopped, or all done)? */
bool	dispatch_over(const struct dispatch *);
/* Stop granting (an interrupt, a failed start). */
void	dispatch_stop(struct dispatch *);
/* Hand res to the task side, unless its task already had its result. */
void	dispatch_deliver(struct dispatch *, const struct result *res);
/* The task failed with f, reported by the parent for worker. */
void	dispatch_fail(struct dispatch *, uint64_t task, uint32_t worker,
	    const struct fault *f);
/*
 * The worker (lane) holding g died of f after its results were drained.
 * Its first undelivered task is the one it was running: with replace
 * (f is FAULT_KILLED and a new worker can be made) and no retry yet, *g
 * becomes that task on, for a replacement to run: true.  Otherwise that
 * task fails with f, *g is the rest (never started), and true is
 * returned when there is a rest and replace.  False: nothing to rerun.
 */
bool	dispatch_lost(struct dispatch *, struct grant *g, uint32_t worker,
	    const struct fault *f, bool replace);
/* Every task (in a batch, or made ready) still without a result: f. */
void	dispatch_end(struct dispatch *, const struct fault *f);
/* Has every task in a batch, and every one made ready, its result? */
bool	dispatch_complete(const struct dispatch *);

#endif
