#!/usr/bin/env python3
# Seeds for tests/fuzz/fuzz_tar: one small archive of each kind parcp
# reads (ustar, pax, GNU, both GNU sparse forms, gzip, xz, zip), written to
# the directory given as the only argument.  Made at `make fuzz` time so
# that no binary is committed; the same bytes every run (fixed mtimes).
import gzip
import io
import lzma
import os
import sys
import tarfile
import zipfile

BLOCK = 512


def member(name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 1000000000
    ti.mode = 0o644
    for k, v in kw.items():
        setattr(ti, k, v)
    return ti, io.BytesIO(data) if data else None


def tar(members, fmt):
    """An archive without tarfile's padding to 10 KiB records."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as t:
        for ti, f in members:
            t.addfile(ti, f)
        end = t.offset
    return bio.getvalue()[:end + 2 * BLOCK]


def checksum(h):
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)


def octal(n, width):
    return b"%0*o\0" % (width - 1, n)


def gnu_sparse(segments, realsize):
    """An old GNU sparse member ('S'): four map entries in the header,
    the rest in extension blocks, then the segments' data (GNU tar reads
    each segment from a block boundary: all but the last are whole
    blocks, as it writes them)."""
    h = bytearray(BLOCK)
    stored = sum(n for _, n in segments)
    h[0:6] = b"sparse"
    h[100:108] = octal(0o644, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = octal(stored, 12)
    h[136:148] = octal(1000000000, 12)
    h[156:157] = b"S"
    h[257:265] = b"ustar  \0"
    h[483:495] = octal(realsize, 12)
    for i, (off, n) in enumerate(segments[:4]):
        h[386 + 24 * i:398 + 24 * i] = octal(off, 12)
        h[398 + 24 * i:410 + 24 * i] = octal(n, 12)
    rest = segments[4:]
    h[482] = 1 if rest else 0
    checksum(h)
    out = bytes(h)
    while rest:
        x = bytearray(BLOCK)
        for i, (off, n) in enumerate(rest[:21]):
            x[24 * i:24 * i + 12] = octal(off, 12)
            x[24 * i + 12:24 * i + 24] = octal(n, 12)
        rest = rest[21:]
        x[504] = 1 if rest else 0
        out += bytes(x)
    for i, (_, n) in enumerate(segments):
        out += bytes([0x41 + i]) * n
    out += b"\0" * (-len(out) % BLOCK)
    return out + b"\0" * (2 * BLOCK)


def pax_sparse_1_0(segments, realsize):
    """A pax 1.0 sparse member: the map leads the data, in decimal."""
    m = "%d\n" % len(segments)
    m += "".join("%d\n%d\n" % s for s in segments)
    body = m.encode() + b"\0" * (-len(m) % BLOCK)
    for i, (_, n) in enumerate(segments):
        body += bytes([0x61 + i]) * n
    ti, f = member("GNUSparseFile.0/file", body, pax_headers={
        "GNU.sparse.major": "1", "GNU.sparse.minor": "0",
        "GNU.sparse.name": "file", "GNU.sparse.realsize": str(realsize)})
    return tar([(ti, f)], tarfile.PAX_FORMAT)


def pax_sparse_0_1(segments, realsize):
    """A pax 0.1 sparse member: the map in one header keyword."""
    body = b"".join(bytes([0x61 + i]) * n for i, (_, n) in
                    enumerate(segments))
    ti, f = member("GNUSparseFile.0/file01", body, pax_headers={
        "GNU.sparse.size": str(realsize),
        "GNU.sparse.numblocks": str(len(segments)),
        "GNU.sparse.map": ",".join("%d,%d" % s for s in segments)})
    return tar([(ti, f)], tarfile.PAX_FORMAT)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    def plain():
        return [
            member("dir/", type=tarfile.DIRTYPE, mode=0o755),
            member("dir/file", b"hello\n"),
            member("dir/link", type=tarfile.SYMTYPE, linkname="file"),
            member("dir/hard", type=tarfile.LNKTYPE, linkname="dir/file"),
            member("/abs/name", b"x"),
            member("a/../../up", b"y"),
            member("./", type=tarfile.DIRTYPE),
            member("fifo", type=tarfile.FIFOTYPE),
        ]
    seeds = {
        "ustar.tar": tar(plain(), tarfile.USTAR_FORMAT),
        "pax.tar": tar([
            member("d" * 150 + "/" + "f" * 120, b"long"),
            member("caf\u00e9/\u65e5\u672c", b"utf8", uname="j\u00e9"),
            member("l", type=tarfile.SYMTYPE, linkname="t" * 200),
            member("x", b"attr", pax_headers={
                "SCHILY.xattr.user.k": "v", "mtime": "1.5",
                "uid": "4294967296"}),
            member("t", b"t", mtime=2**40),
        ], tarfile.PAX_FORMAT),
        "gnu.tar": tar([
            member("n" * 300, b"gnu long name"),
            member("k", type=tarfile.LNKTYPE, linkname="n" * 300),
            member("neg", b"-", mtime=-2**40, uid=2**40),
        ], tarfile.GNU_FORMAT),
        "gnu-sparse.tar": gnu_sparse(
            [(0, 512), (4096, 512), (8192, 512), (12288, 512),
             (20480, 512), (30000, 100), (40000, 0)], 40000),
        "pax-sparse-1.0.tar": pax_sparse_1_0(
            [(0, 512), (8192, 512), (16384, 3), (20000, 0)], 20000),
        "pax-sparse-0.1.tar": pax_sparse_0_1(
            [(0, 512), (9000, 50), (10000, 0)], 10000),
        "ustar.tar.gz": gzip.compress(tar(plain(), tarfile.USTAR_FORMAT),
                                      mtime=0),
        "pax.tar.xz": lzma.compress(tar(plain()[:3], tarfile.PAX_FORMAT)),
    }
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        when = (2001, 2, 3, 4, 5, 6)
        zf.writestr(zipfile.ZipInfo("dir/", when), b"")
        zf.writestr(zipfile.ZipInfo("dir/stored", when), b"stored data")
        zi = zipfile.ZipInfo("caf\u00e9.txt", when)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(zi, b"deflated " * 20)
        zf.writestr(zipfile.ZipInfo("../up", when), b"up")
    seeds["utf8.zip"] = z.getvalue()
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


main()
