#!/bin/bash
# Ctrl-C and kill during a copy: workers stopped, no temp file left but
# the split file's part and journal (kept for --resume, removed by the
# next run without it), old DEST intact, exit 128 + signal, and one line
# saying what was kept and how to finish (interrupt.sh runs it).  Reads are slowed by the shim so that
# the signal surely lands mid-copy; we wait for the temp file, not a sleep.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

mkfile "$T/src" 4194304
mkfile "$T/old" 1000
cp "$T/old" "$T/old.orig"
# A private copy of the binary, so its workers can be found by name.
mkdir "$T/bin"
cp "$PARCP" "$T/bin/parcp"

# start ARGS...: parcp in the background, slowed; returns once a worker
# has written into the temp file, so the copy is surely under way.
start() {
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 \
	    "$T/bin/parcp" --buffer-size=64K "$@" "$T/src" "$T/old" \
	    2>"$T/err" &
	pid=$!
	for _ in $(seq 500); do
		for tmp in "$T"/.parcp.*; do
			[ -f "$tmp" ] && [ "$(stat -c %b "$tmp")" -gt 0 ] &&
			    return 0
		done
		sleep 0.01
	done
	fail "no worker wrote into a temp file"
}

for mode in pool fork; do
	for sig in INT:130 TERM:143 HUP:129; do
		name=${sig%%:*}
		start -j 3 --mode=$mode --chunk-size=512K
		kill -s "$name" "$pid"
		set +e
		wait "$pid"
		rc=$?
		set -e
		expect_rc "${sig##*:}" "SIG$name $mode"
		# one line: what was kept, and the command to finish
		expect_err "^parcp: interrupted: (kept [0-9]+ bytes .* in 1 file|no partial work kept).*; to finish: $T/bin/parcp --resume --buffer-size=64K -j 3 --mode=$mode --chunk-size=512K $T/src $T/old\$"
		cmp "$T/old" "$T/old.orig" || fail "SIG$name $mode: DEST damaged"
		only_parts "$T"
		no_workers "$T/bin/parcp" "SIG$name $mode"
		pass
		# the next run cleans the leftovers up and copies
		run "$PARCP" -j 2 "$T/src" "$T/new"
		expect_rc 0 "after SIG$name $mode"
		no_temps "$T"
		cmp "$T/src" "$T/new" || fail "after SIG$name $mode: bad copy"
		rm "$T/new"
		pass
	done
done

# SIGKILL of parcp itself: it cannot clean up, but its workers die with
# it (nobody writes on behind it) and the final name is untouched.
for mode in pool fork; do
	start -j 2 --mode=$mode --chunk-size=512K
	kill -s KILL "$pid"
	wait "$pid" || :
	no_workers "$T/bin/parcp" "SIGKILL $mode"
	cmp "$T/old" "$T/old.orig" || fail "SIGKILL $mode: DEST damaged"
	rm -f "$T"/.parcp.*
	pass
done

done_tests
