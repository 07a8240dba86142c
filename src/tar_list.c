/*
 * --list-tar: member names, one a line, as `tar -t`; with -v also the
 * type and mode, owner, size, mtime, link target and, for the parallel
 * path's sake, where the header and the data start in the archive.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "compat.h"
#include "tar.h"

/* A name as tar -t prints it: C escapes for what is not printable ASCII,
 * so every member is one line. */
static void
put_name(const char *s)
{
	static const char from[] = "\\\a\b\f\n\r\t\v", to[] = "\\abfnrtv";
	const unsigned char *p;
	const char *c;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((c = strchr(from, *p)) != NULL)
			printf("\\%c", to[c - from]);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\%03o", *p);
		else
			putchar(*p);
	}
}

static void
verbose(struct archive *a, struct archive_entry *e)
{
	char when[32];
	time_t t = archive_entry_mtime(e);
	const char *u = archive_entry_uname(e), *g = archive_entry_gname(e);
	const char *link = archive_entry_hardlink(e);
	struct tm tm;

	(void)strftime(when, sizeof(when), "%Y-%m-%d %H:%M",
	    localtime_r(&t, &tm));
	printf("%s ", archive_entry_strmode(e));
	if (u != NULL)
		printf("%s/", u);
	else
		printf("%jd/", (intmax_t)archive_entry_uid(e));
	if (g != NULL)
		printf("%s", g);
	else
		printf("%jd", (intmax_t)archive_entry_gid(e));
	printf(" %jd %s ", (intmax_t)archive_entry_size(e), when);
	put_name(archive_entry_pathname(e));
	if (archive_entry_symlink(e) != NULL) {
		printf(" -> ");
		put_name(archive_entry_symlink(e));
	}
	if (link != NULL) {
		printf(" link to ");
		put_name(link);
	}
	printf("  [header @%jd, data @%jd]\n",
	    (intmax_t)archive_read_header_position(a),
	    (intmax_t)archive_filter_bytes(a, 0));
}

int
tar_list(const struct opts *o)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int r;

	if (a == NULL)
		errc(1, ENOMEM, "libarchive");
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	if (archive_read_open_filename(a, strcmp(o->tar_path, "-") == 0 ?
	    NULL : o->tar_path, 65536) != ARCHIVE_OK) {
		warnx("%s: %s", o->tar_path, archive_error_string(a));
		(void)archive_read_free(a);
		return 1;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		if (o->verbose > 0)
			verbose(a, e);
		else {
			put_name(archive_entry_pathname(e));
			putchar('\n');
		}
		(void)archive_read_data_skip(a);
	}
	if (r != ARCHIVE_EOF)
		warnx("%s: %s", o->tar_path, archive_error_string(a));
	(void)archive_read_free(a);
	return r == ARCHIVE_EOF ? 0 : 1;
}
