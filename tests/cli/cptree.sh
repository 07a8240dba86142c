#!/bin/bash
# cp's results inside a tree, each case run with cp and with parcp in two
# identical worlds (like_cp): a file onto a directory in the way (refused
# before any data moves; -i asks first), -u keeping hard-link groups whole
# over newer names, -dl of a symlink onto a symlink (replaced), and -p by
# a user keeping a supplementary group of the user's.
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"

world() {
	rm -rf "$1"
	mkdir -p "$1/a" "$1/b/a/c"
	touch "$1/a/c"
}
SAME_WORDS=1
like_cp -R a b
ANSWERS='n\n' like_cp -iR a b
# the prompt has no newline: cp's name is then mid-line
SAME_WORDS=0
ANSWERS='y\n' like_cp -iR a b
grep -qx "parcp: overwrite 'b/a/c'? parcp: cannot overwrite directory 'b/a/c' with non-directory" "$T/err" ||
    fail "-i, then refused: $(cat "$T/err")"

world() {
	rm -rf "$1"
	mkdir -p "$1/s" "$1/t/s"
	touch "$1/s/f"
	ln "$1/s/f" "$1/s/l1"
	ln "$1/s/f" "$1/s/l2"
	ln "$1/s/f" "$1/s/l3"
	touch "$1/t/s/f"
	ln "$1/t/s/f" "$1/t/s/l1"
	touch -d '-1 hour' "$1/t/s/l2"
	touch -d '+1 hour' "$1/t/s/l3"
	touch -d 2001-01-01 "$1/t/s" "$1/t" "$1/s"
}
like_cp -au s t
CP_ARGS="-au s t" like_cp -a --update=older s t	# cp 9.1: -u only

world() {
	rm -rf "$1"
	mkdir -p "$1"
	echo baz >"$1/baz"
	ln -s baz "$1/sl1"
	ln -s baz "$1/sl2"
	ln "$1/sl2" "$1/hlsl"
}
like_cp -dl sl1 sl2
like_cp -dl hlsl sl2

# -p as a user in a supplementary group that owns the source
if [ "$(id -u)" -eq 0 ]; then
	g=54321
	for w in cp pc; do
		rm -rf "${T:?}/$w"
		mkdir -p "$T/$w"
		echo c1 >"$T/$w/c1"
		chown "0:$g" "$T/$w/c1"
		chown nobody "$T/$w"
		if [ $w = cp ]; then prog=$(command -v cp); else prog=$PARCP; fi
		(cd "$T/$w" && setpriv --reuid=nobody --regid=nogroup \
		    --groups="$g" "$prog" -p c1 b) ||
		    fail "$w: -p as a user failed"
	done
	[ "$(stat -c %u:%g "$T/cp/b")" = "$(stat -c %u:%g "$T/pc/b")" ] ||
	    fail "-p as a user: cp $(stat -c %u:%g "$T/cp/b"), parcp $(stat -c %u:%g "$T/pc/b")"
	pass
fi
done_tests
