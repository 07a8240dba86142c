#!/bin/bash
# The I/O edges the kernel may hand parcp: short reads and writes (every
# transfer cut to a few KiB), a write that returns 0, copy_file_range
# refused (EXDEV, ENOSYS: the pread fallback), renameat2 without
# RENAME_NOREPLACE (the -n fallback), a copy from tmpfs to another file
# system; and each engine proven by the system calls parcp makes (strace),
# not by its -v text.
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
mkfile "$T/src" $((5 * 1024 * 1024 + 4321))
mkdir "$T/tree"
for i in 1 2 3 4; do mkfile "$T/tree/f$i" $((i * 70000)); done

# Short transfers: right copies, every engine and mode; reads and writes
# cut apart, so a short write is followed by the rest of its buffer.
for engine in pread copy_file_range reflink auto; do
	for mode in pool fork; do
		rm -rf "$T/dst" "$T/tdst"
		run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SHORT_WRITE=4097 "$PARCP" \
		    -j 2 --mode=$mode --engine=$engine --chunk-size=1M \
		    --buffer-size=64K "$T/src" "$T/dst"
		expect_rc 0 "short transfers, $engine $mode"
		cmp "$T/src" "$T/dst" || fail "short transfers, $engine $mode: differs"
		run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SHORT_READ=1000 "$PARCP" \
		    -a --mode=$mode --engine=$engine "$T/tree" "$T/tdst"
		expect_rc 0 "short transfers, tree, $engine $mode"
		"$TREECMP" "$T/tree" "$T/tdst" >/dev/null ||
		    fail "short transfers, tree, $engine $mode: differs"
	done
done
pass

# Short transfers in the tar modes: a streamed extraction writes each
# block at its offset; a parallel archive is written at offsets too.
cp "$T/src" "$T/tree/big"
tar --format=pax -czf "$T/t.tgz" -C "$T" tree
for a in t.tgz; do
	rm -rf "$T/x"
	run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SHORT_WRITE=3000 "$PARCP" -a \
	    --from-tar="$T/$a" "$T/x"
	expect_rc 0 "short transfers, --from-tar=$a"
	"$TREECMP" "$T/tree" "$T/x/tree" >/dev/null ||
	    fail "short transfers, --from-tar=$a: differs"
done
rm -rf "$T/x"
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SHORT_WRITE=3000 "$PARCP" -a -j 2 \
    --chunk-size=1M --to-tar="$T/t.tar" "$T/tree"
expect_rc 0 "short transfers, --to-tar"
mkdir "$T/x"
tar -xf "$T/t.tar" -C "$T/x"
cmp "$T/tree/big" "$T/x/${T#/}/tree/big" || fail "short transfers, --to-tar: differs"
rm "$T/tree/big"
pass

# A write that returns 0: an error (EIO), not a loop; the old file stays.
echo old >"$T/old"
run timeout 60 env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_ZERO_WRITE="$T/.parcp.*" \
    "$PARCP" --engine=pread "$T/src" "$T/old"
expect_rc 1 "a zero-byte write"
grep -q "Input/output error" "$T/err" || fail "zero write: $(cat "$T/err")"
[ "$(cat "$T/old")" = old ] || fail "zero write: the old file was replaced"
no_temps "$T"
pass

# copy_file_range refused: the copy falls back to pread/pwrite, and says so
# in its system calls.
for e in 18 38 95; do
	rm -f "$T/dst"
	run traced -f -qq -o "$T/trace" -e trace=copy_file_range,pread64,pwrite64 \
	    env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_CFR_ERRNO=$e "$PARCP" -j 2 \
	    --engine=copy_file_range --chunk-size=1M "$T/src" "$T/dst"
	expect_rc 0 "copy_file_range errno $e"
	cmp "$T/src" "$T/dst" || fail "copy_file_range errno $e: differs"
	grep -q 'pwrite64(' "$T/trace" || fail "errno $e: no pread fallback"
done
pass

# renameat2 without RENAME_NOREPLACE: -n keeps what is there, makes what
# is not, by a hard link.
echo kept >"$T/keep"
rm -f "$T/new"
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_RENAME_EINVAL=1 "$PARCP" -n \
    "$T/tree/f1" "$T/keep"
expect_rc 0 "-n, no RENAME_NOREPLACE, existing"
[ "$(cat "$T/keep")" = kept ] || fail "-n replaced a file (EINVAL fallback)"
run env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_RENAME_EINVAL=1 "$PARCP" -n \
    "$T/tree/f1" "$T/new"
expect_rc 0 "-n, no RENAME_NOREPLACE, new"
cmp "$T/tree/f1" "$T/new" || fail "-n fallback: not copied"
no_temps "$T"
pass

# Each engine as the kernel sees it: pread makes no copy_file_range call,
# copy_file_range does, reflink asks FICLONERANGE first.
for engine in pread copy_file_range reflink; do
	rm -f "$T/dst"
	run traced -f -qq -o "$T/trace" -e trace=copy_file_range,ioctl,pwrite64 \
	    "$PARCP" -j 2 --engine=$engine --chunk-size=1M "$T/src" "$T/dst"
	expect_rc 0 "engine $engine"
	cmp "$T/src" "$T/dst" || fail "engine $engine: differs"
	cfr=$(grep -c 'copy_file_range(' "$T/trace" || :)
	clone=$(grep -c 'FICLONERANGE\|0x4020940d' "$T/trace" || :)
	case $engine in
	pread)	[ "$cfr" -eq 0 ] && [ "$clone" -eq 0 ] ||
		    fail "pread made $cfr copy_file_range, $clone clone calls" ;;
	copy_file_range) [ "$cfr" -gt 0 ] ||
		    fail "copy_file_range: none was called" ;;
	reflink) [ "$clone" -gt 0 ] || fail "reflink: no FICLONERANGE" ;;
	esac
done
pass

# From tmpfs to this file system (another one, where both exist).
if shm=$(mktemp -d /dev/shm/parcp-test.XXXXXX 2>/dev/null); then
	trap 'rm -rf "$shm"; cleanup' EXIT
	cp "$T/src" "$shm/src"
	cp -r "$T/tree" "$shm/tree"
	if [ "$(stat -f -c %T "$shm")" != "$(stat -f -c %T "$T")" ]; then
		for engine in auto copy_file_range reflink; do
			rm -rf "$T/x" "$T/xt"
			run "$PARCP" -j 2 --engine=$engine --chunk-size=1M \
			    "$shm/src" "$T/x"
			expect_rc 0 "tmpfs to disk, $engine"
			cmp "$shm/src" "$T/x" || fail "tmpfs to disk, $engine"
			run "$PARCP" -a --engine=$engine "$shm/tree" "$T/xt"
			expect_rc 0 "tmpfs to disk, tree, $engine"
			"$TREECMP" "$shm/tree" "$T/xt" >/dev/null ||
			    fail "tmpfs to disk, tree, $engine: differs"
		done
		pass
	fi
fi
echo "$npass passed, 0 failed"
