#!/bin/bash
# --dry-run: one line per thing a copy would do ("would ACTION 'SRC' ->
# 'DST' (N bytes)"), the same decisions as the copy itself (-n keeps,
# an existing file is replaced, a device is written into, a read-only
# file refused for a user without -f), nothing written anywhere (the
# whole scratch world is compared before and after), and with --json
# the same list as JSON, valid by the schema, whose counts are those of
# the real copy run next.
. "$TESTLIB"

H=$(dirname "$TESTLIB")/hostile_tar.py
SCHEMA=$(dirname "$TESTLIB")/../doc/parcp-json.schema.json
cd "$T"
mkdir -p src/d src/e dst/src/d h
echo a >src/d/f
echo bb >src/g
echo ccc >src/keep
mkfile src/big $((3 << 20))
echo old >dst/src/g
echo old >dst/src/keep
mknod dst/src/null c 1 3
echo x >src/null

python3 "$H" snap "$T" h/snap h out err
run "$PARCP" -r --chunk-size=1M --dry-run src dst
expect_rc 0 "dry run"
python3 "$H" same "$T" h/snap h out err >h/diff ||
    fail "the dry run wrote: $(head -5 h/diff)"
sort out >h/got
sort >h/want <<EOF2
would copy 'src/big' -> 'dst/src/big' ($((3 << 20)) bytes)
would copy 'src/d/f' -> 'dst/src/d/f' (2 bytes)
would make directory 'src/e' -> 'dst/src/e'
would replace 'src/g' -> 'dst/src/g' (3 bytes)
would replace 'src/keep' -> 'dst/src/keep' (4 bytes)
would write into 'src/null' -> 'dst/src/null' (2 bytes)
EOF2
diff h/want h/got >h/diff || fail "lines: $(cat h/diff)"
pass

# -n keeps what is there; --json: the list, valid; stdout is JSON alone
run "$PARCP" -rn --dry-run --json src dst
expect_rc 0 "dry run -n --json"
python3 "$(dirname "$TESTLIB")/jsonschema_check.py" "$SCHEMA" out \
    >h/schema || fail "not valid by the schema: $(cat h/schema)"
python3 - <<'PY' || fail "json: $(cat out)"
import json
j = json.load(open("out"))
acts = sorted((w["action"], w["destination"], w["bytes"]) for w in j["would"])
assert j["dry_run"] is True, j
assert acts == [("copy", "dst/src/big", 3 << 20), ("copy", "dst/src/d/f", 2),
                ("keep", "dst/src/g", 0), ("keep", "dst/src/keep", 0),
                ("keep", "dst/src/null", 0),
                ("make directory", "dst/src/e", 0)], acts
assert (j["files"], j["files_skipped"], j["directories"], j["bytes"]) == \
    (2, 3, 1, (3 << 20) + 2), j
assert j["bytes_written"] == 0 and j["tasks"] == 0, j
PY
grep -q "^would keep 'src/g' -> 'dst/src/g'$" err || fail "-v lines: $(cat err)"
python3 "$H" same "$T" h/snap h out err >h/diff ||
    fail "the dry run wrote: $(head -5 h/diff)"
pass

# the real copy does what the dry run said
run "$PARCP" -rn --chunk-size=1M --json src dst
expect_rc 0 "copy -n"
python3 - <<'PY' || fail "json: $(cat out)"
import json
j = json.load(open("out"))
assert (j["files"], j["files_skipped"], j["directories"], j["bytes"]) == \
    (2, 3, 1, (3 << 20) + 2), j
PY
cmp src/big dst/src/big || fail "big not copied"
[ "$(cat dst/src/g)" = old ] || fail "-n replaced g"
pass

# a read-only destination, as a user without -f: refused, exit 1, said
mkdir -p u/src u/dst
echo new >u/src/ro
echo old >u/dst/ro
chmod 444 u/dst/ro
chown -R nobody u
run as_user "$PARCP" --dry-run u/src/ro u/dst/ro
expect_rc 1 "read-only, dry"
expect_err "^parcp: cannot create regular file 'u/dst/ro': Permission denied$"
[ "$(cat u/dst/ro)" = old ] || fail "read-only file changed"
pass

# tar modes: a usage error
run "$PARCP" --dry-run --to-tar=x.tar src
expect_rc 1 "--dry-run --to-tar"
[ ! -e x.tar ] || fail "--dry-run --to-tar wrote x.tar"
pass
done_tests
