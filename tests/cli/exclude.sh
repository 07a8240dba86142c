#!/bin/bash
# --exclude/--exclude-from: the entries left out of a copy, a -T copy and
# a --to-tar archive are those rsync leaves out for the same patterns
# (compared when rsync is installed), and a fixed expected list; an
# excluded directory is not descended; a list that cannot be read fails.
. "$TESTLIB"

S=$T/src
mkdir -p "$S/a/b/c" "$S/build" "$S/x/build" "$S/keep" "$S/deep/a/b"
for f in top.c top.o a/one.c a/one.o a/b/two.c a/b/c/three.c build/out \
    x/build/out x/build.txt keep/.hidden keep/build deep/a/b/x.c \
    'keep/sp ace.tmp' keep/7up; do
	echo "$f" >"$S/$f"
done
# A directory that cannot be read: excluded, it is never opened.
mkdir "$S/locked"
echo secret >"$S/locked/f"
chmod 000 "$S/locked"

# list DIR: every path under DIR, sorted, one a line.
list() {
	(cd "$1" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort)
}

# same_as_rsync NAME PATTERN...: parcp -r -T and rsync -r with these
# --exclude patterns leave out the same entries.
same_as_rsync() {
	local name=$1 args=() p
	shift
	for p in "$@"; do
		args+=("--exclude=$p")
	done
	run as_user "$PARCP" -r -T "${args[@]}" --exclude=locked "$S" \
	    "$T/p.$name"
	expect_rc 0 "$name: parcp"
	if command -v rsync >/dev/null; then
		as_user rsync -r "${args[@]}" --exclude=locked "$S/" \
		    "$T/r.$name/" || fail "$name: rsync"
		diff <(list "$T/r.$name") <(list "$T/p.$name") ||
		    fail "$name: parcp and rsync differ"
	fi
	pass
}

chmod 777 "$T"			# as_user writes the copies here
same_as_rsync base '*.o'
same_as_rsync slash 'a/b'
same_as_rsync anchored '/top.c' '/build'
same_as_rsync dironly 'build/'
same_as_rsync star 'a/*.c'
same_as_rsync twostar 'deep/**.c'
same_as_rsync classes '[[:digit:]]*' '*.tmp' '.h*'
command -v rsync >/dev/null || echo "rsync not installed: compared with fixed lists only"

# Fixed lists, whatever rsync says.
expect_list() {
	diff <(printf '%s\n' "${@:2}" | LC_ALL=C sort) <(list "$T/p.$1") ||
	    fail "$1: not the expected tree"
	pass
}
expect_list dironly a a/b a/b/c a/b/c/three.c a/b/two.c a/one.c a/one.o \
    deep deep/a deep/a/b deep/a/b/x.c keep keep/.hidden keep/7up \
    keep/build 'keep/sp ace.tmp' top.c top.o x x/build.txt
expect_list anchored a a/b a/b/c a/b/c/three.c a/b/two.c a/one.c a/one.o \
    deep deep/a deep/a/b deep/a/b/x.c keep keep/.hidden keep/7up \
    keep/build 'keep/sp ace.tmp' top.o x x/build x/build.txt x/build/out
expect_list star a a/b a/b/c a/b/c/three.c a/b/two.c a/one.o \
    build build/out deep deep/a deep/a/b deep/a/b/x.c keep keep/.hidden \
    keep/7up keep/build 'keep/sp ace.tmp' top.c top.o x x/build \
    x/build.txt x/build/out

# The excluded unreadable directory was never opened: no error.
[ ! -s "$T/err" ] || fail "an excluded directory was read"
run as_user "$PARCP" -r -T "$S" "$T/p.noexcl"
expect_rc 1 "without the exclude, the locked directory fails"
pass

# --exclude-from: comments and blank lines skipped; with --exclude.
printf '# generated\n\n*.o\nbuild/\n' >"$T/list"
run as_user "$PARCP" -r --exclude-from="$T/list" --exclude=locked \
    --exclude 'keep' "$S" "$T/from"
expect_rc 0 "--exclude-from"
diff <(list "$T/from") <(printf '%s\n' a a/b a/b/c a/b/c/three.c \
    a/b/two.c a/one.c deep deep/a deep/a/b deep/a/b/x.c top.c x \
    x/build.txt | LC_ALL=C sort) || fail "--exclude-from: not the tree"
pass
run "$PARCP" -r --exclude-from="$T/absent" "$S" "$T/none"
expect_rc 1 "--exclude-from of a missing file"
grep -q 'exclude-from.*absent' "$T/err" || fail "missing list not named"
[ ! -e "$T/none" ] || fail "copied with an unreadable list"
pass

# --to-tar: the same entries left out of the archive.
if "$PARCP" --version | grep -q '^libarchive: libarchive'; then
	# run from $T: member names start at src/
	rc=$(cd "$T" && "$PARCP" --to-tar=x.tar --exclude='*.o' \
	    --exclude=locked --exclude='build/' src >/dev/null 2>"$T/err";
	    echo $?)
	expect_rc 0 "--to-tar"
	tar -tf "$T/x.tar" | sed 's|/$||' | LC_ALL=C sort >"$T/members"
	diff "$T/members" <(printf '%s\n' src src/a src/a/b src/a/b/c \
	    src/a/b/c/three.c src/a/b/two.c src/a/one.c src/deep src/deep/a \
	    src/deep/a/b src/deep/a/b/x.c src/keep src/keep/.hidden \
	    src/keep/7up src/keep/build 'src/keep/sp ace.tmp' src/top.c src/x \
	    src/x/build.txt | LC_ALL=C sort) || fail "--to-tar: not the members"
	pass
	run "$PARCP" --from-tar="$T/x.tar" --exclude='*.o' "$T/xt"
	expect_rc 1 "--exclude with --from-tar"
	pass
fi
chmod 755 "$S/locked"
done_tests
