/* progress: the line's fields, its width, and its edges. */
#include "config.h"

#include <stdint.h>
#include <string.h>

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
	return s;
}

int
main(void)
{
	return testutil_run(progress_suite());
}
