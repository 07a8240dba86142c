/*
 * Parallel tar (libarchive).  Create: every member's header is encoded in
 * memory by libarchive and written at an offset computed up front; file
 * data is copied into the archive as ordinary byte-range tasks.  Extract: a
 * seekable uncompressed archive is indexed (header and data offsets) and
 * member data is copied out as range tasks; anything else (compressed, a
 * pipe, zip, GNU sparse members) is streamed through libarchive.  Only
 * src/tar_*.c include <archive.h>.  Parent only.
 */
#ifndef PARCP_TAR_H
#define PARCP_TAR_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "copy.h"
#include "flist.h"
#include "opts.h"

struct archive;			/* <archive.h>: only src/tar_*.c */

/*
 * --to-tar: pack fl (from walk_sources) into o->tar_path.  Returns the
 * exit status as copy_run does; the archive appears under its name only
 * when whole.
 */
int	tar_create(const struct opts *o, struct flist *fl,
	    struct copy_stats *st);
/* --from-tar: unpack o->tar_path into o->paths[0].  Status as copy_run. */
int	tar_extract(const struct opts *o, struct copy_stats *st);
/* libarchive's version and the libraries it was built with. */
const char *tar_lib_version(void);
/* --list-tar: print the members of o->tar_path.  0, or 1 on an error. */
int	tar_list(const struct opts *o);
/*
 * The same for an archive open for reading (what names it in messages):
 * prints its members, reports each problem, stops only at a fatal one.
 * 0, or 1 if anything was reported.  Closing a stays the caller's.
 */
int	tar_list_read(struct archive *a, const char *what, bool verbose);

/*
 * Check and clean a member name for extraction: leading slashes are
 * removed (*stripped set), "." components dropped, ".." refused.  Writes
 * the clean name to buf.  Returns 0; 1 for a name that is DEST itself
 * ("./", "/"; buf "."); or -1 with *why set ("..", "").  Pure.
 */
int	tar_clean_name(const char *name, char *buf, size_t len, bool *stripped,
	    const char **why);

#endif
