#!/bin/sh
# Provisions the sandbox-tui VM (Debian 12).  sandbox-tui embeds this file
# and sends it as the instance's `startup-script` metadata; GCE runs it as
# root on every boot, so each step checks before it changes anything and a
# second run changes nothing.  Its output goes to the serial console.
#
# Settings are the instance's metadata attributes (absent or empty: the
# default):
#   sandbox-user           SSH user (sandbox); made if the guest agent has not
#   workspace-dir          agents' workspaces (/srv/sandbox/workspaces)
#   agent-image            image to `docker pull` (none)
#   agent-dockerfile       base64 Dockerfile built as agent-image, or as
#                          sandbox-agent:latest (none)
#   idle-shutdown-minutes  power off after this long with no agent and no
#                          SSH session; 0 never (0)
#   ssh-max-sessions       sshd MaxSessions: one channel per pane (64)
#
# Steps: docker and curl installed and running; an sshd drop-in raising
# MaxSessions (checked with sshd -t, reloaded only when it changed); the
# user in group docker; the workspace dir; the agent image; the idle
# shutdown timer; then the ready marker, also published as the guest
# attribute sandbox-tui/ready that the client waits for.  A fatal error
# publishes sandbox-tui/error instead; problems that leave the VM usable
# (an image that would not pull) go to sandbox-tui/warnings.
#
# For tests every path lives under SANDBOX_TUI_ROOT, the metadata server is
# SANDBOX_TUI_METADATA, commands are found on SANDBOX_TUI_PATH and retries
# wait SANDBOX_TUI_RETRY_DELAY seconds.

set -eu

SCRIPT_VERSION=1.0
ROOT=${SANDBOX_TUI_ROOT:-}
META=${SANDBOX_TUI_METADATA:-http://metadata.google.internal/computeMetadata/v1}
RETRY_DELAY=${SANDBOX_TUI_RETRY_DELAY:-5}
SSH_SERVICE=${SANDBOX_TUI_SSH_SERVICE:-ssh}
PATH=${SANDBOX_TUI_PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
DEBIAN_FRONTEND=noninteractive
HOME=${HOME:-/root}
export PATH DEBIAN_FRONTEND HOME
umask 022

# Paths as the VM sees them (in unit files) and as this run writes them.
IDLE_CHECK=/usr/local/lib/sandbox-tui/idle-check
STATE_DIR=$ROOT/var/lib/sandbox-tui
RUN_DIR=$ROOT/run/sandbox-tui
SSHD_DROPIN=$ROOT/etc/ssh/sshd_config.d/sandbox-tui.conf
UNIT_DIR=$ROOT/etc/systemd/system
IDLE_SERVICE=sandbox-tui-idle.service
IDLE_TIMER=sandbox-tui-idle.timer

STEP=start
WARNINGS=
WORK=

log() {
	printf 'sandbox-tui-startup: %s\n' "$*"
}

warn() {
	log "warning: $*"
	WARNINGS="${WARNINGS:+$WARNINGS; }$*"
}

die() {
	log "error: $*"
	exit 1
}

# One try, never fatal: for reporting, which must not itself fail the run.
guest_attr() {
	_method=$1
	shift
	curl -fsS --max-time 10 -X "$_method" -H 'Metadata-Flavor: Google' \
	    "$@" >/dev/null 2>&1
}

on_exit() {
	_status=$1
	if [ "$_status" -ne 0 ]; then
		log "failed in step '$STEP' (exit $_status)"
		guest_attr PUT --data "$SCRIPT_VERSION: failed in step $STEP" \
		    "$META/instance/guest-attributes/sandbox-tui/error" || :
	fi
	if [ -n "$WORK" ]; then
		rm -rf "$WORK"
	fi
}

# Leaves the attribute's value in the file $WORK/attr and succeeds, or
# fails when it is absent or empty.  404 means absent; anything else is
# retried, since the metadata server always answers on a healthy VM.
meta_fetch() {
	_try=1
	while :; do
		if _code=$(curl -sS --max-time 10 -o "$WORK/attr" \
		    -w '%{http_code}' -H 'Metadata-Flavor: Google' \
		    "$META/instance/attributes/$1"); then
			case $_code in
			200) [ -s "$WORK/attr" ]; return ;;
			404) return 1 ;;
			esac
		fi
		[ "$_try" -lt 5 ] ||
		    die "cannot read metadata attribute $1 (HTTP ${_code:-none})"
		_try=$((_try + 1))
		sleep "$RETRY_DELAY"
	done
}

# Sets REPLY to the attribute's value, or to DEFAULT.
meta_get() {
	if meta_fetch "$1"; then
		REPLY=$(cat "$WORK/attr")
	else
		REPLY=$2
	fi
	[ -n "$REPLY" ] || REPLY=$2
}

# Sets REPLY to the attribute as a number in MIN..MAX, or to DEFAULT with
# a warning: a typo must not cost the VM its SSH access.
meta_int() {
	meta_get "$1" "$2"
	case $REPLY in
	'' | *[!0-9]* | ???????*) ;;
	*)
		if [ "$REPLY" -ge "$3" ] && [ "$REPLY" -le "$4" ]; then
			# Shell arithmetic would read 010 as octal.
			while [ "${#REPLY}" -gt 1 ] && [ "${REPLY#0}" != "$REPLY" ]
			do
				REPLY=${REPLY#0}
			done
			return 0
		fi
		;;
	esac
	warn "metadata $1 '$REPLY' is not a number in $3..$4; using $2"
	REPLY=$2
}

# Puts stdin at PATH with MODE unless PATH already holds exactly that, and
# sets CHANGED to 1 when it wrote, so callers reload only then.
put_file() {
	CHANGED=0
	cat >"$1.new"
	chmod "$2" "$1.new"
	if [ -f "$1" ] && [ ! -L "$1" ] && cmp -s "$1.new" "$1"; then
		rm -f "$1.new"
		chmod "$2" "$1"
		return 0
	fi
	mv -f "$1.new" "$1"
	CHANGED=1
}

apt_get() {
	_try=1
	until apt-get -q -o DPkg::Lock::Timeout=300 -o Acquire::Retries=3 \
	    -o Dpkg::Options::=--force-confdef \
	    -o Dpkg::Options::=--force-confold "$@"; do
		[ "$_try" -lt 5 ] || die "apt-get $1 failed $_try times"
		log "apt-get $1 failed (attempt $_try), retrying"
		_try=$((_try + 1))
		sleep "$RETRY_DELAY"
	done
}

step_packages() {
	STEP=packages
	_need=
	command -v docker >/dev/null 2>&1 || _need="$_need docker.io apparmor"
	command -v curl >/dev/null 2>&1 || _need="$_need curl"
	[ -s "$ROOT/etc/ssl/certs/ca-certificates.crt" ] ||
	    _need="$_need ca-certificates"
	if [ -n "$_need" ]; then
		log "installing$_need"
		apt_get update
		# shellcheck disable=SC2086 # a list of package names
		apt_get install -y --no-install-recommends $_need
	fi
	systemctl enable --now docker.service
	_try=1
	until docker info >/dev/null 2>&1; do
		[ "$_try" -lt 30 ] || die "docker does not answer"
		_try=$((_try + 1))
		sleep 1
	done
	log "docker is running"
}

# A reboot must not show the client the last boot's ready mark.
forget_last_boot() {
	for _a in ready error warnings; do
		guest_attr DELETE \
		    "$META/instance/guest-attributes/sandbox-tui/$_a" || :
	done
}

read_settings() {
	STEP=metadata
	meta_get sandbox-user sandbox
	SSH_USER=$REPLY
	case $SSH_USER in
	[a-z_]*) ;;
	*) die "metadata sandbox-user '$SSH_USER' is not a user name" ;;
	esac
	case $SSH_USER in
	*[!a-z0-9_.-]*)
		die "metadata sandbox-user '$SSH_USER' is not a user name" ;;
	esac
	[ "${#SSH_USER}" -le 32 ] ||
	    die "metadata sandbox-user '$SSH_USER' is longer than 32"

	meta_get workspace-dir /srv/sandbox/workspaces
	WORKSPACE_DIR=${REPLY%/}
	case $WORKSPACE_DIR in
	/*[!/]*) ;;
	*) die "metadata workspace-dir '$REPLY' is not an absolute path" ;;
	esac
	case $WORKSPACE_DIR in
	*[!A-Za-z0-9._/-]* | */../* | */.. | */./* | */.)
		die "metadata workspace-dir '$REPLY' is not a plain path" ;;
	esac

	meta_get agent-image ''
	AGENT_IMAGE=$REPLY
	case $AGENT_IMAGE in
	-* | *[!A-Za-z0-9._/:@-]*)
		die "metadata agent-image '$AGENT_IMAGE' is not an image name" ;;
	esac

	AGENT_DOCKERFILE=
	if meta_fetch agent-dockerfile; then
		AGENT_DOCKERFILE=$WORK/build/Dockerfile
		mkdir -p "$WORK/build"
		base64 -d <"$WORK/attr" >"$AGENT_DOCKERFILE" ||
		    die "metadata agent-dockerfile is not base64"
	fi

	meta_int idle-shutdown-minutes 0 0 100000
	IDLE_MINUTES=$REPLY
	meta_int ssh-max-sessions 64 10 10000
	MAX_SESSIONS=$REPLY
	log "user $SSH_USER, workspaces $WORKSPACE_DIR," \
	    "image ${AGENT_IMAGE:-none}${AGENT_DOCKERFILE:+ (built here)}," \
	    "idle shutdown ${IDLE_MINUTES} min, MaxSessions $MAX_SESSIONS"
}

# sshd takes a keyword's first value: a drop-in sorting before ours (or
# the main file, were its Include not first) can still hold MaxSessions down.
sshd_check_effective() {
	if ! _eff=$(sshd -T 2>/dev/null); then
		warn "sshd -T fails; cannot check the effective MaxSessions"
		return 0
	fi
	_eff=$(printf '%s\n' "$_eff" | sed -n 's/^maxsessions //p')
	[ "$_eff" = "$MAX_SESSIONS" ] ||
	    warn "sshd's MaxSessions is ${_eff:-unknown}, not $MAX_SESSIONS:" \
	    "another file under /etc/ssh sets it first"
}

step_sshd() {
	STEP=sshd
	mkdir -p "${SSHD_DROPIN%/*}"
	if [ -f "$SSHD_DROPIN" ]; then
		cp -p "$SSHD_DROPIN" "$SSHD_DROPIN.old"
	fi
	# The grid opens one channel per agent pane plus commands on one
	# connection: OpenSSH's MaxSessions 10 is too few.  Debian's
	# sshd_config includes this directory first, and the first value
	# of a keyword wins.
	put_file "$SSHD_DROPIN" 0644 <<EOF
# Written by the sandbox-tui startup script on every boot; edits are lost.
MaxSessions $MAX_SESSIONS
MaxStartups 30:30:100
ClientAliveInterval 30
ClientAliveCountMax 6
EOF
	if [ "$CHANGED" = 0 ]; then
		rm -f "$SSHD_DROPIN.old"
		log "sshd drop-in unchanged"
		sshd_check_effective
		return 0
	fi
	# sshd -t stops at a missing privilege separation directory.
	mkdir -p "$ROOT/run/sshd"
	if _out=$(sshd -t 2>&1); then
		rm -f "$SSHD_DROPIN.old"
		systemctl try-reload-or-restart "$SSH_SERVICE" ||
		    warn "could not reload $SSH_SERVICE"
		log "sshd drop-in written (MaxSessions $MAX_SESSIONS), sshd reloaded"
		sshd_check_effective
		return 0
	fi
	if [ -f "$SSHD_DROPIN.old" ]; then
		mv -f "$SSHD_DROPIN.old" "$SSHD_DROPIN"
	else
		rm -f "$SSHD_DROPIN"
	fi
	warn "sshd -t rejects the new drop-in, kept the previous one: $_out"
}

step_user() {
	STEP=user
	getent group docker >/dev/null || groupadd --system docker
	if ! getent passwd "$SSH_USER" >/dev/null; then
		# The guest agent makes users from ssh-keys, maybe right now.
		useradd --create-home --shell /bin/bash --user-group \
		    "$SSH_USER" || getent passwd "$SSH_USER" >/dev/null ||
		    die "cannot create user $SSH_USER"
		log "user $SSH_USER created"
	fi
	case " $(id -nG "$SSH_USER") " in
	*" docker "*) ;;
	*)
		usermod -aG docker "$SSH_USER"
		log "user $SSH_USER added to group docker"
		;;
	esac
	USER_UID=$(id -u "$SSH_USER")
	USER_GID=$(id -g "$SSH_USER")
}

# Root must not chown or chmod through a link the user could have planted.
own_dir() {
	[ ! -L "$1" ] || die "$1 is a symbolic link"
	mkdir -p "$1"
	chown "$USER_UID:$USER_GID" "$1"
	chmod "$2" "$1"
}

step_workspace() {
	STEP=workspace
	own_dir "$ROOT$WORKSPACE_DIR" 0755
	own_dir "$ROOT$WORKSPACE_DIR/.sandbox-tui" 0700
	log "workspace dir $WORKSPACE_DIR ready"
}

# Artifact Registry and gcr.io let the VM's service account pull, through
# gcloud's docker credential helper (Debian's GCE images ship gcloud).
registry_login() {
	case $1 in
	*/*) ;;
	*) return 0 ;;
	esac
	_host=${1%%/*}
	case $_host in
	*-docker.pkg.dev | gcr.io | *.gcr.io) ;;
	*) return 0 ;;
	esac
	if ! command -v gcloud >/dev/null 2>&1; then
		log "no gcloud: pulling from $_host without credentials"
		return 0
	fi
	gcloud auth configure-docker "$_host" --quiet >/dev/null 2>&1 ||
	    warn "gcloud auth configure-docker $_host failed"
}

step_image() {
	STEP=image
	if [ -n "$AGENT_DOCKERFILE" ]; then
		_tag=${AGENT_IMAGE:-sandbox-agent:latest}
		_stamp="$(sha256sum <"$AGENT_DOCKERFILE" | cut -d' ' -f1) $_tag"
		if [ "$(cat "$STATE_DIR/agent-image" 2>/dev/null || :)" = \
		    "$_stamp" ] && docker image inspect "$_tag" >/dev/null 2>&1
		then
			log "agent image $_tag is up to date"
			return 0
		fi
		log "building agent image $_tag"
		if docker build -t "$_tag" "${AGENT_DOCKERFILE%/*}"; then
			printf '%s\n' "$_stamp" >"$STATE_DIR/agent-image"
			log "agent image $_tag built"
		else
			rm -f "$STATE_DIR/agent-image"
			warn "could not build agent image $_tag"
		fi
		return 0
	fi
	[ -n "$AGENT_IMAGE" ] || return 0
	# Present is enough: boots stay fast, and `docker pull` on the VM
	# updates a tag on purpose.
	if docker image inspect "$AGENT_IMAGE" >/dev/null 2>&1; then
		log "agent image $AGENT_IMAGE is present"
		return 0
	fi
	registry_login "$AGENT_IMAGE"
	_try=1
	until docker pull "$AGENT_IMAGE"; do
		if [ "$_try" -ge 3 ]; then
			warn "could not pull agent image $AGENT_IMAGE"
			return 0
		fi
		_try=$((_try + 1))
		sleep "$RETRY_DELAY"
	done
	log "agent image $AGENT_IMAGE pulled"
}

write_idle_check() {
	mkdir -p "$ROOT${IDLE_CHECK%/*}"
	put_file "$ROOT$IDLE_CHECK" 0755 <<'EOF'
#!/bin/sh
# Installed by the sandbox-tui startup script and run every minute by
# sandbox-tui-idle.timer: powers the VM off once no agent container has run
# and nobody has had an SSH session for MINUTES minutes.  The time idleness
# began is kept in /run, so it starts over at each boot.
set -eu
limit=${1:?usage: idle-check MINUTES}
root=${SANDBOX_TUI_ROOT:-}
state=$root/run/sandbox-tui/idle-since

if ! agents=$(docker ps -q --filter label=sandbox-tui.agent); then
	echo "sandbox-tui-idle: docker ps failed; not counting this minute"
	exit 0
fi
nagents=$(printf '%s\n' "$agents" | grep -c . || :)
# One "sshd: USER@pts/N" or "USER@notty" process per open connection
# (sshd-session since OpenSSH 9.8).
nssh=$(pgrep -c -f '^sshd(-session)?: [^ ]+@' || :)
if [ "${nagents:-0}" -gt 0 ] || [ "${nssh:-0}" -gt 0 ]; then
	rm -f "$state"
	exit 0
fi
now=$(date +%s)
since=$(cat "$state" 2>/dev/null || :)
case $since in
'' | *[!0-9]*)
	mkdir -p "${state%/*}"
	echo "$now" >"$state"
	exit 0
	;;
esac
if [ $((now - since)) -ge $((limit * 60)) ]; then
	echo "sandbox-tui-idle: no agent and no SSH session for $limit min; powering off"
	systemctl poweroff
fi
EOF
}

step_idle() {
	STEP=idle-shutdown
	_svc=$UNIT_DIR/$IDLE_SERVICE
	_tmr=$UNIT_DIR/$IDLE_TIMER
	if [ "$IDLE_MINUTES" -eq 0 ]; then
		if [ -e "$_svc" ] || [ -e "$_tmr" ] || [ -e "$ROOT$IDLE_CHECK" ]
		then
			systemctl disable --now "$IDLE_TIMER" || :
			rm -f "$_svc" "$_tmr" "$ROOT$IDLE_CHECK" "$RUN_DIR/idle-since"
			systemctl daemon-reload
			log "idle shutdown removed"
		fi
		return 0
	fi
	mkdir -p "$UNIT_DIR"
	write_idle_check
	_changed=$CHANGED
	put_file "$_svc" 0644 <<EOF
[Unit]
Description=sandbox-tui: power off after $IDLE_MINUTES idle minutes
After=docker.service

[Service]
Type=oneshot
ExecStart=$IDLE_CHECK $IDLE_MINUTES
EOF
	_changed=$((_changed + CHANGED))
	put_file "$_tmr" 0644 <<EOF
[Unit]
Description=sandbox-tui: idle check every minute

[Timer]
OnBootSec=1min
OnUnitActiveSec=1min
AccuracySec=10s

[Install]
WantedBy=timers.target
EOF
	_changed=$((_changed + CHANGED))
	if [ "$_changed" -gt 0 ]; then
		systemctl daemon-reload
		systemctl enable "$IDLE_TIMER"
		systemctl restart "$IDLE_TIMER"
		log "idle shutdown after $IDLE_MINUTES minutes installed"
	else
		systemctl enable --now "$IDLE_TIMER"
		log "idle shutdown after $IDLE_MINUTES minutes unchanged"
	fi
}

step_ready() {
	STEP=ready
	{
		printf 'ready %s version %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		    "$SCRIPT_VERSION"
		if [ -n "$WARNINGS" ]; then
			printf 'warnings: %s\n' "$WARNINGS"
		fi
	} >"$STATE_DIR/ready.new"
	mv -f "$STATE_DIR/ready.new" "$STATE_DIR/ready"
	if [ -n "$WARNINGS" ]; then
		guest_attr PUT --data "$WARNINGS" \
		    "$META/instance/guest-attributes/sandbox-tui/warnings" ||
		    log "could not publish the warnings"
	fi
	_try=1
	until curl -fsS --max-time 10 -X PUT --data "$SCRIPT_VERSION" \
	    -H 'Metadata-Flavor: Google' \
	    "$META/instance/guest-attributes/sandbox-tui/ready"; do
		if [ "$_try" -ge 5 ]; then
			log "warning: could not publish guest attribute" \
			    "sandbox-tui/ready (is enable-guest-attributes TRUE?)"
			return 0
		fi
		_try=$((_try + 1))
		sleep "$RETRY_DELAY"
	done
	log "ready (version $SCRIPT_VERSION)"
}

trap 'on_exit $?' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$STATE_DIR" "$RUN_DIR"
chmod 0700 "$RUN_DIR"
# Someone may run the script by hand while the boot's run is going.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$RUN_DIR/startup.lock"
	flock -w 1800 9 || die "another run holds $RUN_DIR/startup.lock"
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sandbox-tui-startup.XXXXXX")
log "version $SCRIPT_VERSION starting"

step_packages
forget_last_boot
read_settings
step_sshd
step_user
step_workspace
step_image
step_idle
step_ready
