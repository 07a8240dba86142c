#!/bin/bash
# Copies: sizes around block and chunk edges, both modes, several -j and
# odd chunk sizes, compared byte for byte; naming and metadata basics.
. "$TESTLIB"

# size:chunk pairs; chunks are odd so ranges straddle blocks and buffers.
for sc in 0:1 1:1 4095:1000 4096:1000 4097:1000 1048577:65537 \
    104857600:12345679; do
	size=${sc%%:*}
	chunk=${sc##*:}
	mkfile "$T/src" "$size"
	for mode in pool fork; do
		for j in 1 2 3 8; do
			rm -f "$T/dst"
			run "$PARCP" -j "$j" --mode="$mode" \
			    --chunk-size="$chunk" --buffer-size=4097 \
			    "$T/src" "$T/dst"
			expect_rc 0 "size $size $mode -j $j"
			cmp "$T/src" "$T/dst" ||
			    fail "size $size $mode -j $j: copy differs"
			[ ! -s "$T/err" ] || fail "size $size: stderr not empty"
			pass
		done
	done
done
no_temps "$T"

# The default chunk and buffer, and the half-and-half copy of the classic
# exercise: two children, each copying one half.
mkfile "$T/src" 3000000
rm -f "$T/dst"
run "$PARCP" -j 2 --mode=fork --chunk-size=1500000 -vv "$T/src" "$T/dst"
expect_rc 0 "half and half"
cmp "$T/src" "$T/dst" || fail "half and half: copy differs"
grep -q "^worker [01]: '$T/src' \[0, 1500000)$" "$T/out" ||
    fail "half and half: first half not reported"
grep -q "^worker [01]: '$T/src' \[1500000, 3000000)$" "$T/out" ||
    fail "half and half: second half not reported"
[ "$(grep -c '^worker' "$T/out")" -eq 2 ] || fail "half and half: 2 ranges"
grep -Fqx "'$T/src' -> '$T/dst'" "$T/out" || fail "-v line missing"
pass

# DEST is a directory: the copy lands under the source's name.
mkdir "$T/dir"
run "$PARCP" "$T/src" "$T/dir"
expect_rc 0 "into a directory"
cmp "$T/src" "$T/dir/src" || fail "into a directory: differs"
run "$PARCP" "$T/src" "$T/dir/"
expect_rc 0 "into a directory with a slash"
cmp "$T/src" "$T/dir/src" || fail "into dir/: differs"
pass

# Several sources into a directory.
mkfile "$T/a" 5000
mkfile "$T/b" 7000
mkdir "$T/multi"
run "$PARCP" -j 3 "$T/a" "$T/b" "$T/multi"
expect_rc 0 "several sources"
cmp "$T/a" "$T/multi/a" && cmp "$T/b" "$T/multi/b" ||
    fail "several sources: differs"
pass

# An existing destination is replaced by the whole new copy.
mkfile "$T/old" 9999999
run "$PARCP" -j 2 --chunk-size=100000 "$T/src" "$T/old"
expect_rc 0 "overwrite"
cmp "$T/src" "$T/old" || fail "overwrite: differs"
pass

# Permission bits: the source's minus the umask, as cp.
chmod 0754 "$T/a"
rm -f "$T/perm"
(umask 022 && "$PARCP" "$T/a" "$T/perm") || fail "mode copy failed"
[ "$(stat -c %a "$T/perm")" = 754 ] || fail "mode: $(stat -c %a "$T/perm")"
rm -f "$T/perm"
(umask 027 && "$PARCP" "$T/a" "$T/perm") || fail "mode copy failed"
[ "$(stat -c %a "$T/perm")" = 750 ] || fail "umask: $(stat -c %a "$T/perm")"
pass

# A symlink as DEST: written through, as cp does; the link stays a link.
mkfile "$T/target" 10
ln -s target "$T/link"
run "$PARCP" "$T/a" "$T/link"
expect_rc 0 "through a symlink"
[ -L "$T/link" ] || fail "symlink replaced"
cmp "$T/a" "$T/target" || fail "symlink target not written"
pass

# --stats reports what was copied.
rm -f "$T/dst"
run "$PARCP" -j 2 --stats "$T/src" "$T/dst"
expect_rc 0 "--stats"
grep -Eq '^copied 3000000 bytes \(2\.86 MiB\) in [0-9.]+ s, ' "$T/out" ||
    fail "--stats: bytes line"
grep -Eq '^files 1 copied, 0 failed; 0 directories; [0-9]+ tasks; jobs 2, mode pool' \
    "$T/out" || fail "--stats: files line"
sum=$(awk '/^worker [0-9]+: [0-9]+ bytes$/ { s += $3 } END { print s }' \
    "$T/out")
[ "$sum" = 3000000 ] || fail "--stats: workers' bytes add up to $sum"
pass

# --debug first says what parcp found DEST on and what it chose there.
mkfile "$T/src" 1000
n=$(nproc)
on_mem=
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && on_mem=/dev/shm
case $(stat -f -c %T "$T") in
ext2/ext3|xfs|btrfs) on_disk=$T ;;
*) on_disk= ;;
esac
for where in $on_mem $on_disk; do
	d=$(mktemp -d "$where/parcp-cli.XXXXXX")
	for split in auto never; do
		run "$PARCP" --debug --split=$split "$T/src" "$d/dst.$split"
		expect_rc 0 "--debug, $where, --split=$split"
		if [ "$where" = "$on_mem" ]; then
			want="is on memory: -j $n, --split=${split/auto/always}"
		elif [ $split = never ] || [ "$n" -eq 1 ]; then
			want="is on a disk: -j [0-9]+, --split=${split/auto/always}"
		else
			want="is on a disk: -j [0-9]+, --split=always \(a file's ranges in runs, one per CPU\)"
		fi
		head -1 "$T/err" | grep -Eqx "parcp: '$d/dst.$split' $want" ||
		    fail "--debug, $where, --split=$split: $(head -1 "$T/err")"
	done
	rm -rf "$d"
	pass
done

# Every engine, and --direct and --nocache, in both modes, odd chunks.
mkfile "$T/src" 10485761
for how in "--engine=pread" "--engine=copy_file_range" "--engine=reflink" \
    "--engine=auto" "--direct" "--nocache" "--engine=copy_file_range --nocache"; do
	for mode in pool fork; do
		rm -f "$T/dst"
		run "$PARCP" -j 3 --mode=$mode --chunk-size=3333333 --debug \
		    $how "$T/src" "$T/dst"
		expect_rc 0 "$how $mode"
		cmp "$T/src" "$T/dst" || fail "$how $mode: copy differs"
		grep -Fqx "'$T/src' -> '$T/dst'" "$T/out" &&
		    grep -Eqx "copy offload: (yes|no|avoided|unsupported), reflink: (yes|no|unsupported), sparse detection: no" \
		    "$T/out" || fail "$how: --debug does not say the engine"
		pass
	done
done
run "$PARCP" --engine=sendfile "$T/src" "$T/dst"
expect_rc 1 "bad engine"
grep -q "invalid engine 'sendfile'" "$T/err" || fail "bad engine: message"
pass

# auto on tmpfs (measured, bench/): copy_file_range for a file one worker
# copies whole, pread for a file split among workers; with -j 1 a split
# file has one worker too (no ranges of it written at once): offload.
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
	d=$(mktemp -d /dev/shm/parcp-cli.XXXXXX)
	head -c 900000 /dev/urandom >"$d/src"		# < 1 MiB: one task
	"$PARCP" --debug "$d/src" "$d/whole" >"$T/out" ||
	    fail "tmpfs copy failed"
	"$PARCP" --debug -j 2 --chunk-size=100K "$d/src" "$d/split" \
	    >>"$T/out" || fail "tmpfs copy failed"
	"$PARCP" --debug -j 1 --chunk-size=100K "$d/src" "$d/one" \
	    >>"$T/out" || fail "tmpfs copy failed"
	cmp "$d/src" "$d/whole" && cmp "$d/src" "$d/split" &&
	    cmp "$d/src" "$d/one" || fail "tmpfs copy differs"
	rm -rf "$d"
	grep -A1 "whole'$" "$T/out" | grep -q "^copy offload: yes," &&
	    grep -A1 "split'$" "$T/out" | grep -q "^copy offload: no," &&
	    grep -A1 "one'$" "$T/out" | grep -q "^copy offload: yes," ||
	    fail "auto on tmpfs: $(cat "$T/out")"
	pass
fi

no_temps "$T"
no_temps "$T/dir"
done_tests
