#!/bin/bash
# --verify and --manifest.  The shim silently corrupts one byte of a
# pwrite: without --verify the copy is bad (so the shim bites); with it the
# range is copied again and the copy is right, said in one warning line
# naming the file and the offset, counted in --stats and --json
# (repaired_ranges, verified_bytes, valid by the schema), exit 0;
# corrupted every time, the file fails with exit 3 and nothing corrupt
# under its final name.
# --manifest writes what xxhsum -c accepts.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

mkfile "$T/big" $((16 << 20))		# split into ranges
mkfile "$T/small" 100000			# one whole-entry task
echo "old contents" >"$T/old"
cp "$T/old" "$T/old.orig"
AT=$((5 << 20))
SCHEMA=$(dirname "$TESTLIB")/../doc/parcp-json.schema.json
# valid WHAT: $T/out is valid against the --json schema.
valid() {
	python3 "$(dirname "$TESTLIB")/jsonschema_check.py" "$SCHEMA" "$T/out" \
	    >"$T/schema" || fail "$1: not valid by the schema: $(cat "$T/schema")"
}
# jget KEY: the value of KEY in the JSON object in $T/out.
jget() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
	    "$T/out" "$1"
}
corrupt() {
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_CORRUPT_AT="$1" "${@:2}"
}

for src in big small; do
	at=$AT
	[ $src = small ] && at=4242
	for mode in pool fork; do
		name="$src $mode"
		# the shim corrupts: proven by a copy without --verify
		rm -f "$T/copy" "$T/mark"
		run corrupt $at PARCP_SHIM_CORRUPT_ONCE="$T/mark" "$PARCP" \
		    -j 2 --mode=$mode --engine=pread "$T/$src" "$T/copy"
		expect_rc 0 "$name unverified"
		if cmp -s "$T/$src" "$T/copy"; then
			fail "$name: the shim did not corrupt the copy"
		fi
		# once: detected, repaired and said
		rm -f "$T/copy" "$T/mark"
		run corrupt $at PARCP_SHIM_CORRUPT_ONCE="$T/mark" "$PARCP" \
		    -j 2 --mode=$mode --engine=pread --verify "$T/$src" \
		    "$T/copy"
		expect_rc 0 "$name verify once"
		[ -e "$T/mark" ] || fail "$name: nothing was corrupted"
		off=$([ $src = big ] && echo '[0-9]+' || echo 0)
		expect_err "^parcp: warning: '$T/copy': offset $off, [0-9]+ bytes: read back different from the source; copied again and verified\$"
		cmp "$T/$src" "$T/copy" || fail "$name: not repaired"
		no_temps "$T"
		pass
		# counted: --stats, and --json by the schema
		rm -f "$T/copy" "$T/mark"
		run corrupt $at PARCP_SHIM_CORRUPT_ONCE="$T/mark" "$PARCP" \
		    -j 2 --mode=$mode --engine=pread --verify --stats --json \
		    "$T/$src" "$T/copy"
		expect_rc 0 "$name verify --json"
		grep -q "^verified $(stat -c %s "$T/$src") bytes; repaired 1 range " \
		    "$T/err" || fail "$name: --stats: $(cat "$T/err")"
		valid "$name"
		[ "$(jget repaired_ranges)" -eq 1 ] || fail "$name: repaired_ranges"
		[ "$(jget verified_bytes)" -eq "$(stat -c %s "$T/$src")" ] ||
		    fail "$name: verified_bytes $(jget verified_bytes)"
		cmp "$T/$src" "$T/copy" || fail "$name: not repaired (--json)"
		pass
		# every time: exit 3, the old destination untouched
		run corrupt $at "$PARCP" -j 2 --mode=$mode --engine=pread \
		    --verify "$T/$src" "$T/old"
		expect_rc 3 "$name verify always"
		expect_err "^parcp: $T/old: verification failed: copy differs from source after a retry\$"
		cmp "$T/old" "$T/old.orig" || fail "$name: DEST damaged"
		no_temps "$T"
		pass
	done
done

# Sparse sources: the hole-skipping copy is verified too.
truncate -s 64M "$T/sparse"
printf 'data' | dd of="$T/sparse" bs=1M seek=40 conv=notrunc status=none
rm -f "$T/copy" "$T/mark"
run corrupt $(((40 << 20) + 2)) PARCP_SHIM_CORRUPT_ONCE="$T/mark" "$PARCP" \
    -j 2 --engine=pread --sparse=always --verify "$T/sparse" "$T/copy"
expect_rc 0 "sparse verify"
[ -e "$T/mark" ] || fail "sparse: nothing was corrupted"
cmp "$T/sparse" "$T/copy" || fail "sparse: not repaired"
pass

# A tree with --verify: identical, field by field.
make_tree "$T/tree" 300
run "$PARCP" -a -j 3 --verify "$T/tree" "$T/tcopy"
expect_rc 0 "tree verify"
"$TREECMP" "$T/tree" "$T/tcopy" || fail "tree verify: trees differ"
pass

# --manifest: xxhsum -c accepts it, one line per file (hard links too),
# paths as given (relative here), lines in walk order.
mkdir -p "$T/m/src/sub"
mkfile "$T/m/src/a" 3000000
mkfile "$T/m/src/sub/b" 10
: >"$T/m/src/empty"
ln "$T/m/src/a" "$T/m/src/sub/link"
ln -s a "$T/m/src/sym"
(
	cd "$T/m"
	run "$PARCP" -a -j 2 --chunk-size=1M --manifest=SUMS src dst
	expect_rc 0 "manifest"
	[ "$(wc -l <SUMS)" -eq 4 ] || fail "manifest: $(cat SUMS)"
	grep -Eq '^[0-9a-f]{32}  dst/a$' SUMS || fail "manifest: no dst/a"
	grep -q '  dst/sub/link$' SUMS || fail "manifest: no hard link"
	if grep -q 'sym' SUMS; then fail "manifest lists a symlink"; fi
	xxhsum -c SUMS >"$T/xx" 2>&1 || fail "xxhsum -c: $(cat "$T/xx")"
	[ "$(grep -c ': OK$' "$T/xx")" -eq 4 ] || fail "xxhsum: $(cat "$T/xx")"
	# the hashes are the copies': a changed copy fails the check
	# (its first byte made another: 'x' over a random 'x' changed nothing)
	b0=$(head -c1 dst/sub/b | od -An -tu1 | tr -d ' ')
	printf "\\$(printf %03o $(((b0 + 1) % 256)))" |
	    dd of=dst/sub/b conv=notrunc status=none
	[ "$(head -c1 dst/sub/b | od -An -tu1 | tr -d ' ')" != "$b0" ] ||
	    fail "the copy was not changed"
	if xxhsum -c SUMS >/dev/null 2>&1; then
		fail "xxhsum accepted a changed copy"
	fi
	no_temps .
)
pass

# --direct --verify: the read-back is buffered (O_DIRECT off for it, on
# again after), in both modes, a split file and a small one; every byte
# verified.
for src in big small; do
	for mode in pool fork; do
		rm -f "$T/copy"
		run "$PARCP" -j 2 --mode=$mode --direct --verify --json \
		    "$T/$src" "$T/copy"
		expect_rc 0 "direct $src $mode"
		cmp "$T/$src" "$T/copy" || fail "direct $src $mode: differs"
		[ "$(jget verified_bytes)" -eq "$(stat -c %s "$T/$src")" ] ||
		    fail "direct $src $mode: verified $(jget verified_bytes)"
		[ "$(jget repaired_ranges)" -eq 0 ] ||
		    fail "direct $src $mode: repaired $(jget repaired_ranges)"
	done
done
pass

done_tests
