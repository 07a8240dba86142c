/* opts_preserve: the setters of the word-list options fill struct opts. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "opts.h"
#include "opts_preserve.h"
#include "testutil.h"

/* The setters warn on stderr: keep the test log readable. */
static void
quiet(void)
{
	int fd;

	ck_assert_int_ne(fd = open("/dev/null", O_WRONLY), -1);
	ck_assert_int_eq(dup2(fd, 2), 2);
	(void)close(fd);
}

START_TEST(test_opts_preserve_bare_is_mode_ownership_timestamps)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.default_mode = true;
	o.xattr_quiet = true;
	ck_assert_int_eq(opts_set_preserve(&o, NULL), 0);
	ck_assert_uint_eq(o.preserve, PRESERVE_MODE | PRESERVE_OWNER |
	    PRESERVE_TIMES);
	ck_assert(!o.default_mode);
	ck_assert(o.xattr_quiet);	/* xattr not asked for */
}
END_TEST

START_TEST(test_opts_preserve_adds_to_what_is_there)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.default_mode = true;
	o.xattr_quiet = true;
	o.preserve = PRESERVE_LINKS;
	ck_assert_int_eq(opts_set_preserve(&o, "time,xattr"), 0);
	ck_assert_uint_eq(o.preserve, PRESERVE_LINKS | PRESERVE_TIMES |
	    PRESERVE_XATTR);
	ck_assert(o.default_mode);	/* mode not named: left alone */
	ck_assert(!o.xattr_quiet);	/* named: it must work */
	ck_assert_int_eq(opts_set_preserve(&o, "all"), 0);
	ck_assert_uint_eq(o.preserve, PRESERVE_ALL);
	ck_assert(!o.default_mode);
}
END_TEST

START_TEST(test_opts_preserve_refuses_a_bad_word_and_changes_nothing)
{
	struct opts o;

	quiet();
	memset(&o, 0, sizeof(o));
	o.preserve = PRESERVE_LINKS;
	o.default_mode = true;
	ck_assert_int_eq(opts_set_preserve(&o, "mode,bogus"), -1);
	ck_assert_uint_eq(o.preserve, PRESERVE_LINKS);
	ck_assert(o.default_mode);
	ck_assert_int_eq(opts_set_no_preserve(&o, "links,q"), -1);
	ck_assert_uint_eq(o.preserve, PRESERVE_LINKS);
	ck_assert_int_eq(opts_set_preserve(&o, ""), -1);
}
END_TEST

START_TEST(test_opts_no_preserve_clears_what_it_names)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.preserve = PRESERVE_ALL | PRESERVE_CONTEXT;
	ck_assert_int_eq(opts_set_no_preserve(&o, "context,links"), 0);
	ck_assert_uint_eq(o.preserve, PRESERVE_ALL & ~PRESERVE_LINKS);
	ck_assert(!o.default_mode);
	ck_assert_int_eq(opts_set_no_preserve(&o, "mode"), 0);
	ck_assert_uint_eq(o.preserve, PRESERVE_OWNER | PRESERVE_TIMES |
	    PRESERVE_XATTR);
	ck_assert(o.default_mode);
}
END_TEST

START_TEST(test_opts_parse_preserve_gives_the_bits)
{
	unsigned bits = 0;

	ck_assert_int_eq(opts_parse_preserve("own,links", &bits), 0);
	ck_assert_uint_eq(bits, PRESERVE_OWNER | PRESERVE_LINKS);
	ck_assert_int_lt(opts_parse_preserve("own,nope", &bits), 0);
}
END_TEST

START_TEST(test_opts_backup_and_suffix_ask_for_backups)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(opts_set_backup(&o, "numbered"), 0);
	ck_assert(o.make_backups);
	ck_assert_str_eq(o.backup_control, "numbered");
	ck_assert_int_eq(opts_set_backup(&o, NULL), 0);	/* -b keeps it */
	ck_assert_str_eq(o.backup_control, "numbered");
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(opts_set_suffix(&o, ".bak"), 0);
	ck_assert(o.make_backups);
	ck_assert_str_eq(o.backup.suffix, ".bak");
	ck_assert_ptr_null(o.backup_control);
}
END_TEST

START_TEST(test_opts_backup_resolve_kinds)
{
	struct opts o;

	ck_assert_int_eq(unsetenv("VERSION_CONTROL"), 0);
	ck_assert_int_eq(unsetenv("SIMPLE_BACKUP_SUFFIX"), 0);
	/* No backups asked for: none, whatever the control says. */
	memset(&o, 0, sizeof(o));
	o.backup.kind = BACKUP_NUMBERED;
	o.backup_control = "t";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_NONE);
	/* The default is existing, with "~". */
	memset(&o, 0, sizeof(o));
	o.make_backups = true;
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_EXISTING);
	ck_assert_str_eq(o.backup.suffix, "~");
	o.backup_control = "";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_EXISTING);
	o.backup_control = "t";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_NUMBERED);
	o.backup_control = "never";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_SIMPLE);
	o.backup_control = "off";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_NONE);
}
END_TEST

START_TEST(test_opts_backup_resolve_environment)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.make_backups = true;
	ck_assert_int_eq(setenv("VERSION_CONTROL", "simple", 1), 0);
	ck_assert_int_eq(setenv("SIMPLE_BACKUP_SUFFIX", ".old", 1), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_SIMPLE);
	ck_assert_str_eq(o.backup.suffix, ".old");
	/* The option wins over the environment. */
	o.backup_control = "nil";
	o.backup.suffix = ".mine";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_EXISTING);
	ck_assert_str_eq(o.backup.suffix, ".mine");
	/* An empty $VERSION_CONTROL is the default. */
	o.backup_control = NULL;
	ck_assert_int_eq(setenv("VERSION_CONTROL", "", 1), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_EXISTING);
	/* A bad one is refused. */
	quiet();
	ck_assert_int_eq(setenv("VERSION_CONTROL", "bogus", 1), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), -1);
	ck_assert_int_eq(setenv("VERSION_CONTROL", "n", 1), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), -1);
	o.backup_control = "bogus";
	ck_assert_int_eq(unsetenv("VERSION_CONTROL"), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), -1);
}
END_TEST

START_TEST(test_opts_backup_resolve_suffix_stays_in_the_directory)
{
	struct opts o;

	ck_assert_int_eq(unsetenv("VERSION_CONTROL"), 0);
	memset(&o, 0, sizeof(o));
	o.make_backups = true;
	ck_assert_int_eq(setenv("SIMPLE_BACKUP_SUFFIX", "/x", 1), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_str_eq(o.backup.suffix, "~");
	o.backup.suffix = "a/b";
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_str_eq(o.backup.suffix, "~");
	o.backup.suffix = "";
	ck_assert_int_eq(setenv("SIMPLE_BACKUP_SUFFIX", ".env", 1), 0);
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_str_eq(o.backup.suffix, "~");
}
END_TEST

START_TEST(test_opts_backup_and_noclobber_conflict)
{
	struct opts o;

	quiet();
	memset(&o, 0, sizeof(o));
	o.make_backups = true;
	o.noclobber = true;
	ck_assert_int_eq(opts_backup_resolve(&o), -1);
	o.make_backups = false;
	ck_assert_int_eq(opts_backup_resolve(&o), 0);
	ck_assert_int_eq(o.backup.kind, BACKUP_NONE);
}
END_TEST

START_TEST(test_opts_update_words)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(opts_set_update(&o, NULL), 0);
	ck_assert(o.update);
	ck_assert(!o.noclobber);
	ck_assert_int_eq(opts_set_update(&o, "all"), 0);
	ck_assert(!o.update);
	ck_assert_int_eq(opts_set_update(&o, "older"), 0);
	ck_assert(o.update);
	o.interactive = true;
	ck_assert_int_eq(opts_set_update(&o, "no"), 0);
	ck_assert(!o.update);
	ck_assert(o.noclobber);
	ck_assert(!o.interactive);
	quiet();
	o.update = true;
	ck_assert_int_eq(opts_set_update(&o, "sometimes"), -1);
	ck_assert(o.update);
}
END_TEST

START_TEST(test_opts_context_is_accepted_and_ignored)
{
	struct opts o;

	quiet();
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(opts_set_context(&o, NULL), 0);
	ck_assert(o.context_default);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(opts_set_context(&o, "system_u:object_r:x"), 0);
	ck_assert(o.context_default);
}
END_TEST

START_TEST(test_opts_reflink_picks_the_engine)
{
	struct opts o;

	memset(&o, 0, sizeof(o));
	o.engine = ENGINE_PREAD;
	ck_assert_int_eq(opts_set_reflink(&o, NULL), 0);
	ck_assert_int_eq(o.reflink, REFLINK_ALWAYS);
	ck_assert_int_eq(o.engine, ENGINE_REFLINK);
	ck_assert_int_eq(opts_set_reflink(&o, "never"), 0);
	ck_assert_int_eq(o.reflink, REFLINK_NEVER);
	ck_assert_int_eq(o.engine, ENGINE_AUTO);
	o.engine = ENGINE_PREAD;
	ck_assert_int_eq(opts_set_reflink(&o, "never"), 0);
	ck_assert_int_eq(o.engine, ENGINE_PREAD);	/* -e kept */
	ck_assert_int_eq(opts_set_reflink(&o, "au"), 0);
	ck_assert_int_eq(o.reflink, REFLINK_AUTO);
	ck_assert_int_eq(o.engine, ENGINE_AUTO);
	ck_assert_int_eq(opts_set_reflink(&o, "alw"), 0);
	ck_assert_int_eq(o.engine, ENGINE_REFLINK);
	quiet();
	o.engine = ENGINE_CFR;
	ck_assert_int_eq(opts_set_reflink(&o, "a"), -1);	/* ambiguous */
	ck_assert_int_eq(opts_set_reflink(&o, "x"), -1);
	ck_assert_int_eq(o.engine, ENGINE_CFR);
	ck_assert_int_eq(o.reflink, REFLINK_ALWAYS);
}
END_TEST

static Suite *
opts_preserve_suite(void)
{
	Suite *s = suite_create("opts_preserve");
	TCase *tc;

	tc = tcase_create("preserve");
	tcase_add_test(tc, test_opts_preserve_bare_is_mode_ownership_timestamps);
	tcase_add_test(tc, test_opts_preserve_adds_to_what_is_there);
	tcase_add_test(tc,
	    test_opts_preserve_refuses_a_bad_word_and_changes_nothing);
	tcase_add_test(tc, test_opts_no_preserve_clears_what_it_names);
	tcase_add_test(tc, test_opts_parse_preserve_gives_the_bits);
	suite_add_tcase(s, tc);

	tc = tcase_create("backup");
	tcase_add_test(tc, test_opts_backup_and_suffix_ask_for_backups);
	tcase_add_test(tc, test_opts_backup_resolve_kinds);
	tcase_add_test(tc, test_opts_backup_resolve_environment);
	tcase_add_test(tc,
	    test_opts_backup_resolve_suffix_stays_in_the_directory);
	tcase_add_test(tc, test_opts_backup_and_noclobber_conflict);
	suite_add_tcase(s, tc);

	tc = tcase_create("words");
	tcase_add_test(tc, test_opts_update_words);
	tcase_add_test(tc, test_opts_context_is_accepted_and_ignored);
	tcase_add_test(tc, test_opts_reflink_picks_the_engine);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(opts_preserve_suite());
}
