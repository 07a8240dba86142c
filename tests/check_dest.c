/* dest: temp beside the final name, committed whole or not at all. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "dest.h"
#include "testutil.h"

static char dst[PATH_MAX], tmp[PATH_MAX];

static void
setup(void)
{
	testutil_setup();
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("out"));
	ck_assert_int_eq(dest_tmpname(dst, 1234, 56, tmp, sizeof(tmp)), 0);
}

START_TEST(test_dest_tmpname_is_hidden_beside_dst)
{
	char want[PATH_MAX];

	(void)snprintf(want, sizeof(want), "%s", testutil_path(".parcp.out."
	    "1234.56"));
	ck_assert_str_eq(tmp, want);
	ck_assert_int_eq(dest_tmpname("plain", 7, 8, tmp, sizeof(tmp)), 0);
	ck_assert_str_eq(tmp, ".parcp.plain.7.8");
}
END_TEST

START_TEST(test_dest_tmpname_fits_name_max)
{
	char name[NAME_MAX + 1], path[PATH_MAX];
	const char *base;

	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	(void)snprintf(path, sizeof(path), "d/%s", name);
	ck_assert_int_eq(dest_tmpname(path, INT32_MAX, UINT32_MAX - 1, tmp,
	    sizeof(tmp)), 0);
	base = strrchr(tmp, '/') + 1;
	ck_assert_uint_eq(strlen(base), NAME_MAX);
	ck_assert(strncmp(tmp, "d/.parcp.nnn", 12) == 0);
	ck_assert_int_eq(dest_tmpname(path, 1, 1, tmp, 20), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_dest_create_is_private_sized_and_sparse)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	ck_assert_int_ne(fd = dest_create(tmp, (off_t)5 << 30, &f), -1);
	close(fd);
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, (off_t)5 << 30);
	ck_assert_int_lt(st.st_blocks, 64);
	ck_assert_int_eq(access(dst, F_OK), -1);
}
END_TEST

START_TEST(test_dest_create_replaces_a_stale_temp)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	testutil_make_file(tmp, 1000, 1);
	ck_assert_int_ne(fd = dest_create(tmp, 10, &f), -1);
	close(fd);
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(st.st_size, 10);
}
END_TEST

START_TEST(test_dest_commit_replaces_old_file)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	testutil_make_file(dst, 10, 1);
	ck_assert_int_ne(fd = dest_create(tmp, 3, &f), -1);
	close(fd);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 10);	/* old file intact meanwhile */
	ck_assert_int_eq(dest_commit(tmp, dst, false, &f), 0);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(access(tmp, F_OK), -1);
}
END_TEST

START_TEST(test_dest_commit_noreplace_keeps_old_and_drops_temp)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	testutil_make_file(dst, 10, 1);
	ck_assert_int_ne(fd = dest_create(tmp, 3, &f), -1);
	close(fd);
	ck_assert_int_eq(dest_commit(tmp, dst, true, &f), 1);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 10);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	unlink(dst);
	ck_assert_int_ne(fd = dest_create(tmp, 3, &f), -1);
	close(fd);
	ck_assert_int_eq(dest_commit(tmp, dst, true, &f), 0);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
}
END_TEST

START_TEST(test_dest_missing_directory_is_create_enoent)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(dest_tmpname(testutil_path("nodir/out"), 1, 1, tmp,
	    sizeof(tmp)), 0);
	ck_assert_int_eq(dest_create(tmp, 1, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CREATE);
	ck_assert_int_eq(f.err, ENOENT);
}
END_TEST

START_TEST(test_dest_too_big_is_truncate_fault_and_no_file)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(dest_create(tmp, INT64_MAX, &f), -1);
	ck_assert_int_eq(f.op, FAULT_TRUNCATE);
	ck_assert(f.err == EFBIG || f.err == EINVAL);
	ck_assert_int_eq(access(tmp, F_OK), -1);
}
END_TEST

START_TEST(test_dest_rename_onto_directory_is_rename_fault)
{
	struct fault f = { FAULT_NONE, 0 };
	int fd;

	ck_assert_int_eq(mkdir(dst, 0700), 0);
	ck_assert_int_eq(mkdir(testutil_path("out/x"), 0700), 0);
	ck_assert_int_ne(fd = dest_create(tmp, 3, &f), -1);
	close(fd);
	ck_assert_int_eq(dest_commit(tmp, dst, false, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_int_eq(f.err, EISDIR);
}
END_TEST

static Suite *
dest_suite(void)
{
	Suite *s = suite_create("dest");
	TCase *tc;

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, testutil_teardown);
	tcase_add_test(tc, test_dest_tmpname_is_hidden_beside_dst);
	tcase_add_test(tc, test_dest_tmpname_fits_name_max);
	tcase_add_test(tc, test_dest_create_is_private_sized_and_sparse);
	tcase_add_test(tc, test_dest_create_replaces_a_stale_temp);
	tcase_add_test(tc, test_dest_commit_replaces_old_file);
	tcase_add_test(tc,
	    test_dest_commit_noreplace_keeps_old_and_drops_temp);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, testutil_teardown);
	tcase_add_test(tc, test_dest_missing_directory_is_create_enoent);
	tcase_add_test(tc, test_dest_too_big_is_truncate_fault_and_no_file);
	tcase_add_test(tc, test_dest_rename_onto_directory_is_rename_fault);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(dest_suite());
}
