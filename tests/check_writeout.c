/*
 * writeout: when a copy's early write-out is wanted, which pieces get a
 * hint, and that a hinted file's dirty pages are written out (seen in
 * the page flags) while a file not hinted keeps its own.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "writeout.h"

#define MIB		((uint64_t)1 << 20)
#define KPF_DIRTY	4		/* <linux/kernel-page-flags.h> */

START_TEST(test_writeout_wanted)
{
	struct writeout_mem m = { 0, 1000 * MIB, 0, 10 };

	/* 10% of 1000 MiB: a copy must pass 100 MiB. */
	ck_assert(!writeout_wanted(&m, 100 * MIB));
	ck_assert(writeout_wanted(&m, 100 * MIB + 1));
	/* What is dirty already counts. */
	m.dirty = 60 * MIB;
	ck_assert(writeout_wanted(&m, 41 * MIB));
	ck_assert(!writeout_wanted(&m, 40 * MIB));
	/* dirty_background_bytes, when set, wins over the ratio. */
	m.bg_bytes = 500 * MIB;
	ck_assert(!writeout_wanted(&m, 400 * MIB));
	ck_assert(writeout_wanted(&m, 441 * MIB));
}
END_TEST

START_TEST(test_writeout_pays)
{
	ck_assert(writeout_pays(EXT4_SUPER_MAGIC, WRITEOUT_MIN));
	ck_assert(!writeout_pays(EXT4_SUPER_MAGIC, WRITEOUT_MIN - 1));
	ck_assert(writeout_pays(XFS_SUPER_MAGIC, 64 * WRITEOUT_MIN));
	ck_assert(writeout_pays(NFS_SUPER_MAGIC, WRITEOUT_MIN));
	ck_assert(writeout_pays(0, WRITEOUT_MIN));	/* not known */
	ck_assert(!writeout_pays(TMPFS_MAGIC, 64 * WRITEOUT_MIN));
	ck_assert(!writeout_pays(RAMFS_MAGIC, 64 * WRITEOUT_MIN));
}
END_TEST

START_TEST(test_writeout_mem_parse)
{
	struct writeout_mem m;

	/* Keys whole, with their colon: not WritebackTmp, not Active(anon). */
	ck_assert_int_eq(writeout_mem_parse(&m, "MemTotal: 9999 kB\n"
	    "MemFree: 100 kB\nActive(anon): 4000 kB\nActive(file): 50 kB\n"
	    "Inactive(file): 25 kB\nDirty: 7 kB\nWriteback: 3 kB\n"
	    "WritebackTmp: 500 kB\n"), 0);
	ck_assert_uint_eq(m.dirtyable, 175 << 10);
	ck_assert_uint_eq(m.dirty, 10 << 10);
	ck_assert_int_eq(writeout_mem_parse(&m, "MemTotal: 9999 kB\n"
	    "Dirty: 7 kB\n"), -1);	/* nothing that could be dirty */
}
END_TEST

START_TEST(test_writeout_mem_read)
{
	struct writeout_mem m;

	ck_assert_int_eq(unsetenv("PARCP_WRITEOUT_BG"), 0);
	ck_assert_int_eq(writeout_mem_read(&m), 0);
	ck_assert_uint_gt(m.dirtyable, 0);
	ck_assert(m.bg_bytes != 0 || (m.bg_ratio > 0 && m.bg_ratio <= 100));
	ck_assert_int_eq(setenv("PARCP_WRITEOUT_BG", "12345", 1), 0);
	ck_assert_int_eq(writeout_mem_read(&m), 0);
	ck_assert_uint_eq(m.bg_bytes, 12345);
	ck_assert_uint_eq(m.dirty, 0);
	ck_assert(writeout_wanted(&m, 12346));
	ck_assert(!writeout_wanted(&m, 12345));
	ck_assert_int_eq(unsetenv("PARCP_WRITEOUT_BG"), 0);
}
END_TEST

/* How many of fd's first len bytes' pages are dirty in the page cache
 * (pagemap for the frames, kpageflags for their flags: root only); -1
 * when this machine will not say. */
static long
dirty_pages(int fd, size_t len)
{
	long psz = sysconf(_SC_PAGESIZE), dirty = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kf = open("/proc/kpageflags", O_RDONLY);
	volatile const char *map;
	uint64_t ent, flags;
	size_t i;

	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (pm == -1 || kf == -1 || map == MAP_FAILED)
		dirty = -1;
	for (i = 0; dirty != -1 && i < len / (size_t)psz; i++) {
		(void)map[i * (size_t)psz];	/* map the cached page */
		if (pread(pm, &ent, 8, (off_t)(((uintptr_t)map / (size_t)psz +
		    i) * 8)) != 8 || !(ent >> 63) ||
		    (ent & ((1ULL << 55) - 1)) == 0 ||
		    pread(kf, &flags, 8, (off_t)((ent & ((1ULL << 55) - 1)) *
		    8)) != 8)
			dirty = -1;	/* no frame numbers: not root */
		else if (flags & (1ULL << KPF_DIRTY))
			dirty++;
	}
	if (map != MAP_FAILED)
		(void)munmap((void *)map, len);
	if (pm != -1)
		(void)close(pm);
	if (kf != -1)
		(void)close(kf);
	return dirty;
}

static int
dirty_file(const char *name, size_t len)
{
	static char buf[1 << 16];
	int fd = open(testutil_path(name), O_RDWR | O_CREAT | O_TRUNC, 0600);
	size_t done;

	ck_assert_int_ne(fd, -1);
	for (done = 0; done < len; done += sizeof(buf)) {
		buf[done % 4093] = (char)done;
		ck_assert_int_eq(write(fd, buf, sizeof(buf)), sizeof(buf));
	}
	return fd;
}

START_TEST(test_writeout_cleans_hinted_pages)
{
	size_t len = 4 * MIB;
	struct writeout *w;
	struct statfs sf;
	long left = -1;
	int fd, other, i;

	ck_assert_int_eq(statfs(testutil_path(""), &sf), 0);
	if (!writeout_pays((long)sf.f_type, (off_t)len)) {
		printf("writeout: a memory file system here; not checked\n");
		return;
	}
	fd = dirty_file("hinted", len);
	other = dirty_file("other", len);
	/* The probe sees dirt, or this machine cannot show it. */
	if (dirty_pages(fd, len) <= 0 || dirty_pages(other, len) <= 0) {
		printf("writeout: page flags not readable here; not checked\n");
		(void)close(fd);
		(void)close(other);
		return;
	}
	ck_assert_ptr_nonnull(w = writeout_start());
	writeout_hint(w, fd, 0, (off_t)len);
	for (i = 0; i < 1000 && (left = dirty_pages(fd, len)) != 0; i++)
		(void)nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	writeout_stop(w);
	ck_assert_int_eq(left, 0);
	/* Not the kernel's flusher: the file not hinted is still dirty. */
	ck_assert_int_gt(dirty_pages(other, len), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(close(other), 0);
}
END_TEST

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	(void)closedir(d);
	return n;
}

START_TEST(test_writeout_never_blocks_or_leaks)
{
	int fd = dirty_file("f", MIB), before = open_fds(), i;
	struct writeout *w;
	struct stat st;

	writeout_hint(NULL, fd, 0, (off_t)MIB);	/* no thread: nothing */
	ck_assert_ptr_nonnull(w = writeout_start());
	/* Far more than the queue holds: the surplus is dropped. */
	for (i = 0; i < 2000; i++)
		writeout_hint(w, fd, 0, (off_t)MIB);
	writeout_stop(w);
	ck_assert_int_eq(open_fds(), before);
	ck_assert_int_eq(fstat(fd, &st), 0);	/* the caller's, still */
	ck_assert_int_eq(st.st_size, MIB);
	writeout_hint(NULL, -1, 0, 0);
	ck_assert_int_eq(close(fd), 0);
}
END_TEST

/* The blocked signals of this process's thread other than the main one
 * (SigBlk in its /proc status), or 0 when there is none. */
static unsigned long long
other_thread_sigblk(void)
{
	char path[300], line[256];
	unsigned long long blk = 0;
	struct dirent *e;
	DIR *d = opendir("/proc/self/task");
	FILE *fp;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strtol(e->d_name, NULL, 10) == (long)getpid())
			continue;
		(void)snprintf(path, sizeof(path), "/proc/self/task/%s/status",
		    e->d_name);
		ck_assert_ptr_nonnull(fp = fopen(path, "r"));
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strncmp(line, "SigBlk:", 7) == 0)
				blk = strtoull(line + 7, NULL, 16);
		(void)fclose(fp);
	}
	(void)closedir(d);
	return blk;
}

START_TEST(test_writeout_thread_takes_no_signal)
{
	struct writeout *w;
	unsigned long long blk, want = (1ULL << (SIGTERM - 1)) |
	    (1ULL << (SIGINT - 1)) | (1ULL << (SIGHUP - 1)) |
	    (1ULL << (SIGCHLD - 1)) | (1ULL << (SIGPIPE - 1));

	ck_assert_ptr_nonnull(w = writeout_start());
	/* glibc blocks everything until the thread runs and takes the mask
	 * it was given: look once it has (a mask let through shows then). */
	(void)nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
	blk = other_thread_sigblk();
	writeout_stop(w);
	/* A stop signal for the worker reaches the worker's own thread. */
	ck_assert_uint_eq(blk & want, want);
	ck_assert_uint_eq(other_thread_sigblk(), 0);	/* joined */
}
END_TEST

static Suite *
writeout_suite(void)
{
	Suite *s = suite_create("writeout");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_writeout_wanted);
	tcase_add_test(tc, test_writeout_pays);
	tcase_add_test(tc, test_writeout_mem_parse);
	tcase_add_test(tc, test_writeout_mem_read);
	tcase_add_test(tc, test_writeout_cleans_hinted_pages);
	tcase_add_test(tc, test_writeout_never_blocks_or_leaks);
	tcase_add_test(tc, test_writeout_thread_takes_no_signal);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(writeout_suite());
}
