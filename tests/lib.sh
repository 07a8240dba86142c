# Helpers for tests/cli/*.sh: sourced, not run.  Each script gets its own
# temp directory, runs the real binary ($PARCP) and checks exit status,
# stderr and the files left behind.
set -eu

: "${PARCP:?PARCP must name the parcp binary}"
T=$(mktemp -d /tmp/parcp-cli.XXXXXX)
chmod 755 "$T"
cleanup() {
	for m in "$T"/mnt*; do
		[ -d "$m" ] && umount "$m" 2>/dev/null || :
	done
	rm -rf "$T"
}
trap cleanup EXIT
npass=0

fail() {
	echo "FAIL: $*" >&2
	[ -s "$T/err" ] && { echo "--- stderr:" >&2; cat "$T/err" >&2; }
	exit 1
}

pass() {
	npass=$((npass + 1))
}

# A sanitizer build: LD_PRELOAD'ed shims come before ASan's runtime, and
# LeakSanitizer cannot run under ptrace (strace): traced CMD... runs
# strace with leak checks off.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
traced() {
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace "$@"
}

# run CMD...: run it, keeping its status in $rc and output in $T/out, $T/err.
run() {
	set +e
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
}

expect_rc() {
	[ "$rc" -eq "$1" ] || fail "${2:-}: exit status $rc, expected $1"
}

# expect_err ERE: stderr is exactly one line and matches ERE.
expect_err() {
	[ "$(wc -l <"$T/err")" -eq 1 ] ||
	    fail "expected one line on stderr matching '$1'"
	grep -Eq -- "$1" "$T/err" || fail "stderr does not match '$1'"
}

# mkfile PATH SIZE: SIZE random bytes.
mkfile() {
	head -c "$2" /dev/urandom >"$1"
}

# no_temps DIR: no parcp temp file is left in DIR.
no_temps() {
	if ls -A "$1" | grep -q '^\.parcp\.'; then
		fail "temp file left in $1: $(ls -A "$1")"
	fi
}

# only_parts DIR: what a run stopped by a signal may leave in DIR is a
# split file's part and its resume journal, and nothing else of parcp's.
only_parts() {
	local left
	left=$(ls -A "$1" | grep '^\.parcp\.' | grep -Ev '\.(part|jnl)$' || :)
	[ -z "$left" ] || fail "temp file left in $1: $left"
}

# no_workers BIN [WHAT]: no process of the binary BIN is left (tests run
# a private copy of parcp so that its workers can be found by name).
no_workers() {
	for _ in $(seq 300); do
		pgrep -f "^$1" >/dev/null || return 0
		sleep 0.01
	done
	fail "${2:-}: workers still running"
}

# as_user CMD...: run CMD as an unprivileged user, so permission bits
# bite (as root they would not).  Non-root callers already are one.
as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

done_tests() {
	echo "$npass passed, 0 failed"
}

# make_tree DIR [NSMALL]: a fixture with every kind of entry parcp copies:
# regular, empty, 1 MiB + 1, a 2 GiB sparse file with three data extents,
# a read-only directory, an xattr, a POSIX ACL, hard-link groups, symlinks
# (relative, absolute, dangling), a FIFO, a device node (as root), 100
# levels of nesting, odd names (spaces, a newline, non-UTF-8 bytes), and
# NSMALL (default 10000) small files.
make_tree() {
	local d=$1 n=${2:-10000} i deep
	mkdir -p "$d/small" "$d/ro" "$d/links/x" "$d/odd"
	: >"$d/empty"
	head -c 1048577 /dev/urandom >"$d/mib"
	truncate -s 2G "$d/sparse"
	for off in 0 700 2047; do
		head -c 65536 /dev/urandom |
		    dd of="$d/sparse" bs=1M seek=$off conv=notrunc status=none
	done
	echo "read only" >"$d/ro/inside"
	chmod 555 "$d/ro"
	echo xattr >"$d/xattr"
	setfattr -n user.parcp -v "value with spaces" "$d/xattr"
	echo acl >"$d/acl"
	setfacl -m u:nobody:r "$d/acl"
	echo group >"$d/links/one"
	ln "$d/links/one" "$d/links/x/two"
	ln "$d/links/one" "$d/three"
	echo pair >"$d/links/p1"
	ln "$d/links/p1" "$d/links/p2"
	ln -s ../mib "$d/links/rel"
	ln -s /etc/hostname "$d/links/abs"
	ln -s nowhere "$d/links/dangling"
	mkfifo "$d/fifo"
	if [ "$(id -u)" -eq 0 ]; then
		mknod "$d/null" c 1 3
	fi
	deep=$d/deep
	for i in $(seq 100); do
		deep=$deep/d$i
	done
	mkdir -p "$deep"
	echo bottom >"$deep/file"
	echo space >"$d/odd/with space"
	echo newline >"$d/odd/new
line"
	echo bytes >"$d/odd/$(printf 'bad\377\376name')"
	for ((i = 0; i < n; i++)); do
		printf '%d %s\n' "$i" "$d" >"$d/small/f$i"
	done
	touch -d '2001-02-03 04:05:06.123456789' "$d/mib" "$d/small/f1"
	chmod 4755 "$d/mib"
	chmod 640 "$d/small/f2"
}

# mksock PATH: a Unix socket.
mksock() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$1"
}

# like_cp ARGS...: cp ARGS and parcp ARGS, each run in a world made by the
# caller's world() ($T/cp, $T/pc), end alike: the same exit status and the
# same world (tests/treecmp: types, modes, owners, times, contents); a
# failing parcp says one line, and with SAME_WORDS=1 the very words cp
# says (after the program's name; SAME_WORDS=sorted: the same lines in
# any order, as for one line per file of a tree).  CP_ARGS: what cp is
# given instead (an option cp 9.1 spells otherwise), split at spaces.
# SAME_OUT=1: the same standard output too (sorted: in any order).
# ANSWERS: both read it (printf %b: "y\nn\n") on standard input.
# cp_words: cp's stderr ($T/cperr) as parcp would say it.
cp_words() {
	sed -e 's/^cp: /parcp: /' -e "s/^Try 'cp --help'/Try 'parcp --help'/" \
	    "$T/cperr"
}

like_cp() {
	local rc_cp rc_pc cpargs=("$@")
	[ -z "${CP_ARGS:-}" ] || read -ra cpargs <<<"$CP_ARGS"
	world "$T/cp"
	world "$T/pc"
	printf '%b' "${ANSWERS:-}" >"$T/answers"
	set +e
	(cd "$T/cp" && cp "${cpargs[@]}" >"$T/cpout" 2>"$T/cperr" \
	    <"$T/answers")
	rc_cp=$?
	(cd "$T/pc" && "$PARCP" "$@" >"$T/out" 2>"$T/err" <"$T/answers")
	rc_pc=$?
	set -e
	[ "$rc_pc" -eq "$rc_cp" ] ||
	    fail "parcp $*: exit $rc_pc, cp exits $rc_cp ($(cat "$T/cperr"))"
	if [ "${SAME_WORDS:-0}" = sorted ]; then
		cp_words | sort |
		    cmp -s - <(sort "$T/err") ||
		    fail "parcp $*: says '$(cat "$T/err")', cp '$(cat "$T/cperr")'"
	elif [ "${SAME_WORDS:-0}" = 1 ]; then
		cp_words | cmp -s - "$T/err" ||
		    fail "parcp $*: says '$(cat "$T/err")', cp '$(cat "$T/cperr")'"
	elif [ "$rc_pc" -ne 0 ] && [ "$(wc -l <"$T/err")" -ne 1 ]; then
		fail "parcp $*: expected one error line: $(cat "$T/err")"
	fi
	if [ "${SAME_OUT:-0}" = sorted ]; then
		sort "$T/cpout" | cmp -s - <(sort "$T/out") ||
		    fail "parcp $*: prints '$(cat "$T/out")', cp '$(cat "$T/cpout")'"
	elif [ "${SAME_OUT:-0}" = 1 ]; then
		cmp -s "$T/cpout" "$T/out" ||
		    fail "parcp $*: prints '$(cat "$T/out")', cp '$(cat "$T/cpout")'"
	fi
	"$TREECMP" -T "$T/cp" "$T/pc" >"$T/diff" ||
	    fail "parcp $*: differs from cp: $(head -3 "$T/diff")"
	pass
}

# py_start SCRIPT: one Python helper (SCRIPT serve, as tests/hostile_tar.py
# has) for the whole test, Python being slow to start; py ARG... runs one
# of its commands, leaves the output in $T/py and returns its status.
py_start() {
	coproc PYHELPER { exec python3 "$1" serve; }
}

py() {
	local IFS=$'\t' ln
	echo "$*" >&"${PYHELPER[1]}"
	: >"$T/py"
	while IFS= read -r ln <&"${PYHELPER[0]}"; do
		case $ln in
		$'\t'END\ *)	return "${ln#*END }" ;;
		esac
		printf '%s\n' "$ln" >>"$T/py"
	done
	fail "the Python helper $* died"
}
