#!/bin/bash
# The head start (src/head.c): while a tree is walked, what it has listed
# is copied in waves.  Proven by order (a worker names a copy before the
# parent has read the last directory), then by the copies (every field,
# both worker models), by the options that turn it off (-v: its lines in
# the walk's order), by the walk refusing a directory a wave made (-L
# through a symlink to DEST: no copy into itself), and by a stop during a
# wave (nothing partial under a final name).  PARCP_HEAD_WAVE=N starts a
# wave after N entries instead of 1,024.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
: "${TREECMP:?TREECMP must name tests/treecmp}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# 40 directories of 60 files: 2,440 entries, more than one wave's worth.
S="$T/src"
for d in $(seq 40); do
	mkdir -p "$S/d$d"
	for f in $(seq 60); do echo "$d.$f" >"$S/d$d/f$f"; done
done
chmod 750 "$S/d3"
touch -d 2001-02-03 "$S/d7" "$S/d7/f1"

# overlapped LOG: did a worker make a copy (a file created under its name
# in the staged tree, or an unnamed one linked) before the parent's last
# getdents64 (the walk's end)?
overlapped() {
	local parent last first
	parent=$(grep -m1 execve "$1" | cut -d' ' -f1)
	last=$(grep -n "^$parent  *getdents64(" "$1" | tail -1 | cut -d: -f1)
	first=$(grep -nE 'O_CREAT\|O_EXCL|linkat\(.*AT_EMPTY_PATH' "$1" |
	    grep -v "^[0-9]*:$parent " | head -1 | cut -d: -f1)
	[ -n "$last" ] && [ -n "$first" ] && [ "$first" -lt "$last" ]
}

for mode in pool fork; do
	rm -rf "$T/dst"
	run traced -f -qq -o "$T/log" \
	    -e trace=execve,getdents64,openat,linkat \
	    "$PARCP" -a -j 2 --mode=$mode "$S" "$T/dst"
	expect_rc 0 "$mode"
	overlapped "$T/log" || fail "$mode: nothing copied during the walk"
	"$TREECMP" -MOT "$S" "$T/dst" || fail "$mode: the trees differ"
	pass
done

# A wave after every directory, at -j 1 and 2: the copy is the same.
for j in 1 2; do
	for mode in pool fork; do
		rm -rf "$T/dst"
		PARCP_HEAD_WAVE=1 run "$PARCP" -a -j $j --mode=$mode "$S" \
		    "$T/dst"
		expect_rc 0 "waves -j $j $mode"
		"$TREECMP" -MOT "$S" "$T/dst" ||
		    fail "waves -j $j $mode: the trees differ"
		no_temps "$T/dst/d1"
	done
done
pass

# -v prints each file's line in the walk's order: no copy before the walk.
rm -rf "$T/dst"
run traced -f -qq -o "$T/log" -e trace=execve,getdents64,openat,linkat \
    "$PARCP" -rv -j 2 "$S" "$T/dst"
expect_rc 0 "-v"
! overlapped "$T/log" || fail "-v: copies before the walk's end"
[ "$(grep -c "' -> '" "$T/out")" -eq 2441 ] || fail "-v: lines"
pass

# -L, a symlink to DEST in every directory: once a wave has made DEST,
# the walk refuses it (before, it is a missing file): never walked into.
rm -rf "$T/dst"
for d in $(seq 40); do ln -s "$T/dst" "$S/d$d/loop"; done
PARCP_HEAD_WAVE=1 run timeout 60 "$PARCP" -rL -j 2 "$S" "$T/dst"
expect_rc 1 "-L loop"
grep -q "d[0-9]*/loop: a directory this copy made; not copied into itself" \
    "$T/err" || fail "-L loop: not refused"
[ -z "$(find "$T/dst" -path '*/loop/*' | head -1)" ] ||
    fail "-L loop: copied into itself: $(find "$T/dst" -path '*/loop/*' |
    head -3)"
cmp "$S/d40/f60" "$T/dst/d40/f60" || fail "-L loop: d40/f60"
rm -f "$S"/d*/loop
pass

# SIGINT during a wave (each read slowed; one worker): status 130, and
# every copy under its final name is whole.
rm -rf "$T/dst"
env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 PARCP_HEAD_WAVE=1 \
    "$PARCP" -a -j 1 "$S" "$T/dst" </dev/null 2>"$T/err" &
pid=$!
for _ in $(seq 1000); do
	[ -z "$(find "$T/dst" -type f 2>/dev/null | head -1)" ] || break
	sleep 0.01
done
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
expect_rc 130 "stopped"
grep -q "^parcp: interrupted" "$T/err" || fail "stopped: no notice"
n=0
while read -r f; do
	cmp "$S/${f#"$T/dst/"}" "$f" || fail "stopped: $f is partial"
	n=$((n + 1))
done < <(find "$T/dst" -type f)
[ "$n" -gt 0 ] && [ "$n" -lt 2400 ] || fail "stopped: $n files"
for d in "$T/dst"/d*; do no_temps "$d"; done
pass

echo "head: $npass passed"
