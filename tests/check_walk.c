/* walk: SOURCE... DEST into a file list, by cp's naming rules. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "flist.h"
#include "opts.h"
#include "walk.h"
#include "testutil.h"

static struct opts o;
static struct flist fl;

static void
setup(void)
{
	testutil_setup();
	ck_assert_int_eq(chdir(testutil_path(".")), 0);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(mkdir("src", 0755), 0);
	ck_assert_int_eq(mkdir("src/d", 0755), 0);
	testutil_make_file("src/d/f", 10, 1);
	testutil_make_file("src/g", 20, 2);
	ck_assert_int_eq(symlink("g", "src/l"), 0);
	ck_assert_int_eq(link("src/g", "src/h"), 0);
}

static void
teardown(void)
{
	flist_free(&fl);
	testutil_teardown();
}

/* walk_args for "parcp ARG... NULL"; its return value. */
static int
walk(const char *first, ...)
{
	char *argv[16] = { (char *)"parcp" };
	int argc = 1;
	const char *a;
	va_list ap;

	va_start(ap, first);
	for (a = first; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	ck_assert_int_eq(opts_parse(&o, argc, argv), OPTS_OK);
	return walk_args(&o, &fl, NULL);
}

/* The node whose source path is path, or NODE_NONE. */
static uint32_t
find(const char *path)
{
	char buf[PATH_MAX];
	uint32_t i;

	for (i = 0; i < fl.n; i++)
		if (flist_path(&fl, i, FLIST_SRC, buf, sizeof(buf)) > 0 &&
		    strcmp(buf, path) == 0)
			return i;
	return NODE_NONE;
}

static const char *
dst_of(const char *path)
{
	static char buf[PATH_MAX];
	uint32_t n = find(path);

	ck_assert_msg(n != NODE_NONE, "%s not walked", path);
	ck_assert_int_gt(flist_path(&fl, n, FLIST_DST, buf, sizeof(buf)), 0);
	return buf;
}

START_TEST(test_walk_new_dest_is_the_copy_existing_dir_holds_it)
{
	ck_assert_int_eq(walk("-r", "src", "new", NULL), 0);
	ck_assert_str_eq(dst_of("src/d/f"), "new/d/f");
	flist_free(&fl);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(mkdir("there", 0755), 0);
	ck_assert_int_eq(walk("-r", "src", "there", NULL), 0);
	ck_assert_str_eq(dst_of("src/d/f"), "there/src/d/f");
	flist_free(&fl);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(walk("-rT", "src", "there", NULL), 0);
	ck_assert_str_eq(dst_of("src/g"), "there/g");
}
END_TEST

START_TEST(test_walk_is_preorder_with_types)
{
	uint32_t i, top, d, f, l;

	ck_assert_int_eq(walk("-r", "src", "new", NULL), 0);
	ck_assert_uint_eq(fl.n, 6);
	top = find("src");
	d = find("src/d");
	f = find("src/d/f");
	l = find("src/l");
	ck_assert_uint_eq(top, 0);
	ck_assert(d != NODE_NONE && f != NODE_NONE && l != NODE_NONE);
	for (i = 1; i < fl.n; i++)
		ck_assert_uint_lt(fl.v[i].parent, i);	/* parents first */
	ck_assert_int_eq(fl.v[top].type, FT_DIR);
	ck_assert_int_eq(fl.v[d].type, FT_DIR);
	ck_assert_int_eq(fl.v[f].type, FT_REG);
	ck_assert_int_eq(fl.v[f].size, 10);
	ck_assert_int_eq(fl.v[l].type, FT_LNK);	/* -r: not followed */
	ck_assert_uint_eq(fl.v[f].parent, d);
}
END_TEST

START_TEST(test_walk_links_only_when_kept)
{
	uint32_t g, h;

	ck_assert_int_eq(walk("-r", "src", "new", NULL), 0);
	ck_assert_uint_eq(fl.v[find("src/g")].link, NODE_NONE);
	ck_assert_uint_eq(fl.v[find("src/h")].link, NODE_NONE);
	flist_free(&fl);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(walk("-a", "src", "new", NULL), 0);
	g = find("src/g");
	h = find("src/h");
	/* the later of the two names links to the first */
	ck_assert(fl.v[g].link == h || fl.v[h].link == g);
	ck_assert(fl.v[g].link == NODE_NONE || fl.v[h].link == NODE_NONE);
}
END_TEST

START_TEST(test_walk_follows_operand_symlinks_without_r)
{
	ck_assert_int_eq(walk("src/l", "copy", NULL), 0);
	ck_assert_uint_eq(fl.n, 1);
	ck_assert_int_eq(fl.v[0].type, FT_REG);
	ck_assert_int_eq(fl.v[0].size, 20);
	flist_free(&fl);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(walk("-rP", "src/l", "copy", NULL), 0);
	ck_assert_int_eq(fl.v[0].type, FT_LNK);
}
END_TEST

START_TEST(test_walk_refusals_are_errors_nothing_added)
{
	/* a directory without -r */
	ck_assert_int_eq(walk("src/d", "x", NULL), 1);
	ck_assert_uint_eq(fl.n, 0);
	/* a missing source, and the rest still walked */
	ck_assert_int_eq(walk("nosuch", "src/g", "src/d", NULL), 1);
	ck_assert_uint_eq(fl.n, 1);
	ck_assert_uint_eq(find("nosuch"), NODE_NONE);
	ck_assert_str_eq(dst_of("src/g"), "src/d/g");
}
END_TEST

START_TEST(test_walk_several_sources_need_a_directory)
{
	ck_assert_int_eq(walk("src/g", "src/h", "notadir", NULL), -1);
	testutil_make_file("file", 1, 1);
	ck_assert_int_eq(walk("src/g", "src/h", "file", NULL), -1);
}
END_TEST

START_TEST(test_walk_directory_into_itself_is_refused)
{
	ck_assert_int_ne(walk("-r", "src", "src/d", NULL), 0);
	ck_assert_uint_eq(find("src/d/f"), NODE_NONE);
}
END_TEST

START_TEST(test_walk_same_destination_twice_copies_the_first)
{
	ck_assert_int_eq(mkdir("a", 0755), 0);
	ck_assert_int_eq(mkdir("b", 0755), 0);
	testutil_make_file("a/1", 1, 1);
	testutil_make_file("b/1", 2, 2);
	ck_assert_int_eq(walk("a/1", "b/1", "src/d", NULL), 1);
	ck_assert_uint_ne(find("a/1"), NODE_NONE);
	ck_assert_uint_eq(find("b/1"), NODE_NONE);
}
END_TEST

static Suite *
walk_suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_walk_new_dest_is_the_copy_existing_dir_holds_it);
	tcase_add_test(tc, test_walk_is_preorder_with_types);
	tcase_add_test(tc, test_walk_links_only_when_kept);
	tcase_add_test(tc, test_walk_follows_operand_symlinks_without_r);
	tcase_add_test(tc, test_walk_refusals_are_errors_nothing_added);
	tcase_add_test(tc, test_walk_several_sources_need_a_directory);
	tcase_add_test(tc, test_walk_directory_into_itself_is_refused);
	tcase_add_test(tc, test_walk_same_destination_twice_copies_the_first);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(walk_suite());
}
