/* tune: the kind of each file system, and the defaults per kind. */
#include "config.h"

#include <sys/vfs.h>

#include <sys/mount.h>
#include <sys/stat.h>

#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fsmagic.h"
#include "testutil.h"
#include "tune.h"

START_TEST(test_tune_kind_by_magic)
{
	ck_assert_int_eq(tune_kind(TMPFS_MAGIC), FS_MEMORY);
	ck_assert_int_eq(tune_kind(0x858458f6), FS_MEMORY);	/* ramfs */
	ck_assert_int_eq(tune_kind(NFS_SUPER_MAGIC), FS_NETWORK);
	ck_assert_int_eq(tune_kind(LUSTRE_SUPER_MAGIC), FS_NETWORK);
	ck_assert_int_eq(tune_kind(FUSE_SUPER_MAGIC), FS_NETWORK);
	ck_assert_int_eq(tune_kind(EXT4_SUPER_MAGIC), FS_DISK);
	ck_assert_int_eq(tune_kind(XFS_SUPER_MAGIC), FS_DISK);
	ck_assert_int_eq(tune_kind(0), FS_DISK);	/* not known: a disk */
	/* A magic with the top bit set, as a sign-extended f_type. */
	ck_assert_int_eq(tune_kind((long)(int)CIFS_SUPER_MAGIC), FS_NETWORK);
	ck_assert_str_eq(tune_kind_name(FS_DISK), "disk");
	ck_assert_str_eq(tune_kind_name(FS_MEMORY), "memory");
	ck_assert_str_eq(tune_kind_name(FS_NETWORK), "network");
}
END_TEST

START_TEST(test_tune_pick_per_kind)
{
	struct tune t;

	t = tune_pick(FS_MEMORY, 2);
	ck_assert_uint_eq(t.jobs, 2);
	ck_assert_uint_eq(t.writers, 0);
	t = tune_pick(FS_DISK, 2);
	ck_assert_uint_eq(t.jobs, TUNE_IO_JOBS);
	ck_assert_uint_eq(t.writers, 2);	/* a writer per CPU a file */
	t = tune_pick(FS_NETWORK, 2);
	ck_assert_uint_eq(t.jobs, TUNE_IO_JOBS);
	ck_assert_uint_eq(t.writers, 0);
	t = tune_pick(FS_DISK, 64);		/* never fewer than the CPUs */
	ck_assert_uint_eq(t.jobs, 64);
	t = tune_pick(FS_MEMORY, 0);
	ck_assert_uint_eq(t.jobs, 1);
}
END_TEST

static unsigned
ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned)n;
}

/* A copy to DEST: its kind decides (a DEST not made yet: its directory's);
 * what the user gave stays. */
static void
tuned(struct opts *o, const char *dest)
{
	static char *paths[2];

	memset(o, 0, sizeof(*o));
	o->jobs = o->ncpu = ncpu();	/* opts.c's defaults */
	paths[0] = "src";
	paths[1] = (char *)dest;
	o->paths = paths;
	o->npaths = 2;
}

/* The scratch directory's file system type. */
static long
kind_here(void)
{
	struct statfs sf;

	ck_assert_int_eq(statfs(testutil_path(""), &sf), 0);
	return (long)sf.f_type;
}

START_TEST(test_tune_opts_by_destination)
{
	struct opts o;
	struct statfs sf;
	int kind, jobs_mem, split_mem, jobs_disk, split_disk, jobs_set,
	    split_set, jobs_mpi, writers_disk, writers_set;

	if (geteuid() != 0)
		return;			/* mounts a tmpfs: root only */
	ck_assert_int_eq(mkdir(testutil_path("m"), 0700), 0);
	ck_assert_int_eq(statfs(testutil_path(""), &sf), 0);
	kind = tune_kind((long)sf.f_type);
	ck_assert_int_eq(mount("tmpfs", testutil_path("m"), "tmpfs", 0,
	    "size=1m"), 0);
	tuned(&o, testutil_path("m/new"));
	tune_opts(&o);
	jobs_mem = (int)o.jobs;
	split_mem = o.split;
	tuned(&o, testutil_path("m"));
	o.jobs = 3;			/* -j 3 */
	o.jobs_set = true;
	tune_opts(&o);
	jobs_set = (int)o.jobs;
	tuned(&o, testutil_path("m"));
	o.split = SPLIT_NEVER;
	tune_opts(&o);
	split_set = o.split;
	writers_set = (int)o.writers;
	(void)umount(testutil_path("m"));
	tuned(&o, testutil_path("not-yet"));
	tune_opts(&o);
	jobs_disk = (int)o.jobs;
	split_disk = o.split;
	writers_disk = (int)o.writers;
	ck_assert_int_eq(o.dest_kind, kind);
	tuned(&o, testutil_path("not-yet"));
	o.jobs = 8;			/* -j 8: the writers still by CPUs */
	o.jobs_set = true;
	tune_opts(&o);
	ck_assert_uint_eq(o.jobs, 8);
	ck_assert_uint_eq(o.writers, kind == FS_DISK ? ncpu() : 0);
	tuned(&o, testutil_path("not-yet"));
	o.mode = EXEC_MPI;
	tune_opts(&o);
	jobs_mpi = (int)o.jobs;
	ck_assert_int_eq(o.split, SPLIT_ALWAYS);	/* ranks: always */
	ck_assert_uint_eq(o.writers, 0);
	tuned(&o, testutil_path("not-yet"));
	o.chunk = 1 << 20;
	tune_opts(&o);
	ck_assert_int_eq(o.split, SPLIT_ALWAYS);	/* a chunk given */
	ck_assert_uint_eq(o.writers, 0);

	ck_assert_int_eq(jobs_mem, (int)ncpu());
	ck_assert_int_eq(split_mem, SPLIT_ALWAYS);
	ck_assert_int_eq(jobs_set, 3);
	ck_assert_int_eq(split_set, SPLIT_NEVER);
	ck_assert_int_eq(jobs_mpi, (int)ncpu());
	ck_assert_int_eq(jobs_disk, (int)tune_pick(kind, ncpu()).jobs);
	/* On a disk a writer per CPU a file (one: --split=never's). */
	ck_assert_int_eq(writers_disk, kind == FS_DISK ? (int)ncpu() : 0);
	ck_assert_int_eq(split_disk, writers_disk == 1 ? SPLIT_NEVER :
	    SPLIT_ALWAYS);
	ck_assert_int_eq(writers_set, 1);
}
END_TEST

/* --to-tar: every worker writes the one archive, so a worker per CPU
 * and ranges side by side, unless --split=never.  Standard output has no
 * file system to measure: it is taken for a disk, wherever parcp runs
 * (here, as root, from a tmpfs). */
START_TEST(test_tune_opts_archive_out)
{
	char cwd[4096];
	bool mem;
	struct opts o;
	int i;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(mkdir(testutil_path("m"), 0700), 0);
	mem = geteuid() == 0 && mount("tmpfs", testutil_path("m"), "tmpfs",
	    0, "size=1m") == 0;
	ck_assert_int_eq(chdir(testutil_path("m")), 0);
	for (i = 0; i < 4; i++) {
		tuned(&o, NULL);
		o.tar = TAR_CREATE;
		o.tar_path = i & 1 ? "-" : testutil_path("a.tar");
		o.split = i & 2 ? SPLIT_NEVER : SPLIT_AUTO;
		tune_opts(&o);
		ck_assert_uint_eq(o.jobs, ncpu());
		ck_assert_int_eq(o.split, i & 2 ? SPLIT_NEVER : SPLIT_ALWAYS);
		ck_assert_uint_eq(o.writers, i & 2 ? 1 : 0);
		ck_assert_int_eq(o.dest_kind, i & 1 ? FS_DISK :
		    tune_kind(kind_here()));
	}
	ck_assert_int_eq(chdir(cwd), 0);
	if (mem)
		ck_assert_int_eq(umount(testutil_path("m")), 0);
}
END_TEST

static Suite *
tune_suite(void)
{
	Suite *s = suite_create("tune");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_tune_kind_by_magic);
	tcase_add_test(tc, test_tune_pick_per_kind);
	tcase_add_test(tc, test_tune_opts_by_destination);
	tcase_add_test(tc, test_tune_opts_archive_out);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(tune_suite());
}
