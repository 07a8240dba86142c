#!/bin/bash
# bench/mpi.sh: parcp-mpi against mpiFileUtils' dcp (static split) and dcp1
# (libcircle work stealing) and parcp's pool mode, with cp as the base, in
# DIR (default /dev/shm).
#
#   bench/mpi.sh [DIR]
#   env: PARCP=./parcp PARCP_MPI=(parcp's directory)/parcp-mpi DCP=dcp
#        DCP1=(dcp's directory)/dcp1
#        RUNS=7 SIZE=1G NPS="1 2 4" WHICH="file small"
#        MPIRUN="mpirun" MPIFLAGS="" (--oversubscribe is added, and as
#        root --allow-run-as-root)
#
#   file   one SIZE file of random bytes
#   small  20,000 files of 1-64 KiB in 20 x 20 nested directories (lib.sh)
#
# Each MPI tool runs with each -np of NPS, parcp with -j of the same
# counts.  A parcp-mpi, dcp or dcp1 that is not there drops its rows, with
# a message.  Paired rounds as in run.sh, one warm-up round not counted; the
# previous copy deleted just before each run; every copy checked against
# the source (cmp, diff -r) once, outside the timed part.  CPU seconds are
# user+sys of the whole process tree (mpirun waits for its ranks; a rank
# that waits for a message polls, so its CPU seconds include waiting).  dcp
# calls sync(2) twice inside its run, so on a disk every run's timed part
# ends with a sync, for all tools alike.  Never run by make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
SIZE=${SIZE:-1G}
NPS=${NPS:-1 2 4}
WHICH=${WHICH:-file small}
PARCP_MPI=${PARCP_MPI:-$(dirname "$PARCP")/parcp-mpi}
DCP=${DCP:-$(command -v dcp || true)}
DCP1=${DCP1:-${DCP:+$(dirname "$DCP")/dcp1}}
DCP1=${DCP1:-$(command -v dcp1 || true)}
MPIRUN=${MPIRUN:-mpirun}
MPIFLAGS="--oversubscribe ${MPIFLAGS:-}"
[ "$(id -u)" -ne 0 ] || MPIFLAGS="--allow-run-as-root $MPIFLAGS"

configs=("cp -r")
skipped=
for n in $NPS; do
	configs+=("parcp -r -j $n --mode=pool")
done
# bin TOOL: the program that runs TOOL's rows
bin() {
	case $1 in
	parcp-mpi)	echo "$PARCP_MPI" ;;
	dcp)		echo "$DCP" ;;
	dcp1)		echo "$DCP1" ;;
	esac
}
for tool in parcp-mpi dcp dcp1; do
	bin=$(bin "$tool")
	if [ -z "$bin" ] || ! [ -x "$bin" ]; then
		echo "bench: no $tool (${bin:-not in PATH}): its rows skipped" >&2
		skipped+=" $tool"
		continue
	fi
	for n in $NPS; do
		configs+=("mpirun -np $n $tool")
	done
done

# copy CONFIG SRC DST ("mpirun -np N TOOL": TOOL copies like cp -r)
copy() {
	local -a w
	case $1 in
	mpirun*)
		read -ra w <<<"$1"		# mpirun -np N TOOL
		[ "${w[3]}" != parcp-mpi ] || w+=(-r)
		$MPIRUN $MPIFLAGS -np "${w[2]}" "$(bin "${w[3]}")" "${w[@]:4}" \
		    "$2" "$3"
		;;
	parcp*)	${1/#parcp/$PARCP} "$2" "$3" ;;
	*)	$1 "$2" "$3" ;;
	esac
	[ "$fs" = tmpfs ] || sync
}

# step CONFIG ROUND (for paired; src, dst, fs from bench_one)
step() {
	rm -rf "$dst"
	[ "$fs" = tmpfs ] || sync	# no writeback of the last run in this one
	timed copy "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}

# bench_one WORKLOAD: every configuration, paired rounds; a table, and
# CSV rows (dir, fs, workload, config, median wall, median cpu) on fd 3.
bench_one() {
	local kind=$1 src=$DIR/parcp-mpi.src dst=$DIR/parcp-mpi.dst out title fs
	fs=$(stat -f -c %T "$DIR")
	out=$(mktemp)
	rm -rf "$src" "$dst"
	if [ "$kind" = file ]; then
		head -c "$SIZE" /dev/urandom >"$src"
		title="$SIZE file"
	else
		gen_tree "$kind" "$src"
		title="$kind tree"
	fi
	sync
	paired "$out" step "${configs[@]}"
	rm -rf "$src" "$dst"
	results "$title on $DIR ($fs)" "$out" "$DIR,$fs,$kind" "${configs[@]}"
	rm -f "$out"
}

mkdir -p "$BENCH_DIR/results"
report="$BENCH_DIR/results/mpi-$(date -u +%Y%m%dT%H%M%S).md"
exec 3>"${report%.md}.csv"
echo "dir,fs,workload,config,median_wall_s,median_cpu_s" >&3
{
	echo "## parcp MPI bench"
	echo
	machine
	echo "- $($MPIRUN --version | head -1); dcp: ${DCP:-none}, dcp1: ${DCP1:-none}"
	[ -z "$skipped" ] || echo "- not found, rows skipped:$skipped"
	echo
	for w in $WHICH; do
		bench_one "$w"
	done
} | tee "$report"
echo "written to $report and ${report%.md}.csv" >&2
