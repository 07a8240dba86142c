#!/bin/bash
# --from-tar's two readers, quickly: the index (a plain tar file, read by
# offset) and the streamed pass (everything else), each given what only
# the other may read: a zip, a compressed tar, a pipe, directories whose
# headers claim data; failed writes, a file size limit.  Every member is
# compared with cmp (and a directory's mtime checked), every exit status
# and stderr line.
. "$TESTLIB"
cd "$T"

mkdir -p src/d
head -c 200000 /dev/urandom >src/d/big
yes hello | head -c 100000 >src/d/text
echo z >src/z
touch -d 2001-02-03 src/d	# a directory's mtime is set at the end

# x ARCHIVE [HOW]: extract into a fresh d, from the file or (HOW=pipe)
# through a pipe; then every file of src is in d, byte for byte.
x() {
	rm -rf d
	if [ "${2:-}" = pipe ]; then
		run sh -c 'cat "$1" | "$PARCP" --from-tar=- d' sh "$1"
	else
		run "$PARCP" --from-tar="$1" d
	fi
	expect_rc 0 "$1 ${2:-}"
	[ ! -s "$T/err" ] || fail "$1 ${2:-}: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "$1 ${2:-}: without -v: $(cat "$T/out")"
	for f in d/big d/text z; do
		cmp "src/$f" "d/$f" || fail "$1 ${2:-}: $f differs"
	done
	case $1 in
	*.zip) ;;		# no directory entries
	*) [ "$(stat -c %Y d/d)" = "$(stat -c %Y src/d)" ] ||
	    fail "$1 ${2:-}: d's mtime $(stat -c %y d/d)" ;;
	esac
	no_temps d
	no_temps d/d
}

# A zip (deflated: its data is not the bytes at any offset of the file)
# and a stored one; a .tar.gz; a plain tar.
python3 - <<'EOF'
import zipfile
for name, how in ("a.zip", zipfile.ZIP_DEFLATED), ("s.zip", zipfile.ZIP_STORED):
    with zipfile.ZipFile(name, "w", how) as z:
        for f in "d/big", "d/text", "z":
            z.write("src/" + f, f)
EOF
tar -cf a.tar -C src d z
gzip -c a.tar >a.tgz
for a in a.zip s.zip a.tar a.tgz; do
	x $a
	x $a pipe
	pass
done

# A directory whose header gives it a size (GNU tar and libarchive ignore
# it: a directory has no data), larger than the archive: nothing is
# truncated, every member is extracted.
python3 - <<'EOF'
b = bytearray(open("a.tar", "rb").read())
assert b[156:157] == b"5", "the first member is not d/"
b[124:136] = b"%011o\0" % (4 << 30)
b[148:156] = b" " * 8
b[148:156] = b"%06o\0 " % sum(b[0:512])
open("dirsize.tar", "wb").write(b)
EOF
[ "$(tar -tvf dirsize.tar | head -1 | awk '{print $3}')" = $((4 << 30)) ] ||
    fail "dirsize.tar: $(tar -tvf dirsize.tar | head -1)"
x dirsize.tar
x dirsize.tar pipe
pass

# A GNU dumpdir (type D: a directory with data, its listing) is a
# directory, whatever its size: extracted; one claiming more data than the
# archive holds is the archive's error, and the directory is still made.
python3 - <<'EOF'
import tarfile
def hdr(name, typ, size):
    t = tarfile.TarInfo(name)
    t.type, t.mode = typ, 0o755
    h = bytearray(t.tobuf(tarfile.GNU_FORMAT))
    h[124:136] = b"%011o\0" % size
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h[0:512])
    return bytes(h)
z = tarfile.TarInfo("z")
z.size = 2
z = z.tobuf(tarfile.GNU_FORMAT) + b"z\n".ljust(512, b"\0")
open("dump.tar", "wb").write(z + hdr("dd", b"D", 512) +
    b"Yfoo\0\0".ljust(512, b"\0") + bytes(1024))
open("dumpbig.tar", "wb").write(z + hdr("dd", b"D", 4 << 30) + bytes(10240))
EOF
for how in file pipe; do
	rm -rf d
	if [ $how = pipe ]; then
		run sh -c 'cat dump.tar | "$PARCP" --from-tar=- d'
	else
		run "$PARCP" --from-tar=dump.tar d
	fi
	expect_rc 0 "dumpdir $how"
	[ ! -s "$T/err" ] || fail "dumpdir $how: $(cat "$T/err")"
	[ -d d/dd ] && cmp src/z d/z || fail "dumpdir $how: $(ls -A d)"
done
rm -rf d
run "$PARCP" --from-tar=dumpbig.tar d
expect_rc 1 "dumpdir past the end"
expect_err "^parcp: 'dumpbig.tar': Truncated input file \(needed 4294967296 bytes, only [0-9]+ available\)$"
[ -d d/dd ] && cmp src/z d/z || fail "dumpdir past the end: $(ls -A d)"
pass

# A member's data that cannot be written, streamed (.tar.gz, a pipe): the
# member fails with one line naming it as the archive does (./ kept) and
# the write, no partial file and no temp; the others are extracted.
: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
tar -cf dot.tar -C src ./d ./z
gzip -c dot.tar >dot.tgz
for arch in a dot; do
	pre=
	[ $arch = a ] || pre=./
	for how in file pipe; do
		rm -rf d
		if [ $how = pipe ]; then
			run sh -c 'f=$1; shift; cat "$f" | "$@" --from-tar=- d' sh $arch.tar \
			    env LD_PRELOAD="$FAULTSHIM" \
			    PARCP_SHIM_WRITE_FAIL="$T/d/*:1" "$PARCP"
		else
			run env LD_PRELOAD="$FAULTSHIM" \
			    PARCP_SHIM_WRITE_FAIL="$T/d/*:1" \
			    "$PARCP" --from-tar=$arch.tgz d
		fi
		# the first file member in the archive's order
		expect_err "^parcp: cannot extract '${pre}d/(big|text)': write: No space left on device$"
		expect_rc 1 "write fault $arch $how"
		bad=$(sed "s|.*'${pre}d/\([a-z]*\)'.*|\1|" "$T/err")
		other=big
		[ "$bad" = text ] || other=text
		[ ! -e "d/d/$bad" ] || fail "write fault $arch $how: a partial d/$bad"
		cmp "src/d/$other" "d/d/$other" ||
		    fail "write fault $arch $how: d/$other"
		cmp src/z d/z || fail "write fault $arch $how: z"
		no_temps d
		no_temps d/d
	done
done
pass

# A member larger than the file size limit (bash's ulimit -f, in KiB;
# SIGXFSZ ignored: EFBIG): it fails with one line, no partial file, no
# temp; the others, under the limit, are extracted.  Streamed, the temp
# is sized first.
for how in tgz pipe file; do
	rm -rf d
	case $how in
	tgz) run bash -c 'trap "" XFSZ; ulimit -f 150; exec "$PARCP" --from-tar=a.tgz d' ;;
	pipe) run bash -c 'trap "" XFSZ; ulimit -f 150; cat a.tar | "$PARCP" --from-tar=- d' ;;
	file) run bash -c 'trap "" XFSZ; ulimit -f 150; exec "$PARCP" --from-tar=a.tar d' ;;
	esac
	expect_rc 1 "file size limit $how"
	if [ $how = file ]; then
		expect_err "^parcp: cannot extract 'd/big': [a-z]+: File too large$"
	else
		expect_err "^parcp: cannot extract 'd/big': truncate: File too large$"
	fi
	[ ! -e d/d/big ] || fail "file size limit $how: a partial d/big"
	cmp src/d/text d/d/text || fail "file size limit $how: d/text"
	cmp src/z d/z || fail "file size limit $how: z"
	no_temps d
	no_temps d/d
done
pass

# The same directory twice: the later member's mode and mtime win (as GNU
# tar has it), streamed and indexed.
python3 - <<'EOF'
import io, tarfile
with tarfile.open("twice.tar", "w", format=tarfile.GNU_FORMAT) as t:
    for mode, mtime in (0o755, 981158400), (0o700, 1104537600):
        d = tarfile.TarInfo("t")
        d.type, d.mode, d.mtime = tarfile.DIRTYPE, mode, mtime
        t.addfile(d)
        if mode == 0o755:
            f = tarfile.TarInfo("t/f")
            f.size = 3
            t.addfile(f, io.BytesIO(b"hi\n"))
EOF
gzip -c twice.tar >twice.tgz
for a in twice.tar twice.tgz; do
	rm -rf d
	run "$PARCP" --from-tar=$a d
	expect_rc 0 "twice $a"
	[ ! -s "$T/err" ] || fail "twice $a: $(cat "$T/err")"
	[ "$(stat -c '%a %Y' d/t)" = "700 1104537600" ] ||
	    fail "twice $a: $(stat -c '%a %Y' d/t)"
	[ "$(cat d/t/f)" = hi ] || fail "twice $a: t/f"
done
pass

# --progress=always in a streamed extraction read slowly (each read(2) of
# the archive sleeps): the bar moves member by member (a line a second
# under 100%) before the last one at 100% and the summary.
mkdir pg
for i in 1 2 3 4 5 6 7 8; do head -c 262144 /dev/urandom >pg/f$i; done
tar -czf pg.tgz pg
rm -rf d
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_READ_US=100000 \
    "$PARCP" --progress=always --from-tar=pg.tgz d
expect_rc 0 "progress"
grep -Eq '^ *[0-9]{1,2}%  ' "$T/err" || fail "progress: no line under 100%"
grep -Eq '^100%  ' "$T/err" || fail "progress: no 100%"
tail -1 "$T/err" | grep -q '^parcp: .* 9 of 9 files, 0 errors$' ||
    fail "progress: summary"
for i in 1 2 3 4 5 6 7 8; do cmp pg/f$i d/pg/f$i || fail "progress: f$i"; done
pass
done_tests
