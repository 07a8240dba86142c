/* Helpers for the Check suites. */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static char dir[64];
static char path[4096];

int
testutil_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

void
testutil_setup(void)
{
	(void)snprintf(dir, sizeof(dir), "/tmp/parcp-check.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int
rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void
testutil_teardown(void)
{
	(void)nftw(dir, rm, 16, FTW_DEPTH | FTW_PHYS);
}

char *
testutil_path(const char *name)
{
	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

void
testutil_make_file(const char *p, off_t size, unsigned seed)
{
	char buf[65536];
	uint32_t x = seed * 2654435761u + 1;
	size_t i, n;
	FILE *fp;

	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	while (size > 0) {
		n = size < (off_t)sizeof(buf) ? (size_t)size : sizeof(buf);
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			buf[i] = (char)x;
		}
		ck_assert_uint_eq(fwrite(buf, 1, n, fp), n);
		size -= (off_t)n;
	}
	ck_assert_int_eq(fclose(fp), 0);
}

int
testutil_same(const char *a, const char *b)
{
	char x[65536], y[65536];
	FILE *fa, *fb;
	size_t na, nb;
	int same = 1;

	ck_assert_ptr_nonnull(fa = fopen(a, "r"));
	ck_assert_ptr_nonnull(fb = fopen(b, "r"));
	do {
		na = fread(x, 1, sizeof(x), fa);
		nb = fread(y, 1, sizeof(y), fb);
		if (na != nb || memcmp(x, y, na) != 0)
			same = 0;
	} while (same && na > 0);
	fclose(fa);
	fclose(fb);
	return same;
}
