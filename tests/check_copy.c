/* copy: the driver's decisions, through copy_run on walked file lists. */
#include "config.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "copy.h"
#include "walk.h"
#include "testutil.h"

static struct opts o;
static struct flist fl;
static struct copy_stats st;

static void
setup(void)
{
	testutil_setup();
	ck_assert_int_eq(chdir(testutil_path(".")), 0);
	memset(&fl, 0, sizeof(fl));
	memset(&st, 0, sizeof(st));
	ck_assert_int_eq(mkdir("src", 0755), 0);
	ck_assert_int_eq(mkdir("src/d", 0750), 0);
	testutil_make_file("src/d/f", 3 << 20, 1);
	testutil_make_file("src/g", 20, 2);
	ck_assert_int_eq(link("src/g", "src/h"), 0);
	ck_assert_int_eq(mkdir("outside", 0700), 0);
}

static void
teardown(void)
{
	copy_stats_free(&st);
	flist_free(&fl);
	testutil_teardown();
}

/* Walk and copy "parcp ARG... NULL"; copy_run's status. */
static int
copy(const char *first, ...)
{
	char *argv[16] = { (char *)"parcp", (char *)"-j2",
	    (char *)"--chunk-size=1M" };
	int argc = 3;
	const char *a;
	va_list ap;

	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	ck_assert_int_eq(opts_parse(&o, argc, argv), OPTS_OK);
	ck_assert_int_eq(walk_args(&o, &fl, NULL), 0);
	return copy_run(&o, &fl, &st);
}

static bool
empty(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n == 0;
}

START_TEST(test_copy_tree_counts_and_bytes)
{
	struct stat a, b;

	ck_assert_int_eq(copy("-a", "src", "dst", NULL), 0);
	ck_assert(testutil_same("src/d/f", "dst/d/f"));
	ck_assert(testutil_same("src/g", "dst/g"));
	ck_assert_uint_eq(st.files, 3);
	ck_assert_uint_eq(st.dirs, 2);
	ck_assert_uint_eq(st.bytes, (3 << 20) + 20 + 20);
	ck_assert_uint_eq(st.failed, 0);
	/* -a: the hard link kept, the directory's mode too */
	ck_assert_int_eq(stat("dst/g", &a), 0);
	ck_assert_int_eq(stat("dst/h", &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	ck_assert_int_eq(stat("dst/d", &a), 0);
	ck_assert_int_eq(a.st_mode & 07777, 0750);
}
END_TEST

START_TEST(test_copy_symlink_where_a_directory_goes_is_refused)
{
	ck_assert_int_eq(mkdir("dst", 0755), 0);
	ck_assert_int_eq(symlink("../outside", "dst/d"), 0);
	ck_assert_int_eq(copy("-r", "src/.", "dst", NULL), 1);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert(empty("outside"));
	ck_assert(testutil_same("src/g", "dst/g"));	/* the rest copied */
}
END_TEST

START_TEST(test_copy_device_destination_is_written_into)
{
	struct stat sb;

	if (geteuid() != 0)
		return;			/* mknod needs root */
	ck_assert_int_eq(mknod("null", S_IFCHR | 0666, makedev(1, 3)), 0);
	ck_assert_int_eq(copy("src/g", "null", NULL), 0);
	ck_assert_int_eq(lstat("null", &sb), 0);
	ck_assert(S_ISCHR(sb.st_mode));
}
END_TEST

START_TEST(test_copy_noclobber_keeps_and_counts)
{
	struct stat sb;

	ck_assert_int_eq(mkdir("dst", 0755), 0);
	testutil_make_file("dst/g", 5, 9);
	ck_assert_int_eq(copy("-rn", "src/.", "dst", NULL), 0);
	ck_assert_int_eq(stat("dst/g", &sb), 0);
	ck_assert_int_eq(sb.st_size, 5);
	ck_assert_uint_eq(st.skipped, 1);
	ck_assert(testutil_same("src/d/f", "dst/d/f"));
}
END_TEST

START_TEST(test_copy_existing_file_keeps_its_mode_without_p)
{
	struct stat sb;

	testutil_make_file("e", 5, 9);
	ck_assert_int_eq(chmod("e", 0604), 0);
	ck_assert_int_eq(copy("src/g", "e", NULL), 0);
	ck_assert(testutil_same("src/g", "e"));
	ck_assert_int_eq(stat("e", &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0604);	/* cp's result */
}
END_TEST

START_TEST(test_copy_sweeps_dead_runs_leftovers_only)
{
	char dead[64];
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(mkdir("dst", 0755), 0);
	(void)snprintf(dead, sizeof(dead), "dst/.parcp.x.%016x.%ld.3", 7,
	    (long)pid);
	testutil_make_file(dead, 5, 1);
	testutil_make_file("dst/.parcp.mine", 5, 1);
	ck_assert_int_eq(copy("-r", "src/.", "dst", NULL), 0);
	ck_assert_int_eq(access(dead, F_OK), -1);
	ck_assert_int_eq(access("dst/.parcp.mine", F_OK), 0);
}
END_TEST

START_TEST(test_copy_dry_run_writes_nothing_and_counts)
{
	ck_assert_int_eq(copy("-r", "--dry-run", "src", "dst", NULL), 0);
	ck_assert_int_eq(access("dst", F_OK), -1);
	ck_assert_uint_eq(st.files, 3);
	ck_assert_uint_eq(st.dirs, 2);
	ck_assert_uint_eq(st.bytes, (3 << 20) + 40);
	ck_assert_uint_eq(st.ranges, 0);
}
END_TEST

static Suite *
copy_suite(void)
{
	Suite *s = suite_create("copy");
	TCase *tc = tcase_create("copy");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_copy_tree_counts_and_bytes);
	tcase_add_test(tc, test_copy_symlink_where_a_directory_goes_is_refused);
	tcase_add_test(tc, test_copy_device_destination_is_written_into);
	tcase_add_test(tc, test_copy_noclobber_keeps_and_counts);
	tcase_add_test(tc, test_copy_existing_file_keeps_its_mode_without_p);
	tcase_add_test(tc, test_copy_sweeps_dead_runs_leftovers_only);
	tcase_add_test(tc, test_copy_dry_run_writes_nothing_and_counts);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(copy_suite());
}
