#!/bin/bash
# libarchive's own test archives (tar, pax, GNU tar, sparse, damaged and
# truncated, zip, cpio, ISO 9660, 7-Zip, RAR, LHA, CAB, WARC; compressed
# with gzip, bzip2, xz, zstd, lz4, lzip, lzma, compress) through
# --list-tar and --from-tar, each under timeout 20: no crash (exit status
# under 128, no sanitizer report), no hang, nothing outside its DEST
# changed (the cwd and $T/outside included), and --list-tar counts as
# many members as bsdtar -t wherever bsdtar reads the archive whole.
#
# The archives come from the source of the installed libarchive
# (libarchive/test/*.uu in Debian's source package), fetched through a
# private apt configuration derived from the system's sources into
# $PARCP_LIBARCHIVE_SRC (default /var/tmp/parcp-libarchive-src; nothing
# system-wide changes); if it cannot be fetched the test is skipped.
. "$TESTLIB"

H=$(dirname "$TESTLIB")/hostile_tar.py
CACHE=${PARCP_LIBARCHIVE_SRC:-/var/tmp/parcp-libarchive-src}

# The set, by the name of test_NAME.uu.  NAME%half: its first half only.
# Chosen so that no member names an absolute path or climbs out with
# '..' and no symlink points out of DEST (checked again below): a broken
# extractor must not be able to reach a real system path.
CORPUS=(
	compat_gtar_1.tar compat_gtar_2.tar compat_perl_archive_tar.tar
	compat_plexus_archiver_tar.tar compat_tar_directory_1.tar
	compat_tar_hardlink_1.tar compat_solaris_tar_acl.tar
	compat_star_acl_posix1e.tar acl_pax_posix1e.tar acl_pax_nfs4.tar
	pax_filename_encoding.tar pax_xattr_header_all.tar
	read_pax_xattr_schily.tar read_format_tar_concatenated.tar
	read_format_tar_empty_filename.tar
	read_format_tar_empty_with_gnulabel.tar
	read_format_tar_invalid_pax_size.tar read_format_tar_empty_pax.tar.Z
	read_format_tar_filename_koi8r.tar.Z
	read_format_ustar_filename_eucjp.tar.Z
	read_format_gtar_filename_cp866.tar.Z
	read_format_gtar_sparse_1_13.tar read_format_gtar_sparse_1_17.tar
	read_format_gtar_sparse_1_17_posix01.tar
	read_format_gtar_sparse_1_17_posix10.tar
	read_format_gtar_sparse_1_17_posix10_modified.tar
	read_format_gtar_sparse_skip_entry.tar.Z
	compat_solaris_pax_sparse_1.pax.Z
	compat_gzip_1.tgz compat_bzip2_1.tbz compat_xz_1.txz
	compat_zstd_1.tar.zst compat_lz4_1.tar.lz4 compat_lzip_1.tlz
	compat_lzma_1.tlz compat_mac-1.tar.Z compat_uudecode_large.tar.Z
	read_too_many_filters.gz
	compat_zip_1.zip read_format_zip.zip read_format_zip_symlink.zip
	read_format_zip_malformed1.zip read_format_zip_zip64a.zip
	read_format_zip_encryption_data.zip read_format_zip_bz2_hang.zip
	read_format_zip_nested.zip read_format_zip_ux.zip
	read_format_zip_length_at_end.zip read_format_zip_ppmd8_crash_1.zipx
	read_format_zip_winzip_aes256.zip
	compat_cpio_1.cpio read_format_cpio_bin_be.cpio
	read_format_cpio_bin_le.cpio read_format_cpio_svr4_gzip_rpm.rpm
	read_format_iso.iso.Z read_format_iso_2.iso.Z
	read_format_iso_joliet.iso.Z read_format_iso_multi_extent.iso.Z
	fuzz_1.iso.Z
	read_format_7zip_copy.7z read_format_7zip_lzma2.7z
	read_format_7zip_bzip2.7z read_format_7zip_malformed.7z
	read_format_7zip_malformed2.7z read_format_7zip_encryption.7z
	read_format_7zip_symbolic_name.7z
	read_format_rar.rar read_format_rar_invalid1.rar
	read_format_rar5_symlink.rar read_format_rar5_hardlink.rar
	read_format_rar5_stored.rar read_format_rar5_multiple_files.rar
	read_format_rar5_truncated_huff.rar
	read_format_rar_ppmd_use_after_free.rar
	read_format_rar5_distance_overflow.rar
	fuzz.cab read_format_cab_1.cab fuzz.lzh read_format_lha_lh6.lzh
	read_format_warc.warc
	compat_gtar_1.tar%half compat_gzip_1.tgz%half
	read_format_gtar_sparse_1_17_posix10.tar%half compat_zip_1.zip%half
	read_format_7zip_copy.7z%half
)

# fetch: the .uu files into $CACHE/test, once.
fetch() {
	local apt=$CACHE/apt o ver
	ls "$CACHE"/test/test_*.uu >/dev/null 2>&1 && return 0
	mkdir -p "$apt/lists/partial" "$apt/cache" "$apt/parts" || return 1
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		sed 's/^Types: deb$/Types: deb-src/' \
		    /etc/apt/sources.list.d/debian.sources >"$apt/parts/src.sources"
	else
		grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
		    >"$apt/parts/src.list"
	fi
	o="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/parts
	   -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache
	   -o Debug::NoLocking=1"
	ver=$(dpkg-query -W -f='${source:Version}' libarchive13 2>/dev/null)
	apt-get $o update >"$CACHE/apt.log" 2>&1 || return 1
	(cd "$CACHE" && { apt-get $o source --download-only \
	    "libarchive${ver:+=$ver}" || apt-get $o source --download-only \
	    libarchive; }) >>"$CACHE/apt.log" 2>&1 || return 1
	mkdir -p "$CACHE/test.new" &&
	    tar -C "$CACHE/test.new" --strip-components=3 --wildcards \
	    -xf "$(ls "$CACHE"/libarchive_*.orig.tar.* | grep -v '\.asc$' |
	    tail -1)" '*/libarchive/test/*.uu' &&
	    mv "$CACHE/test.new" "$CACHE/test"
}

if ! command -v apt-get >/dev/null || ! fetch; then
	echo "tar_corpus.sh: cannot fetch libarchive's test archives" \
	    "(see $CACHE/apt.log)"
	exit 77
fi
command -v bsdtar >/dev/null || { echo "tar_corpus.sh: no bsdtar"; exit 77; }
cd "$T"
mkdir corpus cwd outside d h
echo keep >outside/keep

# Decode the set (uuencoded; a NAME%half is cut to its first half), and
# screen it: bsdtar's listing must name nothing absolute, no '..', no
# symlink out of its directory tree.
python3 - "$CACHE/test" "${CORPUS[@]}" <<'PY' || fail "decode: see above"
import binascii, os, sys
src, names = sys.argv[1], sys.argv[2:]
for n in names:
    base, _, cut = n.partition("%")
    out = bytearray()
    with open(os.path.join(src, "test_" + base + ".uu"), "rb") as f:
        lines = f.read().split(b"\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith(b"begin "))
    for ln in lines[i + 1:]:
        if ln.strip() == b"end":
            break
        if not ln:
            continue
        try:
            out += binascii.a2b_uu(ln)
        except binascii.Error:      # padding after the data (as uu.py)
            out += binascii.a2b_uu(ln[:(((ln[0] - 32) & 63) * 4 + 5) // 3])
    if cut == "half":
        out = out[:len(out) // 2]
    with open(os.path.join("corpus", n), "wb") as f:
        f.write(out)
PY
for x in "${CORPUS[@]}"; do
	bsdtar -tvf "corpus/$x" 2>/dev/null |
	    grep -E ' -> /| link to /| /|(^|/| )\.\.(/|$)' |
	    grep -Ev '^l.* [^ ]+/[^/ ]+ -> \.\./[^/]+$' >h/bad || :
	[ ! -s h/bad ] || fail "$x names a path outside: $(head -2 h/bad)"
done
py_start "$H"
py snap "$T" h/snap out err py h d || fail "snapshot: $(cat py)"

# sanitized: stderr holds a sanitizer's report.
sanitized() {
	grep -Eq 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer' \
	    "$T/err" || grep -q 'runtime error' "$T/err"
}

i=0
for x in "${CORPUS[@]}"; do
	i=$((i + 1))
	a=$T/corpus/$x
	cd cwd
	run timeout 20 "$PARCP" --list-tar="$a"
	cd ..
	[ "$rc" -ne 124 ] || fail "$x: --list-tar hangs"
	[ "$rc" -lt 128 ] || fail "$x: --list-tar: exit status $rc"
	! sanitized || fail "$x: --list-tar: sanitizer report"
	listed=$(wc -l <"$T/out")
	if bsdtar -tf "$a" >h/bsdtar 2>/dev/null; then
		[ "$listed" -eq "$(wc -l <h/bsdtar)" ] ||
		    fail "$x: --list-tar lists $listed, bsdtar $(wc -l <h/bsdtar)"
	fi
	cd cwd
	run timeout 20 "$PARCP" --from-tar="$a" "$T/d/$i"
	cd ..
	[ "$rc" -ne 124 ] || fail "$x: --from-tar hangs"
	[ "$rc" -lt 128 ] || fail "$x: --from-tar: exit status $rc"
	! sanitized || fail "$x: --from-tar: sanitizer report"
	ls -A d | awk -v i="$i" '!/^[0-9]+$/ || $0 > i' >h/beside
	[ ! -s h/beside ] || fail "$x: written beside DEST: $(head -3 h/beside)"
	py same "$T" h/snap out err py h d ||
	    fail "$x: changed outside DEST: $(head -5 py)"
	pass
done
done_tests
