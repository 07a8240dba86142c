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

# libgcov reports a .gcda it cannot write on stderr, and a test that runs
# parcp as nobody (errors.sh) checks stderr to the byte: send those
# messages to a file anyone may append to.  Those runs go uncounted.
: >"$W/gcov-errors.log"
chmod 666 "$W/gcov-errors.log"
export GCOV_ERROR_FILE=$W/gcov-errors.log

rc=0
cd "$W/build"
"$W/src/configure" -q --enable-coverage >>"$W/prepare.log" 2>&1 ||
    die "configure failed: see $W/prepare.log"
"$MAKE" >>"$W/prepare.log" 2>&1 || die "build failed: see $W/prepare.log"
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
if [ -s "$W/gcov-errors.log" ]; then
	echo "coverage: $(wc -l <"$W/gcov-errors.log") counter files not" \
	    "written (runs as another user): $W/gcov-errors.log"
fi
echo "coverage: reports in $W (coverage.txt, branches.txt, html/)"
[ $rc -eq 0 ] || echo "coverage: make check failed (status $rc)" >&2
exit $rc
