#!/bin/bash
# Errors don't stop a tree: unreadable entries are reported once and the
# rest is copied (exit 1); a worker killed mid-copy is replaced and the copy
# completes; Ctrl-C leaves no temp file and no partial file.
. "$TESTLIB"
: "${TREECMP:?}" "${FAULTSHIM:?}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

make_tree "$T/src" 300
# A few files big enough to be split into ranges.
for i in 1 2 3; do
	head -c 3000000 /dev/urandom >"$T/src/big$i"
done
chmod -R a+rX "$T/src"
chmod 555 "$T/src/ro"

# Unreadable file and directory, as an unprivileged user.
cp "$PARCP" "$T/parcp"
chmod 755 "$T/parcp"
mkdir "$T/area"
chmod 777 "$T/area"
echo secret >"$T/src/secret"
chmod 600 "$T/src/secret"
mkdir "$T/src/closed"
echo hidden >"$T/src/closed/file"
chmod 700 "$T/src/closed"
[ ! -e "$T/src/null" ] || mv "$T/src/null" "$T/null"	# root's only
run as_user "$T/parcp" -r "$T/src" "$T/area/dst"
expect_rc 1 "unreadable entries"
grep -q "^parcp: $T/src/secret: open: Permission denied$" "$T/err" ||
    fail "unreadable file not reported"
grep -q "^parcp: $T/src/closed: opendir: Permission denied$" "$T/err" ||
    fail "unreadable directory not reported"
[ "$(wc -l <"$T/err")" -eq 2 ] || fail "expected two error lines"
[ ! -e "$T/area/dst/secret" ] || fail "unreadable file has a final name"
[ -d "$T/area/dst/closed" ] && [ -z "$(ls -A "$T/area/dst/closed")" ] ||
    fail "unreadable directory: expected an empty copy"
cmp "$T/src/big2" "$T/area/dst/big2" && cmp "$T/src/small/f7" \
    "$T/area/dst/small/f7" || fail "the readable rest was not copied"
[ -z "$(find "$T/area" -name '.parcp.*')" ] || fail "temp files left"
pass
rm -rf "$T/src/secret" "$T/src/closed" "$T/area"
[ ! -e "$T/null" ] || mv "$T/null" "$T/src/null"

# A worker killed once (SIGKILL while reading): replaced, its task re-run,
# the copy complete and exact.  Offset 0 hits a whole-file task or the
# first range, whichever a worker reads first; 2000000 only a range.
for mode in pool fork; do
	for at in 0 2000000; do
		rm -rf "$T/dst" "$T/marker"
		run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_KILL_AT=$at \
		    PARCP_SHIM_KILL_ONCE="$T/marker" \
		    "$PARCP" -a -j 2 --mode=$mode --chunk-size=1M \
		    "$T/src" "$T/dst"
		expect_rc 0 "worker killed at $at, $mode"
		[ -e "$T/marker" ] || fail "$mode: no worker was killed"
		"$TREECMP" "$T/src" "$T/dst" >"$T/diff" ||
		    fail "killed worker, $mode: $(head -3 "$T/diff")"
		[ -z "$(find "$T/dst" -name '.parcp.*')" ] ||
		    fail "killed worker, $mode: temp files left"
		pass
	done
done

# Ctrl-C in the middle of a tree: exit 130, no temp file anywhere, and
# every file under a final name is whole.
for mode in pool fork; do
	rm -rf "$T/dst"
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=3000 \
	    "$PARCP" -a -j 2 --mode=$mode "$T/src" "$T/dst" 2>"$T/err" &
	pid=$!
	# (a new tree fills beside its name, .parcp.dst.*, until placed)
	for _ in $(seq 500); do
		[ "$(find "$T/dst" "$T"/.parcp.dst.* -path '*/small/*' \
		    2>/dev/null | wc -l)" -gt 20 ] && break
		sleep 0.01
	done
	kill -INT "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	expect_rc 130 "Ctrl-C in a tree, $mode"
	[ -z "$(find "$T/dst" -name '.parcp.*')" ] ||
	    fail "Ctrl-C, $mode: temp files left"
	n=0
	while IFS= read -r -d '' f; do
		cmp -s "$f" "$T/src/${f#"$T/dst/"}" ||
		    fail "Ctrl-C, $mode: partial file ${f#"$T/dst/"}"
		n=$((n + 1))
	done < <(find "$T/dst" -type f -print0)
	[ "$n" -gt 0 ] || fail "Ctrl-C, $mode: nothing copied before the signal"
	pass
done

done_tests
