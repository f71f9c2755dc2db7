# A tiny agent image and agent containers for end-to-end tests, to be
# sourced after common.sh (POSIX sh).  No registry is needed: the image is
# the host's static busybox plus a script, imported with `docker import`.
#
#   agent_image_build [IMAGE]  builds IMAGE (default $AGENT_IMAGE) unless an
#                        image with that name and the same content hash
#                        (label sandbox-tui.test-hash) already exists
#   agents_create N [IMAGE]    starts sandbox-agent-01..NN as the program
#                        does (docker run -dit --init, labels
#                        sandbox-tui.agent=N and sandbox-tui.version=test,
#                        AGENT_TOKEN=tok-NN-<random>); prints nothing;
#                        registers agents_rm_all to run at exit
#   agents_tokens        prints each agent's token, one a line, by number
#   agent_token N        prints agent N's token
#   agent_name N         prints sandbox-agent-NN
#   agents_rm_all        removes every container labelled sandbox-tui.agent
#                        (also ones the program under test created)
#
# What the agent (/bin/agent, the image's command) does on its terminal:
#   prints "TOKEN <AGENT_TOKEN or hostname>", then the prompt "> ", then
#   for each line read:  size -> `stty size` ("ROWS COLS");
#   flood N -> N lines "flood I/N xxx..." then "flood done N";
#   exit [S] -> exits with status S (default 0);  title T -> sets the title
#   (OSC 2);  colour -> a bold red "red" and a green-background "green";
#   clear -> clears the screen;  bell -> BEL;  cat FILE -> FILE's bytes as
#   they are, then ESC [0m and "cat done FILE" on a line of its own (the ESC
#   ends any string FILE left open);  longline N -> N bytes of "x" without
#   a newline, then "longline done N";  an empty line -> nothing;
#   anything else -> "got: LINE"; then the prompt again.  Ctrl-C prints
#   "interrupt" and the prompt.  End of input exits with status 0.
#   (tmux_capture drops trailing blanks: match the prompt with '^>'.  And
#   `docker logs` holds back a line until its newline, so a waiting prompt
#   shows in `docker attach` but not in the logs.)

AGENT_IMAGE=${AGENT_IMAGE:-sandbox-tui-test-agent:latest}
_AGENTS_CLEANUP=

_AGENT_APPLETS='sh ash echo cat stty sleep printf yes head tail seq tr env
date hostname awk sed grep wc ls ps kill true false test [ id uname tty
clear sort uniq cut rm'

_agent_script() {
	cat <<'EOF'
#!/bin/sh
# The test agent: a prompt that answers a few commands on its terminal.
intr=0
trap 'intr=1' INT
tok=${AGENT_TOKEN:-$(hostname)}
echo "TOKEN $tok"
printf '> '
while :; do
	if ! IFS= read -r line; then
		if [ "$intr" = 1 ]; then
			intr=0
			printf '\ninterrupt\n> '
			continue
		fi
		exit 0
	fi
	case $line in
	'')
		;;
	size)
		stty size
		;;
	flood\ *)
		n=${line#flood }
		case $n in
		''|*[!0-9]*)
			echo "flood: not a number: $n"
			;;
		*)
			awk -v n="$n" 'BEGIN {
				for (i = 1; i <= n; i++)
					printf "flood %d/%d xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", i, n
			}'
			echo "flood done $n"
			;;
		esac
		;;
	exit)
		exit 0
		;;
	exit\ *)
		exit "${line#exit }"
		;;
	title\ *)
		printf '\033]2;%s\007' "${line#title }"
		;;
	colour)
		printf '\033[1;31mred\033[0m \033[42mgreen\033[0m\n'
		;;
	clear)
		printf '\033[H\033[2J'
		;;
	bell)
		printf '\007'
		;;
	cat\ *)
		cat -- "${line#cat }"
		printf '\033[0m\r\ncat done %s\n' "${line#cat }"
		;;
	longline\ *)
		n=${line#longline }
		yes x | tr -d '\n' | head -c "$n"
		printf '\r\nlongline done %s\n' "$n"
		;;
	*)
		printf 'got: %s\n' "$line"
		;;
	esac
	printf '> '
done
EOF
}

# The hash of everything that goes into the image, so a change rebuilds it.
_agent_image_hash() {
	{
		sha256sum /bin/busybox | cut -d' ' -f1
		echo "$_AGENT_APPLETS"
		_agent_script
		echo v1
	} | sha256sum | cut -d' ' -f1
}

agent_image_build() {
	_ai_name=${1:-$AGENT_IMAGE}
	if [ ! -x /bin/busybox ] || ! _agent_is_static /bin/busybox; then
		echo "agent_image_build: need a static /bin/busybox (busybox-static)" >&2
		return 1
	fi
	_ai_hash=$(_agent_image_hash)
	_ai_old=$(docker image inspect -f '{{.Id}} {{index .Config.Labels "sandbox-tui.test-hash"}}' \
	    "$_ai_name" 2>/dev/null)
	[ "${_ai_old#* }" = "$_ai_hash" ] && return 0

	_ai_root=$(t_tmpdir agent-root) || return 1
	mkdir -p "$_ai_root/bin" "$_ai_root/etc" "$_ai_root/tmp" \
	    "$_ai_root/proc" "$_ai_root/sys" "$_ai_root/dev" "$_ai_root/root" || return 1
	chmod 1777 "$_ai_root/tmp"
	cp /bin/busybox "$_ai_root/bin/busybox" || return 1
	for _ai_a in $_AGENT_APPLETS; do
		ln -s busybox "$_ai_root/bin/$_ai_a" || return 1
	done
	_agent_script >"$_ai_root/bin/agent"
	chmod 755 "$_ai_root/bin/agent"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$_ai_root/etc/passwd"
	echo 'root:x:0:' >"$_ai_root/etc/group"

	if ! tar -C "$_ai_root" --numeric-owner --owner=0 --group=0 -cf - . |
	    docker import -c 'CMD ["/bin/agent"]' \
	    -c 'ENV TERM=xterm-256color' \
	    -c "LABEL sandbox-tui.test-hash=$_ai_hash" - "$_ai_name" >/dev/null; then
		echo "agent_image_build: docker import failed" >&2
		return 1
	fi
	rm -rf "$_ai_root"
	# The image the name pointed to before is now unnamed; drop it unless
	# a container still uses it.
	if [ -n "$_ai_old" ]; then
		docker rmi "${_ai_old%% *}" >/dev/null 2>&1
	fi
	return 0
}

# Whether $1 is a statically linked ELF (a dynamic one fails in the image).
_agent_is_static() {
	! LC_ALL=C ldd "$1" >/dev/null 2>&1
}

agent_name() {
	printf 'sandbox-agent-%02d\n' "$1"
}

agents_rm_all() {
	_ar_ids=$(docker ps -aq --filter label=sandbox-tui.agent 2>/dev/null)
	[ -n "$_ar_ids" ] || return 0
	# shellcheck disable=SC2086
	docker rm -f $_ar_ids >/dev/null
}

agents_create() {
	_ac_n=$1
	_ac_image=${2:-$AGENT_IMAGE}
	if [ -z "$_AGENTS_CLEANUP" ]; then
		t_on_exit agents_rm_all && _AGENTS_CLEANUP=1
	fi
	# Leftovers of an earlier test run that was killed too hard to clean up.
	_ac_old=$(docker ps -aq --filter label=sandbox-tui.version=test 2>/dev/null)
	if [ -n "$_ac_old" ]; then
		# shellcheck disable=SC2086
		docker rm -f $_ac_old >/dev/null 2>&1
	fi

	_ac_err=$(t_tmpdir agents-create) || return 1
	_ac_pids=
	_ac_i=1
	while [ "$_ac_i" -le "$_ac_n" ]; do
		_ac_nn=$(printf '%02d' "$_ac_i")
		_ac_rand=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
		docker run -dit --init --name "sandbox-agent-$_ac_nn" \
		    --label "sandbox-tui.agent=$_ac_i" \
		    --label sandbox-tui.version=test \
		    -e "AGENT_TOKEN=tok-$_ac_nn-$_ac_rand" \
		    "$_ac_image" >/dev/null 2>"$_ac_err/$_ac_nn" &
		_ac_pids="$_ac_pids $!"
		_ac_i=$((_ac_i + 1))
	done
	_ac_rc=0
	for _ac_p in $_ac_pids; do
		wait "$_ac_p" || _ac_rc=1
	done
	if [ "$_ac_rc" != 0 ]; then
		echo "agents_create: docker run failed:" >&2
		cat "$_ac_err"/* >&2
	fi
	rm -rf "$_ac_err"
	return "$_ac_rc"
}

agents_tokens() {
	_at_ids=$(docker ps -aq --filter label=sandbox-tui.agent) || return 1
	[ -n "$_at_ids" ] || return 0
	# shellcheck disable=SC2086
	docker inspect -f '{{index .Config.Labels "sandbox-tui.agent"}}{{range .Config.Env}} {{.}}{{end}}' \
	    $_at_ids | sort -n | awk '{
		for (i = 2; i <= NF; i++)
			if ($i ~ /^AGENT_TOKEN=/) {
				print substr($i, 13)
				break
			}
	}'
}

agent_token() {
	docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' \
	    "$(agent_name "$1")" | sed -n 's/^AGENT_TOKEN=//p'
}
