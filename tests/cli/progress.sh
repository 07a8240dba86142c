#!/bin/bash
# --progress: under a pseudo-terminal a redrawn bar that moves during one
# big file, fits the terminal and ends at 100% with a summary; nothing when
# stderr is a file; plain lines with --progress=always.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

mkfile "$T/big" $((48 << 20))
mkdir "$T/tree"
for i in 1 2 3 4 5; do mkfile "$T/tree/f$i" 1000; done

# on_tty COLS CMD...: run CMD with its stderr on a pty COLS wide; what the
# terminal showed, carriage returns turned into newlines, into $T/tty.
on_tty() {
	local cols=$1
	shift
	script -qfec "stty cols $cols; $*" /dev/null | tr '\r' '\n' |
	    sed 's/\x1b\[K//g' >"$T/tty"
}

# One file, copied whole by one worker, slowed down: the bar still moves.
slow="env LD_PRELOAD=$FAULTSHIM PARCP_SHIM_SLOW_US=15000"
on_tty 100 "$slow $PARCP -j 1 --engine=pread --chunk-size=1G --progress \
    '$T/big' '$T/copy' 2>&1 >/dev/null"
cmp "$T/big" "$T/copy" || fail "progress: bad copy"
bar='^ *[0-9]+%  \[[#.]+\]  [0-9.]+ (B|KiB|MiB) / 48\.00 MiB  [0-9.]+ (B|KiB|MiB|GiB)/s  [0-9]+:[0-9]{2} elapsed  ETA [0-9:-]+  files [01]/1, errors 0$'
grep -Eq "$bar" "$T/tty" || fail "no progress bar: $(head -3 "$T/tty")"
[ "$(grep -Ec "$bar" "$T/tty")" -ge 3 ] || fail "bar drawn fewer than 3 times"
# it moved through one file: several distinct percentages below 100
[ "$(grep -Eo '^ *[0-9]+%' "$T/tty" | sort -u | grep -vc '100%')" -ge 2 ] ||
    fail "bar did not move within one file"
[ "$(grep -E '%  ' "$T/tty" | tail -1 | grep -Eo '^ *[0-9]+%')" = "100%" ] ||
    fail "bar does not end at 100%: $(grep -E '%  ' "$T/tty" | tail -1)"
grep -Eq '^parcp: 48\.00 MiB in [0-9.]+ s \([0-9.]+ [KMG]iB/s\), 1 of 1 files, 0 errors$' \
    "$T/tty" || fail "no summary line"
pass

# Every width: each line (bars and the summary) fits; what stays is
# stated (percent and bytes at 30, percent alone at 20).
for cols in 120 60 30 20; do
	rm -f "$T/copy"
	on_tty $cols "$PARCP -j 2 --progress '$T/big' '$T/copy' 2>&1 >/dev/null"
	cmp "$T/big" "$T/copy" || fail "$cols columns: bad copy"
	while IFS= read -r line; do
		[ "${#line}" -lt $cols ] ||
		    fail "$cols columns: a line of ${#line}: '$line'"
	done < <(grep . "$T/tty")
	grep -q 'parcp: \|MiB in ' "$T/tty" || fail "$cols columns: no summary"
	cp "$T/tty" "$T/tty.$cols"
done
grep -Eq '^100%  48\.00 MiB / 48\.00 MiB$' "$T/tty.30" ||
    fail "30 columns: $(cat "$T/tty.30")"
grep -Eq '^100%$' "$T/tty.20" || fail "20 columns: $(cat "$T/tty.20")"
grep -Eq '^100%  \[#+\]  48\.00 MiB / 48\.00 MiB  .*elapsed' "$T/tty.120" ||
    fail "120 columns: no bar: $(cat "$T/tty.120")"
# the last bar's rate is the summary's
rate=$(grep -Eo '\(([0-9.]+ [KMG]iB/s)\)' "$T/tty.120" | tr -d '()')
grep -E '^100%' "$T/tty.120" | tail -1 | grep -qF "  $rate  " ||
    fail "the last bar's rate is not the summary's ($rate)"
pass

# Trees count files; errors are counted and shown.
rm -rf "$T/tcopy"
on_tty 120 "$PARCP -r -j 2 --progress '$T/tree' '$T/tcopy' 2>&1 >/dev/null"
grep -Eq 'files 5/5, errors 0$' "$T/tty" || fail "tree: files not counted"
grep -q '5 of 5 files, 0 errors' "$T/tty" || fail "tree: summary"
pass

# stderr is a file: --progress stays silent.
rm "$T/copy"
run "$PARCP" -j 2 --progress "$T/big" "$T/copy"
expect_rc 0 "progress to a file"
[ ! -s "$T/err" ] || fail "progress printed to a non-terminal"
cmp "$T/big" "$T/copy"
pass

# --progress=always: plain lines, no carriage returns or escapes.
rm "$T/copy"
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=120000 "$PARCP" -j 2 \
    --engine=pread --progress=always "$T/big" "$T/copy"
expect_rc 0 "progress=always"
if grep -q $'[\r\x1b]' "$T/err"; then fail "control characters in plain mode"; fi
[ "$(grep -Ec '^ *[0-9]+%  ' "$T/err")" -ge 2 ] || fail "no periodic lines"
grep -Eq '^100%  48\.00 MiB / 48\.00 MiB' "$T/err" || fail "plain: no 100%"
tail -1 "$T/err" | grep -q '^parcp: 48.00 MiB in ' || fail "plain: summary"
pass

# --progress=never, and a bad value is a usage error.
run "$PARCP" --progress=never "$T/big" "$T/copy2"
expect_rc 0 "progress=never"
[ ! -s "$T/err" ] || fail "progress=never printed"
run "$PARCP" --progress=sometimes "$T/big" "$T/copy3"
expect_rc 1 "bad --progress"
grep -q "invalid --progress 'sometimes'" "$T/err" || fail "bad --progress message"
[ ! -e "$T/copy3" ] || fail "usage error copied"
pass

done_tests
