#!/bin/sh
# End-to-end: `image build` and `image status` over a private sshd on
# 127.0.0.1 and with --target local, against a real dockerd.  The build
# context goes as a tar on the stdin of `docker build -` on the target, so
# what is checked is what docker built from it: the files (a 30 MB one
# byte for byte), labels, the tag; then progress, the log file, a failing
# step named with docker's words, the bundled context (Dockerfile.base with
# CA certificates, stopped where a busybox base has no apt-get), bad input
# refused before connecting, `image status` in text and JSON, and the
# grid's `:image` with its progress in the status bar.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/e2e.sh"
. "$T_REPO/tests/lib/tmux.sh"

e2e_program
command -v python3 >/dev/null || t_die "python3 is needed to read JSON"

e2e_agents
TIMEOUT=$(command -v timeout)
TAG=sandbox-tui-test-built:$$
BASE_TAG=sandbox-tui-test-base:$$
t_on_exit "docker rmi -f $TAG $BASE_TAG >/dev/null 2>&1"
e2e_sshd
e2e_config
OUT=$T_TMP/out
ERR=$T_TMP/err
LOG=$XDG_CONFIG_HOME/sandbox-tui/image-build.log
MODE=ssh

sbx() {
	if [ "$MODE" = ssh ]; then
		set -- --target "$TARGET" -i "$SSHD_KEY" \
		    --known-hosts "$SSHD_KNOWN_HOSTS" -F /dev/null "$@"
	else
		set -- --target local "$@"
	fi
	"$TIMEOUT" -k 10 300 "$BIN" -o "agents.image=$TAG" \
	    -o "image.base=$BASE_TAG" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

said() {
	printf 'rc=%s\n--- stdout:\n%s\n--- stderr:\n%s\n' "$RC" \
	    "$(head -c 3000 "$OUT")" "$(tail -c 3000 "$ERR")"
}

label() {
	docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" \
	    2>/dev/null
}

# ---- a context of one's own, over ssh ------------------------------------

CTX=$(t_tmpdir ctx)
mkdir -p "$CTX/sub/deep" "$CTX/empty"
head -c 30000000 /dev/urandom >"$CTX/sub/big.bin"
printf 'hello\n' >"$CTX/sub/deep/a.txt"
ln -s deep/a.txt "$CTX/sub/link"
printf '#!/bin/sh\necho run\n' >"$CTX/run.sh"
chmod 755 "$CTX/run.sh"
want_sum=$(sha256sum "$CTX/sub/big.bin" | cut -d' ' -f1)
cat >"$CTX/Dockerfile" <<EOF
FROM $AGENT_IMAGE
COPY . /ctx/
RUN cd /ctx && sha256sum sub/big.bin >/sums && cat sub/link && \\
    ls -l run.sh && test -d empty && echo context-ok
EOF

sbx image build --context "$CTX" --label test.note=one
if [ "$RC" = 0 ] && docker image inspect "$TAG" >/dev/null 2>&1; then
	t_ok "ssh: image build --context builds the tag on the target"
else
	t_fail "ssh: image build --context builds the tag on the target" "$(said)"
fi
got=$(docker run --rm --entrypoint cat "$TAG" /sums 2>&1 | cut -d' ' -f1)
t_check "ssh: a 30 MB file arrives byte for byte through the tar stream" \
    [ "$got" = "$want_sum" ]
t_check "ssh: symlinks, modes and empty folders survive" \
    sh -c "grep -q '^hello' '$ERR' && grep -q 'rwxr-xr-x.*run.sh' '$ERR' &&
    grep -q '^context-ok' '$ERR'"
t_check "ssh: labels sandbox-tui.version and --label" sh -c \
    "[ -n \"\$(docker image inspect -f '{{index .Config.Labels \"sandbox-tui.version\"}}' '$TAG')\" ] &&
    [ \"\$(docker image inspect -f '{{index .Config.Labels \"test.note\"}}' '$TAG')\" = one ]"
t_check "ssh: stdout is the tag and the image id, progress on stderr" sh -c \
    "grep -Eq '^$TAG [0-9a-f]{12}' '$OUT' && grep -q 'sending 30.0 MB of build context' '$ERR' &&
    grep -q '^Step 3/5 : RUN' '$ERR' && grep -q 'context sent' '$ERR'"
t_check "the whole output is kept in image-build.log, mode 0600" sh -c \
    "grep -q '^Successfully tagged $TAG' '$LOG' && [ \$(stat -c %a '$LOG') = 600 ]"

# docker build - takes a tar context whole: .dockerignore is applied while
# packing, or an ignored .env would end up in the image.
ICTX=$(t_tmpdir ignorectx)
mkdir -p "$ICTX/node_modules/pkg" "$ICTX/logs" "$ICTX/src"
echo 'API_KEY=do-not-ship' >"$ICTX/.env"
echo x >"$ICTX/node_modules/pkg/index.js"
echo a >"$ICTX/logs/a.log"
echo k >"$ICTX/logs/keep.log"
echo m >"$ICTX/src/main.c"
echo d >"$ICTX/src/debug.log"
printf '\357\273\277# not for docker\n.env\nnode_modules\n**/*.log\n!logs/keep.log\n' \
    >"$ICTX/.dockerignore"
printf 'FROM %s\nCOPY . /ctx/\n' "$AGENT_IMAGE" >"$ICTX/Dockerfile"
sbx image build --context "$ICTX"
# What the image holds: a build from docker's cache prints no step output.
got=$(docker run --rm --entrypoint sh "$TAG" -c 'cd /ctx && for f in .env \
    node_modules logs/a.log logs/keep.log src/main.c src/debug.log \
    .dockerignore; do if [ -e $f ]; then echo "has $f"; else echo "no $f"; fi
    done' 2>&1)
want='no .env
no node_modules
no logs/a.log
has logs/keep.log
has src/main.c
no src/debug.log
has .dockerignore'
if [ "$RC" = 0 ] && [ "$got" = "$want" ]; then
	t_ok ".dockerignore: ignored files stay out, '!' brings one back"
else
	t_fail ".dockerignore: ignored files stay out, '!' brings one back" \
	    "$got
$(said)"
fi
printf 'ok\n[abc\n' >"$ICTX/.dockerignore"
sbx image build --context "$ICTX"
t_check "a bad .dockerignore line is named" sh -c \
    "[ $RC != 0 ] && grep -qF '$ICTX/.dockerignore:2: a '\''['\'' with no' '$ERR'"

# ---- image status ---------------------------------------------------------

agents_create 2
docker rm -f sandbox-agent-02 >/dev/null 2>&1
docker run -dit --init --name sandbox-agent-02 --label sandbox-tui.agent=2 \
    --label sandbox-tui.version=test "$TAG" >/dev/null 2>&1
sbx image status
id=$(docker image inspect -f '{{.Id}}' "$TAG" | cut -c8-19)
if [ "$RC" = 0 ] && grep -q "^image  *$TAG  $id" "$OUT" &&
    grep -q "^base  *$BASE_TAG: not on the target" "$OUT" &&
    grep -q '^agents  *2, 1 on an older image.*sandbox-agent-01' "$OUT" &&
    ! grep -q 'sandbox-agent-02' "$OUT"; then
	t_ok "image status: the image, no base, which agents run an older one"
else
	t_fail "image status: the image, no base, which agents run an older one" "$(said)"
fi
sbx image status --json
t_check "image status --json" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["image"]["present"] and d["image"]["name"] == sys.argv[2], d
assert not d["base"]["present"], d
cur = {a["name"]: a["current"] for a in d["agents"]}
assert cur == {"sandbox-agent-01": False, "sandbox-agent-02": True}, cur
assert "claude_code" not in d, d
' "$OUT" "$TAG"
agents_rm_all

# ---- failures -------------------------------------------------------------

printf 'FROM %s\nRUN echo about to fail && exit 3\n' "$AGENT_IMAGE" \
    >"$CTX/Dockerfile"
sbx image build --context "$CTX"
if [ "$RC" = 1 ] && grep -q "image build agent: docker build exited with status [0-9]* at step 2/[0-9]*: RUN echo about to fail && exit 3: about to fail (The command .* returned a non-zero code: 3) (the whole output is in .*image-build.log)" "$ERR"; then
	t_ok "a failing step: exit 1, the step and docker's words, the log named"
else
	t_fail "a failing step: exit 1, the step and docker's words, the log named" "$(said)"
fi

# The bundled context: Dockerfile.base with a CA certificate.  Busybox has
# no apt-get, so it stops at the first RUN, after COPY ca/ took the file.
CA=$T_TMP/test-ca.pem
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/ca.key" \
    -subj /CN=sandbox-tui-test-ca -days 2 -out "$CA" >/dev/null 2>&1 ||
    t_die "openssl could not make a CA"
sbx image build --only base --from "$AGENT_IMAGE" --ca-cert "$CA" \
    --node-version 22
if [ "$RC" = 1 ] && grep -q "^Step [0-9]*/[0-9]* : COPY ca/ /usr/local/share/ca-certificates/" "$ERR" &&
    grep -q "image build base: docker build exited with status [0-9]* at step [0-9]*/[0-9]*: RUN set -eu.*: /bin/sh: apt-get: not found (The command" "$ERR"; then
	t_ok "bundled base: Dockerfile.base with --from, --ca-cert; fails at apt on busybox"
else
	t_fail "bundled base: Dockerfile.base with --from, --ca-cert; fails at apt on busybox" "$(said)"
fi

sbx image build --ca-cert /nonexistent/ca.pem
t_check "a missing --ca-cert is refused before connecting, named" sh -c \
    "[ $RC = 2 ] && grep -q -- '--ca-cert /nonexistent/ca.pem: No such file' '$ERR'"
printf 'not a certificate\n' >"$T_TMP/bad.pem"
sbx image build --only base --ca-cert "$T_TMP/bad.pem"
t_check "a --ca-cert that is no PEM certificate is named" sh -c \
    "[ $RC != 0 ] && grep -q 'CA certificate $T_TMP/bad.pem: not a PEM certificate' '$ERR'"
sbx image build --context "$T_TMP/xdg"
t_check "--context without a Dockerfile is refused" sh -c \
    "[ $RC != 0 ] && grep -q 'no Dockerfile in it' '$ERR'"
sbx image build --only everything
t_check "--only takes base or agent" sh -c \
    "[ $RC = 2 ] && grep -q -- '--only everything: base or agent' '$ERR'"
sbx image build --build-arg 'A B=c' --context "$CTX"
t_check "a bad --build-arg is refused with its name" sh -c \
    "[ $RC != 0 ] && grep -q \"build argument 'A B=c'\" '$ERR'"

# ---- workspaces belong to the image's user ----------------------------------

# The bundled image names its user's uid in the label sandbox-tui.uid; an
# image without the label leaves the workspace to the SSH user (root here).
WS=$T_TMP/ws
printf 'FROM %s\nLABEL sandbox-tui.uid=4242\n' "$AGENT_IMAGE" >"$CTX/Dockerfile"
sbx image build --context "$CTX"
sbx -o "agents.workspace_dir=$WS" agents start 1
t_check "a new workspace is given to the uid of the image's label" sh -c \
    "[ $RC = 0 ] && [ \"\$(stat -c %u:%g '$WS/agent-01')\" = 4242:4242 ]"
agents_rm_all
printf 'FROM %s\n' "$AGENT_IMAGE" >"$CTX/Dockerfile"
sbx image build --context "$CTX"
sbx -o "agents.workspace_dir=$WS" agents start 2
t_check "an image without the label leaves the workspace to the SSH user" sh -c \
    "[ $RC = 0 ] && [ \"\$(stat -c %u '$WS/agent-02')\" = 0 ]"
agents_rm_all

# ---- local, and --target after the command --------------------------------

docker rmi -f "$TAG" >/dev/null 2>&1
printf 'FROM %s\nCOPY run.sh /run.sh\n' "$AGENT_IMAGE" >"$CTX/Dockerfile"
"$TIMEOUT" -k 10 300 "$BIN" -o "agents.image=$TAG" image build \
    --context "$CTX" --target local >"$OUT" 2>"$ERR" </dev/null
RC=$?
t_check "local: image build --context ... --target local" sh -c \
    "[ $RC = 0 ] && docker image inspect '$TAG' >/dev/null 2>&1 &&
    grep -q 'on local' '$ERR'"

# ---- in the grid -----------------------------------------------------------

docker rmi -f "$TAG" >/dev/null 2>&1
printf 'FROM %s\nRUN sleep 2\n' "$AGENT_IMAGE" >"$CTX/Dockerfile"
tmux_start 120 30 env XDG_CONFIG_HOME="$XDG_CONFIG_HOME" "$BIN" \
    --target local -o "agents.image=$TAG"
tmux_wait_for 'local' 20 >/dev/null 2>&1
tmux_send C-] :
tmux_type "image build --context $CTX"
tmux_send Enter
if tmux_wait_for 'image build agent: step 2/[0-9]: RUN sleep 2' 30 >/dev/null 2>&1; then
	t_ok "grid: :image build shows the step in the status bar"
else
	t_fail "grid: :image build shows the step in the status bar" "$(tmux_capture | tail -3)"
fi
if tmux_wait_for "image build: $TAG is ready" 60 >/dev/null 2>&1; then
	t_ok "grid: the build ends with a message"
else
	t_fail "grid: the build ends with a message" "$(tmux_capture | tail -3)"
fi
tmux_send C-] :
tmux_type "image status"
tmux_send Enter
if tmux_wait_for "image $TAG [0-9a-f]* built" 30 >/dev/null 2>&1; then
	t_ok "grid: :image status in the status bar"
else
	t_fail "grid: :image status in the status bar" "$(tmux_capture | tail -3)"
fi
tmux_kill

t_done
