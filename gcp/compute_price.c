/*
 * Prices for `vm status`: the table of config/gce-prices.conf, embedded in
 * the binary, looked up by machine type.  The table holds us-central1 list
 * prices; gcp.hourly_price overrides them (gcp/vm.c).  Numbers are read by
 * hand rather than with strtod, which follows LC_NUMERIC, and the program
 * runs under the user's locale (a decimal comma would misread "0.067").
 */

#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "gcp/compute.h"
#include "gcp/compute_private.h"

static int
compute_price_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A price "123" or "0.0670" at *pp (after blanks), advancing *pp; -1 if
 * there is none. */
static double
compute_price_number(const char **pp)
{
	const char	*p = *pp;
	double		 whole = 0, scale = 1;
	int		 digits = 0;

	while (compute_price_blank(*p))
		p++;
	/* One division at the end rounds like the literal would. */
	for (; *p >= '0' && *p <= '9' && digits < 15; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && digits < 15; p++) {
			whole = whole * 10 + (*p - '0');
			scale *= 10;
			digits++;
		}
	}
	if (digits == 0 || (*p != '\0' && *p != '\n' &&
	    !compute_price_blank(*p)))
		return -1;
	*pp = p;
	return whole / scale;
}

double
compute_price_lookup(const char *table, const char *name, int spot)
{
	const char	*p = table, *word;
	size_t		 len, nlen;
	double		 v;

	if (table == NULL || name == NULL || (nlen = strlen(name)) == 0)
		return -1;
	for (; *p != '\0'; p += strcspn(p, "\n"), p += *p == '\n') {
		while (compute_price_blank(*p))
			p++;
		word = p;
		len = strcspn(p, " \t\r\n");
		if (len != nlen || strncmp(word, name, len) != 0)
			continue;
		p += len;
		v = compute_price_number(&p);
		if (v >= 0 && spot)
			v = compute_price_number(&p);
		return v;
	}
	return -1;
}

double
compute_price_hour(const char *machine_type, int spot)
{
	return compute_price_lookup(config_gce_prices, machine_type, spot);
}

double
compute_price_disk_gb_month(void)
{
	double	v;

	v = compute_price_lookup(config_gce_prices, "disk-pd-balanced-gb-month",
	    0);
	/* A missing line must not make a monthly estimate negative. */
	return v >= 0 ? v : 0;
}
