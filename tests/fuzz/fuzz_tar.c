/*
 * afl++ target: the input bytes as an archive, read by libarchive with
 * every filter and format, the way parcp reads an untrusted one.  Pass
 * one is extraction's view: each member's name and hard link target go
 * through tar_clean_name() and all its data blocks are read.  Pass two
 * is --list-tar -v (tar_list_read()) over the same bytes.  A crash or a
 * sanitizer report in either is a bug; libarchive's own errors are not.
 *
 * Built by `make fuzz` with afl-clang-fast, which gives persistent mode
 * (many inputs per process); built with any other compiler it reads one
 * input from stdin, so that a crash can be replayed under gdb.
 */
#include "config.h"

#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "tar.h"

#ifndef __AFL_FUZZ_TESTCASE_LEN
/* Outside afl++: one input from stdin, one round. */
static unsigned char	 in_buf[1 << 20];
static ssize_t		 in_len;
static bool		 in_done;
#define __AFL_FUZZ_INIT()	struct fuzz_unused
#define __AFL_INIT()		do { } while (0)
#define __AFL_FUZZ_TESTCASE_BUF	in_buf
#define __AFL_FUZZ_TESTCASE_LEN	in_len
#define __AFL_LOOP(n)		(!in_done && (in_done = true) &&	\
	(in_len = read(0, in_buf, sizeof(in_buf))) >= 0)
#endif

__AFL_FUZZ_INIT();

static struct archive *
open_mem(const void *buf, size_t len)
{
	struct archive *a;

	if ((a = archive_read_new()) == NULL)
		abort();
	(void)archive_read_support_filter_all(a);
	(void)archive_read_support_format_all(a);
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK) {
		(void)archive_read_free(a);
		return NULL;
	}
	return a;
}

/* Does the clean name s hold an empty, "." or ".." component? */
static bool
bad_component(const char *s)
{
	const char *end;
	size_t n;

	for (;; s = end + 1) {
		if ((end = strchr(s, '/')) == NULL)
			end = s + strlen(s);
		n = (size_t)(end - s);
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return true;
		if (*end == '\0')
			return false;
	}
}

/* tar_clean_name() on name, and a check of what it promises: a name
 * inside DEST, relative, without empty, "." or ".." components. */
static void
clean(const char *name)
{
	char buf[PATH_MAX];
	const char *why = NULL;
	bool stripped;
	int r;

	if (name == NULL)		/* tarx_check() refuses these */
		return;
	r = tar_clean_name(name, buf, sizeof(buf), &stripped, &why);
	if (r == -1) {
		if (why == NULL)
			abort();
		return;
	}
	if (strlen(buf) >= sizeof(buf))
		abort();
	if (r == 1 ? strcmp(buf, ".") != 0 : bad_component(buf))
		abort();
}

/* Extraction's view: names checked, data read to the end. */
static void
extract_pass(const void *buf, size_t len)
{
	struct archive_entry *e;
	struct archive *a;
	const void *blk;
	size_t n, retries = 0;
	la_int64_t off;
	int r;

	if ((a = open_mem(buf, len)) == NULL)
		return;
	while ((r = archive_read_next_header(a, &e)) != ARCHIVE_EOF &&
	    r != ARCHIVE_FATAL) {
		if (r == ARCHIVE_RETRY) {
			if (++retries > 1000000)
				break;
			continue;
		}
		retries = 0;
		if (r == ARCHIVE_FAILED)
			continue;
		clean(archive_entry_pathname(e));
		clean(archive_entry_hardlink(e));
		while ((r = archive_read_data_block(a, &blk, &n, &off)) ==
		    ARCHIVE_OK || r == ARCHIVE_WARN)
			;
		if (r == ARCHIVE_FATAL)
			break;
	}
	(void)archive_read_free(a);
}

static void
list_pass(const void *buf, size_t len)
{
	struct archive *a;

	if ((a = open_mem(buf, len)) == NULL)
		return;
	(void)tar_list_read(a, "fuzz", true);
	(void)archive_read_free(a);
}

int
main(void)
{
	const unsigned char *buf;
	size_t len;

	/* As parcp's main(): names are converted with the user's locale. */
	(void)setlocale(LC_ALL, "");
	(void)setlocale(LC_NUMERIC, "C");
	__AFL_INIT();
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		extract_pass(buf, len);
		list_pass(buf, len);
		(void)fflush(stdout);
	}
	return 0;
}
