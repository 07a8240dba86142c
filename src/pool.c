/*
 * pool.c: the local executors, pool and fork, over one dispatcher.
 *
 * Two ways to run the same batches of tasks, both first-class:
 *
 *  pool  N workers are forked once.  They share one counter in an anonymous
 *        shared mapping and claim batches with an atomic fetch-add until
 *        the counter passes the last: the dispatcher's grant, lock-free.
 *        A dynamic queue, so a slow task never holds up a statically
 *        assigned share (the plan puts the largest tasks first, so the tail
 *        is made of the smallest).
 *  fork  One child per batch, at most N alive.  When a child is reaped the
 *        parent forks the next batch into its lane.  With -j 2 and a chunk
 *        of half the file, this is the classic parent-and-child half copy;
 *        on a tree, a child copies a batch of small files (a few chunks of
 *        bytes), not one file.
 *
 * Later tasks (exec.h) join as results make them ready: the parent mirrors
 * the dispatcher's ready list into the shared mapping, pool workers claim
 * from it by compare-and-swap (ahead of the batches left) and, with
 * nothing to claim, sleep on a futex in the shared mapping (the bell) that
 * the parent rings when it publishes or closes the run; fork mode forks a
 * run of ready tasks into a free lane.  (Idle workers polled before: with
 * -j 8 and one file on a disk, seven pollers took 0.8 CPU seconds from the
 * one writer of a 1 GiB copy on two cores.)
 *
 * Workers never print and never decide.  After each task a worker puts a
 * fixed-size struct result in its lane's ring in the shared mapping and
 * publishes it (a release store of the ring's head: no system call), and
 * at the end of each grant, or when its ring is half full, it writes one
 * byte into a pipe shared by all to wake the parent, which takes every
 * published result of every lane.  A tree of small files then costs the
 * parent a wake-up per batch, not per file, and a result is still
 * published the moment its task ends: a worker killed mid-batch has
 * reported everything it finished.  Each lane also has a cache-line-sized
 * slot: bytes written so far (for progress and --stats) and the grant it
 * holds (so the parent can tell what a killed worker was running).
 *
 * The parent blocks SIGCHLD and the stop signals and sleeps in ppoll(2) on
 * the pipe with them unblocked: it wakes for results, for dead children
 * and for Ctrl-C, and nothing can arrive between a check and the wait.
 * After each batch of results it lingers POOL_LINGER (signals still wake
 * it) so that results pile up: one wake-up per result of a small file
 * would cost a cross-CPU wake-up each, more than the copy.  The pipe holds
 * far more results than workers finish in that time, and so does a lane's
 * ring, half of it (the wake-up) with room to spare: a worker must never
 * wait for a lingering parent.  (At 128 results a worker copying 1 KiB
 * files filled its ring within each linger and slept in put_result: -j 1
 * on 20,000 of them took 0.268 s, 0.198 s at 1024; cp -a 0.173 s.)
 * After reaping a child it takes the rings before judging it, since a
 * worker killed right after a task has published its result already.
 *
 * Accounting, recovery and the end are the dispatcher's (dispatch.c): a
 * worker killed by a signal (the OOM killer, a stray kill -9) is replaced
 * in its lane and its grant's undelivered rest given to the new worker,
 * the task it was running retried once; workers that exit with an error
 * (no memory, a broken pipe) are not replaced: that would fail again.
 *
 * Teardown: on SIGINT/SIGTERM/SIGHUP the parent stops forking, sends
 * SIGTERM to every worker, reaps them all and returns the signal.  Workers
 * also ask for SIGTERM when the parent dies (PR_SET_PDEATHSIG), so a killed
 * parcp leaves no orphans writing behind it.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/futex.h>

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "compat.h"
#include "dispatch.h"
#include "exec.h"
#include "sig.h"
#include "util.h"

#define WORKER_EXIT_NOMEM	70
#define WORKER_EXIT_PIPE	71
#define WORKER_EXIT_ORPHAN	72

#define POOL_LINGER_NS		1000000L	/* 1 ms */
#define POOL_RING		1024		/* results a lane holds: 80 KiB */
#define POOL_FULL_NS		50000L		/* a worker with a full ring
						   waits this long for room */
#define POOL_IDLE_NS		20000000L	/* a worker asleep on the bell
						   looks again after this
						   long anyway: a guard */

/* One per worker lane, alone on its cache line: no false sharing. */
struct lane {
	uint64_t	 bytes;		/* written so far */
	uint64_t	 first;		/* the grant held: [first, end) */
	uint64_t	 end;
	uint64_t	 ready;		/* 1: positions in the ready list */
	uint64_t	 head;		/* results published (the worker's) */
	uint64_t	 tail __attribute__((aligned(64)));	/* and taken
					   (the parent's), on its own line */
} __attribute__((aligned(64)));

/*
 * Pool mode's grants: the next batch, and the later tasks the parent has
 * published (ready[0..published)), claimed in order by compare-and-swap
 * on rnext; closed: nothing more will be published, leave when idle.
 * bell is a futex word the parent bumps after either (then wakes the
 * sleepers, if any: no system call while every worker is busy).
 */
struct shared {
	uint64_t	 next __attribute__((aligned(64)));
	uint64_t	 rnext __attribute__((aligned(64)));
	uint64_t	 published;
	uint32_t	 closed;
	uint32_t	 bell;
	uint32_t	 sleepers;	/* workers waiting on bell */
	uint64_t	*ready;		/* nlater entries, after the rings */
	struct result	*ring;		/* POOL_RING per lane, after the lanes */
	struct lane	 lane[];
};

struct pool {
	const struct exec_job *job;
	struct dispatch	 d;
	struct shared	*sh;
	size_t		 shlen;
	int		 rfd, wfd;
	pid_t		 parent;
	pid_t		*pid;		/* per lane; 0 when free */
	unsigned	 alive;
	bool		 nospawn;	/* fork failed or interrupted */
	bool		 started;	/* workers forked: loop to the end */
	struct fault	 lost;		/* for tasks no worker reported */
	int		 sig;
	sigset_t	 oldmask;
	int64_t		 next_tick;	/* CLOCK_MONOTONIC ns */
};

#ifdef PARCP_COVERAGE
void	__gcov_dump(void);		/* libgcov: write the counters now */
#endif

/*
 * A worker's only way out.  _exit(2) skips atexit handlers, and gcov
 * writes its counters from one: a coverage build (--enable-coverage)
 * writes them first, or no line a worker ran would count.
 */
static __dead void
worker_exit(int status)
{
#ifdef PARCP_COVERAGE
	__gcov_dump();
#endif
	_exit(status);
}

/* Worker: wake the parent (a byte in the pipe: it takes every ring). */
static void
wake(struct pool *p)
{
	if (write_full(p->wfd, "", 1) == -1)
		worker_exit(WORKER_EXIT_PIPE);
}

/* Worker: publish res in lane's ring, waiting for room if it is full. */
static void
put_result(struct pool *p, unsigned lane, const struct result *res)
{
	const struct timespec full = { 0, POOL_FULL_NS };
	struct lane *l = &p->sh->lane[lane];
	uint64_t head = __atomic_load_n(&l->head, __ATOMIC_RELAXED);

	while (head - __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE) >=
	    POOL_RING) {
		wake(p);
		(void)nanosleep(&full, NULL);
	}
	p->sh->ring[(size_t)lane * POOL_RING + head % POOL_RING] = *res;
	__atomic_store_n(&l->head, head + 1, __ATOMIC_RELEASE);
	if (head + 1 - __atomic_load_n(&l->tail, __ATOMIC_RELAXED) ==
	    POOL_RING / 2)
		wake(p);
}

/* Worker: run g's tasks in order, a result each; the lane names g. */
static void
run_grant(struct pool *p, unsigned lane, const struct grant *g,
    void *state, uint64_t *reported)
{
	const struct exec_job *job = p->job;
	struct lane *l = &p->sh->lane[lane];
	struct result res;
	uint64_t k, task, now;

	__atomic_store_n(&l->end, g->end, __ATOMIC_RELAXED);
	__atomic_store_n(&l->ready, g->ready, __ATOMIC_RELAXED);
	__atomic_store_n(&l->first, g->first, __ATOMIC_RELEASE);
	for (k = g->first; k < g->end; k++) {
		task = g->ready ? __atomic_load_n(&p->sh->ready[k],
		    __ATOMIC_ACQUIRE) : k;
		memset(&res, 0, sizeof(res));
		res.task = task;
		res.worker = lane;
		job->ops->run(job->arg, state, task, &res);
		now = __atomic_load_n(&l->bytes, __ATOMIC_RELAXED);
		res.bytes = now - *reported;
		*reported = now;
		put_result(p, lane, &res);
	}
	__atomic_store_n(&l->first, l->end, __ATOMIC_RELEASE);
	wake(p);
}

/*
 * Worker: sleep until the bell has rung since gen (read before the
 * worker last looked for work).  The sleeper count and the bell are a
 * Dekker pair (both sequentially consistent): either the parent sees the
 * sleeper and wakes it, or the worker sees the new bell and does not
 * sleep.  The futex is shared (not FUTEX_PRIVATE): the mapping is.  A
 * worker killed asleep leaves the count high: the parent then makes a
 * wake-up call it did not need, no more.
 */
static void
wait_bell(struct shared *sh, uint32_t gen)
{
	const struct timespec guard = { 0, POOL_IDLE_NS };

	__atomic_add_fetch(&sh->sleepers, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sh->bell, __ATOMIC_SEQ_CST) == gen)
		(void)syscall(SYS_futex, &sh->bell, FUTEX_WAIT, gen, &guard,
		    NULL, 0);
	__atomic_sub_fetch(&sh->sleepers, 1, __ATOMIC_SEQ_CST);
}

/* Parent: later tasks were published, or the run closed. */
static void
ring_bell(struct shared *sh)
{
	__atomic_add_fetch(&sh->bell, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&sh->sleepers, __ATOMIC_SEQ_CST) > 0)
		(void)syscall(SYS_futex, &sh->bell, FUTEX_WAKE, INT_MAX, NULL,
		    NULL, 0);
}

/* Parent: nothing more will be published; idle workers leave. */
static void
close_run(struct shared *sh)
{
	__atomic_store_n(&sh->closed, 1, __ATOMIC_RELEASE);
	ring_bell(sh);
}

/* A published later task into *g, claimed by compare-and-swap. */
static bool
claim_ready(struct shared *sh, struct grant *g)
{
	uint64_t r = __atomic_load_n(&sh->rnext, __ATOMIC_ACQUIRE);

	while (r < __atomic_load_n(&sh->published, __ATOMIC_ACQUIRE))
		if (__atomic_compare_exchange_n(&sh->rnext, &r, r + 1, false,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			g->first = r;		/* a position: one task */
			g->end = r + 1;
			g->ready = true;
			return true;
		}
	return false;
}

/*
 * Pool mode: the next grant (a ready later task first, then a batch), or
 * false once the parent has closed the run and nothing is left.  With
 * nothing to claim yet a worker waits for later tasks, asleep on the bell.
 */
static bool
claim(struct pool *p, struct grant *g)
{
	const struct exec_job *job = p->job;
	struct shared *sh = p->sh;
	uint64_t nb = job->batch ? job->nbatches : job->ntasks, b;
	uint32_t gen;

	for (;;) {
		gen = __atomic_load_n(&sh->bell, __ATOMIC_SEQ_CST);
		if (claim_ready(sh, g))
			return true;
		if (__atomic_load_n(&sh->next, __ATOMIC_RELAXED) < nb &&
		    (b = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED)) <
		    nb && dispatch_batch(job, b, g))
			return true;
		if (job->nlater == 0 ||
		    __atomic_load_n(&sh->closed, __ATOMIC_ACQUIRE))
			return claim_ready(sh, g);
		wait_bell(sh, gen);
	}
}

/*
 * Run g (fork mode, or a replacement's), then, in pool mode, claim
 * grants until none is left.  Leaves only via worker_exit(): no atexit
 * handlers, no second stdio flush.
 */
static __dead void
worker(struct pool *p, unsigned lane, const struct grant *g)
{
	const struct exec_job *job = p->job;
	struct grant next;
	uint64_t reported = 0;
	void *state;

	sig_worker(&p->oldmask);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != p->parent)
		worker_exit(WORKER_EXIT_ORPHAN);
	(void)close(p->rfd);
	reported = p->sh->lane[lane].bytes;
	if ((state = job->ops->start(job->arg, &p->sh->lane[lane].bytes)) ==
	    NULL)
		worker_exit(WORKER_EXIT_NOMEM);
	if (g != NULL)
		run_grant(p, lane, g, state, &reported);
	if (job->mode == EXEC_POOL)
		while (claim(p, &next))
			run_grant(p, lane, &next, state, &reported);
	worker_exit(0);
}

/* A worker in lane; g: the grant it starts with (NULL: pool mode claims). */
static void
spawn(struct pool *p, unsigned lane, const struct grant *g)
{
	pid_t pid;

	/* The parent names the grant too: the child may die before it does. */
	p->sh->lane[lane].first = g ? g->first : 0;
	p->sh->lane[lane].end = g ? g->end : 0;
	p->sh->lane[lane].ready = g ? g->ready : 0;
	(void)fflush(NULL);
	if ((pid = fork()) == -1) {
		warn("fork");
		fault_set(&p->lost, FAULT_WORKER);
		p->nospawn = true;
		dispatch_stop(&p->d);
		return;
	}
	if (pid == 0)
		worker(p, lane, g);
	p->pid[lane] = pid;
	p->alive++;
}

/* The dispatcher's ready list, where both modes' workers read it. */
static void
mirror(struct pool *p)
{
	struct shared *sh = p->sh;
	uint64_t n = __atomic_load_n(&sh->published, __ATOMIC_RELAXED);
	uint64_t was = n;

	for (; n < p->d.nready; n++)
		__atomic_store_n(&sh->ready[n], p->d.ready[n], __ATOMIC_RELAXED);
	__atomic_store_n(&sh->published, n, __ATOMIC_RELEASE);
	if (n != was && p->job->mode == EXEC_POOL)
		ring_bell(sh);
}

/* Fork mode: fill a free lane with the next batch, if any is left. */
static void
spawn_next(struct pool *p, unsigned lane)
{
	struct grant g;

	if (p->job->mode == EXEC_FORK && !p->nospawn &&
	    dispatch_next(&p->d, &g, DISPATCH_READY_MAX)) {
		mirror(p);	/* the child reads its tasks there */
		spawn(p, lane, &g);
	}
}

/*
 * Hand what the results made ready to the workers: pool mode publishes
 * it in the shared queue (and closes the run when nothing more can
 * come); fork mode forks it into free lanes.
 */
static void
publish(struct pool *p)
{
	unsigned lane;

	mirror(p);
	if (p->job->mode == EXEC_FORK) {
		for (lane = 0; lane < p->job->jobs; lane++)
			if (p->pid[lane] == 0)
				spawn_next(p, lane);
	} else if (dispatch_over(&p->d))
		close_run(p->sh);
}

/*
 * Take every published result.  The wake-ups first: a result published
 * after the rings are read has its byte still to come, so the next wait
 * wakes for it.
 */
static void
drain(struct pool *p)
{
	struct lane *l;
	char buf[512];
	uint64_t head, t;
	unsigned lane;
	ssize_t n;

	do			/* until EAGAIN: empty for now */
		n = read(p->rfd, buf, sizeof(buf));
	while (n > 0 || (n == -1 && errno == EINTR));
	for (lane = 0; lane < p->job->jobs; lane++) {
		l = &p->sh->lane[lane];
		head = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);
		for (t = l->tail; t < head; t++)
			dispatch_deliver(&p->d, &p->sh->ring[(size_t)lane *
			    POOL_RING + t % POOL_RING]);
		__atomic_store_n(&l->tail, head, __ATOMIC_RELEASE);
	}
}

/* What a worker's wait status says went wrong; op FAULT_NONE if nothing. */
static struct fault
death(const struct pool *p, int status)
{
	struct fault f = { FAULT_NONE, 0 };

	if (p->sig != 0)
		fault_setc(&f, FAULT_INTR, 0);
	else if (WIFSIGNALED(status))
		fault_setc(&f, FAULT_KILLED, WTERMSIG(status));
	else if (WEXITSTATUS(status) == WORKER_EXIT_NOMEM)
		fault_setc(&f, FAULT_WORKER, ENOMEM);
	else if (WEXITSTATUS(status) != 0)
		fault_setc(&f, FAULT_WORKER, EPIPE);
	return f;
}

/*
 * The worker in lane died of f holding g (drained).  The dispatcher says
 * what a replacement runs; then keep the lane busy.
 */
static void
recover(struct pool *p, unsigned lane, struct grant g, const struct fault *f)
{
	const struct exec_job *job = p->job;
	bool replace = f->op == FAULT_KILLED && !p->nospawn;

	if (dispatch_lost(&p->d, &g, lane, f, replace)) {
		spawn(p, lane, &g);
		return;
	}
	if (job->mode == EXEC_FORK)
		spawn_next(p, lane);
	else if (replace && !dispatch_over(&p->d) &&
	    p->d.retries < p->d.ntotal + job->jobs) {
		p->d.retries++;
		spawn(p, lane, NULL);
	}
}

/*
 * Reap the children that are done, at most one per lane a turn: where a
 * fork takes longer than a task, children exit as fast as they are
 * forked, and an unbounded loop would never get back to the wait (nor
 * to progress ticks).  True when the bound stopped it: more may wait.
 */
static bool
reap(struct pool *p)
{
	struct fault f;
	struct grant g;
	unsigned lane, n = 0;
	pid_t pid;
	int status;

	while (n++ < p->job->jobs &&
	    (pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (lane = 0; lane < p->job->jobs; lane++)
			if (p->pid[lane] == pid)
				break;
		if (lane == p->job->jobs)
			continue;	/* not ours */
		p->pid[lane] = 0;
		p->alive--;
		drain(p);	/* its last result may be in the pipe */
		f = death(p, status);
		g.first = __atomic_load_n(&p->sh->lane[lane].first,
		    __ATOMIC_ACQUIRE);
		g.end = p->sh->lane[lane].end;
		g.ready = p->sh->lane[lane].ready != 0;
		p->sh->lane[lane].first = p->sh->lane[lane].end = 0;
		if (f.op == FAULT_NONE) {
			spawn_next(p, lane);
			continue;
		}
		p->lost = f;
		recover(p, lane, g, &f);
	}
	return n > p->job->jobs;
}

static void
stop(struct pool *p)
{
	unsigned lane;

	p->nospawn = true;
	dispatch_stop(&p->d);
	close_run(p->sh);
	for (lane = 0; lane < p->job->jobs; lane++)
		if (p->pid[lane] != 0)
			(void)kill(p->pid[lane], SIGTERM);
}

static int64_t
mono_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Call the tick callback when it is due; the wait until the next one. */
static struct timespec *
tick(struct pool *p, struct timespec *wait)
{
	int64_t now, left;
	uint64_t bytes = 0;
	unsigned lane;

	if (p->job->ops->tick == NULL)
		return NULL;
	now = mono_ns();
	if (now >= p->next_tick) {
		p->next_tick = now + p->job->tick_ms * 1000000;
		for (lane = 0; lane < p->job->jobs; lane++)
			bytes += __atomic_load_n(&p->sh->lane[lane].bytes,
			    __ATOMIC_RELAXED);
		p->job->ops->tick(p->job->arg, bytes);
	}
	left = p->next_tick - now;
	wait->tv_sec = left / 1000000000;
	wait->tv_nsec = left % 1000000000;
	return wait;
}

/*
 * Until every worker is reaped: take what has arrived, then wait.  Each
 * turn reaps before it blocks, so a SIGCHLD spent waking a wait (or
 * cutting the linger short) is never followed by a sleep over a zombie.
 */
static void
loop(struct pool *p)
{
	const struct timespec linger = { 0, POOL_LINGER_NS };
	struct timespec wait;
	struct pollfd pfd;
	bool more;

	pfd.fd = p->rfd;
	pfd.events = POLLIN;
	for (;;) {
		if (p->sig == 0 && (p->sig = sig_caught()) != 0)
			stop(p);
		drain(p);
		more = reap(p);
		publish(p);
		if (p->alive == 0)
			break;
		if (more) {		/* no sleep over a zombie */
			(void)tick(p, &wait);
			continue;
		}
		pfd.revents = 0;
		if (ppoll(&pfd, 1, tick(p, &wait), &p->oldmask) == -1 &&
		    errno != EINTR)
			err(1, "ppoll");	/* EFAULT/EINVAL: a bug */
		if (p->sig == 0 && sig_caught() == 0)	/* let results pile up */
			(void)ppoll(NULL, 0, &linger, &p->oldmask);
	}
	drain(p);
}

static int
setup(struct pool *p, const struct exec_job *job)
{
	int fds[2];

	memset(p, 0, sizeof(*p));
	p->job = job;
	dispatch_init(&p->d, job);
	p->rfd = p->wfd = -1;
	p->parent = getpid();
	p->shlen = sizeof(struct shared) + job->jobs * sizeof(struct lane) +
	    job->jobs * POOL_RING * sizeof(struct result) +
	    job->nlater * sizeof(uint64_t);
	p->sh = mmap(NULL, p->shlen, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p->sh == MAP_FAILED) {
		p->sh = NULL;
		return -1;
	}
	p->sh->ring = (struct result *)&p->sh->lane[job->jobs];
	p->sh->ready = (uint64_t *)&p->sh->ring[job->jobs * POOL_RING];
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	p->rfd = fds[0];
	p->wfd = fds[1];
	/* Only the parent's end is non-blocking: workers wait for room. */
	if (fcntl(p->rfd, F_SETFL, O_NONBLOCK) == -1)
		return -1;
	p->pid = xcalloc(job->jobs, sizeof(*p->pid));
	return 0;
}

static void
teardown(struct pool *p)
{
	unsigned lane;

	if (p->sh != NULL && p->job->lane_bytes != NULL)
		for (lane = 0; lane < p->job->jobs; lane++)
			p->job->lane_bytes[lane] += p->sh->lane[lane].bytes;
	if (p->sh != NULL)
		(void)munmap(p->sh, p->shlen);
	if (p->rfd != -1)
		(void)close(p->rfd);
	if (p->wfd != -1)
		(void)close(p->wfd);
	free(p->pid);
	dispatch_free(&p->d);
}

struct pool *
pool_start(const struct exec_job *job)
{
	struct pool *p = xcalloc(1, sizeof(*p));
	uint64_t nb = (job->batch ? job->nbatches : job->ntasks) + job->nlater;
	unsigned lane, n;

	/* Nothing to run, nothing that can become ready: nothing to end.
	 * (Later tasks ready from the start run without a task before them:
	 * a copy whose files all went in head.c's waves.) */
	if (job->ntasks == 0 && job->nready == 0) {
		p->job = NULL;
		return p;
	}
	if (setup(p, job) == -1) {
		fault_set(&p->lost, FAULT_WORKER);
		warnc(p->lost.err, "cannot start workers");
		return p;
	}
	sig_block(&p->oldmask);
	mirror(p);		/* what is ready from the start */
	n = nb < job->jobs ? (unsigned)nb : job->jobs;
	for (lane = 0; lane < n && !p->nospawn; lane++) {
		if (job->mode == EXEC_FORK)
			spawn_next(p, lane);
		else
			spawn(p, lane, NULL);
	}
	p->started = true;
	sig_restore(&p->oldmask);
	return p;
}

bool
pool_poll(struct pool *p)
{
	struct timespec wait;

	if (!p->started)
		return false;
	sig_block(&p->oldmask);	/* forks and reaps as loop's do */
	if (p->sig == 0 && (p->sig = sig_caught()) != 0)
		stop(p);
	drain(p);
	(void)reap(p);
	publish(p);
	(void)tick(p, &wait);
	sig_restore(&p->oldmask);
	return p->alive > 0;
}

int
pool_finish(struct pool *p)
{
	int sig;

	if (p->job == NULL) {
		free(p);
		return 0;
	}
	if (p->started) {
		sig_block(&p->oldmask);
		loop(p);
		sig_restore(&p->oldmask);
		if (p->sig == 0)
			p->sig = sig_caught();
		if (p->sig != 0)
			fault_setc(&p->lost, FAULT_INTR, 0);
	}
	/* Never let an unreported task pass for a success. */
	if (p->lost.op == FAULT_NONE)
		fault_setc(&p->lost, FAULT_WORKER, ECHILD);
	dispatch_end(&p->d, &p->lost);
	teardown(p);
	sig = p->sig;
	free(p);
	return sig;
}

int
pool_run(const struct exec_job *job)
{
	return pool_finish(pool_start(job));
}
