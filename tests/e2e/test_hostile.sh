#!/bin/sh
# End-to-end: what an agent prints is hostile input.  The real sandbox-tui
# in a private tmux shows 4 test agents (local docker); agent 1 prints the
# sequences that crashed libvterm or our guards in front of it (more than
# 16 CSI arguments, DECRQSS after C0 controls and intermediates, REP after
# a zero-width character), a 10,000-argument CSI, invalid UTF-8, a 1 MB
# OSC title, unterminated DCS and OSC strings, and then a 100 MB line
# without a newline.  The grid must stay up, keep drawing the other
# panes, answer keys while the flood runs, and keep its memory bounded.
# The 100 MB go through docker attach at about 1 MB/s here, slower on a
# loaded machine or under the sanitizers: hence the long limit.
# e2e-timeout: 1500
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/e2e.sh"

e2e_program
e2e_agents
agents_create 4
e2e_config

LONG=${HOSTILE_LONG_BYTES:-100000000}
# Peak resident memory allowed; the sanitizers' shadow memory needs more.
MAX_KB=262144
if grep -q __asan_init "$BIN" 2>/dev/null; then
	MAX_KB=1048576
fi

# The hostile bytes, as a file the agent cats.
H=$T_TMP/hostile
{
	printf '\033[;;;;;;;;;;;;;;;;;;2m'
	printf '\033[1:2:3:4:5:6:7:8:9:1:2:3:4:5:6:7:8:9m'
	printf '\033['
	awk 'BEGIN { for (i = 0; i < 10000; i++) printf "1;" }'
	printf 'm'
	printf '\033\001%%P$q;;;;;;;;;;;;;;;;r;rm\000\000\007'
	printf '\033]2;ti\033\000\000P$qm\000\004\036Haaude;it\357\326\330\221\376\177\000\007'
	printf '\033P$qx\033\\'
	printf '\342\200\213\033[999999b'
	printf '\300\233\355\240\200\365\377\376\302\205\342\202'
	printf '\033]0;'
	head -c 1048576 /dev/zero | tr '\0' 'T'
	printf '\007'
	printf '\033]2;'
	head -c 200000 /dev/zero | tr '\0' 'o'
	printf '\033P'
	head -c 300000 /dev/zero | tr '\0' 'd'
} >"$H"
for n in 1 2 3 4; do
	docker cp "$H" "$(agent_name "$n"):/hostile" >/dev/null ||
	    t_die "cannot copy the hostile bytes into agent $n"
done

tmux_start 200 50 sh -c '"$0" "$@"; echo $? >"$T_TMP/exit"' "$BIN" \
    --target local -o ui.mouse=off
tmux_wait_for "$(agent_token 4)" 20 || t_die "the grid did not show agent 4"
pid=$(pgrep -P "$(tmux_pane_pid)" | head -n 1)
[ -n "$pid" ] || t_die "no sandbox-tui process under tmux"

alive() {
	kill -0 "$pid" 2>/dev/null && ! tmux_pane_dead >/dev/null
}

peak_kb() {
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null
}

focus() {
	tmux_send C-] :
	tmux_type "focus $1"
	tmux_send Enter
}

run_in() {
	focus "$1"
	tmux_type "$2"
	tmux_send Enter
}

# --- the sequences, once each in every pane ------------------------------
for n in 1 2 3 4; do
	run_in "$n" "cat /hostile"
done
all_done() {
	[ "$(tmux_capture | grep -o 'cat done /hostile' | wc -l)" = 4 ]
}
if t_wait_until 120 all_done && alive; then
	t_ok "crash inputs, 10,000-argument CSI, bad UTF-8, 1 MB title, open strings: the grid stays up in all 4 panes"
else
	t_fail "the grid after the hostile sequences" "$(tmux_capture | tail -n 20)"
fi
run_in 2 "after-hostile"
if t_wait_until 10 sh -c "docker logs $(agent_name 2) 2>&1 | grep -q 'got: after-hostile'" &&
    tmux_wait_for "got: after-hostile" 10; then
	t_ok "keys still reach an agent and its answer is drawn"
else
	t_fail "keys after the hostile sequences" "$(tmux_capture | tail -n 5)"
fi

# --- a paste into the : prompt is UTF-8, not bytes as characters --------
tmux_send C-] :
tmux_cmd set-buffer -b sbx "$(printf 'caf\303\251 \033[31m\302\233x')"
tmux_cmd paste-buffer -p -b sbx -t "$TMUX_TARGET"
if tmux_wait_for ':café \[31mx' 5; then
	t_ok "a paste into the prompt keeps its characters, controls left out"
else
	t_fail "paste into the prompt" "$(tmux_capture | tail -n 1)"
fi
# C-g, not Escape: a lone ESC waits 25 ms for more, and the prefix typed
# next would join it as Meta-prefix.
tmux_send C-g
tmux_wait_gone ':café' 10

# --- a 100 MB line in pane 1, while pane 2 floods and pane 3 is typed in --
run_in 1 "longline $LONG"
if ! t_wait_until 30 sh -c "docker logs --tail 5 $(agent_name 1) 2>&1 | grep -q 'xxxxxxxxxx'"; then
	t_fail "agent 1 started the long line" "$(tmux_capture | tail -n 5)"
fi
start=$(t_now_ms)
run_in 2 "flood 20000"
if tmux_wait_for "flood done 20000" 600; then
	t_ok "another pane keeps streaming during the long line (20,000 lines in $(( $(t_now_ms) - start )) ms)"
else
	t_fail "another pane streaming during the long line" ""
fi
t0=$(t_now_ms)
run_in 3 "still-here"
if tmux_wait_for "got: still-here" 30; then
	t_ok "a key typed during the long line is echoed in $(( $(t_now_ms) - t0 )) ms"
else
	t_fail "typing during the long line" ""
fi
if tmux_wait_for "longline done $LONG" 1200 && alive; then
	t_ok "a $LONG-byte line without a newline: drawn to its end in $(( $(t_now_ms) - start )) ms"
else
	t_fail "the long line" "$(tmux_capture | tail -n 5)"
fi

kb=$(peak_kb)
if [ -n "$kb" ] && [ "$kb" -le "$MAX_KB" ]; then
	t_ok "peak memory ${kb} kB (bound ${MAX_KB} kB)"
else
	t_fail "peak memory ${kb:-?} kB over ${MAX_KB} kB" ""
fi

# --- and it still quits cleanly (under ASan: no leak) ---------------------
tmux_send C-] d
if t_wait_until 20 test -s "$T_TMP/exit" && [ "$(cat "$T_TMP/exit")" = 0 ]; then
	t_ok "detach exits 0 afterwards"
else
	t_fail "detach after the hostile output" "exit $(cat "$T_TMP/exit" 2>/dev/null)"
fi
t_done
