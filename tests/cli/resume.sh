#!/bin/bash
# --resume: a 1 GiB copy killed (SIGKILL of parcp) when its progress line
# passes 50% is finished by a second run that copies at most 60% of the
# bytes; a changed source discards the journal; a run without --resume
# cleans leftovers up; complete files are skipped (quick check).  --fsync
# syncs ranges before journaling them, files and their directories.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

SIZE=$((1 << 30))
mkfile "$T/src" $SIZE
mkdir "$T/bin"
cp "$PARCP" "$T/bin/parcp"	# a private copy: its workers can be found

# jget KEY: the value of KEY in the JSON object in $T/out.
jget() {
	python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))[sys.argv[2]]
print(json.dumps(v) if isinstance(v, (list, dict)) else v)' "$T/out" "$1"
}

# stop_at PCT SIG DEST: start a slowed copy of src to DEST, and send SIG
# to parcp once its progress line shows PCT% or more.
stop_at() {
	: >"$T/prog"	# now, not when the background job starts (interrupt.sh)
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=15000 "$T/bin/parcp" \
	    -j 2 --engine=pread --progress=always "$T/src" "$3" \
	    2>>"$T/prog" &
	pid=$!
	for _ in $(seq 3000); do
		if grep -Eo '^ *[0-9]+%' "$T/prog" |
		    awk -v p="$1" '$1 + 0 >= p { f = 1 } END { exit !f }'; then
			kill -s "$2" "$pid"
			set +e
			wait "$pid"
			rc=$?
			set -e
			no_workers "$T/bin/parcp" "stop_at $1"
			return 0
		fi
		sleep 0.01
	done
	fail "progress never reached $1%: $(cat "$T/prog")"
}


# Killed at half: the part and journal stay, nothing under the final name.
stop_at 50 KILL "$T/dst"
expect_rc 137 "SIGKILL"
[ ! -e "$T/dst" ] || fail "a partial file under the final name"
ls -A "$T" | grep -Eq '^\.parcp\.dst\.[0-9a-f]{16}\.part$' || fail "no part"
ls -A "$T" | grep -Eq '^\.parcp\.dst\.[0-9a-f]{16}\.jnl$' || fail "no journal"
run "$PARCP" -j 2 --resume --json "$T/src" "$T/dst"
expect_rc 0 "resume"
cmp "$T/src" "$T/dst" || fail "resumed copy differs"
written=$(jget bytes_written)
resumed=$(jget resumed_bytes)
[ "$written" -le $((SIZE * 6 / 10)) ] ||
    fail "resume copied $written of $SIZE bytes (more than 60%)"
[ "$resumed" -ge $((SIZE * 4 / 10)) ] || fail "resumed only $resumed bytes"
[ $((written + resumed)) -ge $SIZE ] || fail "$written + $resumed < $SIZE"
[ "$(jget bytes)" -eq $SIZE ] || fail "bytes"
no_temps "$T"
echo "killed at $(grep -Eo '^ *[0-9]+%' "$T/prog" | tail -1 | tr -d ' '):" \
    "the resumed run wrote $written of $SIZE bytes, resumed $resumed"
pass

# A changed source: the journal is discarded, everything copied again.
stop_at 30 KILL "$T/dst2"
touch "$T/src"
run "$PARCP" -j 2 --resume --json "$T/src" "$T/dst2"
expect_rc 0 "changed source"
[ "$(jget resumed_bytes)" -eq 0 ] || fail "journal of a changed source used"
[ "$(jget bytes_written)" -ge $SIZE ] || fail "changed source: not all copied"
cmp "$T/src" "$T/dst2" || fail "changed source: copy differs"
no_temps "$T"
rm "$T/dst2"
pass

# Ctrl-C leaves the same; a run without --resume cleans up and copies all.
stop_at 20 INT "$T/dst3"
expect_rc 130 "SIGINT"
ls -A "$T" | grep -q '^\.parcp\.dst3\..*\.jnl$' || fail "SIGINT: no journal"
run "$PARCP" -j 2 --json "$T/src" "$T/dst3"
expect_rc 0 "fresh run after SIGINT"
[ "$(jget resumed_bytes)" -eq 0 ] || fail "resumed without --resume"
[ "$(jget bytes_written)" -ge $SIZE ] || fail "fresh run: not all copied"
cmp "$T/src" "$T/dst3"
no_temps "$T"
rm "$T/dst3" "$T/dst"
pass

# Whole-file temps of runs that died are swept; live runs' are not.
mkdir -p "$T/t/src/d" "$T/t/dst/d"
for i in 1 2 3 4 5 6; do mkfile "$T/t/src/d/f$i" $((i * 1000)); done
(exit 0) & dead=$!
wait $dead
: >"$T/t/dst/d/.parcp.f1.$dead.7"
: >"$T/t/dst/d/.parcp.f2.$$.8"
run "$PARCP" -a "$T/t/src/d" "$T/t/dst"
expect_rc 0 "sweep"
[ ! -e "$T/t/dst/d/.parcp.f1.$dead.7" ] || fail "dead run's temp not swept"
[ -e "$T/t/dst/d/.parcp.f2.$$.8" ] || fail "a live run's temp was removed"
rm "$T/t/dst/d/.parcp.f2.$$.8"
pass

# Quick check: complete files are skipped, a changed one is copied.
run "$PARCP" -a --resume --json "$T/t/src/d" "$T/t/dst"
expect_rc 0 "quick check"
[ "$(jget files_skipped)" -eq 6 ] || fail "skipped $(jget files_skipped)"
[ "$(jget bytes_written)" -eq 0 ] || fail "complete files copied again"
mkfile "$T/t/src/d/f3" 5
run "$PARCP" -a --resume --json "$T/t/src/d" "$T/t/dst"
[ "$(jget files)" -eq 1 ] && [ "$(jget files_skipped)" -eq 5 ] ||
    fail "changed file: files $(jget files), skipped $(jget files_skipped)"
"$TREECMP" "$T/t/src/d" "$T/t/dst/d" || fail "quick check: trees differ"
# without kept times, a copy no older than its source is complete
rm -rf "$T/t/r"
mkdir "$T/t/r"
"$PARCP" -r "$T/t/src/d" "$T/t/r"
run "$PARCP" -r --resume --json "$T/t/src/d" "$T/t/r"
[ "$(jget files_skipped)" -eq 6 ] || fail "-r resume skipped $(jget files_skipped)"
pass

# --fsync: each range written out as it is done (its own pages only:
# sync_file_range, never an fdatasync of every worker's pages of the
# file), the split file synced once at its finish, then files and
# directories.
rm -f "$T/sync.log"
mkfile "$T/mid" $((8 << 20))
mkdir "$T/t/out"
run traced -f -qq -o "$T/sfr.log" -e trace=sync_file_range \
    env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SYNC_LOG="$T/sync.log" \
    "$PARCP" -r -j 2 --chunk-size=1M --fsync "$T/mid" "$T/t/src" "$T/t/out"
expect_rc 0 "fsync"
[ "$(grep -c 'sync_file_range(' "$T/sfr.log")" -ge 8 ] ||
    fail "fewer range write-outs than ranges: $(head -3 "$T/sfr.log")"
! grep -q '^fdatasync .*\.part$' "$T/sync.log" ||
    fail "a range's fdatasync: $(grep -c fdatasync "$T/sync.log")"
[ "$(grep -Ec "^fsync $T/t/out/\.parcp\.mid\.[0-9a-f]+\.part$" \
    "$T/sync.log")" -eq 1 ] || fail "split file not synced once"
# (a new tree is made beside its name, .parcp.src.TOKEN.PID.N, until it
# is placed; a file in a directory made otherwise is unnamed until
# complete: DIR/#INODE (deleted))
staged="(src|\.parcp\.src\.[0-9a-f]{16}\.[0-9a-f]{8}\.[0-9]+\.[0-9]+)"
grep -Eq "^fsync $T/t/out/$staged/d/(f1|\.parcp\.f1\.[0-9a-f]{16}\.[0-9a-f]{8}\.[0-9]+\.[0-9]+|#[0-9]+ \(deleted\))$" \
    "$T/sync.log" ||
    fail "small file not synced"
grep -Eq "^fsync $T/t/out/$staged/d$" "$T/sync.log" || fail "dir not synced"
grep -q "^fsync $T/t/out$" "$T/sync.log" || fail "DEST dir not synced"
cmp "$T/mid" "$T/t/out/mid"
pass

done_tests
