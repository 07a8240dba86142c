/* engine: one range copied exactly, and every failure named. */
#include "config.h"

#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "engine.h"
#include "testutil.h"

static char buf[65536];
static uint64_t progress;
static struct engine_buf eb = { buf, sizeof(buf), &progress, false,
    ENGINE_PREAD, false, false, false, false, false, false, false, NULL, 0, false, NULL };

static char *
xs(const char *name)
{
	return strdup(testutil_path(name));
}

/* Copy [soff, soff + len) of the file src into dst at doff, by path. */
static int
copy_range(const char *src, off_t soff, const char *dst, off_t doff,
    off_t len, const struct engine_buf *b, struct fault *f)
{
	int sfd, dfd, rv = -1, direct = b->direct ? O_DIRECT : 0;

	if ((sfd = open(src, O_RDONLY | direct)) == -1) {
		fault_set(f, FAULT_OPEN_SRC);
		return -1;
	}
	if ((dfd = open(dst, O_WRONLY | direct)) == -1)
		fault_set(f, FAULT_OPEN_DST);
	else
		rv = engine_copy(&(struct xfer){ .sfd = sfd, .soff = soff,
		    .dfd = dfd, .doff = doff, .len = len, .eb = b, .f = f });
	return engine_close(sfd, dfd, rv, f);
}

/* A file of size bytes, all hole, as the parent makes temp files. */
static void
make_sized(const char *path, off_t size)
{
	int fd;

	ck_assert_int_ne(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600),
	    -1);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);
}

START_TEST(test_engine_copies_whole_file_with_odd_buffer)
{
	char *src = xs("src"), *dst = xs("dst");
	struct engine_buf small = { buf, 1000, NULL, false, ENGINE_PREAD,
	    false, false, false, false, false, false, false, NULL, 0, false, NULL };
	struct fault f = { FAULT_NONE, 0 };

	testutil_make_file(src, 123457, 1);
	make_sized(dst, 123457);
	ck_assert_int_eq(copy_range(src, 0, dst, 0, 123457, &small, &f),
	    ENGINE_PREAD);
	ck_assert_int_eq(f.op, FAULT_NONE);
	ck_assert(testutil_same(src, dst));
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_engine_copies_only_its_range_and_counts_progress)
{
	char *src = xs("src"), *dst = xs("dst");
	char a[100000], b[100000];
	struct fault f = { FAULT_NONE, 0 };
	FILE *fp;

	testutil_make_file(src, sizeof(a), 2);
	make_sized(dst, sizeof(a));
	progress = 0;
	ck_assert_int_eq(copy_range(src, 4096, dst, 4096, 70001, &eb,
	    &f), ENGINE_PREAD);
	ck_assert_uint_eq(progress, 70001);
	fp = fopen(src, "r");
	ck_assert_uint_eq(fread(a, 1, sizeof(a), fp), sizeof(a));
	fclose(fp);
	fp = fopen(dst, "r");
	ck_assert_uint_eq(fread(b, 1, sizeof(b), fp), sizeof(b));
	fclose(fp);
	ck_assert(memcmp(a + 4096, b + 4096, 70001) == 0);
	memset(a, 0, sizeof(a));
	ck_assert(memcmp(b, a, 4096) == 0);		/* untouched */
	ck_assert(memcmp(b + 74097, a, sizeof(b) - 74097) == 0);
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_engine_holes_mode_leaves_zero_blocks_unwritten)
{
	char *src = xs("src"), *dst = xs("dst");
	struct engine_buf holes = { buf, sizeof(buf), NULL, true, ENGINE_AUTO,
	    false, false, false, false, false, false, false, NULL, 0, false, NULL };
	struct fault f = { FAULT_NONE, 0 };
	char block[4096];
	struct stat st;
	int fd, i;

	/* data, 1 MiB of zeros, data: blocks a page or more apart */
	ck_assert_int_ne(fd = open(src, O_WRONLY | O_CREAT, 0600), -1);
	memset(block, 'd', sizeof(block));
	ck_assert_int_eq(write(fd, block, sizeof(block)), sizeof(block));
	memset(block, 0, sizeof(block));
	for (i = 0; i < 256; i++)
		ck_assert_int_eq(write(fd, block, sizeof(block)),
		    sizeof(block));
	memset(block, 'e', sizeof(block));
	ck_assert_int_eq(write(fd, block, 100), 100);
	close(fd);
	make_sized(dst, 4096 + (1 << 20) + 100);
	ck_assert_int_eq(copy_range(src, 0, dst, 0, 4096 + (1 << 20) +
	    100, &holes, &f), ENGINE_PREAD);	/* holes: pread only */
	ck_assert(testutil_same(src, dst));
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_le(st.st_blocks, 64);	/* the zeros stayed a hole */
	free(src);
	free(dst);
}
END_TEST

/* Every engine, and --direct and --nocache, copy ranges exactly, also
 * at odd offsets and lengths, falling back where the file system says no. */
START_TEST(test_engine_every_engine_copies_odd_ranges)
{
	static const struct {
		int	kind;
		bool	direct, nocache;
	} how[] = {
		{ ENGINE_AUTO, false, false }, { ENGINE_PREAD, false, false },
		{ ENGINE_CFR, false, false }, { ENGINE_REFLINK, false, false },
		{ ENGINE_PREAD, true, false }, { ENGINE_CFR, false, true },
		{ ENGINE_AUTO, true, true },
	};
	struct engine_buf e = { buf, sizeof(buf), &progress, false,
	    how[_i].kind, how[_i].direct, how[_i].nocache, false, false, false,
	    false, false, NULL, 0, false, NULL };
	char *src = xs("src"), *dst = xs("dst");
	struct fault f = { FAULT_NONE, 0 };
	off_t size = 3 * 1048576 + 4097, mid = 1048576 + 12345;
	int kind;

	testutil_make_file(src, size, 9);
	make_sized(dst, size);
	progress = 0;
	ck_assert_int_ne(kind = copy_range(src, mid, dst, mid,
	    size - mid, &e, &f), -1);
	ck_assert_int_ne(kind = copy_range(src, 0, dst, 0, mid, &e,
	    &f), -1);
	ck_assert_int_ge(kind, ENGINE_PREAD);
	ck_assert_int_lt(kind, ENGINE_NKINDS);
	ck_assert(testutil_same(src, dst));
	ck_assert_uint_eq(progress, (uint64_t)size);
	free(src);
	free(dst);
}
END_TEST

/* --reflink=always where blocks cannot be shared (tmpfs, ext4): a clone
 * fault, never a copy. */
START_TEST(test_engine_clone_only_reports_clone_fault_without_copying)
{
	struct engine_buf e = { buf, sizeof(buf), NULL, false, ENGINE_AUTO,
	    false, false, false, false, false, true, false, NULL, 0, false, NULL };
	char *src = xs("src"), *dst = xs("dst");
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int rv;

	testutil_make_file(src, 8192, 1);
	make_sized(dst, 8192);
	rv = copy_range(src, 0, dst, 0, 8192, &e, &f);
	if (rv == ENGINE_REFLINK)
		return;		/* btrfs, xfs: shared */
	ck_assert_int_eq(rv, -1);
	ck_assert_int_eq(f.op, FAULT_CLONE);
	ck_assert_int_ne(f.err, 0);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_blocks, 0);	/* nothing written */
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_engine_copy_file_range_reports_shrank_source)
{
	struct engine_buf e = { buf, sizeof(buf), NULL, false, ENGINE_CFR,
	    false, false, false, false, false, false, false, NULL, 0, false, NULL };
	char *src = xs("src"), *dst = xs("dst");
	struct fault f = { FAULT_NONE, 0 };

	testutil_make_file(src, 5000, 1);
	make_sized(dst, 10000);
	ck_assert_int_eq(copy_range(src, 0, dst, 0, 10000, &e, &f), -1);
	ck_assert_int_eq(f.op, FAULT_SHRANK);
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_engine_names_round_trip)
{
	int k;

	for (k = 0; k < ENGINE_NKINDS; k++)
		ck_assert_int_eq(engine_parse(engine_name(k)), k);
	ck_assert_int_eq(engine_parse("sendfile"), -1);
	ck_assert_ptr_null(engine_name(ENGINE_NKINDS));
}
END_TEST

START_TEST(test_engine_reports_enospc_as_write_fault)
{
	char *src = xs("src");
	struct fault f = { FAULT_NONE, 0 };

	testutil_make_file(src, 10000, 1);
	ck_assert_int_eq(copy_range(src, 0, "/dev/full", 0, 10000, &eb,
	    &f), -1);
	ck_assert_int_eq(f.op, FAULT_WRITE);
	ck_assert_int_eq(f.err, ENOSPC);
	free(src);
}
END_TEST

START_TEST(test_engine_missing_source_is_open_src_enoent)
{
	char *dst = xs("dst");
	struct fault f = { FAULT_NONE, 0 };

	make_sized(dst, 10);
	ck_assert_int_eq(copy_range(testutil_path("nope"), 0, dst, 0,
	    10, &eb, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_SRC);
	ck_assert_int_eq(f.err, ENOENT);
	free(dst);
}
END_TEST

START_TEST(test_engine_missing_temp_is_open_dst_enoent)
{
	char *src = xs("src");
	struct fault f = { FAULT_NONE, 0 };

	testutil_make_file(src, 10, 1);
	ck_assert_int_eq(copy_range(src, 0, testutil_path("gone"), 0,
	    10, &eb, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_DST);
	ck_assert_int_eq(f.err, ENOENT);
	free(src);
}
END_TEST

START_TEST(test_engine_source_shorter_than_plan_is_shrank)
{
	char *src = xs("src"), *dst = xs("dst");
	struct fault f = { FAULT_NONE, 0 };

	testutil_make_file(src, 5000, 1);
	make_sized(dst, 10000);
	ck_assert_int_eq(copy_range(src, 0, dst, 0, 10000, &eb, &f),
	    -1);
	ck_assert_int_eq(f.op, FAULT_SHRANK);
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_engine_unreadable_source_is_read_fault)
{
	char *dst = xs("dst");
	struct fault f = { FAULT_NONE, 0 };

	make_sized(dst, 10);
	/* A directory opens read-only, but pread fails with EISDIR. */
	ck_assert_int_eq(copy_range(testutil_path(""), 0, dst, 0, 10,
	    &eb, &f), -1);
	ck_assert_int_eq(f.op, FAULT_READ);
	ck_assert_int_eq(f.err, EISDIR);
	free(dst);
}
END_TEST

START_TEST(test_engine_fstype_is_asked_once_per_device)
{
	struct statfs here;
	struct stat st;
	int fd, p[2];

	ck_assert_int_ne(fd = open(testutil_path(""), O_RDONLY |
	    O_DIRECTORY), -1);
	ck_assert_int_eq(fstatfs(fd, &here), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(pipe(p), 0);
	/* Device not known: asked each time, nothing kept. */
	ck_assert_int_eq(engine_fstype(fd, 0), (long)here.f_type);
	ck_assert_int_eq(engine_fstype(p[0], 0), PIPEFS_MAGIC);
	ck_assert_int_eq(engine_fstype(-1, 0), 0);
	/* Known: the first answer for the device stands (the pipe is not
	 * asked: that is the saving). */
	ck_assert_int_eq(engine_fstype(fd, st.st_dev), (long)here.f_type);
	ck_assert_int_eq(engine_fstype(p[0], st.st_dev), (long)here.f_type);
	ck_assert_int_eq(engine_fstype(p[0], 0), PIPEFS_MAGIC);
	/* Another device is asked, and kept instead. */
	ck_assert_int_eq(engine_fstype(p[0], st.st_dev + 1), PIPEFS_MAGIC);
	ck_assert_int_eq(engine_fstype(fd, st.st_dev + 1), PIPEFS_MAGIC);
	ck_assert_int_eq(engine_fstype(fd, st.st_dev), (long)here.f_type);
	close(p[0]);
	close(p[1]);
	close(fd);
}
END_TEST

START_TEST(test_engine_close_reports_only_where_close_can_fail)
{
	ck_assert(!engine_close_reports(TMPFS_MAGIC));
	ck_assert(!engine_close_reports(EXT4_SUPER_MAGIC));
	ck_assert(!engine_close_reports(XFS_SUPER_MAGIC));
	ck_assert(!engine_close_reports(BTRFS_SUPER_MAGIC));
	ck_assert(engine_close_reports(NFS_SUPER_MAGIC));
	ck_assert(engine_close_reports(0x65735546));	/* FUSE */
	ck_assert(engine_close_reports(0));		/* not known */
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc;

	tc = tcase_create("copy");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_engine_copies_whole_file_with_odd_buffer);
	tcase_add_test(tc,
	    test_engine_copies_only_its_range_and_counts_progress);
	tcase_add_test(tc, test_engine_holes_mode_leaves_zero_blocks_unwritten);
	tcase_add_loop_test(tc, test_engine_every_engine_copies_odd_ranges, 0,
	    7);
	tcase_add_test(tc, test_engine_names_round_trip);
	tcase_add_test(tc, test_engine_fstype_is_asked_once_per_device);
	tcase_add_test(tc, test_engine_close_reports_only_where_close_can_fail);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_engine_reports_enospc_as_write_fault);
	tcase_add_test(tc, test_engine_missing_source_is_open_src_enoent);
	tcase_add_test(tc, test_engine_missing_temp_is_open_dst_enoent);
	tcase_add_test(tc, test_engine_source_shorter_than_plan_is_shrank);
	tcase_add_test(tc, test_engine_copy_file_range_reports_shrank_source);
	tcase_add_test(tc,
	    test_engine_clone_only_reports_clone_fault_without_copying);
	tcase_add_test(tc, test_engine_unreadable_source_is_read_fault);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(engine_suite());
}
