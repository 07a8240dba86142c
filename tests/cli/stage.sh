#!/bin/bash
# Staged trees (src/stage.c): a new directory operand is copied beside
# its name (.parcp.NAME.*, owner-only) while an empty directory holds the
# name, and exchanged into place when the run ends, finished or stopped.
# Inside, files are made under their final names; one that fails is
# removed, by its worker or (killed twice) by the parent.  An existing
# directory is merged into as before, and there a failure leaves what was
# there.  A process that takes the name, or swaps the staged directory for
# a symlink, makes the placement fail, never moves anything of theirs.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
: "${TREECMP:?TREECMP must name tests/treecmp}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

S="$T/src"
mkdir -p "$S/a/b"
for i in $(seq 12); do mkfile "$S/a/f$i" 65536; done
echo small >"$S/a/b/small"
chmod 750 "$S/a/b"

# slow ARGS...: parcp ARGS... in the background, each read slowed.
slow() {
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 "$PARCP" -a -j 1 \
	    --engine=pread --buffer-size=16K "$@" </dev/null 2>"$T/err" &
	pid=$!
}
# staged DIR NAME: the staged copy of NAME in DIR, once it has two files
# (one worker: the first is complete).
staged() {
	local s
	for _ in $(seq 1000); do
		s=$(find "$1" -maxdepth 1 -name ".parcp.$2.*" -type d | head -1)
		if [ -n "$s" ] && [ "$(find "$s" -type f | wc -l)" -ge 2 ]; then
			echo "$s"
			return 0
		fi
		sleep 0.01
	done
	fail "no staged copy of $2 in $1: $(ls -A "$1")"
}
reap() {
	set +e
	wait "$pid"
	rc=$?
	set -e
}
beside() {	# nothing of parcp's left in DIR
	[ -z "$(find "$1" -maxdepth 1 -name '.parcp.*' | head -1)" ] ||
	    fail "left beside: $(ls -A "$1")"
}

# While it copies, the name holds an empty owner-only directory and the
# copy is beside it; then the copy is there, whole, and nothing beside.
slow "$S" "$T/dst"
st=$(staged "$T" dst)
[ -z "$(ls -A "$T/dst")" ] || fail "dst not empty while copying"
[ "$(stat -c %a "$T/dst") $(stat -c %a "$st")" = "700 700" ] ||
    fail "modes while copying: $(stat -c %a "$T/dst" "$st")"
reap
expect_rc 0 "staged"
"$TREECMP" -MOT "$S" "$T/dst" || fail "staged: the trees differ"
beside "$T"
pass

# Inside, files are made under their names: no unnamed file, no link.
rm -rf "$T/dst"
run traced -f -qq -o "$T/log" -e trace=openat,linkat "$PARCP" -a -j 2 \
    "$S" "$T/dst"
expect_rc 0 "by name"
grep -q 'openat([0-9]*, "f1", O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW' "$T/log" ||
    fail "by name: f1 not created under its name"
! grep -q 'O_TMPFILE\|linkat(' "$T/log" || fail "by name: unnamed files"
pass

# A read error mid-file: the file is not there at all, the rest is.
rm -rf "$T/dst"
LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_EIO_AT=40000 run "$PARCP" -a -j 2 \
    "$S" "$T/dst"
expect_rc 1 "EIO"
[ ! -e "$T/dst/a/f1" ] || fail "EIO: a partial f1 is there"
cmp "$S/a/b/small" "$T/dst/a/b/small" || fail "EIO: small"
no_temps "$T/dst/a"
beside "$T"
pass

# Its worker killed on it twice: the parent removes what it left.
mkdir -p "$T/k/d"
mkfile "$T/k/d/big" 300000
echo ok >"$T/k/d/ok"
LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_KILL_AT=200000 run "$PARCP" -r -j 1 \
    "$T/k" "$T/kdst"
expect_rc 1 "killed"
[ ! -e "$T/kdst/d/big" ] || fail "killed: a partial big is there"
cmp "$T/k/d/ok" "$T/kdst/d/ok" || fail "killed: ok"
no_temps "$T/kdst/d"
pass

# Merged into an existing directory: not staged, and a failed file keeps
# what was there.
mkdir -p "$T/m/a"
echo old >"$T/m/a/f1"
run traced -f -qq -o "$T/log" -e trace=mkdirat env LD_PRELOAD="$FAULTSHIM" \
    PARCP_SHIM_EIO_AT=40000 "$PARCP" -rT -j 2 "$S" "$T/m"
expect_rc 1 "merged"
! grep -q 'mkdirat(.*"\.parcp\.' "$T/log" || fail "merged: staged"
[ "$(cat "$T/m/a/f1")" = old ] || fail "merged: f1 lost its old contents"
pass

# SIGINT: the stopped copy is placed with whole files only.
rm -rf "$T/dst"
slow "$S" "$T/dst"
staged "$T" dst >/dev/null
kill -INT "$pid"
reap
expect_rc 130 "stopped"
n=0
while read -r f; do
	cmp "$S/${f#"$T/dst/"}" "$f" || fail "stopped: $f is partial"
	n=$((n + 1))
done < <(find "$T/dst" -type f)
[ "$n" -gt 0 ] && [ "$n" -lt 13 ] || fail "stopped: $n files"
no_temps "$T/dst/a"
beside "$T"
pass

# Someone's directory under the name meanwhile: theirs stays, the copy
# stays beside it, and the run says where.
rm -rf "$T/dst"
slow "$S" "$T/dst"
st=$(staged "$T" dst)
rmdir "$T/dst"
mkdir "$T/dst"
echo mine >"$T/dst/mine"
reap
expect_rc 1 "taken"
grep -q "cannot place '$T/dst': File exists; the copy is in '$st'" \
    "$T/err" || fail "taken: $(cat "$T/err")"
[ "$(ls -A "$T/dst")" = mine ] && [ "$(cat "$T/dst/mine")" = mine ] ||
    fail "taken: theirs changed: $(ls -A "$T/dst")"
"$TREECMP" -MOT "$S" "$st" || fail "taken: the copy beside differs"
rm -rf "$st"
pass

# The staged directory swapped for a symlink to elsewhere: nothing is
# written there, and no symlink ends up under the name.
rm -rf "$T/dst" "$T/outside" "$T/moved"
mkdir "$T/outside"
slow "$S" "$T/dst"
st=$(staged "$T" dst)
mv "$st" "$T/moved"
ln -s "$T/outside" "$st"
reap
expect_rc 1 "swapped"
[ -z "$(ls -A "$T/outside")" ] || fail "swapped: written through"
[ -d "$T/dst" ] && [ ! -L "$T/dst" ] || fail "swapped: dst is a symlink"
pass

# Without RENAME_EXCHANGE, the copy is renamed over the empty directory.
rm -rf "$T/dst" "$st" "$T/moved"
LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_RENAME_EINVAL=1 run "$PARCP" -a -j 2 \
    "$S" "$T/dst"
expect_rc 0 "no exchange"
"$TREECMP" -MOT "$S" "$T/dst" || fail "no exchange: the trees differ"
beside "$T"
pass

echo "stage: $npass passed"
