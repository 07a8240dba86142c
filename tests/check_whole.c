/* whole: one worker copies an entry from start to finish. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "work.h"
#include "dest.h"
#include "whole.h"
#include "testutil.h"

static char buf[65536];
static unsigned char out[WORK_OUT];
static struct engine_buf eb = { buf, sizeof(buf), NULL, false, ENGINE_AUTO,
    false, false, false, false, false, false, false, NULL, 0, false, NULL };
static struct flist fl;
static struct opts o;
static struct whole_ctx wc;
static struct tree tree;

static uint32_t
operand(const char *name)
{
	struct stat st;
	char dst[PATH_MAX];
	uint32_t n;

	ck_assert_int_eq(lstat(testutil_path(name), &st), 0);
	n = flist_add(&fl, NODE_NONE, testutil_path(name), &st);
	snprintf(dst, sizeof(dst), "%s.copy", testutil_path(name));
	flist_set_dst(&fl, n, dst);
	return n;
}

static void
setup(void)
{
	testutil_setup();
	memset(&fl, 0, sizeof(fl));
	memset(&o, 0, sizeof(o));
	wc.fl = &fl;
	wc.o = &o;
	wc.umask = 022;
	wc.owner = getpid();
	dest_token(wc.token);
	tree_init(&tree, &fl, false, false);
	wc.tree = &tree;
}

static void
teardown(void)
{
	tree_free(&tree);
	flist_free(&fl);
	testutil_teardown();
}

/* No temp file may be left beside the copies. */
static void
assert_no_temps(void)
{
	struct dirent *de;
	DIR *d;

	ck_assert_ptr_nonnull(d = opendir(testutil_path("")));
	while ((de = readdir(d)) != NULL)
		ck_assert_msg(strncmp(de->d_name, ".parcp.", 7) != 0,
		    "temp file left: %s", de->d_name);
	closedir(d);
}

START_TEST(test_whole_regular_file)
{
	struct fault f = { FAULT_NONE, 0 };
	char src[PATH_MAX];
	uint32_t n;

	testutil_make_file(testutil_path("f"), 300000, 3);
	n = operand("f");
	ck_assert_int_ge(whole_copy(&wc, n, &eb, &f, out), ENGINE_PREAD);
	snprintf(src, sizeof(src), "%s", testutil_path("f"));
	ck_assert(testutil_same(src, testutil_path("f.copy")));
	assert_no_temps();
}
END_TEST

START_TEST(test_whole_symlink_and_fifo)
{
	struct fault f = { FAULT_NONE, 0 };
	char target[64];
	struct stat st;
	ssize_t len;

	ck_assert_int_eq(symlink("some/where", testutil_path("l")), 0);
	ck_assert_int_eq(mkfifo(testutil_path("p"), 0640), 0);
	ck_assert_int_eq(whole_copy(&wc, operand("l"), &eb, &f, out), 0);
	ck_assert_int_eq(whole_copy(&wc, operand("p"), &eb, &f, out), 0);
	len = readlink(testutil_path("l.copy"), target, sizeof(target));
	ck_assert_int_eq(len, 10);
	ck_assert(memcmp(target, "some/where", 10) == 0);
	ck_assert_int_eq(lstat(testutil_path("p.copy"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0640 & ~022);
	assert_no_temps();
}
END_TEST

/* A retry after a worker died mid-entry finds that worker's temp (the
 * run's name for the entry) and makes the symlink or FIFO all the same. */
START_TEST(test_whole_special_over_a_dead_workers_temp)
{
	static const char *const names[] = { "l", "p" };
	struct fault f = { FAULT_NONE, 0 };
	char tmp[NAME_MAX + 1], leaf[16], target[64];
	struct stat st;
	uint32_t n;
	size_t i;

	ck_assert_int_eq(symlink("some/where", testutil_path("l")), 0);
	ck_assert_int_eq(mkfifo(testutil_path("p"), 0640), 0);
	for (i = 0; i < 2; i++) {
		n = operand(names[i]);
		snprintf(leaf, sizeof(leaf), "%s.copy", names[i]);
		ck_assert_int_eq(whole_tmpname(&wc, n, leaf, tmp), 0);
		testutil_make_file(testutil_path(tmp), 10, 5);
		ck_assert_int_eq(whole_copy(&wc, n, &eb, &f, out), 0);
	}
	ck_assert_int_eq(readlink(testutil_path("l.copy"), target,
	    sizeof(target)), 10);
	ck_assert_int_eq(lstat(testutil_path("p.copy"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	assert_no_temps();
}
END_TEST

START_TEST(test_whole_noclobber_keeps_existing)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;

	testutil_make_file(testutil_path("f"), 1000, 3);
	testutil_make_file(testutil_path("f.copy"), 7, 4);
	o.noclobber = true;
	ck_assert_int_eq(whole_copy(&wc, operand("f"), &eb, &f, out), WHOLE_KEPT);
	ck_assert_int_eq(stat(testutil_path("f.copy"), &st), 0);
	ck_assert_int_eq(st.st_size, 7);
	assert_no_temps();
}
END_TEST

START_TEST(test_whole_missing_source_leaves_nothing)
{
	struct fault f = { FAULT_NONE, 0 };
	uint32_t n;

	testutil_make_file(testutil_path("f"), 10, 3);
	n = operand("f");
	unlink(testutil_path("f"));
	ck_assert_int_eq(whole_copy(&wc, n, &eb, &f, out), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_SRC);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_int_eq(access(testutil_path("f.copy"), F_OK), -1);
	assert_no_temps();
}
END_TEST

START_TEST(test_whole_sparse_source_keeps_holes)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	char src[PATH_MAX];
	int fd;

	snprintf(src, sizeof(src), "%s", testutil_path("s"));
	ck_assert_int_ne(fd = open(src, O_WRONLY | O_CREAT, 0600), -1);
	ck_assert_int_eq(pwrite(fd, "x", 1, 100 << 20), 1);
	close(fd);
	ck_assert_int_ge(whole_copy(&wc, operand("s"), &eb, &f, out), ENGINE_PREAD);
	ck_assert_int_eq(stat(testutil_path("s.copy"), &st), 0);
	ck_assert_int_eq(st.st_size, (100 << 20) + 1);
	ck_assert_int_le(st.st_blocks, 64);
	ck_assert(testutil_same(src, testutil_path("s.copy")));
}
END_TEST

static Suite *
whole_suite(void)
{
	Suite *s = suite_create("whole");
	TCase *tc = tcase_create("copy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_whole_regular_file);
	tcase_add_test(tc, test_whole_symlink_and_fifo);
	tcase_add_test(tc, test_whole_special_over_a_dead_workers_temp);
	tcase_add_test(tc, test_whole_noclobber_keeps_existing);
	tcase_add_test(tc, test_whole_missing_source_leaves_nothing);
	tcase_add_test(tc, test_whole_sparse_source_keeps_holes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(whole_suite());
}
