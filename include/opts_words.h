/*
 * Option arguments that are words from a list (--preserve=LIST,
 * --backup=CONTROL, --sparse=WHEN, --reflink=WHEN...), matched as cp
 * matches them: a word, or any prefix of it that no other word of a
 * different meaning shares.  Parent only.
 */
#ifndef PARCP_OPTS_WORDS_H
#define PARCP_OPTS_WORDS_H

#include <stddef.h>

struct opts_word {
	const char	*name;
	int		 value;
};

#define OPTS_WORD_INVALID	(-1)
#define OPTS_WORD_AMBIGUOUS	(-2)

/*
 * The value of the word that s[0..len) names: the word itself, or a
 * unique prefix (several words with one value count as one).  Returns
 * the value (>= 0), OPTS_WORD_INVALID or OPTS_WORD_AMBIGUOUS.  Pure.
 */
int	opts_word_match(const struct opts_word *words, size_t n,
	    const char *s, size_t len);
/*
 * Say, as cp says it, that s[0..len) is not a word for what (an option
 * name, "--preserve", or "backup type"): "invalid argument 'x' for
 * 'what'" (or "ambiguous"), then the valid words, those of one value on
 * one line.  why is opts_word_match's result.
 */
void	opts_word_bad(const struct opts_word *words, size_t n, int why,
	    const char *what, const char *s, size_t len);
/*
 * Match a comma-separated list of words (--preserve=LIST), or the whole
 * string when s holds no comma; the words' values are bit masks.
 * Returns 0 with the OR of the values in *bits, or the failing opts_word_match result with
 * *bad and *badlen naming the word.  Pure.
 */
int	opts_word_list(const struct opts_word *words, size_t n,
	    const char *s, unsigned *bits, const char **bad, size_t *badlen);

#endif
