/*
 * The config language (config/config_parse.c) on hostile text: a fresh
 * config (defaults and default bindings) loads the text, every option is
 * read back through its typed getter and must set again from its own text
 * unchanged, and a failed load must leave the config as it was.  Then
 * key names (config/keys.c) one by one: key_parse, key_tostring (which
 * must read back as the same key, into buffers of any size) and `bind` /
 * `unbind` lines made from each name.
 *
 * Input: the config text up to the first NUL byte; after it, key names
 * separated by NUL bytes.
 */
#include <ctype.h>
#include <stdio.h>

#include "config/config.h"
#include "tests/fuzz/fuzz.h"

static volatile unsigned fuzz_config_sink;

/* Everything a load may change, to compare after a failed one. */
struct fuzz_config_snap {
	char		**text;
	size_t		  ntext;
	key_code	 *keys;
	char		**cmds;
	size_t		  nbind;
};

static char *
fuzz_config_dup(const char *s)
{
	char	*d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

static void
fuzz_config_snap(struct config *cfg, struct fuzz_config_snap *s)
{
	const struct binding	*b;
	size_t			 i;

	for (s->ntext = 0; option_table[s->ntext].name != NULL; s->ntext++)
		;
	s->text = calloc(s->ntext, sizeof *s->text);
	b = config_bindings(cfg, &s->nbind);
	s->keys = calloc(s->nbind + 1, sizeof *s->keys);
	s->cmds = calloc(s->nbind + 1, sizeof *s->cmds);
	if (s->text == NULL || s->keys == NULL || s->cmds == NULL)
		abort();
	for (i = 0; i < s->ntext; i++)
		s->text[i] = fuzz_config_dup(config_str(cfg,
		    option_table[i].name));
	for (i = 0; i < s->nbind; i++) {
		s->keys[i] = b[i].key;
		s->cmds[i] = fuzz_config_dup(b[i].command);
	}
}

/* Aborts unless cfg holds exactly what the snapshot holds. */
static void
fuzz_config_same(struct config *cfg, struct fuzz_config_snap *s)
{
	const struct binding	*b;
	size_t			 i, n;

	for (i = 0; i < s->ntext; i++) {
		if (strcmp(s->text[i], config_str(cfg,
		    option_table[i].name)) != 0)
			abort();
	}
	b = config_bindings(cfg, &n);
	if (n != s->nbind)
		abort();
	for (i = 0; i < n; i++) {
		if (b[i].key != s->keys[i] || strcmp(b[i].command,
		    s->cmds[i]) != 0)
			abort();
	}
}

static void
fuzz_config_snap_free(struct fuzz_config_snap *s)
{
	size_t	i;

	for (i = 0; i < s->ntext; i++)
		free(s->text[i]);
	for (i = 0; i < s->nbind; i++)
		free(s->cmds[i]);
	free(s->text);
	free(s->keys);
	free(s->cmds);
}

/* The typed value of option i, folded into a number to compare. */
static double
fuzz_config_typed(struct config *cfg, size_t i)
{
	const char	*name = option_table[i].name;

	(void)config_origin(cfg, name);
	switch (option_table[i].type) {
	case OPT_INT:
		return (double)config_int(cfg, name);
	case OPT_BOOL:
		return config_bool(cfg, name);
	case OPT_KEY:
		return config_key(cfg, name);
	case OPT_SIZE:
		return (double)config_size(cfg, name);
	case OPT_FLOAT:
		return config_float(cfg, name);
	default:
		return (double)strlen(config_str(cfg, name));
	}
}

/* Every stored value is one the table accepts, and means the same again. */
static void
fuzz_config_values(struct config *cfg)
{
	const struct binding	*b;
	char			*text, *cause = NULL;
	double			 before;
	size_t			 i, n;

	for (i = 0; option_table[i].name != NULL; i++) {
		before = fuzz_config_typed(cfg, i);
		text = fuzz_config_dup(config_str(cfg, option_table[i].name));
		if (config_set(cfg, option_table[i].name, text, ORIGIN_FILE,
		    &cause) != 0)
			abort();
		if (fuzz_config_typed(cfg, i) != before ||
		    strcmp(config_str(cfg, option_table[i].name), text) != 0)
			abort();
		free(text);
	}
	b = config_bindings(cfg, &n);
	for (i = 0; i < n; i++) {
		if (b[i].key == KEYC_NONE || *b[i].command == '\0' ||
		    config_binding_find(cfg, b[i].key) != b[i].command)
			abort();
	}
}

/* A key name: parsed, named again, and bound and unbound by that name. */
static void
fuzz_config_key(struct config *cfg, const char *s)
{
	char		 buf[64], small[8], *line, *cause = NULL;
	const char	*p, *cmd;
	key_code	 k;
	size_t		 len, i;
	int		 plain;

	for (p = s; *p != '\0'; p++) {
		k = key_from_byte((unsigned char)*p);
		key_tostring(k, buf, sizeof buf);
		fuzz_config_sink += (unsigned char)buf[0];
	}
	if ((k = key_parse(s)) == KEYC_NONE)
		return;
	key_tostring(k, buf, sizeof buf);
	if (key_parse(buf) != k) {
		fprintf(stderr, "key '%s' is %#x, named '%s', read back as "
		    "%#x\n", s, (unsigned)k, buf, (unsigned)key_parse(buf));
		abort();
	}
	for (len = 0; len <= sizeof small; len++) {
		memset(small, 'x', sizeof small);
		key_tostring(k, small, len);
		if (len > 0 && (strlen(small) >= len ||
		    strncmp(small, buf, strlen(small)) != 0))
			abort();
	}

	/* As a bind line's key word it must stay one word. */
	plain = 1;
	for (i = 0; s[i] != '\0'; i++) {
		if (isspace((unsigned char)s[i]))
			plain = 0;
	}
	if (!plain)
		return;
	if (asprintf(&line, "bind %s fuzz-command  # note\n", s) == -1)
		abort();
	if (config_load_string(cfg, "fuzz-bind", line, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", line, cause);
		abort();
	}
	free(line);
	if ((cmd = config_binding_find(cfg, k)) == NULL ||
	    strcmp(cmd, "fuzz-command") != 0)
		abort();
	if (asprintf(&line, "unbind %s\n", s) == -1)
		abort();
	if (config_load_string(cfg, "fuzz-bind", line, &cause) != 0)
		abort();
	free(line);
	if (config_binding_find(cfg, k) != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_config_snap	 snap;
	struct config		*cfg;
	char			*all, *cause = NULL, *p, *end;

	all = malloc(size + 1);
	if (all == NULL)
		abort();
	memcpy(all, data, size);
	all[size] = '\0';
	end = all + size;

	cfg = config_new();
	fuzz_config_snap(cfg, &snap);
	if (config_load_string(cfg, "fuzz.conf", all, &cause) != 0) {
		if (cause == NULL || strncmp(cause, "fuzz.conf:", 10) != 0)
			abort();
		fuzz_config_same(cfg, &snap);
		free(cause);
	} else if (cause != NULL)
		abort();
	fuzz_config_snap_free(&snap);
	fuzz_config_values(cfg);

	for (p = all + strlen(all); p < end; p += strlen(p))
		fuzz_config_key(cfg, ++p);
	config_free(cfg);
	free(all);
	return 0;
}
