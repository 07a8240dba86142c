/* opts: sizes and options are validated before anything is copied. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <check.h>

#include "opts.h"
#include "opts_words.h"
#include "testutil.h"

static const struct {
	const char	*text;
	off_t		 want;		/* -1: expect failure */
	int		 err;
} sizes[] = {
	{ "1", 1, 0 },
	{ "4096", 4096, 0 },
	{ "4K", 4096, 0 },
	{ "4k", 4096, 0 },
	{ "4KiB", 4096, 0 },
	{ "64M", (off_t)64 << 20, 0 },
	{ "3G", (off_t)3 << 30, 0 },
	{ "2T", (off_t)2 << 40, 0 },
	{ "7E", (off_t)7 << 60, 0 },
	{ "0", -1, ERANGE },
	{ "8E", -1, ERANGE },
	{ "9223372036854775808", -1, ERANGE },
	{ "99999999999999999999999", -1, ERANGE },
	{ "12XB", -1, EINVAL },
	{ "12MB", -1, EINVAL },
	{ "1.5M", -1, EINVAL },
	{ "", -1, EINVAL },
	{ "M", -1, EINVAL },
	{ "-1", -1, EINVAL },
	{ " 1", -1, EINVAL },
	{ "1 ", -1, EINVAL },
};

START_TEST(test_opts_size_table)
{
	off_t v = -7;
	int rv;

	errno = 0;
	rv = opts_parse_size(sizes[_i].text, 1, INT64_MAX, &v);
	if (sizes[_i].want == -1) {
		ck_assert_msg(rv == -1, "'%s' accepted", sizes[_i].text);
		ck_assert_int_eq(errno, sizes[_i].err);
	} else {
		ck_assert_msg(rv == 0, "'%s' rejected", sizes[_i].text);
		ck_assert_int_eq(v, sizes[_i].want);
	}
}
END_TEST

static enum opts_status
parse(struct opts *o, int argc, const char **argv)
{
	return opts_parse(o, argc, (char **)argv);
}

START_TEST(test_opts_defaults)
{
	const char *argv[] = { "parcp", "a", "b", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 3, argv), OPTS_OK);
	ck_assert_uint_eq(o.jobs, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert_int_eq(o.mode, EXEC_POOL);
	ck_assert_int_eq(o.chunk, 0);
	ck_assert_uint_eq(o.bufsz, OPTS_BUFSZ_DEFAULT);
	ck_assert_int_eq(o.npaths, 2);
	ck_assert_str_eq(o.paths[0], "a");
	ck_assert_str_eq(o.paths[1], "b");
}
END_TEST

START_TEST(test_opts_all_set)
{
	const char *argv[] = { "parcp", "-j", "8", "--mode=fork",
	    "--chunk-size", "512M", "--buffer-size=1M", "-vv", "--stats",
	    "a", "b", "dir", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 12, argv), OPTS_OK);
	ck_assert_uint_eq(o.jobs, 8);
	ck_assert_int_eq(o.mode, EXEC_FORK);
	ck_assert_int_eq(o.chunk, (off_t)512 << 20);
	ck_assert_uint_eq(o.bufsz, 1 << 20);
	ck_assert_int_eq(o.verbose, 2);
	ck_assert(o.stats);
	ck_assert_int_eq(o.npaths, 3);
}
END_TEST

static const char *bad[][5] = {
	{ "parcp", "-j", "0", "a", "b" },
	{ "parcp", "-j", "1025", "a", "b" },
	{ "parcp", "-j", "two", "a", "b" },
	{ "parcp", "--mode", "threads", "a", "b" },
	{ "parcp", "--chunk-size", "12XB", "a", "b" },
	{ "parcp", "--chunk-size", "0", "a", "b" },
	{ "parcp", "--buffer-size", "2G", "a", "b" },
	{ "parcp", "--no-such-option", "x", "a", "b" },
	{ "parcp", "-j", "2", "-v", "onlyone" },
	{ "parcp", "--progress=sometimes", "x", "a", "b" },
	{ "parcp", "--manifest=", "x", "a", "b" },
};

START_TEST(test_opts_trust_options)
{
	const char *argv[] = { "parcp", "--progress", "--verify",
	    "--manifest=SUMS", "--resume", "--fsync", "--json", "a", "b",
	    NULL };
	const char *always[] = { "parcp", "--progress=always", "a", "b",
	    NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 9, argv), OPTS_OK);
	ck_assert_int_eq(o.progress, PROGRESS_AUTO);
	ck_assert(o.verify && o.resume && o.fsync && o.json);
	ck_assert_str_eq(o.manifest, "SUMS");
	ck_assert_int_eq(parse(&o, 4, always), OPTS_OK);
	ck_assert_int_eq(o.progress, PROGRESS_ALWAYS);
	ck_assert(!o.verify && !o.resume && !o.fsync && !o.json);
	ck_assert_ptr_null(o.manifest);
}
END_TEST

START_TEST(test_opts_bad_values_are_usage_errors)
{
	struct opts o;

	ck_assert_int_eq(parse(&o, 5, bad[_i]), OPTS_USAGE);
}
END_TEST

START_TEST(test_opts_missing_operands)
{
	const char *argv[] = { "parcp", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 1, argv), OPTS_USAGE);
}
END_TEST

START_TEST(test_opts_help_and_version_end_the_run)
{
	const char *help[] = { "parcp", "--help", NULL };
	const char *version[] = { "parcp", "--version", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 2, help), OPTS_DONE);
	ck_assert_int_eq(parse(&o, 2, version), OPTS_DONE);
}
END_TEST

START_TEST(test_opts_preserve_lists)
{
	unsigned bits;

	ck_assert_int_eq(opts_parse_preserve("mode", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_MODE);
	ck_assert_int_eq(opts_parse_preserve("timestamps,links,xattr", &bits),
	    0);
	ck_assert_uint_eq(bits, PRESERVE_TIMES | PRESERVE_LINKS |
	    PRESERVE_XATTR);
	ck_assert_int_eq(opts_parse_preserve("all", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_ALL);
	ck_assert_int_eq(opts_parse_preserve("mode,", &bits),
	    OPTS_WORD_AMBIGUOUS);
	ck_assert_int_eq(opts_parse_preserve("", &bits), OPTS_WORD_AMBIGUOUS);
	ck_assert_int_eq(opts_parse_preserve("bogus", &bits),
	    OPTS_WORD_INVALID);
	ck_assert_int_eq(opts_parse_preserve("modes", &bits),
	    OPTS_WORD_INVALID);
}
END_TEST

/* cp's abbreviations: any prefix that names one word. */
START_TEST(test_opts_preserve_words_abbreviate)
{
	unsigned bits;

	ck_assert_int_eq(opts_parse_preserve("mod", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_MODE);
	ck_assert_int_eq(opts_parse_preserve("link,time,own,x", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_LINKS | PRESERVE_TIMES |
	    PRESERVE_OWNER | PRESERVE_XATTR);
	ck_assert_int_eq(opts_parse_preserve("co", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_CONTEXT);
	ck_assert_int_eq(opts_parse_preserve("a", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_ALL);
}
END_TEST

START_TEST(test_opts_no_preserve_clears)
{
	const char *a[] = { "parcp", "-a", "--no-preserve=mode,time", "s",
	    "d", NULL };
	const char *back[] = { "parcp", "--no-preserve=mode", "-p", "s", "d",
	    NULL };
	const char *d[] = { "parcp", "-d", "s", "d", NULL };
	const char *ctx[] = { "parcp", "--preserve=context", "s", "d", NULL };
	const char *unctx[] = { "parcp", "--preserve=context",
	    "--no-preserve=context", "s", "d", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 5, a), OPTS_OK);
	ck_assert_uint_eq(o.preserve, PRESERVE_OWNER | PRESERVE_LINKS |
	    PRESERVE_XATTR);
	ck_assert(o.default_mode);
	ck_assert_int_eq(parse(&o, 5, back), OPTS_OK);
	ck_assert(!o.default_mode);
	ck_assert_int_eq(parse(&o, 4, d), OPTS_OK);
	ck_assert_uint_eq(o.preserve, PRESERVE_LINKS);
	ck_assert_int_eq(o.deref, DEREF_NEVER);
	ck_assert_int_eq(parse(&o, 4, ctx), OPTS_FAIL);
	ck_assert_int_eq(parse(&o, 5, unctx), OPTS_OK);
}
END_TEST

START_TEST(test_opts_archive_and_friends)
{
	const char *a[] = { "parcp", "-a", "s", "d", NULL };
	const char *p[] = { "parcp", "-rp", "--sparse=always", "-nL", "s",
	    "d", NULL };
	const char *t[] = { "parcp", "-t", "dir", "s1", "s2", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 4, a), OPTS_OK);
	ck_assert(o.recursive);
	ck_assert_uint_eq(o.preserve, PRESERVE_ALL);
	ck_assert_int_eq(o.deref, DEREF_NEVER);
	ck_assert(o.xattr_quiet);
	ck_assert_int_eq(parse(&o, 6, p), OPTS_OK);
	ck_assert(o.recursive && o.noclobber);
	ck_assert_uint_eq(o.preserve, PRESERVE_MODE | PRESERVE_OWNER |
	    PRESERVE_TIMES);
	ck_assert_int_eq(o.sparse, SPARSE_ALWAYS);
	ck_assert_int_eq(o.deref, DEREF_ALWAYS);
	ck_assert_int_eq(parse(&o, 5, t), OPTS_OK);
	ck_assert_str_eq(o.target, "dir");
	ck_assert_int_eq(o.npaths, 2);
}
END_TEST

static const char *bad3[][6] = {
	{ "parcp", "-t", "d", "-T", "a", "b" },
	{ "parcp", "-T", "a", "b", "c", NULL },
	{ "parcp", "--preserve=bogus", "a", "b", NULL, NULL },
	{ "parcp", "--sparse=sometimes", "a", "b", NULL, NULL },
};

START_TEST(test_opts_tree_usage_errors)
{
	struct opts o;
	int argc = 0;

	while (argc < 6 && bad3[_i][argc] != NULL)
		argc++;
	ck_assert_int_eq(parse(&o, argc, bad3[_i]), OPTS_USAGE);
}
END_TEST

static const struct {
	const char		*name;
	enum tar_compress	 how;
} names[] = {
	{ "a.tar.gz", COMPRESS_GZIP }, { "a.tgz", COMPRESS_GZIP },
	{ "d/a.tar.xz", COMPRESS_XZ }, { "a.txz", COMPRESS_XZ },
	{ "a.tar.zst", COMPRESS_ZSTD }, { "a.tzst", COMPRESS_ZSTD },
	{ "a.tar.bz2", COMPRESS_BZIP2 }, { "a.tbz2", COMPRESS_BZIP2 },
	{ "a.tar", COMPRESS_NONE }, { "-", COMPRESS_NONE },
	{ ".gz", COMPRESS_NONE }, { "a.tar.GZ", COMPRESS_NONE },
	{ "a.gz.tar", COMPRESS_NONE }, { "", COMPRESS_NONE },
};

START_TEST(test_opts_compress_by_suffix_as_tar_a)
{
	ck_assert_int_eq(opts_compress_by_name(names[_i].name),
	    names[_i].how);
}
END_TEST

START_TEST(test_opts_compress_resolved_for_to_tar)
{
	const char *bysuffix[] = { "parcp", "--to-tar=x.tar.zst", "s", NULL };
	const char *none[] = { "parcp", "--compress=none", "--to-tar=x.tgz",
	    "s", NULL };
	const char *out[] = { "parcp", "--to-tar=-", "--compress=gzip", "s",
	    NULL };
	const char *plain[] = { "parcp", "--to-tar=-", "s", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 3, bysuffix), OPTS_OK);
	ck_assert_int_eq(o.compress, COMPRESS_ZSTD);
	ck_assert_int_eq(parse(&o, 4, none), OPTS_OK);
	ck_assert_int_eq(o.compress, COMPRESS_NONE);
	ck_assert_int_eq(parse(&o, 4, out), OPTS_OK);
	ck_assert_int_eq(o.compress, COMPRESS_GZIP);
	ck_assert_int_eq(parse(&o, 3, plain), OPTS_OK);
	ck_assert_int_eq(o.compress, COMPRESS_NONE);
}
END_TEST

/* Options that do not apply to the tar mode: usage errors. */
static const char *moot[][6] = {
	{ "parcp", "-t", "d", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "-T", "--from-tar=x.tar", "d", NULL },
	{ "parcp", "--inplace", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "--inplace", "--from-tar=x.tar", "d", NULL },
	{ "parcp", "-i", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "-b", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "-n", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "-u", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "--resume", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "--resume", "--from-tar=x.tar", "d", NULL },
	{ "parcp", "-b", "--from-tar=x.tar", "d", NULL },
	{ "parcp", "-bn", "a", "b", NULL },
	{ "parcp", "-i", "--from-tar=x.tar", "d", NULL },
	{ "parcp", "--compress=gzip", "a", "b", NULL },
	{ "parcp", "--compress=xz", "--from-tar=x.tar", "d", NULL },
	{ "parcp", "--compress=lz4", "--to-tar=x.tar", "s", NULL },
	{ "parcp", "--json", "--to-tar=-", "s", NULL },
	{ "parcp", "--stats", "--to-tar=-", "s", NULL },
	{ "parcp", "--verify", "--to-tar=x.tgz", "s", NULL },
	{ "parcp", "--verify", "--to-tar=-", "s", NULL },
};

/* The tar modes' operands: --to-tar SOURCE..., --from-tar DEST. */
START_TEST(test_opts_tar_operands_are_counted)
{
	const char *nosrc[] = { "parcp", "--to-tar=x.tar", NULL };
	const char *nodst[] = { "parcp", "--from-tar=x.tar", NULL };
	const char *two[] = { "parcp", "--from-tar=x.tar", "d", "e", NULL };
	const char *srcs[] = { "parcp", "--to-tar=x.tar", "s", "t", NULL };
	const char *dst[] = { "parcp", "--from-tar=x.tar", "d", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 2, nosrc), OPTS_USAGE);
	ck_assert_int_eq(parse(&o, 2, nodst), OPTS_USAGE);
	ck_assert_int_eq(parse(&o, 4, two), OPTS_USAGE);
	ck_assert_int_eq(parse(&o, 4, srcs), OPTS_OK);
	ck_assert_int_eq(parse(&o, 3, dst), OPTS_OK);
}
END_TEST

START_TEST(test_opts_moot_tar_options_are_usage_errors)
{
	struct opts o;
	int argc;

	for (argc = 0; moot[_i][argc] != NULL; argc++)
		;
	ck_assert_int_eq(parse(&o, argc, moot[_i]), OPTS_USAGE);
}
END_TEST

/* -l and -s: links instead of copies; both at once is a usage error. */
START_TEST(test_opts_link_instead)
{
	const char *l[] = { "parcp", "-l", "a", "b", NULL };
	const char *s[] = { "parcp", "--symbolic-link", "a", "b", NULL };
	const char *plain[] = { "parcp", "a", "b", NULL };
	const char *both[] = { "parcp", "-l", "-s", "a", "b", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 4, l), OPTS_OK);
	ck_assert_uint_eq(o.link_instead, LINK_HARD);
	ck_assert_int_eq(parse(&o, 4, s), OPTS_OK);
	ck_assert_uint_eq(o.link_instead, LINK_SYMBOLIC);
	ck_assert_int_eq(parse(&o, 3, plain), OPTS_OK);
	ck_assert_uint_eq(o.link_instead, 0);
	ck_assert_int_eq(parse(&o, 5, both), OPTS_USAGE);
}
END_TEST

/* --backup's kind: CONTROL, else $VERSION_CONTROL, else existing. */
START_TEST(test_opts_backup_kind_from_control_env_or_existing)
{
	const char *b[] = { "parcp", "-b", "s", "d", NULL };
	const char *t[] = { "parcp", "--backup=t", "-b", "s", "d", NULL };
	const char *off[] = { "parcp", "--backup=of", "-S", "x", "s", "d",
	    NULL };
	const char *plain[] = { "parcp", "s", "d", NULL };
	struct opts o;

	ck_assert_int_eq(unsetenv("VERSION_CONTROL"), 0);
	ck_assert_int_eq(unsetenv("SIMPLE_BACKUP_SUFFIX"), 0);
	ck_assert_int_eq(parse(&o, 4, b), OPTS_OK);
	ck_assert_int_eq(o.backup.kind, BACKUP_EXISTING);
	ck_assert_str_eq(o.backup.suffix, "~");
	ck_assert_int_eq(parse(&o, 5, t), OPTS_OK);
	ck_assert_int_eq(o.backup.kind, BACKUP_NUMBERED);
	ck_assert_int_eq(parse(&o, 6, off), OPTS_OK);
	ck_assert_int_eq(o.backup.kind, BACKUP_NONE);
	ck_assert_int_eq(setenv("VERSION_CONTROL", "never", 1), 0);
	ck_assert_int_eq(setenv("SIMPLE_BACKUP_SUFFIX", ".o", 1), 0);
	ck_assert_int_eq(parse(&o, 4, b), OPTS_OK);
	ck_assert_int_eq(o.backup.kind, BACKUP_SIMPLE);
	ck_assert_str_eq(o.backup.suffix, ".o");
	ck_assert_int_eq(parse(&o, 3, plain), OPTS_OK);
	ck_assert_int_eq(o.backup.kind, BACKUP_NONE);
	ck_assert_int_eq(setenv("VERSION_CONTROL", "x", 1), 0);
	ck_assert_int_eq(parse(&o, 4, b), OPTS_USAGE);
}
END_TEST

START_TEST(test_opts_extract_keeps_its_own_options)
{
	const char *n[] = { "parcp", "-n", "-u", "--manifest=M",
	    "--from-tar=x.tar", "d", NULL };
	const char *m[] = { "parcp", "--manifest=M", "--verify",
	    "--to-tar=x.tar", "s", NULL };
	struct opts o;

	ck_assert_int_eq(parse(&o, 6, n), OPTS_OK);
	ck_assert(o.noclobber && o.update);
	ck_assert_int_eq(parse(&o, 5, m), OPTS_OK);
	ck_assert_str_eq(o.manifest, "M");
}
END_TEST

static Suite *
opts_suite(void)
{
	Suite *s = suite_create("opts");
	TCase *tc;

	tc = tcase_create("size");
	tcase_add_loop_test(tc, test_opts_size_table, 0,
	    sizeof(sizes) / sizeof(sizes[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("parse");
	tcase_add_test(tc, test_opts_defaults);
	tcase_add_test(tc, test_opts_all_set);
	tcase_add_test(tc, test_opts_trust_options);
	tcase_add_loop_test(tc, test_opts_bad_values_are_usage_errors, 0,
	    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_opts_missing_operands);
	tcase_add_test(tc, test_opts_help_and_version_end_the_run);
	tcase_add_test(tc, test_opts_preserve_lists);
	tcase_add_test(tc, test_opts_preserve_words_abbreviate);
	tcase_add_test(tc, test_opts_no_preserve_clears);
	tcase_add_test(tc, test_opts_archive_and_friends);
	tcase_add_loop_test(tc, test_opts_tree_usage_errors, 0,
	    sizeof(bad3) / sizeof(bad3[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("tar");
	tcase_add_loop_test(tc, test_opts_compress_by_suffix_as_tar_a, 0,
	    sizeof(names) / sizeof(names[0]));
	tcase_add_test(tc, test_opts_compress_resolved_for_to_tar);
	tcase_add_test(tc, test_opts_link_instead);
	tcase_add_loop_test(tc, test_opts_moot_tar_options_are_usage_errors,
	    0, sizeof(moot) / sizeof(moot[0]));
	tcase_add_test(tc, test_opts_tar_operands_are_counted);
	tcase_add_test(tc, test_opts_extract_keeps_its_own_options);
	tcase_add_test(tc, test_opts_backup_kind_from_control_env_or_existing);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(opts_suite());
}
