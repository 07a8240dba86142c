#!/bin/bash
# --json for scripts: every error of the walk is in "errors" with its path,
# operation and reason (a directory that cannot be opened, an entry or a
# source that cannot be stat'ed, a missing target directory), as well as
# on stderr; stdout is the JSON object alone, valid by the schema; a copy
# error and a walk error side by side; --to-tar too.
. "$TESTLIB"

SCHEMA=$(dirname "$TESTLIB")/../doc/parcp-json.schema.json
valid() {
	python3 "$(dirname "$TESTLIB")/jsonschema_check.py" "$SCHEMA" "$T/out" \
	    >"$T/schema" || fail "$1: not valid by the schema: $(cat "$T/schema")"
}
# has_error WHAT PATH OP REASON: errors holds exactly this entry.
has_error() {
	python3 - "$T/out" "$2" "$3" "$4" <<'PY' || fail "$1: $(cat "$T/out")"
import json, sys
errs = json.load(open(sys.argv[1]))["errors"]
want = {"path": sys.argv[2], "operation": sys.argv[3], "error": sys.argv[4]}
sys.exit(0 if want in errs else "no %r in %r" % (want, errs))
PY
}

chmod 777 "$T"			# as_user writes here
S=$T/src
mkdir -p "$S/ok" "$S/locked" "$S/nox"
echo a >"$S/ok/a"
echo b >"$S/locked/b"
echo c >"$S/nox/c"
chmod 000 "$S/locked"		# cannot be opened
chmod 644 "$S/nox"		# listed, but its entries cannot be stat'ed

run as_user "$PARCP" -r --json --stats "$S" "$T/dst"
expect_rc 1 "walk errors"
valid "walk errors"
has_error "opendir" "$S/locked" opendir "Permission denied"
has_error "stat" "$S/nox/c" stat "Permission denied"
grep -q "^parcp: $S/locked: opendir: Permission denied\$" "$T/err" ||
    fail "opendir: not on stderr"
grep -q '^copied ' "$T/err" || fail "--stats not on stderr"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_status"])' "$T/out")" -eq 1 ] ||
    fail "exit_status"
cmp "$S/ok/a" "$T/dst/ok/a" || fail "the readable part was not copied"
pass

# A source that cannot be stat'ed, beside one that is copied.
run "$PARCP" --json "$T/absent" "$S/ok/a" "$T/dst/ok"
expect_rc 1 "missing source"
valid "missing source"
has_error "missing source" "$T/absent" stat "No such file or directory"
pass

# Nothing can be copied (several sources, no such directory): JSON still.
run "$PARCP" --json "$S/ok/a" "$S/ok/a" "$T/nodir"
expect_rc 1 "missing target"
valid "missing target"
has_error "missing target" "$T/nodir" target "No such file or directory"
pass

# A walk error and a copy error in one run, in that order.
mkdir -p "$T/ro"
chmod 555 "$T/ro"
run as_user "$PARCP" --json "$T/absent" "$S/ok/a" "$T/ro"
expect_rc 1 "walk and copy errors"
valid "walk and copy errors"
python3 - "$T/out" <<'PY' || fail "order: $(cat "$T/out")"
import json, sys
errs = json.load(open(sys.argv[1]))["errors"]
assert len(errs) == 2 and errs[0]["operation"] == "stat", errs
PY
pass

if "$PARCP" --version | grep -q '^libarchive: libarchive'; then
	run as_user "$PARCP" --json --to-tar="$T/x.tar" "$S"
	expect_rc 1 "--to-tar walk error"
	valid "--to-tar"
	has_error "--to-tar" "$S/locked" opendir "Permission denied"
	pass
fi
chmod 755 "$S/locked" "$S/nox"
done_tests
