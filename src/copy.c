/*
 * Copying: the one place that knows entries, tasks and their order.
 *
 *  waves   while the last operand is walked, its small files are copied
 *          in waves by what has been listed (head.c); then, for the rest:
 *  dirs    every directory is made first, in walk order (parents first),
 *          owner-writable so that read-only sources can be filled;
 *  plan    one chunk size for the run (from the total, so many files are
 *          not split needlessly); a regular file larger than it is split:
 *          the parent creates and sizes its part file and its journal and
 *          plans its data extents as ranges (with --resume, only those the
 *          journal does not list); everything else is one whole-entry task
 *          that a worker finishes alone (whole.c);
 *  run     exec_run executes the tasks, largest first, in batches;
 *  finish  a split file's last range reported: part.c checks, seals and
 *          renames it (an interrupted one keeps part and journal);
 *  links   later names of a hard-link group become links to the first;
 *  dirs    directory metadata last, deepest first, so a read-only or
 *          time-stamped directory is not disturbed by its own contents.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "compat.h"
#include "copy.h"
#include "copyx.h"
#include "dest.h"
#include "engine.h"
#include "exec.h"
#include "manifest.h"
#include "meta.h"
#include "notice.h"
#include "plan.h"
#include "progress.h"
#include "quote.h"
#include "sig.h"
#include "tree.h"
#include "util.h"
#include "walk.h"
#include "whole.h"
#include "writeout.h"

const char *
copy_path(struct copy *c, uint32_t node, enum flist_side side)
{
	size_t *cap = &c->pathcap[side];

	for (;;) {
		if (*cap > 0 && flist_path(c->fl, node, side, c->path[side],
		    *cap) != -1)
			return c->path[side];
		if (*cap > 0 && errno != ENAMETOOLONG)
			return flist_name(c->fl, node);
		*cap = *cap ? *cap * 2 : PATH_MAX;
		c->path[side] = xreallocarray(c->path[side], *cap, 1);
	}
}

/* node's destination by descriptor, or its failure reported. */
static bool
located(struct copy *c, uint32_t node, struct tree_at *at)
{
	struct fault f;

	if (tree_at(&c->tree, FLIST_DST, node, at, &f) == 0)
		return true;
	copy_fail(c, node, &f);
	return false;
}

/* Keep what --json reports about a failure. */
static void
note_error(struct copy *c, const char *path, const struct fault *f)
{
	struct copy_stats *st = c->st;

	if (!c->o->json)
		return;
	st->errors = xreallocarray(st->errors, st->nerrors + 1,
	    sizeof(*st->errors));
	st->errors[st->nerrors].path = xstrdup(path);
	st->errors[st->nerrors++].fault = *f;
}

void
copy_fail(struct copy *c, uint32_t node, const struct fault *f)
{
	char why[256];
	const char *path, *src, *dst;

	c->fl->v[node].state = NS_FAILED;
	c->st->failed++;
	c->pr.errors++;
	later_settled(c, node);
	if (f->op == FAULT_INTR)
		return;		/* the exit status says it all */
	if (f->op == FAULT_VERIFY)
		c->status = 3;
	else if (c->status == 0)
		c->status = 1;
	src = copy_path(c, node, FLIST_SRC);
	dst = copy_path(c, node, FLIST_DST);
	path = fault_is_dst(f->op) ? dst : src;
	progress_clear(&c->pr);
	if (f->op == FAULT_CLONE)	/* cp --reflink=always's words */
		warnx("failed to clone %s from %s: %s", quote(dst),
		    quote(src), strerror(f->err));
	else
		warnx("%s: %s", path, fault_format(f, why, sizeof(why)));
	note_error(c, path, f);
}

/*
 * --debug: how a file's data moved, in cp's words: copy offload
 * (copy_file_range), reflink (a clone), sparse detection (SEEK_HOLE for
 * a source with holes, zeros for --sparse=always).  An engine asked for
 * that the file system refused is "unsupported", one not tried "no".
 */
static void
debug_line(struct copy *c, const struct node *n)
{
	bool holes = c->o->sparse != SPARSE_NEVER && n->blocks * 512 < n->size;
	const char *offload, *reflink, *sparse;

	if (n->engine == ENGINE_REFLINK) {
		offload = "avoided";
		reflink = "yes";
	} else {
		offload = n->engine == ENGINE_CFR ? "yes" : c->o->engine ==
		    ENGINE_CFR || c->o->engine == ENGINE_REFLINK ?
		    "unsupported" : "no";
		reflink = c->o->engine == ENGINE_REFLINK ? "unsupported" : "no";
	}
	if (c->o->sparse == SPARSE_ALWAYS)
		sparse = holes ? "SEEK_HOLE + zeros" : "zeros";
	else
		sparse = holes ? "SEEK_HOLE" : "no";
	fprintf(c->out, "copy offload: %s, reflink: %s, sparse detection: %s\n",
	    offload, reflink, sparse);
}

void
copy_done(struct copy *c, uint32_t node, int kept)
{
	struct node *n = &c->fl->v[node];
	char bak[NAME_MAX + 1];
	const char *dst;
	struct tree_at at;
	struct fault f;

	n->state = kept ? NS_SKIPPED : NS_DONE;
	c->pr.files++;
	later_settled(c, node);
	if (kept) {
		c->st->skipped++;
		return;
	}
	c->st->files++;
	if (n->type == FT_REG) {
		c->st->bytes += (uint64_t)n->size;
		c->st->engines |= 1u << n->engine;
	}
	if (c->o->verbose == 0)
		return;
	progress_clear(&c->pr);
	dst = copy_path(c, node, FLIST_DST);
	fprintf(c->out, "'%s' -> '%s'", copy_path(c, node, FLIST_SRC), dst);
	/* The backup made last: a numbered one is the highest now there;
	 * its name is the destination's and a suffix. */
	if (n->backed && tree_at(&c->tree, FLIST_DST, node, &at, &f) == 0 &&
	    backup_name(at.dir, at.name, &c->o->backup, true, bak,
	    sizeof(bak)) == 0)
		fprintf(c->out, " (backup: '%s%s')", dst, bak +
		    strlen(at.name));
	fprintf(c->out, "\n");
	if (c->o->debug && n->type == FT_REG)
		debug_line(c, n);
}

/*
 * node refused or failed in the parent, said in cp's words (": ERRNO's
 * text" added when err > 0; err < 0: the message says why, -err is what
 * --json reports), and kept for --json as op.
 */
static void __attribute__((format(printf, 5, 6)))
refuse(struct copy *c, uint32_t node, int op, int err, const char *fmt, ...)
{
	char msg[3 * PATH_MAX];
	struct fault f;
	va_list ap;

	c->fl->v[node].state = NS_FAILED;
	c->st->failed++;
	c->pr.errors++;
	if (c->status == 0)
		c->status = 1;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	progress_clear(&c->pr);
	if (err > 0)
		warnx("%s: %s", msg, strerror(err));
	else
		warnx("%s", msg);
	fault_setc(&f, op, err < 0 ? -err : err);
	note_error(c, copy_path(c, node, FLIST_DST), &f);
}

/* A directory node's destination is not one: said as cp says it. */
static void
not_a_dir(struct copy *c, uint32_t node)
{
	refuse(c, node, FAULT_MKDIR, -ENOTDIR,
	    "cannot overwrite non-directory %s with directory %s",
	    quote(copy_path(c, node, FLIST_DST)),
	    quote(copy_path(c, node, FLIST_SRC)));
}

/*
 * A directory where a non-directory goes (below an operand: the walk
 * decides those; a symlink to one with --keep-directory-symlink):
 * refused as cp refuses it, before any data moves.
 */
static bool
dir_in_the_way(struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];
	struct tree_at at;
	struct stat st;
	struct fault f;

	if (n->parent == NODE_NONE || !c->fl->v[n->parent].existed ||
	    tree_at(&c->tree, FLIST_DST, node, &at, &f) == -1 ||
	    fstatat(at.dir, at.name, &st, c->o->keep_dir_links ? 0 :
	    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISDIR(st.st_mode))
		return false;
	refuse(c, node, FAULT_RENAME, -EISDIR,
	    "cannot overwrite directory %s with non-directory",
	    quote(copy_path(c, node, FLIST_DST)));
	return true;
}

/*
 * Make (or find) a directory node's destination beneath its parent's
 * descriptor and record its identity: every later step checks it.  A
 * symlink there (even to a directory) or a file is never written
 * through, never replaced, as cp refuses it; --keep-directory-symlink
 * follows a symlink to a directory.  An existing one is swept of earlier
 * runs' leftovers.
 */
static void
make_dir(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	int flags = O_PATH | O_DIRECTORY | O_CLOEXEC, fd, err = 0;
	struct tree_at at;
	struct fault f;
	bool staged;

	if (!located(c, node, &at))
		return;
	if (mkdirat(at.dir, at.name, S_IRWXU) == -1)
		err = errno;
	if (err != EEXIST || !c->o->keep_dir_links)
		flags |= O_NOFOLLOW;	/* else: the symlink's directory */
	if ((err == 0 || err == EEXIST) &&
	    (fd = openat(at.dir, at.name, flags)) != -1) {
		/* a new operand directory: its copy is made beside it */
		staged = err == 0 && n->parent == NODE_NONE &&
		    stage_dir(c, node, &at, &fd);
		(void)tree_set_dst(&c->tree, node, fd);
		if (err == 0 && (staged || (n->parent != NODE_NONE &&
		    tree_in_staged(&c->tree, n->parent))))
			tree_set_staged(&c->tree, node);
		if (err == 0) {
			if (node < c->tree.ndst)	/* (fstat failed) */
				head_made(c, c->tree.dst[node].dev,
				    c->tree.dst[node].ino);
			c->st->dirs++;
			if (c->o->verbose > 0)	/* --parents lines: bare */
				fprintf(c->out, n->path_dir ? "%s -> %s\n" :
				    "'%s' -> '%s'\n",
				    copy_path(c, node, FLIST_SRC),
				    copy_path(c, node, FLIST_DST));
		} else {
			n->existed = true;
			(void)dest_sweep_at(fd, c->o->resume,
			    &c->st->discarded);
		}
		(void)close(fd);
		return;
	}
	if (err == EEXIST && (errno == ENOTDIR || errno == ELOOP)) {
		not_a_dir(c, node);
		return;
	}
	fault_setc(&f, FAULT_MKDIR, err ? err : errno);
	copy_fail(c, node, &f);
}

/* Does fd's directory have the identity *id (then it was done)? */
static bool
seen_dir(int fd, struct tree_id *id)
{
	struct stat st;

	if (fstat(fd, &st) == -1 || (st.st_dev == id->dev &&
	    st.st_ino == id->ino))
		return true;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return false;
}

/* Leftovers of earlier runs beside a top-level destination file. */
static void
sweep_parent(struct copy *c, uint32_t node, struct tree_id *last)
{
	struct tree_at at;
	struct fault f;

	if (tree_at(&c->tree, FLIST_DST, node, &at, &f) == 0 &&
	    !seen_dir(at.dir, last))
		(void)dest_sweep_at(at.dir, c->o->resume,
		    &c->st->discarded);
}

/* Is n in a directory that failed (reported once, with it)? */
static bool
under_failed(const struct copy *c, const struct node *n)
{
	return n->parent != NODE_NONE &&
	    c->fl->v[n->parent].state == NS_FAILED;
}

/* Directories first, parents before children, of the nodes not seen yet
 * up to node to; a failed one's subtree is skipped (its own failure was
 * reported). */
void
copy_make_dirs(struct copy *c, uint32_t to)
{
	struct tree_id last = { 0, 0 };
	struct node *n;
	uint32_t i;

	for (i = c->made; i < to; i++) {
		n = &c->fl->v[i];
		if (under_failed(c, n))
			n->state = NS_FAILED;
		else if (n->type == FT_DIR)
			make_dir(c, i);
		else if (n->parent == NODE_NONE)
			sweep_parent(c, i, &last);
	}
	c->made = to;
}

/* --resume's quick check, as rsync's: same size and mtime (or, when times
 * are not kept, a copy no older than the source). */
static bool
complete(const struct copy *c, const struct node *n, const struct stat *st)
{
	if (n->type != FT_REG || !S_ISREG(st->st_mode) ||
	    st->st_size != n->size)
		return false;
	if (c->o->preserve & PRESERVE_TIMES)
		return st->st_mtim.tv_sec == n->mtime.tv_sec &&
		    st->st_mtim.tv_nsec == n->mtime.tv_nsec;
	return st->st_mtim.tv_sec > n->mtime.tv_sec ||
	    (st->st_mtim.tv_sec == n->mtime.tv_sec &&
	    st->st_mtim.tv_nsec >= n->mtime.tv_nsec);
}

/*
 * node's existing destination, into *st (follow: a symlink there is
 * followed; only an operand's, the name the user gave).  0, or -1: none,
 * or none that can be reached (its directory's failure comes later).
 * Only where something can exist: operands, and directories we did not
 * make.
 */
static int
dst_stat(struct copy *c, uint32_t node, bool follow, struct stat *st)
{
	const struct node *n = &c->fl->v[node];
	struct tree_at at;
	struct fault f;

	if (n->parent != NODE_NONE && !c->fl->v[n->parent].existed)
		return -1;	/* a directory this run made is empty */
	if (tree_at(&c->tree, FLIST_DST, node, &at, &f) == -1)
		return -1;
	return fstatat(at.dir, at.name, st, follow && n->parent == NODE_NONE ?
	    0 : AT_SYMLINK_NOFOLLOW);
}

/* -n, -u and --resume: keep an existing destination?  (copyx.h) */
bool
copy_keep_existing(struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];
	struct stat st;

	if (!c->o->noclobber && !c->o->update && !c->o->resume)
		return false;
	if (dst_stat(c, node, false, &st) == -1)
		return false;
	if (c->o->noclobber)
		return true;
	if (c->o->resume && complete(c, n, &st)) {
		c->st->resumed += (uint64_t)n->size;
		return true;
	}
	if (!c->o->update)
		return false;
	return st.st_mtim.tv_sec > n->mtime.tv_sec ||
	    (st.st_mtim.tv_sec == n->mtime.tv_sec &&
	    st.st_mtim.tv_nsec >= n->mtime.tv_nsec);
}

/*
 * -i: may node's existing destination be replaced?  Asked on stderr and
 * answered on stdin (y or Y first: yes; anything else, or the end of
 * input: no) by the parent while planning, before any worker writes.
 */
static bool
declined(struct copy *c, uint32_t node)
{
	char *line = NULL;
	size_t cap = 0;
	struct stat st;
	bool no;

	/* cp asks before it looks at what is there (a directory too) */
	if (!c->o->interactive || dst_stat(c, node, false, &st) == -1)
		return false;
	progress_clear(&c->pr);
	fprintf(stderr, "%s: overwrite %s? ", program_invocation_short_name,
	    quote(copy_path(c, node, FLIST_DST)));
	(void)fflush(stderr);
	no = getline(&line, &cap, stdin) == -1 || (line[0] != 'y' &&
	    line[0] != 'Y');
	free(line);
	return no;
}

/* What a file's existing destination asks for. */
enum existing { EX_REPLACE, EX_INTO, EX_REFUSED };

/* An existing regular destination this user may not replace: said as cp
 * says it (read-only, without -f), or why not and what would do. */
static bool
refused(struct copy *c, uint32_t node)
{
	const char *dst;
	struct tree_at at;
	struct fault f;
	char *dir;

	if (geteuid() == 0 || tree_at(&c->tree, FLIST_DST, node, &at, &f) ==
	    -1)
		return false;	/* root may replace anything, as cp */
	dst = copy_path(c, node, FLIST_DST);
	if (faccessat(at.dir, at.name, W_OK, 0) == -1 && !c->o->force) {
		refuse(c, node, FAULT_CREATE, EACCES,
		    "cannot create regular file %s", quote(dst));
		return true;
	}
	if (faccessat(at.dir, ".", W_OK, 0) == 0)
		return false;
	dir = xpath_dir(dst);
	refuse(c, node, FAULT_RENAME, -EACCES, "cannot replace %s: its "
	    "directory %s is not writable (--inplace writes into the file, as "
	    "cp does)", quote(dst), quote(dir));
	free(dir);
	return true;
}

/*
 * A file's existing destination: a device or FIFO (or a symlink to one)
 * is written into, by one worker, never replaced; so is a regular file
 * with --inplace; a regular file this user may not replace is refused;
 * with --remove-destination all are replaced.  Below an operand, a
 * symlink is replaced, never followed.
 */
static enum existing
existing(struct copy *c, uint32_t node)
{
	struct stat st;

	if (c->fl->v[node].type != FT_REG || dst_stat(c, node, true, &st) ==
	    -1)
		return EX_REPLACE;
	/*
	 * --remove-destination: cp unlinks it and makes a new file; the
	 * rename over it has the same result, and the old file stays until
	 * the copy is complete.  --backup: renamed away, not written into.
	 */
	if (c->o->remove_dest || c->o->backup.kind != BACKUP_NONE)
		return EX_REPLACE;
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
	    S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
		return EX_INTO;
	/* --attributes-only: an existing file keeps its data. */
	if (S_ISREG(st.st_mode) && c->o->attributes_only)
		return EX_INTO;
	if (!S_ISREG(st.st_mode))
		return EX_REPLACE;
	if (c->o->inplace)
		return EX_INTO;
	return refused(c, node) ? EX_REFUSED : EX_REPLACE;
}

/*
 * May -s make a symlink to src at dst?  As cp: a relative src names the
 * right file only from dst's directory when that is the current one.
 */
static bool
symlink_ok(const char *src, const char *dst)
{
	struct stat here, there;
	char *dir;
	bool ok;

	if (src[0] == '/')
		return true;
	dir = xpath_dir(dst);
	ok = strcmp(dir, ".") == 0 || (stat(".", &here) == 0 &&
	    stat(dir, &there) == 0 && here.st_dev == there.st_dev &&
	    here.st_ino == there.st_ino);
	free(dir);
	return ok;
}

bool
copy_linked(int adir, const char *a, bool follow, int bdir, const char *b)
{
	struct stat sa, sb;

	return fstatat(adir, a, &sa, follow ? 0 : AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstatat(bdir, b, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * -l, -s: the parent makes the link itself (one system call, no data),
 * beside the final name and renamed over it: an existing destination is
 * refused as cp refuses it (File exists), or replaced with -f or
 * --remove-destination.  -l links to what a followed symlink names.
 */
static void
link_entry(struct copy *c, uint32_t node)
{
	bool hard = c->o->link_instead == LINK_HARD;
	bool backup = c->o->backup.kind != BACKUP_NONE;
	const struct node *n = &c->fl->v[node];
	/* cp unlinks first when it does not follow and the source is not a
	 * regular file (-dl of a symlink onto a symlink): replaced too. */
	bool replace = c->o->force || c->o->remove_dest || backup ||
	    (!walk_follows(c->o, n->parent == NODE_NONE) && n->type != FT_REG);
	const char *from = copy_path(c, node, FLIST_SRC);
	char tmp[NAME_MAX + 1];
	struct tree_at src, dst;
	struct fault f;
	int rv;

	if (!hard && !symlink_ok(from, copy_path(c, node, FLIST_DST))) {
		refuse(c, node, FAULT_LINK, 0, "%s: can make relative symbolic "
		    "links only in current directory",
		    copy_path(c, node, FLIST_DST));
		return;
	}
	if (tree_at(&c->tree, FLIST_SRC, node, &src, &f) == -1 ||
	    tree_at(&c->tree, FLIST_DST, node, &dst, &f) == -1) {
		copy_fail(c, node, &f);
		return;
	}
	if (whole_tmpname(&c->wc, node, dst.name, tmp) == -1) {
		fault_set(&f, FAULT_PATH);
		copy_fail(c, node, &f);
		return;
	}
	if (hard && copy_linked(src.dir, src.name, walk_follows(c->o,
	    n->parent == NODE_NONE), dst.dir, dst.name)) {
		copy_done(c, node, 0);	/* rename(2) would keep both names */
		return;
	}
	rv = hard ? linkat(src.dir, src.name, dst.dir, tmp, walk_follows(c->o,
	    n->parent == NODE_NONE) ? AT_SYMLINK_FOLLOW : 0) :
	    symlinkat(from, dst.dir, tmp);
	if (rv == 0 && backup && (rv = backup_commit(dst.dir, tmp, dst.name,
	    false, &c->o->backup, &f)) >= 0) {
		c->fl->v[node].backed = rv == BACKUP_MADE;
		copy_done(c, node, 0);
		return;
	}
	if (rv == 0 && !backup && (replace ? renameat(dst.dir, tmp, dst.dir,
	    dst.name) : dest_rename_noreplace(dst.dir, tmp, dst.dir,
	    dst.name)) == 0) {
		copy_done(c, node, 0);
		return;
	}
	rv = errno;
	(void)unlinkat(dst.dir, tmp, 0);
	refuse(c, node, FAULT_LINK, rv, "cannot create %s link %s to %s", hard ?
	    "hard" : "symbolic", quote(copy_path(c, node, FLIST_DST)),
	    quote(copy_path(c, node, FLIST_SRC)));
}

/* A split file's last range reported: in place, kept, or failed. */
static void
finish_split(struct copy *c, uint32_t node)
{
	struct fault f;
	int kept;

	if ((kept = part_finish(c, node, &f)) == -1)
		copy_fail(c, node, &f);
	else
		copy_done(c, node, kept);
}

/* A file larger than the chunk: ranges into its part file. */
static void
split(struct copy *c, uint32_t node, off_t chunk)
{
	struct fault f;

	if (part_plan(c, node, chunk, &f) == -1)
		copy_fail(c, node, &f);
	else if (c->fl->v[node].pending == 0)
		finish_split(c, node);		/* all hole, or resumed */
}

/* Plan pending non-directory node i: a task, or settled here (kept,
 * declined, refused, linked); a regular file larger than chunk is split. */
void
copy_plan_node(struct copy *c, uint32_t i, off_t chunk)
{
	struct node *n = &c->fl->v[i];

	if (n->link != NODE_NONE) {	/* linked after the copies */
		if (declined(c, i)) {
			n->state = NS_SKIPPED;
			c->st->skipped++;
		} else
			(void)dir_in_the_way(c, i);
		return;
	}
	if (copy_keep_existing(c, i) || declined(c, i)) {
		n->state = NS_SKIPPED;
		c->st->skipped++;
		return;
	}
	if (dir_in_the_way(c, i))
		return;
	c->pr.nfiles++;
	if (c->o->link_instead) {
		link_entry(c, i);
		return;
	}
	switch (existing(c, i)) {
	case EX_REFUSED:		/* said by refused() */
		return;
	case EX_INTO:
		n->inplace = true;
		break;
	case EX_REPLACE:
		break;
	}
	if (n->inplace) {
		if (plan_add_whole(&c->plan, i, n->size) == -1)
			err(1, "plan");
	} else if (n->type == FT_REG && n->size > chunk &&
	    !c->o->attributes_only) {
		split(c, i, chunk);
	} else if (plan_add_whole(&c->plan, i, n->size) == -1)
		err(1, "plan");
}

/* Plan every pending non-directory.  Returns a signal that stopped it. */
static int
plan_all(struct copy *c)
{
	struct node *n;
	off_t total = 0, chunk;
	uint32_t i;
	int sig;

	for (i = 0; i < c->fl->n; i++)
		if (c->fl->v[i].type == FT_REG)
			total += c->fl->v[i].size;
	chunk = plan_chunk(total, c->o->jobs, c->o->chunk);
	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if ((sig = sig_caught()) != 0)
			return sig;
		if (n->state == NS_PENDING && n->type != FT_DIR)
			copy_plan_node(c, i, chunk);
	}
	c->st->chunk = chunk;
	return 0;
}

int
copy_task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	struct copy *c = arg;
	const struct range *r;

	if (i >= c->plan.nranges)
		return later_task(c, i, eb, f, out);
	r = &c->plan.ranges[i];
	if (r->whole)
		return whole_copy(&c->wc, r->file, eb, f, out);
	return part_range(c, r, eb, f);
}

static void
whole_done(struct copy *c, const struct result *res,
    const struct work_out *wo, uint32_t node)
{
	char tmp[NAME_MAX + 1];
	struct tree_at at;
	struct fault f;

	if (res->fault.op == FAULT_NONE) {
		c->fl->v[node].engine = (uint8_t)(res->rv & 0xff);
		if (res->rv & WHOLE_HASHED)
			manifest_set(&c->man, node, wo->out);
		c->fl->v[node].backed = (res->rv & WHOLE_BACKED) != 0;
		copy_done(c, node, res->rv & WHOLE_KEPT);
		return;
	}
	/* A worker that died may have left its temp file, or in a staged
	 * tree (where nothing else writes) the file under its name. */
	if (tree_at(&c->tree, FLIST_DST, node, &at, &f) == 0 &&
	    whole_tmpname(&c->wc, node, at.name, tmp) == 0)
		(void)unlinkat(at.dir, tmp, 0);
	if (c->fl->v[node].type == FT_REG && c->fl->v[node].parent !=
	    NODE_NONE && tree_in_staged(&c->tree, c->fl->v[node].parent) &&
	    tree_at(&c->tree, FLIST_DST, node, &at, &f) == 0)
		(void)unlinkat(at.dir, at.name, 0);
	copy_fail(c, node, &res->fault);
}

/* Parent side: account for one task. */
static void
result(void *arg, const struct result *res, const struct work_out *wo)
{
	struct copy *c = arg;
	const struct range *r;
	struct node *n;
	struct fault f;

	if (res->task >= c->plan.nranges) {
		later_done(c, res, wo);
		return;
	}
	r = &c->plan.ranges[res->task];
	n = &c->fl->v[r->file];
	notice_tally(c, r->file, &wo->tally);	/* --verify's repairs */
	if (c->o->verbose > 1 && res->fault.op == FAULT_NONE)
		fprintf(c->out, "worker %u: '%s' [%jd, %jd)\n", res->worker,
		    copy_path(c, r->file, FLIST_SRC), (intmax_t)r->off,
		    (intmax_t)(r->off + r->len));
	if (r->whole) {
		whole_done(c, res, wo, r->file);
		return;
	}
	if (res->fault.op != FAULT_NONE && n->fault.op == FAULT_NONE)
		n->fault = res->fault;
	else if (res->fault.op == FAULT_NONE) {
		n->engine = (uint8_t)res->rv;
		if (part_record(c, r, &f) == -1 && n->fault.op == FAULT_NONE)
			n->fault = f;
	}
	/* Done: any worker finishes it (a failed one, the parent). */
	if (--n->pending == 0 && n->fault.op == FAULT_NONE)
		work_ready(&c->work, later_id(c, r->file));
	else if (n->pending == 0)
		finish_split(c, r->file);
}

/* --fsync: the directories holding top-level destination files. */
static void
sync_parents(struct copy *c)
{
	struct tree_id last = { 0, 0 };
	struct tree_at at;
	struct fault f;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++) {
		if (c->fl->v[i].parent != NODE_NONE ||
		    c->fl->v[i].state != NS_DONE ||
		    tree_at(&c->tree, FLIST_DST, i, &at, &f) == -1 ||
		    seen_dir(at.dir, &last))
			continue;
		if (dest_sync_at(at.dir, &f) == -1)
			copy_fail(c, i, &f);
	}
}

/* Parent side: the workers' byte count, every PROGRESS_TICK_MS. */
static void
tick(void *arg, uint64_t bytes)
{
	struct copy *c = arg;

	c->st->written = bytes;
	progress_update(&c->pr, bytes);
}

/* The executor's job: the plan's batches of ranges, as the options say,
 * and the later tasks. */
static int
job_init(struct copy *c, struct exec_job *job)
{
	later_plan(c);
	return copy_job(c, job, c->st->chunk);
}

/* Start large pieces' write-out as they finish (writeout.h)?  Not where
 * the data is written out anyway (--fsync, --nocache) or never dirties
 * the page cache (--direct); only when the kernel would start during the
 * copy (then the disk works from the first file, not from 10% of RAM). */
static bool
early(const struct copy *c)
{
	struct writeout_mem m;

	return !c->o->fsync && !c->o->nocache && !c->o->direct &&
	    writeout_mem_read(&m) == 0 &&
	    writeout_wanted(&m, plan_bytes(&c->plan));
}

int
copy_job(struct copy *c, struct exec_job *job, off_t chunk)
{
	work_init(&c->work, c->o, c);
	c->work.how.early = early(c);
	c->work.task = copy_task;
	c->work.done = result;
	c->work.tick = tick;
	work_job(job, &c->work, c->o, c->plan.nranges, c->st->lane_bytes);
	job->nlater = c->nlater;
	job->ready = c->ready0;
	job->nready = c->nready0;
	job->driver = "copy";
	job->ctx = c;
	return work_batches(job, &c->plan, c->o, chunk);
}

/*
 * --dry-run: say (and count) what node's copy would do, as a line on the
 * -v stream ("would ACTION 'SRC' -> 'DST' (N bytes)") and, with --json,
 * an entry of st->would.
 */
static void
would(struct copy *c, uint32_t node, const char *action)
{
	const struct node *n = &c->fl->v[node];
	bool data = n->type == FT_REG && n->link == NODE_NONE &&
	    (strcmp(action, "copy") == 0 || strcmp(action, "replace") == 0 ||
	    strcmp(action, "write into") == 0);
	uint64_t bytes = data ? (uint64_t)n->size : 0;
	struct copy_stats *st = c->st;
	struct copy_would *w;
	char *src = xstrdup(copy_path(c, node, FLIST_SRC));

	fprintf(c->out, "would %s %s -> %s", action, quote(src),
	    quote(copy_path(c, node, FLIST_DST)));
	if (data)
		fprintf(c->out, " (%ju bytes)", (uintmax_t)bytes);
	fprintf(c->out, "\n");
	if (strcmp(action, "keep") == 0)
		st->skipped++;
	else if (strcmp(action, "make directory") == 0)
		st->dirs++;
	else {
		st->files++;
		st->bytes += bytes;
	}
	if (!c->o->json) {
		free(src);
		return;
	}
	st->would = xreallocarray(st->would, st->nwould + 1,
	    sizeof(*st->would));
	w = &st->would[st->nwould++];
	w->action = action;
	w->src = src;
	w->dst = xstrdup(copy_path(c, node, FLIST_DST));
	w->bytes = bytes;
}

/* --dry-run: a directory is made, or found (then its contents may
 * exist), or refused as make_dir refuses it. */
static void
dry_dir(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	struct stat st;

	if (dst_stat(c, node, c->o->keep_dir_links, &st) == -1)
		would(c, node, "make directory");
	else if (S_ISDIR(st.st_mode))
		n->existed = true;
	else if (!S_ISLNK(st.st_mode) || !c->o->keep_dir_links)
		not_a_dir(c, node);
}

/* --dry-run: what run() would do to each entry, with nothing written:
 * the same decisions (-n, -u, --resume, existing destinations). */
static int
dry_run(struct copy *c)
{
	struct stat st;
	struct node *n;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if (under_failed(c, n))
			n->state = NS_FAILED;
		else if (n->type == FT_DIR)
			dry_dir(c, i);
		else if (n->link != NODE_NONE)
			would(c, i, "link");
		else if (copy_keep_existing(c, i))
			would(c, i, "keep");
		else if (c->o->link_instead)
			would(c, i, c->o->link_instead == LINK_HARD ?
			    "hard link" : "symlink");
		else switch (existing(c, i)) {
		case EX_REFUSED:		/* said by refused() */
			break;
		case EX_INTO:
			would(c, i, "write into");
			break;
		case EX_REPLACE:
			would(c, i, dst_stat(c, i, false, &st) == 0 ?
			    "replace" : "copy");
			break;
		}
	}
	return c->status;
}

/* Plan and run; the status, or 128 + a signal that stopped the run (split
 * files keep their part and journal: --resume finishes them). */
static int
run(struct copy *c)
{
	struct exec_job job;
	int sig;

	copy_make_dirs(c, (uint32_t)c->fl->n);
	if ((sig = sig_caught()) != 0 || (sig = plan_all(c)) != 0)
		return 128 + sig;
	work_order(&c->plan, c->o, c->st->chunk);
	c->st->ranges += c->plan.nranges;
	progress_start(&c->pr, c->o->progress, plan_bytes(&c->plan),
	    c->pr.nfiles);
	if (job_init(c, &job) == -1)
		err(1, "plan");
	c->running = true;
	sig = exec_run(&job);
	c->running = false;
	if (sig != 0)
		return 128 + sig;
	make_links(c);		/* whatever no later task did */
	finish_dirs(c);
	if (c->o->fsync)
		sync_parents(c);
	if (c->o->manifest != NULL && c->status != 3 && manifest_write(&c->man,
	    c->fl, c->o->manifest) != 0 && c->status == 0)
		c->status = 1;
	return c->status;
}

struct copy *
copy_begin(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	struct copy *c;

	memset(st, 0, sizeof(*st));
	c = xcalloc(1, sizeof(*c));
	c->o = o;
	c->fl = fl;
	c->st = st;
	c->out = o->json ? stderr : stdout;
	c->wc.fl = fl;
	c->wc.o = o;
	c->wc.tree = &c->tree;
	c->wc.owner = getpid();
	dest_token(c->wc.token);
	tree_init(&c->tree, fl, o->deref == DEREF_ALWAYS,
	    o->keep_dir_links);
	c->wc.umask = umask(0);
	(void)umask(c->wc.umask);
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	raise_nofile();
	head_init(c);
	return c;
}

int
copy_end(struct copy *c, bool go)
{
	const struct opts *o = c->o;
	struct copy_stats *st = c->st;
	unsigned i;
	int rv;

	if ((rv = head_end(c)) == 0 && go) {
		if (o->manifest != NULL)
			manifest_init(&c->man, c->fl->n);
		rv = o->dry_run ? dry_run(c) : run(c);
	}
	if (stage_place(c) != 0 && rv == 0)	/* finished or stopped */
		rv = 1;
	if (rv >= 128)
		notice_kept(c);		/* for main's one line */
	part_release(c);		/* kept parts: unlocked for --resume */
	for (i = 0, st->written = 0; i < o->jobs; i++)
		st->written += st->lane_bytes[i];
	if (rv < 128)
		progress_end(&c->pr, c->pr.errors == 0);
	else
		progress_clear(&c->pr);
	plan_free(&c->plan);
	manifest_free(&c->man);
	free(c->eb.buf);
	free(c->held);
	later_free(c);
	head_free(c);
	stage_free(c);
	tree_free(&c->tree);
	free(c->path[0]);
	free(c->path[1]);
	free(c);
	return rv;
}

int
copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	return copy_end(copy_begin(o, fl, st), true);
}

void
copy_stats_free(struct copy_stats *st)
{
	size_t i;

	for (i = 0; i < st->nerrors; i++)
		free(st->errors[i].path);
	free(st->errors);
	for (i = 0; i < st->nwould; i++) {
		free(st->would[i].src);
		free(st->would[i].dst);
	}
	free(st->would);
	free(st->lane_bytes);
	memset(st, 0, sizeof(*st));
}
