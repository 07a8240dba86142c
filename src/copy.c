/*
 * Copying: the one place that knows entries, tasks and their order.
 *
 *  dirs    every directory is made first, in walk order (parents first),
 *          owner-writable so that read-only sources can be filled;
 *  plan    one chunk size for the run (from the total, so many files are
 *          not split needlessly); a regular file larger than it is split:
 *          the parent creates and sizes its part file and its journal and
 *          plans its data extents as ranges (with --resume, only those the
 *          journal does not list); everything else is one whole-entry task
 *          that a worker finishes alone (whole.c);
 *  run     pool_run executes the tasks, largest first;
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
#include "manifest.h"
#include "meta.h"
#include "notice.h"
#include "plan.h"
#include "pool.h"
#include "progress.h"
#include "quote.h"
#include "sig.h"
#include "util.h"
#include "walk.h"
#include "whole.h"

int
copy_tmpnames(const struct copy *c, uint32_t node, const char *dst, char *tmp,
    char *jnl)
{
	if (!c->fl->v[node].split)
		return dest_tmpname(dst, c->wc.owner, node, tmp, PATH_MAX);
	if (dest_partname(dst, "part", tmp, PATH_MAX) == -1)
		return -1;
	return jnl == NULL ? 0 : dest_partname(dst, "jnl", jnl, PATH_MAX);
}

int
copy_paths(struct copy *c, uint32_t node, struct fault *f)
{
	if (flist_path(c->fl, node, FLIST_SRC, c->src, sizeof(c->src)) ==
	    -1 || flist_path(c->fl, node, FLIST_DST, c->dst,
	    sizeof(c->dst)) == -1 || copy_tmpnames(c, node, c->dst, c->tmp,
	    c->jnl) == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	return 0;
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
	struct fault pf;
	char why[256];

	const char *path;

	c->fl->v[node].state = NS_FAILED;
	c->st->failed++;
	c->pr.errors++;
	if (f->op == FAULT_INTR)
		return;		/* the exit status says it all */
	if (f->op == FAULT_VERIFY)
		c->status = 3;
	else if (c->status == 0)
		c->status = 1;
	if (copy_paths(c, node, &pf) == -1)
		(void)snprintf(c->dst, sizeof(c->dst), "%s",
		    flist_name(c->fl, node));
	path = fault_is_dst(f->op) ? c->dst : c->src;
	progress_clear(&c->pr);
	if (f->op == FAULT_CLONE)	/* cp --reflink=always's words */
		warnx("failed to clone %s from %s: %s", quote(c->dst),
		    quote(c->src), strerror(f->err));
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
	char bak[PATH_MAX];
	struct fault f;

	n->state = kept ? NS_SKIPPED : NS_DONE;
	c->pr.files++;
	if (kept) {
		c->st->skipped++;
		return;
	}
	c->st->files++;
	if (n->type == FT_REG) {
		c->st->bytes += (uint64_t)n->size;
		c->st->engines |= 1u << n->engine;
	}
	if (c->o->verbose == 0 || copy_paths(c, node, &f) == -1)
		return;
	progress_clear(&c->pr);
	fprintf(c->out, "'%s' -> '%s'", c->src, c->dst);
	/* The backup made last: a numbered one is the highest now there. */
	if (n->backed && backup_name(c->dst, &c->o->backup, true, bak,
	    sizeof(bak)) == 0)
		fprintf(c->out, " (backup: '%s')", bak);
	fprintf(c->out, "\n");
	if (c->o->debug && n->type == FT_REG)
		debug_line(c, n);
}

/*
 * node failed in the parent (-l, -s), said in cp's words; err is its
 * errno, or 0.
 */
static void __attribute__((format(printf, 4, 5)))
link_fail(struct copy *c, uint32_t node, int err, const char *fmt, ...)
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
	if (err != 0)
		warnx("%s: %s", msg, strerror(err));
	else
		warnx("%s", msg);
	fault_setc(&f, FAULT_LINK, err);
	note_error(c, c->dst, &f);
}

static void
make_dir(struct copy *c, uint32_t node)
{
	struct node *n = &c->fl->v[node];
	struct stat st;
	struct fault f;
	int err;

	if (copy_paths(c, node, &f) == -1) {
		copy_fail(c, node, &f);
		return;
	}
	if (mkdir(c->dst, S_IRWXU) == 0) {
		c->st->dirs++;
		if (c->o->verbose > 0)	/* cp's --parents lines are bare */
			fprintf(c->out, n->path_dir ? "%s -> %s\n" :
			    "'%s' -> '%s'\n", c->src, c->dst);
		return;
	}
	err = errno;
	/* --keep-directory-symlink: a symlink to a directory is followed. */
	if (err == EEXIST && (c->o->keep_dir_links ? stat(c->dst, &st) :
	    lstat(c->dst, &st)) == 0 && S_ISDIR(st.st_mode)) {
		n->existed = true;
		(void)dest_sweep(c->dst, c->o->resume, &c->st->discarded);
		return;
	}
	if (err == EEXIST) {
		/* A symlink (even to a directory) or a file: never written
		 * through, never replaced, as cp refuses it. */
		n->state = NS_FAILED;
		c->st->failed++;
		c->pr.errors++;
		if (c->status == 0)
			c->status = 1;
		progress_clear(&c->pr);
		warnx("cannot overwrite non-directory %s with directory %s",
		    quote(c->dst), quote(c->src));
		fault_setc(&f, FAULT_MKDIR, ENOTDIR);
		note_error(c, c->dst, &f);
		return;
	}
	fault_setc(&f, FAULT_MKDIR, err);
	copy_fail(c, node, &f);
}

/* Leftovers of earlier runs beside a top-level destination file. */
static void
sweep_parent(struct copy *c, uint32_t node, char *last)
{
	char *dir;
	struct fault f;

	if (copy_paths(c, node, &f) == -1)
		return;
	dir = xpath_dir(c->dst);
	if (strcmp(dir, last) != 0 && strlen(dir) < PATH_MAX) {
		(void)dest_sweep(dir, c->o->resume, &c->st->discarded);
		(void)snprintf(last, PATH_MAX, "%s", dir);
	}
	free(dir);
}

/* Directories first, parents before children; a failed one's subtree is
 * skipped (its own failure was reported).  Existing directories are swept
 * of earlier runs' leftovers. */
static void
make_dirs(struct copy *c)
{
	char last[PATH_MAX] = "";
	struct node *n;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if (n->parent != NODE_NONE &&
		    c->fl->v[n->parent].state == NS_FAILED)
			n->state = NS_FAILED;
		else if (n->type == FT_DIR)
			make_dir(c, i);
		else if (n->parent == NODE_NONE)
			sweep_parent(c, i, last);
	}
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

/* -n, -u and --resume: keep an existing destination? */
static bool
keep_existing(struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];
	struct stat st;
	struct fault f;

	if (!c->o->noclobber && !c->o->update && !c->o->resume)
		return false;
	if (n->parent != NODE_NONE && !c->fl->v[n->parent].existed)
		return false;	/* a directory this run made is empty */
	if (copy_paths(c, node, &f) == -1 || lstat(c->dst, &st) == -1)
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
	const struct node *n = &c->fl->v[node];
	char *line = NULL;
	size_t cap = 0;
	struct stat st;
	struct fault f;
	bool no;

	if (!c->o->interactive || (n->parent != NODE_NONE &&
	    !c->fl->v[n->parent].existed) || copy_paths(c, node, &f) == -1 ||
	    lstat(c->dst, &st) == -1 || S_ISDIR(st.st_mode))
		return false;
	progress_clear(&c->pr);
	fprintf(stderr, "%s: overwrite %s? ", program_invocation_short_name,
	    quote(c->dst));
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
refused(struct copy *c)
{
	char *dir;
	bool bad = false;

	if (geteuid() == 0)
		return false;	/* root may replace anything, as cp */
	if (access(c->dst, W_OK) == -1 && !c->o->force) {
		warnx("cannot create regular file %s: %s", quote(c->dst),
		    strerror(EACCES));
		bad = true;
	} else if (access(dir = xpath_dir(c->dst), W_OK) == -1) {
		warnx("cannot replace %s: its directory %s is not writable "
		    "(--inplace writes into the file, as cp does)",
		    quote(c->dst), quote(dir));
		bad = true;
		free(dir);
	} else
		free(dir);
	return bad;
}

/*
 * A file's existing destination: a device or FIFO (or a symlink to one)
 * is written into, by one worker, never replaced; so is a regular file
 * with --inplace; a regular file this user may not replace is refused;
 * with --remove-destination all are replaced.
 * Only where something can exist: operands, and directories we did not
 * make.
 */
static enum existing
existing(struct copy *c, uint32_t node)
{
	const struct node *n = &c->fl->v[node];
	struct stat st;
	struct fault f;

	if (n->type != FT_REG || (n->parent != NODE_NONE &&
	    !c->fl->v[n->parent].existed) || copy_paths(c, node, &f) == -1 ||
	    stat(c->dst, &st) == -1)
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
	return refused(c) ? EX_REFUSED : EX_REPLACE;
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
	bool replace = c->o->force || c->o->remove_dest || backup;
	const struct node *n = &c->fl->v[node];
	struct fault f;
	int rv;

	if (copy_paths(c, node, &f) == -1) {
		copy_fail(c, node, &f);
		return;
	}
	if (!hard && !symlink_ok(c->src, c->dst)) {
		link_fail(c, node, 0, "%s: can make relative symbolic links "
		    "only in current directory", c->dst);
		return;
	}
	(void)unlink(c->tmp);
	rv = hard ? linkat(AT_FDCWD, c->src, AT_FDCWD, c->tmp,
	    walk_follows(c->o, n->parent == NODE_NONE) ? AT_SYMLINK_FOLLOW :
	    0) : symlink(c->src, c->tmp);
	if (rv == 0 && backup && (rv = backup_commit(c->tmp, c->dst, false,
	    &c->o->backup, &f)) >= 0) {
		c->fl->v[node].backed = rv == BACKUP_MADE;
		copy_done(c, node, 0);
		return;
	}
	if (rv == 0 && !backup && (replace ? rename(c->tmp, c->dst) :
	    renameat2(AT_FDCWD, c->tmp, AT_FDCWD, c->dst, RENAME_NOREPLACE)) ==
	    0) {
		copy_done(c, node, 0);
		return;
	}
	rv = errno;
	(void)unlink(c->tmp);
	link_fail(c, node, rv, "cannot create %s link %s to %s", hard ?
	    "hard" : "symbolic", quote(c->dst), quote(c->src));
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
		if (n->state != NS_PENDING || n->type == FT_DIR)
			continue;
		if (n->link != NODE_NONE) {	/* linked after the copies */
			if (declined(c, i)) {
				n->state = NS_SKIPPED;
				c->st->skipped++;
			}
			continue;
		}
		if (keep_existing(c, i) || declined(c, i)) {
			n->state = NS_SKIPPED;
			c->st->skipped++;
			continue;
		}
		c->pr.nfiles++;
		if (c->o->link_instead) {
			link_entry(c, i);
			continue;
		}
		switch (existing(c, i)) {
		case EX_REFUSED:
			n->state = NS_FAILED;
			c->st->failed++;
			c->pr.errors++;
			if (c->status == 0)
				c->status = 1;
			continue;
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
			part_plan(c, i, chunk);
			if (n->state == NS_PENDING && n->pending == 0)
				part_finish(c, i);	/* hole, or resumed */
		} else if (plan_add_whole(&c->plan, i, n->size) == -1)
			err(1, "plan");
	}
	c->st->chunk = chunk;
	return 0;
}

/* Worker side: run task i.  Worker-safe: no output, no exit. */
static int
task(void *arg, uint64_t i, const struct engine_buf *eb, struct fault *f,
    unsigned char *out)
{
	struct copy *c = arg;
	const struct range *r = &c->plan.ranges[i];

	if (r->whole)
		return whole_copy(&c->wc, r->file, eb, f, out);
	return part_range(c, r, eb, f);
}

static void
whole_done(struct copy *c, const struct result *res, uint32_t node)
{
	struct fault f;

	if (res->fault.op == FAULT_NONE) {
		c->fl->v[node].engine = (uint8_t)(res->rv & 0xff);
		if (res->rv & WHOLE_HASHED)
			manifest_set(&c->man, node, res->out);
		c->fl->v[node].backed = (res->rv & WHOLE_BACKED) != 0;
		copy_done(c, node, res->rv & WHOLE_KEPT);
		return;
	}
	/* A worker that died may have left its temp file. */
	if (copy_paths(c, node, &f) == 0)
		(void)unlink(c->tmp);
	copy_fail(c, node, &res->fault);
}

/* Parent side: account for one task. */
static void
result(void *arg, const struct result *res)
{
	struct copy *c = arg;
	const struct range *r = &c->plan.ranges[res->task];
	struct node *n = &c->fl->v[r->file];
	struct fault f;

	notice_tally(c, r->file, &res->tally);	/* --verify's repairs */
	if (c->o->verbose > 1 && res->fault.op == FAULT_NONE &&
	    copy_paths(c, r->file, &f) == 0)
		fprintf(c->out, "worker %u: '%s' [%jd, %jd)\n", res->worker,
		    c->src, (intmax_t)r->off, (intmax_t)(r->off + r->len));
	if (r->whole) {
		whole_done(c, res, r->file);
		return;
	}
	if (res->fault.op != FAULT_NONE && n->fault.op == FAULT_NONE)
		n->fault = res->fault;
	else if (res->fault.op == FAULT_NONE)
		n->engine = (uint8_t)res->rv;
	if (--n->pending == 0)
		part_finish(c, r->file);
}

/* Later names of a hard-link group: links to the first copy. */
static void
make_links(struct copy *c)
{
	char first[PATH_MAX];
	struct node *n;
	struct fault f;
	uint32_t i;
	int kept;

	for (i = 0; i < c->fl->n; i++) {
		n = &c->fl->v[i];
		if (n->link == NODE_NONE || n->state != NS_PENDING)
			continue;
		if (c->fl->v[n->link].state == NS_FAILED) {
			n->state = NS_FAILED;	/* reported with the first */
			continue;
		}
		/* The first was kept (-n, -u, --resume: an existing copy):
		 * a missing name of its group links to that copy, as cp. */
		if (c->fl->v[n->link].state == NS_SKIPPED &&
		    keep_existing(c, i)) {
			n->state = NS_SKIPPED;
			c->st->skipped++;
			continue;
		}
		if (flist_path(c->fl, n->link, FLIST_DST, first,
		    sizeof(first)) == -1 || copy_paths(c, i, &f) == -1) {
			fault_set(&f, FAULT_PATH);
			copy_fail(c, i, &f);
			continue;
		}
		(void)unlink(c->tmp);
		if (link(first, c->tmp) == -1) {
			fault_set(&f, FAULT_LINK);
			copy_fail(c, i, &f);
		} else if ((kept = backup_commit(c->tmp, c->dst,
		    c->o->noclobber, &c->o->backup, &f)) == -1) {
			(void)unlink(c->tmp);
			copy_fail(c, i, &f);
		} else {
			manifest_copy(&c->man, i, n->link);
			n->backed = kept == BACKUP_MADE;
			copy_done(c, i, kept == 1);
		}
	}
}

/* Directory metadata, deepest first: after their contents. */
static void
finish_dirs(struct copy *c)
{
	struct meta_src ms = { -1, NULL, false };
	struct node *n;
	struct fault f;
	uint32_t i;

	for (i = (uint32_t)c->fl->n; i-- > 0;) {
		n = &c->fl->v[i];
		if (n->type != FT_DIR || n->state == NS_FAILED)
			continue;
		ms.path = c->src;
		ms.follow = walk_follows(c->o, n->parent == NODE_NONE);
		if (copy_paths(c, i, &f) == -1 ||
		    meta_apply_src(-1, c->dst, &ms, n, c->o, c->wc.umask, &f) ==
		    -1 || (c->o->fsync && dest_sync_dir(c->dst, &f) == -1))
			copy_fail(c, i, &f);
		else
			n->state = NS_DONE;
	}
}

/* --fsync: the directories holding top-level destination files. */
static void
sync_parents(struct copy *c)
{
	char last[PATH_MAX] = "", *dir;
	struct fault f;
	uint32_t i;

	for (i = 0; i < c->fl->n; i++) {
		if (c->fl->v[i].parent != NODE_NONE ||
		    c->fl->v[i].state != NS_DONE || copy_paths(c, i, &f) == -1)
			continue;
		dir = xpath_dir(c->dst);
		if (strcmp(dir, last) != 0 && strlen(dir) < PATH_MAX) {
			if (dest_sync_dir(dir, &f) == -1)
				copy_fail(c, i, &f);
			(void)snprintf(last, sizeof(last), "%s", dir);
		}
		free(dir);
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

void
copy_job(struct pool_job *job, const struct opts *o, void *arg,
    uint64_t *lane_bytes)
{
	memset(job, 0, sizeof(*job));
	job->mode = o->mode;
	job->jobs = o->jobs;
	job->bufsz = o->bufsz;
	job->how.holes = o->sparse == SPARSE_ALWAYS;
	job->how.kind = o->engine;
	job->how.direct = o->direct;
	job->how.nocache = o->nocache;
	job->how.shared = o->jobs > 1;	/* ranges of one file at once */
	job->how.verify = o->verify;
	job->how.durable = o->fsync;
	job->how.clone_only = o->reflink == REFLINK_ALWAYS;
	job->how.no_clone = o->reflink == REFLINK_NEVER;
	job->tick_ms = PROGRESS_TICK_MS;
	job->arg = arg;
	job->lane_bytes = lane_bytes;
}

static void
job_init(struct copy *c, struct pool_job *job)
{
	copy_job(job, c->o, c, c->st->lane_bytes);
	job->ntasks = c->plan.nranges;
	job->task = task;
	job->result = result;
	job->tick = tick;
}

/* Plan and run; the status, or 128 + a signal that stopped the run (split
 * files keep their part and journal: --resume finishes them). */
static int
run(struct copy *c)
{
	struct pool_job job;
	int sig;

	make_dirs(c);
	if ((sig = sig_caught()) != 0 || (sig = plan_all(c)) != 0)
		return 128 + sig;
	plan_sort(&c->plan);
	c->st->ranges = c->plan.nranges;
	progress_start(&c->pr, c->o->progress, plan_bytes(&c->plan),
	    c->pr.nfiles);
	job_init(c, &job);
	if ((sig = pool_run(&job)) != 0)
		return 128 + sig;
	make_links(c);
	finish_dirs(c);
	if (c->o->fsync)
		sync_parents(c);
	if (c->o->manifest != NULL && c->status != 3 && manifest_write(&c->man,
	    c->fl, c->o->manifest) != 0 && c->status == 0)
		c->status = 1;
	return c->status;
}

int
copy_run(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	struct copy *c;
	unsigned i;
	int rv;

	memset(st, 0, sizeof(*st));
	c = xcalloc(1, sizeof(*c));
	c->o = o;
	c->fl = fl;
	c->st = st;
	c->out = o->json ? stderr : stdout;
	c->wc.fl = fl;
	c->wc.o = o;
	c->wc.owner = getpid();
	c->wc.umask = umask(0);
	(void)umask(c->wc.umask);
	st->lane_bytes = xcalloc(o->jobs, sizeof(*st->lane_bytes));
	if (o->manifest != NULL)
		manifest_init(&c->man, fl->n);
	raise_nofile();
	rv = run(c);
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
	free(c);
	return rv;
}

void
copy_stats_free(struct copy_stats *st)
{
	size_t i;

	for (i = 0; i < st->nerrors; i++)
		free(st->errors[i].path);
	free(st->errors);
	free(st->lane_bytes);
	memset(st, 0, sizeof(*st));
}
