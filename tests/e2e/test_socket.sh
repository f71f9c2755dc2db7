#!/bin/sh
# conn_open_socket: a byte stream to a unix socket on the target, the
# transport dockerd's Engine API will take (ARCHITECTURE.md).  Through
# tests/tools/conn_probe against a small echo server on a unix socket:
# locally (connect()) and over a private sshd (a direct-streamlocal
# channel of the one session), a large payload both ways, a socket that
# is not there, and an sshd with AllowStreamLocalForwarding no, which must
# refuse with one sentence naming the host and the socket.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/sshd.sh"

PROBE=$T_BUILD/tools/conn_probe
[ -x "$PROBE" ] || t_die "conn_probe not built: $PROBE"
unset SSH_AUTH_SOCK

dir=$(t_tmpdir socket)
sock=$dir/echo.sock
# Reads a line, answers "echo: LINE" and closes; any number of clients.
cat >"$dir/echo.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o600)
s.listen(16)
while True:
    c, _ = s.accept()
    data = b""
    while not data.endswith(b"\n"):
        d = c.recv(65536)
        if not d:
            break
        data += d
    c.sendall(b"echo: " + data)
    c.close()
PY
python3 "$dir/echo.py" "$sock" &
echo_pid=$!
t_on_exit "kill $echo_pid 2>/dev/null"
t_wait_until 5 test -S "$sock" || t_die "the echo server did not start"

sshd_start "$dir/sshd" || t_die "sshd did not start"
t_on_exit "sshd_stop '$dir/sshd'"
target="ssh://root@127.0.0.1:$SSHD_PORT"
ssh_probe() {
	timeout 60 "$PROBE" --target "$target" -F /dev/null \
	    -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" "$@"
}

printf 'hello\n' | timeout 30 "$PROBE" --target local --stdin socket "$sock" \
    >"$dir/out" 2>"$dir/err"
t_check "local: a line there and back" \
    sh -c "printf 'echo: hello\nstatus=0\n' | cmp -s - '$dir/out'"

printf 'over ssh\n' | ssh_probe --stdin socket "$sock" >"$dir/out" 2>"$dir/err"
t_check "ssh: a line there and back through direct-streamlocal" \
    sh -c "printf 'echo: over ssh\nstatus=0\n' | cmp -s - '$dir/out'"

# 4 MB each way: many channel windows, there and back.
head -c 3000000 /dev/urandom | base64 -w 0 >"$dir/big"
echo >>"$dir/big"
ssh_probe --stdin socket "$sock" <"$dir/big" >"$dir/out" 2>"$dir/err"
{ printf 'echo: '; cat "$dir/big"; echo status=0; } >"$dir/want"
t_check "ssh: 4 MB there and back" cmp -s "$dir/want" "$dir/out"

ssh_probe socket "$dir/no-such.sock" </dev/null >"$dir/out" 2>"$dir/err"
t_check "ssh: a socket that is not there is one sentence" \
    sh -c "grep -q '^status=-1' '$dir/out' &&
    grep -q 'root@127.0.0.1:$SSHD_PORT refused to forward to the socket $dir/no-such.sock' '$dir/err'"

timeout 30 "$PROBE" --target local socket "$dir/no-such.sock" </dev/null \
    >"$dir/out" 2>"$dir/err"
t_check "local: a socket that is not there is one sentence" \
    sh -c "grep -q '^status=-1' '$dir/out' &&
    grep -q 'no socket at $dir/no-such.sock (the daemon is not running' '$dir/err'"

# The same sshd, restarted with forwarding to sockets refused.
sshd_stop "$dir/sshd"
echo "AllowStreamLocalForwarding no" >>"$dir/sshd/sshd_config"
/usr/sbin/sshd -f "$dir/sshd/sshd_config" -E "$dir/sshd/sshd.log" ||
    t_die "sshd did not restart"
sshd_wait_port "$SSHD_PORT" || t_die "sshd did not restart on $SSHD_PORT"
start=$(t_now_ms)
printf 'x\n' | ssh_probe --stdin socket "$sock" >"$dir/out" 2>"$dir/err"
took=$(( $(t_now_ms) - start ))
t_check "ssh: AllowStreamLocalForwarding no is refused, quickly (${took} ms)" \
    sh -c "grep -q '^status=-1' '$dir/out' &&
    grep -q 'refused to forward to the socket $sock' '$dir/err' &&
    [ $took -lt 10000 ]"
t_done
