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

# A VM that reports freed memory to its host (free page reporting) makes
# a page it gave back slow to fault in again, so a run that follows the
# deletion of the last copy pays for the host, at random (on a tree on
# tmpfs, cp -a ran 0.73 to 3.9 s).  Where root may, reporting is off while
# a benchmark runs (only blocks above the largest order are reported:
# none) and restored at exit; machine() says so.
REPORTING=/sys/module/page_reporting/parameters/page_reporting_order
reporting_was=
if [ -w "$REPORTING" ] && reporting_was=$(cat "$REPORTING") &&
    echo 11 >"$REPORTING" 2>/dev/null; then
	trap 'echo "$reporting_was" >"$REPORTING"' EXIT
else
	reporting_was=
fi

machine() {
	echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) online"
	echo "- memory: $(free -g | awk '/^Mem:/ { print $2 }') GiB;" \
	    "kernel $(uname -r)"
	if [ -n "$reporting_was" ]; then
		echo "- free page reporting to the host: off for the run" \
		    "(order $reporting_was before)"
	elif [ -e "$REPORTING" ]; then
		echo "- free page reporting to the host: on (order" \
		    "$(cat "$REPORTING")): expect stalls after deletes"
	fi
	echo "- parcp $("$PARCP" --version | head -1 | cut -d' ' -f2), $(date -u +%F)"
}

# med RESULTS I COL: the median of column COL (2 wall, 3 cpu) of config I.
med() {
	awk -v i="$2" -v c="$3" '$1 == i { print $c }' "$1" | median
}

# table TITLE RESULTS CONFIG...: the Markdown table of one workload.
# RESULTS has lines "index wall cpu"; config 0 is the reference.
table() {
	local title=$1 out=$2 i=0 w ref c
	shift 2
	echo "### $title, median of $RUNS paired runs"
	echo
	echo "| command | wall s | user+sys s | ${1%% *} wall / wall |"
	echo "|---|---:|---:|---:|"
	ref=$(med "$out" 0 2)
	for c in "$@"; do
		w=$(med "$out" "$i" 2)
		printf '| `%s` | %.3f | %.3f | %.2f |\n' "${c//|/\\|}" "$w" \
		    "$(med "$out" "$i" 3)" \
		    "$(awk -v a="$ref" -v b="$w" 'BEGIN { print a / b }')"
		i=$((i + 1))
	done
	echo
}

# results TITLE RESULTS CSV CONFIG...: the table, and on fd 3 one CSV row
# per configuration: CSV (the workload's leading fields), the config, its
# median wall and cpu seconds.
results() {
	local title=$1 out=$2 csv=$3 i=0 c
	shift 3
	table "$title" "$out" "$@"
	for c in "$@"; do
		printf '%s,"%s",%s,%s\n' "$csv" "$c" "$(med "$out" "$i" 2)" \
		    "$(med "$out" "$i" 3)" >&3
		i=$((i + 1))
	done
}

# paired RESULTS STEP CONFIG...: RUNS + 1 rounds, the first a warm-up not
# counted; each round runs every configuration once, in a fresh random
# order, so that a drift in the machine's speed (or a stall tied to a
# place in the round: this VM's freshly freed pages) hits them all alike.
# STEP CONFIG ROUND deletes the previous output, runs one configuration,
# prints timed's "wall cpu", and in round 1 checks the result.  Lines
# "index wall cpu" are appended to RESULTS.
paired() {
	local out=$1 step=$2 r i res
	shift 2
	local -a c=("$@")
	for ((r = 0; r <= RUNS; r++)); do
		for i in $(shuf -e "${!c[@]}"); do
			res=$("$step" "${c[$i]}" "$r")
			[ "$r" -eq 0 ] || echo "$i $res" >>"$out"
		done
		printf '.' >&2
	done
	echo >&2
}

# differs CONFIG: the check failed; stop the benchmark.
differs() {
	echo "bench: $1: the copy differs from its source" >&2
	exit 1
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
