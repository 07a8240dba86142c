#!/bin/bash
# Later tasks: a split file is finished (checked, sealed, hashed for
# --manifest, renamed) by a worker, as a task queued when its last range
# is done; a hard link is made by a worker once its first copy is in
# place, and a directory's metadata set by a worker once all in it is.
# The parent only accounts.  Proven by who the kernel saw do it.
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
# Links and directory metadata, by workers, after what they wait for:
# the directories' times are the source's, so nothing came after them.
mkdir -p "$T/s/d1/d2/d3"
echo a >"$T/s/d1/f"
ln "$T/s/d1/f" "$T/s/d1/d2/d3/g"
ln "$T/s/d1/f" "$T/s/h"
for d in d1/d2/d3 d1/d2 d1; do touch -d 2001-01-01 "$T/s/$d"; done
chmod 555 "$T/s/d1/d2"
for mode in pool fork; do
	rm -rf "$T/d" "$T/log"
	run traced -f -qq -o "$T/log" -e trace=execve,linkat,utimensat \
	    "$PARCP" -a -j 2 --mode=$mode "$T/s" "$T/d"
	expect_rc 0 "tree $mode"
	parent=$(grep -m1 execve "$T/log" | cut -d" " -f1)
	# The links' linkat (a new file's naming, AT_EMPTY_PATH, is not one)
	[ "$(grep -v AT_EMPTY_PATH "$T/log" | grep -c 'linkat(')" -eq 2 ] ||
	    fail "tree $mode: not two links: $(grep linkat "$T/log")"
	! grep -E "^$parent +(linkat|utimensat)\(" "$T/log" >/dev/null ||
	    fail "tree $mode: the parent linked or set times"
	for d in d1/d2/d3 d1/d2 d1; do
		[ "$(stat -c %Y "$T/d/$d")" = "$(stat -c %Y "$T/s/$d")" ] ||
		    fail "tree $mode: $d's mtime moved"
	done
	[ "$(stat -c %a "$T/d/d1/d2")" = 555 ] || fail "tree $mode: mode"
	[ "$(stat -c %h "$T/d/d1/f")" = 3 ] || fail "tree $mode: links"
	[ "$(stat -c %i "$T/d/d1/f")" = "$(stat -c %i "$T/d/h")" ] ||
	    fail "tree $mode: h is not f"
	pass
done
echo "finish: $npass passed"
