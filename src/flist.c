/*
 * The compact file list.  Names live in one growing arena and nodes refer
 * to them by offset, so growing the arena never invalidates a node.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "flist.h"
#include "util.h"

static uint32_t
intern(struct flist *fl, const char *s)
{
	size_t len = strlen(s) + 1;
	uint32_t off;

	if (fl->nlen + len > UINT32_MAX)
		errx(1, "too many names in the file list");
	while (fl->nlen + len > fl->ncap) {
		fl->ncap = fl->ncap ? fl->ncap * 2 : 4096;
		fl->names = xreallocarray(fl->names, fl->ncap, 1);
	}
	off = (uint32_t)fl->nlen;
	memcpy(fl->names + off, s, len);
	fl->nlen += len;
	return off;
}

int
flist_type(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return FT_REG;
	case S_IFDIR:
		return FT_DIR;
	case S_IFLNK:
		return FT_LNK;
	case S_IFIFO:
		return FT_FIFO;
	case S_IFCHR:
		return FT_CHR;
	case S_IFBLK:
		return FT_BLK;
	}
	return -1;
}

uint32_t
flist_add(struct flist *fl, uint32_t parent, const char *name,
    const struct stat *st)
{
	struct node *n;

	if (fl->n >= NODE_NONE - 1)
		errx(1, "too many files");
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 64;
		fl->v = xreallocarray(fl->v, fl->cap, sizeof(*fl->v));
	}
	n = &fl->v[fl->n];
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->name = intern(fl, name);
	n->link = NODE_NONE;
	n->type = (uint8_t)flist_type(st->st_mode);
	n->mode = st->st_mode;
	n->uid = st->st_uid;
	n->gid = st->st_gid;
	n->size = S_ISREG(st->st_mode) ? st->st_size : 0;
	n->blocks = st->st_blocks;
	n->dev = st->st_dev;
	n->ino = st->st_ino;
	n->rdev = st->st_rdev;
	n->atime = st->st_atim;
	n->mtime = st->st_mtim;
	return (uint32_t)fl->n++;
}

void
flist_set_dst(struct flist *fl, uint32_t node, const char *dst)
{
	uint32_t off = intern(fl, dst);

	fl->v[node].dst = off;
}

const char *
flist_name(const struct flist *fl, uint32_t node)
{
	return fl->names + fl->v[node].name;
}

static int
build(const struct flist *fl, uint32_t node, enum flist_side side, char *buf,
    size_t len, size_t *pos)
{
	const struct node *n = &fl->v[node];
	const char *s;
	size_t sl;

	if (n->parent == NODE_NONE)
		s = fl->names + (side == FLIST_DST ? n->dst : n->name);
	else {
		if (build(fl, n->parent, side, buf, len, pos) == -1)
			return -1;
		s = fl->names + n->name;
		if (*pos > 0 && buf[*pos - 1] != '/') {
			if (*pos + 1 >= len)
				goto long_path;
			buf[(*pos)++] = '/';
		}
	}
	sl = strlen(s);
	if (*pos + sl >= len)
		goto long_path;
	memcpy(buf + *pos, s, sl + 1);
	*pos += sl;
	return 0;
long_path:
	errno = ENAMETOOLONG;
	return -1;
}

int
flist_path(const struct flist *fl, uint32_t node, enum flist_side side,
    char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0 || build(fl, node, side, buf, len, &pos) == -1)
		return -1;
	return (int)pos;
}

void
flist_error(struct flist *fl, const char *path, const char *op, int err)
{
	fl->errors = xreallocarray(fl->errors, fl->nerrors + 1,
	    sizeof(*fl->errors));
	fl->errors[fl->nerrors].path = xstrdup(path);
	fl->errors[fl->nerrors].op = op;
	fl->errors[fl->nerrors++].err = err;
}

void
flist_free(struct flist *fl)
{
	size_t i;

	for (i = 0; i < fl->nerrors; i++)
		free(fl->errors[i].path);
	free(fl->errors);
	free(fl->v);
	free(fl->names);
	memset(fl, 0, sizeof(*fl));
}
