#!/bin/bash
# Archives cut short or damaged, extracted with --from-tar four ways (a
# seekable .tar, a .tar.gz, each also through a pipe): libarchive's error
# is said once per failure (one line: the lines are counted) with the
# archive's name, the exit status is 1,
# the members before the damage are extracted whole, and the member it
# hit leaves neither a partial file nor a temp.
. "$TESTLIB"
cd "$T"

mkdir src
echo one >src/a
head -c 300000 /dev/urandom >src/big
echo two >src/b
tar -cf a.tar -C src a big b
# a: blocks 0-1; big: header at 1024, data 1536-301567; b's header: 301568
head -c 301668 a.tar >cut-header.tar		# inside b's header
head -c 100000 a.tar >cut-data.tar		# inside big's data
cp a.tar damaged.tar				# b's header checksum
printf XXXXXXXX | dd of=damaged.tar bs=1 seek=$((301568 + 148)) \
    conv=notrunc status=none
for f in cut-header cut-data damaged; do
	gzip -c $f.tar >$f.tgz
done

# extract HOW ARCH: into d, from the file or through a pipe.
extract() {
	rm -rf d
	if [ "$1" = pipe ]; then
		run sh -c 'cat "$1" | "$PARCP" --from-tar=- d' sh "$2"
	else
		run "$PARCP" --from-tar="$2" d
	fi
}

for how in file pipe; do
	for z in tar tgz; do
		a=cut-header.$z
		name=$a
		[ $how = file ] || name=-
		extract $how $a
		expect_rc 1 "$how $a"
		expect_err "^parcp: '$name': Truncated tar archive$"
		cmp src/a d/a || fail "$how $a: a"
		cmp src/big d/big || fail "$how $a: big"
		[ ! -e d/b ] || fail "$how $a: b was made"
		no_temps d
		pass

		a=cut-data.$z
		name=$a
		[ $how = file ] || name=-
		extract $how $a
		expect_rc 1 "$how $a"
		if [ $how = file ] && [ $z = tar ]; then
			expect_err "^parcp: cannot extract 'big': truncated archive: the member's data runs past its end$"
		else
			[ "$(wc -l <"$T/err")" -eq 2 ] ||
			    fail "$how $a: $(cat "$T/err")"
			grep -qx "parcp: '$name': Truncated tar archive" \
			    "$T/err" || fail "$how $a: $(cat "$T/err")"
			grep -qx "parcp: cannot extract 'big': read: Input/output error" \
			    "$T/err" || fail "$how $a: $(cat "$T/err")"
		fi
		cmp src/a d/a || fail "$how $a: a"
		[ ! -e d/big ] || fail "$how $a: a partial big"
		no_temps d
		pass

		a=damaged.$z
		name=$a
		[ $how = file ] || name=-
		extract $how $a
		expect_rc 1 "$how $a"
		# libarchive retries b's header, then its data block: one
		# damaged region, one line.
		expect_err "^parcp: '$name': Damaged tar archive$"
		cmp src/a d/a || fail "$how $a: a"
		cmp src/big d/big || fail "$how $a: big"
		[ ! -e d/b ] || fail "$how $a: b was made"
		no_temps d
		pass
	done
done

# More damage, each said once: 20 blocks of garbage between a and big (a
# retry per block), and a damaged header before a GNU sparse member (the
# index, which reads a plain archive first, leaves it to the streamed
# pass).  The members after the damage are extracted whole.
(head -c 1024 a.tar; head -c 10240 /dev/zero | tr '\0' G
    tail -c +1025 a.tar) >garbage.tar
mkdir sp
truncate -s 1M sp/hole
echo tail >>sp/hole
tar -cf sparse.tar -C src a b -C ../sp --sparse hole
# a: blocks 0-1; b: 1024-2047; hole's header, of type S: 2048
[ "$(dd if=sparse.tar bs=1 skip=$((2048 + 156)) count=1 status=none)" = S ] ||
    fail "sparse.tar: hole is not a GNU sparse member"
printf XXXXXXXX | dd of=sparse.tar bs=1 seek=$((1024 + 148)) conv=notrunc \
    status=none
for f in garbage sparse; do
	gzip -c $f.tar >$f.tgz
done
for how in file pipe; do
	for a in garbage.tar garbage.tgz sparse.tar sparse.tgz; do
		name=$a
		[ $how = file ] || name=-
		extract $how $a
		expect_rc 1 "$how $a"
		expect_err "^parcp: '$name': Damaged tar archive$"
		case $a in
		garbage.*)
			cmp src/a d/a || fail "$how $a: a"
			cmp src/big d/big || fail "$how $a: big"
			cmp src/b d/b || fail "$how $a: b" ;;
		sparse.*)
			cmp src/a d/a || fail "$how $a: a"
			[ ! -e d/b ] || fail "$how $a: b was made"
			cmp sp/hole d/hole || fail "$how $a: hole" ;;
		esac
		no_temps d
		pass
	done
done

# Not an archive at all; no archive; an empty one (libarchive's "empty"
# format: nothing to extract, not an error).
head -c 5000 /dev/urandom >junk.tar
: >empty.tar
for how in file pipe; do
	name=junk.tar
	[ $how = file ] || name=-
	extract $how junk.tar
	expect_rc 1 "$how junk"
	expect_err "^parcp: '$name': Unrecognized archive format$"
	# From a file the archive is opened before DEST is made: no DEST.
	# Through a pipe DEST is made first, and stays empty.
	if [ $how = file ]; then
		[ ! -e d ] || fail "$how junk: d was made"
	else
		[ -z "$(ls -A d)" ] || fail "$how junk: $(ls -A d)"
	fi
	extract $how empty.tar
	expect_rc 0 "$how empty"
	[ ! -s "$T/err" ] || fail "$how empty: $(cat "$T/err")"
	pass
done
run "$PARCP" --from-tar=missing.tar d
expect_rc 1 "missing"
expect_err "^parcp: 'missing.tar': No such file or directory$"
pass
done_tests
