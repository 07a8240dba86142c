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

PARCP=${PARCP:-./parcp}
RUNS=${RUNS:-7}
SIZE=${SIZE:-1G}
EXTRA=${EXTRA:-}
here=$(cd "$(dirname "$0")" && pwd)
[ "$#" -gt 0 ] || set -- /dev/shm /var/tmp

configs=("cp" "parcp -j 1" "parcp -j 2" "parcp -j 4"
    "parcp -j 1 --mode=fork" "parcp -j 2 --mode=fork"
    "parcp -j 4 --mode=fork")
for e in $EXTRA; do
	configs+=("parcp -j 2 ${e//+/ }")
done

median() {
	sort -g | awk '{ v[NR] = $1 } END {
	    if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed CONFIG SRC DST: "wall cpu" of one run; a failed run stops all.
timed() {
	local cmd=$1 t
	cmd=${cmd/#parcp/$PARCP}
	t=$( { TIMEFORMAT='%R %U %S'; time $cmd "$2" "$3" 2>/dev/null; } \
	    2>&1 ) || { echo "bench: '$cmd' failed" >&2; exit 1; }
	awk '{ printf "%s %.3f\n", $1, $2 + $3 }' <<<"$t"
}

machine() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) online"
	echo "- memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB;" \
	    "kernel $(uname -r)"
	echo "- parcp $("$PARCP" --version | cut -d' ' -f2), $(date -u +%F)"
}

bench_dir() {
	local dir=$1 fs src dst out r c i res
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
			res=$(timed "${configs[$i]}" "$src" "$dst")
			[ "$r" -eq 0 ] || echo "$i $res" >>"$out"
		done
		printf '.' >&2
	done
	echo >&2
	cmp "$src" "$dst" || { echo "bench: copy differs" >&2; exit 1; }
	rm -f "$src" "$dst"

	echo "### $SIZE file on $dir ($fs), median of $RUNS paired runs"
	echo
	echo "| command | wall s | user+sys s | cp wall / wall |"
	echo "|---|---:|---:|---:|"
	local cpw w cpu
	cpw=$(awk '$1 == 0 { print $2 }' "$out" | median)
	for i in "${!configs[@]}"; do
		w=$(awk -v i="$i" '$1 == i { print $2 }' "$out" | median)
		cpu=$(awk -v i="$i" '$1 == i { print $3 }' "$out" | median)
		printf '| `%s` | %.3f | %.3f | %.2f |\n' "${configs[$i]}" "$w" \
		    "$cpu" "$(awk -v a="$cpw" -v b="$w" 'BEGIN { print a / b }')"
	done
	echo
	rm -f "$out"
}

mkdir -p "$here/results"
report="$here/results/$(date -u +%Y%m%dT%H%M%S).md"
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
