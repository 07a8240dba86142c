/*
 * job, continued: a blob that passes its seal (packed, changed, sealed
 * again: as a buggy or foreign packer would make it) is still refused
 * when its lists do not hold together, before any index is used: a range
 * of a file past the list, a name past the arena, a parent that is not
 * before its child, a link past the list, an arena longer than the blob.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "copyx.h"
#include "job.h"
#include "testutil.h"

struct fixture {
	struct copy	 c;
	struct opts	 o;
	struct flist	 fl;
};

static struct fixture x;
static struct blob b;

/* src/{bb,a,bb,a} to dst: one split file (two ranges), one whole. */
static void
setup(void)
{
	struct stat st;
	uint32_t root, i;

	memset(&x, 0, sizeof(x));
	memset(&b, 0, sizeof(b));
	x.o.jobs = 2;
	x.o.bufsz = 65536;
	ck_assert_int_eq(stat(".", &st), 0);
	root = flist_add(&x.fl, NODE_NONE, "src", &st);
	flist_set_dst(&x.fl, root, "dst");
	for (i = 0; i < 4; i++)
		(void)flist_add(&x.fl, root, i % 2 ? "a" : "bb", &st);
	x.fl.v[2].split = true;
	x.fl.v[4].link = 3;
	x.c.o = &x.o;
	x.c.fl = &x.fl;
	ck_assert_int_eq(plan_add(&x.c.plan, 2, 0, 2000, 1000), 0);
	ck_assert_int_eq(plan_add_whole(&x.c.plan, 3, 7), 0);
	tree_init(&x.c.tree, &x.fl, false, false);
	x.c.held = calloc(x.fl.n, sizeof(*x.c.held));
	x.c.held[2].fd = x.c.held[2].jfd = -1;
	work_init(&x.c.work, &x.o, &x.c);
}

static void
teardown(void)
{
	blob_free(&b);
	tree_free(&x.c.tree);
	free(x.c.held);
	plan_free(&x.c.plan);
	flist_free(&x.fl);
}

/* Pack x, with the bytes of what (len of them) found in the blob turned
 * into those of as, and seal it again. */
static void
pack_with(const void *what, const void *as, size_t len)
{
	unsigned char *at;

	copy_driver.pack(&x.c, &b);
	ck_assert_uint_ge(b.len, 8);
	b.len -= 8;			/* its seal */
	ck_assert_ptr_nonnull(at = memmem(b.p, b.len, what, len));
	ck_assert_ptr_null(memmem(at + 1, b.len - (size_t)(at + 1 - b.p),
	    what, len));		/* the one place */
	memcpy(at, as, len);
	blob_seal(&b);
}

static int
unpack(void)
{
	struct exec_job job;
	int rv;

	memset(&job, 0, sizeof(job));
	rv = copy_driver.unpack(&b, &job);
	copy_driver.release(&job);
	return rv;
}

START_TEST(test_job_more_resealed_unchanged_unpacks)
{
	struct node n = x.fl.v[1];

	pack_with(&n, &n, sizeof(n));
	ck_assert_int_eq(unpack(), 0);
}
END_TEST

START_TEST(test_job_more_range_of_a_file_past_the_list_is_refused)
{
	struct range r = x.c.plan.ranges[1];

	r.file = (uint32_t)x.fl.n;
	pack_with(&x.c.plan.ranges[1], &r, sizeof(r));
	ck_assert_int_eq(unpack(), -1);
}
END_TEST

START_TEST(test_job_more_name_past_the_arena_is_refused)
{
	struct node n = x.fl.v[1];

	n.name = (uint32_t)x.fl.nlen;
	pack_with(&x.fl.v[1], &n, sizeof(n));
	ck_assert_int_eq(unpack(), -1);
}
END_TEST

START_TEST(test_job_more_parent_after_its_child_is_refused)
{
	struct node n = x.fl.v[1];

	n.parent = 1;			/* itself */
	pack_with(&x.fl.v[1], &n, sizeof(n));
	ck_assert_int_eq(unpack(), -1);
}
END_TEST

START_TEST(test_job_more_link_past_the_list_is_refused)
{
	struct node n = x.fl.v[4];

	n.link = (uint32_t)x.fl.n;
	pack_with(&x.fl.v[4], &n, sizeof(n));
	ck_assert_int_eq(unpack(), -1);
}
END_TEST

/* The name arena's length, as packed just before it, past the blob. */
START_TEST(test_job_more_arena_longer_than_the_blob_is_refused)
{
	uint64_t len = x.fl.nlen, lie = (uint64_t)1 << 40;
	unsigned char was[8 + 4], is[8 + 4];

	memcpy(was, &len, 8);
	memcpy(was + 8, x.fl.names, 4);		/* "src" */
	memcpy(is, &lie, 8);
	memcpy(is + 8, x.fl.names, 4);
	pack_with(was, is, sizeof(was));
	ck_assert_int_eq(unpack(), -1);
}
END_TEST

static Suite *
job_more_suite(void)
{
	Suite *s = suite_create("job_more");
	TCase *tc = tcase_create("sane");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_job_more_resealed_unchanged_unpacks);
	tcase_add_test(tc,
	    test_job_more_range_of_a_file_past_the_list_is_refused);
	tcase_add_test(tc, test_job_more_name_past_the_arena_is_refused);
	tcase_add_test(tc, test_job_more_parent_after_its_child_is_refused);
	tcase_add_test(tc, test_job_more_link_past_the_list_is_refused);
	tcase_add_test(tc,
	    test_job_more_arena_longer_than_the_blob_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(job_more_suite());
}
