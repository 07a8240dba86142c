#!/bin/bash
# Usage errors: exit 1 (as cp), a one-line reason plus the --help hint, nothing made.
. "$TESTLIB"

mkfile "$T/src" 1000

bad() {
	run "$PARCP" "$@" "$T/src" "$T/dst"
	expect_rc 1 "$*"
	grep -q "Try 'parcp --help'" "$T/err" || fail "$*: no --help hint"
	[ ! -e "$T/dst" ] || fail "$*: a usage error copied something"
	pass
}

bad -j 0
bad -j 1025
bad -j -3
bad --jobs=many
bad --chunk-size 12XB
bad --chunk-size 0
bad --chunk-size=1.5M
bad --buffer-size 0
bad --buffer-size 2G
bad --mode=threads
bad --no-such-option

grep -q "invalid chunk size '12XB'" <("$PARCP" --chunk-size 12XB a b 2>&1) ||
    fail "chunk size error does not name the value"
grep -q "invalid number of jobs '0'" <("$PARCP" -j 0 a b 2>&1) ||
    fail "jobs error does not name the value"
pass

run "$PARCP"
expect_rc 1 "no operands"
grep -q "missing file operand" "$T/err" || fail "no operands: message"
run "$PARCP" "$T/src"
expect_rc 1 "one operand"
grep -q "missing destination file operand after" "$T/err" ||
    fail "one operand: message"
pass

run "$PARCP" --help
expect_rc 0 "--help"
for o in $(grep -o -- '--[a-z][a-z-]*' "$T/out" | sort -u); do
	grep -q -- "${o#--}" "${srcdir:-.}/man/parcp.1" ||
	    fail "option $o is in --help but not in man/parcp.1"
done
pass

run "$PARCP" --version
expect_rc 0 "--version"
grep -Eq '^parcp [0-9]+\.[0-9]+' "$T/out" || fail "--version output"
# the build's features, for bug reports
for k in '^libarchive: libarchive [0-9]' '^xxhash: [0-9]+\.[0-9]+\.[0-9]+$' \
    '^engines: auto pread copy_file_range reflink$' '^report bugs to: .+@'; do
	grep -Eq "$k" "$T/out" || fail "--version: no '$k': $(cat "$T/out")"
done
pass

done_tests
