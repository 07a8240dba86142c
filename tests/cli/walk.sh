#!/bin/bash
# The walk, quickly: a tree deeper than the walk's first stack of open
# directories (64), copied with -r and compared entry by entry; a FIFO
# given without -r copied as what it holds (as cp does); --parents making
# each directory on the way once, with -p their attributes, against cp.
. "$TESTLIB"
cd "$T"

# 100 levels, a file at every tenth.
p=deep
for i in $(seq 100); do
	p=$p/d$i
	mkdir -p "$p"
	[ $((i % 10)) -ne 0 ] || echo "level $i" >"$p/f"
done
run "$PARCP" -r -j 2 deep copy
expect_rc 0 "deep"
[ ! -s "$T/err" ] || fail "deep: $(cat "$T/err")"
diff -r deep copy >"$T/diff" || fail "deep: $(head -5 "$T/diff")"
[ "$(find copy | wc -l)" -eq "$(find deep | wc -l)" ] ||
    fail "deep: $(find copy | wc -l) entries, $(find deep | wc -l) in deep"
pass

# A FIFO without -r: what a writer puts in it, in a regular file (cp's
# behaviour); with -r it would be a FIFO again.
mkfifo fifo
head -c 100000 /dev/urandom >data
# (the writer gives up after 5 s, should nothing open the FIFO)
timeout 5 sh -c 'cat data >fifo' &
run "$PARCP" fifo out
wait
expect_rc 0 "fifo"
[ -f out ] && [ ! -p out ] || fail "fifo: out is not a regular file"
cmp data out || fail "fifo: contents"
pass

# --parents: a/b/c into dst makes dst/a/b/c; -p gives a and b the modes
# and mtimes of the source's, as cp does.
mkdir -p a/b
echo c >a/b/c
chmod 750 a/b
touch -d 2001-02-03 a/b a
for opt in "" -p; do
	rm -rf dst cpdst
	mkdir dst cpdst
	run "$PARCP" $opt --parents a/b/c dst
	expect_rc 0 "--parents $opt"
	cp $opt --parents a/b/c cpdst
	cmp a/b/c dst/a/b/c || fail "--parents $opt: a/b/c"
	# Without -p both trees' directories are stamped "now", which may fall
	# on either side of a second's boundary: compare mtimes only with -p.
	fmt='%F %a'
	[ "$opt" = -p ] && fmt='%F %a %Y'
	for d in a a/b; do
		[ "$(stat -c "$fmt" "dst/$d")" = "$(stat -c "$fmt" "cpdst/$d")" ] ||
		    fail "--parents $opt: $d: $(stat -c "$fmt" "dst/$d"), cp: $(stat -c "$fmt" "cpdst/$d")"
	done
	[ "$(cd dst && find . | sort)" = "$(cd cpdst && find . | sort)" ] ||
	    fail "--parents $opt: $(cd dst && find . | sort)"
done
pass
done_tests
