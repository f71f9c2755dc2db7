#!/bin/sh
# End-to-end: agent management from the command line (`agents ...`, `scale`,
# `logs`), first over a private sshd on 127.0.0.1, then a shorter run with
# `--target local`, against a real dockerd and the test agent image.  What
# is checked is what docker then shows: the containers, their settings,
# mounts and environment, workspaces on disk, and that secrets never show
# on a command line.  Commands with bad arguments are refused before docker
# is ever run.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/e2e.sh"

e2e_program
command -v python3 >/dev/null || t_die "python3 is needed to read JSON"

e2e_agents
DOCKER=$(command -v docker)
TIMEOUT=$(command -v timeout)
e2e_sshd
e2e_config
WS=$T_TMP/ws
OUT=$T_TMP/out
ERR=$T_TMP/err
TICKS="sh -c 'i=0; while :; do i=\$((i+1)); echo tick \$i; sleep 0.2; done'"
MODE=ssh

# Runs the program on the current target ($MODE) with the test image and
# workspace; stdout in $OUT, stderr in $ERR, exit status in RC.
sbx() {
	if [ "$MODE" = ssh ]; then
		set -- --target "$TARGET" -i "$SSHD_KEY" \
		    --known-hosts "$SSHD_KNOWN_HOSTS" -F /dev/null "$@"
	else
		set -- --target local "$@"
	fi
	"$TIMEOUT" -k 10 300 "$BIN" -o "agents.image=$AGENT_IMAGE" \
	    -o "agents.workspace_dir=$WS" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# What sbx did, for a failure's detail.
said() {
	printf 'rc=%s\n--- stdout:\n%s\n--- stderr:\n%s\n' "$RC" \
	    "$(head -c 3000 "$OUT")" "$(head -c 3000 "$ERR")"
}

# "sandbox-agent-NN STATE" for every agent container, sorted.
agents_now() {
	docker ps -a --filter label=sandbox-tui.agent \
	    --format '{{.Names}} {{.State}}' | sort
}

agents_want() {
	for n in "$@"; do
		printf 'sandbox-agent-%02d running\n' "$n"
	done | sort
}

# check_agents NAME N...: exactly agents N... exist, all running.
check_agents() {
	_name=$1
	shift
	_want=$(agents_want "$@")
	_got=$(agents_now)
	if [ "$_got" = "$_want" ]; then
		t_ok "$_name"
	else
		t_fail "$_name" "$(printf 'want:\n%s\ngot:\n%s\n' "$_want" "$_got")
$(said)"
	fi
}

# check_lines NAME WORD N...: stdout is exactly "sandbox-agent-NN: WORD"
# for each N (in any order).
check_lines() {
	_name=$1
	_word=$2
	shift 2
	_want=$(for n in "$@"; do printf 'sandbox-agent-%02d: %s\n' "$n" "$_word"; done | sort)
	_got=$(sort "$OUT")
	if [ "$RC" = 0 ] && [ "$_got" = "$_want" ]; then
		t_ok "$_name"
	else
		t_fail "$_name" "$(said)"
	fi
}

inspect() {
	docker inspect -f "$2" "$(agent_name "$1")" 2>&1
}

# check_rc NAME WANT_RC ERE: the exit status, and stderr matching ERE.
check_rc() {
	if [ "$RC" = "$2" ] && grep -Eq -- "$3" "$ERR"; then
		t_ok "$1"
	else
		t_fail "$1" "want rc=$2 and stderr /$3/
$(said)"
	fi
}

# check NAME COND [DETAIL]: COND and DETAIL are shell code, evaluated
# then (DETAIL only on failure; by default what sbx did).
check() {
	if eval "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "$(eval "${3:-said}")"
	fi
}

# ---- over ssh ----

sbx -o agents.image=sandbox-tui-test-missing:none agents start 1
check_rc "missing image: exit 1 and an explanation" 1 \
    "image sandbox-tui-test-missing:none is not on .*agents\.image"
check "missing image: no container created" '[ -z "$(agents_now)" ]' agents_now

sbx agents start 0
check "scale 0 with no agents does nothing, exit 0" \
    '[ "$RC" = 0 ] && [ -z "$(agents_now)" ] && [ ! -s "$OUT" ]'

# Secrets: the API key and agents.env_secret variables.  A sampler reads
# every process's command line (ps and /proc) while 12 agents are created.
KEY="sk-ant-test-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
SBX_SECRET_A="secret-a-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
SBX_SECRET_B="secret-b-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
CONTROL="control-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export ANTHROPIC_API_KEY="$KEY" SBX_SECRET_A SBX_SECRET_B
printf '%s\n%s\n%s\n%s\n' "$KEY" "$SBX_SECRET_A" "$SBX_SECRET_B" "$CONTROL" \
    >"$T_TMP/secrets"
SAMPLES=$T_TMP/samples
: >"$T_TMP/hits"
(
	n=0
	while [ ! -e "$T_TMP/stop-sampler" ]; do
		ps -eww -o args 2>/dev/null | grep -F -f "$T_TMP/secrets" >>"$T_TMP/hits"
		grep -a -F -h -f "$T_TMP/secrets" /proc/[0-9]*/cmdline \
		    2>/dev/null | tr '\0' ' ' >>"$T_TMP/hits"
		n=$((n + 1))
		echo "$n" >"$SAMPLES"
		sleep 0.02
	done
) &
SAMPLER=$!
t_on_exit "touch '$T_TMP/stop-sampler'; kill $SAMPLER 2>/dev/null"
# The control shows the sampler catches a short-lived command line.
t_wait_until 10 test -s "$SAMPLES"
sh -c 'sleep 0.5; :' control "$CONTROL"
t0=$(t_now_ms)
sbx -o 'agents.env_secret=SBX_SECRET_A SBX_SECRET_B' agents start 12
t1=$(t_now_ms)
touch "$T_TMP/stop-sampler"
wait "$SAMPLER"
check_lines "scale 0 -> 12 prints 12 'created' lines" created $(seq 1 12)
check_agents "scale 0 -> 12: agents 01-12 running" $(seq 1 12)

nsamples=$(cat "$SAMPLES")
if ! grep -q "$CONTROL" "$T_TMP/hits" || [ "$nsamples" -lt 10 ]; then
	t_fail "process sampler works (catches the control)" "$nsamples samples"
elif grep -v "$CONTROL" "$T_TMP/hits" | grep -q .; then
	t_fail "no secret on any command line while agents start" \
	    "$(grep -v "$CONTROL" "$T_TMP/hits" | sed "s/$KEY/<KEY>/g" | cut -c 1-300 | head -n 5)"
else
	t_ok "no secret on any command line ($nsamples samples in $((t1 - t0)) ms)"
fi
check "no secret in the program's output" \
    '! grep -F -q -f "$T_TMP/secrets" "$OUT" "$ERR"' 'said | sed "s/$KEY/<KEY>/g"'
check "no secret in the container's command or entrypoint" \
    '! inspect 3 "{{json .Path}}{{json .Args}}{{json .Config.Cmd}}{{json .Config.Entrypoint}}" | grep -F -q -f "$T_TMP/secrets"'
docker exec "$(agent_name 3)" env >"$T_TMP/env3" 2>&1
check "the API key and env_secret variables reach the agent" \
    'grep -qx "ANTHROPIC_API_KEY=$KEY" "$T_TMP/env3" &&
    grep -qx "SBX_SECRET_A=$SBX_SECRET_A" "$T_TMP/env3" &&
    grep -qx "SBX_SECRET_B=$SBX_SECRET_B" "$T_TMP/env3"' 'sed "s/=.*//" "$T_TMP/env3"'
mode=$(stat -c %a "$WS/.sandbox-tui/agents.env" 2>&1)
check "the env file holds the key with mode 600" \
    '[ "$mode" = 600 ] && grep -F -q "$KEY" "$WS/.sandbox-tui/agents.env"' 'echo "mode: $mode"'

want='["ALL"]|["no-new-privileges"]|512|4294967296|4294967296|1250000000|true|true true|agent-03|/workspace|3|false'
got=$(inspect 3 '{{json .HostConfig.CapDrop}}|{{json .HostConfig.SecurityOpt}}|{{json .HostConfig.PidsLimit}}|{{.HostConfig.Memory}}|{{.HostConfig.MemorySwap}}|{{.HostConfig.NanoCpus}}|{{json .HostConfig.Init}}|{{.Config.Tty}} {{.Config.OpenStdin}}|{{.Config.Hostname}}|{{.Config.WorkingDir}}|{{index .Config.Labels "sandbox-tui.agent"}}|{{.HostConfig.Privileged}}')
check "agent limits: caps, no-new-privileges, pids, memory, cpus, init, tty" \
    '[ "$got" = "$want" ]' 'printf "want %s\ngot  %s\n" "$want" "$got"'
ver=$(inspect 3 '{{index .Config.Labels "sandbox-tui.version"}}')
img=$(inspect 3 '{{.Config.Image}}')
check "agent labels carry the version ($ver), image is agents.image" \
    '[ -n "$ver" ] && [ "$img" = "$AGENT_IMAGE" ]' 'echo "version=$ver image=$img"'
inspect 3 '{{range .Mounts}}{{.Source}}:{{.Destination}}:{{.RW}}
{{end}}' >"$T_TMP/mounts"
SETTINGS_IN=/etc/claude-code/managed-settings.json
check "workspace agent-03 at /workspace, settings mounted read-only" \
    'grep -qx "$WS/agent-03:/workspace:true" "$T_TMP/mounts" &&
    grep -qx "$WS/.sandbox-tui/claude-settings.json:$SETTINGS_IN:false" "$T_TMP/mounts" &&
    [ -d "$WS/agent-03" ]' 'cat "$T_TMP/mounts"'
# settings_are N FILE: what agent N sees as its managed settings is FILE.
settings_are() {
	docker exec "$(agent_name "$1")" cat "$SETTINGS_IN" | cmp -s - "$2"
}
check "the agent sees the shipped claude-settings.json" \
    'settings_are 3 "$T_REPO/config/claude-settings.json"' \
    'docker exec "$(agent_name 3)" cat "$SETTINGS_IN" 2>&1 | head -n 5'
check "the agent cannot change its settings" \
    '! docker exec "$(agent_name 3)" sh -c "echo x >>$SETTINGS_IN" 2>/dev/null'

sbx agents start 5
check_rc "scale 12 -> 5 without --yes: exit 1, asks for --yes" 1 '--yes'
check_agents "scale 12 -> 5 without --yes changes nothing" $(seq 1 12)
sbx agents start 5 --yes
check_lines "scale 12 -> 5 --yes removes the 7 highest" "removed (workspace kept)" $(seq 6 12)
check_agents "scale 12 -> 5 --yes: agents 01-05 left" $(seq 1 5)

printf '{\n  "a": 1,\n  "b": oops\n}\n' >"$T_TMP/bad-settings.json"
CLAUDE_SETTINGS=$T_TMP/bad-settings.json
export CLAUDE_SETTINGS
sbx agents start 12
check_rc "CLAUDE_SETTINGS with bad JSON: exit 1 naming FILE:LINE" 1 \
    "bad-settings.json:3"
check_agents "bad CLAUDE_SETTINGS creates nothing" $(seq 1 5)

printf '{ "custom": "sbx-%s" }\n' "$$" >"$T_TMP/custom-settings.json"
CLAUDE_SETTINGS=$T_TMP/custom-settings.json
sbx scale 12
unset CLAUDE_SETTINGS
check_lines "scale 5 -> 12 (alias scale) creates only 06-12" created $(seq 6 12)
check_agents "scale 5 -> 12: agents 01-12 running" $(seq 1 12)
check "CLAUDE_SETTINGS replaces the settings the agents see" \
    'settings_are 12 "$T_TMP/custom-settings.json"' \
    'docker exec "$(agent_name 12)" cat "$SETTINGS_IN" 2>&1 | head -n 3'

# Stop, list, restart, stop all, start again.
sbx agents stop 3
check_lines "stop 3" stopped 3
code=$(inspect 3 '{{.State.ExitCode}}')
sbx agents list
check "agents list: 12 rows, 03 is 'exited ($code)'" \
    '[ "$RC" = 0 ] && head -n 1 "$OUT" | grep -Eq "^N +NAME +STATE +UPTIME +CPU% +MEMORY +IMAGE" &&
    grep -Eq "^3 +sandbox-agent-03 +exited \($code\)" "$OUT" &&
    [ "$(grep -c " running " "$OUT")" = 11 ] && [ "$(wc -l <"$OUT")" = 13 ]'
sbx agents list --json
if [ "$RC" = 0 ] && python3 - "$OUT" "$AGENT_IMAGE" "$code" <<'EOF' >"$T_TMP/py" 2>&1
import json, sys
a = json.load(open(sys.argv[1]))
keys = {"n", "name", "state", "exit_code", "status", "uptime", "image", "id",
        "cpu_percent", "mem_usage", "mem_percent"}
assert isinstance(a, list) and len(a) == 12, a
for i, e in enumerate(a, 1):
    assert set(e) == keys, sorted(e)
    assert e["n"] == i and e["name"] == "sandbox-agent-%02d" % i, e
    assert e["image"] == sys.argv[2] and e["id"], e
    if i == 3:
        assert e["state"] == "exited", e
        assert e["exit_code"] == int(sys.argv[3]), e
        assert e["uptime"] is None and e["cpu_percent"] is None, e
    else:
        assert e["state"] == "running" and e["exit_code"] is None, e
        assert isinstance(e["uptime"], str) and e["uptime"], e
        assert isinstance(e["cpu_percent"], (int, float)), e
        assert isinstance(e["mem_usage"], str), e
EOF
then
	t_ok "agents list --json parses, 12 entries with the right fields"
else
	t_fail "agents list --json" "$(cat "$T_TMP/py")
$(said)"
fi

before=$(inspect 2 '{{.State.StartedAt}}')
sbx agents restart 2
after=$(inspect 2 '{{.State.StartedAt}} {{.State.Status}}')
check "restart 2: started again (StartedAt changed)" \
    '[ "$RC" = 0 ] && grep -qx "sandbox-agent-02: restarted" "$OUT" &&
    [ "${after% *}" != "$before" ] && [ "${after#* }" = running ]' \
    'echo "$before -> $after"; said'
sbx agents stop
check_lines "stop with no numbers stops the 11 running" stopped 1 2 $(seq 4 12)
check "stop all: nothing running" \
    '[ -z "$(docker ps -q --filter label=sandbox-tui.agent)" ]' agents_now
sbx agents start 12
check_lines "start 12 starts the 12 stopped agents" started $(seq 1 12)
check_agents "start 12: agents 01-12 running again" $(seq 1 12)

sbx agents rm 12
check_rc "rm without --yes: usage error" 2 '--yes'
sbx agents rm 12 --yes
check "rm 12 --yes removes the container, keeps its workspace" \
    '[ "$RC" = 0 ] && [ -d "$WS/agent-12" ] && ! docker inspect "$(agent_name 12)" >/dev/null 2>&1'
touch "$WS/agent-11/work-file"
sbx agents rm 11 --yes --purge
check "rm 11 --yes --purge also deletes its workspace" \
    '[ "$RC" = 0 ] && [ ! -e "$WS/agent-11" ] && ! docker inspect "$(agent_name 11)" >/dev/null 2>&1' \
    'ls -la "$WS"; said'
sbx agents new
check_lines "agents new takes the lowest free number" created 11
sbx agents restart 12
check_rc "restart of a missing agent fails naming it" 1 'sandbox-agent-12.*no agent 12'
sbx agents start 0 --yes
check_agents "scale 0 --yes removes every agent"

# Logs, from agents that print "tick N" five times a second.
sbx -o "agents.command=$TICKS" agents start 2
check_agents "agents.command with quotes runs the tick loop" 1 2
t_wait_until 20 sh -c "docker logs $(agent_name 1) 2>&1 | grep -q 'tick 8'"
# out_is N ERE: stdout is exactly N lines, each matching ERE (CR aside).
out_is() {
	[ "$RC" = 0 ] && [ "$(wc -l <"$OUT")" = "$1" ] &&
	    [ "$(tr -d '\r' <"$OUT" | grep -Ec "$2")" = "$1" ]
}
sbx logs 1 --tail 3
check "logs 1 --tail 3 prints exactly 3 lines" 'out_is 3 "^tick [0-9]+$"'
sbx logs 1 --tail 2 --timestamps
check "logs --timestamps prefixes RFC 3339 times" 'out_is 2 \
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}) tick [0-9]+$"'
sbx logs sandbox-agent-01 --since 1h
check "logs --since 1h prints from the first line" \
    '[ "$RC" = 0 ] && [ "$(head -n 1 "$OUT" | tr -d "\r")" = "tick 1" ] &&
    [ "$(wc -l <"$OUT")" -ge 8 ]'

# logs -f keeps printing until SIGTERM, then exits and leaves no follower.
follow_lines() {
	wc -l <"$T_TMP/follow"
}
follower_gone() {
	! pgrep -f "docker logs --follow.*$(agent_name 2)" >/dev/null
}
"$BIN" --target "$TARGET" -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" \
    -F /dev/null logs 2 -f --tail 1 >"$T_TMP/follow" 2>"$T_TMP/follow.err" </dev/null &
FPID=$!
t_on_exit "kill $FPID 2>/dev/null"
t_wait_until 20 sh -c "[ \$(wc -l <'$T_TMP/follow') -ge 2 ]"
n1=$(follow_lines)
t_wait_until 20 sh -c "[ \$(wc -l <'$T_TMP/follow') -ge $((n1 + 5)) ]"
n2=$(follow_lines)
kill -TERM "$FPID"
if t_wait_until 10 sh -c "! kill -0 $FPID 2>/dev/null"; then
	wait "$FPID"
	frc=$?
	if [ "$n2" -ge $((n1 + 5)) ] && { [ "$frc" = 0 ] || [ "$frc" = 143 ]; }; then
		t_ok "logs -f keeps growing ($n1 -> $n2 lines), SIGTERM ends it (status $frc)"
	else
		t_fail "logs -f" "lines $n1 -> $n2, status $frc; $(cat "$T_TMP/follow.err")"
	fi
else
	t_fail "logs -f exits on SIGTERM" "still running"
fi
check "no docker logs --follow left behind on the target" \
    't_wait_until 15 follower_gone' 'pgrep -af "docker logs --follow"'
sbx agents start 0 --yes

# ---- local target ----
MODE=local
sbx -o "agents.command=$TICKS" agents start 3
check_lines "local: scale 0 -> 3" created 1 2 3
check_agents "local: agents 01-03 running" 1 2 3
t_wait_until 20 sh -c "docker logs $(agent_name 2) 2>&1 | grep -q 'tick 5'"
sbx logs 2 --tail 3
check "local: logs 2 --tail 3" 'out_is 3 "^tick [0-9]+$"'
sbx agents stop 2
check_lines "local: stop 2" stopped 2
sbx agents list
check "local: list shows 02 exited" \
    '[ "$RC" = 0 ] && grep -Eq "^2 +sandbox-agent-02 +exited \([0-9]+\)" "$OUT"'
sbx agents start 3
check_lines "local: start 3 starts 02 again" started 2
sbx agents rm 3 --yes --purge
check "local: rm 3 --purge" \
    '[ "$RC" = 0 ] && [ ! -e "$WS/agent-03" ] && [ -d "$WS/agent-02" ]'
sbx agents start 0 --yes
check_agents "local: scale 0 --yes"

# A purge by a user who is neither root nor the owner of the agent's files
# (on a VM: the SSH user, in the docker group; the files: the image's
# user).  rm alone fails there; a throwaway container empties the folder.
DOCKER_GID=$(getent group docker | cut -d: -f3)
if command -v setpriv >/dev/null && [ -n "$DOCKER_GID" ] &&
    setpriv --reuid=65534 --regid=65534 --groups="$DOCKER_GID" \
    docker info >/dev/null 2>&1; then
	NWS=$(t_tmpdir ws-nobody)
	sbx -o "agents.workspace_dir=$NWS" -o "agents.command=$TICKS" \
	    agents start 1
	mkdir -p "$NWS/agent-01/src/deep"
	echo x >"$NWS/agent-01/src/deep/file"
	chown 65534:65534 "$NWS"
	chown -R 65534:65534 "$NWS/.sandbox-tui"
	chown -R 4242:4242 "$NWS/agent-01"
	chmod -R go-w "$NWS/agent-01"
	"$TIMEOUT" -k 10 120 setpriv --reuid=65534 --regid=65534 \
	    --groups="$DOCKER_GID" env XDG_CONFIG_HOME="$NWS/xdg" \
	    "$BIN" --target local -o "agents.image=$AGENT_IMAGE" \
	    -o "agents.workspace_dir=$NWS" agents rm 1 --yes --purge \
	    >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	check "local: rm --purge by a user who owns neither the files nor is root" \
	    '[ "$RC" = 0 ] && [ ! -e "$NWS/agent-01" ] &&
	    [ ! -e "$NWS/.sandbox-tui/agent-01" ] &&
	    [ -z "$(docker ps -aq --filter name=^sandbox-agent-01$)" ]'
	agents_rm_all
else
	echo "# skip: uid 65534 in the docker group cannot reach docker here:" \
	    "no purge as another user"
fi

# Bad agent numbers are refused before connecting: docker never runs.
mkdir -p "$T_TMP/wrap"
cat >"$T_TMP/wrap/docker" <<EOF
#!/bin/sh
echo "docker \$*" >>"$T_TMP/docker.log"
exec "$DOCKER" "\$@"
EOF
chmod 755 "$T_TMP/wrap/docker"
: >"$T_TMP/docker.log"
REAL_PATH=$PATH
PATH="$T_TMP/wrap:$PATH"
refused() {
	sbx "$@"
	if [ "$RC" = 2 ] && [ -s "$ERR" ] && [ ! -s "$T_TMP/docker.log" ]; then
		t_ok "refused with exit 2, docker not run: $*"
	else
		t_fail "refused: $*" "$(said)
--- docker log:
$(cat "$T_TMP/docker.log")"
		: >"$T_TMP/docker.log"
	fi
}
refused agents stop 0
refused agents stop 100
refused agents stop '3;rm -rf /'
refused agents restart abc
refused agents rm 0 --yes
refused agents rm 3
refused agents start abc
refused agents start 100
refused scale -1
refused logs 0
refused logs abc
refused logs '3;rm -rf /'
refused logs 1 --tail lots
sbx agents stop '3;rm -rf /'
check "a bad number is explained" \
    'grep -q "agent .3;rm -rf /.: not a number between 1 and 99" "$ERR"'
# agents list asks the daemon's API; an operation still runs the CLI.
sbx agents stop
check "the docker wrapper does see a real command" \
    '[ "$RC" = 0 ] && [ -s "$T_TMP/docker.log" ]'

# No docker on the target: said plainly.
mkdir -p "$T_TMP/nodocker"
for c in sh cat mkdir chmod rm ls env; do
	ln -s "$(PATH=$REAL_PATH command -v "$c")" "$T_TMP/nodocker/$c"
done
PATH="$T_TMP/nodocker"
sbx agents list
PATH=$REAL_PATH
check "no docker CLI: agents list is answered by the daemon's API" \
    '[ "$RC" = 0 ] && grep -q "^sandbox-tui: docker API 1\.[0-9]* on local, through socket " "$ERR" &&
    head -n 1 "$OUT" | grep -q "^N  *NAME"'
PATH="$T_TMP/nodocker"
sbx agents stop
PATH=$REAL_PATH
check_rc "docker missing: 'docker is not installed on local'" 1 \
    'docker is not installed on local'

t_done
