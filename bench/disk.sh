#!/bin/bash
# bench/disk.sh: the workloads users copy on a real disk, parcp's defaults
# against cp and its peers, hot and cold, with and without `&& sync`.
#
#   bench/disk.sh [DIR]          (default /var/tmp: a disk, never tmpfs)
#   env: PARCP=./parcp RUNS=5 WHICH="file file-sync file-cold tree-cold"
#        SIZE=1G (file, file-sync) COLD_SIZE=2G (file-cold) DCP=/path/dcp
#
#   file       one SIZE file, source in the page cache, the copy alone
#   file-sync  the same, `&& sync` inside the timed part
#   file-cold  one COLD_SIZE file, caches dropped before each run, `&& sync`
#   tree       20,000 files of 1-64 KiB (bench/lib.sh's small tree), hot,
#              the copy alone
#   tree-cold  the same tree, caches dropped before each run, `&& sync`
#   large-sync 1,000 files of 1-8 MiB, hot, `&& sync` (4.5 GB a copy: not
#              in the default WHICH)
#   fio        the disk's own copy-like rate, with fio (when installed): one
#              job reads a COLD_SIZE file while another writes one (bs 1M,
#              iodepth 32, O_DIRECT); the slower side is the floor of a
#              cold copy's time, to hold file-cold's figures against
#
# Cold runs need root (echo 3 > /proc/sys/vm/drop_caches) and are skipped
# otherwise.  Rounds are paired as in run.sh (each configuration once per
# round, in a random order; one warm-up round not counted).  Before each
# run the previous copy is deleted and synced, and the disk left a second
# to settle (it stalls right after large deletes).  Reports medians of wall
# and user+sys CPU seconds and the ratio of cp's median to each.  rsync,
# rclone, fpsync (trees) and uutils' cp, when installed, run too (PEERS=0:
# only rsync); DCP, when set, adds mpiFileUtils' dcp (`mpirun -np 2`).
# Never run by make check.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
DIR=${1:-/var/tmp}
WHICH=${WHICH:-file file-sync file-cold tree-cold}
SIZE=${SIZE:-1G}
COLD_SIZE=${COLD_SIZE:-2G}
DCP=${DCP:-}
[ "$(stat -f -c %T "$DIR")" != tmpfs ] || {
	echo "bench/disk.sh: $DIR is tmpfs; give a directory on a disk" >&2
	exit 2
}
can_drop() { [ -w /proc/sys/vm/drop_caches ]; }

# Beside the defaults (on a disk: -j 8, one writer a file: tune.c), the
# alternatives they are chosen from: a file's ranges side by side (the
# default before, and still on tmpfs), fewer workers.
file_configs=("cp" "cat" "parcp" "parcp --mode=fork" "parcp --split=always -j 2"
    "parcp -j 1" "parcp --split=always -j 8")
tree_configs=("cp -a" "tar | tar" "parcp -a" "parcp -a --mode=fork"
    "parcp -a -j 1" "parcp -a -j 2" "parcp -a -j 4")
if command -v rsync >/dev/null; then
	file_configs+=("rsync")
	tree_configs+=("rsync -a")
fi
if [ -n "$DCP" ]; then
	file_configs+=("dcp")
	tree_configs+=("dcp")
fi
# The other peers issue 15 names, each when installed (Debian: rclone,
# fpart for fpsync, rust-coreutils for uutils' cp); PEERS=0: none of them.
UUCP=/usr/lib/cargo/bin/coreutils/cp
if [ "${PEERS:-1}" != 0 ]; then
	if command -v rclone >/dev/null; then
		file_configs+=("rclone")
		tree_configs+=("rclone")
	fi
	command -v fpsync >/dev/null && tree_configs+=("fpsync -n 2")
	if [ -x "$UUCP" ]; then
		file_configs+=("uutils cp")
		tree_configs+=("uutils cp -a")
	fi
fi

# copy CONFIG SRC DST
copy() {
	case $1 in
	cat)	cat "$2" >"$3" ;;
	"tar | tar")
		mkdir "$3"
		tar -C "$2" -cf - . | tar -C "$3" -xf -
		;;
	rsync)	rsync "$2" "$3" ;;	# local: whole files, no delta
	"rsync -a") rsync -a "$2/" "$3" ;;
	dcp)	mpirun --allow-run-as-root -np 2 "$DCP" -q -p "$2" "$3" ;;
	rclone)	rclone copyto -q "$2" "$3" ;;
	"fpsync -n 2")
		mkdir "$3"	# rsync -a under it, 2 jobs (its defaults else)
		fpsync -n 2 -t "$3.fpsync" "$2/" "$3/" && rm -rf "$3.fpsync"
		;;
	"uutils cp"*) "$UUCP" ${1#uutils cp} "$2" "$3" ;;
	parcp*)	${1/#parcp/$PARCP} "$2" "$3" ;;
	*)	$1 "$2" "$3" ;;
	esac
}

synced() { copy "$@" && sync; }

# ext4 does not reuse an inode for 30 s after its file was deleted, and
# each new inode scans past the recently deleted ones (recently_deleted()
# in its allocator): with 20,000 deleted just before, cp -a of the tree
# spent 20 s of CPU instead of one.  So a tree's last copy is moved into
# $trash (a rename frees no inode), emptied after the workload, and the
# next workload waits the 30 s out.
trash=
settle_deletes() {
	[ -z "$trash" ] || rm -rf "$trash"
	trash=
	sync
	sleep 31
}

# prepare COLD: the last copy gone (a tree's: moved aside) and on disk, the
# disk settled, and (COLD = 1) nothing of the source left in the page cache.
prepare() {
	if [ -n "$trash" ] && [ -e "$dst" ]; then
		mv "$dst" "$(mktemp -u "$trash/c.XXXXXX")"
	else
		rm -rf "$dst"
	fi
	sync
	sleep 1
	[ "$1" -eq 0 ] || echo 3 >/proc/sys/vm/drop_caches
}

# step_* CONFIG ROUND: one timed run (src, dst: the workload's).
step_hot() {
	prepare 0
	timed copy "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || cmp -s "$src" "$dst" || differs "$1"
}
step_sync() {
	prepare 0
	timed synced "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || cmp -s "$src" "$dst" || differs "$1"
}
step_cold() {
	prepare 1
	timed synced "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || cmp -s "$src" "$dst" || differs "$1"
}
step_tree_hot() {
	prepare 0
	timed copy "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}
step_tree_cold() {
	prepare 1
	timed synced "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}
step_tree_sync() {
	prepare 0
	timed synced "$1" "$src" "$dst"
	[ "$2" -ne 1 ] || diff -r "$src" "$dst" >/dev/null || differs "$1"
}

# fio_copy: the disk's copy-like rates and the floor they give a copy of
# COLD_SIZE bytes (median of RUNS runs of each side's rate).
fio_copy() {
	local r log=$(mktemp)
	head -c "$COLD_SIZE" /dev/urandom >"$src"
	for ((r = 0; r < RUNS; r++)); do
		rm -f "$dst"
		sync
		sleep 1
		fio --output-format=json --ioengine=libaio --direct=1 --bs=1M \
		    --iodepth=32 --size="$COLD_SIZE" \
		    --name=read --filename="$src" --rw=read \
		    --name=write --filename="$dst" --rw=write |
		    python3 -c 'import json, sys
j = json.load(sys.stdin)["jobs"]
print(j[0]["read"]["bw_bytes"], j[1]["write"]["bw_bytes"])' >>"$log"
	done
	python3 - "$log" "$COLD_SIZE" <<'PY'
import statistics, sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1])]
rd = statistics.median(r[0] for r in rows)
wr = statistics.median(r[1] for r in rows)
units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
s = sys.argv[2]
size = int(s[:-1]) * units[s[-1]] if s[-1] in units else int(s)
g = 1 << 30
print(f"### fio, copy-like (a reader and a writer at once, bs 1M, "
      f"iodepth 32, O_DIRECT), median of {len(rows)} runs\n")
print(f"- read {rd / g:.2f} GiB/s while writing {wr / g:.2f} GiB/s")
print(f"- floor of a {s} copy: {size / min(rd, wr):.3f} s "
      f"(the slower side); within 20%: {1.2 * size / min(rd, wr):.3f} s\n")
PY
	rm -f "$log"
}

# workload NAME TITLE STEP CONFIG...: run it, print its table, CSV on fd 3.
workload() {
	local name=$1 title=$2 step=$3 out
	shift 3
	out=$(mktemp)
	paired "$out" "$step" "$@"
	results "$title" "$out" "$DIR,$name" "$@"
	rm -f "$out"
}

fs=$(stat -f -c %T "$DIR")
stamp=$(date -u +%Y%m%dT%H%M%S)
mkdir -p "$BENCH_DIR/results"
exec 3>"$BENCH_DIR/results/disk-$stamp.csv"
{
	echo "## parcp on a disk: $DIR ($fs)"
	echo
	machine
	echo
	for w in $WHICH; do
		src=$DIR/parcp-disk.src dst=$DIR/parcp-disk.dst
		rm -rf "$src" "$dst"
		case $w in
		file | file-sync)
			head -c "$SIZE" /dev/urandom >"$src"
			cat "$src" >/dev/null	# hot: in the page cache
			if [ "$w" = file ]; then
				workload "$w" "$SIZE file, hot" step_hot \
				    "${file_configs[@]}"
			else
				workload "$w" "$SIZE file, hot, && sync" \
				    step_sync "${file_configs[@]}"
			fi
			;;
		file-cold)
			can_drop || { echo "(file-cold: not root, skipped)"; continue; }
			head -c "$COLD_SIZE" /dev/urandom >"$src"
			workload "$w" "$COLD_SIZE file, cold, && sync" step_cold \
			    "${file_configs[@]}"
			;;
		tree)
			trash=$DIR/parcp-disk.trash
			mkdir -p "$trash"
			gen_tree small "$src"
			workload "$w" "20,000 files of 1-64 KiB, hot" \
			    step_tree_hot "${tree_configs[@]}"
			;;
		tree-cold)
			can_drop || { echo "(tree-cold: not root, skipped)"; continue; }
			trash=$DIR/parcp-disk.trash
			mkdir -p "$trash"
			gen_tree small "$src"
			workload "$w" "20,000 files of 1-64 KiB, cold, && sync" \
			    step_tree_cold "${tree_configs[@]}"
			;;
		fio)
			command -v fio >/dev/null ||
			    { echo "(fio: not installed, skipped)"; continue; }
			fio_copy
			;;
		large-sync)
			gen_tree large "$src"
			workload "$w" "1,000 files of 1-8 MiB, hot, && sync" \
			    step_tree_sync "${tree_configs[@]}"
			;;
		*)
			echo "bench/disk.sh: unknown workload $w" >&2
			exit 2
			;;
		esac
		rm -rf "$src" "$dst"
		settle_deletes
	done
} | tee "$BENCH_DIR/results/disk-$stamp.md"
