/* util: path pieces and write_full. */
#include "config.h"

#include <sys/resource.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
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

/*
 * The x* allocators are fatal on failure (exit 1, after saying why).  In
 * the sanitizer build an impossible size must come back as NULL, as it
 * does from glibc, rather than abort: this hook tells ASan so.
 */
const char	*__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

START_TEST(test_util_xmalloc_failure_exits)
{
	(void)xmalloc(SIZE_MAX - 4096);
}
END_TEST

START_TEST(test_util_xcalloc_failure_exits)
{
	(void)xcalloc(SIZE_MAX / 2, 2);
}
END_TEST

START_TEST(test_util_xreallocarray_failure_exits)
{
	(void)xreallocarray(NULL, SIZE_MAX / 8, 4);
}
END_TEST

START_TEST(test_util_allocators_of_zero_give_a_pointer)
{
	char *p, *q, *r, *d;

	ck_assert_ptr_nonnull(p = xmalloc(0));
	ck_assert_ptr_nonnull(q = xcalloc(0, 0));
	ck_assert_ptr_nonnull(r = xreallocarray(NULL, 0, 8));
	ck_assert_ptr_nonnull(d = xstrdup("abc"));
	ck_assert_str_eq(d, "abc");
	free(p);
	free(q);
	free(r);
	free(d);
}
END_TEST

/* SIGALRM, without SA_RESTART, every 20 ms: it reads or writes pipe[]. */
static int pipe_fds[2];
static bool drain_on_alarm;
static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	char buf[8192];

	(void)sig;
	alarms++;
	if (drain_on_alarm)
		(void)read(pipe_fds[0], buf, sizeof(buf));
	else if (alarms == 3)
		(void)write(pipe_fds[1], "z", 1);
}

static void
alarm_every_20ms(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

START_TEST(test_util_read_full_retries_eintr)
{
	char c = 0;

	ck_assert_int_eq(pipe(pipe_fds), 0);
	alarm_every_20ms();
	/* Interrupted twice with nothing read; the third alarm writes. */
	ck_assert_int_eq(read_full(pipe_fds[0], &c, 1), 1);
	ck_assert_int_eq(c, 'z');
	ck_assert_int_ge(alarms, 3);
}
END_TEST

START_TEST(test_util_write_full_retries_eintr)
{
	char buf[4096];
	int fl;

	memset(buf, 'q', sizeof(buf));
	ck_assert_int_eq(pipe(pipe_fds), 0);
	fl = fcntl(pipe_fds[1], F_GETFL);
	ck_assert_int_eq(fcntl(pipe_fds[1], F_SETFL, fl | O_NONBLOCK), 0);
	while (write(pipe_fds[1], buf, 1) == 1)
		;
	ck_assert_int_eq(fcntl(pipe_fds[1], F_SETFL, fl), 0);
	/* Full: the write waits, an alarm interrupts it and makes room. */
	drain_on_alarm = true;
	alarm_every_20ms();
	ck_assert_int_eq(write_full(pipe_fds[1], buf, 1), 0);
	ck_assert_int_ge(alarms, 1);
}
END_TEST

START_TEST(test_util_read_full_errors_and_eof)
{
	char buf[16];
	int fd;

	errno = 0;
	ck_assert_int_eq(read_full(-1, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_ne(fd = open("/dev/null", O_RDONLY), -1);
	ck_assert_int_eq(read_full(fd, buf, sizeof(buf)), 0);
	(void)close(fd);
	ck_assert_int_eq(pipe(pipe_fds), 0);
	ck_assert_int_eq(write(pipe_fds[1], "abc", 3), 3);
	ck_assert_int_eq(write(pipe_fds[1], "de", 2), 2);
	(void)close(pipe_fds[1]);
	ck_assert_int_eq(read_full(pipe_fds[0], buf, sizeof(buf)), 5);
	ck_assert_int_eq(memcmp(buf, "abcde", 5), 0);
}
END_TEST

START_TEST(test_util_raise_nofile_to_the_hard_limit)
{
	struct rlimit rl, now;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max < 64)
		return;
	now = rl;
	now.rlim_cur = 32;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &now), 0);
	raise_nofile();
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &now), 0);
	ck_assert_uint_eq(now.rlim_cur, rl.rlim_max);
	ck_assert_uint_eq(now.rlim_max, rl.rlim_max);
	raise_nofile();		/* already there: no change */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &now), 0);
	ck_assert_uint_eq(now.rlim_cur, rl.rlim_max);
}
END_TEST

START_TEST(test_util_lower_bound_finds_the_first_not_below)
{
	const uint32_t v[] = { 2, 4, 4, 9 };

	ck_assert_uint_eq(lower_bound_u32(v, 4, 0), 0);
	ck_assert_uint_eq(lower_bound_u32(v, 4, 2), 0);
	ck_assert_uint_eq(lower_bound_u32(v, 4, 3), 1);
	ck_assert_uint_eq(lower_bound_u32(v, 4, 4), 1);
	ck_assert_uint_eq(lower_bound_u32(v, 4, 5), 3);
	ck_assert_uint_eq(lower_bound_u32(v, 4, 9), 3);
	ck_assert_uint_eq(lower_bound_u32(v, 4, 10), 4);
	ck_assert_uint_eq(lower_bound_u32(v, 0, 1), 0);
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

	tc = tcase_create("io");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_util_read_full_retries_eintr);
	tcase_add_test(tc, test_util_write_full_retries_eintr);
	tcase_add_test(tc, test_util_read_full_errors_and_eof);
	tcase_add_test(tc, test_util_raise_nofile_to_the_hard_limit);
	tcase_add_test(tc, test_util_lower_bound_finds_the_first_not_below);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_exit_test(tc, test_util_xmalloc_failure_exits, 1);
	tcase_add_exit_test(tc, test_util_xcalloc_failure_exits, 1);
	tcase_add_exit_test(tc, test_util_xreallocarray_failure_exits, 1);
	tcase_add_test(tc, test_util_allocators_of_zero_give_a_pointer);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(util_suite());
}
