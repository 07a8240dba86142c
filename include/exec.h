/*
 * The executor's contract.  A job is a number of tasks (ids 0..ntasks-1,
 * grouped into batches) and a task side that gives them meaning; an
 * executor runs every task once, somewhere, and hands the parent exactly
 * one result per task.  Executors know neither files nor engines: the
 * task side makes each worker's state (its buffers) in the worker, runs
 * tasks there, and accounts for their results in the parent.
 *
 * Three executors speak one protocol (dispatch.h): a worker holds a
 * grant (a run of task ids) and returns one fixed-size result per task
 * with its progress delta; the dispatcher knows who holds what, retries
 * what a dead worker held, and stops granting on a stop request.
 *   pool  N forked workers; grants are batches claimed from a shared
 *         counter (the dispatcher's grant, lock-free).
 *   fork  a forked child per batch, at most N alive.
 *   mpi   ranks of an MPI job (parcp-mpi only): grants travel as messages.
 */
#ifndef PARCP_EXEC_H
#define PARCP_EXEC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"

#define EXEC_MAX	1024		/* most workers (-j) */
#define EXEC_OUT	48		/* bytes a task can hand back */

enum exec_mode {
	EXEC_POOL,		/* N workers forked once, pulling batches */
	EXEC_FORK,		/* one child per batch, at most N alive */
	EXEC_MPI,		/* the ranks of an MPI job */
	EXEC_NMODES
};

/* One record per task, worker to parent; atomic on a pipe (<= PIPE_BUF). */
struct result {
	uint64_t	 task;
	uint64_t	 bytes;		/* written since the worker's last result */
	uint32_t	 worker;	/* lane (rank) that ran it */
	int32_t		 rv;		/* what the task returned */
	struct fault	 fault;		/* op FAULT_NONE on success */
	unsigned char	 out[EXEC_OUT];	/* the task side's, zeroed */
};
_Static_assert(sizeof(struct result) <= PIPE_BUF, "result must be atomic");
/* tests/faultshim.c knows a record by its size (RESULT_SIZE). */
_Static_assert(sizeof(struct result) == 80, "update tests/faultshim.c");

struct dispatch;		/* the run's dispatcher (dispatch.h) */

/* The task side.  Worker calls never print and never exit. */
struct exec_tasks {
	/* Worker: its own state, made in the worker; progress is the
	 * executor's count of bytes it wrote (for the task side's engines
	 * to add to).  NULL: no memory (the worker leaves). */
	void	*(*start)(void *arg, uint64_t *progress);
	/* Worker: let go of state (a worker that lives on after a job). */
	void	 (*stop)(void *arg, void *state);
	/* Worker: run task, filling res->rv, res->fault, res->out. */
	void	 (*run)(void *arg, void *state, uint64_t task,
		    struct result *res);
	/* Parent: once per task, in completion order; d: for exec_ready. */
	void	 (*done)(void *arg, const struct result *res,
		    struct dispatch *d);
	/* Parent: every tick_ms, with the bytes all workers wrote; or NULL. */
	void	 (*tick)(void *arg, uint64_t bytes);
};

struct exec_job {
	enum exec_mode	 mode;
	unsigned	 jobs;		/* 1..EXEC_MAX (mpi: the ranks) */
	uint64_t	 ntasks;
	/* Tasks [ntasks, ntasks + nlater) run only once made ready (by
	 * exec_ready, from a done callback: their inputs are done). */
	uint64_t	 nlater;
	const uint64_t	*ready;		/* later tasks ready from the start */
	uint64_t	 nready;
	/* Batch b is tasks [batch[b], batch[b + 1]); NULL: a task each. */
	const uint64_t	*batch;
	uint64_t	 nbatches;
	const struct exec_tasks *ops;
	void		*arg;
	long		 tick_ms;
	uint64_t	*lane_bytes;	/* jobs entries, added to; or NULL */
	/* mpi: the job as data for the other ranks (job.h); NULL for a
	 * job that cannot travel (then rank 0 runs it alone). */
	const char	*driver;
	void		*ctx;		/* what the driver's pack reads */
};

/*
 * Run every task of job.  Each task gets exactly one result: a worker's,
 * or one made by the parent for a task whose worker died (FAULT_KILLED,
 * FAULT_WORKER) or that an interrupt stopped (FAULT_INTR).  pool, fork: a
 * worker killed by a signal is replaced and the task it was running is
 * run once more (tasks must be safe to re-run); a second death fails it.
 * Returns 0, or the signal (SIGINT, SIGTERM, SIGHUP) that stopped the
 * run.  Parent only; sig_init() must have been called.
 */
int	exec_run(const struct exec_job *);

/*
 * Parent, from a done callback: the later task can run now (the queue
 * grows).  Every task made ready gets its result, as every task in the
 * batches does; a later task never made ready gets none.
 */
void	exec_ready(struct dispatch *, uint64_t task);

/* An executor: runs job as exec_run promises. */
typedef int	exec_fn(const struct exec_job *);
/* parcp-mpi: the mpi executor, registered before any job runs. */
void	exec_register(enum exec_mode, exec_fn *);
/* The local executors (pool.c): pool and fork. */
int	pool_run(const struct exec_job *);
/*
 * pool_run in three steps, for a parent with work of its own between them
 * (copy.c's head start walks on): pool_start forks the workers and
 * returns; pool_poll takes what has arrived without waiting (results,
 * dead workers, fork mode's next batches, a stop signal), true while
 * workers are alive; pool_finish waits for the rest as pool_run does,
 * frees the run and returns what pool_run would.  Between the calls the
 * parent's signals are as they were.
 */
struct pool;
struct pool	*pool_start(const struct exec_job *);
bool	pool_poll(struct pool *);
int	pool_finish(struct pool *);

#endif
