/*
 * Setters of the word-list options (--preserve, --no-preserve, --backup,
 * -S), for opts.c's table: each returns 0, or -1 after saying why the
 * argument is refused (a usage error).  Parent only.
 */
#ifndef PARCP_OPTS_PRESERVE_H
#define PARCP_OPTS_PRESERVE_H

#include "opts.h"

int	opts_set_preserve(struct opts *o, const char *arg);
int	opts_set_no_preserve(struct opts *o, const char *arg);
int	opts_set_update(struct opts *o, const char *arg);
int	opts_set_context(struct opts *o, const char *arg);
int	opts_set_reflink(struct opts *o, const char *arg);
int	opts_set_backup(struct opts *o, const char *arg);
int	opts_set_suffix(struct opts *o, const char *arg);
/*
 * Once every option is read: the backup kind from --backup's CONTROL,
 * else $VERSION_CONTROL, else existing; the suffix from -S, else
 * $SIMPLE_BACKUP_SUFFIX, else "~".  0, or -1 after saying why (a usage
 * error).
 */
int	opts_backup_resolve(struct opts *o);

#endif
