#!/bin/sh
# Throughput benchmark (on demand; not part of make check).  Pushes 64 MiB
# of terminal output through one agent pane, then through 12 panes at once,
# over one ssh connection to a private sshd on 127.0.0.1, and prints MB/s,
# client CPU seconds and peak RSS for:
#   sandbox-tui   the grid, one libssh connection, libvterm per pane
#   tmux          a tmux server with one `ssh -tt ... docker attach` pane
#                 per agent (CPU and RSS of the tmux server plus its ssh
#                 clients)
#   ssh cat       `ssh host 'head -c N /dev/zero' | cat >/dev/null`, the
#                 ceiling for moving the same bytes over ssh at all
# Usage: sh tests/bench/throughput.sh [MiB per agent, default 64]
#        BENCH_ONLY="sandbox-tui" or "tmux" or "ssh-cat", and BENCH_PANES="12",
#        to run a part.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/dockerd.sh"
. "$T_REPO/tests/lib/agent_image.sh"
. "$T_REPO/tests/lib/sshd.sh"

MIB=${1:-64}
BYTES=$((MIB * 1024 * 1024))
BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || t_die "no binary at $BIN (run make first)"
export T_TMP
dockerd_ensure || t_die "no docker daemon"
agent_image_build || t_die "no agent image"
D=$(t_tmpdir sshd)
sshd_start "$D" || t_die "sshd did not start"
t_on_exit "sshd_stop '$D'"
export XDG_CONFIG_HOME="$T_TMP/xdg"
SSH="ssh -F /dev/null -i $SSHD_KEY -o UserKnownHostsFile=$SSHD_KNOWN_HOSTS -o BatchMode=yes -p $SSHD_PORT root@127.0.0.1"

# Bench agents wait for /tmp/go, then print BYTES of text and a marker.
bench_agents() {
	agents_rm_all
	i=1
	while [ $i -le "$1" ]; do
		nn=$(printf %02d $i)
		docker run -dit --init --name "sandbox-agent-$nn" \
		    --label sandbox-tui.agent=$i --label sandbox-tui.version=bench \
		    "$AGENT_IMAGE" sh -c "echo READY-$nn; while [ ! -e /tmp/go ]; do sleep 0.05; done; yes 'bench 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ' | head -c $BYTES; echo; echo DONE-$nn; sleep 100000" >/dev/null
		i=$((i + 1))
	done
}
t_on_exit agents_rm_all

go_all() {
	for c in $(docker ps -q --filter label=sandbox-tui.version=bench); do
		docker exec "$c" sh -c ": >/tmp/go" &
	done
	wait
}

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)

screen_has_all() {
	s=$(tmux_capture)
	i=1
	while [ $i -le "$1" ]; do
		printf '%s\n' "$s" | grep -q "$2-$(printf %02d $i)" || return 1
		i=$((i + 1))
	done
}

report() { # name n seconds ticks rss_kib
	awk -v name="$1" -v n="$2" -v s="$3" -v t="$4" -v r="$5" -v hz="$hz" -v b="$BYTES" 'BEGIN {
		printf "%-14s %2d pane(s)  %8.1f MB/s  %6.2f s  cpu %6.2f s  peak rss %7.1f MiB\n",
		    name, n, n * b / 1e6 / s, s, t / hz, r / 1024 }'
}

now_s() { awk '{print $1}' /proc/uptime; }

run_sandbox_tui() {
	n=$1
	bench_agents "$n"
	tmux_start 240 60 "$BIN" --target "ssh://root@127.0.0.1:$SSHD_PORT" \
	    -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" -F /dev/null
	t_wait_until 30 screen_has_all "$n" READY || t_die "panes not ready"
	pid=$(tmux_pane_pid)
	t0=$(ticks "$pid"); s0=$(now_s)
	go_all
	t_wait_until 600 screen_has_all "$n" DONE || t_die "flood did not finish"
	s1=$(now_s); t1=$(ticks "$pid")
	report sandbox-tui "$n" "$(awk "BEGIN{print $s1-$s0}")" $((t1 - t0)) "$(hwm "$pid")"
	tmux_kill
}

run_tmux() {
	n=$1
	bench_agents "$n"
	tmux_start 240 60 "$SSH -tt docker attach sandbox-agent-01"
	i=2
	while [ $i -le "$n" ]; do
		tmux_cmd split-window -t sbx "$SSH -tt docker attach sandbox-agent-$(printf %02d $i)"
		tmux_cmd select-layout -t sbx tiled >/dev/null
		i=$((i + 1))
	done
	sleep 2
	server=$(tmux_cmd display-message -p '#{pid}')
	clients=$(pgrep -P "$server" | tr '\n' ' ')
	t0=$(ticks "$server"); for c in $clients; do t0=$((t0 + $(ticks "$c"))); done
	s0=$(now_s)
	go_all
	# Each pane is too small to show every marker reliably: watch the logs' end.
	t_wait_until 600 sh -c "for c in \$(docker ps -q --filter label=sandbox-tui.version=bench); do docker logs --tail 2 \$c 2>&1 | grep -q DONE || exit 1; done" ||
	    t_die "tmux flood did not finish"
	# docker logs finishes before the terminals drain: wait for quiet CPU.
	prev=-1; cur=$(ticks "$server")
	while [ "$prev" != "$cur" ]; do sleep 0.3; prev=$cur; cur=$(ticks "$server"); done
	s1=$(now_s)
	t1=$(ticks "$server"); for c in $clients; do t1=$((t1 + $(ticks "$c"))); done
	rss=$(hwm "$server")
	report "tmux+ssh" "$n" "$(awk "BEGIN{print $s1-$s0}")" $((t1 - t0)) "$rss"
	tmux_kill
}

run_ssh_cat() {
	n=$1
	s0=$(now_s)
	i=1
	while [ $i -le "$n" ]; do
		/usr/bin/time -f '%e %U %S %M' -o "$T_TMP/time.$i" \
		    sh -c "$SSH 'head -c $BYTES /dev/zero' | cat >/dev/null" &
		i=$((i + 1))
	done
	wait
	s1=$(now_s)
	cpu=$(cat "$T_TMP"/time.* | awk -v hz="$hz" '{c += ($2 + $3) * hz; if ($4 > m) m = $4} END {print int(c) " " m}')
	report "ssh cat" "$n" "$(awk "BEGIN{print $s1-$s0}")" "${cpu% *}" "${cpu#* }"
	rm -f "$T_TMP"/time.*
}

echo "throughput: $MIB MiB per pane, $(nproc) cpus"
for n in ${BENCH_PANES:-1 12}; do
	for what in ${BENCH_ONLY:-sandbox-tui tmux ssh-cat}; do
		case $what in
		sandbox-tui) run_sandbox_tui "$n" ;;
		tmux) run_tmux "$n" ;;
		ssh-cat) run_ssh_cat "$n" ;;
		esac
	done
done
