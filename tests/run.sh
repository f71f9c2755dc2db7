#!/bin/sh
# Runs the tests and sums them up: every unit test binary ($BUILD/tests/test_*,
# built by `make unit`; BUILD defaults to build) and every end-to-end script
# (tests/e2e/test_*.sh), each under a timeout, with their output shown.
#
#   tests/run.sh              everything
#   tests/run.sh unit | e2e | fuzz   one kind
#   tests/run.sh PATH...      these binaries and scripts
#
# Unit results are cmocka's own summary lines, end-to-end and fuzz results
# the "ok -" / "not ok -" lines (fuzz: tests/fuzz/run.sh check, which
# replays every kept input of each harness in $FUZZ_BUILD and fuzzes them
# all for under a minute); a program that fails without reporting a
# failure (a crash, a timeout, a failing setup) counts as one failure.  The
# last four lines are the totals, e.g. "unit: 41 passed, 0 failed",
# "fuzz: 20 passed, 0 failed", "e2e: 12 passed, 0 failed", "total: 73
# passed, 0 failed".  Exits 1 if
# anything failed or nothing ran.
#
# UNIT_TIMEOUT and E2E_TIMEOUT (seconds, default 300 and 600) bound each one;
# a script that needs longer says so in a line "# e2e-timeout: SECONDS"
# (the larger of the two counts).

cd "$(dirname "$0")/.." || exit 1
T_REPO=$(pwd)
BUILD=${BUILD:-build}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-300}
E2E_TIMEOUT=${E2E_TIMEOUT:-600}
export T_REPO BUILD
CMOCKA_MESSAGE_OUTPUT=STDOUT
export CMOCKA_MESSAGE_OUTPUT

unit_pass=0
unit_fail=0
e2e_pass=0
e2e_fail=0
fuzz_pass=0
fuzz_fail=0
failed_list=

work=$(mktemp -d "${TMPDIR:-/tmp}/sbx-run.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs "$@" under a timeout, output shown and kept in $work/out; its exit
# status (124 on timeout) goes to $work/rc.
run_logged() {
	_limit=$1
	shift
	{
		timeout -k 30 "$_limit" "$@" </dev/null 2>&1
		echo $? >"$work/rc"
	} | tee "$work/out"
}

# Sums cmocka's "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)"
# lines (one each per group) from $work/out.
cmocka_count() {
	sed -n "s/^\[  $1  \] \([0-9][0-9]*\) test.*/\1/p" "$work/out" |
	    awk '{ n += $1 } END { print n + 0 }'
}

run_unit() {
	echo "== $1"
	run_logged "$UNIT_TIMEOUT" "$1"
	rc=$(cat "$work/rc")
	p=$(cmocka_count PASSED)
	f=$(cmocka_count FAILED)
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		[ "$rc" = 124 ] && echo "** $1: timed out after ${UNIT_TIMEOUT}s"
		[ "$rc" != 124 ] && echo "** $1: exited with status $rc"
		f=1
	fi
	if [ "$rc" = 0 ] && [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "** $1: no cmocka summary; counting the program as one test"
		p=1
	fi
	unit_pass=$((unit_pass + p))
	unit_fail=$((unit_fail + f))
	[ "$f" = 0 ] || failed_list="$failed_list $1"
}

run_e2e() {
	echo "== $1"
	limit=$(sed -n 's/^# e2e-timeout: \([0-9][0-9]*\)$/\1/p' "$1" | head -n 1)
	if [ -z "$limit" ] || [ "$limit" -lt "$E2E_TIMEOUT" ]; then
		limit=$E2E_TIMEOUT
	fi
	if [ -x "$1" ]; then
		run_logged "$limit" "$1"
	else
		run_logged "$limit" sh "$1"
	fi
	rc=$(cat "$work/rc")
	p=$(grep -c '^ok - ' "$work/out")
	f=$(grep -c '^not ok - ' "$work/out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		[ "$rc" = 124 ] && echo "** $1: timed out after ${limit}s"
		[ "$rc" != 124 ] && echo "** $1: exited with status $rc"
		f=1
	fi
	if [ "$rc" = 0 ] && [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "** $1: reported no results"
	fi
	e2e_pass=$((e2e_pass + p))
	e2e_fail=$((e2e_fail + f))
	[ "$f" = 0 ] || failed_list="$failed_list $1"
}

run_fuzz() {
	echo "== tests/fuzz/run.sh check"
	run_logged "$E2E_TIMEOUT" sh tests/fuzz/run.sh check
	rc=$(cat "$work/rc")
	p=$(grep -c '^ok - ' "$work/out")
	f=$(grep -c '^not ok - ' "$work/out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "** tests/fuzz/run.sh: exited with status $rc"
		f=1
	fi
	fuzz_pass=$((fuzz_pass + p))
	fuzz_fail=$((fuzz_fail + f))
	[ "$f" = 0 ] || failed_list="$failed_list tests/fuzz"
}

all_unit() {
	found=0
	# By source: a binary whose test file was renamed or split is
	# stale and must not run beside its successors.
	for src in tests/unit/test_*.c; do
		t=$BUILD/tests/$(basename "$src" .c)
		if [ ! -f "$t" ] || [ ! -x "$t" ]; then
			continue
		fi
		found=1
		run_unit "$t"
	done
	[ "$found" = 1 ] || echo "** no unit test binaries in $BUILD/tests (run make unit)"
}

all_e2e() {
	found=0
	for t in tests/e2e/test_*.sh; do
		[ -f "$t" ] || continue
		found=1
		run_e2e "$t"
	done
	[ "$found" = 1 ] || echo "** no end-to-end scripts in tests/e2e"
}

[ $# -gt 0 ] || set -- unit fuzz e2e
for a in "$@"; do
	case $a in
	unit) all_unit ;;
	e2e) all_e2e ;;
	fuzz) run_fuzz ;;
	*.sh)
		if [ -f "$a" ]; then
			run_e2e "$a"
		else
			echo "** $a: no such script"
			e2e_fail=$((e2e_fail + 1))
			failed_list="$failed_list $a"
		fi
		;;
	*)
		if [ -f "$a" ] && [ -x "$a" ]; then
			run_unit "$a"
		else
			echo "** $a: not a test binary, a script, unit or e2e"
			unit_fail=$((unit_fail + 1))
			failed_list="$failed_list $a"
		fi
		;;
	esac
done

echo
for f in $failed_list; do
	echo "FAILED: $f"
done
pass=$((unit_pass + e2e_pass + fuzz_pass))
fail=$((unit_fail + e2e_fail + fuzz_fail))
echo "unit: $unit_pass passed, $unit_fail failed"
echo "fuzz: $fuzz_pass passed, $fuzz_fail failed"
echo "e2e: $e2e_pass passed, $e2e_fail failed"
echo "total: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ] && exit 0
exit 1
