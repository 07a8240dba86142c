/* opts_words: cp's word arguments, abbreviations and their messages. */
#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "opts_words.h"
#include "testutil.h"

/* Like --backup's: several words per value, "n" of three different. */
static const struct opts_word words[] = {
	{ "none", 0 }, { "off", 0 },
	{ "simple", 1 }, { "never", 1 },
	{ "existing", 2 }, { "nil", 2 },
	{ "numbered", 3 }, { "t", 3 },
};
#define NWORDS	(sizeof(words) / sizeof(words[0]))

/* Bits, as --preserve's; "all" is a prefix-free word of its own. */
static const struct opts_word bits[] = {
	{ "mode", 0x1 }, { "timestamps", 0x2 }, { "ownership", 0x4 },
	{ "all", 0x7 }, { "al", 0x8 },
};
#define NBITS	(sizeof(bits) / sizeof(bits[0]))

static int
match(const char *s)
{
	return opts_word_match(words, NWORDS, s, strlen(s));
}

START_TEST(test_opts_word_exact_and_unambiguous_prefixes)
{
	ck_assert_int_eq(match("none"), 0);
	ck_assert_int_eq(match("off"), 0);
	ck_assert_int_eq(match("o"), 0);	/* only "off" */
	ck_assert_int_eq(match("si"), 1);
	ck_assert_int_eq(match("nev"), 1);
	ck_assert_int_eq(match("e"), 2);
	ck_assert_int_eq(match("nil"), 2);
	ck_assert_int_eq(match("nu"), 3);
	ck_assert_int_eq(match("t"), 3);
	/* Only len bytes of s count. */
	ck_assert_int_eq(opts_word_match(words, NWORDS, "simple,mode", 6), 1);
	ck_assert_int_eq(opts_word_match(words, NWORDS, "tx", 1), 3);
}
END_TEST

START_TEST(test_opts_word_ambiguous_and_invalid)
{
	ck_assert_int_eq(match("n"), OPTS_WORD_AMBIGUOUS);
	ck_assert_int_eq(match("ne"), 1);	/* never, not none */
	ck_assert_int_eq(match("no"), 0);
	ck_assert_int_eq(match("x"), OPTS_WORD_INVALID);
	ck_assert_int_eq(match("nonex"), OPTS_WORD_INVALID);
	ck_assert_int_eq(match("simplest"), OPTS_WORD_INVALID);
	/* The empty word prefixes all of them: ambiguous. */
	ck_assert_int_eq(match(""), OPTS_WORD_AMBIGUOUS);
	ck_assert_int_eq(opts_word_match(words, 0, "none", 4),
	    OPTS_WORD_INVALID);
}
END_TEST

START_TEST(test_opts_word_prefix_of_one_value_is_not_ambiguous)
{
	static const struct opts_word same[] = {
		{ "never", 5 }, { "nope", 5 }, { "nothing", 5 },
	};
	static const struct opts_word exact[] = {
		{ "alpha", 1 }, { "al", 2 }, { "also", 3 },
	};

	ck_assert_int_eq(opts_word_match(same, 3, "n", 1), 5);
	ck_assert_int_eq(opts_word_match(same, 3, "no", 2), 5);
	/* An exact word wins, wherever it is in the table. */
	ck_assert_int_eq(opts_word_match(exact, 3, "al", 2), 2);
	ck_assert_int_eq(opts_word_match(exact, 3, "a", 1),
	    OPTS_WORD_AMBIGUOUS);
	ck_assert_int_eq(opts_word_match(exact, 3, "alp", 3), 1);
}
END_TEST

START_TEST(test_opts_word_list_ors_the_words)
{
	const char *bad = NULL;
	size_t badlen = 99;
	unsigned b = 0xff00;

	ck_assert_int_eq(opts_word_list(bits, NBITS, "mode", &b, &bad,
	    &badlen), 0);
	ck_assert_uint_eq(b, 0x1);
	ck_assert_int_eq(opts_word_list(bits, NBITS, "mode,time,own", &b,
	    &bad, &badlen), 0);
	ck_assert_uint_eq(b, 0x7);
	ck_assert_int_eq(opts_word_list(bits, NBITS, "al,t", &b, &bad,
	    &badlen), 0);
	ck_assert_uint_eq(b, 0xa);
	ck_assert_ptr_null(bad);
	ck_assert_uint_eq(badlen, 99);
}
END_TEST

START_TEST(test_opts_word_list_names_the_bad_word)
{
	const char *s = "mode,bogus,all", *bad = NULL;
	size_t badlen = 0;
	unsigned b;

	ck_assert_int_eq(opts_word_list(bits, NBITS, s, &b, &bad, &badlen),
	    OPTS_WORD_INVALID);
	ck_assert_ptr_eq(bad, s + 5);
	ck_assert_uint_eq(badlen, 5);
	s = "mode,a";
	ck_assert_int_eq(opts_word_list(bits, NBITS, s, &b, &bad, &badlen),
	    OPTS_WORD_AMBIGUOUS);
	ck_assert_ptr_eq(bad, s + 5);
	ck_assert_uint_eq(badlen, 1);
	/* An empty word, at the end or first. */
	s = "mode,";
	ck_assert_int_eq(opts_word_list(bits, NBITS, s, &b, &bad, &badlen),
	    OPTS_WORD_AMBIGUOUS);
	ck_assert_ptr_eq(bad, s + 5);
	ck_assert_uint_eq(badlen, 0);
	s = "bogus";
	ck_assert_int_eq(opts_word_list(bits, NBITS, s, &b, &bad, &badlen),
	    OPTS_WORD_INVALID);
	ck_assert_ptr_eq(bad, s);
	ck_assert_uint_eq(badlen, 5);
}
END_TEST

/* What opts_word_bad() writes to stderr, in a static buffer. */
static const char *
bad_message(int why, const char *s, size_t len)
{
	static char buf[4096];
	ssize_t got;
	int fd, save;

	fflush(stderr);
	ck_assert_int_ne(fd = open(testutil_path("err"),
	    O_RDWR | O_CREAT | O_TRUNC, 0600), -1);
	ck_assert_int_ne(save = dup(2), -1);
	ck_assert_int_eq(dup2(fd, 2), 2);
	opts_word_bad(words, NWORDS, why, "backup type", s, len);
	fflush(stderr);
	ck_assert_int_eq(dup2(save, 2), 2);
	ck_assert_int_ge(got = pread(fd, buf, sizeof(buf) - 1, 0), 0);
	buf[got] = '\0';
	(void)close(fd);
	(void)close(save);
	return buf;
}

START_TEST(test_opts_word_bad_says_why_and_lists_the_words)
{
	const char *m, *list = "Valid arguments are:\n"
	    "  - 'none', 'off'\n"
	    "  - 'simple', 'never'\n"
	    "  - 'existing', 'nil'\n"
	    "  - 'numbered', 't'\n";

	m = bad_message(OPTS_WORD_INVALID, "bogus,x", 5);
	ck_assert_ptr_nonnull(strstr(m,
	    ": invalid argument 'bogus' for 'backup type'\n"));
	ck_assert_ptr_nonnull(strstr(m, list));
	ck_assert_str_eq(strstr(m, list), list);
	m = bad_message(OPTS_WORD_AMBIGUOUS, "n", 1);
	ck_assert_ptr_nonnull(strstr(m,
	    ": ambiguous argument 'n' for 'backup type'\n"));
	ck_assert_str_eq(strstr(m, list), list);
}
END_TEST

START_TEST(test_opts_word_bad_uses_utf8_quotes_in_utf8)
{
	const char *m;

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return;		/* no such locale here: nothing to test */
	m = bad_message(OPTS_WORD_INVALID, "x", 1);
	ck_assert_ptr_nonnull(strstr(m, ": invalid argument \xe2\x80\x98x"
	    "\xe2\x80\x99 for \xe2\x80\x98" "backup type\xe2\x80\x99\n"));
	ck_assert_ptr_nonnull(strstr(m, "\n  - \xe2\x80\x98none\xe2\x80\x99"
	    ", \xe2\x80\x98off\xe2\x80\x99\n"));
}
END_TEST

static Suite *
opts_words_suite(void)
{
	Suite *s = suite_create("opts_words");
	TCase *tc;

	tc = tcase_create("match");
	tcase_add_test(tc, test_opts_word_exact_and_unambiguous_prefixes);
	tcase_add_test(tc, test_opts_word_ambiguous_and_invalid);
	tcase_add_test(tc,
	    test_opts_word_prefix_of_one_value_is_not_ambiguous);
	suite_add_tcase(s, tc);

	tc = tcase_create("list");
	tcase_add_test(tc, test_opts_word_list_ors_the_words);
	tcase_add_test(tc, test_opts_word_list_names_the_bad_word);
	suite_add_tcase(s, tc);

	tc = tcase_create("message");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_opts_word_bad_says_why_and_lists_the_words);
	tcase_add_test(tc, test_opts_word_bad_uses_utf8_quotes_in_utf8);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(opts_words_suite());
}
