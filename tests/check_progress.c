/* progress: the line's fields, its width, and its edges. */
#include "config.h"

#include <sys/ioctl.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <check.h>

#include "progress.h"
#include "testutil.h"

#define MIB	((uint64_t)1 << 20)

START_TEST(test_progress_full_line)
{
	struct progress_view v = { 512 * MIB, 1024 * MIB, 3, 10, 0,
	    256.0 * MIB, 75.0, false };
	char buf[256];

	ck_assert_str_eq(progress_format(&v, 200, buf, sizeof(buf)),
	    " 50%  512.00 MiB / 1.00 GiB  256.00 MiB/s  1:15 elapsed  "
	    "ETA 0:02  files 3/10, errors 0");
	v.bar = true;		/* the room left, 40 at most */
	ck_assert_str_eq(progress_format(&v, 200, buf, sizeof(buf)),
	    " 50%  [####################....................]  512.00 MiB / "
	    "1.00 GiB  256.00 MiB/s  1:15 elapsed  ETA 0:02  files 3/10, "
	    "errors 0");
}
END_TEST

/* Every width from 1: the line fits; percent first; the bar, elapsed and
 * ETA go before the file counts, the counts before the rate. */
START_TEST(test_progress_narrow_terminal_drops_in_order)
{
	struct progress_view v = { 512 * MIB, 1024 * MIB, 3, 10, 1,
	    256.0 * MIB, 5.0, true };
	char buf[256];
	int w;

	for (w = 1; w <= 200; w++) {
		progress_format(&v, w, buf, sizeof(buf));
		ck_assert_int_lt((int)strlen(buf), w > 1 ? w : 2);
		if (w > 5)
			ck_assert(strncmp(buf, " 50%", 4) == 0);
		if (strstr(buf, "files") == NULL)
			ck_assert(strstr(buf, "ETA") == NULL &&
			    strstr(buf, "elapsed") == NULL);
		if (strstr(buf, "ETA") == NULL)
			ck_assert(strstr(buf, "elapsed") == NULL);
		if (strstr(buf, "/s") == NULL)
			ck_assert(strstr(buf, "files") == NULL);
		if (strchr(buf, '[') != NULL)	/* the bar: all else first */
			ck_assert(strstr(buf, "elapsed") != NULL);
	}
	progress_format(&v, 45, buf, sizeof(buf));
	ck_assert_str_eq(buf, " 50%  512.00 MiB / 1.00 GiB  256.00 MiB/s");
	progress_format(&v, 30, buf, sizeof(buf));
	ck_assert_str_eq(buf, " 50%  512.00 MiB / 1.00 GiB");
	progress_format(&v, 20, buf, sizeof(buf));
	ck_assert_str_eq(buf, " 50%");
}
END_TEST

/* The summary fits too: errors, then files, then the rate go. */
START_TEST(test_progress_summary_fits)
{
	struct progress_view v = { 48 * MIB, 48 * MIB, 1, 1, 0, 12.0 * MIB,
	    4.0, true };
	char buf[256];
	int w;

	ck_assert_str_eq(progress_summary(&v, 200, buf, sizeof(buf)),
	    "parcp: 48.00 MiB in 4.00 s (12.00 MiB/s), 1 of 1 files, 0 errors");
	ck_assert_str_eq(progress_summary(&v, 60, buf, sizeof(buf)),
	    "parcp: 48.00 MiB in 4.00 s (12.00 MiB/s), 1 of 1 files");
	ck_assert_str_eq(progress_summary(&v, 30, buf, sizeof(buf)),
	    "parcp: 48.00 MiB in 4.00 s");
	ck_assert_str_eq(progress_summary(&v, 20, buf, sizeof(buf)),
	    "48.00 MiB in 4.00 s");
	ck_assert_str_eq(progress_summary(&v, 12, buf, sizeof(buf)),
	    "48.00 MiB");		/* not "48.00 MiB i" */
	ck_assert_str_eq(progress_summary(&v, 6, buf, sizeof(buf)), "48.00");
	for (w = 1; w <= 120; w++)
		ck_assert_int_lt((int)strlen(progress_summary(&v, w, buf,
		    sizeof(buf))), w > 1 ? w : 2);
}
END_TEST

START_TEST(test_progress_edges)
{
	struct progress_view done = { 10, 10, 1, 1, 0, 5.0, 0, false };
	struct progress_view over = { 20, 10, 1, 1, 0, 5.0, 0, false };
	struct progress_view none = { 0, 0, 0, 0, 0, 0.0, 0, false };
	struct progress_view start = { 0, 100, 0, 1, 0, 0.0, 0, false };
	struct progress_view slow = { 0, (uint64_t)1 << 40, 0, 1, 0, 1000.0,
	    0, false };
	struct progress_view hours = { 0, 3725 * MIB, 0, 1, 0, 1.0 * MIB, 0,
	    false };
	char buf[256];

	ck_assert(strncmp(progress_format(&done, 200, buf, sizeof(buf)),
	    "100%  10 B / 10 B", 17) == 0);
	ck_assert(strstr(buf, "ETA 0:00") != NULL);
	/* a retried range counts twice: never past 100% */
	ck_assert(strncmp(progress_format(&over, 200, buf, sizeof(buf)),
	    "100%  10 B / 10 B", 17) == 0);
	ck_assert(strncmp(progress_format(&none, 200, buf, sizeof(buf)),
	    "100%", 4) == 0);
	ck_assert(strstr(progress_format(&start, 200, buf, sizeof(buf)),
	    "ETA --:--") != NULL);
	ck_assert(strstr(progress_format(&slow, 200, buf, sizeof(buf)),
	    "ETA >99h") != NULL);
	ck_assert(strstr(progress_format(&hours, 200, buf, sizeof(buf)),
	    "ETA 1:02:05") != NULL);
}
END_TEST

/* stderr into a file of the test's directory; returns its fd. */
static int
err_to_file(void)
{
	int fd;

	ck_assert_int_ne(fd = open(testutil_path("err"),
	    O_RDWR | O_CREAT | O_TRUNC, 0600), -1);
	ck_assert_int_eq(dup2(fd, 2), 2);
	return fd;
}

/* All that fd has (a file from its start, or a pty's master); static. */
static const char *
slurp(int fd, bool file)
{
	static char buf[8192];
	ssize_t got, n = 0;

	fflush(stderr);
	for (;;) {
		got = file ? pread(fd, buf + n, sizeof(buf) - 1 - (size_t)n,
		    n) : read(fd, buf + n, sizeof(buf) - 1 - (size_t)n);
		if (got <= 0)
			break;
		n += got;
		if (!file)
			break;
	}
	buf[n] = '\0';
	return buf;
}

START_TEST(test_progress_never_prints_nothing)
{
	struct progress p;
	int fd = err_to_file();

	memset(&p, 0, sizeof(p));
	progress_start(&p, PROGRESS_NEVER, 100, 1);
	ck_assert(!p.on);
	progress_update(&p, 50);
	ck_assert_uint_eq(p.bytes, 0);
	progress_clear(&p);
	progress_end(&p, true);
	ck_assert_str_eq(slurp(fd, true), "");
	/* auto: only on a terminal, and stderr is a file */
	progress_start(&p, PROGRESS_AUTO, 100, 1);
	ck_assert(!p.on);
	ck_assert(!p.tty);
	progress_end(&p, true);
	ck_assert_str_eq(slurp(fd, true), "");
}
END_TEST

START_TEST(test_progress_always_to_a_file_prints_plain_lines)
{
	struct progress p;
	const char *out;
	int fd = err_to_file();

	memset(&p, 0, sizeof(p));
	p.files = 2;		/* counted before the start: kept */
	progress_start(&p, PROGRESS_ALWAYS, 4 * MIB, 3);
	ck_assert(p.on);
	ck_assert(!p.tty);
	ck_assert_uint_eq(p.files, 2);
	ck_assert_uint_eq(p.total, 4 * MIB);
	ck_assert_uint_eq(p.nfiles, 3);
	usleep(20000);
	progress_update(&p, MIB);
	ck_assert_uint_eq(p.bytes, MIB);
	ck_assert_uint_eq(p.last_bytes, MIB);
	/* The first rate is the instant one: 1 MiB over >= 20 ms. */
	ck_assert(p.rate > 0 && p.rate <= 1.0 * MIB / 0.02);
	ck_assert_str_eq(slurp(fd, true), "");	/* < 1 s: not drawn yet */
	progress_clear(&p);			/* not a tty: nothing */
	ck_assert_str_eq(slurp(fd, true), "");
	usleep(1050000);
	progress_update(&p, 2 * MIB);
	out = slurp(fd, true);
	ck_assert_msg(strncmp(out, " 50%  2.00 MiB / 4.00 MiB  ", 27) == 0,
	    "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "files 2/3, errors 0\n"));
	ck_assert_ptr_null(strchr(out, '\r'));
	ck_assert_ptr_null(strchr(out, '['));	/* no bar off a tty */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(lseek(2, 0, SEEK_SET), 0);
	progress_end(&p, true);
	out = slurp(fd, true);
	ck_assert_msg(strncmp(out, "100%  4.00 MiB / 4.00 MiB  ", 27) == 0,
	    "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "ETA 0:00  files 2/3, errors 0\n"
	    "parcp: 4.00 MiB in 1."));
	ck_assert_ptr_nonnull(strstr(out, "MiB/s), 2 of 3 files, 0 errors\n"));
}
END_TEST

START_TEST(test_progress_rate_is_smoothed_and_kept_when_idle)
{
	struct progress p;
	double first, t0;

	(void)err_to_file();
	memset(&p, 0, sizeof(p));
	progress_start(&p, PROGRESS_ALWAYS, 100 * MIB, 1);
	t0 = p.start;
	usleep(100000);
	progress_update(&p, 10 * MIB);
	first = p.rate;
	ck_assert(first > 10.0 * MIB / 1.0 && first <= 10.0 * MIB / 0.1);
	ck_assert(p.last > t0);
	/* No new bytes: the rate stands. */
	usleep(50000);
	progress_update(&p, 10 * MIB);
	ck_assert(p.rate == first);
	ck_assert_uint_eq(p.bytes, 10 * MIB);
	/* Faster now: the rate moves toward it, but only part of the way. */
	usleep(50000);
	progress_update(&p, 60 * MIB);
	ck_assert(p.rate > first);
	ck_assert(p.rate < 50.0 * MIB / 0.05);
	/* An incomplete end keeps the bytes; the rate is the run's. */
	progress_end(&p, false);
	ck_assert_uint_eq(p.bytes, 60 * MIB);
	ck_assert(p.rate < 60.0 * MIB / 0.2 && p.rate > 60.0 * MIB / 5);
}
END_TEST

/* A pty of cols columns as stderr; returns the master. */
static int
err_to_pty(int cols)
{
	struct winsize ws = { .ws_row = 24, .ws_col = (unsigned short)cols };
	struct termios t;
	int m, sl;

	ck_assert_int_ne(m = posix_openpt(O_RDWR | O_NOCTTY), -1);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	ck_assert_int_ne(sl = open(ptsname(m), O_RDWR | O_NOCTTY), -1);
	ck_assert_int_eq(tcgetattr(sl, &t), 0);
	cfmakeraw(&t);		/* no \n to \r\n */
	ck_assert_int_eq(tcsetattr(sl, TCSANOW, &t), 0);
	ck_assert_int_eq(ioctl(sl, TIOCSWINSZ, &ws), 0);
	ck_assert_int_eq(dup2(sl, 2), 2);
	(void)close(sl);
	return m;
}

START_TEST(test_progress_on_a_terminal_redraws_one_line)
{
	struct progress p;
	const char *out;
	int m = err_to_pty(40);

	memset(&p, 0, sizeof(p));
	progress_start(&p, PROGRESS_AUTO, 1024, 1);
	ck_assert(p.on);
	ck_assert(p.tty);
	progress_clear(&p);
	ck_assert_str_eq(slurp(m, false), "\r\033[K");
	usleep(120000);		/* past the 0.1 s of a terminal */
	progress_update(&p, 512);
	out = slurp(m, false);
	/* 40 columns: the line is cut to what fits in 39. */
	ck_assert_msg(strncmp(out, "\r 50%  512 B / 1.00 KiB  ", 25) == 0,
	    "%s", out);
	ck_assert_int_le(strlen(out), 1 + 39 + 3);
	ck_assert_str_eq(out + strlen(out) - 5, "/s\033[K");
}
END_TEST

/* A terminal that does not know its width: 80 columns. */
START_TEST(test_progress_terminal_of_unknown_width_is_80_columns)
{
	struct progress p;
	const char *out;
	int m = err_to_pty(0);

	memset(&p, 0, sizeof(p));
	progress_start(&p, PROGRESS_AUTO, 1024, 1);
	usleep(120000);
	progress_update(&p, 512);
	out = slurp(m, false);
	ck_assert_msg(strncmp(out, "\r 50%  512 B / 1.00 KiB  ", 25) == 0,
	    "%s", out);
	ck_assert_msg(strstr(out, " elapsed  ETA 0:00  files 0/1, errors 0")
	    != NULL, "%s", out);
	ck_assert_int_le(strlen(out), 1 + 79 + 3);
}
END_TEST

START_TEST(test_progress_end_on_a_terminal_says_the_summary)
{
	struct progress p;
	const char *out;
	int m = err_to_pty(30);

	memset(&p, 0, sizeof(p));
	progress_start(&p, PROGRESS_ALWAYS, 1024, 1);
	p.files = 1;
	progress_end(&p, true);
	usleep(20000);
	out = slurp(m, false);
	ck_assert_msg(strncmp(out, "\r100%  1.00 KiB / 1.00 KiB", 26) == 0,
	    "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\033[K\nparcp: 1.00 KiB in 0."));
	ck_assert_int_le(strlen(strstr(out, "\nparcp:")), 1 + 29 + 1);
}
END_TEST

static Suite *
progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_progress_full_line);
	tcase_add_test(tc, test_progress_narrow_terminal_drops_in_order);
	tcase_add_test(tc, test_progress_summary_fits);
	tcase_add_test(tc, test_progress_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("draw");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_progress_never_prints_nothing);
	tcase_add_test(tc, test_progress_always_to_a_file_prints_plain_lines);
	tcase_add_test(tc, test_progress_rate_is_smoothed_and_kept_when_idle);
	tcase_add_test(tc, test_progress_on_a_terminal_redraws_one_line);
	tcase_add_test(tc, test_progress_end_on_a_terminal_says_the_summary);
	tcase_add_test(tc,
	    test_progress_terminal_of_unknown_width_is_80_columns);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(progress_suite());
}
