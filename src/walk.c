/*
 * From operands to the file list, with cp's rules: SOURCE DEST copies to
 * DEST, or into DEST when it is a directory; several sources need a
 * directory.  Destinations are checked here, before any copy starts: the
 * same file as the source (also through a hard link or a symlink), a
 * directory in the way, a dangling symlink that cp would not write through.
 * A symlink to a regular file is resolved, so the new file replaces the
 * link's target and the link stays, as cp's writing through it would.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "util.h"
#include "walk.h"

static struct file *
add(struct flist *fl)
{
	struct file *f;

	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 16;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	f = &fl->v[fl->n++];
	memset(f, 0, sizeof(*f));
	return f;
}

/*
 * Check the destination dst for source st.  Returns the name to write
 * (dst, or a symlink's target), or NULL after reporting why not.
 */
static char *
check_dst(const char *src, const struct stat *st, char *dst)
{
	struct stat dl, ds;
	char *real;

	if (lstat(dst, &dl) == -1)
		return dst;	/* absent, or the temp file will say why */
	if (stat(dst, &ds) == -1) {
		if (S_ISLNK(dl.st_mode) && errno == ENOENT)
			warnx("%s: not writing through dangling symlink", dst);
		else
			warn("%s: stat", dst);
		goto bad;
	}
	if (ds.st_dev == st->st_dev && ds.st_ino == st->st_ino) {
		warnx("%s: same file as '%s'", dst, src);
		goto bad;
	}
	if (S_ISDIR(ds.st_mode)) {
		warnc(EISDIR, "%s: cannot overwrite directory", dst);
		goto bad;
	}
	if (!S_ISLNK(dl.st_mode))
		return dst;
	if ((real = realpath(dst, NULL)) == NULL) {
		warn("%s: realpath", dst);
		goto bad;
	}
	free(dst);
	return real;
bad:
	free(dst);
	return NULL;
}

static int
add_source(struct flist *fl, const char *src, const char *dest, bool into)
{
	struct stat st;
	struct file *f;
	char *dst, *base;

	if (stat(src, &st) == -1) {
		warn("%s: stat", src);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		warnc(EISDIR, "%s: -r not specified; omitting directory", src);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("%s: not a regular file; skipping", src);
		return -1;
	}
	if (into) {
		base = xpath_base(src);
		dst = xpath_join(dest, base);
		free(base);
	} else
		dst = xstrdup(dest);
	if ((dst = check_dst(src, &st, dst)) == NULL)
		return -1;
	f = add(fl);
	f->src = xstrdup(src);
	f->dst = dst;
	f->size = st.st_size;
	f->mode = st.st_mode;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->mtime = st.st_mtim;
	return 0;
}

int
walk_args(const struct opts *o, struct flist *fl)
{
	const char *dest = o->paths[o->npaths - 1];
	struct stat st;
	bool into;
	int i, bad = 0;

	into = stat(dest, &st) == 0 && S_ISDIR(st.st_mode);
	if (o->npaths > 2 && !into) {
		warnc(ENOTDIR, "target '%s'", dest);
		return -1;
	}
	if (!into && dest[0] != '\0' && dest[strlen(dest) - 1] == '/') {
		/* "a" -> "new/" must not create a file named "new" */
		warnc(ENOTDIR, "%s: cannot create regular file", dest);
		return -1;
	}
	for (i = 0; i < o->npaths - 1; i++)
		if (add_source(fl, o->paths[i], dest, into) == -1)
			bad++;
	return bad;
}

void
walk_free(struct flist *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++) {
		free(fl->v[i].src);
		free(fl->v[i].dst);
		free(fl->v[i].tmp);
	}
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}
