#!/bin/sh
# End-to-end: the real sandbox-tui in a private tmux, against a private
# sshd on 127.0.0.1 and a real dockerd running 12 test agents.  What a user
# would check by eye: every agent's token on screen, typing reaches only
# the focused agent, zoom resizes the agent's terminal, detach leaves the
# agents running, reconnecting after the server drops us, host keys.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/e2e.sh"

e2e_program

e2e_agents
agents_create 12
e2e_sshd
# Nothing of the user's own setup: config dir, ssh config (-F below).
e2e_config
set -- --target "$TARGET" -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
    -F /dev/null -o ssh.keepalive=2

all_tokens_visible() {
	screen=$(tmux_capture)
	for n in 1 2 3 4 5 6 7 8 9 10 11 12; do
		tok=$(agent_token "$n")
		printf '%s\n' "$screen" | grep -q -- "$tok" || return 1
	done
}

# The agent's own record of what it saw: its container log.
agent_log() {
	docker logs "$(agent_name "$1")" 2>&1
}

# Last "ROWS COLS" line agent N printed for the `size` command.
agent_size() {
	agent_log "$1" | tr -d '\r' | grep -E '^[0-9]+ [0-9]+$' | tail -n 1
}

# The wrapper records the exit status, which tmux reports unreliably.
tmux_start 240 60 sh -c '"$0" "$@"; echo $? >"$T_TMP/exit"' "$BIN" "$@"
if t_wait_until 20 all_tokens_visible; then
	t_ok "12 panes show their 12 agents' tokens over one ssh connection"
else
	t_fail "12 panes show their 12 agents' tokens" "$(tmux_capture)"
fi

if tmux_capture | grep -q 'connected | agents 12/12 | focus 01'; then
	t_ok "status bar shows target, connection, agents and focus"
else
	t_fail "status bar" "$(tmux_capture | tail -n 1)"
fi

# 12 panes on a wide terminal: 4 columns by 3 rows of borders.
rows_of_borders=$(tmux_capture | grep -c 'sandbox-agent-.*sandbox-agent-.*sandbox-agent-.*sandbox-agent-')
if [ "$rows_of_borders" = 3 ]; then
	t_ok "12 agents on 240x60 are laid out 4 x 3"
else
	t_fail "12 agents laid out 4 x 3" "$rows_of_borders border rows with 4 names"
fi

# Only one ssh connection carries all of it.
conns=$(sshd_children "$SSHD_DIR" | wc -l)
if [ "$conns" -eq 1 ]; then
	t_ok "one ssh connection for all panes"
else
	t_fail "one ssh connection for all panes" "$conns sshd session processes"
fi

tmux_type "typed-into-one"
tmux_send Enter
t_wait_until 5 sh -c "docker logs $(agent_name 1) 2>&1 | grep -q 'got: typed-into-one'"
others=0
for n in 2 3 4 5 6 7 8 9 10 11 12; do
	agent_log "$n" | grep -q typed-into-one && others=$((others + 1))
done
if agent_log 1 | grep -q 'got: typed-into-one' && [ $others -eq 0 ]; then
	t_ok "typed text reaches only the focused agent"
else
	t_fail "typed text reaches only the focused agent" "others=$others"
fi

tmux_send C-] Right
tmux_type "to-the-right"
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 2) 2>&1 | grep -q 'got: to-the-right'"; then
	t_ok "prefix Right moves focus to the next pane"
else
	t_fail "prefix Right moves focus" "$(agent_log 2 | tail -n 3)"
fi

tmux_send C-] :
tmux_type "focus 5"
tmux_send Enter
tmux_type "via-prompt"
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 5) 2>&1 | grep -q 'got: via-prompt'"; then
	t_ok "command prompt 'focus 5' focuses agent 5"
else
	t_fail "command prompt focus 5" "$(tmux_capture | tail -n 2)"
fi

tmux_type "size"
tmux_send Enter
t_wait_until 5 sh -c "docker logs $(agent_name 5) 2>&1 | grep -qE '^[0-9]+ [0-9]+'"
before=$(agent_size 5)
tmux_send C-] z
sleep 0.5
tmux_type "size"
tmux_send Enter
t_wait_until 5 sh -c "[ \"\$(docker logs $(agent_name 5) 2>&1 | tr -d '\r' | grep -cE '^[0-9]+ [0-9]+$')\" -ge 2 ]"
after=$(agent_size 5)
if [ -n "$before" ] && [ "$after" = "58 240" ] && [ "$before" != "$after" ]; then
	t_ok "zoom gives the agent the whole terminal ($before -> $after)"
else
	t_fail "zoom changes the agent's stty size" "before='$before' after='$after'"
fi
tmux_send C-] z
sleep 0.5
tmux_type "size"
tmux_send Enter
t_wait_until 5 sh -c "[ \"\$(docker logs $(agent_name 5) 2>&1 | tr -d '\r' | grep -cE '^[0-9]+ [0-9]+$')\" -ge 3 ]"
if [ "$(agent_size 5)" = "$before" ]; then
	t_ok "unzoom gives the pane size back"
else
	t_fail "unzoom gives the pane size back" "$(agent_size 5) vs $before"
fi

tmux_send C-] '?'
if tmux_wait_for 'keys after the prefix' 5 && tmux_capture | grep -q 'zoom'; then
	t_ok "prefix ? shows help generated from the bindings"
else
	t_fail "help screen"
fi
tmux_send q
tmux_wait_gone 'keys after the prefix' 5

# Mouse: an SGR click report inside agent 6's pane (column 2, row 2 of
# the 4 x 3 grid) focuses it.
tmux_cmd send-keys -t "$TMUX_TARGET" -l "$(printf '\033[<0;81;26M\033[<0;81;26m')"
tmux_type "clicked"
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 6) 2>&1 | grep -q 'got: clicked'"; then
	t_ok "a mouse click focuses the pane under it"
else
	t_fail "mouse click focuses a pane" "$(tmux_capture | tail -n 1)"
fi

# The program's title (OSC 2) shows in its pane's border.
tmux_type "title my-title-x"
tmux_send Enter
if tmux_wait_for '06 sandbox-agent-06 running · my-title-x' 5; then
	t_ok "the title set by the agent shows in its border"
else
	t_fail "title in border" "$(tmux_capture | grep sandbox-agent-06)"
fi

# Scrollback: the wheel scrolls back through output that left the screen.
tmux_type "flood 100"
tmux_send Enter
tmux_wait_for 'flood done 100' 10
tmux_cmd send-keys -t "$TMUX_TARGET" -l "$(printf '\033[<64;81;26M\033[<64;81;26M\033[<64;81;26M')"
if tmux_wait_for '\[scroll 9/' 5 && tmux_wait_for 'flood 8[0-9]/100' 5; then
	t_ok "the mouse wheel scrolls back through the pane's history"
else
	t_fail "wheel scrollback" "$(tmux_capture | tail -n 1)"
fi
tmux_send q
tmux_send C-] '['
tmux_send PageUp
tmux_send PageUp
if tmux_wait_for '\[scroll 36/' 5 && tmux_wait_for 'flood [4-7][0-9]/100' 5; then
	t_ok "prefix [ then PageUp scrolls back"
else
	t_fail "prefix [ scrollback" "$(tmux_capture | tail -n 1)"
fi
tmux_send Escape
tmux_wait_gone '\[scroll' 5

# While agent 6 floods, the grid still takes keys at once for agent 7.
tmux_type "flood 200000"
tmux_send Enter
sleep 1
tmux_send C-] 7
tmux_type "during-flood"
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 7) 2>&1 | grep -q 'got: during-flood'"; then
	t_ok "keys reach another agent at once while one floods"
else
	t_fail "keys during a flood" "$(tmux_capture | tail -n 1)"
fi

# A paste arrives whole (tmux sends it bracketed, as we asked it to).
tmux_cmd set-buffer -b sbx "pasted-line"
tmux_cmd paste-buffer -p -b sbx -t "$TMUX_TARGET"
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 7) 2>&1 | grep -q 'got: pasted-line'"; then
	t_ok "pasted text reaches the focused agent"
else
	t_fail "paste" "$(agent_log 7 | tail -n 2)"
fi
# Colours and attributes reach the real terminal (agent 7 prints a bold
# red "red" and a "green" on a green background).
tmux_type "colour"
tmux_send Enter
tmux_wait_for 'red green' 5
if tmux_capture_e | grep -aEq '\[1;31mred|\[31;1mred|1m.\[31mred' &&
    tmux_capture_e | grep -aEq '\[42mgreen|;42mgreen'; then
	t_ok "bold red text and green background reach the terminal"
else
	t_fail "colours reach the terminal" "$(tmux_capture_e | grep -a 'red' | head -n 2 | od -c | head -n 5)"
fi

# The cursor is drawn in the focused pane, after agent 7's prompt.  A
# frame being written (a border gaining its "waiting" mark, say) moves it
# for a moment, so look until a frame is complete.
cursor_in_pane() {
	set -- $(tmux_cursor)
	[ "$1" -ge 121 ] && [ "$1" -lt 181 ] && [ "$2" -ge 21 ] && [ "$2" -lt 40 ]
}
if t_wait_until 3 cursor_in_pane; then
	t_ok "the cursor is in the focused pane ($(tmux_cursor))"
else
	t_fail "cursor in the focused pane" "cursor at $(tmux_cursor)"
fi

# The prefix pressed twice reaches the agent as itself (0x1d).
tmux_send C-] C-]
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 7) 2>&1 | grep -q \"$(printf 'got: \035')\""; then
	t_ok "the prefix key pressed twice is sent to the agent"
else
	t_fail "prefix twice" "$(agent_log 7 | tail -n 2 | od -c | head -n 3)"
fi
set -- --target "$TARGET" -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
    -F /dev/null -o ssh.keepalive=2

t_wait_until 120 sh -c "docker logs --tail 3 $(agent_name 6) 2>&1 | grep -q 'flood done 200000'"
tmux_send C-] 5

# An agent restarted behind our back is re-attached by itself (and its
# token, flooded off screen above, is back).
docker restart -t 1 "$(agent_name 6)" >/dev/null
if t_wait_until 30 all_tokens_visible; then
	t_ok "a restarted agent is re-attached by itself"
else
	t_fail "restarted agent re-attached" "$(tmux_capture | grep -A2 sandbox-agent-06)"
fi

# Idle: a grid of 12 quiet agents should not use the CPU.
# The pane's child: the program, or the valgrind that runs it.
pid=$(pgrep -P "$(tmux_pane_pid)" | head -n 1)
sleep 1
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
sleep 3
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
if [ $((t1 - t0)) -le 10 ]; then
	t_ok "idle grid of 12 uses ~0 CPU ($((t1 - t0)) ticks in 3 s)"
else
	t_fail "idle grid uses ~0 CPU" "$((t1 - t0)) ticks in 3 s"
fi

# A terminal too small to draw says so and survives.
tmux_resize 5 1
sleep 0.5
if tmux_pane_dead >/dev/null; then
	t_fail "5x1 terminal survives" "$(tmux_capture)"
else
	tmux_resize 240 60
	if t_wait_until 10 all_tokens_visible; then
		t_ok "5x1 terminal survives and the grid comes back"
	else
		t_fail "grid comes back after 5x1" "$(tmux_capture)"
	fi
fi

# The server drops the connection: reconnect and re-attach every pane.
for p in $(sshd_children "$SSHD_DIR"); do kill "$p"; done
if tmux_wait_for 'reconnecting|connecting' 15; then
	t_ok "lost connection shows in the status bar"
else
	t_fail "lost connection shows in the status bar"
fi
if tmux_wait_for 'connected \| agents 12/12' 30 && t_wait_until 20 all_tokens_visible; then
	t_ok "reconnects and re-attaches all 12 panes"
else
	t_fail "reconnects and re-attaches all 12 panes" "$(tmux_capture | tail -n 3)"
fi
tmux_type "after-reconnect"
tmux_send Enter
if t_wait_until 5 sh -c "docker logs $(agent_name 5) 2>&1 | grep -q 'got: after-reconnect'"; then
	t_ok "typing works after reconnecting, focus kept"
else
	t_fail "typing after reconnect"
fi

tmux_send C-] d
t_wait_until 10 test -s "$T_TMP/exit"
status=$(cat "$T_TMP/exit" 2>/dev/null)
if [ "$status" = 0 ]; then
	t_ok "prefix d detaches with status 0"
else
	t_fail "prefix d detaches" "status=$status"
fi
running=$(docker ps --filter label=sandbox-tui.agent --filter status=running -q | wc -l)
if [ "$running" -eq 12 ]; then
	t_ok "detach leaves all 12 containers running"
else
	t_fail "detach leaves all 12 containers running" "$running running"
fi

tmux_kill
tmux_start 240 60 "$BIN" "$@"
if t_wait_until 20 all_tokens_visible; then
	t_ok "starting again re-attaches every agent with its token visible"
else
	t_fail "restart re-attaches" "$(tmux_capture)"
fi
tmux_kill

# A changed host key is refused, naming both fingerprints and the line.
BAD_KH="$T_TMP/bad_known_hosts"
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/other_host_key" >/dev/null
printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1-2 "$T_TMP/other_host_key.pub")" >"$BAD_KH"
tmux_start 240 30 "$BIN" --target "$TARGET" -i "$SSHD_KEY" --known-hosts "$BAD_KH" -F /dev/null
if tmux_wait_for 'CHANGED' 10 && tmux_capture | grep -q "$SSHD_HOSTKEY_FP"; then
	t_ok "a changed host key is refused with its fingerprint"
else
	t_fail "changed host key refused" "$(tmux_capture | tail -n 2)"
fi
if tmux_capture | grep -q "sandbox-agent-"; then
	t_fail "no agent shown through a refused host key"
else
	t_ok "no agent shown through a refused host key"
fi
tmux_kill

# An unknown host key is asked about; "yes" trusts and records it.
NEW_KH="$T_TMP/new_known_hosts"
: >"$NEW_KH"
tmux_start 240 60 "$BIN" --target "$TARGET" -i "$SSHD_KEY" --known-hosts "$NEW_KH" -F /dev/null
if tmux_wait_for "unknown host key.*SHA256" 10; then
	t_ok "an unknown host key is asked about with its fingerprint"
	tmux_type yes
	tmux_send Enter
	if t_wait_until 20 all_tokens_visible && grep -q ssh-ed25519 "$NEW_KH"; then
		t_ok "answering yes connects and records the key"
	else
		t_fail "answering yes connects and records the key" "$(tmux_capture | tail -n 2)"
	fi
else
	t_fail "unknown host key question" "$(tmux_capture | tail -n 2)"
fi
tmux_kill

# The local target: the same grid on this machine's docker, no ssh.
tmux_start 200 50 "$BIN" --target local
if t_wait_until 20 all_tokens_visible; then
	t_ok "local target shows the same 12 agents"
else
	t_fail "local target" "$(tmux_capture)"
fi
# A stopped agent keeps its last screen and shows its status.
docker stop -t 1 "$(agent_name 12)" >/dev/null
if tmux_wait_for '12 sandbox-agent-12 exited' 20 && tmux_capture | grep -q "$(agent_token 12)"; then
	t_ok "a stopped agent keeps its last screen and shows exited"
else
	t_fail "stopped agent pane" "$(tmux_capture | grep sandbox-agent-12)"
fi
if tmux_pane_dead >/dev/null; then
	t_fail "a closed channel does not take the program down"
else
	t_ok "a closed channel does not take the program down"
fi
tmux_kill

# Configuration mistakes: exit 2 naming file, line and key.
printf 'agnets.count = 3\n' >"$T_TMP/bad.conf"
out=$("$BIN" -c "$T_TMP/bad.conf" 2>&1 </dev/null)
rc=$?
if [ $rc -eq 2 ] && printf '%s' "$out" | grep -q "bad.conf:1: unknown key 'agnets.count' (did you mean 'agents.count'?)"; then
	t_ok "config error names file, line, key, exit 2"
else
	t_fail "config error" "rc=$rc out=$out"
fi

t_done
