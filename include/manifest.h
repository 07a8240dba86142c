/*
 * --manifest FILE: each copied file's XXH128, written at the end in the
 * format of `xxhsum -H2` ("HASH  PATH"), so `xxhsum -c FILE` checks the
 * copies.  FILE appears whole or not at all (temp + rename).  Parent only.
 */
#ifndef PARCP_MANIFEST_H
#define PARCP_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "flist.h"
#include "verify.h"

struct manifest {
	unsigned char	(*hash)[VERIFY_HASHLEN];	/* per node */
	uint8_t		*has;
	size_t		 n;
};

void	manifest_init(struct manifest *, size_t nodes);
void	manifest_set(struct manifest *, uint32_t node,
	    const unsigned char *hash);
/* Node inherits the hash of node from (a hard link to it). */
void	manifest_copy(struct manifest *, uint32_t node, uint32_t from);
/*
 * Write every hashed node's line to path.  Returns 0; 1 if some name
 * cannot be listed (a newline in it; warned); -1 on an error (warned).
 */
int	manifest_write(const struct manifest *, const struct flist *,
	    const char *path);
/* The path listed for node, into buf: its length; -1: node is not
 * listed; len or more: the path does not fit (it is said, not left out
 * in silence). */
typedef int	manifest_name_cb(const void *arg, uint32_t node, char *buf,
		    size_t len);
/* manifest_write with the names from name(arg) (tar members). */
int	manifest_write_with(const struct manifest *, manifest_name_cb *name,
	    const void *arg, const char *path);
void	manifest_free(struct manifest *);

#endif
