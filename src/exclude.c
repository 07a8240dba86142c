/*
 * Exclude patterns, as rsync users expect them (rsync(1), INCLUDE/EXCLUDE
 * PATTERN RULES, for excludes alone):
 *
 *   name      no '/': the last component, at any depth ("*.o", "cache");
 *   a/b       a '/' inside (or "**"): the path relative to the operand,
 *             or any tail of it that starts at a component ("x/a/b");
 *   /a/b      a leading '/': anchored at the operand's root only;
 *   dir/      a trailing '/': directories only;
 *   * ?       never match '/' (fnmatch's FNM_PATHNAME); "**" matches
 *             across it; "[...]" is fnmatch(3)'s, classes and all.
 *
 * The walk does not descend into an excluded directory: nothing below it
 * is looked at, so no pattern can bring part of it back (rsync's rule).
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exclude.h"
#include "util.h"

void
exclude_add(struct exclude *x, const char *pattern)
{
	struct exclude_pat *p;
	size_t n;

	x->v = xreallocarray(x->v, x->n + 1, sizeof(*x->v));
	p = &x->v[x->n++];
	memset(p, 0, sizeof(*p));
	if ((p->anchored = pattern[0] == '/'))
		pattern++;
	p->glob = xstrdup(pattern);
	for (n = strlen(p->glob); n > 0 && p->glob[n - 1] == '/'; n--) {
		p->glob[n - 1] = '\0';
		p->dir_only = true;
	}
	p->whole = p->anchored || strchr(p->glob, '/') != NULL ||
	    strstr(p->glob, "**") != NULL;
}

int
exclude_load(struct exclude *x, const char *file)
{
	FILE *fp = strcmp(file, "-") == 0 ? stdin : fopen(file, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rv = 0;

	if (fp == NULL)
		return -1;
	while ((errno = 0, n = getline(&line, &cap, fp)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')	/* a DOS-edited list */
			line[--n] = '\0';
		if (n > 0 && line[0] != '#')
			exclude_add(x, line);
	}
	if (errno != 0 || ferror(fp))
		rv = -1;
	free(line);
	if (fp != stdin && fclose(fp) == EOF)
		rv = -1;
	return rv;
}

/*
 * The bracket expression at p against c, by fnmatch(3).  *len is its
 * length, 0 when p does not open one (then '[' is itself).
 */
static bool
bracket(const char *p, char c, size_t *len)
{
	const char *q = p + 1;
	char pat[256], s[2] = { c, '\0' };

	*len = 0;
	if (*q == '!' || *q == '^')
		q++;
	if (*q == ']')
		q++;
	while (*q != '\0' && *q != ']') {
		if (q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			/* "[:alpha:]": to the ']' after its closing ':' */
			if ((q = strchr(q + 2, q[1])) == NULL || q[1] != ']')
				return false;
			q++;
		}
		q++;
	}
	if (*q != ']' || (size_t)(q - p) + 1 >= sizeof(pat))
		return false;
	*len = (size_t)(q - p) + 1;
	memcpy(pat, p, *len);
	pat[*len] = '\0';
	return c != '/' && fnmatch(pat, s, 0) == 0;
}

/* After a '*' (star: one, never across '/') or "**": the rest anywhere. */
static bool
star(const char *p, const char *s, bool across)
{
	for (;; s++) {
		if (exclude_glob(p, s))
			return true;
		if (*s == '\0' || (*s == '/' && !across))
			return false;
	}
}

bool
exclude_glob(const char *p, const char *s)
{
	size_t len;

	for (; *p != '\0'; p++, s++) {
		switch (*p) {
		case '*':
			if (p[1] != '*')
				return star(p + 1, s, false);
			while (*p == '*')
				p++;
			return star(p, s, true);
		case '?':
			if (*s == '\0' || *s == '/')
				return false;
			break;
		case '[':
			if (*s == '\0')
				return false;
			if (bracket(p, *s, &len)) {
				p += len - 1;
				break;
			}
			if (len != 0 || *s != '[')
				return false;
			break;
		case '\\':
			if (p[1] != '\0')
				p++;
			/* FALLTHROUGH */
		default:
			if (*p != *s)
				return false;
		}
	}
	return *s == '\0';
}

/* Does p match path: its last component, the whole, or a tail? */
static bool
pat_match(const struct exclude_pat *p, const char *path)
{
	const char *q;

	if (!p->whole)
		return exclude_glob(p->glob, (q = strrchr(path, '/')) ?
		    q + 1 : path);
	if (exclude_glob(p->glob, path))
		return true;
	for (q = path; !p->anchored && (q = strchr(q, '/')) != NULL;)
		if (exclude_glob(p->glob, ++q))
			return true;
	return false;
}

bool
exclude_match(const struct exclude *x, const char *path, bool isdir)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if ((isdir || !x->v[i].dir_only) && pat_match(&x->v[i], path))
			return true;
	return false;
}

void
exclude_free(struct exclude *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		free(x->v[i].glob);
	free(x->v);
	memset(x, 0, sizeof(*x));
}
