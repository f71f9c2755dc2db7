/*
 * dapi_probe: one Engine API request through gcp/dapi.c, for the
 * end-to-end tests (tests/e2e/test_dapi.sh), in the one event loop as the
 * program runs it.
 *
 *   dapi_probe [--target T] [-i KEY] [--known-hosts F] [--socket PATH]
 *       [--repeat N] METHOD PATH [BODY]
 *
 * Prints "transport=socket|dial-stdio version=V status=N", then the body
 * (or "error=WHY"), for each of the N requests (sent at once).  Exit
 * status 0 when every request got an answer below 400.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gcp/conn.h"
#include "gcp/dapi.h"
#include "gcp/loop.h"

struct probe {
	struct loop	*loop;
	struct conn	*conn;
	struct dapi	*dapi;
	const char	*method, *path, *body;
	int		 repeat, pending, rc, started;
};

static void
probe_answer(const struct dapi_result *r, void *arg)
{
	struct probe	*p = arg;

	printf("transport=%s version=%s status=%d\n",
	    dapi_transport(p->dapi) == DAPI_DIAL_STDIO ? "dial-stdio" :
	    dapi_transport(p->dapi) == DAPI_SOCKET_STREAM ? "socket" : "none",
	    dapi_version(p->dapi) != NULL ? dapi_version(p->dapi) : "none",
	    r->status);
	if (r->error != NULL) {
		printf("error=%s\n", r->error);
		p->rc = 1;
	} else
		printf("%s\n", r->body);
	fflush(stdout);
	if (--p->pending == 0)
		loop_stop(p->loop);
}

static void
probe_state(struct conn *c, void *arg)
{
	struct probe	*p = arg;
	int		 i;

	if (conn_state(c) == CONN_READY && !p->started) {
		p->started = 1;
		p->pending = p->repeat;
		for (i = 0; i < p->repeat; i++)
			dapi_call(p->dapi, p->method, p->path, p->body,
			    probe_answer, p);
	} else if (conn_state(c) == CONN_FAILED) {
		fprintf(stderr, "dapi_probe: %s\n", conn_error(c));
		p->rc = 1;
		loop_stop(p->loop);
	}
}

int
main(int argc, char **argv)
{
	struct probe		 p;
	struct conn_opts	 o;
	struct conn_callbacks	 cb = { probe_state };
	const char		*socket = NULL;
	char			*cause = NULL;
	int			 i;

	memset(&p, 0, sizeof p);
	memset(&o, 0, sizeof o);
	o.target = "local";
	o.connect_timeout_seconds = 10;
	p.repeat = 1;
	for (i = 1; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--target") == 0)
			o.target = argv[i + 1];
		else if (strcmp(argv[i], "-i") == 0)
			o.identity = argv[i + 1];
		else if (strcmp(argv[i], "--known-hosts") == 0)
			o.known_hosts = argv[i + 1];
		else if (strcmp(argv[i], "--socket") == 0)
			socket = argv[i + 1];
		else if (strcmp(argv[i], "--repeat") == 0)
			p.repeat = atoi(argv[i + 1]);
		else
			break;
	}
	if (argc - i < 2 || argc - i > 3 || p.repeat < 1) {
		fprintf(stderr, "usage: dapi_probe [--target T] [-i KEY] "
		    "[--known-hosts F] [--socket PATH] [--repeat N] METHOD "
		    "PATH [BODY]\n");
		return 2;
	}
	p.method = argv[i];
	p.path = argv[i + 1];
	p.body = argc - i == 3 ? argv[i + 2] : NULL;
	o.ssh_config = "/dev/null";
	p.loop = loop_new();
	if ((p.conn = conn_new(p.loop, &o, &cb, &p, &cause)) == NULL) {
		fprintf(stderr, "dapi_probe: %s\n", cause);
		free(cause);
		loop_free(p.loop);
		return 1;
	}
	p.dapi = dapi_new(p.loop, p.conn, socket);
	conn_connect(p.conn);
	loop_run(p.loop);
	dapi_free(p.dapi);
	conn_free(p.conn);
	loop_free(p.loop);
	return p.rc;
}
