/* work: the drivers' common task side, as the executors call it. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <string.h>

#include <check.h>

#include "exec.h"
#include "opts.h"
#include "plan.h"
#include "testutil.h"
#include "work.h"

static int task_rv;
static int task_op;

static int
task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	(void)arg, (void)i, (void)eb, (void)out;
	if (task_op != FAULT_NONE)
		fault_setc(f, task_op, EACCES);
	return task_rv;
}

/* One task through work_tasks' start, run and stop, as a worker runs it. */
static struct result
run_one(int rv, int op)
{
	struct opts o;
	struct work w;
	struct result res;
	uint64_t progress = 0;
	void *state;

	memset(&o, 0, sizeof(o));
	o.jobs = 1;
	o.bufsz = 4096;
	work_init(&w, &o, NULL);
	w.task = task;
	task_rv = rv;
	task_op = op;
	ck_assert_ptr_nonnull(state = work_tasks.start(&w, &progress));
	memset(&res, 0, sizeof(res));
	work_tasks.run(&w, state, 0, &res);
	work_tasks.stop(&w, state);
	return res;
}

/* A task that fails without saying why fails all the same: the drivers
 * judge results by their fault, and would take it for done. */
START_TEST(test_work_a_silent_failure_is_a_fault)
{
	struct result res;

	res = run_one(-1, FAULT_NONE);
	ck_assert_int_eq(res.rv, -1);
	ck_assert_int_eq(res.fault.op, FAULT_WORKER);
	ck_assert_int_eq(res.fault.err, EIO);
	res = run_one(-1, FAULT_CREATE);	/* its own fault is kept */
	ck_assert_int_eq(res.fault.op, FAULT_CREATE);
	ck_assert_int_eq(res.fault.err, EACCES);
	res = run_one(3, FAULT_NONE);		/* done: no fault */
	ck_assert_int_eq(res.rv, 3);
	ck_assert_int_eq(res.fault.op, FAULT_NONE);
}
END_TEST

/* Ranges of one file written at once by several workers (the engines
 * then keep to pread where copy_file_range's locking would serialize
 * them): any -j above one but --split=never's single writer. */
START_TEST(test_work_shared_unless_one_writer)
{
	static const struct { unsigned jobs, writers; bool shared; } c[] = {
		{ 1, 0, false }, { 2, 0, true }, { 2, 1, false },
		{ 2, 2, true }, { 8, 2, true },
	};
	struct opts o;
	struct work w;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.jobs = c[i].jobs;
		o.writers = c[i].writers;
		work_init(&w, &o, NULL);
		ck_assert_msg(w.how.shared == c[i].shared, "-j %u writers %u",
		    c[i].jobs, c[i].writers);
	}
}
END_TEST

/* A bounded number of writers a file (a disk): each split file's ranges
 * together, in offset order; any number (memory): largest first. */
START_TEST(test_work_order_by_writers)
{
	struct plan p;
	struct opts o;
	unsigned writers;

	for (writers = 0; writers < 3; writers++) {
		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(plan_add_whole(&p, 2, 7), 0);
		ck_assert_int_eq(plan_add(&p, 4, 0, 2024, 1024), 0);
		ck_assert_int_eq(plan_add_whole(&p, 3, 900), 0);
		ck_assert_int_eq(plan_add(&p, 1, 0, 2058, 1024), 0);
		memset(&o, 0, sizeof(o));
		o.writers = writers;
		work_order(&p, &o, 800);	/* small: under 100 bytes */
		ck_assert_uint_eq(p.ranges[0].file, 1);
		ck_assert_int_eq(p.ranges[0].off, 0);
		ck_assert_uint_eq(p.ranges[1].file, 1);
		ck_assert_int_eq(p.ranges[1].off, 1024);
		/* file 1's 10-byte tail, or file 4's first 1024 bytes */
		ck_assert_uint_eq(p.ranges[2].file, writers > 0 ? 1 : 4);
		ck_assert_int_eq(p.ranges[2].off, writers > 0 ? 2048 : 0);
		plan_free(&p);
	}
}
END_TEST

/* stop() lets go of everything start() took: an MPI rank runs one job
 * after another in one process, so a buffer left behind per job adds up.
 * (Under a sanitizer malloc is not glibc's and the figures do not move.) */
START_TEST(test_work_stop_frees_the_state)
{
	struct mallinfo2 before, after;
	uint64_t progress = 0;
	struct opts o;
	struct work w;
	void *state;
	int round;

	memset(&o, 0, sizeof(o));
	o.jobs = 1;
	o.bufsz = 64 * 1024;
	work_init(&w, &o, NULL);
	w.task = task;
	before = mallinfo2();
	for (round = 0; round < 4; round++) {
		ck_assert_ptr_nonnull(state = work_tasks.start(&w, &progress));
		work_tasks.stop(&w, state);
	}
	after = mallinfo2();
	/* Small chunks the allocator caches count as in use: allow them,
	 * not one buffer more. */
	ck_assert_uint_lt(after.uordblks + after.hblkhd,
	    before.uordblks + before.hblkhd + o.bufsz);
}
END_TEST

static Suite *
work_suite(void)
{
	Suite *s = suite_create("work");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_work_a_silent_failure_is_a_fault);
	tcase_add_test(tc, test_work_shared_unless_one_writer);
	tcase_add_test(tc, test_work_order_by_writers);
	tcase_add_test(tc, test_work_stop_frees_the_state);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(work_suite());
}
