/* tar_out: a locked temp archive beside FILE, swept only when unlocked. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tarc.h"
#include "testutil.h"

static char path[PATH_MAX];

static void
setup(void)
{
	testutil_setup();
	(void)snprintf(path, sizeof(path), "%s", testutil_path("a.tar"));
}

/* An empty file at name in the test's directory. */
static void
touch(const char *name)
{
	int fd;

	ck_assert_int_ne(fd = open(testutil_path(name), O_WRONLY | O_CREAT,
	    0600), -1);
	(void)close(fd);
}

static int
exists(const char *name)
{
	struct stat st;

	return lstat(testutil_path(name), &st) == 0;
}

START_TEST(test_tar_out_tmpname_has_pid_and_token)
{
	char tmp[PATH_MAX];

	ck_assert_int_eq(tar_out_tmpname("d/a.tar", 42, 0xabcdefULL, tmp,
	    sizeof(tmp)), 0);
	ck_assert_str_eq(tmp, "d/.parcp.a.tar.42.0000000000abcdef");
	ck_assert_int_eq(tar_out_tmpname("a.tar", 7, UINT64_MAX, tmp,
	    sizeof(tmp)), 0);
	ck_assert_str_eq(tmp, ".parcp.a.tar.7.ffffffffffffffff");
}
END_TEST

START_TEST(test_tar_out_tmpname_fits_name_max)
{
	char name[NAME_MAX + 1], long_path[PATH_MAX], tmp[PATH_MAX];

	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	(void)snprintf(long_path, sizeof(long_path), "d/%s", name);
	ck_assert_int_eq(tar_out_tmpname(long_path, INT32_MAX, UINT64_MAX, tmp,
	    sizeof(tmp)), 0);
	ck_assert_uint_le(strlen(strrchr(tmp, '/') + 1), NAME_MAX);
	ck_assert_int_eq(tar_out_tmpname(long_path, 1, 1, tmp, 20), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_tar_out_sweep_takes_only_unlocked_temps)
{
	int fd;

	touch(".parcp.a.tar.4242.0123456789abcdef");	/* a dead run's */
	touch(".parcp.a.tar.4243.fedcba9876543210");	/* a live run's */
	touch(".parcp.b.tar.4242.0123456789abcdef");	/* another archive */
	touch(".parcp.a.tar.4242.0123456789ABCDEF");	/* not our form */
	touch(".parcp.a.tar.4242.0123");
	touch(".parcp.a.tar.x.0123456789abcdef");
	ck_assert_int_ne(fd = open(testutil_path(".parcp.a.tar.4243."
	    "fedcba9876543210"), O_RDONLY), -1);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(tar_out_sweep(path), 1);
	ck_assert(!exists(".parcp.a.tar.4242.0123456789abcdef"));
	ck_assert(exists(".parcp.a.tar.4243.fedcba9876543210"));
	ck_assert(exists(".parcp.b.tar.4242.0123456789abcdef"));
	ck_assert(exists(".parcp.a.tar.4242.0123456789ABCDEF"));
	ck_assert(exists(".parcp.a.tar.4242.0123"));
	ck_assert(exists(".parcp.a.tar.x.0123456789abcdef"));
	(void)close(fd);	/* its run died: now it goes */
	ck_assert_int_eq(tar_out_sweep(path), 1);
	ck_assert(!exists(".parcp.a.tar.4243.fedcba9876543210"));
}
END_TEST

START_TEST(test_tar_out_temp_is_locked_and_committed_whole)
{
	struct tar_out out;
	struct fault f;
	struct stat st;
	int fd;

	touch("a.tar");
	ck_assert_int_eq(tar_out_open(&out, path, &f), 0);
	ck_assert(out.temp && !out.stream);
	ck_assert_int_eq(stat(out.tmp, &st), 0);
	ck_assert_int_ne(fd = open(out.tmp, O_RDONLY), -1);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), -1);	/* held */
	(void)close(fd);
	ck_assert_int_eq(tar_out_sweep(path), 0);	/* so not swept */
	ck_assert_int_eq(write(out.fd, "new", 3), 3);
	ck_assert_int_eq(tar_out_commit(&out, 0640, true, &f), 0);
	tar_out_close(&out);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(stat(out.tmp, &st), -1);
}
END_TEST

START_TEST(test_tar_out_uncommitted_temp_is_removed)
{
	struct tar_out out;
	struct fault f;
	struct stat st;

	ck_assert_int_eq(tar_out_open(&out, path, &f), 0);
	tar_out_close(&out);
	ck_assert_int_eq(stat(out.tmp, &st), -1);
	ck_assert_int_eq(stat(path, &st), -1);
}
END_TEST

START_TEST(test_tar_out_streams_fifos_and_refuses_directories)
{
	struct tar_out out;
	struct fault f;

	ck_assert(tar_out_is_stream("-"));
	ck_assert(!tar_out_is_stream(path));
	ck_assert_int_eq(mkfifo(testutil_path("fifo"), 0600), 0);
	ck_assert(tar_out_is_stream(testutil_path("fifo")));
	ck_assert_int_eq(tar_out_open(&out, testutil_path(""), &f), -1);
	ck_assert_int_eq(f.err, EISDIR);
	ck_assert_int_eq(tar_out_open(&out, testutil_path("none/a.tar"), &f),
	    -1);
	ck_assert_int_eq(f.op, FAULT_CREATE);
	ck_assert_int_eq(f.err, ENOENT);
}
END_TEST

/* "-" is standard output, written as it comes; its close commits it. */
START_TEST(test_tar_out_dash_is_stdout)
{
	struct tar_out out;
	struct fault f = { FAULT_NONE, 0 };
	char buf[8];
	int fd;

	ck_assert_int_ne(fd = open(testutil_path("out"), O_RDWR | O_CREAT,
	    0600), -1);
	ck_assert_int_eq(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
	ck_assert_int_eq(tar_out_open(&out, "-", &f), 0);
	ck_assert(out.stream && !out.temp);
	ck_assert_int_ne(out.fd, STDOUT_FILENO);	/* a duplicate */
	ck_assert_int_eq(write(out.fd, "abc", 3), 3);
	ck_assert_int_eq(tar_out_commit(&out, 0644, true, &f), 0);
	ck_assert(out.committed);
	ck_assert_int_eq(out.fd, -1);
	tar_out_close(&out);
	ck_assert_int_eq(pread(fd, buf, sizeof(buf), 0), 3);
	ck_assert_int_eq(memcmp(buf, "abc", 3), 0);
	/* No standard output at all: cannot open it. */
	ck_assert_int_eq(close(STDOUT_FILENO), 0);
	ck_assert_int_eq(tar_out_open(&out, "-", &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_DST);
	ck_assert_int_eq(f.err, EBADF);
}
END_TEST

/* A FIFO is written in place, no temp beside it. */
START_TEST(test_tar_out_fifo_is_written_in_place)
{
	struct tar_out out;
	struct fault f = { FAULT_NONE, 0 };
	char buf[8];
	int r;

	ck_assert_int_eq(mkfifo(testutil_path("fifo"), 0600), 0);
	ck_assert_int_ne(r = open(testutil_path("fifo"), O_RDONLY |
	    O_NONBLOCK), -1);
	ck_assert_int_eq(tar_out_open(&out, testutil_path("fifo"), &f), 0);
	ck_assert(out.stream && !out.temp);
	ck_assert_int_eq(write(out.fd, "xyz", 3), 3);
	ck_assert_int_eq(tar_out_commit(&out, 0644, false, &f), 0);
	tar_out_close(&out);
	ck_assert_int_eq(read(r, buf, sizeof(buf)), 3);
	ck_assert_int_eq(memcmp(buf, "xyz", 3), 0);
	(void)close(r);
	ck_assert(!exists(".parcp.fifo"));
}
END_TEST

/* The archive's name taken by a directory meanwhile: the rename fails,
 * the temp goes, the directory stays. */
START_TEST(test_tar_out_commit_that_cannot_rename)
{
	struct tar_out out;
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	char tmp[PATH_MAX];

	ck_assert_int_eq(tar_out_open(&out, path, &f), 0);
	(void)snprintf(tmp, sizeof(tmp), "%s", out.tmp);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	touch("a.tar/x");
	ck_assert_int_eq(tar_out_commit(&out, 0644, false, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert(!out.committed);
	tar_out_close(&out);
	ck_assert_int_eq(stat(tmp, &st), -1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
}
END_TEST

/* No room for the temp's name beside the archive: a path fault. */
START_TEST(test_tar_out_temp_name_too_long)
{
	struct tar_out out;
	struct fault f = { FAULT_NONE, 0 };
	char p[PATH_MAX];
	size_t n;

	(void)snprintf(p, sizeof(p), "%s/", testutil_path(""));
	for (n = strlen(p); n < PATH_MAX - 20; n += 2)
		memcpy(p + n, "d/", 2);
	(void)snprintf(p + n, sizeof(p) - n, "a.tar");
	ck_assert_int_eq(tar_out_open(&out, p, &f), -1);
	ck_assert_int_eq(f.op, FAULT_PATH);
}
END_TEST

/* A relative name with no directory: the temp goes in ".". */
START_TEST(test_tar_out_relative_name_in_the_cwd)
{
	struct tar_out out;
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;

	ck_assert_int_eq(chdir(testutil_path("")), 0);
	ck_assert_int_eq(tar_out_open(&out, "rel.tar", &f), 0);
	ck_assert_int_eq(strncmp(out.tmp, ".parcp.rel.tar.", 15), 0);
	ck_assert_int_eq(stat(out.tmp, &st), 0);
	ck_assert_int_eq(tar_out_commit(&out, 0600, true, &f), 0);
	tar_out_close(&out);
	ck_assert_int_eq(stat("rel.tar", &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
}
END_TEST

static Suite *
tar_out_suite(void)
{
	Suite *s = suite_create("tar_out");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_test(tc, test_tar_out_tmpname_has_pid_and_token);
	tcase_add_test(tc, test_tar_out_tmpname_fits_name_max);
	suite_add_tcase(s, tc);
	tc = tcase_create("temp");
	tcase_add_checked_fixture(tc, setup, testutil_teardown);
	tcase_add_test(tc, test_tar_out_sweep_takes_only_unlocked_temps);
	tcase_add_test(tc, test_tar_out_temp_is_locked_and_committed_whole);
	tcase_add_test(tc, test_tar_out_uncommitted_temp_is_removed);
	tcase_add_test(tc, test_tar_out_streams_fifos_and_refuses_directories);
	tcase_add_test(tc, test_tar_out_dash_is_stdout);
	tcase_add_test(tc, test_tar_out_fifo_is_written_in_place);
	tcase_add_test(tc, test_tar_out_commit_that_cannot_rename);
	tcase_add_test(tc, test_tar_out_temp_name_too_long);
	tcase_add_test(tc, test_tar_out_relative_name_in_the_cwd);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(tar_out_suite());
}
