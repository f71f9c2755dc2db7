#!/bin/sh
# Entrypoint of the sandbox-tui agent image (POSIX sh).
#
# Nobody is at the agent's terminal when it starts, so Claude Code's
# first-run questions (theme and onboarding, folder trust, whether to use
# ANTHROPIC_API_KEY) would block it: this marks them answered in
# ~/.claude.json, keeping every other key, then runs the command in the
# workspace.  Also:
#   - ~/.claude/settings.json becomes a link to the settings sandbox-tui
#     mounts read-only at /etc/claude-code/managed-settings.json (Claude
#     Code reads that path itself too), unless the user has their own;
#   - a workspace the agent cannot write stops the container with a message
#     saying how to fix the owner on the host.
#
# Environment: SANDBOX_WORKSPACE (default /workspace).

set -u

WS=${SANDBOX_WORKSPACE:-/workspace}
MANAGED=/etc/claude-code/managed-settings.json
VERSION_FILE=/usr/local/share/sandbox-agent/claude-version
ME=sandbox-agent

say() {
	printf '%s: %s\n' "$ME" "$*" >&2
}

# The keys Claude Code writes when a person answers its first-run,
# folder-trust and "use this API key?" prompts.  The key is read by jq from
# the environment (never from argv), and only its last 20 characters are
# kept, as Claude Code itself does.  The self-updater is off through
# DISABLE_AUTOUPDATER in the image: "autoUpdates": false here would make
# Claude Code move it into ~/.claude/settings.json.
claude_state_filter() {
	cat <<'EOF'
.hasCompletedOnboarding = true
| (if $version != "" then .lastOnboardingVersion = $version else . end)
| .projects = (.projects // {})
| .projects[$ws] = ((.projects[$ws] // {}) + {
	hasTrustDialogAccepted: true,
	hasCompletedProjectOnboarding: true
  })
| ($ENV.ANTHROPIC_API_KEY // "") as $key
| if $key == "" then . else
	($key[-20:]) as $tail
	| .customApiKeyResponses = (.customApiKeyResponses // {})
	| .customApiKeyResponses.approved =
		(((.customApiKeyResponses.approved // []) - [$tail]) + [$tail])
	| .customApiKeyResponses.rejected =
		((.customApiKeyResponses.rejected // []) - [$tail])
  end
EOF
}

# ~/.claude.json may hold an API key once the user logs in: only the owner
# reads it, and it is replaced in one rename so a crash never leaves half.
prepare_claude_state() {
	_f=$HOME/.claude.json
	_v=
	[ -r "$VERSION_FILE" ] && read -r _v _ <"$VERSION_FILE"
	if ! command -v jq >/dev/null 2>&1; then
		if [ ! -e "$_f" ]; then
			(umask 077 && printf '{"hasCompletedOnboarding":true}\n' >"$_f")
		fi
		say "jq is missing; $_f not prepared"
		return 0
	fi
	if [ -s "$_f" ] && ! jq -e 'type == "object"' "$_f" >/dev/null 2>&1; then
		_bad=$_f.corrupt.$(date +%Y%m%d%H%M%S)
		mv -f "$_f" "$_bad" && say "$_f was not a JSON object; moved to $_bad"
	fi
	_tmp=$_f.tmp.$$
	_rc=0
	if [ -s "$_f" ]; then
		(umask 077 && jq --arg ws "$WS" --arg version "$_v" \
		    "$(claude_state_filter)" "$_f" >"$_tmp") || _rc=1
	else
		(umask 077 && jq -n --arg ws "$WS" --arg version "$_v" \
		    "{} | $(claude_state_filter)" >"$_tmp") || _rc=1
	fi
	if [ "$_rc" != 0 ] || ! mv -f "$_tmp" "$_f"; then
		rm -f "$_tmp"
		say "could not update $_f"
		return 0
	fi
	chmod 600 "$_f" 2>/dev/null
	return 0
}

link_settings() {
	_d=$HOME/.claude
	_l=$_d/settings.json
	mkdir -p "$_d" 2>/dev/null && chmod 700 "$_d" 2>/dev/null
	if [ -f "$MANAGED" ]; then
		if [ ! -e "$_l" ] && [ ! -L "$_l" ]; then
			ln -s "$MANAGED" "$_l" || say "could not link $_l to $MANAGED"
		fi
	elif [ -L "$_l" ] && [ "$(readlink "$_l")" = "$MANAGED" ]; then
		# Our link from a run that had the settings mounted.
		rm -f "$_l"
	fi
}

check_workspace() {
	if [ ! -d "$WS" ]; then
		if ! mkdir -p "$WS" 2>/dev/null; then
			say "the workspace $WS does not exist and cannot be created"
			return 1
		fi
	fi
	if [ -w "$WS" ] && [ -x "$WS" ]; then
		return 0
	fi
	_owner=$(stat -c %u "$WS" 2>/dev/null || echo '?')
	_me=$(id -u)
	say "the workspace $WS is owned by uid $_owner and not writable by uid $_me ($(id -un 2>/dev/null || echo '?'))."
	say "Fix it on the host (the VM), for the directory mounted at $WS, e.g.:"
	say "    sudo chown -R $_me:$(id -g) WORKSPACE_DIR/agent-NN"
	say "then start the agent again."
	return 1
}

if [ -z "${HOME:-}" ] || [ ! -d "$HOME" ] || [ ! -w "$HOME" ]; then
	say "HOME (${HOME:-unset}) is not a writable directory; Claude Code's state not prepared"
else
	prepare_claude_state
	link_settings
fi

check_workspace || exit 1

# `docker run IMAGE --model x` means claude's options.
case ${1:-} in
'') set -- claude ;;
-*) set -- claude "$@" ;;
esac

cd "$WS" || exit 1
exec "$@"
