/* beneath: paths resolved under a directory fd, never through a symlink;
 * every case runs with openat2 and with the O_NOFOLLOW walk. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "beneath.h"
#include "testutil.h"

static int root;

/* root/ holds d/ (with f), file, link -> d, out -> ../outside */
static void
setup(void)
{
	testutil_setup();
	ck_assert_int_eq(mkdir(testutil_path("root"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("outside"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("root/d"), 0755), 0);
	testutil_make_file(testutil_path("root/d/f"), 10, 1);
	testutil_make_file(testutil_path("root/file"), 10, 2);
	ck_assert_int_eq(symlink("d", testutil_path("root/link")), 0);
	ck_assert_int_eq(symlink("../outside", testutil_path("root/out")), 0);
	root = open(testutil_path("root"), O_RDONLY | O_DIRECTORY);
	ck_assert_int_ne(root, -1);
}

static void
teardown(void)
{
	(void)close(root);
	testutil_teardown();
}

/* _i: 0 with openat2, 1 with the walk */
static void
mode(int i)
{
	if (i == 1)
		beneath_walk_only();
}

static void
fails(int fd, int err)
{
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, err);
}

START_TEST(test_beneath_open_plain_paths)
{
	int fd;

	mode(_i);
	ck_assert_int_ge(fd = beneath_open(root, "d/f", O_RDONLY, 0), 0);
	(void)close(fd);
	ck_assert_int_ge(fd = beneath_open(root, "./d//f", O_RDONLY, 0), 0);
	(void)close(fd);
	ck_assert_int_ge(fd = beneath_open(root, "d/new", O_WRONLY | O_CREAT |
	    O_EXCL, 0600), 0);
	(void)close(fd);
	ck_assert_int_eq(access(testutil_path("root/d/new"), F_OK), 0);
}
END_TEST

START_TEST(test_beneath_open_refuses_symlinks_and_dotdot)
{
	mode(_i);
	fails(beneath_open(root, "link/f", O_RDONLY, 0), ELOOP);
	fails(beneath_open(root, "out/x", O_WRONLY | O_CREAT, 0600), ELOOP);
	fails(beneath_open(root, "link", O_RDONLY, 0), ELOOP);
	ck_assert_int_eq(beneath_open(root, "../outside", O_RDONLY, 0), -1);
	ck_assert_int_eq(beneath_open(root, "d/../../outside", O_RDONLY, 0),
	    -1);
	fails(beneath_open(root, "/etc/passwd", O_RDONLY, 0), EINVAL);
	fails(beneath_open(root, "file/x", O_RDONLY, 0), ENOTDIR);
	/* nothing was made outside */
	ck_assert_int_eq(access(testutil_path("outside/x"), F_OK), -1);
}
END_TEST

START_TEST(test_beneath_dir_makes_missing_directories)
{
	struct stat st;
	bool made;
	int fd;

	mode(_i);
	ck_assert_int_ge(fd = beneath_dir(root, "a/b/c/leaf", 3, true, 0750,
	    &made), 0);
	ck_assert(made);
	ck_assert_int_eq(fstat(fd, &st), 0);
	(void)close(fd);
	ck_assert_int_eq(stat(testutil_path("root/a/b"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(access(testutil_path("root/a/b/c"), F_OK), -1);
	ck_assert_int_ge(fd = beneath_dir(root, "d", 1, true, 0750, &made),
	    0);
	ck_assert(!made);
	(void)close(fd);
	ck_assert_int_ge(fd = beneath_dir(root, "x", 0, false, 0, NULL), 0);
	(void)close(fd);	/* len 0: root itself */
}
END_TEST

START_TEST(test_beneath_dir_refuses_symlinks_and_files)
{
	mode(_i);
	fails(beneath_dir(root, "link", 4, true, 0755, NULL), ELOOP);
	fails(beneath_dir(root, "out/new", 7, true, 0755, NULL), ELOOP);
	fails(beneath_dir(root, "file/new", 8, true, 0755, NULL), ENOTDIR);
	fails(beneath_dir(root, "missing", 7, false, 0755, NULL), ENOENT);
	/* openat2 says EXDEV (it would leave root), the walk EINVAL */
	fails(beneath_dir(root, "d/../..", 7, true, 0755, NULL),
	    _i == 1 ? EINVAL : EXDEV);
	ck_assert_int_eq(access(testutil_path("outside/new"), F_OK), -1);
}
END_TEST

/* A path longer than PATH_MAX resolves (by the walk). */
/* A root that is not a directory: nothing beneath it. */
START_TEST(test_beneath_root_that_is_a_file)
{
	bool made = true;
	int f;

	mode(_i);
	ck_assert_int_ne(f = open(testutil_path("root/file"), O_RDONLY), -1);
	fails(beneath_dir(f, "a", 1, true, 0755, &made), ENOTDIR);
	ck_assert(!made);
	fails(beneath_dir(f, "a/b", 3, false, 0755, NULL), ENOTDIR);
	fails(beneath_open(f, "a/b", O_RDONLY, 0), ENOTDIR);
	(void)close(f);
}
END_TEST

START_TEST(test_beneath_dir_longer_than_path_max)
{
	char path[PATH_MAX + 512];
	size_t n = 0;
	int fd;

	mode(_i);
	while (n + 200 < sizeof(path) - 1) {
		memset(path + n, 'x', 199);
		path[n + 199] = '/';
		n += 200;
	}
	path[n] = '\0';
	ck_assert_int_gt(n, PATH_MAX);
	ck_assert_int_ge(fd = beneath_dir(root, path, n - 1, true, 0755,
	    NULL), 0);
	(void)close(fd);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("beneath");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_beneath_root_that_is_a_file, 0, 2);
	tcase_add_loop_test(tc, test_beneath_open_plain_paths, 0, 2);
	tcase_add_loop_test(tc, test_beneath_open_refuses_symlinks_and_dotdot,
	    0, 2);
	tcase_add_loop_test(tc, test_beneath_dir_makes_missing_directories, 0,
	    2);
	tcase_add_loop_test(tc, test_beneath_dir_refuses_symlinks_and_files, 0,
	    2);
	tcase_add_loop_test(tc, test_beneath_dir_longer_than_path_max, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(suite());
}
