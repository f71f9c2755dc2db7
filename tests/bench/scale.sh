#!/bin/sh
# Scale benchmark (on demand; not part of make check): time to go from 0 to
# N agents (default 12) on a private sshd on 127.0.0.1 with the real dockerd,
#   sandbox-tui   `sandbox-tui agents start N`: one SSH connection, the
#                 docker runs concurrently on its channels
#   ssh loop      N sequential `ssh host docker run ...`, one connection
#                 each, the way the original shell scripts did it
# Both create the same hardened containers.  Prints the seconds of each run
# (best of BENCH_RUNS, default 3) and the ratio.
# Usage: sh tests/bench/scale.sh [N]
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/dockerd.sh"
. "$T_REPO/tests/lib/agent_image.sh"
. "$T_REPO/tests/lib/sshd.sh"

N=${1:-12}
RUNS=${BENCH_RUNS:-3}
BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || t_die "no binary at $BIN (run make first)"
dockerd_ensure || t_die "no docker daemon"
agent_image_build || t_die "no agent image"
D=$(t_tmpdir sshd)
sshd_start "$D" || t_die "sshd did not start"
t_on_exit "sshd_stop '$D'"
t_on_exit agents_rm_all
export XDG_CONFIG_HOME="$T_TMP/xdg"
WS="$T_TMP/ws"
SSH="ssh -F /dev/null -i $SSHD_KEY -o UserKnownHostsFile=$SSHD_KNOWN_HOSTS -o BatchMode=yes -p $SSHD_PORT root@127.0.0.1"

now_s() { awk '{print $1}' /proc/uptime; }

run_tui() {
	"$BIN" --target "ssh://root@127.0.0.1:$SSHD_PORT" -i "$SSHD_KEY" \
	    --known-hosts "$SSHD_KNOWN_HOSTS" -F /dev/null \
	    -o agents.image="$AGENT_IMAGE" -o agents.workspace_dir="$WS" \
	    agents start "$N" >/dev/null || t_die "sandbox-tui agents start failed"
}

run_ssh_loop() {
	i=1
	while [ $i -le "$N" ]; do
		nn=$(printf %02d $i)
		$SSH "mkdir -p $WS/agent-$nn && docker run -dit --init --pull never \
		    --name sandbox-agent-$nn --hostname agent-$nn \
		    --label sandbox-tui.agent=$i --label sandbox-tui.version=bench \
		    --cap-drop ALL --security-opt no-new-privileges \
		    --pids-limit 512 --memory 4294967296 --memory-swap 4294967296 \
		    --cpus 1.25 -v $WS/agent-$nn:/workspace -w /workspace \
		    $AGENT_IMAGE" >/dev/null || t_die "ssh docker run failed"
		i=$((i + 1))
	done
}

best() { # name function
	b=
	r=0
	while [ $r -lt "$RUNS" ]; do
		agents_rm_all
		t0=$(now_s)
		$2
		t1=$(now_s)
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
		[ "$(docker ps -q --filter label=sandbox-tui.agent | wc -l)" -eq "$N" ] ||
		    t_die "$1: expected $N running agents"
		if [ -z "$b" ] || awk -v s="$s" -v b="$b" 'BEGIN { exit !(s < b) }'; then
			b=$s
		fi
		r=$((r + 1))
	done
	echo "$b"
}

tui=$(best sandbox-tui run_tui)
loop=$(best "ssh loop" run_ssh_loop)
agents_rm_all
printf 'scale 0 -> %d agents (best of %d)\n' "$N" "$RUNS"
printf '  sandbox-tui, one connection     %6.2f s\n' "$tui"
printf '  %d sequential ssh docker run    %6.2f s\n' "$N" "$loop"
awk -v a="$tui" -v b="$loop" 'BEGIN { printf "  ratio                           %6.2fx faster\n", b / a }'
