/* flist: compact nodes, paths rebuilt from parents. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "flist.h"
#include "testutil.h"

static struct stat dir_st = { .st_mode = S_IFDIR | 0755 };
static struct stat reg_st = { .st_mode = S_IFREG | 0644, .st_size = 42 };

START_TEST(test_flist_paths_join_parents_on_both_sides)
{
	struct flist fl;
	uint32_t root, sub, file;
	char buf[256];

	memset(&fl, 0, sizeof(fl));
	root = flist_add(&fl, NODE_NONE, "src/", &dir_st);
	flist_set_dst(&fl, root, "/backup/src");
	sub = flist_add(&fl, root, "sub dir", &dir_st);
	file = flist_add(&fl, sub, "f\nx", &reg_st);
	ck_assert_int_eq(flist_path(&fl, file, FLIST_SRC, buf, sizeof(buf)),
	    (int)strlen("src/sub dir/f\nx"));
	ck_assert_str_eq(buf, "src/sub dir/f\nx");
	ck_assert_int_gt(flist_path(&fl, file, FLIST_DST, buf, sizeof(buf)),
	    0);
	ck_assert_str_eq(buf, "/backup/src/sub dir/f\nx");
	ck_assert_int_gt(flist_path(&fl, root, FLIST_DST, buf, sizeof(buf)),
	    0);
	ck_assert_str_eq(buf, "/backup/src");
	ck_assert_str_eq(flist_name(&fl, sub), "sub dir");
	ck_assert_int_eq(fl.v[file].type, FT_REG);
	ck_assert_int_eq(fl.v[file].size, 42);
	ck_assert_int_eq(fl.v[sub].size, 0);
	ck_assert_uint_eq(fl.v[file].link, NODE_NONE);
	flist_free(&fl);
}
END_TEST

START_TEST(test_flist_many_nodes_survive_growth)
{
	struct flist fl;
	uint32_t root, i, last = 0;
	char name[32], buf[64];

	memset(&fl, 0, sizeof(fl));
	root = flist_add(&fl, NODE_NONE, "r", &dir_st);
	flist_set_dst(&fl, root, "d");
	for (i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		last = flist_add(&fl, root, name, &reg_st);
	}
	ck_assert_uint_eq(fl.n, 100001);
	ck_assert_int_gt(flist_path(&fl, last, FLIST_DST, buf, sizeof(buf)),
	    0);
	ck_assert_str_eq(buf, "d/n99999");
	flist_free(&fl);
}
END_TEST

START_TEST(test_flist_too_long_path_is_enametoolong)
{
	struct flist fl;
	uint32_t n;
	char buf[8];

	memset(&fl, 0, sizeof(fl));
	n = flist_add(&fl, NODE_NONE, "abc", &dir_st);
	flist_set_dst(&fl, n, "d");
	n = flist_add(&fl, n, "defgh", &reg_st);
	ck_assert_int_eq(flist_path(&fl, n, FLIST_SRC, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(flist_path(&fl, n, FLIST_DST, buf, sizeof(buf)), 7);
	flist_free(&fl);
}
END_TEST

/* Every byte counts: the NUL, the '/' between, a buffer of none. */
START_TEST(test_flist_path_fits_to_the_byte)
{
	struct flist fl;
	uint32_t root, n;
	char buf[16];

	memset(&fl, 0, sizeof(fl));
	root = flist_add(&fl, NODE_NONE, "abc", &dir_st);
	flist_set_dst(&fl, root, "abc");
	n = flist_add(&fl, root, "de", &reg_st);
	ck_assert_int_eq(flist_path(&fl, n, FLIST_SRC, buf, 7), 6);
	ck_assert_str_eq(buf, "abc/de");
	ck_assert_int_eq(flist_path(&fl, n, FLIST_SRC, buf, 6), -1);
	ck_assert_int_eq(flist_path(&fl, n, FLIST_SRC, buf, 5), -1);
	errno = 0;
	ck_assert_int_eq(flist_path(&fl, n, FLIST_SRC, buf, 4), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);	/* no room for the '/' */
	ck_assert_int_eq(flist_path(&fl, root, FLIST_SRC, buf, 4), 3);
	ck_assert_int_eq(flist_path(&fl, root, FLIST_SRC, buf, 3), -1);
	ck_assert_int_eq(flist_path(&fl, root, FLIST_SRC, buf, 0), -1);
	flist_free(&fl);
	ck_assert_ptr_null(fl.v);
	ck_assert_ptr_null(fl.names);
	ck_assert_uint_eq(fl.n, 0);
}
END_TEST

/* Thousands of entries and names: the arrays grow, nothing moves. */
START_TEST(test_flist_grows)
{
	struct flist fl;
	char name[64], buf[128];
	uint32_t root, i;

	memset(&fl, 0, sizeof(fl));
	root = flist_add(&fl, NODE_NONE, "r", &dir_st);
	flist_set_dst(&fl, root, "r");
	for (i = 0; i < 3000; i++) {
		(void)snprintf(name, sizeof(name), "file-%u-with-a-longish-name",
		    i);
		ck_assert_uint_eq(flist_add(&fl, root, name, &reg_st), i + 1);
	}
	ck_assert_uint_eq(fl.n, 3001);
	for (i = 0; i < 3000; i += 299) {
		(void)snprintf(name, sizeof(name),
		    "r/file-%u-with-a-longish-name", i);
		ck_assert_int_gt(flist_path(&fl, i + 1, FLIST_SRC, buf,
		    sizeof(buf)), 0);
		ck_assert_str_eq(buf, name);
		ck_assert_uint_eq(fl.v[i + 1].parent, root);
	}
	flist_free(&fl);
}
END_TEST

START_TEST(test_flist_types)
{
	ck_assert_int_eq(flist_type(S_IFREG), FT_REG);
	ck_assert_int_eq(flist_type(S_IFDIR), FT_DIR);
	ck_assert_int_eq(flist_type(S_IFLNK), FT_LNK);
	ck_assert_int_eq(flist_type(S_IFIFO), FT_FIFO);
	ck_assert_int_eq(flist_type(S_IFCHR), FT_CHR);
	ck_assert_int_eq(flist_type(S_IFBLK), FT_BLK);
	ck_assert_int_eq(flist_type(S_IFSOCK), -1);
}
END_TEST

static Suite *
flist_suite(void)
{
	Suite *s = suite_create("flist");
	TCase *tc = tcase_create("nodes");

	tcase_add_test(tc, test_flist_paths_join_parents_on_both_sides);
	tcase_add_test(tc, test_flist_many_nodes_survive_growth);
	tcase_add_test(tc, test_flist_too_long_path_is_enametoolong);
	tcase_add_test(tc, test_flist_path_fits_to_the_byte);
	tcase_add_test(tc, test_flist_grows);
	tcase_add_test(tc, test_flist_types);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(flist_suite());
}
