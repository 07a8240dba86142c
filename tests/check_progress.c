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
	    256.0 * MIB };
	char buf[256];

	ck_assert_str_eq(progress_format(&v, 200, buf, sizeof(buf)),
	    " 50%  512.00 MiB / 1.00 GiB  256.00 MiB/s  ETA 0:02  "
	    "files 3/10, errors 0");
}
END_TEST

START_TEST(test_progress_narrow_terminal_drops_the_tail)
{
	struct progress_view v = { 512 * MIB, 1024 * MIB, 3, 10, 1,
	    256.0 * MIB };
	char buf[256];
	int w;

	for (w = 1; w <= 100; w++) {
		progress_format(&v, w, buf, sizeof(buf));
		ck_assert_int_lt((int)strlen(buf), w);
		/* whatever fits starts with the percentage */
		if (w > 5)
			ck_assert(strncmp(buf, " 50%", 4) == 0);
	}
	progress_format(&v, 40, buf, sizeof(buf));
	ck_assert_str_eq(buf, " 50%  512.00 MiB / 1.00 GiB");
}
END_TEST

START_TEST(test_progress_edges)
{
	struct progress_view done = { 10, 10, 1, 1, 0, 5.0 };
	struct progress_view over = { 20, 10, 1, 1, 0, 5.0 };
	struct progress_view none = { 0, 0, 0, 0, 0, 0.0 };
	struct progress_view start = { 0, 100, 0, 1, 0, 0.0 };
	struct progress_view slow = { 0, (uint64_t)1 << 40, 0, 1, 0, 1000.0 };
	struct progress_view hours = { 0, 3725 * MIB, 0, 1, 0, 1.0 * MIB };
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
	tcase_add_test(tc, test_progress_narrow_terminal_drops_the_tail);
	tcase_add_test(tc, test_progress_edges);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(progress_suite());
}
