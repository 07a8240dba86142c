/* manifest: xxhsum's line format, walk order, whole file or none. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "manifest.h"
#include "testutil.h"

static struct flist fl;
static struct manifest m;

static uint32_t
node(const char *name)
{
	struct stat st;
	uint32_t n;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	n = flist_add(&fl, NODE_NONE, name, &st);
	flist_set_dst(&fl, n, name);
	return n;
}

static void
setup(void)
{
	testutil_setup();
	memset(&fl, 0, sizeof(fl));
}

static void
teardown(void)
{
	manifest_free(&m);
	flist_free(&fl);
	testutil_teardown();
}

static char *
slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

START_TEST(test_manifest_lines_in_node_order)
{
	unsigned char h1[VERIFY_HASHLEN], h2[VERIFY_HASHLEN];
	uint32_t a = node("dir/a"), b = node("b b"), c = node("c");
	char buf[512];

	(void)c;
	memset(h1, 0xab, sizeof(h1));
	memset(h2, 0x01, sizeof(h2));
	h2[15] = 0xff;
	manifest_init(&m, fl.n);
	manifest_set(&m, b, h2);	/* completion order: b first */
	manifest_set(&m, a, h1);	/* c never hashed: not listed */
	ck_assert_int_eq(manifest_write(&m, &fl, testutil_path("SUMS")), 0);
	ck_assert_str_eq(slurp(testutil_path("SUMS"), buf, sizeof(buf)),
	    "abababababababababababababababab  dir/a\n"
	    "010101010101010101010101010101ff  b b\n");
}
END_TEST

START_TEST(test_manifest_link_inherits_and_newline_is_refused)
{
	unsigned char h[VERIFY_HASHLEN];
	uint32_t a = node("a"), l = node("l"), nl = node("new\nline");
	char buf[512];

	memset(h, 0x22, sizeof(h));
	manifest_init(&m, fl.n);
	manifest_set(&m, a, h);
	manifest_copy(&m, l, a);
	manifest_set(&m, nl, h);
	ck_assert_int_eq(manifest_write(&m, &fl, testutil_path("SUMS")), 1);
	ck_assert_str_eq(slurp(testutil_path("SUMS"), buf, sizeof(buf)),
	    "22222222222222222222222222222222  a\n"
	    "22222222222222222222222222222222  l\n");
}
END_TEST

START_TEST(test_manifest_unwritable_leaves_nothing)
{
	struct dirent *e;
	DIR *d;

	manifest_init(&m, fl.n);
	ck_assert_int_eq(manifest_write(&m, &fl, testutil_path("no/SUMS")),
	    -1);
	d = opendir(testutil_path(""));
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
		    strcmp(e->d_name, "..") == 0), "left %s", e->d_name);
	closedir(d);
}
END_TEST

/* A link to a file that was never hashed is not listed either. */
START_TEST(test_manifest_link_to_unhashed_is_not_listed)
{
	unsigned char h[VERIFY_HASHLEN];
	struct manifest off;
	uint32_t a = node("a"), u = node("u"), l = node("l");
	char buf[512];

	memset(h, 0x33, sizeof(h));
	manifest_init(&m, fl.n);
	manifest_set(&m, a, h);
	manifest_copy(&m, l, u);		/* u: no hash */
	manifest_copy(&m, l, 1000);		/* past the end */
	ck_assert_int_eq(manifest_write(&m, &fl, testutil_path("SUMS")), 0);
	ck_assert_str_eq(slurp(testutil_path("SUMS"), buf, sizeof(buf)),
	    "33333333333333333333333333333333  a\n");
	/* No manifest asked for: nothing is kept. */
	memset(&off, 0, sizeof(off));
	manifest_set(&off, a, h);
	manifest_copy(&off, l, a);
	ck_assert_ptr_null(off.hash);
	ck_assert_ptr_null(off.has);
}
END_TEST

/* Names from a callback; a member it cannot name (-1) is left out. */
static int
member_name(const void *arg, uint32_t node, char *buf, size_t len)
{
	(void)arg;
	if (node == 1)
		return -1;
	return snprintf(buf, len, "m%u", node);
}

START_TEST(test_manifest_with_names_and_growth)
{
	unsigned char h[VERIFY_HASHLEN];
	char buf[512];

	memset(h, 0x44, sizeof(h));
	manifest_init(&m, 2);
	manifest_set(&m, 0, h);
	manifest_set(&m, 1, h);
	h[0] = 0x45;
	manifest_set(&m, 70, h);	/* a streamed archive's member */
	ck_assert_uint_ge(m.n, 71);
	ck_assert_int_eq(m.has[69], 0);
	manifest_copy(&m, 5, 70);
	ck_assert_int_eq(manifest_write_with(&m, member_name, NULL,
	    testutil_path("SUMS")), 0);
	ck_assert_str_eq(slurp(testutil_path("SUMS"), buf, sizeof(buf)),
	    "44444444444444444444444444444444  m0\n"
	    "45444444444444444444444444444444  m5\n"
	    "45444444444444444444444444444444  m70\n");
}
END_TEST

static Suite *
manifest_suite(void)
{
	Suite *s = suite_create("manifest");
	TCase *tc = tcase_create("manifest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_manifest_lines_in_node_order);
	tcase_add_test(tc, test_manifest_link_inherits_and_newline_is_refused);
	tcase_add_test(tc, test_manifest_unwritable_leaves_nothing);
	tcase_add_test(tc, test_manifest_link_to_unhashed_is_not_listed);
	tcase_add_test(tc, test_manifest_with_names_and_growth);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(manifest_suite());
}
