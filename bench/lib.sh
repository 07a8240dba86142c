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

# gen_tree KIND ROOT: a tree workload from a seeded generator (repeatable):
# small = 20,000 files of 1-64 KiB in 20 x 20 directories, large = 1,000
# files of 1-8 MiB in 10 directories.
gen_tree() {
	python3 - "$1" "$2" <<'PY'
import os, random, sys
kind, root = sys.argv[1], sys.argv[2]
rnd = random.Random(42)
pool = os.urandom(8 << 20)
if kind == "small":
    dirs, per, lo, hi = [f"d{i}/e{j}" for i in range(20) for j in range(20)], 50, 1 << 10, 64 << 10
else:
    dirs, per, lo, hi = [f"d{i}" for i in range(10)], 100, 1 << 20, 8 << 20
for d in dirs:
    os.makedirs(os.path.join(root, d))
    for k in range(per):
        size = rnd.randint(lo, hi)
        off = rnd.randint(0, len(pool) - size)
        with open(os.path.join(root, d, f"f{k}"), "wb") as f:
            f.write(pool[off:off + size])
PY
}
