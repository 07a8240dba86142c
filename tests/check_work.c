/* work: the drivers' common task side, as the executors call it. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "exec.h"
#include "opts.h"
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

static Suite *
work_suite(void)
{
	Suite *s = suite_create("work");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_work_a_silent_failure_is_a_fault);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(work_suite());
}
