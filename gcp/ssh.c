/*
 * The ssh backend's session: one non-blocking libssh session driven by the
 * event loop through CONNECTING -> (HOSTKEY) -> AUTH -> READY, plus the
 * connect timeout, keepalives and loss of the connection.
 *
 * libssh is never allowed to block: the session is non-blocking, so every
 * call that waits for the server returns SSH_AGAIN and is simply repeated
 * when the socket has news.  libssh polls its socket itself (with a zero
 * timeout) inside those calls; the loop only tells us when to call.  Once
 * connected the session's socket is moved into an ssh_event so we can make
 * libssh read and dispatch packets (ssh_event_dopoll with timeout 0) even
 * when no particular call is pending.  Channels live in ssh_chan.c.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh/server.h>	/* ssh_send_keepalive() is declared there */

#include "config/xmalloc.h"
#include "gcp/conn_private.h"
#include "gcp/loop.h"

/* Reads of at most 4 KiB each (libssh's socket buffer) per wake-up. */
#define SSH_PUMP_ROUNDS 256
/* Keepalive intervals without a byte from the server before giving up. */
#define SSH_KEEPALIVE_MAX 3

static void	ssh_io(int, short, void *);
static int	ssh_prepare(void *);
static void	ssh_auth_step(struct conn *);

/* libssh must never prompt on the terminal for a key's passphrase. */
static int
ssh_no_passphrase(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *userdata)
{
	(void)prompt;
	(void)buf;
	(void)len;
	(void)echo;
	(void)verify;
	(void)userdata;
	return -1;
}

/* Is the session gone (EOF, socket error, disconnect message)? */
int
ssh_conn_dead(struct conn *c)
{
	if (c->session == NULL)
		return 1;
	if (!ssh_is_connected(c->session))
		return 1;
	return (ssh_get_status(c->session) & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0;
}

static void
ssh_teardown(struct conn *c)
{
	struct chan	*ch;

	c->gen++;
	for (ch = c->chans; ch != NULL; ch = ch->next)
		ssh_chan_release(ch);
	loop_timer_cancel(c->loop, c->connect_timer);
	loop_timer_cancel(c->loop, c->keepalive_timer);
	c->connect_timer = c->keepalive_timer = 0;
	if (c->prepare_on) {
		loop_prepare_del(c->loop, ssh_prepare, c);
		c->prepare_on = 0;
	}
	if (c->fd >= 0) {
		loop_fd_del(c->loop, c->fd);
		c->fd = -1;
	}
	if (c->session != NULL) {
		ssh_zombies_free(c);
		if (c->event != NULL) {
			ssh_event_remove_session(c->event, c->session);
			ssh_event_free(c->event);
			c->event = NULL;
		}
		if (ssh_is_connected(c->session))
			ssh_disconnect(c->session);
		ssh_free(c->session);
		c->session = NULL;
	}
	if (c->auth_key != NULL) {
		ssh_key_free(c->auth_key);
		c->auth_key = NULL;
	}
	free(c->auth_tried);
	c->auth_tried = NULL;
	c->auth_explicit = 0;
	c->service_more = 0;
}

/* Fails the connection: every channel first, then the state. */
static void
ssh_fail(struct conn *c, int retryable, const char *msg)
{
	conn_release_chans(c, msg);
	ssh_teardown(c);
	conn_fail(c, retryable, "%s", msg);
}

static void __attribute__((format(printf, 2, 3)))
ssh_conn_lost(struct conn *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	ssh_fail(c, 1, msg);
	free(msg);
}

/* The libssh error text, without the noise of its own prefixes. */
static const char *
ssh_errtext(struct conn *c)
{
	const char	*e;

	if (c->session == NULL)
		return "no session";
	e = ssh_get_error(c->session);
	if (e == NULL || *e == '\0')
		return "unknown error";
	return e;
}

static void
ssh_connect_timeout(void *arg)
{
	struct conn	*c = arg;
	char		*msg;

	c->connect_timer = 0;
	msg = xasprintf("%s to %s timed out after %d s",
	    c->state == CONN_AUTH ? "authentication" : "connection",
	    c->describe, c->connect_timeout_seconds);
	ssh_fail(c, 1, msg);
	free(msg);
}

static void
ssh_arm_connect_timer(struct conn *c)
{
	loop_timer_cancel(c->loop, c->connect_timer);
	c->connect_timer = 0;
	if (c->connect_timeout_seconds > 0) {
		c->connect_timer = loop_timer_add(c->loop,
		    (int64_t)c->connect_timeout_seconds * 1000,
		    ssh_connect_timeout, c);
	}
}

/* Sends a keepalive and counts intervals in which nothing came back. */
static void
ssh_keepalive(void *arg)
{
	struct conn	*c = arg;

	c->keepalive_timer = 0;
	if (c->state != CONN_READY || c->session == NULL)
		return;
	if (c->counter.in_bytes != c->ka_last_in) {
		c->ka_last_in = c->counter.in_bytes;
		c->ka_missed = 0;
	} else if (++c->ka_missed >= SSH_KEEPALIVE_MAX) {
		ssh_conn_lost(c, "connection lost: no reply from %s for %d s",
		    c->describe, c->ka_missed * c->keepalive_seconds);
		return;
	}
	/*
	 * libssh keeps one global request in flight: the first call collects
	 * the answer to the previous keepalive, the second sends a new one.
	 */
	ssh_send_keepalive(c->session);
	ssh_send_keepalive(c->session);
	c->service_more = 1;
	c->keepalive_timer = loop_timer_add(c->loop,
	    (int64_t)c->keepalive_seconds * 1000, ssh_keepalive, c);
}

static void
ssh_ready(struct conn *c)
{
	loop_timer_cancel(c->loop, c->connect_timer);
	c->connect_timer = 0;
	if (c->auth_key != NULL) {
		ssh_key_free(c->auth_key);
		c->auth_key = NULL;
	}
	conn_set_state(c, CONN_READY);
	c->ka_last_in = c->counter.in_bytes;
	c->ka_missed = 0;
	if (c->keepalive_seconds > 0) {
		c->keepalive_timer = loop_timer_add(c->loop,
		    (int64_t)c->keepalive_seconds * 1000, ssh_keepalive, c);
	}
	c->service_more = 1;
}

static void
ssh_auth_note(struct conn *c)
{
	char	*id = NULL, *n;

	if (ssh_userauth_publickey_auto_get_current_identity(c->session,
	    &id) != SSH_OK || id == NULL)
		return;
	if (c->auth_tried == NULL)
		c->auth_tried = xstrdup(id);
	else if (strstr(c->auth_tried, id) == NULL) {
		n = xasprintf("%s, %s", c->auth_tried, id);
		free(c->auth_tried);
		c->auth_tried = n;
	}
	ssh_string_free_char(id);
}

/* "publickey, password" from the methods the server said it accepts. */
static char *
ssh_auth_methods(struct conn *c)
{
	int	m = ssh_userauth_list(c->session, NULL);

	return xasprintf("%s%s%s%s%s",
	    (m & SSH_AUTH_METHOD_PUBLICKEY) ? " publickey" : "",
	    (m & SSH_AUTH_METHOD_PASSWORD) ? " password" : "",
	    (m & SSH_AUTH_METHOD_INTERACTIVE) ? " keyboard-interactive" : "",
	    (m & SSH_AUTH_METHOD_GSSAPI_MIC) ? " gssapi-with-mic" : "",
	    (m & SSH_AUTH_METHOD_HOSTBASED) ? " hostbased" : "");
}

static void
ssh_auth_failed(struct conn *c)
{
	const char	*sock = getenv("SSH_AUTH_SOCK");
	char		*methods, *msg;

	if (ssh_conn_dead(c)) {
		ssh_conn_lost(c, "authentication to %s failed: %s", c->describe,
		    ssh_errtext(c));
		return;
	}
	methods = ssh_auth_methods(c);
	msg = xasprintf("authentication failed for %s: no key was accepted "
	    "(ssh-agent: %s; key files tried: %s)%s%s", c->describe,
	    (sock != NULL && *sock != '\0') ? sock :
	    "none, SSH_AUTH_SOCK is unset",
	    c->auth_tried != NULL ? c->auth_tried :
	    "none found, give one with -i",
	    *methods != '\0' ? "; the server allows:" : "", methods);
	ssh_fail(c, 0, msg);
	free(msg);
	free(methods);
}

/* Agent and key files through publickey_auto, then -i explicitly. */
static void
ssh_auth_step(struct conn *c)
{
	int	rc;

	if (!c->auth_explicit) {
		rc = ssh_userauth_publickey_auto(c->session, NULL, NULL);
		ssh_auth_note(c);
		if (rc == SSH_AUTH_AGAIN)
			return;
		if (rc == SSH_AUTH_SUCCESS) {
			ssh_ready(c);
			return;
		}
		if (rc == SSH_AUTH_ERROR || c->identity == NULL ||
		    ssh_conn_dead(c)) {
			ssh_auth_failed(c);
			return;
		}
		if (ssh_pki_import_privkey_file(c->identity, NULL,
		    ssh_no_passphrase, NULL, &c->auth_key) != SSH_OK) {
			char *n = xasprintf("%s%s%s (unreadable or encrypted)",
			    c->auth_tried ? c->auth_tried : "",
			    c->auth_tried ? ", " : "", c->identity);

			free(c->auth_tried);
			c->auth_tried = n;
			ssh_auth_failed(c);
			return;
		}
		c->auth_explicit = 1;
	}
	rc = ssh_userauth_publickey(c->session, NULL, c->auth_key);
	if (rc == SSH_AUTH_AGAIN)
		return;
	if (rc == SSH_AUTH_SUCCESS)
		ssh_ready(c);
	else
		ssh_auth_failed(c);
}

static void
ssh_start_auth(struct conn *c)
{
	conn_set_state(c, CONN_AUTH);
	ssh_auth_step(c);
}

/* The TCP connect and key exchange are done: check the host key. */
static void
ssh_connected(struct conn *c)
{
	int	rc;

	if (c->event == NULL) {
		c->event = ssh_event_new();
		if (c->event == NULL ||
		    ssh_event_add_session(c->event, c->session) != SSH_OK) {
			ssh_fail(c, 1, "cannot set up the ssh event loop");
			return;
		}
	}
	rc = hostkey_check(c);
	if (rc < 0) {
		conn_release_chans(c, c->error);
		ssh_teardown(c);
		conn_set_state(c, CONN_FAILED);
		return;
	}
	if (rc > 0) {
		loop_timer_cancel(c->loop, c->connect_timer);
		c->connect_timer = 0;
		conn_set_state(c, CONN_HOSTKEY);
		return;
	}
	ssh_start_auth(c);
}

static void
ssh_connect_step(struct conn *c)
{
	int	rc;

	rc = ssh_connect(c->session);
	if (rc == SSH_AGAIN)
		return;
	if (rc != SSH_OK) {
		char *msg = xasprintf("cannot connect to %s: %s", c->describe,
		    ssh_errtext(c));

		ssh_fail(c, 1, msg);
		free(msg);
		return;
	}
	ssh_connected(c);
}

/* Lets libssh read and dispatch whatever the socket has, within a budget. */
static void
ssh_pump(struct conn *c)
{
	int	i;

	if (c->event == NULL)
		return;
	for (i = 0; i < SSH_PUMP_ROUNDS; i++) {
		if (ssh_event_dopoll(c->event, 0) < 0)
			break;
		if (!ssh_is_connected(c->session))
			break;
	}
}

/* Fails with "connection lost" if libssh saw the session end. */
void
ssh_check_alive(struct conn *c)
{
	const char	*e;

	if (c->session == NULL || c->state == CONN_CONNECTING ||
	    !ssh_conn_dead(c))
		return;
	e = ssh_errtext(c);
	if (strcmp(e, "Socket error: disconnected") == 0)
		ssh_conn_lost(c, "connection lost: %s closed the connection",
		    c->describe);
	else
		ssh_conn_lost(c, "connection lost to %s: %s", c->describe, e);
}

static void
ssh_io(int fd, short revents, void *arg)
{
	struct conn	*c = arg;
	unsigned	 gen = c->gen;

	(void)fd;
	(void)revents;
	c->busy++;
	switch (c->state) {
	case CONN_CONNECTING:
		ssh_connect_step(c);
		break;
	case CONN_HOSTKEY:
		ssh_pump(c);
		ssh_check_alive(c);
		break;
	case CONN_AUTH:
		ssh_auth_step(c);
		if (c->gen == gen)
			ssh_check_alive(c);
		break;
	case CONN_READY:
		ssh_pump(c);
		ssh_check_alive(c);
		if (c->gen == gen && !c->freed)
			c->service_more = ssh_chans_service(c);
		break;
	default:
		break;
	}
	c->busy--;
	conn_sweep(c);
}

/* Before each wait: deliver buffered channel data, and ask for POLLOUT
 * only while libssh has output it could not write. */
static int
ssh_prepare(void *arg)
{
	struct conn	*c = arg;
	unsigned	 gen = c->gen;
	uint64_t	 delivered = c->delivered;
	short		 ev = POLLIN;

	if (c->session == NULL)
		return 0;
	if (c->state == CONN_READY && (c->service_more ||
	    c->counter.in_bytes != c->serviced_in)) {
		c->busy++;
		c->service_more = ssh_chans_service(c);
		c->busy--;
		if (conn_sweep(c))
			return 1;
		if (c->gen != gen || c->session == NULL)
			return 1;
	}
	if (ssh_get_poll_flags(c->session) & SSH_WRITE_PENDING)
		ev |= POLLOUT;
	if (c->fd >= 0)
		loop_fd_events(c->loop, c->fd, ev);
	/*
	 * Data handed out here may have missed a hook that runs earlier (the
	 * UI's redraw): don't sleep before that hook has seen it.
	 */
	return c->service_more || c->delivered != delivered;
}

/* The user when neither the target nor the ssh config names one. */
static const char *
ssh_local_user(void)
{
	const char	*u = getenv("USER");
	struct passwd	*pw;

	if (u != NULL && *u != '\0')
		return u;
	pw = getpwuid(getuid());
	return pw != NULL ? pw->pw_name : "root";
}

static void
ssh_connect_begin(struct conn *c)
{
	ssh_session	 s;
	char		*user = NULL, *host = NULL, *msg;
	unsigned int	 port = 0;
	int		 rc;

	c->session = s = ssh_new();
	if (s == NULL) {
		ssh_fail(c, 1, "cannot create an ssh session");
		return;
	}
	ssh_set_blocking(s, 0);
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &(int){ SSH_LOG_NOLOG });
	ssh_options_set(s, SSH_OPTIONS_HOST, c->t.host);
	if (c->ssh_config != NULL && access(c->ssh_config, R_OK) != 0) {
		msg = xasprintf("cannot read ssh config %s: %s", c->ssh_config,
		    strerror(errno));
		ssh_fail(c, 0, msg);
		free(msg);
		return;
	}
	if (ssh_options_parse_config(s, c->ssh_config) != 0) {
		msg = xasprintf("bad ssh config %s: %s", c->ssh_config ?
		    c->ssh_config : "~/.ssh/config", ssh_errtext(c));
		ssh_fail(c, 0, msg);
		free(msg);
		return;
	}
	/* What the target says wins over the config file. */
	if (c->t.user != NULL)
		ssh_options_set(s, SSH_OPTIONS_USER, c->t.user);
	if (c->t.port != 0)
		ssh_options_set(s, SSH_OPTIONS_PORT, &c->t.port);
	if (c->known_hosts != NULL)
		ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, c->known_hosts);
	/* libssh reads the global file after ours and takes its match. */
	if (c->known_hosts_only)
		ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	if (c->identity != NULL)
		ssh_options_set(s, SSH_OPTIONS_IDENTITY, c->identity);

	ssh_callbacks_init(&c->scbs);
	c->scbs.userdata = c;
	c->scbs.auth_function = ssh_no_passphrase;
	ssh_set_callbacks(s, &c->scbs);
	memset(&c->counter, 0, sizeof c->counter);
	c->serviced_in = 0;
	ssh_set_counters(s, &c->counter, NULL);

	if (ssh_options_get(s, SSH_OPTIONS_USER, &user) != SSH_OK) {
		user = NULL;
		ssh_options_set(s, SSH_OPTIONS_USER, ssh_local_user());
		if (ssh_options_get(s, SSH_OPTIONS_USER, &user) != SSH_OK)
			user = NULL;
	}
	if (ssh_options_get(s, SSH_OPTIONS_HOST, &host) != SSH_OK)
		host = NULL;
	ssh_options_get_port(s, &port);
	if (host != NULL) {
		int v6 = strchr(host, ':') != NULL;

		free(c->describe);
		c->describe = xasprintf("%s%s%s%s%s:%u", user ? user : "",
		    user ? "@" : "", v6 ? "[" : "", host, v6 ? "]" : "",
		    port ? port : 22);
	}
	ssh_string_free_char(user);
	ssh_string_free_char(host);

	rc = ssh_connect(s);
	if (rc == SSH_ERROR) {
		msg = xasprintf("cannot connect to %s: %s", c->describe,
		    ssh_errtext(c));
		ssh_fail(c, 1, msg);
		free(msg);
		return;
	}
	c->fd = ssh_get_fd(s);
	if (c->fd < 0) {
		ssh_fail(c, 1, "libssh gave no socket");
		return;
	}
	loop_fd_add(c->loop, c->fd, POLLIN | POLLOUT, ssh_io, c);
	loop_prepare_add(c->loop, ssh_prepare, c);
	c->prepare_on = 1;
	ssh_arm_connect_timer(c);
	if (rc == SSH_OK)
		ssh_connected(c);
}

void
conn_hostkey_answer(struct conn *c, int accept)
{
	if (c->freed || c->state != CONN_HOSTKEY)
		return;
	if (!accept) {
		char *msg = xasprintf("host key for %s was rejected (%s)",
		    c->describe, c->fingerprint ? c->fingerprint : "?");

		ssh_fail(c, 0, msg);
		free(msg);
		return;
	}
	if (hostkey_record(c) != 0) {
		char *msg = xstrdup(c->error);

		ssh_fail(c, 0, msg);
		free(msg);
		return;
	}
	ssh_arm_connect_timer(c);
	ssh_start_auth(c);
}

const struct conn_backend conn_ssh_backend = {
	ssh_connect_begin,
	ssh_teardown,
	ssh_chan_release,
	ssh_chan_kick
};
