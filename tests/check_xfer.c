/* xfer: a range's stages, copy then (--verify) check, repair once. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "xfer.h"
#include "testutil.h"

#define SIZE	(4 * 65536)

static char buf[65536];
static struct engine_buf eb;
static int sfd, dfd;

static void
setup(void)
{
	testutil_setup();
	memset(&eb, 0, sizeof(eb));
	eb.buf = buf;
	eb.size = sizeof(buf);
	eb.kind = ENGINE_PREAD;
	testutil_make_file(testutil_path("src"), SIZE, 7);
	testutil_make_file(testutil_path("dst"), SIZE, 8);	/* other bytes */
	ck_assert_int_ge(sfd = open(testutil_path("src"), O_RDWR), 0);
	ck_assert_int_ge(dfd = open(testutil_path("dst"), O_RDWR), 0);
}

static void
teardown(void)
{
	close(sfd);
	close(dfd);
	testutil_teardown();
}

/* Do src and dst hold the same bytes? */
static bool
same(void)
{
	char src[4096];

	(void)snprintf(src, sizeof(src), "%s", testutil_path("src"));
	return testutil_same(src, testutil_path("dst"));
}

static int
run(off_t off, off_t len, struct fault *f)
{
	return xfer_run(&(struct xfer){ .sfd = sfd, .soff = off, .dfd = dfd,
	    .doff = off, .len = len, .eb = &eb, .f = f });
}

START_TEST(test_xfer_copies_the_range_only)
{
	struct fault f = { FAULT_NONE, 0 };
	char a[100], b[100];

	ck_assert_int_eq(run(65536, 65536, &f), ENGINE_PREAD);
	ck_assert_int_eq(pread(sfd, a, sizeof(a), 65536), sizeof(a));
	ck_assert_int_eq(pread(dfd, b, sizeof(b), 65536), sizeof(b));
	ck_assert(memcmp(a, b, sizeof(a)) == 0);
	ck_assert_int_eq(pread(sfd, a, sizeof(a), 0), sizeof(a));
	ck_assert_int_eq(pread(dfd, b, sizeof(b), 0), sizeof(b));
	ck_assert(memcmp(a, b, sizeof(a)) != 0);	/* not its range */
}
END_TEST

/*
 * A stage that leaves the copy wrong: with holes (--sparse=always) the
 * engine skips the source's zero blocks, so a destination that is not
 * all zeros there keeps its bytes.  --verify's check sees it; the repair
 * copies every byte and the check passes.  Without --verify it stays.
 */
START_TEST(test_xfer_verify_repairs_what_the_copy_left)
{
	static const char zeros[8192];
	struct fault f = { FAULT_NONE, 0 };
	struct engine_tally t;

	ck_assert_int_eq(pwrite(sfd, zeros, sizeof(zeros), 8192),
	    sizeof(zeros));
	eb.holes = true;
	ck_assert_int_eq(run(0, SIZE, &f), ENGINE_PREAD);
	ck_assert(!same());
	eb.verify = true;
	memset(&t, 0, sizeof(t));
	eb.tally = &t;
	ck_assert_int_eq(run(0, SIZE, &f), ENGINE_PREAD);
	ck_assert_int_eq(f.op, FAULT_NONE);
	ck_assert(same());
	/* counted for the parent's warning and --stats */
	ck_assert_uint_eq(t.repaired, 1);
	ck_assert_int_eq(t.repair_off, 0);
	ck_assert_int_eq(t.repair_len, SIZE);
	ck_assert_uint_eq(t.verified, SIZE);
	/* a range that matched at once: compared, not repaired */
	ck_assert_int_eq(run(0, 100, &f), ENGINE_PREAD);
	ck_assert_uint_eq(t.repaired, 1);
	ck_assert_uint_eq(t.verified, SIZE + 100);
	/* no --verify: nothing compared */
	eb.verify = false;
	ck_assert_int_eq(run(0, 100, &f), ENGINE_PREAD);
	ck_assert_uint_eq(t.verified, SIZE + 100);
}
END_TEST

START_TEST(test_xfer_a_failed_copy_is_not_checked)
{
	struct fault f = { FAULT_NONE, 0 };

	eb.verify = true;
	ck_assert_int_eq(run(SIZE - 10, 100, &f), -1);	/* past the end */
	ck_assert_int_eq(f.op, FAULT_SHRANK);
}
END_TEST

static Suite *
xfer_suite(void)
{
	Suite *s = suite_create("xfer");
	TCase *tc = tcase_create("xfer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_xfer_copies_the_range_only);
	tcase_add_test(tc, test_xfer_verify_repairs_what_the_copy_left);
	tcase_add_test(tc, test_xfer_a_failed_copy_is_not_checked);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(xfer_suite());
}
