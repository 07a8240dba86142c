#!/bin/bash
# GNU cp's options, each case run with cp and with parcp in two identical
# worlds (like_cp): the same exit status, the same resulting world and,
# where SAME_WORDS=1, the same words on stderr.
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"

world() {
	rm -rf "$1"
	mkdir -p "$1/src/sub" "$1/dst"
	echo a >"$1/src/a"
	echo b >"$1/src/sub/b"
	ln "$1/src/a" "$1/src/hard"
	ln -s a "$1/src/sym"
	chmod 700 "$1/src/sub/b" "$1/src/sub"
	mkfifo -m 600 "$1/src/fifo"
	touch -d 2001-02-03 "$1/src/a" "$1/src/sub/b"
	echo old >"$1/dst/a"
	chmod 600 "$1/dst/a"
	chown nobody "$1/dst/a"
	ln -s src/sub "$1/dirlink"
	mkdir "$1/elsewhere"
	ln -s ../elsewhere "$1/dst/sub"
	mknod "$1/dst/null" c 1 3
	mkfifo "$1/dst/fifo"
	ln -s a "$1/dst/alink"
	${extra:-:} "$1"
	# fixed directory times: the two worlds are made a moment apart
	touch -d 2001-02-03 "$1/src/sub" "$1/src"
}

# same_stat FMT PATH: stat FMT of PATH agrees in both worlds.
same_stat() {
	[ "$(stat -c "$1" "$T/cp/$2")" = "$(stat -c "$1" "$T/pc/$2")" ] ||
	    fail "$2: stat $1: cp $(stat -c "$1" "$T/cp/$2"), parcp $(stat -c "$1" "$T/pc/$2")"
}

[ "$(id -u)" -eq 0 ] || { echo "cpopts.sh: needs root (mknod, mount)"; exit 77; }
umask 022

# 1. --preserve words as cp takes them, --no-preserve, -d.
like_cp -r --preserve=link src new		# abbreviated: links
same_stat %h new/a
like_cp -r --preserve=time src new		# timestamps
same_stat %Y new/sub/b
like_cp -r --preserve=mode,own src new
like_cp -r --preserve=x,l src new
like_cp -a --no-preserve=mode src new		# the default mode, as cp
like_cp -r --no-preserve=mode src new
like_cp --no-preserve=mode src/sub/b dst/a	# an existing file keeps its own
like_cp -p --no-preserve=timestamps src/a new
like_cp --no-preserve=mode --preserve=mode src/sub/b new
like_cp -a --no-preserve=links src new
same_stat %h new/a
like_cp -rd src new				# -d: links kept, symlinks copied
same_stat %h new/a
like_cp -d src/sym new
SAME_WORDS=1
like_cp --preserve=context src/a new		# no SELinux: refused, as cp
like_cp -a --preserve=cont src new
like_cp --preserve=context --no-preserve=context src/a new
like_cp --preserve=context src/a		# said before the operands
SAME_WORDS=0

# 2. --strip-trailing-slashes, -x, --remove-destination,
# --keep-directory-symlink.
like_cp -r --strip-trailing-slashes dirlink/ dst	# into DEST: the link
like_cp -r --strip-trailing-slashes dirlink/ new	# as DEST: not stripped
like_cp -r --strip-trailing-slashes src/// dst
mounted() {
	mkdir "$1/src/m"
	mount -t tmpfs parcp "$1/src/m"
	mkdir "$1/src/m/in"
	echo m >"$1/src/m/in/f"
}
unmount() {
	for w in cp pc; do
		umount "$T/$w/src/m" 2>/dev/null || :
	done
}
trap 'unmount; cleanup' EXIT
extra=mounted
unmount
like_cp -rx src new			# the mount point made, empty
unmount
like_cp -a --one-file-system src new
unmount
like_cp -ax src/m new			# an operand's own file system: copied
unmount
like_cp -rx src/m/. new
unmount
extra=
SAME_WORDS=1
like_cp --remove-destination src/a dst/a	# a new file: not the old owner, mode
like_cp --remove-destination src/a dst/null	# a device replaced by a file
like_cp --remove-destination src/a dst/fifo	# a FIFO too (no reader needed)
like_cp --remove-destination src/sub/b dst/alink	# the link, not its target
like_cp -r --remove-destination src/a src/fifo dst	# -r: a FIFO for a FIFO
SAME_WORDS=0
# --keep-directory-symlink (later coreutils; not in cp 9.1): followed.
world "$T/pc"
run "$PARCP" -r --keep-directory-symlink "$T/pc/src/." "$T/pc/dst"
expect_rc 0 "--keep-directory-symlink"
[ -L "$T/pc/dst/sub" ] && cmp -s "$T/pc/src/sub/b" "$T/pc/elsewhere/b" ||
    fail "--keep-directory-symlink: not copied through the link"
pass

# 3. -l, -s, --parents.
mkdir -p "$T/shared/d"
echo s >"$T/shared/d/f"
ln -s f "$T/shared/d/l"
like_cp -l src/a new			# a hard link (treecmp: one group)
like_cp -rl src new			# symlinks followed (cp -l's default)
like_cp -rlP src new			# ... or linked themselves
like_cp -lf src/a dst/a			# -f: replaced
like_cp -l --remove-destination src/a dst/null
like_cp -s src/a new			# relative, in the current directory
like_cp -s "$T/shared/d/f" dst/h	# absolute: anywhere
like_cp -rs "$T/shared" new		# directories made, files linked
like_cp -sf "$T/shared/d/f" dst/a
SAME_WORDS=1
like_cp -l src/a dst/a			# File exists, as cp
like_cp -s src/a dst/s			# relative, elsewhere: refused
like_cp -s "$T/shared/d/f" dst/a
SAME_WORDS=sorted
like_cp -rs src new			# each file refused, directories made
SAME_WORDS=0
like_cp --parents src/sub/b dst
same_stat %a dst/src/sub
like_cp -p --parents src/sub/b src/a dst
same_stat %Y dst/src/sub
like_cp -r --parents src/sub dst
like_cp --parents -t dst src/sub/b src/a

# 4. Refusals: usage errors exit 1 as cp's, with the --help hint.
SAME_WORDS=1
like_cp --preserve=bogus src/a new
like_cp --preserve=mode,bogus,links src/a new
like_cp -l -s src/a new
like_cp --parents src/a dst/a			# not a directory
like_cp --parents src/a nowhere
like_cp --parents -T src/a dst
like_cp --bogus src/a new
like_cp src/a
SAME_WORDS=0

# 5. --backup, -b, -S: the old destination renamed just before the new
# copy is renamed over it.
numbered() {
	echo one >"$1/dst/a.~1~"
	echo two >"$1/dst/a.~2~"
	echo nine >"$1/dst/a.~9~"
	echo not >"$1/dst/a.~x~"
}
like_cp -b src/a dst/a				# dst/a~, a new dst/a
like_cp --backup src/a dst/a
like_cp --backup=simple src/a dst/a
like_cp --backup=never src/a dst/a
like_cp --backup=numbered src/a dst/a		# dst/a.~1~
like_cp --backup=t src/a dst/a
like_cp --backup=nil src/a dst/a		# existing: simple, none there
like_cp --backup=none src/a dst/a
like_cp --backup=off src/a dst/a
like_cp -b src/a new				# nothing to back up
like_cp -S .bak src/a dst/a			# -S alone: backups
like_cp -b -S .old -S .bak src/a dst/a
like_cp -b -S x/y src/a dst/a			# a suffix with a '/': '~'
like_cp --backup=t -b src/a dst/a		# -b keeps CONTROL
VERSION_CONTROL=numbered like_cp -b src/a dst/a
VERSION_CONTROL=never like_cp --backup src/a dst/a
VERSION_CONTROL=t like_cp --backup=simple src/a dst/a
SIMPLE_BACKUP_SUFFIX=.orig like_cp -b src/a dst/a
SIMPLE_BACKUP_SUFFIX=.orig like_cp -b -S .s src/a dst/a
like_cp -b src/a dst/fifo			# a FIFO renamed, not written
like_cp -b src/a dst/null
like_cp -b src/sub/b dst/alink			# the link renamed, not followed
like_cp -rb src/. dst				# a tree over files
like_cp -ab src/. dst
like_cp -b src/a src/hard dst			# hard links: both backed up
like_cp -rb --preserve=links src/a src/hard dst
like_cp -bl src/a dst/a				# -l, -s too
like_cp -bs "$T/shared/d/f" dst/a
extra=numbered
like_cp --backup=t src/a dst/a			# dst/a.~10~
like_cp --backup=existing src/a dst/a		# numbered: some are there
like_cp -S .bak src/a dst/a			# existing, the default
like_cp --backup=simple src/a dst/a
extra=
SAME_WORDS=1
like_cp -bn src/a dst/a				# refused, as cp
like_cp --backup=none -n src/a dst/a
like_cp --backup=bogus src/a dst/a
like_cp --backup=n src/a dst/a			# ambiguous
VERSION_CONTROL=bogus like_cp -b src/a dst/a
like_cp -l -s --backup=bogus src/a dst/a	# -l -s said first
SAME_WORDS=0

# 6. --update[=WHEN] (cp 9.1 has the bare one: -u, -n beside it), -Z,
# --context.
older() {
	touch -d 2000-01-01 "$1/dst/a"
}
CP_ARGS="-u src/a dst/a" like_cp --update=older src/a dst/a
CP_ARGS="-u src/a dst/a" like_cp --update src/a dst/a
CP_ARGS="-u src/a dst/a" like_cp --update=o src/a dst/a
CP_ARGS="-n src/a dst/a" like_cp --update=none src/a dst/a
CP_ARGS="src/a dst/a" like_cp --update=all src/a dst/a
CP_ARGS="src/a dst/a" like_cp -u --update=all src/a dst/a
CP_ARGS="-rn src/. dst" like_cp -r --update=none src/. dst
extra=older
CP_ARGS="-u src/a dst/a" like_cp --update=older src/a dst/a
CP_ARGS="-n src/a dst/a" like_cp --update=none src/a dst/a
CP_ARGS="-u src/a dst/a" like_cp -u src/a dst/a
extra=
SAME_WORDS=1
like_cp -Z src/a new				# nothing to do, silent
like_cp --context src/a new
like_cp -r --context=system_u:object_r:tmp_t:s0 src new	# a warning
like_cp -Z --preserve=context src/a new		# still refused
SAME_WORDS=0
run "$PARCP" --update=bogus "$T/pc/src/a" "$T/pc/new"
expect_rc 1 "--update=bogus"
grep -q "^parcp: invalid argument .bogus. for .--update.$" "$T/err" ||
    fail "--update=bogus: $(cat "$T/err")"
pass

# 7. -v says what cp -v says (no engine); --debug adds how the data moved.
SAME_OUT=1
like_cp -v src/a new
like_cp -v src/a dst/a
like_cp -bv src/a dst/a
like_cp -v --backup=t src/a dst/a
SAME_OUT=sorted
like_cp -rv src new				# one line per entry, any order
like_cp -rbv src/. dst
SAME_OUT=0
world "$T/pc"
(cd "$T/pc" && "$PARCP" --debug --engine=pread src/a new) >"$T/out" ||
    fail "--debug: failed"
printf '%s\n' "'src/a' -> 'new'" \
    "copy offload: no, reflink: no, sparse detection: no" | cmp -s - "$T/out" ||
    fail "--debug: $(cat "$T/out")"
pass

# 8. --reflink[=WHEN]: auto and never copy here (no shared blocks on this
# file system); always fails as cp fails, but leaves no empty file (cp
# leaves the one it opened).
like_cp --reflink=auto src/a new
like_cp --reflink=never src/a dst/a
like_cp -r --reflink=never src new
like_cp --reflink=never --sparse=always src/a new
SAME_WORDS=1
like_cp --reflink=bogus src/a new
like_cp --reflink=always --sparse=never src/a new
like_cp --reflink --sparse=always src/a new
SAME_WORDS=0
if [ "$(stat -f -c %T "$T")" != btrfs ] && [ "$(stat -f -c %T "$T")" != xfs ]
then
	for how in --reflink --reflink=always --reflink=al; do
		world "$T/cp"
		world "$T/pc"
		set +e
		(cd "$T/cp" && cp $how src/a new 2>"$T/cperr")
		rc_cp=$?
		(cd "$T/pc" && "$PARCP" $how src/a new 2>"$T/err")
		rc=$?
		set -e
		expect_rc "$rc_cp" "$how"
		cp_words | cmp -s - "$T/err" ||
		    fail "$how: says '$(cat "$T/err")', cp '$(cat "$T/cperr")'"
		[ ! -e "$T/pc/new" ] || fail "$how: a file left"
		pass
	done
fi

# 9. --attributes-only: new files empty, existing ones keep their data.
head -c 3000000 /dev/urandom >"$T/bigdata"
big() {
	cp "$T/bigdata" "$1/src/big"
	touch -d 2001-02-03 "$1/src/big"
	echo older data >"$1/dst/keep"
	chmod 640 "$1/dst/keep"
}
extra=big
like_cp --attributes-only src/a new
like_cp --attributes-only -p src/a new
like_cp --attributes-only src/big new		# never split: no data
CP_ARGS="--attributes-only -a src/big new" like_cp --attributes-only --chunk-size=1M -a src/big new
like_cp --attributes-only src/a dst/a		# data kept
like_cp --attributes-only -p src/a dst/a
like_cp --attributes-only -p src/big dst/keep
like_cp --attributes-only src/big dst/keep
like_cp -r --attributes-only src new
like_cp -a --attributes-only src/a src/sub src/big dst	# (cp refuses a FIFO over a FIFO)
like_cp --attributes-only --remove-destination src/a dst/a	# a new file
like_cp --attributes-only -b src/a dst/a
extra=
SAME_WORDS=1
like_cp --attributes-only src/a dst/null	# a device: nothing to write
SAME_WORDS=0

# 10. -i: asked on stderr, answered on stdin, before anything is written.
SAME_WORDS=1
ANSWERS='y\n' like_cp -i src/a dst/a
ANSWERS='Yes\n' like_cp -i src/a dst/a
ANSWERS='n\n' like_cp -i src/a dst/a
ANSWERS='x\n' like_cp -i src/a dst/a
ANSWERS= like_cp -i src/a dst/a			# no answer: no
ANSWERS= like_cp -i src/a new			# nothing there: not asked
ANSWERS='y\n' like_cp -i -n src/a dst/a		# the last wins: -n
ANSWERS='y\n' like_cp -n -i src/a dst/a		# ... or -i
ANSWERS='y\n' like_cp -bi src/a dst/a
ANSWERS='n\n' like_cp -fi src/a dst/a
ANSWERS='n\n' like_cp -ri src/sub/. elsewhere	# nothing there
extra=big
ANSWERS='n\n' like_cp -i src/big dst/keep		# split files too
ANSWERS='y\n' like_cp -i src/big dst/keep
extra=
SAME_WORDS=0

# 11. --copy-contents: with -r, devices (and FIFOs) are read as files.
devices() {
	rm "$1/src/fifo"
	mknod "$1/src/sub/null" c 1 3
	mknod -m 640 "$1/src/zero" c 1 5
	rm "$1/src/zero"
	mknod -m 640 "$1/src/null2" c 1 3
}
extra=devices
like_cp -r --copy-contents src new
like_cp -a --copy-contents src new
like_cp -r src new				# without it: devices made
like_cp --copy-contents src/null2 new
extra=
world "$T/pc"
mkfifo "$T/pc/src/sub/f2"
(echo piped >"$T/pc/src/sub/f2") &
run "$PARCP" -r --copy-contents "$T/pc/src/sub" "$T/pc/fromfifo"
wait
expect_rc 0 "--copy-contents: a FIFO"
[ "$(cat "$T/pc/fromfifo/f2")" = piped ] && [ -f "$T/pc/fromfifo/f2" ] ||
    fail "--copy-contents: the FIFO not read"
pass

done_tests
