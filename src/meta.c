/*
 * Metadata, in the order that keeps each step from undoing another:
 * owner first (chown clears set-id bits), then extended attributes (an
 * ACL sets the group bits), then the mode, then the times (every earlier
 * step may touch ctime, none of them the times we set last).
 *
 * Like cp, an unprivileged user silently keeps its own ownership (chown
 * to another user is EPERM), and then set-id bits are dropped.  Under -a
 * (not an explicit --preserve=xattr) a file system without xattr support
 * is not an error either.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "meta.h"

/* Shared by one process's calls: workers and the parent are single
 * threaded, and these are too big for a small stack. */
static char names[XATTR_LIST_MAX];
static char value[XATTR_SIZE_MAX];

/* chown; false when the owner could not be kept but that is fine. */
static int
owner(const struct meta_target *t, const struct node *n, bool *kept,
    struct fault *f)
{
	int rv;

	*kept = true;
	rv = t->fd != -1 ? fchown(t->fd, n->uid, n->gid) :
	    fchownat(t->dir, t->name, n->uid, n->gid, AT_SYMLINK_NOFOLLOW);
	if (rv == 0)
		return 0;
	*kept = false;
	if ((errno == EPERM || errno == EINVAL) && geteuid() != 0) {
		/* The owner is not ours to give, but a group of ours is (cp
		 * -p by a user keeps a supplementary group). */
		(void)(t->fd != -1 ? fchown(t->fd, (uid_t)-1, n->gid) :
		    fchownat(t->dir, t->name, (uid_t)-1, n->gid,
		    AT_SYMLINK_NOFOLLOW));
		return 0;
	}
	fault_set(f, FAULT_CHOWN);
	return -1;
}

static bool
unsupported(int err)
{
	return err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS;
}

int
meta_setxattr(const struct meta_target *t, const char *name, const void *v,
    size_t len)
{
	char proc[64];
	int fd, rv, saved;

	if (t->fd != -1)
		return fsetxattr(t->fd, name, v, len, 0);
	if (t->dir == AT_FDCWD)
		return lsetxattr(t->name, name, v, len, 0);
	/* No lsetxattrat: name's own inode, through /proc's link to it. */
	if ((fd = openat(t->dir, t->name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) ==
	    -1)
		return -1;
	(void)snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rv = setxattr(proc, name, v, len, 0);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

/*
 * A source without a descriptor: its name in dir, reached through an
 * O_PATH descriptor (no l*xattrat exists) and /proc's link to it.
 * Returns that descriptor (proc names it), or -1.
 */
static int
by_proc(const struct meta_src *s, char *proc, size_t len)
{
	int fd;

	if ((fd = openat(s->dir, s->name, O_PATH | O_CLOEXEC | (s->follow ?
	    0 : O_NOFOLLOW))) == -1)
		return -1;
	(void)snprintf(proc, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void
close_keep_errno(int fd)
{
	int saved = errno;

	(void)close(fd);
	errno = saved;
}

/*
 * Through a descriptor (every regular file), the size is asked first: the
 * kernel allocates (and for values zeroes) a buffer of the size offered,
 * 64 KiB here, per call; most files have no attributes, and that answer
 * then takes one cheap call.  A list or value grown meanwhile (ERANGE)
 * gets the whole buffer.
 */
static ssize_t
list_fd(int fd)
{
	ssize_t need, rv;

	if ((need = flistxattr(fd, NULL, 0)) <= 0)
		return need;
	if ((size_t)need > sizeof(names) || ((rv = flistxattr(fd, names,
	    (size_t)need)) == -1 && errno == ERANGE))
		rv = flistxattr(fd, names, sizeof(names));
	return rv;
}

static ssize_t
get_fd(int fd, const char *name)
{
	ssize_t need, rv;

	if ((need = fgetxattr(fd, name, NULL, 0)) <= 0)
		return need;
	if ((size_t)need > sizeof(value) || ((rv = fgetxattr(fd, name, value,
	    (size_t)need)) == -1 && errno == ERANGE))
		rv = fgetxattr(fd, name, value, sizeof(value));
	return rv;
}

static ssize_t
list(const struct meta_src *s)
{
	char proc[64];
	ssize_t rv;
	int fd;

	if (s->fd != -1)
		return list_fd(s->fd);
	if ((fd = by_proc(s, proc, sizeof(proc))) == -1)
		return -1;
	rv = listxattr(proc, names, sizeof(names));
	close_keep_errno(fd);
	return rv;
}

static ssize_t
get(const struct meta_src *s, const char *name)
{
	char proc[64];
	ssize_t rv;
	int fd;

	if (s->fd != -1)
		return get_fd(s->fd, name);
	if ((fd = by_proc(s, proc, sizeof(proc))) == -1)
		return -1;
	rv = getxattr(proc, name, value, sizeof(value));
	close_keep_errno(fd);
	return rv;
}

static int
xattrs(const struct meta_target *t, const struct meta_src *s,
    const struct node *n, const struct opts *o, struct fault *f)
{
	ssize_t len, vlen;
	char *name;
	bool acl;
	int rv, set = 0;

	if ((len = list(s)) == -1) {
		if (unsupported(errno))
			return 0;
		fault_set(f, FAULT_GETXATTR);
		return -1;
	}
	for (name = names; name < names + len; name += strlen(name) + 1) {
		/* --preserve=mode keeps the POSIX ACL (it is the mode's
		 * extension, as cp keeps it); the rest needs xattr. */
		acl = strncmp(name, "system.posix_acl_", 17) == 0;
		if (!acl && !(o->preserve & PRESERVE_XATTR))
			continue;
		if ((vlen = get(s, name)) == -1) {
			fault_set(f, FAULT_GETXATTR);
			return -1;
		}
		rv = meta_setxattr(t, name, value, (size_t)vlen);
		if (rv == 0) {
			set++;
			continue;
		}
		/* Links take no user.* attributes; -a tolerates the rest,
		 * and a mode's ACL where the file system has none. */
		if (n->type == FT_LNK || (acl && !(o->preserve &
		    PRESERVE_XATTR) && unsupported(errno)) ||
		    (o->xattr_quiet && (unsupported(errno) || errno == EPERM)))
			continue;
		fault_set(f, FAULT_SETXATTR);
		return -1;
	}
	return set;
}

/* The mode n's copy gets, in *m; false: it keeps the one it has. */
static bool
wanted_mode(const struct node *n, const struct opts *o, mode_t umask,
    bool owner_kept, mode_t *m)
{
	if (n->type == FT_LNK)
		return false;		/* Linux has no link modes */
	if (o->preserve & PRESERVE_MODE) {
		*m = n->mode & 07777;
		if (!owner_kept)
			*m &= ~(mode_t)(S_ISUID | S_ISGID);
	} else if (n->existed)
		return false;
	else if (o->default_mode)	/* --no-preserve=mode, as cp */
		*m = (n->type == FT_DIR ? 0777 : 0666) & ~umask;
	else		/* as cp's mkdir: a directory keeps its sticky bit */
		*m = n->mode & (n->type == FT_DIR ? 01777 : 0777) & ~umask;
	return true;
}

static int
set_mode(const struct meta_target *t, mode_t m, struct fault *f)
{
	int rv;

	/* glibc does AT_SYMLINK_NOFOLLOW through an O_PATH descriptor */
	rv = t->fd != -1 ? fchmod(t->fd, m) : fchmodat(t->dir, t->name, m,
	    AT_SYMLINK_NOFOLLOW);
	if (rv == -1) {
		fault_set(f, FAULT_CHMOD);
		return -1;
	}
	return 0;
}

static int
times(const struct meta_target *t, const struct node *n, struct fault *f)
{
	struct timespec ts[2];
	int rv;

	ts[0] = n->atime;
	ts[1] = n->mtime;
	rv = t->fd != -1 ? futimens(t->fd, ts) :
	    utimensat(t->dir, t->name, ts, AT_SYMLINK_NOFOLLOW);
	if (rv == -1) {
		fault_set(f, FAULT_UTIMES);
		return -1;
	}
	return 0;
}

int
meta_apply_with(const struct meta_target *t, const struct node *n,
    const struct opts *o, mode_t umask, meta_xattr_fn *xa, const void *arg,
    struct fault *f)
{
	const struct stat *made = NULL;	/* a fresh copy's, while it holds */
	struct stat st;
	bool kept = false;
	mode_t m;
	int set;

	if (t->fresh && fstat(t->fd, &st) == 0)
		made = &st;
	if (o->preserve & PRESERVE_OWNER) {
		if (made != NULL && st.st_uid == n->uid && st.st_gid == n->gid)
			kept = true;
		else if (owner(t, n, &kept, f) == -1)
			return -1;
		else
			made = NULL;
	}
	if ((o->preserve & (PRESERVE_XATTR | PRESERVE_MODE)) &&
	    (set = xa(arg, t, n, o, f)) != 0) {
		if (set == -1)
			return -1;
		made = NULL;		/* an ACL is a mode too */
	}
	if (wanted_mode(n, o, umask, kept, &m) && !(made != NULL &&
	    (made->st_mode & 07777) == m) && set_mode(t, m, f) == -1)
		return -1;
	if ((o->preserve & PRESERVE_TIMES) && times(t, n, f) == -1)
		return -1;
	return 0;
}

static int
xattrs_from(const void *s, const struct meta_target *t,
    const struct node *n, const struct opts *o, struct fault *f)
{
	return xattrs(t, s, n, o, f);
}

int
meta_apply_src(const struct meta_target *t, const struct meta_src *s,
    const struct node *n, const struct opts *o, mode_t umask,
    struct fault *f)
{
	return meta_apply_with(t, n, o, umask, xattrs_from, s, f);
}

int
meta_like_existing(const struct meta_target *t, const struct meta_src *old,
    const struct opts *o, struct fault *f)
{
	struct node was;
	struct stat st;
	bool kept;
	ssize_t len;

	if ((o->preserve & PRESERVE_MODE) || o->remove_dest ||
	    o->backup.kind != BACKUP_NONE || fstatat(old->dir, old->name, &st,
	    AT_SYMLINK_NOFOLLOW) == -1 || !S_ISREG(st.st_mode))
		return 0;
	memset(&was, 0, sizeof(was));
	was.uid = st.st_uid;
	was.gid = st.st_gid;
	if (!(o->preserve & PRESERVE_OWNER) && owner(t, &was, &kept, f) == -1)
		return -1;
	if ((len = get(old, "system.posix_acl_access")) > 0 &&
	    meta_setxattr(t, "system.posix_acl_access", value, (size_t)len) ==
	    -1 && !unsupported(errno)) {
		fault_set(f, FAULT_SETXATTR);
		return -1;
	}
	/* After the ACL (which set the group bits): the mode it had. */
	if ((t->fd != -1 ? fchmod(t->fd, st.st_mode & 07777) : fchmodat(t->dir,
	    t->name, st.st_mode & 07777, AT_SYMLINK_NOFOLLOW)) == -1) {
		fault_set(f, FAULT_CHMOD);
		return -1;
	}
	return 0;
}

bool
meta_unsupported(int err)
{
	return unsupported(err);
}
