/*
 * journal: what a run records is what the next run trusts, and nothing
 * else: another source, a torn record, or another boot's unsynced record
 * are all ignored.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <xxhash.h>

#include "journal.h"
#include "testutil.h"

static const struct journal_id id = { 1000, 1700000000, 123456789, 42 };

static const char *
jpath(void)
{
	return testutil_path("j");
}

START_TEST(test_journal_round_trip_merges_records)
{
	struct fault f;
	struct ival *v;

	ck_assert_int_eq(journal_create(jpath(), &id, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 100, 100, false, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 0, 100, false, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 500, 10, true, &f), 0);
	ck_assert_int_eq(journal_load(jpath(), &id, &v), 2);
	ck_assert_int_eq(v[0].off, 0);
	ck_assert_int_eq(v[0].end, 200);
	ck_assert_int_eq(v[1].off, 500);
	ck_assert_int_eq(v[1].end, 510);
	free(v);
}
END_TEST

START_TEST(test_journal_empty_is_usable_absent_is_not)
{
	struct fault f;
	struct ival *v;

	ck_assert_int_eq(journal_load(jpath(), &id, &v), -1);
	ck_assert_int_eq(journal_create(jpath(), &id, &f), 0);
	ck_assert_int_eq(journal_load(jpath(), &id, &v), 0);
	free(v);
}
END_TEST

START_TEST(test_journal_changed_source_is_discarded)
{
	struct journal_id other = id;
	struct fault f;
	struct ival *v;

	ck_assert_int_eq(journal_create(jpath(), &id, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 0, 10, false, &f), 0);
	other.mtime_nsec++;
	ck_assert_int_eq(journal_load(jpath(), &other, &v), -1);
	other = id;
	other.size++;
	ck_assert_int_eq(journal_load(jpath(), &other, &v), -1);
	other = id;
	other.ino++;
	ck_assert_int_eq(journal_load(jpath(), &other, &v), -1);
}
END_TEST

/* Flip one byte at off of the journal file. */
static void
flip(off_t off)
{
	unsigned char c;
	int fd = open(jpath(), O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &c, 1, off), 1);
	c ^= 0x01;
	ck_assert_int_eq(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

START_TEST(test_journal_torn_or_damaged_records_are_ignored)
{
	struct stat st;
	struct fault f;
	struct ival *v;
	off_t hdr;
	int fd;

	ck_assert_int_eq(journal_create(jpath(), &id, &f), 0);
	ck_assert_int_eq(stat(jpath(), &st), 0);
	hdr = st.st_size;
	ck_assert_int_eq(journal_append(jpath(), 0, 10, false, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 20, 10, false, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 40, 10, false, &f), 0);
	flip(hdr + 24 + 3);		/* the second record's offset */
	/* a torn last record: half of one */
	fd = open(jpath(), O_WRONLY | O_APPEND);
	ck_assert_int_eq(write(fd, "0123456789ab", 12), 12);
	close(fd);
	ck_assert_int_eq(journal_load(jpath(), &id, &v), 2);
	ck_assert_int_eq(v[0].off, 0);
	ck_assert_int_eq(v[1].off, 40);
	free(v);
	flip(3);			/* the header's magic */
	ck_assert_int_eq(journal_load(jpath(), &id, &v), -1);
}
END_TEST

START_TEST(test_journal_record_past_the_source_is_ignored)
{
	struct fault f;
	struct ival *v;

	ck_assert_int_eq(journal_create(jpath(), &id, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 990, 20, false, &f), 0);
	ck_assert_int_eq(journal_load(jpath(), &id, &v), 0);
	free(v);
}
END_TEST

/*
 * After a reboot only durable records count.  The header's boot id is
 * at offset 8 + sizeof(id); rewrite it and its checksum (XXH64 of all
 * before it) as another boot would have.
 */
START_TEST(test_journal_other_boot_keeps_only_durable_records)
{
	unsigned char h[128];
	size_t idend = 8 + sizeof(struct journal_id), chk = idend + 40;
	uint64_t sum;
	struct fault f;
	struct ival *v;
	int fd;

	ck_assert_int_eq(journal_create(jpath(), &id, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 0, 10, false, &f), 0);
	ck_assert_int_eq(journal_append(jpath(), 20, 10, true, &f), 0);
	fd = open(jpath(), O_RDWR);
	ck_assert_int_eq(pread(fd, h, chk, 0), (ssize_t)chk);
	memcpy(h + idend, "00000000-0000-0000-0000-000000000000", 36);
	sum = XXH64(h, chk, 0);
	memcpy(h + chk, &sum, sizeof(sum));
	ck_assert_int_eq(pwrite(fd, h, chk + sizeof(sum), 0),
	    (ssize_t)(chk + sizeof(sum)));
	close(fd);
	ck_assert_int_eq(journal_load(jpath(), &id, &v), 1);
	ck_assert_int_eq(v[0].off, 20);
	free(v);
}
END_TEST

START_TEST(test_journal_unwritable_is_a_fault)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(journal_create(testutil_path("no/such/j"), &id, &f),
	    -1);
	ck_assert_int_eq(f.op, FAULT_JOURNAL);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_int_eq(journal_append(testutil_path("none"), 0, 1, false,
	    &f), -1);
	ck_assert_int_eq(f.op, FAULT_JOURNAL);
}
END_TEST

/*
 * A journal on a full device (a symlink in the test's directory to
 * /dev/full, so that the failed create removes the link, not the
 * device): ENOSPC, as a fault of the journal.
 */
START_TEST(test_journal_full_device_is_a_fault)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;

	if (stat("/dev/full", &st) == -1 || !S_ISCHR(st.st_mode))
		return;
	ck_assert_int_eq(symlink("/dev/full", testutil_path("full")), 0);
	ck_assert_int_eq(journal_append(testutil_path("full"), 0, 1, true,
	    &f), -1);
	ck_assert_int_eq(f.op, FAULT_JOURNAL);
	ck_assert_int_eq(f.err, ENOSPC);
	f.op = FAULT_NONE;
	ck_assert_int_eq(journal_create(testutil_path("full"), &id, &f), -1);
	ck_assert_int_eq(f.op, FAULT_JOURNAL);
	ck_assert_int_eq(f.err, ENOSPC);
	ck_assert_int_eq(lstat(testutil_path("full"), &st), -1);
	ck_assert_int_eq(stat("/dev/full", &st), 0);
}
END_TEST

static Suite *
journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");

	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_journal_round_trip_merges_records);
	tcase_add_test(tc, test_journal_empty_is_usable_absent_is_not);
	tcase_add_test(tc, test_journal_changed_source_is_discarded);
	tcase_add_test(tc, test_journal_torn_or_damaged_records_are_ignored);
	tcase_add_test(tc, test_journal_record_past_the_source_is_ignored);
	tcase_add_test(tc, test_journal_other_boot_keeps_only_durable_records);
	tcase_add_test(tc, test_journal_unwritable_is_a_fault);
	tcase_add_test(tc, test_journal_full_device_is_a_fault);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(journal_suite());
}
