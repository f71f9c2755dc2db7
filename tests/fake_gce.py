#!/usr/bin/env python3
"""
A fake Google Cloud for the end-to-end tests: Compute Engine v1, IAM service
accounts, Resource Manager IAM policies, the OAuth 2.0 token endpoint and the
GCE metadata server, all served over plain HTTP on one port of 127.0.0.1.

The client under test is pointed at it through its endpoint settings
(gcp.api_endpoint, gcp.iam_endpoint, gcp.resourcemanager_endpoint), the
token_uri of a test service-account key and GCE_METADATA_HOST.  It follows
the real wire format closely: operations that take several polls to finish
and apply their effect only then, instances that pass through PROVISIONING
and STAGING, Google's error bodies and reasons, metadata fingerprints,
requestId idempotency, guest attributes, IAM policy etags, RS256 JWT
verification.  Faults (errors, dropped connections, delays, exhausted
zones, missing permissions, other host keys) are injected through
POST /_fake/config or the matching command-line flags.

Standard library only; run with --help for the flags.  tests/lib/fake_gce.sh
starts and drives it from shell tests.
"""

import argparse
import base64
import copy
import datetime
import hashlib
import hmac
import http.server
import ipaddress
import json
import os
import random
import re
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid

try:
    import zoneinfo
except ImportError:     # pragma: no cover
    zoneinfo = None

TOKEN_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'
NAME_RE = re.compile(r'^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$')
ZONE_RE = re.compile(r'^[a-z]+-[a-z]+[0-9]+-[a-z]$')
REGION_RE = re.compile(r'^[a-z]+-[a-z]+[0-9]+$')
LABEL_KEY_RE = re.compile(r'^[a-z][a-z0-9_-]{0,62}$')
LABEL_VALUE_RE = re.compile(r'^[a-z0-9_-]{0,63}$')
SA_ID_RE = re.compile(r'^[a-z]([-a-z0-9]*[a-z0-9])$')
# The real service prints Pacific time; an offset keeps clients honest.
API_TZ = datetime.timezone(datetime.timedelta(hours=-7))

DEFAULT_CONFIG = {
    'error_rate': 0.0,          # chance that a request gets an error code
    'error_codes': [503],       # codes picked from, in turn or at random
    'drop_rate': 0.0,           # chance that the connection closes unanswered
    'delay_ms': 0,              # sleep before answering
    'fail_next': 0,             # the next N matching requests get an error
    'drop_next': 0,             # the next N matching requests are dropped
    'drop_after_next': 0,       # the next N are processed, then dropped
    'drop_after_rate': 0.0,
    'match': None,              # regex on the path limiting the faults above
    'retry_after': None,        # Retry-After seconds on injected 429/503
    'exhaust_zone': None,       # zone, list of zones or "*"
    'exhaust_ops': ['insert'],  # operation types that hit exhaust_zone
    'quota_exceeded': None,     # zone, list or "*": inserts end QUOTA_EXCEEDED
    'deny': [],                 # permissions the caller lacks
    'host_keys_override': None,  # "TYPE B64" strings or paths
    'token_expires_in': 3599,
    'ready_after': 0,           # RUNNING polls before sandbox-tui/ready = 1
    'nat_ip': '127.0.0.1',
    'op_steps': 1,              # polls an operation answers RUNNING
    'iam_conflict_next': 0,     # next N setIamPolicy see a concurrent change
    'sa_lag': 0,                # uses of a new service account that fail
    'strict_fields': True,      # unknown JSON fields are 400, as for real
    'strict_refs': True,        # networks, accounts, policies must exist
    'seed': None,
    'serial_output': '',
    'metadata_zone': 'us-central1-a',
}


# --- RSA signature check, pure stdlib -------------------------------------

def der_item(buf, pos):
    """(tag, content start, content end) of the DER item at pos."""
    if pos + 2 > len(buf):
        raise ValueError('truncated DER')
    tag, length = buf[pos], buf[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7f
        if n == 0 or n > 4 or pos + n > len(buf):
            raise ValueError('bad DER length')
        length = int.from_bytes(buf[pos:pos + n], 'big')
        pos += n
    if pos + length > len(buf):
        raise ValueError('truncated DER')
    return tag, pos, pos + length


def der_children(buf, start, end):
    out = []
    while start < end:
        item = der_item(buf, start)
        out.append(item)
        start = item[2]
    return out


RSA_OID = bytes.fromhex('2a864886f70d010101')
SHA256_DIGESTINFO = bytes.fromhex('3031300d060960864801650304020105000420')


def rsa_public_key(pem):
    """(n, e) from a PEM SubjectPublicKeyInfo or PKCS#1 RSA public key."""
    m = re.search(r'-----BEGIN ([A-Z ]+)-----(.*?)-----END \1-----', pem,
                  re.S)
    if not m:
        raise ValueError('no PEM block')
    der = base64.b64decode(''.join(m.group(2).split()))
    tag, s, e = der_item(der, 0)
    kids = der_children(der, s, e)
    if tag != 0x30 or len(kids) < 2:
        raise ValueError('not a DER SEQUENCE')
    if m.group(1) == 'PUBLIC KEY':
        algo = der_children(der, kids[0][1], kids[0][2])
        if not algo or algo[0][0] != 0x06 or \
                der[algo[0][1]:algo[0][2]] != RSA_OID:
            raise ValueError('not an RSA key')
        bt, bs, be = kids[1]
        if bt != 0x03 or der[bs] != 0:
            raise ValueError('bad BIT STRING')
        der = der[bs + 1:be]
        tag, s, e = der_item(der, 0)
        kids = der_children(der, s, e)
    elif m.group(1) != 'RSA PUBLIC KEY':
        raise ValueError('not a public key: ' + m.group(1))
    if kids[0][0] != 0x02 or kids[1][0] != 0x02:
        raise ValueError('bad RSAPublicKey')
    n = int.from_bytes(der[kids[0][1]:kids[0][2]], 'big')
    exp = int.from_bytes(der[kids[1][1]:kids[1][2]], 'big')
    return n, exp


def rsa_verify_sha256(key, msg, sig):
    """RSASSA-PKCS1-v1_5 with SHA-256: rebuild the padded DigestInfo."""
    n, e = key
    k = (n.bit_length() + 7) // 8
    s = int.from_bytes(sig, 'big')
    if len(sig) != k or s >= n:
        return False
    t = SHA256_DIGESTINFO + hashlib.sha256(msg).digest()
    if k < len(t) + 11:
        return False
    want = b'\x00\x01' + b'\xff' * (k - len(t) - 3) + b'\x00' + t
    return hmac.compare_digest(pow(s, e, n).to_bytes(k, 'big'), want)


def b64url_decode(s):
    s = s.encode() if isinstance(s, str) else s
    if not re.fullmatch(rb'[A-Za-z0-9_-]*', s):
        raise ValueError('not base64url')
    return base64.urlsafe_b64decode(s + b'=' * (-len(s) % 4))


# --- small helpers ----------------------------------------------------------

def rfc3339(t=None):
    t = time.time() if t is None else t
    return datetime.datetime.fromtimestamp(t, API_TZ).isoformat(
        timespec='milliseconds')


def rand_id():
    return str(random.SystemRandom().randrange(10 ** 18, 2 ** 63))


def fingerprint():
    return base64.b64encode(secrets.token_bytes(8)).decode()


def iam_etag():
    # Real policy etags are 8 bytes that start 0x07 0x05 ("BwX...").
    return base64.b64encode(b'\x07\x05\xf0' + secrets.token_bytes(5)).decode()


def op_name():
    return 'operation-%d-%s-%s-%s' % (int(time.time() * 1000),
                                      secrets.token_hex(7)[:13],
                                      secrets.token_hex(4),
                                      secrets.token_hex(4))


def snake(name):
    return re.sub(r'([A-Z])', lambda m: '_' + m.group(1).lower(), name)


def as_list(v):
    if v is None or v is False:
        return []
    if isinstance(v, (list, tuple)):
        return list(v)
    return [v]


def zone_region(zone):
    return zone.rsplit('-', 1)[0]


def write_private(path, text):
    tmp = '%s.tmp%d' % (path, os.getpid())
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


class Reply(Exception):
    """An answer; raised for errors so that handlers can bail out early."""

    def __init__(self, status, body=None, ctype=None, headers=None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.ctype = ctype
        self.headers = headers or []


def gce_error(code, reason, message, status=None, extra=None):
    """Compute Engine's error body: errors[] with domain and reason."""
    item = {'message': message, 'domain': 'global', 'reason': reason}
    item.update(extra or {})
    err = {'code': code, 'message': message, 'errors': [item]}
    if status:
        err['status'] = status
    return Reply(code, {'error': err})


def rpc_error(code, status, message, details=None):
    """IAM and Resource Manager (one-platform APIs): status, no errors[]."""
    err = {'code': code, 'message': message, 'status': status}
    if details:
        err['details'] = details
    return Reply(code, {'error': err})


def bad_request(message, reason='invalid'):
    return gce_error(400, reason, message)


def invalid_argument(message):
    return gce_error(400, 'invalid', message, status='INVALID_ARGUMENT')


def not_found(res):
    return gce_error(404, 'notFound', "The resource '%s' was not found" % res)


def html_error(code, title, path):
    body = ('<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n'
            '  <title>Error %d (%s)!!1</title>\n'
            '  <p><b>%d.</b> <ins>That\u2019s an error.</ins>\n'
            '  <p>The requested URL <code>%s</code> was not found on this '
            'server.  <ins>That\u2019s all we know.</ins>\n'
            % (code, title, code, path))
    return Reply(code, body, 'text/html; charset=UTF-8')


# --- request schemas: unknown fields are rejected like the real front end --

def _s(*leaves, **subs):
    d = dict.fromkeys(leaves)
    d.update(subs)
    return d


S_ACCESS = _s('externalIpv6', 'externalIpv6PrefixLength', 'kind', 'name',
              'natIP', 'networkTier', 'publicPtrDomainName', 'securityPolicy',
              'setPublicPtr', 'type')
S_NIC = _s('aliasIpRanges', 'fingerprint', 'internalIpv6PrefixLength',
           'ipv6AccessConfigs', 'ipv6AccessType', 'ipv6Address', 'kind',
           'name', 'network', 'networkAttachment', 'networkIP', 'nicType',
           'queueCount', 'stackType', 'subnetwork', accessConfigs=[S_ACCESS])
S_INIT = _s('architecture', 'description', 'diskName', 'diskSizeGb',
            'diskType', 'enableConfidentialCompute', 'labels', 'licenses',
            'onUpdateAction', 'provisionedIops', 'provisionedThroughput',
            'replicaZones', 'resourceManagerTags', 'resourcePolicies',
            'sourceImage', 'sourceImageEncryptionKey', 'sourceSnapshot',
            'sourceSnapshotEncryptionKey', 'storagePool')
S_DISK = _s('architecture', 'autoDelete', 'boot', 'deviceName',
            'diskEncryptionKey', 'diskSizeGb', 'forceAttach',
            'guestOsFeatures', 'index', 'interface', 'kind', 'licenses',
            'mode', 'savedState', 'shieldedInstanceInitialState', 'source',
            'type', initializeParams=S_INIT)
S_METADATA = _s('fingerprint', 'kind', items=[_s('key', 'value')])
S_SCHED = _s('automaticRestart', 'availabilityDomain',
             'instanceTerminationAction', 'localSsdRecoveryTimeout',
             'locationHint', 'maxRunDuration', 'minNodeCpus',
             'nodeAffinities', 'onHostMaintenance', 'onInstanceStopAction',
             'preemptible', 'provisioningModel', 'terminationTime')
S_INSTANCE = _s(
    'advancedMachineFeatures', 'canIpForward', 'confidentialInstanceConfig',
    'cpuPlatform', 'creationTimestamp', 'deletionProtection', 'description',
    'displayDevice', 'fingerprint', 'guestAccelerators', 'hostname', 'id',
    'instanceEncryptionKey', 'keyRevocationActionType', 'kind',
    'labelFingerprint', 'labels', 'lastStartTimestamp', 'lastStopTimestamp',
    'lastSuspendedTimestamp', 'machineType', 'minCpuPlatform', 'name',
    'networkPerformanceConfig', 'params', 'privateIpv6GoogleAccessType',
    'reservationAffinity', 'resourcePolicies', 'resourceStatus',
    'satisfiesPzi', 'satisfiesPzs', 'selfLink',
    'shieldedInstanceIntegrityPolicy', 'sourceMachineImage',
    'sourceMachineImageEncryptionKey', 'startRestricted', 'status',
    'statusMessage', 'zone',
    disks=[S_DISK], networkInterfaces=[S_NIC], metadata=S_METADATA,
    scheduling=S_SCHED, serviceAccounts=[_s('email', 'scopes')],
    tags=_s('fingerprint', 'items'),
    shieldedInstanceConfig=_s('enableIntegrityMonitoring',
                              'enableSecureBoot', 'enableVtpm'))
S_RULE = _s('IPProtocol', 'ports')
S_FIREWALL = _s('creationTimestamp', 'description', 'destinationRanges',
                'direction', 'disabled', 'id', 'kind', 'logConfig', 'name',
                'network', 'priority', 'selfLink', 'sourceRanges',
                'sourceServiceAccounts', 'sourceTags',
                'targetServiceAccounts', 'targetTags',
                allowed=[S_RULE], denied=[S_RULE])
S_NETWORK = _s('IPv4Range', 'autoCreateSubnetworks', 'creationTimestamp',
               'description', 'enableUlaInternalIpv6', 'firewallPolicy',
               'gatewayIPv4', 'id', 'internalIpv6Range', 'kind', 'mtu',
               'name', 'networkFirewallPolicyEnforcementOrder', 'peerings',
               'routingConfig', 'selfLink', 'selfLinkWithId', 'subnetworks')
S_ISP = _s('expirationTime', 'startTime', 'timeZone',
           vmStartSchedule=_s('schedule'), vmStopSchedule=_s('schedule'))
S_POLICY = _s('creationTimestamp', 'description',
              'diskConsistencyGroupPolicy', 'groupPlacementPolicy', 'id',
              'kind', 'name', 'region', 'resourceStatus', 'selfLink',
              'snapshotSchedulePolicy', 'status', instanceSchedulePolicy=S_ISP)
S_POLICY_REFS = _s('resourcePolicies')

ENUMS = {
    ('scheduling', 'provisioningModel'): ('STANDARD', 'SPOT'),
    ('scheduling', 'onHostMaintenance'): ('MIGRATE', 'TERMINATE'),
    ('scheduling', 'instanceTerminationAction'): ('STOP', 'DELETE'),
    ('disk', 'type'): ('PERSISTENT', 'SCRATCH'),
    ('disk', 'mode'): ('READ_WRITE', 'READ_ONLY'),
    ('access', 'type'): ('ONE_TO_ONE_NAT', 'DIRECT_IPV6'),
    ('access', 'networkTier'): ('PREMIUM', 'STANDARD', 'FIXED_STANDARD'),
    ('firewall', 'direction'): ('INGRESS', 'EGRESS'),
}


def check_fields(obj, schema, path):
    if not isinstance(obj, dict):
        raise invalid_argument("Invalid value at '%s', expected an object"
                               % path)
    for k, v in obj.items():
        if k not in schema:
            raise invalid_argument(
                'Invalid JSON payload received. Unknown name "%s" at \'%s\': '
                'Cannot find field.' % (k, path))
        sub = schema[k]
        if isinstance(sub, list):
            if not isinstance(v, list):
                raise invalid_argument(
                    "Invalid value at '%s.%s', expected a list"
                    % (path, snake(k)))
            for i, item in enumerate(v):
                check_fields(item, sub[0], '%s.%s[%d]' % (path, snake(k), i))
        elif isinstance(sub, dict) and v is not None:
            check_fields(v, sub, '%s.%s' % (path, snake(k)))


def check_enum(kind, obj, field, path):
    v = obj.get(field)
    if v is not None and v not in ENUMS[(kind, field)]:
        raise invalid_argument("Invalid value at '%s.%s' (TYPE_ENUM), %s"
                               % (path, snake(field), json.dumps(v)))


# --- the fake cloud ---------------------------------------------------------

class Fake:
    """All state, behind one lock; handlers run on the server's threads."""

    def __init__(self, args):
        self.lock = threading.RLock()
        self.log_lock = threading.Lock()
        self.args = args
        self.project = args.project
        self.number = str(100000000000 +
                          int(hashlib.sha256(args.project.encode())
                              .hexdigest(), 16) % 900000000000)
        self.state_dir = args.state_dir
        self.base = 'http://127.0.0.1'
        self.tokens = {}
        self.cli_config = copy.deepcopy(DEFAULT_CONFIG)
        self.cli_config.update(args.config)
        self.rng = random.Random()
        self.reset()

    # -- state ---------------------------------------------------------------

    def reset(self, tokens=False):
        with self.lock:
            self.config = copy.deepcopy(self.cli_config)
            self.rng.seed(self.config['seed'])
            self.instances = {}     # (zone, name) -> record
            self.ops = {}           # name -> record
            self.request_ids = {}   # requestId -> operation name
            self.pending = set()    # (collection, key) with an insert running
            self.networks = {}
            self.firewalls = {}
            self.policies = {}      # (region, name) -> resource
            self.accounts = {}      # email -> resource
            self.sa_lag = {}        # email -> uses that still fail
            self.fault_turn = 0
            self.counts = {}
            self.networks['default'] = self.network_resource(
                {'name': 'default', 'autoCreateSubnetworks': True})
            self.iam_policy = {
                'version': 1, 'etag': iam_etag(),
                'bindings': [
                    {'role': 'roles/owner',
                     'members': ['user:owner@example.com']},
                    {'role': 'roles/editor',
                     'members': ['serviceAccount:%s-compute@developer.'
                                 'gserviceaccount.com' % self.number]}]}
            if tokens:
                self.tokens = {}

    def curl(self, *parts):
        return '%s/compute/v1/projects/%s/%s' % (self.base, self.project,
                                                 '/'.join(parts))

    def rel(self, *parts):
        return 'projects/%s/%s' % (self.project, '/'.join(parts))

    def state_json(self):
        with self.lock:
            return {
                'project': self.project,
                'project_number': self.number,
                'base': self.base,
                'config': self.config,
                'instances': {'%s/%s' % k: dict(r['res'],
                                                _polls=r['running_polls'],
                                                _guest=r['guest'])
                              for k, r in self.instances.items()},
                'operations': {n: r['op'] for n, r in self.ops.items()},
                'request_ids': self.request_ids,
                'networks': self.networks,
                'firewalls': self.firewalls,
                'resource_policies': {'%s/%s' % k: v
                                      for k, v in self.policies.items()},
                'service_accounts': self.accounts,
                'iam_policy': self.iam_policy,
                'tokens_issued': len(self.tokens),
                'counts': self.counts,
            }

    # -- faults --------------------------------------------------------------

    def pick_fault(self, path):
        """What to do to this request: delay, error code, drop, drop after."""
        with self.lock:
            c = self.config
            f = {'delay': float(c.get('delay_ms') or 0) / 1000.0,
                 'pre': None, 'post_drop': False}
            if c.get('match') and not re.search(c['match'], path):
                return f
            codes = [int(x) for x in as_list(c.get('error_codes'))] or [503]
            if c.get('drop_next', 0) > 0:
                c['drop_next'] -= 1
                f['pre'] = 'drop'
            elif c.get('fail_next', 0) > 0:
                c['fail_next'] -= 1
                f['pre'] = codes[self.fault_turn % len(codes)]
                self.fault_turn += 1
            elif self.rng.random() < float(c.get('drop_rate') or 0):
                f['pre'] = 'drop'
            elif self.rng.random() < float(c.get('error_rate') or 0):
                f['pre'] = self.rng.choice(codes)
            if f['pre'] is None:
                if c.get('drop_after_next', 0) > 0:
                    c['drop_after_next'] -= 1
                    f['post_drop'] = True
                elif self.rng.random() < float(c.get('drop_after_rate') or 0):
                    f['post_drop'] = True
            return f

    def injected_error(self, code, kind):
        headers = []
        ra = self.config.get('retry_after')
        if ra is not None and code in (429, 503):
            headers.append(('Retry-After', str(ra)))
        if kind == 'token':
            return Reply(code, {'error': 'internal_failure' if code >= 500
                                else 'rate_limit_exceeded',
                                'error_description': 'Injected error %d'
                                % code}, headers=headers)
        if kind == 'metadata':
            return Reply(code, 'Injected error %d\n' % code,
                         'text/plain; charset=utf-8', headers)
        if code == 429:
            r = gce_error(429, 'rateLimitExceeded', 'Rate Limit Exceeded',
                          'RESOURCE_EXHAUSTED')
            r.body['error']['errors'][0]['domain'] = 'usageLimits'
        elif code == 502:
            r = Reply(502, '<!DOCTYPE html>\n<html lang=en>\n<title>Error 502 '
                      '(Server Error)!!1</title>\n<p><b>502.</b> That\u2019s '
                      'an error.\n<p>The server encountered a temporary error '
                      'and could not complete your request.\n',
                      'text/html; charset=UTF-8')
        elif code == 503:
            r = gce_error(503, 'backendError',
                          'The service is currently unavailable.',
                          'UNAVAILABLE')
        elif code == 500:
            r = gce_error(500, 'backendError', 'Internal error. Please try '
                          "again or contact Google Support. (Code: '%s')"
                          % secrets.token_hex(8), 'INTERNAL')
        elif code == 504:
            r = gce_error(504, 'backendError', 'Deadline exceeded',
                          'DEADLINE_EXCEEDED')
        elif code == 403:
            r = gce_error(403, 'rateLimitExceeded', 'Rate Limit Exceeded')
        else:
            r = gce_error(code, 'injected', 'Injected error %d' % code)
        r.headers.extend(headers)
        return r

    def zone_hit(self, key, zone):
        v = as_list(self.config.get(key))
        return '*' in v or True in v or zone in v

    # -- tokens --------------------------------------------------------------

    def issue_token(self, who):
        tok = 'ya29.c.' + secrets.token_urlsafe(48)
        ttl = int(self.config.get('token_expires_in') or 3599)
        with self.lock:
            self.tokens[tok] = {'who': who, 'exp': time.time() + ttl}
        return {'access_token': tok, 'expires_in': ttl,
                'token_type': 'Bearer'}

    def check_token(self, header):
        """(valid, who) for an Authorization header."""
        m = re.fullmatch(r'Bearer\s+(\S+)\s*', header or '', re.I)
        if not m:
            return False, None
        with self.lock:
            t = self.tokens.get(m.group(1))
            if not t or t['exp'] < time.time():
                return False, None
            return True, t['who']

    def public_keys(self):
        """Keys that may sign JWTs: --pubkey files and DIR/sa_pub*.pem."""
        paths = list(self.args.pubkey)
        try:
            paths += [os.path.join(self.state_dir, f)
                      for f in sorted(os.listdir(self.state_dir))
                      if f.startswith('sa_pub') and f.endswith('.pem')]
        except OSError:
            pass
        keys = []
        for p in paths:
            try:
                with open(p) as f:
                    keys.append(rsa_public_key(f.read()))
            except (OSError, ValueError, IndexError) as e:
                sys.stderr.write('fake_gce: key %s: %s\n' % (p, e))
        return keys

    def client_emails(self):
        emails = set(self.args.client_email)
        try:
            with open(os.path.join(self.state_dir, 'sa_email')) as f:
                emails.update(f.read().split())
        except OSError:
            pass
        return emails

    def token_endpoint(self, req):
        if req.method != 'POST':
            raise Reply(405, {'error': 'invalid_request',
                              'error_description': 'Method not allowed'})
        form = req.form or {}
        grant = form.get('grant_type', '')

        def fail(code, error, desc):
            return Reply(code, {'error': error, 'error_description': desc})

        if grant == 'urn:ietf:params:oauth:grant-type:jwt-bearer':
            who = self.check_jwt(req, form.get('assertion', ''), fail)
        elif grant == 'refresh_token':
            who = self.check_refresh(form, fail)
        elif not grant:
            raise fail(400, 'invalid_request',
                       'Missing required parameter: grant_type')
        else:
            raise fail(400, 'unsupported_grant_type',
                       'Invalid grant_type: ' + grant)
        body = self.issue_token(who)
        if grant == 'refresh_token':
            body['scope'] = TOKEN_SCOPE
        return Reply(200, body, headers=[('Cache-Control',
                                          'no-cache, no-store, max-age=0, '
                                          'must-revalidate'),
                                         ('Pragma', 'no-cache')])

    def check_jwt(self, req, assertion, fail):
        if not assertion:
            raise fail(400, 'invalid_request',
                       'Missing required parameter: assertion')
        parts = assertion.split('.')
        try:
            if len(parts) != 3:
                raise ValueError('parts')
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            sig = b64url_decode(parts[2])
            if not isinstance(header, dict) or not isinstance(claims, dict):
                raise ValueError('not objects')
        except (ValueError, UnicodeDecodeError):
            raise fail(400, 'invalid_grant',
                       'Invalid JWT: the assertion is not a well-formed JWT.')
        if header.get('alg') != 'RS256':
            raise fail(400, 'invalid_grant', 'Invalid JWT Signature.')
        iss = claims.get('iss')
        known = self.client_emails()
        if not isinstance(iss, str) or '@' not in iss or \
                (known and iss not in known):
            raise fail(400, 'invalid_grant',
                       'Invalid grant: account not found')
        signed = (parts[0] + '.' + parts[1]).encode()
        if not any(rsa_verify_sha256(k, signed, sig)
                   for k in self.public_keys()):
            raise fail(400, 'invalid_grant', 'Invalid JWT Signature.')
        auds = {self.base + '/token', 'http://%s/token' % req.host}
        if req.path != '/token':
            auds.add('http://%s%s' % (req.host, req.path))
        if claims.get('aud') not in auds:
            raise fail(400, 'invalid_grant',
                       'Invalid JWT: Failed audience check. The right '
                       'audience is %s/token' % self.base)
        now = time.time()
        iat, exp = claims.get('iat'), claims.get('exp')
        if not isinstance(iat, (int, float)) or \
                not isinstance(exp, (int, float)) or \
                exp <= iat or exp - iat > 3600 or exp < now or \
                iat > now + 300:
            raise fail(400, 'invalid_grant',
                       'Invalid JWT: Token must be a short-lived token (60 '
                       'minutes) and in a reasonable timeframe. Check your '
                       'iat and exp values in the JWT claim.')
        scope = claims.get('scope')
        if not scope:
            raise fail(400, 'invalid_scope',
                       'Empty or missing scope not allowed.')
        if TOKEN_SCOPE not in str(scope).split():
            raise fail(400, 'invalid_scope',
                       'Invalid OAuth scope or ID token audience provided.')
        return iss

    def check_refresh(self, form, fail):
        for k in ('client_id', 'client_secret', 'refresh_token'):
            if not form.get(k):
                raise fail(400, 'invalid_request',
                           'Missing required parameter: ' + k)
        try:
            with open(os.path.join(self.state_dir,
                                   'authorized_user.json')) as f:
                want = json.load(f)
        except (OSError, ValueError):
            want = None
        if want:
            if form['client_id'] != want.get('client_id'):
                raise fail(401, 'invalid_client',
                           'The OAuth client was not found.')
            if not hmac.compare_digest(form['client_secret'],
                                       str(want.get('client_secret'))):
                raise fail(401, 'invalid_client', 'Unauthorized')
            if not hmac.compare_digest(form['refresh_token'],
                                       str(want.get('refresh_token'))):
                raise fail(400, 'invalid_grant', 'Bad Request')
        return 'user:' + form['client_id']

    # -- metadata server -----------------------------------------------------

    def metadata(self, req):
        hdr = [('Metadata-Flavor', 'Google'),
               ('Server', 'Metadata Server for VM')]
        text = 'application/text'
        if req.path == '/':
            return Reply(200, 'computeMetadata/\n', text, hdr)
        if req.headers.get('Metadata-Flavor') != 'Google' or \
                req.headers.get('X-Forwarded-For'):
            return Reply(403, 'Your client does not have permission to get '
                         'URL <code>%s</code> from this server. Missing '
                         'Metadata-Flavor:Google header.\n' % req.path,
                         'text/html; charset=UTF-8', hdr)
        sa = '%s-compute@developer.gserviceaccount.com' % self.number
        p = req.path[len('/computeMetadata/v1'):]
        sap = '/instance/service-accounts/'
        values = {
            '/project/project-id': self.project,
            '/project/numeric-project-id': self.number,
            '/instance/zone': 'projects/%s/zones/%s'
            % (self.number, self.config['metadata_zone']),
            '/instance/id': '4242424242424242424',
            '/instance/name': 'fake-metadata-host',
            '/instance/hostname': 'fake-metadata-host.c.%s.internal'
            % self.project,
            sap: 'default/\n%s/\n' % sa,
            sap + 'default/email': sa,
            sap + sa + '/email': sa,
            sap + 'default/scopes': TOKEN_SCOPE + '\n',
            sap + sa + '/scopes': TOKEN_SCOPE + '\n',
        }
        if p in (sap + 'default/token', sap + sa + '/token'):
            if req.method != 'GET':
                return Reply(405, 'Method not allowed\n', text, hdr)
            return Reply(200, self.issue_token('metadata:' + sa),
                         'application/json', hdr)
        if req.method == 'GET' and p in values:
            return Reply(200, values[p], text, hdr)
        return Reply(404, 'Not Found\n', 'text/html; charset=UTF-8', hdr)

    # -- control endpoint ----------------------------------------------------

    def control(self, req):
        p, m = req.path, req.method
        if p == '/_fake/ping':
            return Reply(200, {'ok': True})
        if p == '/_fake/state' and m == 'GET':
            return Reply(200, self.state_json())
        if p == '/_fake/config' and m == 'GET':
            with self.lock:
                return Reply(200, copy.deepcopy(self.config))
        body = req.json if isinstance(req.json, dict) else {}
        if m != 'POST':
            raise Reply(405, {'error': 'use POST'})
        with self.lock:
            if p == '/_fake/config':
                bad = sorted(set(body) - set(DEFAULT_CONFIG))
                if bad:
                    raise Reply(400, {'error': 'unknown keys: %s; known: %s'
                                      % (', '.join(bad),
                                         ', '.join(sorted(DEFAULT_CONFIG)))})
                for k, v in body.items():
                    self.config[k] = copy.deepcopy(DEFAULT_CONFIG[k]
                                                   if v is None else v)
                    if k == 'seed':
                        self.rng.seed(v)
                return Reply(200, copy.deepcopy(self.config))
            if p == '/_fake/reset':
                self.reset(tokens=bool(body.get('tokens')))
                return Reply(200, {'ok': True})
            if p == '/_fake/revoke':
                self.tokens = {}
                return Reply(200, {'ok': True})
            if p in ('/_fake/guest_attribute', '/_fake/instance_status'):
                rec = self.find_instance(body.get('instance'),
                                         body.get('zone'))
                if rec is None:
                    raise Reply(404, {'error': 'no such instance'})
                if p == '/_fake/instance_status':
                    self.set_status(rec, body.get('status', 'TERMINATED'))
                else:
                    ns = rec['guest'].setdefault(body.get('namespace', ''), {})
                    if body.get('value') is None:
                        ns.pop(body.get('key'), None)
                    else:
                        ns[body.get('key')] = str(body['value'])
                return Reply(200, copy.deepcopy(rec['res']))
        raise Reply(404, {'error': 'unknown control path ' + p})

    def find_instance(self, name, zone=None):
        for (z, n), rec in self.instances.items():
            if n == name and (not zone or z == zone):
                return rec
        return None

    # -- API routing ---------------------------------------------------------

    def routes(self):
        c = r'/compute/v1/projects/(?P<p>[^/]+)'
        z = c + r'/zones/(?P<z>[^/]+)'
        i = z + r'/instances/(?P<x>[^/]+)'
        ir = 'projects/{p}/zones/{z}/instances/{x}'
        v1 = r'/v1/projects/(?P<p>[^/:]+)'
        g = 'gce'
        return [
            # method, path, handler, permission, resource, flavour
            ('GET', c, self.project_get, 'compute.projects.get',
             'projects/{p}', g),
            ('GET', z, self.zone_get, 'compute.zones.get',
             'projects/{p}/zones/{z}', g),
            ('GET', c + r'/aggregated/instances', self.inst_aggregated,
             'compute.instances.list', 'projects/{p}', g),
            ('GET', z + r'/instances', self.inst_list,
             'compute.instances.list', 'projects/{p}/zones/{z}', g),
            ('POST', z + r'/instances', self.inst_insert,
             'compute.instances.create',
             'projects/{p}/zones/{z}/instances/{name}', g),
            ('GET', i, self.inst_get, 'compute.instances.get', ir, g),
            ('DELETE', i, self.inst_delete, 'compute.instances.delete',
             ir, g),
            ('POST', i + r'/start', self.inst_start,
             'compute.instances.start', ir, g),
            ('POST', i + r'/stop', self.inst_stop,
             'compute.instances.stop', ir, g),
            ('POST', i + r'/setMetadata', self.inst_set_metadata,
             'compute.instances.setMetadata', ir, g),
            ('POST', i + r'/addResourcePolicies', self.inst_add_policies,
             'compute.instances.addResourcePolicies', ir, g),
            ('POST', i + r'/removeResourcePolicies',
             self.inst_remove_policies,
             'compute.instances.removeResourcePolicies', ir, g),
            ('GET', i + r'/getGuestAttributes', self.inst_guest,
             'compute.instances.getGuestAttributes', ir, g),
            ('GET', i + r'/serialPort', self.inst_serial,
             'compute.instances.getSerialPortOutput', ir, g),
            ('GET', z + r'/operations/(?P<o>[^/]+)', self.op_get,
             'compute.zoneOperations.get',
             'projects/{p}/zones/{z}/operations/{o}', g),
            ('POST', z + r'/operations/(?P<o>[^/]+)/wait', self.op_wait,
             'compute.zoneOperations.get',
             'projects/{p}/zones/{z}/operations/{o}', g),
            ('DELETE', z + r'/operations/(?P<o>[^/]+)', self.op_delete,
             'compute.zoneOperations.delete',
             'projects/{p}/zones/{z}/operations/{o}', g),
            ('GET', c + r'/global/operations/(?P<o>[^/]+)', self.op_get,
             'compute.globalOperations.get',
             'projects/{p}/global/operations/{o}', g),
            ('POST', c + r'/global/operations/(?P<o>[^/]+)/wait',
             self.op_wait, 'compute.globalOperations.get',
             'projects/{p}/global/operations/{o}', g),
            ('GET', c + r'/regions/(?P<r>[^/]+)/operations/(?P<o>[^/]+)',
             self.op_get, 'compute.regionOperations.get',
             'projects/{p}/regions/{r}/operations/{o}', g),
            ('POST',
             c + r'/regions/(?P<r>[^/]+)/operations/(?P<o>[^/]+)/wait',
             self.op_wait, 'compute.regionOperations.get',
             'projects/{p}/regions/{r}/operations/{o}', g),
            ('GET', c + r'/global/networks', self.net_list,
             'compute.networks.list', 'projects/{p}', g),
            ('POST', c + r'/global/networks', self.net_insert,
             'compute.networks.create',
             'projects/{p}/global/networks/{name}', g),
            ('GET', c + r'/global/networks/(?P<n>[^/]+)', self.net_get,
             'compute.networks.get', 'projects/{p}/global/networks/{n}', g),
            ('DELETE', c + r'/global/networks/(?P<n>[^/]+)', self.net_delete,
             'compute.networks.delete',
             'projects/{p}/global/networks/{n}', g),
            ('GET', c + r'/global/firewalls', self.fw_list,
             'compute.firewalls.list', 'projects/{p}', g),
            ('POST', c + r'/global/firewalls', self.fw_insert,
             'compute.firewalls.create',
             'projects/{p}/global/firewalls/{name}', g),
            ('GET', c + r'/global/firewalls/(?P<n>[^/]+)', self.fw_get,
             'compute.firewalls.get', 'projects/{p}/global/firewalls/{n}', g),
            ('DELETE', c + r'/global/firewalls/(?P<n>[^/]+)', self.fw_delete,
             'compute.firewalls.delete',
             'projects/{p}/global/firewalls/{n}', g),
            ('POST', c + r'/regions/(?P<r>[^/]+)/resourcePolicies',
             self.pol_insert, 'compute.resourcePolicies.create',
             'projects/{p}/regions/{r}/resourcePolicies/{name}', g),
            ('GET', c + r'/regions/(?P<r>[^/]+)/resourcePolicies',
             self.pol_list, 'compute.resourcePolicies.list',
             'projects/{p}/regions/{r}', g),
            ('GET', c + r'/regions/(?P<r>[^/]+)/resourcePolicies/(?P<n>[^/]+)',
             self.pol_get, 'compute.resourcePolicies.get',
             'projects/{p}/regions/{r}/resourcePolicies/{n}', g),
            ('DELETE',
             c + r'/regions/(?P<r>[^/]+)/resourcePolicies/(?P<n>[^/]+)',
             self.pol_delete, 'compute.resourcePolicies.delete',
             'projects/{p}/regions/{r}/resourcePolicies/{n}', g),
            ('POST', v1 + r'/serviceAccounts', self.sa_create,
             'iam.serviceAccounts.create', 'projects/{p}', 'iam'),
            ('GET', v1 + r'/serviceAccounts', self.sa_list,
             'iam.serviceAccounts.list', 'projects/{p}', 'iam'),
            ('GET', v1 + r'/serviceAccounts/(?P<e>[^/]+)', self.sa_get,
             'iam.serviceAccounts.get', 'projects/{p}/serviceAccounts/{e}',
             'iam'),
            ('DELETE', v1 + r'/serviceAccounts/(?P<e>[^/]+)', self.sa_delete,
             'iam.serviceAccounts.delete',
             'projects/{p}/serviceAccounts/{e}', 'iam'),
            ('GET', v1, self.crm_project, 'resourcemanager.projects.get',
             'projects/{p}', 'crm'),
            ('POST', v1 + r':getIamPolicy', self.crm_get_policy,
             'resourcemanager.projects.getIamPolicy', 'projects/{p}', 'crm'),
            ('POST', v1 + r':setIamPolicy', self.crm_set_policy,
             'resourcemanager.projects.setIamPolicy', 'projects/{p}', 'crm'),
        ]

    def api(self, req):
        known_path = False
        for method, pat, fn, perm, res, flavour in self.route_table:
            m = re.fullmatch(pat, req.path)
            if not m:
                continue
            known_path = True
            if method == req.method:
                break
        else:
            if known_path:
                raise html_error(405, 'Method Not Allowed', req.path)
            raise html_error(404, 'Not Found', req.path)
        g = m.groupdict()
        self.require_auth(req)
        if g['p'] != self.project and not (flavour == 'iam' and g['p'] == '-'):
            if flavour == 'gce':
                raise not_found('projects/' + g['p'])
            raise rpc_error(403, 'PERMISSION_DENIED',
                            'The caller does not have permission')
        body = req.json
        if method in ('POST', 'PUT', 'PATCH') and req.raw and body is None:
            raise invalid_argument(
                'Invalid JSON payload received. Unexpected token.')
        name = body.get('name', '') if isinstance(body, dict) else ''
        with self.lock:
            self.counts[perm] = self.counts.get(perm, 0) + 1
            if perm in as_list(self.config.get('deny')):
                raise self.denied(perm, res.format(name=name, **g), flavour)
            rid = req.query.get('requestId')
            if rid is not None and method in ('POST', 'DELETE') and \
                    flavour == 'gce':
                self.check_request_id(rid)
                if rid in self.request_ids:
                    return Reply(200, copy.deepcopy(
                        self.ops[self.request_ids[rid]]['op']))
            reply = fn(req, g)
            if rid is not None and isinstance(reply.body, dict) and \
                    reply.body.get('kind') == 'compute#operation':
                self.request_ids[rid] = reply.body['name']
            return reply

    def require_auth(self, req):
        if req.auth_valid:
            return
        hdr = [('WWW-Authenticate', 'Bearer realm="https://accounts.google'
                '.com/", error="invalid_token"')]
        if req.headers.get('Authorization') is None:
            msg = ('Request is missing required authentication credential. '
                   'Expected OAuth 2 access token, login cookie or other '
                   'valid authentication credential. See https://developers'
                   '.google.com/identity/sign-in/web/devconsole-project.')
            item = 'Login Required.'
            reason = 'required'
        else:
            msg = ('Request had invalid authentication credentials. '
                   'Expected OAuth 2 access token, login cookie or other '
                   'valid authentication credential. See https://developers'
                   '.google.com/identity/sign-in/web/devconsole-project.')
            item = 'Invalid Credentials'
            reason = 'authError'
        raise Reply(401, {'error': {
            'code': 401, 'message': msg,
            'errors': [{'message': item, 'domain': 'global',
                        'reason': reason, 'location': 'Authorization',
                        'locationType': 'header'}],
            'status': 'UNAUTHENTICATED'}}, headers=hdr)

    def denied(self, perm, res, flavour):
        if flavour == 'gce':
            return gce_error(403, 'forbidden', "Required '%s' permission for "
                             "'%s'" % (perm, res))
        if flavour == 'iam':
            return rpc_error(403, 'PERMISSION_DENIED',
                             "Permission '%s' denied on resource (or it may "
                             "not exist)." % perm,
                             [{'@type': 'type.googleapis.com/google.rpc.'
                               'ErrorInfo', 'reason': 'IAM_PERMISSION_DENIED',
                               'domain': 'iam.googleapis.com',
                               'metadata': {'permission': perm}}])
        return rpc_error(403, 'PERMISSION_DENIED',
                         'The caller does not have permission')

    def check_request_id(self, rid):
        try:
            ok = uuid.UUID(rid).int != 0
        except ValueError:
            ok = False
        if not ok:
            raise bad_request(
                "Invalid value for field 'requestId': '%s'. The request ID "
                "must be a valid UUID with the exception that zero UUID is "
                "not supported (00000000-0000-0000-0000-000000000000)." % rid)

    def check_zone(self, zone):
        if not ZONE_RE.match(zone):
            raise bad_request("Invalid value for field 'zone': '%s'. Unknown "
                              "zone." % zone)

    def check_region(self, region):
        if not REGION_RE.match(region):
            raise bad_request("Invalid value for field 'region': '%s'. "
                              "Unknown region." % region)

    def body(self, req, schema, path='resource'):
        b = req.json
        if not isinstance(b, dict):
            raise bad_request("Required field '%s' not specified" % path,
                              'required')
        if self.config.get('strict_fields') and schema is not None:
            check_fields(b, schema, path)
        return copy.deepcopy(b)

    def check_name(self, body, field='resource.name'):
        name = body.get('name')
        if not name:
            raise bad_request("Required field '%s' not specified" % field,
                              'required')
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise bad_request(
                "Invalid value for field '%s': '%s'. Must be a match of "
                "regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'"
                % (field, name))
        return name

    def ref(self, value, field, pattern):
        """Parses a (partial) URL; pattern has named groups."""
        if not isinstance(value, str):
            raise bad_request("Invalid value for field '%s': '%s'. The URL "
                              "is malformed." % (field, value))
        v = re.sub(r'^https?://[^/]+/compute/(v1|beta|alpha)/', '', value)
        m = re.fullmatch(r'(?:projects/(?P<proj>[^/]+)/)?' + pattern, v)
        if not m or (m.group('proj') or self.project) != self.project:
            raise bad_request("Invalid value for field '%s': '%s'. The URL "
                              "is malformed." % (field, value))
        return m.groupdict()

    # -- operations ----------------------------------------------------------

    def new_op(self, req, scope, op_type, target, target_id, apply):
        """scope: ('zones', Z), ('regions', R) or ('global',)."""
        name = op_name()
        op = {'kind': 'compute#operation', 'id': rand_id(), 'name': name,
              'operationType': op_type, 'targetLink': target,
              'targetId': target_id, 'status': 'PENDING',
              'user': req.who or 'unknown', 'progress': 0,
              'insertTime': rfc3339(),
              'selfLink': self.curl(*scope, 'operations', name)}
        if scope[0] == 'zones':
            op['zone'] = self.curl('zones', scope[1])
        elif scope[0] == 'regions':
            op['region'] = self.curl('regions', scope[1])
        self.ops[name] = {'op': op, 'scope': scope, 'apply': apply,
                          'left': 0}
        return Reply(200, copy.deepcopy(op))

    def find_op(self, g):
        scope = ('zones', g['z']) if 'z' in g and g['z'] else \
            ('regions', g['r']) if g.get('r') else ('global',)
        rec = self.ops.get(g['o'])
        if rec is None or rec['scope'] != scope:
            raise not_found(self.rel(*scope, 'operations', g['o']))
        return rec

    def op_advance(self, rec):
        op = rec['op']
        steps = int(self.config.get('op_steps') or 0)
        if op['status'] == 'PENDING' and steps > 0:
            op['status'] = 'RUNNING'
            op['startTime'] = rfc3339()
            rec['left'] = steps - 1
        elif op['status'] == 'RUNNING' and rec['left'] > 0:
            rec['left'] -= 1
            op['progress'] = min(90, op['progress'] + 25)
        elif op['status'] in ('PENDING', 'RUNNING'):
            op.setdefault('startTime', rfc3339())
            err = rec['apply']() if rec['apply'] else None
            op['status'] = 'DONE'
            op['progress'] = 100
            op['endTime'] = rfc3339()
            if err:
                op['error'] = {'errors': err['errors']}
                op['httpErrorStatusCode'] = err['http']
                op['httpErrorMessage'] = err['http_message']

    def op_get(self, req, g):
        rec = self.find_op(g)
        self.op_advance(rec)
        return Reply(200, copy.deepcopy(rec['op']))

    def op_wait(self, req, g):
        rec = self.find_op(g)
        if rec['op']['status'] != 'DONE':
            # The real wait blocks; a short nap keeps tests quick.
            self.lock.release()
            try:
                time.sleep(0.1 + random.random() * 0.1)
            finally:
                self.lock.acquire()
        self.op_advance(rec)
        return Reply(200, copy.deepcopy(rec['op']))

    def op_delete(self, req, g):
        rec = self.find_op(g)
        del self.ops[rec['op']['name']]
        return Reply(204, b'')

    @staticmethod
    def op_error(code, message, http, http_message):
        return {'errors': [{'code': code, 'message': message}],
                'http': http, 'http_message': http_message}

    # -- instances -----------------------------------------------------------

    def get_inst(self, g):
        self.check_zone(g['z'])
        rec = self.instances.get((g['z'], g['x']))
        if rec is None:
            raise not_found(self.rel('zones', g['z'], 'instances', g['x']))
        return rec

    def set_status(self, rec, status):
        res = rec['res']
        res['status'] = status
        for nic in res.get('networkInterfaces', []):
            for ac in nic.get('accessConfigs', []):
                if status in ('TERMINATED', 'STOPPED', 'SUSPENDED'):
                    if rec['ephemeral_ip']:
                        ac.pop('natIP', None)
                elif 'natIP' not in ac:
                    ac['natIP'] = self.config['nat_ip']
        if status == 'STAGING':
            res['lastStartTimestamp'] = rfc3339()
        if status in ('STOPPING', 'TERMINATED'):
            if 'lastStopTimestamp' not in res or status == 'STOPPING':
                res['lastStopTimestamp'] = rfc3339()
            rec['running_polls'] = 0
            rec['guest'].pop('sandbox-tui', None)

    def touch(self, rec):
        """A poll: answer with the current state, then move it on, the way
        a booting VM moves on between two looks at it.  Returns the answer
        and the RUNNING polls seen before this one."""
        res = rec['res']
        snap = copy.deepcopy(res)
        before = rec['running_polls']
        st = res['status']
        if st == 'RUNNING':
            rec['running_polls'] += 1
        elif st == 'PROVISIONING':
            self.set_status(rec, 'STAGING')
        elif st == 'STAGING':
            self.set_status(rec, 'RUNNING')
        elif st == 'STOPPING':
            self.set_status(rec, 'TERMINATED')
        return snap, before

    def inst_get(self, req, g):
        snap, _ = self.touch(self.get_inst(g))
        return Reply(200, snap)

    def inst_list(self, req, g):
        self.check_zone(g['z'])
        items = [self.touch(r)[0] for (z, _), r in
                 sorted(self.instances.items()) if z == g['z']]
        body = {'kind': 'compute#instanceList',
                'id': self.rel('zones', g['z'], 'instances'),
                'selfLink': self.curl('zones', g['z'], 'instances')}
        if items:
            body['items'] = items
        return Reply(200, body)

    def inst_aggregated(self, req, g):
        items = {}
        for (z, _), r in sorted(self.instances.items()):
            items.setdefault('zones/' + z, {'instances': []})[
                'instances'].append(self.touch(r)[0])
        return Reply(200, {'kind': 'compute#instanceAggregatedList',
                           'id': self.rel('aggregated', 'instances'),
                           'items': items,
                           'selfLink': self.curl('aggregated', 'instances')})

    def project_get(self, req, g):
        return Reply(200, {'kind': 'compute#project', 'id': self.number,
                           'name': self.project,
                           'creationTimestamp': rfc3339(1500000000),
                           'commonInstanceMetadata': {
                               'kind': 'compute#metadata',
                               'fingerprint': 'xJ0nNDvEx9A='},
                           'defaultServiceAccount': '%s-compute@developer.'
                           'gserviceaccount.com' % self.number,
                           'selfLink': self.base + '/compute/v1/projects/'
                           + self.project})

    def zone_get(self, req, g):
        self.check_zone(g['z'])
        return Reply(200, {'kind': 'compute#zone', 'name': g['z'],
                           'status': 'UP',
                           'region': self.curl('regions',
                                               zone_region(g['z'])),
                           'selfLink': self.curl('zones', g['z'])})

    def check_labels(self, labels, field):
        if labels is None:
            return
        if not isinstance(labels, dict):
            raise bad_request("Invalid value for field '%s'" % field)
        for k, v in labels.items():
            if not LABEL_KEY_RE.match(k):
                raise bad_request(
                    "Invalid value for field '%s': ''. Label key '%s' "
                    "violates format constraints. The key must start with a "
                    "lowercase character, can only contain lowercase "
                    "letters, numeric characters, underscores and dashes. "
                    "The key can be at most 63 characters long. "
                    "International characters are allowed." % (field, k))
            if not isinstance(v, str) or not LABEL_VALUE_RE.match(v):
                raise bad_request(
                    "Invalid value for field '%s': ''. Label value '%s' "
                    "violates format constraints. The value can only contain"
                    " lowercase letters, numeric characters, underscores and"
                    " dashes. The value can be at most 63 characters long. "
                    "International characters are allowed." % (field, v))

    def check_metadata(self, md, field):
        items = md.get('items') or []
        seen = set()
        for i, it in enumerate(items):
            k = it.get('key')
            if not isinstance(k, str) or \
                    not re.fullmatch(r'[a-zA-Z0-9_-]{1,128}', k):
                raise bad_request("Invalid value for field '%s.items[%d]."
                                  "key': '%s'. Must be a match of regex "
                                  "'[a-zA-Z0-9-_]{1,128}'" % (field, i, k))
            if k in seen:
                raise bad_request("Invalid value for field '%s': Metadata "
                                  "has duplicate keys: '%s'." % (field, k))
            seen.add(k)
            if not isinstance(it.get('value', ''), str):
                raise bad_request("Invalid value for field '%s.items[%d]."
                                  "value'" % (field, i))
        return items

    def account_usable(self, email, field):
        if not self.config.get('strict_refs'):
            return
        if not email.endswith('@%s.iam.gserviceaccount.com' % self.project):
            return
        lag = self.sa_lag.get(email, 0)
        if email not in self.accounts or lag > 0:
            if lag > 0:
                self.sa_lag[email] = lag - 1
            raise bad_request(
                "Invalid value for field '%s': '%s'. The user does not have "
                "access to service account '%s'.  User: 'owner@example.com'"
                ".  Ask a project owner to grant you the "
                "iam.serviceAccountUser role on the service account"
                % (field, email, email))

    def inst_insert(self, req, g):
        zone = g['z']
        self.check_zone(zone)
        b = self.body(req, S_INSTANCE)
        name = self.check_name(b)
        region = zone_region(zone)
        if not b.get('machineType'):
            raise bad_request("Required field 'resource.machineType' not "
                              "specified", 'required')
        mt = self.ref(b['machineType'], 'resource.machineType',
                      r'zones/(?P<z>[^/]+)/machineTypes/(?P<t>[a-z0-9-]+)')
        if mt['z'] != zone:
            raise bad_request(
                "Invalid value for field 'resource.machineType': '%s'. "
                "Machine type with name '%s' does not exist in zone '%s'."
                % (b['machineType'], mt['t'], zone))
        disks = b.get('disks')
        if not disks:
            raise bad_request("Required field 'resource.disks' not "
                              "specified", 'required')
        self.check_labels(b.get('labels'), 'resource.labels')
        sched = b.setdefault('scheduling', {})
        for f in ('provisioningModel', 'onHostMaintenance',
                  'instanceTerminationAction'):
            check_enum('scheduling', sched, f, 'resource.scheduling')
        spot = sched.get('provisioningModel') == 'SPOT' or \
            bool(sched.get('preemptible'))
        if spot and sched.get('onHostMaintenance') == 'MIGRATE':
            raise bad_request(
                "Invalid value for field 'resource.scheduling."
                "onHostMaintenance': 'MIGRATE'. Spot VMs and preemptible "
                "VMs must have onHostMaintenance set to TERMINATE.")
        if spot and sched.get('automaticRestart') is True:
            raise bad_request(
                "Invalid value for field 'resource.scheduling."
                "automaticRestart': 'true'. Spot VMs and preemptible VMs "
                "cannot be automatically restarted.")
        sched.setdefault('onHostMaintenance', 'TERMINATE' if spot
                         else 'MIGRATE')
        sched.setdefault('automaticRestart', not spot)
        sched.setdefault('preemptible', spot)
        sched.setdefault('provisioningModel', 'STANDARD')
        if spot:
            sched.setdefault('instanceTerminationAction', 'STOP')
        for i, d in enumerate(disks):
            f = 'resource.disks[%d]' % i
            check_enum('disk', d, 'type', f)
            check_enum('disk', d, 'mode', f)
            ip = d.get('initializeParams')
            if i > 0 and d.get('boot'):
                raise bad_request("Invalid value for field '%s.boot': "
                                  "'true'. Boot disk must be the first disk "
                                  "attached to the instance." % f)
            if not ip and not d.get('source'):
                raise bad_request("Invalid value for field '%s': ''. Source "
                                  "or initializeParams must be set." % f)
            if ip:
                if i == 0 and not ip.get('sourceImage') and \
                        not ip.get('sourceSnapshot'):
                    raise bad_request(
                        "Invalid value for field '%s.initializeParams': ''. "
                        "Boot disk must have a source specified." % f)
                if ip.get('sourceImage'):
                    self.check_image(ip['sourceImage'],
                                     f + '.initializeParams.sourceImage')
                try:
                    size = int(ip.get('diskSizeGb', 10))
                except (TypeError, ValueError):
                    raise bad_request("Invalid value for field '%s.initialize"
                                      "Params.diskSizeGb': '%s'."
                                      % (f, ip.get('diskSizeGb')))
                if size < 10:
                    raise bad_request(
                        "Invalid value for field '%s.initializeParams."
                        "diskSizeGb': '%d'. Requested disk size cannot be "
                        "smaller than the image size (10 GB)" % (f, size))
                if ip.get('diskType'):
                    self.ref(ip['diskType'], f + '.initializeParams.diskType',
                             r'zones/%s/diskTypes/[a-z0-9-]+'
                             % re.escape(zone))
        for i, nic in enumerate(b.get('networkInterfaces') or []):
            f = 'resource.networkInterfaces[%d]' % i
            net = self.ref(nic.get('network', 'global/networks/default'),
                           f + '.network', r'global/networks/(?P<n>[^/]+)')
            if self.config.get('strict_refs') and \
                    net['n'] not in self.networks:
                raise bad_request(
                    "Invalid value for field '%s.network': '%s'. The "
                    "referenced network resource cannot be found."
                    % (f, nic.get('network')))
            for j, ac in enumerate(nic.get('accessConfigs') or []):
                check_enum('access', ac, 'type',
                           '%s.access_configs[%d]' % (f, j))
                check_enum('access', ac, 'networkTier',
                           '%s.access_configs[%d]' % (f, j))
        for i, sa in enumerate(b.get('serviceAccounts') or []):
            f = 'resource.serviceAccounts[%d].email' % i
            email = sa.get('email', 'default')
            if 'iam.serviceAccounts.actAs' in as_list(self.config['deny']):
                raise bad_request(
                    "Invalid value for field '%s': '%s'. The user does not "
                    "have access to service account '%s'.  User: "
                    "'owner@example.com'.  Ask a project owner to grant you "
                    "the iam.serviceAccountUser role on the service account"
                    % (f, email, email))
            self.account_usable(email, f)
        md = b.get('metadata') or {}
        self.check_metadata(md, 'resource.metadata')
        pols = [self.policy_ref(p, region, 'resource.resourcePolicies[%d]' % i)
                for i, p in enumerate(b.get('resourcePolicies') or [])]
        key = ('instance', zone, name)
        if (zone, name) in self.instances or key in self.pending:
            raise gce_error(409, 'alreadyExists', "The resource '%s' already "
                            "exists" % self.rel('zones', zone, 'instances',
                                                name))
        static_ip = any(ac.get('natIP')
                        for nic in b.get('networkInterfaces') or []
                        for ac in nic.get('accessConfigs') or [])
        res = self.instance_resource(b, zone, name, region, pols)
        rec = {'res': res, 'running_polls': 0, 'guest': {},
               'ephemeral_ip': not static_ip}
        self.pending.add(key)
        typ = 'insert'

        def apply():
            self.pending.discard(key)
            err = self.capacity_error(zone, typ)
            if err:
                return err
            rec['res']['creationTimestamp'] = rfc3339()
            self.set_status(rec, 'PROVISIONING')
            self.instances[(zone, name)] = rec
            self.write_authorized_keys(res)
            return None
        return self.new_op(req, ('zones', zone), typ, res['selfLink'],
                           res['id'], apply)

    def capacity_error(self, zone, typ):
        if typ in as_list(self.config.get('exhaust_ops')) and \
                self.zone_hit('exhaust_zone', zone):
            return self.op_error(
                'ZONE_RESOURCE_POOL_EXHAUSTED',
                "The zone '%s' does not have enough resources available to "
                "fulfill the request. Try a different zone, or try again "
                "later." % self.rel('zones', zone), 503, 'SERVICE UNAVAILABLE')
        if typ == 'insert' and self.zone_hit('quota_exceeded', zone):
            return self.op_error(
                'QUOTA_EXCEEDED', "Quota 'CPUS' exceeded.  Limit: 8.0 in "
                "region %s." % zone_region(zone), 403, 'FORBIDDEN')
        return None

    def check_image(self, image, field):
        v = re.sub(r'^https?://[^/]+/compute/(v1|beta)/', '', image)
        if not re.fullmatch(r'(projects/[^/]+/)?global/images/'
                            r'(family/)?[a-z0-9-]+', v):
            raise bad_request("Invalid value for field '%s': '%s'. The URL "
                              "is malformed." % (field, image))

    def instance_resource(self, b, zone, name, region, pols):
        res = b
        mt = re.sub(r'^.*?zones/', '', b['machineType'])
        disks = []
        for i, d in enumerate(b['disks']):
            ip = d.pop('initializeParams', None) or {}
            dname = ip.get('diskName') or (name if i == 0 else
                                           '%s-%d' % (name, i))
            d.update({'kind': 'compute#attachedDisk',
                      'type': d.get('type', 'PERSISTENT'),
                      'mode': d.get('mode', 'READ_WRITE'),
                      'source': d.get('source') or
                      self.curl('zones', zone, 'disks', dname),
                      'deviceName': d.get('deviceName',
                                          'persistent-disk-%d' % i),
                      'index': i, 'boot': bool(d.get('boot', i == 0)),
                      'autoDelete': bool(d.get('autoDelete', False)),
                      'interface': d.get('interface', 'SCSI'),
                      'diskSizeGb': str(int(ip.get('diskSizeGb', 10))),
                      'architecture': 'X86_64',
                      'guestOsFeatures': [{'type': 'UEFI_COMPATIBLE'},
                                          {'type': 'VIRTIO_SCSI_MULTIQUEUE'},
                                          {'type': 'GVNIC'}]})
            if ip.get('sourceImage'):
                d['licenses'] = [self.base + '/compute/v1/projects/'
                                 'debian-cloud/global/licenses/debian-12-'
                                 'bookworm']
            disks.append(d)
        nics = b.get('networkInterfaces') or [{}]
        for i, nic in enumerate(nics):
            net = re.sub(r'^.*?global/networks/', '',
                         nic.get('network', 'global/networks/default'))
            nic.update({'kind': 'compute#networkInterface',
                        'network': self.curl('global', 'networks', net),
                        'subnetwork': nic.get('subnetwork') or
                        self.curl('regions', region, 'subnetworks', net),
                        'networkIP': '10.128.0.%d' % (2 + len(self.instances)
                                                      % 250),
                        'name': 'nic%d' % i, 'fingerprint': fingerprint(),
                        'stackType': 'IPV4_ONLY'})
            for ac in nic.get('accessConfigs') or []:
                ac.update({'kind': 'compute#accessConfig',
                           'type': ac.get('type', 'ONE_TO_ONE_NAT'),
                           'name': ac.get('name', 'External NAT'),
                           'networkTier': ac.get('networkTier', 'PREMIUM')})
                ac.setdefault('natIP', self.config['nat_ip'])
        md = b.get('metadata') or {}
        metadata = {'kind': 'compute#metadata', 'fingerprint': fingerprint()}
        if md.get('items'):
            metadata['items'] = md['items']
        res.update({
            'kind': 'compute#instance', 'id': rand_id(),
            'creationTimestamp': rfc3339(), 'name': name,
            'status': 'PROVISIONING',
            'zone': self.curl('zones', zone),
            'machineType': self.curl('zones', mt),
            'disks': disks, 'networkInterfaces': nics, 'metadata': metadata,
            'selfLink': self.curl('zones', zone, 'instances', name),
            'cpuPlatform': 'Intel Broadwell',
            'canIpForward': bool(b.get('canIpForward', False)),
            'deletionProtection': bool(b.get('deletionProtection', False)),
            'startRestricted': False, 'fingerprint': fingerprint(),
            'labelFingerprint': fingerprint(),
            'lastStartTimestamp': rfc3339(),
            'satisfiesPzi': True,
            'keyRevocationActionType': 'NONE_ON_KEY_REVOCATION'})
        if b.get('tags'):
            res['tags']['fingerprint'] = fingerprint()
        if pols:
            res['resourcePolicies'] = pols
        return res

    def write_authorized_keys(self, res):
        path = self.args.authorized_keys
        if not path:
            return
        lines = []
        for it in res.get('metadata', {}).get('items', []):
            if it.get('key') != 'ssh-keys':
                continue
            for line in (it.get('value') or '').splitlines():
                line = line.strip()
                m = re.match(r'^([^:\s]+):(\S+\s+\S+.*)$', line)
                if m:
                    lines.append(m.group(2))
        write_private(path, ''.join(x + '\n' for x in lines))

    def inst_delete(self, req, g):
        rec = self.get_inst(g)
        res = rec['res']
        if res.get('deletionProtection'):
            raise bad_request("Invalid resource usage: 'Resource cannot be "
                              "deleted if it's protected against deletion.'.",
                              'resourceInUseByAnotherResource')
        key = (g['z'], g['x'])

        def apply():
            if self.instances.get(key) is rec:
                del self.instances[key]
            return None
        return self.new_op(req, ('zones', g['z']), 'delete', res['selfLink'],
                           res['id'], apply)

    def inst_start(self, req, g):
        rec = self.get_inst(g)
        zone = g['z']

        def apply():
            err = self.capacity_error(zone, 'start')
            if err:
                return err
            if rec['res']['status'] in ('TERMINATED', 'STOPPED',
                                        'STOPPING', 'SUSPENDED'):
                self.set_status(rec, 'STAGING')
            return None
        return self.new_op(req, ('zones', zone), 'start',
                           rec['res']['selfLink'], rec['res']['id'], apply)

    def inst_stop(self, req, g):
        rec = self.get_inst(g)

        def apply():
            if rec['res']['status'] in ('PROVISIONING', 'STAGING', 'RUNNING',
                                        'REPAIRING'):
                self.set_status(rec, 'STOPPING')
            return None
        return self.new_op(req, ('zones', g['z']), 'stop',
                           rec['res']['selfLink'], rec['res']['id'], apply)

    def inst_set_metadata(self, req, g):
        rec = self.get_inst(g)
        b = self.body(req, S_METADATA)
        items = self.check_metadata(b, 'metadata')
        md = rec['res']['metadata']
        if b.get('fingerprint') != md['fingerprint'] or \
                md['fingerprint'] in rec.setdefault('fp_used', set()):
            raise gce_error(412, 'conditionNotMet', 'Supplied fingerprint '
                            'does not match current metadata fingerprint.',
                            extra={'location': 'If-Match',
                                   'locationType': 'header'})
        # Two writers holding the same fingerprint: only the first wins,
        # even before its operation is done.
        rec['fp_used'].add(md['fingerprint'])

        def apply():
            new = {'kind': 'compute#metadata', 'fingerprint': fingerprint()}
            if items:
                new['items'] = items
            rec['res']['metadata'] = new
            rec['fp_used'] = set()
            self.write_authorized_keys(rec['res'])
            return None
        return self.new_op(req, ('zones', g['z']), 'setMetadata',
                           rec['res']['selfLink'], rec['res']['id'], apply)

    def policy_ref(self, value, region, field):
        r = self.ref(value, field, r'regions/(?P<r>[^/]+)/resourcePolicies/'
                     r'(?P<n>[^/]+)')
        if r['r'] != region:
            raise bad_request("Invalid value for field '%s': '%s'. Resource "
                              "policy must be in the same region as the "
                              "instance." % (field, value))
        if self.config.get('strict_refs') and \
                (region, r['n']) not in self.policies:
            raise not_found(self.rel('regions', region, 'resourcePolicies',
                                     r['n']))
        return self.curl('regions', region, 'resourcePolicies', r['n'])

    def inst_add_policies(self, req, g):
        rec = self.get_inst(g)
        b = self.body(req, S_POLICY_REFS, 'body')
        region = zone_region(g['z'])
        pols = [self.policy_ref(p, region, 'resourcePolicies[%d]' % i)
                for i, p in enumerate(b.get('resourcePolicies') or [])]
        if not pols:
            raise bad_request("Required field 'resourcePolicies' not "
                              "specified", 'required')
        have = rec['res'].get('resourcePolicies', [])
        if len(set(have) | set(pols)) > 1:
            raise bad_request("Invalid value for field 'resourcePolicies': "
                              "'%s'. Too many instance schedule policies; an "
                              "instance can have at most one." % pols[-1])

        def apply():
            cur = rec['res'].setdefault('resourcePolicies', [])
            cur.extend(p for p in pols if p not in cur)
            return None
        return self.new_op(req, ('zones', g['z']), 'addResourcePolicies',
                           rec['res']['selfLink'], rec['res']['id'], apply)

    def inst_remove_policies(self, req, g):
        rec = self.get_inst(g)
        b = self.body(req, S_POLICY_REFS, 'body')
        names = {re.sub(r'^.*/', '', p) for p in
                 b.get('resourcePolicies') or []}

        def apply():
            cur = [p for p in rec['res'].get('resourcePolicies', [])
                   if re.sub(r'^.*/', '', p) not in names]
            if cur:
                rec['res']['resourcePolicies'] = cur
            else:
                rec['res'].pop('resourcePolicies', None)
            return None
        return self.new_op(req, ('zones', g['z']), 'removeResourcePolicies',
                           rec['res']['selfLink'], rec['res']['id'], apply)

    def host_keys(self):
        """[(type, base64)] from host_keys_override or --host-keys."""
        src = self.config.get('host_keys_override')
        src = as_list(src) if src else list(self.args.host_keys)
        keys = []
        for s in src:
            if re.match(r'^(ssh-|ecdsa-)\S+ \S+', s):
                keys.append(s.split()[:2])
                continue
            paths = [s]
            if os.path.isdir(s):
                paths = [os.path.join(s, f) for f in sorted(os.listdir(s))
                         if 'host' in f and f.endswith('.pub')]
            for p in paths:
                try:
                    with open(p) as f:
                        for line in f:
                            w = line.split()
                            if len(w) >= 2:
                                keys.append(w[:2])
                except OSError as e:
                    sys.stderr.write('fake_gce: host key %s: %s\n' % (p, e))
        return keys

    def inst_guest(self, req, g):
        rec = self.get_inst(g)
        snap, polls = self.touch(rec)
        enabled = any(it.get('key') == 'enable-guest-attributes' and
                      str(it.get('value')).upper() == 'TRUE'
                      for it in snap['metadata'].get('items', []))
        attrs = {}
        if enabled and snap['status'] == 'RUNNING':
            attrs['hostkeys'] = dict(self.host_keys())
            if polls >= int(self.config.get('ready_after') or 0):
                attrs['sandbox-tui'] = {'ready': '1'}
            for ns, kv in rec['guest'].items():
                attrs.setdefault(ns, {}).update(kv)
        vkey = req.query.get('variableKey')
        qp = req.query.get('queryPath', '' if vkey is None else None)
        link = snap['selfLink'] + '/getGuestAttributes'
        if vkey is not None:
            ns, _, k = vkey.partition('/')
            if k not in attrs.get(ns, {}):
                raise not_found(vkey)
            return Reply(200, {'kind': 'compute#guestAttributes',
                               'variableKey': vkey,
                               'variableValue': attrs[ns][k],
                               'selfLink': link + '?variableKey=' +
                               urllib.parse.quote(vkey, safe='')})
        ns, _, k = qp.partition('/')
        items = [{'namespace': n, 'key': kk, 'value': v}
                 for n in sorted(attrs) if not ns or n == ns
                 for kk, v in sorted(attrs[n].items()) if not k or kk == k]
        if not items:
            raise gce_error(404, 'notFound', "The resource '%s' of type "
                            "'Guest Attribute' was not found." % qp)
        return Reply(200, {'kind': 'compute#guestAttributes',
                           'queryPath': qp, 'queryValue': {'items': items},
                           'selfLink': link + '?queryPath=' +
                           urllib.parse.quote(qp, safe='')})

    def inst_serial(self, req, g):
        rec = self.get_inst(g)
        text = self.config.get('serial_output') or ''
        try:
            start = int(req.query.get('start', 0))
        except ValueError:
            raise bad_request("Invalid value for field 'start'")
        return Reply(200, {'kind': 'compute#serialPortOutput',
                           'contents': text[start:], 'start': str(start),
                           'next': str(len(text)),
                           'selfLink': rec['res']['selfLink'] +
                           '/serialPort'})

    # -- networks and firewalls ----------------------------------------------

    def network_resource(self, b):
        b = copy.deepcopy(b)
        b.update({'kind': 'compute#network', 'id': rand_id(),
                  'creationTimestamp': rfc3339(),
                  'selfLink': self.curl('global', 'networks', b['name']),
                  'autoCreateSubnetworks': b.get('autoCreateSubnetworks',
                                                 True),
                  'routingConfig': b.get('routingConfig',
                                         {'routingMode': 'REGIONAL'}),
                  'networkFirewallPolicyEnforcementOrder':
                  'AFTER_CLASSIC_FIREWALL'})
        if b['autoCreateSubnetworks']:
            b['subnetworks'] = [self.curl('regions', r, 'subnetworks',
                                          b['name'])
                                for r in ('us-central1', 'us-east1',
                                          'europe-west1', 'asia-east1')]
        return b

    def net_insert(self, req, g):
        b = self.body(req, S_NETWORK)
        name = self.check_name(b)
        if name in self.networks or ('network', name) in self.pending:
            raise gce_error(409, 'alreadyExists', "The resource '%s' already "
                            "exists" % self.rel('global', 'networks', name))
        res = self.network_resource(b)
        self.pending.add(('network', name))

        def apply():
            self.pending.discard(('network', name))
            self.networks[name] = res
            return None
        return self.new_op(req, ('global',), 'insert', res['selfLink'],
                           res['id'], apply)

    def net_get(self, req, g):
        if g['n'] not in self.networks:
            raise not_found(self.rel('global', 'networks', g['n']))
        return Reply(200, copy.deepcopy(self.networks[g['n']]))

    def net_list(self, req, g):
        return Reply(200, {'kind': 'compute#networkList',
                           'items': [copy.deepcopy(v) for _, v in
                                     sorted(self.networks.items())],
                           'selfLink': self.curl('global', 'networks')})

    def net_delete(self, req, g):
        if g['n'] not in self.networks:
            raise not_found(self.rel('global', 'networks', g['n']))
        res = self.networks[g['n']]
        for fw in self.firewalls.values():
            if fw['network'] == res['selfLink']:
                raise bad_request(
                    "The network resource '%s' is already being used by '%s'"
                    % (self.rel('global', 'networks', g['n']),
                       self.rel('global', 'firewalls', fw['name'])),
                    'resourceInUseByAnotherResource')

        def apply():
            self.networks.pop(g['n'], None)
            return None
        return self.new_op(req, ('global',), 'delete', res['selfLink'],
                           res['id'], apply)

    def fw_insert(self, req, g):
        b = self.body(req, S_FIREWALL)
        name = self.check_name(b)
        check_enum('firewall', b, 'direction', 'resource')
        if not b.get('allowed') and not b.get('denied'):
            raise bad_request("Required field 'resource.allowed' not "
                              "specified", 'required')
        for i, rule in enumerate(b.get('allowed') or b.get('denied')):
            if not rule.get('IPProtocol'):
                raise bad_request("Required field 'resource.allowed[%d]."
                                  "IPProtocol' not specified" % i, 'required')
        for i, r in enumerate(b.get('sourceRanges') or []):
            try:
                ipaddress.ip_network(r, strict=False)
            except ValueError:
                raise bad_request(
                    "Invalid value for field 'resource.sourceRanges[%d]': "
                    "'%s'. Must be a CIDR address range that is contained in "
                    "the address ranges of the network." % (i, r))
        net = self.ref(b.get('network', 'global/networks/default'),
                       'resource.network', r'global/networks/(?P<n>[^/]+)')
        if name in self.firewalls or ('firewall', name) in self.pending:
            raise gce_error(409, 'alreadyExists', "The resource '%s' already "
                            "exists" % self.rel('global', 'firewalls', name))
        b.update({'kind': 'compute#firewall', 'id': rand_id(),
                  'creationTimestamp': rfc3339(),
                  'network': self.curl('global', 'networks', net['n']),
                  'priority': b.get('priority', 1000),
                  'direction': b.get('direction', 'INGRESS'),
                  'disabled': b.get('disabled', False),
                  'logConfig': b.get('logConfig', {'enable': False}),
                  'selfLink': self.curl('global', 'firewalls', name)})
        if b['direction'] == 'INGRESS' and not b.get('sourceRanges') and \
                not b.get('sourceTags'):
            b['sourceRanges'] = ['0.0.0.0/0']
        self.pending.add(('firewall', name))

        def apply():
            self.pending.discard(('firewall', name))
            if self.config.get('strict_refs') and \
                    net['n'] not in self.networks:
                return self.op_error(
                    'RESOURCE_NOT_FOUND', "The resource '%s' was not found"
                    % self.rel('global', 'networks', net['n']), 404,
                    'NOT FOUND')
            self.firewalls[name] = b
            return None
        return self.new_op(req, ('global',), 'insert', b['selfLink'],
                           b['id'], apply)

    def fw_get(self, req, g):
        if g['n'] not in self.firewalls:
            raise not_found(self.rel('global', 'firewalls', g['n']))
        return Reply(200, copy.deepcopy(self.firewalls[g['n']]))

    def fw_list(self, req, g):
        body = {'kind': 'compute#firewallList',
                'selfLink': self.curl('global', 'firewalls')}
        if self.firewalls:
            body['items'] = [copy.deepcopy(v) for _, v in
                             sorted(self.firewalls.items())]
        return Reply(200, body)

    def fw_delete(self, req, g):
        if g['n'] not in self.firewalls:
            raise not_found(self.rel('global', 'firewalls', g['n']))
        res = self.firewalls[g['n']]

        def apply():
            self.firewalls.pop(g['n'], None)
            return None
        return self.new_op(req, ('global',), 'delete', res['selfLink'],
                           res['id'], apply)

    # -- resource policies ---------------------------------------------------

    def pol_insert(self, req, g):
        region = g['r']
        self.check_region(region)
        b = self.body(req, S_POLICY)
        name = self.check_name(b)
        isp = b.get('instanceSchedulePolicy')
        if isp is not None:
            if not isp.get('vmStartSchedule') and \
                    not isp.get('vmStopSchedule'):
                raise bad_request("Invalid value for field 'resource."
                                  "instanceSchedulePolicy': ''. At least one "
                                  "of vmStartSchedule or vmStopSchedule must "
                                  "be specified.")
            for k in ('vmStartSchedule', 'vmStopSchedule'):
                cron = (isp.get(k) or {}).get('schedule')
                if k in isp and (not isinstance(cron, str) or
                                 len(cron.split()) != 5):
                    raise bad_request(
                        "Invalid value for field 'resource.instanceSchedule"
                        "Policy.%s.schedule': '%s'. Invalid cron expression."
                        % (k, cron))
            tz = isp.get('timeZone')
            if not tz:
                raise bad_request("Required field 'resource.instanceSchedule"
                                  "Policy.timeZone' not specified",
                                  'required')
            if zoneinfo is not None and tz != 'UTC':
                try:
                    zoneinfo.ZoneInfo(tz)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    raise bad_request(
                        "Invalid value for field 'resource.instanceSchedule"
                        "Policy.timeZone': '%s'. Invalid time zone." % tz)
        key = (region, name)
        if key in self.policies or ('policy',) + key in self.pending:
            raise gce_error(409, 'alreadyExists', "The resource '%s' already "
                            "exists" % self.rel('regions', region,
                                                'resourcePolicies', name))
        b.update({'kind': 'compute#resourcePolicy', 'id': rand_id(),
                  'creationTimestamp': rfc3339(),
                  'region': self.curl('regions', region),
                  'selfLink': self.curl('regions', region,
                                        'resourcePolicies', name),
                  'status': 'READY'})
        self.pending.add(('policy',) + key)

        def apply():
            self.pending.discard(('policy',) + key)
            self.policies[key] = b
            return None
        return self.new_op(req, ('regions', region), 'insert', b['selfLink'],
                           b['id'], apply)

    def pol_get(self, req, g):
        key = (g['r'], g['n'])
        if key not in self.policies:
            raise not_found(self.rel('regions', g['r'], 'resourcePolicies',
                                     g['n']))
        return Reply(200, copy.deepcopy(self.policies[key]))

    def pol_list(self, req, g):
        body = {'kind': 'compute#resourcePolicyList',
                'selfLink': self.curl('regions', g['r'], 'resourcePolicies')}
        items = [copy.deepcopy(v) for k, v in sorted(self.policies.items())
                 if k[0] == g['r']]
        if items:
            body['items'] = items
        return Reply(200, body)

    def pol_delete(self, req, g):
        key = (g['r'], g['n'])
        if key not in self.policies:
            raise not_found(self.rel('regions', g['r'], 'resourcePolicies',
                                     g['n']))
        res = self.policies[key]
        for (z, n), rec in self.instances.items():
            if res['selfLink'] in rec['res'].get('resourcePolicies', []):
                raise bad_request(
                    "The resource_policy resource '%s' is already being used "
                    "by '%s'" % (self.rel('regions', g['r'],
                                          'resourcePolicies', g['n']),
                                 self.rel('zones', z, 'instances', n)),
                    'resourceInUseByAnotherResource')

        def apply():
            self.policies.pop(key, None)
            return None
        return self.new_op(req, ('regions', g['r']), 'delete',
                           res['selfLink'], res['id'], apply)

    # -- IAM and Resource Manager --------------------------------------------

    def sa_create(self, req, g):
        b = req.json if isinstance(req.json, dict) else {}
        aid = b.get('accountId')
        if not aid:
            raise rpc_error(400, 'INVALID_ARGUMENT',
                            'Request contains an invalid argument.')
        if not isinstance(aid, str) or not SA_ID_RE.match(aid) or \
                not 6 <= len(aid) <= 30:
            raise rpc_error(400, 'INVALID_ARGUMENT',
                            'Invalid account ID: accountId must be 6-30 '
                            'characters long and match the regular '
                            'expression [a-z]([-a-z0-9]*[a-z0-9]).')
        email = '%s@%s.iam.gserviceaccount.com' % (aid, self.project)
        if email in self.accounts:
            raise rpc_error(409, 'ALREADY_EXISTS',
                            'Service account %s already exists within '
                            'project projects/%s.' % (aid, self.project),
                            [{'@type': 'type.googleapis.com/google.rpc.'
                              'ResourceInfo',
                              'resourceName': 'projects/%s/serviceAccounts/'
                              '%s' % (self.project, email)}])
        sa = b.get('serviceAccount') or {}
        uid = '1' + ''.join(random.choice('0123456789') for _ in range(20))
        res = {'name': 'projects/%s/serviceAccounts/%s' % (self.project,
                                                            email),
               'projectId': self.project, 'uniqueId': uid, 'email': email,
               'etag': 'MDEwMjE5MjA=', 'oauth2ClientId': uid}
        for k in ('displayName', 'description'):
            if sa.get(k):
                res[k] = sa[k]
        self.accounts[email] = res
        self.sa_lag[email] = int(self.config.get('sa_lag') or 0)
        return Reply(200, copy.deepcopy(res))

    def find_sa(self, key):
        for email, res in self.accounts.items():
            if key in (email, res['uniqueId']):
                return res
        raise rpc_error(404, 'NOT_FOUND', 'Unknown service account')

    def sa_get(self, req, g):
        return Reply(200, copy.deepcopy(self.find_sa(g['e'])))

    def sa_list(self, req, g):
        body = {}
        if self.accounts:
            body['accounts'] = [copy.deepcopy(v) for _, v in
                                sorted(self.accounts.items())]
        return Reply(200, body)

    def sa_delete(self, req, g):
        res = self.find_sa(g['e'])
        del self.accounts[res['email']]
        return Reply(200, {})

    def crm_project(self, req, g):
        return Reply(200, {'projectNumber': self.number,
                           'projectId': self.project,
                           'lifecycleState': 'ACTIVE', 'name': self.project,
                           'createTime': '2017-07-14T02:40:00.000Z',
                           'parent': {'type': 'organization',
                                      'id': '123456789012'}})

    def crm_get_policy(self, req, g):
        return Reply(200, copy.deepcopy(self.iam_policy))

    def crm_set_policy(self, req, g):
        b = req.json if isinstance(req.json, dict) else {}
        pol = b.get('policy')
        if not isinstance(pol, dict):
            raise rpc_error(400, 'INVALID_ARGUMENT',
                            'Request contains an invalid argument.')
        if self.config.get('iam_conflict_next', 0) > 0:
            self.config['iam_conflict_next'] -= 1
            self.iam_policy['etag'] = iam_etag()
        etag = pol.get('etag')
        if etag is not None and etag != self.iam_policy['etag']:
            raise rpc_error(409, 'ABORTED',
                            'There were concurrent policy changes. Please '
                            'retry the whole read-modify-write with '
                            'exponential backoff. The request\'s ETag \'"%s"\''
                            ' did not match the current policy\'s ETag \'"%s"'
                            '\'.' % (etag, self.iam_policy['etag']))
        bindings = pol.get('bindings') or []
        for bd in bindings:
            role = bd.get('role', '') if isinstance(bd, dict) else ''
            if not re.fullmatch(r'(roles|projects/[^/]+/roles|organizations/'
                                r'[^/]+/roles)/[A-Za-z0-9_.]+', role):
                raise rpc_error(400, 'INVALID_ARGUMENT',
                                "Role (%s) does not exist in the resource's "
                                "hierarchy." % role)
            for mem in bd.get('members') or []:
                kind, _, who = str(mem).partition(':')
                if kind not in ('user', 'serviceAccount', 'group', 'domain',
                                'principal', 'principalSet', 'deleted') and \
                        mem not in ('allUsers', 'allAuthenticatedUsers'):
                    raise rpc_error(400, 'INVALID_ARGUMENT',
                                    'Invalid member: %s' % mem)
                if kind == 'serviceAccount':
                    try:
                        self.account_usable(who, 'policy')
                    except Reply:
                        raise rpc_error(400, 'INVALID_ARGUMENT',
                                        'Service account %s does not exist.'
                                        % who)
        new = {'version': pol.get('version', 1), 'etag': iam_etag(),
               'bindings': bindings}
        if pol.get('auditConfigs'):
            new['auditConfigs'] = pol['auditConfigs']
        self.iam_policy = new
        return Reply(200, copy.deepcopy(new))


# --- HTTP -------------------------------------------------------------------

SECRET_FIELDS = ('assertion', 'client_secret', 'refresh_token', 'code',
                 'password', 'private_key', 'access_token')
LOG_HEADERS = ('Content-Type', 'User-Agent', 'Metadata-Flavor',
               'X-Goog-Api-Client', 'X-Goog-User-Project', 'If-Match',
               'Expect', 'Accept-Encoding')


class Request:
    pass


def classify(path):
    if path.startswith('/_fake/'):
        return 'fake'
    if path in ('/token', '/oauth2/v4/token', '/o/oauth2/token'):
        return 'token'
    if path == '/' or path.startswith('/computeMetadata'):
        return 'metadata'
    if path.startswith('/compute/') or path.startswith('/v1/projects'):
        return 'api'
    return 'unknown'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ESF'
    sys_version = ''

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.serve()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

    def read_body(self):
        if 'chunked' in self.headers.get('Transfer-Encoding', '').lower():
            data = b''
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(n) if n > 0 else b''

    def serve(self):
        fake = self.server.fake
        t0 = time.time()
        url = urllib.parse.urlsplit(self.path)
        req = Request()
        req.method = self.command
        req.path = urllib.parse.unquote(url.path)
        qs = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        req.query = {k: v[-1] for k, v in qs.items()}
        req.headers = self.headers
        req.host = self.headers.get('Host', '127.0.0.1')
        try:
            req.raw = self.read_body()
        except (ValueError, OSError):
            self.close_connection = True
            return
        req.json = req.form = None
        ctype = self.headers.get('Content-Type', '')
        if req.raw:
            if 'application/x-www-form-urlencoded' in ctype:
                req.form = {k: v[-1] for k, v in urllib.parse.parse_qs(
                    req.raw.decode('utf-8', 'replace'),
                    keep_blank_values=True).items()}
            else:
                try:
                    req.json = json.loads(req.raw)
                except ValueError:
                    pass
                if isinstance(req.json, dict) and classify(req.path) == \
                        'token':
                    req.form = {k: str(v) for k, v in req.json.items()}
        auth = self.headers.get('Authorization')
        req.auth_valid, req.who = fake.check_token(auth)
        kind = classify(req.path)
        entry = {'time': rfc3339(), 'method': req.method, 'path': req.path,
                 'query': req.query, 'kind': kind,
                 'headers': {h: self.headers[h] for h in LOG_HEADERS
                             if self.headers.get(h) is not None},
                 'auth_valid': req.auth_valid if auth is not None else None,
                 'body': self.log_body(req)}
        if auth is not None:
            entry['headers']['Authorization'] = \
                'Bearer <redacted>' if auth.lower().startswith('bearer ') \
                else '<redacted>'
        if kind in ('api', 'token') and \
                req.method in ('POST', 'PUT', 'PATCH') and \
                self.headers.get('Content-Length') is None and \
                'chunked' not in self.headers.get('Transfer-Encoding', ''):
            # Google's front end wants a length even for an empty body
            # (libcurl omits it for CUSTOMREQUEST "POST" without data).
            reply = Reply(411, '<!DOCTYPE html>\n<html lang=en>\n<title>'
                          'Error 411 (Length Required)!!1</title>\n<p><b>'
                          '411.</b> <ins>That\u2019s an error.</ins>\n<p>POST '
                          'requests require a <code>Content-length</code> '
                          'header.  <ins>That\u2019s all we know.</ins>\n',
                          'text/html; charset=UTF-8')
            self.send(reply)
            entry['status'] = 411
            return self.write_log(entry, t0)
        fault = {'delay': 0, 'pre': None, 'post_drop': False}
        if kind not in ('fake', 'unknown'):
            fault = fake.pick_fault(req.path)
        if fault['delay']:
            time.sleep(fault['delay'])
        if fault['pre'] == 'drop':
            entry['injected'] = 'drop'
            return self.drop(entry, t0)
        if fault['pre'] is not None:
            entry['injected'] = 'error %d' % fault['pre']
            reply = fake.injected_error(fault['pre'], kind)
        else:
            try:
                if kind == 'fake':
                    reply = fake.control(req)
                elif kind == 'token':
                    reply = fake.token_endpoint(req)
                elif kind == 'metadata':
                    reply = fake.metadata(req)
                elif kind == 'api':
                    reply = fake.api(req)
                else:
                    raise html_error(404, 'Not Found', req.path)
            except Reply as r:
                reply = r
            except Exception as e:      # a bug here must not kill a test
                import traceback
                traceback.print_exc()
                reply = gce_error(500, 'backendError',
                                  'fake_gce internal error: %s' % e)
        if fault['post_drop']:
            entry['injected'] = 'drop after processing'
            entry['status_dropped'] = reply.status
            return self.drop(entry, t0)
        if isinstance(reply.body, dict) and 'error' in reply.body:
            e = reply.body['error']
            entry['error'] = e.get('errors', [{}])[0].get('reason') or \
                e.get('status') if isinstance(e, dict) else e
        self.send(reply)
        entry['status'] = reply.status
        self.write_log(entry, t0)

    def log_body(self, req):
        if not req.raw:
            return None
        if req.form is not None:
            return {k: '<redacted>' if k in SECRET_FIELDS else v
                    for k, v in req.form.items()}
        if req.json is not None:
            return req.json
        return {'bytes': len(req.raw)}

    def send(self, reply):
        body = reply.body
        ctype = reply.ctype
        if isinstance(body, (dict, list)):
            data = (json.dumps(body, indent=2) + '\n').encode()
            ctype = ctype or 'application/json; charset=UTF-8'
        elif isinstance(body, str):
            data = body.encode()
        else:
            data = body or b''
        self.send_response(reply.status)
        if ctype:
            self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(data)))
        for k, v in reply.headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def drop(self, entry, t0):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        entry['status'] = None
        self.write_log(entry, t0)

    def write_log(self, entry, t0):
        entry['ms'] = int((time.time() - t0) * 1000)
        fake = self.server.fake
        line = json.dumps(entry, sort_keys=True) + '\n'
        with fake.log_lock:
            with open(os.path.join(fake.state_dir, 'requests.log'), 'a') as f:
                f.write(line)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def parse_args(argv):
    p = argparse.ArgumentParser(
        description='A fake Google Cloud (Compute, IAM, Resource Manager, '
        'OAuth token endpoint, metadata server) for end-to-end tests.')
    p.add_argument('--port', type=int, default=0,
                   help='port on 127.0.0.1 (0: pick one, written to DIR/port)')
    p.add_argument('--state-dir', required=True, metavar='DIR',
                   help='pid, port, requests.log; sa_pub*.pem, sa_email and '
                   'authorized_user.json are read from here')
    p.add_argument('--project', required=True)
    p.add_argument('--pubkey', action='append', default=[],
                   metavar='PEM', help='RSA public key that may sign JWTs')
    p.add_argument('--client-email', action='append', default=[],
                   help='accepted JWT iss (default: any, or DIR/sa_email)')
    p.add_argument('--host-keys', action='append', default=[],
                   metavar='DIR_OR_FILES', help='sshd host public keys for '
                   'guest attributes: .pub files (comma separated) or a '
                   'directory (its *host*.pub files)')
    p.add_argument('--authorized-keys', metavar='PATH',
                   help='where the ssh-keys metadata keys are written')
    p.add_argument('--nat-ip', default='127.0.0.1')
    p.add_argument('--ready-after', type=int, default=0, metavar='N',
                   help='RUNNING polls before guest attribute '
                   'sandbox-tui/ready is 1')
    p.add_argument('--token-expires-in', type=int, default=3599)
    p.add_argument('--op-steps', type=int, default=1,
                   help='polls an operation answers RUNNING before DONE')
    p.add_argument('--error-rate', type=float, default=0.0)
    p.add_argument('--error-codes', default='503',
                   help='comma separated, e.g. 429,500,503')
    p.add_argument('--drop-rate', type=float, default=0.0)
    p.add_argument('--delay-ms', type=int, default=0)
    p.add_argument('--match', help='regex: faults only for matching paths')
    p.add_argument('--exhaust-zone', action='append', default=[],
                   help='zone (or *) whose inserts end '
                   'ZONE_RESOURCE_POOL_EXHAUSTED')
    p.add_argument('--deny', action='append', default=[],
                   help='permission(s) the caller lacks, comma separated')
    p.add_argument('--host-keys-override', action='append', default=[])
    p.add_argument('--seed', type=int)
    p.add_argument('--no-strict-fields', action='store_true')
    p.add_argument('--no-strict-refs', action='store_true')
    a = p.parse_args(argv)
    a.host_keys = [x for v in a.host_keys for x in v.split(',') if x]
    deny = [x for v in a.deny for x in v.split(',') if x]
    a.config = {
        'nat_ip': a.nat_ip, 'ready_after': a.ready_after,
        'token_expires_in': a.token_expires_in, 'op_steps': a.op_steps,
        'error_rate': a.error_rate,
        'error_codes': [int(x) for x in a.error_codes.split(',') if x],
        'drop_rate': a.drop_rate, 'delay_ms': a.delay_ms, 'match': a.match,
        'exhaust_zone': a.exhaust_zone or None, 'deny': deny,
        'host_keys_override': a.host_keys_override or None, 'seed': a.seed,
        'strict_fields': not a.no_strict_fields,
        'strict_refs': not a.no_strict_refs,
    }
    return a


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.state_dir, exist_ok=True)
    fake = Fake(args)
    fake.route_table = fake.routes()
    server = Server(('127.0.0.1', args.port), Handler)
    server.fake = fake
    port = server.server_address[1]
    fake.base = 'http://127.0.0.1:%d' % port
    fake.reset()

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    with open(os.path.join(args.state_dir, 'pid'), 'w') as f:
        f.write('%d\n' % os.getpid())
    # Written last and atomically: its presence means "listening".
    tmp = os.path.join(args.state_dir, 'port.tmp')
    with open(tmp, 'w') as f:
        f.write('%d\n' % port)
    os.replace(tmp, os.path.join(args.state_dir, 'port'))
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        for f in ('port', 'pid'):
            try:
                os.unlink(os.path.join(args.state_dir, f))
            except OSError:
                pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
