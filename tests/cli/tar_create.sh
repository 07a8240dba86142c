#!/bin/bash
# --to-tar is never half-true.  A member whose data cannot be read once its
# header is in (EIO mid-member, a file that shrank, grew or vanished) or an
# archive that cannot be written fails the whole archive: the old FILE is
# intact, no temp archive is left, exit 1, one line naming the member.  A
# member unreadable at open is left out with a warning.  Signals remove the
# temp; leftovers of dead runs are swept (by flock, not pid).  Streams
# (standard output, a FIFO, a device), compression by suffix and
# --compress, sparse members, --manifest, usage errors.
#
# Each case is a function t_NAME; ONLY=t_NAME runs just that one (to check
# that each fails against an older parcp).
. "$TESTLIB"

: "${FAULTSHIM:?FAULTSHIM must name tests/faultshim.so}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
XATTRS=(--xattrs --xattrs-include='*' --acls)
cd "$T"

same() {
	"$TREECMP" "$1" "$2" >"$T/diff" 2>&1 || fail "$3: $(head -5 "$T/diff")"
}

# fresh NAME: arc/ holds only arc/NAME, an old archive (a copy of old.tar).
fresh() {
	cd "$T"
	rm -rf arc x
	mkdir arc
	cp old.tar "arc/$1"
}

# intact NAME WHAT: arc/NAME is still the old archive, and nothing else
# (no temp archive) is in arc/.
intact() {
	cmp -s "arc/$1" old.tar || fail "$2: the old archive changed"
	[ "$(ls -A arc)" = "$1" ] || fail "$2: left in arc/: $(ls -A arc)"
}

# shim VAR=VALUE... -- ARGS...: parcp under the fault shim.
shim() {
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	run env LD_PRELOAD="$FAULTSHIM" "${envs[@]}" "$PARCP" "$@"
}

# members ARCHIVE [TAR OPTIONS]: GNU tar's member count, nothing on stderr.
members() {
	local f=$1
	shift
	tar "$@" -tf "$f" >"$T/list" 2>"$T/terr" ||
	    fail "tar -t $f: $(cat "$T/terr")"
	[ ! -s "$T/terr" ] || fail "tar -t $f warns: $(cat "$T/terr")"
	wc -l <"$T/list"
}

# The fixture: a 3 MiB file read in 64 KiB pieces, small files, a victim.
mkdir -p src/dir
mkfile src/big $((3 << 20))
for i in 1 2 3; do echo "small $i" >"src/dir/s$i"; done
echo victim >src/victim
echo old >oldsrc
tar -cf old.tar oldsrc
NSRC=$(find src | wc -l)
CA="^parcp: cannot archive"
ENOSPC="write: No space left on device$"

# A read error in the middle of a member: the archive fails, whichever
# writer, worker model or engine.
t_read_fault() {
	local mode engine c n
	for mode in pool fork; do
		for engine in pread auto; do
			# reads counted per process: a forked task is one
			# copy_file_range
			n=2
			[ $mode$engine != forkauto ] || n=1
			fresh a.tar
			shim PARCP_SHIM_READ_FAIL="$T/src/big:$n" -- -j 1 \
			    --mode=$mode --engine=$engine --buffer-size=64K \
			    --to-tar=arc/a.tar src
			expect_rc 1 "read fault $mode $engine"
			expect_err \
			    "$CA 'src/big': (read|copy): Input/output error$"
			intact a.tar "read fault $mode $engine"
		done
	done
	for c in a.tar.gz a.tar.zst; do
		fresh $c
		shim PARCP_SHIM_READ_FAIL="$T/src/big:5" -- --buffer-size=64K \
		    --to-tar=arc/$c src
		expect_rc 1 "read fault, $c"
		expect_err "$CA 'src/big': read: Input/output error$"
		intact $c "read fault, $c"
	done
	pass
}

# The source shrinks, or grows, while it is read.
t_shrank_grew() {
	local c
	for c in a.tar a.tar.gz; do
		fresh $c
		shim PARCP_SHIM_TRUNCATE="$T/src/big:1000" -- -j 1 \
		    --to-tar=arc/$c src
		expect_rc 1 "shrank, $c"
		expect_err "$CA 'src/big': file shrank while being copied$"
		intact $c "shrank, $c"
		mkfile src/big $((3 << 20))
		fresh $c
		shim PARCP_SHIM_TRUNCATE="$T/src/big:4000000" -- -j 1 \
		    --to-tar=arc/$c src
		expect_rc 1 "grew, $c"
		expect_err "$CA 'src/big': file changed while being copied$"
		intact $c "grew, $c"
		mkfile src/big $((3 << 20))
	done
	pass
}

# A member that vanishes after its header is in fails the archive; one
# that vanishes before it is only left out (the streamed writer reads
# src/big, which removes src/victim, before it opens src/victim).
t_vanished() {
	fresh a.tar
	shim PARCP_SHIM_UNLINK="$T/src/victim" -- -j 1 --to-tar=arc/a.tar src
	expect_rc 1 "vanished after its header"
	expect_err "$CA 'src/victim': open: No such file or directory$"
	intact a.tar "vanished after its header"
	echo victim >src/victim
	fresh a.tar.zst
	shim PARCP_SHIM_UNLINK="$T/src/victim" -- --to-tar=arc/a.tar.zst \
	    src/big src/victim
	expect_rc 1 "vanished before its header"
	expect_err \
	    "^parcp: 'src/victim': Cannot open: No such file or directory$"
	[ "$(members arc/a.tar.zst --zstd)" -eq 1 ] ||
	    fail "vanished before its header: $(cat "$T/list")"
	[ "$(ls -A arc)" = a.tar.zst ] || fail "vanished: left $(ls -A arc)"
	echo victim >src/victim
	pass
}

# A file that cannot be opened is left out before its header, as tar does:
# a warning, exit 1, and the archive has everything else.
t_unreadable() {
	local c
	rm -rf u
	mkdir -p u/src u/arc
	echo secret >u/src/secret
	echo fine >u/src/fine
	chmod 000 u/src/secret
	[ "$(id -u)" -eq 0 ] && chown -R nobody u
	for c in a.tar a.tar.gz; do
		run as_user "$PARCP" --to-tar="$T/u/arc/$c" u/src
		expect_rc 1 "unreadable, $c"
		expect_err \
		    "^parcp: 'u/src/secret': Cannot open: Permission denied$"
		[ "$(members u/arc/$c)" -eq 2 ] ||
		    fail "unreadable, $c: $(cat "$T/list")"
		grep -qx u/src/fine "$T/list" || fail "unreadable, $c: no fine"
		no_temps u/arc
	done
	# a hard link to it would dangle: left out too
	ln u/src/secret u/src/link
	run as_user "$PARCP" --to-tar="$T/u/arc/l.tar" u/src
	expect_rc 1 "unreadable, linked"
	grep -Eq "^parcp: 'u/src/(secret|link)': Cannot open: Perm" "$T/err" &&
	    grep -Eq "^parcp: 'u/src/(secret|link)': Cannot link: " "$T/err" &&
	    [ "$(wc -l <"$T/err")" -eq 2 ] ||
	    fail "unreadable, linked: $(cat "$T/err")"
	[ "$(members u/arc/l.tar)" -eq 2 ] ||
	    fail "unreadable, linked: $(cat "$T/list")"
	rm -rf u
	pass
}

# The archive cannot be written (ENOSPC): a worker's data write, the
# parent's header write, the streamed writer's write.
t_write_fault() {
	fresh a.tar
	shim PARCP_SHIM_WRITE_FAIL="$T/arc/*:2" -- -j 1 --engine=pread \
	    --buffer-size=64K --to-tar=arc/a.tar src/big
	expect_rc 1 "data write fault"
	expect_err "$CA 'src/big': $ENOSPC"
	intact a.tar "data write fault"
	fresh a.tar
	shim PARCP_SHIM_WRITE_FAIL="$T/arc/*:1" -- -j 1 --to-tar=arc/a.tar src
	expect_rc 1 "header write fault"
	expect_err "$CA 'src': $ENOSPC"
	intact a.tar "header write fault"
	fresh a.tar.gz
	shim PARCP_SHIM_WRITE_FAIL="$T/arc/*:2" -- --to-tar=arc/a.tar.gz \
	    src/big
	expect_rc 1 "stream write fault"
	expect_err "$CA 'src/big': $ENOSPC"
	intact a.tar.gz "stream write fault"
	pass
}

# wait_temp DIR: until a temp archive shows in DIR (at most 3 s).
wait_temp() {
	for _ in $(seq 300); do
		ls -A "$1" | grep -q '^\.parcp\.' && return 0
		sleep 0.01
	done
	fail "no temp archive appeared in $1"
}

# slow SIG NAME EXIT: parcp (reads slowed down) stopped by SIG while
# writing arc/NAME exits EXIT and leaves the old archive alone.
slow() {
	local pid
	fresh "$2"
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 "$PARCP" -j 2 \
	    --engine=pread --buffer-size=64K --to-tar="arc/$2" src \
	    2>"$T/err" &
	pid=$!
	wait_temp arc
	sleep 0.2
	kill -"$1" $pid 2>/dev/null ||
	    fail "$1, $2: parcp ended before the signal"
	set +e; wait $pid; rc=$?; set -e
	expect_rc "$3" "$1, $2"
	intact "$2" "$1, $2"
}

# Signals remove the temp archive; a stream is cut short, never ended as
# if whole.
t_signals() {
	local pid
	slow TERM a.tar 143
	slow INT a.tar.xz 130
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 "$PARCP" \
	    --buffer-size=64K --to-tar=- src >arc/cut.tar 2>"$T/err" &
	pid=$!
	for _ in $(seq 300); do
		[ -s arc/cut.tar ] && break
		sleep 0.01
	done
	sleep 0.2
	kill -INT $pid 2>/dev/null ||
	    fail "stdout: parcp ended before the signal"
	set +e; wait $pid; rc=$?; set -e
	expect_rc 130 "stdout interrupted"
	if tar -tf arc/cut.tar >/dev/null 2>&1; then
		fail "an interrupted stream reads as a whole archive"
	fi
	pass
}

# Leftovers of dead runs (no lock on them) are removed; a temp that a
# run holds, another archive's, and other names are kept.  A run's temp is
# named .parcp.NAME.PID.TOKEN and locked while it runs, so a second run
# beside it leaves it alone.
t_sweep() {
	local dead=.parcp.a.tar.4242.0123456789abcdef
	local held=.parcp.a.tar.4243.fedcba9876543210
	local other=.parcp.b.tar.4242.0123456789abcdef odd=.parcp.a.tar.1.xyz
	local lockpid pid tmp
	fresh a.tar
	: >arc/$dead; : >arc/$held; : >arc/$other; : >arc/$odd
	# the holder: sleep itself holds the lock (no child to outlive it)
	(exec 9>>"arc/$held" && flock -x 9 && exec sleep 30) \
	    </dev/null >/dev/null 2>&1 &
	lockpid=$!
	for _ in $(seq 300); do
		flock -n arc/$held true || break
		sleep 0.01
	done
	run "$PARCP" --to-tar=arc/a.tar src
	expect_rc 0 "sweep"
	kill $lockpid; wait $lockpid 2>/dev/null || :
	[ ! -e arc/$dead ] || fail "a dead run's temp archive was kept"
	for f in $held $other $odd; do
		[ -e arc/$f ] || fail "sweep removed $f"
	done
	rm -f arc/$held arc/$other arc/$odd
	env LD_PRELOAD="$FAULTSHIM" PARCP_SHIM_SLOW_US=20000 "$PARCP" -j 1 \
	    --engine=pread --buffer-size=64K --to-tar=arc/a.tar src \
	    2>"$T/err" &
	pid=$!
	wait_temp arc
	tmp=$(ls -A arc | grep '^\.parcp\.')
	[[ $tmp =~ ^\.parcp\.a\.tar\.$pid\.[0-9a-f]{16}$ ]] ||
	    fail "temp archive name: $tmp"
	if flock -n arc/"$tmp" true; then
		fail "a running archive's temp is not locked"
	fi
	run "$PARCP" --to-tar=arc/a.tar src/dir
	expect_rc 0 "a second run beside a live one"
	[ -e arc/"$tmp" ] || fail "a second run removed a live run's temp"
	set +e; wait $pid; rc=$?; set -e
	expect_rc 0 "the first run, after the second"
	no_temps arc
	pass
}

# Standard output, a FIFO read at the same time, a device: written in
# place as streams (no temp, nothing renamed over them).
t_streams() {
	local pid
	fresh a.tar
	"$PARCP" --to-tar=- src 2>"$T/err" | tar -tf - >"$T/list" ||
	    fail "--to-tar=- | tar -t: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "--to-tar=-: $(cat "$T/err")"
	[ "$(wc -l <"$T/list")" -eq "$NSRC" ] || fail "stdout: $(cat "$T/list")"
	[ ! -e ./- ] || fail "--to-tar=- wrote a file named -"
	"$PARCP" --to-tar=- --compress=zstd src | zstd -dc | tar -tf - \
	    >"$T/list" || fail "--to-tar=- --compress=zstd"
	[ "$(wc -l <"$T/list")" -eq "$NSRC" ] || fail "stdout zstd"
	mkfifo arc/fifo
	timeout 60 tar -tf arc/fifo >"$T/fifolist" 2>"$T/fifoerr" &
	pid=$!
	run "$PARCP" -j 2 --to-tar=arc/fifo src
	expect_rc 0 "FIFO: $(cat "$T/fifoerr")"
	wait $pid || fail "tar -t of the FIFO: $(cat "$T/fifoerr")"
	[ "$(wc -l <"$T/fifolist")" -eq "$NSRC" ] || fail "FIFO listing"
	[ -p arc/fifo ] || fail "the FIFO was replaced"
	if [ "$(id -u)" -eq 0 ]; then
		mknod arc/null c 1 3
		run "$PARCP" --to-tar=arc/null src
		expect_rc 0 "device"
		[ -c arc/null ] || fail "the device was replaced"
	fi
	no_temps arc
	pass
}

# tarflag NAME: GNU tar's option for NAME's compression.
tarflag() {
	case $1 in
	*gz) echo -z ;;
	*xz) echo -J ;;
	*zst) echo --zstd ;;
	*bz2) echo -j ;;
	esac
}

# magic FILE: the compression FILE's first bytes say.
magic() {
	case $(head -c 6 "$1" | od -An -tx1 | tr -d ' \n') in
	1f8b*) echo gzip ;;
	fd377a585a00) echo xz ;;
	28b52ffd*) echo zstd ;;
	425a68*) echo bzip2 ;;
	*) [ "$(dd if="$1" bs=1 skip=257 count=5 status=none)" = ustar ] &&
	    echo none || echo unknown ;;
	esac
}

# Compression by suffix, as tar -a; --compress overrides it.  GNU tar
# lists and extracts each, equal to the source field by field.
t_compress() {
	local c want
	tar --zstd --version >/dev/null 2>&1 || fail "GNU tar lacks --zstd"
	rm -rf tree
	make_tree tree 200
	rm tree/odd/"$(printf 'bad\377\376name')"
	for c in a.tar.gz a.tar.xz a.tar.zst a.tar.bz2; do
		fresh "$c"
		run "$PARCP" -a -j 2 --to-tar="arc/$c" tree
		expect_rc 0 "$c"
		[ ! -s "$T/err" ] || fail "$c: $(cat "$T/err")"
		[ "$(members "arc/$c" "$(tarflag $c)")" -eq \
		    "$(find tree -printf x | wc -c)" ] ||
		    fail "$c: member count"
		mkdir x
		tar "${XATTRS[@]}" "$(tarflag $c)" -C x -xpf "arc/$c" \
		    2>"$T/err" || fail "$c: GNU tar -x: $(cat "$T/err")"
		same tree x/tree "$c through GNU tar"
		no_temps arc
	done
	for c in a.tgz:gzip a.txz:xz a.tzst:zstd a.tbz2:bzip2 a.tar:none; do
		want=${c#*:}
		c=${c%:*}
		fresh "$c"
		"$PARCP" --to-tar="arc/$c" src
		[ "$(magic "arc/$c")" = "$want" ] ||
		    fail "$c is $(magic "arc/$c"), not $want"
	done
	for c in none:a.tar.gz gzip:a.tar zstd:a.tar.gz auto:a.tar.xz; do
		want=${c%%:*}
		fresh "${c#*:}"
		"$PARCP" --compress="$want" --to-tar="arc/${c#*:}" src
		[ "$want" != auto ] || want=xz
		[ "$(magic "arc/${c#*:}")" = "$want" ] ||
		    fail "--compress=$want: $(magic "arc/${c#*:}")"
	done
	rm -rf tree x
	pass
}

# A sparse source is a pax sparse member (GNU.sparse 1.0): the archive
# holds the data only, tar -tv shows the full size, GNU tar, bsdtar and
# parcp extract it sparse and identical.  Small chunks split its extents
# among workers; a file of holes only has a map that says so.
t_sparse() {
	local c x
	rm -rf sp spx*
	mkdir sp
	truncate -s 2G sp/ends
	head -c 8192 /dev/urandom | dd of=sp/ends conv=notrunc status=none
	head -c 8192 /dev/urandom | dd of=sp/ends bs=8192 \
	    seek=$(((2 << 30) / 8192 - 1)) conv=notrunc status=none
	truncate -s 1G sp/three
	for off in 1 300 1023; do
		head -c 100000 /dev/urandom |
		    dd of=sp/three bs=1M seek=$off conv=notrunc status=none
	done
	truncate -s 1G sp/holes
	truncate -s 1G sp/head		# data, then a hole to the end
	head -c 8192 /dev/urandom | dd of=sp/head conv=notrunc status=none
	for c in sp.tar sp.tar.zst; do
		run "$PARCP" -a -j 2 --chunk-size=4K --to-tar="$c" sp
		expect_rc 0 "sparse $c"
		[ "$(stat -c %s "$c")" -lt $((1 << 20)) ] ||
		    fail "$c is $(stat -c %s "$c") bytes"
		tar $(tarflag $c) -tvf "$c" >"$T/list" 2>"$T/terr"
		[ ! -s "$T/terr" ] || fail "tar -tv $c: $(cat "$T/terr")"
		grep -q ' 2147483648 .* sp/ends$' "$T/list" ||
		    fail "tar -tv $c: $(cat "$T/list")"
		mkdir spx1 spx2
		tar $(tarflag $c) -C spx1 -xf "$c" || fail "GNU tar -x $c"
		bsdtar -C spx2 -xf "$c" || fail "bsdtar -x $c"
		run "$PARCP" -a --from-tar="$c" spx3
		expect_rc 0 "parcp --from-tar $c"
		for x in spx1 spx2 spx3; do
			# treecmp compares data, and holes against zeros
			same sp $x/sp "sparse $c through $x"
			[ "$(du -k $x/sp/ends | cut -f1)" -lt 1024 ] ||
			    fail "$x/sp/ends ($c) is not sparse"
		done
		rm -rf spx1 spx2 spx3
	done
	rm -rf sp sp.tar sp.tar.zst
	pass
}

# --manifest lists every member's XXH128, which xxhsum -c checks in what
# GNU tar extracts; not written when the archive fails.
t_manifest() {
	local c mode
	rm -rf mt
	mkdir -p mt/d
	mkfile mt/big $((5 << 20))
	echo one >mt/d/one
	ln mt/d/one mt/link
	: >mt/empty
	truncate -s 100M mt/sparse
	echo end | dd of=mt/sparse bs=1M seek=99 conv=notrunc status=none
	for c in pool:a.tar fork:a.tar pool:a.tar.zst; do
		mode=${c%:*}
		c=${c#*:}
		fresh "$c"
		rm -f M
		run "$PARCP" -j 2 --mode=$mode --chunk-size=1M --manifest=M \
		    --to-tar="arc/$c" mt
		expect_rc 0 "manifest $mode $c"
		[ "$(wc -l <M)" -eq 5 ] || fail "manifest: $(cat M)"
		mkdir x
		tar $(tarflag $c) -C x -xf "arc/$c"
		(cd x && xxhsum -c --quiet ../M) ||
		    fail "manifest $mode $c: xxhsum -c"
	done
	fresh a.tar
	rm -f M
	shim PARCP_SHIM_READ_FAIL="$T/mt/big:3" -- -j 1 --engine=pread \
	    --manifest=M --to-tar=arc/a.tar mt
	expect_rc 1 "manifest, failed archive"
	[ ! -e M ] || fail "a manifest for an archive that failed"
	rm -rf mt x M
	pass
}

# Options that do not apply are usage errors, not ignored.
t_usage() {
	local args
	fresh a.tar
	mkfifo arc/fifo
	while IFS='|' read -r want args; do
		run "$PARCP" $args
		expect_rc 1 "$args"
		head -1 "$T/err" | grep -Eq -- "^parcp: $want" ||
		    fail "$args: $(cat "$T/err")"
		if sed 1d "$T/err" |
		    grep -qvx "Try 'parcp --help' for more information."; then
			fail "$args: more than one error line: $(cat "$T/err")"
		fi
		[ ! -e arc/x.tar ] && [ ! -e arc/x.tar.gz ] && [ ! -e x ] ||
		    fail "$args wrote something"
	done <<-'EOF'
	-n does not apply to --to-tar$|-n --to-tar=arc/x.tar src
	-u does not apply to --to-tar$|-u --to-tar=arc/x.tar src
	--resume does not apply to --to-tar$|--resume --to-tar=arc/x.tar src
	--resume does not apply to --from-tar$|--resume --from-tar=old.tar x
	--backup does not apply to --to-tar$|-b --to-tar=arc/x.tar src
	--backup does not apply to --from-tar$|-S .b --from-tar=old.tar x
	invalid --compress 'lz4'|--compress=lz4 --to-tar=arc/x.tar src
	--compress applies to --to-tar only$|--compress=gzip src/big x
	--compress applies to --to-tar only$|--compress=xz --from-tar=old.tar x
	--json: standard output carries the archive|--json --to-tar=- src
	--stats: standard output carries the archive|--stats --to-tar=- src
	--verify cannot read back|--verify --to-tar=arc/x.tar.gz src
	--verify cannot read back|--verify --to-tar=- src
	--verify cannot read back|--verify --to-tar=arc/fifo src
	EOF
	"$PARCP" --help | grep -q -- '--compress=HOW' ||
	    fail "--help: no --compress"
	pass
}

# libarchive's warnings are printed in its words (never "(null)") and do
# not fail the archive: a name that is not UTF-8.
t_warn() {
	rm -rf b8
	mkdir b8
	echo bytes >"b8/$(printf 'bad\377\376name')"
	for c in a.tar a.tar.gz; do
		fresh $c
		run "$PARCP" --to-tar=arc/$c b8
		expect_rc 0 "warning, $c"
		LC_ALL=C expect_err \
		    "^parcp: 'b8/bad.*name': Can't translate pathname"
	done
	rm -rf b8
	pass
}

# The archive inside what it archives: said once with its name, left out,
# not a failure.  --json says which engine read the files; --progress
# ends with its summary line.
t_report() {
	rm -rf rs rs.tar rj.tar rp.tar
	mkdir rs
	echo a >rs/a
	mkfile rs/b 100000
	run "$PARCP" --to-tar=rs/self.tar rs
	expect_rc 0 "first self"
	run "$PARCP" --to-tar=rs/self.tar rs
	expect_rc 0 "self"
	expect_err "^parcp: 'rs/self.tar': file is the archive; not dumped$"
	tar -tf rs/self.tar | grep -q self.tar && fail "self: it is in itself"
	run "$PARCP" --json --to-tar=rj.tar rs
	expect_rc 0 "--json"
	grep -Eq '^  "engines_used": \["[a-z_]+"' "$T/out" ||
	    fail "--json: $(grep engines "$T/out")"
	grep -q '^  "files": 3,$' "$T/out" || fail "--json: $(cat "$T/out")"
	run "$PARCP" --progress=always --to-tar=rp.tar rs
	expect_rc 0 "--progress"
	tail -1 "$T/err" | grep -Eq '^parcp: .* 4 of 4 files, 0 errors$' ||
	    fail "--progress: $(tail -2 "$T/err")"
	rm -rf rs rj.tar rp.tar
	pass
}

for t in $(declare -F | awk '$3 ~ /^t_/ { print $3 }'); do
	[ -z "${ONLY:-}" ] || [ "$ONLY" = "$t" ] || continue
	"$t"
done
done_tests
