#!/bin/bash
# A run owns its files.  Two runs of the same copy at once: the second
# leaves the first's part alone (its sweep too) and fails that file with
# one line; the first completes a correct copy.  A source replaced (same
# size and mtime) while its ranges are copied fails the file, as does one
# changed in place.  Killed between dropping the journal and the rename:
# no journal is left that --resume could trust.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
SIZE=$((64 * 1024 * 1024))
mkfile "$T/src" "$SIZE"
mkdir "$T/bin"
cp "$PARCP" "$T/bin/parcp"	# a private copy: its workers can be found

# slow_copy SRC DST: a slowed copy in the background ($pid); returns once
# its part file exists.
slow_copy() {
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 "$T/bin/parcp" \
	    -j 2 --engine=pread --chunk-size=1M "$1" "$2" 2>"$T/err1" &
	pid=$!
	for _ in $(seq 1000); do
		ls -A "$(dirname "$2")" | grep -q '\.part$' && return 0
		sleep 0.01
	done
	fail "no part file appeared"
}

# Two plain runs of the same SOURCE and DEST.
slow_copy "$T/src" "$T/dst"
part=$(ls -A "$T" | grep '\.part$')
run "$PARCP" -j 2 --chunk-size=1M "$T/src" "$T/dst"
expect_rc 1 "second run"
expect_err "^parcp: $T/dst: another parcp is copying to it \(its part file is locked\)$"
[ -e "$T/$part" ] || fail "the second run removed the first's part"
set +e; wait "$pid"; rc1=$?; set -e
[ "$rc1" -eq 0 ] || fail "first run: exit $rc1: $(cat "$T/err1")"
cmp "$T/src" "$T/dst" || fail "the first run's copy differs"
no_temps "$T"
pass

# A sweep (another run into the same directory, of another file) keeps a
# live run's part and journal.
rm -f "$T/dst"
mkfile "$T/other" 1000
slow_copy "$T/src" "$T/dst"
run "$PARCP" "$T/other" "$T/other.copy"
expect_rc 0 "a run beside it"
[ "$(ls -A "$T" | grep -cE '\.(part|jnl)$')" -eq 2 ] ||
    fail "the sweep took a live run's part or journal: $(ls -A "$T")"
set +e; wait "$pid"; rc1=$?; set -e
[ "$rc1" -eq 0 ] && cmp "$T/src" "$T/dst" || fail "first run broken"
pass

# A source replaced by another with the same size and mtime mid-copy.
rm -f "$T/dst"
slow_copy "$T/src" "$T/dst"
cp "$T/src" "$T/src.new"
printf 'X' | dd of="$T/src.new" bs=1 seek=100 conv=notrunc 2>/dev/null
touch -r "$T/src" "$T/src.new"
mv "$T/src.new" "$T/src.swapped"
cp -p "$T/src" "$T/src.orig"
mv "$T/src.swapped" "$T/src"
set +e; wait "$pid"; rc1=$?; set -e
[ "$rc1" -eq 1 ] || fail "replaced source: exit $rc1, expected 1"
grep -q "^parcp: $T/src: file changed while being copied$" "$T/err1" ||
    fail "replaced source: $(cat "$T/err1")"
[ ! -e "$T/dst" ] || fail "a torn copy landed"
mv "$T/src.orig" "$T/src"
pass

# Killed right after the journal is removed (at the part's rename): the
# part may stay, no journal does, and --resume copies afresh, right.
if command -v strace >/dev/null; then
	rm -f "$T/dst"
	run traced -f -o /dev/null -e trace=rename,renameat,renameat2 \
	    -e inject=rename,renameat,renameat2:signal=KILL \
	    "$T/bin/parcp" -j 2 --chunk-size=1M "$T/src" "$T/dst"
	[ "$rc" -ne 0 ] || fail "strace: not killed"
	no_workers "$T/bin/parcp" "killed at rename"
	[ -z "$(ls -A "$T" | grep '\.jnl$')" ] ||
	    fail "a journal outlived its rename: $(ls -A "$T")"
	run "$PARCP" -j 2 --chunk-size=1M --resume "$T/src" "$T/dst"
	expect_rc 0 "resume after the kill"
	cmp "$T/src" "$T/dst" || fail "resumed copy differs"
	no_temps "$T"
	pass
fi
echo "$npass passed, 0 failed"
