#!/bin/sh
# End-to-end: what the exporters write, checked with the real tools.  The
# exports come from tests/tools/export_probe (the generators of the `export`
# command, filled from the command line).  Checked: `ssh -G` accepts the ssh
# config; ssh through it reaches a private sshd on 127.0.0.1, and a second
# ssh, the tmux panes and the ghostty commands all ride the one
# ControlMaster connection; the tmux script builds its session in a private
# tmux server with panes really attached to agents (over ssh and on local
# docker); launch.sh starts ghostty once per agent (a stand-in ghostty);
# docker compose (or docker-compose, or PyYAML) reads the compose file, and
# containers made from it have the limits asked for.  Paths with spaces and
# '%' test the quoting.  What cannot run here (no docker, no ghostty, no
# compose parser) is said on a '# skip' line.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/sshd.sh"
. "$T_REPO/tests/lib/dockerd.sh"
. "$T_REPO/tests/lib/agent_image.sh"

PROBE=${EXPORT_PROBE:-$T_BUILD/tools/export_probe}
[ -x "$PROBE" ] || t_die "export_probe built" "no $PROBE (make $PROBE)"
command -v tmux >/dev/null || t_die "tmux installed"
unset SSH_AUTH_SOCK TMUX
# The private tmux servers' sockets (tmux -L) go away with T_TMP.
TMUX_TMPDIR=$T_TMP
export TMUX_TMPDIR

OUT=$(t_tmpdir "out dir")
SSHD_DIR=$(t_tmpdir sshd)
sshd_start "$SSHD_DIR" >"$T_TMP/sshd_start.log" 2>&1 ||
    t_die "sshd_start" "$(cat "$T_TMP/sshd_start.log")"
t_on_exit "sshd_stop '$SSHD_DIR'"

# The key and known_hosts under a name with a space and a '%'.
KEYS="$T_TMP/key dir 100%"
mkdir -p "$KEYS"
cp "$SSHD_KEY" "$KEYS/id ed25519"
cp "$SSHD_KNOWN_HOSTS" "$KEYS/known hosts"
chmod 600 "$KEYS/id ed25519" "$KEYS/known hosts"
# Socket paths are short: a directory of its own under /tmp.
CMROOT=$(mktemp -d /tmp/sbx-cm.XXXXXX) || t_die "mktemp"
CM="$CMROOT/c m"
t_on_exit "rm -rf '$CMROOT'"
TMUX_HOME=$(t_tmpdir home)

probe() {
	"$PROBE" --host 127.0.0.1 --port "$SSHD_PORT" --user root \
	    -i "$KEYS/id ed25519" --known-hosts "$KEYS/known hosts" \
	    --control-dir "$CM" --version e2e "$@" 2>"$T_TMP/probe.err"
}

# ssh through the exported config; never prompts.
xssh() {
	_cfg=$1
	shift
	timeout 30 ssh -F "$_cfg" -o BatchMode=yes "$@"
}

accepted() {
	grep -c 'Accepted publickey' "$SSHD_DIR/sshd.log"
}

CFG="$OUT/ssh config"
if probe --agents 2 ssh-config "$CFG"; then
	t_ok "ssh-config written"
else
	t_die "ssh-config written" "$(cat "$T_TMP/probe.err")"
fi
t_on_exit "ssh -F '$CFG' -O exit sandbox >/dev/null 2>&1"

# ssh -G shows IdentityFile before expanding its %-tokens ('%%' is '%').
KEYS_ESC=$(printf '%s\n' "$KEYS" | sed 's/%/%%/g')
if g=$(ssh -G -F "$CFG" sandbox 2>&1) &&
    printf '%s\n' "$g" | grep -qx 'hostname 127.0.0.1' &&
    printf '%s\n' "$g" | grep -qx "port $SSHD_PORT" &&
    printf '%s\n' "$g" | grep -qix 'user root' &&
    printf '%s\n' "$g" | grep -qxF "identityfile $KEYS_ESC/id ed25519" &&
    printf '%s\n' "$g" | grep -qx 'identitiesonly yes' &&
    printf '%s\n' "$g" | grep -qF "userknownhostsfile $KEYS/known hosts" &&
    printf '%s\n' "$g" | grep -qx 'stricthostkeychecking true' &&
    printf '%s\n' "$g" | grep -qx 'controlmaster auto' &&
    printf '%s\n' "$g" | grep -qF "controlpath $CM/" &&
    printf '%s\n' "$g" | grep -qx 'controlpersist 600' &&
    printf '%s\n' "$g" | grep -qx 'serveraliveinterval 15' &&
    printf '%s\n' "$g" | grep -qx 'serveralivecountmax 4'; then
	t_ok "ssh -G accepts the ssh config and reads every setting"
else
	t_fail "ssh -G accepts the ssh config and reads every setting" "$g"
fi

m=$(stat -c %a "$CM" 2>/dev/null)
if [ "$m" = 700 ]; then
	t_ok "control_dir made 0700"
else
	t_fail "control_dir made 0700" "mode '$m'"
fi

before=$(accepted)
if out=$(xssh "$CFG" sandbox 'echo first' 2>&1) && [ "$out" = first ]; then
	t_ok "ssh -F CONFIG sandbox reaches the host"
else
	t_fail "ssh -F CONFIG sandbox reaches the host" "$out"
fi
if out=$(xssh "$CFG" -O check sandbox 2>&1) &&
    printf '%s\n' "$out" | grep -q 'Master running'; then
	t_ok "the first ssh left a ControlMaster running"
else
	t_fail "the first ssh left a ControlMaster running" "$out"
fi
if out=$(xssh "$CFG" -v sandbox 'echo $((6 * 7))' 2>&1) &&
    printf '%s\n' "$out" | grep -qx 42 &&
    printf '%s\n' "$out" | grep -q 'auto-mux: Trying existing master'; then
	t_ok "a second ssh goes through the master"
else
	t_fail "a second ssh goes through the master" "$out"
fi
n=$(($(accepted) - before))
if [ "$n" = 1 ]; then
	t_ok "two ssh runs made one connection"
else
	t_fail "two ssh runs made one connection" "sshd accepted $n"
fi

if probe --local --agents 1 ssh-config "$OUT/local_ssh_config"; then
	t_fail "ssh-config of a local target is refused" "it was written"
elif grep -q 'the target is local docker' "$T_TMP/probe.err" &&
    [ ! -e "$OUT/local_ssh_config" ]; then
	t_ok "ssh-config of a local target is refused"
else
	t_fail "ssh-config of a local target is refused" \
	    "$(cat "$T_TMP/probe.err")"
fi

# Agents to attach to, when docker is here.
DOCKER=0
if dockerd_ensure >"$T_TMP/dockerd.log" 2>&1 &&
    agent_image_build >>"$T_TMP/dockerd.log" 2>&1; then
	agents_rm_all
	t_on_exit agents_rm_all
	if agents_create 2 >>"$T_TMP/dockerd.log" 2>&1; then
		DOCKER=1
	fi
fi
if [ "$DOCKER" = 0 ]; then
	echo "# skip: no docker here, so no agents to attach to; panes are" \
	    "checked by their commands only ($(head -1 "$T_TMP/dockerd.log"))"
fi

# tmux_session NAME SCRIPT: runs the script on private server NAME.
tmux_session() {
	t_on_exit "tmux -L '$1' kill-server 2>/dev/null"
	HOME=$TMUX_HOME SANDBOX_TMUX_SOCKET=$1 SANDBOX_TMUX_NO_ATTACH=1 \
	    timeout 30 sh "$2" >"$T_TMP/tmux.out" 2>&1
}

# pane_says SOCKET PANE TEXT: types TEXT in the pane, waits for the agent.
pane_says() {
	tmux -L "$1" send-keys -t "$2" -l -- "$3"
	tmux -L "$1" send-keys -t "$2" Enter
	t_wait_until 15 sh -c "tmux -L '$1' capture-pane -p -t '$2' |
	    grep -qF 'got: $3'"
}

# check_panes SOCKET KIND: the session's panes and, with docker, agents.
check_panes() {
	_s=$1
	_panes=$(tmux -L "$_s" list-panes -t '=sandbox-agents:' \
	    -F '#{pane_id}|#{@sandbox_agent}|#{pane_title}|#{pane_start_command}')
	_n=$(printf '%s\n' "$_panes" | grep -c '^%')
	_ok=1
	for _i in 1 2; do
		_a=sandbox-agent-0$_i
		_l=$(printf '%s\n' "$_panes" | sed -n "${_i}p")
		case $_l in
		*"|$_a|$_a|"*"docker attach --sig-proxy=false --detach-keys=ctrl-],d $_a"*) ;;
		*) _ok=0 ;;
		esac
		if [ "$2" = ssh ]; then
			case $_l in
			*"ssh -F '$CFG' -t sandbox docker attach"*) ;;
			*) _ok=0 ;;
			esac
		fi
	done
	if [ "$_n" = 2 ] && [ "$_ok" = 1 ]; then
		t_ok "tmux ($2): a pane per agent with its name and command"
	else
		t_fail "tmux ($2): a pane per agent with its name and command" \
		    "$_panes"
	fi
	[ "$DOCKER" = 1 ] || return 0
	_p1=$(printf '%s\n' "$_panes" | sed -n '1s/|.*//p')
	_p2=$(printf '%s\n' "$_panes" | sed -n '2s/|.*//p')
	if pane_says "$_s" "$_p1" "one $2" && pane_says "$_s" "$_p2" "two $2"
	then
		t_ok "tmux ($2): the panes are attached to the agents"
	else
		t_fail "tmux ($2): the panes are attached to the agents" \
		    "$(tmux -L "$_s" capture-pane -p -t "$_p1"; \
		    tmux -L "$_s" capture-pane -p -t "$_p2")"
	fi
	_alive=$(tmux -L "$_s" display-message -p -t "$_p1" '#{pane_dead}')
	tmux -L "$_s" send-keys -t "$_p1" C-] d
	if [ "$_alive" = 0 ] && t_wait_until 10 sh -c "[ \"\$(tmux -L '$_s' display-message -p \
	    -t '$_p1' '#{pane_dead}')\" = 1 ]" && running 1; then
		t_ok "tmux ($2): C-] d detaches, the agent keeps running"
	else
		t_fail "tmux ($2): C-] d detaches, the agent keeps running" \
		    "$(tmux -L "$_s" capture-pane -p -t "$_p1")"
	fi
	tmux -L "$_s" kill-server
	sleep 1
	if running 1 && running 2; then
		t_ok "tmux ($2): ending the session leaves the agents running"
	else
		t_fail "tmux ($2): ending the session leaves the agents running"
	fi
}

# running N: whether agent N's container still runs.
running() {
	[ "$(docker inspect -f '{{.State.Running}}' \
	    "$(agent_name "$1")" 2>/dev/null)" = true ]
}

SOCK=sbx-export-$$
before=$(accepted)
if probe --agents 2 --ssh-config "$CFG" tmux "$OUT/tmux agents.sh" &&
    tmux_session "$SOCK" "$OUT/tmux agents.sh"; then
	t_ok "tmux (ssh): the script makes its session"
	if tmux_session "$SOCK" "$OUT/tmux agents.sh" &&
	    [ "$(tmux -L "$SOCK" list-panes -t '=sandbox-agents:' |
	    wc -l)" = 2 ]; then
		t_ok "tmux: running the script again keeps the session"
	else
		t_fail "tmux: running the script again keeps the session" \
		    "$(cat "$T_TMP/tmux.out")"
	fi
	check_panes "$SOCK" ssh
else
	t_fail "tmux (ssh): the script makes its session" \
	    "$(cat "$T_TMP/probe.err" "$T_TMP/tmux.out")"
fi
if [ "$DOCKER" = 1 ]; then
	n=$(($(accepted) - before))
	if [ "$n" = 0 ]; then
		t_ok "tmux (ssh): the panes share the one ssh connection"
	else
		t_fail "tmux (ssh): the panes share the one ssh connection" \
		    "sshd accepted $n more"
	fi
fi

SOCK2=sbx-export-local-$$
if probe --local --agents 2 tmux "$OUT/tmux-local.sh" &&
    tmux_session "$SOCK2" "$OUT/tmux-local.sh"; then
	t_ok "tmux (local): the script makes its session"
	check_panes "$SOCK2" local
else
	t_fail "tmux (local): the script makes its session" \
	    "$(cat "$T_TMP/probe.err" "$T_TMP/tmux.out")"
fi

GH="$OUT/gh ost"
if probe --agents 2 ghostty "$GH" &&
    [ "$(stat -c %a "$GH")" = 700 ] &&
    [ "$(stat -c %a "$GH/launch.sh")" = 755 ] &&
    [ "$(stat -c %a "$GH/agent-01.conf")" = 644 ] &&
    [ -f "$GH/README.md" ] && [ -f "$GH/ghostty.conf" ] &&
    [ -f "$GH/grid.applescript" ] && [ -f "$GH/ssh_config" ] &&
    sh -n "$GH/launch.sh"; then
	t_ok "ghostty: the folder and its files"
else
	t_fail "ghostty: the folder and its files" \
	    "$(cat "$T_TMP/probe.err"; ls -la "$GH")"
fi

# The command ghostty would run for agent 2, run in a terminal.
cmd=$(sed -n 's/^command = //p' "$GH/agent-02.conf")
if [ "$DOCKER" = 1 ]; then
	SOCK3=sbx-export-gh-$$
	t_on_exit "tmux -L '$SOCK3' kill-server 2>/dev/null"
	HOME=$TMUX_HOME tmux -L "$SOCK3" new-session -d -s gh "$cmd" \; \
	    set-option -w -t '=gh:' remain-on-exit on
	p=$(tmux -L "$SOCK3" list-panes -t '=gh:' -F '#{pane_id}')
	if pane_says "$SOCK3" "$p" "hello ghostty"; then
		t_ok "ghostty: an agent config's command attaches to the agent"
	else
		t_fail "ghostty: an agent config's command attaches to the agent" \
		    "$cmd
$(tmux -L "$SOCK3" capture-pane -p -t "$p")"
	fi
else
	if xssh "$GH/ssh_config" sandbox true; then
		t_ok "ghostty: the folder's ssh_config reaches the host"
	else
		t_fail "ghostty: the folder's ssh_config reaches the host"
	fi
fi

# launch.sh with a stand-in that records how it was started.
mkdir -p "$T_TMP/bin"
cat >"$T_TMP/bin/ghostty" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$T_TMP/ghostty.log"
EOF
chmod 755 "$T_TMP/bin/ghostty"
: >"$T_TMP/ghostty.log"
GHOSTTY=$T_TMP/bin/ghostty sh "$GH/launch.sh"
rc=$?
t_wait_until 5 sh -c "[ \$(wc -l <'$T_TMP/ghostty.log') -ge 2 ]"
if [ "$rc" = 0 ] &&
    grep -qxF -- "--gtk-single-instance=false --config-file=$GH/agent-01.conf" \
    "$T_TMP/ghostty.log" &&
    grep -qxF -- "--gtk-single-instance=false --config-file=$GH/agent-02.conf" \
    "$T_TMP/ghostty.log" && [ "$(wc -l <"$T_TMP/ghostty.log")" = 2 ]; then
	t_ok "launch.sh starts ghostty once per agent with its config"
else
	t_fail "launch.sh starts ghostty once per agent with its config" \
	    "rc=$rc; $(cat "$T_TMP/ghostty.log")"
fi
if GHOSTTY=$T_TMP/bin/ghostty sh "$GH/launch.sh" 7 2>"$T_TMP/launch.err"
then
	t_fail "launch.sh refuses an agent it has no config for"
elif grep -q 'no agent 07' "$T_TMP/launch.err"; then
	t_ok "launch.sh refuses an agent it has no config for"
else
	t_fail "launch.sh refuses an agent it has no config for" \
	    "$(cat "$T_TMP/launch.err")"
fi
if command -v ghostty >/dev/null 2>&1; then
	if out=$(ghostty +validate-config --config-file="$GH/agent-01.conf" 2>&1)
	then
		t_ok "ghostty +validate-config accepts an agent config"
	else
		t_fail "ghostty +validate-config accepts an agent config" "$out"
	fi
else
	echo "# skip: ghostty is not installed; the config keys and actions" \
	    "are checked against ghostty's documented lists in" \
	    "test_export_syntax"
fi
if command -v osacompile >/dev/null 2>&1; then
	if osacompile -o "$T_TMP/grid.scpt" "$GH/grid.applescript" \
	    >"$T_TMP/osa.err" 2>&1; then
		t_ok "osacompile compiles grid.applescript"
	else
		t_fail "osacompile compiles grid.applescript" \
		    "$(cat "$T_TMP/osa.err")"
	fi
else
	echo "# skip: no osacompile (not macOS): grid.applescript is not compiled"
fi

# Compose: the env file holds a secret that must not travel.
WS="$T_TMP/work space"
mkdir -p "$WS/agent-01" "$WS/agent-02"
printf '{}\n' >"$T_TMP/settings.json"
printf 'AGENT_TOKEN=tok-compose-secret\n' >"$T_TMP/agents.env"
chmod 600 "$T_TMP/agents.env"
COMPOSE="$OUT/docker-compose.yml"
if probe --agents 2 --image "$AGENT_IMAGE" --command /bin/agent \
    --memory 268435456 --cpus-milli 1500 --pids 128 --workspace "$WS" \
    --settings "$T_TMP/settings.json" --env-file "$T_TMP/agents.env" \
    compose "$COMPOSE" && ! grep -q 'tok-compose' "$COMPOSE" &&
    grep -qF "$T_TMP/agents.env" "$COMPOSE"; then
	t_ok "compose: written, naming the env file without its secret"
else
	t_fail "compose: written, naming the env file without its secret" \
	    "$(cat "$T_TMP/probe.err")"
fi

dc=
if docker compose version >/dev/null 2>&1; then
	dc="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then
	dc=docker-compose
fi
parsed=0
if [ -n "$dc" ]; then
	parsed=1
	if out=$(cd "$OUT" && timeout 60 $dc -f "$COMPOSE" config -q 2>&1); then
		t_ok "compose: $dc config accepts the file"
	else
		t_fail "compose: $dc config accepts the file" "$out"
	fi
fi
if command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import yaml' >/dev/null 2>&1; then
	parsed=1
	if out=$(python3 - "$COMPOSE" "$WS" "$T_TMP" "$AGENT_IMAGE" 2>&1 <<'EOF'
import sys, yaml
path, ws, tmp, image = sys.argv[1:]
doc = yaml.safe_load(open(path))
assert "version" not in doc, "version key"
svcs = doc["services"]
assert sorted(svcs) == ["agent-01", "agent-02"], sorted(svcs)
for n in (1, 2):
    s = svcs["agent-%02d" % n]
    want = {
        "container_name": "sandbox-agent-%02d" % n,
        "hostname": "agent-%02d" % n, "image": image,
        "pull_policy": "never", "command": ["/bin/agent"], "init": True,
        "stdin_open": True, "tty": True, "network_mode": "bridge",
        "cap_drop": ["ALL"], "security_opt": ["no-new-privileges:true"],
        "pids_limit": 128, "mem_limit": 268435456,
        "memswap_limit": 268435456, "cpus": 1.5,
        "working_dir": "/workspace",
        "environment": {"SANDBOX_TUI_AGENT": "%02d" % n},
        "volumes": ["%s/agent-%02d:/workspace" % (ws, n),
                    "%s/.sandbox-tui/agent-%02d/events:"
                    "/run/sandbox-tui/events" % (ws, n),
                    tmp + "/settings.json:"
                    "/etc/claude-code/managed-settings.json:ro"],
        "env_file": [tmp + "/agents.env"],
        "labels": {"sandbox-tui.agent": str(n),
                   "sandbox-tui.version": "e2e"},
    }
    for k, v in want.items():
        assert s.get(k) == v, (n, k, s.get(k), v)
    assert set(s) == set(want), set(s) ^ set(want)
EOF
	); then
		t_ok "compose: PyYAML reads every service as meant"
	else
		t_fail "compose: PyYAML reads every service as meant" "$out"
	fi
fi
if [ "$parsed" = 0 ]; then
	echo "# skip: no docker compose, docker-compose or PyYAML to read" \
	    "the compose file"
fi

# The containers compose makes from it, as docker sees them.
if [ "$DOCKER" = 1 ] && [ -n "$dc" ]; then
	agents_rm_all
	if out=$(cd "$OUT" && timeout 120 $dc -f "$COMPOSE" -p sbx-export-e2e \
	    up -d 2>&1) &&
	    got=$(docker inspect -f '{{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} {{.HostConfig.PidsLimit}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.Init}} {{.Config.Tty}} {{.Config.OpenStdin}} {{.Config.WorkingDir}} {{.Config.Hostname}} {{index .Config.Labels "sandbox-tui.agent"}}' \
	    sandbox-agent-02 2>&1) &&
	    [ "$got" = "[ALL] [no-new-privileges:true] 128 268435456 268435456 1500000000 true true true /workspace agent-02 2" ] &&
	    docker inspect -f '{{range .Mounts}}{{.Source}}>{{.Destination}}:{{.RW}};{{end}}' \
	    sandbox-agent-02 | grep -qF "$WS/agent-02>/workspace:true;" &&
	    docker inspect -f '{{range .Mounts}}{{.Source}}>{{.Destination}}:{{.RW}};{{end}}' \
	    sandbox-agent-02 | grep -qF "$WS/.sandbox-tui/agent-02/events>/run/sandbox-tui/events:true;" &&
	    docker exec sandbox-agent-02 sh -c 'echo "$AGENT_TOKEN"' |
	    grep -qx tok-compose-secret; then
		t_ok "compose: up makes the agents with the limits, mounts and env file"
	else
		t_fail "compose: up makes the agents with the limits, mounts and env file" \
		    "$out
$got"
	fi
	(cd "$OUT" && timeout 60 $dc -f "$COMPOSE" -p sbx-export-e2e down \
	    >/dev/null 2>&1)
	agents_rm_all
else
	echo "# skip: docker or compose missing: no containers made from the" \
	    "compose file"
fi

t_done
