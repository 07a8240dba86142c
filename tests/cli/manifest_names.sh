#!/bin/bash
# --manifest and names longer than PATH_MAX: parcp copies such files (by
# descriptor) and extracts such members, but xxhsum could not open the
# name a manifest line would give, so the file is not listed: this is
# said on stderr, naming the start of the path, and the exit status is 1;
# every other file is listed, and no line holds a cut-off name.
. "$TESTLIB"
cd "$T"

# A copy: src/short, and src/<21 levels of 200 bytes>/deep (4.2 KB deep).
python3 - <<'PY'
import os
fd = os.open(".", os.O_RDONLY)
os.mkdir("src", dir_fd=fd)
fd = os.open("src", os.O_RDONLY, dir_fd=fd)
f = os.open("short", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, b"short\n")
os.close(f)
for i in range(21):
    name = ("%02d" % i) * 100
    os.mkdir(name, dir_fd=fd)
    fd = os.open(name, os.O_RDONLY, dir_fd=fd)
f = os.open("deep", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(f, b"deep\n")
os.close(f)
PY

check_sums() {	# WHAT SUMS: the short file listed, the deep one said
	[ "$(grep -c . "$2")" -eq 1 ] || fail "$1: $(head -c 300 "$2")"
	grep -q "  .*short\$" "$2" || fail "$1: short not listed: $(cat "$2")"
	grep -q "deep" "$2" && fail "$1: a cut-off name is listed"
	grep -q "not in the manifest: its path is longer than 4095 bytes" \
	    "$T/err" || fail "$1: not said: $(cat "$T/err")"
	[ "$(grep -c . "$T/err")" -eq 1 ] || fail "$1: stderr: $(cat "$T/err")"
}

run "$PARCP" -r --manifest="$T/copy.sums" src dst
expect_rc 1 "copy"
cmp src/short dst/short || fail "copy: short differs"
check_sums "copy" "$T/copy.sums"
pass

# An extraction: a member whose name is 4,030 bytes, under a DEST whose
# path makes the whole longer than PATH_MAX.
python3 - <<'PY'
import io, tarfile
with tarfile.open("long.tar", "w", format=tarfile.PAX_FORMAT) as t:
    for name, data in (("short", b"short\n"),
                       ("/".join([("%02d" % i) * 100 for i in range(20)])
                        + "/deep", b"deep\n")):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
PY
mkdir -p "x/$(printf 'y%.0s' $(seq 100))"
dest="x/$(printf 'y%.0s' $(seq 100))"
run "$PARCP" --manifest="$T/tar.sums" --from-tar=long.tar "$dest"
expect_rc 1 "extract"
[ "$(cat "$dest/short")" = short ] || fail "extract: short not made"
check_sums "extract" "$T/tar.sums"
pass

echo "manifest_names: $npass passed"
