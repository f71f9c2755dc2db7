#!/bin/sh
# valgrind memcheck over end-to-end tests (default: the grid's,
# tests/e2e/test_grid.sh): each test runs the real program under valgrind
# through a wrapper given as SANDBOX_TUI, with waits stretched
# (T_TIME_SCALE, default 10) since valgrind runs it some 20 times slower.
# Passes when every test passes and every valgrind log says 0 errors and
# no memory definitely lost.  `make check-valgrind` runs it on the plain
# build (-O2 -g).
#
#   tests/valgrind.sh [tests/e2e/test_X.sh ...]
cd "$(dirname "$0")/.." || exit 1
T_REPO=$(pwd)
BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || { echo "no binary at $BIN (run make first)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
[ $# -gt 0 ] || set -- tests/e2e/test_grid.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/sbx-valgrind.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --child-silent-after-fork: the program forks notify commands; their
# execs are not ours to check.
cat >"$work/sandbox-tui" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --child-silent-after-fork=yes \\
    --log-file="$work/vg.%p" "$BIN" "\$@"
WRAP
chmod +x "$work/sandbox-tui"

T_TIME_SCALE=${T_TIME_SCALE:-10}
export T_TIME_SCALE
rc=0
SANDBOX_TUI="$work/sandbox-tui" E2E_TIMEOUT=${E2E_TIMEOUT:-3000} \
    sh tests/run.sh "$@" || rc=1

# The programs the tests stopped may still be writing their leak report:
# wait (bounded) until every log has its summary.
logs_complete() {
	for _f in "$work"/vg.*; do
		[ -f "$_f" ] || continue
		grep -q 'ERROR SUMMARY' "$_f" || return 1
	done
	return 0
}
i=0
while ! logs_complete && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done

runs=0
bad=0
for f in "$work"/vg.*; do
	[ -f "$f" ] || continue
	runs=$((runs + 1))
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$f" ||
	    grep -Eq 'definitely lost: [1-9]' "$f"; then
		bad=$((bad + 1))
		echo "valgrind found errors in one run:"
		sed 's/^/    /' "$f" | head -n 80
	fi
done
echo "valgrind: $runs runs of the program checked, $bad with errors"
if [ "$runs" = 0 ]; then
	echo "valgrind: the program never ran"
	rc=1
fi
[ "$bad" = 0 ] || rc=1
exit $rc
