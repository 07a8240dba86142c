/*
 * File names in messages, quoted as GNU cp and ls quote them (the
 * shell-escape-always style), so that a name with a newline, a tab or an
 * escape sequence can neither split a message line nor drive the
 * terminal, and can be pasted back into a shell.  The rules, as ls prints
 * names:
 *
 *  - the name goes in single quotes, and a ' inside it becomes '\''
 *  - a byte that is not printable goes in $'...' between quoted parts:
 *    \a \b \f \n \r \t \v by name, any other as \NNN in octal ($'\033')
 *  - a printable multibyte character stays raw when the locale's codeset
 *    is UTF-8; otherwise every byte >= 0x80 is escaped, as is any byte
 *    that does not start a valid, printable character
 *  - a name with a ' in it whose every character means the same in C and
 *    in shell double quotes (letters, digits, space, "%+,-./:@]_", a
 *    leading # or ~, printable multibyte) goes in double quotes: "it's"
 *
 * Where ls differs: coreutils 9.1 puts a stray '' after the opening quote
 * of a name that holds a ' and ends in an escaped byte ('''a'\'''$'\377'),
 * and in the same case drops the $' before an escaped first byte
 * ('\001'\'''$'\001', which a shell reads back wrongly).  We print the
 * plain forms, 'a'\'''$'\377' and ''$'\001'\'''$'\001'.
 */
#include "config.h"

#include <langinfo.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include "quote.h"

#define QUOTE_NBUF	8
#define QUOTE_BUFSZ	(PATH_MAX * 4 + 16)

/* Room the cut form needs after its last token: a quote, "...", NUL. */
#define CUT_ROOM	5

/* One character of a name. */
enum unit_kind {
	UNIT_RAW,			/* printed as it is */
	UNIT_QUOTE,			/* a single quote */
	UNIT_ESCAPE			/* each byte escaped in $'...' */
};

struct unit {
	enum unit_kind	 kind;
	size_t		 len;		/* bytes of the name it covers */
	bool		 plain;		/* the same in C and "..." quotes */
};

/* The quoted string being built: tokens are written whole or not at all,
 * so a cut never splits a character or an escape. */
struct out {
	char		*buf;
	size_t		 len;		/* size of buf, > 0 */
	size_t		 pos;		/* bytes written */
	size_t		 cut;		/* where "..." goes if cut; 0: none */
	bool		 over;		/* a token did not fit */
};

static bool
is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0;
}

/* The character at s, which has rest > 0 bytes before the NUL. */
static struct unit
next_unit(const char *s, size_t rest, bool first, bool utf8)
{
	static const char plain[] = " %+,-./:@]_";
	unsigned char c = (unsigned char)*s;
	struct unit u = { UNIT_RAW, 1, false };
	mbstate_t st;
	wchar_t wc;
	size_t n;

	if (c == '\'') {
		u.kind = UNIT_QUOTE;
		u.plain = true;
	} else if (c >= 0x20 && c < 0x7f) {
		/* Not isalnum(): only ASCII letters, whatever the locale. */
		u.plain = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z') || strchr(plain, c) != NULL ||
		    (first && (c == '#' || c == '~'));
	} else if (c < 0x80 || !utf8)
		u.kind = UNIT_ESCAPE;
	else {
		/* UTF-8 has no shift states: a fresh state per character. */
		memset(&st, 0, sizeof(st));
		n = mbrtowc(&wc, s, rest, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			u.kind = UNIT_ESCAPE;	/* one byte; go on after it */
		else {
			u.len = n;
			if (iswprint((wint_t)wc))
				u.plain = true;
			else
				u.kind = UNIT_ESCAPE;
		}
	}
	return u;
}

/* Append a token, or mark the output over-full.  content: the string may
 * be cut after it (not after the bare opening quote). */
static void
put(struct out *o, const char *s, size_t n, bool content)
{
	if (o->over)
		return;
	/* One byte stays free for the closing quote, one for the NUL. */
	if (o->len - o->pos < n + 2) {
		o->over = true;
		return;
	}
	memcpy(o->buf + o->pos, s, n);
	o->pos += n;
	if (content && o->len - o->pos >= CUT_ROOM)
		o->cut = o->pos;
}

/* Close the quotes; a string that did not fit ends at its last cut
 * point, closed, then "...". */
static void
finish(struct out *o, char close)
{
	if (!o->over) {
		o->buf[o->pos++] = close;
		o->buf[o->pos] = '\0';
	} else if (o->cut > 0) {
		o->buf[o->cut] = close;
		memcpy(o->buf + o->cut + 1, "...", 4);
	} else
		(void)snprintf(o->buf, o->len, "...");
}

/* c as a C escape at t (\n, or \NNN); returns its length. */
static size_t
escape(char *t, unsigned char c)
{
	static const char from[] = "\a\b\f\n\r\t\v", to[] = "abfnrtv";
	const char *p;

	t[0] = '\\';
	if (c != '\0' && (p = strchr(from, c)) != NULL) {
		t[1] = to[p - from];
		return 2;
	}
	t[1] = (char)('0' + (c >> 6));
	t[2] = (char)('0' + ((c >> 3) & 7));
	t[3] = (char)('0' + (c & 7));
	return 4;
}

/* Does name have a ' and nothing that needs more than double quotes? */
static bool
wants_double(const char *name, bool utf8)
{
	const char *s;
	size_t rest = strlen(name);
	bool squote = false;
	struct unit u;

	for (s = name; *s != '\0'; s += u.len, rest -= u.len) {
		u = next_unit(s, rest, s == name, utf8);
		if (!u.plain)
			return false;
		if (u.kind == UNIT_QUOTE)
			squote = true;
	}
	return squote;
}

static void
double_quoted(struct out *o, const char *name, bool utf8)
{
	const char *s;
	size_t rest = strlen(name);
	struct unit u;

	put(o, "\"", 1, false);
	for (s = name; *s != '\0'; s += u.len, rest -= u.len) {
		u = next_unit(s, rest, s == name, utf8);
		put(o, s, u.len, true);
	}
	finish(o, '"');
}

/*
 * 'name', with '\'' for a quote and a $'...' run for escaped bytes.  A
 * raw character after a $'...' run reopens plain quotes with ''; a quote
 * needs no such step, as both kinds of quoting end with a '.
 */
static void
single_quoted(struct out *o, const char *name, bool utf8)
{
	char tok[8 + MB_LEN_MAX];
	const char *s;
	size_t k, n, rest = strlen(name);
	bool esc = false;		/* inside $'...' */
	struct unit u;

	put(o, "'", 1, false);
	for (s = name; *s != '\0'; s += u.len, rest -= u.len) {
		u = next_unit(s, rest, s == name, utf8);
		switch (u.kind) {
		case UNIT_QUOTE:
			put(o, "'\\''", 4, true);
			esc = false;
			break;
		case UNIT_RAW:
			n = 0;
			if (esc) {
				memcpy(tok, "''", 2);
				n = 2;
				esc = false;
			}
			memcpy(tok + n, s, u.len);
			put(o, tok, n + u.len, true);
			break;
		case UNIT_ESCAPE:
			for (k = 0; k < u.len; k++) {
				n = 0;
				if (!esc) {
					memcpy(tok, "'$'", 3);
					n = 3;
					esc = true;
				}
				n += escape(tok + n, (unsigned char)s[k]);
				put(o, tok, n, true);
			}
			break;
		}
	}
	finish(o, '\'');
}

char *
quote_into(char *buf, size_t len, const char *name)
{
	struct out o = { buf, len, 0, 0, false };
	bool utf8;

	if (len == 0)
		return buf;
	utf8 = is_utf8();
	if (wants_double(name, utf8))
		double_quoted(&o, name, utf8);
	else
		single_quoted(&o, name, utf8);
	return buf;
}

const char *
quote(const char *name)
{
	static char bufs[QUOTE_NBUF][QUOTE_BUFSZ];
	static unsigned int next;
	char *b = bufs[next];

	next = (next + 1) % QUOTE_NBUF;
	return quote_into(b, sizeof(bufs[0]), name);
}
