/*
 * pool: both local executors run every task exactly once and report each
 * exactly once, in batches or one by one, also when a worker is killed or
 * the parent is interrupted.  Tasks come through the drivers' common task
 * side (work.h), as the drivers' do.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "exec.h"
#include "sig.h"
#include "testutil.h"
#include "work.h"

#define NTASKS	100

struct seen {
	unsigned	 count[NTASKS];
	struct fault	 fault[NTASKS];
	uint32_t	 maxworker;
	unsigned	 calls;
	unsigned char	 out[NTASKS];	/* result.out[0] as received */
	unsigned	 ticks;
	uint64_t	 tick_bytes;	/* bytes at the last tick */
};

static struct seen seen;
static uint64_t fail_task = UINT64_MAX;	/* fails with EIO */
static uint64_t kill_task = UINT64_MAX;	/* worker SIGKILLs itself */
static uint64_t intr_task = UINT64_MAX;	/* worker SIGINTs the parent */
static uint64_t once_task = UINT64_MAX;	/* first worker to run it dies */
static int *once;			/* shared: has once_task killed? */
static unsigned *ran;			/* shared: runs per task, or NULL */
static useconds_t task_us;		/* each task first sleeps this */
static int *gate;			/* shared: tasks wait until it is 1 */

static int
task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	(void)arg;
	out[0] = (unsigned char)(i ^ 0x5a);
	if (ran != NULL)
		__atomic_add_fetch(&ran[i], 1, __ATOMIC_RELAXED);
	if (task_us != 0)
		usleep(task_us);
	while (gate != NULL && __atomic_load_n(gate, __ATOMIC_ACQUIRE) == 0)
		usleep(100);
	if (i == kill_task)
		raise(SIGKILL);
	if (i == once_task && __atomic_exchange_n(once, 1, __ATOMIC_SEQ_CST) == 0)
		raise(SIGKILL);
	if (i == intr_task) {
		kill(getppid(), SIGINT);
		pause();	/* until the parent's SIGTERM */
	}
	__atomic_add_fetch(eb->progress, i + 1, __ATOMIC_RELAXED);
	if (i == fail_task) {
		fault_setc(f, FAULT_READ, EIO);
		return -1;
	}
	return 0;
}

static void
result(void *arg, const struct result *r, const struct work_out *wo)
{
	(void)arg;
	ck_assert_uint_lt(r->task, NTASKS);
	seen.count[r->task]++;
	seen.fault[r->task] = r->fault;
	seen.out[r->task] = wo->out[0];
	if (r->worker > seen.maxworker)
		seen.maxworker = r->worker;
	seen.calls++;
}

static void
tick_cb(void *arg, uint64_t bytes)
{
	(void)arg;
	ck_assert_uint_ge(bytes, seen.tick_bytes);	/* never backwards */
	seen.tick_bytes = bytes;
	seen.ticks++;
}

static int _i_cfg;			/* the config being run */
static struct work w;
static uint64_t batch[NTASKS + 1];

/* job for ntasks tasks in batches of per (0: no batches, a task each). */
static void
job_init(struct exec_job *job, enum exec_mode mode, unsigned jobs,
    uint64_t ntasks, unsigned per)
{
	uint64_t b;

	memset(&w, 0, sizeof(w));
	w.bufsz = 4096;
	w.task = task;
	w.done = result;
	w.tick = tick_cb;
	memset(job, 0, sizeof(*job));
	job->mode = mode;
	job->jobs = jobs;
	job->ntasks = ntasks;
	job->ops = &work_tasks;
	job->arg = &w;
	job->tick_ms = 1;
	if (per == 0 || ntasks > NTASKS)
		return;
	for (b = 0; b * per < ntasks; b++)
		batch[b] = b * per;
	batch[b] = ntasks;
	job->batch = batch;
	job->nbatches = b;
}

static int
run_batched(enum exec_mode mode, unsigned jobs, uint64_t ntasks,
    uint64_t *bytes, unsigned per)
{
	struct exec_job job;

	memset(&seen, 0, sizeof(seen));
	job_init(&job, mode, jobs, ntasks, per);
	job.lane_bytes = bytes;
	sig_init();
	return exec_run(&job);
}

static const struct {
	enum exec_mode	mode;
	unsigned	jobs;
	unsigned	per;		/* tasks per batch; 0: none */
} configs[] = {
	{ EXEC_POOL, 1, 0 }, { EXEC_POOL, 2, 0 }, { EXEC_POOL, 7, 0 },
	{ EXEC_FORK, 1, 0 }, { EXEC_FORK, 2, 0 }, { EXEC_FORK, 7, 0 },
	{ EXEC_POOL, 2, 7 }, { EXEC_FORK, 2, 7 }, { EXEC_FORK, 3, 30 },
};

static int
run(enum exec_mode mode, unsigned jobs, uint64_t ntasks, uint64_t *bytes)
{
	return run_batched(mode, jobs, ntasks, bytes, configs[_i_cfg].per);
}

START_TEST(test_pool_runs_every_task_once)
{
	uint64_t bytes[8] = { 0 }, sum = 0;
	unsigned i;

	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    bytes), 0);
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		ck_assert_int_eq(seen.fault[i].op, FAULT_NONE);
		ck_assert_uint_eq(seen.out[i], (unsigned char)(i ^ 0x5a));
	}
	ck_assert_uint_le(seen.tick_bytes, NTASKS * (NTASKS + 1) / 2);
	ck_assert_uint_lt(seen.maxworker, configs[_i].jobs);
	for (i = 0; i < configs[_i].jobs; i++)
		sum += bytes[i];
	ck_assert_uint_eq(sum, NTASKS * (NTASKS + 1) / 2);
}
END_TEST

/* The parent samples the workers' byte counters while they run. */
START_TEST(test_pool_ticks_while_workers_run)
{
	task_us = 2000;
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    NULL), 0);
	task_us = 0;
	/* >= 28 ms of work, 1 ms ticks; a loaded (sanitizer, 2-core) run
	 * may draw few, so only "at least one while they ran" is asserted:
	 * no timing assertions in make check. */
	ck_assert_uint_ge(seen.ticks, 1);
	ck_assert_uint_gt(seen.tick_bytes, 0);
	ck_assert_uint_le(seen.tick_bytes, NTASKS * (NTASKS + 1) / 2);
}
END_TEST

START_TEST(test_pool_no_tasks_forks_nothing)
{
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, 0, NULL), 0);
	ck_assert_uint_eq(seen.calls, 0);
}
END_TEST

START_TEST(test_pool_more_workers_than_tasks)
{
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, 7, 2, NULL), 0);
	ck_assert_uint_eq(seen.calls, 2);
	ck_assert_uint_eq(seen.count[0] + seen.count[1], 2);
}
END_TEST

START_TEST(test_pool_task_fault_reaches_parent)
{
	fail_task = 42;
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    NULL), 0);
	fail_task = UINT64_MAX;
	ck_assert_int_eq(seen.fault[42].op, FAULT_READ);
	ck_assert_int_eq(seen.fault[42].err, EIO);
	ck_assert_int_eq(seen.fault[41].op, FAULT_NONE);
	ck_assert_uint_eq(seen.calls, NTASKS);
}
END_TEST

START_TEST(test_pool_killed_worker_fails_its_task_only)
{
	unsigned i;

	kill_task = 5;
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, 2 + configs[_i].jobs, NTASKS,
	    NULL), 0);
	kill_task = UINT64_MAX;
	ck_assert_uint_eq(seen.calls, NTASKS);
	ck_assert_int_eq(seen.fault[5].op, FAULT_KILLED);
	ck_assert_int_eq(seen.fault[5].err, SIGKILL);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		if (i != 5)
			ck_assert_int_eq(seen.fault[i].op, FAULT_NONE);
	}
}
END_TEST

START_TEST(test_pool_single_worker_killed_twice_fails_that_task_only)
{
	unsigned i;

	_i_cfg = 0;
	kill_task = 5;
	ck_assert_int_eq(run(EXEC_POOL, 1, NTASKS, NULL), 0);
	kill_task = UINT64_MAX;
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		ck_assert_int_eq(seen.fault[i].op,
		    i == 5 ? FAULT_KILLED : FAULT_NONE);
	}
}
END_TEST

START_TEST(test_pool_killed_worker_is_replaced_and_task_rerun)
{
	uint64_t bytes[8] = { 0 }, sum = 0;
	unsigned i;

	once = mmap(NULL, sizeof(*once), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(once, MAP_FAILED);
	*once = 0;
	once_task = 7;
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    bytes), 0);
	once_task = UINT64_MAX;
	ck_assert_int_eq(*once, 1);		/* it did die once */
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		ck_assert_int_eq(seen.fault[i].op, FAULT_NONE);
		ck_assert_uint_eq(seen.out[i], (unsigned char)(i ^ 0x5a));
	}
	ck_assert_uint_le(seen.tick_bytes, NTASKS * (NTASKS + 1) / 2);
	for (i = 0; i < configs[_i].jobs; i++)
		sum += bytes[i];
	ck_assert_uint_eq(sum, NTASKS * (NTASKS + 1) / 2);
}
END_TEST

/* Counters the workers share: once_task's death, each task's runs. */
static void
count_runs(void)
{
	once = mmap(NULL, sizeof(*once), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ran = mmap(NULL, NTASKS * sizeof(*ran), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(once, MAP_FAILED);
	ck_assert_ptr_ne(ran, MAP_FAILED);
	*once = 0;
}

/*
 * A worker killed in the middle of its batch: the task it was running is
 * run once more, the batch's tasks it had finished are not run again and
 * the ones it had not started run once, by its replacement.
 */
START_TEST(test_pool_killed_batch_is_handed_on)
{
	unsigned i;

	count_runs();
	once_task = 10;			/* the fourth of batch [7, 14) */
	ck_assert_int_eq(run_batched(configs[_i].mode, configs[_i].jobs,
	    NTASKS, NULL, 7), 0);
	once_task = UINT64_MAX;
	ck_assert_int_eq(*once, 1);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		ck_assert_int_eq(seen.fault[i].op, FAULT_NONE);
		ck_assert_msg(ran[i] == (i == 10 ? 2u : 1u), "task %u ran %u",
		    i, ran[i]);
	}
	(void)munmap(ran, NTASKS * sizeof(*ran));
	ran = NULL;
}
END_TEST

/*
 * The queue grows: NTASKS / 2 data tasks; when data task i is done, later
 * task NTASKS / 2 + i is made ready, for even i only.  Each readied task
 * runs once, in a worker (not the parent), after its input; the others
 * never run and get no result.  A worker killed running a later task is
 * replaced and the task run once more.
 */
static void
later_result(void *arg, const struct result *r, const struct work_out *wo)
{
	result(arg, r, wo);
	if (r->task < NTASKS / 2 && r->task % 2 == 0) {
		ck_assert_uint_eq(ran[NTASKS / 2 + r->task], 0);
		work_ready(&w, NTASKS / 2 + r->task);
	}
}

START_TEST(test_pool_later_tasks_run_once_made_ready)
{
	struct exec_job job;
	unsigned i, half = NTASKS / 2;

	count_runs();
	once_task = half + 10;		/* a later task kills its worker */
	memset(&seen, 0, sizeof(seen));
	job_init(&job, configs[_i].mode, configs[_i].jobs, half,
	    configs[_i].per);
	job.nlater = half;
	w.done = later_result;
	sig_init();
	ck_assert_int_eq(exec_run(&job), 0);
	once_task = UINT64_MAX;
	ck_assert_int_eq(*once, 1);
	for (i = 0; i < NTASKS; i++) {
		bool made = i < half || (i - half) % 2 == 0;

		ck_assert_msg(seen.count[i] == (made ? 1u : 0u),
		    "task %u: %u results", i, seen.count[i]);
		ck_assert_msg(ran[i] == (!made ? 0u : i == half + 10 ? 2u : 1u),
		    "task %u ran %u times", i, ran[i]);
		if (made)
			ck_assert_int_eq(seen.fault[i].op, FAULT_NONE);
	}
	(void)munmap(ran, NTASKS * sizeof(*ran));
	ran = NULL;
}
END_TEST

START_TEST(test_pool_interrupt_stops_and_accounts_for_all)
{
	unsigned i, intr = 0;

	intr_task = 3;
	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    NULL), SIGINT);
	intr_task = UINT64_MAX;
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		intr += seen.fault[i].op == FAULT_INTR;
	}
	ck_assert_int_eq(seen.fault[3].op, FAULT_INTR);
	ck_assert_uint_ge(intr, 1);
}
END_TEST

/* pool_start, pool_poll, pool_finish: a parent with work of its own
 * between them (copy.c's walk) gets every result while it polls. */
START_TEST(test_pool_start_poll_finish)
{
	uint64_t bytes[8] = { 0 }, sum = 0;
	struct exec_job job;
	struct pool *p;
	unsigned i;

	memset(&seen, 0, sizeof(seen));
	job_init(&job, configs[_i].mode, configs[_i].jobs, NTASKS,
	    configs[_i].per);
	job.lane_bytes = bytes;
	gate = mmap(NULL, sizeof(*gate), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(gate, MAP_FAILED);
	*gate = 0;
	sig_init();
	p = pool_start(&job);
	ck_assert(pool_poll(p));	/* the tasks wait at the gate */
	ck_assert_uint_eq(seen.calls, 0);
	__atomic_store_n(gate, 1, __ATOMIC_RELEASE);
	while (pool_poll(p))
		usleep(100);		/* the parent's own work */
	ck_assert_uint_eq(seen.calls, NTASKS);	/* before the finish */
	ck_assert_int_eq(pool_finish(p), 0);
	(void)munmap(gate, sizeof(*gate));
	gate = NULL;
	for (i = 0; i < NTASKS; i++)
		ck_assert_uint_eq(seen.count[i], 1);
	for (i = 0; i < configs[_i].jobs; i++)
		sum += bytes[i];
	ck_assert_uint_eq(sum, NTASKS * (NTASKS + 1) / 2);
}
END_TEST

/* A stop signal while the parent polls: the workers are stopped, and
 * every task still gets its one result. */
START_TEST(test_pool_poll_sees_a_stop)
{
	struct exec_job job;
	struct pool *p;
	unsigned i;

	intr_task = 3;
	memset(&seen, 0, sizeof(seen));
	job_init(&job, configs[_i].mode, configs[_i].jobs, NTASKS,
	    configs[_i].per);
	sig_init();
	p = pool_start(&job);
	while (pool_poll(p))
		usleep(100);
	ck_assert_int_eq(pool_finish(p), SIGINT);
	intr_task = UINT64_MAX;
	for (i = 0; i < NTASKS; i++)
		ck_assert_uint_eq(seen.count[i], 1);
	ck_assert_int_eq(seen.fault[3].op, FAULT_INTR);
}
END_TEST

/* lane_bytes is added to: two runs of a copy (head.c's waves, then the
 * rest) count both. */
START_TEST(test_pool_lane_bytes_add_up_across_runs)
{
	uint64_t bytes[8] = { 0 }, sum = 0;
	unsigned i;

	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    bytes), 0);
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, NTASKS,
	    bytes), 0);
	for (i = 0; i < configs[_i].jobs; i++)
		sum += bytes[i];
	ck_assert_uint_eq(sum, NTASKS * (NTASKS + 1));
}
END_TEST

/* No tasks, but later tasks ready from the start: they run (a copy whose
 * files all went in waves still has its directories to finish). */
START_TEST(test_pool_ready_later_tasks_run_without_tasks)
{
	static const uint64_t ready[] = { 0, 3, 4 };
	struct exec_job job;
	unsigned i;

	memset(&seen, 0, sizeof(seen));
	job_init(&job, configs[_i].mode, configs[_i].jobs, 0, 0);
	job.nlater = 5;
	job.ready = ready;
	job.nready = 3;
	sig_init();
	ck_assert_int_eq(exec_run(&job), 0);
	for (i = 0; i < 5; i++)
		ck_assert_msg(seen.count[i] == (i == 0 || i >= 3 ? 1u : 0u),
		    "later task %u: %u results", i, seen.count[i]);
}
END_TEST

/* Results by task for test_pool_results_beyond_the_pipe_capacity. */
static unsigned char *many;

static int
quick_task(void *arg, uint64_t i, const struct engine_buf *eb,
    struct fault *f, unsigned char *out)
{
	(void)arg;
	(void)eb;
	(void)f;
	out[0] = (unsigned char)i;
	return 0;
}

static void
count_result(void *arg, const struct result *r, const struct work_out *wo)
{
	(void)arg;
	ck_assert_int_eq(r->fault.op, FAULT_NONE);
	ck_assert_uint_eq(wo->out[0], (unsigned char)r->task);
	many[r->task]++;
}

/*
 * Far more results than the pipe holds: the parent must read them while
 * the workers run (they block on a full pipe), not only when one exits.
 */
START_TEST(test_pool_results_beyond_the_pipe_capacity)
{
	const uint64_t n = 10000;	/* the pipe holds 2048 */
	struct exec_job job;
	uint64_t i;

	ck_assert_ptr_nonnull(many = calloc(n, 1));
	job_init(&job, EXEC_POOL, 2, n, 0);
	w.task = quick_task;
	w.done = count_result;
	w.tick = NULL;
	sig_init();
	ck_assert_int_eq(exec_run(&job), 0);
	for (i = 0; i < n; i++)
		ck_assert_msg(many[i] == 1, "task %ju: %u results",
		    (uintmax_t)i, many[i]);
	free(many);
}
END_TEST

/*
 * No descriptor left for the result pipe: no worker starts, and every
 * task still gets exactly one result, FAULT_WORKER with the reason.
 */
START_TEST(test_pool_cannot_start_workers_fails_every_task)
{
	char said[256];
	struct rlimit rl;
	rlim_t saved;
	unsigned i;
	int fd, rv, err, cap;
	ssize_t n;

	/* stderr into a file of the test's own, opened before the limit */
	testutil_setup();
	ck_assert_int_ge(cap = open(testutil_path("stderr"), O_RDWR |
	    O_CREAT | O_TRUNC, 0600), 0);
	ck_assert_int_ge(err = dup(2), 0);
	ck_assert_int_eq(dup2(cap, 2), 2);
	ck_assert_int_ne(fd = dup(0), -1);	/* the lowest free one */
	(void)close(fd);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	saved = rl.rlim_cur;
	rl.rlim_cur = (rlim_t)fd;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	_i_cfg = _i;
	rv = run(configs[_i].mode, configs[_i].jobs, NTASKS, NULL);
	rl.rlim_cur = saved;	/* Check needs descriptors to report */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_int_eq(dup2(err, 2), 2);
	(void)close(err);
	ck_assert_int_ge(n = pread(cap, said, sizeof(said) - 1, 0), 0);
	(void)close(cap);
	testutil_teardown();
	said[n] = '\0';
	/* said once, with the reason */
	ck_assert_ptr_nonnull(strstr(said,
	    "cannot start workers: Too many open files\n"));
	ck_assert_ptr_null(strstr(strstr(said, "cannot start") + 1,
	    "cannot start"));
	ck_assert_int_eq(rv, 0);
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		ck_assert_int_eq(seen.fault[i].op, FAULT_WORKER);
		ck_assert_int_eq(seen.fault[i].err, EMFILE);
	}
}
END_TEST

/*
 * A worker that cannot have its buffer (ENOMEM) exits saying so: each
 * task gets one result, and those that fail say ENOMEM (not a lost
 * pipe, not a kill).
 */
/* Under AddressSanitizer an allocation it cannot make aborts unless told
 * to return NULL, as the C library does: this test needs the NULL. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

START_TEST(test_pool_worker_without_memory_says_enomem)
{
	struct exec_job job;
	unsigned i, nomem = 0;

	memset(&seen, 0, sizeof(seen));
	_i_cfg = _i;
	job_init(&job, configs[_i].mode, configs[_i].jobs, NTASKS,
	    configs[_i].per);
	w.bufsz = (size_t)1 << 62;	/* posix_memalign() refuses it */
	sig_init();
	ck_assert_int_eq(exec_run(&job), 0);
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		if (seen.fault[i].op == FAULT_NONE)
			continue;
		ck_assert_int_eq(seen.fault[i].op, FAULT_WORKER);
		ck_assert_int_eq(seen.fault[i].err, ENOMEM);
		nomem++;
	}
	ck_assert_uint_eq(nomem, NTASKS);	/* no worker ran any */
}
END_TEST

/*
 * A mode no executor is registered for (mpi outside parcp-mpi; a value
 * past the table): nothing runs, and every task still gets exactly one
 * result, FAULT_WORKER with ENOSYS.
 */
START_TEST(test_pool_unregistered_mode_fails_every_task)
{
	static const enum exec_mode modes[] = { EXEC_MPI, EXEC_NMODES };
	unsigned i;

	ck_assert_int_eq(run_batched(modes[_i], 2, NTASKS, NULL, 7), 0);
	ck_assert_uint_eq(seen.calls, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		ck_assert_uint_eq(seen.count[i], 1);
		ck_assert_int_eq(seen.fault[i].op, FAULT_WORKER);
		ck_assert_int_eq(seen.fault[i].err, ENOSYS);
	}
}
END_TEST

/* The shared anonymous mappings this process has ("/dev/zero"). */
static int
shared_maps(void)
{
	char line[512];
	FILE *fp;
	int n = 0;

	ck_assert_ptr_nonnull(fp = fopen("/proc/self/maps", "r"));
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strstr(line, "/dev/zero") != NULL)
			n++;
	(void)fclose(fp);
	return n;
}

/* The workers' shared slots are unmapped when the run is over. */
START_TEST(test_pool_leaves_no_mapping_behind)
{
	int before = shared_maps();

	_i_cfg = _i;
	ck_assert_int_eq(run(configs[_i].mode, configs[_i].jobs, 10, NULL),
	    0);
	ck_assert_int_eq(shared_maps(), before);
}
END_TEST

static Suite *
pool_suite(void)
{
	Suite *s = suite_create("pool");
	size_t n = sizeof(configs) / sizeof(configs[0]);
	TCase *tc;

	tc = tcase_create("run");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_pool_runs_every_task_once, 0, n);
	tcase_add_loop_test(tc, test_pool_no_tasks_forks_nothing, 0, n);
	tcase_add_loop_test(tc, test_pool_ticks_while_workers_run, 0, n);
	tcase_add_loop_test(tc, test_pool_more_workers_than_tasks, 0, n);
	tcase_add_loop_test(tc, test_pool_task_fault_reaches_parent, 0, n);
	tcase_add_test(tc, test_pool_results_beyond_the_pipe_capacity);
	tcase_add_loop_test(tc, test_pool_leaves_no_mapping_behind, 0, n);
	tcase_add_loop_test(tc, test_pool_start_poll_finish, 0, n);
	tcase_add_loop_test(tc, test_pool_lane_bytes_add_up_across_runs, 0,
	    n);
	tcase_add_loop_test(tc, test_pool_ready_later_tasks_run_without_tasks,
	    0, n);
	tcase_add_loop_test(tc, test_pool_cannot_start_workers_fails_every_task,
	    0, n);
	tcase_add_loop_test(tc, test_pool_unregistered_mode_fails_every_task,
	    0, 2);
	tcase_add_loop_test(tc, test_pool_worker_without_memory_says_enomem,
	    0, n);
	suite_add_tcase(s, tc);
	tc = tcase_create("failures");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_pool_killed_worker_fails_its_task_only,
	    0, n);
	tcase_add_test(tc,
	    test_pool_single_worker_killed_twice_fails_that_task_only);
	tcase_add_loop_test(tc, test_pool_killed_worker_is_replaced_and_task_rerun,
	    0, n);
	tcase_add_loop_test(tc, test_pool_interrupt_stops_and_accounts_for_all,
	    0, n);
	tcase_add_loop_test(tc, test_pool_poll_sees_a_stop, 0, n);
	tcase_add_loop_test(tc, test_pool_killed_batch_is_handed_on, 0, 6);
	tcase_add_loop_test(tc, test_pool_later_tasks_run_once_made_ready, 0,
	    n);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(pool_suite());
}
