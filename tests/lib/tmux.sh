# A private tmux server that runs the program under test on a terminal of a
# known size, to be sourced after common.sh (POSIX sh).  Nothing of the
# user's tmux is touched: own socket ($TMUX_SOCKET, inside T_TMP, so it goes
# away with it; tmux 3.3a leaves its socket behind), own config file.  To
# look at a running test: tmux -S <the socket> attach.
#
#   tmux_start W H CMD [ARG...]  runs CMD in a W x H pane (status line off,
#                         remain-on-exit on so a crash's last screen and
#                         exit status stay) on a fresh server; registers
#                         tmux_kill at exit.  One word: a shell command
#                         line; several: the argv, run without a shell
#   tmux_send KEYS...     send-keys with tmux key names (Enter, C-c, Up...)
#   tmux_type TEXT        types TEXT literally
#   tmux_capture          prints the visible screen as plain text
#   tmux_capture_e        the same with SGR escape sequences (attributes)
#   tmux_capture_all      the history and the screen
#   tmux_wait_for ERE [TIMEOUT_S]   waits (default 10 s) until the screen
#                         matches ERE (grep -E); on timeout prints the last
#                         screen to stderr and returns 1
#   tmux_wait_gone ERE [TIMEOUT_S]  waits until the screen no longer matches
#   tmux_resize W H       resizes the window; the program gets SIGWINCH
#   tmux_pane_dead        returns 0 if the program exited and prints its exit
#                         status, "signal N" if a signal killed it, or
#                         "unknown"; returns 1 while it runs
#   tmux_wait_dead [TIMEOUT_S]      waits for the program to exit
#   tmux_cursor           prints "X Y" of the cursor (0-based)
#   tmux_size             prints "W H" of the pane
#   tmux_pane_pid         prints the pid of the program
#   tmux_kill             kills the server (safe to call twice)
#   tmux_cmd ARGS...      any other tmux command on the private server
#
# The pane's TERM is TMUX_TERM, by default tmux-256color (screen-256color
# where that has no terminfo entry).

TMUX_SOCKET=$T_TMP/tmux.sock
TMUX_TARGET=sbx:0.0
_TMUX_CLEANUP=
_TMUX_CONF=$T_TMP/tmux.conf
if [ -z "${TMUX_TERM:-}" ]; then
	TMUX_TERM=tmux-256color
	infocmp "$TMUX_TERM" >/dev/null 2>&1 || TMUX_TERM=screen-256color
fi

# Our own config instead of the user's: options are in place before the
# program starts, so even a program dying at once leaves its pane.
# (window-size manual here would crash tmux 3.3a's server; tmux_start sets
# it on the window instead, to keep the size ours whatever clients attach.)
cat >"$_TMUX_CONF" <<EOF
set-option -g status off
set-option -g remain-on-exit on
set-option -g default-terminal "$TMUX_TERM"
set-option -g escape-time 0
set-option -g history-limit 10000
EOF

tmux_cmd() {
	tmux -S "$TMUX_SOCKET" -f "$_TMUX_CONF" "$@"
}

# A fresh server each time, so the program sees the script's environment.
tmux_start() {
	_tm_w=$1
	_tm_h=$2
	shift 2
	if [ -z "$_TMUX_CLEANUP" ]; then
		t_on_exit tmux_kill && _TMUX_CLEANUP=1
	fi
	tmux_kill
	tmux_cmd new-session -d -s sbx -x "$_tm_w" -y "$_tm_h" -- "$@" \; \
	    set-option -w -t sbx:0 window-size manual
}

tmux_send() {
	tmux_cmd send-keys -t "$TMUX_TARGET" "$@"
}

tmux_type() {
	tmux_cmd send-keys -t "$TMUX_TARGET" -l -- "$1"
}

tmux_capture() {
	tmux_cmd capture-pane -p -t "$TMUX_TARGET"
}

tmux_capture_e() {
	tmux_cmd capture-pane -p -e -t "$TMUX_TARGET"
}

tmux_capture_all() {
	tmux_cmd capture-pane -p -S - -t "$TMUX_TARGET"
}

_tmux_matches() {
	tmux_capture | grep -Eq -- "$1"
}

_tmux_not_matches() {
	! _tmux_matches "$1"
}

# On a timeout: the screen, and the history too once the program is dead
# (tmux scrolls a dead pane's screen up a line for its "Pane is dead").
_tmux_show_screen() {
	if _tmux_st=$(tmux_pane_dead); then
		echo "--- the program exited ($_tmux_st); waited ${2}s for $1;" \
		    "the last history lines and screen:" >&2
		tmux_cmd capture-pane -p -S -10 -t "$TMUX_TARGET" 2>&1 |
		    sed 's/^/|/' >&2
	else
		echo "--- waited ${2}s for $1; the screen:" >&2
		tmux_capture 2>&1 | sed 's/^/|/' >&2
	fi
	echo "---" >&2
}

tmux_wait_for() {
	t_wait_until "${2:-10}" _tmux_matches "$1" && return 0
	_tmux_show_screen "/$1/" "${2:-10}"
	return 1
}

tmux_wait_gone() {
	t_wait_until "${2:-10}" _tmux_not_matches "$1" && return 0
	_tmux_show_screen "/$1/ to go" "${2:-10}"
	return 1
}

tmux_resize() {
	tmux_cmd resize-window -t "$TMUX_TARGET" -x "$1" -y "$2"
}

# tmux may mark a pane dead (end of its output) a moment before it reaps
# the process and knows the status: wait a little for that.
tmux_pane_dead() {
	_tm_i=0
	while :; do
		_tm_st=$(tmux_cmd display-message -p -t "$TMUX_TARGET" \
		    '#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}') ||
		    return 1
		case $_tm_st in
		1:*:?*) echo "signal ${_tm_st##*:}"; return 0 ;;
		1:?*:) _tm_st=${_tm_st#1:}; echo "${_tm_st%:}"; return 0 ;;
		1::) ;;
		*) return 1 ;;
		esac
		_tm_i=$((_tm_i + 1))
		if [ "$_tm_i" -ge 20 ]; then
			echo unknown
			return 0
		fi
		sleep 0.1
	done
}

_tmux_dead() {
	tmux_pane_dead >/dev/null
}

tmux_wait_dead() {
	t_wait_until "${1:-10}" _tmux_dead && return 0
	_tmux_show_screen "the program to exit" "${1:-10}"
	return 1
}

tmux_cursor() {
	tmux_cmd display-message -p -t "$TMUX_TARGET" '#{cursor_x} #{cursor_y}'
}

tmux_size() {
	tmux_cmd display-message -p -t "$TMUX_TARGET" '#{pane_width} #{pane_height}'
}

tmux_pane_pid() {
	tmux_cmd display-message -p -t "$TMUX_TARGET" '#{pane_pid}'
}

# Returns once the server is gone: a client that connects to a server
# still shutting down gets "server exited unexpectedly".
tmux_kill() {
	_tm_pid=$(tmux_cmd display-message -p '#{pid}' 2>/dev/null) || return 0
	tmux_cmd kill-server 2>/dev/null
	[ -n "$_tm_pid" ] && t_wait_until 5 _tmux_server_gone "$_tm_pid"
	return 0
}

_tmux_server_gone() {
	! kill -0 "$1" 2>/dev/null
}
