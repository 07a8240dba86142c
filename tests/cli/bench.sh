#!/bin/bash
# parcp-bench, "which -j should I use?": bad arguments are usage errors
# (exit 2) found before anything is copied; a tiny sweep answers on its
# first line in the stated form, then prints aligned tables; --csv has a
# header and one row per configuration; --plot alone makes a PNG (through a
# CSV of its own); the parcp is found beside the script, in its build tree
# or from the build tree it is run in.  Nothing here is timed: the sizes
# are tiny and no figure is checked, only forms.
. "$TESTLIB"
BENCH=${PARCP_BENCH:-$(dirname "$TESTLIB")/../src/parcp-bench}

# --- argument errors: exit 2, before any copy ------------------------------
# A cp and a parcp that record any call but parcp's --version checks.
mkdir "$T/bin" "$T/d"
cat >"$T/bin/cp" <<EOF
#!/bin/sh
echo "cp \$*" >>"$T/calls"
exit 1
EOF
cat >"$T/bin/parcp" <<EOF
#!/bin/sh
case " \$* " in *" --version "*) exec "$PARCP" "\$@" ;; esac
echo "parcp \$*" >>"$T/calls"
exit 1
EOF
chmod +x "$T/bin/cp" "$T/bin/parcp"
for args in "--size abc" "--size 0" "--size 12Q" "--size=" "--jobs 0" \
    "--jobs 1,,2" "--jobs 2000" "--chunk 12XB" "--mode threads" \
    "--engine sendfile" "--rounds 0" "--runs x" "--tree x" "--bogus" \
    "--no-sync=1" "--plot $T/p.png --size abc" "--csv $T/c.csv --jobs 1,x"; do
	run env PATH="$T/bin:$PATH" "$BENCH" --parcp "$T/bin/parcp" $args "$T/d"
	expect_rc 2 "$args"
	grep -q "Try 'parcp-bench --help'" "$T/err" || fail "$args: no hint"
	[ ! -s "$T/out" ] || fail "$args: printed $(cat "$T/out")"
	[ ! -e "$T/calls" ] || fail "$args: copied: $(cat "$T/calls")"
	[ -z "$(ls -A "$T/d")" ] || fail "$args: left $(ls -A "$T/d")"
	[ ! -e "$T/p.png" ] && [ ! -e "$T/c.csv" ] || fail "$args: wrote output"
	pass
done
for args in "" "$T/d $T/d"; do
	run "$BENCH" --parcp "$PARCP" $args
	expect_rc 2 "operands '$args'"
	grep -q "expected one DIR" "$T/err" || fail "operands: message"
	pass
done
run "$BENCH" --parcp "$PARCP" "$T/nonexistent"
expect_rc 1 "missing DIR"
grep -q "not a writable directory" "$T/err" || fail "missing DIR: message"
pass
run "$BENCH" --parcp "$PARCP" --csv "$T/no/such/dir/x.csv" "$T/d"
expect_rc 1 "--csv in a missing directory"
grep -q "cannot write" "$T/err" || fail "--csv: message"
pass
run "$BENCH" --help
expect_rc 0 "--help"
grep -q "usage error" "$T/out" || fail "--help does not state exit 2"
pass

# --- a tiny sweep ------------------------------------------------------------
# ANSWER: the stated form of the first line (and the tree's).
num='[0-9]+\.[0-9]'
cfg='-j [12] \(--mode=(pool|fork)( --engine=pread)?\)'
ANSWER="^(use $cfg: |no -j beats cp here: use cp, or parcp $cfg at )$num MiB/s, ${num}[0-9] x cp; any -j in [12]\.\.[12] is within noise\$"

# aligned FILE TITLE: the table after the line TITLE in FILE has its
# numbers in the header's columns, whatever each configuration's length.
aligned() {
	awk -v title="$2" '
	$0 == title { on = 1; next }
	on && !hdr { hdr = $0; n = split("median s|min s|max s|MiB/s|x cp", h, "|")
		for (i = 1; i <= n; i++) end[i] = index(hdr, h[i]) + length(h[i]) - 1
		next }
	on && /^$/ { exit }
	on { rows++
		for (i = 1; i <= n; i++)
			if (substr($0, end[i] - 5, 6) !~ /^ *[0-9]+\.[0-9]+$/ ||
			    substr($0, end[i] + 1, 1) != " ") { print "misaligned: " $0; bad = 1 }
	}
	END { exit bad || rows < 3 }' "$1"
}

run "$BENCH" --parcp "$PARCP" --size 4M --rounds 2 --jobs 1,2 \
    --engine auto,pread --tree 20 --csv "$T/out.csv" "$T/d"
expect_rc 0 "tiny sweep"
head -1 "$T/out" | grep -Eq "$ANSWER" || fail "first line: $(head -1 "$T/out")"
sed -n 2p "$T/out" | grep -Eq "^tree: ${ANSWER#^}" ||
    fail "tree answer: $(sed -n 2p "$T/out")"
grep -q '^within noise: not shown to be more than 5% slower' "$T/out" ||
    fail "the noise rule is not stated"
grep -q 'timed to the end of write-back (sync -f DEST)' "$T/out" ||
    fail "write-back not stated"
for w in file tree; do
	[ "$(grep -Ec '^(cp|cp && sync|-j [12] --mode=(pool|fork)( --engine=pread)?) ' \
	    <(sed -n "/^$w (/,/^\$/p" "$T/out"))" -eq 10 ] ||
	    fail "$w: expected 10 configurations: $(cat "$T/out")"
	[ "$(grep -c ' fastest$' <(sed -n "/^$w (/,/^\$/p" "$T/out"))" -eq 1 ] ||
	    fail "$w: not one fastest"
done
aligned "$T/out" "file (4 MiB):" || fail "file table: $(cat "$T/out")"
aligned "$T/out" "$(grep '^tree (20 files' "$T/out")" || fail "tree table"
[ "$(head -1 "$T/out.csv")" = "workload,config,jobs,mode,engine,chunk,synced,rounds,median_s,min_s,max_s,mib_per_s,min_mib_per_s,max_mib_per_s,cpu_s,rss_mib,x_cp,ratio_to_fastest,ratio_lo90,ratio_hi90,within_noise" ] ||
    fail "CSV header: $(head -1 "$T/out.csv")"
[ "$(wc -l <"$T/out.csv")" -eq 21 ] || fail "CSV rows: $(wc -l <"$T/out.csv")"
awk -F, 'NR > 1 && (NF != 21 || $8 != 2 || $9 !~ /^[0-9]+\.[0-9]+$/) { exit 1 }' \
    "$T/out.csv" || fail "CSV fields: $(cat "$T/out.csv")"
for w in file tree; do
	[ "$(grep -c "^$w,-j [12] --mode=" "$T/out.csv")" -eq 8 ] ||
	    fail "CSV: $w rows"
	[ "$(grep -c "^$w,cp" "$T/out.csv")" -eq 2 ] || fail "CSV: $w cp rows"
done
[ -z "$(ls -A "$T/d")" ] || fail "work files left: $(ls -A "$T/d")"
pass

# --- --plot alone: its own CSV, a PNG ------------------------------------------
command -v gnuplot >/dev/null ||
    fail "gnuplot is needed (Debian: apt-get install gnuplot-nox)"
command -v file >/dev/null || fail "file(1) is needed (Debian: apt-get install file)"
run "$BENCH" --parcp "$PARCP" --size 4M --rounds 2 --jobs 1,2 \
    --plot "$T/p.png" "$T/d"
expect_rc 0 "--plot alone"
head -1 "$T/out" | grep -Eq "$ANSWER" || fail "--plot: first line"
[ -s "$T/p.png" ] || fail "--plot: no PNG"
file "$T/p.png" | grep -q 'PNG image data' || fail "--plot: $(file "$T/p.png")"
! grep -q 'CSV written' "$T/out" || fail "--plot alone wrote a CSV"
[ -z "$(ls -A "$T/d")" ] || fail "--plot: left $(ls -A "$T/d")"
pass

# --- where the parcp is found ------------------------------------------------
# lookup WHERE SCRIPT CWD: SCRIPT (a copy of parcp-bench), run in CWD
# with no --parcp, measures the parcp WHERE.
lookup() {
	run env -C "$3" "$2" --size 1M --rounds 1 --jobs 1 --mode pool \
	    --no-sync "$T/d"
	expect_rc 0 "lookup of $1"
	head -1 "$T/out" | grep -Eq "^(use|no -j beats cp)" || fail "$1: answer"
	grep -q "parcp: $1\$" "$T/out" || fail "not $1: $(cat "$T/out")"
	grep -q 'timed into the page cache (--no-sync)' "$T/out" ||
	    fail "--no-sync not stated"
	pass
}
# An in-tree build: src/parcp-bench and ./parcp beside config.status.
mkdir -p "$T/bt/src" "$T/vp/src" "$T/vpb" "$T/inst"
cp "$BENCH" "$T/bt/src/parcp-bench"
cp "$PARCP" "$T/bt/parcp"
: >"$T/bt/config.status"
lookup "$T/bt/parcp" "$T/bt/src/parcp-bench" /
# A VPATH build: the script in the source tree, run from the build tree.
cp "$BENCH" "$T/vp/src/parcp-bench"
cp "$PARCP" "$T/vpb/parcp"
: >"$T/vpb/config.status"
lookup "$T/vpb/parcp" "$T/vp/src/parcp-bench" "$T/vpb"
# Installed: parcp beside parcp-bench comes first.
cp "$BENCH" "$T/inst/parcp-bench"
cp "$PARCP" "$T/inst/parcp"
lookup "$T/inst/parcp" "$T/inst/parcp-bench" "$T/vpb"

done_tests
