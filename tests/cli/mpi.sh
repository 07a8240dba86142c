#!/bin/bash
# parcp-mpi: local ranks (-np 1..4, also over TCP only, as between nodes)
# make the tree parcp -a makes, field by field; a rank killed mid-copy
# aborts the job and leaves what --resume finishes.  Skipped without
# parcp-mpi (./configure found no MPI).
. "$TESTLIB"
: "${TREECMP:?TREECMP must name tests/treecmp}"
[ -x "${PARCP_MPI:-}" ] && command -v mpirun >/dev/null || {
	echo "SKIP: no parcp-mpi or mpirun"
	exit 77
}
# A sanitizer build: OpenMPI's own allocations are freed by components it
# has unloaded by then, which LeakSanitizer reports and cannot suppress
# (their frames have no module left); the ranks' side of a job is checked
# for leaks by check_job, with the same code.
export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
# Root runs ranks only when told; more ranks than CPUs are fine here.
MPIRUN=(mpirun --allow-run-as-root --oversubscribe -x ASAN_OPTIONS)
export OMPI_MCA_rmaps_base_oversubscribe=1

make_tree "$T/src" 300
head -c 9437185 /dev/urandom >"$T/src/big"	# 9 MiB + 1: split
"$PARCP" -a "$T/src" "$T/ref" || fail "parcp -a: exit status $?"

check_copy() {		# WHAT: $T/dst is the source's copy, as parcp's
	"$TREECMP" "$T/src" "$T/dst" >"$T/diff" ||
	    fail "$1: copy differs: $(head -5 "$T/diff")"
	"$TREECMP" "$T/ref" "$T/dst" >"$T/diff" ||
	    fail "$1: differs from parcp -a: $(head -5 "$T/diff")"
	[ -z "$(find "$T/dst" -name '.parcp.*')" ] ||
	    fail "$1: temp files left"
}

for np in 1 2 3 4; do
	rm -rf "$T/dst"
	run "${MPIRUN[@]}" -np $np "$PARCP_MPI" -a --chunk 1M "$T/src" \
	    "$T/dst"
	expect_rc 0 "-np $np"
	[ ! -s "$T/err" ] || fail "-np $np: stderr not empty"
	check_copy "-np $np"
	pass
done

# No shared memory between the ranks: messages over TCP, as between nodes.
rm -rf "$T/dst"
run "${MPIRUN[@]}" --mca btl tcp,self -np 3 "$PARCP_MPI" -a --chunk 1M \
    "$T/src" "$T/dst"
expect_rc 0 "btl tcp"
check_copy "btl tcp"
pass

# --json from rank 0 alone: one object on stdout, the ranks as workers;
# with reads slowed down every rank gets work (the job reached them as
# data and they ran it).
rm -rf "$T/dst"
run "${MPIRUN[@]}" -np 3 -x LD_PRELOAD="$FAULTSHIM" -x PARCP_SHIM_SLOW_US=1000 \
    "$PARCP_MPI" -a --json --chunk 1M "$T/src" "$T/dst"
expect_rc 0 "--json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
    assert d["jobs"] == 3 and d["mode"] == "mpi", d; \
    assert d["files"] > 300, d["files"]; \
    assert all(b > 0 for b in d["worker_bytes"]), d["worker_bytes"]; \
    assert sum(d["worker_bytes"]) == d["bytes_written"], d' \
    "$T/out" || fail "--json: $(head -c 300 "$T/out")"
check_copy "--json"
pass

# Errors as parcp reports them: one line naming the path, exit status 1.
rm -rf "$T/dst"
run "${MPIRUN[@]}" -np 2 "$PARCP_MPI" "$T/missing" "$T/dst"
expect_rc 1 "missing source"
grep -q "cannot stat '$T/missing': No such file or directory" "$T/err" ||
    fail "missing source: $(cat "$T/err")"
pass

# The tar modes travel too: with reads slowed down every rank writes
# part of the archive (--json), and the archive holds what parcp's holds
# (GNU tar's listing; the tree parcp extracts from it, field by field).
json_ranks() {	# WHAT: every rank wrote, and the lanes add up
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
	    assert d["jobs"] == 3 and d["mode"] == "mpi", d; \
	    assert all(b > 0 for b in d["worker_bytes"]), d["worker_bytes"]; \
	    assert sum(d["worker_bytes"]) == d["bytes_written"], d' \
	    "$T/out" || fail "$1: $(head -c 300 "$T/out")"
}
rm -rf "$T/dst" "$T/a.tar" "$T/p.tar"
(cd "$T" && "$PARCP" -a --to-tar=p.tar src 2>"$T/p.err") ||
    fail "parcp --to-tar: $?"
(cd "$T" && "${MPIRUN[@]}" -np 3 -x LD_PRELOAD="$FAULTSHIM" \
    -x PARCP_SHIM_SLOW_US=1000 "$PARCP_MPI" -a --json --chunk 1M \
    --to-tar=a.tar src >"$T/out" 2>"$T/err") ||
    fail "--to-tar: exit status $?: $(cat "$T/err")"
sed 's/^parcp-mpi:/parcp:/' "$T/err" | diff "$T/p.err" - >"$T/diff" ||
    fail "--to-tar: stderr is not parcp's: $(head -5 "$T/diff")"
json_ranks "--to-tar"
tar tvf "$T/p.tar" >"$T/p.list" && tar tvf "$T/a.tar" >"$T/a.list" ||
    fail "--to-tar: GNU tar cannot list it"
diff "$T/p.list" "$T/a.list" >"$T/diff" ||
    fail "--to-tar: listing differs from parcp's: $(head -5 "$T/diff")"
mkdir "$T/dst"
"$PARCP" -a --from-tar="$T/a.tar" "$T/dst" || fail "--to-tar: not read back"
"$TREECMP" "$T/src" "$T/dst/src" >"$T/diff" ||
    fail "--to-tar: archived tree differs: $(head -5 "$T/diff")"
pass

# Extraction makes the tree parcp makes, field by field (this archive
# has sparse members: it is streamed, by rank 0).  Of an archive that is
# read by offset every rank writes members, over TCP only too, and
# --manifest's hashes (made on the ranks) are parcp's.
rm -rf "$T/dst" "$T/ref2"
mkdir "$T/dst" "$T/ref2"
"$PARCP" -a --from-tar="$T/p.tar" "$T/ref2" 2>/dev/null ||
    fail "parcp --from-tar: exit status $?"
run "${MPIRUN[@]}" -np 3 "$PARCP_MPI" -a --chunk 1M --from-tar="$T/p.tar" \
    "$T/dst"
expect_rc 0 "--from-tar"
"$TREECMP" "$T/ref2/src" "$T/dst/src" >"$T/diff" ||
    fail "--from-tar: differs from parcp's: $(head -5 "$T/diff")"
rm -rf "$T/dst" "$T/plain" "$T/ref3"
mkdir "$T/dst" "$T/plain" "$T/ref3"
cp -a "$T/src/big" "$T/src/mib" "$T/src/small" "$T/src/xattr" "$T/src/acl" \
    "$T/src/links" "$T/src/ro" "$T/plain/"
(cd "$T" && "$PARCP" -a --to-tar=m.tar plain) || fail "m.tar: exit status $?"
"$PARCP" -a --manifest="$T/ref.sums" --from-tar="$T/m.tar" "$T/ref3" ||
    fail "parcp --from-tar --manifest: exit status $?"
run "${MPIRUN[@]}" -np 3 -x LD_PRELOAD="$FAULTSHIM" -x PARCP_SHIM_SLOW_US=1000 \
    "$PARCP_MPI" -a --json --chunk 1M --from-tar="$T/m.tar" "$T/dst"
expect_rc 0 "--from-tar, read by offset"
[ ! -s "$T/err" ] || fail "--from-tar: stderr not empty: $(cat "$T/err")"
json_ranks "--from-tar"
"$TREECMP" "$T/ref3/plain" "$T/dst/plain" >"$T/diff" ||
    fail "--from-tar: differs from parcp's: $(head -5 "$T/diff")"
[ -z "$(find "$T/dst" -name '.parcp.*')" ] || fail "--from-tar: temps left"
rm -rf "$T/dst"
mkdir "$T/dst"
run "${MPIRUN[@]}" --mca btl tcp,self -np 3 "$PARCP_MPI" -a --chunk 1M \
    --manifest="$T/mpi.sums" --from-tar="$T/m.tar" "$T/dst"
expect_rc 0 "--from-tar, btl tcp"
"$TREECMP" "$T/ref3/plain" "$T/dst/plain" >"$T/diff" ||
    fail "--from-tar, btl tcp: differs: $(head -5 "$T/diff")"
[ "$(wc -l <"$T/mpi.sums")" -gt 10 ] || fail "--manifest: too short"
sed "s|$T/ref3|$T/dst|" "$T/ref.sums" | diff - "$T/mpi.sums" >"$T/diff" ||
    fail "--from-tar: manifest differs from parcp's: $(head -5 "$T/diff")"
pass

# A compressed archive is streamed, by rank 0 alone.
rm -rf "$T/dst"
mkdir "$T/dst"
gzip -c "$T/p.tar" >"$T/p.tar.gz"
"${MPIRUN[@]}" -np 2 "$PARCP_MPI" -a --from-tar="$T/p.tar.gz" "$T/dst" \
    2>/dev/null || fail "--from-tar .gz: exit status $?"
"$TREECMP" "$T/ref2/src" "$T/dst/src" >"$T/diff" ||
    fail "--from-tar .gz: differs: $(head -5 "$T/diff")"
pass

# A rank killed mid-copy: the job aborts; no partial file under its final
# name; parcp --resume finishes from the journal.
rm -rf "$T/dst"
mkdir "$T/dst"
head -c 33554432 /dev/urandom >"$T/one"
run "${MPIRUN[@]}" -np 3 -x LD_PRELOAD="$FAULTSHIM" \
    -x PARCP_SHIM_KILL_AT=20971520 -x PARCP_SHIM_SLOW_US=2000 \
    "$PARCP_MPI" --chunk 1M "$T/one" "$T/dst/one"
[ "$rc" -ne 0 ] || fail "killed rank: the job succeeded"
[ ! -e "$T/dst/one" ] || fail "killed rank: a final name appeared"
ls -a "$T/dst" | grep -q '\.part$' || fail "killed rank: no part kept"
run "$PARCP" --resume --json --chunk 1M "$T/one" "$T/dst/one"
expect_rc 0 "--resume"
cmp "$T/one" "$T/dst/one" || fail "--resume: copy differs"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
    assert d["resumed_bytes"] > 0, d' "$T/out" ||
    fail "--resume: nothing resumed: $(head -c 300 "$T/out")"
[ -z "$(ls -a "$T/dst" | grep '^\.parcp\.')" ] || fail "--resume: leftovers"
pass

echo "mpi: $npass passed"
