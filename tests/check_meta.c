/* meta: modes, times, xattrs applied as --preserve says. */
#include "config.h"

#include <sys/stat.h>
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
	struct meta_target t = { fd, AT_FDCWD, dst };
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
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(meta_suite());
}
