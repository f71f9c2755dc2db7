# The fake Google Cloud (tests/fake_gce.py) for end-to-end tests, to be
# sourced after common.sh (POSIX sh; needs python3, openssl and curl).
#
#   fake_gce_start DIR [ARGS...]
#               starts the fake with --port 0 --state-dir DIR (and
#               --project $FAKE_GCE_PROJECT, default sbx-test-project,
#               unless ARGS has --project), waits (up to 10 s) for DIR/port
#               and registers fake_gce_stop to run at exit.  Exports
#               FAKE_GCE_DIR, FAKE_GCE_PID, FAKE_GCE_PORT, FAKE_GCE_PROJECT,
#               FAKE_GCE_URL (http://127.0.0.1:PORT: the base for every
#               endpoint setting) and FAKE_GCE_HOST (127.0.0.1:PORT, for
#               GCE_METADATA_HOST).  The fake's stderr is in DIR/fake.log,
#               one JSON line per request in DIR/requests.log.
#   fake_gce_stop DIR
#               stops it (TERM, then KILL after 3 s).
#   fake_gce_key DIR [ACCOUNT_ID]
#               makes an RSA key and a service_account key file whose
#               token_uri is $FAKE_GCE_URL/token; the fake accepts JWTs it
#               signs (it reads DIR/sa_pub.pem and DIR/sa_email).  Exports
#               FAKE_GCE_KEY (the JSON, 0600: GOOGLE_APPLICATION_CREDENTIALS),
#               FAKE_GCE_KEY_PEM (the private key, 0600), FAKE_GCE_SA_EMAIL.
#   fake_gce_user_creds DIR
#               writes an authorized_user file (DIR/authorized_user.json,
#               0600, with a token_uri) whose refresh token the fake
#               accepts; exports FAKE_GCE_USER_CREDS.
#   fake_gce_jwt DIR [aud=URL] [iat=SECS] [exp=SECS] [scope=S] [iss=EMAIL]
#               [key=PEM]
#               prints an RS256 assertion signed with DIR/sa_key.pem (or
#               key=), by default valid for an hour from now.
#   fake_gce_login DIR
#               exchanges a JWT for an access token and writes the header
#               "Authorization: Bearer ..." to DIR/auth_header (0600), which
#               fake_gce_api sends.
#   fake_gce_api METHOD PATH [JSON]
#               a call to $FAKE_GCE_URL$PATH with that header (or the file
#               named by FAKE_GCE_AUTH); prints the HTTP status ("000" when
#               the connection dropped); the body is left in
#               $FAKE_GCE_DIR/body, the headers in $FAKE_GCE_DIR/headers.
#   fake_gce_ctl METHOD PATH [JSON]
#               a call to the control endpoint /_fake/PATH; prints the body.
#   fake_gce_config JSON | fake_gce_reset | fake_gce_state
#               POST /_fake/config, POST /_fake/reset, GET /_fake/state.
#   fake_gce_json FILE PATH
#               prints the value at PATH ("error.errors.0.reason") in the
#               JSON file (strings raw, the rest as JSON); 1 if absent.
#
# Secrets stay off command lines: keys, assertions and tokens go through
# files that curl and openssl read.

FAKE_GCE_PROJECT=${FAKE_GCE_PROJECT:-sbx-test-project}
FAKE_GCE_SCRIPT=${FAKE_GCE_SCRIPT:-${T_REPO:-.}/tests/fake_gce.py}

_fake_gce_alive() {
	_fg_st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $_fg_st in
	Z*|'') return 1 ;;
	esac
	return 0
}

fake_gce_start() {
	_fg_dir=$1
	shift
	mkdir -p "$_fg_dir" && chmod 700 "$_fg_dir" || return 1
	rm -f "$_fg_dir/port"
	_fg_proj=
	_fg_prev=
	for _fg_a in "$@"; do
		[ "$_fg_prev" = --project ] && _fg_proj=$_fg_a
		case $_fg_a in
		--project=*) _fg_proj=${_fg_a#--project=} ;;
		esac
		_fg_prev=$_fg_a
	done
	if [ -z "$_fg_proj" ]; then
		_fg_proj=$FAKE_GCE_PROJECT
		set -- --project "$_fg_proj" "$@"
	fi
	python3 "$FAKE_GCE_SCRIPT" --port 0 --state-dir "$_fg_dir" "$@" \
	    </dev/null >>"$_fg_dir/fake.log" 2>&1 &
	FAKE_GCE_PID=$!
	_fg_i=0
	while [ ! -s "$_fg_dir/port" ]; do
		if ! _fake_gce_alive "$FAKE_GCE_PID" || [ $_fg_i -ge 100 ]; then
			echo "fake_gce_start: the fake did not start;" \
			    "$_fg_dir/fake.log says:" >&2
			tail -20 "$_fg_dir/fake.log" >&2
			kill "$FAKE_GCE_PID" 2>/dev/null
			return 1
		fi
		sleep 0.1
		_fg_i=$((_fg_i + 1))
	done
	FAKE_GCE_DIR=$_fg_dir
	FAKE_GCE_PORT=$(cat "$_fg_dir/port")
	FAKE_GCE_PROJECT=$_fg_proj
	FAKE_GCE_URL=http://127.0.0.1:$FAKE_GCE_PORT
	FAKE_GCE_HOST=127.0.0.1:$FAKE_GCE_PORT
	export FAKE_GCE_DIR FAKE_GCE_PID FAKE_GCE_PORT FAKE_GCE_PROJECT \
	    FAKE_GCE_URL FAKE_GCE_HOST
	if command -v t_on_exit >/dev/null 2>&1; then
		t_on_exit "fake_gce_stop '$_fg_dir'"
	fi
	return 0
}

fake_gce_stop() {
	[ -f "$1/pid" ] || return 0
	_fg_pid=$(cat "$1/pid")
	[ -n "$_fg_pid" ] || return 0
	kill "$_fg_pid" 2>/dev/null
	_fg_i=0
	while _fake_gce_alive "$_fg_pid" && [ $_fg_i -lt 30 ]; do
		sleep 0.1
		_fg_i=$((_fg_i + 1))
	done
	if _fake_gce_alive "$_fg_pid"; then
		kill -9 "$_fg_pid" 2>/dev/null
	fi
	wait "$_fg_pid" 2>/dev/null
	rm -f "$1/pid" "$1/port"
	return 0
}

fake_gce_key() {
	_fg_dir=$1
	if [ -z "${FAKE_GCE_URL:-}" ]; then
		echo "fake_gce_key: start the fake first (token_uri needs its port)" >&2
		return 1
	fi
	FAKE_GCE_SA_EMAIL=${2:-sbx-test-sa}@$FAKE_GCE_PROJECT.iam.gserviceaccount.com
	FAKE_GCE_KEY_PEM=$_fg_dir/sa_key.pem
	FAKE_GCE_KEY=$_fg_dir/sa_key.json
	(umask 077 && openssl genpkey -algorithm RSA \
	    -pkeyopt rsa_keygen_bits:2048 -out "$FAKE_GCE_KEY_PEM") \
	    2>/dev/null || return 1
	openssl pkey -in "$FAKE_GCE_KEY_PEM" -pubout \
	    -out "$_fg_dir/sa_pub.pem" 2>/dev/null || return 1
	printf '%s\n' "$FAKE_GCE_SA_EMAIL" >"$_fg_dir/sa_email"
	(umask 077 && python3 - "$FAKE_GCE_KEY_PEM" "$FAKE_GCE_KEY" \
	    "$FAKE_GCE_SA_EMAIL" "$FAKE_GCE_PROJECT" "$FAKE_GCE_URL/token" <<'EOF'
import json, secrets, sys
pem, out, email, project, token_uri = sys.argv[1:]
with open(pem) as f:
    key = f.read()
doc = {
    'type': 'service_account',
    'project_id': project,
    'private_key_id': secrets.token_hex(20),
    'private_key': key,
    'client_email': email,
    'client_id': '1' + ''.join(secrets.choice('0123456789') for _ in range(20)),
    'auth_uri': 'https://accounts.google.com/o/oauth2/auth',
    'token_uri': token_uri,
    'auth_provider_x509_cert_url': 'https://www.googleapis.com/oauth2/v1/certs',
    'client_x509_cert_url': 'https://www.googleapis.com/robot/v1/metadata/x509/'
                            + email.replace('@', '%40'),
    'universe_domain': 'googleapis.com',
}
with open(out, 'w') as f:
    json.dump(doc, f, indent=2)
    f.write('\n')
EOF
	) || return 1
	chmod 600 "$FAKE_GCE_KEY" "$FAKE_GCE_KEY_PEM"
	export FAKE_GCE_KEY FAKE_GCE_KEY_PEM FAKE_GCE_SA_EMAIL
}

fake_gce_user_creds() {
	FAKE_GCE_USER_CREDS=$1/authorized_user.json
	(umask 077 && python3 - "$FAKE_GCE_USER_CREDS" \
	    "${FAKE_GCE_URL:-}/token" <<'EOF'
import json, secrets, sys
out, token_uri = sys.argv[1:]
doc = {
    'type': 'authorized_user',
    'client_id': '%d-%s.apps.googleusercontent.com'
                 % (secrets.randbelow(10 ** 12), secrets.token_hex(16)),
    'client_secret': 'd-' + secrets.token_urlsafe(18),
    'refresh_token': '1//' + secrets.token_urlsafe(60),
    'token_uri': token_uri,
    'quota_project_id': None,
}
with open(out, 'w') as f:
    json.dump({k: v for k, v in doc.items() if v}, f, indent=2)
    f.write('\n')
EOF
	) || return 1
	export FAKE_GCE_USER_CREDS
}

_fake_gce_b64url() {
	openssl base64 -A | tr '+/' '-_' | tr -d '='
}

fake_gce_jwt() {
	_fg_dir=$1
	shift
	_fg_now=$(date +%s)
	_fg_aud=$FAKE_GCE_URL/token
	_fg_iat=$_fg_now
	_fg_exp=$((_fg_now + 3600))
	_fg_scope=https://www.googleapis.com/auth/cloud-platform
	_fg_iss=$(cat "$_fg_dir/sa_email" 2>/dev/null)
	_fg_pem=$_fg_dir/sa_key.pem
	for _fg_a in "$@"; do
		case $_fg_a in
		aud=*) _fg_aud=${_fg_a#aud=} ;;
		iat=*) _fg_iat=${_fg_a#iat=} ;;
		exp=*) _fg_exp=${_fg_a#exp=} ;;
		scope=*) _fg_scope=${_fg_a#scope=} ;;
		iss=*) _fg_iss=${_fg_a#iss=} ;;
		key=*) _fg_pem=${_fg_a#key=} ;;
		*) echo "fake_gce_jwt: unknown argument $_fg_a" >&2; return 1 ;;
		esac
	done
	_fg_h=$(printf '{"alg":"RS256","typ":"JWT"}' | _fake_gce_b64url)
	_fg_c=$(printf '{"iss":"%s","scope":"%s","aud":"%s","iat":%s,"exp":%s}' \
	    "$_fg_iss" "$_fg_scope" "$_fg_aud" "$_fg_iat" "$_fg_exp" |
	    _fake_gce_b64url)
	_fg_s=$(printf '%s.%s' "$_fg_h" "$_fg_c" |
	    openssl dgst -sha256 -sign "$_fg_pem" -binary | _fake_gce_b64url)
	[ -n "$_fg_s" ] || return 1
	printf '%s.%s.%s\n' "$_fg_h" "$_fg_c" "$_fg_s"
}

fake_gce_login() {
	_fg_dir=$1
	(
		umask 077
		_fg_jwt=$(fake_gce_jwt "$_fg_dir") || exit 1
		printf '%s' "$_fg_jwt" >"$_fg_dir/assertion"
		curl -s -o "$_fg_dir/token.json" \
		    --data-urlencode \
		    'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer' \
		    --data-urlencode "assertion@$_fg_dir/assertion" \
		    "$FAKE_GCE_URL/token" || exit 1
		rm -f "$_fg_dir/assertion"
		_fg_tok=$(fake_gce_json "$_fg_dir/token.json" access_token) ||
		    exit 1
		printf 'Authorization: Bearer %s\n' "$_fg_tok" \
		    >"$_fg_dir/auth_header"
	)
}

fake_gce_api() {
	_fg_m=$1
	_fg_p=$2
	_fg_auth=${FAKE_GCE_AUTH:-$FAKE_GCE_DIR/auth_header}
	[ -f "$_fg_auth" ] || _fg_auth=/dev/null
	if [ $# -ge 3 ] || [ "$_fg_m" = POST ]; then
		curl -s -o "$FAKE_GCE_DIR/body" -D "$FAKE_GCE_DIR/headers" \
		    -w '%{http_code}' -X "$_fg_m" -H "@$_fg_auth" \
		    -H 'Content-Type: application/json' \
		    --data-binary "${3:-}" "$FAKE_GCE_URL$_fg_p"
	else
		curl -s -o "$FAKE_GCE_DIR/body" -D "$FAKE_GCE_DIR/headers" \
		    -w '%{http_code}' -X "$_fg_m" -H "@$_fg_auth" \
		    "$FAKE_GCE_URL$_fg_p"
	fi
	return 0
}

fake_gce_ctl() {
	if [ $# -ge 3 ]; then
		curl -s -X "$1" -H 'Content-Type: application/json' \
		    --data-binary "$3" "$FAKE_GCE_URL/_fake/$2"
	else
		curl -s -X "$1" "$FAKE_GCE_URL/_fake/$2"
	fi
}

fake_gce_config() {
	fake_gce_ctl POST config "$1"
}

fake_gce_reset() {
	fake_gce_ctl POST reset '{}'
}

fake_gce_state() {
	fake_gce_ctl GET state
}

# jq when there is one (python3 takes a while to start, and tests call this
# often); both print compact JSON for what is not a string.
fake_gce_json() {
	if command -v jq >/dev/null 2>&1; then
		jq -r --arg p "$2" '($p | if . == "" then [] else split(".") end |
		    map(if test("^[0-9]+$") then tonumber else . end)) as $k |
		    getpath($k) | if . == null then error("absent")
		    elif type == "string" then . else tojson end' \
		    "$1" 2>/dev/null || return 1
		return 0
	fi
	python3 - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        v = json.load(f)
    for part in sys.argv[2].split('.') if sys.argv[2] else []:
        v = v[int(part)] if isinstance(v, list) else v[part]
except (OSError, ValueError, KeyError, IndexError, TypeError):
    sys.exit(1)
if v is None:
    sys.exit(1)
print(v if isinstance(v, str) else json.dumps(v, separators=(',', ':')))
EOF
}
