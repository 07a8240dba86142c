#!/bin/bash
# A 5 GiB sparse file with data at both ends (offsets past 4 GiB): copied
# exactly in both modes, holes stay holes, the holes are never read.
. "$TESTLIB"

size=$((5 << 30))
truncate -s "$size" "$T/src"
head -c 100000 /dev/urandom | dd of="$T/src" conv=notrunc status=none
head -c 100000 /dev/urandom |
    dd of="$T/src" bs=1 seek=$((size - 100000)) conv=notrunc status=none
[ "$(stat -c %s "$T/src")" -eq "$size" ] || fail "setup: size"
sum() {
	{ head -c 100000 "$1"; tail -c 100000 "$1"; } | md5sum
}
want=$(sum "$T/src")
srcblocks=$(stat -c %b "$T/src")

for mode in pool fork; do
	for j in 1 2 3 8; do
		rm -f "$T/dst"
		run "$PARCP" -j $j --mode=$mode --chunk-size=7777777 \
		    "$T/src" "$T/dst"
		expect_rc 0 "sparse $mode -j $j"
		[ "$(stat -c %s "$T/dst")" -eq "$size" ] || fail "size differs"
		[ "$(sum "$T/dst")" = "$want" ] || fail "data differs"
		[ "$(stat -c %b "$T/dst")" -le "$srcblocks" ] ||
		    fail "copy allocates more blocks than the source"
		pass
	done
done
# One full comparison, byte for byte.
cmp "$T/src" "$T/dst" || fail "sparse copy differs"
pass

# The holes were not read: -vv shows only ranges within the data.
rm -f "$T/dst"
run "$PARCP" -j 2 -vv "$T/src" "$T/dst"
expect_rc 0 "sparse -vv"
[ "$(grep -c '^worker' "$T/out")" -le 4 ] ||
    fail "holes were planned as ranges: $(grep -c '^worker' "$T/out")"
pass

# All hole: no range at all, still the right size.
truncate -s 3G "$T/hole"
rm -f "$T/dst"
run "$PARCP" "$T/hole" "$T/dst"
expect_rc 0 "all hole"
[ "$(stat -c %s "$T/dst")" -eq $((3 << 30)) ] || fail "all hole: size"
[ "$(stat -c %b "$T/dst")" -eq 0 ] || fail "all hole: blocks allocated"
pass

done_tests
