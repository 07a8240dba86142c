/*
 * Option parsing.  One table describes every option: getopt_long's tables
 * and the --help text are both made from it, so they cannot drift apart.
 * Each option has a small setter that validates its argument.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "opts.h"
#include "opts_preserve.h"
#include "report.h"

enum {
	OPT_MODE = 256, OPT_CHUNK, OPT_BUFSZ, OPT_STATS, OPT_VERSION,
	OPT_PRESERVE, OPT_SPARSE, OPT_ENGINE, OPT_DIRECT, OPT_NOCACHE,
	OPT_SPLIT, OPT_PROGRESS, OPT_VERIFY, OPT_MANIFEST, OPT_RESUME, OPT_FSYNC,
	OPT_JSON, OPT_TO_TAR, OPT_FROM_TAR, OPT_LIST_TAR, OPT_COMPRESS, OPT_INPLACE,
	OPT_NO_PRESERVE, OPT_STRIP, OPT_REMOVE_DEST, OPT_KEEP_DIR_LINKS,
	OPT_PARENTS, OPT_BACKUP, OPT_UPDATE, OPT_CONTEXT,
	OPT_DEBUG, OPT_REFLINK, OPT_ATTR_ONLY, OPT_COPY_CONTENTS,
	OPT_DRY_RUN, OPT_EXCLUDE, OPT_EXCLUDE_FROM
};

static int	set_jobs(struct opts *, const char *);
static int	set_mode(struct opts *, const char *);
static int	set_chunk(struct opts *, const char *);
static int	set_bufsz(struct opts *, const char *);
static int	set_verbose(struct opts *, const char *);
static int	set_archive(struct opts *, const char *);
static int	set_p(struct opts *, const char *);
static int	set_d(struct opts *, const char *);
static int	set_noclobber(struct opts *, const char *);
static int	set_interactive(struct opts *, const char *);
static int	set_link(struct opts *, const char *);
static int	set_symlink(struct opts *, const char *);
static int	set_deref_never(struct opts *, const char *);
static int	set_deref_always(struct opts *, const char *);
static int	set_deref_args(struct opts *, const char *);
static int	set_sparse(struct opts *, const char *);
static int	set_split(struct opts *, const char *);
static int	set_target(struct opts *, const char *);
static int	set_engine(struct opts *, const char *);
static int	set_progress(struct opts *, const char *);
static int	set_manifest(struct opts *, const char *);
static int	set_exclude(struct opts *, const char *);
static int	set_exclude_from(struct opts *, const char *);
static int	set_to_tar(struct opts *, const char *);
static int	set_from_tar(struct opts *, const char *);
static int	set_list_tar(struct opts *, const char *);
static int	set_compress(struct opts *, const char *);

/* A plain on/off option sets its field; no setter needed. */
#define FLAG(field)	offsetof(struct opts, field)
#define NOFLAG		0	/* offset 0 is jobs, never a flag */
_Static_assert(offsetof(struct opts, jobs) == 0, "NOFLAG must be no flag");

static const struct optdef {
	const char	*name;
	int		 val;		/* short option, or OPT_* */
	const char	*arg;		/* argument name, NULL if none */
	bool		 optional;	/* the argument may be left out */
	int		(*set)(struct opts *, const char *);
	size_t		 flag;		/* or: the bool in struct opts to set */
	const char	*help;
} optdefs[] = {
	{ "recursive", 'r', NULL, false, NULL, FLAG(recursive),
	    "copy directories recursively (also -R)" },
	{ NULL, 'R', NULL, false, NULL, FLAG(recursive), NULL },
	{ "archive", 'a', NULL, false, set_archive, NOFLAG,
	    "same as -r -P --preserve=all" },
	{ "preserve", OPT_PRESERVE, "LIST", true, opts_set_preserve, NOFLAG,
	    "keep mode,ownership,timestamps,links,context,xattr,all" },
	{ "no-preserve", OPT_NO_PRESERVE, "LIST", false, opts_set_no_preserve,
	    NOFLAG, "do not keep these (mode: the default mode)" },
	{ NULL, 'p', NULL, false, set_p, NOFLAG,
	    "same as --preserve=mode,ownership,timestamps" },
	{ NULL, 'd', NULL, false, set_d, NOFLAG,
	    "same as --no-dereference --preserve=links" },
	{ "no-dereference", 'P', NULL, false, set_deref_never, NOFLAG,
	    "copy symlinks as symlinks (default with -r)" },
	{ "dereference", 'L', NULL, false, set_deref_always, NOFLAG,
	    "follow every symlink in SOURCE" },
	{ NULL, 'H', NULL, false, set_deref_args, NOFLAG,
	    "follow symlinks given as SOURCE only" },
	{ "no-clobber", 'n', NULL, false, set_noclobber, NOFLAG,
	    "never replace an existing file" },
	{ "interactive", 'i', NULL, false, set_interactive, NOFLAG,
	    "ask before replacing (the last of -i, -n wins)" },
	{ NULL, 'u', NULL, false, NULL, FLAG(update),
	    "same as --update=older" },
	{ "update", OPT_UPDATE, "WHEN", true, opts_set_update, NOFLAG,
	    "replace: all, none (-n), older (default) files" },
	{ NULL, 'b', NULL, false, opts_set_backup, NOFLAG,
	    "like --backup, but takes no argument" },
	{ "backup", OPT_BACKUP, "CONTROL", true, opts_set_backup, NOFLAG,
	    "rename each replaced file to a backup name" },
	{ "suffix", 'S', "SUFFIX", false, opts_set_suffix, NOFLAG,
	    "the simple backup suffix (default: ~)" },
	{ "force", 'f', NULL, false, NULL, FLAG(force),
	    "replace read-only destinations too" },
	{ "inplace", OPT_INPLACE, NULL, false, NULL, FLAG(inplace),
	    "write into existing files, as cp (not atomic)" },
	{ "copy-contents", OPT_COPY_CONTENTS, NULL, false, NULL,
	    FLAG(copy_contents), "-r: read FIFOs and devices as files" },
	{ "attributes-only", OPT_ATTR_ONLY, NULL, false, NULL,
	    FLAG(attributes_only), "no data: new files empty, attributes set" },
	{ "remove-destination", OPT_REMOVE_DEST, NULL, false, NULL,
	    FLAG(remove_dest), "remove each existing destination first" },
	{ "keep-directory-symlink", OPT_KEEP_DIR_LINKS, NULL, false, NULL,
	    FLAG(keep_dir_links), "follow symlinks to directories in DEST" },
	{ "one-file-system", 'x', NULL, false, NULL, FLAG(one_fs),
	    "stay on the file system of each SOURCE" },
	{ "strip-trailing-slashes", OPT_STRIP, NULL, false, NULL,
	    FLAG(strip_slashes), "remove trailing slashes from each SOURCE" },
	{ "link", 'l', NULL, false, set_link, NOFLAG,
	    "hard link files instead of copying them" },
	{ "symbolic-link", 's', NULL, false, set_symlink, NOFLAG,
	    "make symbolic links instead of copies" },
	{ "exclude", OPT_EXCLUDE, "PATTERN", false, set_exclude, NOFLAG,
	    "leave out what matches (rsync's rules; repeatable)" },
	{ "exclude-from", OPT_EXCLUDE_FROM, "FILE", false, set_exclude_from,
	    NOFLAG, "the patterns of FILE, one a line ('#': comment)" },
	{ "parents", OPT_PARENTS, NULL, false, NULL, FLAG(parents),
	    "use SOURCE's whole name under DIRECTORY" },
	{ "reflink", OPT_REFLINK, "WHEN", true, opts_set_reflink, NOFLAG,
	    "always (the default WHEN): clones or fail; auto, never" },
	{ "sparse", OPT_SPARSE, "WHEN", false, set_sparse, NOFLAG,
	    "auto (default), always or never make holes" },
	{ "target-directory", 't', "DIR", false, set_target, NOFLAG,
	    "copy every SOURCE into DIR" },
	{ "no-target-directory", 'T', NULL, false, NULL, FLAG(no_target),
	    "treat DEST as a name, never a directory" },
	{ "jobs", 'j', "N", false, set_jobs, NOFLAG,
	    "number of workers, 1..1024 (default: by DEST's kind)" },
	{ "mode", OPT_MODE, "MODE", false, set_mode, NOFLAG,
	    "pool (default): N workers pull tasks; or fork" },
	{ "chunk-size", OPT_CHUNK, "SIZE", false, set_chunk, NOFLAG,
	    "range size (default: auto, 1M..16M)" },
	{ "split", OPT_SPLIT, "WHEN", false, set_split, NOFLAG,
	    "several workers on one file: auto, always, never" },
	{ "buffer-size", OPT_BUFSZ, "SIZE", false, set_bufsz, NOFLAG,
	    "each worker's I/O buffer (default: 1M)" },
	{ "engine", OPT_ENGINE, "ENGINE", false, set_engine, NOFLAG,
	    "auto, pread, copy_file_range or reflink" },
	{ "direct", OPT_DIRECT, NULL, false, NULL, FLAG(direct),
	    "O_DIRECT I/O, bypassing the page cache" },
	{ "nocache", OPT_NOCACHE, NULL, false, NULL, FLAG(nocache),
	    "drop the copied pages from the cache as it goes" },
	{ "progress", OPT_PROGRESS, "WHEN", true, set_progress, NOFLAG,
	    "live progress on stderr if a terminal; always, never" },
	{ "verify", OPT_VERIFY, NULL, false, NULL, FLAG(verify),
	    "read both sides back and compare (XXH3) per range" },
	{ "manifest", OPT_MANIFEST, "FILE", false, set_manifest, NOFLAG,
	    "write each file's XXH128 for 'xxhsum -c FILE'" },
	{ "resume", OPT_RESUME, NULL, false, NULL, FLAG(resume),
	    "skip complete files, finish interrupted ones" },
	{ "fsync", OPT_FSYNC, NULL, false, NULL, FLAG(fsync),
	    "make every file and directory durable before exit" },
	{ "json", OPT_JSON, NULL, false, NULL, FLAG(json),
	    "print a JSON summary on stdout (-v lines: stderr)" },
	{ "dry-run", OPT_DRY_RUN, NULL, false, NULL, FLAG(dry_run),
	    "list what a copy would do; write nothing" },
	{ "to-tar", OPT_TO_TAR, "FILE", false, set_to_tar, NOFLAG,
	    "pack SOURCE... into a pax archive FILE (parallel)" },
	{ "compress", OPT_COMPRESS, "HOW", false, set_compress, NOFLAG,
	    "--to-tar: gzip, xz, zstd, bzip2, none; auto: suffix" },
	{ "from-tar", OPT_FROM_TAR, "FILE", false, set_from_tar, NOFLAG,
	    "unpack archive FILE into the directory DEST" },
	{ "list-tar", OPT_LIST_TAR, "FILE", false, set_list_tar, NOFLAG,
	    "list archive FILE (-v: details and offsets)" },
	{ "verbose", 'v', NULL, false, set_verbose, NOFLAG,
	    "print each file; -vv: each range and its worker" },
	{ "debug", OPT_DEBUG, NULL, false, NULL, FLAG(debug),
	    "-v, and how each file's data moved (cp's words)" },
	{ "stats", OPT_STATS, NULL, false, NULL, FLAG(stats),
	    "print bytes, time, rate and per-worker bytes" },
	{ NULL, 'Z', NULL, false, NULL, FLAG(context_default),
	    "SELinux default context (none here: ignored)" },
	{ "context", OPT_CONTEXT, "CTX", true, opts_set_context, NOFLAG,
	    "like -Z; a CTX is ignored with a warning" },
	{ "help", 'h', NULL, false, NULL, NOFLAG, "show this help and exit" },
	{ "version", OPT_VERSION, NULL, false, NULL, NOFLAG,
	    "show the version and exit" },
};
#define NOPTDEFS	(sizeof(optdefs) / sizeof(optdefs[0]))

/* The left column of --help for optdefs[i]: "-j, --jobs N". */
static void
help_left(size_t i, char *buf, size_t len)
{
	const struct optdef *d = &optdefs[i];
	char lng[32] = "";

	if (d->name != NULL)
		(void)snprintf(lng, sizeof(lng), "--%s%s%s%s%s", d->name,
		    d->optional ? "[" : "", d->arg ? "=" : "",
		    d->arg ? d->arg : "", d->optional ? "]" : "");
	if (d->val < 256)
		(void)snprintf(buf, len, "-%c%s%s%s", d->val,
		    d->name ? ", " : (d->arg ? " " : ""), d->name ? lng : "",
		    d->name == NULL && d->arg ? d->arg : "");
	else
		(void)snprintf(buf, len, "    %s", lng);
}

static void
usage(void)
{
	char left[48];
	size_t i;

	printf("usage: parcp [OPTIONS] SOURCE DEST\n"
	    "       parcp [OPTIONS] SOURCE... DIRECTORY\n"
	    "       parcp [OPTIONS] -t DIRECTORY SOURCE...\n"
	    "       parcp [OPTIONS] --to-tar=ARCHIVE SOURCE...\n"
	    "       parcp [OPTIONS] --from-tar=ARCHIVE DIRECTORY\n"
	    "       parcp [-v] --list-tar=ARCHIVE\n"
	    "Copy files and trees in parallel: files are split into byte "
	    "ranges that\nworker processes copy at once.  SIZE takes K, M, G "
	    "or T (binary) suffixes.\n\n");
	for (i = 0; i < NOPTDEFS; i++) {
		if (optdefs[i].help == NULL)
			continue;
		help_left(i, left, sizeof(left));
		printf("  %-26s %s\n", left, optdefs[i].help);
	}
	printf("\nExit status: 0 all copied (and verified), 1 some file "
	    "failed or a usage error,\n3 verification mismatch, 128+N stopped "
	    "by signal N (130 SIGINT, 143 SIGTERM).\n");
}

int
opts_parse_size(const char *s, off_t min, off_t max, off_t *out)
{
	static const char units[] = "KMGTPE";
	const char *u;
	char *end;
	uintmax_t v;
	int shift = 0;

	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoumax(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	if (*end != '\0') {
		if ((u = strchr(units, toupper((unsigned char)*end))) == NULL ||
		    (end[1] != '\0' && strcmp(end + 1, "iB") != 0)) {
			errno = EINVAL;
			return -1;
		}
		shift = 10 * (int)(u - units + 1);
	}
	if (v > (uintmax_t)max >> shift || (off_t)(v << shift) < min) {
		errno = ERANGE;
		return -1;
	}
	*out = (off_t)(v << shift);
	return 0;
}

/* Report a bad SIZE argument for option name. */
static int
bad_size(const char *name, const char *arg)
{
	warnx("invalid %s '%s': %s", name, arg,
	    errno == ERANGE ? "out of range" : "expected a number with an "
	    "optional K, M, G or T suffix");
	return -1;
}

static int
set_jobs(struct opts *o, const char *arg)
{
	const char *errstr;

	o->jobs = (unsigned)strtonum(arg, 1, EXEC_MAX, &errstr);
	o->jobs_set = true;
	if (errstr != NULL) {
		warnx("invalid number of jobs '%s': %s (1..%d)", arg, errstr,
		    EXEC_MAX);
		return -1;
	}
	return 0;
}

static int
set_mode(struct opts *o, const char *arg)
{
	if (strcmp(arg, "pool") == 0)
		o->mode = EXEC_POOL;
	else if (strcmp(arg, "fork") == 0)
		o->mode = EXEC_FORK;
	else {
		warnx("invalid mode '%s': expected pool or fork", arg);
		return -1;
	}
	return 0;
}

static int
set_chunk(struct opts *o, const char *arg)
{
	if (opts_parse_size(arg, 1, INT64_MAX, &o->chunk) == -1)
		return bad_size("chunk size", arg);
	return 0;
}

static int
set_bufsz(struct opts *o, const char *arg)
{
	off_t v;

	if (opts_parse_size(arg, 1, OPTS_BUFSZ_MAX, &v) == -1)
		return bad_size("buffer size", arg);
	o->bufsz = (size_t)v;
	return 0;
}

static int
set_verbose(struct opts *o, const char *arg)
{
	(void)arg;
	o->verbose++;
	return 0;
}

static int
set_archive(struct opts *o, const char *arg)
{
	(void)arg;
	o->recursive = true;
	o->deref = DEREF_NEVER;
	o->preserve |= PRESERVE_ALL;	/* an earlier context stays asked */
	o->default_mode = false;
	o->xattr_quiet = true;
	return 0;
}

static int
set_p(struct opts *o, const char *arg)
{
	(void)arg;
	o->preserve |= PRESERVE_MODE | PRESERVE_OWNER | PRESERVE_TIMES;
	o->default_mode = false;
	return 0;
}

/* -n and -i: the last given wins, as with cp. */
static int
set_noclobber(struct opts *o, const char *arg)
{
	(void)arg;
	o->noclobber = true;
	o->interactive = false;
	return 0;
}

static int
set_interactive(struct opts *o, const char *arg)
{
	(void)arg;
	o->interactive = true;
	o->noclobber = false;
	return 0;
}

static int
set_d(struct opts *o, const char *arg)
{
	(void)arg;
	o->deref = DEREF_NEVER;
	o->preserve |= PRESERVE_LINKS;
	return 0;
}

/* -l and -s: both is a usage error, said once the options are read. */
static int
set_link(struct opts *o, const char *arg)
{
	(void)arg;
	o->link_instead |= LINK_HARD;
	return 0;
}

static int
set_symlink(struct opts *o, const char *arg)
{
	(void)arg;
	o->link_instead |= LINK_SYMBOLIC;
	return 0;
}

static int
set_deref_never(struct opts *o, const char *arg)
{
	(void)arg;
	o->deref = DEREF_NEVER;
	return 0;
}

static int
set_deref_always(struct opts *o, const char *arg)
{
	(void)arg;
	o->deref = DEREF_ALWAYS;
	return 0;
}

static int
set_deref_args(struct opts *o, const char *arg)
{
	(void)arg;
	o->deref = DEREF_ARGS;
	return 0;
}

/* --OPT's WHEN: auto, always, never as 0, 1, 2 (enum sparse and enum
 * split_when), or -1, said. */
static int
when_word(const char *opt, const char *arg)
{
	static const char *when[] = { "auto", "always", "never" };
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(arg, when[i]) == 0)
			return i;
	warnx("invalid --%s '%s': expected auto, always or never", opt, arg);
	return -1;
}

static int
set_sparse(struct opts *o, const char *arg)
{
	int i = when_word("sparse", arg);

	o->sparse = i == -1 ? o->sparse : (enum sparse)i;
	return i == -1 ? -1 : 0;
}

static int
set_split(struct opts *o, const char *arg)
{
	int i = when_word("split", arg);

	o->split = i == -1 ? o->split : (enum split_when)i;
	return i == -1 ? -1 : 0;
}

static int
set_target(struct opts *o, const char *arg)
{
	o->target = arg;
	return 0;
}

static int
set_engine(struct opts *o, const char *arg)
{
	if ((o->engine = engine_parse(arg)) == -1) {
		warnx("invalid engine '%s': expected auto, pread, "
		    "copy_file_range or reflink", arg);
		return -1;
	}
	return 0;
}

static int
set_progress(struct opts *o, const char *arg)
{
	static const char *when[] = { "never", "auto", "always" };
	size_t i;

	if (arg == NULL)
		arg = "auto";
	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++)
		if (strcmp(arg, when[i]) == 0) {
			o->progress = (enum progress_when)i;
			return 0;
		}
	warnx("invalid --progress '%s': expected auto, always or never", arg);
	return -1;
}

static int
set_manifest(struct opts *o, const char *arg)
{
	if (*arg == '\0') {
		warnx("invalid --manifest '': expected a file name");
		return -1;
	}
	o->manifest = arg;
	return 0;
}

static int
set_exclude(struct opts *o, const char *arg)
{
	exclude_add(&o->exclude, arg);
	return 0;
}

/* Read now: a list that cannot be read is a usage error before a copy. */
static int
set_exclude_from(struct opts *o, const char *arg)
{
	if (exclude_load(&o->exclude, arg) == -1) {
		warn("--exclude-from: %s", arg);
		return -1;
	}
	return 0;
}

static int
set_tar(struct opts *o, enum tar_mode mode, const char *name,
    const char *arg)
{
	if (o->tar != TAR_NONE && o->tar != mode) {
		warnx("only one of --to-tar, --from-tar, --list-tar");
		return -1;
	}
	if (*arg == '\0') {
		warnx("invalid --%s '': expected a file name", name);
		return -1;
	}
	o->tar = mode;
	o->tar_path = arg;
	return 0;
}

static int
set_to_tar(struct opts *o, const char *arg)
{
	return set_tar(o, TAR_CREATE, "to-tar", arg);
}

static int
set_from_tar(struct opts *o, const char *arg)
{
	return set_tar(o, TAR_EXTRACT, "from-tar", arg);
}

static int
set_list_tar(struct opts *o, const char *arg)
{
	return set_tar(o, TAR_LIST, "list-tar", arg);
}

/* --compress names, in enum tar_compress order. */
static const char *compressors[] = { "auto", "none", "gzip", "xz", "zstd",
    "bzip2" };

static int
set_compress(struct opts *o, const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++)
		if (strcmp(arg, compressors[i]) == 0) {
			o->compress = (enum tar_compress)i;
			return 0;
		}
	warnx("invalid --compress '%s': expected auto, none, gzip, xz, zstd "
	    "or bzip2", arg);
	return -1;
}

enum tar_compress
opts_compress_by_name(const char *path)
{
	static const struct {
		const char		*suffix;
		enum tar_compress	 how;
	} suffixes[] = {
		{ ".gz", COMPRESS_GZIP }, { ".tgz", COMPRESS_GZIP },
		{ ".taz", COMPRESS_GZIP }, { ".xz", COMPRESS_XZ },
		{ ".txz", COMPRESS_XZ }, { ".zst", COMPRESS_ZSTD },
		{ ".tzst", COMPRESS_ZSTD }, { ".bz2", COMPRESS_BZIP2 },
		{ ".tbz2", COMPRESS_BZIP2 }, { ".tbz", COMPRESS_BZIP2 },
		{ ".tz2", COMPRESS_BZIP2 },
	};
	size_t i, n = strlen(path), len;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		len = strlen(suffixes[i].suffix);
		if (n > len && strcmp(path + n - len, suffixes[i].suffix) == 0)
			return suffixes[i].how;
	}
	return COMPRESS_NONE;
}

static void
defaults(struct opts *o)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->jobs = n < 1 ? 1 : n > EXEC_MAX ? EXEC_MAX : (unsigned)n;
	o->ncpu = o->jobs;	/* -j may change jobs; tune.c wants these */
	o->mode = EXEC_POOL;
	o->bufsz = OPTS_BUFSZ_DEFAULT;
}

/* Build getopt_long's tables from optdefs. */
static void
getopt_tables(struct option *lopts, char *sopts)
{
	const struct optdef *d;
	size_t i;

	for (i = 0; i < NOPTDEFS; i++) {
		d = &optdefs[i];
		if (d->name != NULL) {
			lopts->name = d->name;
			lopts->has_arg = d->arg == NULL ? no_argument :
			    d->optional ? optional_argument : required_argument;
			lopts->flag = NULL;
			lopts->val = d->val;
			lopts++;
		}
		if (d->val < 256) {
			*sopts++ = (char)d->val;
			if (d->arg != NULL)
				*sopts++ = ':';
		}
	}
	memset(lopts, 0, sizeof(*lopts));
	*sopts = '\0';
}

/*
 * Options that mean nothing in the tar mode chosen are usage errors rather
 * than silently ignored (-n, -u, --manifest with --from-tar are its own).
 */
static int
tar_moot(const struct opts *o)
{
	static const struct {
		enum tar_mode	 mode;
		size_t		 flag;
		const char	*name;
	} moot[] = {
		{ TAR_CREATE, FLAG(noclobber), "-n" },
		{ TAR_CREATE, FLAG(update), "-u" },
		{ TAR_CREATE, FLAG(resume), "--resume" },
		{ TAR_EXTRACT, FLAG(resume), "--resume" },
		{ TAR_CREATE, FLAG(inplace), "--inplace" },
		{ TAR_EXTRACT, FLAG(inplace), "--inplace" },
		{ TAR_CREATE, FLAG(interactive), "-i" },
		{ TAR_EXTRACT, FLAG(interactive), "-i" },
		{ TAR_CREATE, FLAG(make_backups), "--backup" },
		{ TAR_EXTRACT, FLAG(make_backups), "--backup" },
		{ TAR_CREATE, FLAG(dry_run), "--dry-run" },
		{ TAR_EXTRACT, FLAG(dry_run), "--dry-run" },
		{ TAR_LIST, FLAG(dry_run), "--dry-run" },
	};
	static const char *modes[] = { "", "--to-tar", "--from-tar",
	    "--list-tar" };
	size_t i;

	if (o->target != NULL || o->no_target) {
		warnx("-t and -T do not apply to tar archives");
		return -1;
	}
	if (o->exclude.n > 0 && o->tar != TAR_CREATE) {
		warnx("--exclude does not apply to %s", modes[o->tar]);
		return -1;
	}
	for (i = 0; i < sizeof(moot) / sizeof(moot[0]); i++)
		if (o->tar == moot[i].mode &&
		    *(const bool *)((const char *)o + moot[i].flag)) {
			warnx("%s does not apply to %s", moot[i].name,
			    modes[o->tar]);
			return -1;
		}
	return 0;
}

/*
 * --to-tar's compression (auto: by the archive's suffix), and what cannot
 * go with it: standard output carries a "-" archive, and a compressed or
 * streamed archive cannot be read back by offset (--verify).
 */
static int
tar_output(struct opts *o)
{
	bool out = strcmp(o->tar_path, "-") == 0;

	if (o->compress == COMPRESS_AUTO)
		o->compress = opts_compress_by_name(o->tar_path);
	if (out && (o->json || o->stats)) {
		warnx("--%s: standard output carries the archive (--to-tar=-)",
		    o->json ? "json" : "stats");
		return -1;
	}
	if (o->verify && (out || o->compress != COMPRESS_NONE)) {
		warnx("--verify cannot read back a compressed or streamed "
		    "archive");
		return -1;
	}
	return 0;
}

/* Operands of the tar modes: SOURCE..., DEST, or none. */
static enum opts_status
tar_operands(struct opts *o, int argc, char **argv)
{
	if (tar_moot(o) == -1 || (o->tar == TAR_CREATE && tar_output(o) == -1))
		return OPTS_USAGE;
	if (o->tar == TAR_CREATE && argc == 0) {
		warnx("--to-tar: missing SOURCE operand");
		return OPTS_USAGE;
	}
	if (o->tar == TAR_EXTRACT && argc != 1) {
		warnx(argc ? "--from-tar: extra operand '%s'" :
		    "--from-tar: missing DEST operand", argc ? argv[1] : "");
		return OPTS_USAGE;
	}
	if (o->tar == TAR_LIST && argc != 0) {
		warnx("--list-tar: extra operand '%s'", argv[0]);
		return OPTS_USAGE;
	}
	o->recursive = true;		/* tar always recurses, */
	o->preserve |= PRESERVE_LINKS;	/* and keeps hard links */
	return OPTS_OK;
}

/* --parents needs a directory to put the sources' paths under. */
static enum opts_status
parents_dest(const struct opts *o, int argc, char **argv)
{
	struct stat st;
	const char *dest = o->target ? o->target : argv[argc - 1];

	if (!o->parents)
		return OPTS_OK;
	if (o->no_target || stat(dest, &st) == -1 || !S_ISDIR(st.st_mode)) {
		warnx("with --parents, the destination must be a directory");
		return OPTS_USAGE;
	}
	return OPTS_OK;
}

static enum opts_status
operands(struct opts *o, int argc, char **argv)
{
	o->paths = argv;
	o->npaths = argc;
	if (o->compress != COMPRESS_AUTO && o->tar != TAR_CREATE) {
		warnx("--compress applies to --to-tar only");
		return OPTS_USAGE;
	}
	if (o->tar != TAR_NONE)
		return tar_operands(o, argc, argv);
	if (o->target != NULL && o->no_target) {
		warnx("cannot combine --target-directory (-t) and "
		    "--no-target-directory (-T)");
		return OPTS_USAGE;
	}
	if (argc == 0) {
		warnx("missing file operand");
		return OPTS_USAGE;
	}
	if (argc == 1 && o->target == NULL) {
		warnx("missing destination file operand after '%s'", argv[0]);
		return OPTS_USAGE;
	}
	if (argc > 2 && o->no_target) {
		warnx("extra operand '%s'", argv[2]);
		return OPTS_USAGE;
	}
	return parents_dest(o, argc, argv);
}

/* getopt_long's loop: each option's flag set or setter called. */
static int
opts_loop(struct opts *o, int argc, char **argv, const char *sopts,
    const struct option *lopts)
{
	size_t i;
	int ch;

	while ((ch = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		if (ch == 'h') {
			usage();
			return OPTS_DONE;
		}
		if (ch == OPT_VERSION) {
			report_version(stdout);
			return OPTS_DONE;
		}
		for (i = 0; i < NOPTDEFS && optdefs[i].val != ch; i++)
			;
		if (i == NOPTDEFS)
			return OPTS_USAGE;	/* getopt said why */
		if (optdefs[i].flag != NOFLAG)
			*(bool *)((char *)o + optdefs[i].flag) = true;
		else if (optdefs[i].set(o, optarg) == -1)
			return OPTS_USAGE;
	}
	return OPTS_OK;
}

/*
 * cp's long options, each with the name parcp knows it by.  A prefix that
 * names one of them in cp but several options in parcp ("--b": backup,
 * buffer-size) means what it means to cp.
 */
static const struct {
	const char	*name, *ours;
} cp_longs[] = {
	{ "archive", "archive" }, { "attributes-only", "attributes-only" },
	{ "backup", "backup" }, { "copy-contents", "copy-contents" },
	{ "context", "context" }, { "dereference", "dereference" },
	{ "force", "force" }, { "help", "help" },
	{ "interactive", "interactive" }, { "link", "link" },
	{ "no-clobber", "no-clobber" }, { "no-dereference", "no-dereference" },
	{ "no-preserve", "no-preserve" },
	{ "no-target-directory", "no-target-directory" },
	{ "one-file-system", "one-file-system" }, { "parents", "parents" },
	{ "path", "parents" }, { "preserve", "preserve" },
	{ "recursive", "recursive" },
	{ "remove-destination", "remove-destination" },
	{ "reflink", "reflink" }, { "sparse", "sparse" },
	{ "strip-trailing-slashes", "strip-trailing-slashes" },
	{ "suffix", "suffix" }, { "symbolic-link", "symbolic-link" },
	{ "target-directory", "target-directory" }, { "update", "update" },
	{ "verbose", "verbose" }, { "version", "version" },
};

/* The optdef a long name (len bytes) names exactly or as the only
 * prefix, NULL if none; *many: several. */
static const struct optdef *
long_match(const char *name, size_t len, bool *many)
{
	const struct optdef *found = NULL;
	size_t i;

	*many = false;
	for (i = 0; i < NOPTDEFS; i++) {
		if (optdefs[i].name == NULL ||
		    strncmp(optdefs[i].name, name, len) != 0)
			continue;
		if (strlen(optdefs[i].name) == len) {
			*many = false;
			return &optdefs[i];
		}
		if (found != NULL)
			*many = true;
		found = &optdefs[i];
	}
	return *many ? NULL : found;
}

/* cp's option a long name (len bytes) abbreviates, or NULL. */
static const char *
cp_long(const char *name, size_t len)
{
	const char *ours = NULL;
	size_t i;

	for (i = 0; i < sizeof(cp_longs) / sizeof(cp_longs[0]); i++) {
		if (strncmp(cp_longs[i].name, name, len) != 0)
			continue;
		if (ours != NULL && strcmp(ours, cp_longs[i].ours) != 0)
			return NULL;
		ours = cp_longs[i].ours;
	}
	return ours;
}

/* The argument of a short option cluster "-xyz" is the next word? */
static bool
short_takes_next(const char *arg)
{
	const char *p;
	size_t i;

	for (p = arg + 1; *p != '\0'; p++) {
		for (i = 0; i < NOPTDEFS && optdefs[i].val != *p; i++)
			;
		if (i < NOPTDEFS && optdefs[i].arg != NULL)
			return p[1] == '\0';	/* else the rest is its value */
	}
	return false;
}

/*
 * Respell argv's long options that cp would take and parcp would find
 * ambiguous or unknown ("--b=simple": "--backup=simple"), before getopt
 * sees them.  The new words live in a static arena (argv outlives the
 * parse); one that does not fit is left for getopt to refuse.
 */
static void
respell(int argc, char **argv)
{
	static char arena[4096];
	const struct optdef *d;
	size_t used = 0, len, need;
	const char *ours, *eq;
	bool many, posix = getenv("POSIXLY_CORRECT") != NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return;
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			if (posix)
				return;		/* options end here */
			continue;
		}
		if (argv[i][1] != '-') {
			i += short_takes_next(argv[i]);
			continue;
		}
		eq = strchr(argv[i] + 2, '=');
		len = eq ? (size_t)(eq - argv[i] - 2) : strlen(argv[i] + 2);
		d = long_match(argv[i] + 2, len, &many);
		if (d != NULL) {
			i += d->arg != NULL && !d->optional && eq == NULL;
			continue;
		}
		if ((ours = cp_long(argv[i] + 2, len)) == NULL)
			continue;
		need = 2 + strlen(ours) + (eq ? strlen(eq) : 0) + 1;
		if (used + need > sizeof(arena))
			return;
		(void)snprintf(arena + used, need, "--%s%s", ours,
		    eq ? eq : "");
		argv[i] = arena + used;
		used += need;
		d = long_match(ours, strlen(ours), &many);
		i += d != NULL && d->arg != NULL && !d->optional && eq == NULL;
	}
}

enum opts_status
opts_parse(struct opts *o, int argc, char **argv)
{
	struct option lopts[NOPTDEFS + 1];
	char sopts[3 * NOPTDEFS + 2];
	char *argv0 = argv[0];
	int ch;

	defaults(o);
	getopt_tables(lopts, sopts);
	optind = 0;		/* glibc: full re-initialisation */
	/* getopt's messages name argv[0]: "parcp: unrecognized option". */
	argv[0] = (char *)"parcp";
	respell(argc, argv);
	ch = opts_loop(o, argc, argv, sopts, lopts);
	argv[0] = argv0;
	if (ch != OPTS_OK)
		return (enum opts_status)ch;
	if (o->link_instead == (LINK_HARD | LINK_SYMBOLIC)) {
		warnx("cannot make both hard and symbolic links");
		return OPTS_USAGE;
	}
	if (opts_backup_resolve(o) == -1)
		return OPTS_USAGE;
	if (o->reflink == REFLINK_ALWAYS && o->sparse != SPARSE_AUTO) {
		warnx("--reflink can be used only with --sparse=auto");
		return OPTS_USAGE;
	}
	if (o->debug && o->verbose == 0)
		o->verbose = 1;		/* --debug says what -v says, as cp */
	/* cp -l follows symlinks unless told otherwise, -r or not. */
	if (o->link_instead == LINK_HARD && o->deref == DEREF_DEFAULT)
		o->deref = DEREF_ALWAYS;
	/* As cp built without SELinux: before the operands are looked at. */
	if (o->preserve & PRESERVE_CONTEXT) {
		warnx("cannot preserve security context without an "
		    "SELinux-enabled kernel");
		return OPTS_FAIL;
	}
	return operands(o, argc - optind, argv + optind);
}
