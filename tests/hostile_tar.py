#!/usr/bin/env python3
"""Hostile tar archives for tests/cli/tar_hostile.sh; snapshots for it,
tar_race.sh and tar_corpus.sh.

    hostile_tar.py gen CASE OUTSIDE OUT FORMAT
        write CASE's archive to OUT (FORMAT: pax, gnu or ustar) and what a
        correct extractor leaves and says to OUT.json; OUTSIDE is the
        absolute path of the directory the case aims at (under the test's
        own scratch directory: nothing here ever names a system path)
    hostile_tar.py list
        "CASE FORMAT" lines: every case in every format it is made in
    hostile_tar.py pre CASE.json ROOT DEST SNAP
        make ROOT/outside afresh, the case's setup in ROOT/DEST, then
        write a snapshot of ROOT (minus DEST and the harness files) to SNAP
    hostile_tar.py snap ROOT SNAP [EXCLUDE...]
        write a snapshot of ROOT, minus the top-level names EXCLUDE
    hostile_tar.py same ROOT SNAP [EXCLUDE...]
        compare ROOT with the snapshot SNAP: one line per difference
    hostile_tar.py check CASE.json ROOT DEST SNAP RC ERRFILE A
        after one extraction into ROOT/DEST (A: 1 with -a, 0 without):
        ROOT unchanged outside DEST, exit status RC, stderr ERRFILE and
        the tree in DEST as CASE.json says.  One line per problem, exit 1.
    hostile_tar.py serve
        run the commands above as they come on stdin, one process for a
        whole test script (tests/lib.sh: py_start, py)

The cases are a table (CASES): each lists its members in archive order,
the refusal lines it must produce (name as stored, reason) and the tree
the good members make.  Modes in the table are the members' own; check
applies what parcp does with them (without -a: mode & 0777 & ~umask,
owners not kept; with -a: the mode and owners as archived).  A parent that
is not in the archive has mode 0777 & ~umask.  Names are bytes.

Standard library only: tarfile writes the ordinary headers; raw 512-byte
headers (with their checksums) are crafted where tarfile will not go
(a hard link that carries data).
"""
import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import sys
import tarfile
import traceback

MTIME = 1234567890              # every member's mtime
VICTIM_MTIME = 1000000000       # the outside files'
ESC = {7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r"}
FORMATS = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT,
           "ustar": tarfile.USTAR_FORMAT}

THROUGH = "would be written through a symlink"
DOTDOT = "contains '..'"
L_DOTDOT = "hard link target contains '..'"
L_THROUGH = "hard link target would be reached through a symlink"
NOTDIR = "Not a directory"
DEVICE = "device node not extracted (needs root and -a)"
ASDEST = "not a directory but named as DEST"
WARNING = b"parcp: removing leading '/' from member names"


# Bytes that gnulib's quotearg finds harmless in C and shell quotes alike.
COMPAT = set(b"%+,-./0123456789:]_ '@" + bytes(range(65, 91)) +
             bytes(range(97, 123)))


def quote(name):
    """name (bytes) quoted as GNU cp quotes a file name (gnulib quotearg's
    shell-escape-always style) where only ASCII prints: in single quotes;
    a byte that does not print as \\ooo (or \\n, \\t, ...) in a $'...'
    part; a single quote as '\\''; and a name whose single quotes are its
    only trouble in double quotes instead ("it's").  gnulib quotes a name
    with a single quote twice; its second pass starts where the first
    ended, so a name with a single quote that ends in a $'...' part comes
    out odd ('''a'\\'''$'\\n' for "a'\\n"): kept, to match GNU cp."""
    def shell(pending):
        out, esc = ["'"], pending
        for c in name:
            if c in ESC or c < 32 or c >= 127:
                if not esc:
                    out.append("'$'")
                    esc = True
                out.append("\\" + (ESC.get(c) or "%03o" % c))
            elif c == 39:
                out.append("'\\''")        # ends a $'...' part too
                esc = False
            else:
                if esc:
                    out.append("''")
                    esc = False
                out.append(chr(c))
        return "".join(out) + "'", esc

    text, esc = shell(False)
    if 39 not in name:
        return text
    if all(c in COMPAT or (c in b"#~" and i == 0) or
           (c in b"{}" and len(name) == 1) for i, c in enumerate(name)):
        return '"' + name.decode() + '"'
    return shell(esc)[0]


def line(name, reason):
    return b"parcp: cannot extract " + quote(name).encode() + b": " + \
        reason.encode()


# ---- members ------------------------------------------------------------

def b(s):
    return s if isinstance(s, bytes) else s.encode()


def F(name, data=b"x\n", mode=0o644, uid=0, gid=0):
    return dict(kind="f", name=b(name), data=b(data), mode=mode, uid=uid,
                gid=gid)


def D(name, mode=0o755, uid=0, gid=0):
    return dict(kind="d", name=b(name), mode=mode, uid=uid, gid=gid)


def L(name, target):
    return dict(kind="l", name=b(name), target=b(target), mode=0o777)


def H(name, target, data=None):
    return dict(kind="h", name=b(name), target=b(target), mode=0o644,
                data=None if data is None else b(data))


def P(name, mode=0o644):
    return dict(kind="p", name=b(name), mode=mode)


def C(name, major, minor, mode=0o666):
    return dict(kind="c", name=b(name), major=major, minor=minor, mode=mode)


def tarinfo(m):
    ti = tarfile.TarInfo(m["name"].decode("utf-8", "surrogateescape"))
    ti.mtime = MTIME
    ti.mode = m["mode"]
    ti.uid, ti.gid = m.get("uid", 0), m.get("gid", 0)
    ti.uname = ti.gname = ""
    kind = m["kind"]
    ti.type = {"f": tarfile.REGTYPE, "d": tarfile.DIRTYPE,
               "l": tarfile.SYMTYPE, "h": tarfile.LNKTYPE,
               "p": tarfile.FIFOTYPE, "c": tarfile.CHRTYPE}[kind]
    if kind in "lh":
        ti.linkname = m["target"].decode("utf-8", "surrogateescape")
    if kind == "f":
        ti.size = len(m["data"])
    if kind == "c":
        ti.devmajor, ti.devminor = m["major"], m["minor"]
    return ti


def octal(n, width):
    return ("%0*o" % (width - 1, n)).encode() + b"\0"


def raw_header(name, typeflag, size=0, linkname=b"", mode=0o644):
    """One ustar header block, checksum and all."""
    h = bytearray(512)

    def put(off, width, val):
        assert len(val) <= width, (off, val)
        h[off:off + len(val)] = val
    put(0, 100, name)
    put(100, 8, octal(mode, 8))
    put(108, 8, octal(0, 8))
    put(116, 8, octal(0, 8))
    put(124, 12, octal(size, 12))
    put(136, 12, octal(MTIME, 12))
    put(156, 1, typeflag)
    put(157, 100, linkname)
    put(257, 8, b"ustar\x0000")
    h[148:156] = b" " * 8
    put(148, 8, b"%06o\0 " % sum(h))
    return bytes(h)


def pad(data):
    return data + b"\0" * (-len(data) % 512)


def pax_record(key, value):
    body = b" " + key + b"=" + value + b"\n"
    n = len(body) + 1
    while len(str(n).encode()) + len(body) != n:
        n += 1
    return str(n).encode() + body


def raw_link_with_data(m, fmt):
    """A hard link member with data after it, which tarfile will not
    write, after a pax extended header (so that readers must obey the
    size: libarchive ignores a plain ustar hard link's size and reads
    its data as headers)."""
    assert fmt == "pax", "a hard link with data is pax only"
    data = m["data"]
    rec = pax_record(b"path", m["name"]) + pax_record(b"linkpath", m["target"])
    return raw_header(b"PaxHeaders/" + m["name"][-80:], b"x", len(rec)) + \
        pad(rec) + \
        raw_header(m["name"], b"1", len(data), m["target"], m["mode"]) + \
        pad(data)


def archive(members, fmt):
    out = io.BytesIO()
    for m in members:
        if m["kind"] == "h" and m.get("data"):
            out.write(raw_link_with_data(m, fmt))
            continue
        out.write(tarinfo(m).tobuf(FORMATS[fmt], "utf-8", "surrogateescape"))
        if m["kind"] == "f":
            out.write(pad(m["data"]))
    out.write(b"\0" * 10240)
    return out.getvalue()


# ---- expected trees -------------------------------------------------------
# Entries: ("f", path, data, mode, uid, gid) regular file with mtime MTIME;
# ("d", path, mode, uid, gid); ("l", path, target); ("p", path, mode);
# ("c", path, major, minor, mode); ("h", path, other): the same inode as
# other.  Paths are relative to DEST.  A leading "raw:" on the kind: made
# by the case's setup, the mode checked as is.  A trailing "?": may be
# missing.  Parents not listed are expected as implicit (0777 & ~umask).

def Ef(path, data=b"x\n", mode=0o644, uid=0, gid=0):
    return ["f", b(path), b(data), mode, uid, gid]


def Ed(path, mode=0o755, uid=0, gid=0):
    return ["d", b(path), mode, uid, gid]


def El(path, target):
    return ["l", b(path), b(target)]


def Ep(path, mode=0o644):
    return ["p", b(path), mode]


def Ec(path, major, minor, mode=0o666):
    return ["c", b(path), major, minor, mode]


def Eh(path, other):
    return ["h", b(path), b(other)]


def raw(e):
    return ["raw:" + e[0]] + e[1:]


def maybe(e):
    return [e[0] + "?"] + e[1:]


# ---- the cases ------------------------------------------------------------
# Each function gets OUTSIDE (absolute, bytes) and returns a dict:
#   members   in archive order
#   lines     [(name, reason)]: the refusals, both with and without -a
#   lines_a0  extra refusals without -a only
#   warn      the leading-'/' warning is expected (once)
#   tree      entries, both ways; tree_a0 / tree_a1: without / with -a only
#   setup     entries made in DEST before extraction (raw)
#   opts      extra parcp options
#   regen     the archive depends on the moment (make it just before use)

def c_dotdot(o):
    return dict(
        members=[F("ok1", "ok1\n"), F("../escape"),
                 F("../outside/victim", "PWNED\n"), D("../"),
                 L("../evil-link", o + b"/victim"), F("ok2", "ok2\n")],
        lines=[("../escape", DOTDOT), ("../outside/victim", DOTDOT),
               ("../", DOTDOT), ("../evil-link", DOTDOT)],
        tree=[Ef("ok1", "ok1\n"), Ef("ok2", "ok2\n")])


def c_dotdot_middle(o):
    return dict(
        members=[F("a/ok"), F("a/../../escape"),
                 F("a/b/../../../outside/victim", "PWNED\n"),
                 F("a/../inside"), F("a/.."), F("..hidden"), F("a/b..c"),
                 F("a/.../x")],
        lines=[("a/../../escape", DOTDOT),
               ("a/b/../../../outside/victim", DOTDOT),
               ("a/../inside", DOTDOT), ("a/..", DOTDOT)],
        tree=[Ef("a/ok"), Ef("..hidden"), Ef("a/b..c"), Ef("a/.../x")])


def c_absolute(o):
    r = o[1:]
    return dict(
        members=[F(o + b"/abs1", "abs1\n"), F(o + b"/sub/abs2", "abs2\n"),
                 F(b"/" + o + b"/dbl", "dbl\n"), D(o + b"/absdir/", 0o700),
                 L(o + b"/abslink", "victim"), F("ok")],
        lines=[], warn=True,
        tree=[Ef(r + b"/abs1", "abs1\n"), Ef(r + b"/sub/abs2", "abs2\n"),
              Ef(r + b"/dbl", "dbl\n"), Ed(r + b"/absdir", 0o700),
              El(r + b"/abslink", "victim"), Ef("ok")])


def c_symlink_through(o):
    return dict(
        members=[F("ok"), L("s", o), F("s/x"), F("s/victim", "PWNED\n"),
                 D("s/newdir/"), L("s/l", o + b"/victim"), P("s/fifo"),
                 H("s/h", "ok"), F("s/dir/keep", "PWNED\n"),
                 F("ok2", "ok2\n")],
        lines=[("s/x", THROUGH), ("s/victim", THROUGH),
               ("s/newdir/", THROUGH), ("s/l", THROUGH),
               ("s/fifo", THROUGH), ("s/h", THROUGH),
               ("s/dir/keep", THROUGH)],
        tree=[Ef("ok"), El("s", o), Ef("ok2", "ok2\n")])


def c_symlink_dir_file(o):
    return dict(
        members=[L("s", "../outside"), F("s/f"), D("d/"),
                 L("d/s2", "../../outside/dir"), F("d/s2/f"),
                 F("d/s2/keep", "PWNED\n")],
        lines=[("s/f", THROUGH), ("d/s2/f", THROUGH),
               ("d/s2/keep", THROUGH)],
        tree=[El("s", "../outside"), Ed("d"),
              El("d/s2", "../../outside/dir")])


def c_pre_symlink(o):
    setup = [El("pre", o), El("rel", "../outside"), Ed("deep"),
             El("deep/s", "../../outside/dir")]
    return dict(
        setup=setup,
        members=[F("pre/x"), F("pre/victim", "PWNED\n"), F("rel/x"),
                 F("deep/s/keep", "PWNED\n"), F("deep/ok"), F("ok")],
        lines=[("pre/x", THROUGH), ("pre/victim", THROUGH),
               ("rel/x", THROUGH), ("deep/s/keep", THROUGH)],
        tree=[raw(e) for e in setup] + [Ef("deep/ok"), Ef("ok")])


def c_hardlink_dotdot(o):
    return dict(
        members=[F("ok"), H("h", "../outside/victim"),
                 H("h2", "a/../../outside/victim"), H("h3", "sub/../ok"),
                 H("h4", ".."), F("ok2", "ok2\n")],
        lines=[("h", L_DOTDOT), ("h2", L_DOTDOT), ("h3", L_DOTDOT),
               ("h4", L_DOTDOT)],
        tree=[Ef("ok"), Ef("ok2", "ok2\n")])


def c_hardlink_absolute(o):
    r = o[1:]
    return dict(
        members=[F(o + b"/victim", "inner\n"), H("h", o + b"/victim"),
                 H("h2", b"/" + o + b"/victim"), F("ok")],
        lines=[], warn=True,
        tree=[Ef(r + b"/victim", "inner\n"), Eh("h", r + b"/victim"),
              Eh("h2", r + b"/victim"), Ef("ok")])


def c_hardlink_symlink(o):
    return dict(
        members=[L("s", o + b"/victim"), L("s2", "../outside/victim"),
                 L("sd", o), H("h", "s"), H("h2", "s2"), H("h3", "sd"),
                 F("ok")],
        lines=[],
        tree=[El("s", o + b"/victim"), El("s2", "../outside/victim"),
              El("sd", o), Eh("h", "s"), Eh("h2", "s2"), Eh("h3", "sd"),
              Ef("ok")])


def c_hardlink_through(o):
    setup = [El("pre", o)]
    return dict(
        setup=setup,
        members=[L("s", o), D("d/"), L("d/s2", "../../outside"),
                 H("h", "s/victim"), H("h2", "d/s2/victim"),
                 H("h3", "s/dir/keep"), H("h4", "pre/secret"), F("ok")],
        lines=[("h", L_THROUGH), ("h2", L_THROUGH), ("h3", L_THROUGH),
               ("h4", L_THROUGH)],
        tree=[raw(e) for e in setup] + [El("s", o), Ed("d"),
                                        El("d/s2", "../../outside"),
                                        Ef("ok")])


def c_hardlink_data(o):
    return dict(
        members=[F("f", "orig\n"), L("s", o + b"/victim"),
                 H("h", "s", "PWNED through the symlink\n"),
                 H("h2", "f", "CLOBBERED\n"), F("after", "after\n")],
        lines=[],
        tree=[Ef("f", "orig\n"), El("s", o + b"/victim"), Eh("h", "s"),
              Eh("h2", "f"), Ef("after", "after\n")])


def c_chain(o):
    return dict(
        members=[L("a", "b"), L("b", o), L("c", "a"), F("a/x"), F("b/y"),
                 F("c/z", "PWNED\n"), L("r1", "r2"), L("r2", "../outside"),
                 F("r1/victim", "PWNED\n"), F("ok")],
        lines=[("a/x", THROUGH), ("b/y", THROUGH), ("c/z", THROUGH),
               ("r1/victim", THROUGH)],
        tree=[El("a", "b"), El("b", o), El("c", "a"), El("r1", "r2"),
              El("r2", "../outside"), Ef("ok")])


def c_loop(o):
    return dict(
        members=[L("l1", "l2"), L("l2", "l1"), L("self", "self"),
                 F("l1/x"), F("self/x"), D("l2/d/"), F("ok")],
        lines=[("l1/x", THROUGH), ("self/x", THROUGH), ("l2/d/", THROUGH)],
        tree=[El("l1", "l2"), El("l2", "l1"), El("self", "self"), Ef("ok")])


def c_notdir(o):
    return dict(
        members=[F("f"), F("f/x"), F("f/y/z"), D("f/d/"), P("g"), F("g/x"),
                 F("ok")],
        lines=[("f/x", NOTDIR), ("f/y/z", NOTDIR), ("f/d/", NOTDIR),
               ("g/x", NOTDIR)],
        tree=[Ef("f"), Ep("g"), Ef("ok")])


def c_device(o):
    return dict(
        members=[C("null", 1, 3), F("ok")],
        lines=[], lines_a0=[("null", DEVICE)],
        tree=[Ef("ok")], tree_a1=[Ec("null", 1, 3)])


def c_setid(o):
    return dict(
        members=[F("suid", mode=0o4755, uid=1234, gid=1234),
                 F("sgid", mode=0o2755, gid=1234),
                 F("both", mode=0o6711, uid=1234, gid=4321)],
        lines=[],
        tree=[Ef("suid", mode=0o4755, uid=1234, gid=1234),
              Ef("sgid", mode=0o2755, gid=1234),
              Ef("both", mode=0o6711, uid=1234, gid=4321)])


def c_duplicates(o):
    return dict(
        members=[F("dup1", "one\n"), F("dup1", "two\n"),
                 F("dup2", "file\n"), L("dup2", o + b"/victim"),
                 L("dup3", o + b"/victim"), P("dup3"),
                 F("dup4", "file\n"), D("dup4/"), F("dup4/inner"),
                 L("dup6", o), F("dup6/x", "PWNED\n"), D("dup6/"),
                 F("dup6/y"),
                 L("dup7", o + b"/victim"), F("dup7", "new\n"),
                 P("dup8"), F("dup8", "after the fifo\n"),
                 L("dup9", o + b"/dir"), D("dup9/", 0o700)],
        lines=[("dup6/x", THROUGH)],
        tree=[Ef("dup1", "two\n"), El("dup2", o + b"/victim"), Ep("dup3"),
              Ed("dup4"), Ef("dup4/inner"), Ed("dup6"), Ef("dup6/y"),
              Ef("dup7", "new\n"), Ef("dup8", "after the fifo\n"),
              Ed("dup9", 0o700)])


def c_over_existing(o):
    return dict(
        setup=[Ef("pf", "old\n"), Ef("pd", "old\n"),
               El("sym", o + b"/victim"), Ef("pl", "old\n")],
        members=[P("pf"), D("pd/"), F("pd/x"), F("sym", "new\n"),
                 L("pl", "x")],
        lines=[],
        tree=[Ep("pf"), Ed("pd"), Ef("pd/x"), Ef("sym", "new\n"),
              El("pl", "x")])


def next_pids(n):
    """The n pids the kernel hands out next (it wraps at pid_max, to 300)."""
    with open("/proc/sys/kernel/ns_last_pid") as f:
        last = int(f.read())
    with open("/proc/sys/kernel/pid_max") as f:
        top = int(f.read())
    pids, p = [], last
    for _ in range(n):
        p = p + 1 if p + 1 < top else 300
        pids.append(p)
    return pids


def c_tempname(o):
    big = bytes(range(251)) * (8 * 1048576 // 251 + 1)
    big = big[:8 * 1048576]
    names = [b".parcp.big.%d.%d" % (pid, idx) for pid in next_pids(300)
             for idx in range(4)]
    return dict(
        regen=True, opts=["-j", "2", "--chunk-size=1M"],
        members=[F("big", big)] + [L(n, o + b"/victim") for n in names],
        lines=[],
        tree=[Ef("big", big)] + [El(n, o + b"/victim") for n in names])


def c_dot_dest(o):
    # A regular file named "x/" reads as a directory (old tar), so "./"
    # and "/" are a symlink here; "." and "/." the regular files.
    r = o[1:]
    return dict(
        members=[F(".", "PWNED\n"), L("./", o), P(".//"), L("/", o),
                 F("/.", "PWNED\n"), F(o + b"/abs-ok"), F("ok")],
        lines=[(".", ASDEST), ("./", ASDEST), (".//", ASDEST),
               ("/", ASDEST), ("/.", ASDEST)],
        warn=True,
        tree=[Ef(r + b"/abs-ok"), Ef("ok")])


def c_empty_name(o):
    # No reason is laid down for an empty name: any, but one line.
    return dict(
        members=[F("ok"), F("", "PWNED\n"), F("ok2", "ok2\n")],
        lines=[("", None)],
        tree=[Ef("ok"), Ef("ok2", "ok2\n")])


def c_long_name(o):
    comps = [(b"%03d" % i) + b"L" * 197 for i in range(25)]
    name = b"/".join(comps) + b"/file"
    dirs = [b"/".join(comps[:i]) for i in range(1, len(comps) + 1)]
    # Longer than PATH_MAX: extracted (resolved a component at a time)
    # or refused as too long, but never cut short somewhere else.
    return dict(
        members=[F("ok"), F(name, "deep\n"), F("ok2", "ok2\n")],
        lines=[(name, "File name too long")], optional_lines=True,
        tree=[Ef("ok"), Ef("ok2", "ok2\n"), maybe(Ef(name, "deep\n"))] +
        [maybe(Ed(d, None)) for d in dirs])


def c_odd_names(o):
    return dict(
        members=[F(b"bad\377\376name"), F("new\nline"), F("a b"),
                 F("it's"), F("tab\there"),
                 F(b"bin\377/../esc"), F("new\nline/../esc"),
                 F("sp ace/../esc"), F("q'uote/../esc"),
                 F("q'$/../esc"), F("\033/../esc"),
                 L(b"ls\377", o), F(b"ls\377/x")],
        lines=[(b"bin\377/../esc", DOTDOT), ("new\nline/../esc", DOTDOT),
               ("sp ace/../esc", DOTDOT), ("q'uote/../esc", DOTDOT),
               ("q'$/../esc", DOTDOT), ("\033/../esc", DOTDOT),
               (b"ls\377/x", THROUGH)],
        tree=[Ef(b"bad\377\376name"), Ef("new\nline"), Ef("a b"),
              Ef("it's"), Ef("tab\there"), El(b"ls\377", o)])


def c_implicit_parents(o):
    return dict(
        members=[F("p/q/r/file"), D("e/", 0o700), F("e/x"),
                 F("p/q/other")],
        lines=[],
        tree=[Ef("p/q/r/file"), Ed("e", 0o700), Ef("e/x"),
              Ef("p/q/other")])


CASES = {
    "dotdot": (c_dotdot, ("pax", "gnu", "ustar")),
    "dotdot-middle": (c_dotdot_middle, ("pax",)),
    "absolute": (c_absolute, ("pax", "gnu")),
    "symlink-through": (c_symlink_through, ("pax",)),
    "symlink-dir-file": (c_symlink_dir_file, ("pax",)),
    "pre-symlink": (c_pre_symlink, ("pax",)),
    "hardlink-dotdot": (c_hardlink_dotdot, ("pax", "gnu")),
    "hardlink-absolute": (c_hardlink_absolute, ("pax",)),
    "hardlink-symlink": (c_hardlink_symlink, ("pax",)),
    "hardlink-through": (c_hardlink_through, ("pax",)),
    "hardlink-data": (c_hardlink_data, ("pax",)),
    "chain": (c_chain, ("pax",)),
    "loop": (c_loop, ("pax",)),
    "notdir": (c_notdir, ("pax",)),
    "device": (c_device, ("pax", "gnu")),
    "setid": (c_setid, ("pax",)),
    "duplicates": (c_duplicates, ("pax", "gnu")),
    "over-existing": (c_over_existing, ("pax",)),
    "tempname": (c_tempname, ("pax",)),
    "dot-dest": (c_dot_dest, ("pax",)),
    "empty-name": (c_empty_name, ("pax", "gnu")),
    "long-name": (c_long_name, ("pax", "gnu")),
    "odd-names": (c_odd_names, ("pax", "gnu")),
    "implicit-parents": (c_implicit_parents, ("pax",)),
}


def jb(x):
    """bytes -> JSON-safe str (and back with bj)."""
    return x.decode("utf-8", "surrogateescape") if isinstance(x, bytes) else x


def bj(x):
    return x.encode("utf-8", "surrogateescape")


def tojson(v):
    if isinstance(v, (list, tuple)):
        return [tojson(i) for i in v]
    if isinstance(v, dict):
        return {k: tojson(i) for k, i in v.items()}
    return jb(v)


def gen(case, outside, out, fmt):
    """Write the archive to OUT, it gzipped to OUT.gz, what to expect to
    OUT.json; print "opt X" for each parcp option the case needs and
    "regen" if it must be made again just before each use."""
    fn, formats = CASES[case]
    if fmt not in formats:
        sys.exit("hostile_tar: %s is not made in %s" % (case, fmt))
    c = fn(os.fsencode(outside))
    data = archive(c["members"], fmt)
    with open(out, "wb") as f:
        f.write(data)
    with open(out + ".gz", "wb") as f:
        f.write(gzip.compress(data, 1, mtime=0))
    for e in c["tree"]:           # big contents go by their hash
        if e[0].startswith("f") and len(e[2]) > 4096:
            e[2] = {"sha256": hashlib.sha256(e[2]).hexdigest()}
    spec = {k: tojson(v) for k, v in c.items() if k != "members"}
    spec["case"] = case
    spec["lines"] = [[jb(b(n)), r] for n, r in c.get("lines", [])]
    spec["lines_a0"] = [[jb(b(n)), r] for n, r in c.get("lines_a0", [])]
    with open(out + ".json", "w") as f:
        json.dump(spec, f)
    for o in c.get("opts", []):
        print("opt", o)
    if c.get("regen"):
        print("regen")


# ---- snapshots --------------------------------------------------------------

def digest(fd):
    h = hashlib.sha256()
    with os.fdopen(fd, "rb") as f:
        for blk in iter(lambda: f.read(1 << 20), b""):
            h.update(blk)
    return h.hexdigest()


def entry(name, dfd):
    """name in the directory dfd, not followed: what snapshots compare."""
    st = os.stat(name, dir_fd=dfd, follow_symlinks=False)
    e = {"type": stat.S_IFMT(st.st_mode), "mode": stat.S_IMODE(st.st_mode),
         "uid": st.st_uid, "gid": st.st_gid, "size": st.st_size,
         "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns,
         "nlink": st.st_nlink, "ino": st.st_ino, "rdev": st.st_rdev}
    if stat.S_ISLNK(st.st_mode):
        e["target"] = jb(os.readlink(name, dir_fd=dfd))
    elif stat.S_ISREG(st.st_mode):
        e["sha256"] = digest(os.open(name, os.O_RDONLY | os.O_NOFOLLOW |
                                     os.O_CLOEXEC, dir_fd=dfd))
    return e


def entries(root, exclude=()):
    """[(path under root, entry)], walked by directory descriptors: no
    symlink followed, no path too long however deep the tree."""
    excl = {os.fsencode(x) for x in exclude}
    out = []

    def walk(dfd, rel):
        for name in sorted(os.fsencode(n) for n in os.listdir(dfd)):
            if not rel and name in excl:
                continue
            e = entry(name, dfd)
            out.append((b"/".join(rel + [name]), e))
            if e["type"] == stat.S_IFDIR:
                fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY |
                             os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dfd)
                try:
                    walk(fd, rel + [name])
                finally:
                    os.close(fd)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        walk(fd, [])
    finally:
        os.close(fd)
    return out


def snapshot(root, exclude=()):
    """Every path under root: type, mode, owner, size, times to the ns
    (ctime too: a chmod, chown, link or utime undone still shows), link
    count, inode, content hash, symlink target.  The root's own times are
    left out (DEST comes and goes in it)."""
    st = os.lstat(root)
    snap = {".": {"mode": stat.S_IMODE(st.st_mode), "uid": st.st_uid,
                  "gid": st.st_gid}}
    for p, e in entries(root, exclude):
        snap[jb(p)] = e
    return snap


def compare(before, after):
    out = []
    for k in sorted(set(before) | set(after)):
        if k not in after:
            out.append("%r: removed" % k)
        elif k not in before:
            out.append("%r: appeared (%s)" % (k, after[k]))
        elif before[k] != after[k]:
            diff = {f: (before[k].get(f), after[k].get(f))
                    for f in set(before[k]) | set(after[k])
                    if before[k].get(f) != after[k].get(f)}
            out.append("%r: changed %s" % (k, diff))
    return out


HARNESS = ("out", "err", "diff", "py", "arch", "h")


def remove(path):
    if os.path.islink(path) or os.path.isfile(path):
        os.unlink(path)
    elif os.path.lexists(path):
        shutil.rmtree(path)


def make_outside(root):
    o = os.path.join(root, "outside")
    remove(o)
    os.makedirs(o + "/dir")
    for name, data in (("victim", "victim\n"), ("secret", "secret\n"),
                       ("dir/keep", "keep\n")):
        with open(os.path.join(o, name), "w") as f:
            f.write(data)
        os.chmod(os.path.join(o, name), 0o644)
        os.utime(os.path.join(o, name), (VICTIM_MTIME, VICTIM_MTIME))
    os.chmod(o, 0o755)
    os.chmod(o + "/dir", 0o755)


def make_setup(dest, entries):
    os.makedirs(dest, exist_ok=True)
    for e in entries:
        kind, p = e[0], os.path.join(os.fsencode(dest), bj(e[1]))
        if kind == "f":
            with open(p, "wb") as f:
                f.write(bj(e[2]))
            os.chmod(p, e[3])
        elif kind == "d":
            os.mkdir(p, e[2])
            os.chmod(p, e[2])
        elif kind == "l":
            os.symlink(bj(e[2]), p)


def pre(spec_path, root, dest, snap_path):
    with open(spec_path) as f:
        spec = json.load(f)
    d = os.path.join(root, dest)
    remove(d)
    make_outside(root)
    if spec.get("setup"):
        make_setup(d, spec["setup"])
    with open(snap_path, "w") as f:
        json.dump(snapshot(root, HARNESS + (dest,)), f)


# ---- the check ------------------------------------------------------------

def want_mode(mode, a, umask):
    if a:
        return mode & 0o7777
    return mode & 0o777 & ~umask


def check_tree(spec, dest, a, umask):
    """DEST holds exactly the tree spec lists: one line per difference."""
    probs, want = [], {}
    for e in spec["tree"] + spec.get("tree_a1" if a else "tree_a0", []):
        want[bj(e[1])] = e
    for p in list(want):      # implicit parents
        parts = p.split(b"/")
        for i in range(1, len(parts)):
            q = b"/".join(parts[:i])
            if q not in want:
                want[q] = ["d?" if want[p][0].endswith("?") else "d",
                           q, None, 0, 0]
    if not os.path.isdir(dest) or os.path.islink(dest):
        return ["DEST is not a directory"]
    have = dict(entries(dest))
    for p in sorted(set(have) - set(want)):
        probs.append("unexpected %r in DEST (%s)" % (p, have[p]))
    for p, e in sorted(want.items()):
        kind = e[0].rstrip("?")
        israw = kind.startswith("raw:")
        kind = kind[4:] if israw else kind
        if p not in have:
            if not e[0].endswith("?"):
                probs.append("missing %r (%s)" % (p, kind))
            continue
        h = have[p]
        need = {"f": stat.S_IFREG, "d": stat.S_IFDIR, "l": stat.S_IFLNK,
                "p": stat.S_IFIFO, "c": stat.S_IFCHR, "h": None}[kind]
        if need is not None and h["type"] != need:
            probs.append("%r: type %o, expected %s" % (p, h["type"], kind))
            continue

        def mode_is(m, uid=0, gid=0):
            if israw:
                exp, eu, eg = m, h["uid"], h["gid"]
            elif m is None:
                exp, eu, eg = 0o777 & ~umask, 0, 0
            else:
                exp = want_mode(m, a, umask)
                eu, eg = (uid, gid) if a else (0, 0)
            if h["mode"] != exp:
                probs.append("%r: mode %o, expected %o" % (p, h["mode"], exp))
            if (h["uid"], h["gid"]) != (eu, eg):
                probs.append("%r: owner %d:%d, expected %d:%d" %
                             (p, h["uid"], h["gid"], eu, eg))
        if kind == "f":
            sha = e[2]["sha256"] if isinstance(e[2], dict) else \
                hashlib.sha256(bj(e[2])).hexdigest()
            if h["sha256"] != sha:
                probs.append("%r: content differs (%d bytes)%s" %
                             (p, h["size"], "" if isinstance(e[2], dict)
                              else ", expected %r" % bj(e[2])[:40]))
            mode_is(e[3], e[4], e[5])
            if not israw and h["mtime_ns"] != MTIME * 10**9:
                probs.append("%r: mtime %d ns, expected %d s" %
                             (p, h["mtime_ns"], MTIME))
        elif kind == "d":
            mode_is(e[2], e[3], e[4])
        elif kind == "l":
            if h["target"] != e[2]:
                probs.append("%r: symlink to %r, expected %r" %
                             (p, h["target"], e[2]))
        elif kind == "p":
            mode_is(e[2])
        elif kind == "c":
            mode_is(e[4])
            if h["rdev"] != os.makedev(e[2], e[3]):
                probs.append("%r: rdev %x" % (p, h["rdev"]))
        elif kind == "h":
            q = bj(e[2])
            if q in have and have[q]["ino"] != h["ino"]:
                probs.append("%r: not a hard link of %r" % (p, q))
    return probs


def check_err(spec, err, rc, a):
    probs = []
    lines = [ln for ln in err.split(b"\n") if ln != b""]
    want = spec["lines"] + ([] if a else spec["lines_a0"])
    exact = sorted(line(bj(n), r) for n, r in want if r is not None)
    pats = [re.compile(re.escape(line(bj(n), "")) + b".+$")
            for n, r in want if r is None]
    warns = [ln for ln in lines if ln == WARNING]
    rest = sorted(ln for ln in lines if ln != WARNING)
    if len(warns) != (1 if spec.get("warn") else 0):
        probs.append("the leading-'/' warning %d times, expected %d" %
                     (len(warns), 1 if spec.get("warn") else 0))
    for pat in pats:
        m = [ln for ln in rest if pat.match(ln)]
        if len(m) != 1:
            probs.append("%d lines match %r" % (len(m), pat.pattern))
        rest = [ln for ln in rest if not pat.match(ln)]
    if spec.get("optional_lines") and rest == []:
        exact = []          # the alternative outcome: nothing refused
    if rest != exact:
        for ln in sorted(set(exact) - set(rest)):
            probs.append("missing line: %r" % ln)
        for ln in sorted(set(rest) - set(exact)):
            probs.append("unexpected line: %r" % ln)
        if set(rest) == set(exact):
            probs.append("lines repeated: %r" % rest)
    want_rc = 1 if exact or pats else 0
    if rc != want_rc:
        probs.append("exit status %d, expected %d" % (rc, want_rc))
    return probs


def check(spec_path, root, dest, snap_path, rc, err_path, a):
    with open(spec_path) as f:
        spec = json.load(f)
    with open(snap_path) as f:
        before = json.load(f)
    with open(err_path, "rb") as f:
        err = f.read()
    umask = os.umask(0)
    os.umask(umask)
    probs = ["outside DEST: " + p for p in
             compare(before, snapshot(root, HARNESS + (dest,)))]
    probs += check_err(spec, err, int(rc), a == "1")
    if spec.get("optional_lines"):
        # Either way, but all of a piece: a member refused is not there,
        # one not refused is.
        refused = any(ln.startswith(b"parcp: cannot extract ")
                      for ln in err.split(b"\n"))
        spec["tree"] = [e for e in spec["tree"]
                        if not (e[0] == "f?" and refused)]
        for e in spec["tree"]:
            if e[0] == "f?":
                e[0] = "f"
    probs += check_tree(spec, os.path.join(root, dest), a == "1", umask)
    for p in probs:
        print(p)
    return 1 if probs else 0


def serve():
    """Commands from stdin, one a line, arguments tab-separated; after
    each one's output a line: TAB END STATUS.  One process for a whole
    test script: Python starts slowly."""
    for ln in sys.stdin:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            try:
                rc = main([sys.argv[0]] + ln.rstrip("\n").split("\t"))
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else 2
                if not isinstance(e.code, int):
                    print(e.code)
            except Exception:
                traceback.print_exc(file=sys.stdout)
                rc = 2
        out = buf.getvalue()
        if out and not out.endswith("\n"):
            out += "\n"
        sys.stdout.write(out + "\tEND %d\n" % (rc or 0))
        sys.stdout.flush()


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "gen" and len(argv) == 6:
        gen(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "list" and len(argv) == 2:
        for name, (_, formats) in CASES.items():
            for fmt in formats:
                print(name, fmt)
    elif cmd == "pre" and len(argv) == 6:
        pre(*argv[2:])
    elif cmd == "snap" and len(argv) >= 4:
        with open(argv[3], "w") as f:
            json.dump(snapshot(argv[2], argv[4:]), f)
    elif cmd == "same" and len(argv) >= 4:
        with open(argv[3]) as f:
            before = json.load(f)
        probs = compare(before, snapshot(argv[2], argv[4:]))
        for p in probs:
            print(p)
        return 1 if probs else 0
    elif cmd == "check" and len(argv) == 9:
        return check(*argv[2:])
    elif cmd == "serve" and len(argv) == 2:
        serve()
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
