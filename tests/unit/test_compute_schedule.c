/*
 * Unit tests for the instance schedule of gcp/compute*.c: the resource
 * policy body with its stop and start crons from times and days as the
 * user writes them, and each refusal naming the option at fault.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "gcp/compute.h"
#include "gcp/compute_private.h"
#include "tests/unit/test_compute.h"

/* The schedule body's two crons ("" when absent). */
static void
test_schedule(const char *stop, const char *start, const char *days,
    const char *want_stop, const char *want_start)
{
	json_t	*root;
	char	*cause = NULL;

	root = test_body(compute_schedule_body("sandbox-agents-schedule",
	    "us-central1", stop, start, "Europe/Berlin", days, &cause));
	assert_null(cause);
	assert_string_equal(test_str(root, "name"), "sandbox-agents-schedule");
	assert_string_equal(test_str(root, "instanceSchedulePolicy/timeZone"),
	    "Europe/Berlin");
	if (*want_stop != '\0')
		assert_string_equal(test_str(root, "instanceSchedulePolicy/"
		    "vmStopSchedule/schedule"), want_stop);
	else
		assert_null(test_at(root, "instanceSchedulePolicy/"
		    "vmStopSchedule"));
	if (*want_start != '\0')
		assert_string_equal(test_str(root,
		    "instanceSchedulePolicy/vmStartSchedule/schedule"),
		    want_start);
	else
		assert_null(test_at(root, "instanceSchedulePolicy/"
		    "vmStartSchedule"));
	json_decref(root);
}

static void
test_compute_schedule(void **state)
{
	(void)state;
	test_schedule("19:00", "08:30", "mon-fri", "0 19 * * 1-5",
	    "30 8 * * 1-5");
	test_schedule("19:00", "08:30", NULL, "0 19 * * *", "30 8 * * *");
	test_schedule("23:59", "0:00", "sat,sun", "59 23 * * 0,6",
	    "0 0 * * 0,6");
	test_schedule("18:05", NULL, "mon,wed,fri", "5 18 * * 1,3,5", "");
	test_schedule(NULL, "07:00", "Mon-Fri", "", "0 7 * * 1-5");
	test_schedule("20:00", NULL, "fri-mon", "0 20 * * 0,1,5,6", "");
	test_schedule("20:00", NULL, "sun-sat", "0 20 * * *", "");
	test_schedule("20:00", NULL, "monday, tuesday,wed", "0 20 * * 1-3",
	    "");
	test_schedule("20:00", NULL, "weekends", "0 20 * * 0,6", "");
}

static void
test_compute_schedule_bad(void **state)
{
	static const struct {
		const char	*stop, *start, *tz, *days, *want;
	} cases[] = {
		{ "24:00", NULL, "UTC", NULL, "--stop: '24:00' is not a time" },
		{ "12:60", NULL, "UTC", NULL, "--stop: '12:60'" },
		{ "7:5", NULL, "UTC", NULL, "--stop: '7:5'" },
		{ "noon", NULL, "UTC", NULL, "--stop: 'noon'" },
		{ "19:00", "8h", "UTC", NULL, "--start: '8h'" },
		{ "19:00", NULL, "Berlin", NULL, "--tz: 'Berlin' is not a time "
		  "zone" },
		{ "19:00", NULL, "Europe/", NULL, "--tz: 'Europe/'" },
		{ "19:00", NULL, "../etc/passwd", NULL, "--tz:" },
		{ "19:00", NULL, "Europe//Berlin", NULL, "--tz:" },
		{ "19:00", NULL, NULL, NULL, "--tz: '(none)'" },
		{ "19:00", NULL, "UTC", "funday", "--days: 'funday' is not a "
		  "list of days" },
		{ "19:00", NULL, "UTC", "mon-", "--days: 'mon-'" },
		{ "19:00", NULL, "UTC", "mon,,fri", "--days:" },
		{ "19:00", NULL, "UTC", "", "--days:" },
		{ NULL, NULL, "UTC", NULL, "give --stop HH:MM" },
	};
	size_t	i;
	char	*cause;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		assert_null(compute_schedule_body("s-schedule", "us-central1",
		    cases[i].stop, cases[i].start, cases[i].tz, cases[i].days,
		    &cause));
		assert_non_null(cause);
		if (strstr(cause, cases[i].want) == NULL)
			fail_msg("case %zu: cause '%s'", i, cause);
		free(cause);
	}
	cause = NULL;
	assert_null(compute_schedule_body("s", "us-central1-a", "19:00", NULL,
	    "UTC", NULL, &cause));
	assert_non_null(strstr(cause, "gcp.region: 'us-central1-a'"));
	free(cause);
	json_decref(test_body(compute_schedule_body("s", "us-central1",
	    "19:00", NULL, "America/Argentina/Buenos_Aires", NULL, &cause)));
	json_decref(test_body(compute_schedule_body("s", "us-central1",
	    "19:00", NULL, "Etc/GMT+5", NULL, &cause)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compute_schedule),
		cmocka_unit_test(test_compute_schedule_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
