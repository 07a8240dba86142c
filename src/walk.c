/*
 * From operands to the file list, with cp's rules.
 *
 * Naming: SOURCE DEST copies to DEST, or into DEST/basename when DEST is a
 * directory (-T: never; -t DIR: always).  Several sources need a
 * directory.  A directory is refused when DEST is inside it (cp's "cannot
 * copy a directory into itself").  An operand's existing destination is
 * decided by clash.c as cp decides it (the same file, a symlink written
 * through or replaced); an operand given twice is copied once.
 *
 * Recursion opens each directory relative to its parent's descriptor with
 * O_NOFOLLOW (unless -L), so a directory swapped for a symlink mid-walk is
 * not followed.  Hard links are grouped by (dev, ino) in a hash table:
 * every later member points at the first one.  With -L, a directory that is
 * its own ancestor is reported as a cycle instead of walked forever.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clash.h"
#include "compat.h"
#include "exclude.h"
#include "nameset.h"
#include "quote.h"
#include "tree.h"
#include "util.h"
#include "walk.h"

struct link_slot {
	dev_t		 dev;
	ino_t		 ino;
	uint32_t	 node;		/* NODE_NONE: empty */
};

struct walk {
	const struct opts *o;
	struct flist	*fl;
	int		 bad;
	struct link_slot *links;
	size_t		 nlinks, lcap;
	struct stat	*stack;		/* -L: ancestors, for cycles */
	size_t		 depth, scap;
	struct nameset	 tops;		/* operands' destinations so far */
	struct nameset	 linktops;	/* those made as symlinks */
	struct clash_seen seen;		/* operands so far */
	char		 rel[PATH_MAX];	/* the directory walked, relative to
					   its operand (--exclude) */
	size_t		 rlen;
	struct tree	 tree;		/* to come back to a directory */
	size_t		 open_max;	/* directories held open at most */
	const struct walk_hook *hook;	/* the last operand's, or NULL */
	bool		 stopped;	/* the hook said stop */
};

static size_t
link_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (size_t)(h ^ h >> 29) & (cap - 1);
}

static void
links_grow(struct walk *w)
{
	struct link_slot *old = w->links;
	size_t i, j, ocap = w->lcap;

	w->lcap = ocap ? ocap * 2 : 1024;
	w->links = xcalloc(w->lcap, sizeof(*w->links));
	for (i = 0; i < w->lcap; i++)
		w->links[i].node = NODE_NONE;
	for (i = 0; i < ocap; i++) {
		if (old[i].node == NODE_NONE)
			continue;
		j = link_hash(old[i].dev, old[i].ino, w->lcap);
		while (w->links[j].node != NODE_NONE)
			j = (j + 1) & (w->lcap - 1);
		w->links[j] = old[i];
	}
	free(old);
}

/*
 * Group node with earlier names of the same inode (--preserve=links).  A
 * file reached through a followed symlink may be one seen by another name
 * even with one link (cp -RL: d/a and d/b -> a), as cp has it.
 */
static void
note_link(struct walk *w, uint32_t node, const struct stat *st)
{
	bool followed = walk_follows(w->o, w->fl->v[node].parent == NODE_NONE);
	size_t i;

	if (!(w->o->preserve & PRESERVE_LINKS) || S_ISDIR(st->st_mode) ||
	    (st->st_nlink < 2 && !followed) || w->o->link_instead != 0)
		return;
	if (2 * (w->nlinks + 1) > w->lcap)
		links_grow(w);
	i = link_hash(st->st_dev, st->st_ino, w->lcap);
	for (; w->links[i].node != NODE_NONE; i = (i + 1) & (w->lcap - 1))
		if (w->links[i].dev == st->st_dev &&
		    w->links[i].ino == st->st_ino) {
			w->fl->v[node].link = w->links[i].node;
			return;
		}
	w->links[i].dev = st->st_dev;
	w->links[i].ino = st->st_ino;
	w->links[i].node = node;
	w->nlinks++;
}

/*
 * Report an entry's problem with its path: "parcp: PATH: what: reason".
 * An error (bad) is counted and kept for --json: what failed, and why
 * (err, or why for a problem without an errno).
 */
static void
entry_warn(struct walk *w, uint32_t dir, const char *name, const char *what,
    int err, bool bad, int why)
{
	char path[PATH_MAX + NAME_MAX + 2];
	int n;

	if ((n = flist_path(w->fl, dir, FLIST_SRC, path, PATH_MAX)) == -1)
		n = snprintf(path, PATH_MAX, "...");
	if (name != NULL)
		(void)snprintf(path + n, sizeof(path) - (size_t)n, "/%s", name);
	if (err != 0)
		warnc(err, "%s: %s", path, what);
	else
		warnx("%s: %s", path, what);
	if (!bad)
		return;
	w->bad++;
	flist_error(w->fl, path, what, err != 0 ? err : why);
}

/* Keep an operand's error for --json (its line is printed already). */
static void
note(struct walk *w, const char *path, const char *op, int err)
{
	flist_error(w->fl, path, op, err);
}

/* An operand that cannot be stat'ed (errno): said and kept. */
static void
stat_failed(struct walk *w, const char *src)
{
	int err = errno;

	warnc(err, "cannot stat %s", quote(src));
	note(w, src, "stat", err);
}

static bool
is_ancestor(const struct walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->depth; i++)
		if (w->stack[i].st_dev == st->st_dev &&
		    w->stack[i].st_ino == st->st_ino)
			return true;
	return false;
}

static void	walk_dir(struct walk *, uint32_t, int);

/* st made a regular file of unknown size (0: read to its end, never
 * split), for what a FIFO or device holds. */
static void
as_contents(struct stat *st)
{
	st->st_mode = S_IFREG | (st->st_mode & 07777);
	st->st_size = 0;
	st->st_blocks = 0;
}

/* --copy-contents: FIFOs and devices in a tree are read as files. */
static void
contents(struct stat *st)
{
	if (S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode) ||
	    S_ISBLK(st->st_mode))
		as_contents(st);
}

/* --exclude: name appended to w->rel (a path too long is cut short). */
static void
path_push(struct walk *w, const char *name)
{
	int n = snprintf(w->rel + w->rlen, sizeof(w->rel) - w->rlen, "%s%s",
	    w->rlen ? "/" : "", name);

	if (n > 0)
		w->rlen += (size_t)n < sizeof(w->rel) - w->rlen ? (size_t)n :
		    sizeof(w->rel) - w->rlen - 1;
}

/*
 * --exclude: is the entry name of the directory walked left out?  Its
 * name is appended to w->rel; walk_child() keeps it there below.
 */
static bool
excluded(struct walk *w, const char *name, const struct stat *st)
{
	int n;
	bool out;

	if (w->o->exclude.n == 0)
		return false;
	n = snprintf(w->rel + w->rlen, sizeof(w->rel) - w->rlen, "%s%s",
	    w->rlen ? "/" : "", name);
	out = n > 0 && (size_t)n < sizeof(w->rel) - w->rlen &&
	    exclude_match(&w->o->exclude, w->rel, S_ISDIR(st->st_mode));
	w->rel[w->rlen] = '\0';
	return out;
}

/* Open child directory of dfd: its descriptor, or -1 (said). */
static int
open_child(struct walk *w, int dfd, uint32_t child)
{
	int cfd, flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

	if (w->o->deref != DEREF_ALWAYS)
		flags |= O_NOFOLLOW;
	if ((cfd = openat(dfd, flist_name(w->fl, child), flags)) == -1)
		entry_warn(w, child, NULL, "opendir", errno, true, 0);
	return cfd;
}

/* Walk child, open as cfd, with its name on --exclude's path. */
static void
walk_child(struct walk *w, uint32_t child, int cfd)
{
	size_t rlen = w->rlen;

	if (w->o->exclude.n > 0)
		path_push(w, flist_name(w->fl, child));
	walk_dir(w, child, cfd);
	w->rlen = rlen;
	w->rel[rlen] = '\0';
}

/*
 * Deeper than the descriptors allow (w->open_max directories held open,
 * as fts does): let go of dir's stream d while child (open as cfd) is
 * walked, then come back to the place in dir where it was, dir reopened
 * by its identity from its nearest open ancestor (tree.c).  The stream
 * again, or NULL (said: the rest of dir is not walked).
 */
static DIR *
walk_child_closed(struct walk *w, uint32_t dir, DIR *d, uint32_t child,
    int cfd)
{
	long pos = telldir(d);
	struct fault f;
	int fd;

	(void)closedir(d);
	walk_child(w, child, cfd);
	if ((fd = tree_dir(&w->tree, FLIST_SRC, dir, &f)) == -1 ||
	    (fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (d = fdopendir(fd)) == NULL) {
		entry_warn(w, dir, NULL, "opendir", f.op != FAULT_NONE &&
		    f.op != FAULT_OPEN_SRC ? 0 : errno, true, ENOENT);
		return NULL;
	}
	seekdir(d, pos);
	return d;
}

/* Add every entry of the open directory dfd (node dir); closes dfd. */
static void
walk_dir(struct walk *w, uint32_t dir, int dfd)
{
	int flag = w->o->deref == DEREF_ALWAYS ? 0 : AT_SYMLINK_NOFOLLOW;
	struct dirent *de;
	struct stat st;
	uint32_t child;
	int cfd;
	DIR *d;

	if ((d = fdopendir(dfd)) == NULL) {
		entry_warn(w, dir, NULL, "opendir", errno, true, 0);
		(void)close(dfd);
		return;
	}
	if (w->depth == w->scap) {
		w->scap = w->scap ? w->scap * 2 : 64;
		w->stack = xreallocarray(w->stack, w->scap, sizeof(*w->stack));
	}
	(void)fstat(dfd, &w->stack[w->depth++]);
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, flag) == -1) {
			entry_warn(w, dir, de->d_name, "stat", errno, true, 0);
			continue;
		}
		if (excluded(w, de->d_name, &st))
			continue;
		if (flist_type(st.st_mode) == -1) {
			entry_warn(w, dir, de->d_name, "socket skipped", 0,
			    false, 0);
			continue;	/* a warning, not a failure */
		}
		if (S_ISDIR(st.st_mode) && is_ancestor(w, &st)) {
			/* only -L can get here: a link to an ancestor */
			entry_warn(w, dir, de->d_name, "directory cycle; not "
			    "copied", 0, true, ELOOP);
			continue;
		}
		if (S_ISDIR(st.st_mode) && w->hook != NULL &&
		    w->hook->made(w->hook->arg, &st)) {
			entry_warn(w, dir, de->d_name, "a directory this copy "
			    "made; not copied into itself", 0, true, ELOOP);
			continue;
		}
		if (w->o->copy_contents)
			contents(&st);
		child = flist_add(w->fl, dir, de->d_name, &st);
		note_link(w, child, &st);
		/* -x: a mount point is made, empty, as cp makes it */
		if (!S_ISDIR(st.st_mode) || (w->o->one_fs &&
		    st.st_dev != w->stack[w->depth - 1].st_dev) ||
		    (cfd = open_child(w, dfd, child)) == -1)
			continue;
		if (w->depth < w->open_max)
			walk_child(w, child, cfd);
		else if ((d = walk_child_closed(w, dir, d, child, cfd)) ==
		    NULL) {
			w->depth--;
			return;
		}
		dfd = dirfd(d);
		if (w->stopped)
			break;
	}
	if (errno != 0 && !w->stopped) {
		entry_warn(w, dir, NULL, "readdir", errno, true, 0);
	}
	w->depth--;
	(void)closedir(d);
	if (w->hook != NULL && !w->stopped && w->hook->walked(w->hook->arg))
		w->stopped = true;
}

/* Is dst (which may not exist yet) src itself or inside it? */
static bool
inside(const char *src, const char *dst)
{
	char *rs, *rd, *dir, *base;
	bool in = false;
	size_t n;

	dir = xpath_dir(dst);
	base = xpath_base(dst);
	rs = realpath(src, NULL);
	rd = realpath(dir, NULL);
	if (rs != NULL && rd != NULL) {
		free(dir);
		dir = xpath_join(rd, base);
		n = strlen(rs);
		in = strncmp(dir, rs, n) == 0 &&
		    (dir[n] == '\0' || dir[n] == '/' || strcmp(rs, "/") == 0);
	}
	free(rs);
	free(rd);
	free(dir);
	free(base);
	return in;
}

/* Check the destination of a directory; false after reporting. */
static bool
check_dir_dst(struct walk *w, const char *src, const char *dst)
{
	struct stat ds;

	if (inside(src, dst)) {
		warnx("cannot copy a directory, %s, into itself, %s",
		    quote(src), quote(dst));
		note(w, src, "cannot copy a directory into itself", EINVAL);
		return false;
	}
	if (stat(dst, &ds) == 0 && !S_ISDIR(ds.st_mode)) {
		warnx("cannot overwrite non-directory %s with directory %s",
		    quote(dst), quote(src));
		note(w, dst, "cannot overwrite non-directory with directory",
		    ENOTDIR);
		return false;
	}
	return true;
}

bool
walk_follows(const struct opts *o, bool operand)
{
	return o->deref == DEREF_ALWAYS || (operand && (o->deref ==
	    DEREF_ARGS || (o->deref == DEREF_DEFAULT && !o->recursive)));
}

static int
operand_stat(const struct opts *o, const char *src, struct stat *st)
{
	return walk_follows(o, true) ? stat(src, st) : lstat(src, st);
}

/*
 * Two operands with one destination (dst as named, before a symlink is
 * resolved): the first is copied, as cp, and a symlink it made is never
 * written through.  XXX with numbered backups cp copies the second too,
 * backing up the first; the file list has one entry per destination, so
 * the second is left out (*nothing).  True if dst was taken (reported).
 */
static bool
taken(struct walk *w, const char *src, const char *dst, bool *nothing)
{
	if (!nameset_has(&w->tops, dst, strlen(dst)))
		return false;
	if (w->o->backup.kind == BACKUP_NUMBERED)
		*nothing = true;
	else if (nameset_has(&w->linktops, dst, strlen(dst)))
		warnx("will not copy %s through just-created symlink %s",
		    quote(src), quote(dst));
	else
		warnx("will not overwrite just-created %s with %s", quote(dst),
		    quote(src));
	if (w->o->backup.kind != BACKUP_NUMBERED)
		note(w, dst, "will not overwrite just-created", EEXIST);
	return true;
}

/* dst is an operand's destination now (as named). */
static void
take(struct walk *w, const struct stat *st, const char *dst)
{
	(void)nameset_add(&w->tops, dst);
	if (S_ISLNK(st->st_mode) || w->o->link_instead == LINK_SYMBOLIC)
		(void)nameset_add(&w->linktops, dst);
}

/*
 * Check one operand; on success its destination, else NULL (reported,
 * or *nothing: there is nothing to do and that is no failure).
 */
static char *
operand_dst(struct walk *w, const char *src, const struct stat *st,
    const char *dest, bool into, bool *nothing)
{
	const struct opts *o = w->o;
	char *dst, *base, *named;
	enum clash rv;

	if (S_ISDIR(st->st_mode) && !o->recursive) {
		warnx("-r not specified; omitting directory %s", quote(src));
		note(w, src, "-r not specified; omitting directory", EISDIR);
		return NULL;
	}
	if (S_ISSOCK(st->st_mode) && !o->recursive) {
		warnc(ENXIO, "cannot open %s for reading", quote(src));
		note(w, src, "open", ENXIO);
		return NULL;
	}
	if (flist_type(st->st_mode) == -1) {
		warnx("%s: socket skipped", src);
		return NULL;
	}
	if (!into && !S_ISDIR(st->st_mode) && dest[0] != '\0' &&
	    dest[strlen(dest) - 1] == '/') {
		/* "a" -> "new/" must not create a file named "new" */
		warnc(ENOTDIR, "cannot create regular file %s", quote(dest));
		note(w, dest, "create", ENOTDIR);
		return NULL;
	}
	if (o->parents)
		dst = xpath_join(dest, src + strspn(src, "/"));
	else if (into) {
		base = xpath_base(src);
		dst = xpath_join(dest, base);
		free(base);
	} else
		dst = xstrdup(dest);
	if (into && clash_repeated(&w->seen, o, src, st, dst))
		*nothing = true;
	if (*nothing || taken(w, src, dst, nothing)) {
		free(dst);
		return NULL;
	}
	if (S_ISDIR(st->st_mode)) {
		if (check_dir_dst(w, src, dst)) {
			take(w, st, dst);
			return dst;
		}
		free(dst);
		return NULL;
	}
	named = xstrdup(dst);
	rv = clash_file(o, src, st, &dst, into);
	if (rv == CLASH_COPY)
		take(w, st, named);
	free(named);
	switch (rv) {
	case CLASH_COPY:
		return dst;
	case CLASH_NOTHING:
		*nothing = true;
		break;
	case CLASH_REFUSED:	/* said in cp's words by clash.c */
		note(w, src, "refused", 0);
		break;
	}
	free(dst);
	return NULL;
}

/* An operand's node (destination dst), and its tree below. */
static int
add_top(struct walk *w, const char *src, const struct stat *st,
    const char *dst)
{
	uint32_t node;
	int dfd;

	node = flist_add(w->fl, NODE_NONE, src, st);
	flist_set_dst(w->fl, node, dst);
	note_link(w, node, st);
	if (!S_ISDIR(st->st_mode))
		return 0;
	w->rlen = 0;			/* --exclude: paths from here */
	w->rel[0] = '\0';
	if ((dfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		dfd = errno;
		warnc(dfd, "%s: opendir", src);
		note(w, src, "opendir", dfd);
		return -1;
	}
	walk_dir(w, node, dfd);
	return 0;
}

static int
add_one(struct walk *w, const char *src, const char *dest, bool into)
{
	bool nothing = false;
	struct stat st;
	char *dst;
	int rv;

	if (operand_stat(w->o, src, &st) == -1) {
		stat_failed(w, src);
		return -1;
	}
	if ((dst = operand_dst(w, src, &st, dest, into, &nothing)) == NULL)
		return nothing || (flist_type(st.st_mode) == -1 &&
		    w->o->recursive) ? 0 : -1;
	/*
	 * Without -r, cp copies what a FIFO, a pipe or a device holds: a
	 * regular file read to its end (size 0: unknown, never split).  A
	 * symlink reached here (-P, -d) is copied as a symlink.
	 */
	if (!w->o->recursive && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    !S_ISLNK(st.st_mode))
		as_contents(&st);
	else if (w->o->copy_contents)
		contents(&st);
	rv = add_top(w, src, &st, dst);
	free(dst);
	return rv;
}

/*
 * --parents: the directories on the way to src ("a" and "a/b" of
 * "a/b/c") as nodes of their own under dest, each once, so that they are
 * made first and, after their contents, get their attributes (-p) as cp
 * gives them.
 */
static int
add_path_dirs(struct walk *w, const char *src, const char *dest)
{
	const char *slash = src + strspn(src, "/");
	struct stat st;
	uint32_t node;
	char *dir, *dst;
	size_t len;
	int rv = 0;

	while (rv == 0 && (slash = strchr(slash, '/')) != NULL) {
		len = (size_t)(slash - src);
		dir = xmalloc(len + 1);
		memcpy(dir, src, len);
		dir[len] = '\0';
		slash += strspn(slash, "/");
		dst = xpath_join(dest, dir + strspn(dir, "/"));
		if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
			rv = errno ? errno : ENOTDIR;
			warnc(rv, "%s", dir);
			note(w, dir, "stat", rv);
			rv = -1;
		} else if (nameset_add(&w->tops, dst)) {
			node = flist_add(w->fl, NODE_NONE, dir, &st);
			flist_set_dst(w->fl, node, dst);
			w->fl->v[node].path_dir = true;
		}
		free(dir);
		free(dst);
		errno = 0;
	}
	return rv;
}

/*
 * --strip-trailing-slashes: "link/" copied into a directory is the link,
 * not the directory it names.  cp strips only operands copied into a
 * directory, and leaves "/" alone.
 */
static int
add_operand(struct walk *w, const char *src, const char *dest, bool into)
{
	char *own;
	size_t n;
	int rv;

	if (w->o->parents && add_path_dirs(w, src, dest) == -1)
		return -1;
	if (!w->o->strip_slashes || !into)
		return add_one(w, src, dest, into);
	own = xstrdup(src);
	for (n = strlen(own); n > 1 && own[n - 1] == '/'; n--)
		own[n - 1] = '\0';
	rv = add_one(w, own, dest, into);
	free(own);
	return rv;
}

/*
 * A --to-tar operand: its member name is its path without leading
 * slashes (as tar names it; the caller warns), "." for "/".
 */
static int
add_source(struct walk *w, const char *src)
{
	const char *member = src;
	struct stat st;

	if (operand_stat(w->o, src, &st) == -1) {
		stat_failed(w, src);
		return -1;
	}
	if (flist_type(st.st_mode) == -1) {
		warnx("%s: socket skipped", src);
		return 0;
	}
	while (*member == '/')
		member++;
	return add_top(w, src, &st, *member ? member : ".");
}

/*
 * A walk of o's operands into fl.  Directories are held open down the
 * tree, a quarter of the descriptor limit at most (the copy needs the
 * rest); deeper ones are let go and come back (walk_child_closed).
 */
static void
walk_init(struct walk *w, const struct opts *o, struct flist *fl)
{
	struct rlimit rl;

	memset(w, 0, sizeof(*w));
	w->o = o;
	w->fl = fl;
	tree_init(&w->tree, fl, o->deref == DEREF_ALWAYS, false);
	w->open_max = 256;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < w->open_max)
		w->open_max = rl.rlim_cur / 4 > 8 ? rl.rlim_cur / 4 : 8;
}

int
walk_sources(const struct opts *o, struct flist *fl)
{
	struct walk w;
	int i;

	walk_init(&w, o, fl);
	for (i = 0; i < o->npaths; i++)
		if (add_source(&w, o->paths[i]) == -1)
			w.bad++;
	tree_free(&w.tree);
	free(w.links);
	free(w.stack);
	return w.bad;
}

/* Where the copies go: *dest, and whether into it (as a directory). */
static int
destination(struct walk *w, const char **dest, bool *into, int *nsrc)
{
	const struct opts *o = w->o;
	struct stat st;
	bool isdir;
	int err;

	*dest = o->target ? o->target : o->paths[o->npaths - 1];
	*nsrc = o->target ? o->npaths : o->npaths - 1;
	err = stat(*dest, &st) == -1 ? errno : 0;
	isdir = err == 0 && S_ISDIR(st.st_mode);
	*into = o->target != NULL || (!o->no_target && isdir);
	if ((o->target != NULL || *nsrc > 1) && !isdir) {
		/* say why: missing (ENOENT...) or a file (ENOTDIR) */
		warnc(err != 0 ? err : ENOTDIR, "target %s%s", o->target ?
		    "directory " : "", quote(*dest));
		note(w, *dest, "target", err != 0 ? err : ENOTDIR);
		return -1;
	}
	return 0;
}

int
walk_args(const struct opts *o, struct flist *fl,
    const struct walk_hook *hook)
{
	struct walk w;
	const char *dest;
	bool into;
	int i, nsrc;

	walk_init(&w, o, fl);
	if (destination(&w, &dest, &into, &nsrc) == -1) {
		tree_free(&w.tree);
		return -1;
	}
	/* Only the last operand's walk has a hook: an operand's destination
	 * is judged by what is there (clash.c), and a copy made while an
	 * earlier one is walked could be what a later one finds. */
	for (i = 0; i < nsrc && !w.stopped; i++) {
		w.hook = i == nsrc - 1 ? hook : NULL;
		if (add_operand(&w, o->paths[i], dest, into) == -1)
			w.bad++;
	}
	tree_free(&w.tree);
	nameset_free(&w.tops);
	nameset_free(&w.linktops);
	clash_seen_free(&w.seen);
	free(w.links);
	free(w.stack);
	return w.bad;
}
