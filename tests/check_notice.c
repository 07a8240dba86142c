/*
 * notice: what a stopped run says it keeps, counted from the parts it
 * holds or finished as interrupted, and the command that finishes it.
 */
#include "config.h"

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
#include "notice.h"
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
static char *argv[8];

/* parse parcp ARGS... src dst, walk, and set up c as copy_run does */
static void
start(const char *first, ...)
{
	int argc = 0;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)"parcp";
	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc++] = src;
	argv[argc++] = dst;
	argv[argc] = NULL;
	ck_assert_int_eq(opts_parse(&o, argc, argv), OPTS_OK);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(walk_args(&o, &fl, NULL), 0);
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
	part_release(&c);
	free(c.held);
	plan_free(&c.plan);
	tree_free(&c.tree);
	flist_free(&fl);
	testutil_teardown();
}

/* Planned, two ranges copied and journaled by the parent. */
static void
two_ranges(void)
{
	struct fault f = { FAULT_NONE, 0 };
	int i;

	start("--chunk-size=1M", NULL);
	ck_assert_int_eq(part_plan(&c, 0, MiB, &f), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(part_range(&c, &c.plan.ranges[i], &eb, &f),
		    ENGINE_PREAD);
		ck_assert_int_eq(part_record(&c, &c.plan.ranges[i], &f), 0);
	}
}

/* The stop came before the file's finish: its part is still held. */
START_TEST(test_notice_held_part_is_kept)
{
	two_ranges();
	notice_kept(&c);
	ck_assert_uint_eq(st.kept_files, 1);
	ck_assert_uint_eq(st.kept_bytes, 2 * MiB);
}
END_TEST

/* Finished as interrupted (let go, failed with FAULT_INTR): kept too. */
START_TEST(test_notice_interrupted_part_is_kept)
{
	two_ranges();
	part_release(&c);
	fl.v[0].state = NS_FAILED;
	fault_setc(&fl.v[0].fault, FAULT_INTR, 0);
	notice_kept(&c);
	ck_assert_uint_eq(st.kept_files, 1);
	ck_assert_uint_eq(st.kept_bytes, 2 * MiB);
}
END_TEST

/* Failed otherwise: its part is not kept, whatever is still there. */
START_TEST(test_notice_failed_part_is_not_kept)
{
	two_ranges();
	part_release(&c);
	fl.v[0].state = NS_FAILED;
	fault_setc(&fl.v[0].fault, FAULT_READ, EIO);
	notice_kept(&c);
	ck_assert_uint_eq(st.kept_files, 0);
	ck_assert_uint_eq(st.kept_bytes, 0);
}
END_TEST

/* What notice_stopped says on stderr, into said (a file of the test's). */
static void
stopped(char *said, size_t len)
{
	int cap, err;
	ssize_t n;

	ck_assert_int_ge(cap = open(testutil_path("stderr"), O_RDWR |
	    O_CREAT | O_TRUNC, 0600), 0);
	ck_assert_int_ge(err = dup(2), 0);
	ck_assert_int_eq(dup2(cap, 2), 2);
	notice_stopped(&o, &fl, &st, argv);
	ck_assert_int_eq(dup2(err, 2), 2);
	(void)close(err);
	ck_assert_int_ge(n = pread(cap, said, len - 1, 0), 0);
	said[n] = '\0';
	(void)close(cap);
}

/*
 * The finishing command of a file copied to a new name: its own words,
 * with --resume, and no -T (DEST is no directory a rerun would copy
 * into).  Only the list's nodes are looked at: a directory operand left
 * in the slack past fl.n (as a list that grew has) must not count.
 */
START_TEST(test_notice_stopped_says_the_command)
{
	char said[PATH_MAX * 3], want[PATH_MAX * 3];

	two_ranges();
	notice_kept(&c);
	ck_assert_uint_gt(fl.cap, fl.n);
	fl.v[fl.n] = fl.v[0];
	fl.v[fl.n].type = FT_DIR;
	stopped(said, sizeof(said));
	(void)snprintf(want, sizeof(want), "%s: interrupted: kept 2097152 "
	    "bytes (2.00 MiB) of partial work in 1 file for --resume; to "
	    "finish: parcp --resume --chunk-size=1M %s %s\n",
	    program_invocation_short_name, src, dst);
	ck_assert_str_eq(said, want);
}
END_TEST

static Suite *
notice_suite(void)
{
	Suite *s = suite_create("notice");
	TCase *tc = tcase_create("kept");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_notice_held_part_is_kept);
	tcase_add_test(tc, test_notice_interrupted_part_is_kept);
	tcase_add_test(tc, test_notice_failed_part_is_not_kept);
	tcase_add_test(tc, test_notice_stopped_says_the_command);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(notice_suite());
}
