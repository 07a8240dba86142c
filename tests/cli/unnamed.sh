#!/bin/bash
# New files in a directory the run made inside an existing one are made
# unnamed (O_TMPFILE) and linked under their final names once complete:
# no temp name, no rename.  (A new tree is staged beside its name and
# made by name: stage.sh.)  Where that cannot be (a file system without
# unnamed files, no right to link by descriptor, no /proc, the name taken
# meanwhile) the file is copied the named way, and the tree is the same,
# field by field, with nothing left behind.  DEST exists in each case, and
# -T copies the source's contents into it.
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"
: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"

make_tree "$T/src" 200
mkdir -p "$T/src/plain/sub"
for i in 1 2 3; do mkfile "$T/src/plain/sub/f$i" $((i * 5000)); done

# same WHAT: $T/dst is the source, field by field, with no temp left.
same() {
	expect_rc 0 "$1"
	[ ! -s "$T/err" ] || fail "$1: stderr not empty"
	"$TREECMP" "$T/src" "$T/dst" >"$T/diff" ||
	    fail "$1: copy differs: $(head -5 "$T/diff")"
	[ -z "$(find "$T/dst" -name '.parcp.*')" ] || fail "$1: temps left"
}

# traced_run ARGS...: run traced with a log per process (-ff: no call is
# cut in two by another process's), then all of them in $T/log.
traced_run() {
	rm -f "$T"/log*
	run traced -ff -qq -o "$T/log" "$@"
	cat "$T"/log.* >"$T/log"
}

# renamed LOG LEAF: the log shows LEAF renamed into place from a temp.
renamed() {
	grep -Eq "rename[a-z0-9]*\(.*\"\.parcp\.$2\..*\"$2\"" "$1"
}

# The unnamed way: each file of the fresh tree is linked by descriptor,
# and no regular file's temp is renamed.
for mode in pool fork; do
	rm -rf "$T/dst"
	mkdir "$T/dst"
	traced_run -e trace=openat,linkat,rename,renameat,renameat2 \
	    "$PARCP" -a -T -j 2 --mode=$mode "$T/src" "$T/dst"
	same "$mode"
	grep -q 'O_TMPFILE' "$T/log" || fail "$mode: no unnamed file made"
	for i in 1 2 3; do
		grep -Eq "linkat\([0-9]+, \"\", [0-9]+, \"f$i\", AT_EMPTY_PATH\) = 0" \
		    "$T/log" || fail "$mode: f$i not linked by descriptor"
		! renamed "$T/log" "f$i" || fail "$mode: f$i renamed from a temp"
	done
	pass
done

# Each way around it, in pool and fork mode.
while IFS='|' read -r env how; do
	for mode in pool fork; do
		rm -rf "$T/dst"
		mkdir "$T/dst"
		traced_run -e trace=linkat,rename,renameat,renameat2 \
		    env LD_PRELOAD="$FAULTSHIM" $env \
		    "$PARCP" -a -T -j 2 --mode=$mode "$T/src" "$T/dst"
		same "$env $mode"
		case $how in
		named)	renamed "$T/log" f2 ||
			    fail "$env $mode: f2 not copied the named way" ;;
		proc)	grep -Eq 'linkat\([0-9]+, "[0-9]+", [0-9]+, "f2", AT_SYMLINK_FOLLOW\) = 0' \
			    "$T/log" || fail "$env $mode: f2 not linked by /proc" ;;
		esac
		pass
	done
done <<'EOF'
PARCP_SHIM_NO_TMPFILE=1|named
PARCP_SHIM_NAME_ERRNO=17|named
PARCP_SHIM_NAME_ERRNO=2|named
PARCP_SHIM_NO_EMPTY_PATH=1|proc
PARCP_SHIM_NO_EMPTY_PATH=1 PARCP_SHIM_NOT_PROCFS=1|named
PARCP_SHIM_NO_EMPTY_PATH=1 PARCP_SHIM_PROC_OTHER=1|named
EOF

# A close that fails (a network file system's write-back at close) fails
# the file before it has a name: nothing of it appears under any name.
# Over an existing destination (a named temp then) the old file stays.
sub=$T/dst/plain/sub
other=$(cd "$T/src" && find . -type f ! -path './plain/*' | head -1)
for mode in pool fork; do
	for how in new existing; do
		rm -rf "$T/dst"
		mkdir "$T/dst"
		pat="$sub/#*"
		if [ $how = existing ]; then
			mkdir -p "$sub"
			for i in 1 2 3; do echo "old f$i" >"$sub/f$i"; done
			pat="$sub/.parcp.*"
		fi
		run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_CLOSE_FAIL="$pat" \
		    "$PARCP" -a -T -j 2 --mode=$mode "$T/src" "$T/dst"
		expect_rc 1 "close fails, $how, $mode"
		for i in 1 2 3; do
			grep -Eq "/f$i'?: close: Input/output error" "$T/err" ||
			    fail "close fails, $how, $mode: f$i's error not said"
			if [ $how = new ]; then
				[ ! -e "$sub/f$i" ] ||
				    fail "close fails, $mode: f$i named"
			else
				[ "$(cat "$sub/f$i")" = "old f$i" ] ||
				    fail "close fails, $mode: old f$i lost"
			fi
		done
		no_temps "$sub"
		cmp "$T/src/$other" "$T/dst/$other" ||
		    fail "close fails, $how, $mode: the rest not copied"
		pass
	done
done

# Unprivileged: linking by descriptor may need CAP_DAC_READ_SEARCH; the
# copy goes by /proc then, or named.
if [ "$(id -u)" -eq 0 ]; then
	rm -rf "$T/dst" "$T/u"
	mkdir -p "$T/u/dst"
	chown nobody "$T/u" "$T/u/dst"
	run as_user "$PARCP" -r -T "$T/src/plain" "$T/u/dst"
	expect_rc 0 "unprivileged"
	for i in 1 2 3; do
		cmp "$T/src/plain/sub/f$i" "$T/u/dst/sub/f$i" ||
		    fail "unprivileged: f$i differs"
	done
	[ "$(stat -c %U "$T/u/dst/sub/f1")" = nobody ] ||
	    fail "unprivileged: not the user's file"
	pass
fi
done_tests
