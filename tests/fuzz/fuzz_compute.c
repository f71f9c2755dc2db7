/*
 * What Google answers, parsed: Compute Engine operations, instances and
 * guest attributes, Google's error bodies, an IAM policy that roles are
 * granted in, an instance's metadata rewritten, the token endpoint's and
 * metadata server's replies, a credentials file, and gcloud's
 * configuration files (written to a private folder made once per
 * process; CLOUDSDK_CONFIG points there).  Sentences meant for the screen
 * and every cause must be as echo_text makes text: well-formed UTF-8
 * without a control character; a grant applied twice changes nothing the
 * second time; everything returned is freed (a leak is a finding).
 *
 * Input: [parser byte] then, by parser % 11:
 * 0 compute_parse_op and compute_op_error: the body;
 * 1 compute_parse_instance: the body;
 * 2 compute_parse_guest_value: [key length byte][key] the body;
 * 3 compute_error_text and compute_error_reason: [u16 status] the body;
 * 4 compute_policy_grant: [roles byte: a bit per role, bit 7 picks the
 *   member] the policy;
 * 5 compute_metadata_body: [key byte][u16 length][value] the instance;
 * 6 auth_take_token, 7 auth_fetch_error: [kind byte][u16 status] the
 *   body, NUL bytes kept (for status 0 the body is the transport error);
 * 8 auth_load_json: the file;
 * 9 gcloud_ini_get: [section/key byte] the file;
 * 10 gcloud_place: [options byte][length byte][active_config] the
 *   configuration file (written as config_default and config_work).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config/xmalloc.h"
#include "gcp/auth.h"
#include "gcp/auth_private.h"
#include "gcp/compute.h"
#include "gcp/gcloud.h"
#include "gcp/http.h"
#include "tests/fuzz/fuzz.h"

/* The private folder for gcloud's files; made once, removed at exit. */
static char fuzz_compute_dir[256];

static char *
fuzz_compute_path(const char *name)
{
	return xasprintf("%s/%s", fuzz_compute_dir, name);
}

static void
fuzz_compute_write(const char *name, const char *p, size_t len)
{
	char	*path = fuzz_compute_path(name);
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		abort();
	}
	free(path);
}

static void
fuzz_compute_cleanup(void)
{
	static const char *const files[] = {
		"ini", "active_config", "configurations/config_default",
		"configurations/config_work", "configurations"
	};
	size_t	 i;
	char	*path;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		path = fuzz_compute_path(files[i]);
		(void)remove(path);
		free(path);
	}
	(void)rmdir(fuzz_compute_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char		*sub;

	(void)argc;
	(void)argv;
	fuzz_mkdtemp(fuzz_compute_dir, sizeof fuzz_compute_dir,
	    "fuzz_compute");
	sub = fuzz_compute_path("configurations");
	if (mkdir(sub, 0700) != 0) {
		perror(sub);
		abort();
	}
	free(sub);
	atexit(fuzz_compute_cleanup);
	setenv("CLOUDSDK_CONFIG", fuzz_compute_dir, 1);
	unsetenv("CLOUDSDK_ACTIVE_CONFIG_NAME");
	unsetenv("CLOUDSDK_CORE_PROJECT");
	unsetenv("CLOUDSDK_COMPUTE_ZONE");
	unsetenv("CLOUDSDK_COMPUTE_REGION");
	return 0;
}

static void
fuzz_compute_op(const char *body)
{
	struct gce_op	 op;
	char		*cause = NULL, *text;

	if (compute_parse_op(body, &op, &cause) != 0) {
		fuzz_check(cause != NULL && op.status == NULL &&
		    fuzz_printable(cause),
		    "compute_parse_op failed without a printable cause");
		free(cause);
		return;
	}
	fuzz_check(op.status != NULL && op.progress >= 0 &&
	    op.progress <= 100, "compute_parse_op: bad operation");
	text = compute_op_error(&op);
	fuzz_check(text != NULL && fuzz_printable(text),
	    "compute_op_error: control bytes in the sentence");
	free(text);
	gce_op_free(&op);
}

static void
fuzz_compute_instance(const char *body)
{
	struct gce_instance	 in;
	char			*cause = NULL;
	size_t			 i;

	if (compute_parse_instance(body, &in, &cause) != 0) {
		fuzz_check(cause != NULL && in.name == NULL &&
		    fuzz_printable(cause),
		    "compute_parse_instance failed without a printable cause");
		free(cause);
		return;
	}
	fuzz_check(in.name != NULL && in.disk_gb >= 0,
	    "compute_parse_instance: bad instance");
	for (i = 0; i < in.npolicies; i++)
		fuzz_check(in.policies[i] != NULL,
		    "compute_parse_instance: a NULL policy");
	gce_instance_free(&in);
}

static void
fuzz_compute_guest(struct fuzz_in *in)
{
	const char	*p;
	char		*key, *body;
	size_t		 n;

	p = fuzz_bytes(in, fuzz_byte(in), &n);
	key = xstrndup(p, n);
	body = fuzz_string(in);
	free(compute_parse_guest_value(body, key));
	free(body);
	free(key);
}

static void
fuzz_compute_error(struct fuzz_in *in)
{
	long	 status = (long)fuzz_u16(in);
	char	*body = fuzz_string(in), *text;

	text = compute_error_text(status, body);
	fuzz_check(text != NULL && fuzz_printable(text),
	    "compute_error_text: control bytes in the sentence");
	free(text);
	free(compute_error_reason(body));
	free(body);
}

static void
fuzz_compute_grant(struct fuzz_in *in)
{
	static const char *const all[] = {
		"roles/logging.logWriter", "roles/monitoring.metricWriter",
		"roles/storage.objectViewer", "roles/artifactregistry.reader",
		"roles/owner", "projects/p/roles/custom", "roles/owner"
	};
	const char	*roles[sizeof all / sizeof all[0]];
	const char	*member;
	unsigned	 pick = fuzz_byte(in);
	size_t		 i, n = 0;
	char		*policy = fuzz_string(in), *body, *again, *cause = NULL;
	json_t		*root;
	int		 changed, changed2;

	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		if (pick & (1u << i))
			roles[n++] = all[i];
	}
	member = pick & 0x80 ? "user:me@example.com" :
	    "serviceAccount:sandbox-agents@p-1.iam.gserviceaccount.com";
	body = compute_policy_grant(policy, member, roles, n, &changed,
	    &cause);
	if (body == NULL) {
		fuzz_check(cause != NULL && changed == 0 &&
		    fuzz_printable(cause),
		    "compute_policy_grant failed without a printable cause");
		free(cause);
		free(policy);
		return;
	}
	/* Granting again what was just granted changes nothing. */
	root = json_loads(body, 0, NULL);
	fuzz_check(json_is_object(json_object_get(root, "policy")),
	    "compute_policy_grant: no policy in the body");
	again = json_dumps(json_object_get(root, "policy"), JSON_COMPACT);
	fuzz_check(again != NULL, "compute_policy_grant: dump");
	json_decref(root);
	free(body);
	body = compute_policy_grant(again, member, roles, n, &changed2,
	    &cause);
	fuzz_check(body != NULL && changed2 == 0,
	    "compute_policy_grant: a second grant changed the policy");
	free(body);
	free(again);
	free(policy);
}

static void
fuzz_compute_metadata(struct fuzz_in *in)
{
	static const char *const keys[] = {
		"ssh-keys", "startup-script", "enable-oslogin", "bad key"
	};
	const char	*key = keys[fuzz_byte(in) % 4], *p;
	char		*value, *instance, *body, *cause = NULL;
	size_t		 n;

	p = fuzz_bytes(in, fuzz_u16(in), &n);
	value = xstrndup(p, n);
	instance = fuzz_string(in);
	body = compute_metadata_body(instance, key, value, &cause);
	fuzz_check((body == NULL) == (cause != NULL),
	    "compute_metadata_body: a body and a cause, or neither");
	fuzz_check(cause == NULL || fuzz_printable(cause),
	    "compute_metadata_body: a cause not printable");
	free(body);
	free(cause);
	free(instance);
	free(value);
}

/* A token endpoint's or metadata server's answer to a->kind's request. */
static void
fuzz_compute_token(struct fuzz_in *in, int error)
{
	struct http_response	 r = { 0 };
	struct auth		*a = xcalloc(1, sizeof *a);
	unsigned		 kind = fuzz_byte(in) % 3;
	char			*body, *text;
	size_t			 len;

	a->kind = kind == 0 ? AUTH_SERVICE_ACCOUNT : kind == 1 ?
	    AUTH_AUTHORIZED_USER : AUTH_METADATA;
	a->host = xstrdup(kind == 2 ? "metadata.google.internal" :
	    "oauth2.googleapis.com");
	r.status = (long)fuzz_u16(in);
	len = in->len;
	body = fuzz_string(in);
	r.body = body;
	r.len = len;
	r.attempts = 1;
	if (error) {
		if (r.status == 0) {
			r.error = body;
			r.body = NULL;
			r.len = 0;
		}
		text = auth_fetch_error(a, &r);
		fuzz_check(text != NULL && (r.status == 0 ||
		    fuzz_printable(text)),
		    "auth_fetch_error: control bytes in the sentence");
		free(text);
	} else {
		text = auth_take_token(a, &r);
		fuzz_check((text == NULL) == (a->token != NULL),
		    "auth_take_token: a token and an error, or neither");
		if (a->token != NULL)
			fuzz_check(*a->token != '\0' &&
			    strpbrk(a->token, "\r\n") == NULL,
			    "auth_take_token: a token no header can carry");
		free(text);
	}
	free(body);
	auth_free(a);
}

static void
fuzz_compute_credentials(const char *text)
{
	struct auth	*a = xcalloc(1, sizeof *a);
	char		*cause = NULL;

	if (auth_load_json(a, "creds.json", text, &cause) != 0) {
		fuzz_check(cause != NULL && fuzz_printable(cause),
		    "auth_load_json failed without a printable cause");
		free(cause);
	} else {
		fuzz_check(cause == NULL && a->url != NULL &&
		    a->host != NULL && a->describe != NULL,
		    "auth_load_json: loaded without its endpoint");
		fuzz_check(a->kind == AUTH_SERVICE_ACCOUNT ?
		    a->private_key != NULL && a->client_email != NULL :
		    a->refresh_token != NULL && a->client_id != NULL &&
		    a->client_secret != NULL,
		    "auth_load_json: loaded without its secrets");
	}
	auth_free(a);
}

static void
fuzz_compute_ini(struct fuzz_in *in)
{
	static const char *const keys[][2] = {
		{ "core", "project" }, { "compute", "zone" },
		{ "compute", "region" }, { "Core", "PROJECT" }
	};
	unsigned	 k = fuzz_byte(in) % 4;
	const char	*p;
	char		*path, *value = NULL, *cause = NULL;
	size_t		 n;

	p = fuzz_bytes(in, in->len, &n);
	fuzz_compute_write("ini", p, n);
	path = fuzz_compute_path("ini");
	if (gcloud_ini_get(path, keys[k][0], keys[k][1], &value,
	    &cause) != 0) {
		fuzz_check(cause != NULL && value == NULL &&
		    fuzz_printable(cause),
		    "gcloud_ini_get failed without a printable cause");
		free(cause);
	} else
		fuzz_check(cause == NULL,
		    "gcloud_ini_get: a cause on success");
	free(value);
	free(path);
}

static void
fuzz_compute_place(struct fuzz_in *in)
{
	struct gcloud_place	 pl;
	unsigned		 opts = fuzz_byte(in);
	const char		*p;
	char			*cause = NULL;
	size_t			 n;

	p = fuzz_bytes(in, fuzz_byte(in), &n);
	fuzz_compute_write("active_config", p, n);
	p = fuzz_bytes(in, in->len, &n);
	fuzz_compute_write("configurations/config_default", p, n);
	fuzz_compute_write("configurations/config_work", p, n);
	if (gcloud_place(opts & 1 ? "my-project-1" : "",
	    opts & 2 ? "europe-west4-b" : "", opts & 4 ? "us-east1" : "",
	    &pl, &cause) != 0) {
		fuzz_check(cause != NULL && pl.project == NULL &&
		    pl.zone == NULL && pl.region == NULL &&
		    fuzz_printable(cause),
		    "gcloud_place failed without a printable cause");
		free(cause);
		return;
	}
	fuzz_check((pl.project == NULL) == (pl.project_from == NULL) &&
	    (pl.zone == NULL) == (pl.zone_from == NULL) &&
	    (pl.region == NULL) == (pl.region_from == NULL),
	    "gcloud_place: a value without where it came from");
	gcloud_place_free(&pl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in	 in = { data, size };
	unsigned	 which = fuzz_byte(&in) % 11;
	char		*text;

	switch (which) {
	case 2:
		fuzz_compute_guest(&in);
		return 0;
	case 3:
		fuzz_compute_error(&in);
		return 0;
	case 4:
		fuzz_compute_grant(&in);
		return 0;
	case 5:
		fuzz_compute_metadata(&in);
		return 0;
	case 6:
	case 7:
		fuzz_compute_token(&in, which == 7);
		return 0;
	case 9:
		fuzz_compute_ini(&in);
		return 0;
	case 10:
		fuzz_compute_place(&in);
		return 0;
	}
	text = fuzz_string(&in);
	if (which == 0)
		fuzz_compute_op(text);
	else if (which == 1)
		fuzz_compute_instance(text);
	else
		fuzz_compute_credentials(text);
	free(text);
	return 0;
}
