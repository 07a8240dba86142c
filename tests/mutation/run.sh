#!/bin/bash
# Mutation testing of src/*.c: does some test fail when the code is wrong?
#
# mutate.py draws a seeded sample of one-line mutants per file.  Each is
# applied to a pristine copy of the sources (make distdir) that has its own
# out-of-tree build, so the working tree is never touched; make then
# rebuilds only the mutated object, libparcp.a, parcp and the unit tests
# that the map names for the file, and those tests (tests/mutation/map.txt)
# run with a timeout.  The first failing test kills the mutant.
#
# Run as `make mutation` (which sets BUILDDIR), or directly from a
# configured build directory.  Bounds, all from the environment:
#   MUTATION_SEED     the sample's seed (1)
#   MUTANTS_PER_FILE  mutants drawn per file (25)
#   FILES             the files to mutate ("src/plan.c src/util.c"; all
#                     files in the map)
#   TIME_LIMIT        seconds for the whole run; mutants not reached are
#                     reported as skipped (3600)
#   TEST_TIMEOUT      seconds per test run (3 x its baseline time + 10)
#   MUTATION_DIR      scratch and results ($BUILDDIR/mutation.out)
# Results: $MUTATION_DIR/results/report.md, mutants.csv, logs/.
set -eu
# Builds here are one job, whatever make called us with: the machine is
# shared and a mutant run is a long sequence of small rebuilds anyway.
unset MAKEFLAGS MFLAGS MAKELEVEL

here=$(cd "$(dirname "$0")" && pwd)
BUILDDIR=$(cd "${BUILDDIR:-.}" && pwd)
MAKE=${MAKE:-make}
SEED=${MUTATION_SEED:-1}
PER_FILE=${MUTANTS_PER_FILE:-25}
TIME_LIMIT=${TIME_LIMIT:-3600}
W=${MUTATION_DIR:-$BUILDDIR/mutation.out}
S=$W/src		# the pristine copy, mutated one line at a time
B=$W/build		# its build
O=$W/orig		# originals of the mutated files, stripped objects
R=$W/results
MUTATE="python3 $here/mutate.py"
PROGS=parcp		# and parcp-mpi when it is built (prepare)

die() {
	echo "mutation: $*" >&2
	exit 1
}

# The map as it was when the run started: editing it meanwhile (a new
# test, not in the baseline) must not change the run.
MAP=$(mktemp /tmp/parcp-mutation-map.XXXXXX)
# On the way out, nothing of a test may be left running.
on_exit() {
	local pid tok
	rm -f "$MAP"
	if [ -s "$W/current" ]; then
		read -r pid tok <"$W/current"
		kill -KILL -- "-$pid" 2>/dev/null || :
		sweep "$tok"
		rm -f "$W/current"
	fi
}
trap on_exit EXIT
cp "$here/map.txt" "$MAP"

# tests_for FILE: the tests the map names for FILE (empty if none).
tests_for() {
	sed -n "s|^$1:[[:space:]]*||p" "$MAP"
	echo	# the map's last line may lack its newline
}

# The sources once, as `make dist` would ship them, and a build of them.
prepare() {
	local units
	rm -rf "$W"
	mkdir -p "$B" "$O" "$R/logs"
	"$MAKE" -C "$BUILDDIR" distdir distdir="$S" >"$R/logs/prepare" 2>&1 ||
	    die "make distdir failed: see $R/logs/prepare"
	units=$(for f in $FILES; do tests_for "$f"; done | tr ' ' '\n' |
	    grep -v '\.sh$' | sort -u | tr '\n' ' ')
	(cd "$B" && "$S/configure" -q && "$MAKE" -j1 all $units \
	    tests/faultshim.so tests/treecmp) >>"$R/logs/prepare" 2>&1 ||
	    die "the pristine build failed: see $R/logs/prepare"
	# all builds parcp-mpi when configure found MPI: then every mutant
	# relinks it too (tests/cli/mpi.sh runs it; src/exec_mpi.c is in it
	# alone), and the tests are told where it is, as make check does.
	[ -x "$B/parcp-mpi" ] && PROGS="parcp parcp-mpi"
	return 0
}

# object FILE: the object make compiles src/FILE.c into: src/x.o, or for
# a file only one program has (src/exec_mpi.c) that program's prefixed
# object (src/parcp_mpi-exec_mpi.o).
object() {
	local base o
	base=$(basename "$1" .c)
	for o in "$B/src/$base.o" "$B"/src/*-"$base".o; do
		[ -f "$o" ] && { echo "$o"; return; }
	done
	die "no object of $1 in $B/src"
}

# sweep TOKEN: SIGKILL every process that still has TOKEN in its
# environment: what a test left behind, in its own process group or in a
# session of its own (script(1) runs its command on a new pty session, out
# of reach of a group kill).  Again until none is left (one may fork).
sweep() {
	local p pids n
	for n in 1 2 3 4 5; do
		pids=
		for p in /proc/[0-9]*; do
			grep -qsxz "PARCP_MUTATION_TOKEN=$1" "$p/environ" &&
			    pids="$pids ${p#/proc/}"
		done
		[ -n "$pids" ] || return 0
		kill -KILL $pids 2>/dev/null || :
		sleep 0.2
	done
}

# run_test TEST TIMEOUT LOG: run one test as make check would (from the
# build directory, with its environment); prints pass, fail or timeout.
# The test is a session and process group of its own (setsid execs in
# place: a background job is no group leader, so the group's id is the
# job's pid).  At its timeout the whole group gets SIGTERM, 5 s later
# SIGKILL; then whatever still carries the test's token is killed.
# run_test runs in a subshell ($(...)): $W/current names the test running
# now (pid, token) for the EXIT trap.
run_test() {
	local cmd=$B/$1 rc=0 pid end st= tok=$$.$BASHPID
	case $1 in *.sh) cmd=$S/$1 ;; esac
	(cd "$B" && mkdir -p tests/cli &&
	    PARCP_MUTATION_TOKEN=$tok srcdir=$S PARCP=$B/parcp \
	    PARCP_MPI=$B/parcp-mpi \
	    FAULTSHIM=$B/tests/faultshim.so TREECMP=$B/tests/treecmp \
	    TESTLIB=$S/tests/lib.sh exec setsid "$cmd") </dev/null >"$3" 2>&1 &
	pid=$!
	echo "$pid $tok" >"$W/current"
	end=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$st" ] && [ $SECONDS -ge $end ]; then
			st=timeout
			kill -TERM -- "-$pid" 2>/dev/null || :
			end=$((SECONDS + 5))
		elif [ -n "$st" ] && [ $SECONDS -ge $end ]; then
			kill -KILL -- "-$pid" 2>/dev/null || :
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || rc=$?
	kill -KILL -- "-$pid" 2>/dev/null || :
	sweep "$tok"
	rm -f "$W/current"
	if [ -n "$st" ]; then
		echo "mutation: timed out after $2 s" >>"$3"
		echo timeout
		return
	fi
	case $rc in
	0 | 77) echo pass ;;		# 77: the test skipped itself
	*) echo fail ;;
	esac
}

# Every test must pass before any mutant counts; its time sets its timeout.
declare -A TIMEOUT
baseline() {
	local t t0 secs log
	for t in $(for f in $FILES; do tests_for "$f"; done | tr ' ' '\n' |
	    sort -u); do
		t0=$SECONDS
		log=$R/logs/baseline-${t##*/}
		[ "$(run_test "$t" 3600 "$log")" = pass ] ||
		    die "$t fails without a mutant: see $log"
		secs=$((SECONDS - t0))
		TIMEOUT[$t]=${TEST_TIMEOUT:-$((3 * secs + 10))}
		echo "baseline: $t ${secs}s (timeout ${TIMEOUT[$t]}s)"
	done
}

# The object of src/x.c without debug information: a mutant whose object
# is the same compiled to the same code (say 1 + 1 for 2).
stripped() {
	objcopy --strip-debug "$(object "$1")" "$2"
}

# mutant I FILE: apply, build, test, restore; prints status and test.
mutant() {
	local i=$1 file=$2 base t units st
	base=$(basename "$file" .c)
	$MUTATE apply "$R/mutants.jsonl" "$i" "$O/$base.c" "$S/$file"
	units=$(tests_for "$file" | tr ' ' '\n' | grep -v '\.sh$' || :)
	st="stillborn -"
	if (cd "$B" && "$MAKE" -j1 $PROGS $units) >"$R/logs/$i.build" 2>&1
	then
		stripped "$file" "$O/mutant.o"
		if cmp -s "$O/mutant.o" "$O/$base.o"; then
			st="identical -"
		else
			st="survived -"
			for t in $(tests_for "$file"); do
				case $(run_test "$t" "${TIMEOUT[$t]}" \
				    "$R/logs/$i.test") in
				fail) st="killed $t"; break ;;
				timeout) st="timeout $t"; break ;;
				esac
			done
		fi
		rm -f "$R/logs/$i.build"
	fi
	# A plain cp: the restored file must be newer than the mutant's
	# object, or make would keep linking the mutant.
	cp "$O/$base.c" "$S/$file"
	echo "$st"
}

main() {
	local i file line op eq st test t0 start total stop=0
	[ -f "$BUILDDIR/config.status" ] ||
	    die "run from a configured build directory (or set BUILDDIR)"
	FILES=${FILES:-$(sed -n 's|^\(src/[^:]*\):.*|\1|p' "$MAP")}
	for file in $FILES; do
		[ -n "$(tests_for "$file")" ] ||
		    die "$file has no tests in tests/mutation/map.txt"
	done
	start=$SECONDS
	prepare
	baseline
	for file in $FILES; do
		cp "$S/$file" "$O/$(basename "$file")"
		stripped "$file" "$O/$(basename "$file" .c).o"
	done
	$MUTATE list --root "$S" --seed "$SEED" --per-file "$PER_FILE" \
	    --equivalent "$here/equivalent.txt" --out "$R/mutants.jsonl" \
	    $FILES >"$R/mutants.tsv"
	total=$(wc -l <"$R/mutants.tsv")
	: >"$R/results.tsv"
	trap 'stop=1' INT TERM
	# fd 3: whatever a test or make reads from stdin is not the list.
	while IFS=$'\t' read -r -u 3 i file line op eq; do
		[ $((SECONDS - start)) -lt "$TIME_LIMIT" ] || stop=1
		if [ $stop = 1 ]; then
			echo "mutation: stopped; the rest is reported as skipped"
			break
		fi
		t0=$SECONDS
		if [ "$eq" = 1 ]; then
			st="equivalent -"
		else
			st=$(mutant "$i" "$file")
		fi
		read -r st test <<<"$st"
		[ "$test" = - ] && test=
		printf '%s\t%s\t%s\t%s\n' "$i" "$st" "$test" \
		    $((SECONDS - t0)) >>"$R/results.tsv"
		printf '[%d/%d] %s:%s %s: %s %s\n' $((i + 1)) "$total" \
		    "$file" "$line" "$op" "$st" "$test"
	done 3<"$R/mutants.tsv"
	$MUTATE report "$R" --title "Seed $SEED, $PER_FILE mutants per file,\
 $((SECONDS - start)) s, $(date -u +%Y-%m-%dT%H:%MZ)."
	echo "report: $R/report.md (CSV: $R/mutants.csv)"
}

main "$@"
