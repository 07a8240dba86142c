/*
 * exec_mpi.c: the mpi executor (parcp-mpi only).
 *
 * Rank 0 is the parent: it walks, plans and accounts, as in the other
 * modes, and it runs tasks too.  The other ranks share no memory with it,
 * so a job travels as data: rank 0 packs the driver's worker view (job.h)
 * and broadcasts it; each rank unpacks it, makes its worker state, and
 * speaks the dispatcher's protocol over messages:
 *
 *   worker -> 0   REQ                 give me a grant
 *   0 -> worker   GRANT {first, end}  tasks [first, end); empty: no more;
 *                                     WAIT: none yet, ask again (later
 *                                     tasks are still to become ready)
 *   worker -> 0   RES  struct result[] a grant's results (RES_MAX at
 *                                     most), each with its byte delta
 *   worker -> 0   DONE                holds nothing, asks nothing more
 *
 * A worker asks for its next grant as it starts one, so a grant is
 * waiting when it finishes (rank 0 answers between its own tasks, which
 * are at most a chunk).  Messages from one rank arrive in the order sent,
 * so a worker's results come before its DONE.  Waiting is polling with
 * short sleeps: OpenMPI's blocking calls spin, which would take the CPU
 * from the ranks that copy while rank 0 walks.
 *
 * Every driver's job travels (copy, tar create, tar extract); a job that
 * cannot (a streamed archive: libarchive reads or writes it in order, in
 * one process) is run by rank 0 alone.  A rank that dies aborts the
 * whole job, as MPI does; what is left is what an interrupted run leaves
 * (parts and journals, which
 * --resume finishes).  Between jobs the other ranks wait in exec_mpi_serve
 * for the next one, or for the end.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mpi.h>

#include "compat.h"
#include "dispatch.h"
#include "exec.h"
#include "exec_mpi.h"
#include "job.h"
#include "sig.h"
#include "util.h"

enum { TAG_REQ = 1, TAG_GRANT, TAG_RES, TAG_DONE };

/* A grant as sent: ids [first, end), or n later tasks by id. */
struct msg_grant {
	uint64_t	 first;
	uint64_t	 end;
	uint64_t	 n;
	uint64_t	 id[DISPATCH_READY_MAX];
};
#define WAIT		UINT64_MAX	/* a grant of { WAIT, WAIT } */
#define GRANT_READY	8		/* later tasks in a grant at most */
#define WAIT_US		200		/* before asking again */
#define RES_MAX		64		/* results in one message */
enum { CMD_JOB = 1, CMD_QUIT };

/* What rank 0 broadcasts before each job (and at the end). */
struct cmd {
	uint64_t	 kind;		/* CMD_* */
	uint64_t	 len;		/* the blob's bytes */
	uint64_t	 ntasks;
	char		 driver[32];
};

static int rank = -1, nranks;
static bool multihost;		/* ranks on more than one host */
static bool in_job;		/* rank 0 is running one: no clean end */

static void
sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	(void)nanosleep(&ts, NULL);
}

/* Complete req, polling: spin a little, then sleep between tests. */
static void
wait_req(MPI_Request *req)
{
	int done = 0, spins = 0;

	for (;;) {
		(void)MPI_Test(req, &done, MPI_STATUS_IGNORE);
		if (done)
			return;
		if (++spins > 200)
			sleep_us(spins > 2000 ? 500 : 50);
	}
}

/* A broadcast from rank 0 of n bytes, in pieces MPI's int counts hold. */
static void
bcast(void *p, uint64_t n)
{
	MPI_Request req;
	uint64_t off, len;

	for (off = 0; off < n || n == 0; off += len) {
		len = n - off > (1u << 30) ? (1u << 30) : n - off;
		(void)MPI_Ibcast((char *)p + off, (int)len, MPI_BYTE, 0,
		    MPI_COMM_WORLD, &req);
		wait_req(&req);
		if (n == 0)
			break;
	}
}

static void
send(const void *p, size_t n, int to, int tag)
{
	MPI_Request req;

	(void)MPI_Isend(p, (int)n, MPI_BYTE, to, tag, MPI_COMM_WORLD, &req);
	wait_req(&req);
}

static void
recv(void *p, size_t n, int from, int tag)
{
	MPI_Request req;

	(void)MPI_Irecv(p, (int)n, MPI_BYTE, from, tag, MPI_COMM_WORLD, &req);
	wait_req(&req);
}

/* Rank 0's side of one job. */
struct mpi_run {
	const struct exec_job *job;
	struct dispatch	 d;
	unsigned	 active;	/* ranks that have not said DONE */
	uint64_t	 own;		/* bytes rank 0's tasks wrote */
	int		 sig;
};

/* A RES message: a rank's results, in the order it ran them. */
static void
deliver(struct mpi_run *m, MPI_Status *st)
{
	struct result res[RES_MAX];
	int bytes = 0, k;

	(void)MPI_Get_count(st, MPI_BYTE, &bytes);
	if (bytes <= 0 || bytes > (int)sizeof(res) ||
	    bytes % (int)sizeof(*res) != 0)
		errx(1, "mpi: a result message of %d bytes", bytes);
	recv(res, (size_t)bytes, st->MPI_SOURCE, TAG_RES);
	for (k = 0; k < bytes / (int)sizeof(*res); k++) {
		res[k].worker = (uint32_t)st->MPI_SOURCE;
		if (m->job->lane_bytes != NULL && res[k].worker < m->job->jobs)
			m->job->lane_bytes[res[k].worker] += res[k].bytes;
		dispatch_deliver(&m->d, &res[k]);
	}
}

/* Answer one message; false when none is waiting. */
static bool
serve_one(struct mpi_run *m)
{
	struct msg_grant mg;
	struct grant g;
	struct result res;
	MPI_Status st;
	uint64_t k;
	int flag = 0;

	(void)MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag,
	    &st);
	if (!flag)
		return false;
	switch (st.MPI_TAG) {
	case TAG_REQ:
		recv(&res, 0, st.MPI_SOURCE, TAG_REQ);
		memset(&mg, 0, sizeof(mg));
		if (!dispatch_next(&m->d, &g, GRANT_READY))
			mg.first = mg.end = dispatch_over(&m->d) ? 0 : WAIT;
		else if (g.ready)
			for (k = g.first; k < g.end; k++)
				mg.id[mg.n++] = dispatch_task(&m->d, &g, k);
		else {
			mg.first = g.first;
			mg.end = g.end;
		}
		send(&mg, sizeof(mg), st.MPI_SOURCE, TAG_GRANT);
		break;
	case TAG_RES:
		deliver(m, &st);
		break;
	case TAG_DONE:
		recv(&res, 0, st.MPI_SOURCE, TAG_DONE);
		m->active--;
		break;
	default:
		errx(1, "mpi: a message with tag %d", st.MPI_TAG);
	}
	return true;
}

static uint64_t
all_bytes(const struct mpi_run *m)
{
	uint64_t sum = m->own;
	unsigned i;

	for (i = 1; m->job->lane_bytes != NULL && i < m->job->jobs; i++)
		sum += m->job->lane_bytes[i];
	return sum;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Send the job to the other ranks; false if it cannot travel. */
static bool
ship(const struct exec_job *job)
{
	const struct job_driver *drv = job_driver(job->driver);
	struct blob b;
	struct cmd c;

	if (nranks < 2 || drv == NULL)
		return false;
	memset(&b, 0, sizeof(b));
	drv->pack(job->ctx, &b);
	memset(&c, 0, sizeof(c));
	c.kind = CMD_JOB;
	c.len = b.len;
	c.ntasks = job->ntasks;
	(void)snprintf(c.driver, sizeof(c.driver), "%s", drv->name);
	bcast(&c, sizeof(c));
	bcast(b.p, b.len);
	blob_free(&b);
	return true;
}

/* Rank 0: its own next task, when it holds one; false: none. */
static bool
run_own(struct mpi_run *m, struct grant *g, void *state)
{
	const struct exec_job *job = m->job;
	struct result res;
	uint64_t before;

	if (g->first >= g->end && !dispatch_next(&m->d, g, 1))
		return false;
	memset(&res, 0, sizeof(res));
	res.task = dispatch_task(&m->d, g, g->first++);
	before = m->own;
	job->ops->run(job->arg, state, res.task, &res);
	res.bytes = m->own - before;
	if (job->lane_bytes != NULL)
		job->lane_bytes[0] = m->own;
	dispatch_deliver(&m->d, &res);
	return true;
}

static int
mpi_run(const struct exec_job *job)
{
	struct grant own = { 0, 0, false };
	struct mpi_run m;
	unsigned n;
	struct fault f;
	int64_t next_tick = 0;
	void *state;

	if (job->ntasks == 0)
		return 0;
	memset(&m, 0, sizeof(m));
	m.job = job;
	in_job = true;
	dispatch_init(&m.d, job);
	m.active = ship(job) ? (unsigned)nranks - 1 : 0;
	if ((state = job->ops->start(job->arg, &m.own)) == NULL)
		dispatch_stop(&m.d);	/* the other ranks still run */
	for (;;) {
		if (m.sig == 0 && (m.sig = sig_caught()) != 0)
			dispatch_stop(&m.d);
		/* A bounded turn: with many ranks reporting small files the
		 * queue of messages is never empty, and rank 0 works too. */
		for (n = 0; n < 4 * (unsigned)nranks && serve_one(&m); n++)
			;
		if (job->ops->tick != NULL && mono_ms() >= next_tick) {
			next_tick = mono_ms() + job->tick_ms;
			job->ops->tick(job->arg, all_bytes(&m));
		}
		if (state != NULL && m.sig == 0 && run_own(&m, &own, state))
			continue;
		if (m.active == 0 && (dispatch_over(&m.d) || state == NULL ||
		    m.sig != 0))
			break;
		if (n < 4 * (unsigned)nranks)	/* no message left: wait */
			sleep_us(100);
	}
	if (state != NULL)
		job->ops->stop(job->arg, state);
	if (m.sig != 0)
		fault_setc(&f, FAULT_INTR, 0);
	else
		fault_setc(&f, FAULT_WORKER, state == NULL ? ENOMEM : ECHILD);
	dispatch_end(&m.d, &f);
	dispatch_free(&m.d);
	in_job = false;
	return m.sig;
}

/* A rank's results not sent yet: one message per grant (small files
 * cost rank 0 one receive per grant, not one per file), or sooner when
 * RES_MAX are waiting. */
struct outbox {
	struct result	 res[RES_MAX];
	unsigned	 n;
	uint64_t	 progress;	/* bytes this rank's tasks wrote */
	uint64_t	 reported;	/* of them, in results */
};

static void
flush(struct outbox *o)
{
	if (o->n > 0)
		send(o->res, o->n * sizeof(*o->res), 0, TAG_RES);
	o->n = 0;
}

/* A rank: run task; its result goes out with the grant's others. */
static void
run_one(struct exec_job *job, void *state, uint64_t task, struct outbox *o)
{
	struct result *res = &o->res[o->n++];

	memset(res, 0, sizeof(*res));
	res->task = task;
	res->worker = (uint32_t)rank;
	job->ops->run(job->arg, state, task, res);
	res->bytes = o->progress - o->reported;
	o->reported = o->progress;
	if (o->n == RES_MAX)
		flush(o);
}

/* A rank's side of one job: ask, run, report, until told no more. */
static void
work(struct exec_job *job)
{
	struct msg_grant g, next;
	struct outbox *o = xcalloc(1, sizeof(*o));
	uint64_t k;
	void *state;
	char none = 0;

	if ((state = job->ops->start(job->arg, &o->progress)) == NULL) {
		free(o);
		send(&none, 0, 0, TAG_DONE);
		return;
	}
	send(&none, 0, 0, TAG_REQ);
	recv(&g, sizeof(g), 0, TAG_GRANT);
	while (g.first < g.end || g.first == WAIT || g.n > 0) {
		if (g.first == WAIT) {		/* nothing ready yet */
			sleep_us(WAIT_US);
			send(&none, 0, 0, TAG_REQ);
			recv(&g, sizeof(g), 0, TAG_GRANT);
			continue;
		}
		send(&none, 0, 0, TAG_REQ);	/* the next one, meanwhile */
		for (k = 0; k < g.n && k < DISPATCH_READY_MAX; k++)
			run_one(job, state, g.id[k], o);
		for (k = g.first; k < g.end; k++)
			run_one(job, state, k, o);
		flush(o);
		recv(&next, sizeof(next), 0, TAG_GRANT);
		g = next;
	}
	job->ops->stop(job->arg, state);
	free(o);
	send(&none, 0, 0, TAG_DONE);
}

int
exec_mpi_serve(void)
{
	const struct job_driver *drv;
	struct exec_job job;
	struct blob b;
	struct cmd c;
	char none = 0;

	for (;;) {
		bcast(&c, sizeof(c));
		if (c.kind != CMD_JOB)
			break;
		memset(&b, 0, sizeof(b));
		b.p = xmalloc(c.len ? c.len : 1);
		b.len = b.cap = c.len;
		bcast(b.p, c.len);
		c.driver[sizeof(c.driver) - 1] = '\0';
		memset(&job, 0, sizeof(job));
		job.ntasks = c.ntasks;
		if ((drv = job_driver(c.driver)) == NULL ||
		    drv->unpack(&b, &job) == -1) {
			warnx("rank %d: cannot take a %s job: its data is "
			    "malformed", rank, c.driver);
			send(&none, 0, 0, TAG_DONE);	/* rank 0 goes on */
		} else
			work(&job);
		if (drv != NULL)
			drv->release(&job);
		blob_free(&b);
	}
	(void)MPI_Finalize();
	return 0;
}

/* Rank 0, at exit: the other ranks leave their wait, then MPI ends. */
static void
quit(void)
{
	struct cmd c;

	if (rank != 0)
		return;
	if (in_job)		/* an exit in the middle: the ranks wait */
		MPI_Abort(MPI_COMM_WORLD, 1);
	memset(&c, 0, sizeof(c));
	c.kind = CMD_QUIT;
	bcast(&c, sizeof(c));
	(void)MPI_Finalize();
	rank = -1;
}

/* Are the ranks on more than one host?  (Then a range is made durable
 * before it is journaled: a worker's host can crash while rank 0's
 * boot, which the journal trusts, goes on.) */
static bool
hosts_differ(void)
{
	char mine[MPI_MAX_PROCESSOR_NAME] = "", *all;
	int len, i;
	bool differ = false;

	(void)MPI_Get_processor_name(mine, &len);
	all = xcalloc((size_t)nranks, sizeof(mine));
	(void)MPI_Allgather(mine, sizeof(mine), MPI_CHAR, all, sizeof(mine),
	    MPI_CHAR, MPI_COMM_WORLD);
	for (i = 1; i < nranks; i++)
		differ |= strcmp(all, all + (size_t)i * sizeof(mine)) != 0;
	free(all);
	return differ;
}

int
exec_mpi_init(int *argc, char ***argv)
{
	if (MPI_Init(argc, argv) != MPI_SUCCESS)
		errx(1, "MPI_Init failed");
	(void)MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	(void)MPI_Comm_size(MPI_COMM_WORLD, &nranks);
	multihost = hosts_differ();
	if (rank == 0) {
		exec_register(EXEC_MPI, mpi_run);
		if (atexit(quit) != 0)
			errx(1, "atexit");
	}
	return rank;
}

int
exec_mpi_ranks(void)
{
	return nranks;
}

bool
exec_mpi_hosts(void)
{
	return multihost;
}
