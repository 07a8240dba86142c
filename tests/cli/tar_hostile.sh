#!/bin/bash
# Hostile archives (tests/hostile_tar.py: one table entry per kind of
# attack), each extracted four ways (a seekable .tar; a .tar.gz; a pipe
# from cat; stdin redirected from the .tar.gz), without and with -a, as
# root.  Every run: nothing under $T outside DEST changed (type, content,
# mode, owner, times to the ns, ctime included, link count, inode, symlink
# target), stderr is exactly the refusal lines the table lists (in any
# order; the leading-'/' warning once), the exit status is 1 when anything
# was refused (0 otherwise), and DEST holds exactly the good members'
# tree.  Then DEST spelled absolute, with '..' and through a symlink.
# Every run is checked; the failures are listed together at the end.
. "$TESTLIB"

if [ "$(id -u)" -ne 0 ]; then
	echo "tar_hostile.sh: needs root (owners, device nodes)"
	exit 77
fi
H=$(dirname "$TESTLIB")/hostile_tar.py
umask 027			# parents not in the archive: 0750
cd "$T"
mkdir arch h x
ln -s dest dl
nbad=0

py_start "$H"

# extract HOW ARCH DEST PARCP-OPTION...: one extraction, as run does.
extract() {
	local how=$1 arch=$2 dest=$3
	shift 3
	case $how in
	tar)	run timeout 20 "$PARCP" "$@" --from-tar="$arch.tar" "$dest" ;;
	gz)	run timeout 20 "$PARCP" "$@" --from-tar="$arch.tar.gz" "$dest" ;;
	pipe)	run timeout 20 bash -c 'cat "$0" | "$@"' "$arch.tar" \
		    "$PARCP" "$@" --from-tar=- "$dest" ;;
	stdin)	run timeout 20 "$PARCP" "$@" --from-tar=- "$dest" \
		    <"$arch.tar.gz" ;;
	esac
}

# build CASE FORMAT: the archive, its .tar.gz and what to expect;
# sets opts and regen.
build() {
	py gen "$1" "$T/outside" "arch/$1.$2.tar" "$2" ||
	    fail "hostile_tar.py gen $1 $2: $(cat py)"
	opts=() regen=
	while read -r k v; do
		case $k in
		opt)	opts+=("$v") ;;
		regen)	regen=1 ;;
		esac
	done <py
}

# one CASE FORMAT HOW A [DEST]: extract (with -a if A is 1) into DEST
# (the directory $T/dest however spelled) and check everything.
one() {
	local c=$1 f=$2 how=$3 a=$4 dest=${5:-dest} arch=arch/$1.$2 aflag=
	[ "$a" = 1 ] && aflag=-a
	[ -z "$regen" ] || build "$c" "$f"
	py pre "$arch.tar.json" "$T" dest h/snap || fail "pre: $(cat py)"
	[ "$dest" != "$T/dl" ] || mkdir -p dest
	extract "$how" "$arch" "$dest" ${aflag} "${opts[@]}"
	if py check "$arch.tar.json" "$T" dest h/snap "$rc" "$T/err" "$a"; then
		pass
		return
	fi
	mv py h/problems
	nbad=$((nbad + 1))
	{
		echo "FAIL: $c ($f, $how${aflag:+, -a}, DEST $dest):"
		head -8 h/problems | sed 's/^/    /'
		[ "$(wc -l <h/problems)" -le 8 ] || echo "    ..."
		grep -q line h/problems || [ ! -s "$T/err" ] ||
		    head -c 2000 "$T/err" | head -4 | sed 's/^/    stderr: /'
	} >&2
}

while read -r c f; do
	build "$c" "$f"
	for how in tar gz pipe stdin; do
		for a in 0 1; do
			one "$c" "$f" "$how" "$a"
		done
	done
done < <(python3 "$H" list)

# DEST itself: absolute, with '..', through a symlink (it is the user's
# to name): the same refusals, every good member there.
for c in symlink-through duplicates absolute; do
	build "$c" pax
	for dest in "$T/dest" "$T/x/../dest" "$T/dl"; do
		for how in tar gz pipe stdin; do
			one "$c" pax "$how" 0 "$dest"
		done
	done
done

[ "$nbad" -eq 0 ] || fail "$nbad of $((nbad + npass)) extractions went wrong"
done_tests
