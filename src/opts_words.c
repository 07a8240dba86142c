/*
 * Word arguments, matched and refused in cp's manner.  A word may be
 * abbreviated to any prefix that leaves no doubt: "--preserve=link",
 * "--backup=num".  An exact word wins over longer ones it prefixes, and
 * a prefix of several words that mean the same ("n" of "none", "nil"
 * and "never" is not one) is not ambiguous.  Messages quote the words
 * with the locale's quotes, as cp does: 'x' in ASCII, U+2018 and U+2019
 * in UTF-8.
 */
#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "compat.h"
#include "opts_words.h"

int
opts_word_match(const struct opts_word *words, size_t n, const char *s,
    size_t len)
{
	int found = OPTS_WORD_INVALID;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strncmp(words[i].name, s, len) != 0)
			continue;
		if (strlen(words[i].name) == len)
			return words[i].value;		/* exact */
		if (found == OPTS_WORD_INVALID)
			found = words[i].value;
		else if (found != words[i].value)
			found = OPTS_WORD_AMBIGUOUS;
	}
	return found;
}

/* The locale's quotes around words in messages. */
static void
quotes(const char **l, const char **r)
{
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0) {
		*l = "\xe2\x80\x98";
		*r = "\xe2\x80\x99";
	} else
		*l = *r = "'";
}

void
opts_word_bad(const struct opts_word *words, size_t n, int why,
    const char *what, const char *s, size_t len)
{
	const char *l, *r;
	size_t i;

	quotes(&l, &r);
	warnx("%s argument %s%.*s%s for %s%s%s", why == OPTS_WORD_AMBIGUOUS ?
	    "ambiguous" : "invalid", l, (int)len, s, r, l, what, r);
	fprintf(stderr, "Valid arguments are:");
	for (i = 0; i < n; i++) {
		if (i > 0 && words[i].value == words[i - 1].value)
			fprintf(stderr, ", %s%s%s", l, words[i].name, r);
		else
			fprintf(stderr, "\n  - %s%s%s", l, words[i].name, r);
	}
	fprintf(stderr, "\n");
}

int
opts_word_list(const struct opts_word *words, size_t n, const char *s,
    unsigned *bits, const char **bad, size_t *badlen)
{
	const char *end;
	size_t len;
	int v;

	*bits = 0;
	for (;;) {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if ((v = opts_word_match(words, n, s, len)) < 0) {
			*bad = s;
			*badlen = len;
			return v;
		}
		*bits |= (unsigned)v;
		if (end == NULL)
			return 0;
		s = end + 1;
	}
}
