#!/bin/bash
# Extended attributes and ACLs travel with a tree's files (read through the
# open source, the size asked first): every name and value byte for byte,
# an empty value, a long one, several names; -a and --preserve=xattr keep
# them, a plain copy keeps none; --preserve=mode keeps an access ACL and
# the mode it implies.  Pool and fork mode, one file and a tree.
. "$TESTLIB"
cd "$T"

mkdir -p src/d
echo one >src/d/a
echo two >src/d/b
echo three >src/c
setfattr -n user.k -v val src/d/a 2>/dev/null ||
    { echo "no user xattrs here: skipped"; exit 77; }
setfattr -n user.empty src/d/a
long=$(head -c 3000 /dev/zero | tr '\0' x)
setfattr -n user.long -v "$long" src/d/a
for i in 1 2 3 4 5 6 7 8; do setfattr -n user.n$i -v "v$i" src/d/b; done
acl=yes
setfacl -m u:1234:r-x,g:5678:rw- src/c 2>/dev/null || acl=

# attrs FILE: its names and values, in hex, sorted (no ACLs: those apart).
attrs() {
	getfattr -d -m '^user\.' -e hex "$1" 2>/dev/null | grep -v '^#' |
	    grep . | sort
}

# same SRC DST WHAT: DST has SRC's user attributes exactly.
same() {
	[ -n "$(attrs "$1")" ] || fail "$3: the source has no attributes"
	[ "$(attrs "$1")" = "$(attrs "$2")" ] ||
	    fail "$3: $2's attributes differ: $(attrs "$2" | head -3)"
}

for mode in pool fork; do
	for how in -a --preserve=xattr; do
		rm -rf dst
		run "$PARCP" -r $how --mode=$mode -j 2 src dst
		expect_rc 0 "$how $mode"
		for f in d/a d/b; do same src/$f dst/$f "$how $mode"; done
		[ "$(getfattr --only-values -n user.long dst/d/a)" = "$long" ] ||
		    fail "$how $mode: the long value"
		[ -z "$(getfattr --only-values -n user.empty dst/d/a)" ] ||
		    fail "$how $mode: the empty value"
		if [ $how = -a ]; then
			"$TREECMP" src dst || fail "-a $mode: the trees differ"
		fi
	done
	pass
	rm -f one
	run "$PARCP" --preserve=xattr --mode=$mode src/d/a one
	expect_rc 0 "one file, $mode"
	same src/d/a one "one file, $mode"
	pass
	rm -rf dst
	run "$PARCP" -r --mode=$mode src dst
	expect_rc 0 "plain, $mode"
	[ -z "$(attrs dst/d/a)$(attrs dst/d/b)" ] ||
	    fail "plain $mode: attributes kept without -p"
	pass
	[ -n "$acl" ] || continue
	rm -rf dst
	run "$PARCP" -r --preserve=mode --mode=$mode src dst
	expect_rc 0 "acl, $mode"
	[ "$(getfacl -cn src/c)" = "$(getfacl -cn dst/c)" ] ||
	    fail "acl $mode: $(getfacl -cn dst/c | tr '\n' ' ')"
	[ "$(stat -c %a src/c)" = "$(stat -c %a dst/c)" ] ||
	    fail "acl $mode: mode $(stat -c %a dst/c), not $(stat -c %a src/c)"
	pass
done

# A list or a value that grows between its size and its read (ERANGE, the
# second call of each, as strace fails it) is read again whole.
if command -v strace >/dev/null; then
	for call in flistxattr fgetxattr; do
		rm -f one
		run traced -f -o /dev/null -e inject=$call:error=ERANGE:when=2 \
		    "$PARCP" -j 1 --preserve=xattr src/d/a one
		expect_rc 0 "$call grew"
		same src/d/a one "$call grew"
	done
	pass
fi
done_tests
