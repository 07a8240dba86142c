/* dest: temp beside the final name, committed whole or not at all. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "dest.h"
#include "testutil.h"

static struct file f;

static void
setup(void)
{
	testutil_setup();
	memset(&f, 0, sizeof(f));
	f.dst = strdup(testutil_path("out"));
	f.size = (off_t)5 << 30;
}

static void
teardown(void)
{
	dest_discard(&f);
	free(f.dst);
	testutil_teardown();
}

START_TEST(test_dest_temp_is_hidden_private_and_sized)
{
	struct fault flt = { FAULT_NONE, 0 };
	struct stat st;
	const char *base;

	ck_assert_int_eq(dest_create(&f, &flt), 0);
	ck_assert_ptr_nonnull(f.tmp);
	base = strrchr(f.tmp, '/') + 1;
	ck_assert(strncmp(base, DEST_TMP_PREFIX "out.",
	    strlen(DEST_TMP_PREFIX) + 4) == 0);
	ck_assert_int_eq(stat(f.tmp, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, f.size);
	ck_assert_int_lt(st.st_blocks, 64);	/* all hole */
	ck_assert_int_eq(access(f.dst, F_OK), -1);
}
END_TEST

START_TEST(test_dest_commit_replaces_old_file_with_mode)
{
	struct fault flt = { FAULT_NONE, 0 };
	struct stat st;
	char *tmp;

	testutil_make_file(f.dst, 10, 1);
	f.size = 3;
	ck_assert_int_eq(dest_create(&f, &flt), 0);
	ck_assert_int_eq(stat(f.dst, &st), 0);
	ck_assert_int_eq(st.st_size, 10);	/* old file intact meanwhile */
	tmp = strdup(f.tmp);
	ck_assert_int_eq(dest_commit(&f, 0640, &flt), 0);
	ck_assert_ptr_null(f.tmp);
	ck_assert_int_eq(stat(f.dst, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	free(tmp);
}
END_TEST

START_TEST(test_dest_discard_removes_temp_and_keeps_old)
{
	struct fault flt = { FAULT_NONE, 0 };
	char *tmp;

	testutil_make_file(f.dst, 10, 1);
	ck_assert_int_eq(dest_create(&f, &flt), 0);
	tmp = strdup(f.tmp);
	dest_discard(&f);
	ck_assert_ptr_null(f.tmp);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ck_assert_int_eq(access(f.dst, F_OK), 0);
	free(tmp);
}
END_TEST

START_TEST(test_dest_long_name_still_gets_a_temp)
{
	struct fault flt = { FAULT_NONE, 0 };
	char name[NAME_MAX + 1];

	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	free(f.dst);
	f.dst = strdup(testutil_path(name));
	ck_assert_int_eq(dest_create(&f, &flt), 0);
	ck_assert_int_eq(dest_commit(&f, 0644, &flt), 0);
	ck_assert_int_eq(access(f.dst, F_OK), 0);
}
END_TEST

START_TEST(test_dest_missing_directory_is_create_enoent)
{
	struct fault flt = { FAULT_NONE, 0 };

	free(f.dst);
	f.dst = strdup(testutil_path("nodir/out"));
	ck_assert_int_eq(dest_create(&f, &flt), -1);
	ck_assert_int_eq(flt.op, FAULT_CREATE);
	ck_assert_int_eq(flt.err, ENOENT);
	ck_assert_ptr_null(f.tmp);
}
END_TEST

START_TEST(test_dest_too_big_for_file_system_is_truncate_fault)
{
	struct fault flt = { FAULT_NONE, 0 };

	f.size = INT64_MAX;
	ck_assert_int_eq(dest_create(&f, &flt), -1);
	ck_assert_int_eq(flt.op, FAULT_TRUNCATE);
	ck_assert(flt.err == EFBIG || flt.err == EINVAL);
	ck_assert_ptr_null(f.tmp);
}
END_TEST

static Suite *
dest_suite(void)
{
	Suite *s = suite_create("dest");
	TCase *tc;

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dest_temp_is_hidden_private_and_sized);
	tcase_add_test(tc, test_dest_commit_replaces_old_file_with_mode);
	tcase_add_test(tc, test_dest_discard_removes_temp_and_keeps_old);
	tcase_add_test(tc, test_dest_long_name_still_gets_a_temp);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dest_missing_directory_is_create_enoent);
	tcase_add_test(tc, test_dest_too_big_for_file_system_is_truncate_fault);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(dest_suite());
}
