# Shared helpers for end-to-end test scripts, to be sourced (POSIX sh; also
# works from bash).  A test script looks like:
#
#   . "$(dirname "$0")/../lib/common.sh"
#   . "$T_REPO/tests/lib/tmux.sh"
#   dir=$(t_tmpdir sshd)
#   ...
#   if some_check; then t_ok "name"; else t_fail "name" "what went wrong"; fi
#   t_done
#
# Results:  t_ok NAME, t_fail NAME [DETAIL], t_skip NAME REASON print TAP-like
#           "ok - NAME" / "not ok - NAME" lines; t_check NAME CMD... runs CMD
#           and reports it; t_done prints a summary and exits 0 iff nothing
#           failed.
# Cleanup:  t_on_exit 'CMD' registers CMD to run when the script exits for
#           any reason (end, error, set -e, Ctrl-C, SIGTERM from timeout);
#           commands run last-registered first, each even if others fail.
#           Cleanup commands can read T_EXIT_STATUS (the script's status).
# Temp:     T_TMP is a private directory removed on exit; t_tmpdir [NAME]
#           prints a new directory inside it (safe inside $(...)).
# Waiting:  t_wait_until TIMEOUT_S CMD... polls CMD every 0.1 s, the
#           timeout multiplied by T_TIME_SCALE (default 1; the valgrind
#           run sets more); t_now_ms.
# Misc:     t_die MSG (fail the script), t_pid_alive PID, T_REPO (the repo
#           root), T_BUILD (the build directory, default $T_REPO/build).
#
# Register cleanups from the main shell, not from inside $(...) or a
# pipeline: a subshell's registrations would be lost, so t_on_exit warns.

T_PASSED=0
T_FAILED=0
T_EXIT_STATUS=0
_T_EXIT_CMDS=
_T_EXITING=0

if [ -z "${T_REPO:-}" ]; then
	T_REPO=$(cd "$(dirname "$0")/../.." && pwd)
fi
T_BUILD=${T_BUILD:-${BUILD:-build}}
case $T_BUILD in
/*) ;;
*) T_BUILD=$T_REPO/$T_BUILD ;;
esac
export T_REPO T_BUILD

t_ok() {
	T_PASSED=$((T_PASSED + 1))
	printf 'ok - %s\n' "$1"
}

# The detail is indented so that a runner counting "ok -" lines ignores it.
t_fail() {
	T_FAILED=$((T_FAILED + 1))
	printf 'not ok - %s\n' "$1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/    /'
	fi
}

t_skip() {
	T_PASSED=$((T_PASSED + 1))
	printf 'ok - %s # SKIP %s\n' "$1" "${2:-}"
}

# Runs CMD...; its output becomes the failure detail if it fails.
t_check() {
	_t_name=$1
	shift
	if _t_out=$("$@" 2>&1); then
		t_ok "$_t_name"
	else
		t_fail "$_t_name" "$_t_out"
	fi
}

t_done() {
	printf '1..%d\n' $((T_PASSED + T_FAILED))
	printf '# %d passed, %d failed\n' "$T_PASSED" "$T_FAILED"
	[ "$T_FAILED" -eq 0 ] && exit 0
	exit 1
}

# For a setup step without which the rest of the script makes no sense.
t_die() {
	t_fail "${1:-setup}" "${2:-}"
	exit 1
}

t_on_exit() {
	# The parent of an exec'd child is the calling shell, which differs
	# from $$ inside a subshell.
	# shellcheck disable=SC2016
	_t_me=$(exec sh -c 'echo "$PPID"')
	if [ "$_t_me" != "$$" ]; then
		echo "t_on_exit called in a subshell; '$1' will not run" >&2
		echo "  at exit: call it from the test script's main shell" >&2
		return 1
	fi
	# Newest first, so teardown mirrors setup.
	_T_EXIT_CMDS="$1
$_T_EXIT_CMDS"
}

_t_run_exit() {
	# shellcheck disable=SC2034 # read by the cleanup commands
	T_EXIT_STATUS=${1:-$?}
	[ "$_T_EXITING" = 0 ] || return 0
	_T_EXITING=1
	set +e
	# A reader that went away must not stop the cleanup half-way.
	trap '' PIPE
	_t_cmds=$_T_EXIT_CMDS
	_T_EXIT_CMDS=
	while [ -n "$_t_cmds" ]; do
		_t_cmd=${_t_cmds%%
*}
		case $_t_cmds in
		*'
'*)		_t_cmds=${_t_cmds#*
} ;;
		*)	_t_cmds= ;;
		esac
		[ -n "$_t_cmd" ] && eval "$_t_cmd"
	done
	return 0
}

trap '_t_run_exit $?' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 141' PIPE

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sbx-test.XXXXXX") ||
    { echo "common.sh: cannot create a temp dir" >&2; exit 1; }
chmod 755 "$T_TMP"
# shellcheck disable=SC2016 # expanded when it runs
t_on_exit 'rm -rf "$T_TMP"'

# Prints a new empty directory under T_TMP; NAME makes it easier to find.
t_tmpdir() {
	mktemp -d "$T_TMP/${1:-tmp}.XXXXXX"
}

# Milliseconds on some monotonic-enough clock (wall clock, ms resolution).
t_now_ms() {
	_t_ns=$(date +%s%N)
	case $_t_ns in
	*[!0-9]*) echo $(($(date +%s) * 1000)) ;;
	*) echo $((_t_ns / 1000000)) ;;
	esac
}

# Polls CMD... every 0.1 s until it succeeds (0) or TIMEOUT_S (may be a
# fraction, e.g. 0.5) has passed (1).  CMD's output is not hidden.
t_wait_until() {
	_t_limit=$(awk -v s="$1" -v k="${T_TIME_SCALE:-1}" \
	    'BEGIN { printf "%d", s * k * 1000 }')
	shift
	_t_end=$(($(t_now_ms) + _t_limit))
	while :; do
		"$@" && return 0
		[ "$(t_now_ms)" -lt "$_t_end" ] || return 1
		sleep 0.1
	done
}

# Whether PID is a running process (a zombie does not count).
t_pid_alive() {
	_t_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $_t_st in
	Z*|'') return 1 ;;
	esac
	return 0
}
