/* extent: data extents of sparse and dense files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "extent.h"
#include "testutil.h"

START_TEST(test_extent_dense_file_is_one_extent)
{
	off_t off, len;
	int fd;

	testutil_make_file(testutil_path("f"), 100000, 1);
	ck_assert_int_ne(fd = open(testutil_path("f"), O_RDONLY), -1);
	ck_assert_int_eq(extent_next(fd, 0, 100000, &off, &len), 1);
	ck_assert_int_eq(off, 0);
	ck_assert_int_eq(len, 100000);
	ck_assert_int_eq(extent_next(fd, off + len, 100000, &off, &len), 0);
	close(fd);
}
END_TEST

START_TEST(test_extent_sparse_file_skips_the_hole)
{
	off_t size = ((off_t)5 << 30) + 4096, off, len, data = 0;
	char block[4096];
	int fd, n = 0;

	memset(block, 'x', sizeof(block));
	ck_assert_int_ne(fd = open(testutil_path("s"), O_RDWR | O_CREAT, 0600),
	    -1);
	ck_assert_int_eq(pwrite(fd, block, 4096, 0), 4096);
	ck_assert_int_eq(pwrite(fd, block, 4096, size - 4096), 4096);
	for (off = 0; extent_next(fd, off, size, &off, &len) == 1; off += len) {
		data += len;
		n++;
	}
	ck_assert_int_eq(n, 2);
	ck_assert_int_le(data, 2 << 20);	/* block rounding at most */
	ck_assert_int_eq(extent_next(fd, size - 4096, size, &off, &len), 1);
	ck_assert_int_eq(off + len, size);
	close(fd);
}
END_TEST

START_TEST(test_extent_empty_and_all_hole_files_have_none)
{
	off_t off, len;
	int fd;

	ck_assert_int_ne(fd = open(testutil_path("h"), O_RDWR | O_CREAT, 0600),
	    -1);
	ck_assert_int_eq(extent_next(fd, 0, 0, &off, &len), 0);
	ck_assert_int_eq(ftruncate(fd, 1 << 30), 0);
	ck_assert_int_eq(extent_next(fd, 0, 1 << 30, &off, &len), 0);
	close(fd);
}
END_TEST

START_TEST(test_extent_bad_descriptor_is_an_error)
{
	off_t off, len;

	ck_assert_int_eq(extent_next(-1, 0, 10, &off, &len), -1);
}
END_TEST

/*
 * A file without SEEK_DATA (EINVAL: /proc's seq files accept SEEK_SET
 * and SEEK_CUR only): all of it is data.  Read-only, nothing is created.
 */
START_TEST(test_extent_no_seek_data_is_all_data)
{
	off_t off = -1, len = -1;
	int fd;

	ck_assert_int_ne(fd = open("/proc/self/status", O_RDONLY), -1);
	if (lseek(fd, 0, SEEK_DATA) != -1 || errno != EINVAL) {
		close(fd);
		return;		/* this kernel has it there: nothing to test */
	}
	ck_assert_int_eq(extent_next(fd, 0, 100, &off, &len), 1);
	ck_assert_int_eq(off, 0);
	ck_assert_int_eq(len, 100);
	ck_assert_int_eq(extent_next(fd, 40, 100, &off, &len), 1);
	ck_assert_int_eq(off, 40);
	ck_assert_int_eq(len, 60);
	ck_assert_int_eq(extent_next(fd, 100, 100, &off, &len), 0);
	close(fd);
}
END_TEST

static Suite *
extent_suite(void)
{
	Suite *s = suite_create("extent");
	TCase *tc;

	tc = tcase_create("map");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_extent_dense_file_is_one_extent);
	tcase_add_test(tc, test_extent_sparse_file_skips_the_hole);
	tcase_add_test(tc, test_extent_empty_and_all_hole_files_have_none);
	tcase_add_test(tc, test_extent_bad_descriptor_is_an_error);
	tcase_add_test(tc, test_extent_no_seek_data_is_all_data);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(extent_suite());
}
