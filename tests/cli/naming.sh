#!/bin/bash
# cp's naming rules, each as its own case: the same command is run with cp
# and with parcp in two identical worlds; the exit status (0 or 1) and the
# resulting worlds must be the same.
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"

# world DIR: a small scene in which the commands run.
world() {
	rm -rf "$1"
	mkdir -p "$1/src/sub" "$1/existing/src" "$1/other"
	echo a >"$1/src/a"
	echo b >"$1/src/sub/b"
	echo old >"$1/existing/src/a"
	echo file >"$1/file"
	echo file2 >"$1/file2"
	touch -d '2001-01-01' "$1/file"
	touch -d '2002-01-01' "$1/file2"
	${extra:-:} "$1"
}

like_cp -r src new			# a missing DEST is created
like_cp -r src other			# into an existing directory
like_cp -r src/ other			# trailing slash on the source
like_cp -r src new/			# trailing slash on a missing DEST
like_cp -r src other/			# trailing slash on a directory
like_cp -r src existing			# merges into existing/src
like_cp -r src file			# directory onto a file: refused
# Into itself: cp copies part of the tree before it notices; parcp
# refuses up front and changes nothing.
refused() {
	world "$T/pc"
	world "$T/untouched"
	set +e
	(cd "$T/pc" && "$PARCP" "$@" >/dev/null 2>"$T/err")
	rc=$?
	set -e
	expect_rc 1 "parcp $*"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "parcp $*: one error line"
	"$TREECMP" -T "$T/untouched" "$T/pc" >"$T/diff" ||
	    fail "parcp $*: changed something: $(head -3 "$T/diff")"
	pass
}
refused -r src src/sub
refused -r src src
refused -r . src/sub
like_cp file file			# onto itself: refused
like_cp file new/			# file to a missing "directory"
like_cp file file2 other		# several sources into a directory
like_cp file file2 file			# several sources, no directory
like_cp -t other file file2		# -t
like_cp -t other -r src file
like_cp -T -r src existing		# -T: DEST is the copy, merged
like_cp -T file existing		# -T: file onto a directory: refused
like_cp -T file newname
like_cp -r src existing/src/a		# directory onto an existing file
like_cp -n file file2			# -n keeps file2
like_cp -n -r src existing		# -n keeps existing/src/a
like_cp -u file file2			# file is older: kept
like_cp -u file2 file			# file2 is newer: copied
like_cp -u -r src existing		# src/a is newer than existing/src/a
like_cp -f file file2			# -f replaces
like_cp -n -f file file2		# the last of -n and -f wins
like_cp -f -n file file2

# -L and symlinks: a link to an ancestor is reported, not walked forever
# and not copied, as with cp; -H and -P as cp.
cyclic() {
	ln -s .. "$1/src/sub/up"
	ln -s src "$1/srclink"
}
extra=cyclic
like_cp -rL src new
like_cp -rL srclink new
like_cp -rH srclink new
like_cp -r srclink new
like_cp -rP srclink new
extra=

# The error messages name the paths.
world "$T/pc"
run "$PARCP" -r "$T/pc/src" "$T/pc/src/sub"
expect_err "^parcp: cannot copy a directory, '$T/pc/src', into itself, '$T/pc/src/sub/src'$"
run "$PARCP" -r "$T/pc/src" "$T/pc/file"
expect_err "^parcp: cannot overwrite non-directory '$T/pc/file' with directory '$T/pc/src'$"
pass

done_tests
