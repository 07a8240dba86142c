/* backup: cp's backup names (simple, numbered, existing) and the commit. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "backup.h"
#include "fault.h"
#include "testutil.h"

/*
 * backup_name and backup_commit take a directory and leaf names; these
 * tests name files by path: the path's directory opened here (O_PATH),
 * its leaf given, the result joined back.  A directory that cannot be
 * opened is -1 (unused for simple backups, which read no directory).
 */
static int
bdir(const char *path, const char **leaf)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	*leaf = slash ? slash + 1 : path;
	if (slash == NULL)
		return open(".", O_PATH | O_DIRECTORY);
	(void)snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	return open(dir, O_PATH | O_DIRECTORY);
}

static int
bname(const char *path, const struct backup_how *b, bool last, char *buf,
    size_t len)
{
	char leafbak[NAME_MAX + 1];
	const char *leaf;
	int dir = bdir(path, &leaf), rv, n;

	if (dir == -1 && b->kind != BACKUP_SIMPLE)
		return -1;
	rv = backup_name(dir, leaf, b, last, leafbak, sizeof(leafbak));
	if (dir != -1)
		(void)close(dir);
	if (rv == -1)
		return -1;
	n = snprintf(buf, len, "%.*s%s", (int)(leaf - path), path, leafbak);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
bcommit(const char *tmp, const char *dst, bool noreplace,
    const struct backup_how *b, struct fault *f)
{
	const char *tleaf = strrchr(tmp, '/') ? strrchr(tmp, '/') + 1 : tmp;
	const char *leaf;
	int dir = bdir(dst, &leaf), rv;

	rv = backup_commit(dir, tleaf, leaf, noreplace, b, f);
	if (dir != -1)
		(void)close(dir);
	return rv;
}

/* An empty file at name in the test's directory. */
static void
touch(const char *name)
{
	int fd;

	ck_assert_int_ne(fd = open(testutil_path(name),
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), -1);
	ck_assert_int_eq(close(fd), 0);
}

/* A file holding the text s. */
static void
put(const char *name, const char *s)
{
	FILE *fp;

	ck_assert_ptr_nonnull(fp = fopen(testutil_path(name), "w"));
	ck_assert_int_eq(fputs(s, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The first line of a file ("" when it is empty); static buffer. */
static const char *
get(const char *name)
{
	static char buf[256];
	FILE *fp;

	ck_assert_ptr_nonnull(fp = fopen(testutil_path(name), "r"));
	if (fgets(buf, sizeof(buf), fp) == NULL)
		buf[0] = '\0';
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

/* bname() of name in the test's directory, relative to it. */
static const char *
name_of(const char *name, enum backup kind, bool last)
{
	struct backup_how b = { kind, "~" };
	static char buf[PATH_MAX];
	char dst[PATH_MAX];
	size_t dlen;

	(void)snprintf(dst, sizeof(dst), "%s", testutil_path(name));
	ck_assert_int_eq(bname(dst, &b, last, buf, sizeof(buf)), 0);
	dlen = strlen(testutil_path(""));
	ck_assert_int_eq(strncmp(buf, testutil_path(""), dlen), 0);
	return buf + dlen;
}

START_TEST(test_backup_simple_appends_the_suffix)
{
	struct backup_how b = { BACKUP_SIMPLE, ".orig" };
	char buf[PATH_MAX];

	touch("f.~4~");		/* numbered backups do not matter */
	ck_assert_str_eq(name_of("f", BACKUP_SIMPLE, false), "f~");
	/* Never reads the directory: one that does not exist is fine. */
	ck_assert_int_eq(bname("/nonexistent-parcp/d/f", &b, false,
	    buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/nonexistent-parcp/d/f.orig");
}
END_TEST

START_TEST(test_backup_numbered_is_one_past_the_highest)
{
	ck_assert_str_eq(name_of("f", BACKUP_NUMBERED, false), "f.~1~");
	ck_assert_str_eq(name_of("f", BACKUP_NUMBERED, true), "f.~0~");
	touch("f.~1~");
	touch("f.~3~");
	touch("f.~12~");
	touch("f.~9~");
	ck_assert_str_eq(name_of("f", BACKUP_NUMBERED, false), "f.~13~");
	/* last: the newest backup that exists (what --resume looks at). */
	ck_assert_str_eq(name_of("f", BACKUP_NUMBERED, true), "f.~12~");
}
END_TEST

START_TEST(test_backup_numbered_ignores_names_that_are_not_backups)
{
	touch("f.~2~");
	touch("f.~07~");	/* a leading zero */
	touch("f.~50");		/* no closing ~ */
	touch("f.~60~x");	/* something after it */
	touch("f.~~");		/* no digits */
	touch("f.~7a~");
	touch("f-~80~");	/* not ".~" */
	touch("fx.~90~");	/* another file's backup */
	touch("g.~91~");
	touch("xf.~92~");
	touch("f.~99999999999999999999999999~");	/* overflows */
	ck_assert_str_eq(name_of("f", BACKUP_NUMBERED, false), "f.~3~");
	ck_assert_str_eq(name_of("fx", BACKUP_NUMBERED, false), "fx.~91~");
}
END_TEST

START_TEST(test_backup_numbered_reads_every_directory_block)
{
	char name[64];
	int i;

	/* 400 entries: some three times what one 8 KiB getdents64 buffer holds. */
	for (i = 1; i <= 200; i++) {
		(void)snprintf(name, sizeof(name),
		    "padding-padding-padding-%03d", i);
		touch(name);
	}
	touch("f.~199~");
	for (i = 1; i <= 200; i++) {
		(void)snprintf(name, sizeof(name),
		    "more-padding-padding-pad-%03d", i);
		touch(name);
	}
	touch("f.~200~");
	ck_assert_str_eq(name_of("f", BACKUP_NUMBERED, false), "f.~201~");
}
END_TEST

START_TEST(test_backup_existing_is_numbered_only_when_one_is)
{
	ck_assert_str_eq(name_of("f", BACKUP_EXISTING, false), "f~");
	touch("f~");
	ck_assert_str_eq(name_of("f", BACKUP_EXISTING, false), "f~");
	touch("f.~1~");
	ck_assert_str_eq(name_of("f", BACKUP_EXISTING, false), "f.~2~");
	ck_assert_str_eq(name_of("f", BACKUP_EXISTING, true), "f.~1~");
}
END_TEST

START_TEST(test_backup_name_without_a_slash_reads_the_cwd)
{
	struct backup_how b = { BACKUP_NUMBERED, "~" };
	char buf[64];

	ck_assert_int_eq(chdir(testutil_path("")), 0);
	touch("f.~5~");
	ck_assert_int_eq(bname("f", &b, false, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "f.~6~");
}
END_TEST

START_TEST(test_backup_name_under_the_root_reads_the_root)
{
	struct backup_how b = { BACKUP_NUMBERED, "~" };
	char buf[64];

	/* Read-only: "/" has no backups of a name that does not exist. */
	ck_assert_int_eq(bname("/parcp-no-such-name", &b, false, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/parcp-no-such-name.~1~");
}
END_TEST

START_TEST(test_backup_name_errors)
{
	struct backup_how num = { BACKUP_NUMBERED, "~" };
	struct backup_how simple = { BACKUP_SIMPLE, "~" };
	char buf[PATH_MAX], dst[PATH_MAX + 16];

	/* The directory cannot be read. */
	errno = 0;
	ck_assert_int_eq(bname("/nonexistent-parcp/f", &num, false,
	    buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* The name does not fit: exactly full is too long (the NUL). */
	errno = 0;
	ck_assert_int_eq(bname("d/f", &simple, false, buf, 4), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(bname("d/f", &simple, false, buf, 5), 0);
	ck_assert_str_eq(buf, "d/f~");
	/* The directory part does not fit in PATH_MAX. */
	memset(dst, 'a', sizeof(dst));
	dst[PATH_MAX] = '/';
	(void)snprintf(dst + PATH_MAX + 1, 15, "f");
	errno = 0;
	ck_assert_int_eq(bname(dst, &num, false, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	/* One byte shorter does fit (then fails to open: ENAMETOOLONG). */
	dst[PATH_MAX - 1] = '/';
	(void)snprintf(dst + PATH_MAX, 15, "f");
	errno = 0;
	ck_assert_int_eq(bname(dst, &num, false, buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

START_TEST(test_backup_commit_renames_the_old_one_aside)
{
	struct backup_how b = { BACKUP_NUMBERED, "~" };
	struct fault f = { FAULT_NONE, 0 };
	char tmp[PATH_MAX], dst[PATH_MAX];

	put("tmp", "new\n");
	put("dst", "old\n");
	(void)snprintf(tmp, sizeof(tmp), "%s", testutil_path("tmp"));
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("dst"));
	ck_assert_int_eq(bcommit(tmp, dst, false, &b, &f), BACKUP_MADE);
	ck_assert_int_eq(f.op, FAULT_NONE);
	ck_assert_str_eq(get("dst"), "new\n");
	ck_assert_str_eq(get("dst.~1~"), "old\n");
	ck_assert_int_eq(access(tmp, F_OK), -1);
	/* The next one is numbered after it. */
	put("tmp", "newer\n");
	ck_assert_int_eq(bcommit(tmp, dst, false, &b, &f), BACKUP_MADE);
	ck_assert_str_eq(get("dst"), "newer\n");
	ck_assert_str_eq(get("dst.~2~"), "new\n");
	ck_assert_str_eq(get("dst.~1~"), "old\n");
}
END_TEST

START_TEST(test_backup_commit_without_a_backup_just_replaces)
{
	struct backup_how none = { BACKUP_NONE, "~" };
	struct backup_how simple = { BACKUP_SIMPLE, "~" };
	struct fault f = { FAULT_NONE, 0 };
	char tmp[PATH_MAX], dst[PATH_MAX];

	(void)snprintf(tmp, sizeof(tmp), "%s", testutil_path("tmp"));
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("dst"));
	/* No backup asked for. */
	put("tmp", "new\n");
	put("dst", "old\n");
	ck_assert_int_eq(bcommit(tmp, dst, false, &none, &f), 0);
	ck_assert_str_eq(get("dst"), "new\n");
	ck_assert_int_eq(access(testutil_path("dst~"), F_OK), -1);
	/* Nothing to back up. */
	ck_assert_int_eq(unlink(dst), 0);
	put("tmp", "first\n");
	ck_assert_int_eq(bcommit(tmp, dst, false, &simple, &f), 0);
	ck_assert_str_eq(get("dst"), "first\n");
	ck_assert_int_eq(access(testutil_path("dst~"), F_OK), -1);
	/* A directory is never renamed aside (the rename then fails). */
	ck_assert_int_eq(mkdir(testutil_path("dir"), 0700), 0);
	put("tmp", "x\n");
	ck_assert_int_eq(bcommit(tmp, testutil_path("dir"), false,
	    &simple, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_int_eq(access(testutil_path("dir~"), F_OK), -1);
}
END_TEST

START_TEST(test_backup_commit_failures_keep_the_old_file)
{
	static char suffix[PATH_MAX];
	struct backup_how simple = { BACKUP_SIMPLE, "~" };
	struct backup_how huge = { BACKUP_SIMPLE, suffix };
	struct fault f = { FAULT_NONE, 0 };
	char tmp[PATH_MAX], dst[PATH_MAX];

	(void)snprintf(tmp, sizeof(tmp), "%s", testutil_path("tmp"));
	(void)snprintf(dst, sizeof(dst), "%s", testutil_path("dst"));
	/* The new copy is gone: the old one is put back. */
	put("dst", "old\n");
	ck_assert_int_eq(bcommit(tmp, dst, false, &simple, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_int_eq(f.err, ENOENT);
	ck_assert_str_eq(get("dst"), "old\n");
	ck_assert_int_eq(access(testutil_path("dst~"), F_OK), -1);
	/* The backup's place is a non-empty directory: nothing moves. */
	f.op = FAULT_NONE;
	f.err = 0;
	put("tmp", "new\n");
	ck_assert_int_eq(mkdir(testutil_path("dst~"), 0700), 0);
	touch("dst~/x");
	ck_assert_int_eq(bcommit(tmp, dst, false, &simple, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_str_eq(get("dst"), "old\n");
	ck_assert_str_eq(get("tmp"), "new\n");
	/* The backup's name does not fit in PATH_MAX. */
	f.op = FAULT_NONE;
	memset(suffix, 'x', sizeof(suffix) - 1);
	suffix[sizeof(suffix) - 1] = '\0';
	ck_assert_int_eq(bcommit(tmp, dst, false, &huge, &f), -1);
	ck_assert_int_eq(f.op, FAULT_RENAME);
	ck_assert_str_eq(get("tmp"), "new\n");
	ck_assert_str_eq(get("dst"), "old\n");
}
END_TEST

static Suite *
backup_suite(void)
{
	Suite *s = suite_create("backup");
	TCase *tc;

	tc = tcase_create("name");
	tcase_set_timeout(tc, 30);	/* a loaded sanitizer build */
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_backup_simple_appends_the_suffix);
	tcase_add_test(tc, test_backup_numbered_is_one_past_the_highest);
	tcase_add_test(tc,
	    test_backup_numbered_ignores_names_that_are_not_backups);
	tcase_add_test(tc, test_backup_numbered_reads_every_directory_block);
	tcase_add_test(tc, test_backup_existing_is_numbered_only_when_one_is);
	tcase_add_test(tc, test_backup_name_without_a_slash_reads_the_cwd);
	tcase_add_test(tc, test_backup_name_under_the_root_reads_the_root);
	tcase_add_test(tc, test_backup_name_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("commit");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_backup_commit_renames_the_old_one_aside);
	tcase_add_test(tc, test_backup_commit_without_a_backup_just_replaces);
	tcase_add_test(tc, test_backup_commit_failures_keep_the_old_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(backup_suite());
}
