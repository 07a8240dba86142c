/*
 * An operand's existing destination, decided before anything is copied,
 * with cp's rules and in cp's words.
 *
 * Which destination: a file copied as a regular file may be written
 * through a symlink, so the destination is stat'ed through it; anything
 * else (a symlink, a device recreated, -l, -s, --backup,
 * --remove-destination) replaces the name itself, so it is lstat'ed.  A
 * symlink that cannot be resolved is a failure ("cannot stat"), except a
 * loop with -f, which is replaced, and a dangling one, which cp does not
 * write through (POSIXLY_CORRECT: it does, creating the target).
 *
 * The same file under two names is refused unless the copy cannot harm
 * it: a name that is replaced (a symlink with --remove-destination, two
 * distinct symlinks copied as symlinks, a backup made first), or a hard
 * link of a file to itself (nothing to do).  cp -f -b F F copies F to its
 * backup name.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "clash.h"
#include "compat.h"
#include "quote.h"
#include "util.h"
#include "walk.h"

/* One operand and its destination, as cp looked at them. */
struct pair {
	const char	*src, *dst;
	const struct stat *ss;		/* src, followed as the walk follows */
	const struct stat *ds;		/* dst, lstat'ed or stat'ed */
	bool		 never;		/* symlinks are not followed (-P) */
	bool		 hard;		/* -l */
	bool		 symbolic;	/* -s */
	bool		 backup;	/* --backup */
	bool		 unlink_first;	/* --remove-destination */
};

static bool
same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Are a and b one directory entry: the same name in the same directory? */
static bool
same_entry(const char *a, const char *b)
{
	char *ba = xpath_base(a), *bb = xpath_base(b), *da, *db;
	struct stat sa, sb;
	bool same = strcmp(ba, bb) == 0;

	if (same) {
		da = xpath_dir(a);
		db = xpath_dir(b);
		same = stat(da, &sa) == 0 && stat(db, &sb) == 0 &&
		    same_inode(&sa, &sb);
		free(da);
		free(db);
	}
	free(ba);
	free(bb);
	return same;
}

/* With -P: both symlinks, or two non-links that may be one file. */
static bool
never_ok(const struct pair *p, const struct stat *sl, const struct stat *dl,
    bool *nothing)
{
	struct stat st, dt;

	if (!S_ISLNK(sl->st_mode))
		st = *sl;
	else if (stat(p->src, &st) == -1)
		return true;
	if (!S_ISLNK(dl->st_mode))
		dt = *dl;
	else if (stat(p->dst, &dt) == -1)
		return true;
	if (!same_inode(&st, &dt))
		return true;
	if (p->hard) {
		/* linking a file to itself is done; a link to it is not */
		*nothing = !S_ISLNK(dl->st_mode);
		return true;
	}
	return false;
}

/*
 * May src be copied onto the existing dst, as far as their being one file
 * goes?  *nothing: it may, and there is nothing to do.
 */
static bool
same_ok(const struct pair *p, bool *nothing)
{
	struct stat slb, dlb;
	const struct stat *sl = p->ss, *dl = p->ds;
	bool same = same_inode(p->ss, p->ds), same_link, entry;

	*nothing = false;
	if (same && p->hard) {
		*nothing = true;
		return true;
	}
	if (p->never) {
		same_link = same;
		if (S_ISLNK(sl->st_mode) && S_ISLNK(dl->st_mode)) {
			/* two symlinks: fine unless they are one name */
			entry = same_entry(p->src, p->dst);
			if (!entry && (p->backup || !same_link))
				return true;
			if (!entry) {
				*nothing = true;	/* hard-linked links */
				return true;
			}
			return false;
		}
	} else {
		if (!same)
			return true;
		if (lstat(p->dst, &dlb) == -1 || lstat(p->src, &slb) == -1)
			return true;
		sl = &slb;
		dl = &dlb;
		same_link = same_inode(sl, dl);
		if (S_ISLNK(sl->st_mode) && S_ISLNK(dl->st_mode) &&
		    p->unlink_first)
			return true;
	}
	if (p->backup) {
		/* The backup keeps a copy, unless the source is a symlink
		 * to the file the backup moves away. */
		if (!same_link)
			return p->never || !S_ISLNK(sl->st_mode) ||
			    S_ISLNK(dl->st_mode);
		return !same_entry(p->src, p->dst);
	}
	if (p->unlink_first && (S_ISLNK(dl->st_mode) || (same_link &&
	    dl->st_nlink > 1 && !same_entry(p->src, p->dst))))
		return true;
	if (!S_ISLNK(sl->st_mode) && !S_ISLNK(dl->st_mode)) {
		if (!same_inode(sl, dl))
			return true;
		if (p->hard) {
			*nothing = true;
			return true;
		}
	}
	if (p->symbolic && S_ISLNK(dl->st_mode))
		return true;		/* a symlink is made anew */
	if (p->never)
		return never_ok(p, sl, dl, nothing);
	return false;
}

/* Would backing up dst (to dst + suffix) move the source src away? */
static bool
backup_is_source(const struct opts *o, const char *src, const struct stat *ss,
    const char *dst)
{
	char *sb = xpath_base(src), *db = xpath_base(dst), *bak;
	size_t dlen = strlen(db), slen = strlen(o->backup.suffix);
	struct stat bs;
	bool is = false;

	if (strlen(sb) == dlen + slen && strncmp(sb, db, dlen) == 0 &&
	    strcmp(sb + dlen, o->backup.suffix) == 0) {
		bak = xmalloc(strlen(dst) + slen + 1);
		memcpy(bak, dst, strlen(dst));
		memcpy(bak + strlen(dst), o->backup.suffix, slen + 1);
		is = stat(bak, &bs) == 0 && same_inode(&bs, ss);
		free(bak);
	}
	free(sb);
	free(db);
	return is;
}

static bool
dot_or_dotdot(const char *path)
{
	char *b = xpath_base(path);
	bool dot = strcmp(b, ".") == 0 || strcmp(b, "..") == 0;

	free(b);
	return dot;
}

/* Replace *dst by name (allocated). */
static void
rename_dst(char **dst, char *name)
{
	free(*dst);
	*dst = name;
}

/* cp -f -b F F: the copy is made under the backup name, no backup made. */
static bool
force_backup_self(const struct opts *o, const char *src, char **dst,
    bool into)
{
	char bak[NAME_MAX + 1], *dir, *leaf, *path;
	struct stat st;
	int dfd, rv;

	if (into || !o->force || o->backup.kind == BACKUP_NONE ||
	    strcmp(src, *dst) != 0 || stat(*dst, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return false;
	dir = xpath_dir(*dst);
	leaf = xpath_base(*dst);
	dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rv = dfd != -1 && backup_name(dfd, leaf, &o->backup, false, bak,
	    sizeof(bak)) == 0;
	if (dfd != -1)
		(void)close(dfd);
	if (rv) {	/* the backup's name is dst's and a suffix */
		path = xmalloc(strlen(*dst) + strlen(bak) - strlen(leaf) + 1);
		(void)strcpy(path, *dst);
		(void)strcat(path, bak + strlen(leaf));
		rename_dst(dst, path);
	}
	free(dir);
	free(leaf);
	return rv;
}

/* A dangling symlink dst: what its target's name is (POSIXLY_CORRECT). */
static char *
link_target(const char *dst)
{
	char buf[PATH_MAX], *dir, *path;
	ssize_t n;

	if ((n = readlink(dst, buf, sizeof(buf) - 1)) == -1)
		return NULL;
	buf[n] = '\0';
	if (buf[0] == '/')
		return xstrdup(buf);
	dir = xpath_dir(dst);
	path = xpath_join(dir, buf);
	free(dir);
	return path;
}

/* dst could not be stat'ed (errno): absent, or what cp says. */
static enum clash
unresolved(const struct opts *o, bool as_file, char **dst)
{
	struct stat dl;
	char *target;

	if (errno == ELOOP && o->force)
		return CLASH_COPY;	/* the loop is replaced */
	if (errno != ENOENT) {
		warn("cannot stat %s", quote(*dst));
		return CLASH_REFUSED;
	}
	if (!as_file || lstat(*dst, &dl) == -1 || !S_ISLNK(dl.st_mode))
		return CLASH_COPY;	/* absent */
	if (getenv("POSIXLY_CORRECT") != NULL &&
	    (target = link_target(*dst)) != NULL) {
		rename_dst(dst, target);
		return CLASH_COPY;
	}
	warnx("not writing through dangling symlink %s", quote(*dst));
	return CLASH_REFUSED;
}

enum clash
clash_file(const struct opts *o, const char *src, const struct stat *st,
    char **dst, bool into)
{
	bool as_link, as_file, nothing;
	struct pair p;
	struct stat ds, dl;
	char *real;

	if (force_backup_self(o, src, dst, into))
		return CLASH_COPY;
	memset(&p, 0, sizeof(p));
	p.src = src;
	p.dst = *dst;
	p.ss = st;
	p.ds = &ds;
	p.never = !walk_follows(o, true);
	p.hard = o->link_instead == LINK_HARD;
	p.symbolic = o->link_instead == LINK_SYMBOLIC;
	p.backup = o->backup.kind != BACKUP_NONE;
	p.unlink_first = o->remove_dest;
	/* copied as a regular file (written into, through a symlink)? */
	as_file = S_ISREG(st->st_mode) || ((!o->recursive ||
	    o->copy_contents) && !S_ISDIR(st->st_mode) &&
	    !S_ISLNK(st->st_mode));
	as_link = !as_file || p.hard || p.symbolic || p.backup ||
	    p.unlink_first;
	if ((as_link ? lstat(*dst, &ds) : stat(*dst, &ds)) == -1)
		return unresolved(o, as_file && !as_link, dst);
	if (!o->noclobber && !same_ok(&p, &nothing)) {
		warnx("%s and %s are the same file", quote(src), quote(*dst));
		return CLASH_REFUSED;
	}
	if (!o->noclobber && nothing)
		return CLASH_NOTHING;
	if (S_ISDIR(ds.st_mode)) {
		warnx("cannot overwrite directory %s with non-directory",
		    quote(*dst));
		return CLASH_REFUSED;
	}
	if (p.backup && o->backup.kind != BACKUP_NUMBERED &&
	    !dot_or_dotdot(src) && backup_is_source(o, src, st, *dst)) {
		warnx("backing up %s might destroy source;  %s not copied",
		    quote(*dst), quote(src));
		return CLASH_REFUSED;
	}
	/* --attributes-only copies no data, so cp does not make room for
	 * a symlink: the name is taken. */
	if (o->attributes_only && S_ISLNK(st->st_mode) && !o->force &&
	    !p.backup && !p.unlink_first) {
		warnc(EEXIST, "cannot create symbolic link %s", quote(*dst));
		return CLASH_REFUSED;
	}
	/* A regular file written through a symlink replaces its target. */
	if (as_link || lstat(*dst, &dl) == -1 || !S_ISLNK(dl.st_mode))
		return CLASH_COPY;
	if ((real = realpath(*dst, NULL)) == NULL) {
		warn("cannot stat %s", quote(*dst));
		return CLASH_REFUSED;
	}
	rename_dst(dst, real);
	return CLASH_COPY;
}

struct clash_op {
	dev_t		 dev;
	ino_t		 ino;
	bool		 dir;
	char		*src, *dst;
};

bool
clash_repeated(struct clash_seen *seen, const struct opts *o,
    const char *src, const struct stat *st, const char *dst)
{
	bool dir = S_ISDIR(st->st_mode);
	struct clash_op *op;
	size_t i;

	for (i = 0; i < seen->n; i++) {
		op = &seen->v[i];
		if (op->dev != st->st_dev || op->ino != st->st_ino ||
		    op->dir != dir)
			continue;
		if (dir && strcmp(op->dst, dst) == 0) {
			warnx("warning: source directory %s specified more "
			    "than once", quote(src));
			return true;
		}
		/* with a backup, cp copies it again, backing up the first */
		if (!dir && o->backup.kind == BACKUP_NONE &&
		    same_entry(op->src, src)) {
			warnx("warning: source file %s specified more than "
			    "once", quote(src));
			return true;
		}
	}
	if (seen->n == seen->cap) {
		seen->cap = seen->cap ? seen->cap * 2 : 16;
		seen->v = xreallocarray(seen->v, seen->cap, sizeof(*seen->v));
	}
	op = &seen->v[seen->n++];
	op->dev = st->st_dev;
	op->ino = st->st_ino;
	op->dir = dir;
	op->src = xstrdup(src);
	op->dst = xstrdup(dst);
	return false;
}

void
clash_seen_free(struct clash_seen *seen)
{
	size_t i;

	for (i = 0; i < seen->n; i++) {
		free(seen->v[i].src);
		free(seen->v[i].dst);
	}
	free(seen->v);
	memset(seen, 0, sizeof(*seen));
}
