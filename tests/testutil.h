/* Shared helpers for the Check suites: temp dirs, files, running. */
#ifndef PARCP_TESTUTIL_H
#define PARCP_TESTUTIL_H

#include <sys/types.h>

#include <stdint.h>

#include <check.h>

/* Run the suite (CK_ENV verbosity); returns the exit status for main. */
int	 testutil_run(Suite *);
/* Checked fixture: a fresh mkdtemp directory per test, removed after. */
void	 testutil_setup(void);
void	 testutil_teardown(void);
/* name inside the test's directory; valid until the next call. */
char	*testutil_path(const char *name);
/* Write size pseudo-random bytes (seeded) to path. */
void	 testutil_make_file(const char *path, off_t size, unsigned seed);
/* 1 when the two files have the same size and bytes. */
int	 testutil_same(const char *a, const char *b);

#endif
