#!/bin/bash
# Failures in the middle of a copy, injected with the LD_PRELOAD shim or
# provoked for real: the file is not copied, its temp file is removed, an
# existing destination keeps its old contents, and the error is one line.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
# The shim comes before a sanitizer runtime in the preload order.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

mkfile "$T/src" 8388608
mkfile "$T/old" 1000
cp "$T/old" "$T/old.orig"

# shim VAR=VALUE -- parcp args: run parcp with one fault injected.
shim() {
	local var=$1
	shift
	run env LD_PRELOAD="$FAULTSHIM" "$var" "$PARCP" "$@"
}

# after_failure: old DEST intact, no temp file, no stray final name.
after_failure() {
	cmp "$T/old" "$T/old.orig" || fail "$1: existing DEST damaged"
	no_temps "$T"
	pass
}

# Each case: the fault to inject | the source | the one stderr line.
# (copy_file_range, which -j 1 uses, cannot tell a read error from a
# write error: it says "copy" and names the destination.)
# "moving" is a fresh copy of src each time, shrunk or grown by the shim.
cases=(
	"PARCP_SHIM_EIO_AT=5000000|src|^parcp: ($T/src: read|$T/old: copy): Input/output error\$"
	"PARCP_SHIM_ENOSPC_AT=7000000|src|^parcp: $T/old: (write|copy): No space left on device\$"
	"PARCP_SHIM_KILL_AT=3000000|src|^parcp: $T/src: worker killed by signal 9 \\(Killed\\)\$"
	"PARCP_SHIM_TRUNCATE=$T/moving:1000000|moving|^parcp: $T/moving: file (shrank|changed) while being copied\$"
	"PARCP_SHIM_TRUNCATE=$T/moving:9000000|moving|^parcp: $T/moving: file changed while being copied\$"
)
for mode in pool fork; do
	for j in 1 3; do
		for c in "${cases[@]}"; do
			IFS='|' read -r fault from msg <<<"$c"
			what="$fault $mode -j $j"
			cp "$T/src" "$T/moving"
			shim "$fault" -j $j --mode=$mode --chunk-size=1M \
			    "$T/$from" "$T/old"
			expect_rc 1 "$what"
			expect_err "$msg"
			after_failure "$what"
		done
	done
done

# A worker killed right after it reported a task: that task is done (not
# run again, not failed), a new worker takes the rest; all copied, exit 0.
for mode in pool fork; do
	rm -rf "$T/dk" "$T/die.mark"
	mkdir "$T/dk"
	for i in 1 2 3 4 5 6; do mkfile "$T/dk/f$i" 20000; done
	shim PARCP_SHIM_DIE_AFTER_RESULT="$T/die.mark" -r -j 2 --mode=$mode \
	    "$T/dk" "$T/dkcopy.$mode"
	expect_rc 0 "a worker killed after its result ($mode)"
	[ -e "$T/die.mark" ] || fail "$mode: no worker was killed"
	for i in 1 2 3 4 5 6; do
		cmp "$T/dk/f$i" "$T/dkcopy.$mode/f$i" ||
		    fail "$mode: f$i not copied after a worker died"
	done
	no_temps "$T/dkcopy.$mode"
	pass
done

# A worker killed in the middle of a batch, after the results of its
# first files are published and before it reports them: they are taken
# from its ring, not copied again; the file it died on is retried once;
# the rest is copied by its replacement (pool) or the next child (fork).
for mode in pool fork; do
	rm -rf "$T/dk" "$T/die.mark" "$T/dkcopy.$mode"
	mkdir "$T/dk"
	for i in 1 2 3 4 5 6; do mkfile "$T/dk/f$i" 20000; done
	# (LeakSanitizer cannot run under ptrace: a sanitizer build's leaks
	# are checked by the other cases.)
	strace -f -qq -e trace=openat -o "$T/opens" env \
	    ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" \
	    LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_KILL_READING="$T/dk/f4" \
	    PARCP_SHIM_KILL_ONCE="$T/die.mark" \
	    "$PARCP" -r -j 1 --mode=$mode "$T/dk" "$T/dkcopy.$mode" \
	    >"$T/out" 2>"$T/err" && rc=0 || rc=$?
	expect_rc 0 "a worker killed mid-batch ($mode)"
	[ -e "$T/die.mark" ] || fail "$mode: no worker was killed mid-batch"
	for i in 1 2 3 4 5 6; do
		cmp "$T/dk/f$i" "$T/dkcopy.$mode/f$i" ||
		    fail "$mode: f$i not copied after a worker died mid-batch"
		n=$(grep -c "\"$T/dk/f$i\"\|, \"f$i\", O_RDONLY" "$T/opens" ||
		    :)
		want=1
		[ "$i" -ne 4 ] || want=2
		[ "$n" -eq "$want" ] ||
		    fail "$mode: f$i opened $n times, not $want"
	done
	no_temps "$T/dkcopy.$mode"
	pass
done

# The other files of the run are still copied when one fails.
mkdir "$T/dest"
mkfile "$T/small" 3000
shim PARCP_SHIM_EIO_AT=5000000 -j 2 "$T/src" "$T/small" "$T/dest"
expect_rc 1 "one of two fails"
cmp "$T/small" "$T/dest/small" || fail "the good file was not copied"
[ ! -e "$T/dest/src" ] || fail "the failed file has a final name"
no_temps "$T/dest"
pass

# The extents of a sparse file cannot be asked for (SEEK_DATA fails, as
# on a network file system that fails the query): planning it fails, split
# (-j 3) or whole, and neither its part nor its journal is left.
mkdir "$T/sk"
head -c 100000 /dev/urandom >"$T/sk/sp"
truncate -s 9M "$T/sk/sp"
mkfile "$T/sk/small" 3000
for j in 1 3; do
	rm -rf "$T/skd"
	mkdir "$T/skd"
	shim PARCP_SHIM_SEEK_FAIL="$T/sk/sp" -j $j --chunk-size=1M \
	    "$T/sk/sp" "$T/sk/small" "$T/skd"
	expect_rc 1 "extents unknown -j $j"
	expect_err "^parcp: $T/sk/sp: seek: Input/output error\$"
	[ ! -e "$T/skd/sp" ] || fail "extents unknown -j $j: a final name"
	cmp "$T/sk/small" "$T/skd/small" ||
	    fail "extents unknown -j $j: the other file not copied"
	[ "$(ls -A "$T/skd")" = small ] ||
	    fail "extents unknown -j $j: left $(ls -A "$T/skd")"
	pass
done

# A real full disk: a 2 MiB tmpfs (needs root to mount).
if [ "$(id -u)" -eq 0 ]; then
	mkdir "$T/mnt"
	mount -t tmpfs -o size=2m parcp-test "$T/mnt"
	cp "$T/old" "$T/mnt/old"
	for mode in pool fork; do
		run "$PARCP" -j 2 --mode=$mode --chunk-size=1M "$T/src" \
		    "$T/mnt/old"
		expect_rc 1 "full disk $mode"
		expect_err "^parcp: $T/mnt/old: write: No space left on device$"
		cmp "$T/mnt/old" "$T/old.orig" || fail "full disk: DEST damaged"
		no_temps "$T/mnt"
		[ "$(df --output=used -k "$T/mnt" | tail -1)" -lt 100 ] ||
		    fail "full disk: space not given back"
		pass
	done
	umount "$T/mnt"
else
	echo "not root: the full-disk case ran through the shim only"
fi

# A worker that cannot be forked (strace fails the clone): the run stops
# granting, says so in one line and fails the file in a second; nothing
# is copied, an existing destination is kept, no temp is left.
if command -v strace >/dev/null; then
	eagain='Resource temporarily unavailable'
	for mode in pool fork; do
		rm -f "$T/new"
		run traced -f -o /dev/null -e inject=clone:error=EAGAIN:when=1 \
		    "$PARCP" -j 2 --mode=$mode "$T/src" "$T/new"
		expect_rc 1 "fork fails, $mode"
		[ "$(wc -l <"$T/err")" -eq 2 ] ||
		    fail "fork fails, $mode: not two lines: $(cat "$T/err")"
		grep -qx "parcp: fork: $eagain" "$T/err" ||
		    fail "fork fails, $mode: fork not named"
		grep -qx "parcp: $T/src: worker failed: $eagain" "$T/err" ||
		    fail "fork fails, $mode: the file not failed"
		[ ! -e "$T/new" ] || fail "fork fails, $mode: new landed"
		run traced -f -o /dev/null -e inject=clone:error=EAGAIN:when=1 \
		    "$PARCP" -j 2 --mode=$mode "$T/src" "$T/old"
		expect_rc 1 "fork fails over old, $mode"
		after_failure "fork fails, $mode"
	done
fi

done_tests
