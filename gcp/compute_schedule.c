/*
 * The instance schedule resource policy of `vm schedule`: the stop and
 * start times ("HH:MM"), the days ("mon-fri", "sat,sun", "mon,wed,fri",
 * every day when not given) and the time zone, checked and turned into
 * the unix-cron strings ("MM HH * * DAYS") of an instanceSchedulePolicy.
 * The rest of the request bodies are built in compute.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "config/xmalloc.h"
#include "gcp/compute.h"
#include "gcp/compute_private.h"

#define COMPUTE_WEEK	0x7f	/* every day, bit 0 Sunday */

static int
compute_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
compute_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "H:MM" or "HH:MM", 00:00 to 23:59. */
static int
compute_time(const char *s, int *hh, int *mm)
{
	size_t	len;

	if (s == NULL || ((len = strlen(s)) != 4 && len != 5))
		return -1;
	if (len == 4 && compute_digit(s[0]) && s[1] == ':')
		*hh = s[0] - '0';
	else if (len == 5 && compute_digit(s[0]) && compute_digit(s[1]) &&
	    s[2] == ':')
		*hh = (s[0] - '0') * 10 + (s[1] - '0');
	else
		return -1;
	s += len - 2;
	if (!compute_digit(s[0]) || !compute_digit(s[1]))
		return -1;
	*mm = (s[0] - '0') * 10 + (s[1] - '0');
	return *hh <= 23 && *mm <= 59 ? 0 : -1;
}

/* A tz database name: "UTC" or Area/Location[/Location]. */
static int
compute_valid_tz(const char *s)
{
	size_t	parts = 1, len = 0;

	if (s == NULL || strlen(s) > 64)
		return 0;
	if (strcmp(s, "UTC") == 0)
		return 1;
	if (!(s[0] >= 'A' && s[0] <= 'Z'))
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '/') {
			if (len == 0)
				return 0;
			parts++;
			len = 0;
			continue;
		}
		/* Etc/GMT+5, America/Port-au-Prince, America/New_York */
		if (!compute_alpha(*s) && (len == 0 || (!compute_digit(*s) &&
		    *s != '_' && *s != '-' && *s != '+')))
			return 0;
		len++;
	}
	return len > 0 && (parts == 2 || parts == 3);
}

/* A day name ("mon", "monday", any case), 0 Sunday to 6, or -1. */
static int
compute_day(const char *s, size_t len)
{
	static const char *const days[] = {
		"sunday", "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday"
	};
	size_t	i;

	for (i = 0; i < 7; i++) {
		if ((len == 3 || len == strlen(days[i])) &&
		    strncasecmp(s, days[i], len) == 0)
			return (int)i;
	}
	return -1;
}

/* The days of "mon-fri", "sat,sun", "fri-mon", "mon,wed,fri" (names of
 * three letters or in full, any case), "weekdays" or "weekends" as a set
 * (bit 0 Sunday), or 0 if not understood.  NULL, "*" and "daily" are every
 * day. */
static int
compute_days(const char *s)
{
	const char	*p = s, *dash;
	size_t		 len;
	int		 mask = 0, a, b;

	if (s == NULL || strcmp(s, "*") == 0 || strcasecmp(s, "daily") == 0)
		return COMPUTE_WEEK;
	if (strcasecmp(s, "weekdays") == 0)
		p = "mon-fri";
	else if (strcasecmp(s, "weekends") == 0)
		p = "sat,sun";
	while (*p != '\0') {
		p += strspn(p, " ");
		len = strcspn(p, ", ");
		if (len == 0)
			return 0;
		if ((dash = memchr(p, '-', len)) != NULL) {
			a = compute_day(p, dash - p);
			b = compute_day(dash + 1, len - (dash + 1 - p));
		} else
			a = b = compute_day(p, len);
		if (a == -1 || b == -1)
			return 0;
		/* A range may wrap over the end of the week: fri-mon. */
		for (;;) {
			mask |= 1 << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		p += len;
		p += strspn(p, " ");
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return 0;
	}
	return mask;
}

/* The cron day-of-week field for a set of days: "*", "1-5", "0,6". */
static char *
compute_days_cron(int mask)
{
	char	buf[32] = "";
	size_t	len = 0;
	int	d, e;

	if (mask == COMPUTE_WEEK)
		return xstrdup("*");
	for (d = 0; d < 7; d = e + 1) {
		if ((mask & (1 << d)) == 0) {
			e = d;
			continue;
		}
		for (e = d; e + 1 < 7 && (mask & (1 << (e + 1))) != 0; e++)
			;
		if (e - d >= 2)
			len += snprintf(buf + len, sizeof buf - len, "%s%d-%d",
			    len > 0 ? "," : "", d, e);
		else if (e > d)
			len += snprintf(buf + len, sizeof buf - len,
			    "%s%d,%d", len > 0 ? "," : "", d, e);
		else
			len += snprintf(buf + len, sizeof buf - len, "%s%d",
			    len > 0 ? "," : "", d);
	}
	return xstrdup(buf);
}

/* {"schedule": "MM HH * * DAYS"} for one of the two times. */
static json_t *
compute_cron(const char *field, const char *at, const char *days,
    char **cause)
{
	json_t	*o;
	char	*cron;
	int	 hh, mm;

	if (compute_time(at, &hh, &mm) != 0) {
		compute_bad(cause, field, at,
		    "is not a time of day (HH:MM, 00:00 to 23:59)");
		return NULL;
	}
	cron = xasprintf("%d %d * * %s", mm, hh, days);
	o = json_pack("{s:s}", "schedule", cron);
	free(cron);
	return o;
}

char *
compute_schedule_body(const char *name, const char *region,
    const char *stop, const char *start, const char *tz, const char *days,
    char **cause)
{
	json_t	*pol, *on = NULL, *off = NULL;
	char	*dow, *desc;
	int	 mask;

	if (!compute_valid_name(name)) {
		compute_bad(cause, "schedule name", name, "is not a name");
		return NULL;
	}
	if (!compute_valid_region(region)) {
		compute_bad(cause, "gcp.region", region,
		    "is not a region (such as us-central1)");
		return NULL;
	}
	if (stop == NULL && start == NULL) {
		*cause = xstrdup("schedule: give --stop HH:MM, --start HH:MM "
		    "or both");
		return NULL;
	}
	if (!compute_valid_tz(tz)) {
		compute_bad(cause, "--tz", tz, "is not a time zone (UTC or "
		    "Area/City, such as Europe/Berlin)");
		return NULL;
	}
	if ((mask = compute_days(days)) == 0) {
		compute_bad(cause, "--days", days, "is not a list of days "
		    "(such as mon-fri, sat,sun or mon,wed,fri)");
		return NULL;
	}
	dow = compute_days_cron(mask);
	if ((stop != NULL &&
	    (off = compute_cron("--stop", stop, dow, cause)) == NULL) ||
	    (start != NULL &&
	    (on = compute_cron("--start", start, dow, cause)) == NULL)) {
		json_decref(off);
		free(dow);
		return NULL;
	}
	pol = json_object();
	if (on != NULL)
		json_object_set_new(pol, "vmStartSchedule", on);
	if (off != NULL)
		json_object_set_new(pol, "vmStopSchedule", off);
	json_object_set_new(pol, "timeZone", json_string(tz));
	desc = xasprintf("sandbox-tui: stop %s, start %s, days %s, %s",
	    stop != NULL ? stop : "never", start != NULL ? start : "never",
	    dow, tz);
	free(dow);
	pol = json_pack("{s:s, s:s, s:o}", "name", name, "description", desc,
	    "instanceSchedulePolicy", pol);
	free(desc);
	return compute_dump(pol);
}
