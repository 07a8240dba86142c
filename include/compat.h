/* BSD interfaces glibc lacks; replacements live in compat/. */
#ifndef PARCP_COMPAT_H
#define PARCP_COMPAT_H

#include <err.h>
#include <limits.h>

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif

#ifndef HAVE_ERRC
__dead void	errc(int, int, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
#endif
#ifndef HAVE_WARNC
void		warnc(int, const char *, ...)
		    __attribute__((__format__(printf, 2, 3)));
#endif
#ifndef HAVE_STRTONUM
long long	strtonum(const char *, long long, long long, const char **);
#endif

#endif
