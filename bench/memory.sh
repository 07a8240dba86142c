#!/bin/bash
# bench/memory.sh: peak RSS and time copying a tree of N empty files
# (default 1,000,000 in 1,000 directories) with parcp -a, both modes, and
# cp -a beside it.  Peak RSS is /usr/bin/time -v's "Maximum resident set
# size": the largest of parcp and its workers (each worker's figure counts
# the parent's pages it shares copy-on-write).
#
#   bench/memory.sh [DIR]          (default /dev/shm)
#   env: PARCP=./parcp N=1000000 JOBS=2   (fork mode only when N <= 100000)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
DIR=${1:-/dev/shm}
N=${N:-1000000}
JOBS=${JOBS:-2}
[ -x /usr/bin/time ] || { echo "bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

src=$DIR/parcp-mem.src
dst=$DIR/parcp-mem.dst
rm -rf "$src" "$dst"
python3 - "$src" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
per = max(1, n // 1000)
for i in range(0, n, per):
    d = os.path.join(root, f"d{i // per}")
    os.makedirs(d)
    for k in range(min(per, n - i)):
        open(os.path.join(d, f"empty-file-{k}"), "wb").close()
PY

measure() {
	rm -rf "$dst"
	/usr/bin/time -f '%e %M' -o "$DIR/parcp-mem.time" "$@" "$src" "$dst"
	read -r secs kb <"$DIR/parcp-mem.time"
	[ "$(find "$dst" -type f | wc -l)" -eq "$N" ] ||
	    { echo "bench: $*: files missing" >&2; exit 1; }
	awk -v c="$*" -v s="$secs" -v k="$kb" \
	    'BEGIN { printf "| `%s` | %.1f | %.1f |\n", c, s, k / 1024 }'
}

echo "### $N empty files in $(ls "$src" | wc -l) directories on $DIR"
echo
echo "| command | wall s | peak RSS MiB |"
echo "|---|---:|---:|"
measure cp -a
measure "$PARCP" -a -j "$JOBS"
# Fork mode forks once per task: with a million tasks the fork()s of a
# parent holding the plan dominate (page tables copied each time), so it
# runs only on smaller trees.
if [ "$N" -le 100000 ]; then
	measure "$PARCP" -a -j "$JOBS" --mode=fork
else
	echo "| \`$PARCP -a -j $JOBS --mode=fork\` | not run: one fork per task; try N=100000 | |"
fi
rm -rf "$src" "$dst" "$DIR/parcp-mem.time"
