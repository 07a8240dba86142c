/*
 * Command-line options: parsed and validated up front, so that a usage
 * error never starts a copy.
 */
#ifndef PARCP_OPTS_H
#define PARCP_OPTS_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "backup.h"
#include "engine.h"
#include "exclude.h"
#include "exec.h"

#define OPTS_BUFSZ_DEFAULT	((size_t)1 << 20)
#define OPTS_BUFSZ_MAX		((off_t)1 << 30)

/* --preserve bits */
#define PRESERVE_MODE	0x01
#define PRESERVE_OWNER	0x02
#define PRESERVE_TIMES	0x04
#define PRESERVE_LINKS	0x08
#define PRESERVE_XATTR	0x10
#define PRESERVE_ALL	0x1f	/* all but context, which needs SELinux */
#define PRESERVE_CONTEXT 0x20	/* asked for: refused (no SELinux here) */

enum deref {
	DEREF_DEFAULT,		/* -L without -r, -P with it (as cp) */
	DEREF_NEVER,		/* -P */
	DEREF_ARGS,		/* -H: operands only */
	DEREF_ALWAYS		/* -L */
};

/* -l, -s: links to the sources instead of copies. */
#define LINK_HARD	0x1
#define LINK_SYMBOLIC	0x2

enum sparse { SPARSE_AUTO, SPARSE_ALWAYS, SPARSE_NEVER };

/* --split: whether several workers copy one file's ranges at once.  AUTO
 * is resolved before a run (tune.c), by the destination's file system. */
enum split_when { SPLIT_AUTO, SPLIT_ALWAYS, SPLIT_NEVER };

/* --reflink: not given (the engine decides), auto, always, never. */
enum reflink_when { REFLINK_UNSET, REFLINK_AUTO, REFLINK_ALWAYS,
	REFLINK_NEVER };

/* --progress: when stderr is a terminal (auto), always (plain lines), or
 * never. */
enum progress_when { PROGRESS_NEVER, PROGRESS_AUTO, PROGRESS_ALWAYS };

/* --to-tar, --from-tar, --list-tar: what to do with tar_path. */
enum tar_mode { TAR_NONE, TAR_CREATE, TAR_EXTRACT, TAR_LIST };

/* --compress: how --to-tar compresses; auto is resolved by opts_parse. */
enum tar_compress {
	COMPRESS_AUTO,		/* by the archive's suffix, as tar -a */
	COMPRESS_NONE,
	COMPRESS_GZIP,
	COMPRESS_XZ,
	COMPRESS_ZSTD,
	COMPRESS_BZIP2
};

struct opts {
	unsigned	 jobs;
	enum exec_mode	 mode;
	off_t		 chunk;		/* 0: automatic (plan_chunk) */
	bool		 jobs_set;	/* -j given: tune.c leaves jobs be */
	unsigned	 ncpu;		/* online CPUs (capped as jobs is) */
	enum split_when	 split;
	unsigned	 writers;	/* workers on one file at most, once
					   split is resolved (tune.c): 0 any,
					   1 with --split=never */
	int		 dest_kind;	/* enum fs_kind of DEST (tune.c) */
	size_t		 bufsz;
	int		 verbose;	/* -v files, -vv ranges */
	bool		 debug;		/* --debug: -v, and each file's engine */
	bool		 stats;
	bool		 recursive;
	unsigned	 preserve;	/* PRESERVE_* */
	bool		 xattr_quiet;	/* -a: unsupported xattrs not an error */
	bool		 default_mode;	/* --no-preserve=mode: new files get
					   0666 (directories 0777) - umask */
	enum deref	 deref;
	bool		 noclobber;	/* -n */
	bool		 interactive;	/* -i: ask before replacing */
	bool		 update;	/* -u */
	bool		 force;		/* -f */
	bool		 inplace;	/* --inplace: write into existing files */
	bool		 attributes_only; /* no data: new files empty */
	bool		 copy_contents;	/* -r: FIFOs, devices read as files */
	bool		 remove_dest;	/* --remove-destination */
	bool		 keep_dir_links; /* --keep-directory-symlink */
	bool		 one_fs;	/* -x: stay on the operands' file systems */
	bool		 strip_slashes;	/* --strip-trailing-slashes */
	unsigned	 link_instead;	/* -l, -s: LINK_*, 0 for copies */
	bool		 parents;	/* --parents: SOURCE's path under DEST */
	bool		 context_default; /* -Z: nothing to do without SELinux */
	bool		 make_backups;	/* -b, --backup, -S */
	const char	*backup_control; /* --backup=CONTROL, or NULL */
	struct backup_how backup;	/* resolved: kind (NONE: no backups)
					   and suffix */
	enum sparse	 sparse;
	int		 engine;	/* enum engine_kind */
	enum reflink_when reflink;	/* --reflink: ALWAYS clones or fails */
	bool		 direct;
	bool		 nocache;
	enum progress_when progress;
	bool		 verify;
	const char	*manifest;	/* --manifest FILE, or NULL */
	bool		 resume;
	bool		 fsync;
	bool		 durable_ranges; /* parcp-mpi on many hosts: a range
					   is synced before it is journaled */
	bool		 json;
	bool		 dry_run;	/* --dry-run: copies only */
	enum tar_mode	 tar;
	const char	*tar_path;	/* the archive */
	enum tar_compress compress;	/* --to-tar: resolved, never AUTO */
	const char	*target;	/* -t DIR */
	bool		 no_target;	/* -T */
	struct exclude	 exclude;	/* --exclude, --exclude-from */
	char	       **paths;		/* SOURCE... [DEST] */
	int		 npaths;
};

enum opts_status {
	OPTS_OK,
	OPTS_DONE,	/* --help or --version printed: exit 0 */
	OPTS_USAGE,	/* error printed: exit 1 (as cp), with the --help hint */
	OPTS_FAIL	/* error printed: exit 1, nothing copied */
};

/* Fill *o from argv.  Prints its own errors.  Parent only. */
enum opts_status	opts_parse(struct opts *o, int argc, char **argv);
/*
 * Parse a size: digits with an optional binary suffix K, M, G, T, P or E
 * (also KiB...).  Returns 0 with *out in [min, max], or -1 with errno
 * EINVAL (malformed) or ERANGE.  Pure.
 */
int			opts_parse_size(const char *s, off_t min, off_t max,
			    off_t *out);
/*
 * Parse a --preserve list ("mode,timestamps", "all", "link,time": words
 * as cp abbreviates them).  Returns 0 with the PRESERVE_* bits in *out,
 * or OPTS_WORD_INVALID or OPTS_WORD_AMBIGUOUS.  Pure.
 */
int			opts_parse_preserve(const char *s, unsigned *out);
/*
 * The compression tar -a picks for an archive named path: gzip for .gz,
 * .tgz, .taz; xz for .xz, .txz; zstd for .zst, .tzst; bzip2 for .bz2,
 * .tbz2, .tbz, .tz2; otherwise (and for "-") none.  Pure.
 */
enum tar_compress	opts_compress_by_name(const char *path);

#endif
