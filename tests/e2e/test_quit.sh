#!/bin/sh
# End-to-end: leaving the grid while commands still wait for their answers.
# The real sandbox-tui in a private tmux on the local target, with a docker
# daemon socket (DOCKER_HOST) and a docker CLI stand-in that never answer:
# the agent list (asked of the API), `:export ssh-config` and `:image
# status` are all pending when prefix d detaches.  Checks: the
# program exits 0 at once (under `make check SANITIZE=1` the leak checker
# turns a job left behind into a non-zero status), and the commands it had
# started are gone with it.  Needs no docker and no sshd.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"

BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || t_die "no binary at $BIN (run make first)"
command -v tmux >/dev/null || t_die "tmux installed"

FAKE=$(t_tmpdir fakebin)
CALLS=$T_TMP/docker-calls
PIDS=$T_TMP/docker-pids
cat >"$FAKE/docker" <<EOF
#!/bin/sh
echo "\$*" >>"$CALLS"
echo \$\$ >>"$PIDS"
exec sleep 300
EOF
chmod 755 "$FAKE/docker"
# A daemon that takes connections and never answers; it counts them.
SOCK=$FAKE/docker.sock
ACCEPTS=$T_TMP/accepts
cat >"$FAKE/mute.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(16)
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    with open(sys.argv[2], "a") as f:
        f.write("accepted\n")
PY
python3 "$FAKE/mute.py" "$SOCK" "$ACCEPTS" &
mute_pid=$!
t_on_exit "kill $mute_pid 2>/dev/null"
t_wait_until 5 test -S "$SOCK" || t_die "the mute daemon did not start"
DOCKER_HOST=unix://$SOCK
export DOCKER_HOST
XDG_CONFIG_HOME=$(t_tmpdir xdg)
export XDG_CONFIG_HOME

calls() {
	[ -f "$CALLS" ] && [ "$(wc -l <"$CALLS")" -ge "$1" ]
}

# The status goes to a file: tmux sometimes marks the pane dead without it.
tmux_start 120 30 sh -c 'p=$1; x=$2; shift 2; PATH="$p:$PATH" "$0" "$@";
echo $? >"$x"' "$BIN" "$FAKE" "$T_TMP/exit" --target local
accepted() {
	[ -f "$ACCEPTS" ] && [ "$(wc -l <"$ACCEPTS")" -ge 1 ]
}
if tmux_wait_for 'local \| connected' 15 && t_wait_until 10 accepted; then
	t_ok "the grid asks the daemon for the agent list"
else
	t_fail "the grid asks the daemon for the agent list" "$(tmux_capture)"
fi

prompt() {
	tmux_send C-] :
	tmux_type "$1"
	tmux_send Enter
}
prompt "export ssh-config $T_TMP/ssh_config"
prompt "image status"
if t_wait_until 10 calls 2 && grep -q '^version --format' "$CALLS"; then
	t_ok "export and image status wait for docker"
else
	t_fail "export and image status wait for docker" "$(cat "$CALLS")
$(tmux_capture)"
fi

tmux_send C-] d
exited() {
	[ -s "$T_TMP/exit" ]
}
if t_wait_until 10 exited && status=$(cat "$T_TMP/exit") &&
    [ "$status" = 0 ]; then
	t_ok "detach with commands pending: exit status 0, nothing leaked"
else
	t_fail "detach with commands pending: exit status 0, nothing leaked" \
	    "status=${status:-running}
$(tmux_capture)"
fi

alive=
for pid in $(cat "$PIDS"); do
	t_pid_alive "$pid" && alive="$alive $pid"
done
if [ -z "$alive" ]; then
	t_ok "the pending docker commands end with the program"
else
	t_fail "the pending docker commands end with the program" \
	    "$(ps -o pid,args -p "${alive# }" 2>&1)"
	for pid in $alive; do
		kill "$pid" 2>/dev/null
	done
fi
[ -f "$T_TMP/ssh_config" ] && t_fail "no export written" "$T_TMP/ssh_config exists"

t_done
