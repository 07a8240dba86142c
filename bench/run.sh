#!/bin/bash
# bench/run.sh: parcp against cp on one generated file, in each DIR.
#
#   bench/run.sh [DIR...]          (default: /dev/shm /var/tmp)
#   env: PARCP=./parcp RUNS=7 SIZE=1G EXTRA="--chunk-size=16M ..."
#   (each EXTRA word is one more "parcp -j 2 WORD" configuration; join
#   several options into one with '+': --chunk-size=16M+--buffer-size=1M)
#
# Runs are paired: every round runs each configuration once, in turn
# (A B C ... A B C ...), so a drift in the machine's speed hits all of
# them alike.  One warm-up round is not counted.  The previous output is
# deleted (and, on a disk, synced) just before each run.  Reports medians
# of wall time and of user+sys CPU seconds, and the ratio of cp's median
# wall time to each configuration's, all from the same run.  Results also
# go to bench/results/.  Never run by make check.
set -euo pipefail

SIZE=${SIZE:-1G}
EXTRA=${EXTRA:-}
. "$(dirname "$0")/lib.sh"
[ "$#" -gt 0 ] || set -- /dev/shm /var/tmp

configs=("cp" "parcp -j 1" "parcp -j 2" "parcp -j 4"
    "parcp -j 1 --mode=fork" "parcp -j 2 --mode=fork"
    "parcp -j 4 --mode=fork")
for e in $EXTRA; do
	configs+=("parcp -j 2 ${e//+/ }")
done

bench_dir() {
	local dir=$1 fs src dst out r i cmd
	fs=$(stat -f -c %T "$dir")
	src=$dir/parcp-bench.src
	dst=$dir/parcp-bench.dst
	out=$(mktemp)
	head -c "$SIZE" /dev/urandom >"$src"
	sync
	for ((r = 0; r <= RUNS; r++)); do
		for i in "${!configs[@]}"; do
			rm -f "$dst"
			[ "$fs" = tmpfs ] || sync
			cmd=${configs[$i]/#parcp/$PARCP}
			res=$(timed $cmd "$src" "$dst")
			[ "$r" -eq 0 ] || echo "$i $res" >>"$out"
		done
		printf '.' >&2
	done
	echo >&2
	cmp "$src" "$dst" || { echo "bench: copy differs" >&2; exit 1; }
	rm -f "$src" "$dst"
	table "$SIZE file on $dir ($fs)" "$out" "${configs[@]}"
	rm -f "$out"
}

mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/$(date -u +%Y%m%dT%H%M%S).md"
{
	echo "## parcp bench"
	echo
	machine
	echo
	for d in "$@"; do
		bench_dir "$d"
	done
} | tee "$report"
echo "written to $report" >&2
