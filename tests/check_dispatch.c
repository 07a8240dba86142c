/*
 * dispatch: grants cover every task once, in batch order; each result is
 * delivered once; a dead worker's grant becomes its running task retried
 * once and the rest handed on; every unreported task gets a result.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <check.h>

#include "dispatch.h"
#include "testutil.h"

#define N	20

static unsigned got[N];
static struct fault why[N];

static void
done(void *arg, const struct result *res, struct dispatch *d)
{
	(void)arg;
	(void)d;
	ck_assert_uint_lt(res->task, N);
	got[res->task]++;
	why[res->task] = res->fault;
}

static const struct exec_tasks ops = { NULL, NULL, NULL, done, NULL };
static const uint64_t batch[] = { 0, 5, 6, 20 };	/* 5, 1, 14 tasks */

static void
setup_job(struct exec_job *job, bool batched)
{
	memset(got, 0, sizeof(got));
	memset(why, 0, sizeof(why));
	memset(job, 0, sizeof(*job));
	job->ntasks = N;
	job->jobs = 2;
	job->ops = &ops;
	if (batched) {
		job->batch = batch;
		job->nbatches = 3;
	}
}

static void
deliver(struct dispatch *d, uint64_t task)
{
	struct result res;

	memset(&res, 0, sizeof(res));
	res.task = task;
	dispatch_deliver(d, &res);
}

START_TEST(test_dispatch_grants_batches_in_order_then_none)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	ck_assert(dispatch_next(&d, &g, 4));
	ck_assert_uint_eq(g.first, 0);
	ck_assert_uint_eq(g.end, 5);
	ck_assert(dispatch_next(&d, &g, 4));
	ck_assert_uint_eq(g.first, 5);
	ck_assert_uint_eq(g.end, 6);
	ck_assert(dispatch_next(&d, &g, 4));
	ck_assert_uint_eq(g.first, 6);
	ck_assert_uint_eq(g.end, 20);
	ck_assert(!dispatch_next(&d, &g, 4));
	ck_assert(!dispatch_batch(&job, 3, &g));
	dispatch_free(&d);
}
END_TEST

START_TEST(test_dispatch_without_batches_grants_a_task_each)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g;
	unsigned n = 0;

	setup_job(&job, false);
	dispatch_init(&d, &job);
	while (dispatch_next(&d, &g, 4)) {
		ck_assert_uint_eq(g.first, n);
		ck_assert_uint_eq(g.end, n + 1);
		n++;
	}
	ck_assert_uint_eq(n, N);
	dispatch_free(&d);
}
END_TEST

START_TEST(test_dispatch_stop_ends_grants)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	ck_assert(dispatch_next(&d, &g, 4));
	dispatch_stop(&d);
	ck_assert(!dispatch_next(&d, &g, 4));
	dispatch_free(&d);
}
END_TEST

START_TEST(test_dispatch_delivers_each_result_once)
{
	struct exec_job job;
	struct dispatch d;
	struct result res;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	deliver(&d, 3);
	deliver(&d, 3);
	ck_assert_uint_eq(got[3], 1);
	memset(&res, 0, sizeof(res));
	res.task = N;			/* out of range: ignored */
	dispatch_deliver(&d, &res);
	ck_assert(!dispatch_complete(&d));
	dispatch_free(&d);
}
END_TEST

START_TEST(test_dispatch_end_fails_only_the_unreported)
{
	struct exec_job job;
	struct dispatch d;
	struct fault f;
	unsigned i;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	deliver(&d, 0);
	deliver(&d, 19);
	fault_setc(&f, FAULT_INTR, 0);
	dispatch_end(&d, &f);
	ck_assert(dispatch_complete(&d));
	for (i = 0; i < N; i++) {
		ck_assert_uint_eq(got[i], 1);
		ck_assert_int_eq(why[i].op, i == 0 || i == 19 ? FAULT_NONE :
		    FAULT_INTR);
	}
	dispatch_free(&d);
}
END_TEST

/* Killed at task 8 of [6, 20): 8 retried once, then failed; the rest
 * handed on, untouched. */
START_TEST(test_dispatch_lost_retries_the_running_task_once)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g = { 6, 20, false };
	struct fault f;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	deliver(&d, 6);
	deliver(&d, 7);
	fault_setc(&f, FAULT_KILLED, 9);
	ck_assert(dispatch_lost(&d, &g, 1, &f, true));
	ck_assert_uint_eq(g.first, 8);
	ck_assert_uint_eq(g.end, 20);
	ck_assert_uint_eq(got[8], 0);
	/* The replacement dies on 8 too: 8 fails, 9.. go on. */
	ck_assert(dispatch_lost(&d, &g, 1, &f, true));
	ck_assert_uint_eq(got[8], 1);
	ck_assert_int_eq(why[8].op, FAULT_KILLED);
	ck_assert_int_eq(why[8].err, 9);
	ck_assert_uint_eq(g.first, 9);
	ck_assert_uint_eq(g.end, 20);
	ck_assert_uint_eq(got[9], 0);
	dispatch_free(&d);
}
END_TEST

START_TEST(test_dispatch_lost_without_replacement_fails_the_running_task)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g = { 0, 5, false };
	struct fault f;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	deliver(&d, 0);
	fault_setc(&f, FAULT_WORKER, ENOMEM);
	ck_assert(!dispatch_lost(&d, &g, 0, &f, false));
	ck_assert_uint_eq(got[1], 1);
	ck_assert_int_eq(why[1].op, FAULT_WORKER);
	ck_assert_uint_eq(got[2], 0);	/* never started: dispatch_end's */
	dispatch_free(&d);
}
END_TEST

START_TEST(test_dispatch_lost_with_all_delivered_is_nothing)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g = { 5, 6, false }, empty = { 0, 0, false };
	struct fault f;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	deliver(&d, 5);
	fault_setc(&f, FAULT_KILLED, 9);
	ck_assert(!dispatch_lost(&d, &g, 0, &f, true));
	ck_assert(!dispatch_lost(&d, &empty, 0, &f, true));
	ck_assert_uint_eq(d.retries, 0);
	dispatch_free(&d);
}
END_TEST

/* The last task of a grant: killed twice, nothing is left to hand on. */
START_TEST(test_dispatch_lost_last_task_twice_hands_on_nothing)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g = { 5, 6, false };
	struct fault f;

	setup_job(&job, true);
	dispatch_init(&d, &job);
	fault_setc(&f, FAULT_KILLED, 9);
	ck_assert(dispatch_lost(&d, &g, 0, &f, true));
	ck_assert(!dispatch_lost(&d, &g, 0, &f, true));
	ck_assert_uint_eq(got[5], 1);
	ck_assert_int_eq(why[5].op, FAULT_KILLED);
	dispatch_free(&d);
}
END_TEST

/* Replacements are bounded, whatever the tasks do. */
START_TEST(test_dispatch_lost_replacements_are_bounded)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g;
	struct fault f;
	unsigned n = 0;

	setup_job(&job, false);
	dispatch_init(&d, &job);
	fault_setc(&f, FAULT_KILLED, 9);
	g.ready = false;
	for (g.first = 0, g.end = N; dispatch_lost(&d, &g, 0, &f, true);)
		n++;
	ck_assert_uint_eq(d.retries, N + job.jobs);
	ck_assert_uint_eq(n, N + job.jobs);
	ck_assert(!dispatch_complete(&d));	/* the rest: the end's */
	dispatch_end(&d, &f);
	ck_assert(dispatch_complete(&d));
	dispatch_free(&d);
}
END_TEST

/* Later tasks: granted once made ready, before the batches left; only
 * the ones made ready count for completion and the end. */
START_TEST(test_dispatch_later_tasks_once_ready)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g;
	struct fault f;
	uint64_t t;

	setup_job(&job, true);
	job.ntasks = 15;		/* data 0..14 in batches ... */
	job.nlater = 5;			/* later 15..19 */
	job.nbatches = 2;		/* [0, 5), [5, 6): 6..14 unbatched */
	dispatch_init(&d, &job);
	ck_assert(!dispatch_ready(&d, 3));	/* a data task */
	ck_assert(!dispatch_ready(&d, 20));	/* none such */
	ck_assert(dispatch_next(&d, &g, 4));
	ck_assert_uint_eq(g.first, 0);
	ck_assert(dispatch_ready(&d, 17));
	ck_assert(!dispatch_ready(&d, 17));	/* once */
	ck_assert(dispatch_ready(&d, 19));
	ck_assert(dispatch_ready(&d, 18));
	ck_assert(dispatch_next(&d, &g, 2));	/* the ready ones first */
	ck_assert(g.ready);
	ck_assert_uint_eq(g.end - g.first, 2);	/* at most max */
	ck_assert_uint_eq(dispatch_task(&d, &g, g.first), 17);
	ck_assert_uint_eq(dispatch_task(&d, &g, g.first + 1), 19);
	ck_assert(dispatch_next(&d, &g, 2));
	ck_assert(g.ready);
	ck_assert_uint_eq(dispatch_task(&d, &g, g.first), 18);
	ck_assert_uint_eq(g.end - g.first, 1);
	ck_assert(dispatch_next(&d, &g, 4));
	ck_assert(!g.ready);
	ck_assert_uint_eq(g.first, 5);
	ck_assert(!dispatch_next(&d, &g, 4));
	for (t = 0; t < 15; t++)
		deliver(&d, t);
	deliver(&d, 16);		/* never made ready: ignored */
	deliver(&d, 18);
	ck_assert_uint_eq(got[16], 0);
	ck_assert(!dispatch_complete(&d));
	ck_assert(!dispatch_over(&d));
	fault_setc(&f, FAULT_INTR, 0);
	dispatch_end(&d, &f);
	ck_assert(dispatch_complete(&d));
	ck_assert(dispatch_over(&d));
	ck_assert_uint_eq(got[17], 1);
	ck_assert_int_eq(why[17].op, FAULT_INTR);
	ck_assert_int_eq(why[18].op, FAULT_NONE);
	ck_assert_uint_eq(got[15] + got[16], 0);
	dispatch_free(&d);
}
END_TEST

/* A dead worker's ready grant: positions map to their tasks. */
START_TEST(test_dispatch_lost_ready_grant)
{
	struct exec_job job;
	struct dispatch d;
	struct grant g;
	struct fault f;

	setup_job(&job, false);
	job.ntasks = 10;
	job.nlater = 10;
	dispatch_init(&d, &job);
	ck_assert(dispatch_ready(&d, 14));
	ck_assert(dispatch_ready(&d, 12));
	ck_assert(dispatch_ready(&d, 19));
	ck_assert(dispatch_next(&d, &g, 8));
	ck_assert(g.ready);
	deliver(&d, 14);
	fault_setc(&f, FAULT_KILLED, 9);
	ck_assert(dispatch_lost(&d, &g, 0, &f, true));
	ck_assert_uint_eq(dispatch_task(&d, &g, g.first), 12);	/* retried */
	ck_assert(dispatch_lost(&d, &g, 0, &f, true));
	ck_assert_uint_eq(got[12], 1);
	ck_assert_int_eq(why[12].op, FAULT_KILLED);
	ck_assert_uint_eq(dispatch_task(&d, &g, g.first), 19);	/* on */
	ck_assert_uint_eq(got[19], 0);
	dispatch_free(&d);
}
END_TEST

static Suite *
dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc;

	tc = tcase_create("grants");
	tcase_add_test(tc, test_dispatch_grants_batches_in_order_then_none);
	tcase_add_test(tc, test_dispatch_without_batches_grants_a_task_each);
	tcase_add_test(tc, test_dispatch_stop_ends_grants);
	tcase_add_test(tc, test_dispatch_later_tasks_once_ready);
	suite_add_tcase(s, tc);
	tc = tcase_create("results");
	tcase_add_test(tc, test_dispatch_delivers_each_result_once);
	tcase_add_test(tc, test_dispatch_end_fails_only_the_unreported);
	suite_add_tcase(s, tc);
	tc = tcase_create("lost");
	tcase_add_test(tc, test_dispatch_lost_retries_the_running_task_once);
	tcase_add_test(tc,
	    test_dispatch_lost_without_replacement_fails_the_running_task);
	tcase_add_test(tc, test_dispatch_lost_with_all_delivered_is_nothing);
	tcase_add_test(tc, test_dispatch_lost_last_task_twice_hands_on_nothing);
	tcase_add_test(tc, test_dispatch_lost_replacements_are_bounded);
	tcase_add_test(tc, test_dispatch_lost_ready_grant);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(dispatch_suite());
}
