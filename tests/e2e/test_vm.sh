#!/bin/sh
# End-to-end: the VM through the Compute Engine API, against the fake
# Google (tests/fake_gce.py) with the real sshd and dockerd standing in for
# the VM: the fake answers with 127.0.0.1 as the VM's address, the test
# sshd's host key as its guest attributes, and writes the ssh-keys metadata
# into that sshd's authorized_keys, as Google's guest agent would.
# `vm create` -> `agents start 12` -> the grid shows 12 agents; create
# again finishes nothing twice; 30% injected 5xx still makes exactly one
# instance; a host key that differs from the pinned one is refused;
# status, stop, start, schedule, delete; missing credentials and a 403.
. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/tmux.sh"
. "$T_REPO/tests/lib/e2e.sh"
. "$T_REPO/tests/lib/fake_gce.sh"

e2e_program
e2e_agents
e2e_sshd
# Only the key the program makes may log in: the fake writes it here.
: >"$SSHD_DIR/authorized_keys"

FAKE_DIR=$(t_tmpdir fake)
fake_gce_start "$FAKE_DIR" --host-keys "$SSHD_DIR/host_ed25519.pub" \
    --authorized-keys "$SSHD_DIR/authorized_keys" --ready-after 2 ||
    t_die "the fake Google did not start"
fake_gce_key "$FAKE_DIR" || t_die "no test service account key"

e2e_config
unset CLOUDSDK_CORE_PROJECT CLOUDSDK_COMPUTE_ZONE GCE_METADATA_HOST
export CLOUDSDK_CONFIG="$T_TMP/gcloud"
export GOOGLE_APPLICATION_CREDENTIALS="$FAKE_GCE_KEY"
ZONE_NAME=us-central1-a
set -- --target gce -o "gcp.project=$FAKE_GCE_PROJECT" \
    -o "gcp.zone=$ZONE_NAME" -o "gcp.api_endpoint=$FAKE_GCE_URL" \
    -o "gcp.iam_endpoint=$FAKE_GCE_URL" \
    -o "gcp.resourcemanager_endpoint=$FAKE_GCE_URL" \
    -o gcp.ssh_user=root -o "gcp.ssh_port=$SSHD_PORT" \
    -o gcp.ssh_source_ranges=203.0.113.0/24 -o gcp.spot=on \
    -o gcp.network=sbx-net -o gcp.boot_timeout=60 -o gcp.ready_timeout=60 \
    -o ssh.keepalive=2 -o "agents.image=$AGENT_IMAGE" \
    -o "agents.workspace_dir=$T_TMP/ws"

state() {
	fake_gce_state >"$T_TMP/state.json"
}

# How many instance inserts the fake acted on (requestId repeats not).
instances() {
	state
	python3 - "$T_TMP/state.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
print(len(s["instances"]))
EOF
}

# --- vm create ---------------------------------------------------------
if timeout 180 "$BIN" "$@" vm create >"$T_TMP/create.out" 2>"$T_TMP/create.err" </dev/null; then
	t_ok "vm create exits 0"
else
	t_fail "vm create" "$(cat "$T_TMP/create.out" "$T_TMP/create.err")"
fi
if grep -q "ready: ssh://root@127.0.0.1:$SSHD_PORT" "$T_TMP/create.out"; then
	t_ok "vm create says where the VM is"
else
	t_fail "vm create output" "$(cat "$T_TMP/create.out")"
fi
if grep -q "next: sandbox-tui image build (makes .* on the VM)" "$T_TMP/create.err"; then
	t_ok "vm create says the image is built next"
else
	t_fail "vm create says the image is built next" "$(cat "$T_TMP/create.err")"
fi

# image build through the gce target (looked up, host key pinned).
mkdir -p "$T_TMP/ctx"
printf 'FROM %s\nRUN echo built-on-the-vm\n' "$AGENT_IMAGE" >"$T_TMP/ctx/Dockerfile"
VM_TAG=sandbox-tui-vm-built:$$
t_on_exit "docker rmi -f $VM_TAG >/dev/null 2>&1"
if timeout 180 "$BIN" "$@" -o "agents.image=$VM_TAG" image build \
    --context "$T_TMP/ctx" >"$T_TMP/image.out" 2>"$T_TMP/image.err" </dev/null &&
    grep -q '^built-on-the-vm' "$T_TMP/image.err" &&
    docker image inspect "$VM_TAG" >/dev/null 2>&1; then
	t_ok "image build on the VM through the gce target"
else
	t_fail "image build on the VM through the gce target" "$(tail -20 "$T_TMP/image.err")"
fi
for step in "network sbx-net: created" "firewall sandbox-agents-ssh: created" \
    "service account sandbox-agents: created" "roles granted" \
    "instance sandbox-agents: created" "host keys of 127.0.0.1 pinned" \
    "startup script finished"; do
	if grep -q "$step" "$T_TMP/create.err"; then
		t_ok "progress: $step"
	else
		t_fail "progress: $step" "$(cat "$T_TMP/create.err")"
	fi
done
if ! grep -q "open to the whole internet" "$T_TMP/create.err"; then
	t_ok "no internet-wide warning for 203.0.113.0/24"
else
	t_fail "warned for a narrow range"
fi

# What was sent, read back from the fake's state.
state
if python3 - "$T_TMP/state.json" "$FAKE_GCE_PROJECT" "$ZONE_NAME" >"$T_TMP/check.out" 2>&1 <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
text = json.dumps(s)
def find(o, key):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == key:
                return v
            r = find(v, key)
            if r is not None:
                return r
    elif isinstance(o, list):
        for v in o:
            r = find(v, key)
            if r is not None:
                return r
    return None
inst = find(s, "instances")
vm = list(inst.values())[0] if isinstance(inst, dict) else inst[0]
meta = {i["key"]: i["value"] for i in vm["metadata"]["items"]}
assert meta["enable-guest-attributes"] == "TRUE", meta
assert meta["enable-oslogin"] == "FALSE", meta
assert meta["ssh-keys"].startswith("root:ssh-ed25519 "), meta["ssh-keys"]
assert "startup-script" in meta and "MaxSessions" in meta["startup-script"]
assert meta["ssh-max-sessions"] == "64"
assert vm["scheduling"]["provisioningModel"] == "SPOT", vm["scheduling"]
assert vm["scheduling"]["instanceTerminationAction"] == "STOP"
assert vm["shieldedInstanceConfig"]["enableSecureBoot"] is True
assert vm["machineType"].endswith("machineTypes/e2-standard-16")
assert "sandbox-agents" in vm["tags"]["items"]
assert vm["serviceAccounts"][0]["email"].startswith("sandbox-agents@")
fw = find(s, "firewalls")
fw = list(fw.values())[0] if isinstance(fw, dict) else fw[0]
assert fw["sourceRanges"] == ["203.0.113.0/24"], fw
assert fw["allowed"][0]["ports"] == ["22"], fw
assert "roles/artifactregistry.reader" in text
assert "serviceAccount:sandbox-agents@" in text
print("ok")
EOF
then
	t_ok "the instance, firewall and roles have the fields of the design"
else
	t_fail "the requests' fields" "$(cat "$T_TMP/check.out")"
fi
KH="$XDG_CONFIG_HOME/sandbox-tui/known_hosts"
if grep -q "^\[127.0.0.1\]:$SSHD_PORT ssh-ed25519 $(cut -d' ' -f2 "$SSHD_DIR/host_ed25519.pub")" "$KH" 2>/dev/null &&
    [ "$(stat -c %a "$KH")" = 600 ]; then
	t_ok "the VM's host key is pinned (0600) from its guest attributes"
else
	t_fail "pinned host key" "$(cat "$KH" 2>&1)"
fi
KEY="$XDG_CONFIG_HOME/sandbox-tui/id_ed25519"
if [ "$(stat -c %a "$KEY" 2>/dev/null)" = 600 ] &&
    grep -q "$(cut -d' ' -f2 "$KEY.pub")" "$SSHD_DIR/authorized_keys"; then
	t_ok "the program's own ed25519 key (0600) reached the VM's metadata"
else
	t_fail "ssh key" "$(ls -l "$XDG_CONFIG_HOME/sandbox-tui" 2>&1)"
fi
if ! grep -q "$(sed -n 's/.*"private_key_id": *"\([^"]*\)".*/\1/p' "$FAKE_GCE_KEY")" \
    "$T_TMP/create.out" "$T_TMP/create.err" &&
    ! grep -qi "bearer [a-z0-9]" "$T_TMP/create.err" "$FAKE_DIR/requests.log"; then
	t_ok "no key id or token in the output or the request log"
else
	t_fail "a secret leaked"
fi

# Again: every step finds its thing and makes nothing.
timeout 120 "$BIN" "$@" vm create >"$T_TMP/create2.out" 2>"$T_TMP/create2.err" </dev/null
rc=$?
if [ $rc = 0 ] && grep -q "instance sandbox-agents: exists" "$T_TMP/create2.err" &&
    grep -q "network sbx-net: exists" "$T_TMP/create2.err" &&
    [ "$(instances)" = 1 ]; then
	t_ok "vm create again finds everything and makes nothing"
else
	t_fail "second vm create (status $rc, $(instances) instances)" "$(cat "$T_TMP/create2.err")"
fi

# --- agents on the VM --------------------------------------------------
if timeout 300 "$BIN" "$@" agents start 12 >"$T_TMP/agents.out" 2>&1 </dev/null &&
    [ "$(docker ps --filter label=sandbox-tui.agent --format '{{.Names}}' | wc -l)" = 12 ]; then
	t_ok "agents start 12 on the VM, over the pinned connection"
else
	t_fail "agents start 12 on the VM" "$(tail -n 5 "$T_TMP/agents.out")"
fi

tmux_start 200 50 sh -c '"$0" "$@"; echo $? >"$T_TMP/exit"' "$BIN" "$@"
if tmux_wait_for 'agents 12/12' 60; then
	t_ok "the grid shows the VM's 12 agents"
else
	t_fail "grid on the VM" "$(tmux_capture | tail -n 3)"
fi
tmux_send C-] v
if tmux_wait_for 'vm create.start.stop.delete.status.schedule' 10; then
	tmux_type status
	tmux_send Enter
	if tmux_wait_for "VM sandbox-agents RUNNING at 127.0.0.1" 30; then
		t_ok "prefix v status shows the VM in the status bar"
	else
		t_fail "prefix v status" "$(tmux_capture | tail -n 2)"
	fi
else
	t_fail "prefix v opens the VM menu" "$(tmux_capture | tail -n 2)"
fi
# Deleting from the grid asks for the VM's name; another name keeps it.
tmux_send C-] v
tmux_wait_for 'vm create.start.stop.delete.status.schedule' 10
tmux_type delete
tmux_send Enter
if tmux_wait_for 'type its name' 10; then
	tmux_type sandbox-agentz
	tmux_send Enter
	if tmux_wait_for 'VM sandbox-agents not deleted' 10 && [ "$(instances)" = 1 ]; then
		t_ok "vm delete in the grid wants the VM's name typed"
	else
		t_fail "grid delete with a wrong name" "$(tmux_capture | tail -n 2)"
	fi
else
	t_fail "grid delete asks for the name" "$(tmux_capture | tail -n 2)"
fi
tmux_send C-] d
t_wait_until 10 test -s "$T_TMP/exit"
tmux_kill 2>/dev/null

# --- exports ----------------------------------------------------------
# The ssh config names the program's key and the pinned known_hosts:
# plain ssh reaches the VM with them, and shares one connection.
if timeout 60 "$BIN" "$@" export ssh-config "$T_TMP/ssh_config" >"$T_TMP/export.out" 2>&1 </dev/null &&
    ssh -G -F "$T_TMP/ssh_config" sandbox >/dev/null 2>&1 &&
    [ "$(timeout 30 ssh -F "$T_TMP/ssh_config" -o BatchMode=yes sandbox \
        docker ps --filter label=sandbox-tui.agent -q </dev/null 2>/dev/null | wc -l)" = 12 ] &&
    ssh -F "$T_TMP/ssh_config" -O check sandbox 2>&1 | grep -q "Master running"; then
	t_ok "export ssh-config: ssh reaches the VM's 12 agents over a shared connection"
else
	t_fail "export ssh-config" "$(cat "$T_TMP/export.out" "$T_TMP/ssh_config" 2>&1 | tail -n 20)"
fi
ssh -F "$T_TMP/ssh_config" -O exit sandbox >/dev/null 2>&1
if timeout 60 "$BIN" "$@" export compose - >"$T_TMP/compose.yml" 2>&1 </dev/null &&
    [ "$(grep -c 'container_name: "sandbox-agent-' "$T_TMP/compose.yml")" = 12 ] &&
    ! grep -q "$(sed -n 's/.*"private_key_id": *"\([^"]*\)".*/\1/p' "$FAKE_GCE_KEY")" "$T_TMP/compose.yml"; then
	t_ok "export compose -: the 12 running agents, nothing secret"
else
	t_fail "export compose" "$(head -n 5 "$T_TMP/compose.yml")"
fi

# --- status --------------------------------------------------------------
if timeout 60 "$BIN" "$@" vm status >"$T_TMP/status.out" 2>&1 </dev/null &&
    grep -q "status: *RUNNING" "$T_TMP/status.out" &&
    grep -q "address: *127.0.0.1" "$T_TMP/status.out" &&
    grep -q "machine: *e2-standard-16 (spot)" "$T_TMP/status.out" &&
    grep -Eq 'cost: .*\$[0-9.]+/hour.*month' "$T_TMP/status.out"; then
	t_ok "vm status: state, address, machine, cost"
else
	t_fail "vm status" "$(cat "$T_TMP/status.out")"
fi

# --- an endpoint over plain http to another machine ----------------------
# The bearer token would travel unencrypted: refused before any request.
if ! timeout 60 "$BIN" "$@" -o gcp.api_endpoint=http://compute.example.invalid \
    vm status >"$T_TMP/http.out" 2>&1 </dev/null &&
    grep -q "gcp.api_endpoint: plain http://" "$T_TMP/http.out"; then
	t_ok "an http:// endpoint to another machine is refused, naming the option"
else
	t_fail "http endpoint refused" "$(cat "$T_TMP/http.out")"
fi

# --- a host key that differs from the pinned one -----------------------
# The VM now publishes another key than the one its sshd shows: the
# connection must be refused, not the key learnt.
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/other_host" -C other
fake_gce_config "{\"host_keys_override\": [\"$(cut -d' ' -f1,2 "$T_TMP/other_host.pub")\"]}" >/dev/null
if ! timeout 60 "$BIN" "$@" agents list >"$T_TMP/mismatch.out" 2>&1 </dev/null &&
    grep -qi "host key" "$T_TMP/mismatch.out"; then
	t_ok "a host key that differs from the VM's guest attributes is refused"
else
	t_fail "host key mismatch" "$(cat "$T_TMP/mismatch.out")"
fi
# The same, with the sshd's real key listed for this address in the
# system-wide known_hosts (a recycled address another host left there):
# only the pinned file counts.  A private mount namespace shows the
# program its own /etc/ssh; this machine's is not touched.
if unshare --mount true 2>/dev/null; then
	mkdir -p "$T_TMP/etc_ssh"
	cp -a /etc/ssh/. "$T_TMP/etc_ssh/" 2>/dev/null || true
	echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$SSHD_DIR/host_ed25519.pub")" \
	    >>"$T_TMP/etc_ssh/ssh_known_hosts"
	if ! timeout 60 unshare --mount sh -c \
	    'mount --bind "$1" /etc/ssh && shift && exec "$@"' sh \
	    "$T_TMP/etc_ssh" "$BIN" "$@" agents list \
	    >"$T_TMP/global.out" 2>&1 </dev/null &&
	    grep -qi "host key" "$T_TMP/global.out"; then
		t_ok "the system-wide known_hosts cannot vouch for a key that differs from the pinned one"
	else
		t_fail "global known_hosts overrides the pin" "$(cat "$T_TMP/global.out")"
	fi
	if grep -q "GlobalKnownHostsFile /dev/null" "$T_TMP/ssh_config"; then
		t_ok "the exported ssh config reads only the pinned known_hosts"
	else
		t_fail "exported ssh config without GlobalKnownHostsFile" "$(cat "$T_TMP/ssh_config")"
	fi
else
	t_skip "global known_hosts cannot vouch" "no mount namespaces here"
fi
fake_gce_config '{"host_keys_override": null}' >/dev/null

# --- schedule ------------------------------------------------------------
if timeout 60 "$BIN" "$@" vm schedule --stop 19:00 --start 07:30 --tz Europe/Berlin \
    --days mon-fri >"$T_TMP/sched.out" 2>&1 </dev/null; then
	state
	if grep -q '30 7 \* \* 1-5' "$T_TMP/state.json" &&
	    grep -q 'sandbox-agents-schedule' "$T_TMP/state.json" &&
	    timeout 60 "$BIN" "$@" vm status 2>&1 </dev/null | grep -q "schedule: *sandbox-agents-schedule"; then
		t_ok "vm schedule attaches a start/stop policy (mon-fri 07:30/19:00)"
	else
		t_fail "schedule in the fake" "$(cat "$T_TMP/sched.out")"
	fi
else
	t_fail "vm schedule" "$(cat "$T_TMP/sched.out")"
fi
if timeout 60 "$BIN" "$@" vm schedule --off >"$T_TMP/off.out" 2>&1 </dev/null &&
    timeout 60 "$BIN" "$@" vm status 2>&1 </dev/null | grep -q "schedule: *none"; then
	t_ok "vm schedule --off detaches it"
else
	t_fail "vm schedule --off" "$(cat "$T_TMP/off.out")"
fi
"$BIN" "$@" vm schedule --stop 25:00 --tz UTC >"$T_TMP/bad.out" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q "25:00" "$T_TMP/bad.out"; then
	t_ok "a bad time is refused (exit 2)"
else
	t_fail "bad time (status $rc)" "$(cat "$T_TMP/bad.out")"
fi

# --- stop and start ------------------------------------------------------
if timeout 120 "$BIN" "$@" vm stop >"$T_TMP/stop.out" 2>&1 </dev/null &&
    timeout 60 "$BIN" "$@" vm status 2>&1 </dev/null | grep -q "status: *TERMINATED"; then
	t_ok "vm stop: TERMINATED"
else
	t_fail "vm stop" "$(cat "$T_TMP/stop.out")"
fi
if ! timeout 60 "$BIN" "$@" agents list >"$T_TMP/stopped.out" 2>&1 </dev/null &&
    grep -q "TERMINATED: start it with" "$T_TMP/stopped.out"; then
	t_ok "a stopped VM says how to start it"
else
	t_fail "stopped VM message" "$(cat "$T_TMP/stopped.out")"
fi
if timeout 120 "$BIN" "$@" vm start >"$T_TMP/start.out" 2>&1 </dev/null &&
    timeout 60 "$BIN" "$@" agents list >/dev/null 2>&1 </dev/null; then
	t_ok "vm start: reachable again"
else
	t_fail "vm start" "$(cat "$T_TMP/start.out")"
fi

# --- delete, then create through 30% server errors ----------------------
if ! "$BIN" "$@" vm delete >/dev/null 2>&1; then
	t_ok "vm delete without --yes is refused"
else
	t_fail "vm delete without --yes ran"
fi
if timeout 120 "$BIN" "$@" vm delete --yes >"$T_TMP/del.out" 2>&1 </dev/null &&
    [ "$(instances)" = 0 ] && ! grep -q "127.0.0.1\]:$SSHD_PORT" "$KH"; then
	t_ok "vm delete --yes removes the VM and its pinned key"
else
	t_fail "vm delete" "$(cat "$T_TMP/del.out")"
fi
fake_gce_config '{"error_rate": 0.3, "error_codes": [500, 503], "drop_after_rate": 0.1, "seed": 7}' >/dev/null
if timeout 300 "$BIN" "$@" vm create >"$T_TMP/flaky.out" 2>"$T_TMP/flaky.err" </dev/null &&
    [ "$(instances)" = 1 ]; then
	t_ok "vm create through 30% 5xx answers makes exactly one instance"
else
	t_fail "create with injected errors ($(instances) instances)" "$(tail -n 5 "$T_TMP/flaky.err")"
fi
fake_gce_config '{"error_rate": 0, "drop_after_rate": 0}' >/dev/null

# --- errors ------------------------------------------------------------
fake_gce_config '{"deny": ["compute.instances.stop"]}' >/dev/null
if ! timeout 60 "$BIN" "$@" vm stop >"$T_TMP/403.out" 2>&1 </dev/null &&
    grep -q "compute.instances.stop" "$T_TMP/403.out" &&
    grep -q "roles/" "$T_TMP/403.out"; then
	t_ok "a 403 names the missing permission and a role with it"
else
	t_fail "403 message" "$(cat "$T_TMP/403.out")"
fi
fake_gce_config '{"deny": null}' >/dev/null

# The startup script publishes its failure; create stops waiting at once.
fake_gce_ctl POST guest_attribute '{"instance": "sandbox-agents", "namespace": "sandbox-tui", "key": "error", "value": "1.0: failed in step docker"}' >/dev/null
if ! timeout 60 "$BIN" "$@" vm create >"$T_TMP/scripterr.out" 2>&1 </dev/null &&
    grep -q "startup script failed (1.0: failed in step docker)" "$T_TMP/scripterr.out" &&
    grep -q "get-serial-port-output" "$T_TMP/scripterr.out"; then
	t_ok "a failed startup script is reported with where to read its output"
else
	t_fail "startup script failure" "$(tail -n 3 "$T_TMP/scripterr.out")"
fi

# An operation that ends in an error is an error, with what to try.
timeout 120 "$BIN" "$@" vm delete --yes >/dev/null 2>&1 </dev/null
fake_gce_config '{"exhaust_zone": "*"}' >/dev/null
if ! timeout 120 "$BIN" "$@" vm create >"$T_TMP/exhaust.out" 2>&1 </dev/null &&
    grep -q "ZONE_RESOURCE_POOL_EXHAUSTED" "$T_TMP/exhaust.out" &&
    grep -q "gcp.zone" "$T_TMP/exhaust.out" && [ "$(instances)" = 0 ]; then
	t_ok "ZONE_RESOURCE_POOL_EXHAUSTED: Google's text and another zone to try"
else
	t_fail "zone exhausted" "$(tail -n 3 "$T_TMP/exhaust.out")"
fi
fake_gce_config '{"exhaust_zone": null}' >/dev/null

if ! env -u GOOGLE_APPLICATION_CREDENTIALS timeout 30 "$BIN" "$@" vm status \
    >"$T_TMP/nocreds.out" 2>&1 </dev/null &&
    grep -q "GOOGLE_APPLICATION_CREDENTIALS" "$T_TMP/nocreds.out" &&
    grep -q "application-default login" "$T_TMP/nocreds.out"; then
	t_ok "no credentials: one message with the three ways"
else
	t_fail "missing credentials" "$(cat "$T_TMP/nocreds.out")"
fi

t_done
