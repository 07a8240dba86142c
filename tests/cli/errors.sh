#!/bin/bash
# Bad input: one line naming the path and the reason, exit 1, nothing
# else damaged.
. "$TESTLIB"

mkfile "$T/src" 100000
cp "$T/src" "$T/keep"

run "$PARCP" "$T/nosuch" "$T/dst"
expect_rc 1 "missing source"
expect_err "^parcp: cannot stat '$T/nosuch': No such file or directory$"
[ ! -e "$T/dst" ] || fail "missing source: dst created"
pass

mkdir "$T/dir"
run "$PARCP" "$T/dir" "$T/dst"
expect_rc 1 "directory source"
expect_err "^parcp: -r not specified; omitting directory '$T/dir'$"
pass

# The same file: by name, through a hard link, through a symlink.
ln "$T/src" "$T/hard"
ln -s src "$T/soft"
for d in src hard soft; do
	run "$PARCP" "$T/src" "$T/$d"
	expect_rc 1 "same file via $d"
	expect_err "^parcp: '$T/src' and '$T/$d' are the same file$"
	cmp "$T/src" "$T/keep" || fail "same file via $d: source damaged"
	pass
done
rm "$T/hard" "$T/soft"

# One good source and one bad: the good one is copied, exit 1.
mkdir "$T/into"
run "$PARCP" "$T/src" "$T/nosuch" "$T/into"
expect_rc 1 "one bad source of two"
expect_err "^parcp: cannot stat '$T/nosuch': No such file or directory$"
cmp "$T/src" "$T/into/src" || fail "good source not copied"
pass

run "$PARCP" "$T/src" "$T/src" "$T/notadir"
expect_rc 1 "several sources, no directory"
expect_err "^parcp: target '$T/notadir': No such file or directory$"
pass

run "$PARCP" -t "$T/src" "$T/src"
expect_rc 1 "-t onto a file"
expect_err "^parcp: target directory '$T/src': Not a directory$"
run "$PARCP" -t "$T/nodir" "$T/src"
expect_rc 1 "-t missing directory"
expect_err "^parcp: target directory '$T/nodir': No such file or directory$"
[ ! -e "$T/nodir" ] || fail "-t missing directory: created it"
pass

run "$PARCP" "$T/src" "$T/newdir/"
expect_rc 1 "trailing slash"
expect_err "^parcp: cannot create regular file '$T/newdir/': Not a directory$"
[ ! -e "$T/newdir" ] || fail "trailing slash: created a file"
pass

run "$PARCP" "$T/src" "$T/missing/dst"
expect_rc 1 "missing dest directory"
expect_err "^parcp: $T/missing/dst: create: No such file or directory$"
pass

run "$PARCP" "$T/src" "$T/dir"
[ -f "$T/dir/src" ] || fail "setup"
mkdir "$T/dir2" "$T/dir2/src"
run "$PARCP" "$T/src" "$T/dir2"
expect_rc 1 "directory in the way"
expect_err "^parcp: cannot overwrite directory '$T/dir2/src' with non-directory$"
pass

ln -s nowhere "$T/dangling"
run "$PARCP" "$T/src" "$T/dangling"
expect_rc 1 "dangling symlink"
expect_err "^parcp: not writing through dangling symlink '$T/dangling'$"
[ "$(readlink "$T/dangling")" = nowhere ] || fail "dangling link changed"
pass

# Permissions, as an unprivileged user (root would ignore the bits).
cp "$PARCP" "$T/parcp"
chmod 755 "$T/parcp"
mkdir "$T/ro" "$T/rw"
cp "$T/src" "$T/ro/old"
chmod 644 "$T/ro/old"
chmod 555 "$T/ro"
chmod 777 "$T/rw"
cp "$T/src" "$T/secret"
chmod 600 "$T/secret"
run as_user "$T/parcp" "$T/src" "$T/ro/new"
expect_rc 1 "read-only dest directory"
expect_err "^parcp: $T/ro/new: create: Permission denied$"
[ "$(ls -A "$T/ro")" = old ] || fail "read-only dir: something written"
run as_user "$T/parcp" "$T/src" "$T/ro/old"
expect_rc 1 "read-only dest directory, existing file"
cmp "$T/ro/old" "$T/src" || fail "existing file damaged"
pass

run as_user "$T/parcp" "$T/secret" "$T/rw/copy"
expect_rc 1 "unreadable source"
expect_err "^parcp: $T/secret: open: Permission denied$"
[ "$(ls -A "$T/rw")" = "" ] || fail "unreadable source: something written"
pass

done_tests
