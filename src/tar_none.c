/*
 * A parcp built without libarchive (./configure --without-libarchive):
 * the tar modes say so, once, and fail; everything else is the same.
 */
#include "config.h"

#include <string.h>

#include "compat.h"
#include "tar.h"

static int
absent(void)
{
	warnx("this parcp was built without libarchive: no tar modes "
	    "(rebuild without --without-libarchive)");
	return 1;
}

int
tar_create(const struct opts *o, struct flist *fl, struct copy_stats *st)
{
	(void)o;
	(void)fl;
	memset(st, 0, sizeof(*st));
	return absent();
}

int
tar_extract(const struct opts *o, struct copy_stats *st)
{
	(void)o;
	memset(st, 0, sizeof(*st));
	return absent();
}

int
tar_list(const struct opts *o)
{
	(void)o;
	return absent();
}

const char *
tar_lib_version(void)
{
	return "none (built without it: no tar modes)";
}
