/* tree: both sides' directories by descriptor, checked by identity. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "flist.h"
#include "tree.h"
#include "testutil.h"

static struct flist fl;
static struct tree t;

static void
setup(void)
{
	testutil_setup();
	memset(&fl, 0, sizeof(fl));
}

static void
teardown(void)
{
	tree_free(&t);
	flist_free(&fl);
	testutil_teardown();
}

/* A node for path (stat'ed now, as the walk would). */
static uint32_t
add(uint32_t parent, const char *name, const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return flist_add(&fl, parent, name, &st);
}

/* rename a to b, both under the scratch dir. */
static void
mv(const char *a, const char *b)
{
	char from[PATH_MAX];

	(void)snprintf(from, sizeof(from), "%s", testutil_path(a));
	ck_assert_int_eq(rename(from, testutil_path(b)), 0);
}

/* Does fd name the same inode as path? */
static bool
is(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int
open_fds(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(test_tree_operand_is_its_directory_and_last_name)
{
	static const struct {
		const char	*path;	/* under the scratch dir */
		const char	*dir;
		const char	*leaf;
	} c[] = {
		{ "a", ".", "a" },
		{ "x/y", "x", "y" },
		{ "x/y//", "x", "y" },
		{ "x//y", "x", "y" },
	};
	struct tree_at at;
	struct fault f;
	char path[PATH_MAX];
	uint32_t n;
	size_t i;

	ck_assert_int_eq(mkdir(testutil_path("x"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("x/y"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("a"), 0755), 0);
	ck_assert_int_eq(chdir(testutil_path(".")), 0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = add(NODE_NONE, c[i].path, c[i].path);
		flist_set_dst(&fl, n, c[i].path);
	}
	n = add(NODE_NONE, "/", "/");
	flist_set_dst(&fl, n, "/");
	tree_init(&t, &fl, false, false);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ck_assert_int_eq(tree_at(&t, FLIST_SRC, (uint32_t)i, &at, &f),
		    0);
		ck_assert_str_eq(at.name, c[i].leaf);
		(void)snprintf(path, sizeof(path), "%s", c[i].dir);
		ck_assert_msg(is(at.dir, path), "%s: not in %s", c[i].path,
		    path);
		ck_assert_int_eq(tree_at(&t, FLIST_DST, (uint32_t)i, &at, &f),
		    0);
		ck_assert(is(at.dir, path));
	}
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, n, &at, &f), 0);
	ck_assert_str_eq(at.name, ".");
	ck_assert(is(at.dir, "/"));
}
END_TEST

/* An operand whose last name is longer than NAME_MAX: a fault, no copy
 * of it into the entry's name. */
START_TEST(test_tree_operand_name_too_long_is_a_fault)
{
	char path[NAME_MAX + 64];
	struct tree_at at;
	struct fault f;
	struct stat st;
	uint32_t n;

	ck_assert_int_eq(stat(testutil_path("."), &st), 0);
	memset(path, 'x', sizeof(path) - 1);
	path[0] = 'd';
	path[1] = '/';
	path[sizeof(path) - 1] = '\0';
	n = flist_add(&fl, NODE_NONE, path, &st);
	flist_set_dst(&fl, n, path);
	tree_init(&t, &fl, false, false);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, n, &at, &f), -1);
	ck_assert_int_eq(f.op, FAULT_PATH);
	ck_assert_int_eq(f.err, ENAMETOOLONG);
}
END_TEST

/* src/d/f, with the tree made before anything is opened. */
static uint32_t
small_tree(uint32_t *d)
{
	uint32_t top;

	ck_assert_int_eq(mkdir(testutil_path("src"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("src/d"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("other"), 0755), 0);
	testutil_make_file(testutil_path("src/d/f"), 10, 1);
	testutil_make_file(testutil_path("other/f"), 10, 2);
	top = add(NODE_NONE, testutil_path("src"), testutil_path("src"));
	flist_set_dst(&fl, top, testutil_path("src"));
	*d = add(top, "d", testutil_path("src/d"));
	return add(*d, "f", testutil_path("src/d/f"));
}

START_TEST(test_tree_entry_is_beneath_its_parents)
{
	struct tree_at at;
	struct fault f;
	uint32_t d, file = small_tree(&d);

	tree_init(&t, &fl, false, false);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, file, &at, &f), 0);
	ck_assert_str_eq(at.name, "f");
	ck_assert(is(at.dir, testutil_path("src/d")));
	/* cached: the same descriptor again */
	ck_assert_int_eq(tree_dir(&t, FLIST_SRC, d, &f), at.dir);
}
END_TEST

START_TEST(test_tree_source_dir_swapped_for_a_symlink_fails)
{
	struct tree_at at;
	struct fault f;
	uint32_t d, file = small_tree(&d);

	tree_init(&t, &fl, false, false);
	mv("src/d", "old");
	ck_assert_int_eq(symlink("../other", testutil_path("src/d")), 0);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, file, &at, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CHANGED);
	/* -L follows it, but it is still not the directory walked */
	tree_free(&t);
	tree_init(&t, &fl, true, false);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, file, &at, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CHANGED);
}
END_TEST

START_TEST(test_tree_source_dir_replaced_by_another_fails)
{
	struct tree_at at;
	struct fault f;
	int before;
	uint32_t d, file = small_tree(&d);

	tree_init(&t, &fl, false, false);
	mv("src/d", "old");
	mv("other", "src/d");
	before = open_fds();
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, file, &at, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CHANGED);
	/* the refused descriptor is closed; only src's stays cached */
	ck_assert_int_le(open_fds(), before + 2);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, file, &at, &f), -1);
	ck_assert_int_le(open_fds(), before + 2);
}
END_TEST

START_TEST(test_tree_destination_dir_checked_once_recorded)
{
	struct tree_at at;
	struct fault f;
	uint32_t d, file = small_tree(&d);
	int fd;

	tree_init(&t, &fl, false, false);
	/* DEST is the same tree here: record d's identity as made */
	ck_assert_int_ge(fd = open(testutil_path("src/d"), O_PATH), 0);
	ck_assert_int_eq(tree_set_dst(&t, d, fd), 0);
	(void)close(fd);
	mv("src/d", "old");
	ck_assert_int_eq(symlink("../other", testutil_path("src/d")), 0);
	ck_assert_int_eq(tree_at(&t, FLIST_DST, file, &at, &f), -1);
	ck_assert_int_eq(f.op, FAULT_MOVED);
	/* --keep-directory-symlink follows it: still another directory */
	tree_free(&t);
	tree_init(&t, &fl, false, true);
	ck_assert_int_ge(fd = open(testutil_path("old"), O_PATH), 0);
	ck_assert_int_eq(tree_set_dst(&t, d, fd), 0);
	(void)close(fd);
	ck_assert_int_eq(tree_at(&t, FLIST_DST, file, &at, &f), -1);
	ck_assert_int_eq(f.op, FAULT_MOVED);
	/* without --keep-directory-symlink, a symlink to the very directory
	 * recorded is no way into DEST either (an operand's too) */
	tree_free(&t);
	tree_init(&t, &fl, false, false);
	ck_assert_int_ge(fd = open(testutil_path("src"), O_PATH), 0);
	ck_assert_int_eq(tree_set_dst(&t, 0, fd), 0);
	(void)close(fd);
	mv("src", "src.real");
	ck_assert_int_eq(symlink("src.real", testutil_path("src")), 0);
	ck_assert_int_eq(tree_dir(&t, FLIST_DST, 0, &f), -1);
	ck_assert_int_eq(f.op, FAULT_MOVED);
	ck_assert_int_eq(unlink(testutil_path("src")), 0);
	mv("src.real", "src");
	tree_free(&t);
	tree_init(&t, &fl, false, true);
	ck_assert_int_ge(fd = open(testutil_path("old"), O_PATH), 0);
	ck_assert_int_eq(tree_set_dst(&t, d, fd), 0);
	(void)close(fd);
	/* ... and the directory recorded, through the symlink: fine */
	ck_assert_int_eq(unlink(testutil_path("src/d")), 0);
	ck_assert_int_eq(symlink("../old", testutil_path("src/d")), 0);
	ck_assert_int_eq(tree_at(&t, FLIST_DST, file, &at, &f), 0);
	ck_assert(is(at.dir, testutil_path("old")));
}
END_TEST


/* A staged operand resolves to its staged leaf beside its name, for the
 * destination only, until unstaged; and the staged mark is per node. */
START_TEST(test_tree_staged_operand_resolves_beside_its_name)
{
	struct tree_at at;
	struct fault f;
	uint32_t d, file = small_tree(&d);
	int fd;

	ck_assert_int_eq(mkdir(testutil_path(".stage"), 0700), 0);
	ck_assert_int_eq(mkdir(testutil_path(".stage/d"), 0700), 0);
	tree_init(&t, &fl, false, false);
	ck_assert_ptr_null(tree_staged_leaf(&t, 0));
	tree_stage(&t, 0, ".stage");
	ck_assert_str_eq(tree_staged_leaf(&t, 0), ".stage");
	ck_assert_ptr_null(tree_staged_leaf(&t, d));
	ck_assert_int_eq(tree_at(&t, FLIST_DST, 0, &at, &f), 0);
	ck_assert_str_eq(at.name, ".stage");
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, 0, &at, &f), 0);
	ck_assert_str_eq(at.name, "src");
	/* below it, the staged directory's: */
	ck_assert_int_eq(tree_at(&t, FLIST_DST, file, &at, &f), 0);
	ck_assert(is(at.dir, testutil_path(".stage/d")));
	/* staged marks: only once recorded, only the node marked */
	tree_set_staged(&t, d);
	ck_assert(!tree_in_staged(&t, d));
	ck_assert_int_ge(fd = open(testutil_path(".stage/d"), O_PATH), 0);
	ck_assert_int_eq(tree_set_dst(&t, d, fd), 0);
	(void)close(fd);
	tree_set_staged(&t, d);
	ck_assert(tree_in_staged(&t, d));
	ck_assert(!tree_in_staged(&t, 0));
	ck_assert(!tree_in_staged(&t, file));
	tree_close(&t);
	tree_unstage(&t, 0);
	ck_assert_ptr_null(tree_staged_leaf(&t, 0));
	ck_assert_int_eq(tree_at(&t, FLIST_DST, 0, &at, &f), 0);
	ck_assert_str_eq(at.name, "src");
}
END_TEST

/* Deeper than the cache and than PATH_MAX: bounded descriptors. */
START_TEST(test_tree_deep_chain_reopens_from_parents)
{
	char name[201];
	struct tree_at at;
	struct fault f;
	uint32_t node;
	int dir, next, i, before;

	memset(name, 'n', 200);
	name[200] = '\0';
	ck_assert_int_ge(dir = open(testutil_path("."), O_PATH), 0);
	ck_assert_int_eq(mkdir(testutil_path("top"), 0755), 0);
	node = add(NODE_NONE, testutil_path("top"), testutil_path("top"));
	flist_set_dst(&fl, node, testutil_path("top"));
	ck_assert_int_ge(next = openat(dir, "top", O_PATH), 0);
	(void)close(dir);
	dir = next;
	for (i = 0; i < 3 * TREE_SLOTS; i++) {
		struct stat st;

		ck_assert_int_eq(mkdirat(dir, name, 0755), 0);
		ck_assert_int_eq(fstatat(dir, name, &st, 0), 0);
		node = flist_add(&fl, node, name, &st);
		ck_assert_int_ge(next = openat(dir, name, O_PATH), 0);
		(void)close(dir);
		dir = next;
	}
	(void)close(dir);
	before = open_fds();
	tree_init(&t, &fl, false, false);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, node, &at, &f), 0);
	ck_assert_str_eq(at.name, name);
	ck_assert_int_le(open_fds(), before + 2 * TREE_SLOTS);
	/* the top again, then the bottom: evicted ones come back */
	ck_assert_int_ge(tree_dir(&t, FLIST_SRC, 1, &f), 0);
	ck_assert_int_eq(tree_at(&t, FLIST_SRC, node, &at, &f), 0);
	tree_close(&t);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static Suite *
tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("tree");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tree_operand_is_its_directory_and_last_name);
	tcase_add_test(tc, test_tree_operand_name_too_long_is_a_fault);
	tcase_add_test(tc, test_tree_entry_is_beneath_its_parents);
	tcase_add_test(tc, test_tree_source_dir_swapped_for_a_symlink_fails);
	tcase_add_test(tc, test_tree_source_dir_replaced_by_another_fails);
	tcase_add_test(tc, test_tree_destination_dir_checked_once_recorded);
	tcase_add_test(tc, test_tree_deep_chain_reopens_from_parents);
	tcase_add_test(tc, test_tree_staged_operand_resolves_beside_its_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(tree_suite());
}
