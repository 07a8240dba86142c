/*
 * Open addressing, XXH64 of the name, linear probing; a removed name
 * leaves a tombstone ("") so that probing goes on past it, and growing
 * drops the tombstones.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "nameset.h"
#include "util.h"

/* The slot of name[0, len): its entry, or the empty one ending its run. */
static char **
find(const struct nameset *ns, const char *name, size_t len)
{
	size_t h = (size_t)XXH64(name, len, 0), mask = ns->cap - 1;
	char **sl;

	for (;; h++) {
		sl = &ns->slot[h & mask];
		if (*sl == NULL || (strncmp(*sl, name, len) == 0 &&
		    (*sl)[len] == '\0' && len > 0))
			return sl;
	}
}

static void
grow(struct nameset *ns)
{
	struct nameset old = *ns;
	size_t i;

	ns->cap = ns->cap ? 2 * ns->cap : 64;
	ns->slot = xcalloc(ns->cap, sizeof(*ns->slot));
	ns->n = 0;
	for (i = 0; i < old.cap; i++) {
		if (old.slot[i] != NULL && old.slot[i][0] != '\0') {
			*find(ns, old.slot[i], strlen(old.slot[i])) =
			    old.slot[i];
			ns->n++;
		} else
			free(old.slot[i]);
	}
	free(old.slot);
}

bool
nameset_add(struct nameset *ns, const char *name)
{
	char **sl;

	if (2 * (ns->n + 1) > ns->cap)
		grow(ns);
	if (*(sl = find(ns, name, strlen(name))) != NULL)
		return false;
	*sl = xstrdup(name);
	ns->n++;
	return true;
}

void
nameset_del(struct nameset *ns, const char *name)
{
	char **sl;

	if (ns->cap > 0 && *(sl = find(ns, name, strlen(name))) != NULL)
		(*sl)[0] = '\0';	/* the tombstone; still counted */
}

bool
nameset_has(const struct nameset *ns, const char *name, size_t len)
{
	return ns->n > 0 && *find(ns, name, len) != NULL;
}

void
nameset_free(struct nameset *ns)
{
	size_t i;

	for (i = 0; i < ns->cap; i++)
		free(ns->slot[i]);
	free(ns->slot);
	memset(ns, 0, sizeof(*ns));
}
