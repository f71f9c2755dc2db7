#!/bin/sh
# End-to-end: the grid keeps its agent list current from dockerd's event
# stream (gcp/dapi.c over the one ssh connection), not by polling.  The
# real sandbox-tui in a private tmux against a private sshd and the real
# dockerd: a container started by someone else with plain `docker run` and
# our label gets its pane within a second, and one removed behind our back
# loses it as fast.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/e2e.sh"

e2e_program
e2e_agents
agents_create 2
e2e_sshd
e2e_config

tmux_start 200 50 "$BIN" --target "$TARGET" -i "$SSHD_KEY" \
    --known-hosts "$SSHD_KNOWN_HOSTS" -F /dev/null
tok1=$(agent_token 1)
tok2=$(agent_token 2)
shown() {
	tmux_capture | grep -q -- "$1"
}
gone() {
	! tmux_capture | grep -q -- "$1"
}
if t_wait_until 20 shown "$tok1" && t_wait_until 5 shown "$tok2"; then
	t_ok "the grid shows the two agents"
else
	t_fail "the grid shows the two agents" "$(tmux_capture)"
fi

# The listing at start is the last one: the 15 s poll must not be what
# finds the new agent, so wait past nothing and time it.
docker run -dit --init --name sandbox-agent-03 \
    --label sandbox-tui.agent=3 --label sandbox-tui.version=test \
    -e AGENT_TOKEN=tok-03-watch "$AGENT_IMAGE" >/dev/null ||
    t_die "docker run failed"
start=$(t_now_ms)
t_wait_until 5 shown sandbox-agent-03
took=$(( $(t_now_ms) - start ))
if shown sandbox-agent-03 && [ "$took" -le 1000 ]; then
	t_ok "an agent started with plain docker run has a pane in ${took} ms"
else
	t_fail "an agent started with plain docker run has a pane within 1 s" \
	    "took ${took} ms
$(tmux_capture)"
fi

docker rm -f sandbox-agent-02 >/dev/null
start=$(t_now_ms)
t_wait_until 5 gone sandbox-agent-02
took=$(( $(t_now_ms) - start ))
if gone sandbox-agent-02 && [ "$took" -le 1000 ]; then
	t_ok "an agent removed behind our back loses its pane in ${took} ms"
else
	t_fail "an agent removed behind our back loses its pane within 1 s" \
	    "took ${took} ms
$(tmux_capture)"
fi
tmux_send C-] d
t_done
