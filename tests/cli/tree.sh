#!/bin/bash
# Trees: the fixture (every kind of entry) copied with -a in both modes and
# several -j, compared field by field with the source and with cp -a.
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"

make_tree "$T/src"
srcblocks=$(stat -c %b "$T/src/sparse")
cp -a "$T/src" "$T/cp"

for mode in pool fork; do
	for j in 1 2 7; do
		what="-a $mode -j $j"
		rm -rf "$T/dst"
		run "$PARCP" -a -j $j --mode=$mode "$T/src" "$T/dst"
		expect_rc 0 "$what"
		[ ! -s "$T/err" ] || fail "$what: stderr not empty"
		"$TREECMP" "$T/src" "$T/dst" >"$T/diff" ||
		    fail "$what: copy differs: $(head -5 "$T/diff")"
		[ "$(stat -c %b "$T/dst/sparse")" -le "$srcblocks" ] ||
		    fail "$what: sparse file allocates more than the source"
		[ -z "$(find "$T/dst" -name '.parcp.*')" ] ||
		    fail "$what: temp files left"
		pass
	done
done

# The same as what cp -a makes of the same tree.
"$TREECMP" "$T/cp" "$T/dst" >"$T/diff" ||
    fail "differs from cp -a: $(head -5 "$T/diff")"
pass

# -r without -p: contents and kinds, modes minus umask, times not kept.
rm -rf "$T/dst" "$T/cpr"
(umask 027 && cp -r "$T/src" "$T/cpr")
(umask 027 && "$PARCP" -r -j 2 "$T/src" "$T/dst") ||
    fail "-r: exit status $?"
"$TREECMP" -T -X -L "$T/cpr" "$T/dst" >"$T/diff" ||
    fail "-r differs from cp -r: $(head -5 "$T/diff")"
[ "$(stat -c %a "$T/dst/small/f2")" = 640 ] || fail "-r: umask not applied"
[ "$(stat -c %a "$T/dst/mib")" = 750 ] || fail "-r: set-id bits kept"
pass

# --sparse=never fills the holes; --sparse=always makes holes of zeros.
rm -rf "$T/dst"
mkdir "$T/sp"
truncate -s 64M "$T/sp/holes"
head -c 4096 /dev/urandom >>"$T/sp/holes"
head -c 8M /dev/zero >"$T/sp/zeros"
head -c 4096 /dev/urandom >>"$T/sp/zeros"
run "$PARCP" -r --sparse=never "$T/sp" "$T/dst"
expect_rc 0 "--sparse=never"
[ "$(stat -c %b "$T/dst/holes")" -ge $((64 * 2048)) ] ||
    fail "--sparse=never kept holes"
cmp "$T/sp/holes" "$T/dst/holes" || fail "--sparse=never: content"
rm -rf "$T/dst"
run "$PARCP" -r --sparse=always "$T/sp" "$T/dst"
expect_rc 0 "--sparse=always"
[ "$(stat -c %b "$T/dst/zeros")" -le 64 ] ||
    fail "--sparse=always wrote zeros: $(stat -c %b "$T/dst/zeros") blocks"
cmp "$T/sp/zeros" "$T/dst/zeros" || fail "--sparse=always: content"
[ "$(stat -c %b "$T/dst/holes")" -le 64 ] || fail "--sparse=always: holes"
pass

# A socket is skipped with a warning; the rest is copied, exit 0.
mkdir "$T/withsock"
mksock "$T/withsock/sock"
echo data >"$T/withsock/file"
rm -rf "$T/dst"
run "$PARCP" -a "$T/withsock" "$T/dst"
expect_rc 0 "socket"
expect_err "^parcp: $T/withsock/sock: socket skipped$"
[ ! -e "$T/dst/sock" ] && cmp "$T/withsock/file" "$T/dst/file" ||
    fail "socket: tree not copied as expected"
pass

done_tests
