#!/bin/sh
# End-to-end: managing agents from the grid, the real sandbox-tui in a
# private tmux against a private sshd and a real dockerd.  Starts from 3
# agents made by the CLI, then uses the prefix keys: c (new agent), x
# (remove the focused one, after y/n), r (restart), s (scale, asks the
# count and confirms removals), S (type one line to every agent), l (the
# logs view: search, save, back), the waiting-for-input mark and
# notify.command, and
# `:agents stop 1` at the command prompt.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/e2e.sh"

e2e_program

e2e_agents
e2e_sshd
e2e_config
set -- --target "$TARGET" -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
    -F /dev/null -o ssh.keepalive=2 -o "agents.image=$AGENT_IMAGE" \
    -o "agents.workspace_dir=$T_TMP/ws" -o agents.idle_seconds=1 \
    -o 'notify.command=echo "$SANDBOX_TUI_EVENT $SANDBOX_TUI_AGENT $SANDBOX_TUI_AGENT_NAME" >>"$T_TMP/notify"'

# The agents print "TOKEN agent-NN" (their hostname) when they start.
if ! timeout 300 "$BIN" "$@" agents start 3 >"$T_TMP/cli.out" 2>&1 </dev/null; then
	t_die "the CLI makes 3 agents" "$(cat "$T_TMP/cli.out")"
fi

tokens_visible() {
	_screen=$(tmux_capture)
	for _n in "$@"; do
		printf '%s\n' "$_screen" | grep -q "TOKEN agent-0$_n" || return 1
	done
}

# Pane borders on screen: " NN sandbox-agent-NN STATE ".
borders() {
	tmux_capture | grep -oE '[0-9]{2} sandbox-agent-[0-9]{2} ' | sort -u | wc -l
}

status_bar() {
	tmux_capture | tail -n 1
}

# bar_has ERE...: the status bar matches every ERE.
bar_has() {
	_bar=$(status_bar)
	for _re in "$@"; do
		printf '%s\n' "$_bar" | grep -Eq -- "$_re" || return 1
	done
}

# "sandbox-agent-NN STATE" for every agent container, sorted.
agents_now() {
	docker ps -a --filter label=sandbox-tui.agent \
	    --format '{{.Names}} {{.State}}' | sort
}

agents_are() {
	_want=$(for _n in "$@"; do printf 'sandbox-agent-%02d running\n' "$_n"; done)
	[ "$(agents_now)" = "$_want" ]
}

agent_log_has() {
	docker logs "$(agent_name "$1")" 2>&1 | grep -q -- "$2"
}

started_at() {
	docker inspect -f '{{.State.StartedAt}}' "$(agent_name "$1")"
}

started_changed() {
	[ "$(started_at "$1")" != "$2" ]
}

tmux_start 200 50 sh -c '"$0" "$@"; echo $? >"$T_TMP/exit"' "$BIN" "$@"
if t_wait_until 30 tokens_visible 1 2 3 && tmux_wait_for 'agents 3/3' 10; then
	t_ok "the grid shows the 3 agents the CLI made"
else
	t_die "grid with 3 agents" "$(tmux_capture)"
fi

# prefix c: one more agent.
tmux_send C-] c
if tmux_wait_for 'agents 4/4' 60 && t_wait_until 20 tokens_visible 4 &&
    [ "$(borders)" = 4 ] && agents_are 1 2 3 4; then
	t_ok "prefix c creates agent 04: a 4th pane, status counts 4"
else
	t_fail "prefix c creates agent 04" "$(agents_now)
$(tmux_capture)"
fi

# prefix x on the focused agent, confirmed with y.
tmux_send C-] 4
tmux_send C-] x
if tmux_wait_for 'remove sandbox-agent-04.*\(y/n\)' 10; then
	t_ok "prefix x asks 'remove sandbox-agent-04 ...? (y/n)'"
	tmux_type y
	tmux_send Enter
	if tmux_wait_for 'agents 3/3' 60 && tmux_wait_gone 'sandbox-agent-04' 10 &&
	    [ "$(borders)" = 3 ] && t_wait_until 10 agents_are 1 2 3; then
		t_ok "answering y removes agent 04 and its pane"
	else
		t_fail "y removes agent 04" "$(agents_now)"
	fi
else
	t_fail "prefix x asks before removing"
fi

# prefix r restarts the focused agent.
tmux_send C-] 2
before=$(started_at 2)
tmux_send C-] r
if t_wait_until 60 started_changed 2 "$before" && t_wait_until 30 agents_are 1 2 3 &&
    tmux_wait_for '02 sandbox-agent-02 running' 30; then
	t_ok "prefix r restarts the focused agent (StartedAt changed)"
else
	t_fail "prefix r restarts agent 02" "$before -> $(started_at 2)
$(tmux_capture | grep sandbox-agent-02)"
fi

# prefix s: the count, prefilled, then the removals to confirm.
tmux_send C-] s
if tmux_wait_for 'scale to how many agents: 3 *$' 10; then
	t_ok "prefix s asks the count, prefilled with 3"
else
	t_fail "prefix s prompt" "$(status_bar)"
fi
tmux_send C-u
tmux_type 2
tmux_send Enter
if tmux_wait_for 'scaling to 2 removes sandbox-agent-03.*\(y/n\)' 30; then
	t_ok "scaling down asks to confirm what it removes"
	tmux_type y
	tmux_send Enter
	if tmux_wait_for 'agents 2/2' 60 && tmux_wait_gone 'sandbox-agent-03' 10 &&
	    [ "$(borders)" = 2 ] && t_wait_until 10 agents_are 1 2; then
		t_ok "y scales to 2: two panes, agents 01 and 02"
	else
		t_fail "scale to 2" "$(agents_now)
$(tmux_capture)"
	fi
else
	t_fail "scale down confirmation" "$(agents_now)"
fi

# prefix S: one line typed to every agent.
tmux_send C-] S
tmux_type hello-sync
if tmux_wait_for 'SYNC' 5; then
	t_ok "the status bar shows SYNC while typing to all"
else
	t_fail "SYNC in the status bar" "$(status_bar)"
fi
tmux_send Enter
if t_wait_until 10 agent_log_has 1 'got: hello-sync' &&
    t_wait_until 10 agent_log_has 2 'got: hello-sync'; then
	t_ok "prefix S: the line reaches every agent"
else
	t_fail "sync input reaches every agent" "$(docker logs --tail 3 "$(agent_name 2)" 2>&1)"
fi
if tmux_wait_gone 'SYNC' 5; then
	t_ok "Enter ends synchronized input"
else
	t_fail "Enter ends synchronized input" "$(status_bar)"
fi

# prefix l: the logs view of agent 01, whose TOKEN line a flood pushed
# far up.
tmux_send C-] 1
tmux_type "flood 300"
tmux_send Enter
t_wait_until 20 agent_log_has 1 'flood done 300'
tmux_send C-] l
if t_wait_until 15 bar_has logs sandbox-agent-01 &&
    tmux_wait_for 'flood done 300' 15 && tmux_wait_gone 'sandbox-agent-02' 5; then
	t_ok "prefix l opens agent 01's logs full screen (status line names it)"
else
	t_fail "logs view opens" "$(tmux_capture | tail -n 3)"
fi
if tmux_capture | grep -q 'TOKEN agent-01'; then
	t_fail "the TOKEN line is off screen before searching" "$(tmux_capture)"
fi
tmux_type "/TOKEN"
tmux_send Enter
if tmux_wait_for 'TOKEN agent-01' 10; then
	t_ok "/TOKEN in the logs view finds the line far back"
else
	t_fail "search in the logs view"
fi
SAVED=$T_TMP/saved-logs.txt
tmux_send s
if t_wait_until 5 bar_has '^save to: '; then
	tmux_send C-u
	tmux_type "$SAVED"
	tmux_send Enter
	if t_wait_until 10 sh -c "grep -q 'TOKEN agent-01' '$SAVED' && grep -q 'flood done 300' '$SAVED'"; then
		t_ok "s saves the log to the file given ($(wc -l <"$SAVED") lines)"
	else
		t_fail "s saves the log" "$(ls -l "$SAVED" 2>&1)
$(tmux_capture | tail -n 2)"
	fi
else
	t_fail "s asks where to save" "$(status_bar)"
fi
tmux_send q
if tmux_wait_for '02 sandbox-agent-02 ' 10 && tmux_wait_for 'agents 2/2' 5; then
	t_ok "q goes back to the grid"
else
	t_fail "q back to the grid"
fi

# Waiting for input: both agents sit at their "> " prompt, quiet for
# longer than agents.idle_seconds.  WAIT_MARK is what a border shows.
marked() {
	[ "$(tmux_capture | grep -oE "[0-9]{2} sandbox-agent-0[12] [^─]*${WAIT_MARK:-waiting}" |
	    wc -l)" = 2 ]
}
if t_wait_until 15 bar_has '2 waiting'; then
	t_ok "the status bar counts 2 agents waiting for input"
else
	t_fail "status bar '2 waiting'" "$(status_bar)"
fi
if t_wait_until 5 marked; then
	t_ok "both waiting agents' borders carry the mark"
else
	t_fail "waiting mark in the borders" "$(tmux_capture | grep sandbox-agent-)"
fi

notified() {
	grep -qx "waiting 01 sandbox-agent-01" "$T_TMP/notify" &&
	    grep -qx "waiting 02 sandbox-agent-02" "$T_TMP/notify"
}
if t_wait_until 5 notified; then
	t_ok "notify.command ran for each agent that started waiting"
else
	t_fail "notify.command" "$(cat "$T_TMP/notify" 2>&1)"
fi

# Claude Code's hooks (the shipped settings) print an OSC 777
# notification: the pane waits from then on, even while output goes on
# (which would clear a waiting mark guessed from a still screen).
docker exec -d "$(agent_name 2)" sh -c 'printf "\033]777;notify;Claude Code;waiting for input\007" >/proc/1/fd/1; i=0; while [ $i -lt 40 ]; do echo "tick $i" >/proc/1/fd/1; sleep 0.2; i=$((i+1)); done'
told() {
	tmux_capture | grep -q 'tick 1[0-9]' &&
	    tmux_capture | grep -Eq "02 sandbox-agent-02 [^─]*waiting"
}
if t_wait_until 10 told; then
	t_ok "a hook's notification marks the agent waiting while it still prints"
else
	t_fail "OSC 777 waiting" "$(tmux_capture | grep -E 'sandbox-agent-02|tick' | tail -n 3)"
fi
# Typing into it answers it: the mark goes with the output that follows.
tmux_send C-] 2
tmux_type "x"
tmux_send Enter
gone() {
	! tmux_capture | grep -Eq "02 sandbox-agent-02 [^─]*waiting"
}
if t_wait_until 5 gone; then
	t_ok "typing into the agent clears the notified wait"
else
	t_fail "notified wait cleared" "$(tmux_capture | grep sandbox-agent-02)"
fi

# The command prompt takes the CLI's commands.
tmux_send C-] :
tmux_type "agents stop 1"
tmux_send Enter
if tmux_wait_for '01 sandbox-agent-01 exited' 60 &&
    [ "$(docker inspect -f '{{.State.Status}}' "$(agent_name 1)")" = exited ]; then
	t_ok ":agents stop 1 stops agent 01, its border says exited"
else
	t_fail ":agents stop 1" "$(agents_now)
$(tmux_capture | grep sandbox-agent-01)"
fi

tmux_send C-] d
t_wait_until 10 test -s "$T_TMP/exit"
if [ "$(cat "$T_TMP/exit" 2>/dev/null)" = 0 ] &&
    [ "$(docker inspect -f '{{.State.Status}}' "$(agent_name 2)")" = running ]; then
	t_ok "detach exits 0 and leaves agent 02 running"
else
	t_fail "detach" "status $(cat "$T_TMP/exit" 2>/dev/null); $(agents_now)"
fi

t_done
