/*
 * Unit tests for the waiting-for-input heuristic (tui/attention.c) with
 * the shipped default patterns: screens as Claude Code, a permission
 * question, a numbered menu and a shell leave them, and the busy screens
 * that must not count, under a UTF-8 locale and under "C".  Also
 * vt_row_text(), which the heuristic reads rows through.
 */

#include <locale.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "tui/attention.h"
#include "vt/vt.h"

static const char *
test_attention_default(const char *name)
{
	const struct option_def	*od;

	for (od = option_table; od->name != NULL; od++) {
		if (strcmp(od->name, name) == 0)
			return od->def;
	}
	fail_msg("no option %s", name);
	return NULL;
}

/* Feeds text (LF becomes CR LF) to a fresh 12x70 terminal and asks. */
static int
test_attention_is_waiting(const char *text)
{
	struct vt_callbacks	 cbs = { NULL };
	struct vt		*vt = vt_new(12, 70, 100, &cbs, NULL);
	regex_t			 wait, busy;
	const char		*p;
	int			 r;

	assert_int_equal(regcomp(&wait, test_attention_default(
	    "agents.waiting_pattern"), REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regcomp(&busy, test_attention_default(
	    "agents.busy_pattern"), REG_EXTENDED | REG_NOSUB), 0);
	for (p = text; *p != '\0'; p++) {
		if (*p == '\n')
			vt_feed(vt, "\r\n", 2);
		else
			vt_feed(vt, p, 1);
	}
	r = attention_screen(vt, &wait, &busy);
	regfree(&wait);
	regfree(&busy);
	vt_free(vt);
	return r;
}

static const char *const test_attention_waiting[] = {
	/* Claude Code's empty input box. */
	"● Done: the tests pass.\n\n"
	"╭──────────────────────────────────────╮\n"
	"│ >                                    │\n"
	"╰──────────────────────────────────────╯\n"
	"  ? for shortcuts\n",
	/* A permission question, the menu cursor on the first answer. */
	"╭──────────────────────────────────────╮\n"
	"│ Bash command                         │\n"
	"│   rm -rf build                       │\n"
	"│ Do you want to proceed?              │\n"
	"│ ❯ 1. Yes                             │\n"
	"│   2. Yes, and don't ask again        │\n"
	"│   3. No, and tell Claude what to do  │\n"
	"╰──────────────────────────────────────╯\n",
	/* A bare numbered menu. */
	"Pick a theme:\n ❯ 1. Dark\n   2. Light\n",
	"root@4f2a9c:/workspace# ",
	"agent@sandbox:~$ ",
	"Overwrite config.json? (y/N) ",
	"Continue? [Y/n]",
	"Press Enter to continue...",
	"> ",
};

static const char *const test_attention_busy[] = {
	/* Working: the spinner line says it can be interrupted. */
	"✻ Thinking… (3s · esc to interrupt)\n\n"
	"╭──────────────────────────────────────╮\n"
	"│ >                                    │\n"
	"╰──────────────────────────────────────╯\n"
	"  ? for shortcuts\n",
	"✻ Thinking… (3s · esc to interrupt)",
	"compiling foo.c\nlinking sandbox-tui\n",
	"",
	/* A prompt that scrolled more than six lines up. */
	"> \n1\n2\n3\n4\n5\n6\n",
};

static void
test_attention_screens(void **state)
{
	const char	*locales[] = { "C.UTF-8", "C" };
	size_t		 l, i;

	(void)state;
	for (l = 0; l < 2; l++) {
		if (setlocale(LC_ALL, locales[l]) == NULL)
			continue;
		for (i = 0; i < sizeof test_attention_waiting /
		    sizeof test_attention_waiting[0]; i++) {
			if (!test_attention_is_waiting(
			    test_attention_waiting[i]))
				fail_msg("%s: not waiting: %s", locales[l],
				    test_attention_waiting[i]);
		}
		for (i = 0; i < sizeof test_attention_busy /
		    sizeof test_attention_busy[0]; i++) {
			if (test_attention_is_waiting(test_attention_busy[i]))
				fail_msg("%s: waiting: %s", locales[l],
				    test_attention_busy[i]);
		}
	}
	setlocale(LC_ALL, "C");
}

/* No patterns: nothing is waiting; a busy pattern alone: still nothing. */
static void
test_attention_no_patterns(void **state)
{
	struct vt_callbacks	 cbs = { NULL };
	struct vt		*vt = vt_new(5, 20, 0, &cbs, NULL);

	(void)state;
	vt_feed(vt, "$ ", 2);
	assert_int_equal(attention_screen(vt, NULL, NULL), 0);
	vt_free(vt);
}

static void
test_attention_row_text(void **state)
{
	struct vt_callbacks	 cbs = { NULL };
	struct vt		*vt = vt_new(3, 20, 0, &cbs, NULL);
	char			 buf[64], small[5];

	(void)state;
	vt_feed(vt, "ab   \r\n  \xe2\x9d\xaf x", 14);
	assert_int_equal(vt_row_text(vt, 0, buf, sizeof buf), 2);
	assert_string_equal(buf, "ab");
	vt_row_text(vt, 1, buf, sizeof buf);
	assert_string_equal(buf, "  \xe2\x9d\xaf x");
	assert_int_equal(vt_row_text(vt, 2, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(vt_row_text(vt, 7, buf, sizeof buf), 0);
	/* Cut at a character boundary: "  " and not half of the arrow. */
	assert_int_equal(vt_row_text(vt, 1, small, sizeof small), 2);
	assert_string_equal(small, "  ");
	/* The live screen, whatever the scrollback view shows. */
	vt_feed(vt, "\r\nthird\r\nfourth", 15);
	vt_scroll(vt, 1);
	vt_row_text(vt, 2, buf, sizeof buf);
	assert_string_equal(buf, "fourth");
	vt_free(vt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attention_screens),
		cmocka_unit_test(test_attention_no_patterns),
		cmocka_unit_test(test_attention_row_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
