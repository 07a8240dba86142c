/*
 * later: the parent's passes for what waits (make_links, finish_dirs),
 * without a pool, on a tree changed after the walk.  Each failure must be
 * the run's (the entry failed, said with its own fault), never a success
 * and never a temp name left beside the final one.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "copyx.h"
#include "dest.h"
#include "manifest.h"
#include "walk.h"
#include "testutil.h"

static struct opts o;
static struct flist fl;
static struct copy_stats st;
static struct copy c;
static char src[PATH_MAX], dst[PATH_MAX];
static int dstfd = -1;
static uint32_t first, later;	/* the group's first name, its later one */

/* dst/NAME of node (the operand's children only). */
static const char *
in_dst(uint32_t node)
{
	static char p[PATH_MAX];

	ck_assert_int_lt(snprintf(p, sizeof(p), "%s/%s", dst,
	    flist_name(&fl, node)), (int)sizeof(p));
	return p;
}

/* Which of a and b the walk met first (readdir's order). */
static void
group(void)
{
	uint32_t i;

	for (i = 0; i < fl.n; i++)
		if (fl.v[i].link != NODE_NONE) {
			later = i;
			first = fl.v[i].link;
			return;
		}
	ck_abort_msg("no hard-link group");
}

/*
 * src/ (a, and b a hard link of it, or the other way round) walked for parcp -a --json src dst;
 * dst made as the run would (its identity recorded), the group's first
 * copied into it and done: what make_links and finish_dirs find at the run's end.
 */
static void
setup(void)
{
	char *argv[] = { (char *)"parcp", (char *)"-a", (char *)"--json",
	    src, dst };
	char a[PATH_MAX];

	testutil_setup();
	(void)snprintf(src, sizeof(src), "%s", testutil_path("src"));
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("dst"));
	ck_assert_int_eq(mkdir(src, 0755), 0);
	testutil_make_file(testutil_path("src/a"), 1000, 3);
	(void)snprintf(a, sizeof(a), "%s", testutil_path("src/a"));
	ck_assert_int_eq(link(a, testutil_path("src/b")), 0);
	ck_assert_int_eq(opts_parse(&o, 5, argv), OPTS_OK);
	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(walk_args(&o, &fl, NULL), 0);
	ck_assert_uint_eq(fl.n, 3);
	group();
	memset(&c, 0, sizeof(c));
	memset(&st, 0, sizeof(st));
	c.o = &o;
	c.fl = &fl;
	c.st = &st;
	c.out = stderr;
	c.wc.fl = &fl;
	c.wc.o = &o;
	c.wc.tree = &c.tree;
	c.wc.owner = getpid();
	dest_token(c.wc.token);
	tree_init(&c.tree, &fl, false, false);
	ck_assert_int_eq(mkdir(dst, 0700), 0);
	ck_assert_int_ge(dstfd = open(dst, O_RDONLY | O_DIRECTORY), 0);
	ck_assert_int_eq(tree_set_dst(&c.tree, 0, dstfd), 0);
	testutil_make_file(in_dst(first), 1000, 3);
	fl.v[first].state = NS_DONE;
}

static void
teardown(void)
{
	size_t i;

	for (i = 0; i < st.nerrors; i++)
		free(st.errors[i].path);
	free(st.errors);
	if (dstfd != -1)
		(void)close(dstfd);
	dstfd = -1;
	tree_free(&c.tree);
	flist_free(&fl);
	testutil_teardown();
}

/* The names in dst that are parcp's temp files. */
static int
temps_in(const char *dir)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, ".parcp.", 7) == 0;
	(void)closedir(d);
	return n;
}

/* The one error recorded (--json), and it is op with errno err. */
static void
failed_with(uint32_t node, int op, int err)
{
	ck_assert_int_eq(fl.v[node].state, NS_FAILED);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.nerrors, 1);
	ck_assert_int_eq(st.errors[0].fault.op, op);
	ck_assert_int_eq(st.errors[0].fault.err, err);
}

/* The link made, counted, and given its first's hash for --manifest. */
START_TEST(test_later_link_made_beside_its_first)
{
	unsigned char hash[VERIFY_HASHLEN];
	struct stat sa, sb;

	memset(hash, 0xa5, sizeof(hash));
	manifest_init(&c.man, fl.n);
	manifest_set(&c.man, first, hash);
	make_links(&c);
	ck_assert_int_eq(fl.v[later].state, NS_DONE);
	ck_assert_uint_eq(st.files, 1);
	ck_assert(c.man.has[later]);
	ck_assert_int_eq(memcmp(c.man.hash[later], hash, sizeof(hash)), 0);
	manifest_free(&c.man);
	ck_assert_int_eq(stat(in_dst(first), &sa), 0);
	ck_assert_int_eq(stat(in_dst(later), &sb), 0);
	ck_assert(sa.st_ino == sb.st_ino);
	ck_assert_int_eq(temps_in(dst), 0);
}
END_TEST

/*
 * No descriptor left for the first's directory (EMFILE): the link
 * fails, it is not taken for made.  The directories are looked up first,
 * so that the limit falls on link_one's own dup of it.
 */
START_TEST(test_later_link_without_a_descriptor_fails)
{
	struct tree_at at;
	struct rlimit rl, low;
	struct fault f;
	int fd;

	ck_assert_int_eq(tree_at(&c.tree, FLIST_DST, first, &at, &f), 0);
	ck_assert_int_ge(fd = dup(0), 0);	/* the lowest free one */
	(void)close(fd);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = (rlim_t)fd;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	make_links(&c);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	failed_with(later, FAULT_LINK, EMFILE);
	ck_assert_int_eq(temps_in(dst), 0);
}
END_TEST

/*
 * A directory made at b's name since the walk: the link cannot be put
 * in place, and the link made beside it goes too.
 */
START_TEST(test_later_link_onto_a_directory_fails_and_leaves_no_temp)
{
	char x[PATH_MAX];

	ck_assert_int_eq(mkdir(in_dst(later), 0700), 0);
	ck_assert_int_lt(snprintf(x, sizeof(x), "%s/x", in_dst(later)),
	    (int)sizeof(x));
	testutil_make_file(x, 1, 1);
	make_links(&c);
	ck_assert_int_eq(fl.v[later].state, NS_FAILED);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_int_eq(temps_in(dst), 0);
}
END_TEST

/*
 * dst replaced by another directory after the run made it: its metadata
 * is never set through the other one; the failure says it moved.
 */
START_TEST(test_later_dir_replaced_is_not_finished)
{
	char old[PATH_MAX];
	struct stat sb;

	fl.v[later].state = NS_DONE;
	(void)snprintf(old, sizeof(old), "%s", testutil_path("dst.old"));
	ck_assert_int_eq(rename(dst, old), 0);
	ck_assert_int_eq(mkdir(dst, 0700), 0);
	finish_dirs(&c);
	failed_with(0, FAULT_MOVED, 0);
	ck_assert_int_eq(stat(dst, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0700);
}
END_TEST

static Suite *
later_suite(void)
{
	Suite *s = suite_create("later");
	TCase *tc = tcase_create("later");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_later_link_made_beside_its_first);
	tcase_add_test(tc, test_later_link_without_a_descriptor_fails);
	tcase_add_test(tc,
	    test_later_link_onto_a_directory_fails_and_leaves_no_temp);
	tcase_add_test(tc, test_later_dir_replaced_is_not_finished);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(later_suite());
}
