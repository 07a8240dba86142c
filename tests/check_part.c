/* part: a split file's part, journal, ranges and finish, without a pool. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "copyx.h"
#include "dest.h"
#include "walk.h"
#include "testutil.h"

#define MiB	(1 << 20)

static char buf[65536];
static struct engine_buf eb = { .buf = buf, .size = sizeof(buf),
    .kind = ENGINE_PREAD };
static struct opts o;
static struct flist fl;
static struct copy_stats st;
static struct copy c;
static char src[PATH_MAX], dst[PATH_MAX];

/* parse ARGV... (then "src" "dst"), walk, and set up c as copy_run does */
static void
start(const char *first, ...)
{
	char *argv[8] = { (char *)"parcp" };
	int argc = 1;
	va_list ap;
	const char *a;

	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc++] = src;
	argv[argc++] = dst;
	ck_assert_int_eq(opts_parse(&o, argc, argv), OPTS_OK);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(walk_args(&o, &fl, NULL), 0);
	ck_assert_uint_eq(fl.n, 1);
	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	c.o = &o;
	c.fl = &fl;
	c.st = &st;
	c.out = stderr;
	c.wc.fl = &fl;
	c.wc.o = &o;
	c.wc.tree = &c.tree;
	c.wc.owner = getpid();
	dest_token(c.wc.token);
	tree_init(&c.tree, &fl, false, false);
}

static void
stop(void)
{
	part_release(&c);
	free(c.held);
	plan_free(&c.plan);
	tree_free(&c.tree);
	flist_free(&fl);
}

static void
setup(void)
{
	testutil_setup();
	(void)snprintf(src, sizeof(src), "%s", testutil_path("src"));
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("dst"));
	testutil_make_file(src, 5 * MiB + 123, 7);
}

static void
teardown(void)
{
	stop();
	testutil_teardown();
}

/* The part's and journal's names beside dst. */
static void
names(char *part, char *jnl)
{
	ck_assert_int_eq(dest_partname(dst, "part", part, PATH_MAX), 0);
	ck_assert_int_eq(dest_partname(dst, "jnl", jnl, PATH_MAX), 0);
}

/* Run every planned range; the last one's fault, or FAULT_NONE. */
static int
run_ranges(void)
{
	struct fault f = { FAULT_NONE, 0 };
	size_t i;

	for (i = 0; i < c.plan.nranges; i++) {
		if (part_range(&c, &c.plan.ranges[i], &eb, &f) == -1 ||
		    part_record(&c, &c.plan.ranges[i], &f) == -1)
			return f.op;
		c.fl->v[c.plan.ranges[i].file].pending--;
	}
	return FAULT_NONE;
}

START_TEST(test_part_plan_makes_a_held_sized_part_and_journal)
{
	char part[PATH_MAX], jnl[PATH_MAX];
	struct fault f;
	struct stat sb;
	int fd;

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_uint_eq(c.plan.nranges, 6);
	ck_assert_uint_eq(fl.v[0].pending, 6);
	names(part, jnl);
	ck_assert_int_eq(stat(part, &sb), 0);
	ck_assert_int_eq(sb.st_size, 5 * MiB + 123);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ck_assert_int_eq(access(jnl, F_OK), 0);
	ck_assert_int_eq(access(dst, F_OK), -1);
	/* the run owns it: another cannot lock it */
	ck_assert_int_ge(fd = open(part, O_RDONLY), 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	(void)close(fd);
}
END_TEST

START_TEST(test_part_ranges_then_finish_put_the_copy_in_place)
{
	char part[PATH_MAX], jnl[PATH_MAX];
	struct fault f;

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_int_eq(run_ranges(), FAULT_NONE);
	ck_assert_int_eq(part_finish(&c, 0, &f), 0);
	ck_assert(testutil_same(src, dst));
	names(part, jnl);
	ck_assert_int_eq(access(part, F_OK), -1);
	ck_assert_int_eq(access(jnl, F_OK), -1);
}
END_TEST

START_TEST(test_part_source_changed_at_finish_fails_and_cleans_up)
{
	char part[PATH_MAX], jnl[PATH_MAX];
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000, 0 } };
	struct fault f;
	struct stat sb;

	testutil_make_file(dst, 10, 1);
	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_int_eq(run_ranges(), FAULT_NONE);
	ck_assert_int_eq(utimensat(AT_FDCWD, src, ts, 0), 0);
	ck_assert_int_eq(part_finish(&c, 0, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CHANGED);
	names(part, jnl);
	ck_assert_int_eq(access(part, F_OK), -1);
	ck_assert_int_eq(access(jnl, F_OK), -1);
	ck_assert_int_eq(stat(dst, &sb), 0);		/* the old one */
	ck_assert_int_eq(sb.st_size, 10);
}
END_TEST

START_TEST(test_part_source_replaced_before_a_range_fails_it)
{
	char other[PATH_MAX];
	struct fault f;

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	(void)snprintf(other, sizeof(other), "%s", testutil_path("other"));
	testutil_make_file(other, 5 * MiB + 123, 8);
	ck_assert_int_eq(rename(other, src), 0);
	ck_assert_int_eq(run_ranges(), FAULT_CHANGED);
}
END_TEST

START_TEST(test_part_not_ours_is_never_written)
{
	char part[PATH_MAX], jnl[PATH_MAX], other[PATH_MAX];
	struct fault f;
	struct stat sb;

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	names(part, jnl);
	(void)snprintf(other, sizeof(other), "%s", testutil_path("other"));
	testutil_make_file(other, 3, 8);
	ck_assert_int_eq(rename(other, part), 0);	/* swapped */
	ck_assert_int_eq(part_range(&c, &c.plan.ranges[0], &eb, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_DST);
	ck_assert_int_eq(f.err, ESTALE);
	ck_assert_int_eq(stat(part, &sb), 0);
	ck_assert_int_eq(sb.st_size, 3);
}
END_TEST

START_TEST(test_part_interrupted_keeps_part_and_journal_for_resume)
{
	char part[PATH_MAX], jnl[PATH_MAX];
	struct fault f;
	uint32_t done;

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	/* two ranges done and journaled by the parent, a third done but
	 * not reported: the run stops */
	ck_assert_int_eq(part_range(&c, &c.plan.ranges[0], &eb, &f),
	    ENGINE_PREAD);
	ck_assert_int_eq(part_record(&c, &c.plan.ranges[0], &f), 0);
	ck_assert_int_eq(part_range(&c, &c.plan.ranges[1], &eb, &f),
	    ENGINE_PREAD);
	ck_assert_int_eq(part_record(&c, &c.plan.ranges[1], &f), 0);
	ck_assert_int_eq(part_range(&c, &c.plan.ranges[2], &eb, &f),
	    ENGINE_PREAD);
	done = (uint32_t)(c.plan.ranges[0].len + c.plan.ranges[1].len);
	fault_setc(&fl.v[0].fault, FAULT_INTR, 0);
	ck_assert_int_eq(part_finish(&c, 0, &f), -1);
	ck_assert_int_eq(f.op, FAULT_INTR);
	names(part, jnl);
	ck_assert_int_eq(access(part, F_OK), 0);
	ck_assert_int_eq(access(jnl, F_OK), 0);
	stop();
	/* --resume plans only the rest, and the copy comes out whole */
	start("--chunk-size=1M", "--resume", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_uint_eq(c.plan.nranges, 4);
	ck_assert_uint_eq(st.resumed, done);
	ck_assert_int_eq(run_ranges(), FAULT_NONE);
	ck_assert_int_eq(part_finish(&c, 0, &f), 0);
	ck_assert(testutil_same(src, dst));
}
END_TEST

START_TEST(test_part_held_by_another_run_is_refused)
{
	struct copy first;
	struct fault f;

	start("--chunk-size=1M", "--resume", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	first = c;			/* holds the part */
	c.held = NULL;
	c.plan.ranges = NULL;
	c.plan.nranges = c.plan.cap = 0;
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OWNED);
	part_release(&first);
	free(first.held);
	plan_free(&first.plan);
}
END_TEST

START_TEST(test_part_noclobber_keeps_the_existing_file)
{
	struct fault f;
	struct stat sb;

	testutil_make_file(dst, 10, 1);
	start("--chunk-size=1M", "-n", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_int_eq(run_ranges(), FAULT_NONE);
	ck_assert_int_eq(part_finish(&c, 0, &f), 1);
	ck_assert_int_eq(stat(dst, &sb), 0);
	ck_assert_int_eq(sb.st_size, 10);
}
END_TEST

/* The destination's directory went after the walk: the plan fails on
 * it (it cannot be made, as cp says), and nothing is opened elsewhere. */
START_TEST(test_part_destination_directory_gone_fails_the_plan)
{
	char dir[PATH_MAX];
	struct fault f = { FAULT_NONE, 0 };

	(void)snprintf(dir, sizeof(dir), "%s", testutil_path("gone"));
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("gone/dst"));
	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CREATE);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_uint_eq(c.plan.nranges, 0);
}
END_TEST

/* The source went after the walk: it cannot be opened (not "changed"). */
START_TEST(test_part_source_gone_fails_the_plan_on_opening_it)
{
	char part[PATH_MAX], jnl[PATH_MAX];
	struct fault f = { FAULT_NONE, 0 };

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(unlink(src), 0);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_SRC);
	ck_assert_int_eq(f.err, ENOENT);
	names(part, jnl);
	ck_assert_int_eq(access(part, F_OK), -1);
	ck_assert_int_eq(access(jnl, F_OK), -1);
}
END_TEST

/* The finish run again after its rename (a worker died just past it):
 * the part is gone and the final name is ours, so it is done. */
START_TEST(test_part_finish_run_again_after_its_rename_is_done)
{
	unsigned char out[WORK_OUT];
	struct fault f = { FAULT_NONE, 0 };

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_int_eq(run_ranges(), FAULT_NONE);
	ck_assert_int_eq(part_finish_task(&c, 0, &eb, &f, out), 0);
	ck_assert_int_eq(part_finish_task(&c, 0, &eb, &f, out), 0);
	ck_assert_int_eq(f.op, FAULT_NONE);
	ck_assert(testutil_same(src, dst));
}
END_TEST

/* A part removed by someone else before the finish, with no copy in
 * place: a failure to open it, never taken for done. */
START_TEST(test_part_removed_before_finish_fails_it)
{
	char part[PATH_MAX], jnl[PATH_MAX];
	unsigned char out[WORK_OUT];
	struct fault f = { FAULT_NONE, 0 };

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	ck_assert_int_eq(run_ranges(), FAULT_NONE);
	names(part, jnl);
	ck_assert_int_eq(unlink(part), 0);
	ck_assert_int_eq(part_finish_task(&c, 0, &eb, &f, out), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_DST);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_int_eq(access(dst, F_OK), -1);
}
END_TEST

static Suite *
part_suite(void)
{
	Suite *s = suite_create("part");
	TCase *tc = tcase_create("part");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_part_plan_makes_a_held_sized_part_and_journal);
	tcase_add_test(tc, test_part_ranges_then_finish_put_the_copy_in_place);
	tcase_add_test(tc, test_part_source_changed_at_finish_fails_and_cleans_up);
	tcase_add_test(tc, test_part_source_replaced_before_a_range_fails_it);
	tcase_add_test(tc, test_part_not_ours_is_never_written);
	tcase_add_test(tc,
	    test_part_interrupted_keeps_part_and_journal_for_resume);
	tcase_add_test(tc, test_part_held_by_another_run_is_refused);
	tcase_add_test(tc, test_part_noclobber_keeps_the_existing_file);
	tcase_add_test(tc,
	    test_part_destination_directory_gone_fails_the_plan);
	tcase_add_test(tc, test_part_source_gone_fails_the_plan_on_opening_it);
	tcase_add_test(tc, test_part_finish_run_again_after_its_rename_is_done);
	tcase_add_test(tc, test_part_removed_before_finish_fails_it);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(part_suite());
}
