#!/bin/bash
# Parallel tar.  Round trips of the tree fixture (parcp -> GNU tar, GNU tar
# -> parcp, parcp -> parcp, parcp -> bsdtar) compared field by field with
# the source; GNU tar and bsdtar list parcp's archives without a warning;
# long names, a > 8 GiB sparse file, empty files, hard links; hostile
# archives refused member by member; compressed and piped input streamed;
# --verify, --json, Ctrl-C, usage errors.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
XATTRS=(--xattrs --xattrs-include='*' --acls)
cd "$T"

# same A B: trees A and B identical, field by field.
same() {
	"$TREECMP" "$1" "$2" >"$T/diff" 2>&1 || fail "$3: $(head -5 "$T/diff")"
}

# The fixture, without its 2 GiB sparse file (other tools would write
# every zero of it back) and its non-UTF-8 name (see below).
make_tree src 500
rm src/sparse src/odd/"$(printf 'bad\377\376name')"
mkdir -p "src/long/$(printf 'd%.0s' {1..120})"
: >"src/long/$(printf 'd%.0s' {1..120})/$(printf 'f%.0s' {1..200})"
echo data >"src/long/$(printf 'n%.0s' {1..150})"

for mode in pool fork; do
	rm -rf a.tar x1 x2
	run "$PARCP" -a -j 3 --mode=$mode --to-tar=a.tar src
	expect_rc 0 "create $mode"
	[ ! -s "$T/err" ] || fail "create $mode: $(cat "$T/err")"
	no_temps .
	# GNU tar and bsdtar list it without a word on stderr
	tar -tvf a.tar >"$T/out" 2>"$T/err" || fail "tar -t: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "tar -tvf warns: $(cat "$T/err")"
	[ "$(grep -c . "$T/out")" -eq "$(find src -printf x | wc -c)" ] ||
	    fail "tar -t lists $(wc -l <"$T/out") members"
	bsdtar -tvf a.tar >/dev/null 2>"$T/err" || fail "bsdtar -t failed"
	[ ! -s "$T/err" ] || fail "bsdtar -tvf warns: $(cat "$T/err")"
	# parcp -> GNU tar, parcp -> bsdtar
	mkdir x1 x2
	tar "${XATTRS[@]}" -C x1 -xpf a.tar 2>"$T/err" ||
	    fail "GNU tar -x: $(cat "$T/err")"
	same src x1/src "parcp -> GNU tar ($mode)"
	bsdtar -C x2 -xpf a.tar 2>"$T/err" || fail "bsdtar -x: $(cat "$T/err")"
	same src x2/src "parcp -> bsdtar ($mode)"
	pass
done

# GNU tar -> parcp, and parcp -> parcp, both modes and job counts.
tar --format=pax "${XATTRS[@]}" -cpf g.tar src
for mode in pool fork; do
	for j in 1 4; do
		rm -rf y z
		run "$PARCP" -a -j $j --mode=$mode --from-tar=g.tar y
		expect_rc 0 "GNU tar -> parcp -j $j $mode"
		same src y/src "GNU tar -> parcp -j $j $mode"
		no_temps y/src/small
		run "$PARCP" -a -j $j --mode=$mode --from-tar=a.tar z
		expect_rc 0 "parcp -> parcp -j $j $mode"
		same src z/src "parcp -> parcp -j $j $mode"
		pass
	done
done

# An archive of "." (tar -C dir -cf x .): its "./" member is DEST.
tar --format=pax "${XATTRS[@]}" -C src -cpf dot.tar .
run "$PARCP" -a --from-tar=dot.tar dotx
expect_rc 0 "./ archive"
same src dotx "./ archive"
pass

# Without -a: modes minus the umask, no xattrs, set-id bits dropped; the
# mtime is restored (as tar does); a device node is refused.
rm -rf p
run bash -c "umask 027 && exec '$PARCP' --from-tar=a.tar p"
if [ "$(id -u)" -eq 0 ]; then
	expect_rc 1 "without -a"
	expect_err "^parcp: cannot extract 'src/null': device node not extracted \(needs root and -a\)$"
else
	expect_rc 0 "without -a"
fi
[ "$(stat -c %a p/src/mib)" = 750 ] || fail "mode without -a: $(stat -c %a p/src/mib)"
[ "$(stat -c %Y p/src/mib)" = "$(stat -c %Y src/mib)" ] || fail "mtime"
if getfattr -d p/src/xattr 2>/dev/null | grep -q parcp; then
	fail "xattr restored without -a"
fi
pass

# A name that is not UTF-8: pax says so (hdrcharset=BINARY), which GNU tar
# 1.34 does not know (it warns) but extracts right; bsdtar needs it.
mkdir bin8
echo bytes >"bin8/$(printf 'bad\377\376name')"
run "$PARCP" -a --to-tar=b8.tar bin8
expect_rc 0 "non-UTF-8 name"
bsdtar -tf b8.tar >/dev/null 2>"$T/err"; [ ! -s "$T/err" ] ||
    fail "bsdtar: $(cat "$T/err")"
mkdir b8x && tar -C b8x -xf b8.tar 2>/dev/null
same bin8 b8x/bin8 "non-UTF-8 name through GNU tar"
rm -rf b8p && "$PARCP" -a --from-tar=b8.tar b8p
same bin8 b8p/bin8 "non-UTF-8 name through parcp"
pass

# A > 8 GiB sparse file: the archive keeps its holes, both ways.
mkdir big
truncate -s 9G big/sparse
printf 'head' | dd of=big/sparse conv=notrunc status=none
printf 'tail' | dd of=big/sparse bs=1M seek=9000 conv=notrunc status=none
: >big/empty
run "$PARCP" -a --to-tar=big.tar big
expect_rc 0 "9 GiB create"
[ "$(stat -c %b big.tar)" -lt 1024 ] || fail "archive is not sparse"
tar -tvf big.tar 2>"$T/err" | grep -q ' 9663676416 .*big/sparse$' ||
    fail "tar does not list 9 GiB: $(tar -tvf big.tar)"
[ ! -s "$T/err" ] || fail "tar -tvf warns: $(cat "$T/err")"
run "$PARCP" -a -j 2 --from-tar=big.tar bigx
expect_rc 0 "9 GiB extract"
same big bigx/big "9 GiB sparse"
[ "$(stat -c %b bigx/big/sparse)" -lt 1024 ] || fail "extracted not sparse"
rm -rf big.tar bigx
pass

# 50,000 small files: more headers than the parent keeps for the workers
# (64 MiB), so the last ones are encoded again by the workers.
python3 -c 'import os
for d in range(50):
    os.makedirs(f"many/d{d}")
    for i in range(1000):
        with open(f"many/d{d}/f{i}", "w") as f: f.write("x")'
run "$PARCP" -p -j 2 --to-tar=many.tar many
expect_rc 0 "50,000 members"
[ "$(tar -tf many.tar | wc -l)" -eq 50051 ] || fail "many: member count"
tar -df many.tar || fail "many: tar -d finds differences"
rm -rf many many.tar
pass

# --list-tar: names; -v adds details and offsets.
run "$PARCP" --list-tar=a.tar
expect_rc 0 "list"
cmp <(tar -tf a.tar) "$T/out" || fail "--list-tar differs from tar -t"
run "$PARCP" -v --list-tar=a.tar
grep -Eq '^-rw-r--r-- .* src/empty  \[header @[0-9]+, data @[0-9]+\]$' \
    "$T/out" || fail "--list-tar -v: $(head -3 "$T/out")"
pass

# Compressed and piped archives are streamed, with the same result.
python3 - <<'PY'
import tarfile
for mode, name in (("w:gz", "c.tar.gz"), ("w:xz", "c.tar.xz"), ("w:bz2", "c.tar.bz2")):
    with tarfile.open(name, mode, format=tarfile.PAX_FORMAT) as t:
        t.add("src/small", recursive=True)
        t.add("src/links", recursive=True)
PY
for c in c.tar.gz c.tar.xz c.tar.bz2; do
	rm -rf s
	run "$PARCP" -r --from-tar=$c s
	expect_rc 0 "$c"
	"$TREECMP" -M -O -X -T src/small s/src/small >"$T/diff" ||
	    fail "$c: small differs: $(head -3 "$T/diff")"
	[ "$(stat -c %i s/src/links/one)" = "$(stat -c %i s/src/links/x/two)" ] ||
	    fail "$c: hard links"
	pass
done
rm -rf s
cat a.tar | "$PARCP" -a --from-tar=- s 2>"$T/err" || fail "pipe: $(cat "$T/err")"
same src s/src "piped archive"
pass

# Hostile archives: each bad member refused with one line naming it,
# nothing written outside DEST, the rest extracted, exit 1.
mkdir evil outside
python3 - "$T" <<'PY'
import io, sys, tarfile
T = sys.argv[1]
def add(t, name, data=b"x", **kw):
    i = tarfile.TarInfo(name); i.size = len(data)
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i, io.BytesIO(data))
with tarfile.open(T + "/evil.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "ok1")
    add(t, "../escape")
    add(t, "a/../../escape2")
    i = tarfile.TarInfo("link"); i.type = tarfile.SYMTYPE; i.linkname = T + "/outside"
    t.addfile(i)
    add(t, "link/through")
    i = tarfile.TarInfo("hl"); i.type = tarfile.LNKTYPE; i.linkname = "../outside/secret"
    t.addfile(i)
    i = tarfile.TarInfo("dev"); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3
    t.addfile(i)
    add(t, "suid", mode=0o4755)
    add(t, "/abs/path")
    add(t, "ok2")
PY
echo secret >outside/secret
run "$PARCP" -r --from-tar=evil.tar evil/d
expect_rc 1 "hostile archive"
for want in "^parcp: cannot extract '\.\./escape': contains '\.\.'$" \
    "^parcp: cannot extract 'a/\.\./\.\./escape2': contains '\.\.'$" \
    "^parcp: cannot extract 'link/through': would be written through a symlink$" \
    "^parcp: cannot extract 'hl': hard link target contains '\.\.'$" \
    "^parcp: cannot extract 'dev': device node not extracted \(needs root and -a\)$" \
    "^parcp: removing leading '/' from member names$"; do
	grep -Eq "$want" "$T/err" || fail "no line '$want' in: $(cat "$T/err")"
done
[ "$(wc -l <"$T/err")" -eq 6 ] || fail "extra lines: $(cat "$T/err")"
[ -e escape ] || [ -e evil/escape ] || [ -e escape2 ] || [ -e outside/through ] &&
    fail "written outside DEST"
[ "$(ls outside)" = secret ] || fail "outside changed: $(ls outside)"
[ -f evil/d/ok1 ] && [ -f evil/d/ok2 ] && [ -f evil/d/abs/path ] ||
    fail "the good members were not extracted"
[ -L evil/d/link ] || fail "the symlink itself is extracted"
[ "$(stat -c %a evil/d/suid)" = 755 ] || fail "set-uid kept without owners"
no_temps evil/d
pass

# A member that runs past the end of a truncated archive: refused, the
# members before it extracted, no partial file.
python3 - <<'PY'
import io, tarfile
with tarfile.open("trunc.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for name, size in (("first", 1000), ("big", 3 << 20)):
        i = tarfile.TarInfo(name); i.size = size
        t.addfile(i, io.BytesIO(b"y" * size))
PY
truncate -s $((2 << 20)) trunc.tar
run "$PARCP" -r --from-tar=trunc.tar tr
expect_rc 1 "truncated archive"
grep -q "^parcp: cannot extract 'big': truncated archive" "$T/err" || fail "truncated: $(cat "$T/err")"
[ -f tr/first ] && [ ! -e tr/big ] || fail "truncated: $(ls -A tr)"
no_temps tr
pass

# A zip member whose UTF-8 name the C locale cannot hold has no name in
# the locale's charset (libarchive's pathname is NULL; it crashed): it is
# extracted under its UTF-8 bytes, as stored.
python3 -c 'import zipfile
with zipfile.ZipFile("u.zip", "w") as z:
    z.writestr("caf\u00e9", "1"); z.writestr("plain", "2")'
run env LC_ALL=C "$PARCP" --from-tar=u.zip uz
expect_rc 0 "zip name in C"
[ -f "uz/$(printf 'caf\303\251')" ] && [ -f uz/plain ] ||
    fail "zip name in C: $(ls -A uz)"
pass

# --verify: an archive byte corrupted once is caught and rewritten, on
# create and on extract.
rm -f v.tar mark
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_CORRUPT_AT=20000 \
    PARCP_SHIM_CORRUPT_ONCE="$T/mark" "$PARCP" -a -j 2 --engine=pread \
    --verify --to-tar=v.tar src
expect_rc 0 "create --verify"
[ -e mark ] || fail "create --verify: nothing corrupted"
rm -rf v && "$PARCP" -a --from-tar=v.tar v && same src v/src "verified archive"
rm -rf v mark
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_CORRUPT_AT=3 \
    PARCP_SHIM_CORRUPT_ONCE="$T/mark" "$PARCP" -a -j 2 --engine=pread \
    --verify --from-tar=a.tar v
expect_rc 0 "extract --verify"
[ -e mark ] || fail "extract --verify: nothing corrupted"
same src v/src "verified extract"
pass

# --progress works as for copies: it ends at 100% with a summary.
rm -rf pg
run "$PARCP" -a --progress=always --from-tar=a.tar pg
expect_rc 0 "extract --progress"
grep -Eq '^100%  ' "$T/err" || fail "extract progress: $(cat "$T/err")"
grep -Eq "^parcp: .* in [0-9.]+ s .*, ([0-9]+) of \1 files, 0 errors$" \
    "$T/err" || fail "extract progress summary: $(tail -1 "$T/err")"
run "$PARCP" -a --progress=always --to-tar=pg.tar src
grep -Eq '^100%  ' "$T/err" || fail "create progress: $(cat "$T/err")"
pass

# --json describes the run.
run "$PARCP" -a --json --to-tar=j.tar src
expect_rc 0 "json"
python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert j["destination"] == "j.tar" and j["sources"] == ["src"], j
assert j["exit_status"] == 0 and j["errors"] == [], j
assert j["files"] + j["directories"] == int(sys.argv[2]), j' \
    "$T/out" "$(find src -printf x | wc -c)" || fail "json: $(cat "$T/out")"
pass

# Ctrl-C: no archive under its name, no temp file; nor partial members.
mkfile slow.bin $((64 << 20))
env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=50000 "$PARCP" -j 2 \
    --engine=pread --to-tar=int.tar slow.bin 2>/dev/null &
pid=$!
for _ in $(seq 300); do
	ls -A | grep -q '^\.parcp\.int\.tar\.' && break
	sleep 0.01
done
sleep 0.2
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
expect_rc 130 "create interrupted"
[ ! -e int.tar ] || fail "an interrupted archive under its name"
no_temps .
"$PARCP" --to-tar=int.tar slow.bin
env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=50000 "$PARCP" -j 2 \
    --engine=pread --from-tar=int.tar ix 2>/dev/null &
pid=$!
for _ in $(seq 300); do
	ls -A ix 2>/dev/null | grep -q '^\.parcp\.' && break
	sleep 0.01
done
sleep 0.2
kill -INT $pid
set +e; wait $pid; rc=$?; set -e
expect_rc 130 "extract interrupted"
[ ! -e ix/slow.bin ] || fail "a partial member under its name"
no_temps ix
pass

# Usage errors.
for args in "--to-tar=x.tar" "--from-tar=a.tar" "--from-tar=a.tar d e" \
    "--list-tar=a.tar extra" "--to-tar=x.tar --from-tar=a.tar d" \
    "--to-tar= src" "-t d --to-tar=x.tar src"; do
	run "$PARCP" $args
	expect_rc 1 "$args"
	[ ! -e x.tar ] || fail "$args: wrote x.tar"
done
run "$PARCP" --from-tar=missing.tar misx
expect_rc 1 "missing archive"
expect_err "^parcp: 'missing.tar': No such file or directory$"
[ ! -e misx ] || fail "DEST made for a missing archive"
run "$PARCP" --to-tar=x.tar nosuch
expect_rc 1 "missing source"
grep -q "^parcp: cannot stat 'nosuch': No such file or directory$" "$T/err" ||
    fail "missing source: $(cat "$T/err")"
pass

done_tests
