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

# bench_one NAME FLAGS SRC: every configuration on SRC.
bench_one() {
	local name=$1 flags=$2 src=$3 dst=$DIR/parcp-trust.dst out r i fs
	fs=$(stat -f -c %T "$DIR")
	out=$(mktemp)
	for ((r = 0; r <= RUNS; r++)); do
		for i in $(shuf -e "${!configs[@]}"); do
			rm -rf "$dst"
			case ${configs[$i]} in *complete)
				"$PARCP" -a -T "$src" "$dst" ;;
			esac
			[ "$fs" = tmpfs ] || sync
			res=$(timed copy "${configs[$i]}" "$flags" "$src" "$dst")
			[ "$r" -eq 0 ] || echo "$i $res" >>"$out"
			[ "$r" -ne 1 ] || diff -r "$src" "$dst" >/dev/null ||
			    { echo "bench: ${configs[$i]}: differs" >&2; exit 1; }
		done
		printf '.' >&2
	done
	echo >&2
	rm -rf "$dst" "$DIR/parcp-trust.sums"
	table "$name on $DIR ($fs)" "$out" "${configs[@]}"
	for i in "${!configs[@]}"; do
		printf '%s,%s,"%s",%s,%s\n' "$DIR" "$name" "${configs[$i]}" \
		    "$(awk -v i="$i" '$1 == i { print $2 }' "$out" | median)" \
		    "$(awk -v i="$i" '$1 == i { print $3 }' "$out" | median)" >&3
	done
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
