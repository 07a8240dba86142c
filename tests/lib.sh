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
