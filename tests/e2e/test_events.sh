#!/bin/sh
# End-to-end: Claude Code's hooks tell the grid when an agent waits, through
# the agent's events file.  The real sandbox-tui in a private tmux against a
# private sshd and a real dockerd; the agents are made by the CLI, so they
# have the state directory and the mount.  The hook commands are the ones
# shipped in config/claude-settings.json, run in the agent (busybox sh)
# with `docker exec` and no terminal, so their OSC 777 cannot reach the
# pane and only the file can mark it.  Checks: the state directory's modes
# and the mount; an event older than the program does not mark; the
# Notification hook marks an agent that keeps printing ("1 waiting"), and
# notify.command runs; typing clears it; the Stop hook marks "done"; a new
# agent restarts the follower (one tail left, old events not repeated, the
# new agent's events followed); an event written while the connection is
# down shows once it is back; quitting leaves no tail behind.  Then the
# local target with a tail that has no -F: one message, no retry, and the
# OSC path still marks.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/e2e.sh"

e2e_program
command -v python3 >/dev/null 2>&1 || t_die "python3 is needed to read the hooks"

# hook EVENT: the shipped hook command for Notification or Stop.
hook() {
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(s["hooks"][sys.argv[2]][0]["hooks"][0]["command"])' \
	    "$T_REPO/config/claude-settings.json" "$1"
}
HOOK_WAIT=$(hook Notification) && HOOK_DONE=$(hook Stop) ||
    t_die "the hooks in config/claude-settings.json"

e2e_agents
e2e_sshd
e2e_config
WS=$T_TMP/ws
STATE=$WS/.sandbox-tui
# idle_seconds at its maximum: the screen never marks anything here.
set -- -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
    -F /dev/null -o ssh.keepalive=2 -o "agents.image=$AGENT_IMAGE" \
    -o "agents.workspace_dir=$WS" -o agents.idle_seconds=3600 \
    -o 'notify.command=echo "$SANDBOX_TUI_EVENT $SANDBOX_TUI_AGENT $SANDBOX_TUI_AGENT_NAME" >>"$T_TMP/notify"'

if ! timeout 300 "$BIN" --target "$TARGET" "$@" agents start 2 \
    >"$T_TMP/cli.out" 2>&1 </dev/null; then
	t_die "the CLI makes 2 agents" "$(cat "$T_TMP/cli.out")"
fi

mode() {
	stat -c %a "$1"
}
if [ "$(mode "$STATE/agent-01")" = 700 ] &&
    [ "$(mode "$STATE/agent-01/events")" = 666 ] &&
    [ ! -s "$STATE/agent-01/events" ] &&
    [ "$(mode "$STATE/agent-02")" = 700 ]; then
	t_ok "agent-NN state directory 0700 with an empty events file 0666"
else
	t_fail "state directory" "$(ls -la "$STATE" "$STATE/agent-01" 2>&1)"
fi
mounts=$(docker inspect -f '{{range .Mounts}}{{.Source}}:{{.Destination}}:{{.RW}} {{end}}' \
    "$(agent_name 1)")
env1=$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$(agent_name 1)")
case " $mounts " in
*" $STATE/agent-01/events:/run/sandbox-tui/events:true "*)
	if printf '%s\n' "$env1" | grep -qx 'SANDBOX_TUI_AGENT=01' &&
	    ! printf '%s\n' "$mounts" | grep -q "$STATE:\|$STATE/agent-01:"; then
		t_ok "only the events file is mounted, and SANDBOX_TUI_AGENT=01 set"
	else
		t_fail "agent env and mounts" "$mounts
$env1"
	fi
	;;
*)
	t_fail "the events file is mounted read-write" "$mounts"
	;;
esac

# An event from before the program started must not mark agent 01.
echo "$(($(date +%s) - 100)) 1 waiting" >>"$STATE/agent-01/events"

# tails: the follower processes of this test's workspace.
tails() {
	ps -eo args | grep -F -- "tail -q -n 1 -F -- $STATE/" | grep -vc grep
}
following() {
	ps -eo args | grep -F -- "tail -q -n 1 -F -- $STATE/" | grep -v grep |
	    grep -qF "$STATE/agent-0$1/events"
}
status_bar() {
	tmux_capture | tail -n 1
}
bar_has() {
	status_bar | grep -Eq -- "$1"
}
# marked N: agent N's border says waiting.
marked() {
	tmux_capture | grep -Eq "0$1 sandbox-agent-0$1 [^─]*waiting"
}
unmarked() {
	! marked "$1"
}
no_waiting() {
	! bar_has waiting
}
tails_are() {
	[ "$(tails)" = "$1" ]
}
notified() {
	grep -qx "$1" "$T_TMP/notify" 2>/dev/null
}
tokens_visible() {
	_screen=$(tmux_capture)
	for _n in "$@"; do
		printf '%s\n' "$_screen" | grep -q "TOKEN agent-0$_n" || return 1
	done
}

tmux_start 200 50 sh -c '"$0" "$@"; echo $? >"$T_TMP/exit"' "$BIN" \
    --target "$TARGET" "$@"
if t_wait_until 30 tokens_visible 1 2 && tmux_wait_for 'agents 2/2' 10 &&
    t_wait_until 10 following 1 && following 2 && [ "$(tails)" = 1 ]; then
	t_ok "the grid follows both events files with one tail on the target"
else
	t_die "grid and follower" "$(tails) tails
$(tmux_capture)"
fi
sleep 1
if unmarked 1 && no_waiting; then
	t_ok "an event older than the program does not mark the agent"
else
	t_fail "old event ignored" "$(tmux_capture | grep -E 'sandbox-agent-01|agents')"
fi

# The Notification hook, while the agent goes on printing.
docker exec -d "$(agent_name 2)" sh -c "$HOOK_WAIT"'
i=0; while [ $i -lt 40 ]; do echo "tick $i" >/proc/1/fd/1; sleep 0.2; i=$((i+1)); done'
ticking_marked() {
	tmux_capture | grep -q 'tick 1[0-9]' && marked 2
}
if t_wait_until 10 ticking_marked && bar_has '1 waiting'; then
	t_ok "the Notification hook marks agent 02 waiting while it prints"
else
	t_fail "Notification hook" "$(cat "$STATE/agent-02/events")
$(tmux_capture | grep -E 'sandbox-agent-02|tick|agents' | tail -n 3)"
fi
if t_wait_until 5 notified "waiting 02 sandbox-agent-02"; then
	t_ok "notify.command ran for the hook's event"
else
	t_fail "notify.command" "$(cat "$T_TMP/notify" 2>&1)"
fi
tmux_send C-] 2
tmux_type x
tmux_send Enter
if t_wait_until 5 unmarked 2 && t_wait_until 5 no_waiting; then
	t_ok "typing into agent 02 clears the mark"
else
	t_fail "typing clears" "$(tmux_capture | grep -E 'sandbox-agent-02|agents')"
fi

# The Stop hook: done.
docker exec "$(agent_name 1)" sh -c "$HOOK_DONE"
if t_wait_until 10 marked 1 && t_wait_until 5 notified "done 01 sandbox-agent-01"; then
	t_ok "the Stop hook marks agent 01 and notify.command says done"
else
	t_fail "Stop hook" "$(cat "$STATE/agent-01/events")
$(tmux_capture | grep sandbox-agent-01)"
fi
tmux_send C-] 1
tmux_type x
tmux_send Enter
t_wait_until 5 unmarked 1 || t_fail "typing clears agent 01"

# A third agent: the follower restarts with its file, once.
tmux_send C-] c
if tmux_wait_for 'agents 3/3' 60 && t_wait_until 20 tokens_visible 3 &&
    t_wait_until 10 following 3 && t_wait_until 5 tails_are 1; then
	t_ok "a new agent restarts the follower: one tail, with agent 03's file"
else
	t_fail "follower restart" "$(ps -eo args | grep -F "$STATE" | grep -v grep)"
fi
sleep 1
if unmarked 1 && unmarked 2 && no_waiting; then
	t_ok "the restarted follower does not repeat events already seen"
else
	t_fail "no repeated events" "$(tmux_capture | grep -E 'sandbox-agent-0|agents')"
fi
docker exec "$(agent_name 3)" sh -c "$HOOK_WAIT"
if t_wait_until 10 marked 3 && bar_has '1 waiting'; then
	t_ok "the new agent's hook marks it"
else
	t_fail "agent 03 hook" "$(cat "$STATE/agent-03/events" 2>&1)
$(tmux_capture | grep sandbox-agent-03)"
fi

tmux_send C-] 3
tmux_type x
tmux_send Enter
t_wait_until 5 no_waiting || t_fail "typing clears agent 03"

# The server drops the connection and answers again only once an event has
# been written: the follower that starts after reconnecting shows it.
LISTENER=$(cat "$SSHD_DIR/sshd.pid")
t_on_exit "kill -CONT $LISTENER 2>/dev/null"
kill -STOP "$LISTENER"
for p in $(sshd_children "$SSHD_DIR"); do kill "$p"; done
if tmux_wait_for 'reconnecting|connecting' 15 && t_wait_until 5 tails_are 0; then
	docker exec "$(agent_name 1)" sh -c "$HOOK_WAIT"
	kill -CONT "$LISTENER"
	if t_wait_until 40 marked 1 && bar_has '1 waiting' && unmarked 2 &&
	    unmarked 3; then
		t_ok "an event written while disconnected marks agent 01 after reconnecting"
	else
		t_fail "event across a reconnection" "$(cat "$STATE/agent-01/events")
$(tmux_capture | grep -E 'sandbox-agent-0|agents')"
	fi
else
	kill -CONT "$LISTENER"
	t_fail "the connection drops" "$(tails) tails; $(status_bar)"
fi

tmux_send C-] d
t_wait_until 10 test -s "$T_TMP/exit"
if [ "$(cat "$T_TMP/exit" 2>/dev/null)" = 0 ] && t_wait_until 5 tails_are 0; then
	t_ok "detaching leaves no tail on the target"
else
	t_fail "no tail left" "$(ps -eo pid,args | grep -F "$STATE" | grep -v grep)"
fi
tmux_kill

# The local target, with a tail that knows no -F (as a small busybox).
FAKE=$(t_tmpdir fakebin)
cat >"$FAKE/tail" <<EOF
#!/bin/sh
echo run >>"$T_TMP/fake-tail-runs"
echo "tail: invalid option -- 'F'" >&2
exit 1
EOF
chmod 755 "$FAKE/tail"
rm -f "$T_TMP/exit"
tmux_start 200 50 sh -c 'p=$1; shift; PATH="$p:$PATH" "$0" "$@";
echo $? >"$T_TMP/exit"' "$BIN" "$FAKE" --target local "$@"
if t_wait_until 30 tokens_visible 1 2 3 &&
    tmux_wait_for "agent events: tail -F on local: exited with status 1: tail: inv" 15; then
	t_ok "a tail without -F: one clear message"
else
	t_fail "failure message" "$(status_bar)"
fi
docker exec -d "$(agent_name 2)" sh -c 'printf "\033]777;notify;Claude Code;waiting for input\007" >/proc/1/fd/1'
if t_wait_until 10 marked 2; then
	t_ok "the OSC 777 path still marks the agent"
else
	t_fail "OSC fallback" "$(tmux_capture | grep sandbox-agent-02)"
fi
# Another listing (every 15 s) and a changed set must not run it again.
tmux_send C-] c
tmux_wait_for 'agents 4/4' 60 >/dev/null 2>&1
sleep 2
if [ "$(wc -l <"$T_TMP/fake-tail-runs")" = 1 ]; then
	t_ok "the follower is not retried on the same connection"
else
	t_fail "no retry" "$(wc -l <"$T_TMP/fake-tail-runs") runs"
fi
tmux_send C-] d
t_wait_until 10 test -s "$T_TMP/exit"

t_done
