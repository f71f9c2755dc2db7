#!/bin/sh
# End-to-end tests of gcp/conn through tests/tools/conn_probe, against a
# private sshd on 127.0.0.1 (tests/lib/sshd.sh) and the local target.
# Run from the repo root after building; CONN_PROBE overrides the probe
# binary (default $BUILD/tools/conn_probe, BUILD from make: build, or
# build-san under SANITIZE=1).  Prints "ok - NAME" or
# "not ok - NAME" per test and exits 0 only if every test passed.

PROBE=${CONN_PROBE:-${BUILD:-build}/tools/conn_probe}
. tests/lib/sshd.sh

if [ ! -x "$PROBE" ]; then
	echo "not ok - conn_probe not built: $PROBE"
	exit 1
fi

TMP=$(mktemp -d /tmp/test_conn.XXXXXX)
BG=""
cleanup() {
	for p in $BG; do
		kill "$p" 2>/dev/null
	done
	sshd_stop "$TMP/sshd"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

unset SSH_AUTH_SOCK
pass=0
failed=0

ok() {
	echo "ok - $1"
	pass=$((pass + 1))
}

not_ok() {
	echo "not ok - $1"
	failed=$((failed + 1))
	if [ -f "$TMP/out" ]; then
		sed 's/^/#   out: /' "$TMP/out" | head -20
	fi
	if [ -f "$TMP/err" ]; then
		sed 's/^/#   err: /' "$TMP/err" | head -20
	fi
}

# check NAME CONDITION...: runs the condition (a command) and reports.
check() {
	name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name"
	fi
}

has() {
	grep -q -- "$2" "$1"
}

if ! sshd_start "$TMP/sshd" >"$TMP/sshd_start.log" 2>&1; then
	echo "not ok - sshd_start"
	cat "$TMP/sshd_start.log"
	exit 1
fi
: >"$TMP/ssh_config"
HOSTPORT="[127.0.0.1]:$SSHD_PORT"
TARGET="ssh://root@127.0.0.1:$SSHD_PORT"

# probe [probe args...]: runs the probe against the test sshd.
probe() {
	timeout 60 "$PROBE" --target "$TARGET" -F "$TMP/ssh_config" \
	    -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
}

# probe_kh KNOWN_HOSTS [probe args...]
probe_kh() {
	kh=$1
	shift
	timeout 60 "$PROBE" --target "$TARGET" -F "$TMP/ssh_config" \
	    -i "$SSHD_KEY" --known-hosts "$kh" "$@" >"$TMP/out" 2>"$TMP/err"
}

probe exec 'echo hello; echo oops >&2; exit 3'
check "exec output and exit status" \
    sh -c "[ \"\$(head -1 '$TMP/out')\" = hello ] &&
    grep -qx 'status=3' '$TMP/out' && grep -qx oops '$TMP/err'"

printf 'line one\nsecret two' >"$TMP/in"
probe --stdin exec 'cat; echo; echo end' <"$TMP/in"
check "exec stdin delivered then EOF" \
    sh -c "grep -qx 'line one' '$TMP/out' && grep -qx 'secret two' '$TMP/out' &&
    grep -qx end '$TMP/out' && grep -qx 'status=0' '$TMP/out'"

head -c 3000000 /dev/urandom >"$TMP/big"
want=$(md5sum <"$TMP/big" | cut -c1-32)
probe --stdin exec 'md5sum | cut -c1-32' <"$TMP/big"
check "exec stdin of 3 MB arrives intact" has "$TMP/out" "^$want\$"

# An upload streamed as the channel takes it: 40 MB through a queue that
# never holds more than about 1 MB (4 x CHAN_WRITE_LOW plus one chunk).
want=$(awk 'BEGIN { for (i = 0; i < 26; i++) printf "%c", 97 + i }' |
    awk '{ for (i = 0; i < 40000000 / 26 + 1; i++) printf "%s", $0 }' |
    head -c 40000000 | md5sum | cut -c1-32)
for t in ssh local; do
	if [ $t = ssh ]; then
		probe upload 40000000 'md5sum | cut -c1-32'
	else
		timeout 60 "$PROBE" --target local upload 40000000 \
		    'md5sum | cut -c1-32' >"$TMP/out" 2>"$TMP/err"
	fi
	peak=$(sed -n 's/.* peak=\([0-9]*\) .*/\1/p' "$TMP/out")
	check "$t: 40 MB upload arrives intact, stdin closed at its end" \
	    sh -c "grep -qx '$want' '$TMP/out' && grep -qx 'status=0' '$TMP/out'"
	check "$t: upload queue bounded (peak ${peak:-?} bytes)" \
	    sh -c "[ -n '$peak' ] && [ '$peak' -le 1200000 ]"
done

# A reader that goes away: what could not be sent is reported, not
# dropped without a word.
timeout 60 "$PROBE" --target local upload 40000000 'exec 0<&-; sleep 0.5' \
    >"$TMP/out" 2>"$TMP/err"
check "local: a failed write says how many bytes were lost and why" \
    grep -Eq '^write failed: [0-9]+ bytes: Broken pipe' "$TMP/out"

# With no one to tell, a command whose input could not be sent fails: it
# must not count as done on part of its stdin (the secrets env file).
timeout 60 "$PROBE" --target local --stdin exec 'exec 0<&-; sleep 0.5' \
    <"$TMP/big" >"$TMP/out" 2>"$TMP/err"
check "local: an exec whose stdin could not be sent fails, saying so" \
    sh -c "grep -qx 'status=-1' '$TMP/out' && grep -q 'its input could not be sent' '$TMP/err'"

probe multi 20 'sleep 0.3; echo $$'
n=$(grep -c 'status=0 out=[0-9]' "$TMP/out")
u=$(sed -n 's/.*out=//p' "$TMP/out" | sort -u | wc -l)
check "20 concurrent execs over one connection" \
    sh -c "[ $n -eq 20 ] && [ $u -eq 20 ] && [ \$(grep -c 'connected to' '$TMP/err') -eq 1 ]"

probe multi 36 'sleep 2; echo fine'
n=$(grep -c 'out=fine' "$TMP/out")
check "channels over MaxSessions are refused with a message naming it" \
    sh -c "[ $n -eq 32 ] && grep -q 'exec .*: error=channel refused by root@127.0.0.1:$SSHD_PORT (the server.s MaxSessions limit' '$TMP/out'"

probe --size 30x100 pty 'stty size; echo "TERM=$TERM"; exit 7' </dev/null
check "pty output, size and TERM" \
    sh -c "grep -q '^30 100' '$TMP/out' && grep -q 'TERM=xterm-256color' '$TMP/out' &&
    grep -q 'closed status=7' '$TMP/err'"

probe --size 30x100 --resize 40x120@700 pty 'stty size; sleep 1.5; stty size' </dev/null
check "pty resize" \
    sh -c "grep -q '^30 100' '$TMP/out' && grep -q '^40 120' '$TMP/out'"

printf 'typed\n' >"$TMP/in"
probe pty 'read x; echo "got:$x"' <"$TMP/in"
check "pty input is written to the remote terminal" has "$TMP/out" "got:typed"

probe pty 'sleep 2; echo done' </dev/null
w=$(sed -n 's/.*wakeups=\([0-9]*\).*/\1/p' "$TMP/err")
check "an idle connection does not wake up (keepalive off)" \
    sh -c "has() { grep -q -- \"\$2\" \"\$1\"; }; has '$TMP/out' done && [ ${w:-999} -lt 60 ]"

rm -f "$TMP/kh_unknown"
probe_kh "$TMP/kh_unknown" exec 'echo hi'
check "unknown host key refused with its fingerprint" \
    sh -c "! grep -q hi '$TMP/out' &&
    grep -q 'host key for \\[127.0.0.1\\]:$SSHD_PORT is unknown (ED25519 $SSHD_HOSTKEY_FP)' '$TMP/err' &&
    grep -q 'accept-new-host-key' '$TMP/err' && grep -q 'retryable=0' '$TMP/err'"

probe_kh "$TMP/newdir/sub/known_hosts" --accept-new exec 'echo hi'
mode=$(stat -c %a "$TMP/newdir/sub/known_hosts" 2>/dev/null)
dmode=$(stat -c %a "$TMP/newdir/sub" 2>/dev/null)
check "--accept-new records the key (0600 file in a 0700 dir)" \
    sh -c "grep -q '^hi' '$TMP/out' && [ '$mode' = 600 ] && [ '$dmode' = 700 ] &&
    grep -q '^\\[127.0.0.1\\]:$SSHD_PORT ssh-ed25519 ' '$TMP/newdir/sub/known_hosts'"
probe_kh "$TMP/newdir/sub/known_hosts" exec 'echo again'
check "a recorded key is accepted afterwards" has "$TMP/out" "^again"

rm -f "$TMP/kh_ask"
probe_kh "$TMP/kh_ask" --answer no exec 'echo hi'
check "interactive: a rejected key fails" \
    sh -c "grep -q 'unknown host key ED25519 $SSHD_HOSTKEY_FP' '$TMP/err' &&
    grep -q 'was rejected' '$TMP/err' && [ ! -s '$TMP/kh_ask' ]"
probe_kh "$TMP/kh_ask" --answer yes exec 'echo hi'
check "interactive: an accepted key is recorded" \
    sh -c "grep -q '^hi' '$TMP/out' && grep -q ssh-ed25519 '$TMP/kh_ask'"

ssh-keygen -q -t ed25519 -N '' -C other -f "$TMP/other" >/dev/null
other_fp=$(ssh-keygen -l -E sha256 -f "$TMP/other.pub" | cut -d' ' -f2)
{
	echo "# a comment"
	echo "otherhost $(cut -d' ' -f1,2 "$TMP/other.pub")"
	echo "$HOSTPORT $(cut -d' ' -f1,2 "$TMP/other.pub")"
} >"$TMP/kh_changed"
probe_kh "$TMP/kh_changed" exec 'echo hi'
check "changed host key refused with both fingerprints and FILE:LINE" \
    sh -c "! grep -q '^hi' '$TMP/out' && grep -q 'has CHANGED' '$TMP/err' &&
    grep -q 'offered ED25519 $SSHD_HOSTKEY_FP' '$TMP/err' &&
    grep -q 'ED25519 $other_fp at $TMP/kh_changed:3' '$TMP/err'"

cp "$TMP/kh_changed" "$TMP/kh_hashed"
ssh-keygen -H -f "$TMP/kh_hashed" >/dev/null 2>&1
probe_kh "$TMP/kh_hashed" exec 'echo hi'
check "changed host key found in a hashed known_hosts" \
    has "$TMP/err" "$other_fp at $TMP/kh_hashed:3"

ssh-keygen -q -t ed25519 -N '' -f "$TMP/wrong" >/dev/null
timeout 60 "$PROBE" --target "$TARGET" -F "$TMP/ssh_config" -i "$TMP/wrong" \
    --known-hosts "$SSHD_KNOWN_HOSTS" exec 'echo hi' >"$TMP/out" 2>"$TMP/err"
check "auth failure says what was tried" \
    sh -c "grep -q 'authentication failed for root@127.0.0.1:$SSHD_PORT' '$TMP/err' &&
    grep -q '$TMP/wrong' '$TMP/err' && grep -q 'SSH_AUTH_SOCK' '$TMP/err' &&
    grep -q 'allows: publickey' '$TMP/err'"

free=$(sshd_free_port)
timeout 60 "$PROBE" --target "ssh://root@127.0.0.1:$free" -F "$TMP/ssh_config" \
    --known-hosts "$SSHD_KNOWN_HOSTS" exec 'echo hi' >"$TMP/out" 2>"$TMP/err"
check "connection refused names host:port" \
    sh -c "grep -q 'cannot connect to root@127.0.0.1:$free: Connection refused' '$TMP/err' &&
    grep -q 'retryable=1' '$TMP/err'"

python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
time.sleep(8)' >"$TMP/silent_port" &
BG="$BG $!"
sleep 0.5
silent=$(cat "$TMP/silent_port")
timeout 60 "$PROBE" --timeout 1 --target "ssh://root@127.0.0.1:$silent" \
    -F "$TMP/ssh_config" --known-hosts "$SSHD_KNOWN_HOSTS" exec 'echo hi' \
    >"$TMP/out" 2>"$TMP/err"
check "connect timeout" has "$TMP/err" "connection to root@127.0.0.1:$silent timed out after 1 s"

# Kill the sshd process serving our connection while channels are open.
probe multi 3 'sleep 6' &
p1=$!
timeout 60 "$PROBE" --target "$TARGET" -F "$TMP/ssh_config" -i "$SSHD_KEY" \
    --known-hosts "$SSHD_KNOWN_HOSTS" pty 'sleep 6' </dev/null \
    >"$TMP/out2" 2>"$TMP/err2" &
p2=$!
BG="$BG $p1 $p2"
sleep 2
kill -9 $(sshd_children "$TMP/sshd") 2>/dev/null
wait $p1 $p2
check "killing the server side closes pending execs with connection lost" \
    sh -c "[ \$(grep -c 'error=connection lost: root@127.0.0.1:$SSHD_PORT closed the connection' '$TMP/out') -eq 3 ] &&
    grep -q 'connection failed: connection lost' '$TMP/err'"
check "killing the server side closes PTYs with connection lost" \
    sh -c "grep -q 'closed status=-1 reason=connection lost' '$TMP/err2'"

# A server that stops answering is detected by keepalives.
timeout 60 "$PROBE" --target "$TARGET" -F "$TMP/ssh_config" -i "$SSHD_KEY" \
    --known-hosts "$SSHD_KNOWN_HOSTS" --keepalive 1 pty 'sleep 20' \
    </dev/null >"$TMP/out" 2>"$TMP/err" &
p1=$!
BG="$BG $p1"
sleep 1.5
kids=$(sshd_children "$TMP/sshd")
kill -STOP $kids 2>/dev/null
wait $p1
kill -CONT $kids 2>/dev/null
kill $kids 2>/dev/null
check "keepalive notices a server that stopped answering" \
    has "$TMP/err" "no reply from root@127.0.0.1:$SSHD_PORT for 3 s"

# ASan's quarantine keeps freed blocks resident, which would look like growth.
qa="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
ASAN_OPTIONS=$qa timeout 60 "$PROBE" --target "$TARGET" -F "$TMP/ssh_config" \
    -i "$SSHD_KEY" --known-hosts "$SSHD_KNOWN_HOSTS" --pause-ms 50 \
    --hold-ms 1500 flood 'head -c 100000000 /dev/zero' >"$TMP/out" 2>"$TMP/err"
check "flood through pauses: every byte arrives, memory stays bounded" \
    sh -c "line=\$(grep '^bytes=' '$TMP/out'); set -- \$(echo \"\$line\" | tr '= ' '  ');
    [ \"\$2\" = 100000000 ] && [ \"\$4\" -lt 65536 ] && [ \"\$6\" = 0 ] &&
    [ \"\$8\" -lt 4096 ]"

for what in free close disconnect; do
	probe --on-data $what pty 'echo one; sleep 1; echo two' </dev/null
	case $what in
	free)	c="grep -q 'freeing the connection' '$TMP/err'" ;;
	close)	c="grep -q after-close '$TMP/out' && ! grep -q two '$TMP/out'" ;;
	*)	c="grep -q 'reason=disconnected' '$TMP/err'" ;;
	esac
	check "ssh: $what from inside a data callback" sh -c "$c"
done

timeout 60 "$PROBE" --target local exec 'echo local-out; echo local-err >&2; exit 4' \
    >"$TMP/out" 2>"$TMP/err"
check "local exec" sh -c "grep -qx local-out '$TMP/out' &&
    grep -qx local-err '$TMP/err' && grep -qx status=4 '$TMP/out'"

printf 'abc' | timeout 60 "$PROBE" --target local --stdin exec 'wc -c' \
    >"$TMP/out" 2>"$TMP/err"
check "local exec stdin" sh -c "grep -qx ' *3' '$TMP/out'"

timeout 60 "$PROBE" --target local --size 30x100 --resize 40x120@500 \
    pty 'stty size; echo "TERM=$TERM"; sleep 1; stty size; exit 5' </dev/null \
    >"$TMP/out" 2>"$TMP/err"
check "local pty, size, resize and exit status" \
    sh -c "grep -q '^30 100' '$TMP/out' && grep -q '^40 120' '$TMP/out' &&
    grep -q 'TERM=xterm-256color' '$TMP/out' && grep -q 'closed status=5' '$TMP/err'"

ASAN_OPTIONS=$qa timeout 60 "$PROBE" --target local --pause-ms 50 --hold-ms 1000 \
    flood 'head -c 50000000 /dev/zero' >"$TMP/out" 2>"$TMP/err"
check "local flood through pauses" \
    sh -c "line=\$(grep '^bytes=' '$TMP/out'); set -- \$(echo \"\$line\" | tr '= ' '  ');
    [ \"\$2\" = 50000000 ] && [ \"\$4\" -lt 65536 ] && [ \"\$6\" = 0 ] &&
    [ \"\$8\" -lt 4096 ]"

for what in free close disconnect; do
	timeout 60 "$PROBE" --target local --on-data $what \
	    pty 'echo one; sleep 1; echo two' </dev/null >"$TMP/out" 2>"$TMP/err"
	case $what in
	free)	c="grep -q 'freeing the connection' '$TMP/err'" ;;
	close)	c="grep -q after-close '$TMP/out' && ! grep -q two '$TMP/out'" ;;
	*)	c="grep -q 'reason=disconnected' '$TMP/err'" ;;
	esac
	check "local: $what from inside a data callback" sh -c "$c"
done

timeout 60 "$PROBE" --target 'ssh://bad host' exec true >"$TMP/out" 2>"$TMP/err"
check "malformed target is refused" has "$TMP/err" "bad character in host name"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
