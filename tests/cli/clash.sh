#!/bin/bash
# An operand whose destination already exists, as cp decides it: the same
# file under two names (through symlinks and hard links, with each of
# -d -f -b -l -s --remove-destination -n), backups that would destroy
# their own source, dangling and looping symlinks, repeated operands, a
# symlink just made by the same run, and cp's words for what it refuses.
# Each case runs cp and parcp in identical worlds (like_cp).
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"
unset VERSION_CONTROL SIMPLE_BACKUP_SUFFIX POSIXLY_CORRECT

# 1. One file, two names.
world() {
	rm -rf "$1"
	mkdir -p "$1"
	echo XYZ >"$1/foo"
	ln -s foo "$1/symlink"
	echo bar >"$1/bar"
	ln "$1/bar" "$1/hardlink"
	echo baz >"$1/baz"
	ln -s baz "$1/sl1"
	ln -s baz "$1/sl2"
	ln "$1/sl2" "$1/hlsl"
	${extra:-:} "$1"
}

SAME_WORDS=1
for names in 'foo symlink' 'symlink foo' 'foo foo' 'sl1 sl2' 'sl2 hlsl' \
    'bar hardlink' 'hardlink bar' 'hlsl sl2'; do
	for o in '' -d -f -df --remove-destination -b -bd -bf -bdf -l -fl \
	    -dfl -bl -bdl -bfl -bdfl -s -sf -n -dn; do
		# shellcheck disable=SC2086
		like_cp $o $names
	done
	# -dl of two symlinks: see doc/conformance-notes.md (copy.c)
	[ "$names" = 'sl1 sl2' ] || [ "$names" = 'hlsl sl2' ] ||
	    like_cp -dl $names
done

# cp -f -b F F copies F to its backup name; so does -T.
like_cp -f --backup=simple --suffix=.b foo foo
like_cp -T -f --backup=simple --suffix=.b foo foo
like_cp -f --backup=numbered foo foo

# 2. A backup that would be the source itself: refused.
more() {
	echo tilde >"$1/foo~"
	mkdir "$1/d"
}
extra=more
like_cp --backup=simple 'foo~' foo
like_cp --b=simple 'foo~' foo		# cp's abbreviation, not ambiguous
like_cp --backup=numbered 'foo~' foo	# numbered: no clash
like_cp -S '~' -b 'foo~' foo
like_cp --d symlink d			# cp's --dereference, not --debug
like_cp --path foo d			# cp's old name of --parents
like_cp -S --b --b=simple foo bar	# -S's value is no option

# 3. Repeated operands: copied once, with a warning; with a backup, the
# second copy is refused (numbered: see the notes).
like_cp foo foo d/
like_cp ./foo foo d/
like_cp --backup=simple foo foo d/
SAME_WORDS=0
extra=

# 4. Dangling and looping symlinks.
links() {
	ln -s no-such "$1/dangle"
	ln -s loop "$1/loop"
}
extra=links
SAME_WORDS=1
like_cp foo dangle			# not written through
like_cp -f foo dangle
like_cp -f foo loop			# the loop is replaced
like_cp foo loop			# cannot stat: too many levels
export POSIXLY_CORRECT=1
like_cp foo dangle			# written through: no-such made
unset POSIXLY_CORRECT
SAME_WORDS=0

# 5. The run's own symlink is never written through.
made() {
	mkdir -p "$1/a" "$1/b" "$1/c"
	ln -s ../t "$1/a/1"
	echo payload >"$1/b/1"
}
extra=made
SAME_WORDS=1
like_cp -dR a/1 b/1 c
made_target() {
	made "$1"
	echo i >"$1/t"
	ln -s ../t "$1/c/1"
}
extra=made_target
like_cp -dR a/1 b/1 c
SAME_WORDS=0

# 6. Repeated directories; a directory into itself.
dirs() {
	mkdir -p "$1/dir/sub" "$1/dest"
	echo f >"$1/dir/sub/f"
}
extra=dirs
SAME_WORDS=1
like_cp -R ./dir dir dest
SAME_WORDS=0
# cp copies part of a tree into itself before it notices; parcp refuses
# up front (naming.sh): the same status and words, the tree untouched.
into_self() {
	world "$T/cp"
	world "$T/pc"
	set +e
	(cd "$T/cp" && cp "$@" 2>"$T/cperr")
	rc_cp=$?
	(cd "$T/pc" && "$PARCP" "$@" 2>"$T/err")
	rc=$?
	set -e
	expect_rc "$rc_cp" "parcp $*"
	cp_words | cmp -s - "$T/err" ||
	    fail "parcp $*: says '$(cat "$T/err")', cp '$(cat "$T/cperr")'"
	pass
}
into_self -R dir dir/sub
into_self -rl dir dir
into_self -R dir dir
SAME_WORDS=1
like_cp dir dest			# -r not specified
like_cp no-such dest			# cannot stat
SAME_WORDS=0

# 7. --attributes-only keeps an existing file from a symlink.
extra=
SAME_WORDS=1
like_cp -a --attributes-only symlink bar
like_cp -a --attributes-only --remove-destination symlink bar
SAME_WORDS=0

# 8. -s -f onto a symlink to the file itself: made anew, as cp.
like_cp -dsf foo symlink

# 9. Hard links through followed symlinks are kept (-H, -L).
linked() {
	mkdir -p "$1/c" "$1/d"
	touch "$1/d/a"
	ln -s a "$1/d/b"
}
extra=linked
like_cp --preserve=links -R -H foo symlink c
like_cp --preserve=links -R -L d new
like_cp -a -L d new
extra=

# 10. As a user: a destination that cannot be stat'ed, and a target
# directory that cannot be searched, are refused as cp refuses them.
if [ "$(id -u)" -eq 0 ]; then
	perm() {
		mkdir -p "$1/D/D"
		ln -s D/D "$1/dlink"
		touch "$1/F"
		chmod 0 "$1/D"
	}
	extra=perm
	for w in cp pc; do world "$T/$w"; done
	for args in 'F dlink' '-T F dlink' '--target-directory=dlink F'; do
		for w in cp pc; do
			world "$T/$w"
			chmod 755 "$T/$w"
			[ $w = cp ] && prog=cp || prog=$PARCP
			set +e
			# shellcheck disable=SC2086
			(cd "$T/$w" && as_user "$prog" $args) 2>"$T/$w.err"
			echo "rc $?" >>"$T/$w.err"
			set -e
			chmod 700 "$T/$w/D"
		done
		sed 's/^cp: /parcp: /' "$T/cp.err" | cmp -s - "$T/pc.err" ||
		    fail "as a user, $args: parcp '$(cat "$T/pc.err")', cp '$(cat "$T/cp.err")'"
		"$TREECMP" -T "$T/cp" "$T/pc" >"$T/diff" ||
		    fail "as a user, $args: $(head -3 "$T/diff")"
		pass
	done
	extra=
fi

done_tests
