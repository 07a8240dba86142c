#!/bin/bash
# --list-tar on archives that are odd or broken: names that would break a
# line or drive the terminal, owners and link targets too; a truncated
# archive, a damaged header in the middle, a zip member whose name the
# locale cannot hold, mtimes past localtime's range.  Every problem is one
# line on stderr and exit status 1, as with tar -t; nothing crashes.
. "$TESTLIB"
cd "$T"

# Each case says which locale it needs; times are shown in UTC.
export TZ=UTC
utf8=
for l in C.UTF-8 C.utf8 en_US.UTF-8; do
	if [ "$(LC_ALL=$l locale charmap 2>/dev/null)" = UTF-8 ]; then
		utf8=$l
		break
	fi
done

# no_raw FILE: no control character but the newlines ending lines.
no_raw() {
	! LC_ALL=C grep -q '[[:cntrl:]]' "$1" || fail "raw control byte: $(
	    LC_ALL=C grep '[[:cntrl:]]' "$1" | od -c | head -3)"
}

python3 - <<'PY'
import io, tarfile, zipfile

def add(t, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 0
    for k, v in kw.items():
        setattr(ti, k, v)
    t.addfile(ti, io.BytesIO(data))

# Five members of two 512-byte blocks each, after one-block headers.
with tarfile.open("five.tar", "w", format=tarfile.USTAR_FORMAT) as t:
    for i in range(5):
        add(t, "m%d" % i, b"x" * 1000)

# Names, owners and targets with control characters.
with tarfile.open("odd.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "new\nline", b"1", uname="\x1b[1mevil", gname="g\ny")
    add(t, "esc\x1b[31mred", b"2", uname="", uid=42, gname="", gid=7)
    add(t, "tab\tx", b"3")
    add(t, "back\\slash", b"4")
    add(t, "sym", type=tarfile.SYMTYPE, linkname="t\x1b]0;x\x07")
    add(t, "hard", type=tarfile.LNKTYPE, linkname="tab\tx")
    add(t, "~tilde~", b"5")     # 0x7e, printable: as it is

# mtimes pax and GNU headers can hold but localtime cannot always show.
for fmt, name in ((tarfile.PAX_FORMAT, "pax.tar"),
        (tarfile.GNU_FORMAT, "gnu.tar")):
    with tarfile.open(name, "w", format=fmt) as t:
        for i, m in enumerate((2**40, -1, -2**40, 2**62, -2**62)):
            add(t, "t%d" % i, b"t", mtime=m)

# A zip member with a UTF-8 name (zipfile sets the UTF-8 flag).
with zipfile.ZipFile("u.zip", "w") as z:
    z.writestr("caf\u00e9.txt", "hello")
    z.writestr("plain.txt", "x")
PY

# A plain archive: the same names as tar -t, byte for byte, no stderr.
run "$PARCP" --list-tar=five.tar
expect_rc 0 "five"
[ ! -s "$T/err" ] || fail "five: stderr"
cmp <(tar -tf five.tar) "$T/out" || fail "five: differs from tar -t"
cp "$T/out" five.lst
pass

# Odd names: escaped as tar -t escapes them, one member a line.
run "$PARCP" --list-tar=odd.tar
expect_rc 0 "odd names"
cmp <(tar -tf odd.tar) "$T/out" || fail "odd: differs from tar -t"
[ "$(wc -l <"$T/out")" -eq 7 ] || fail "odd: $(wc -l <"$T/out") lines"
grep -qx '~tilde~' "$T/out" || fail "odd: ~ escaped: $(tail -1 "$T/out")"
no_raw "$T/out"
pass

# -v: owners and link targets escaped too; an empty owner is its number.
run "$PARCP" -v --list-tar=odd.tar
expect_rc 0 "odd -v"
no_raw "$T/out"
grep -Fq ' \033[1mevil/g\ny 1 1970-01-01 00:00 new\nline  [header @0,' \
    "$T/out" || fail "odd -v owner: $(head -1 "$T/out")"
grep -Fq ' 42/7 1 1970-01-01 00:00 esc\033[31mred  [' "$T/out" ||
    fail "odd -v numeric owner: $(sed -n 2p "$T/out")"
grep -Fq ' sym -> t\033]0;x\a  [' "$T/out" || fail "odd -v symlink"
grep -Fq ' hard link to tab\tx  [' "$T/out" || fail "odd -v hard link"
pass

# Cut inside a member's data: the members before it, one error, status 1.
head -c 2500 five.tar >cut-data.tar
run "$PARCP" --list-tar=cut-data.tar
expect_rc 1 "cut in data"
expect_err '^parcp: cut-data.tar: Truncated input file'
[ "$(cat "$T/out")" = "$(printf 'm0\nm1')" ] || fail "cut in data: $(
    cat "$T/out")"
pass

# Cut inside a header.
head -c 1700 five.tar >cut-header.tar
run "$PARCP" -v --list-tar=cut-header.tar
expect_rc 1 "cut in header"
expect_err '^parcp: cut-header.tar: Truncated tar archive$'
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "cut in header: $(cat "$T/out")"
pass

# The second header's checksum damaged: libarchive skips block by block
# to the next good header (three blocks here), reported once; the rest
# is listed, as GNU tar lists it.
cp five.tar damaged.tar
printf '7777777\0' |
    dd of=damaged.tar bs=1 seek=$((1536 + 148)) conv=notrunc status=none
run "$PARCP" --list-tar=damaged.tar
expect_rc 1 "damaged header"
expect_err '^parcp: damaged.tar: Damaged tar archive$'
[ "$(cat "$T/out")" = "$(printf 'm0\nm2\nm3\nm4')" ] ||
    fail "damaged header: $(cat "$T/out")"
cmp <(tar -tf damaged.tar 2>/dev/null) "$T/out" ||
    fail "damaged header: differs from tar -t"
run "$PARCP" -v --list-tar=damaged.tar
expect_rc 1 "damaged header -v"
grep -q '^-rw-r--r-- .* m4  \[header @6144, data @6656\]$' "$T/out" ||
    fail "damaged header -v: $(cat "$T/out")"
pass

# 20 blocks of garbage between two members, from a pipe: one line for
# the run of retries, and every member listed.
(head -c 1536 five.tar; head -c 10240 /dev/zero | tr '\0' 'G'
    tail -c +1537 five.tar) >garbage.tar
run "$PARCP" --list-tar=- <garbage.tar
expect_rc 1 "garbage from a pipe"
expect_err '^parcp: -: Damaged tar archive$'
cmp five.lst "$T/out" || fail "garbage: $(cat "$T/out")"
pass

# A zip member with a UTF-8 name in the C locale: libarchive could not
# convert it to ASCII (it gave no name at all); parcp handles characters
# as UTF-8 there, so it is listed (escaped) as in a UTF-8 locale.
run env LC_ALL=C "$PARCP" --list-tar=u.zip
expect_rc 0 "zip in C"
[ ! -s "$T/err" ] || fail "zip in C: stderr: $(cat "$T/err")"
[ "$(cat "$T/out")" = "$(printf 'caf\\303\\251.txt\nplain.txt')" ] ||
    fail "zip in C: $(cat "$T/out")"
run env LC_ALL=C "$PARCP" -v --list-tar=u.zip
expect_rc 0 "zip -v in C"
if [ -n "$utf8" ]; then
	run env LC_ALL="$utf8" "$PARCP" --list-tar=u.zip
	expect_rc 0 "zip in $utf8"
	[ ! -s "$T/err" ] || fail "zip in $utf8: stderr"
	[ "$(cat "$T/out")" = "$(printf 'caf\\303\\251.txt\nplain.txt')" ] ||
	    fail "zip in $utf8: $(cat "$T/out")"
	run env LC_ALL="$utf8" "$PARCP" -v --list-tar=u.zip
	expect_rc 0 "zip -v in $utf8"
else
	echo "no UTF-8 locale: zip listing in one checked in C only" >&2
fi
pass

# mtimes: a date while localtime can show one, else the seconds.
for a in pax.tar gnu.tar; do
	run "$PARCP" -v --list-tar=$a
	expect_rc 0 "mtimes $a"
	[ ! -s "$T/err" ] || fail "mtimes $a: stderr"
	cut -d' ' -f5-6 "$T/out" >"$T/times"
	printf '%s\n' "36812-02-20 00:36" "1969-12-31 23:59" \
	    "-32873-11-12 23:23" "4611686018427387904 t3" \
	    "-4611686018427387904 t4" | cmp - "$T/times" ||
	    fail "mtimes $a: $(cat "$T/out")"
done
pass

# An archive that cannot be opened.
run "$PARCP" --list-tar=missing.tar
expect_rc 1 "missing"
expect_err "^parcp: missing.tar: Failed to open 'missing.tar'$"
pass

done_tests
