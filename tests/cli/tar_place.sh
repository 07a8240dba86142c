#!/bin/bash
# The parallel archive (--to-tar to a seekable file), quickly: --verify's
# header check (a header corrupted once is written again, one corrupted
# every time fails with 3, a failed sync fails the archive), --manifest's
# read-back, a header write failing before any data moves, --fsync's
# syncs failing, and the data cut into chunks as a copy of the same
# bytes is.  Each archive is
# extracted by GNU tar and compared with its source field by field.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
cd "$T"

# good ARCHIVE WHAT: GNU tar extracts it, silently, into what src is.
good() {
	rm -rf x && mkdir x
	tar -xpf "$1" -C x 2>"$T/terr" || fail "$2: tar -x: $(cat "$T/terr")"
	[ ! -s "$T/terr" ] || fail "$2: tar -x warns: $(cat "$T/terr")"
	"$TREECMP" src x/src >"$T/diff" 2>&1 || fail "$2: $(head -5 "$T/diff")"
}

# gone ARCHIVE WHAT: a failed archive leaves nothing, under its name or
# as a temp.
gone() {
	[ ! -e "$1" ] || fail "$2: $1 was made"
	no_temps .
}

mkdir -p src/dir
mkfile src/big $((3 << 20))
for i in 1 2 3; do echo "small $i" >"src/dir/s$i"; done
# Byte 100 is in the first header (src/'s), which --verify has the
# parent write and read back.
SHIM=(env LD_PRELOAD="$FAULTSHIM")

# --verify on a sound disk: nothing to say.
run "$PARCP" -j 2 --verify --to-tar=v.tar src
expect_rc 0 "verify"
[ ! -s "$T/err" ] || fail "verify: $(cat "$T/err")"
good v.tar "verify"
pass

# A header corrupted on its first write: read back, written again, right.
rm -f mark
run "${SHIM[@]}" PARCP_SHIM_CORRUPT_AT=100 PARCP_SHIM_CORRUPT_ONCE="$T/mark" \
    "$PARCP" -j 2 --engine=pread --verify --to-tar=once.tar src
expect_rc 0 "corrupted once"
[ -e mark ] || fail "corrupted once: nothing was corrupted"
[ ! -s "$T/err" ] || fail "corrupted once: $(cat "$T/err")"
good once.tar "corrupted once"
pass

# Corrupted every time: exit 3, one line naming the member, no archive.
run "${SHIM[@]}" PARCP_SHIM_CORRUPT_AT=100 \
    "$PARCP" -j 2 --engine=pread --verify --to-tar=always.tar src
expect_rc 3 "corrupted always"
expect_err "^parcp: cannot archive 'src': verification failed: header differs after a retry$"
gone always.tar "corrupted always"
pass

# The sync before the read-back fails: the archive fails (1), one line.
run "${SHIM[@]}" PARCP_SHIM_SYNC_FAIL=1 \
    "$PARCP" -j 2 --verify --to-tar=sync1.tar src
expect_rc 1 "first sync"
expect_err "^parcp: 'sync1.tar': fsync: Input/output error$"
gone sync1.tar "first sync"
pass

# The header is written again but its sync fails: not verified (3), even
# though the page cache would read back right.
rm -f mark
run "${SHIM[@]}" PARCP_SHIM_CORRUPT_AT=100 PARCP_SHIM_CORRUPT_ONCE="$T/mark" \
    PARCP_SHIM_SYNC_FAIL=2 \
    "$PARCP" -j 2 --engine=pread --verify --to-tar=sync2.tar src
expect_rc 3 "second sync"
[ -e mark ] || fail "second sync: nothing was corrupted"
expect_err "^parcp: cannot archive 'src': verification failed: header differs after a retry$"
gone sync2.tar "second sync"
pass

# --fsync: the archive's own sync failing fails it (nothing under its
# name, no temp); its directory's failing, after the rename, is said and
# fails the run, the archive whole under its name.
rm -rf fs && mkdir fs
run "${SHIM[@]}" PARCP_SHIM_SYNC_FAIL=1 "$PARCP" -j 2 --fsync --to-tar=fs/a.tar src
expect_rc 1 "fsync archive"
expect_err "^parcp: 'fs/a.tar': fsync: Input/output error$"
[ -z "$(ls -A fs)" ] || fail "fsync archive: left in fs: $(ls -A fs)"
run "${SHIM[@]}" PARCP_SHIM_SYNC_FAIL=2 "$PARCP" -j 2 --fsync --to-tar=fs/b.tar src
expect_rc 1 "fsync directory"
expect_err "^parcp: 'fs/b.tar': fsync: Input/output error$"
[ "$(ls -A fs)" = b.tar ] || fail "fsync directory: in fs: $(ls -A fs)"
good fs/b.tar "fsync directory"
pass

# jsonget FIELD: FIELD of the JSON report in $T/out.
jsonget() {
	python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' \
	    "$1" <"$T/out"
}

# --manifest hashes each member as the archive holds it: a read-back
# error fails the archive (and makes no manifest); the read-back is not
# counted as bytes copied.
mkdir ar
run "${SHIM[@]}" PARCP_SHIM_READ_FAIL="$T/ar/*:1" \
    "$PARCP" -j 1 --engine=pread --manifest=M --to-tar=ar/m.tar src
expect_rc 1 "read-back error"
expect_err "^parcp: cannot archive 'src/[^']*': read back: Input/output error$"
[ ! -e M ] || fail "read-back error: a manifest was made"
[ -z "$(ls -A ar)" ] || fail "read-back error: left in ar: $(ls -A ar)"
run "$PARCP" -j 2 --json --to-tar=ar/plain.tar src
expect_rc 0 "json"
plain=$(jsonget worker_bytes)
run "$PARCP" -j 2 --json --manifest=M --to-tar=ar/m.tar src
expect_rc 0 "json manifest"
(mkdir -p xm && tar -xf ar/m.tar -C xm && cd xm && xxhsum -c --quiet ../M) ||
    fail "manifest: xxhsum -c"
sum() { python3 -c 'import sys; print(sum(eval(sys.argv[1])))' "$1"; }
[ "$(sum "$(jsonget worker_bytes)")" -eq "$(sum "$plain")" ] ||
    fail "manifest: worker bytes $(jsonget worker_bytes), without: $plain"
[ "$(sum "$plain")" -eq "$(jsonget bytes)" ] ||
    fail "json: worker bytes $plain, bytes $(jsonget bytes)"
pass

# A header that cannot be written fails the archive before any data task
# runs, even a task planned before it: no task, no byte, one line,
# nothing left.  The parent writes the headers of hw/ and of each dN/ (a
# small file's header is its worker's); the third write is the second
# directory's, after the first one's file was planned.
mkdir -p hw/d1 hw/d2 hw/d3
for d in 1 2 3; do echo "file $d" >hw/d$d/f; done
run "${SHIM[@]}" PARCP_SHIM_WRITE_FAIL="$T/ar/*:3" \
    "$PARCP" -j 2 --json --to-tar=ar/h.tar hw
expect_rc 1 "header write"
expect_err "^parcp: cannot archive 'hw/d[123]': write: No space left on device$"
[ "$(jsonget tasks)" -eq 0 ] || fail "header write: $(jsonget tasks) tasks"
[ "$(jsonget bytes)" -eq 0 ] || fail "header write: $(jsonget bytes) bytes"
gone ar/h.tar "header write"
pass

# The archive's data is cut as a copy of the same bytes is: by the size of
# the regular files, not of the other members.  12 MiB at -j 2: 2 MiB
# chunks (not the 1 MiB floor).
rm -rf src/big src/dir
mkfile src/big $((12 << 20))
mkdir src/d1 src/d2
ln -s big src/link
run "$PARCP" -j 2 --json src/big big.copy
expect_rc 0 "copy"
want=$(jsonget chunk_size)
[ "$want" -eq $((2 << 20)) ] || fail "copy: chunk size $want"
run "$PARCP" -j 2 --json --to-tar=c.tar src
expect_rc 0 "chunks"
got=$(jsonget chunk_size)
[ "$got" -eq "$want" ] || fail "chunks: $got, a copy: $want"
good c.tar "chunks"
pass
done_tests
