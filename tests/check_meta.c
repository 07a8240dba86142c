/* meta: modes, times, xattrs applied as --preserve says. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/xattr.h>

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "meta.h"
#include "testutil.h"

/* Metadata by path: the copy dst (or fd), xattrs from src's own inode. */
static int
apply(int fd, const char *dst, const char *src, const struct node *n,
    const struct opts *o, mode_t umask, struct fault *f)
{
	struct meta_target t = { fd, AT_FDCWD, dst, false };
	struct meta_src s = { -1, AT_FDCWD, src, false };

	return meta_apply_src(&t, &s, n, o, umask, f);
}

static struct node n;
static struct opts o;
static char src[4096], dst[4096];

static void
setup(void)
{
	testutil_setup();
	snprintf(src, sizeof(src), "%s", testutil_path("src"));
	snprintf(dst, sizeof(dst), "%s", testutil_path("dst"));
	testutil_make_file(src, 10, 1);
	testutil_make_file(dst, 10, 2);
	memset(&n, 0, sizeof(n));
	memset(&o, 0, sizeof(o));
	n.type = FT_REG;
	n.mode = S_IFREG | 04751;
	n.uid = getuid();
	n.gid = getgid();
	n.mtime.tv_sec = 1000000000;
	n.mtime.tv_nsec = 123456789;
	n.atime = n.mtime;
}

static mode_t
mode_of(const char *p)
{
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(test_meta_without_preserve_is_mode_minus_umask)
{
	struct fault f = { FAULT_NONE, 0 };

	ck_assert_int_eq(apply(-1, dst, src, &n, &o, 027, &f), 0);
	ck_assert_int_eq(mode_of(dst), 0750);
}
END_TEST

START_TEST(test_meta_existing_directory_keeps_its_mode)
{
	struct fault f = { FAULT_NONE, 0 };

	chmod(dst, 0600);
	n.existed = true;
	ck_assert_int_eq(apply(-1, dst, src, &n, &o, 022, &f), 0);
	ck_assert_int_eq(mode_of(dst), 0600);
}
END_TEST

START_TEST(test_meta_preserve_mode_owner_times_through_fd)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	o.preserve = PRESERVE_MODE | PRESERVE_OWNER | PRESERVE_TIMES;
	ck_assert_int_ne(fd = open(dst, O_WRONLY), -1);
	ck_assert_int_eq(apply(fd, dst, src, &n, &o, 077, &f), 0);
	close(fd);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 04751);	/* owner kept */
	ck_assert_int_eq(st.st_mtim.tv_sec, 1000000000);
	ck_assert_int_eq(st.st_mtim.tv_nsec, 123456789);
}
END_TEST

START_TEST(test_meta_xattrs_are_copied)
{
	struct fault f = { FAULT_NONE, 0 };
	char v[64];
	ssize_t len;

	ck_assert_int_eq(setxattr(src, "user.parcp", "v1", 2, 0), 0);
	o.preserve = PRESERVE_XATTR;
	ck_assert_int_eq(apply(-1, dst, src, &n, &o, 022, &f), 0);
	ck_assert_int_eq(len = getxattr(dst, "user.parcp", v, sizeof(v)), 2);
	ck_assert(memcmp(v, "v1", 2) == 0);
}
END_TEST

START_TEST(test_meta_errors_name_the_operation)
{
	struct fault f = { FAULT_NONE, 0 };

	o.preserve = PRESERVE_TIMES;
	ck_assert_int_eq(apply(-1, testutil_path("gone"), src, &n, &o,
	    022, &f), -1);
	ck_assert_int_eq(f.op, FAULT_CHMOD);
	ck_assert_int_eq(f.err, ENOENT);
	o.preserve = PRESERVE_XATTR;
	ck_assert_int_eq(apply(-1, dst, testutil_path("gone"), &n, &o,
	    022, &f), -1);
	ck_assert_int_eq(f.op, FAULT_GETXATTR);
}
END_TEST

static struct timespec
ctime_of(int fd)
{
	struct stat st;

	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_ctim;
}

/* A fresh copy through fd, with no attributes of its own but what xa does. */
static int
apply_fresh(int fd, meta_xattr_fn *xa, struct fault *f)
{
	struct meta_target t = { fd, AT_FDCWD, dst, true };

	return meta_apply_with(&t, &n, &o, 022, xa, NULL, f);
}

static int
no_xattrs(const void *arg, const struct meta_target *t,
    const struct node *nn, const struct opts *oo, struct fault *f)
{
	(void)arg, (void)t, (void)nn, (void)oo, (void)f;
	return 0;
}

/* An ACL that narrows the mode, as a source's access ACL does. */
static int
narrowing_acl(const void *arg, const struct meta_target *t,
    const struct node *nn, const struct opts *oo, struct fault *f)
{
	(void)arg, (void)nn, (void)oo, (void)f;
	ck_assert_int_eq(fchmod(t->fd, 0600), 0);
	return 1;
}

START_TEST(test_meta_fresh_copy_is_not_set_again_where_it_matches)
{
	struct fault f = { FAULT_NONE, 0 };
	struct timespec before, after;
	int fd;

	o.preserve = PRESERVE_OWNER | PRESERVE_MODE;
	n.mode = S_IFREG | 0640;
	ck_assert_int_ne(fd = open(dst, O_RDWR), -1);
	ck_assert_int_eq(fchmod(fd, 0640), 0);
	before = ctime_of(fd);
	usleep(30000);		/* past the clock tick ctime is taken from */
	ck_assert_int_eq(apply_fresh(fd, no_xattrs, &f), 0);
	after = ctime_of(fd);
	/* No chown, no chmod: either would have moved the ctime. */
	ck_assert(after.tv_sec == before.tv_sec &&
	    after.tv_nsec == before.tv_nsec);
	ck_assert_int_eq(mode_of(dst), 0640);
	/* The same, not fresh: set (so the ctime does tell). */
	ck_assert_int_eq(apply(fd, dst, src, &n, &o, 022, &f), 0);
	after = ctime_of(fd);
	ck_assert(after.tv_sec != before.tv_sec ||
	    after.tv_nsec != before.tv_nsec);
	close(fd);
}
END_TEST

START_TEST(test_meta_fresh_copy_gets_what_differs)
{
	struct fault f = { FAULT_NONE, 0 };
	struct stat st;
	int fd;

	o.preserve = PRESERVE_OWNER | PRESERVE_MODE;
	n.mode = S_IFREG | 0640;
	if (geteuid() == 0)
		n.uid = 4321, n.gid = 8765;
	ck_assert_int_ne(fd = open(dst, O_RDWR), -1);
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	ck_assert_int_eq(apply_fresh(fd, no_xattrs, &f), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(st.st_uid, n.uid);
	ck_assert_int_eq(st.st_gid, n.gid);
	/* Right mode as made, then an ACL narrows it: set again. */
	ck_assert_int_eq(apply_fresh(fd, narrowing_acl, &f), 0);
	ck_assert_int_eq(mode_of(dst), 0640);
	/* A set-id bit is never made: set, beside permission bits made. */
	n.mode = S_IFREG | 04640;
	ck_assert_int_eq(apply_fresh(fd, no_xattrs, &f), 0);
	ck_assert_int_eq(mode_of(dst), 04640);
	/* The owner or the group alone differs: set. */
	if (geteuid() == 0) {
		n.gid = 1111;
		ck_assert_int_eq(apply_fresh(fd, no_xattrs, &f), 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert_int_eq(st.st_gid, 1111);
		n.uid = 2222;
		ck_assert_int_eq(apply_fresh(fd, no_xattrs, &f), 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		ck_assert_int_eq(st.st_uid, 2222);
	}
	close(fd);
}
END_TEST

static Suite *
meta_suite(void)
{
	Suite *s = suite_create("meta");
	TCase *tc = tcase_create("apply");

	tcase_add_checked_fixture(tc, setup, testutil_teardown);
	tcase_add_test(tc, test_meta_without_preserve_is_mode_minus_umask);
	tcase_add_test(tc, test_meta_existing_directory_keeps_its_mode);
	tcase_add_test(tc, test_meta_preserve_mode_owner_times_through_fd);
	tcase_add_test(tc, test_meta_xattrs_are_copied);
	tcase_add_test(tc, test_meta_errors_name_the_operation);
	tcase_add_test(tc, test_meta_fresh_copy_is_not_set_again_where_it_matches);
	tcase_add_test(tc, test_meta_fresh_copy_gets_what_differs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(meta_suite());
}
