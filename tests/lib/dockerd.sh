# A docker daemon for end-to-end tests, to be sourced after common.sh
# (POSIX sh).
#
#   dockerd_ensure   uses the daemon `docker` already reaches; if none
#                    answers, starts one in the background and waits for it
#                    (up to DOCKERD_WAIT_S, 60 s), registering dockerd_stop
#                    to run at exit.  Returns 1 (with the log) on failure.
#   dockerd_stop     stops the daemon only if dockerd_ensure started it,
#                    and prints the end of its log if the script failed.
#   dockerd_log      prints the log of a daemon we started.
#
# Without DOCKER_HOST the daemon serves the default socket and keeps the
# default data root, so images (the test agent image) survive between runs;
# only its pidfile and log move to a temp dir, so a system daemon's pidfile
# is never touched.  With DOCKER_HOST=unix:///some/path.sock the daemon is
# fully private (its own data and exec roots beside the socket, its own
# network namespace with no bridge and no iptables rules), which lets it run
# next to a system daemon: outside a namespace, `--bridge none` would delete
# the system daemon's docker0.

DOCKERD_PID=
DOCKERD_DIR=
DOCKERD_WAIT_S=${DOCKERD_WAIT_S:-60}

dockerd_ping() {
	docker info >/dev/null 2>&1
}

dockerd_log() {
	[ -n "$DOCKERD_DIR" ] && cat "$DOCKERD_DIR/dockerd.log"
}

dockerd_ensure() {
	dockerd_ping && return 0
	if [ -n "$DOCKERD_PID" ]; then
		echo "dockerd_ensure: our dockerd ($DOCKERD_PID) stopped answering" >&2
		return 1
	fi
	if ! command -v dockerd >/dev/null 2>&1; then
		echo "dockerd_ensure: no daemon answers and dockerd is not installed" >&2
		return 1
	fi
	if ! command -v docker >/dev/null 2>&1; then
		echo "dockerd_ensure: the docker client is not installed" >&2
		return 1
	fi

	DOCKERD_DIR=$(t_tmpdir dockerd) || return 1
	set -- dockerd --pidfile "$DOCKERD_DIR/dockerd.pid"
	case ${DOCKER_HOST:-} in
	'') ;;
	unix://*)
		_d_root=$(dirname "${DOCKER_HOST#unix://}")
		mkdir -p "$_d_root" || return 1
		set -- unshare --net "$@" -H "$DOCKER_HOST" \
		    --data-root "$_d_root/data" --exec-root "$_d_root/exec" \
		    --bridge none --iptables=false --ip-forward=false \
		    --ip-masq=false
		;;
	*)
		echo "dockerd_ensure: cannot start a daemon for DOCKER_HOST=$DOCKER_HOST" >&2
		return 1
		;;
	esac
	"$@" </dev/null >"$DOCKERD_DIR/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	t_on_exit dockerd_stop
	t_wait_until "$DOCKERD_WAIT_S" dockerd_ping_or_dead || :
	if ! dockerd_ping; then
		echo "dockerd_ensure: dockerd did not come up in ${DOCKERD_WAIT_S}s; its log:" >&2
		tail -n 40 "$DOCKERD_DIR/dockerd.log" | sed 's/^/    /' >&2
		return 1
	fi
	return 0
}

# Stops waiting early when the daemon we started has already died.
dockerd_ping_or_dead() {
	dockerd_ping && return 0
	t_pid_alive "$DOCKERD_PID" || return 0
	return 1
}

dockerd_stop() {
	[ -n "$DOCKERD_PID" ] || return 0
	if [ "${T_EXIT_STATUS:-0}" != 0 ] && [ -f "$DOCKERD_DIR/dockerd.log" ]; then
		echo "# end of the log of the dockerd this script started:" >&2
		tail -n 40 "$DOCKERD_DIR/dockerd.log" | sed 's/^/#   /' >&2
	fi
	kill -TERM "$DOCKERD_PID" 2>/dev/null
	if ! t_wait_until 20 dockerd_gone; then
		echo "dockerd_stop: dockerd $DOCKERD_PID ignored SIGTERM; killing it" >&2
		kill -KILL "$DOCKERD_PID" 2>/dev/null
	fi
	wait "$DOCKERD_PID" 2>/dev/null
	DOCKERD_PID=
	return 0
}

dockerd_gone() {
	! t_pid_alive "$DOCKERD_PID"
}
