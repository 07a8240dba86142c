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
	# an existing file of another owner, with its own mode and ACL
	echo old >"$1/e"
	chown nobody "$1/e"
	chmod 4750 "$1/e"
	setfacl -m u:daemon:r "$1/e" 2>/dev/null || :
	head -c 3000000 "$1/../big" >"$1/bigsrc"
	# a hard-link group, of which one name is already copied (-u)
	# (both names in turn: either may be the first the walk meets)
	mkdir "$1/hl" "$1/hlcopy" "$1/hlcopy2"
	echo linked >"$1/hl/a"
	ln "$1/hl/a" "$1/hl/b"
	cp -a "$1/hl/a" "$1/hlcopy/a"
	cp -a "$1/hl/b" "$1/hlcopy2/b"
	# a source with an ACL (-p keeps it: it is part of the mode)
	echo acl >"$1/withacl"
	setfacl -m u:nobody:rw "$1/withacl" 2>/dev/null || :
}


[ "$(id -u)" -eq 0 ] || { echo "overwrite.sh: needs root (mknod)"; exit 77; }
head -c 3000000 /dev/urandom >"$T/big"
SAME_WORDS=1
like_cp -r src/. dst		# dst/sub is a symlink: refused
like_cp -rT src dd/link		# DEST a symlink to a directory, -T: refused
like_cp -r src dd/link		# ... without -T: copied into realdir
like_cp -R a/1 b/1 c		# the same name twice: the first only
like_cp f null			# a character device: written into
like_cp f nlink			# through a symlink to one
like_cp -p g null		# -p: its metadata too, through the fd
like_cp -r f a/1 c		# an ordinary copy still replaces
like_cp f e			# over an existing file: its owner, mode, ACL
like_cp bigsrc e		# ... also when split into ranges (3 MB: 1 MiB chunks)
like_cp -p f e			# -p: the source's
like_cp -au hl/. hlcopy		# a kept name's hard link is still made
like_cp -au hl/. hlcopy2
like_cp -p withacl acl.copy	# -p keeps an ACL (group bits stay its own)

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
# --inplace writes into the existing file: its hard links see the copy.
world "$T/pc"
echo old >"$T/pc/old"
ln "$T/pc/old" "$T/pc/oldlink"
run "$PARCP" --inplace "$T/pc/bigsrc" "$T/pc/old"
expect_rc 0 "--inplace"
cmp "$T/pc/bigsrc" "$T/pc/oldlink" || fail "--inplace: the hard link kept the old data"
pass

# As a user: a read-only file is refused without -f (cp's words), and
# replaced with it; a writable file in a directory this user cannot write:
# the directory named, --inplace suggested, and --inplace does it.
u=$T/user
mkdir "$u"
chmod 777 "$u"
cp "$PARCP" "$u/parcp"
chmod 755 "$u/parcp" "$T"
for who in cp parcp; do
	prog=$who
	[ "$who" = parcp ] && prog=$u/parcp
	rm -rf "$u/w"
	as_user mkdir "$u/w"
	as_user sh -c "cd '$u/w' && echo new >f && echo old >ro && chmod 444 ro &&
	    mkdir d && echo old >d/file && chmod 666 d/file && chmod 555 d"
	set +e
	(cd "$u/w" && as_user "$prog" f ro) 2>"$T/$who.1"; echo $? >>"$T/$who.1"
	(cd "$u/w" && as_user "$prog" -f f ro) 2>>"$T/$who.1"; echo $? >>"$T/$who.1"
	(cd "$u/w" && as_user "$prog" f d/file) 2>"$T/$who.2"; echo $? >>"$T/$who.2"
	set -e
	cat "$u/w/ro" "$u/w/d/file" >"$T/$who.files"
	chmod 755 "$u/w/d"
done
sed 's/^cp: /parcp: /' "$T/cp.1" | cmp -s - "$T/parcp.1" ||
    fail "read-only destination: '$(cat "$T/parcp.1")', cp: '$(cat "$T/cp.1")'"
grep -qx "parcp: cannot replace 'd/file': its directory 'd' is not writable (--inplace writes into the file, as cp does)" "$T/parcp.2" ||
    fail "unwritable directory: $(cat "$T/parcp.2")"
(cd "$u/w" && chmod 555 d && as_user "$u/parcp" --inplace f d/file) ||
    fail "--inplace as a user"
[ "$(cat "$u/w/d/file")" = new ] || fail "--inplace: not written"
chmod 755 "$u/w/d"
pass
echo "$npass passed, 0 failed"
