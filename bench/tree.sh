#!/bin/bash
# bench/tree.sh: copying trees, parcp against cp -r, cp -a, tar | tar and
# rsync -a, in DIR (default /dev/shm: the CPU and metadata path).
#
#   bench/tree.sh [DIR]
#   env: PARCP=./parcp RUNS=7 WHICH="small large"
#
#   small  20,000 files of 1-64 KiB in 20 x 20 nested directories
#   large  1,000 files of 1-8 MiB in 10 directories
#
# Paired rounds as in run.sh: each configuration once per round, in a
# random order;
# one warm-up round not counted; the previous copy deleted just before each
# run.  Every copy is checked against the source (diff -r) once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
WHICH=${WHICH:-small large}

configs=("cp -r" "cp -a" "tar | tar" "rsync -a" "parcp -r" "parcp -a -j 1"
    "parcp -a -j 2" "parcp -a -j 4" "parcp -a -j 1 --mode=fork"
    "parcp -a -j 2 --mode=fork" "parcp -a -j 4 --mode=fork")

# copy CONFIG SRC DST
copy() {
	case $1 in
	"tar | tar")
		mkdir "$3"
		tar -C "$2" -cf - . | tar -C "$3" -xf -
		;;
	rsync*)
		$1 "$2/" "$3"		# the contents, as cp SRC DST makes them
		;;
	parcp*)
		${1/#parcp/$PARCP} "$2" "$3"
		;;
	*)
		$1 "$2" "$3"
		;;
	esac
}

# step CONFIG ROUND (for paired; src and dst from bench_tree)
step() {
	rm -rf "$dst"
	timed copy "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}

bench_tree() {
	local kind=$1 src=$DIR/parcp-tree.src dst=$DIR/parcp-tree.dst out
	out=$(mktemp)
	rm -rf "$src" "$dst"
	gen_tree "$kind" "$src"
	sync
	paired "$out" step "${configs[@]}"
	rm -rf "$src" "$dst"
	results "$kind tree on $DIR ($(stat -f -c %T "$DIR"))" "$out" \
	    "$DIR,$kind" "${configs[@]}"
	rm -f "$out"
}

mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/tree-$(date -u +%Y%m%dT%H%M%S).md"
exec 3>"${report%.md}.csv"
echo "dir,tree,config,median_wall_s,median_cpu_s" >&3
{
	echo "## parcp tree bench"
	echo
	machine
	echo
	for w in $WHICH; do
		bench_tree "$w"
	done
} | tee "$report"
echo "written to $report and ${report%.md}.csv" >&2
