/*
 * quote: names as GNU ls --quoting-style=shell-escape-always prints them,
 * in the C locale and in a UTF-8 one.  The expected strings are what ls
 * (coreutils 9.1) printed for files of these names under LC_ALL=C and
 * LC_ALL=C.UTF-8, pasted in; the empty name's is from ls's own "cannot
 * access ''" message.
 */
#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "quote.h"
#include "testutil.h"

static const struct {
	const char	*name, *c, *utf8;
} names[] = {
	/* empty */
	{ "",
	    "''",
	    "''" },
	/* plain */
	{ "plain",
	    "'plain'",
	    "'plain'" },
	/* space */
	{ "with space",
	    "'with space'",
	    "'with space'" },
	/* newline */
	{ "new\012line",
	    "'new'$'\\n''line'",
	    "'new'$'\\n''line'" },
	/* tab */
	{ "tab\011here",
	    "'tab'$'\\t''here'",
	    "'tab'$'\\t''here'" },
	/* single quote */
	{ "it's",
	    "\"it's\"",
	    "\"it's\"" },
	/* both quotes */
	{ "both\"'q",
	    "'both\"'\\''q'",
	    "'both\"'\\''q'" },
	/* double quote */
	{ "dq\"x",
	    "'dq\"x'",
	    "'dq\"x'" },
	/* dollar */
	{ "$HOME",
	    "'$HOME'",
	    "'$HOME'" },
	/* glob */
	{ "star*",
	    "'star*'",
	    "'star*'" },
	/* glob ? */
	{ "q?",
	    "'q?'",
	    "'q?'" },
	/* brackets */
	{ "[br]",
	    "'[br]'",
	    "'[br]'" },
	/* leading ~ */
	{ "~tilde",
	    "'~tilde'",
	    "'~tilde'" },
	/* inner ~ */
	{ "a~b",
	    "'a~b'",
	    "'a~b'" },
	/* leading # */
	{ "#hash",
	    "'#hash'",
	    "'#hash'" },
	/* inner # */
	{ "a#b",
	    "'a#b'",
	    "'a#b'" },
	/* leading = */
	{ "=eq",
	    "'=eq'",
	    "'=eq'" },
	/* inner = */
	{ "a=b",
	    "'a=b'",
	    "'a=b'" },
	/* leading - */
	{ "-dash",
	    "'-dash'",
	    "'-dash'" },
	/* backquotes */
	{ "`bt`",
	    "'`bt`'",
	    "'`bt`'" },
	/* backslash */
	{ "back\\slash",
	    "'back\\slash'",
	    "'back\\slash'" },
	/* operators */
	{ "amp&;|<>()",
	    "'amp&;|<>()'",
	    "'amp&;|<>()'" },
	/* ! */
	{ "!bang",
	    "'!bang'",
	    "'!bang'" },
	/* braces */
	{ "{a,b}",
	    "'{a,b}'",
	    "'{a,b}'" },
	/* plain punctuation */
	{ "a%+,-.:@]_b",
	    "'a%+,-.:@]_b'",
	    "'a%+,-.:@]_b'" },
	/* lone space */
	{ " ",
	    "' '",
	    "' '" },
	/* lone quote */
	{ "'",
	    "\"'\"",
	    "\"'\"" },
	/* two quotes */
	{ "''",
	    "\"''\"",
	    "\"''\"" },
	/* leading quote */
	{ "'x",
	    "\"'x\"",
	    "\"'x\"" },
	/* leading # with quote */
	{ "#'b",
	    "\"#'b\"",
	    "\"#'b\"" },
	/* leading ~ with quote */
	{ "~'b",
	    "\"~'b\"",
	    "\"~'b\"" },
	/* inner ~ with quote */
	{ "a~'b",
	    "'a~'\\''b'",
	    "'a~'\\''b'" },
	/* $ with quote */
	{ "a$'b",
	    "'a$'\\''b'",
	    "'a$'\\''b'" },
	/* backslash with quote */
	{ "it'\\s",
	    "'it'\\''\\s'",
	    "'it'\\''\\s'" },
	/* newline then quote */
	{ "a\012'b",
	    "'a'$'\\n'\\''b'",
	    "'a'$'\\n'\\''b'" },
	/* quote then newline */
	{ "'\012",
	    "''\\'''$'\\n'",
	    "''\\'''$'\\n'" },
	/* leading control */
	{ "\001ctl",
	    "''$'\\001''ctl'",
	    "''$'\\001''ctl'" },
	/* CR */
	{ "cr\015",
	    "'cr'$'\\r'",
	    "'cr'$'\\r'" },
	/* BEL */
	{ "bel\007",
	    "'bel'$'\\a'",
	    "'bel'$'\\a'" },
	/* BS */
	{ "bs\010",
	    "'bs'$'\\b'",
	    "'bs'$'\\b'" },
	/* FF */
	{ "ff\014",
	    "'ff'$'\\f'",
	    "'ff'$'\\f'" },
	/* VT */
	{ "vt\013",
	    "'vt'$'\\v'",
	    "'vt'$'\\v'" },
	/* escape sequence */
	{ "esc\033[31m",
	    "'esc'$'\\033''[31m'",
	    "'esc'$'\\033''[31m'" },
	/* DEL */
	{ "del\177",
	    "'del'$'\\177'",
	    "'del'$'\\177'" },
	/* a run of escapes */
	{ "\012\011\001",
	    "''$'\\n\\t\\001'",
	    "''$'\\n\\t\\001'" },
	/* UTF-8 */
	{ "caf\303\251",
	    "'caf'$'\\303\\251'",
	    "'caf\303\251'" },
	/* UTF-8 CJK */
	{ "\346\227\245\346\234\254",
	    "''$'\\346\\227\\245\\346\\234\\254'",
	    "'\346\227\245\346\234\254'" },
	/* UTF-8 4 bytes */
	{ "emoji\360\237\230\200",
	    "'emoji'$'\\360\\237\\230\\200'",
	    "'emoji\360\237\230\200'" },
	/* UTF-8 with quote */
	{ "caf\303\251's",
	    "'caf'$'\\303\\251'\\''s'",
	    "\"caf\303\251's\"" },
	/* escape then UTF-8 */
	{ "x\001\303\251",
	    "'x'$'\\001\\303\\251'",
	    "'x'$'\\001''\303\251'" },
	/* UTF-8 then escape */
	{ "\303\251\001",
	    "''$'\\303\\251\\001'",
	    "'\303\251'$'\\001'" },
	/* no-break space */
	{ "nbsp\302\240",
	    "'nbsp'$'\\302\\240'",
	    "'nbsp\302\240'" },
	/* C1 control */
	{ "c1\302\200",
	    "'c1'$'\\302\\200'",
	    "'c1'$'\\302\\200'" },
	/* noncharacter U+FFFE */
	{ "\357\277\276",
	    "''$'\\357\\277\\276'",
	    "''$'\\357\\277\\276'" },
	/* invalid 0xff */
	{ "bad\377",
	    "'bad'$'\\377'",
	    "'bad'$'\\377'" },
	/* cut UTF-8 */
	{ "bad\303",
	    "'bad'$'\\303'",
	    "'bad'$'\\303'" },
	/* bad continuation */
	{ "\303(",
	    "''$'\\303''('",
	    "''$'\\303''('" },
	/* overlong */
	{ "ov\300\200",
	    "'ov'$'\\300\\200'",
	    "'ov'$'\\300\\200'" },
	/* surrogate */
	{ "sur\355\240\200",
	    "'sur'$'\\355\\240\\200'",
	    "'sur'$'\\355\\240\\200'" },
	/* above U+10FFFF */
	{ "\364\220\200\200",
	    "''$'\\364\\220\\200\\200'",
	    "''$'\\364\\220\\200\\200'" },
	/* path with quote */
	{ "d'x/f",
	    "\"d'x/f\"",
	    "\"d'x/f\"" },
	/* path */
	{ "dir/sub file",
	    "'dir/sub file'",
	    "'dir/sub file'" },
};

/*
 * Where ls 9.1 differs (see quote.c): names with a ' that end in an
 * escaped byte.  ls prints the first as '''a'\'''$'\377', with a stray '',
 * and the second as '\001'\'''$'\001', which a shell reads wrongly.
 */
static const struct {
	const char	*name, *quoted;
} unlike_ls[] = {
	{ "a'\377", "'a'\\'''$'\\377'" },
	{ "\001'\001", "''$'\\001'\\'''$'\\001'" },
	{ "tab'\t", "'tab'\\'''$'\\t'" },
};

/* A UTF-8 locale, or NULL if the system has none. */
static const char *
utf8_locale(void)
{
	static const char *try[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
	size_t i;

	for (i = 0; i < sizeof(try) / sizeof(try[0]); i++)
		if (setlocale(LC_ALL, try[i]) != NULL)
			return try[i];
	return NULL;
}

START_TEST(test_quote_matches_ls_in_the_c_locale)
{
	char buf[256];

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	ck_assert_str_eq(quote_into(buf, sizeof(buf), names[_i].name),
	    names[_i].c);
	ck_assert_str_eq(quote(names[_i].name), names[_i].c);
}
END_TEST

START_TEST(test_quote_matches_ls_in_a_utf8_locale)
{
	char buf[256];

	if (utf8_locale() == NULL) {
		fprintf(stderr, "check_quote: no UTF-8 locale, skipped\n");
		return;
	}
	ck_assert_str_eq(nl_langinfo(CODESET), "UTF-8");
	ck_assert_str_eq(quote_into(buf, sizeof(buf), names[_i].name),
	    names[_i].utf8);
}
END_TEST

START_TEST(test_quote_reads_back_where_ls_does_not)
{
	char buf[256];

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	ck_assert_str_eq(quote_into(buf, sizeof(buf), unlike_ls[_i].name),
	    unlike_ls[_i].quoted);
}
END_TEST

/* The locale is looked up at each call, not once. */
START_TEST(test_quote_follows_a_locale_change)
{
	char buf[64];

	if (utf8_locale() == NULL)
		return;
	ck_assert_str_eq(quote_into(buf, sizeof(buf), "caf\303\251"),
	    "'caf\303\251'");
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	ck_assert_str_eq(quote_into(buf, sizeof(buf), "caf\303\251"),
	    "'caf'$'\\303\\251'");
}
END_TEST

START_TEST(test_quote_has_eight_buffers)
{
	static const char *in[] = { "a", "b c", "d'e", "f\n", "g", "h$", "i",
	    "j*" }, *out[] = { "'a'", "'b c'", "\"d'e\"", "'f'$'\\n'", "'g'",
	    "'h$'", "'i'", "'j*'" };
	const char *q[8];
	size_t i;

	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	for (i = 0; i < 8; i++)
		q[i] = quote(in[i]);
	for (i = 0; i < 8; i++)
		ck_assert_str_eq(q[i], out[i]);
	/* The ninth call takes the oldest buffer back. */
	ck_assert_ptr_eq(quote("k"), q[0]);
	ck_assert_str_eq(q[0], "'k'");
	ck_assert_str_eq(q[1], "'b c'");
}
END_TEST

/* A name too long for quote()'s buffer: cut after a whole escape, the
 * quotes closed, then "...". */
START_TEST(test_quote_cuts_a_long_name_safely)
{
	size_t n = PATH_MAX * 4, len;
	char *name = malloc(n + 1);
	const char *q;

	ck_assert_ptr_nonnull(name);
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C"));
	/* Four bytes out for each byte in: does not fit. */
	memset(name, '\001', PATH_MAX * 2);
	name[PATH_MAX * 2] = '\0';
	q = quote(name);
	len = strlen(q);
	ck_assert_uint_lt(len, PATH_MAX * 4 + 16);
	ck_assert_uint_gt(len, PATH_MAX * 4);
	ck_assert_str_eq(q + len - 8, "\\001'...");
	ck_assert_int_eq(strncmp(q, "''$'\\001\\001", 12), 0);
	/* A plain name of PATH_MAX * 4 bytes fits whole. */
	memset(name, 'x', n);
	name[n] = '\0';
	q = quote(name);
	ck_assert_uint_eq(strlen(q), n + 2);
	free(name);
}
END_TEST

/*
 * Every buffer size: the whole quoted form when it fits, else the form cut
 * at its last token boundary (never inside a character or an escape) that
 * leaves room to close the quote and add "...".
 */
static const struct {
	bool		 utf8;
	const char	*full;
	size_t		 bounds[12];	/* ends of the tokens, 0 ends */
} cuts[] = {
	{ false, "'a'$'\\n\\303\\251'\\''b'$'\\377''c d'",
	    { 2, 7, 11, 15, 19, 20, 27, 30, 31, 32 } },
	{ true, "'a'$'\\n''\303\251'\\''b'$'\\377''c d'",
	    { 2, 7, 11, 15, 16, 23, 26, 27, 28 } },
};

START_TEST(test_quote_into_cuts_between_tokens)
{
	static const char name[] = "a\n\303\251'b\377c d";
	char buf[128], want[128];
	size_t cut, i, len, flen = strlen(cuts[_i].full);

	if (cuts[_i].utf8 ? utf8_locale() == NULL :
	    setlocale(LC_ALL, "C") == NULL)
		return;
	memset(buf, 'Z', sizeof(buf));
	ck_assert_ptr_eq(quote_into(buf, 0, name), buf);
	ck_assert_int_eq(buf[0], 'Z');
	for (len = 1; len <= flen + 1; len++) {
		memset(buf, 'Z', sizeof(buf));
		ck_assert_ptr_eq(quote_into(buf, len, name), buf);
		for (i = len; i < sizeof(buf); i++)
			ck_assert_int_eq(buf[i], 'Z');
		if (len == flen + 1) {
			ck_assert_str_eq(buf, cuts[_i].full);
			continue;
		}
		cut = 0;
		for (i = 0; cuts[_i].bounds[i] != 0; i++)
			if (cuts[_i].bounds[i] + 5 <= len)
				cut = cuts[_i].bounds[i];
		if (cut == 0)
			(void)snprintf(want, len, "...");
		else
			(void)snprintf(want, sizeof(want), "%.*s'...",
			    (int)cut, cuts[_i].full);
		ck_assert_str_eq(buf, want);
	}
}
END_TEST

/*
 * An 8-bit locale where 0xe9 is a printable "e acute": bytes >= 0x80 are
 * still escaped, since only a UTF-8 codeset leaves characters raw.  The
 * locale is compiled into the test's directory (skipped without
 * localedef or the ISO-8859-1 charmap).
 */
START_TEST(test_quote_escapes_high_bytes_in_an_8bit_locale)
{
	char buf[64], cmd[512];

	(void)snprintf(cmd, sizeof(cmd), "localedef -i C -f ISO-8859-1 "
	    "%s/C.ISO-8859-1 >/dev/null 2>&1", testutil_path(""));
	if (system(cmd) != 0) {
		fprintf(stderr, "check_quote: no localedef, skipped\n");
		return;
	}
	ck_assert_int_eq(setenv("LOCPATH", testutil_path(""), 1), 0);
	ck_assert_ptr_nonnull(setlocale(LC_ALL, "C.ISO-8859-1"));
	ck_assert_str_eq(nl_langinfo(CODESET), "ISO-8859-1");
	ck_assert_str_eq(quote_into(buf, sizeof(buf), "caf\351"),
	    "'caf'$'\\351'");
	ck_assert_str_eq(quote_into(buf, sizeof(buf), "a\tb"),
	    "'a'$'\\t''b'");
}
END_TEST

static Suite *
quote_suite(void)
{
	Suite *s = suite_create("quote");
	TCase *tc = tcase_create("as ls");

	tcase_add_loop_test(tc, test_quote_matches_ls_in_the_c_locale, 0,
	    sizeof(names) / sizeof(names[0]));
	tcase_add_loop_test(tc, test_quote_matches_ls_in_a_utf8_locale, 0,
	    sizeof(names) / sizeof(names[0]));
	tcase_add_loop_test(tc, test_quote_reads_back_where_ls_does_not, 0,
	    sizeof(unlike_ls) / sizeof(unlike_ls[0]));
	tcase_add_test(tc, test_quote_follows_a_locale_change);
	suite_add_tcase(s, tc);
	tc = tcase_create("8-bit");
	tcase_add_checked_fixture(tc, testutil_setup, testutil_teardown);
	tcase_add_test(tc, test_quote_escapes_high_bytes_in_an_8bit_locale);
	suite_add_tcase(s, tc);
	tc = tcase_create("buffers");
	tcase_add_test(tc, test_quote_has_eight_buffers);
	tcase_add_test(tc, test_quote_cuts_a_long_name_safely);
	tcase_add_loop_test(tc, test_quote_into_cuts_between_tokens, 0,
	    sizeof(cuts) / sizeof(cuts[0]));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return testutil_run(quote_suite());
}
