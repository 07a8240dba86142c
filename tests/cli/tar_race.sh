#!/bin/bash
# A directory swapped for a symlink while parcp extracts into it.  A
# swapper exchanges DEST/d (a directory) and DEST/l (a symlink to
# $T/outside) with renameat2(RENAME_EXCHANGE) in a tight loop while
# parcp -j 2 extracts an archive whose members are under d/ (300 small
# files, 4 of 4 MiB split into 1 MiB ranges): up to 100 runs or 45 s,
# then the streamed path (.tar.gz) up to 10 runs, at least one, until 60 s
# in all.  parcp may fail members (exit 1); nothing may ever land in
# $T/outside, which starts empty, nor change anywhere outside DEST.
. "$TESTLIB"

H=$(dirname "$TESTLIB")/hostile_tar.py
SWAP=$(dirname "$TESTLIB")/swap.py
RUNS=${PARCP_RACE_RUNS:-100}
STREAMED=${PARCP_RACE_STREAMED:-10}
BUDGET=${PARCP_RACE_SECONDS:-60}
cd "$T"
mkdir outside h

python3 - <<'PY'
import io, tarfile
with tarfile.open("a.tar", "w", format=tarfile.PAX_FORMAT) as t:
    d = tarfile.TarInfo("d/"); d.type = tarfile.DIRTYPE; d.mode = 0o755
    t.addfile(d)
    for i in range(300):
        data = b"small %d\n" % i
        f = tarfile.TarInfo("d/f%d" % i); f.size = len(data)
        t.addfile(f, io.BytesIO(data))
    for i in range(4):
        data = bytes([i + 1]) * (4 << 20)
        f = tarfile.TarInfo("d/big%d" % i); f.size = len(data)
        t.addfile(f, io.BytesIO(data))
PY
gzip -1 -c a.tar >a.tar.gz


# race ARCHIVE: one extraction with the swapper running; sets rc.
race() {
	local pid
	rm -rf dest h/count h/count.up
	mkdir -p dest/d
	ln -s "$T/outside" dest/l
	python3 "$SWAP" dest/d dest/l h/count &
	pid=$!
	while [ ! -e h/count.up ]; do
		sleep 0.01
	done
	run timeout 60 "$PARCP" -j 2 --chunk-size=1M --from-tar="$1" dest
	kill -TERM "$pid"
	wait "$pid" || :
	[ "$rc" -le 1 ] || fail "$1: exit status $rc"
	if [ -n "$(ls -A outside)" ]; then
		fail "$1: written outside DEST: $(ls -A outside | head -5)"
	fi
	read -r ok bad <h/count
	[ "$ok" -gt 0 ] || fail "the swapper never swapped ($bad failures)"
	swaps=$((swaps + ok))
}

python3 "$H" snap "$T" h/snap out err py h dest
swaps=0 n=0 failed=0 start=$SECONDS
while [ "$n" -lt "$RUNS" ] && [ $((SECONDS - start)) -lt $((BUDGET * 3 / 4)) ]
do
	race a.tar
	n=$((n + 1))
	[ "$rc" -eq 0 ] || failed=$((failed + 1))
done
pass
m=0
while [ "$m" -lt 1 ] || { [ "$m" -lt "$STREAMED" ] &&
    [ $((SECONDS - start)) -lt "$BUDGET" ]; }; do
	race a.tar.gz
	m=$((m + 1))
	[ "$rc" -eq 0 ] || failed=$((failed + 1))
done
pass
python3 "$H" same "$T" h/snap out err py h dest >h/diff ||
    fail "outside DEST changed: $(head -5 h/diff)"
pass
echo "$n seekable and $m streamed runs ($failed with errors), $swaps swaps"
done_tests
