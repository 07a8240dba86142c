/* errc(3) from BSD: err(3) with an explicit error number. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "compat.h"

void
errc(int eval, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errno = code;
	verr(eval, fmt, ap);
	/* NOTREACHED */
}
