/*
 * Member metadata.  POSIX ACLs travel in tar as text (SCHILY.acl.*), which
 * libarchive parses into entries; Linux takes them as the xattrs
 * system.posix_acl_access/default in a small binary layout: a version
 * word (2), then (tag, perm, id) triples sorted by tag and id.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/xattr.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>

#include "tarmeta.h"

#define ACL_VERSION	2
#define ACL_NOID	0xffffffffu
#define ACL_MAX		64		/* entries we carry per ACL */

/* Linux's ACL tags, in the order they must appear. */
enum { T_USER_OBJ = 0x01, T_USER = 0x02, T_GROUP_OBJ = 0x04, T_GROUP = 0x08,
    T_MASK = 0x10, T_OTHER = 0x20 };

struct ace {
	uint16_t	 tag;
	uint16_t	 perm;
	uint32_t	 id;
};

/*
 * An owner or group name to its id here, remembering the last answer of
 * each kind: archives repeat a handful of names, and each lookup would
 * read /etc/passwd again.  One process's cache (workers are single
 * threaded).
 */
static bool
lookup(const char *name, bool group, uint32_t *id)
{
	static char last[2][64];
	static uint32_t last_id[2];
	static bool known[2];
	struct passwd *pw;
	struct group *gr;
	int k = group;

	if (known[k] && strcmp(name, last[k]) == 0) {
		*id = last_id[k];
		return true;
	}
	if (group ? (gr = getgrnam(name)) == NULL : (pw = getpwnam(name)) ==
	    NULL)
		return false;
	*id = group ? gr->gr_gid : pw->pw_uid;
	if (strlen(name) < sizeof(last[k])) {
		(void)strcpy(last[k], name);
		last_id[k] = *id;
		known[k] = true;
	}
	return true;
}

void
tarmeta_node(struct archive_entry *e, struct node *n)
{
	mode_t m = archive_entry_mode(e);
	const char *name;
	uint32_t id;

	memset(n, 0, sizeof(*n));
	n->parent = n->link = NODE_NONE;
	n->type = (uint8_t)(S_ISDIR(m) ? FT_DIR : S_ISLNK(m) ? FT_LNK :
	    S_ISFIFO(m) ? FT_FIFO : S_ISCHR(m) ? FT_CHR : S_ISBLK(m) ? FT_BLK :
	    FT_REG);
	n->mode = m;
	n->uid = (uid_t)archive_entry_uid(e);
	n->gid = (gid_t)archive_entry_gid(e);
	if ((name = archive_entry_uname(e)) != NULL && lookup(name, false,
	    &id))
		n->uid = id;
	if ((name = archive_entry_gname(e)) != NULL && lookup(name, true,
	    &id))
		n->gid = id;
	n->size = archive_entry_size(e);
	n->rdev = archive_entry_rdev(e);
	n->mtime.tv_sec = archive_entry_mtime(e);
	n->mtime.tv_nsec = archive_entry_mtime_nsec(e);
	n->atime = n->mtime;
	if (archive_entry_atime_is_set(e)) {
		n->atime.tv_sec = archive_entry_atime(e);
		n->atime.tv_nsec = archive_entry_atime_nsec(e);
	}
}

static int
ace_cmp(const void *a, const void *b)
{
	const struct ace *x = a, *y = b;

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* A named entry's id: by name where this system knows it (as tar does),
 * else the number the archive recorded. */
static uint32_t
ace_id(uint16_t tag, int qual, const char *name)
{
	uint32_t id;

	if ((tag == T_USER || tag == T_GROUP) && name != NULL &&
	    lookup(name, tag == T_GROUP, &id))
		return id;
	return tag == T_USER || tag == T_GROUP ? (uint32_t)qual : ACL_NOID;
}

static uint16_t
tag_of(int t)
{
	switch (t) {
	case ARCHIVE_ENTRY_ACL_USER_OBJ:	return T_USER_OBJ;
	case ARCHIVE_ENTRY_ACL_USER:		return T_USER;
	case ARCHIVE_ENTRY_ACL_GROUP_OBJ:	return T_GROUP_OBJ;
	case ARCHIVE_ENTRY_ACL_GROUP:		return T_GROUP;
	case ARCHIVE_ENTRY_ACL_MASK:		return T_MASK;
	case ARCHIVE_ENTRY_ACL_OTHER:		return T_OTHER;
	default:				return 0;
	}
}

static void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

int
tarmeta_acl(struct archive_entry *e, int type, unsigned char *buf,
    size_t len)
{
	struct ace a[ACL_MAX];
	int etype, perm, tag, qual, n = 0, i;
	const char *name;

	if (archive_entry_acl_reset(e, type) <= 0)
		return 0;
	while (n < ACL_MAX && archive_entry_acl_next(e, type, &etype, &perm,
	    &tag, &qual, &name) == ARCHIVE_OK) {
		if ((a[n].tag = tag_of(tag)) == 0)
			continue;	/* NFSv4 "everyone@" and such */
		a[n].perm = (uint16_t)(perm & 07);
		a[n].id = ace_id(a[n].tag, qual, name);
		n++;
	}
	if (n == 0)
		return 0;
	if ((size_t)(4 + 8 * n) > len)
		return -1;
	qsort(a, (size_t)n, sizeof(a[0]), ace_cmp);
	put32(buf, ACL_VERSION);
	for (i = 0; i < n; i++) {
		put16(buf + 4 + 8 * i, a[i].tag);
		put16(buf + 6 + 8 * i, a[i].perm);
		put32(buf + 8 + 8 * i, a[i].id);
	}
	return 4 + 8 * n;
}

static int
set(const struct meta_target *t, const char *name, const void *v,
    size_t len, const struct opts *o, struct fault *f)
{
	if (meta_setxattr(t, name, v, len) == 0 || (o->xattr_quiet &&
	    (meta_unsupported(errno) || errno == EPERM)))
		return 0;
	fault_set(f, FAULT_SETXATTR);
	return -1;
}

/* The entry's ACLs, as extended attributes. */
static int
acls(struct archive_entry *e, const struct meta_target *t,
    const struct node *n, const struct opts *o, struct fault *f)
{
	unsigned char buf[4 + 8 * ACL_MAX];
	int len;

	if (n->type == FT_LNK)
		return 0;
	if ((len = tarmeta_acl(e, ARCHIVE_ENTRY_ACL_TYPE_ACCESS, buf,
	    sizeof(buf))) > 0 && set(t, "system.posix_acl_access", buf,
	    (size_t)len, o, f) == -1)
		return -1;
	if (n->type == FT_DIR && (len = tarmeta_acl(e,
	    ARCHIVE_ENTRY_ACL_TYPE_DEFAULT, buf, sizeof(buf))) > 0 &&
	    set(t, "system.posix_acl_default", buf, (size_t)len, o, f) == -1)
		return -1;
	return 0;
}

int
tarmeta_xattrs(const void *arg, const struct meta_target *t,
    const struct node *n, const struct opts *o, struct fault *f)
{
	struct tarmeta_xa *xa = (struct tarmeta_xa *)arg;
	struct archive_entry *e = xa->e;
	struct fault mine = { FAULT_NONE, 0 };
	const char *name;
	const void *v;
	size_t len;
	int tried;

	(void)f;
	if (!(o->preserve & PRESERVE_XATTR))
		return 0;		/* tar restores them with -a only */
	/* Counted as tried, set or not: 0 only when there were none. */
	tried = archive_entry_acl_count(e, ARCHIVE_ENTRY_ACL_TYPE_POSIX1E) > 0;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &v, &len) == ARCHIVE_OK) {
		tried++;
		if (set(t, name, v, len, o, &mine) == -1 && xa->err == 0)
			xa->err = mine.err;
	}
	if (acls(e, t, n, o, &mine) == -1 && xa->err == 0)
		xa->err = mine.err;
	return tried;
}
