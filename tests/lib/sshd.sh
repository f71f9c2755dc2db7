# A private sshd on 127.0.0.1 for end-to-end tests, to be sourced (POSIX sh).
#
#   sshd_start DIR   creates keys, authorized_keys, sshd_config and a
#                    known_hosts in DIR, starts sshd on a free port and
#                    exports SSHD_PORT, SSHD_KEY (client private key),
#                    SSHD_KNOWN_HOSTS and SSHD_HOSTKEY_FP (SHA256:...)
#   sshd_stop DIR    kills that sshd and every child it forked
#
# Everything lives in DIR; nothing in ~/.ssh or /etc/ssh is touched.  Tests
# run as root, which sshd needs anyway to serve sessions.  The sessions get
# HOME=DIR/home, so the remote shell runs none of root's dotfiles: a
# ~/.bashrc that runs `pyenv init` (as on these machines) makes every exec
# channel wait on pyenv's rehash lock, and a dozen parallel docker commands
# then take minutes.  A real VM's login shell is plain.

# Prints a TCP port on 127.0.0.1 that nothing listens on right now.
sshd_free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
		return
	fi
	_sd_p=$(( 20000 + $$ % 20000 ))
	while (exec 3<>/dev/tcp/127.0.0.1/$_sd_p) 2>/dev/null; do
		_sd_p=$((_sd_p + 1))
	done
	echo "$_sd_p"
}

# Waits (up to ~5 s) until something accepts connections on 127.0.0.1:$1.
sshd_wait_port() {
	_sd_i=0
	while [ $_sd_i -lt 50 ]; do
		if command -v python3 >/dev/null 2>&1; then
			python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(0.5)
s.connect(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null && return 0
		elif (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
	return 1
}

sshd_start() {
	_sd_dir=$1
	mkdir -p "$_sd_dir" "$_sd_dir/home" /run/sshd || return 1
	chmod 700 "$_sd_dir"
	rm -f "$_sd_dir/host_ed25519" "$_sd_dir/host_ed25519.pub" \
	    "$_sd_dir/client_ed25519" "$_sd_dir/client_ed25519.pub"
	ssh-keygen -q -t ed25519 -N '' -C sshd-test-host \
	    -f "$_sd_dir/host_ed25519" || return 1
	ssh-keygen -q -t ed25519 -N '' -C sshd-test-client \
	    -f "$_sd_dir/client_ed25519" || return 1
	cp "$_sd_dir/client_ed25519.pub" "$_sd_dir/authorized_keys"
	chmod 600 "$_sd_dir/authorized_keys"

	_sd_port=$(sshd_free_port) || return 1
	cat >"$_sd_dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $_sd_port
HostKey $_sd_dir/host_ed25519
PidFile $_sd_dir/sshd.pid
AuthorizedKeysFile $_sd_dir/authorized_keys
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
MaxSessions 32
MaxStartups 100:30:200
LogLevel VERBOSE
Subsystem sftp internal-sftp
SetEnv "HOME=$_sd_dir/home"
EOF
	printf '[127.0.0.1]:%s %s\n' "$_sd_port" \
	    "$(cut -d' ' -f1,2 "$_sd_dir/host_ed25519.pub")" >"$_sd_dir/known_hosts"
	chmod 600 "$_sd_dir/known_hosts"

	/usr/sbin/sshd -f "$_sd_dir/sshd_config" -E "$_sd_dir/sshd.log" || return 1
	if ! sshd_wait_port "$_sd_port"; then
		echo "sshd did not start on port $_sd_port; see $_sd_dir/sshd.log" >&2
		return 1
	fi
	SSHD_PORT=$_sd_port
	SSHD_KEY=$_sd_dir/client_ed25519
	SSHD_KNOWN_HOSTS=$_sd_dir/known_hosts
	SSHD_HOSTKEY_FP=$(ssh-keygen -l -E sha256 -f "$_sd_dir/host_ed25519.pub" |
	    cut -d' ' -f2)
	export SSHD_PORT SSHD_KEY SSHD_KNOWN_HOSTS SSHD_HOSTKEY_FP
}

# Prints the pids of the sshd children forked for connections (one per
# connection, plus their privilege-separated children).
sshd_children() {
	[ -f "$1/sshd.pid" ] || return 0
	pgrep -P "$(cat "$1/sshd.pid")" 2>/dev/null
}

sshd_stop() {
	_sd_dir=$1
	[ -f "$_sd_dir/sshd.pid" ] || return 0
	_sd_pid=$(cat "$_sd_dir/sshd.pid")
	_sd_kids=$(pgrep -P "$_sd_pid" 2>/dev/null)
	kill "$_sd_pid" 2>/dev/null
	for _sd_k in $_sd_kids; do
		pkill -P "$_sd_k" 2>/dev/null
		kill "$_sd_k" 2>/dev/null
	done
	_sd_i=0
	while kill -0 "$_sd_pid" 2>/dev/null && [ $_sd_i -lt 30 ]; do
		sleep 0.1
		_sd_i=$((_sd_i + 1))
	done
	kill -9 "$_sd_pid" 2>/dev/null
	rm -f "$_sd_dir/sshd.pid"
}
