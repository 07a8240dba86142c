#!/bin/bash
# The copy suites again with a wave after every directory
# (PARCP_HEAD_WAVE=1, src/head.c): what they prove of a copy must hold
# when it is made while its tree is walked.  Their trees are small, and
# at the default (a wave per 1,024 entries) they would not start one.
. "$TESTLIB"

here=$(dirname "$0")
for t in cpopts overwrite clash errors meta xattrs cptree finish owners \
    naming walk exclude treefaults copy_race; do
	if ! PARCP_HEAD_WAVE=1 PARCP_RACE_RUNS=${PARCP_RACE_RUNS:-10} \
	    PARCP_RACE_SECONDS=${PARCP_RACE_SECONDS:-10} \
	    bash "$here/$t.sh" >"$T/log" 2>&1; then
		cat "$T/log" >&2
		fail "$t.sh, a wave per directory"
	fi
	pass
done
echo "waves: $npass passed"
