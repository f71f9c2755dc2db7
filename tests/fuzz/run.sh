#!/bin/sh
# Runs the libFuzzer harnesses built in $FUZZ_BUILD (default build-fuzz) by
# `make fuzz-build`.  Each harness fuzz_NAME has its inputs in
# tests/fuzz/corpus/NAME: seeds, and every input that once crashed, hung
# or leaked (named crash-*, timeout-*, leak-*, oom-*), kept forever.
#
#   run.sh check [SECONDS]      replay every kept input, then fuzz all
#                               harnesses for SECONDS in all (default 50),
#                               from a fixed seed: a machine no faster
#                               than the one that passed it tries no
#                               input that one did not
#   run.sh fuzz SECONDS [NAME...]  fuzz each harness (or those named) for
#                               SECONDS; new inputs go to
#                               $FUZZ_BUILD/corpus/NAME, findings are copied
#                               into tests/fuzz/corpus/NAME
#
# A harness's own libFuzzer flags (e.g. -max_len) can stand on one line in
# tests/fuzz/fuzz_NAME.options.
#
# Results are "ok - " / "not ok - " lines, as the end-to-end tests print.

cd "$(dirname "$0")/../.." || exit 1
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
# Bounds for one input: a hang is 10 s, memory 2 GB; leaks are findings.
LIMITS="-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=1"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
notok() { failed=$((failed + 1)); echo "not ok - $1"; }

harnesses() {
	for b in "$FUZZ_BUILD"/fuzz_*; do
		[ -x "$b" ] && [ -f "$b" ] && echo "${b##*/fuzz_}"
	done
}

options() {
	cat "tests/fuzz/fuzz_$1.options" 2>/dev/null
}

# Runs every kept input of harness $1 once.
replay() {
	dir=tests/fuzz/corpus/$1
	n=$(find "$dir" -type f 2>/dev/null | wc -l)
	if [ "$n" = 0 ]; then
		notok "fuzz $1: no inputs in $dir"
		return
	fi
	log=$work/$1.replay
	# shellcheck disable=SC2086
	if "$FUZZ_BUILD/fuzz_$1" $LIMITS -runs=0 "$dir" >"$log" 2>&1; then
		ok "fuzz $1: $n kept inputs replayed"
	else
		notok "fuzz $1: a kept input fails"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
}

# Fuzzes harness $1 for $2 seconds into corpus folder $3 (more libFuzzer
# flags may follow).
fuzz_one() {
	name=$1
	secs=$2
	out=$3
	shift 3
	art=$work/art-$name/
	mkdir -p "$out" "$art"
	log=$work/$name.fuzz
	# shellcheck disable=SC2046,SC2086
	"$FUZZ_BUILD/fuzz_$name" $LIMITS $(options "$name") \
	    -max_total_time="$secs" "$@" \
	    -artifact_prefix="$art" -print_final_stats=1 \
	    "$out" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	stats=$(grep -E '^(#[0-9]+.*(DONE|INITED)|stat::number_of_executed_units)' "$log" |
	    tail -n 2 | tr '\n' ' ')
	found=$(find "$art" -type f | head -n 5)
	if [ "$rc" = 0 ] && [ -z "$found" ]; then
		ok "fuzz $name: ${secs}s without a finding ($stats)"
		return
	fi
	notok "fuzz $name: finding after fuzzing (exit $rc)"
	grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$log" | head -n 30 |
	    sed 's/^/    /'
	for f in $found; do
		if [ "$mode" = fuzz ]; then
			cp "$f" "tests/fuzz/corpus/$name/"
			echo "    kept as tests/fuzz/corpus/$name/${f##*/}"
		else
			mkdir -p "$FUZZ_BUILD/findings/$name"
			cp "$f" "$FUZZ_BUILD/findings/$name/"
			echo "    kept as $FUZZ_BUILD/findings/$name/${f##*/}" \
			    "(add it to tests/fuzz/corpus/$name/ with the fix)"
			echo "    input (base64): $(base64 -w0 "$f" | cut -c1-2000)"
		fi
	done
}

work=$(mktemp -d "${TMPDIR:-/tmp}/sbx-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mode=${1:-check}
[ $# -gt 0 ] && shift
names=$(harnesses)
if [ -z "$names" ]; then
	notok "fuzz: no harness built in $FUZZ_BUILD (make fuzz-build)"
	exit 1
fi

case $mode in
check)
	total=${1:-50}
	count=$(echo "$names" | wc -l)
	each=$((total / count))
	[ "$each" -ge 1 ] || each=1
	for n in $names; do
		replay "$n"
	done
	for n in $names; do
		fuzz_one "$n" "$each" "$work/corpus-$n" -seed=1
	done
	;;
fuzz)
	secs=${1:?usage: run.sh fuzz SECONDS [NAME...]}
	shift
	[ $# -gt 0 ] && names=$*
	for n in $names; do
		if [ ! -x "$FUZZ_BUILD/fuzz_$n" ]; then
			notok "fuzz $n: no such harness"
			continue
		fi
		fuzz_one "$n" "$secs" "$FUZZ_BUILD/corpus/$n"
	done
	;;
*)
	echo "usage: run.sh check [SECONDS] | fuzz SECONDS [NAME...]" >&2
	exit 2
	;;
esac
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
