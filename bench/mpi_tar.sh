#!/bin/bash
# bench/mpi_tar.sh: the tar modes over MPI: parcp-mpi creating and
# extracting a placed (seekable, uncompressed) archive on NP ranks,
# against parcp's pool mode at -j NP and GNU tar, and, with BASE_MPI set
# (a parcp-mpi from before the tar jobs travelled), against the same run
# on rank 0 alone.  In DIR (default /dev/shm).
#
#   bench/mpi_tar.sh [DIR]
#   env: PARCP=./parcp PARCP_MPI=(parcp's directory)/parcp-mpi BASE_MPI=
#        RUNS=5 NP=2 WHICH="small file" SIZE=1G
#
# Paired rounds as in run.sh, one warm-up round not counted, the previous
# output deleted just before each run, every result checked once (the
# archive listed by GNU tar, the tree by diff -r).  Never run by make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
RUNS=${RUNS:-5}
NP=${NP:-2}
WHICH=${WHICH:-small file}
SIZE=${SIZE:-1G}
PARCP=$(realpath "$PARCP")	# the runs start in DIR
PARCP_MPI=$(realpath "${PARCP_MPI:-$(dirname "$PARCP")/parcp-mpi}")
BASE_MPI=${BASE_MPI:+$(realpath "$BASE_MPI")}
MPIRUN=(mpirun --oversubscribe -np "$NP")
[ "$(id -u)" -ne 0 ] || MPIRUN+=(--allow-run-as-root)

# run CONFIG WHAT: WHAT is create (src -> $arch) or extract ($tar -> $xout).
run_one() {
	local -a c=($1)
	case $1 in
	"tar "*)
		if [ "$2" = create ]; then
			tar -C "$DIR" -cf "$arch" src
		else
			mkdir "$xout" && tar -C "$xout" -xf "$tar"
		fi
		;;
	*)
		local -a cmd
		case ${c[0]} in
		parcp) cmd=("$PARCP" -j "$NP") ;;
		mpi) cmd=("${MPIRUN[@]}" "$PARCP_MPI") ;;
		base) cmd=("${MPIRUN[@]}" "$BASE_MPI") ;;
		esac
		if [ "$2" = create ]; then
			(cd "$DIR" && "${cmd[@]}" --to-tar="$arch" src)
		else
			mkdir "$xout" && "${cmd[@]}" --from-tar="$tar" "$xout"
		fi
		;;
	esac
}

step_create() {
	rm -f "$arch"
	timed run_one "$1" create
	[ "$2" -ne 1 ] || tar -tf "$arch" >/dev/null || differs "$1"
}

step_extract() {
	rm -rf "$xout"
	timed run_one "$1" extract
	[ "$2" -ne 1 ] || diff -r "$DIR/src" "$xout/src" >/dev/null ||
	    differs "$1"
}

configs=("tar x" "parcp -j $NP" "mpi -np $NP")
[ -z "$BASE_MPI" ] || configs+=("base -np $NP (rank 0 alone)")
arch=$DIR/parcp-mpitar.out.tar tar=$DIR/parcp-mpitar.tar xout=$DIR/parcp-mpitar.out
stamp=$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$BENCH_DIR/results"
exec 3>"$BENCH_DIR/results/mpi_tar-$stamp.csv"
{
	echo "## The tar modes over MPI in $DIR, $NP ranks"
	echo
	machine
	echo
	for w in $WHICH; do
		rm -rf "$DIR/src" "$tar" "$arch" "$xout"
		case $w in
		small) gen_tree small "$DIR/src" ;;
		file) mkdir "$DIR/src"
		      head -c "$SIZE" /dev/urandom >"$DIR/src/file" ;;
		esac
		tar -C "$DIR" -cf "$tar" src
		res=$(mktemp)
		paired "$res" step_create "${configs[@]}"
		results "$w: create" "$res" "$DIR,$w,create" "${configs[@]}"
		rm -f "$res"
		res=$(mktemp)
		paired "$res" step_extract "${configs[@]}"
		results "$w: extract" "$res" "$DIR,$w,extract" "${configs[@]}"
		rm -f "$res"
	done
	rm -rf "$DIR/src" "$tar" "$arch" "$xout"
} | tee "$BENCH_DIR/results/mpi_tar-$stamp.md"
