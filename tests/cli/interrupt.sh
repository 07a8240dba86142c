#!/bin/bash
# Interrupts that speak: SIGINT/SIGTERM during a copy print one line on
# stderr, what was kept (files, bytes of partial work) and the command
# that finishes it; that command, run as printed, completes the copy
# byte for byte at the same targets (-T added where the first run made
# DEST: a rerun of "parcp -r src dst" would copy into dst/src), quoted
# for the shell.  Nothing kept is said too.  A rerun without --resume
# over a kept part asks nothing and says what it discarded.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

mkdir "$T/bin"
cp "$PARCP" "$T/bin/parcp"	# a private copy: its workers can be found
S="$T/my src"			# a name the shell must have quoted
mkdir -p "$S/sub"
mkfile "$S/sub/big" $((48 << 20))
echo small >"$S/small"

# stop_at PCT SIG ARGS...: start a slowed parcp ARGS..., send it SIG once
# its progress line shows PCT% or more; its stderr in $T/prog, rc in $rc.
stop_at() {
	local pct=$1 sig=$2
	shift 2
	# Emptied here, not by the background job's redirection: that runs
	# later, and the loop below could read the last run's progress, and
	# signal this one before it is parcp (a background job of a script
	# starts with SIGINT ignored): the signal would be lost.
	: >"$T/prog"
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 "$T/bin/parcp" \
	    -j 2 --engine=pread --buffer-size=256K --progress=always "$@" \
	    </dev/null 2>>"$T/prog" &
	pid=$!
	for _ in $(seq 3000); do
		if grep -Eo '^ *[0-9]+%' "$T/prog" |
		    awk -v p="$pct" '$1 + 0 >= p { f = 1 } END { exit !f }'; then
			kill -s "$sig" "$pid"
			set +e
			wait "$pid"
			rc=$?
			set -e
			no_workers "$T/bin/parcp" "stop_at $pct $sig"
			grep -v '%' "$T/prog" | grep -v '^$' >"$T/err" || :
			return 0
		fi
		sleep 0.01
	done
	fail "progress never reached $pct%: $(cat "$T/prog")"
}

# finish: the command after "to finish: " in $T/err, run as printed.
finish() {
	cmd=$(sed -n 's/^parcp: interrupted: .*; to finish: //p' "$T/err")
	[ -n "$cmd" ] || fail "no command to finish: $(cat "$T/err")"
	set +e
	eval "$cmd" </dev/null >"$T/out" 2>"$T/err2"
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || fail "'$cmd': exit $rc: $(cat "$T/err2")"
}

# A tree into a new DEST, Ctrl-C: one line, kept bytes, and a command with
# -T; run, it completes the same targets (no DEST/src).
stop_at 20 INT -r --chunk-size=4M "$S" "$T/dst"
expect_rc 130 "SIGINT"
expect_err "^parcp: interrupted: kept [1-9][0-9]* bytes \(.*\) of partial work in 1 file for --resume; to finish: "
grep -Fq "; to finish: $T/bin/parcp --resume -j 2 --engine=pread --buffer-size=256K --progress=always -r --chunk-size=4M -T '$S' $T/dst" \
    "$T/err" || fail "not the command: $(cat "$T/err")"
kept=$(sed -n 's/.* kept \([0-9]*\) bytes.*/\1/p' "$T/err")
ls -A "$T/dst/sub" | grep -q '\.part$' || fail "no part kept"
jnl=$(ls "$T/dst/sub"/.parcp.big.*.jnl)
finish
[ ! -e "$T/dst/my src" ] || fail "the printed command copied into DEST/src"
cmp "$S/sub/big" "$T/dst/sub/big" || fail "finished copy differs"
cmp "$S/small" "$T/dst/small" || fail "small file"
no_temps "$T/dst/sub"
echo "SIGINT kept $kept bytes; finished with: $cmd"
pass

# SIGTERM, file to file (no -T: DEST is a file's name either way).
stop_at 20 TERM "$S/sub/big" "$T/out file"
expect_rc 143 "SIGTERM"
expect_err "^parcp: interrupted: kept [1-9][0-9]* bytes \(.*\) of partial work in 1 file for --resume; to finish: .* --resume .*'$T/out file'\$"
grep -q -- ' -T ' "$T/err" && fail "-T for a file"
finish
cmp "$S/sub/big" "$T/out file" || fail "file: finished copy differs"
pass

# A rerun without --resume: no question, one line saying what it discarded.
# With --json, both runs say it in the object too (valid by the schema).
SCHEMA=$(dirname "$TESTLIB")/../doc/parcp-json.schema.json
jcheck() {
	python3 "$(dirname "$TESTLIB")/jsonschema_check.py" "$SCHEMA" "$1" \
	    >"$T/schema" || fail "not valid by the schema: $(cat "$T/schema")"
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$1" "$2"
}
stop_at 20 INT --json "$S/sub/big" "$T/again" >"$T/json1"
expect_rc 130 "SIGINT again"
kept=$(sed -n 's/.* kept \([0-9]*\) bytes.*/\1/p' "$T/err")
wait_json=$(jcheck "$T/json1" kept_bytes)
[ "$wait_json" = "$kept" ] || fail "--json kept_bytes $wait_json, said $kept"
[ "$(jcheck "$T/json1" kept_files)" = 1 ] || fail "--json kept_files"
run "$T/bin/parcp" -j 2 --json "$S/sub/big" "$T/again" </dev/null
expect_rc 0 "rerun without --resume"
expect_err "^parcp: discarded $kept bytes \(.*\) of partial work an interrupted run had kept \(--resume finishes it instead\)\$"
[ "$(jcheck "$T/out" discarded_bytes)" = "$kept" ] ||
    fail "--json discarded_bytes"
cmp "$S/sub/big" "$T/again" || fail "rerun: copy differs"
no_temps "$T"
pass

# Nothing kept (small files only, none split): said, and the command
# still finishes (complete files are skipped).
mkdir "$T/many"
for i in $(seq 400); do
	head -c 300000 /dev/urandom >"$T/many/f$i"
done
stop_at 10 INT -r "$T/many" "$T/mcopy"
expect_rc 130 "nothing kept"
expect_err "^parcp: interrupted: no partial work kept \(complete files are in place\); to finish: .* --resume .* -T $T/many $T/mcopy\$"
finish
diff -r "$T/many" "$T/mcopy" || fail "nothing kept: trees differ"
pass

done_tests
