#!/bin/bash
# A tree whose paths are longer than PATH_MAX (24 levels of 200-byte
# names, about 4.8 KB deep; files at the bottom: a small one, one split
# into ranges, a symlink, two hard links, a FIFO): parcp -a copies it
# by descriptor, compared entry by entry with the source: names, types,
# modes, owners, sizes, contents, mtimes, link targets and link counts.
# (GNU cp 9.1 fails here: it names each file by its whole path.)  Also
# -v names the long paths, and a second run with --resume finds every
# regular file complete.  And a tree 300 levels deep copies with 64
# descriptors (ulimit -n).
. "$TESTLIB"

cd "$T"
python3 - <<'PY'
import os
fd = os.open(".", os.O_RDONLY)
os.mkdir("src", dir_fd=fd)
fd = os.open("src", os.O_RDONLY, dir_fd=fd)
for i in range(24):
    name = ("%02d" % i) * 100
    os.mkdir(name, dir_fd=fd)
    os.utime(name, ns=(10**18, 10**18 + i), dir_fd=fd)
    fd = os.open(name, os.O_RDONLY, dir_fd=fd)
def put(name, data):
    f = os.open(name, os.O_WRONLY | os.O_CREAT, 0o640, dir_fd=fd)
    os.write(f, data)
    os.close(f)
put("small", b"small\n")
put("big", bytes(range(256)) * (3 << 12))
os.symlink("small", "link", dir_fd=fd)
os.link("small", "hard", src_dir_fd=fd, dst_dir_fd=fd)
os.mkfifo("fifo", dir_fd=fd)
PY

# tree DIR: one line per entry, relative name and what cp -a keeps.
tree() {
	python3 - "$1" <<'PY'
import hashlib, os, stat, sys
for top, dirs, files, fd in os.fwalk(sys.argv[1]):
    rel = os.path.relpath(top, sys.argv[1])
    for n in sorted(dirs + files):
        st = os.stat(n, dir_fd=fd, follow_symlinks=False)
        what = [stat.filemode(st.st_mode), st.st_uid, st.st_gid, st.st_nlink]
        if stat.S_ISREG(st.st_mode):
            f = os.open(n, os.O_RDONLY, dir_fd=fd)
            h = hashlib.sha256()
            while True:
                b = os.read(f, 1 << 20)
                if not b:
                    break
                h.update(b)
            os.close(f)
            what += [st.st_size, h.hexdigest()[:16]]
        if stat.S_ISLNK(st.st_mode):
            what.append(os.readlink(n, dir_fd=fd))
        else:
            what.append(st.st_mtime_ns)
        print(len(rel), rel[-20:], n, *what)
PY
}

run "$PARCP" -a -j 2 --chunk-size=1M -v src pc
expect_rc 0 "deep copy"
grep -q "/big' -> 'pc/.*/big'" out || fail "-v: no line for the deep file"
tree src >src.tree
tree pc >pc.tree
[ "$(wc -l <src.tree)" -eq 29 ] || fail "src has $(wc -l <src.tree) entries"
diff src.tree pc.tree >tree.diff || fail "copy differs: $(head -5 tree.diff)"
pass

# deeper than the descriptor limit: 300 levels with ulimit -n 64 (the
# walk lets directories go and comes back, the copy's cache reopens)
python3 - <<'PY'
import os
fd = os.open(".", os.O_RDONLY)
os.mkdir("tall", dir_fd=fd)
fd = os.open("tall", os.O_RDONLY, dir_fd=fd)
for i in range(300):
    for j in range(3):
        f = os.open("f%d" % j, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(f, b"%d.%d\n" % (i, j))
        os.close(f)
    os.mkdir("d", dir_fd=fd)
    fd = os.open("d", os.O_RDONLY, dir_fd=fd)
PY
(ulimit -n 64 && exec "$PARCP" -a -j 2 tall tallcopy) >out 2>err
rc=$?
expect_rc 0 "300 levels, 64 descriptors"
tree tall >tall.tree
tree tallcopy >tallcopy.tree
[ "$(wc -l <tall.tree)" -eq 1200 ] || fail "tall has $(wc -l <tall.tree) entries"
diff tall.tree tallcopy.tree >tree.diff || fail "tall copy differs: $(head -3 tree.diff)"
pass

run "$PARCP" -a --resume --json src/. pc
expect_rc 0 "resume"
grep -q '"files_skipped": 3' out || fail "resume: $(grep files out)"
pass
done_tests
