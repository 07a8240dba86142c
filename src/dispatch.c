/*
 * dispatch.c: grants, deliveries, and what a dead worker's grant becomes.
 *
 * A grant is a contiguous run of task ids that one worker runs in order,
 * writing each result before it starts the next task.  So once the
 * results a dead worker wrote are delivered, its grant splits in two: a
 * delivered prefix and an undelivered rest whose first task is the one
 * it was running (the culprit, if a task kills workers) and whose others
 * it never started.  The culprit is retried once; the others are handed
 * on untouched, since they did nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "util.h"

#define DISPATCH_DELIVERED	0x01
#define DISPATCH_RETRIED	0x02
#define DISPATCH_READY		0x04	/* a later task, made ready */

void
dispatch_init(struct dispatch *d, const struct exec_job *job)
{
	uint64_t i;

	memset(d, 0, sizeof(*d));
	d->job = job;
	d->ntotal = job->ntasks + job->nlater;
	d->done = xcalloc(d->ntotal ? d->ntotal : 1, 1);
	d->ready = xcalloc(job->nlater ? job->nlater : 1, sizeof(*d->ready));
	for (i = 0; i < job->nready; i++)
		(void)dispatch_ready(d, job->ready[i]);
}

void
dispatch_free(struct dispatch *d)
{
	free(d->done);
	free(d->ready);
	d->done = NULL;
	d->ready = NULL;
}

bool
dispatch_ready(struct dispatch *d, uint64_t task)
{
	if (task < d->job->ntasks || task >= d->ntotal ||
	    (d->done[task] & DISPATCH_READY))
		return false;
	d->done[task] |= DISPATCH_READY;
	d->ready[d->nready++] = task;
	return true;
}

void
exec_ready(struct dispatch *d, uint64_t task)
{
	(void)dispatch_ready(d, task);
}

bool
dispatch_over(const struct dispatch *d)
{
	return d->stopped || dispatch_complete(d);
}

bool
dispatch_batch(const struct exec_job *job, uint64_t b, struct grant *g)
{
	g->ready = false;
	if (job->batch == NULL) {
		if (b >= job->ntasks)
			return false;
		g->first = b;
		g->end = b + 1;
		return true;
	}
	if (b >= job->nbatches)
		return false;
	g->first = job->batch[b];
	g->end = job->batch[b + 1];
	return true;
}

bool
dispatch_next(struct dispatch *d, struct grant *g, uint64_t max)
{
	if (d->stopped)
		return false;
	/* Later tasks first: they finish what is nearly done. */
	if (d->rnext < d->nready) {
		g->first = d->rnext;
		g->end = d->nready - d->rnext > max ? d->rnext + max :
		    d->nready;
		g->ready = true;
		d->rnext = g->end;
		return true;
	}
	if (!dispatch_batch(d->job, d->next, g))
		return false;
	d->next++;
	return true;
}

uint64_t
dispatch_task(const struct dispatch *d, const struct grant *g, uint64_t k)
{
	return g->ready ? d->ready[k] : k;
}

void
dispatch_stop(struct dispatch *d)
{
	d->stopped = true;
}

void
dispatch_deliver(struct dispatch *d, const struct result *res)
{
	if (res->task >= d->ntotal ||
	    (d->done[res->task] & DISPATCH_DELIVERED) ||
	    (res->task >= d->job->ntasks &&
	    !(d->done[res->task] & DISPATCH_READY)))
		return;
	d->done[res->task] |= DISPATCH_DELIVERED;
	d->delivered++;
	d->job->ops->done(d->job->arg, res, d);
}

void
dispatch_fail(struct dispatch *d, uint64_t task, uint32_t worker,
    const struct fault *f)
{
	struct result res;

	memset(&res, 0, sizeof(res));
	res.task = task;
	res.worker = worker;
	res.rv = -1;
	res.fault = *f;
	dispatch_deliver(d, &res);
}

bool
dispatch_lost(struct dispatch *d, struct grant *g, uint32_t worker,
    const struct fault *f, bool replace)
{
	uint64_t k = g->first, t = 0;

	while (k < g->end && (t = dispatch_task(d, g, k)) < d->ntotal &&
	    (d->done[t] & DISPATCH_DELIVERED))
		k++;
	if (k >= g->end || t >= d->ntotal)
		return false;
	g->first = k;
	/* A bound on replacements, whatever the tasks do. */
	replace = replace && !d->stopped &&
	    d->retries < d->ntotal + d->job->jobs;
	if (replace && !(d->done[t] & DISPATCH_RETRIED)) {
		d->done[t] |= DISPATCH_RETRIED;
		d->retries++;
		return true;
	}
	dispatch_fail(d, t, worker, f);
	g->first = k + 1;
	if (!replace || g->first >= g->end)
		return false;
	d->retries++;
	return true;
}

void
dispatch_end(struct dispatch *d, const struct fault *f)
{
	uint64_t task;

	for (task = 0; task < d->ntotal; task++)
		if (!(d->done[task] & DISPATCH_DELIVERED) &&
		    (task < d->job->ntasks || (d->done[task] & DISPATCH_READY)))
			dispatch_fail(d, task, 0, f);
}

bool
dispatch_complete(const struct dispatch *d)
{
	return d->delivered == d->job->ntasks + d->nready;
}
