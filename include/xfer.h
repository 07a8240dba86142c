/*
 * A range's transfer as a line of stages: copy (an engine from the
 * table, falling back down it), then with --verify check (both sides read
 * back and compared); a range that differs is copied once more in full
 * (no hole skipping: a bad block may sit where zeros belong) and checked
 * again.  Every copy of file data goes through here: whole files, split
 * files' ranges, tar members in and out.  Worker-safe: no output, no exit.
 */
#ifndef PARCP_XFER_H
#define PARCP_XFER_H

#include "engine.h"

/*
 * Run x's stages.  Returns the engine kind that copied it, or -1 with
 * *x->f set (FAULT_VERIFY when the copy still differs after the retry).
 */
int	xfer_run(const struct xfer *x);

#endif
