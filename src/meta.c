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
owner(int fd, const char *dst, const struct node *n, bool *kept,
    struct fault *f)
{
	int rv;

	*kept = true;
	rv = fd != -1 ? fchown(fd, n->uid, n->gid) :
	    lchown(dst, n->uid, n->gid);
	if (rv == 0)
		return 0;
	*kept = false;
	if ((errno == EPERM || errno == EINVAL) && geteuid() != 0)
		return 0;
	fault_set(f, FAULT_CHOWN);
	return -1;
}

static bool
unsupported(int err)
{
	return err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS;
}

static int
xattrs(int fd, const char *dst, const char *src, const struct node *n,
    const struct opts *o, struct fault *f)
{
	ssize_t len, vlen;
	char *name;
	int rv;

	if ((len = llistxattr(src, names, sizeof(names))) == -1) {
		if (unsupported(errno))
			return 0;
		fault_set(f, FAULT_GETXATTR);
		return -1;
	}
	for (name = names; name < names + len; name += strlen(name) + 1) {
		if ((vlen = lgetxattr(src, name, value, sizeof(value))) == -1) {
			fault_set(f, FAULT_GETXATTR);
			return -1;
		}
		rv = fd != -1 ? fsetxattr(fd, name, value, (size_t)vlen, 0) :
		    lsetxattr(dst, name, value, (size_t)vlen, 0);
		if (rv == 0)
			continue;
		/* Links take no user.* attributes; -a tolerates the rest. */
		if (n->type == FT_LNK ||
		    (o->xattr_quiet && (unsupported(errno) || errno == EPERM)))
			continue;
		fault_set(f, FAULT_SETXATTR);
		return -1;
	}
	return 0;
}

static int
mode(int fd, const char *dst, const struct node *n, const struct opts *o,
    mode_t umask, bool owner_kept, struct fault *f)
{
	mode_t m;
	int rv;

	if (n->type == FT_LNK)
		return 0;		/* Linux has no link modes */
	if (o->preserve & PRESERVE_MODE) {
		m = n->mode & 07777;
		if (!owner_kept)
			m &= ~(mode_t)(S_ISUID | S_ISGID);
	} else if (n->existed)
		return 0;
	else
		m = n->mode & 0777 & ~umask;
	rv = fd != -1 ? fchmod(fd, m) : chmod(dst, m);
	if (rv == -1) {
		fault_set(f, FAULT_CHMOD);
		return -1;
	}
	return 0;
}

static int
times(int fd, const char *dst, const struct node *n, struct fault *f)
{
	struct timespec ts[2];
	int rv;

	ts[0] = n->atime;
	ts[1] = n->mtime;
	rv = fd != -1 ? futimens(fd, ts) :
	    utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
	if (rv == -1) {
		fault_set(f, FAULT_UTIMES);
		return -1;
	}
	return 0;
}

int
meta_apply_with(int fd, const char *dst, const struct node *n,
    const struct opts *o, mode_t umask, meta_xattr_fn *xa, const void *arg,
    struct fault *f)
{
	bool kept = false;

	if ((o->preserve & PRESERVE_OWNER) &&
	    owner(fd, dst, n, &kept, f) == -1)
		return -1;
	if ((o->preserve & PRESERVE_XATTR) && xa(arg, fd, dst, n, o, f) == -1)
		return -1;
	if (mode(fd, dst, n, o, umask, kept, f) == -1)
		return -1;
	if ((o->preserve & PRESERVE_TIMES) && times(fd, dst, n, f) == -1)
		return -1;
	return 0;
}

static int
xattrs_from_path(const void *src, int fd, const char *dst,
    const struct node *n, const struct opts *o, struct fault *f)
{
	return xattrs(fd, dst, src, n, o, f);
}

int
meta_apply(int fd, const char *dst, const char *src, const struct node *n,
    const struct opts *o, mode_t umask, struct fault *f)
{
	return meta_apply_with(fd, dst, n, o, umask, xattrs_from_path, src, f);
}

bool
meta_unsupported(int err)
{
	return unsupported(err);
}
