/*
 * The transfer's stages (xfer.h): each stage is a call on the same
 * struct xfer; verification never calls back into an engine, the
 * transfer calls each in turn.
 */
#include "config.h"

#include <stdbool.h>

#include "verify.h"
#include "xfer.h"

/*
 * The check stage: the destination's range written out and its pages
 * dropped (this range only: other workers may be writing the rest), so
 * that the read-back shows what storage holds; then both sides compared.
 * 0 equal, 1 different, -1 with *x->f.
 */
static int
check(const struct xfer *x)
{
	if (engine_flush(x->dfd, x->doff, x->len) == -1) {
		fault_set(x->f, FAULT_SYNC);
		return -1;
	}
	return verify_range(x);
}

/* Count what was compared (and repaired) for the parent's report. */
static void
tally(const struct xfer *x, bool repaired)
{
	struct engine_tally *t = x->eb->tally;

	if (t == NULL)
		return;
	t->verified += (uint64_t)x->len;
	if (!repaired)
		return;
	if (t->repaired++ == 0) {
		t->repair_off = x->doff;
		t->repair_len = x->len;
	}
}

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
	    (differ = check(&again)) == -1)
		return -1;
	if (differ) {
		fault_setc(x->f, FAULT_VERIFY, 0);
		return -1;
	}
	tally(x, true);
	return kind;
}

int
xfer_run(const struct xfer *x)
{
	int kind, differ;

	if ((kind = engine_copy(x)) == -1 || !x->eb->verify)
		return kind;
	if ((differ = check(x)) == 0)
		tally(x, false);
	if (differ != 1)
		return differ == 0 ? kind : -1;
	return recopy(x);
}
