#!/bin/sh
# Tests config/startup-script.sh, the VM's provisioning script, on this
# machine: it runs against a private root (SANDBOX_TUI_ROOT) with a PATH of
# stub commands (apt-get, systemctl, sshd, docker, useradd, usermod,
# groupadd, getent, id, curl, pgrep, gcloud) that log their arguments and
# answer from files; the curl stub plays the metadata server.  Next to the
# stubs, PATH holds links to the few real tools the script uses, so nothing
# on the host (its docker, its users) leaks in.  Checks the first boot,
# a second boot that changes nothing, changed settings, a drop-in that sshd
# rejects, bad metadata, failing guest attribute writes, and the installed
# idle check.  Needs root (the script chowns) and shellcheck.
#
# The checks are shell code that check() evals, hence single-quoted, and
# the variables they read look unused to shellcheck.
# shellcheck disable=SC2016,SC2034,SC2317

# shellcheck source=tests/lib/common.sh disable=SC1091
. "$(dirname "$0")/../lib/common.sh"

SCRIPT=$T_REPO/config/startup-script.sh
VERSION=$(sed -n 's/^SCRIPT_VERSION=//p' "$SCRIPT")
METADATA=http://meta.test/computeMetadata/v1
BIN=$T_TMP/bin
SYS=$T_TMP/sys
STUB=$T_TMP/stub
OUT=$T_TMP/out
export STUB

[ "$(id -u)" = 0 ] || t_die "setup" "needs root: the script chowns"
[ -n "$VERSION" ] || t_die "setup" "no SCRIPT_VERSION in $SCRIPT"

mkdir -p "$BIN" "$SYS" "$STUB/meta" "$STUB/images"
for c in base64 cat chmod chown cmp cp cut date flock grep ln mkdir mktemp \
    mv rm sed sha256sum sleep touch tr; do
	p=$(command -v "$c") || t_die "setup" "no $c on this machine"
	ln -s "$p" "$SYS/$c"
done

# One stub program; what it does depends on the name it is called by.
cat >"$BIN/stub" <<'EOF'
#!/bin/sh
me=${0##*/}
echo "$me $*" >>"$STUB/log"
# Prints the value of counter file $1 and counts it down; fails at 0.
take() {
	n=$(cat "$1" 2>/dev/null) || return 1
	[ "$n" -gt 0 ] || return 1
	echo $((n - 1)) >"$1"
}
imgfile() {
	echo "$STUB/images/$(echo "$1" | tr '/:@' '___')"
}
last() {
	for a; do :; done
	echo "$a"
}
case $me in
apt-get)
	case " $* " in
	*" install "*)
		case " $* " in *" docker.io "*)
			ln -sf stub "${0%/*}/docker" ;;
		esac
		case " $* " in *" ca-certificates "*)
			mkdir -p "$SANDBOX_TUI_ROOT/etc/ssl/certs"
			echo cert >"$SANDBOX_TUI_ROOT/etc/ssl/certs/ca-certificates.crt"
			;;
		esac
		;;
	esac
	;;
systemctl)
	;;
sshd)
	if [ -e "$STUB/sshd-fail" ]; then
		echo "sshd: bad configuration option" >&2
		exit 255
	fi
	# -T: the first MaxSessions of the drop-ins, as sshd would take it.
	if [ "$1" = -T ]; then
		cat "$SANDBOX_TUI_ROOT"/etc/ssh/sshd_config.d/*.conf |
		    tr 'A-Z' 'a-z' | grep -m1 '^maxsessions '
	fi
	;;
docker)
	case $1 in
	info) ;;
	image) [ -e "$(imgfile "$3")" ] || exit 1 ;;
	pull)
		[ ! -e "$STUB/pull-fail" ] || { echo "pull denied" >&2; exit 1; }
		touch "$(imgfile "$2")"
		;;
	build)
		cp "$4/Dockerfile" "$STUB/built.Dockerfile"
		touch "$(imgfile "$3")"
		;;
	ps)
		[ ! -e "$STUB/ps-fail" ] || exit 1
		cat "$STUB/ps" 2>/dev/null || :
		;;
	*) exit 1 ;;
	esac
	;;
getent)
	case $1 in
	passwd) grep -q "^$2:" "$STUB/passwd" 2>/dev/null ;;
	group) grep -q "^$2:" "$STUB/group" 2>/dev/null ;;
	*) exit 2 ;;
	esac
	;;
groupadd)
	echo "$(last "$@"):" >>"$STUB/group"
	;;
useradd)
	u=$(last "$@")
	! grep -q "^$u:" "$STUB/passwd" 2>/dev/null || exit 9
	echo "$u:" >>"$STUB/passwd"
	;;
usermod)
	[ "$1" = -aG ] || exit 2
	echo "$3 $2" >>"$STUB/members"
	;;
id)
	[ $# -gt 1 ] || { echo 0; exit 0; }
	grep -q "^$2:" "$STUB/passwd" 2>/dev/null || exit 1
	case $1 in
	-u) echo 4242 ;;
	-g) echo 4243 ;;
	-nG) printf '%s' "$2"
		grep "^$2 " "$STUB/members" 2>/dev/null | while read -r _ g; do
			printf ' %s' "$g"
		done
		echo ;;
	esac
	;;
pgrep)
	n=$(cat "$STUB/sessions" 2>/dev/null || echo 0)
	echo "$n"
	[ "$n" -gt 0 ]
	;;
curl)
	method=GET out= wfmt= data= url= fail=0
	while [ $# -gt 0 ]; do
		case $1 in
		-X) method=$2; shift ;;
		-o) out=$2; shift ;;
		-w) wfmt=$2; shift ;;
		--data) data=$2; shift ;;
		-H | --max-time) shift ;;
		--*) ;;
		-*f*) fail=1 ;;
		-*) ;;
		*) url=$1 ;;
		esac
		shift
	done
	path=${url#"$SANDBOX_TUI_METADATA"/}
	[ "$path" != "$url" ] || { echo "curl: bad host $url" >&2; exit 6; }
	echo "curl $method $path $data" >>"$STUB/log"
	code=200 body=
	case $method:$path in
	GET:instance/attributes/*)
		if take "$STUB/meta-flaky"; then
			code=503
		elif [ -e "$STUB/meta/${path##*/}" ]; then
			body=$(cat "$STUB/meta/${path##*/}")
		else
			code=404
		fi
		;;
	PUT:instance/guest-attributes/*)
		if take "$STUB/put-fail"; then
			code=503
		else
			mkdir -p "$STUB/guest/sandbox-tui"
			printf '%s' "$data" >"$STUB/guest/${path#*/guest-attributes/}"
		fi
		;;
	DELETE:instance/guest-attributes/*)
		rm -f "$STUB/guest/${path#*/guest-attributes/}"
		;;
	*) code=404 ;;
	esac
	if [ "$code" -ge 400 ] && [ "$fail" = 1 ]; then
		echo "curl: (22) The requested URL returned error: $code" >&2
		exit 22
	fi
	if [ -n "$out" ]; then
		printf '%s' "$body" >"$out"
	else
		printf '%s' "$body"
	fi
	[ -z "$wfmt" ] || printf '%s' "$code"
	;;
esac
EOF
chmod 755 "$BIN/stub"
for c in apt-get systemctl sshd getent groupadd useradd usermod id pgrep curl
do
	ln -s stub "$BIN/$c"
done

# meta NAME VALUE sets a metadata attribute; meta NAME unsets it.
meta() {
	if [ $# -gt 1 ]; then
		printf '%s' "$2" >"$STUB/meta/$1"
	else
		rm -f "$STUB/meta/$1"
	fi
}

# run ROOT: one boot; its status is left in RC, its output in $OUT and the
# calls it made in $STUB/log.
run() {
	: >"$STUB/log"
	SANDBOX_TUI_ROOT=$1 SANDBOX_TUI_METADATA=$METADATA \
	    SANDBOX_TUI_PATH=$BIN:$SYS SANDBOX_TUI_RETRY_DELAY=0 TMPDIR=$T_TMP \
	    timeout 20 sh "$SCRIPT" >"$OUT" 2>&1
	RC=$?
}

# check NAME CONDITION: CONDITION is shell code; a failure shows the last
# run's output and calls.
check() {
	if eval "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "$(echo "condition: $2"; tail -n 15 "$OUT";
		    echo "-- calls:"; tail -n 40 "$STUB/log")"
	fi
}

called() {
	grep -q -- "$1" "$STUB/log"
}

modes() {
	stat -c '%a %u %g' "$1" 2>/dev/null
}

check "shellcheck -s sh is clean" 'shellcheck -s sh "$SCRIPT" >"$OUT" 2>&1'

# ---- a VM's life: first boot, a second boot, changed settings ----
A=$T_TMP/a
meta sandbox-user alice
meta workspace-dir /srv/ws/
meta ssh-max-sessions 80
meta idle-shutdown-minutes 15
meta agent-image registry.example/agent:1
echo 1 >"$STUB/meta-flaky"
run "$A"
D=$A/etc/ssh/sshd_config.d/sandbox-tui.conf
check "first boot succeeds" '[ "$RC" = 0 ]'
check "first boot installs docker.io and ca-certificates with apt" \
    'called "^apt-get .*-o DPkg::Lock::Timeout=300 .*update" &&
    called "^apt-get .* install -y .*docker.io.*ca-certificates"'
check "docker is enabled and started" \
    'called "^systemctl enable --now docker.service"'
check "sshd drop-in has MaxSessions from metadata and keepalives" \
    'grep -qx "MaxSessions 80" "$D" && grep -qx "ClientAliveInterval 30" "$D" &&
    grep -qx "ClientAliveCountMax 6" "$D" && grep -q "^MaxStartups " "$D" &&
    [ "$(modes "$D")" = "644 0 0" ]'
REAL_SSHD=$(command -v sshd || echo /usr/sbin/sshd)
if [ -x "$REAL_SSHD" ] && command -v ssh-keygen >/dev/null; then
	mkdir -p /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/hostkey"
	printf 'Include %s\nHostKey %s\n' "$D" "$T_TMP/hostkey" >"$T_TMP/sshd_config"
	check "the real sshd takes the drop-in" \
	    '"$REAL_SSHD" -t -f "$T_TMP/sshd_config" >"$OUT" 2>&1 &&
	    "$REAL_SSHD" -T -f "$T_TMP/sshd_config" >"$OUT" 2>&1 &&
	    grep -qx "maxsessions 80" "$OUT" && grep -qx "maxstartups 30:30:100" "$OUT" &&
	    grep -qx "clientaliveinterval 30" "$OUT" &&
	    grep -qx "clientalivecountmax 6" "$OUT"'
else
	t_skip "the real sshd takes the drop-in" "no sshd or ssh-keygen"
fi
check "drop-in is checked with sshd -t, then ssh reloaded" \
    '[ "$(grep -n "^sshd -t" "$STUB/log" | cut -d: -f1)" -lt \
    "$(grep -n "^systemctl try-reload-or-restart ssh" "$STUB/log" | cut -d: -f1)" ]'
check "user created and put in group docker (group made first)" \
    'called "^groupadd --system docker" && called "^useradd .*--create-home.* alice" &&
    called "^usermod -aG docker alice"'
check "workspace dir 0755 and .sandbox-tui 0700, owned by the user" \
    '[ "$(modes "$A/srv/ws")" = "755 4242 4243" ] &&
    [ "$(modes "$A/srv/ws/.sandbox-tui")" = "700 4242 4243" ]'
check "agent image pulled" 'called "^docker pull registry.example/agent:1"'
U=$A/etc/systemd/system
check "idle shutdown units installed and the timer started" \
    'grep -qx "ExecStart=/usr/local/lib/sandbox-tui/idle-check 15" \
    "$U/sandbox-tui-idle.service" &&
    grep -qx "OnUnitActiveSec=1min" "$U/sandbox-tui-idle.timer" &&
    [ -x "$A/usr/local/lib/sandbox-tui/idle-check" ] &&
    called "^systemctl daemon-reload" &&
    called "^systemctl enable sandbox-tui-idle.timer" &&
    called "^systemctl restart sandbox-tui-idle.timer"'
check "installed idle check is shellcheck clean" \
    'shellcheck -s sh "$A/usr/local/lib/sandbox-tui/idle-check" >"$OUT" 2>&1'
check "ready marker has the date and version" \
    'grep -Eqx "ready [0-9T:-]+Z version $VERSION" "$A/var/lib/sandbox-tui/ready"'
check "guest attribute sandbox-tui/ready published (after the stale one is deleted)" \
    'called "^curl DELETE instance/guest-attributes/sandbox-tui/ready" &&
    called "^curl PUT instance/guest-attributes/sandbox-tui/ready $VERSION" &&
    [ "$(cat "$STUB/guest/sandbox-tui/ready")" = "$VERSION" ]'
check "metadata server's 503 was retried; no temp files left" \
    '[ "$(grep -c "^curl GET instance/attributes/sandbox-user" "$STUB/log")" = 2 ] &&
    [ -z "$(find "$T_TMP" -maxdepth 1 -name "sandbox-tui-startup.*")" ] &&
    [ -z "$(find "$A" -name "*.new" -o -name "*.old")" ]'
cp "$A/usr/local/lib/sandbox-tui/idle-check" "$T_TMP/idle-check"

before=$(cksum "$D")
run "$A"
check "second boot succeeds" '[ "$RC" = 0 ]'
check "second boot: docker installed, so no apt-get" '! called "^apt-get"'
check "second boot: sshd drop-in untouched, no sshd -t, no reload" \
    '[ "$(cksum "$D")" = "$before" ] && ! called "^sshd -t" &&
    ! called "try-reload-or-restart" && ! grep -q warning "$OUT"'
check "second boot: no user, group or image work" \
    '! called "^useradd" && ! called "^usermod" && ! called "^groupadd" &&
    ! called "^docker pull"'
check "second boot: units unchanged, timer just enabled" \
    '! called "daemon-reload" && called "^systemctl enable --now sandbox-tui-idle.timer"'
check "second boot publishes ready again" \
    'called "^curl PUT instance/guest-attributes/sandbox-tui/ready $VERSION"'

meta ssh-max-sessions 100
touch "$STUB/sshd-fail"
run "$A"
check "sshd -t failing keeps the previous drop-in and does not reload" \
    '[ "$RC" = 0 ] && called "^sshd -t" && grep -qx "MaxSessions 80" "$D" &&
    ! called "try-reload-or-restart" && [ ! -e "$D.old" ] && [ ! -e "$D.new" ]'
check "the rejection is a warning, published as sandbox-tui/warnings" \
    'grep -q "warning: sshd -t rejects" "$OUT" &&
    grep -q "sshd -t rejects" "$STUB/guest/sandbox-tui/warnings" &&
    grep -q "^warnings: " "$A/var/lib/sandbox-tui/ready"'

rm -f "$STUB/sshd-fail"
meta idle-shutdown-minutes 0
run "$A"
check "idle-shutdown-minutes 0 removes the units and the check" \
    '[ "$RC" = 0 ] && [ ! -e "$U/sandbox-tui-idle.service" ] &&
    [ ! -e "$U/sandbox-tui-idle.timer" ] &&
    [ ! -e "$A/usr/local/lib/sandbox-tui/idle-check" ] &&
    called "^systemctl disable --now sandbox-tui-idle.timer" &&
    called "^systemctl daemon-reload"'
check "a changed MaxSessions is written and reloaded" \
    'grep -qx "MaxSessions 100" "$D" && called "^systemctl try-reload-or-restart ssh"'
check "old warnings are withdrawn at boot" \
    '[ ! -e "$STUB/guest/sandbox-tui/warnings" ] &&
    ! grep -q "^warnings" "$A/var/lib/sandbox-tui/ready"'
run "$A"
check "idle shutdown already off: nothing to remove" \
    '[ "$RC" = 0 ] && ! called "sandbox-tui-idle" && ! called "daemon-reload"'

# ---- defaults, docker already there, an image built from a Dockerfile ----
B=$T_TMP/b
rm -f "$STUB/meta"/* "$STUB/passwd" "$STUB/group" "$STUB/members"
echo "docker:" >"$STUB/group"
echo "sandbox:" >"$STUB/passwd"
echo "sandbox docker" >"$STUB/members"
mkdir -p "$B/etc/ssl/certs"
echo cert >"$B/etc/ssl/certs/ca-certificates.crt"
printf 'FROM debian:12\nRUN true\n' >"$T_TMP/Dockerfile"
meta agent-dockerfile "$(base64 -w0 <"$T_TMP/Dockerfile")"
echo 2 >"$STUB/put-fail"
run "$B"
check "defaults: succeeds with no metadata set" '[ "$RC" = 0 ]'
check "docker already installed: no apt-get at all" '! called "^apt-get"'
check "defaults: MaxSessions 64, /srv/sandbox/workspaces, no idle units" \
    'grep -qx "MaxSessions 64" "$B/etc/ssh/sshd_config.d/sandbox-tui.conf" &&
    [ "$(modes "$B/srv/sandbox/workspaces")" = "755 4242 4243" ] &&
    [ ! -e "$B/etc/systemd/system/sandbox-tui-idle.timer" ] &&
    ! called "sandbox-tui-idle"'
check "existing user already in docker: left alone" \
    '! called "^useradd" && ! called "^usermod" && ! called "^groupadd"'
check "agent-dockerfile built as sandbox-agent:latest" \
    'called "^docker build -t sandbox-agent:latest " &&
    cmp -s "$T_TMP/Dockerfile" "$STUB/built.Dockerfile" && ! called "^docker pull"'
check "guest attribute PUT retried until it worked" \
    '[ "$(grep -c "^curl PUT instance/guest-attributes/sandbox-tui/ready" "$STUB/log")" = 3 ] &&
    [ "$(cat "$STUB/guest/sandbox-tui/ready")" = "$VERSION" ]'
echo "MaxSessions 5" >"$B/etc/ssh/sshd_config.d/00-other.conf"
run "$B"
check "same Dockerfile: not built again" '[ "$RC" = 0 ] && ! called "^docker build"'
check "a drop-in that sets MaxSessions first is warned about" \
    'grep -q "warning: sshd.s MaxSessions is 5, not 64" "$OUT"'
rm "$B/etc/ssh/sshd_config.d/00-other.conf"
printf 'FROM debian:12\nRUN false\n' >"$T_TMP/Dockerfile"
meta agent-dockerfile "$(base64 -w0 <"$T_TMP/Dockerfile")"
meta agent-image my/agent:2
run "$B"
check "changed Dockerfile: built again, tagged agent-image" \
    '[ "$RC" = 0 ] && called "^docker build -t my/agent:2 " &&
    cmp -s "$T_TMP/Dockerfile" "$STUB/built.Dockerfile"'
meta agent-dockerfile
meta agent-image us-docker.pkg.dev/proj/repo/agent:3
ln -s stub "$BIN/gcloud"
run "$B"
check "Artifact Registry image: docker credentials from gcloud, then pull" \
    '[ "$RC" = 0 ] &&
    called "^gcloud auth configure-docker us-docker.pkg.dev --quiet" &&
    [ "$(grep -n "^gcloud" "$STUB/log" | cut -d: -f1)" -lt \
    "$(grep -n "^docker pull us-docker.pkg.dev/proj/repo/agent:3" "$STUB/log" | cut -d: -f1)" ]'
rm "$BIN/gcloud"

# ---- bad settings and failures ----
C=$T_TMP/c
meta agent-dockerfile
meta agent-image nothere:latest
meta ssh-max-sessions lots
meta idle-shutdown-minutes -5
touch "$STUB/pull-fail"
echo 99 >"$STUB/put-fail"
run "$C"
check "bad numbers fall back to the defaults with a warning" \
    '[ "$RC" = 0 ] && grep -qx "MaxSessions 64" "$C/etc/ssh/sshd_config.d/sandbox-tui.conf" &&
    grep -q "warning: metadata ssh-max-sessions .lots." "$OUT" &&
    grep -q "warning: metadata idle-shutdown-minutes" "$OUT" &&
    [ ! -e "$C/etc/systemd/system/sandbox-tui-idle.timer" ]'
check "an image that will not pull is a warning, tried 3 times" \
    '[ "$(grep -c "^docker pull nothere:latest" "$STUB/log")" = 3 ] &&
    grep -q "warning: could not pull agent image nothere:latest" "$OUT"'
check "guest attribute PUT failing is not fatal" \
    '[ "$RC" = 0 ] && grep -q "could not publish guest attribute" "$OUT" &&
    [ -s "$C/var/lib/sandbox-tui/ready" ]'
rm -f "$STUB/pull-fail" "$STUB/put-fail"
meta ssh-max-sessions 012
run "$C"
check "leading zeros are decimal" \
    'grep -qx "MaxSessions 12" "$C/etc/ssh/sshd_config.d/sandbox-tui.conf"'

meta sandbox-user 'bad;user'
run "$C"
check "a bad user name fails the run and publishes sandbox-tui/error" \
    '[ "$RC" != 0 ] && grep -q "error: metadata sandbox-user" "$OUT" &&
    grep -q "failed in step metadata" "$STUB/guest/sandbox-tui/error" &&
    [ ! -e "$STUB/guest/sandbox-tui/ready" ]'
meta sandbox-user
meta workspace-dir /srv/../etc
run "$C"
check "a workspace-dir with .. fails the run" \
    '[ "$RC" != 0 ] && grep -q "is not a plain path" "$OUT"'
meta workspace-dir
mkdir -p "$T_TMP/victim"
chmod 751 "$T_TMP/victim"
rm -rf "$C/srv/sandbox/workspaces/.sandbox-tui"
ln -s "$T_TMP/victim" "$C/srv/sandbox/workspaces/.sandbox-tui"
run "$C"
check "a symlink planted as .sandbox-tui is not followed" \
    '[ "$RC" != 0 ] && [ "$(modes "$T_TMP/victim")" = "751 0 0" ]'

# ---- the idle check itself ----
I=$T_TMP/i
# idle [ARGS]: runs the installed check (15 minutes) against root $I.
idle() {
	: >"$STUB/log"
	SANDBOX_TUI_ROOT=$I timeout 10 env PATH="$BIN:$SYS" /bin/sh \
	    "$T_TMP/idle-check" 15 >"$OUT" 2>&1
	RC=$?
}
S=$I/run/sandbox-tui/idle-since
mkdir -p "${S%/*}"
: >"$STUB/ps"
echo 0 >"$STUB/sessions"
idle
check "idle check: first idle minute records the time" \
    '[ "$RC" = 0 ] && [ -s "$S" ] && ! called "poweroff"'
echo $(($(date +%s) - 14 * 60)) >"$S"
idle
check "idle check: 14 idle minutes of 15, still up" '[ "$RC" = 0 ] && ! called "poweroff"'
echo $(($(date +%s) - 15 * 60 - 5)) >"$S"
idle
check "idle check: 15 idle minutes powers off" \
    '[ "$RC" = 0 ] && called "^systemctl poweroff" && grep -q "powering off" "$OUT"'
echo "abc123" >"$STUB/ps"
idle
check "idle check: a running agent resets the clock" \
    '[ "$RC" = 0 ] && [ ! -e "$S" ] && ! called "poweroff" &&
    called "^docker ps -q --filter label=sandbox-tui.agent"'
: >"$STUB/ps"
echo 1 >"$STUB/sessions"
echo $(($(date +%s) - 60 * 60)) >"$S"
idle
check "idle check: an SSH session resets the clock" \
    '[ "$RC" = 0 ] && [ ! -e "$S" ] && ! called "poweroff"'
echo 0 >"$STUB/sessions"
echo $(($(date +%s) - 60 * 60)) >"$S"
touch "$STUB/ps-fail"
idle
check "idle check: docker failing counts as busy, not idle" \
    '[ "$RC" = 0 ] && [ -s "$S" ] && ! called "poweroff"'

t_done
