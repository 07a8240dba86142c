/* warnc(3) from BSD: warn(3) with an explicit error number. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>

#include "compat.h"

void
warnc(int code, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	errno = code;
	vwarn(fmt, ap);
	va_end(ap);
	errno = saved;
}
