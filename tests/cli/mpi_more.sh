#!/bin/bash
# parcp-mpi, continued: every task runs once.  A tree with later tasks
# (a hard link, directories, a split file's finish) is copied with -np 2
# and 3: each file's data is written once (bytes_written is the tree's
# data, no more), and the copy is the source's; a SIGINT stops the job
# after the task it came in.  Skipped without
# parcp-mpi (./configure found no MPI).
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"
[ -x "${PARCP_MPI:-}" ] && command -v mpirun >/dev/null || {
	echo "SKIP: no parcp-mpi or mpirun"
	exit 77
}
# OpenMPI's own leaks in a sanitizer build: see mpi.sh.
export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0:verify_asan_link_order=0"
MPIRUN=(mpirun --allow-run-as-root --oversubscribe -x ASAN_OPTIONS)
export OMPI_MCA_rmaps_base_oversubscribe=1

mkdir -p "$T/src/d/e"
for i in $(seq 40); do mkfile "$T/src/d/f$i" 3000; done
mkfile "$T/src/d/e/g" 5000
ln "$T/src/d/f1" "$T/src/d/link"		# written once, linked
mkfile "$T/src/big" 3000000			# split: finished later
data=$((40 * 3000 + 5000 + 3000000))

for np in 2 3; do
	rm -rf "$T/dst"
	run "${MPIRUN[@]}" -np $np "$PARCP_MPI" -a --json --chunk-size=1M \
	    "$T/src" "$T/dst"
	expect_rc 0 "-np $np"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
	    assert d["bytes_written"] == int(sys.argv[2]), d; \
	    assert sum(d["worker_bytes"]) == d["bytes_written"], d; \
	    assert d["files_failed"] == 0, d' "$T/out" "$data" ||
	    fail "-np $np: $(head -c 400 "$T/out")"
	"$TREECMP" "$T/src" "$T/dst" >"$T/diff" ||
	    fail "-np $np: copy differs: $(head -5 "$T/diff")"
	[ "$(stat -c %i "$T/dst/d/f1")" = "$(stat -c %i "$T/dst/d/link")" ] ||
	    fail "-np $np: the link is not one"
	pass
done

# SIGINT in rank 0 while it runs a task (-np 1: it runs them all; the
# shim raises it at each file's first read): the job stops after that
# task, as parcp does, and says how to finish; the rest is not copied.
: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
rm -rf "$T/dst"
run "${MPIRUN[@]}" -np 1 -x LD_PRELOAD="$FAULTSHIM" -x PARCP_SHIM_INT_AT=0 \
    "$PARCP_MPI" -a "$T/src" "$T/dst"
expect_rc 130 "SIGINT"
grep -q "^parcp-mpi: interrupted: .*; to finish: .*--resume" "$T/err" ||
    fail "SIGINT: $(head -3 "$T/err")"
n=$(find "$T/dst" -type f ! -name ".parcp.*" | wc -l)
[ "$n" -le 1 ] || fail "SIGINT: $n files copied after the stop"
pass

done_tests
