/* report: IEC formatting at its edges. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "engine.h"
#include "fault.h"
#include "report.h"
#include "tar.h"
#include "testutil.h"

/*
 * libarchive keeps the text of archive_version_details() (which
 * report_version prints) for good: not a leak of ours.  LeakSanitizer
 * reads this hook in the sanitizer build; elsewhere it is never called.
 */
const char	*__lsan_default_suppressions(void);
const char	*__lsan_default_options(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libarchive.so\n";
}

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

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

/* report_utf8_len at the edges of each form. */
static const struct {
	const char	*s;
	size_t		 want;
} utf8[] = {
	{ "\x7f", 1 },
	{ "\xc1\xbf", 0 },		/* overlong 2-byte */
	{ "\xc2\x80", 2 },
	{ "\xdf\xbf", 2 },
	{ "\xdf\xc0", 0 },		/* not a continuation */
	{ "\xe0\x9f\xbf", 0 },	/* overlong 3-byte */
	{ "\xe0\xa0\x80", 3 },
	{ "\xec\xbf\xbf", 3 },
	{ "\xed\x9f\xbf", 3 },
	{ "\xed\xa0\x80", 0 },	/* surrogate */
	{ "\xef\xbf\xbf", 3 },
	{ "\xef\xbf\x7f", 0 },
	{ "\xf0\x8f\xbf\xbf", 0 },	/* overlong 4-byte */
	{ "\xf0\x90\x80\x80", 4 },
	{ "\xf4\x8f\xbf\xbf", 4 },	/* U+10FFFF */
	{ "\xf4\x90\x80\x80", 0 },	/* past it */
	{ "\xf3\xbf\xbf\x3f", 0 },
	{ "\xf5\x80\x80\x80", 0 },
	{ "\x80", 0 },
	{ "\xff", 0 },
};

START_TEST(test_report_utf8_len_table)
{
	ck_assert_uint_eq(report_utf8_len((const unsigned char *)utf8[_i].s),
	    utf8[_i].want);
}
END_TEST

/* What f wrote, in a buffer the caller frees. */
#define CAPTURE(buf, call) do {						\
	size_t len_;							\
	FILE *fp = open_memstream(&(buf), &len_);			\
									\
	ck_assert_ptr_nonnull(fp);					\
	call;								\
	ck_assert_int_eq(fclose(fp), 0);				\
} while (0)

START_TEST(test_report_stats_lines)
{
	uint64_t lanes[3] = { 3 << 20, 0, 1 << 20 };
	struct copy_stats st = { .bytes = 4 << 20, .files = 3, .failed = 1,
	    .dirs = 2, .ranges = 5, .lane_bytes = lanes };
	struct opts o;
	char *out;

	memset(&o, 0, sizeof(o));
	o.jobs = 3;
	o.mode = EXEC_FORK;
	CAPTURE(out, report_stats(fp, &o, &st, 2.0, 0.25));
	ck_assert_str_eq(out, "copied 4194304 bytes (4.00 MiB) in 2.000 s, "
	    "2.00 MiB/s\n"
	    "files 3 copied, 1 failed; 2 directories; 5 tasks; jobs 3, mode "
	    "fork; workers' cpu 0.250 s\n"
	    "worker 0: 3145728 bytes\n"
	    "worker 2: 1048576 bytes\n");
	free(out);
	o.jobs = 1;
	o.mode = EXEC_POOL;
	CAPTURE(out, report_stats(fp, &o, &st, 0, 0));
	ck_assert_str_eq(out, "copied 4194304 bytes (4.00 MiB) in 0.000 s, "
	    "0 B/s\n"
	    "files 3 copied, 1 failed; 2 directories; 5 tasks; jobs 1, mode "
	    "pool; workers' cpu 0.000 s\n"
	    "worker 0: 3145728 bytes\n");
	free(out);
}
END_TEST

START_TEST(test_report_json_object)
{
	uint64_t lanes[2] = { 7, 9 };
	struct copy_error errs[2] = {
		{ "a\"b", { FAULT_WRITE, 28 } },
		{ "c", { FAULT_KILLED, 9 } },
	};
	struct copy_stats st = { .bytes = 16, .written = 12, .resumed = 4,
	    .files = 2, .skipped = 1, .failed = 2, .dirs = 1, .ranges = 3,
	    .chunk = 8, .engines = 1u << ENGINE_PREAD | 1u << ENGINE_CFR,
	    .lane_bytes = lanes, .errors = errs, .nerrors = 2 };
	struct report_run run = { .seconds = 2.0, .cpu = 0.5, .status = 1 };
	char *paths[] = { "s1", "s2", "d" }, *out, *want;
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.jobs = 2;
	o.mode = EXEC_POOL;
	o.engine = ENGINE_AUTO;
	o.bufsz = 4096;
	o.verify = true;
	o.paths = paths;
	o.npaths = 3;
	CAPTURE(out, report_json(fp, &o, &st, &run));
	ck_assert_int_gt(asprintf(&want, "{\n  \"version\": \"%s\",\n"
	    "  \"sources\": [\"s1\", \"s2\"],\n"
	    "  \"destination\": \"d\",\n"
	    "  \"exit_status\": 1,\n"
	    "  \"bytes\": 16,\n  \"bytes_written\": 12,\n"
	    "  \"resumed_bytes\": 4,\n"
	    "  \"files\": 2,\n  \"files_skipped\": 1,\n"
	    "  \"files_failed\": 2,\n  \"directories\": 1,\n"
	    "  \"seconds\": 2.000000,\n  \"throughput_bytes_per_s\": 6,\n"
	    "  \"cpu_seconds\": 0.500000,\n"
	    "  \"jobs\": 2,\n  \"mode\": \"pool\",\n"
	    "  \"engine\": \"%s\",\n"
	    "  \"split\": true,\n  \"destination_kind\": \"disk\",\n"
	    "  \"engines_used\": [\"%s\", \"%s\"],\n"
	    "  \"chunk_size\": 8,\n  \"buffer_size\": 4096,\n"
	    "  \"tasks\": 3,\n  \"verified\": true,\n"
	    "  \"verified_bytes\": 0,\n  \"repaired_ranges\": 0,\n"
	    "  \"kept_files\": 0,\n  \"kept_bytes\": 0,\n"
	    "  \"discarded_bytes\": 0,\n"
	    "  \"worker_bytes\": [7, 9],\n"
	    "  \"errors\": [\n"
	    "    {\"path\": \"a\\\"b\", \"operation\": \"%s\", "
	    "\"error\": \"%s\"},\n"
	    "    {\"path\": \"c\", \"operation\": \"%s\", "
	    "\"error\": \"%s\"}\n"
	    "  ]\n}\n", PACKAGE_VERSION, engine_name(ENGINE_AUTO),
	    engine_name(ENGINE_PREAD), engine_name(ENGINE_CFR),
	    fault_str(FAULT_WRITE), fault_reason(&errs[0].fault),
	    fault_str(FAULT_KILLED), fault_reason(&errs[1].fault)), 0);
	ck_assert_str_eq(out, want);
	free(out);
	free(want);
}
END_TEST

START_TEST(test_report_json_names_for_each_mode)
{
	struct copy_stats st = { .bytes = 0 };
	struct report_run run = { .seconds = 0 };
	char *paths[] = { "s1", "s2" }, *out;
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.jobs = 1;
	o.mode = EXEC_FORK;
	o.paths = paths;
	o.npaths = 2;
	o.target = "t";		/* -t: every path a source */
	st.lane_bytes = (uint64_t[1]){ 0 };
	CAPTURE(out, report_json(fp, &o, &st, &run));
	ck_assert_ptr_nonnull(strstr(out, "\"sources\": [\"s1\", \"s2\"],\n"
	    "  \"destination\": \"t\",\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"throughput_bytes_per_s\": 0,\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"mode\": \"fork\""));
	ck_assert_ptr_nonnull(strstr(out, "\"engines_used\": [],\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"verified\": false,\n"));
	ck_assert_ptr_nonnull(strstr(out, "\"errors\": []\n}\n"));
	free(out);
	o.target = NULL;
	o.tar = TAR_CREATE;
	o.tar_path = "x.tar";
	CAPTURE(out, report_json(fp, &o, &st, &run));
	ck_assert_ptr_nonnull(strstr(out, "\"sources\": [\"s1\", \"s2\"],\n"
	    "  \"destination\": \"x.tar\",\n"));
	free(out);
	o.tar = TAR_EXTRACT;
	CAPTURE(out, report_json(fp, &o, &st, &run));
	ck_assert_ptr_nonnull(strstr(out, "\"sources\": [\"x.tar\"],\n"
	    "  \"destination\": \"s2\",\n"));
	free(out);
}
END_TEST

START_TEST(test_report_version_lines)
{
	char *out, *want;
	int k;

	CAPTURE(out, report_version(fp));
	ck_assert_int_gt(asprintf(&want, "parcp %s\nlibarchive: %s\n",
	    PACKAGE_VERSION, tar_lib_version()), 0);
	ck_assert_int_eq(strncmp(out, want, strlen(want)), 0);
	free(want);
	ck_assert_ptr_nonnull(strstr(out, "\nxxhash: 0."));
	ck_assert_ptr_null(strstr(out, "\nxxhash: 0.0.0\n"));
	for (k = ENGINE_AUTO; k < ENGINE_NKINDS; k++) {
		ck_assert_int_gt(asprintf(&want, " %s%s", engine_name(k),
		    k + 1 == ENGINE_NKINDS ? "\n" : " "), 0);
		ck_assert_msg(strstr(out, want) != NULL, "%s", want);
		free(want);
	}
	ck_assert_ptr_nonnull(strstr(out, "\nengines: auto "));
	ck_assert_ptr_nonnull(strstr(out, "\nexecutors: pool fork\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nreport bugs to: "
	    PACKAGE_BUGREPORT "\n"));
	free(out);
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
	tcase_add_loop_test(tc, test_report_utf8_len_table, 0,
	    sizeof(utf8) / sizeof(utf8[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("print");
	tcase_add_test(tc, test_report_stats_lines);
	tcase_add_test(tc, test_report_json_object);
	tcase_add_test(tc, test_report_json_names_for_each_mode);
	tcase_add_test(tc, test_report_version_lines);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(report_suite());
}
