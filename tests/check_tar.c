/* tar: member names are cleaned or refused; ACLs in the kernel's layout. */
#include "config.h"

#include <string.h>

#include <archive.h>
#include <archive_entry.h>
#include <check.h>

#include "tar.h"
#include "tarmeta.h"
#include "testutil.h"

static const struct {
	const char	*name;
	const char	*want;		/* NULL: refused; ".": DEST itself */
	bool		 stripped;
} names[] = {
	{ "a", "a", false },
	{ "a/b/c", "a/b/c", false },
	{ "./a/./b/", "a/b", false },
	{ "a//b", "a/b", false },
	{ "/etc/passwd", "etc/passwd", true },
	{ "///x", "x", true },
	{ "..", NULL, false },
	{ "../x", NULL, false },
	{ "a/../../x", NULL, false },
	{ "a/..", NULL, false },
	{ "a/..b/c..", "a/..b/c..", false },
	{ "...", "...", false },
	{ "", NULL, false },
	{ "/", ".", true },
	{ "./", ".", false },
	{ ".", ".", false },
};

START_TEST(test_tar_clean_name_table)
{
	char buf[64];
	const char *why = NULL;
	bool stripped;
	int rv;

	rv = tar_clean_name(names[_i].name, buf, sizeof(buf), &stripped, &why);
	if (names[_i].want == NULL) {
		ck_assert_int_eq(rv, -1);
		ck_assert_ptr_nonnull(why);
	} else {
		ck_assert_int_eq(rv, strcmp(names[_i].want, ".") == 0);
		ck_assert_str_eq(buf, names[_i].want);
	}
	ck_assert_int_eq(stripped, names[_i].stripped);
}
END_TEST

START_TEST(test_tar_clean_name_too_long)
{
	char buf[8];
	const char *why = NULL;
	bool stripped;

	ck_assert_int_eq(tar_clean_name("abcdefgh", buf, sizeof(buf),
	    &stripped, &why), -1);
	ck_assert_int_eq(tar_clean_name("abcdef", buf, sizeof(buf), &stripped,
	    &why), 0);
}
END_TEST

/* getfacl's "user::rw-,user:0:r--,group::r-x,mask::r-x,other::---" as
 * Linux stores it: version 2, entries sorted by tag then id. */
START_TEST(test_tar_acl_layout)
{
	static const unsigned char want[] = {
	    2, 0, 0, 0,
	    0x01, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* user:: rw- */
	    0x02, 0, 4, 0, 0, 0, 0, 0,			/* user:0: r-- */
	    0x04, 0, 5, 0, 0xff, 0xff, 0xff, 0xff,	/* group:: r-x */
	    0x10, 0, 5, 0, 0xff, 0xff, 0xff, 0xff,	/* mask:: r-x */
	    0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,	/* other:: --- */
	};
	struct archive_entry *e = archive_entry_new();
	unsigned char buf[256];

	archive_entry_set_mode(e, 0100650);
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, buf,
	    sizeof(buf)), 0);			/* no ACL: nothing */
	ck_assert_int_eq(archive_entry_acl_from_text(e,
	    "user::rw-,user:0:r--,group::r-x,mask::r-x,other::---",
	    ARCHIVE_ENTRY_ACL_TYPE_ACCESS), ARCHIVE_OK);
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, buf,
	    sizeof(buf)), (int)sizeof(want));
	ck_assert(memcmp(buf, want, sizeof(want)) == 0);
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, buf,
	    10), -1);				/* does not fit */
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT, buf,
	    sizeof(buf)), 0);
	archive_entry_free(e);
}
END_TEST

/* Named entries sorted by id within their tag, groups after users. */
START_TEST(test_tar_acl_named_entries_sorted)
{
	static const unsigned char want[] = {
	    2, 0, 0, 0,
	    0x01, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,	/* user:: rwx */
	    0x02, 0, 2, 0, 0xea, 0x03, 0, 0,		/* user:1002: -w- */
	    0x02, 0, 4, 0, 0xed, 0x03, 0, 0,		/* user:1005: r-- */
	    0x04, 0, 5, 0, 0xff, 0xff, 0xff, 0xff,	/* group:: r-x */
	    0x08, 0, 6, 0, 0xeb, 0x03, 0, 0,		/* group:1003: rw- */
	    0x08, 0, 1, 0, 0xef, 0x03, 0, 0,		/* group:1007: --x */
	    0x10, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,	/* mask:: rwx */
	    0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,	/* other:: r-- */
	};
	struct archive_entry *e = archive_entry_new();
	unsigned char buf[256];

	archive_entry_set_mode(e, 040755);
	ck_assert_int_eq(archive_entry_acl_from_text(e,
	    "user::rwx,user:1005:r--,user:1002:-w-,group::r-x,"
	    "group:1007:--x,group:1003:rw-,mask::rwx,other::r--",
	    ARCHIVE_ENTRY_ACL_TYPE_DEFAULT), ARCHIVE_OK);
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT, buf,
	    sizeof(buf)), (int)sizeof(want));
	ck_assert(memcmp(buf, want, sizeof(want)) == 0);
	/* exactly the size it needs fits; one byte less does not */
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT, buf,
	    sizeof(want)), (int)sizeof(want));
	ck_assert_int_eq(tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_DEFAULT, buf,
	    sizeof(want) - 1), -1);
	archive_entry_free(e);
}
END_TEST

static Suite *
tar_suite(void)
{
	Suite *s = suite_create("tar");
	TCase *tc = tcase_create("names");

	tcase_add_loop_test(tc, test_tar_clean_name_table, 0,
	    sizeof(names) / sizeof(names[0]));
	tcase_add_test(tc, test_tar_clean_name_too_long);
	suite_add_tcase(s, tc);
	tc = tcase_create("acl");
	tcase_add_test(tc, test_tar_acl_layout);
	tcase_add_test(tc, test_tar_acl_named_entries_sorted);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(tar_suite());
}
