#!/bin/sh
# Builds the real agent image (config/agent-image) on this machine with no
# container registry, through `sandbox-tui image build --target local` (the
# command users run), then checks it (POSIX sh).  Steps:
#
#   rootfs   debootstrap --variant=minbase SUITE from this machine's apt
#            mirror, `docker import`ed as ROOTFS_IMAGE
#   context  Node.js + npm from the npm registry (for --node)
#   base     image build --only base --from ROOTFS_IMAGE --node ... with
#            this machine's extra CA certificates (--ca-cert) -> BASE_IMAGE
#   agent    image build --only agent (Claude Code from npm) -> IMAGE
#   check    `claude --version` as user agent, the tools, the CA
#            certificates, and what the entrypoint does
#
# A step is skipped when its image exists and was built from the same inputs
# (label sandbox-tui.build-hash), unless FORCE=1; a step that builds makes
# the later ones build too.  Apt and npm inside the builds use the host's
# network (--network host), so whatever reaches the mirror and the registry
# here (a TLS-inspecting proxy included, its CA goes into the image) works.
#
# Environment: FORCE=1; VERBOSE=1 (stream docker's output; otherwise it is
# shown only when a step fails); SUITE (bookworm); APT_MIRROR and
# APT_SECURITY_MIRROR (default: from /etc/apt); NODE_MAJOR (22); NPM_MAJOR
# (10); CLAUDE_CODE_VERSION (latest); IMAGE (sandbox-agent:latest),
# BASE_IMAGE (sandbox-agent-base:latest), ROOTFS_IMAGE
# (sandbox-agent-debootstrap:SUITE); DOCKER_HOST as docker reads it.
#
# Needs the program (SANDBOX_TUI, default ./sandbox-tui), docker (a daemon
# is started if none answers), npm to build the base and root for
# debootstrap (installed with apt-get when missing).

# The checks run shell code inside the image, written in single quotes.
# shellcheck disable=SC2016

# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# shellcheck source=tests/lib/dockerd.sh
. "$T_REPO/tests/lib/dockerd.sh"

SUITE=${SUITE:-bookworm}
NODE_MAJOR=${NODE_MAJOR:-22}
NPM_MAJOR=${NPM_MAJOR:-10}
CLAUDE_CODE_VERSION=${CLAUDE_CODE_VERSION:-latest}
IMAGE=${IMAGE:-sandbox-agent:latest}
BASE_IMAGE=${BASE_IMAGE:-sandbox-agent-base:latest}
ROOTFS_IMAGE=${ROOTFS_IMAGE:-sandbox-agent-debootstrap:$SUITE}
FORCE=${FORCE:-0}
VERBOSE=${VERBOSE:-0}
SRC=$T_REPO/config/agent-image
BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
[ -x "$BIN" ] || { echo "build.sh: no program at $BIN (make sandbox-tui)" >&2; exit 1; }
# Its own config: nothing of the user's, the log of image build in T_TMP.
export XDG_CONFIG_HOME="$T_TMP/xdg"
mkdir -p "$XDG_CONFIG_HOME"

# sandbox-tui image build ... on this machine, into the step's log.
sbx_build() {
	logged "$BIN" -c /dev/null --target local -o "image.base=$BASE_IMAGE" \
	    -o "agents.image=$IMAGE" -o image.network=host image build "$@"
}
HASH_LABEL=sandbox-tui.build-hash

STEP=setup
STEP_T0=0
TIMINGS=
T_START=$(t_now_ms)
BUILD_ALL=$FORCE
LOG=$T_TMP/step.log

# ---- helpers ---------------------------------------------------------------

say() {
	printf '# %s\n' "$*"
}

fail() {
	printf 'build.sh: step %s failed: %s\n' "$STEP" "$*" >&2
	exit 1
}

# Prints the last lines of the step's log, then fails.
fail_log() {
	if [ "$VERBOSE" != 1 ] && [ -s "$LOG" ]; then
		printf '# last lines of the output of step %s:\n' "$STEP" >&2
		tail -n 60 "$LOG" | sed 's/^/#   /' >&2
	fi
	fail "$@"
}

seconds_since() {
	awk -v a="$1" -v b="$(t_now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'
}

step_begin() {
	STEP=$1
	STEP_T0=$(t_now_ms)
	: >"$LOG"
	say "step $STEP: $2"
}

# $1: built, skipped or ok
step_end() {
	_s=$(seconds_since "$STEP_T0")
	say "step $STEP: $1 in ${_s}s"
	TIMINGS="$TIMINGS $STEP=${_s}s($1)"
	[ "$1" = built ] && BUILD_ALL=1
	return 0
}

# Runs a command into the step's log (and the terminal with VERBOSE=1).
logged() {
	if [ "$VERBOSE" = 1 ]; then
		# tee hides the status: the log's last line carries it instead.
		{ "$@"; echo "# rc=$?"; } 2>&1 | tee -a "$LOG"
		[ "$(tail -n 1 "$LOG")" = "# rc=0" ]
		return
	fi
	"$@" >>"$LOG" 2>&1
}

image_label() {
	docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null
}

image_id() {
	docker image inspect -f '{{.Id}}' "$1" 2>/dev/null
}

# Whether the step can be skipped: image $1 exists with hash $2.
up_to_date() {
	[ "$BUILD_ALL" = 1 ] && return 1
	[ "$(image_label "$1" "$HASH_LABEL")" = "$2" ]
}

# Drops the image a name pointed to before a rebuild, unless still in use.
drop_old() {
	[ -n "$1" ] && [ "$1" != "$(image_id "$2")" ] &&
	    docker rmi "$1" >/dev/null 2>&1
	return 0
}

hash_of() {
	sha256sum | cut -d' ' -f1
}

# Prints "MIRROR SECURITY_MIRROR" for $SUITE from the apt sources, one-line
# (*.list) and deb822 (*.sources) alike; "-" where none is found.
find_mirrors() {
	set --
	[ -f /etc/apt/sources.list ] && set -- /etc/apt/sources.list
	for _f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$_f" ] && set -- "$@" "$_f"
	done
	[ $# -gt 0 ] || { echo '- -'; return 0; }
	awk -v suite="$SUITE" '
	function consider(types, uris, suites, enabled,   n, i, s, u) {
		if (enabled ~ /^[ \t]*no/ || (" " types " ") !~ /[ \t]deb[ \t]/)
			return
		split(uris, u, /[ \t]+/)
		n = split(suites, s, /[ \t]+/)
		for (i = 1; i <= n; i++) {
			if (s[i] == suite && main == "")
				main = u[1]
			if (s[i] == suite "-security" && sec == "")
				sec = u[1]
		}
	}
	function flush() {
		if (types != "")
			consider(types, uris, suites, enabled)
		types = uris = suites = enabled = ""
	}
	function value(line) {
		sub(/^[^:]*:[ \t]*/, "", line)
		return line
	}
	FNR == 1 { flush() }
	/^[ \t]*#/ { next }
	FILENAME ~ /\.sources$/ {
		if ($0 ~ /^[ \t]*$/) { flush(); next }
		if ($0 ~ /^Types:/) types = value($0)
		else if ($0 ~ /^URIs:/) uris = value($0)
		else if ($0 ~ /^Suites:/) suites = value($0)
		else if ($0 ~ /^Enabled:/) enabled = value($0)
		next
	}
	$1 == "deb" {
		i = 2
		if ($i ~ /^\[/)
			while (i <= NF && $i !~ /\]$/)
				i++
		if ($i ~ /^\[/ || $i ~ /\]$/)
			i++
		consider("deb", $i, $(i + 1), "")
	}
	END {
		flush()
		print (main == "" ? "-" : main), (sec == "" ? "-" : sec)
	}' "$@"
}

# ---- setup -----------------------------------------------------------------

step_begin setup "docker daemon and tools"
command -v docker >/dev/null 2>&1 || fail "the docker client is not installed"
dockerd_ensure || fail "no docker daemon (see above)"
say "docker: $(docker version -f '{{.Server.Version}}' 2>/dev/null)"

# shellcheck disable=SC2046 # two words
set -- $(find_mirrors)
MIRROR=${APT_MIRROR:-$1}
SEC_MIRROR=${APT_SECURITY_MIRROR:-$2}
[ "$MIRROR" != - ] || MIRROR=http://deb.debian.org/debian
[ "$SEC_MIRROR" != - ] || SEC_MIRROR=http://deb.debian.org/debian-security
say "apt mirror: $MIRROR (security: $SEC_MIRROR)"
step_end ok

# ---- rootfs ----------------------------------------------------------------

step_begin rootfs "debootstrap --variant=minbase $SUITE -> $ROOTFS_IMAGE"
h=$(printf 'rootfs v1 %s %s\n' "$SUITE" "$MIRROR" | hash_of)
if up_to_date "$ROOTFS_IMAGE" "$h"; then
	step_end skipped
else
	[ "$(id -u)" = 0 ] || fail "debootstrap needs root"
	if ! command -v debootstrap >/dev/null 2>&1; then
		say "installing debootstrap"
		logged env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
		    fail_log "apt-get update"
		logged env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends debootstrap ||
		    fail_log "apt-get install debootstrap"
	fi
	root=$(t_tmpdir rootfs) || fail "no temp dir"
	logged debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR" ||
	    fail_log "debootstrap $SUITE from $MIRROR"
	rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
	    "$root"/var/log/bootstrap.log
	# The host's resolver and name: docker supplies its own at run time.
	: >"$root/etc/resolv.conf"
	echo localhost >"$root/etc/hostname"
	tar --numeric-owner -C "$root" -cf "$T_TMP/rootfs.tar" . ||
	    fail "tar of the root fs"
	rm -rf "$root"
	old=$(image_id "$ROOTFS_IMAGE")
	logged docker import -c 'CMD ["/bin/bash"]' -c "LABEL $HASH_LABEL=$h" \
	    "$T_TMP/rootfs.tar" "$ROOTFS_IMAGE" || fail_log "docker import"
	rm -f "$T_TMP/rootfs.tar"
	drop_old "$old" "$ROOTFS_IMAGE"
	step_end built
fi

# ---- context and base ------------------------------------------------------

case $(uname -m) in
x86_64) NODE_ARCH=x64 ;;
aarch64) NODE_ARCH=arm64 ;;
*) NODE_ARCH=unsupported ;;
esac

# This machine's extra CAs: the ones update-ca-certificates adds to Debian's.
CA_FILES=$(find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort)

h=$({
	cat "$SRC/Dockerfile.base"
	printf 'base v2 %s %s %s %s %s %s\n' "$(image_id "$ROOTFS_IMAGE")" \
	    "$MIRROR" "$SEC_MIRROR" "$NODE_MAJOR" "$NPM_MAJOR" "$NODE_ARCH"
	for f in $CA_FILES; do
		cat "$f"
	done
} | hash_of)
if up_to_date "$BASE_IMAGE" "$h"; then
	step_begin context "CA certificates, Node.js $NODE_MAJOR"
	step_end skipped
	step_begin base "Dockerfile.base -> $BASE_IMAGE"
	step_end skipped
else
	step_begin context "CA certificates, Node.js $NODE_MAJOR and npm $NPM_MAJOR from the npm registry"
	[ "$NODE_ARCH" != unsupported ] || fail "no Node.js package for $(uname -m)"
	# Any npm will do to fetch the packages: Debian's, on a bare machine.
	if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
		logged env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends npm || fail_log "apt-get install npm"
	fi
	command -v npm >/dev/null 2>&1 ||
	    fail "npm is needed to fetch Node.js from the npm registry"
	ctx=$(t_tmpdir context) || fail "no temp dir"
	mkdir -p "$ctx/node/lib/node_modules/npm" "$ctx/pack" || fail "mkdir"
	# npm checks each tarball against the registry's integrity hash.
	(cd "$ctx/pack" && logged npm pack "node-linux-$NODE_ARCH@$NODE_MAJOR" \
	    "npm@$NPM_MAJOR") || fail_log "npm pack node-linux-$NODE_ARCH@$NODE_MAJOR npm@$NPM_MAJOR"
	set -- "$ctx/pack/node-linux-$NODE_ARCH"-*.tgz
	[ -f "$1" ] || fail_log "npm pack gave no node-linux-$NODE_ARCH tarball"
	tar -xzf "$1" -C "$ctx/node" --strip-components=1 --no-same-owner ||
	    fail "unpack $1"
	set -- "$ctx/pack/npm"-*.tgz
	[ -f "$1" ] || fail_log "npm pack gave no npm tarball"
	tar -xzf "$1" -C "$ctx/node/lib/node_modules/npm" --strip-components=1 \
	    --no-same-owner || fail "unpack $1"
	chmod 755 "$ctx/node/bin/node" \
	    "$ctx/node/lib/node_modules/npm/bin/npm-cli.js" \
	    "$ctx/node/lib/node_modules/npm/bin/npx-cli.js" || fail "chmod"
	ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/node/bin/npm" ||
	    fail "link bin/npm"
	ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/node/bin/npx" ||
	    fail "link bin/npx"
	rm -rf "$ctx/pack"
	say "node $("$ctx/node/bin/node" --version 2>/dev/null || echo '(does not run here)'), npm $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$ctx/node/lib/node_modules/npm/package.json" | head -n 1)"
	step_end built

	step_begin base "image build --only base -> $BASE_IMAGE"
	old=$(image_id "$BASE_IMAGE")
	set --
	n=0
	for f in $CA_FILES; do
		set -- "$@" --ca-cert "$f"
		n=$((n + 1))
	done
	say "$n extra CA certificate(s) from /usr/local/share/ca-certificates"
	sbx_build --only base --from "$ROOTFS_IMAGE" --node "$ctx/node" \
	    --label "$HASH_LABEL=$h" \
	    --build-arg APT_MIRROR="$MIRROR" \
	    --build-arg APT_SECURITY_MIRROR="$SEC_MIRROR" "$@" ||
	    fail_log "image build --only base"
	rm -rf "$ctx"
	drop_old "$old" "$BASE_IMAGE"
	step_end built
fi

# ---- agent -----------------------------------------------------------------

REGISTRY=$(npm config get registry 2>/dev/null || :)
case $REGISTRY in
https://registry.npmjs.org | https://registry.npmjs.org/ | undefined) REGISTRY= ;;
esac
h=$({
	cat "$SRC/Dockerfile" "$SRC/entrypoint.sh"
	printf 'agent v2 %s %s %s\n' "$(image_id "$BASE_IMAGE")" \
	    "$CLAUDE_CODE_VERSION" "$REGISTRY"
} | hash_of)
step_begin agent "image build --only agent (Claude Code $CLAUDE_CODE_VERSION) -> $IMAGE"
if up_to_date "$IMAGE" "$h"; then
	step_end skipped
else
	old=$(image_id "$IMAGE")
	sbx_build --only agent --label "$HASH_LABEL=$h" \
	    --claude-code-version "$CLAUDE_CODE_VERSION" \
	    --build-arg NPM_REGISTRY="$REGISTRY" ||
	    fail_log "image build --only agent"
	drop_old "$old" "$IMAGE"
	# Earlier bases and root fs images nothing uses any more.
	docker image prune -f --filter "label=$HASH_LABEL" >/dev/null 2>&1
	step_end built
fi

# ---- check -----------------------------------------------------------------

step_begin check "the image as sandbox-tui runs it"
run() {
	docker run --rm --network none "$@"
}
VERSION=$(run --user agent "$IMAGE" claude --version 2>"$LOG") ||
    fail_log "claude --version in $IMAGE"
say "claude --version: $VERSION"
t_ok "claude --version as user agent: $VERSION"

t_check "sandbox-tui's run flags (--init, --cap-drop ALL, no-new-privileges)" \
    run --init --cap-drop ALL --security-opt no-new-privileges "$IMAGE" \
    claude --version
t_check "Node.js >= 22, npm" run "$IMAGE" sh -c \
    'node -e "process.exit(+process.versions.node.split(\".\")[0] >= 22 ? 0 : 1)" && npm --version'
t_check "tools" run "$IMAGE" sh -c \
    'for c in git gcc make python3 pip3 rg jq curl less ps ssh; do command -v $c >/dev/null || { echo "no $c"; exit 1; }; done; python3 -m venv /tmp/v'
t_check "locales en_US.UTF-8 and C.UTF-8" run "$IMAGE" sh -c \
    'locale -a | grep -qx en_US.utf8 && locale -a | grep -qx C.utf8 && [ "$LANG" = en_US.UTF-8 ]'
t_check "runs as uid 1000 in /workspace" run "$IMAGE" sh -c \
    '[ "$(id -u):$(id -un):$HOME:$(pwd)" = "1000:agent:/home/agent:/workspace" ] || { id; pwd; exit 1; }'
for f in $CA_FILES; do
	line=$(sed -n 2p "$f")
	t_check "CA $(basename "$f") in the image's bundle and npm's cafile" \
	    run "$IMAGE" sh -c 'grep -qF "$1" /etc/ssl/certs/ca-certificates.crt &&
		[ "$(npm config get cafile)" = /etc/ssl/certs/ca-certificates.crt ] &&
		[ "$NODE_EXTRA_CA_CERTS" = /etc/ssl/certs/ca-certificates.crt ]' sh "$line"
done
t_check "entrypoint: ~/.claude.json onboarded, /workspace trusted, 0600" \
    run "$IMAGE" sh -c 'jq -e ".hasCompletedOnboarding == true and .projects[\"/workspace\"].hasTrustDialogAccepted == true" ~/.claude.json >/dev/null && [ "$(stat -c %a ~/.claude.json)" = 600 ]'

# A made-up key, in an env file as sandbox-tui passes secrets.
d=$(t_tmpdir env) || fail "no temp dir"
(umask 077 && printf 'ANTHROPIC_API_KEY=sk-ant-test-%s\n' \
    "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" >"$d/agent.env")
t_check "entrypoint: ANTHROPIC_API_KEY approved (its last 20 characters)" \
    run --env-file "$d/agent.env" "$IMAGE" sh -c 'jq -e --arg t "$(printf %s "$ANTHROPIC_API_KEY" | tail -c 20)" ".customApiKeyResponses.approved == [\$t]" ~/.claude.json >/dev/null'

# What a person would see first: Claude Code's prompt, none of its
# first-run questions.
if command -v tmux >/dev/null 2>&1; then
	# shellcheck source=tests/lib/tmux.sh
	. "$T_REPO/tests/lib/tmux.sh"
	name=sandbox-image-check-$$
	t_on_exit "docker rm -f $name >/dev/null 2>&1"
	tmux_start 120 40 docker run --rm -it --name "$name" --network none \
	    --init --cap-drop ALL --security-opt no-new-privileges \
	    --env-file "$d/agent.env" \
	    -v "$T_REPO/config/claude-settings.json:/etc/claude-code/managed-settings.json:ro" \
	    "$IMAGE"
	if tmux_wait_for '^❯' 60 2>"$LOG"; then
		screen=$(tmux_capture)
		case $screen in
		*Welcome*|*"you trust"*|*"API key"*|*"text style"*)
			t_fail "claude starts at its prompt, no first-run questions" "$screen" ;;
		*)
			t_ok "claude starts at its prompt, no first-run questions" ;;
		esac
	else
		t_fail "claude starts at its prompt, no first-run questions" "$(cat "$LOG")"
	fi
	tmux_kill
	docker rm -f "$name" >/dev/null 2>&1
else
	t_skip "claude starts at its prompt, no first-run questions" "no tmux"
fi

d=$(t_tmpdir settings) || fail "no temp dir"
echo '{"permissions":{"defaultMode":"acceptEdits"}}' >"$d/s.json"
chmod 644 "$d/s.json"
t_check "entrypoint: ~/.claude/settings.json links the mounted settings" \
    run -v "$d/s.json:/etc/claude-code/managed-settings.json:ro" "$IMAGE" \
    sh -c '[ "$(readlink ~/.claude/settings.json)" = /etc/claude-code/managed-settings.json ] && jq -e .permissions ~/.claude/settings.json >/dev/null'

d=$(t_tmpdir ws-ok) || fail "no temp dir"
chown 1000:1000 "$d" 2>/dev/null
t_check "entrypoint: a workspace of uid 1000 is used" \
    run --cap-drop ALL -v "$d:/workspace" "$IMAGE" sh -c 'echo hi >/workspace/f'
[ -f "$d/f" ] || t_fail "the file written in /workspace is on the host"

d=$(t_tmpdir ws-bad) || fail "no temp dir"
chown 4242:4242 "$d" 2>/dev/null
chmod 755 "$d"
if out=$(run --cap-drop ALL -v "$d:/workspace" "$IMAGE" true 2>&1); then
	t_fail "entrypoint: a workspace of another uid is refused" "it ran: $out"
else
	case $out in
	*"owned by uid 4242"*chown*) t_ok "entrypoint: a workspace of another uid is refused, with how to fix it" ;;
	*) t_fail "entrypoint: a workspace of another uid is refused" "$out" ;;
	esac
fi
step_end ok

say "timings:$TIMINGS total=$(seconds_since "$T_START")s"
say "images: $ROOTFS_IMAGE $BASE_IMAGE $IMAGE"
t_done
