#!/bin/bash
# bench/tar.sh: packing and unpacking trees, parcp --to-tar/--from-tar at
# -j 1, 2, 4 against GNU tar and bsdtar, in DIR (default /dev/shm).
#
#   bench/tar.sh [DIR]
#   env: PARCP=./parcp RUNS=7 WHICH="small large"
#
# The trees are bench/lib.sh's gen_tree (small: 20,000 files of 1-64 KiB;
# large: 1,000 files of 1-8 MiB).  Every tool keeps mode, owner and times
# (parcp -p; tar does as root).  Extraction reads one archive made by GNU
# tar (pax format), the same for every tool.  Paired rounds in a random
# order, one warm-up round, the previous output deleted just before each
# run; each result is checked once (tar -df / diff -r).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
WHICH=${WHICH:-small large}

create=("tar -cf" "bsdtar -cf" "parcp -j 1 --to-tar" "parcp -j 2 --to-tar"
    "parcp -j 4 --to-tar")
extract=("tar -xf" "bsdtar -xf" "parcp -j 1 --from-tar"
    "parcp -j 2 --from-tar" "parcp -j 4 --from-tar")

# pack CONFIG TREE ARCHIVE (from inside DIR: member names are relative)
pack() {
	case $1 in
	parcp*)	${1/#parcp/$PARCP -p}="$3" "$2" ;;
	*)	$1 "$3" "$2" ;;
	esac
}

# unpack CONFIG ARCHIVE OUTDIR
unpack() {
	case $1 in
	parcp*)	${1/#parcp/$PARCP -p}="$2" "$3" ;;
	*)	mkdir "$3" && $1 "$2" -C "$3" ;;
	esac
}

# rounds NAME OUT CONFIG...: paired rounds of one phase into OUT.
rounds() {
	local phase=$1 out=$2 r i
	shift 2
	local -a c=("$@")
	for ((r = 0; r <= RUNS; r++)); do
		for i in $(shuf -e "${!c[@]}"); do
			rm -rf parcp-tar.out parcp-tar.tar
			if [ "$phase" = create ]; then
				res=$(timed pack "${c[$i]}" parcp-tar.src \
				    parcp-tar.tar)
				[ "$r" -ne 1 ] || tar -df parcp-tar.tar >/dev/null ||
				    { echo "bench: ${c[$i]}: differs" >&2; exit 1; }
			else
				res=$(timed unpack "${c[$i]}" parcp-tar.ref \
				    parcp-tar.out)
				[ "$r" -ne 1 ] || diff -r parcp-tar.src \
				    parcp-tar.out/parcp-tar.src >/dev/null ||
				    { echo "bench: ${c[$i]}: differs" >&2; exit 1; }
			fi
			[ "$r" -eq 0 ] || echo "$i $res" >>"$out"
		done
		printf '.' >&2
	done
	echo >&2
}

bench_tree() {
	local kind=$1 out fs
	fs=$(stat -f -c %T "$DIR")
	rm -rf parcp-tar.src parcp-tar.ref
	gen_tree "$kind" parcp-tar.src
	tar --format=pax -cf parcp-tar.ref parcp-tar.src
	sync
	for phase in create extract; do
		out=$(mktemp)
		if [ $phase = create ]; then
			rounds create "$out" "${create[@]}"
			table "$kind tree: create, on $DIR ($fs)" "$out" \
			    "${create[@]}"
		else
			rounds extract "$out" "${extract[@]}"
			table "$kind tree: extract, on $DIR ($fs)" "$out" \
			    "${extract[@]}"
		fi
		rm -f "$out"
	done
	rm -rf parcp-tar.src parcp-tar.ref parcp-tar.out parcp-tar.tar
}

mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/tar-$(date -u +%Y%m%dT%H%M%S).md"
PARCP=$(realpath "$PARCP")
cd "$DIR"
{
	echo "## parcp tar bench"
	echo
	machine
	echo
	for w in $WHICH; do
		bench_tree "$w"
	done
} | tee "$report"
echo "written to $report" >&2
