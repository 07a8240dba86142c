#!/bin/bash
# Sources that are not what st_size says, read to their end as cp reads
# them: a pipe (/dev/stdin), a FIFO, procfs (size 0) and sysfs (a page)
# files; a socket is refused as cp refuses it.  Extended attributes come
# from the file copied, not from the symlink that reached it.
. "$TESTLIB"

# Read-only looks at the running system's pseudo files: nothing there is
# written.
echo "piped data" | "$PARCP" /dev/stdin "$T/out" 2>"$T/err" ||
    fail "/dev/stdin: $(cat "$T/err")"
[ "$(cat "$T/out")" = "piped data" ] || fail "/dev/stdin: got '$(cat "$T/out")'"
echo "piped data" | cp /dev/stdin "$T/out.cp"
[ "$(stat -c %a "$T/out")" = "$(stat -c %a "$T/out.cp")" ] ||
    fail "/dev/stdin: mode $(stat -c %a "$T/out"), cp's $(stat -c %a "$T/out.cp")"
pass

mkfifo "$T/fifo"
head -c 300000 /dev/urandom >"$T/data"
cat "$T/data" >"$T/fifo" &
run "$PARCP" -j 3 --chunk-size=64K "$T/fifo" "$T/fromfifo"
expect_rc 0 "a FIFO source"
cmp "$T/data" "$T/fromfifo" || fail "a FIFO source: copy differs"
wait
pass

run "$PARCP" /proc/version "$T/version"
expect_rc 0 "/proc/version"
[ -s "$T/version" ] && cmp /proc/version "$T/version" ||
    fail "/proc/version: $(wc -c <"$T/version") bytes"
pass
f=/sys/kernel/mm/transparent_hugepage/enabled
if [ -r "$f" ]; then
	run "$PARCP" "$f" "$T/sys"
	expect_rc 0 "$f"
	cmp "$f" "$T/sys" || fail "$f: copy differs"
	pass
fi

python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$T/sock"
run "$PARCP" "$T/sock" "$T/x"
expect_rc 1 "a socket"
expect_err "^parcp: cannot open '$T/sock' for reading: No such device or address$"
[ ! -e "$T/x" ] || fail "a socket: something was made"
pass

# xattrs through a symlink operand (followed without -r) and under -L.
echo content >"$T/file"
if setfattr -n user.parcp -v yes "$T/file" 2>/dev/null; then
	ln -s file "$T/link"
	run "$PARCP" --preserve=xattr "$T/link" "$T/copy"
	expect_rc 0 "xattr via a symlink"
	[ "$(getfattr --absolute-names --only-values -n user.parcp "$T/copy" 2>/dev/null)" = yes ] ||
	    fail "the xattr of the file behind the symlink was not copied"
	mkdir "$T/tree"
	ln -s ../file "$T/tree/l"
	head -c 5000000 /dev/urandom >"$T/big"
	setfattr -n user.parcp -v big "$T/big"
	ln -s ../big "$T/tree/b"
	run "$PARCP" -rL --preserve=xattr --chunk-size=1M "$T/tree" "$T/tcopy"
	expect_rc 0 "xattr under -L"
	[ "$(getfattr --absolute-names --only-values -n user.parcp "$T/tcopy/l")" = yes ] ||
	    fail "-L: whole file's xattr missing"
	[ "$(getfattr --absolute-names --only-values -n user.parcp "$T/tcopy/b")" = big ] ||
	    fail "-L: split file's xattr missing"
	pass
fi
echo "$npass passed, 0 failed"
