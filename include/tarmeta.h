/*
 * A tar member's metadata on the extracted file: the member's archive_entry
 * becomes a struct node for meta_apply_with, and its xattrs and POSIX ACLs
 * (libarchive's text form) become extended attributes.  Worker-safe.
 */
#ifndef PARCP_TARMETA_H
#define PARCP_TARMETA_H

#include <archive_entry.h>

#include "flist.h"
#include "meta.h"

/* The node meta_apply_with needs: type, mode, owner (by name when the
 * name is known here, as tar does), times, device number. */
void	tarmeta_node(struct archive_entry *, struct node *);
/* meta_xattr_fn's argument for a member: its entry, and the first error
 * of an attribute that could not be set (the member is kept, as bsdtar
 * keeps it, and the failure reported). */
struct tarmeta_xa {
	struct archive_entry *e;
	int		 err;
};
/* meta_xattr_fn for a struct tarmeta_xa (arg): xattrs, then ACLs. */
int	tarmeta_xattrs(const void *arg, const struct meta_target *t,
	    const struct node *n, const struct opts *o, struct fault *f);
/*
 * The POSIX ACL of type (ARCHIVE_ENTRY_ACL_TYPE_ACCESS or _DEFAULT) in the
 * kernel's xattr layout ("system.posix_acl_*"), into buf.  Returns its
 * length, 0 if the entry has none, -1 if it does not fit.  Pure.
 */
int	tarmeta_acl(struct archive_entry *, int type, unsigned char *buf,
	    size_t len);

#endif
