/*
 * strtonum(3) from OpenBSD: parse a decimal integer within [minval, maxval].
 * On error returns 0, sets errno (EINVAL or ERANGE) and *errstrp to
 * "invalid", "too small" or "too large".
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "compat.h"

long long
strtonum(const char *numstr, long long minval, long long maxval,
    const char **errstrp)
{
	long long ll = 0;
	char *ep;
	int error = 0;
	const char *errstr = NULL;

	if (minval > maxval)
		error = EINVAL;
	else {
		errno = 0;
		ll = strtoll(numstr, &ep, 10);
		if (numstr == ep || *ep != '\0')
			error = EINVAL;
		else if ((ll == LLONG_MIN && errno == ERANGE) || ll < minval)
			error = ERANGE, errstr = "too small";
		else if ((ll == LLONG_MAX && errno == ERANGE) || ll > maxval)
			error = ERANGE, errstr = "too large";
	}
	if (error == EINVAL)
		errstr = "invalid";
	if (errstrp != NULL)
		*errstrp = errstr;
	errno = error;
	return error ? 0 : ll;
}
