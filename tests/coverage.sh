#!/bin/bash
# make coverage: line and branch coverage of src/ by make check.
#
# A pristine copy of the sources (make distdir) gets its own build,
# configured with --enable-coverage (-O0, gcc --coverage, and workers that
# write their counters before _exit: see worker_exit() in src/pool.c).
# make check runs there; every process built from it, the unit tests and
# the parcp that tests/cli/*.sh drive, adds its counts to the .gcda files,
# which gcovr reads.  A failing test is reported, and the coverage still is.
#
# Environment: BUILDDIR (a configured build directory; make sets it),
# COVERAGE_DIR (scratch and reports; $BUILDDIR/coverage.out).
# Output: a table on stdout; coverage.txt (gcovr's per-file lines, with the
# line numbers never run), branches.txt, html/index.html (line by line).
set -eu

BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
MAKE=${MAKE:-make}
W=${COVERAGE_DIR:-$BUILDDIR/coverage.out}

die() {
	echo "coverage: $*" >&2
	exit 1
}

command -v gcovr >/dev/null ||
    die "gcovr not found (Debian: apt-get install gcovr)"
rm -rf "$W"
mkdir -p "$W/build" "$W/html"
"$MAKE" -C "$BUILDDIR" distdir distdir="$W/src" >"$W/prepare.log" 2>&1 ||
    die "make distdir failed: see $W/prepare.log"

rc=0
cd "$W/build"
"$W/src/configure" -q --enable-coverage >>"$W/prepare.log" 2>&1 ||
    die "configure failed: see $W/prepare.log"
("$MAKE" all && "$MAKE" check TESTS=) >>"$W/prepare.log" 2>&1 ||
    die "build failed: see $W/prepare.log"

# Tests run parcp as nobody too (errors.sh, treefaults.sh), and libgcov
# complains on stderr about a .gcda it cannot open, which those tests
# check to the byte (GCOV_ERROR_FILE is not honoured by gcc 12).  So every
# counter file exists before the tests, empty (libgcov starts it afresh)
# and writable by anyone: the runs as nobody count as well.
find . -name '*.gcno' | while read -r f; do
	: >"${f%.gcno}.gcda"
	chmod 666 "${f%.gcno}.gcda"
done
"$MAKE" check || rc=$?

# One gcov pass over src/ only (not compat/ or the tests themselves).
gcovr --root "$W/src" --object-directory "$W/build" \
    --filter "$W/src/src/" \
    --txt "$W/coverage.txt" --html-details "$W/html/index.html" \
    --json-summary "$W/summary.json" >"$W/gcovr.log" 2>&1 ||
    die "gcovr failed: see $W/gcovr.log"
gcovr --root "$W/src" --object-directory "$W/build" \
    --filter "$W/src/src/" --branches --txt "$W/branches.txt" \
    >>"$W/gcovr.log" 2>&1

# Lines and branches side by side, from gcovr's JSON summary.
python3 - "$W/summary.json" <<'EOF'
import json, sys

s = json.load(open(sys.argv[1]))


def row(name, d):
    return "| %s | %d/%d | %.1f%% | %d/%d | %.1f%% |" % (
        name, d["line_covered"], d["line_total"], d["line_percent"],
        d["branch_covered"], d["branch_total"], d["branch_percent"])


print("| file | lines | line % | branches | branch % |")
print("|---|---:|---:|---:|---:|")
for f in sorted(s["files"], key=lambda f: f["filename"]):
    print(row(f["filename"], f))
print(row("**total**", s))
EOF
if grep -rlq '^profiling:' --include='*.log' tests; then
	echo "coverage: libgcov could not write some counters: see" \
	    "$(grep -rl '^profiling:' --include='*.log' tests | head -3)"
fi
echo "coverage: reports in $W (coverage.txt, branches.txt, html/)"
[ $rc -eq 0 ] || echo "coverage: make check failed (status $rc)" >&2
exit $rc
