/* util: path pieces and write_full. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "testutil.h"
#include "util.h"

static const struct {
	const char	*path, *dir, *base;
} paths[] = {
	{ "a", ".", "a" },
	{ "a/b", "a", "b" },
	{ "a//b", "a", "b" },
	{ "a/b/", "a", "b" },
	{ "/a", "/", "a" },
	{ "/", "/", "/" },
	{ "./x.iso", ".", "x.iso" },
	{ "/mnt/backup/", "/mnt", "backup" },
};

START_TEST(test_util_path_dir_and_base)
{
	char *d = xpath_dir(paths[_i].path), *b = xpath_base(paths[_i].path);

	ck_assert_str_eq(d, paths[_i].dir);
	ck_assert_str_eq(b, paths[_i].base);
	free(d);
	free(b);
}
END_TEST

START_TEST(test_util_path_join)
{
	char *p;

	ck_assert_str_eq(p = xpath_join("a", "b"), "a/b");
	free(p);
	ck_assert_str_eq(p = xpath_join("a//", "b"), "a/b");
	free(p);
	ck_assert_str_eq(p = xpath_join("/", "b"), "/b");
	free(p);
}
END_TEST

START_TEST(test_util_write_full_and_its_errors)
{
	char buf[100000], out[100000];
	int fds[2];
	size_t got = 0;
	ssize_t n;

	memset(buf, 'q', sizeof(buf));
	ck_assert_int_eq(pipe(fds), 0);
	if (fork() == 0)
		_exit(write_full(fds[1], buf, sizeof(buf)) == 0 ? 0 : 1);
	close(fds[1]);
	while ((n = read(fds[0], out + got, sizeof(out) - got)) > 0)
		got += (size_t)n;
	ck_assert_uint_eq(got, sizeof(buf));
	ck_assert(memcmp(buf, out, sizeof(buf)) == 0);
	close(fds[0]);
	ck_assert_int_eq(write_full(-1, buf, 1), -1);
}
END_TEST

START_TEST(test_util_pwrite_full_writes_at_offset)
{
	char name[] = "/tmp/parcp-util.XXXXXX", got[8];
	int fd;

	ck_assert_int_ne(fd = mkstemp(name), -1);
	unlink(name);
	ck_assert_int_eq(pwrite_full(fd, "abcd", 4, 4), 0);
	ck_assert_int_eq(pwrite_full(fd, "wxyz", 4, 0), 0);
	ck_assert_int_eq(pread(fd, got, 8, 0), 8);
	ck_assert(memcmp(got, "wxyzabcd", 8) == 0);
	ck_assert_int_eq(pwrite_full(fd, "q", 1, -1), -1);
	close(fd);
}
END_TEST

static Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("paths");

	tcase_add_loop_test(tc, test_util_path_dir_and_base, 0,
	    sizeof(paths) / sizeof(paths[0]));
	tcase_add_test(tc, test_util_path_join);
	tcase_add_test(tc, test_util_write_full_and_its_errors);
	tcase_add_test(tc, test_util_pwrite_full_writes_at_offset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(util_suite());
}
