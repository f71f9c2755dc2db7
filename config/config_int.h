/*
 * Private to config/: the store behind struct config and the helpers its
 * three files share.  config.c owns the store, precedence, the environment
 * and the bindings; config_value.c turns text into a typed value against
 * the option table; config_parse.c reads the config language.
 */
#ifndef SANDBOX_TUI_CONFIG_INT_H
#define SANDBOX_TUI_CONFIG_INT_H

#include "config/config.h"

/* The most of a value or a name that a message shows (echo_text). */
#define CONFIG_ECHO_MAX	200

union config_parsed {
	long		 i;
	int		 b;
	double		 f;
	key_code	 k;
	long long	 size;
};

struct config_value {
	char			*text;		/* as given */
	enum config_origin	 origin;
	union config_parsed	 v;
};

struct config {
	struct config_value	*values;	/* parallel to option_table */
	size_t			 nvalues;
	struct binding		*bindings;	/* in the order first bound */
	size_t			 nbindings;
};

/* config.c */
const struct option_def *config_find_option(const char *, size_t *);
struct config	*config_copy(struct config *);
void		 config_replace(struct config *, struct config *);

/* config_value.c */
int		 config_value_parse(const struct option_def *, const char *,
		     union config_parsed *, char **);
char		*config_value_unknown(const char *);

/* config_parse.c */
int		 config_parse(struct config *, const char *, const char *,
		     enum config_origin, char **);

#endif
