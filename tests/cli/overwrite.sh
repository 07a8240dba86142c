#!/bin/bash
# What cp does to what is already there, each case run with cp and with
# parcp in two identical worlds: same exit status, same error text (after
# the program's name), same resulting world (tests/treecmp, which also
# compares types and device numbers).  Device and FIFO destinations are
# written into, never replaced; a symlink (even to a directory) or a file
# where the source has a directory is refused, nothing written through
# it; two operands with one destination: the first is copied.
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"

world() {
	rm -rf "$1"
	mkdir -p "$1/src/sub" "$1/dst" "$1/elsewhere" "$1/a" "$1/b" "$1/c" \
	    "$1/dd/realdir"
	echo x >"$1/src/sub/f"
	ln -s ../elsewhere "$1/dst/sub"
	ln -s realdir "$1/dd/link"
	echo 1 >"$1/a/1"
	echo 2 >"$1/b/1"
	echo hello >"$1/f"
	echo data >"$1/g"
	chmod 600 "$1/g"
	touch -d 2001-01-01 "$1/f" "$1/g"
	mknod "$1/null" c 1 3
	chmod 666 "$1/null"
	ln -s null "$1/nlink"
	touch -d 2002-01-01 "$1/src/sub/f" "$1/src/sub" "$1/src"
}


[ "$(id -u)" -eq 0 ] || { echo "overwrite.sh: needs root (mknod)"; exit 77; }
SAME_WORDS=1
like_cp -r src/. dst		# dst/sub is a symlink: refused
like_cp -rT src dd/link		# DEST a symlink to a directory, -T: refused
like_cp -r src dd/link		# ... without -T: copied into realdir
like_cp -R a/1 b/1 c		# the same name twice: the first only
like_cp f null			# a character device: written into
like_cp f nlink			# through a symlink to one
like_cp -p g null		# -p: its metadata too, through the fd
like_cp -r f a/1 c		# an ordinary copy still replaces

# A FIFO destination: opened and written, not replaced.
world "$T/pc"
mkfifo "$T/pc/fifo"
cat "$T/pc/fifo" >"$T/got" &
reader=$!
run "$PARCP" "$T/pc/f" "$T/pc/fifo"
expect_rc 0 "into a FIFO"
wait "$reader"
cmp "$T/pc/f" "$T/got" || fail "the FIFO's reader got other data"
[ -p "$T/pc/fifo" ] || fail "the FIFO was replaced"
pass
# A file larger than a chunk: one writer, in order, not a part file.
head -c 3000000 /dev/urandom >"$T/big"
mkfifo "$T/pc/fifo2"
cat "$T/pc/fifo2" >"$T/got" &
reader=$!
run "$PARCP" -j 3 --chunk-size=64K "$T/big" "$T/pc/fifo2"
expect_rc 0 "a large file into a FIFO"
wait "$reader"
cmp "$T/big" "$T/got" || fail "the FIFO got the file out of order"
no_temps "$T/pc"
pass
echo "$npass passed, 0 failed"
