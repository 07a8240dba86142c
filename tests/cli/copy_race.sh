#!/bin/bash
# Directories swapped while parcp copies a tree.  A swapper exchanges
# DEST/d (an existing directory) and DEST/l (a symlink to $T/outside)
# with renameat2(RENAME_EXCHANGE) in a tight loop while parcp -a -j 2
# copies src/. (300 small files and 4 of 4 MiB split into 1 MiB ranges,
# all under d/) into DEST; then the same on the source side: src/d and
# src/l (a symlink to $T/secret) exchanged.  parcp may fail entries
# (exit 1); nothing may ever land in, or change in, $T/outside (nor
# anywhere outside DEST), and nothing of $T/secret may ever be copied.
. "$TESTLIB"

H=$(dirname "$TESTLIB")/hostile_tar.py
SWAP=$(dirname "$TESTLIB")/swap.py
RUNS=${PARCP_RACE_RUNS:-40}
BUDGET=${PARCP_RACE_SECONDS:-50}
cd "$T"
mkdir -p outside secret h src/d
chmod 700 outside
touch -d 2001-01-01 outside
for i in $(seq 300); do echo "small $i" >"src/d/f$i"; done
for i in 1 2 3 4; do head -c $((4 << 20)) /dev/zero | tr '\0' "$i" >"src/d/big$i"; done
echo "SECRET" >secret/f1
head -c $((4 << 20)) /dev/zero | tr '\0' S >secret/big1

# race SIDE: one copy with the swapper exchanging SIDE/d and SIDE/l.
race() {
	local pid side=$1
	rm -rf dest h/count h/count.up
	mkdir -p dest/d
	rm -f src/l
	if [ "$side" = dest ]; then
		ln -s "$T/outside" dest/l
	else
		ln -s "$T/secret" src/l
	fi
	python3 "$SWAP" "$side/d" "$side/l" h/count &
	pid=$!
	while [ ! -e h/count.up ]; do
		sleep 0.01
	done
	run timeout 60 "$PARCP" -a -j 2 --chunk-size=1M src/. dest
	kill -TERM "$pid"
	wait "$pid" || :
	# the source back as it was, for the next run
	if [ -L src/d ]; then
		python3 - <<'PY'
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.renameat2(-100, b"src/d", -100, b"src/l", 2)
PY
	fi
	[ "$rc" -le 1 ] || fail "$side: exit status $rc"
	if [ -n "$(ls -A outside)" ]; then
		fail "$side: written outside DEST: $(ls -A outside | head -5)"
	fi
	if grep -rqs -e SECRET -e SSSS dest; then
		fail "$side: a file outside SOURCE was copied: $(grep -rls -e SECRET -e SSSS dest | head -3)"
	fi
	read -r ok bad <h/count
	[ "$ok" -gt 0 ] || fail "the swapper never swapped ($bad failures)"
	swaps=$((swaps + ok))
}

python3 "$H" snap "$T" h/snap h out err dest src
swaps=0 failed=0 start=$SECONDS
for side in dest src; do
	n=0
	while [ "$n" -lt 1 ] || { [ "$n" -lt "$RUNS" ] &&
	    [ $((SECONDS - start)) -lt $((BUDGET / 2)) ]; }; do
		race "$side"
		n=$((n + 1))
		[ "$rc" -eq 0 ] || failed=$((failed + 1))
	done
	echo "$side: $n runs"
	start=$SECONDS
	pass
done
python3 "$H" same "$T" h/snap h out err dest src >h/diff ||
    fail "outside DEST changed: $(head -5 h/diff)"
pass
echo "$failed runs with errors, $swaps swaps"
done_tests
