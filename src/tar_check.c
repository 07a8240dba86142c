/*
 * What an untrusted archive may do.  Each refusal is one error line naming
 * the member; the rest of the archive is extracted (exit status 1):
 *
 *  ../x, a/../../x       refused: it would leave DEST
 *  /etc/x                extracted as etc/x with a warning, as tar does
 *  link -> /etc, link/x  refused: never written through a symlink, one
 *                        extracted earlier or one already in DEST
 *  device nodes          only as root with -a
 *  hard link to ../x     refused like its name
 *
 * Set-id bits are dropped unless owners are kept (meta.c).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "tar.h"
#include "tarx.h"
#include "util.h"

int
tar_clean_name(const char *name, char *buf, size_t len, bool *stripped,
    const char **why)
{
	const char *p = name, *end;
	size_t n, out = 0;

	*stripped = false;
	while (*p == '/') {
		*stripped = true;
		p++;
	}
	for (; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, '/');
		if (end == NULL)
			end = p + strlen(p);
		n = (size_t)(end - p);
		if (n == 0 || (n == 1 && p[0] == '.'))
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*why = "contains '..'";
			return -1;
		}
		if (out + n + 2 > len) {
			*why = strerror(ENAMETOOLONG);
			return -1;
		}
		if (out > 0)
			buf[out++] = '/';
		memcpy(buf + out, p, n);
		out += n;
	}
	buf[out] = '\0';
	if (out > 0)
		return 0;
	if (*name == '\0' || len < 2) {
		*why = "empty name";
		return -1;
	}
	(void)strcpy(buf, ".");		/* "./", "/": DEST itself */
	return 1;
}

void
tarx_refuse(struct tarx *x, struct archive_entry *e, const char *why)
{
	const char *name = archive_entry_pathname(e);

	/* NULL: a name the locale cannot hold; its UTF-8 form may exist. */
	if (name == NULL && (name = archive_entry_pathname_utf8(e)) == NULL)
		name = "''";
	x->st->failed++;
	x->pr.errors++;
	if (x->status == 0)
		x->status = 1;
	progress_clear(&x->pr);
	warnx("%s: %s", name, why);
}

/*
 * Each directory on the way to name under dest: made if missing (when
 * make), refused if it is a symlink or not a directory.  Returns 0, or -1
 * with *why.
 */
static int
parents(const char *dest, const char *name, bool make, const char **why)
{
	char path[PATH_MAX];
	const char *slash;
	struct stat st;
	int n;

	for (slash = strchr(name, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		n = snprintf(path, sizeof(path), "%s/%.*s", dest,
		    (int)(slash - name), name);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			*why = strerror(ENAMETOOLONG);
			return -1;
		}
		if (lstat(path, &st) == -1) {
			if (errno != ENOENT || !make || mkdir(path, 0700) == -1) {
				*why = strerror(errno);
				return -1;
			}
			continue;
		}
		if (S_ISLNK(st.st_mode)) {
			*why = "would be written through a symlink";
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			*why = strerror(ENOTDIR);
			return -1;
		}
	}
	return 0;
}

/*
 * Was name's directory checked for the member before?  Archives list a
 * directory's files together, so one check serves them all.  A directory
 * found good stays good: only this process writes here, and nothing it
 * writes can replace a directory (rename onto one fails).
 */
static bool
known_dir(const struct tarx *x, const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : 0;

	return slash == NULL || (len == x->dirlen && len > 0 &&
	    strncmp(name, x->dir, len) == 0);
}

/* name's directory passed: remember it for known_dir. */
static void
remember_dir(struct tarx *x, const char *name)
{
	const char *slash = strrchr(name, '/');
	size_t len = slash ? (size_t)(slash - name) : 0;

	if (slash != NULL && len < sizeof(x->dir)) {
		memcpy(x->dir, name, len);
		x->dir[len] = '\0';
		x->dirlen = len;
	}
}

/* Devices need root and -a (which keeps owners and modes). */
static bool
allowed_type(const struct tarx *x, mode_t m)
{
	if (!S_ISCHR(m) && !S_ISBLK(m))
		return true;
	return geteuid() == 0 && (x->o->preserve & PRESERVE_ALL) ==
	    PRESERVE_ALL;
}

/* Refuse e for why (prefixed by what); NULL for the caller. */
static char *
refuse(struct tarx *x, struct archive_entry *e, const char *what,
    const char *why)
{
	char msg[512];

	(void)snprintf(msg, sizeof(msg), "refused: %s%s", what, why);
	tarx_refuse(x, e, msg);
	return NULL;
}

char *
tarx_check(struct tarx *x, struct archive_entry *e)
{
	char clean[PATH_MAX], target[PATH_MAX];
	const char *why = NULL, *link = archive_entry_hardlink(e);
	bool stripped, lstripped = false;
	int self;

	/* libarchive could not convert the name to the locale's charset
	 * (a zip's UTF-8 name in the C locale): there is none to write. */
	if (archive_entry_pathname(e) == NULL)
		return refuse(x, e, "", "name not valid in the locale's "
		    "character set");
	if ((self = tar_clean_name(archive_entry_pathname(e), clean,
	    sizeof(clean), &stripped, &why)) == -1)
		return refuse(x, e, "", why);
	if (self == 1 && !S_ISDIR(archive_entry_mode(e)))
		return refuse(x, e, "", "not a directory but named as DEST");
	if (link != NULL && (tar_clean_name(link, target, sizeof(target),
	    &lstripped, &why) != 0 || parents(x->dest, target, false,
	    &why) == -1))
		return refuse(x, e, "hard link target: ", why);
	if ((stripped || lstripped) && !x->stripped) {
		x->stripped = true;
		warnx("removing leading '/' from member names");
	}
	if (!allowed_type(x, archive_entry_mode(e))) {
		tarx_refuse(x, e, "device node not extracted (needs root "
		    "and -a)");
		return NULL;
	}
	if (!known_dir(x, clean)) {
		if (parents(x->dest, clean, true, &why) == -1)
			return refuse(x, e, "", why);
		remember_dir(x, clean);
	}
	if (link != NULL)
		archive_entry_copy_hardlink(e, target);
	return xstrdup(clean);
}
