#!/bin/bash
# parcp-bench, the users' sweep: a tiny sweep runs, reports every
# configuration, recommends one, writes CSV, cleans up; bad input is a
# usage error.
. "$TESTLIB"
BENCH=${PARCP_BENCH:-$(dirname "$TESTLIB")/../src/parcp-bench}

run "$BENCH" --parcp "$PARCP" --size 4M --jobs 1,2 --chunk auto,1M \
    --mode pool,fork --engine pread --runs 1 --tree 30 --csv "$T/out.csv" "$T"
expect_rc 0 "tiny sweep"
[ "$(grep -c '^-j [12] --mode=' "$T/out")" -eq 16 ] ||
    fail "expected 8 configurations per workload: $(cat "$T/out")"
grep -Eq '^best for file: parcp -j [12] --mode=(pool|fork) --engine=pread' \
    "$T/out" || fail "no recommendation"
grep -q '^best for tree: parcp' "$T/out" || fail "no tree recommendation"
[ "$(head -1 "$T/out.csv")" = \
    "workload,config,median_s,min_s,max_s,mib_per_s,cpu_s,rss_mib,vs_cp" ] ||
    fail "CSV header"
[ "$(wc -l <"$T/out.csv")" -eq 19 ] || fail "CSV rows: $(wc -l <"$T/out.csv")"
[ -z "$(ls -d "$T"/parcp-bench.* 2>/dev/null)" ] || fail "work files left"
pass

for args in "--jobs 0" "--chunk 12XB" "--mode threads" "--engine sendfile" \
    "--runs 0" "--bogus"; do
	run "$BENCH" --parcp "$PARCP" $args "$T"
	expect_rc 2 "$args"
	grep -q "Try 'parcp-bench --help'" "$T/err" || fail "$args: no hint"
	pass
done
run "$BENCH" --parcp "$PARCP" "$T/nonexistent"
expect_rc 1 "missing DIR"
grep -q "not a writable directory" "$T/err" || fail "missing DIR: message"
pass

done_tests
