#!/bin/bash
# --json: one object on stdout that python's json module parses, whose
# fields match the copy; -v lines go to stderr; failures are listed with
# path, operation and reason; the exit status is in it.
. "$TESTLIB"

# valid WHAT: $T/out is valid against doc/parcp-json.schema.json.
SCHEMA=$(dirname "$TESTLIB")/../doc/parcp-json.schema.json
valid() {
	python3 "$(dirname "$TESTLIB")/jsonschema_check.py" "$SCHEMA" "$T/out" \
	    >"$T/schema" || fail "$1: not valid by the schema: $(cat "$T/schema")"
}

# jcheck EXPR...: each python expression over j (the parsed $T/out) holds.
jcheck() {
	python3 - "$T/out" "$@" <<'PY' || fail "json: $(cat "$T/out")"
import json, sys
j = json.load(open(sys.argv[1]))
for e in sys.argv[2:]:
    if not eval(e):
        sys.exit("json check failed: " + e)
PY
}

mkdir -p "$T/src/sub"
mkfile "$T/src/a" 3000000
mkfile "$T/src/sub/b" 5000
printf 'x' >"$T/src/$(printf 'odd\377name')"
ln -s a "$T/src/link"

run "$PARCP" -r -j 3 --chunk-size=1M --json -v "$T/src" "$T/dst"
expect_rc 0 "json"
python3 -m json.tool "$T/out" >/dev/null || fail "not JSON: $(cat "$T/out")"
valid "a tree"
jcheck "j['version'] != ''" "j['sources'] == ['$T/src']" \
    "j['destination'] == '$T/dst'" "j['exit_status'] == 0" \
    "j['files'] == 4" "j['directories'] == 2" "j['files_failed'] == 0" \
    "j['bytes'] == 3000000 + 5000 + 1" \
    "j['bytes_written'] == 3000000 + 5000 + 1" \
    "j['resumed_bytes'] == 0" "j['jobs'] == 3" "j['mode'] == 'pool'" \
    "j['engine'] == 'auto'" "len(j['engines_used']) >= 1" \
    "j['chunk_size'] == 1048576" "j['buffer_size'] == 1048576" \
    "j['tasks'] == 3 + 3" "j['verified'] is False" \
    "len(j['worker_bytes']) == 3" \
    "sum(j['worker_bytes']) == j['bytes_written']" \
    "j['seconds'] > 0" "j['throughput_bytes_per_s'] > 0" \
    "j['cpu_seconds'] >= 0" "j['errors'] == []"
# -v went to stderr, one line per entry
[ "$(grep -c "^'$T/src" "$T/err")" -eq 6 ] || fail "-v lines: $(cat "$T/err")"
"$TREECMP" -T -M -O "$T/src" "$T/dst" || fail "json: trees differ"
pass

# Failures: listed, and the exit status agrees.
chmod 000 "$T/src/sub/b"
rm -rf "$T/dst"
mkdir -m 777 "$T/u"
run as_user "$PARCP" -r --verify --json "$T/src" "$T/u/ujson"
expect_rc 1 "json with a failure"
python3 -m json.tool "$T/out" >/dev/null || fail "not JSON: $(cat "$T/out")"
valid "a failure"
jcheck "j['exit_status'] == 1" "j['files_failed'] == 1" "j['verified']" \
    "j['errors'] == [{'path': '$T/src/sub/b', 'operation': 'open', 'error': 'Permission denied'}]"
pass

# --json with --stats and -v: stdout is the JSON object alone, the human
# lines go to stderr.
rm -rf "$T/js"
run "$PARCP" --json --stats -v -r "$T/src" "$T/js"
python3 -m json.tool "$T/out" >/dev/null || fail "--json --stats: stdout is not JSON: $(head -3 "$T/out")"
grep -q '^copied ' "$T/err" || fail "--json --stats: no stats on stderr"
pass

# Without --json, stdout has no JSON; usage errors print none either.
run "$PARCP" -r "$T/src" "$T/plain"
[ ! -s "$T/out" ] || fail "output without --json: $(cat "$T/out")"
run "$PARCP" --json -j 0 "$T/src" "$T/x"
expect_rc 1 "json usage error"
[ ! -s "$T/out" ] || fail "JSON printed on a usage error"
pass

done_tests
