#!/bin/bash
# bench/run.sh: parcp against cp on one generated file, in each DIR.
#
#   bench/run.sh [DIR...]          (default: /dev/shm /var/tmp)
#   env: PARCP=./parcp RUNS=7 SIZES="1G" EXTRA="--chunk-size=16M ..."
#   (SIZES: one or more file sizes, e.g. "1G 4G")
#   (each EXTRA word is one more "parcp -j 2 WORD" configuration; join
#   several options into one with '+': --chunk-size=16M+--buffer-size=1M)
#
# Runs are paired: every round runs each configuration once, in a fresh
# random order (A C B ... B A C ...), so a drift in the machine's speed
# hits all of them alike and a stall tied to a position in the round (this
# VM's freshly freed pages) does not always hit the same configuration.  One warm-up round is not counted.  The previous output is
# deleted (and, on a disk, synced) just before each run.  Reports medians
# of wall time and of user+sys CPU seconds, and the ratio of cp's median
# wall time to each configuration's, all from the same run.  Results also
# go to bench/results/.  Never run by make check.
set -euo pipefail

SIZES=${SIZES:-${SIZE:-1G}}
EXTRA=${EXTRA:-}
. "$(dirname "$0")/lib.sh"
[ "$#" -gt 0 ] || set -- /dev/shm /var/tmp

configs=("cp" "cp --reflink=never" "dd bs=1M" "cat" "parcp -j 1" "parcp -j 2"
    "parcp -j 4" "parcp -j 1 --mode=fork" "parcp -j 2 --mode=fork"
    "parcp -j 4 --mode=fork" "parcp -j 2 --engine=pread"
    "parcp -j 2 --engine=copy_file_range")
for e in $EXTRA; do
	configs+=("parcp -j 2 ${e//+/ }")
done

# copy CONFIG SRC DST
copy() {
	case $1 in
	dd*)	dd if="$2" of="$3" ${1#dd } status=none ;;
	cat)	cat "$2" >"$3" ;;
	parcp*)	${1/#parcp/$PARCP} "$2" "$3" ;;
	*)	$1 "$2" "$3" ;;
	esac
}

# step CONFIG ROUND (for paired; src, dst, fs from bench_dir)
step() {
	rm -f "$dst"
	[ "$fs" = tmpfs ] || sync	# no writeback of the last run in this one
	timed copy "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || cmp -s "$src" "$dst" || differs "$1"
}

# bench_dir DIR SIZE: every configuration, paired rounds; a table, and
# CSV rows (dir, fs, size, config, median wall, median cpu) on fd 3.
bench_dir() {
	local dir=$1 size=$2 fs src dst out
	fs=$(stat -f -c %T "$dir")
	src=$dir/parcp-bench.src
	dst=$dir/parcp-bench.dst
	out=$(mktemp)
	head -c "$size" /dev/urandom >"$src"
	sync
	paired "$out" step "${configs[@]}"
	rm -f "$src" "$dst"
	results "$size file on $dir ($fs)" "$out" "$dir,$fs,$size" \
	    "${configs[@]}"
	rm -f "$out"
}

mkdir -p "$BENCH_DIR/results"
stamp=$(date -u +%Y%m%dT%H%M%S)
report="$BENCH_DIR/results/$stamp.md"
exec 3>"$BENCH_DIR/results/$stamp.csv"
echo "dir,fs,size,config,median_wall_s,median_cpu_s" >&3
{
	echo "## parcp bench"
	echo
	machine
	echo
	for d in "$@"; do
		for size in $SIZES; do
			bench_dir "$d" "$size"
		done
	done
} | tee "$report"
echo "written to $report and ${report%.md}.csv" >&2
