#!/bin/bash
# Extraction's options and edges: -n, -u and --manifest with --from-tar
# (seekable and streamed); an attribute that cannot be set is reported and
# the member kept; an interrupt while libarchive waits on a stalled pipe
# stops the run at once, leaving no temp; a member of absurd size.
. "$TESTLIB"
cd "$T"

mkdir src
echo one >src/a
echo two >src/b
head -c 3000000 /dev/urandom >src/big
touch -d 2001-01-01 src/a src/b src/big
tar -cf a.tar -C src .
gzip -c a.tar >a.tgz

for arch in a.tar a.tgz; do
	# -n: existing entries stay; -u: only older ones are replaced
	rm -rf d
	mkdir d
	echo mine >d/a
	echo mine >d/b
	touch -d 2000-01-01 d/b		# older than the member: replaced
	touch -d 2030-01-01 d/a		# newer: kept
	run "$PARCP" -u --chunk-size=1M --from-tar=$arch d
	expect_rc 0 "-u $arch"
	[ "$(cat d/a)" = mine ] || fail "-u $arch: a newer file was replaced"
	[ "$(cat d/b)" = two ] || fail "-u $arch: an older file was kept"
	cmp src/big d/big || fail "-u $arch: big"
	echo mine >d/b
	run "$PARCP" -n --from-tar=$arch d
	expect_rc 0 "-n $arch"
	[ "$(cat d/b)" = mine ] || fail "-n $arch: an existing file was replaced"
	# --manifest: every extracted file, checked by xxhsum
	rm -rf m
	run "$PARCP" --manifest="$T/sums" --chunk-size=1M --from-tar=$arch m
	expect_rc 0 "--manifest $arch"
	[ "$(grep -c . sums)" -eq 3 ] || fail "--manifest $arch: $(cat sums)"
	xxhsum -c sums >/dev/null 2>&1 || fail "--manifest $arch: xxhsum -c"
	no_temps m
	# DEST spelled with a trailing '/': the names are not doubled
	rm -rf m2
	run "$PARCP" --manifest="$T/sums2" --from-tar=$arch m2/
	expect_rc 0 "--manifest $arch m2/"
	grep -q '  m2/a$' sums2 && ! grep -q '//' sums2 ||
	    fail "--manifest $arch m2/: $(cat sums2)"
	pass
done

# -v: each member's name once, when it is done (directories last, after
# their contents); with --json on stderr, stdout being the report's.
mkdir -p vs/sub
echo x >vs/sub/f
echo y >vs/g
tar -cf v.tar -C vs .
gzip -c v.tar >v.tgz
for arch in v.tar v.tgz; do
	rm -rf vd
	run "$PARCP" -v --from-tar=$arch vd
	expect_rc 0 "-v $arch"
	[ "$(sort "$T/out" | tr '\n' ' ')" = ". g sub sub/f " ] ||
	    fail "-v $arch: $(cat "$T/out")"
	[ "$(tail -1 "$T/out")" = . ] || fail "-v $arch: . not last"
	[ "$(grep -n '^sub' "$T/out" | cut -d: -f2 | tr '\n' ' ')" = \
	    "sub/f sub " ] || fail "-v $arch: sub before sub/f"
	rm -rf vd
	run "$PARCP" -v --json --from-tar=$arch vd
	expect_rc 0 "-v --json $arch"
	[ "$(sort "$T/err" | tr '\n' ' ')" = ". g sub sub/f " ] ||
	    fail "-v --json $arch: $(cat "$T/err")"
	grep -q '"files": 2,' "$T/out" &&
	    grep -q '"directories": 2,' "$T/out" ||
	    fail "-v --json $arch: $(cat "$T/out")"
	pass
done

# A read error in one range of a member split among workers (the shim
# fails the worker's read of archive byte 2,000,000, inside big's data):
# that member fails, with one line, and is not left behind; the others are
# extracted.
for eng in pread copy_file_range; do
	rm -rf ef
	run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_EIO_AT=2000000 "$PARCP" \
	    -j 2 --chunk-size=1M --engine=$eng --from-tar=a.tar ef
	expect_rc 1 "EIO in a range ($eng)"
	expect_err "^parcp: cannot extract '(\./)?big': [a-z_ ]+: Input/output error$"
	[ ! -e ef/big ] || fail "EIO in a range ($eng): big was made"
	cmp src/a ef/a || fail "EIO in a range ($eng): a"
	no_temps ef
	pass
done

# An xattr that cannot be set (-a): the member is kept and the failure
# reported, as bsdtar does.
if command -v strace >/dev/null && setfattr -n user.t -v 1 src/a 2>/dev/null
then
	tar --xattrs --xattrs-include='*' -cf x.tar -C src a
	rm -rf x
	run traced -f -o /dev/null -e trace=fsetxattr \
	    -e inject=fsetxattr:error=EIO "$PARCP" -a --from-tar=x.tar x
	expect_rc 1 "xattr not set"
	expect_err "^parcp: 'a': cannot set extended attributes or ACL: Input/output error$"
	[ "$(cat x/a)" = one ] || fail "xattr not set: the member was dropped"
	pass
fi

# SIGINT while the parent waits inside libarchive on a stalled pipe.
mkfifo pipe
python3 - a.tgz pipe <<'PY' &
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as p:
	p.write(data[:len(data) // 2])
	p.flush()
	time.sleep(30)			# stalled: killed below
PY
writer=$!
rm -rf s
"$PARCP" --from-tar=- s <pipe 2>"$T/err" &
pid=$!
for _ in $(seq 200); do
	[ -e s/big ] || ls -A s 2>/dev/null | grep -q '^\.parcp\.' && break
	sleep 0.02
done
sleep 0.2
kill -INT "$pid"
set +e; wait "$pid"; rc=$?; set -e
kill "$writer" 2>/dev/null || :
wait "$writer" 2>/dev/null || :
[ "$rc" -eq 130 ] || fail "SIGINT on a stalled pipe: exit $rc"
no_temps s
[ ! -e s/big ] || cmp -s src/big s/big || fail "a partial member under its name"
pass

# A member claiming a size near INT64_MAX: refused or reported, no crash.
python3 - <<'PY'
import tarfile, io
t = tarfile.open("huge.tar", "w", format=tarfile.PAX_FORMAT)
i = tarfile.TarInfo("huge")
i.size = 1
t.addfile(i, io.BytesIO(b"x"))
t.close()
data = bytearray(open("huge.tar", "rb").read())
# a pax header with size=9223372036854775807 in front of the member
rec = b"size=9223372036854775807\n"
rec = b"%d %s" % (len(rec) + 3, rec)
h = tarfile.TarInfo("PaxHeaders/huge")
h.type = tarfile.XHDTYPE
h.size = len(rec)
pax = h.tobuf(format=tarfile.USTAR_FORMAT) + rec + b"\0" * (512 - len(rec))
open("huge.tar", "wb").write(pax + bytes(data))
PY
for mode in "" gz; do
	a=huge.tar
	[ -z "$mode" ] || { gzip -c huge.tar >huge.tgz; a=huge.tgz; }
	rm -rf h
	run "$PARCP" --from-tar=$a h
	[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "huge size ($a): exit $rc"
	! grep -q "runtime error\|AddressSanitizer" "$T/err" ||
	    fail "huge size ($a): $(cat "$T/err")"
	no_temps h
done
pass

# A GNU incremental archive: its directories carry data (the dumpdir, the
# names the directory held).  They are made as directories; only regular
# files' bytes count (--json's bytes); the files are whole (GNU format:
# whole-second times, so contents and names are compared).
rm -rf inc
mkdir -p inc/d/e
echo hello >inc/d/a
echo world12 >inc/d/e/b
tar -C inc --listed-incremental="$T/snar" -cf inc.tar d
[ "$(tar tvf inc.tar | awk '$1 ~ /^d/ && $3 > 0' | wc -l)" -eq 2 ] ||
    fail "incremental: no dumpdir data: $(tar tvf inc.tar)"
for a in inc.tar inc.tgz; do
	[ "$a" = inc.tar ] || gzip -c inc.tar >inc.tgz
	rm -rf incx
	run "$PARCP" --json --from-tar=$a incx
	expect_rc 0 "incremental $a"
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
	    assert d["bytes"] == 14 and d["directories"] == 2, d' "$T/out" ||
	    fail "incremental $a: $(head -c 400 "$T/out")"
	diff -r inc/d incx/d >"$T/diff" 2>&1 ||
	    fail "incremental $a: $(head -3 "$T/diff")"
done
pass

# A split member is finished (hashed for --manifest, given its metadata,
# renamed) by a worker, as a later task once its ranges are in; the
# parent only lets go of its lock.  Proven by who the kernel saw rename
# the temp; the worker's hash is xxh128sum's.
head -c $((6 << 20)) /dev/urandom >bigm
tar -cf bigm.tar bigm
for mode in pool fork; do
	rm -rf bx "$T/log" "$T/sums"
	mkdir bx
	run traced -f -qq -o "$T/log" -e trace=execve,rename,renameat,renameat2 \
	    "$PARCP" -j 2 --mode=$mode --chunk-size=1M --manifest="$T/sums" \
	    --from-tar=bigm.tar bx
	expect_rc 0 "split member, $mode"
	cmp bigm bx/bigm || fail "split member, $mode: differs"
	parent=$(grep -m1 execve "$T/log" | cut -d" " -f1)
	who=$(grep -E 'rename.*"\.parcp\.bigm\.[^"]*", [0-9]+, "bigm"\)' \
	    "$T/log" | cut -d' ' -f1 | head -1)
	[ -n "$who" ] || fail "split member, $mode: no rename: $(cat "$T/log")"
	[ "$who" != "$parent" ] ||
	    fail "split member, $mode: the parent ($parent) renamed it"
	[ "$(cut -d' ' -f1 "$T/sums")" = "$(xxh128sum bigm | cut -d' ' -f1)" ] ||
	    fail "split member, $mode: manifest: $(cat "$T/sums")"
	no_temps bx
done
pass

# A DEST that cannot be made: one line saying why, exit status 1, and
# nothing else tried.
echo file >afile
run "$PARCP" --from-tar=bigm.tar afile/sub
expect_rc 1 "DEST under a file"
[ "$(cat "$T/err")" = "parcp: cannot create directory 'afile/sub': Not a directory" ] ||
    fail "DEST under a file: $(cat "$T/err")"
pass

# --progress=always while members are extracted: the lines move through
# the member's bytes (the workers' counts reach the parent's ticks).
rm -rf px
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=800000 "$PARCP" -j 2 \
    --engine=pread --chunk-size=1M --progress=always --from-tar=bigm.tar px
expect_rc 0 "progress"
grep -Eq '^ *[1-9][0-9]?%  ' "$T/err" ||
    fail "progress: no line between 0% and 100%: $(head -5 "$T/err")"
grep -Eq '^100%  6\.00 MiB / 6\.00 MiB' "$T/err" ||
    fail "progress: no 100%: $(tail -3 "$T/err")"
cmp bigm px/bigm || fail "progress: differs"
pass
echo "$npass passed, 0 failed"
