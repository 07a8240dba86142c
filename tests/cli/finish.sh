#!/bin/bash
# A split file is finished (checked, sealed, hashed for --manifest,
# renamed) by a worker, as a task queued when its last range is done: the
# parent only accounts.  Proven by who the kernel saw rename the part.
. "$TESTLIB"

mkfile "$T/big" $((6 << 20))
for mode in pool fork; do
	rm -rf "$T/dst" "$T/log" "$T/sums"
	run traced -f -qq -o "$T/log" -e trace=execve,rename,renameat,renameat2 \
	    "$PARCP" -j 2 --mode=$mode --chunk-size=1M --manifest "$T/sums" \
	    "$T/big" "$T/dst"
	expect_rc 0 "$mode"
	cmp "$T/big" "$T/dst" || fail "$mode: copy differs"
	parent=$(grep -m1 execve "$T/log" | cut -d" " -f1)
	# renameat(DIRFD, ".parcp.dst.HASH.part", DIRFD, "dst")
	who=$(grep -E 'rename.*"\.parcp\.dst\.[0-9a-f]+\.part", [0-9]+, "dst"\)' \
	    "$T/log" | cut -d' ' -f1 | head -1)
	[ -n "$who" ] || fail "$mode: no rename of the part: $(cat "$T/log")"
	[ "$who" != "$parent" ] ||
	    fail "$mode: the parent ($parent) renamed the part"
	# the worker hashed the whole file for --manifest
	[ "$(cut -d' ' -f1 "$T/sums")" = "$(xxh128sum "$T/big" |
	    cut -d' ' -f1)" ] || fail "$mode: manifest: $(cat "$T/sums")"
	pass
done
echo "finish: $npass passed"
