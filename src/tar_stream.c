/*
 * Streamed extraction, for what cannot be read by offset: compressed
 * archives (.tar.gz, .tar.zst, .tar.xz), pipes, zip, GNU sparse members.
 * libarchive reads and writes each member in turn (archive_write_disk,
 * with its own guards against "..", absolute paths and symlinks, and safe
 * writes: a temp file renamed into place); parcp's checks (tar_check.c)
 * come first, so refusals read the same either way.
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
#include "sig.h"
#include "tar.h"
#include "tarx.h"
#include "util.h"

static int
disk_flags(const struct opts *o)
{
	int fl = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
	    ARCHIVE_EXTRACT_SECURE_NODOTDOT |
	    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

#ifdef ARCHIVE_EXTRACT_SAFE_WRITES
	fl |= ARCHIVE_EXTRACT_SAFE_WRITES;
#endif
	if (o->preserve & PRESERVE_MODE)
		fl |= ARCHIVE_EXTRACT_PERM;
	if (o->preserve & PRESERVE_OWNER)
		fl |= ARCHIVE_EXTRACT_OWNER;
	if (o->preserve & PRESERVE_XATTR)
		fl |= ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL;
	return fl;
}

/* Rewrite e's names to their place under dest. */
static int
relocate(struct tarx *x, struct archive_entry *e, const char *name)
{
	char path[PATH_MAX];
	const char *link = archive_entry_hardlink(e);

	if (snprintf(path, sizeof(path), "%s/%s", x->dest, name) >=
	    (int)sizeof(path))
		return -1;
	archive_entry_copy_pathname(e, path);
	if (link != NULL) {
		if (snprintf(path, sizeof(path), "%s/%s", x->dest, link) >=
		    (int)sizeof(path))
			return -1;
		archive_entry_copy_hardlink(e, path);
	}
	return 0;
}

/* One member: checked, then written by libarchive. */
static void
member(struct tarx *x, struct archive *a, struct archive *disk,
    struct archive_entry *e)
{
	char *name;
	int64_t size = archive_entry_size(e);

	if ((name = tarx_check(x, e)) == NULL)
		return;
	x->pr.nfiles++;
	if (relocate(x, e, name) == -1)
		tarx_refuse(x, e, strerror(ENAMETOOLONG));
	else if (archive_read_extract2(a, e, disk) < ARCHIVE_WARN)
		tarx_refuse(x, e, archive_error_string(disk));
	else {
		x->pr.files++;
		if (S_ISDIR(archive_entry_mode(e)))
			x->st->dirs++;
		else
			x->st->files++;
		if (S_ISREG(archive_entry_mode(e)))
			x->st->bytes += (uint64_t)size;
		if (x->o->verbose > 0)
			fprintf(x->o->json ? stderr : stdout, "%s\n", name);
	}
	free(name);
}

static struct archive *
open_archive(struct tarx *x)
{
	struct archive *a = archive_read_new();
	const char *path = x->o->tar_path;

	if (a == NULL)
		errc(1, ENOMEM, "libarchive");
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	if (archive_read_open_filename(a, strcmp(path, "-") == 0 ? NULL :
	    path, 65536) != ARCHIVE_OK) {
		warnx("%s: %s", path, archive_error_string(a));
		x->status = 1;
		(void)archive_read_free(a);
		return NULL;
	}
	return a;
}

int
tarx_stream(struct tarx *x)
{
	struct archive *a, *disk;
	struct archive_entry *e;
	int r, sig = 0;

	if ((a = open_archive(x)) == NULL)
		return 0;
	if ((disk = archive_write_disk_new()) == NULL ||
	    archive_write_disk_set_options(disk, disk_flags(x->o)) !=
	    ARCHIVE_OK || archive_write_disk_set_standard_lookup(disk) !=
	    ARCHIVE_OK)
		errx(1, "libarchive: cannot write to disk");
	progress_start(&x->pr, x->o->progress, (uint64_t)x->asize, 0);
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		if ((sig = sig_caught()) != 0)
			break;
		member(x, a, disk, e);
		progress_update(&x->pr, (uint64_t)archive_filter_bytes(a, -1));
	}
	if (sig == 0 && r != ARCHIVE_EOF) {
		warnx("%s: %s", x->o->tar_path, archive_error_string(a));
		x->status = 1;
	}
	if (archive_write_close(disk) != ARCHIVE_OK && sig == 0) {
		warnx("%s: %s", x->dest, archive_error_string(disk));
		x->status = 1;
	}
	(void)archive_write_free(disk);
	(void)archive_read_free(a);
	return sig;
}
