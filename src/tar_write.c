/*
 * The member writer (see tarw.h).  Every call starts from DEST's held
 * descriptor: the member's directory is opened beneath it, entries are
 * made with *at calls relative to that directory, and a temp name is
 * renamed over the member's name in the same directory.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "beneath.h"
#include "dest.h"
#include "meta.h"
#include "tarmeta.h"
#include "tarw.h"

void
tarw_init(struct tarw *w, const struct opts *o, int root)
{
	memset(w, 0, sizeof(*w));
	w->o = o;
	w->root = root;
	w->pid = getpid();
	w->umask = umask(0);
	(void)umask(w->umask);
	dest_token(w->token);
	w->sweep = true;
	w->dirfd = -1;
}

static void
forget_dir(struct tarw *w)
{
	if (w->dirfd != -1)
		(void)close(w->dirfd);
	w->dirfd = -1;
	w->dirlen = 0;
}

void
tarw_free(struct tarw *w)
{
	forget_dir(w);
}

int
tarw_parent(struct tarw *w, const char *name, bool make, const char **leaf)
{
	const char *slash = strrchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : 0;
	bool made;
	int fd;

	*leaf = slash ? slash + 1 : name;
	/* Archives list a directory's members together: one open serves. */
	if (w->dirfd != -1 && len == w->dirlen && memcmp(name, w->dir, len) ==
	    0)
		return w->dirfd;
	if (len >= sizeof(w->dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = beneath_dir(w->root, name, len, make, 0777, &made)) == -1)
		return -1;
	forget_dir(w);
	w->dirfd = fd;
	memcpy(w->dir, name, len);
	w->dir[len] = '\0';
	w->dirlen = len;
	if (w->sweep && !made && getpid() == w->pid)
		(void)dest_sweep_at(fd, true, NULL);	/* runs that died here */
	return fd;
}

bool
tarw_keep_existing(struct tarw *w, const struct tarw_item *it)
{
	const char *leaf;
	struct stat st;
	int dir;

	if (!w->o->noclobber && !w->o->update)
		return false;
	if ((dir = tarw_parent(w, it->name, false, &leaf)) == -1 ||
	    fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return false;
	if (w->o->noclobber)
		return true;
	/* -u: kept unless the member is newer */
	return st.st_mtim.tv_sec > archive_entry_mtime(it->e) ||
	    (st.st_mtim.tv_sec == archive_entry_mtime(it->e) &&
	    st.st_mtim.tv_nsec >= archive_entry_mtime_nsec(it->e));
}

/* Metadata for the member on t; an xattr not set is *xerr, not a failure
 * (the member is kept and the failure reported). */
static int
meta(const struct tarw *w, const struct tarw_item *it,
    const struct meta_target *t, int *xerr, struct fault *f)
{
	struct tarmeta_xa xa = { it->e, 0 };
	struct opts o = *w->o;
	struct node n;

	tarmeta_node(it->e, &n);
	o.preserve |= PRESERVE_TIMES;	/* tar always restores mtime */
	if (meta_apply_with(t, &n, &o, w->umask, tarmeta_xattrs, &xa, f) ==
	    -1)
		return -1;
	*xerr = xa.err;
	return xa.err != 0 ? TARW_XATTR : 0;
}

/*
 * Rename tmp over leaf in dir.  An empty directory in the way goes (the
 * last member of a name wins, as in tar).  0, TARW_KEPT (-n), or -1.
 */
static int
commit(struct tarw *w, int dir, const char *tmp, const char *leaf,
    struct fault *f)
{
	if (w->o->noclobber) {
		if (dest_rename_noreplace(dir, tmp, dir, leaf) == 0)
			return 0;
		if (errno == EEXIST) {
			(void)unlinkat(dir, tmp, 0);
			return TARW_KEPT;
		}
	} else if (renameat(dir, tmp, dir, leaf) == 0)
		return 0;
	else if ((errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST) &&
	    unlinkat(dir, leaf, AT_REMOVEDIR) == 0 &&
	    renameat(dir, tmp, dir, leaf) == 0)
		return 0;
	fault_set(f, FAULT_RENAME);
	(void)unlinkat(dir, tmp, 0);
	return -1;
}

/* dir and the temp name of the member, for a new entry. */
static int
temp(struct tarw *w, const struct tarw_item *it, char *tmp,
    const char **leaf, struct fault *f)
{
	int dir;

	if ((dir = tarw_parent(w, it->name, false, leaf)) == -1) {
		fault_set(f, FAULT_OPEN_DST);
		return -1;
	}
	if (dest_runname(*leaf, w->token, w->pid, it->idx, tmp, NAME_MAX + 1)
	    == -1) {
		fault_set(f, FAULT_PATH);
		return -1;
	}
	return dir;
}

int
tarw_file_begin(struct tarw *w, const struct tarw_item *it, off_t size,
    int *dir, char *tmp, struct fault *f)
{
	const char *leaf;

	if ((*dir = temp(w, it, tmp, &leaf, f)) == -1)
		return -1;
	return dest_create_at(*dir, tmp, size, f);
}

int
tarw_file_end(struct tarw *w, const struct tarw_item *it, int fd, int dir,
    const char *tmp, int rv, int *xerr, struct fault *f)
{
	struct meta_target t = { fd, dir, tmp, false };
	const char *leaf = strrchr(it->name, '/');
	int kept;

	*xerr = 0;
	leaf = leaf ? leaf + 1 : it->name;
	if (rv != -1 && (rv = meta(w, it, &t, xerr, f)) != -1 &&
	    w->o->fsync && fsync(fd) == -1) {
		fault_set(f, FAULT_SYNC);
		rv = -1;
	}
	if (close(fd) == -1 && rv != -1) {
		fault_set(f, FAULT_CLOSE_DST);
		rv = -1;
	}
	if (rv == -1) {
		(void)unlinkat(dir, tmp, 0);
		return -1;
	}
	if ((kept = commit(w, dir, tmp, leaf, f)) != 0)
		return kept;
	return rv;
}

int
tarw_file_reopen(struct tarw *w, const struct tarw_item *it, dev_t dev,
    ino_t ino, struct fault *f)
{
	char tmp[NAME_MAX + 1];
	const char *leaf;
	struct stat st;
	int dir, fd;

	if ((dir = temp(w, it, tmp, &leaf, f)) == -1)
		return -1;
	if ((fd = openat(dir, tmp, O_RDWR | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		fault_set(f, FAULT_OPEN_DST);
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	if (st.st_dev != dev || st.st_ino != ino) {
		fault_setc(f, FAULT_OPEN_DST, ESTALE);	/* not ours */
		(void)close(fd);
		return -1;
	}
	return fd;
}

int
tarw_special(struct tarw *w, const struct tarw_item *it, int *xerr,
    struct fault *f)
{
	char tmp[NAME_MAX + 1];
	struct meta_target t;
	const char *leaf, *target;
	mode_t m = archive_entry_mode(it->e);
	int dir, rv;

	*xerr = 0;
	if ((dir = temp(w, it, tmp, &leaf, f)) == -1)
		return -1;
	if (S_ISLNK(m)) {
		target = archive_entry_symlink(it->e);
		if (symlinkat(target ? target : "", dir, tmp) == -1) {
			fault_set(f, FAULT_SYMLINK);
			return -1;
		}
	} else if (mknodat(dir, tmp, (m & S_IFMT) | 0600,
	    archive_entry_rdev(it->e)) == -1) {
		fault_set(f, FAULT_MKNOD);
		return -1;
	}
	t.fd = -1;
	t.dir = dir;
	t.name = tmp;
	t.fresh = false;
	if ((rv = meta(w, it, &t, xerr, f)) == -1) {
		(void)unlinkat(dir, tmp, 0);
		return -1;
	}
	return commit(w, dir, tmp, leaf, f) == -1 ? -1 : rv;
}

int
tarw_link(struct tarw *w, const struct tarw_item *it, const char *target,
    struct fault *f)
{
	const char *slash = strrchr(target, '/'), *tleaf, *leaf;
	char tmp[NAME_MAX + 1];
	int dir, tdir, rv;

	tleaf = slash ? slash + 1 : target;
	if ((tdir = beneath_dir(w->root, target, slash ? (size_t)(slash -
	    target) : 0, false, 0, NULL)) == -1) {
		fault_set(f, FAULT_LINK);
		return -1;
	}
	if ((dir = temp(w, it, tmp, &leaf, f)) == -1) {
		(void)close(tdir);
		return -1;
	}
	/* Flags 0: a symlink target is linked itself, never followed. */
	rv = linkat(tdir, tleaf, dir, tmp, 0);
	if (rv == -1)
		fault_set(f, FAULT_LINK);
	(void)close(tdir);
	if (rv == -1)
		return -1;
	return commit(w, dir, tmp, leaf, f) == -1 ? -1 : 0;
}

/* Open the member's directory (made by tarw_mkdir) without following. */
static int
open_dir(struct tarw *w, const char *name)
{
	if (strcmp(name, ".") == 0)
		return openat(w->root, ".", O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
	return beneath_open(w->root, name, O_RDONLY | O_DIRECTORY, 0);
}

int
tarw_mkdir(struct tarw *w, const struct tarw_item *it, dev_t *dev,
    ino_t *ino, struct fault *f)
{
	const char *leaf;
	struct stat st;
	int dir, fd;

	if (strcmp(it->name, ".") != 0) {
		if ((dir = tarw_parent(w, it->name, true, &leaf)) == -1) {
			fault_set(f, FAULT_MKDIR);
			return -1;
		}
		if (mkdirat(dir, leaf, 0700) == -1 && errno == EEXIST &&
		    fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !S_ISDIR(st.st_mode) && !w->o->noclobber &&
		    unlinkat(dir, leaf, 0) == 0)
			(void)mkdirat(dir, leaf, 0700);	/* last one wins */
	}
	if ((fd = open_dir(w, it->name)) == -1 || fstat(fd, &st) == -1) {
		fault_set(f, FAULT_MKDIR);
		if (fd != -1)
			(void)close(fd);
		return -1;
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	(void)close(fd);
	return 0;
}

int
tarw_dir_end(struct tarw *w, const struct tarw_item *it, dev_t dev,
    ino_t ino, int *xerr, struct fault *f)
{
	struct meta_target t = { -1, AT_FDCWD, it->name, false };
	struct stat st;
	int fd, rv = -1;

	*xerr = 0;
	if ((fd = open_dir(w, it->name)) == -1 || fstat(fd, &st) == -1)
		fault_set(f, FAULT_OPEN_DST);
	else if (dev != 0 && (st.st_dev != dev || st.st_ino != ino))
		fault_setc(f, FAULT_OPEN_DST, ESTALE);	/* replaced */
	else {
		t.fd = fd;
		if ((rv = meta(w, it, &t, xerr, f)) != -1 && w->o->fsync &&
		    fsync(fd) == -1) {
			fault_set(f, FAULT_SYNC);
			rv = -1;
		}
	}
	if (fd != -1)
		(void)close(fd);
	return rv;
}
