/*
 * --list-tar: member names, one a line, as `tar -t`; with -v also the
 * type and mode, owner, size, mtime, link target and, for the parallel
 * path's sake, where the header and the data start in the archive.
 *
 * The archive is untrusted: a name libarchive cannot convert is shown in
 * its UTF-8 form or as '', an mtime past localtime's range as seconds, and
 * nothing from the archive reaches the terminal unescaped.  Each problem
 * libarchive reports is one line on stderr and makes the status 1, as
 * with `tar -t`; only a fatal one stops the listing.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <archive.h>
#include <archive_entry.h>

#include "compat.h"
#include "tar.h"

/*
 * libarchive's tar reader gets past a damaged header one 512-byte block
 * per ARCHIVE_RETRY; a reader that returned it without moving on would
 * loop forever, so give up after this many in a row.
 */
#define LIST_RETRY_MAX	1000000

/* The C escapes: esc_in[i] is shown as a backslash and esc_out[i]. */
static const char esc_in[] = "\\\a\b\f\n\r\t\v", esc_out[] = "\\abfnrtv";

/* A name as tar -t prints it: C escapes for what is not printable ASCII,
 * so every member is one line and no escape sequence reaches the
 * terminal.  The empty name, which would be an empty line, is ''. */
static void
put_name(const char *s)
{
	const unsigned char *p;
	const char *c;

	if (*s == '\0')
		fputs("''", stdout);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((c = strchr(esc_in, *p)) != NULL)
			printf("\\%c", esc_out[c - esc_in]);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\%03o", *p);
		else
			putchar(*p);
	}
}

/*
 * What libarchive returns for a name it cannot convert to the locale's
 * charset is NULL: then the name as UTF-8, then "".  For a link target
 * NULL also means "none", hence def.
 */
static const char *
name_or(const char *native, const char *utf8, const char *def)
{
	if (native != NULL)
		return native;
	return utf8 != NULL ? utf8 : def;
}

/* A user or group name, or the number when there is no name. */
static void
put_owner(const char *native, const char *utf8, int64_t id)
{
	const char *s = name_or(native, utf8, NULL);

	if (s != NULL && *s != '\0')
		put_name(s);
	else
		printf("%jd", (intmax_t)id);
}

/* localtime fails past its year range (mtime 2^62 or -2^62): seconds. */
static void
put_time(time_t t)
{
	char when[32];
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof(when),
	    "%Y-%m-%d %H:%M", &tm) == 0)
		printf("%jd", (intmax_t)t);
	else
		fputs(when, stdout);
}

/* One line of -v. */
static void
put_long(struct archive *a, struct archive_entry *e)
{
	const char *link;

	printf("%s ", archive_entry_strmode(e));
	put_owner(archive_entry_uname(e), archive_entry_uname_utf8(e),
	    archive_entry_uid(e));
	putchar('/');
	put_owner(archive_entry_gname(e), archive_entry_gname_utf8(e),
	    archive_entry_gid(e));
	printf(" %jd ", (intmax_t)archive_entry_size(e));
	put_time(archive_entry_mtime(e));
	putchar(' ');
	put_name(name_or(archive_entry_pathname(e),
	    archive_entry_pathname_utf8(e), ""));
	/* A symlink has a target even when it cannot be converted. */
	if ((link = name_or(archive_entry_symlink(e),
	    archive_entry_symlink_utf8(e), archive_entry_filetype(e) ==
	    AE_IFLNK ? "" : NULL)) != NULL) {
		printf(" -> ");
		put_name(link);
	}
	if ((link = name_or(archive_entry_hardlink(e),
	    archive_entry_hardlink_utf8(e), NULL)) != NULL) {
		printf(" link to ");
		put_name(link);
	}
	printf("  [header @%jd, data @%jd]\n",
	    (intmax_t)archive_read_header_position(a),
	    (intmax_t)archive_filter_bytes(a, 0));
}

/*
 * libarchive's last error on what, as one line; kind is "" or
 * "warning: ".  Its text can hold bytes of the archive, so control
 * characters are escaped (a backslash is left alone: it drives nothing).
 */
static void
report(struct archive *a, const char *what, const char *kind)
{
	const char *s = archive_error_string(a), *c;
	char msg[1024];
	size_t n = 0;

	if (s == NULL)
		s = "unknown error";
	for (; *s != '\0' && n + 5 < sizeof(msg); s++) {
		if ((c = strchr(esc_in + 1, *s)) != NULL) {
			msg[n++] = '\\';
			msg[n++] = esc_out[c - esc_in];
		} else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n,
			    "\\%03o", (unsigned char)*s);
		else
			msg[n++] = *s;
	}
	msg[n] = '\0';
	warnx("%s: %s%s", what, kind, msg);
}

int
tar_list_read(struct archive *a, const char *what, bool verbose)
{
	struct archive_entry *e;
	unsigned long retries = 0;
	int r, rv = 0;

	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF) {
		if (r == ARCHIVE_RETRY) {
			/* A damaged region is a run of these: one line. */
			if (retries++ == 0)
				report(a, what, "");
			rv = 1;
			if (retries < LIST_RETRY_MAX)
				continue;
			warnx("%s: giving up after %lu retries", what,
			    retries);
			break;
		}
		retries = 0;
		if (r != ARCHIVE_OK) {
			report(a, what, r == ARCHIVE_WARN ? "warning: " : "");
			rv = 1;
		}
		if (r == ARCHIVE_FATAL)
			break;
		/* Not listed.  Its data cannot be skipped here (libarchive
		 * refuses in this state); the next header read gets past it. */
		if (r == ARCHIVE_FAILED)
			continue;
		if (verbose)
			put_long(a, e);
		else {
			put_name(name_or(archive_entry_pathname(e),
			    archive_entry_pathname_utf8(e), ""));
			putchar('\n');
		}
		if ((r = archive_read_data_skip(a)) != ARCHIVE_OK) {
			report(a, what, r == ARCHIVE_WARN ? "warning: " : "");
			rv = 1;
			if (r == ARCHIVE_FATAL)
				break;
		}
	}
	return rv;
}

int
tar_list(const struct opts *o)
{
	struct archive *a = archive_read_new();
	int rv;

	if (a == NULL)
		errc(1, ENOMEM, "libarchive");
	/* ARCHIVE_WARN from these only says that some filters run an
	 * external program; ARCHIVE_FATAL, that a is not a reader. */
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	if (archive_read_open_filename(a, strcmp(o->tar_path, "-") == 0 ?
	    NULL : o->tar_path, 65536) != ARCHIVE_OK) {
		report(a, o->tar_path, "");
		(void)archive_read_free(a);
		return 1;
	}
	rv = tar_list_read(a, o->tar_path, o->verbose > 0);
	/* A close error after a fatal one would say the same again. */
	if (archive_read_close(a) != ARCHIVE_OK && rv == 0) {
		report(a, o->tar_path, "");
		rv = 1;
	}
	(void)archive_read_free(a);
	return rv;
}

const char *
tar_lib_version(void)
{
	return archive_version_details();
}
