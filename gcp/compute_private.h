/*
 * Helpers shared by the Compute Engine files of gcp/ (compute.c,
 * compute_parse.c, compute_price.c).  Private to gcp/: other folders use
 * gcp/compute.h.
 */
#ifndef SANDBOX_TUI_COMPUTE_PRIVATE_H
#define SANDBOX_TUI_COMPUTE_PRIVATE_H

#include <stddef.h>

/* Sets *cause to "FIELD: 'VALUE' WHY" (value shown cut short) and
 * returns -1. */
int compute_bad(char **cause, const char *field, const char *value,
	    const char *why);
/* The compact text of a finished body; the JSON tree is released.  Out of
 * memory aborts, as with xmalloc. */
struct json_t;
char *compute_dump(struct json_t *);
/* Region names: "us-central1", "northamerica-northeast2". */
int compute_valid_region(const char *);

/*
 * The price in a table in the format of config/gce-prices.conf (lines
 * "NAME ON-DEMAND [SPOT]", '#' comments): the on-demand column, or the
 * spot column when spot is set; -1 when the name or the column is missing.
 */
double compute_price_lookup(const char *table, const char *name, int spot);

#endif
