/*
 * What an untrusted archive may do.  Each refusal is one error line naming
 * the member; the rest of the archive is extracted (exit status 1):
 *
 *  ../x, a/../../x       refused: it would leave DEST
 *  /etc/x                extracted as etc/x with a warning, as tar does
 *  link -> /etc, link/x  refused: never written through a symlink, one
 *                        extracted earlier or one already in DEST (the
 *                        member writer resolves every path beneath DEST's
 *                        descriptor, so a symlink that appears later, a
 *                        race, fails the member too)
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
#include "nameset.h"
#include "quote.h"
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

const char *
tarx_name(struct archive_entry *e)
{
	const char *s;

	/* NULL when the name cannot be converted to the locale's charset */
	if ((s = archive_entry_pathname(e)) != NULL ||
	    (s = archive_entry_pathname_utf8(e)) != NULL)
		return s;
	return "";
}

static void
count_error(struct tarx *x)
{
	x->st->failed++;
	x->pr.errors++;
	if (x->status == 0)
		x->status = 1;
	progress_clear(&x->pr);
}

void
tarx_refuse(struct tarx *x, struct archive_entry *e, const char *why)
{
	count_error(x);
	if (!x->quiet)
		warnx("cannot extract %s: %s", quote(tarx_name(e)), why);
}

void
tarx_warn_xattr(struct tarx *x, struct archive_entry *e, int err)
{
	if (x->status == 0)
		x->status = 1;
	x->pr.errors++;
	progress_clear(&x->pr);
	warnx("%s: cannot set extended attributes or ACL: %s",
	    quote(tarx_name(e)), strerror(err));
}

int
tarx_archive_error(struct tarx *x, struct archive *a, int r)
{
	const char *msg = archive_error_string(a);

	if (msg == NULL)
		msg = r == ARCHIVE_WARN ? "unknown warning" : "unknown error";
	progress_clear(&x->pr);
	if (r != ARCHIVE_WARN && x->status == 0)
		x->status = 1;
	if (!x->quiet)
		warnx("%s: %s%s", quote(x->o->tar_path),
		    r == ARCHIVE_WARN ? "warning: " : "", msg);
	return r;
}

/* What errno err means for a member's path. */
static const char *
path_error(int err)
{
	return err == ELOOP ? "would be written through a symlink" :
	    strerror(err);
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

/* A hard link's target, cleaned into target; NULL or why not. */
static const char *
link_target(struct archive_entry *e, char *target, size_t len,
    bool *stripped)
{
	const char *link = archive_entry_hardlink(e), *why = NULL;
	int r;

	if (link == NULL && (link = archive_entry_hardlink_utf8(e)) == NULL)
		return "hard link target cannot be read";
	if ((r = tar_clean_name(link, target, len, stripped, &why)) == 1)
		return "hard link target is DEST";
	if (r == -1)
		return strcmp(why, "contains '..'") == 0 ?
		    "hard link target contains '..'" : why;
	return NULL;
}

void
tarx_later_add(struct tarx *x, const char *name)
{
	(void)nameset_add(&x->later, name);
}

void
tarx_later_del(struct tarx *x, const char *name)
{
	nameset_del(&x->later, name);
}

void
tarx_later_free(struct tarx *x)
{
	nameset_free(&x->later);
}

/* Is a directory on the way to name a file that is still to come? */
static bool
through_later(const struct tarx *x, const char *name)
{
	const char *slash;

	for (slash = strchr(name, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/'))
		if (nameset_has(&x->later, name, (size_t)(slash - name)))
			return true;
	return false;
}

char *
tarx_check(struct tarx *x, struct archive_entry *e)
{
	char clean[PATH_MAX], target[PATH_MAX];
	const char *why = NULL, *leaf;
	bool stripped, lstripped = false, link;
	int self;

	link = archive_entry_hardlink(e) != NULL ||
	    archive_entry_hardlink_utf8(e) != NULL;
	if ((self = tar_clean_name(tarx_name(e), clean, sizeof(clean),
	    &stripped, &why)) == -1) {
		tarx_refuse(x, e, why);
		return NULL;
	}
	if (self == 1 && (link || !S_ISDIR(archive_entry_mode(e)))) {
		tarx_refuse(x, e, "not a directory but named as DEST");
		return NULL;
	}
	if (link && (why = link_target(e, target, sizeof(target),
	    &lstripped)) != NULL) {
		tarx_refuse(x, e, why);
		return NULL;
	}
	if ((stripped || lstripped) && !x->stripped) {
		x->stripped = true;
		progress_clear(&x->pr);
		warnx("removing leading '/' from member names");
	}
	if (!link && !allowed_type(x, archive_entry_mode(e))) {
		tarx_refuse(x, e, "device node not extracted (needs root "
		    "and -a)");
		return NULL;
	}
	if (self == 0 && through_later(x, clean)) {
		tarx_refuse(x, e, strerror(ENOTDIR));
		return NULL;
	}
	if (self == 0 && tarw_parent(&x->w, clean, true, &leaf) == -1) {
		tarx_refuse(x, e, path_error(errno));
		return NULL;
	}
	if (link)
		archive_entry_copy_hardlink(e, target);
	return xstrdup(clean);
}

void
tarx_fail(struct tarx *x, size_t i, const struct fault *f)
{
	struct member *m = &x->m[i];
	char why[256];

	if (m->state == NS_FAILED)
		return;
	m->state = NS_FAILED;
	if (f->op == FAULT_INTR)
		return;
	if (f->err == ELOOP)
		(void)snprintf(why, sizeof(why), "%s", f->op == FAULT_LINK ?
		    "hard link target would be reached through a symlink" :
		    "would be written through a symlink");
	else
		(void)fault_format(f, why, sizeof(why));
	count_error(x);
	warnx("cannot extract %s: %s", quote(m->e != NULL ?
	    tarx_name(m->e) : m->name), why);
	if (f->op == FAULT_VERIFY)
		x->status = 3;
}
