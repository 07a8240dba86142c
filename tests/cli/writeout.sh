#!/bin/bash
# Early write-out (src/writeout.c): in a copy large enough to pass the
# kernel's background threshold, each piece of 1 MiB or more has its
# write-out started (sync_file_range WRITE) as it finishes, by a thread
# of its worker, never by the thread that copies.  Proven from strace's
# record of who called what, in both worker models; then that a copy
# under the threshold, small files, --fsync and a memory file system get
# no hint; and the copies byte for byte and field by field.
# PARCP_WRITEOUT_BG=N sets the threshold (1: every copy passes it).
. "$TESTLIB"

: "${TREECMP:?TREECMP must name tests/treecmp}"

case $(stat -f -c %T "$T") in
tmpfs | ramfs)
	echo "writeout: $T is in memory; nothing to write out, not checked"
	done_tests
	exit 0
	;;
esac

S="$T/src"
mkdir -p "$S/d" "$S/small"
mkfile "$S/big" 3145728
mkfile "$S/d/two" 2097152
mkfile "$S/d/mib" 1048576
for i in $(seq 20); do mkfile "$S/small/f$i" 4096; done

# hints LOG: the calls that start a write-out and nothing else.
hints() {
	grep -E 'sync_file_range\(.*, SYNC_FILE_RANGE_WRITE\) = 0' "$1" || :
}

# by_copiers LOG: hints made by a thread that also copied data.
by_copiers() {
	local tids
	tids=$(grep -E '^[0-9]+ +(pwrite64|copy_file_range)\(' "$1" |
	    awk '{ print $1 }' | sort -u)
	hints "$1" | awk '{ print $1 }' | sort -u | grep -Fxf - <(echo "$tids") ||
	    :
}

copy_traced() {
	rm -rf "$T/dst"
	run traced -f -qq -o "$T/log" \
	    -e trace=sync_file_range,pwrite64,copy_file_range "$PARCP" -a "$@" \
	    "$S" "$T/dst"
	expect_rc 0 "$*"
	"$TREECMP" "$S" "$T/dst" || fail "$*: the copy differs"
}

for mode in pool fork; do
	PARCP_WRITEOUT_BG=1 copy_traced --mode=$mode
	[ -n "$(hints "$T/log")" ] || fail "$mode: no write-out started"
	[ -z "$(by_copiers "$T/log")" ] ||
	    fail "$mode: a copying thread waited on a write-out"
	# Each piece of 1 MiB or more, never a small file's.
	if hints "$T/log" | grep -Eq ', [0-9]{1,6}, SYNC_FILE_RANGE_WRITE'; then
		fail "$mode: a piece under 1 MiB was hinted"
	fi
	pass
done

# Under the threshold: the copy stays in the page cache, as cp's.
PARCP_WRITEOUT_BG=1000000000000 copy_traced
[ -z "$(hints "$T/log")" ] || fail "under the threshold: a hint"
pass

# --fsync writes everything out itself (and waits): no hint besides.
PARCP_WRITEOUT_BG=1 copy_traced --fsync
[ -z "$(hints "$T/log")" ] || fail "--fsync: a hint"
pass

# Small files only: no hint.
rm -rf "$T/dst"
PARCP_WRITEOUT_BG=1 run traced -f -qq -o "$T/log" -e trace=sync_file_range \
    "$PARCP" -a "$S/small" "$T/dst"
expect_rc 0 "small files"
[ -z "$(hints "$T/log")" ] || fail "small files: a hint"
"$TREECMP" "$S/small" "$T/dst" || fail "small files: the copy differs"
pass

# A memory file system has nothing to write out.
mkdir "$T/mnt1"
if mount -t tmpfs -o size=64m parcp-test "$T/mnt1" 2>/dev/null; then
	PARCP_WRITEOUT_BG=1 run traced -f -qq -o "$T/log" \
	    -e trace=sync_file_range "$PARCP" -a "$S" "$T/mnt1/dst"
	expect_rc 0 "tmpfs"
	[ -z "$(hints "$T/log")" ] || fail "tmpfs: a hint"
	"$TREECMP" "$S" "$T/mnt1/dst" || fail "tmpfs: the copy differs"
	pass
else
	echo "writeout: cannot mount tmpfs here; that case not checked"
fi

done_tests
