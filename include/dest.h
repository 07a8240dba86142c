/*
 * The destination's lifecycle: a temp file beside the final name, in the
 * same directory (by descriptor), renamed over it only when complete,
 * removed otherwise.  Temp names carry the run's token, parcp's pid and
 * the entry's index, so the parent can remove the temp file of a worker
 * that died and nobody else can guess it.  Worker-safe: no output, no
 * allocation.
 */
#ifndef PARCP_DEST_H
#define PARCP_DEST_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"

/* Prefix of every temp file name, so leftovers are recognisable. */
#define DEST_TMP_PREFIX	".parcp."

/*
 * The temp name for node's copy whose final name is dst:
 * DIR/.parcp.NAME.PID.NODE, NAME cut so that it fits NAME_MAX.
 * Returns 0, or -1 with errno ENAMETOOLONG.
 */
int	dest_tmpname(const char *dst, pid_t pid, uint32_t node, char *buf,
	    size_t len);
/* A run's token, buf[DEST_TOKEN_SIZE]: 16 hex digits from getrandom(2),
 * a dot, and 8 naming this host (a hash of its name). */
#define DEST_TOKEN_SIZE	26
void	dest_token(char *buf);
/*
 * The temp name, in its directory, of a run's entry leaf:
 * .parcp.LEAF.RANDOM.HOST.PID.IDX (TOKEN is RANDOM.HOST; LEAF cut to fit
 * NAME_MAX).  The token makes it unguessable (an archive cannot name it
 * in advance); host and pid let a sweep on that host see that the run is
 * gone (on shared storage a sweep elsewhere cannot, and leaves it to the
 * lock).  0, or -1 (ENAMETOOLONG).
 */
int	dest_runname(const char *leaf, const char *token, pid_t pid,
	    uint32_t idx, char *buf, size_t len);
/*
 * Remove the leftovers of runs that are gone from the directory dir: a
 * temp regular file only if its exclusive flock can be taken (its owner
 * holds one as long as it writes it), other temps (symlinks, FIFOs) when
 * the pid in their name is not running here, and (unless keep_parts)
 * parts and journals nobody holds, adding the bytes the removed journals
 * listed as copied to *discarded (if not NULL).  Returns how many were
 * removed.
 */
int	dest_sweep_at(int dir, bool keep_parts, uint64_t *discarded);
/*
 * Create the temp regular file tmp in dir (O_EXCL, O_NOFOLLOW, 0600),
 * take its exclusive flock (the run owns it) and size it (size < 0:
 * empty, the writes size it).  One already there is replaced if nobody
 * holds it (a dead worker's, a gone run's part), or refused (FAULT_OWNED).
 * Returns the descriptor, or -1 with *f set and no file left.
 */
int	dest_create_at(int dir, const char *tmp, off_t size, struct fault *f);

/*
 * An unnamed regular file in dir (O_TMPFILE), sized as for dest_create_at:
 * nobody can open it, so it needs no lock and no sweep, and a crash leaves
 * nothing.  It gets perm's permission bits (never a set-id bit) less the
 * umask: unnamed, its mode exposes nothing yet, and a copy made with its
 * source's mode needs no chmod.  The descriptor; -1 with *f set; or -2
 * when unnamed files cannot be made there or named later (the file system
 * has none, or this process can link them neither by descriptor nor by a
 * /proc that is procfs): nothing made, *f untouched.
 */
int	dest_create_anon(int dir, off_t size, mode_t perm,
	    struct fault *f);
/*
 * A new regular file leaf in dir, under its final name (O_EXCL,
 * O_NOFOLLOW), for a directory nobody but this run writes in (a staged
 * tree, copy.c): there, a name is not seen until the tree is placed.
 * Mode and size as dest_create_anon's.  The descriptor; -1 with *f set
 * and nothing made; or -2: leaf exists (EEXIST), *f untouched.
 */
int	dest_create_new(int dir, const char *leaf, off_t size, mode_t perm,
	    struct fault *f);
/*
 * Give the unnamed file fd the name leaf in dir, never replacing one
 * (EEXIST).  0, or -1 with errno.
 */
int	dest_name_anon(int fd, int dir, const char *leaf);

/*
 * The stable name of a split file's temp ("part") or its resume journal
 * ("jnl") for the final name leaf, in its directory: .parcp.NAME.HASH.EXT.
 * Stable across runs, so --resume finds them.  0, or -1 (ENAMETOOLONG).
 */
int	dest_partname(const char *leaf, const char *ext, char *buf,
	    size_t len);
/* fsync the directory dir (its entries).  Returns 0 or -1 with *f. */
int	dest_sync_at(int dir, struct fault *f);
/*
 * Rename old (in odir) to new (in ndir) unless new exists (EEXIST).  On a
 * file system without RENAME_NOREPLACE (EINVAL) a hard link does it, then
 * old goes.  0, or -1 with errno.
 */
int	dest_rename_noreplace(int odir, const char *old, int ndir,
	    const char *new);
/*
 * Rename tmp to name, both in dir.  With noreplace an existing name is
 * kept: returns 1 and removes tmp.  Returns 0 on success, or -1 with *f.
 */
int	dest_commit_at(int dir, const char *tmp, const char *name,
	    bool noreplace, struct fault *f);

#endif
