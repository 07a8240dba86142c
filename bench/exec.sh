#!/bin/bash
# bench/exec.sh: an executor change measured, before against after: two
# parcp builds (BASE, the one before; PARCP, the one after), both worker
# models, on one big file and on the 20,000-file tree, in DIR (default
# /dev/shm: the CPU path), with cp as the yardstick in the same rounds.
#
#   BASE=/path/to/old/parcp bench/exec.sh [DIR]
#   env: PARCP=./parcp RUNS=7 SIZE=512M JOBS=2
#
# Paired rounds as in run.sh: every configuration once per round, in a
# random order, the previous copy deleted just before each run; one
# warm-up round not counted; each copy checked against its source once.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
SIZE=${SIZE:-512M}
JOBS=${JOBS:-2}
: "${BASE:?BASE must name the parcp build to compare against}"

# run CONFIG SRC DST: "cp", or "base|new MODE [OPTIONS]".
copy() {
	local -a w=($1)
	case ${w[0]} in
	cp) cp "${w[@]:1}" "$2" "$3" ;;
	base) "$BASE" -j "$JOBS" --mode="${w[1]}" "${w[@]:2}" "$2" "$3" ;;
	new) "$PARCP" -j "$JOBS" --mode="${w[1]}" "${w[@]:2}" "$2" "$3" ;;
	esac
}

step() {
	rm -rf "$dst"
	timed copy "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}

bench() {	# KIND TITLE CONFIG...
	local kind=$1 title=$2 out
	shift 2
	out=$(mktemp)
	paired "$out" step "$@"
	results "$title on $DIR ($(stat -f -c %T "$DIR")), -j $JOBS" "$out" \
	    "$DIR,$kind" "$@"
	rm -f "$out"
}

{
	echo "## Executors before (BASE) and after (PARCP)"
	echo
	machine
	echo "- BASE: $("$BASE" --version | head -1)"
	echo
} 
src=$DIR/parcp-exec.src dst=$DIR/parcp-exec.dst
rm -rf "$src" "$dst"
head -c "$SIZE" /dev/urandom >"$src"
sync
bench file "$SIZE file" "cp" "base pool" "new pool" "base fork" "new fork" \
    3>/dev/null
rm -rf "$src" "$dst"
gen_tree small "$src"
sync
bench tree "20,000-file tree" "cp -a" "base pool -a" "new pool -a" \
    "base fork -a" "new fork -a" 3>/dev/null
rm -rf "$src" "$dst"
