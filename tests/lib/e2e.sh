# The set-up that the end-to-end scripts running the program against real
# agents share, to be sourced after common.sh (POSIX sh).  Sources
# dockerd.sh, agent_image.sh and sshd.sh.
#
#   e2e_program   BIN: the program under test ($SANDBOX_TUI, by default the
#                 repo's sandbox-tui); dies if it is not built.  Exports
#                 T_TMP for the commands tmux runs.
#   e2e_agents    a docker daemon and the test agent image; no agent
#                 container at the start, none left at exit
#   e2e_sshd      a private sshd, stopped at exit: SSHD_DIR and TARGET
#                 (ssh://root@127.0.0.1:PORT), with sshd.sh's SSHD_PORT,
#                 SSHD_KEY, SSHD_KNOWN_HOSTS
#   e2e_config    nothing of the user's own setup: a private, empty
#                 XDG_CONFIG_HOME and none of the environment variables of
#                 the option table (config/options.c)

. "$T_REPO/tests/lib/dockerd.sh"
. "$T_REPO/tests/lib/agent_image.sh"
. "$T_REPO/tests/lib/sshd.sh"

e2e_program() {
	export T_TMP
	BIN=${SANDBOX_TUI:-$T_REPO/sandbox-tui}
	[ -x "$BIN" ] || t_die "no binary at $BIN (run make first)"
}

e2e_agents() {
	dockerd_ensure || t_die "no docker daemon"
	agent_image_build || t_die "cannot build the test agent image"
	agents_rm_all
	t_on_exit agents_rm_all
}

e2e_sshd() {
	SSHD_DIR=$(t_tmpdir sshd)
	sshd_start "$SSHD_DIR" || t_die "sshd did not start"
	t_on_exit "sshd_stop '$SSHD_DIR'"
	TARGET="ssh://root@127.0.0.1:$SSHD_PORT"
}

e2e_config() {
	XDG_CONFIG_HOME="$T_TMP/xdg"
	export XDG_CONFIG_HOME
	mkdir -p "$XDG_CONFIG_HOME"
	unset SANDBOX_TUI_TARGET AGENT_COUNT WORKSPACE_DIR CLAUDE_SETTINGS \
	    ANTHROPIC_API_KEY PROJECT_ID REGION ZONE
}
