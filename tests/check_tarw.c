/* tarw: the member writer makes every entry beneath DEST's descriptor. */
#include "config.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <check.h>

#include "tarw.h"
#include "testutil.h"

static struct opts o;
static struct tarw w;
static struct archive_entry *e;
static int root;

static void
setup(void)
{
	testutil_setup();
	ck_assert_int_eq(mkdir(testutil_path("dest"), 0755), 0);
	ck_assert_int_eq(mkdir(testutil_path("outside"), 0755), 0);
	root = open(testutil_path("dest"), O_RDONLY | O_DIRECTORY);
	memset(&o, 0, sizeof(o));
	tarw_init(&w, &o, root);
	e = archive_entry_new();
}

static void
teardown(void)
{
	archive_entry_free(e);
	tarw_free(&w);
	(void)close(root);
	testutil_teardown();
}

static struct tarw_item
member(const char *name, mode_t mode)
{
	struct tarw_item it = { e, name, 7 };

	archive_entry_set_pathname(e, name);
	archive_entry_set_mode(e, mode);
	archive_entry_set_mtime(e, 1000000000, 5);
	return it;
}

/* Write a file member with data "new" (rv -1: a failed copy). */
static int
file(const char *name, int rv)
{
	struct tarw_item it = member(name, S_IFREG | 0640);
	char tmp[NAME_MAX + 1];
	struct fault f;
	int fd, dir, xerr;

	if ((fd = tarw_file_begin(&w, &it, -1, &dir, tmp, &f)) == -1)
		return -1;
	ck_assert_int_eq(write(fd, "new", 3), 3);
	return tarw_file_end(&w, &it, fd, dir, tmp, rv, &xerr, &f);
}

static int
leftovers(void)
{
	char cmd[PATH_MAX + 64];

	(void)snprintf(cmd, sizeof(cmd), "ls -A %s | grep -q '^\\.parcp\\.'",
	    testutil_path("dest"));
	return system(cmd) == 0;
}

START_TEST(test_tarw_file_is_whole_with_its_metadata)
{
	struct stat st;
	mode_t mask = umask(022);

	(void)umask(mask);
	ck_assert_int_eq(file("f", 0), 0);
	ck_assert_int_eq(stat(testutil_path("dest/f"), &st), 0);
	ck_assert_int_eq(st.st_size, 3);
	ck_assert_int_eq(st.st_mode & 07777, 0640 & ~mask);
	ck_assert_int_eq(st.st_mtim.tv_sec, 1000000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 5);
	ck_assert(!leftovers());
}
END_TEST

START_TEST(test_tarw_failed_file_keeps_the_old_one)
{
	testutil_make_file(testutil_path("dest/f"), 100, 1);
	testutil_make_file(testutil_path("before"), 100, 1);
	ck_assert_int_eq(file("f", -1), -1);
	ck_assert(testutil_same(testutil_path("dest/f"),
	    testutil_path("before")));
	ck_assert(!leftovers());
}
END_TEST

START_TEST(test_tarw_never_through_a_symlinked_directory)
{
	const char *leaf;

	ck_assert_int_eq(symlink("../outside", testutil_path("dest/s")), 0);
	ck_assert_int_eq(tarw_parent(&w, "s/x", true, &leaf), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(file("s/x", 0), -1);
	ck_assert_int_eq(access(testutil_path("outside/x"), F_OK), -1);
	ck_assert_int_ne(tarw_parent(&w, "a/b/x", true, &leaf), -1);
	ck_assert_str_eq(leaf, "x");
	ck_assert_int_eq(file("a/b/x", 0), 0);
}
END_TEST

START_TEST(test_tarw_special_replaces_what_is_there)
{
	struct tarw_item it;
	struct fault f;
	struct stat st;
	int xerr;

	ck_assert_int_eq(file("n", 0), 0);
	it = member("n", S_IFLNK | 0777);
	archive_entry_set_symlink(e, "../outside/victim");
	ck_assert_int_eq(tarw_special(&w, &it, &xerr, &f), 0);
	ck_assert_int_eq(lstat(testutil_path("dest/n"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	it = member("n", S_IFIFO | 0644);
	ck_assert_int_eq(tarw_special(&w, &it, &xerr, &f), 0);
	ck_assert_int_eq(lstat(testutil_path("dest/n"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_int_eq(access(testutil_path("outside/victim"), F_OK), -1);
	ck_assert(!leftovers());
}
END_TEST

START_TEST(test_tarw_link_to_a_symlink_links_the_symlink)
{
	struct tarw_item it;
	struct fault f;
	struct stat st, st2;

	testutil_make_file(testutil_path("outside/victim"), 10, 1);
	ck_assert_int_eq(symlink("../outside/victim", testutil_path("dest/s")),
	    0);
	it = member("h", S_IFREG | 06777);
	ck_assert_int_eq(tarw_link(&w, &it, "s", &f), 0);
	ck_assert_int_eq(lstat(testutil_path("dest/h"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(lstat(testutil_path("dest/s"), &st2), 0);
	ck_assert_int_eq(st.st_ino, st2.st_ino);
	ck_assert_int_eq(stat(testutil_path("outside/victim"), &st), 0);
	ck_assert_int_eq(st.st_nlink, 1);
	ck_assert_int_ne(st.st_mode & 07777, 06777);
}
END_TEST

START_TEST(test_tarw_dir_over_a_file_and_its_identity)
{
	char path[PATH_MAX];
	struct tarw_item it;
	struct fault f;
	struct stat st;
	dev_t dev;
	ino_t ino;
	int xerr;

	ck_assert_int_eq(file("d", 0), 0);
	it = member("d", S_IFDIR | 0555);
	ck_assert_int_eq(tarw_mkdir(&w, &it, &dev, &ino, &f), 0);
	ck_assert_int_eq(lstat(testutil_path("dest/d"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(st.st_ino, ino);
	ck_assert_int_eq(tarw_dir_end(&w, &it, dev, ino, &xerr, &f), 0);
	ck_assert_int_eq(lstat(testutil_path("dest/d"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0555 & ~w.umask);
	/* swapped for another directory: its metadata is not applied */
	(void)snprintf(path, sizeof(path), "%s", testutil_path("dest/e"));
	ck_assert_int_eq(rename(testutil_path("dest/d"), path), 0);
	ck_assert_int_eq(mkdir(testutil_path("dest/d"), 0700), 0);
	ck_assert_int_eq(tarw_dir_end(&w, &it, dev, ino, &xerr, &f), -1);
	ck_assert_int_eq(f.err, ESTALE);
	/* ... nor through a symlink */
	ck_assert_int_eq(rmdir(testutil_path("dest/d")), 0);
	ck_assert_int_eq(symlink("../outside", testutil_path("dest/d")), 0);
	ck_assert_int_eq(tarw_dir_end(&w, &it, 0, 0, &xerr, &f), -1);
	ck_assert_int_eq(lstat(testutil_path("outside"), &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0755);
}
END_TEST

START_TEST(test_tarw_keep_existing)
{
	struct tarw_item it;

	it = member("f", S_IFREG | 0644);
	ck_assert(!tarw_keep_existing(&w, &it));
	testutil_make_file(testutil_path("dest/f"), 10, 1);
	ck_assert(!tarw_keep_existing(&w, &it));
	o.noclobber = true;
	ck_assert(tarw_keep_existing(&w, &it));
	ck_assert_int_eq(file("f", 0), TARW_KEPT);	/* the rename too */
	o.noclobber = false;
	o.update = true;
	ck_assert(tarw_keep_existing(&w, &it));		/* older member */
	archive_entry_set_mtime(e, 4000000000, 0);
	ck_assert(!tarw_keep_existing(&w, &it));
}
END_TEST

START_TEST(test_tarw_reopen_checks_identity)
{
	struct tarw_item it = member("big", S_IFREG | 0644);
	char tmp[NAME_MAX + 1], path[PATH_MAX];
	struct fault f;
	struct stat st;
	int fd, dir, fd2;

	ck_assert_int_ge(fd = tarw_file_begin(&w, &it, 100, &dir, tmp, &f),
	    0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_ge(fd2 = tarw_file_reopen(&w, &it, st.st_dev, st.st_ino,
	    &f), 0);
	(void)close(fd2);
	/* replaced by a symlink: refused, not followed */
	(void)snprintf(path, sizeof(path), "dest/%s", tmp);
	ck_assert_int_eq(unlink(testutil_path(path)), 0);
	ck_assert_int_eq(symlink("../outside/v", testutil_path(path)), 0);
	ck_assert_int_eq(tarw_file_reopen(&w, &it, st.st_dev, st.st_ino, &f),
	    -1);
	ck_assert_int_eq(unlink(testutil_path(path)), 0);
	testutil_make_file(testutil_path(path), 100, 1);
	ck_assert_int_eq(tarw_file_reopen(&w, &it, st.st_dev, st.st_ino, &f),
	    -1);
	ck_assert_int_eq(f.err, ESTALE);
	ck_assert_int_eq(access(testutil_path("outside/v"), F_OK), -1);
	(void)close(fd);
}
END_TEST

/* -u: a member as new as the file, to the nanosecond, keeps it. */
START_TEST(test_tarw_update_compares_nanoseconds)
{
	struct timespec ts[2];
	struct tarw_item it;

	testutil_make_file(testutil_path("dest/f"), 10, 1);
	o.update = true;
	it = member("f", S_IFREG | 0644);	/* mtime 1000000000.5 */
	ts[0].tv_sec = ts[1].tv_sec = 1000000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 5;
	ck_assert_int_eq(utimensat(AT_FDCWD, testutil_path("dest/f"), ts, 0),
	    0);
	ck_assert(tarw_keep_existing(&w, &it));
	ts[0].tv_nsec = ts[1].tv_nsec = 4;
	ck_assert_int_eq(utimensat(AT_FDCWD, testutil_path("dest/f"), ts, 0),
	    0);
	ck_assert(!tarw_keep_existing(&w, &it));
	ts[0].tv_sec = ts[1].tv_sec = 999999999;
	ts[0].tv_nsec = ts[1].tv_nsec = 999999999;
	ck_assert_int_eq(utimensat(AT_FDCWD, testutil_path("dest/f"), ts, 0),
	    0);
	ck_assert(!tarw_keep_existing(&w, &it));
}
END_TEST

/* An empty directory in a file's way goes (the last member wins); one
 * with something in it stays, and the member fails. */
START_TEST(test_tarw_file_over_a_directory)
{
	struct stat st;

	ck_assert_int_eq(mkdir(testutil_path("dest/e"), 0755), 0);
	ck_assert_int_eq(file("e", 0), 0);
	ck_assert_int_eq(lstat(testutil_path("dest/e"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(mkdir(testutil_path("dest/full"), 0755), 0);
	testutil_make_file(testutil_path("dest/full/x"), 10, 1);
	ck_assert_int_eq(file("full", 0), -1);
	ck_assert_int_eq(lstat(testutil_path("dest/full/x"), &st), 0);
	ck_assert(!leftovers());
}
END_TEST

START_TEST(test_tarw_special_and_link_failures)
{
	struct tarw_item it;
	struct fault f;
	int xerr;

	/* A symlink member without a target: symlink(2) refuses "". */
	it = member("s", S_IFLNK | 0777);
	ck_assert_int_eq(tarw_special(&w, &it, &xerr, &f), -1);
	ck_assert_int_eq(f.op, FAULT_SYMLINK);
	ck_assert_int_eq(f.err, ENOENT);
	/* A type mknod(2) cannot make. */
	it = member("n", S_IFDIR | 0755);
	ck_assert_int_eq(tarw_special(&w, &it, &xerr, &f), -1);
	ck_assert_int_eq(f.op, FAULT_MKNOD);
	/* Its directory is not there. */
	it = member("no/n", S_IFIFO | 0644);
	ck_assert_int_eq(tarw_special(&w, &it, &xerr, &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_DST);
	/* A hard link to a name that does not exist, or under a missing
	 * directory; a link whose own directory is missing. */
	it = member("h", S_IFREG | 0644);
	ck_assert_int_eq(tarw_link(&w, &it, "missing", &f), -1);
	ck_assert_int_eq(f.op, FAULT_LINK);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_int_eq(tarw_link(&w, &it, "nodir/missing", &f), -1);
	ck_assert_int_eq(f.op, FAULT_LINK);
	ck_assert_int_eq(file("t", 0), 0);
	it = member("nodir/h", S_IFREG | 0644);
	ck_assert_int_eq(tarw_link(&w, &it, "t", &f), -1);
	ck_assert_int_eq(f.op, FAULT_OPEN_DST);
	ck_assert(!leftovers());
	ck_assert_int_eq(access(testutil_path("dest/h"), F_OK), -1);
	ck_assert_int_eq(access(testutil_path("dest/s"), F_OK), -1);
	ck_assert_int_eq(access(testutil_path("dest/n"), F_OK), -1);
}
END_TEST

START_TEST(test_tarw_mkdir_failures)
{
	struct tarw_item it;
	struct fault f;
	dev_t dev;
	ino_t ino;

	ck_assert_int_eq(file("f", 0), 0);
	/* Its parent is a file. */
	it = member("f/sub", S_IFDIR | 0755);
	ck_assert_int_eq(tarw_mkdir(&w, &it, &dev, &ino, &f), -1);
	ck_assert_int_eq(f.op, FAULT_MKDIR);
	/* -n: a file where it goes stays, so there is no directory. */
	o.noclobber = true;
	it = member("f", S_IFDIR | 0755);
	ck_assert_int_eq(tarw_mkdir(&w, &it, &dev, &ino, &f), -1);
	ck_assert_int_eq(f.op, FAULT_MKDIR);
	ck_assert_int_eq(f.err, ENOTDIR);
	/* "." is DEST itself. */
	it = member(".", S_IFDIR | 0755);
	ck_assert_int_eq(tarw_mkdir(&w, &it, &dev, &ino, &f), 0);
}
END_TEST

/* -a: the member's xattrs and ACL are set on the file made; a symlink
 * gets no ACL; a directory's default ACL too. */
START_TEST(test_tarw_xattrs_and_acls_with_a)
{
	struct tarw_item it;
	char tmp[NAME_MAX + 1], v[16];
	struct fault f;
	dev_t dev;
	ino_t ino;
	int fd, dir, xerr = -1;

	o.preserve = PRESERVE_XATTR;
	it = member("x", S_IFREG | 0640);
	archive_entry_xattr_add_entry(e, "user.k", "val", 3);
	ck_assert_int_eq(archive_entry_acl_from_text(e,
	    "user::rw-,user:root:r--,group::r--,mask::r--,other::---",
	    ARCHIVE_ENTRY_ACL_TYPE_ACCESS), ARCHIVE_OK);
	ck_assert_int_ge(fd = tarw_file_begin(&w, &it, -1, &dir, tmp, &f), 0);
	ck_assert_int_eq(tarw_file_end(&w, &it, fd, dir, tmp, 0, &xerr, &f),
	    0);
	ck_assert_int_eq(xerr, 0);
	if (getxattr(testutil_path("dest/x"), "user.k", v, sizeof(v)) == -1 &&
	    errno == ENOTSUP)
		return;		/* no user xattrs here */
	ck_assert_int_eq(getxattr(testutil_path("dest/x"), "user.k", v,
	    sizeof(v)), 3);
	ck_assert_int_eq(memcmp(v, "val", 3), 0);
	ck_assert_int_eq(getxattr(testutil_path("dest/x"),
	    "system.posix_acl_access", NULL, 0), 4 + 8 * 5);
	/* A default ACL with a named entry but no mask: refused by the
	 * kernel, said as an xattr failure (the directory is kept). */
	archive_entry_clear(e);
	it = member("d", S_IFDIR | 0755);
	ck_assert_int_eq(archive_entry_acl_from_text(e,
	    "user::rwx,user:1:r--,group::r-x,other::---",
	    ARCHIVE_ENTRY_ACL_TYPE_DEFAULT), ARCHIVE_OK);
	ck_assert_int_eq(tarw_mkdir(&w, &it, &dev, &ino, &f), 0);
	ck_assert_int_eq(tarw_dir_end(&w, &it, dev, ino, &xerr, &f),
	    TARW_XATTR);
	ck_assert_int_eq(xerr, EINVAL);
	/* Without -a nothing is set. */
	o.preserve = 0;
	archive_entry_clear(e);
	it = member("y", S_IFREG | 0640);
	archive_entry_xattr_add_entry(e, "user.k", "val", 3);
	ck_assert_int_ge(fd = tarw_file_begin(&w, &it, -1, &dir, tmp, &f), 0);
	ck_assert_int_eq(tarw_file_end(&w, &it, fd, dir, tmp, 0, &xerr, &f),
	    0);
	ck_assert_int_eq(getxattr(testutil_path("dest/y"), "user.k", v,
	    sizeof(v)), -1);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("tarw");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tarw_file_is_whole_with_its_metadata);
	tcase_add_test(tc, test_tarw_failed_file_keeps_the_old_one);
	tcase_add_test(tc, test_tarw_never_through_a_symlinked_directory);
	tcase_add_test(tc, test_tarw_special_replaces_what_is_there);
	tcase_add_test(tc, test_tarw_link_to_a_symlink_links_the_symlink);
	tcase_add_test(tc, test_tarw_dir_over_a_file_and_its_identity);
	tcase_add_test(tc, test_tarw_keep_existing);
	tcase_add_test(tc, test_tarw_reopen_checks_identity);
	tcase_add_test(tc, test_tarw_update_compares_nanoseconds);
	tcase_add_test(tc, test_tarw_file_over_a_directory);
	tcase_add_test(tc, test_tarw_special_and_link_failures);
	tcase_add_test(tc, test_tarw_mkdir_failures);
	tcase_add_test(tc, test_tarw_xattrs_and_acls_with_a);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(suite());
}
