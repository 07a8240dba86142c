#!/bin/bash
# --fsync, quickly: a small file (one task) and a split one are copied and
# synced (the shim logs each sync); a failed sync fails the file, with one
# line, nothing under its name and no temp.  The shim counts syncs per
# process: a worker's first one fails with PARCP_SHIM_SYNC_FAIL=1.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
cd "$T"

echo small >small
mkfile big $((8 << 20))
for f in small big; do
	rm -f log
	run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SYNC_LOG="$T/log" \
	    "$PARCP" -j 2 --fsync --chunk-size=1M $f $f.copy
	expect_rc 0 "$f"
	[ ! -s "$T/err" ] || fail "$f: $(cat "$T/err")"
	cmp $f $f.copy || fail "$f: differs"
	grep -q "\.parcp\.$f\.copy\." log || fail "$f: the file was not synced: $(cat log)"
	grep -qx "fsync $T" log || fail "$f: its directory was not synced: $(cat log)"
	rm -f $f.copy
	run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SYNC_FAIL=1 \
	    "$PARCP" -j 2 --fsync --chunk-size=1M $f $f.copy
	expect_rc 1 "$f sync fails"
	expect_err "^parcp: $f.copy: fsync: Input/output error$"
	[ ! -e $f.copy ] || fail "$f sync fails: $f.copy landed"
	no_temps .
	pass
done

# The file's own fsync failing while its ranges' fdatasync succeed
# (strace injects EIO into fsync only): the split file fails, one line,
# nothing under its name.
if command -v strace >/dev/null; then
	rm -f big.copy
	run traced -f -o /dev/null -e inject=fsync:error=EIO \
	    "$PARCP" -j 2 --fsync --chunk-size=1M big big.copy
	expect_rc 1 "fsync only"
	expect_err "^parcp: big.copy: fsync: Input/output error$"
	[ ! -e big.copy ] || fail "fsync only: big.copy landed"
	no_temps .
	pass
fi
done_tests
