/*
 * The transfer's stages (xfer.h): each stage is a call on the same
 * struct xfer; verification never calls back into an engine, the
 * transfer calls each in turn.
 */
#include "config.h"

#include "verify.h"
#include "xfer.h"

/* The range once more, every byte written: the repair stage. */
static int
recopy(const struct xfer *x)
{
	struct engine_buf all = *x->eb;
	struct xfer again = *x;
	int kind, differ;

	all.holes = false;
	again.eb = &all;
	if ((kind = engine_copy(&again)) == -1 ||
	    (differ = verify_range(&again)) == -1)
		return -1;
	if (differ) {
		fault_setc(x->f, FAULT_VERIFY, 0);
		return -1;
	}
	return kind;
}

int
xfer_run(const struct xfer *x)
{
	int kind, differ;

	if ((kind = engine_copy(x)) == -1 || !x->eb->verify)
		return kind;
	if ((differ = verify_range(x)) != 1)
		return differ == 0 ? kind : -1;
	return recopy(x);
}
