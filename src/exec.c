/*
 * exec.c: which executor runs a job.  The local ones are always here;
 * parcp-mpi registers the mpi executor at its start, so plain parcp never
 * links libmpi.
 */
#include "config.h"

#include <errno.h>

#include "compat.h"
#include "dispatch.h"
#include "exec.h"

static exec_fn *executors[EXEC_NMODES] = { pool_run, pool_run, NULL };

void
exec_register(enum exec_mode mode, exec_fn *fn)
{
	executors[mode] = fn;
}

int
exec_run(const struct exec_job *job)
{
	struct dispatch d;
	struct fault f;

	if (job->mode < EXEC_NMODES && executors[job->mode] != NULL)
		return executors[job->mode](job);
	/* A bug: a mode nobody registered.  Its tasks still get results. */
	warnx("no executor for mode %d", (int)job->mode);
	dispatch_init(&d, job);
	fault_setc(&f, FAULT_WORKER, ENOSYS);
	dispatch_end(&d, &f);
	dispatch_free(&d);
	return 0;
}
