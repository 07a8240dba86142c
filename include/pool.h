/*
 * The executor: runs tasks 0..ntasks-1 in forked workers and hands the
 * parent exactly one result per task.  It knows nothing of files: the task
 * callback (run in a worker) and the result callback (run in the parent)
 * give tasks their meaning.
 */
#ifndef PARCP_POOL_H
#define PARCP_POOL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "fault.h"

#define POOL_MAX	1024		/* most workers (-j) */
#define POOL_OUT	16		/* bytes a task can hand back (a hash) */

enum pool_mode {
	POOL_MODE_POOL,		/* N workers forked once, pulling tasks */
	POOL_MODE_FORK		/* one child per task, at most N alive */
};

/* One record per task, worker to parent; atomic because <= PIPE_BUF. */
struct result {
	uint64_t	 task;
	uint32_t	 worker;	/* lane 0..jobs-1 that ran it */
	int32_t		 rv;		/* what the task callback returned */
	struct fault	 fault;		/* op FAULT_NONE on success */
	unsigned char	 out[POOL_OUT];	/* the task's output, if any */
	struct engine_tally tally;	/* --verify: compared, repaired */
};
_Static_assert(sizeof(struct result) <= PIPE_BUF, "result must be atomic");
/* tests/faultshim.c knows a record by its size (RESULT_SIZE). */
_Static_assert(sizeof(struct result) == 72, "update tests/faultshim.c");

/*
 * Worker side: run task i with buffer eb; -1 with *f set on failure, any
 * other value is passed to the parent in result.rv, and out (POOL_OUT
 * bytes, zeroed) in result.out; eb->tally (zeroed) goes in result.tally.
 */
typedef int	pool_task_cb(void *arg, uint64_t task,
		    const struct engine_buf *eb, struct fault *f,
		    unsigned char *out);
/* Parent side: called once per task, in completion order. */
typedef void	pool_result_cb(void *arg, const struct result *);
/* Parent side: every tick_ms, with the bytes all workers have written. */
typedef void	pool_tick_cb(void *arg, uint64_t bytes);

struct pool_job {
	enum pool_mode	 mode;
	unsigned	 jobs;		/* 1..POOL_MAX */
	size_t		 bufsz;		/* each worker's buffer */
	struct engine_buf how;		/* the workers' engine settings;
					   buf, size, progress are theirs */
	uint64_t	 ntasks;
	pool_task_cb	*task;
	pool_result_cb	*result;
	pool_tick_cb	*tick;		/* or NULL */
	long		 tick_ms;
	void		*arg;
	uint64_t	*lane_bytes;	/* out, jobs entries, or NULL */
};

/*
 * Run every task of job.  Each task gets exactly one result: a worker's, or
 * one made by the parent for a task whose worker died (FAULT_KILLED,
 * FAULT_WORKER) or that an interrupt stopped (FAULT_INTR).  A worker killed
 * by a signal is replaced, and the task it held is run once more (tasks
 * must be safe to re-run); only a second death fails the task.  Returns 0, or
 * the signal (SIGINT, SIGTERM, SIGHUP) that stopped the run.  Parent only;
 * sig_init() must have been called.
 */
int	pool_run(const struct pool_job *);

#endif
