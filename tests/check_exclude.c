/*
 * exclude: rsync's pattern rules, table-driven.  The rows follow
 * rsync(1)'s INCLUDE/EXCLUDE PATTERN RULES (tests/cli/exclude.sh compares
 * whole trees with rsync itself); the classes are fnmatch(3)'s.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "exclude.h"
#include "testutil.h"

static const struct {
	const char	*pattern;
	const char	*path;
	bool		 isdir;
	bool		 excluded;
} rows[] = {
	/* no '/': the last component, at any depth */
	{ "*.o", "a.o", false, true },
	{ "*.o", "x/y/a.o", false, true },
	{ "*.o", "x.o/y", false, false },	/* a parent: not descended */
	{ "*.o", "a.c", false, false },
	{ "cache", "a/cache", true, true },
	{ "?.c", "ab.c", false, false },
	{ "*", ".hidden", false, true },	/* no FNM_PERIOD, as rsync */
	/* a '/': the whole path, or a tail at a component */
	{ "a/b", "a/b", false, true },
	{ "a/b", "x/a/b", false, true },
	{ "a/b", "xa/b", false, false },
	{ "a/*.c", "a/x.c", false, true },
	{ "a/*.c", "a/y/x.c", false, false },	/* '*' stops at '/' */
	{ "a/**.c", "a/y/x.c", false, true },	/* "**" does not */
	{ "a/**/x.c", "a/y/z/x.c", false, true },
	{ "**/x.c", "y/x.c", false, true },
	{ "x*", "x/y", false, false },	/* "y" is tried; "x" in its own turn */
	/* a leading '/': the operand's root only */
	{ "/a", "a", false, true },
	{ "/a", "x/a", false, false },
	{ "/a/b", "a/b", false, true },
	{ "/a/b", "x/a/b", false, false },
	{ "/*.c", "top.c", false, true },
	{ "/*.c", "d/top.c", false, false },
	/* a trailing '/': directories only */
	{ "build/", "build", true, true },
	{ "build/", "build", false, false },
	{ "build/", "x/build", true, true },
	{ "/build/", "x/build", true, false },
	/* brackets, classes, escapes */
	{ "[ab].txt", "b.txt", false, true },
	{ "[!ab].txt", "b.txt", false, false },
	{ "[[:digit:]]*", "7up", false, true },
	{ "[[:digit:]]*", "up7", false, false },
	{ "[", "[", false, true },		/* not a bracket: itself */
	{ "[[:alpha", "[[:alpha", false, true },	/* an open class: too */
	{ "[[:a:b]", "b", false, false },	/* "[:a:" must end in ']' */
	{ "\\*", "*", false, true },
	{ "\\*", "x", false, false },
	{ "a?c", "a/c", false, false },		/* '?' never matches '/' */
};

START_TEST(test_exclude_follows_rsync_rules)
{
	struct exclude x = { NULL, 0 };

	exclude_add(&x, rows[_i].pattern);
	ck_assert_msg(exclude_match(&x, rows[_i].path, rows[_i].isdir) ==
	    rows[_i].excluded, "pattern '%s', path '%s'%s: expected %s",
	    rows[_i].pattern, rows[_i].path, rows[_i].isdir ? " (dir)" : "",
	    rows[_i].excluded ? "excluded" : "kept");
	exclude_free(&x);
}
END_TEST

START_TEST(test_exclude_any_pattern_of_several)
{
	struct exclude x = { NULL, 0 };

	ck_assert(!exclude_match(&x, "a", false));	/* none: nothing */
	exclude_add(&x, "*.o");
	exclude_add(&x, "tmp/");
	ck_assert(exclude_match(&x, "d/x.o", false));
	ck_assert(exclude_match(&x, "d/tmp", true));
	ck_assert(!exclude_match(&x, "d/tmp", false));
	ck_assert(!exclude_match(&x, "d/x.c", false));
	exclude_free(&x);
}
END_TEST

/*
 * A bracket expression of up to 255 bytes is one (fnmatch(3) is given a
 * copy of it); a longer one is not, and '[' is then itself.
 */
START_TEST(test_exclude_long_bracket_expressions)
{
	char pat[300];

	memset(pat, 'a', sizeof(pat));
	pat[0] = '[';
	pat[253] = 'b';
	pat[254] = ']';
	pat[255] = '\0';		/* "[aa...ab]": 255 bytes */
	ck_assert(exclude_glob(pat, "b"));
	ck_assert(!exclude_glob(pat, "c"));
	pat[254] = 'a';
	pat[255] = 'b';
	pat[256] = ']';
	pat[257] = '\0';		/* 257 bytes: no bracket */
	ck_assert(!exclude_glob(pat, "b"));
	ck_assert(exclude_glob("[x]", "x"));
}
END_TEST

START_TEST(test_exclude_load_skips_blank_and_comment_lines)
{
	struct exclude x = { NULL, 0 };
	const char *path = testutil_path("list");
	FILE *fp;

	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("# objects\n*.o\n\n  \ncache/\r\n#x\n/top", fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(exclude_load(&x, path), 0);
	ck_assert_uint_eq(x.n, 4);	/* "  " is a pattern, as in rsync */
	ck_assert(exclude_match(&x, "a/b.o", false));
	ck_assert(exclude_match(&x, "a/cache", true));
	ck_assert(exclude_match(&x, "top", false));
	ck_assert(!exclude_match(&x, "a/top", false));
	ck_assert(!exclude_match(&x, "#x", false));
	exclude_free(&x);
}
END_TEST

START_TEST(test_exclude_load_of_a_missing_file_fails)
{
	struct exclude x = { NULL, 0 };

	ck_assert_int_eq(exclude_load(&x, testutil_path("absent")), -1);
	ck_assert_uint_eq(x.n, 0);
}
END_TEST

static Suite *
exclude_suite(void)
{
	Suite *s = suite_create("exclude");
	TCase *tc;

	tc = tcase_create("rules");
	tcase_add_loop_test(tc, test_exclude_follows_rsync_rules, 0,
	    (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_exclude_any_pattern_of_several);
	tcase_add_test(tc, test_exclude_long_bracket_expressions);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_exclude_load_skips_blank_and_comment_lines);
	tcase_add_test(tc, test_exclude_load_of_a_missing_file_fails);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(exclude_suite());
}
