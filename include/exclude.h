/*
 * --exclude and --exclude-from: which entries of a walked tree are left
 * out, by patterns on their path relative to the operand, with the rules
 * rsync users know.  Pure matching (no I/O) but for exclude_load.
 */
#ifndef PARCP_EXCLUDE_H
#define PARCP_EXCLUDE_H

#include <stdbool.h>
#include <stddef.h>

/* One pattern, its rsync-style markers taken off. */
struct exclude_pat {
	char		*glob;		/* without the leading/trailing '/' */
	bool		 anchored;	/* leading '/': at the operand's root */
	bool		 whole;		/* has a '/' or "**": the path, not
					   the last component */
	bool		 dir_only;	/* trailing '/': directories only */
};

struct exclude {
	struct exclude_pat *v;
	size_t		 n;
};

/* Add pattern (copied).  Parent only: allocation failure is fatal. */
void	exclude_add(struct exclude *, const char *pattern);
/*
 * Add the patterns of file, one a line; blank lines and lines starting
 * with '#' are skipped.  "-" is standard input.  Returns 0, or -1 with
 * errno.  Parent only.
 */
int	exclude_load(struct exclude *, const char *file);
/*
 * Is the entry at path (relative to its operand: "a/b/c", no leading
 * '/') excluded?  isdir: it is a directory (for a trailing '/').  A
 * pattern without '/' matches the last component; one with '/' the whole
 * path or, unless anchored, any tail of it that starts at a component;
 * '*' and '?' never match '/', "**" matches anything.  Pure.
 */
bool	exclude_match(const struct exclude *, const char *path, bool isdir);
/* The glob alone: 1 when name matches glob as exclude_match says. */
bool	exclude_glob(const char *glob, const char *name);
void	exclude_free(struct exclude *);

#endif
