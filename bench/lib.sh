# Helpers for bench/*.sh: sourced, not run.

PARCP=${PARCP:-./parcp}
RUNS=${RUNS:-7}
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

median() {
	sort -g | awk '{ v[NR] = $1 } END {
	    if (NR % 2) print v[(NR + 1) / 2];
	    else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# timed CMD...: "wall cpu" of one run (cpu: user+sys, children included);
# a failed run stops the benchmark.
timed() {
	local t
	t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 ) ||
	    { echo "bench: '$*' failed" >&2; exit 1; }
	awk '{ printf "%s %.3f\n", $1, $2 + $3 }' <<<"$t"
}

machine() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) online"
	echo "- memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB;" \
	    "kernel $(uname -r)"
	echo "- parcp $("$PARCP" --version | cut -d' ' -f2), $(date -u +%F)"
}

# table TITLE RESULTS CONFIG...: the Markdown table of one workload.
# RESULTS has lines "index wall cpu"; config 0 is the reference.
table() {
	local title=$1 out=$2 i w cpu ref
	shift 2
	echo "### $title, median of $RUNS paired runs"
	echo
	echo "| command | wall s | user+sys s | ${1%% *} wall / wall |"
	echo "|---|---:|---:|---:|"
	ref=$(awk '$1 == 0 { print $2 }' "$out" | median)
	i=0
	for c in "$@"; do
		w=$(awk -v i="$i" '$1 == i { print $2 }' "$out" | median)
		cpu=$(awk -v i="$i" '$1 == i { print $3 }' "$out" | median)
		printf '| `%s` | %.3f | %.3f | %.2f |\n' "${c//|/\\|}" "$w" "$cpu" \
		    "$(awk -v a="$ref" -v b="$w" 'BEGIN { print a / b }')"
		i=$((i + 1))
	done
	echo
}
