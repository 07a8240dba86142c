/* report: IEC formatting at its edges. */
#include "config.h"

#include <stdint.h>

#include <check.h>

#include "report.h"
#include "testutil.h"

static const struct {
	uint64_t	 bytes;
	const char	*want;
} iec[] = {
	{ 0, "0 B" },
	{ 1, "1 B" },
	{ 1023, "1023 B" },
	{ 1024, "1.00 KiB" },
	{ 1536, "1.50 KiB" },
	{ (uint64_t)1 << 20, "1.00 MiB" },
	{ ((uint64_t)1 << 30) - 1, "1024.00 MiB" },
	{ (uint64_t)1 << 30, "1.00 GiB" },
	{ (uint64_t)5 << 40, "5.00 TiB" },
	{ UINT64_MAX, "16.00 EiB" },
};

START_TEST(test_report_iec_table)
{
	char buf[32];

	ck_assert_str_eq(report_iec(iec[_i].bytes, buf, sizeof(buf)),
	    iec[_i].want);
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_report_iec_table, 0,
	    sizeof(iec) / sizeof(iec[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(report_suite());
}
