/*
 * A set of names (strings), hashed: which names a run has seen.  Parent
 * only (it allocates with the x* family).
 */
#ifndef PARCP_NAMESET_H
#define PARCP_NAMESET_H

#include <stdbool.h>
#include <stddef.h>

struct nameset {
	char		**slot;		/* NULL: empty; "": removed */
	size_t		 n, cap;
};

/* Add name; false if it was there already. */
bool	nameset_add(struct nameset *, const char *name);
void	nameset_del(struct nameset *, const char *name);
/* Is name[0, len) in the set? */
bool	nameset_has(const struct nameset *, const char *name, size_t len);
void	nameset_free(struct nameset *);

#endif
