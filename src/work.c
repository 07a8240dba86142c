/*
 * work.c: the drivers' common task side: a worker's engine buffer, made
 * in the worker (the executor never allocates for tasks), and the
 * adapter from struct result to a driver's task and done callbacks.
 */
#include "config.h"

#include <errno.h>

#include <stdlib.h>
#include <string.h>

#include "progress.h"
#include "work.h"
#include "writeout.h"

/* A worker's state: its buffer and the tally of the task it runs. */
struct work_state {
	struct engine_buf eb;
	struct engine_tally tally;
};

static void *
start(void *arg, uint64_t *progress)
{
	const struct work *w = arg;
	struct work_state *s;
	void *buf;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (posix_memalign(&buf, ENGINE_ALIGN, w->bufsz) != 0) {
		free(s);
		return NULL;
	}
	s->eb = w->how;
	s->eb.buf = buf;
	s->eb.size = w->bufsz;
	s->eb.progress = progress;
	s->eb.tally = &s->tally;
	s->eb.writeout = w->how.early ? writeout_start() : NULL;
	return s;
}

static void
stop(void *arg, void *state)
{
	struct work_state *s = state;

	(void)arg;
	if (s != NULL) {
		writeout_stop(s->eb.writeout);
		free(s->eb.buf);
	}
	free(s);
}

static void
run(void *arg, void *state, uint64_t task, struct result *res)
{
	const struct work *w = arg;
	struct work_state *s = state;
	struct work_out o;

	memset(&o, 0, sizeof(o));
	memset(&s->tally, 0, sizeof(s->tally));
	res->rv = w->task(w->arg, task, &s->eb, &res->fault, o.out);
	/* The drivers judge a result by its fault: a task failing without
	 * saying why would pass for done, its file silently missing. */
	if (res->rv == -1 && res->fault.op == FAULT_NONE)
		fault_setc(&res->fault, FAULT_WORKER, EIO);
	o.tally = s->tally;
	memcpy(res->out, &o, sizeof(o));
}

static void
done(void *arg, const struct result *res, struct dispatch *d)
{
	struct work *w = arg;
	struct work_out o;

	memcpy(&o, res->out, sizeof(o));
	w->queue = d;
	w->done(w->arg, res, &o);
}

static void
tick(void *arg, uint64_t bytes)
{
	const struct work *w = arg;

	if (w->tick != NULL)
		w->tick(w->arg, bytes);
}

void
work_ready(struct work *w, uint64_t task)
{
	exec_ready(w->queue, task);
}

const struct exec_tasks work_tasks = { start, stop, run, done, tick };

void
work_init(struct work *w, const struct opts *o, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->bufsz = o->bufsz;
	w->how.holes = o->sparse == SPARSE_ALWAYS;
	w->how.kind = o->engine;
	w->how.direct = o->direct;
	w->how.nocache = o->nocache;
	/* ranges of one file at once */
	w->how.shared = o->jobs > 1 && o->writers != 1;
	w->how.verify = o->verify;
	w->how.durable = o->fsync;
	w->how.clone_only = o->reflink == REFLINK_ALWAYS;
	w->how.no_clone = o->reflink == REFLINK_NEVER;
	w->arg = arg;
}

void
work_order(struct plan *p, const struct opts *o, off_t chunk)
{
	if (o->writers > 0)	/* a file's ranges together, in order */
		plan_sort_files(p, PLAN_SMALL(chunk));
	else
		plan_sort_small(p, PLAN_SMALL(chunk));
}

int
work_batches(struct exec_job *job, struct plan *p, const struct opts *o,
    off_t chunk)
{
	bool fork_mode = o->mode == EXEC_FORK;
	struct batching how;

	how.target = chunk * (fork_mode ? PLAN_FORK_BATCH_SCALE : 1);
	how.max = fork_mode ? PLAN_FORK_BATCH_MAX : PLAN_BATCH_MAX;
	how.writers = o->writers;
	if (plan_batch(p, &how) == -1)
		return -1;
	job->batch = p->batch;
	job->nbatches = p->nbatches;
	return 0;
}

void
work_job(struct exec_job *job, struct work *w, const struct opts *o,
    uint64_t ntasks, uint64_t *lane_bytes)
{
	memset(job, 0, sizeof(*job));
	job->mode = o->mode;
	job->jobs = o->jobs;
	job->ntasks = ntasks;
	job->ops = &work_tasks;
	job->arg = w;
	job->tick_ms = PROGRESS_TICK_MS;
	job->lane_bytes = lane_bytes;
}
