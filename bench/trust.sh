#!/bin/bash
# bench/trust.sh: what --verify, --manifest, --resume, --fsync and
# --progress cost, as a ratio to a plain parcp run measured in the same
# rounds, on a file and on the small-file tree, in DIR (default /dev/shm).
#
#   bench/trust.sh [DIR]
#   env: PARCP=./parcp RUNS=7 SIZE=1G
#
# "--resume, DEST complete" re-runs over a finished copy (made, untimed,
# just before): the price of the quick check when nothing is left to do.
# Paired rounds in a random order, one warm-up round, as in run.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
SIZE=${SIZE:-1G}

configs=("parcp -j 2" "parcp -j 2 --verify" "parcp -j 2 --manifest=M"
    "parcp -j 2 --resume" "parcp -j 2 --resume, DEST complete"
    "parcp -j 2 --fsync" "parcp -j 2 --progress=always")

# copy CONFIG FLAGS SRC DST
copy() {
	local c=${1%, DEST complete}
	c=${c/--manifest=M/--manifest=$DIR/parcp-trust.sums}
	${c/#parcp/$PARCP} $2 "$3" "$4"
}

# step CONFIG ROUND (for paired; flags, src, dst, fs from bench_one)
step() {
	rm -rf "$dst"
	case $1 in *complete)
		"$PARCP" -a -T "$src" "$dst" ;;
	esac
	[ "$fs" = tmpfs ] || sync
	timed copy "$1" "$flags" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}

# bench_one NAME FLAGS SRC: every configuration on SRC.
bench_one() {
	local name=$1 flags=$2 src=$3 dst=$DIR/parcp-trust.dst out fs
	fs=$(stat -f -c %T "$DIR")
	out=$(mktemp)
	paired "$out" step "${configs[@]}"
	rm -rf "$dst" "$DIR/parcp-trust.sums"
	results "$name on $DIR ($fs)" "$out" "$DIR,$name" "${configs[@]}"
	rm -f "$out"
}

mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/trust-$(date -u +%Y%m%dT%H%M%S).md"
exec 3>"${report%.md}.csv"
echo "dir,workload,config,median_wall_s,median_cpu_s" >&3
{
	echo "## parcp: the cost of --verify, --manifest, --resume, --fsync"
	echo
	machine
	echo
	head -c "$SIZE" /dev/urandom >"$DIR/parcp-trust.src"
	bench_one "$SIZE file" "-p" "$DIR/parcp-trust.src"
	rm -f "$DIR/parcp-trust.src"
	rm -rf "$DIR/parcp-trust.tree"
	gen_tree small "$DIR/parcp-trust.tree"
	bench_one "20,000-file tree" "-a -T" "$DIR/parcp-trust.tree"
	rm -rf "$DIR/parcp-trust.tree"
} | tee "$report"
echo "written to $report and ${report%.md}.csv" >&2
