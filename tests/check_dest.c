/* dest: temp beside the final name, committed whole or not at all. */
#include "config.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "dest.h"
#include "journal.h"
#include "testutil.h"

static char dst[PATH_MAX], tmp[PATH_MAX];
static int dir = -1;		/* the scratch directory; dst, tmp in it */

static void
setup(void)
{
	testutil_setup();
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("out"));
	ck_assert_int_eq(dest_tmpname(dst, 1234, 56, tmp, sizeof(tmp)), 0);
	ck_assert_int_ge(dir = open(testutil_path("."), O_PATH |
	    O_DIRECTORY), 0);
}

static void
teardown(void)
{
	(void)close(dir);
	testutil_teardown();
}

/* The leaf of a scratch path (dst, tmp): its name in dir. */
static const char *
leaf(const char *path)
{
	return strrchr(path, '/') + 1;
}

START_TEST(test_dest_tmpname_is_hidden_beside_dst)
{
	char want[PATH_MAX];

	(void)snprintf(want, sizeof(want), "%s", testutil_path(".parcp.out."
	    "1234.56"));
	ck_assert_str_eq(tmp, want);
	ck_assert_int_eq(dest_tmpname("plain", 7, 8, tmp, sizeof(tmp)), 0);
	ck_assert_str_eq(tmp, ".parcp.plain.7.8");
}
END_TEST

START_TEST(test_dest_tmpname_fits_name_max)
{
	char name[NAME_MAX + 1], path[PATH_MAX];
	const char *base;

	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	(void)snprintf(path, sizeof(path), "d/%s", name);
	ck_assert_int_eq(dest_tmpname(path, INT32_MAX, UINT32_MAX - 1, tmp,
	    sizeof(tmp)), 0);
	base = strrchr(tmp, '/') + 1;
	ck_assert_uint_eq(strlen(base), NAME_MAX);
	ck_assert(strncmp(tmp, "d/.parcp.nnn", 12) == 0);
	ck_assert_int_eq(dest_tmpname(path, 1, 1, tmp, 20), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	/* ".parcp.plain.7.8" is 16 bytes: 16 leave no room for the NUL */
	errno = 0;
	ck_assert_int_eq(dest_tmpname("plain", 7, 8, tmp, 16), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(dest_tmpname("plain", 7, 8, tmp, 17), 0);
	ck_assert_str_eq(tmp, ".parcp.plain.7.8");
}
END_TEST

START_TEST(test_dest_partname_is_stable_and_distinct)
{
	char a[PATH_MAX], b[PATH_MAX], name[NAME_MAX + 1], path[PATH_MAX];

	ck_assert_int_eq(dest_partname("d/big.img", "part", a, sizeof(a)), 0);
	ck_assert(strncmp(a, "d/.parcp.big.img.", 17) == 0);
	ck_assert_str_eq(a + strlen(a) - 5, ".part");
	ck_assert_int_eq(dest_partname("elsewhere/big.img", "jnl", b,
	    sizeof(b)), 0);
	/* same name, other directory or extension: the same stem */
	ck_assert_str_eq(b + strlen(b) - 4, ".jnl");
	ck_assert_uint_eq(strlen(a) - strlen("d/") - strlen("part"),
	    strlen(b) - strlen("elsewhere/") - strlen("jnl"));
	ck_assert(strncmp(a + 2, b + 10, strlen(a) - 2 - 4) == 0);
	/* two long names cut to the same prefix still differ */
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	(void)snprintf(path, sizeof(path), "d/%s", name);
	ck_assert_int_eq(dest_partname(path, "part", a, sizeof(a)), 0);
	ck_assert_uint_eq(strlen(strrchr(a, '/') + 1), NAME_MAX);
	name[NAME_MAX - 1] = 'm';
	(void)snprintf(path, sizeof(path), "d/%s", name);
	ck_assert_int_eq(dest_partname(path, "part", b, sizeof(b)), 0);
	ck_assert_str_ne(a, b);
}
END_TEST

static void
touch(const char *name)
{
	FILE *fp = fopen(testutil_path(name), "w");

	ck_assert_ptr_nonnull(fp);
	fclose(fp);
}

static int
exists(const char *name)
{
	struct stat st;

	return lstat(testutil_path(name), &st) == 0;
}

START_TEST(test_dest_sweep_removes_leftovers_only)
{
	char dead[64], live[64];
	pid_t pid;

	/* a pid that surely is not running: a reaped child's */
	if ((pid = fork()) == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	(void)snprintf(dead, sizeof(dead), ".parcp.a.%ld.3", (long)pid);
	(void)snprintf(live, sizeof(live), ".parcp.b.%ld.4", (long)getpid());
	touch(dead);
	touch(live);
	touch(".parcp.c.0123456789abcdef.part");
	touch(".parcp.c.0123456789abcdef.jnl");
	touch(".parcp.notours");
	touch("user.file");
	ck_assert_int_eq(dest_sweep_at(dir, true, NULL), 1);
	ck_assert(!exists(dead));
	ck_assert(exists(live));
	ck_assert(exists(".parcp.c.0123456789abcdef.part"));
	ck_assert_int_eq(dest_sweep_at(dir, false, NULL), 2);
	ck_assert(!exists(".parcp.c.0123456789abcdef.part"));
	ck_assert(!exists(".parcp.c.0123456789abcdef.jnl"));
	ck_assert(exists(live));
	ck_assert(exists(".parcp.notours"));
	ck_assert(exists("user.file"));
}
END_TEST

START_TEST(test_dest_sweep_counts_the_partial_work_it_discards)
{
	struct journal_id id = { 4096, 1, 2, 3 };
	uint64_t gone = 7;
	struct fault f;

	touch(".parcp.d.0123456789abcdef.part");
	ck_assert_int_eq(journal_create(dir, ".parcp.d.0123456789abcdef.jnl",
	    &id, &f), 0);
	ck_assert_int_eq(journal_append(dir, ".parcp.d.0123456789abcdef.jnl",
	    0, 1024, false, &f), 0);
	/* --resume keeps them: nothing discarded */
	ck_assert_int_eq(dest_sweep_at(dir, true, &gone), 0);
	ck_assert_uint_eq(gone, 7);
	ck_assert_int_eq(dest_sweep_at(dir, false, &gone), 2);
	ck_assert_uint_eq(gone, 7 + 1024);
}
END_TEST

START_TEST(test_dest_sync_dir)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(dest_sync_at(dir, &f), 0);
	ck_assert_int_eq(dest_sync_at(-1, &f), -1);
	ck_assert_int_eq(f.op, FAULT_SYNC);
	ck_assert_int_eq(f.err, EBADF);
}
END_TEST

START_TEST(test_dest_create_is_private_sized_and_sparse)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	ck_assert_int_ne(fd = dest_create_at(dir, leaf(tmp), (off_t)5 << 30, &f), -1);
	close(fd);
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, (off_t)5 << 30);
	ck_assert_int_lt(st.st_blocks, 64);
	ck_assert_int_eq(access(dst, F_OK), -1);
}
END_TEST

START_TEST(test_dest_create_replaces_a_stale_temp)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	testutil_make_file(tmp, 1000, 1);
	ck_assert_int_ne(fd = dest_create_at(dir, leaf(tmp), 10, &f), -1);
	close(fd);
	ck_assert_int_eq(stat(tmp, &st), 0);
	ck_assert_int_eq(st.st_size, 10);
	/* not a regular file there (a planted symlink): not ours, kept */
	ck_assert_int_eq(unlink(tmp), 0);
	ck_assert_int_eq(symlink("victim", tmp), 0);
	ck_assert_int_eq(dest_create_at(dir, leaf(tmp), 10, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CREATE);
	ck_assert_int_eq(f.err, EEXIST);
	ck_assert_int_eq(lstat(tmp, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(!exists("victim"));
}
END_TEST

/* Entries in the scratch directory, but . and .. */
static int
entries(void)
{
	DIR *d = opendir(testutil_path("."));
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

START_TEST(test_dest_anon_is_unnamed_until_named_and_never_replaces)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st, st2, named;
	mode_t was;
	int fd, fd2;

	if ((fd = dest_create_anon(dir, 10, 0600, &f)) == -2)
		return;		/* this file system has no unnamed files */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(entries(), 0);		/* nobody can open it */
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, 10);
	ck_assert_int_eq(st.st_nlink, 0);
	ck_assert_int_eq(dest_name_anon(fd, dir, leaf(dst)), 0);
	ck_assert_int_eq(stat(dst, &named), 0);
	ck_assert_int_eq(named.st_ino, st.st_ino);
	/* A second one is refused the name: the first stays. */
	/* Its source's permission bits less the umask; no set-id bit. */
	was = umask(027);
	ck_assert_int_ge(fd2 = dest_create_anon(dir, 3, S_IFREG | 06755, &f),
	    0);
	umask(was);
	ck_assert_int_eq(fstat(fd2, &st2), 0);
	ck_assert_int_eq(st2.st_mode & 07777, 0750);
	ck_assert_int_eq(dest_name_anon(fd2, dir, leaf(dst)), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(stat(dst, &named), 0);
	ck_assert_int_eq(named.st_ino, st.st_ino);
	ck_assert_int_eq(named.st_size, 10);
	close(fd2);
	close(fd);
	ck_assert_int_eq(entries(), 1);		/* the refused one is gone */
	ck_assert_int_eq(f.op, FAULT_NONE);
}
END_TEST

START_TEST(test_dest_anon_never_follows_a_planted_symlink)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	ck_assert_int_eq(symlink("victim", dst), 0);
	if ((fd = dest_create_anon(dir, 1, 0600, &f)) == -2)
		return;		/* this file system has no unnamed files */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dest_name_anon(fd, dir, leaf(dst)), -1);
	ck_assert_int_eq(errno, EEXIST);
	close(fd);
	ck_assert_int_eq(lstat(dst, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert(!exists("victim"));
}
END_TEST

/* A new file under its final name: mode as an unnamed one's, never over
 * anything there (a file, a planted symlink: -2, nothing followed), and
 * no file left when it cannot be sized. */
START_TEST(test_dest_create_new_makes_only_new_names)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	mode_t was;
	int fd;

	was = umask(027);
	fd = dest_create_new(dir, leaf(dst), 5, S_IFREG | 06755, &f);
	umask(was);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0750);
	ck_assert_int_eq(st.st_size, 5);
	close(fd);
	ck_assert_int_eq(dest_create_new(dir, leaf(dst), 1, 0600, &f), -2);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 5);
	ck_assert_int_eq(unlink(dst), 0);
	ck_assert_int_eq(symlink("victim", dst), 0);
	ck_assert_int_eq(dest_create_new(dir, leaf(dst), 1, 0600, &f), -2);
	ck_assert(!exists("victim"));
	ck_assert_int_eq(f.op, FAULT_NONE);
	ck_assert_int_eq(dest_create_new(dir, leaf(tmp), INT64_MAX, 0600, &f),
	    -1);
	ck_assert_int_eq(f.op, FAULT_TRUNCATE);
	ck_assert_int_eq(access(tmp, F_OK), -1);
}
END_TEST

START_TEST(test_dest_commit_replaces_old_file)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	testutil_make_file(dst, 10, 1);
	ck_assert_int_ne(fd = dest_create_at(dir, leaf(tmp), 3, &f), -1);
	close(fd);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 10);	/* old file intact meanwhile */
	ck_assert_int_eq(dest_commit_at(dir, leaf(tmp), leaf(dst), false, &f), 0);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(access(tmp, F_OK), -1);
}
END_TEST

START_TEST(test_dest_commit_noreplace_keeps_old_and_drops_temp)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	testutil_make_file(dst, 10, 1);
	ck_assert_int_ne(fd = dest_create_at(dir, leaf(tmp), 3, &f), -1);
	close(fd);
	ck_assert_int_eq(dest_commit_at(dir, leaf(tmp), leaf(dst), true, &f), 1);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 10);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	unlink(dst);
	ck_assert_int_ne(fd = dest_create_at(dir, leaf(tmp), 3, &f), -1);
	close(fd);
	ck_assert_int_eq(dest_commit_at(dir, leaf(tmp), leaf(dst), true, &f), 0);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_size, 3);
}
END_TEST

START_TEST(test_dest_missing_directory_is_create_enoent)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(dest_create_at(dir, "nodir/x", 1, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CREATE);
	ck_assert_int_eq(f.err, ENOENT);
}
END_TEST

START_TEST(test_dest_too_big_is_truncate_fault_and_no_file)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(dest_create_at(dir, leaf(tmp), INT64_MAX, &f), -1);
	ck_assert_int_eq(f.op, FAULT_TRUNCATE);
	ck_assert(f.err == EFBIG || f.err == EINVAL);
	ck_assert_int_eq(access(tmp, F_OK), -1);
}
END_TEST

START_TEST(test_dest_rename_onto_directory_is_rename_fault)
{
	struct fault f = { FAULT_NONE, 0 };
	int fd;

	ck_assert_int_eq(mkdir(dst, 0700), 0);
	ck_assert_int_eq(mkdir(testutil_path("out/x"), 0700), 0);
	ck_assert_int_ne(fd = dest_create_at(dir, leaf(tmp), 3, &f), -1);
	close(fd);
	ck_assert_int_eq(dest_commit_at(dir, leaf(tmp), leaf(dst), false, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_int_eq(f.err, EISDIR);
}
END_TEST

/* With no temp to commit, -n's commit fails as a rename: never done. */
START_TEST(test_dest_commit_noreplace_without_temp_is_rename_fault)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(dest_commit_at(dir, leaf(tmp), leaf(dst), true, &f),
	    -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_int_eq(access(dst, F_OK), -1);
}
END_TEST

/* The descriptors this process has open. */
static int
open_fds(void)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	ck_assert_ptr_nonnull(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	(void)closedir(d);
	return n;
}

/* A sweep that looks into temps (are they held?) closes each again:
 * a tree of many directories is swept in one run. */
START_TEST(test_dest_sweep_closes_what_it_opens)
{
	int before;

	touch(".parcp.a.0123456789abcdef.1.1");
	touch(".parcp.b.0123456789abcdef.1.2");
	touch(".parcp.c.0123456789abcdef.1.3");
	before = open_fds();
	(void)dest_sweep_at(dir, true, NULL);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/*
 * A pid in a run's temp name is judged only on the run's own host: on
 * shared storage another host's run may be alive whatever pid it had.
 */
START_TEST(test_dest_sweep_judges_pids_on_their_own_host)
{
	char tok[DEST_TOKEN_SIZE], ours[NAME_MAX + 1], theirs[NAME_MAX + 1];
	pid_t pid;

	if ((pid = fork()) == 0)	/* a pid that is not running */
		_exit(0);
	waitpid(pid, NULL, 0);
	dest_token(tok);
	ck_assert_int_eq(dest_runname("a", tok, pid, 1, ours, sizeof(ours)),
	    0);
	memcpy(tok + 17, tok[17] == '0' ? "1" : "0", 1);  /* another host */
	ck_assert_int_eq(dest_runname("b", tok, pid, 2, theirs,
	    sizeof(theirs)), 0);
	/* symlinks: no lock to take, only the pid tells */
	ck_assert_int_eq(symlinkat("x", dir, ours), 0);
	ck_assert_int_eq(symlinkat("x", dir, theirs), 0);
	ck_assert_int_eq(dest_sweep_at(dir, true, NULL), 1);
	ck_assert(!exists(ours));
	ck_assert(exists(theirs));
	/* a parent's temp of a file named like a host tag ("f.deadbeef"),
	 * with no run token before it: judged by its pid, here */
	(void)snprintf(ours, sizeof(ours), ".parcp.f.deadbeef.%ld.3",
	    (long)pid);
	touch(ours);
	ck_assert_int_eq(dest_sweep_at(dir, true, NULL), 1);
	ck_assert(!exists(ours));
}
END_TEST

/* A run's temps: unguessable names; the sweep takes only unlocked ones. */
START_TEST(test_dest_sweep_at_takes_only_unowned_temps)
{
	char tok[DEST_TOKEN_SIZE], name[NAME_MAX + 1], old[NAME_MAX + 1];
	char buf[PATH_MAX];
	struct fault f;
	struct stat st;
	int held, fd;

	dest_token(tok);
	ck_assert_int_eq(strlen(tok), 25);	/* RANDOM.HOST */
	ck_assert_int_eq(tok[16], '.');
	ck_assert_int_eq(dest_runname("leaf", tok, 42, 7, name, sizeof(name)),
	    0);
	(void)snprintf(buf, sizeof(buf), ".parcp.leaf.%s.42.7", tok);
	ck_assert_str_eq(name, buf);
	ck_assert_int_ge(held = dest_create_at(dir, name, 10, &f), 0);
	ck_assert_int_eq(fstat(held, &st), 0);
	ck_assert_int_eq(st.st_size, 10);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	/* held: another run's, refused and untouched */
	ck_assert_int_eq(dest_create_at(dir, name, -1, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OWNED);
	ck_assert_int_eq(fstat(held, &st), 0);
	ck_assert_int_eq(st.st_nlink, 1);
	/* an unlocked temp of a run that is gone (pid 1 is alive, so old) */
	ck_assert_int_eq(dest_runname("gone", tok, 1, 8, old, sizeof(old)),
	    0);
	ck_assert_int_ge(fd = openat(dir, old, O_CREAT | O_WRONLY, 0600), 0);
	(void)close(fd);
	/* a fresh unlocked one of a live run: spared (create-to-lock window) */
	ck_assert_int_eq(dest_runname("fresh", tok, getpid(), 9, buf,
	    sizeof(buf)), 0);
	ck_assert_int_ge(fd = openat(dir, buf, O_CREAT | O_WRONLY, 0600), 0);
	(void)close(fd);
	/* not parcp's: untouched */
	testutil_make_file(testutil_path("mine"), 3, 1);
	/* ctime cannot be set back: the "old" rule needs 3 s of age */
	sleep(3);
	ck_assert_int_ge(fd = openat(dir, buf, O_WRONLY), 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);	/* now held */
	ck_assert_int_eq(dest_sweep_at(dir, true, NULL), 1);
	ck_assert_int_eq(faccessat(dir, old, F_OK, 0), -1);
	ck_assert_int_eq(faccessat(dir, name, F_OK, 0), 0);
	ck_assert_int_eq(faccessat(dir, buf, F_OK, 0), 0);
	ck_assert_int_eq(access(testutil_path("mine"), F_OK), 0);
	(void)close(fd);			/* its owner is gone... */
	(void)close(held);
	ck_assert_int_eq(dest_sweep_at(dir, true, NULL), 2);	/* ...both go */
}
END_TEST

static Suite *
dest_suite(void)
{
	Suite *s = suite_create("dest");
	TCase *tc;

	tc = tcase_create("lifecycle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dest_tmpname_is_hidden_beside_dst);
	tcase_add_test(tc, test_dest_tmpname_fits_name_max);
	tcase_add_test(tc, test_dest_partname_is_stable_and_distinct);
	tcase_add_test(tc, test_dest_sweep_removes_leftovers_only);
	tcase_add_test(tc, test_dest_sweep_counts_the_partial_work_it_discards);
	tcase_add_test(tc, test_dest_sync_dir);
	tcase_add_test(tc, test_dest_sweep_at_takes_only_unowned_temps);
	tcase_add_test(tc, test_dest_sweep_judges_pids_on_their_own_host);
	tcase_add_test(tc, test_dest_create_is_private_sized_and_sparse);
	tcase_add_test(tc, test_dest_create_replaces_a_stale_temp);
	tcase_add_test(tc, test_dest_anon_is_unnamed_until_named_and_never_replaces);
	tcase_add_test(tc, test_dest_anon_never_follows_a_planted_symlink);
	tcase_add_test(tc, test_dest_create_new_makes_only_new_names);
	tcase_add_test(tc, test_dest_commit_replaces_old_file);
	tcase_add_test(tc,
	    test_dest_commit_noreplace_keeps_old_and_drops_temp);
	suite_add_tcase(s, tc);
	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dest_missing_directory_is_create_enoent);
	tcase_add_test(tc, test_dest_too_big_is_truncate_fault_and_no_file);
	tcase_add_test(tc, test_dest_rename_onto_directory_is_rename_fault);
	tcase_add_test(tc,
	    test_dest_commit_noreplace_without_temp_is_rename_fault);
	tcase_add_test(tc, test_dest_sweep_closes_what_it_opens);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(dest_suite());
}
