#!/bin/sh
# Self-test of the fake Google Cloud (tests/fake_gce.py) driven through
# tests/lib/fake_gce.sh with curl: the service-account JWT and refresh-token
# flows, the metadata server, operations that take several polls, instances
# booting, Google's error bodies, requestId idempotency, fingerprints, guest
# attributes, IAM and policies, fault injection and the redacted request
# log.  Needs python3, openssl, curl and ssh-keygen; takes a few seconds.

. "$(dirname "$0")/../lib/common.sh"
. "$T_REPO/tests/lib/fake_gce.sh"

for _tool in python3 openssl curl ssh-keygen; do
	if ! command -v "$_tool" >/dev/null 2>&1; then
		t_skip "fake GCE self-test" "$_tool is not installed"
		t_done
	fi
done

W=$(t_tmpdir fake_gce)
S=$W/state
if ! ssh-keygen -q -t ed25519 -N '' -C host -f "$W/ssh_host_ed25519_key" ||
    ! ssh-keygen -q -t ecdsa -N '' -C host -f "$W/ssh_host_ecdsa_key"; then
	t_die "host keys"
fi
fake_gce_start "$S" \
    --host-keys "$W/ssh_host_ed25519_key.pub,$W/ssh_host_ecdsa_key.pub" \
    --authorized-keys "$W/authorized_keys" --ready-after 2 ||
    t_die "fake_gce_start"

PR=$FAKE_GCE_PROJECT
P=/compute/v1/projects/$PR
Z=us-central1-a
ZP=$P/zones/$Z
B=$FAKE_GCE_DIR/body
U=$FAKE_GCE_URL

# expect NAME WANT GOT [PATH=VALUE...]: the status of the last call and
# fields of its body ($B).
expect() {
	_e_name=$1
	_e_want=$2
	_e_got=$3
	shift 3
	if [ "$_e_got" != "$_e_want" ]; then
		t_fail "$_e_name" "HTTP $_e_got, want $_e_want: $(head -c 800 "$B")"
		return 1
	fi
	for _e_kv in "$@"; do
		_e_k=${_e_kv%%=*}
		_e_v=${_e_kv#*=}
		_e_have=$(fake_gce_json "$B" "$_e_k")
		if [ "$_e_have" != "$_e_v" ]; then
			t_fail "$_e_name" "$_e_k is '$_e_have', want '$_e_v':
$(head -c 800 "$B")"
			return 1
		fi
	done
	t_ok "$_e_name"
}

field() {
	fake_gce_json "$B" "$1"
}

new_uuid() {
	cat /proc/sys/kernel/random/uuid 2>/dev/null ||
	    python3 -c 'import uuid; print(uuid.uuid4())'
}

# token_with [fake_gce_jwt args]: a JWT flow attempt; prints the status.
token_with() {
	fake_gce_jwt "$S" "$@" | tr -d '\n' >"$W/assertion"
	curl -s -o "$B" -w '%{http_code}' \
	    --data-urlencode \
	    'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer' \
	    --data-urlencode "assertion@$W/assertion" "$U/token"
}

# wait_op PATH: POSTs PATH/wait until the operation is DONE (at most 8).
wait_op() {
	_w_i=0
	while [ $_w_i -lt 8 ]; do
		_w_st=$(fake_gce_api POST "$1/wait")
		[ "$_w_st" = 200 ] || return 1
		[ "$(field status)" = DONE ] && return 0
		_w_i=$((_w_i + 1))
	done
	return 1
}

# op_path: the path of the operation in $B (from its selfLink).
op_path() {
	_o=$(field selfLink) || return 1
	printf '%s\n' "${_o#"$U"}"
}

inst_body() {
	cat <<EOF
{"name": "$1",
 "machineType": "zones/${2:-$Z}/machineTypes/e2-standard-4",
 "labels": {"sandbox-tui": "0-1-0"},
 "tags": {"items": ["sandbox-agents"]},
 "scheduling": {"provisioningModel": "SPOT", "instanceTerminationAction": "STOP"},
 "disks": [{"boot": true, "autoDelete": true,
   "initializeParams": {"sourceImage": "projects/debian-cloud/global/images/family/debian-12",
     "diskSizeGb": "50", "diskType": "zones/${2:-$Z}/diskTypes/pd-balanced"}}],
 "networkInterfaces": [{"network": "global/networks/sbx-net",
   "accessConfigs": [{"type": "ONE_TO_ONE_NAT", "name": "External NAT"}]}],
 "serviceAccounts": [{"email": "sandbox-agents@$PR.iam.gserviceaccount.com",
   "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
 "metadata": {"items": [
   {"key": "ssh-keys", "value": "agent:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst agent@test"},
   {"key": "enable-guest-attributes", "value": "TRUE"},
   {"key": "enable-oslogin", "value": "FALSE"}]}}
EOF
}

# --- metadata server ---------------------------------------------------------

st=$(curl -s -o "$B" -w '%{http_code}' \
    "$U/computeMetadata/v1/project/project-id")
expect "metadata server refuses a request without Metadata-Flavor" 403 "$st"
st=$(curl -s -o "$B" -D "$W/mh" -w '%{http_code}' -H 'Metadata-Flavor: Google' \
    "$U/computeMetadata/v1/project/project-id")
if [ "$st" = 200 ] && [ "$(cat "$B")" = "$PR" ] &&
    grep -qi '^Metadata-Flavor: Google' "$W/mh"; then
	t_ok "metadata server: project-id, answered with Metadata-Flavor"
else
	t_fail "metadata server: project-id" "$st $(cat "$B")"
fi
st=$(curl -s -o "$B" -w '%{http_code}' -H 'Metadata-Flavor: Google' \
    "$U/computeMetadata/v1/instance/service-accounts/default/token")
expect "metadata server: token" 200 "$st" token_type=Bearer expires_in=3599
(umask 077 && printf 'Authorization: Bearer %s\n' "$(field access_token)" \
    >"$W/md_auth")
st=$(FAKE_GCE_AUTH=$W/md_auth fake_gce_api GET "$ZP/instances")
expect "a metadata-server token is accepted by the API" 200 "$st" \
    kind=compute#instanceList

# --- service-account JWT flow ------------------------------------------------

fake_gce_key "$S" || t_die "fake_gce_key"
if [ "$(stat -c %a "$FAKE_GCE_KEY")" = 600 ] &&
    [ "$(fake_gce_json "$FAKE_GCE_KEY" token_uri)" = "$U/token" ] &&
    [ "$(fake_gce_json "$FAKE_GCE_KEY" type)" = service_account ]; then
	t_ok "fake_gce_key writes a 0600 service_account key with token_uri"
else
	t_fail "fake_gce_key" "$(ls -l "$FAKE_GCE_KEY")"
fi
if fake_gce_login "$S" && [ -s "$S/auth_header" ]; then
	t_ok "JWT bearer grant gives an access token"
else
	t_die "JWT bearer grant" "$(cat "$S/token.json" 2>/dev/null)"
fi
B=$S/token.json
expect "token answer has expires_in and token_type" 200 200 \
    token_type=Bearer expires_in=3599
B=$FAKE_GCE_DIR/body

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$W/other.pem" 2>/dev/null
now=$(date +%s)
expect "JWT signed by another key: invalid_grant" 400 \
    "$(token_with key="$W/other.pem")" error=invalid_grant \
    "error_description=Invalid JWT Signature."
expect "JWT with a wrong audience: invalid_grant" 400 \
    "$(token_with aud=https://oauth2.googleapis.com/token)" error=invalid_grant
expect "expired JWT: invalid_grant" 400 \
    "$(token_with iat=$((now - 7200)) exp=$((now - 3600)))" error=invalid_grant
expect "JWT living over an hour: invalid_grant" 400 \
    "$(token_with exp=$((now + 7200)))" error=invalid_grant
expect "JWT from the future: invalid_grant" 400 \
    "$(token_with iat=$((now + 900)) exp=$((now + 1800)))" error=invalid_grant
expect "JWT without cloud-platform scope: invalid_scope" 400 \
    "$(token_with scope=https://www.googleapis.com/auth/devstorage.read_only)" \
    error=invalid_scope
expect "JWT from an unknown account: invalid_grant" 400 \
    "$(token_with iss=nobody@other.iam.gserviceaccount.com)" \
    error=invalid_grant
st=$(curl -s -o "$B" -w '%{http_code}' -d grant_type=password "$U/token")
expect "unknown grant_type: unsupported_grant_type" 400 "$st" \
    error=unsupported_grant_type

# --- refresh-token flow ------------------------------------------------------

fake_gce_user_creds "$S" || t_die "fake_gce_user_creds"
# refresh_form [SECRET]: the form for the refresh grant, built in a file.
refresh_form() {
	(umask 077 && python3 - "$FAKE_GCE_USER_CREDS" "$W/form" "${1:-}" <<'EOF'
import json, sys, urllib.parse
creds = json.load(open(sys.argv[1]))
form = {'grant_type': 'refresh_token', 'client_id': creds['client_id'],
        'client_secret': sys.argv[3] or creds['client_secret'],
        'refresh_token': creds['refresh_token']}
open(sys.argv[2], 'w').write(urllib.parse.urlencode(form))
EOF
	)
}
refresh_form
st=$(curl -s -o "$B" -w '%{http_code}' --data-binary "@$W/form" \
    -H 'Content-Type: application/x-www-form-urlencoded' "$U/token")
expect "refresh_token grant with the authorized_user values" 200 "$st" \
    token_type=Bearer
refresh_form wrong-secret
st=$(curl -s -o "$B" -w '%{http_code}' --data-binary "@$W/form" \
    -H 'Content-Type: application/x-www-form-urlencoded' "$U/token")
expect "refresh_token grant with a wrong secret: invalid_client" 401 "$st" \
    error=invalid_client

# --- authentication on the API ----------------------------------------------

st=$(FAKE_GCE_AUTH=/dev/null fake_gce_api GET "$ZP/instances")
expect "no token: 401 UNAUTHENTICATED" 401 "$st" error.status=UNAUTHENTICATED \
    error.errors.0.reason=required
printf 'Authorization: Bearer ya29.not-issued\n' >"$W/bad_auth"
st=$(FAKE_GCE_AUTH=$W/bad_auth fake_gce_api GET "$ZP/instances")
expect "a token it did not issue: 401 authError" 401 "$st" \
    error.status=UNAUTHENTICATED error.errors.0.reason=authError
st=$(curl -s -o "$B" -w '%{http_code}' -X POST -H "@$S/auth_header" \
    "$U$ZP/instances/x/start")
expect "POST without Content-Length: 411" 411 "$st"
st=$(fake_gce_api GET /compute/v1/nothing/here)
expect "unknown path: 404" 404 "$st"
st=$(fake_gce_api GET "/compute/v1/projects/other-project/zones/$Z/instances")
expect "another project: 404 notFound" 404 "$st" \
    error.errors.0.reason=notFound

# --- networks, firewalls, resource policies, IAM -----------------------------

st=$(fake_gce_api POST "$P/global/networks" \
    '{"name": "sbx-net", "autoCreateSubnetworks": true}')
expect "network insert answers a PENDING global operation" 200 "$st" \
    kind=compute#operation status=PENDING operationType=insert
op=$(op_path)
st=$(fake_gce_api GET "$P/global/networks/sbx-net")
expect "the network does not exist before its operation is DONE" 404 "$st"
st=$(fake_gce_api GET "$op")
expect "global operation: RUNNING on the first poll" 200 "$st" status=RUNNING
st=$(fake_gce_api GET "$op")
expect "global operation: DONE on the second poll" 200 "$st" status=DONE \
    progress=100
st=$(fake_gce_api GET "$P/global/networks/sbx-net")
expect "network exists once DONE" 200 "$st" kind=compute#network
st=$(fake_gce_api POST "$P/global/networks" '{"name": "sbx-net"}')
expect "second network insert: 409 alreadyExists" 409 "$st" \
    error.errors.0.reason=alreadyExists \
    "error.message=The resource 'projects/$PR/global/networks/sbx-net' already exists"

st=$(fake_gce_api POST "$P/global/firewalls" '{"name": "sbx-ssh",
  "network": "global/networks/sbx-net", "direction": "INGRESS",
  "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}],
  "sourceRanges": ["203.0.113.0/24"], "targetTags": ["sandbox-agents"]}')
op=$(op_path)
if [ "$st" = 200 ] && wait_op "$op" &&
    [ "$(fake_gce_api GET "$P/global/firewalls/sbx-ssh")" = 200 ]; then
	t_ok "firewall insert, wait until DONE, get"
else
	t_fail "firewall insert" "$st $(cat "$B")"
fi
st=$(fake_gce_api POST "$P/global/firewalls" '{"name": "bad-range",
  "allowed": [{"IPProtocol": "tcp"}], "sourceRanges": ["10.0.0.0/33"]}')
expect "firewall with a bad CIDR: 400 invalid" 400 "$st" \
    error.errors.0.reason=invalid

st=$(fake_gce_api POST "$P/regions/us-central1/resourcePolicies" '{
  "name": "sbx-hours", "instanceSchedulePolicy": {
  "vmStopSchedule": {"schedule": "0 19 * * 1-5"}, "timeZone": "Europe/Paris"}}')
expect "resource policy insert answers a region operation" 200 "$st" \
    status=PENDING
op=$(op_path)
case $op in
*/regions/us-central1/operations/operation-*)
	if wait_op "$op"; then
		t_ok "region operation reaches DONE"
	else
		t_fail "region operation reaches DONE" "$(cat "$B")"
	fi ;;
*) t_fail "region operation path" "$op" ;;
esac
st=$(fake_gce_api GET "$P/regions/us-central1/resourcePolicies/sbx-hours")
expect "resource policy get" 200 "$st" kind=compute#resourcePolicy \
    instanceSchedulePolicy.timeZone=Europe/Paris

st=$(fake_gce_api POST "/v1/projects/$PR/serviceAccounts" \
    '{"accountId": "sandbox-agents", "serviceAccount": {"displayName": "Sandbox agents"}}')
expect "IAM service account create" 200 "$st" \
    "email=sandbox-agents@$PR.iam.gserviceaccount.com" \
    "displayName=Sandbox agents"
st=$(fake_gce_api POST "/v1/projects/$PR/serviceAccounts" \
    '{"accountId": "sandbox-agents"}')
expect "IAM service account create again: 409 ALREADY_EXISTS" 409 "$st" \
    error.status=ALREADY_EXISTS
st=$(fake_gce_api GET \
    "/v1/projects/$PR/serviceAccounts/sandbox-agents@$PR.iam.gserviceaccount.com")
expect "IAM service account get" 200 "$st" "projectId=$PR"

st=$(fake_gce_api POST "/v1/projects/$PR:getIamPolicy" '{}')
expect "getIamPolicy" 200 "$st" version=1
etag=$(field etag)
st=$(fake_gce_api POST "/v1/projects/$PR:setIamPolicy" "{\"policy\": {
  \"etag\": \"$etag\", \"bindings\": [{\"role\": \"roles/logging.logWriter\",
  \"members\": [\"serviceAccount:sandbox-agents@$PR.iam.gserviceaccount.com\"]}]}}")
expect "setIamPolicy with the current etag" 200 "$st" \
    bindings.0.role=roles/logging.logWriter
if [ "$(field etag)" != "$etag" ]; then
	t_ok "setIamPolicy gives a new etag"
else
	t_fail "setIamPolicy gives a new etag"
fi
st=$(fake_gce_api POST "/v1/projects/$PR:setIamPolicy" \
    "{\"policy\": {\"etag\": \"$etag\", \"bindings\": []}}")
expect "setIamPolicy with a stale etag: 409 ABORTED" 409 "$st" \
    error.status=ABORTED
case $(field error.message) in
"There were concurrent policy changes"*) t_ok "ABORTED message as Google's" ;;
*) t_fail "ABORTED message as Google's" "$(field error.message)" ;;
esac

# --- instances -----------------------------------------------------------------

st=$(fake_gce_api POST "$ZP/instances" '{"name": "vm0", "disks": []}')
expect "insert without machineType: 400" 400 "$st" \
    "error.message=Required field 'resource.machineType' not specified"
st=$(fake_gce_api POST "$ZP/instances" \
    '{"name": "vm0", "machineType": "zones/us-central1-a/machineTypes/e2-small", "disk": []}')
expect "insert with an unknown field: 400 INVALID_ARGUMENT naming it" 400 \
    "$st" error.status=INVALID_ARGUMENT
case $(field error.message) in
*'Unknown name "disk"'*) t_ok "unknown field named in the message" ;;
*) t_fail "unknown field named in the message" "$(field error.message)" ;;
esac
st=$(fake_gce_api POST "$ZP/instances?requestId=not-a-uuid" "$(inst_body vm1)")
expect "insert with a bad requestId: 400" 400 "$st" error.errors.0.reason=invalid

rid=$(new_uuid)
st=$(fake_gce_api POST "$ZP/instances?requestId=$rid" "$(inst_body vm1)")
expect "instance insert answers a PENDING zone operation" 200 "$st" \
    kind=compute#operation status=PENDING operationType=insert progress=0 \
    "targetLink=$U$ZP/instances/vm1" "zone=$U$ZP"
op=$(op_path)
opname=$(field name)
case $opname in
operation-[0-9]*-*-*-*) t_ok "operation name looks real" ;;
*) t_fail "operation name looks real" "$opname" ;;
esac
st=$(fake_gce_api POST "$ZP/instances?requestId=$rid" "$(inst_body vm1)")
expect "same requestId: the same operation, no second insert" 200 "$st" \
    "name=$opname"
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "instance absent while the operation is PENDING" 404 "$st" \
    "error.message=The resource 'projects/$PR/zones/$Z/instances/vm1' was not found"
st=$(fake_gce_api POST "$op/wait")
expect "wait: RUNNING" 200 "$st" status=RUNNING
st=$(fake_gce_api POST "$op/wait")
expect "wait: DONE" 200 "$st" status=DONE
st=$(fake_gce_api POST "$ZP/instances?requestId=$(new_uuid)" "$(inst_body vm1)")
expect "second insert: 409 alreadyExists" 409 "$st" \
    error.errors.0.reason=alreadyExists \
    "error.message=The resource 'projects/$PR/zones/$Z/instances/vm1' already exists"

ga=$ZP/instances/vm1/getGuestAttributes
st=$(fake_gce_api GET "$ga?queryPath=hostkeys/")
expect "no host keys before RUNNING: 404" 404 "$st" \
    error.errors.0.reason=notFound
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "instance passes STAGING" 200 "$st" status=STAGING
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "instance then RUNNING with fields kept" 200 "$st" status=RUNNING \
    networkInterfaces.0.accessConfigs.0.natIP=127.0.0.1 \
    disks.0.diskSizeGb=50 "machineType=$U$ZP/machineTypes/e2-standard-4" \
    labels.sandbox-tui=0-1-0 tags.items.0=sandbox-agents \
    scheduling.provisioningModel=SPOT scheduling.onHostMaintenance=TERMINATE \
    "serviceAccounts.0.email=sandbox-agents@$PR.iam.gserviceaccount.com"
fp=$(field metadata.fingerprint)
for f in creationTimestamp lastStartTimestamp; do
	case $(field $f) in
	[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*[-+][0-9][0-9]:[0-9][0-9])
		t_ok "$f is RFC 3339" ;;
	*) t_fail "$f is RFC 3339" "$(field $f)" ;;
	esac
done
st=$(fake_gce_api GET "$ga?queryPath=sandbox-tui/ready")
expect "ready attribute absent before --ready-after polls" 404 "$st"
st=$(fake_gce_api GET "$ga?queryPath=sandbox-tui/ready")
expect "ready attribute 1 after --ready-after polls" 200 "$st" \
    queryValue.items.0.value=1 queryValue.items.0.namespace=sandbox-tui
st=$(fake_gce_api GET "$ga?queryPath=hostkeys/")
ed=$(cut -d' ' -f2 "$W/ssh_host_ed25519_key.pub")
expect "host keys from guest attributes" 200 "$st" kind=compute#guestAttributes \
    queryValue.items.1.namespace=hostkeys queryValue.items.1.key=ssh-ed25519 \
    "queryValue.items.1.value=$ed" queryValue.items.0.key=ecdsa-sha2-nistp256
if [ "$(cat "$W/authorized_keys")" = \
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFirst agent@test" ] &&
    [ "$(stat -c %a "$W/authorized_keys")" = 600 ]; then
	t_ok "ssh-keys metadata written to --authorized-keys (0600)"
else
	t_fail "ssh-keys metadata written to --authorized-keys" \
	    "$(ls -l "$W/authorized_keys"; cat "$W/authorized_keys")"
fi

md='{"fingerprint": "%s", "items": [{"key": "ssh-keys", "value": "agent:ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecond agent@test"}, {"key": "enable-guest-attributes", "value": "TRUE"}]}'
# shellcheck disable=SC2059 # md is the format
st=$(fake_gce_api POST "$ZP/instances/vm1/setMetadata" "$(printf "$md" AAAAAAAAAAA=)")
expect "setMetadata with a stale fingerprint: 412 conditionNotMet" 412 "$st" \
    error.errors.0.reason=conditionNotMet
# shellcheck disable=SC2059
st=$(fake_gce_api POST "$ZP/instances/vm1/setMetadata" "$(printf "$md" "$fp")")
expect "setMetadata with the current fingerprint: an operation" 200 "$st" \
    operationType=setMetadata
op=$(op_path)
# shellcheck disable=SC2059
st=$(fake_gce_api POST "$ZP/instances/vm1/setMetadata" "$(printf "$md" "$fp")")
expect "a second writer with the same fingerprint: 412" 412 "$st"
wait_op "$op"
st=$(fake_gce_api GET "$ZP/instances/vm1")
if [ "$st" = 200 ] && [ "$(field metadata.fingerprint)" != "$fp" ] &&
    grep -q ISecond "$W/authorized_keys"; then
	t_ok "metadata applied when DONE, with a new fingerprint and keys"
else
	t_fail "metadata applied when DONE" "$(cat "$B")"
fi

st=$(fake_gce_api POST "$ZP/instances/vm1/addResourcePolicies" \
    '{"resourcePolicies": ["regions/us-central1/resourcePolicies/sbx-hours"]}')
op=$(op_path)
wait_op "$op"
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "addResourcePolicies attaches the schedule" 200 "$st" \
    "resourcePolicies.0=$U$P/regions/us-central1/resourcePolicies/sbx-hours"
st=$(fake_gce_api DELETE "$P/regions/us-central1/resourcePolicies/sbx-hours")
expect "a policy in use cannot be deleted" 400 "$st" \
    error.errors.0.reason=resourceInUseByAnotherResource

st=$(fake_gce_api POST "$ZP/instances/vm1/stop" '')
op=$(op_path)
wait_op "$op"
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "stop: STOPPING" 200 "$st" status=STOPPING
st=$(fake_gce_api GET "$ZP/instances/vm1")
if [ "$st" = 200 ] && [ "$(field status)" = TERMINATED ] &&
    ! fake_gce_json "$B" networkInterfaces.0.accessConfigs.0.natIP \
    >/dev/null && fake_gce_json "$B" lastStopTimestamp >/dev/null; then
	t_ok "stop: TERMINATED, ephemeral natIP released, lastStopTimestamp"
else
	t_fail "stop: TERMINATED" "$(cat "$B")"
fi
st=$(fake_gce_api GET "$ga?queryPath=hostkeys/")
expect "no guest attributes while TERMINATED" 404 "$st"
st=$(fake_gce_api POST "$ZP/instances/vm1/start" '')
wait_op "$(op_path)"
fake_gce_api GET "$ZP/instances/vm1" >/dev/null
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "start: RUNNING again with its natIP" 200 "$st" status=RUNNING \
    networkInterfaces.0.accessConfigs.0.natIP=127.0.0.1

# --- fault injection -------------------------------------------------------------

fake_gce_config '{"fail_next": 2, "error_codes": [429, 503], "retry_after": 2}' \
    >/dev/null
st=$(fake_gce_api GET "$ZP/instances")
expect "fail_next: first 429 rateLimitExceeded" 429 "$st" \
    error.errors.0.reason=rateLimitExceeded
if grep -qi '^Retry-After: 2' "$FAKE_GCE_DIR/headers"; then
	t_ok "injected 429 has Retry-After"
else
	t_fail "injected 429 has Retry-After" "$(cat "$FAKE_GCE_DIR/headers")"
fi
st=$(fake_gce_api GET "$ZP/instances")
expect "fail_next: then 503 UNAVAILABLE" 503 "$st" error.status=UNAVAILABLE
st=$(fake_gce_api GET "$ZP/instances")
expect "fail_next: then normal again" 200 "$st"

fake_gce_config '{"drop_next": 1}' >/dev/null
st=$(fake_gce_api GET "$ZP/instances")
if [ "$st" = 000 ]; then
	t_ok "drop_next: connection closed unanswered"
else
	t_fail "drop_next: connection closed unanswered" "HTTP $st"
fi

fake_gce_config '{"error_rate": 1, "error_codes": [500], "match": "^/token"}' \
    >/dev/null
st=$(token_with)
st2=$(fake_gce_api GET "$ZP/instances")
if [ "$st" = 500 ] && [ "$st2" = 200 ]; then
	t_ok "error_rate limited by match to the token endpoint"
else
	t_fail "error_rate limited by match to the token endpoint" \
	    "token $st, api $st2"
fi
fake_gce_config '{"error_rate": 0, "match": null, "error_codes": null}' \
    >/dev/null

rid2=$(new_uuid)
fake_gce_config '{"drop_after_next": 1}' >/dev/null
st=$(fake_gce_api POST "$ZP/instances?requestId=$rid2" "$(inst_body vm2)")
st2=$(fake_gce_api POST "$ZP/instances?requestId=$rid2" "$(inst_body vm2)")
name2=$(field name)
fake_gce_state >"$W/state.json"
if [ "$st" = 000 ] && [ "$st2" = 200 ] &&
    [ "$(fake_gce_json "$W/state.json" "request_ids.$rid2")" = "$name2" ]; then
	t_ok "answer lost after insert: the retry with its requestId gets the same op"
else
	t_fail "answer lost after insert, retry" "first $st, retry $st2 $(cat "$B")"
fi

fake_gce_config '{"deny": ["compute.instances.create"]}' >/dev/null
st=$(fake_gce_api POST "$ZP/instances" "$(inst_body vm3)")
expect "deny: 403 forbidden with Google's message" 403 "$st" \
    error.errors.0.reason=forbidden \
    "error.message=Required 'compute.instances.create' permission for 'projects/$PR/zones/$Z/instances/vm3'"
fake_gce_config '{"deny": ["iam.serviceAccounts.create"]}' >/dev/null
st=$(fake_gce_api POST "/v1/projects/$PR/serviceAccounts" \
    '{"accountId": "another-one"}')
expect "deny on IAM: 403 PERMISSION_DENIED" 403 "$st" \
    error.status=PERMISSION_DENIED
fake_gce_config '{"deny": []}' >/dev/null

Z2=us-central1-b
fake_gce_config "{\"exhaust_zone\": \"$Z2\"}" >/dev/null
st=$(fake_gce_api POST "$P/zones/$Z2/instances" "$(inst_body vm4 $Z2)")
wait_op "$(op_path)"
expect "exhausted zone: the operation ends DONE with the error" 200 200 \
    error.errors.0.code=ZONE_RESOURCE_POOL_EXHAUSTED httpErrorStatusCode=503 \
    "error.errors.0.message=The zone 'projects/$PR/zones/$Z2' does not have enough resources available to fulfill the request. Try a different zone, or try again later."
st=$(fake_gce_api GET "$P/zones/$Z2/instances/vm4")
expect "exhausted zone: no instance" 404 "$st"
fake_gce_config '{"exhaust_zone": null}' >/dev/null

fake_gce_config '{"host_keys_override": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther"]}' \
    >/dev/null
st=$(fake_gce_api GET "$ga?queryPath=hostkeys/")
expect "host_keys_override serves other keys" 200 "$st" \
    queryValue.items.0.value=AAAAC3NzaC1lZDI1NTE5AAAAIOther
fake_gce_config '{"host_keys_override": null}' >/dev/null

fake_gce_config '{"token_expires_in": 1}' >/dev/null
cp "$S/auth_header" "$W/long_auth"
fake_gce_login "$S"
sleep 1.5
st=$(fake_gce_api GET "$ZP/instances")
expect "an expired token: 401" 401 "$st" error.status=UNAUTHENTICATED
cp "$W/long_auth" "$S/auth_header"
fake_gce_config '{"token_expires_in": null}' >/dev/null

# --- the request log ----------------------------------------------------------------

L=$FAKE_GCE_DIR/requests.log
sed 's/^Authorization: Bearer //' "$S/auth_header" >"$W/token_only"
if ! grep -qF -f "$W/token_only" "$L" && grep -q '"Bearer <redacted>"' "$L" &&
    grep -q '"auth_valid": true' "$L" && grep -q '"auth_valid": false' "$L"; then
	t_ok "requests.log redacts the bearer token and says if it was valid"
else
	t_fail "requests.log redacts the bearer token"
fi
if grep -q '"assertion": "<redacted>"' "$L" &&
    grep -q '"client_secret": "<redacted>"' "$L" &&
    ! grep -q 'PRIVATE KEY' "$L" && ! grep -q 'ya29\.' "$L"; then
	t_ok "requests.log redacts assertions, secrets and tokens"
else
	t_fail "requests.log redacts assertions, secrets and tokens"
fi
if grep -q '"injected": "error 429"' "$L" && grep -q '"injected": "drop"' "$L" &&
    grep -q '"injected": "drop after processing"' "$L"; then
	t_ok "injected faults are logged"
else
	t_fail "injected faults are logged"
fi
if python3 -c 'import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert {"method", "path", "query", "headers", "status"} <= set(e), e' "$L"
then
	t_ok "requests.log is one JSON object per line"
else
	t_fail "requests.log is one JSON object per line"
fi

# --- state, reset, stop ------------------------------------------------------------

fake_gce_state >"$W/state.json"
if [ "$(fake_gce_json "$W/state.json" "instances.$Z/vm1.status")" = RUNNING ]
then
	t_ok "/_fake/state shows the instances"
else
	t_fail "/_fake/state shows the instances" "$(head -c 500 "$W/state.json")"
fi
fake_gce_reset >/dev/null
st=$(fake_gce_api GET "$ZP/instances/vm1")
expect "reset forgets resources but keeps tokens" 404 "$st"
pid=$FAKE_GCE_PID
fake_gce_stop "$S"
if ! t_pid_alive "$pid" && [ ! -e "$S/port" ]; then
	t_ok "fake_gce_stop ends the fake"
else
	t_fail "fake_gce_stop ends the fake"
fi

t_done
