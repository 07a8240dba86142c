#!/bin/bash
# bench/tar.sh: packing and unpacking trees, parcp --to-tar/--from-tar at
# -j 1, 2, 4 against GNU tar and bsdtar, in DIR (default /dev/shm).
#
#   bench/tar.sh [DIR]
#   env: PARCP=./parcp RUNS=7 WHICH="small large"
#
# The trees are bench/lib.sh's gen_tree (small: 20,000 files of 1-64 KiB;
# large: 1,000 files of 1-8 MiB).  Every tool keeps mode, owner and times
# (parcp -p; tar does as root).  Extraction reads one archive made by GNU
# tar (pax format), the same for every tool.  Paired rounds in a random
# order, one warm-up round, the previous output deleted just before each
# run; each result is checked once (tar -df / diff -r).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
WHICH=${WHICH:-small large}

create=("tar -cf" "bsdtar -cf" "parcp -j 1 --to-tar" "parcp -j 2 --to-tar"
    "parcp -j 4 --to-tar")
extract=("tar -xf" "bsdtar -xf" "parcp -j 1 --from-tar"
    "parcp -j 2 --from-tar" "parcp -j 4 --from-tar")

# pack CONFIG TREE ARCHIVE (from inside DIR: member names are relative)
pack() {
	case $1 in
	parcp*)	${1/#parcp/$PARCP -p}="$3" "$2" ;;
	*)	$1 "$3" "$2" ;;
	esac
}

# unpack CONFIG ARCHIVE OUTDIR
unpack() {
	case $1 in
	parcp*)	${1/#parcp/$PARCP -p}="$2" "$3" ;;
	*)	mkdir "$3" && $1 "$2" -C "$3" ;;
	esac
}

# pack_step CONFIG ROUND, unpack_step CONFIG ROUND: steps for paired.
pack_step() {
	rm -f parcp-tar.tar
	timed pack "$1" parcp-tar.src parcp-tar.tar
	[ "$2" -ne 1 ] || tar -df parcp-tar.tar >/dev/null || differs "$1"
}

unpack_step() {
	rm -rf parcp-tar.out
	timed unpack "$1" parcp-tar.ref parcp-tar.out
	[ "$2" -ne 1 ] || diff -r parcp-tar.src parcp-tar.out/parcp-tar.src \
	    >/dev/null || differs "$1"
}

bench_tree() {
	local kind=$1 out fs
	fs=$(stat -f -c %T "$DIR")
	rm -rf parcp-tar.src parcp-tar.ref
	gen_tree "$kind" parcp-tar.src
	tar --format=pax -cf parcp-tar.ref parcp-tar.src
	sync
	out=$(mktemp)
	paired "$out" pack_step "${create[@]}"
	results "$kind tree: create, on $DIR ($fs)" "$out" "$DIR,$kind,create" \
	    "${create[@]}"
	: >"$out"
	paired "$out" unpack_step "${extract[@]}"
	results "$kind tree: extract, on $DIR ($fs)" "$out" \
	    "$DIR,$kind,extract" "${extract[@]}"
	rm -f "$out"
	rm -rf parcp-tar.src parcp-tar.ref parcp-tar.out parcp-tar.tar
}

mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/tar-$(date -u +%Y%m%dT%H%M%S).md"
exec 3>"${report%.md}.csv"
echo "dir,tree,phase,config,median_wall_s,median_cpu_s" >&3
PARCP=$(realpath "$PARCP")
cd "$DIR"
{
	echo "## parcp tar bench"
	echo
	machine
	echo
	for w in $WHICH; do
		bench_tree "$w"
	done
} | tee "$report"
echo "written to $report and ${report%.md}.csv" >&2
