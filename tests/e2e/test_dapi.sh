#!/bin/sh
# gcp/dapi.c, dockerd's Engine API over the one connection, through
# tests/tools/dapi_probe against the real daemon: locally and over a
# private sshd (the socket forwarded as a direct-streamlocal channel), the
# version negotiated from /_ping, an API refusal's message, twelve requests
# at once through an sshd that allows only two sessions (forwarded sockets
# are not sessions), a container started with plain `docker run` and our
# label found by the API's label filter, a daemon that never answers
# given up on, and the fallback to `docker system dial-stdio` where sshd
# refuses to forward sockets.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/dockerd.sh"
. "$T_REPO/tests/lib/sshd.sh"

PROBE=$T_BUILD/tools/dapi_probe
[ -x "$PROBE" ] || t_die "dapi_probe not built: $PROBE"
unset SSH_AUTH_SOCK
dockerd_ensure || t_die "no docker daemon"
dir=$(t_tmpdir dapi)

timeout 30 "$PROBE" GET /_ping >"$dir/out" 2>&1
t_check "local: /_ping through the socket, version negotiated" \
    sh -c "head -n 1 '$dir/out' | grep -Eq '^transport=socket version=1\.[0-9]+ status=200$' &&
    sed -n 2p '$dir/out' | grep -qx OK"

timeout 30 "$PROBE" GET /containers/sandbox-no-such-agent/json >"$dir/out" 2>&1
t_check "local: a refusal is the API's own message" \
    grep -qx 'error=No such container: sandbox-no-such-agent' "$dir/out"

# A container made by someone else, with our label, is found by the filter.
name=sandbox-dapi-test-$$
image=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -m1 -v '<none>')
if [ -n "$image" ]; then
	docker run -d --name "$name" --label sandbox-tui.agent=77 \
	    --entrypoint /bin/sh "$image" -c 'sleep 60' >/dev/null 2>&1 ||
	    docker create --name "$name" --label sandbox-tui.agent=77 \
	    "$image" >/dev/null 2>&1
	t_on_exit "docker rm -f $name >/dev/null 2>&1"
	timeout 30 "$PROBE" GET \
	    '/containers/json?all=1&filters=%7B%22label%22%3A%5B%22sandbox-tui.agent%3D77%22%5D%7D' \
	    >"$dir/out" 2>&1
	t_check "local: a container with our label is listed by the filter" \
	    sh -c "grep -q '\"/$name\"' '$dir/out' &&
	    ! grep -q '\"/sandbox-agent-' '$dir/out'"
else
	t_skip "local: a container with our label is listed by the filter" \
	    "no image on this daemon"
fi

# A daemon that takes the connection and never answers: bounded wait.
cat >"$dir/mute.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(4)
held = []
while True:
    held.append(s.accept()[0])
PY
python3 "$dir/mute.py" "$dir/mute.sock" &
mute_pid=$!
t_on_exit "kill $mute_pid 2>/dev/null"
t_wait_until 5 test -S "$dir/mute.sock" || t_die "the mute daemon did not start"
start=$(t_now_ms)
timeout 60 "$PROBE" --socket "$dir/mute.sock" GET /_ping >"$dir/out" 2>&1
took=$(( $(t_now_ms) - start ))
t_check "a daemon that never answers is given up after 20 s (${took} ms)" \
    sh -c "grep -q 'error=cannot reach dockerd on local (socket $dir/mute.sock): dockerd on local did not answer GET /_ping within 20 s' '$dir/out' &&
    [ $took -lt 30000 ]"

sshd_start "$dir/sshd" || t_die "sshd did not start"
t_on_exit "sshd_stop '$dir/sshd'"
ssh_probe() {
	timeout 60 "$PROBE" --target "ssh://root@127.0.0.1:$SSHD_PORT" \
	    -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" "$@"
}
restart_sshd() {
	sshd_stop "$dir/sshd"
	/usr/sbin/sshd -f "$dir/sshd/sshd_config" -E "$dir/sshd/sshd.log" ||
	    t_die "sshd did not restart"
	sshd_wait_port "$SSHD_PORT" || t_die "sshd did not restart"
}

ssh_probe GET /version >"$dir/out" 2>&1
t_check "ssh: /version through a forwarded socket" \
    sh -c "head -n 1 '$dir/out' | grep -Eq '^transport=socket version=1\.[0-9]+ status=200$' &&
    grep -q '\"ApiVersion\"' '$dir/out'"

# sshd takes the first value of a keyword: replace, do not append.
sed -i 's/^MaxSessions .*/MaxSessions 2/' "$dir/sshd/sshd_config"
restart_sshd
ssh_probe --repeat 12 GET /_ping >"$dir/out" 2>&1
t_check "ssh: 12 requests at once through MaxSessions 2" \
    sh -c "[ \$(grep -c '^transport=socket version=.* status=200$' '$dir/out') -eq 12 ]"

echo "AllowStreamLocalForwarding no" >>"$dir/sshd/sshd_config"
restart_sshd
ssh_probe GET /_ping >"$dir/out" 2>&1
t_check "ssh: no socket forwarding falls back to docker system dial-stdio" \
    sh -c "head -n 1 '$dir/out' | grep -Eq '^transport=dial-stdio version=1\.[0-9]+ status=200$'"

ssh_probe --socket "$dir/no-such.sock" GET /_ping >"$dir/out" 2>&1
t_check "ssh: a daemon that is not there says why, both ways" \
    sh -c "grep -q '^error=cannot reach dockerd on root@127.0.0.1:$SSHD_PORT: the SSH server did not open the socket $dir/no-such.sock (' '$dir/out' &&
    grep -q 'and docker system dial-stdio exited with status [1-9]' '$dir/out'"
t_done
