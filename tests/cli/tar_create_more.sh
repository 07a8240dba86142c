#!/bin/bash
# --to-tar, continued: a streamed archive that fails midway (a source
# read fails, EIO through the shim) is cut, and an uncompressed one ends
# with a block saying why, which no tar reader takes for a header; one
# stopped by SIGINT says no copy's finishing command.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
why="parcp: this archive is incomplete: its writer stopped here"

mkdir "$T/src"
mkfile "$T/src/a" 50000
mkfile "$T/src/b" 200000			# its read of byte 100000 fails
cd "$T"
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_EIO_AT=100000 "$PARCP" \
    --to-tar=- src
expect_rc 1 "stream"
expect_err "^parcp: cannot archive 'src/b': read: Input/output error\$"
size=$(stat -c %s "$T/out")
[ $((size % 512)) -eq 0 ] && [ "$size" -ge 512 ] ||
    fail "stream: $size bytes"
[ "$(tail -c 512 "$T/out" | head -c ${#why})" = "$why" ] ||
    fail "stream: no last block saying why"
if tar -tf "$T/out" >/dev/null 2>&1; then
	fail "stream: tar reads the cut archive as whole"
fi
pass

# Stopped by SIGINT (the shim raises it in parcp at its first read): exit
# 130, and no "to finish" command: --resume is the copy's, not tar's.
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_INT_AT=0 "$PARCP" --to-tar=- src
expect_rc 130 "SIGINT"
if grep -q -- "--resume\|to finish" "$T/err"; then
	fail "SIGINT: a copy's notice: $(cat "$T/err")"
fi
pass

done_tests
