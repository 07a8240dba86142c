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

/* report_json_str's output for s. */
static const char *
json(const char *s)
{
	static char buf[256];
	FILE *fp = fmemopen(buf, sizeof(buf), "w");

	ck_assert_ptr_nonnull(fp);
	report_json_str(fp, s);
	fclose(fp);
	return buf;
}

START_TEST(test_report_json_strings)
{
	ck_assert_str_eq(json("plain/path"), "\"plain/path\"");
	ck_assert_str_eq(json("q\"b\\"), "\"q\\\"b\\\\\"");
	ck_assert_str_eq(json("new\nline\ttab\x01"),
	    "\"new\\u000aline\\u0009tab\\u0001\"");
	/* valid UTF-8 passes through; bytes that are not: \u00XX */
	ck_assert_str_eq(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	ck_assert_str_eq(json("bad\xff\xfename"),
	    "\"bad\\u00ff\\u00fename\"");
	ck_assert_str_eq(json("\xc3"), "\"\\u00c3\"");	/* cut short */
	ck_assert_str_eq(json("\xc0\xaf"), "\"\\u00c0\\u00af\"");
	ck_assert_str_eq(json("\xed\xa0\x80"),		/* a surrogate */
	    "\"\\u00ed\\u00a0\\u0080\"");
}
END_TEST

static Suite *
report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("format");

	tcase_add_loop_test(tc, test_report_iec_table, 0,
	    sizeof(iec) / sizeof(iec[0]));
	tcase_add_test(tc, test_report_json_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(report_suite());
}
