/* verify: equal ranges pass, one flipped byte is caught, hashes are
 * xxhsum's. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <xxhash.h>

#include "verify.h"
#include "testutil.h"

static char buf[65536];
static struct engine_buf eb = { buf, sizeof(buf), NULL, false, ENGINE_PREAD,
    false, false, false, true, false, false, false, NULL, 0, false, NULL };

#define SIZE	(3 * 65536 + 17)

static int sfd, dfd;

static void
setup(void)
{
	testutil_setup();
	testutil_make_file(testutil_path("src"), SIZE, 7);
	testutil_make_file(testutil_path("dst"), SIZE, 7);
	sfd = open(testutil_path("src"), O_RDONLY);
	dfd = open(testutil_path("dst"), O_RDWR);
	ck_assert_int_ge(sfd, 0);
	ck_assert_int_ge(dfd, 0);
}

static void
teardown(void)
{
	close(sfd);
	close(dfd);
	testutil_teardown();
}

/* verify_range on [soff, soff + len) of sfd and [doff, ...) of dfd. */
static int
check(off_t soff, off_t doff, off_t len, struct fault *f)
{
	return verify_range(&(struct xfer){ .sfd = sfd, .soff = soff,
	    .dfd = dfd, .doff = doff, .len = len, .eb = &eb, .f = f });
}

static void
flip(int fd, off_t off)
{
	unsigned char c;

	ck_assert_int_eq(pread(fd, &c, 1, off), 1);
	c ^= 0x80;
	ck_assert_int_eq(pwrite(fd, &c, 1, off), 1);
}

START_TEST(test_verify_equal_ranges_pass)
{
	struct fault f;

	ck_assert_int_eq(check(0, 0, SIZE, &f), 0);
	ck_assert_int_eq(check(1000, 1000, 5, &f), 0);
}
END_TEST

START_TEST(test_verify_one_flipped_byte_is_caught)
{
	struct fault f;

	flip(dfd, SIZE - 1);
	ck_assert_int_eq(check(0, 0, SIZE, &f), 1);
	/* only the range holding it differs */
	ck_assert_int_eq(check(0, 0, SIZE - 1, &f), 0);
}
END_TEST

START_TEST(test_verify_short_copy_is_shrank)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(ftruncate(dfd, 100), 0);
	ck_assert_int_eq(check(0, 0, SIZE, &f), -1);
	ck_assert_int_eq(f.op, FAULT_SHRANK);
}
END_TEST

START_TEST(test_verify_hash_file_is_xxh128_canonical)
{
	unsigned char got[VERIFY_HASHLEN];
	XXH128_canonical_t want;
	char *data = malloc(SIZE);
	struct fault f;

	ck_assert_int_eq(pread(sfd, data, SIZE, 0), SIZE);
	XXH128_canonicalFromHash(&want, XXH3_128bits(data, SIZE));
	ck_assert_int_eq(verify_hash_file(sfd, SIZE, &eb, got, &f), 0);
	ck_assert(memcmp(got, want.digest, VERIFY_HASHLEN) == 0);
	/* `printf 'hello\n' | xxhsum -H2` prints these bytes, in order */
	ck_assert_int_eq(pwrite(dfd, "hello\n", 6, 0), 6);
	ck_assert_int_eq(verify_hash_file(dfd, 6, &eb, got, &f), 0);
	ck_assert(memcmp(got, "\x6b\xba\x86\xc7\xe0\x69\xf5\x6d\x5a\x10"
	    "\xb4\x35\xf1\xc8\xe4\x9c", VERIFY_HASHLEN) == 0);
	free(data);
}
END_TEST

static Suite *
verify_suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("verify");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_verify_equal_ranges_pass);
	tcase_add_test(tc, test_verify_one_flipped_byte_is_caught);
	tcase_add_test(tc, test_verify_short_copy_is_shrank);
	tcase_add_test(tc, test_verify_hash_file_is_xxh128_canonical);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(verify_suite());
}
