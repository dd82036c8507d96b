// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Redirect mode's rule: which registrations get a BAR slice. A
 * registration is taken when it is at least min_size bytes and, if a list
 * of numbers was given, its number (1-based, in the order the program
 * registers, every entry point counted) is on the list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "interposer.h"
#include "pattern.h"

static int __attribute__((format(printf, 4, 5)))
why_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

int ivp_parse_nth(const char *s, unsigned int *nth, unsigned int *nr, char *why,
		  size_t why_len)
{
	char buf[128], *tok, *save = NULL;
	unsigned int n = 0;
	uint64_t v;

	if (!strcmp(s, "all")) {
		*nr = 0;
		return 0;
	}
	if (strlen(s) >= sizeof(buf) || !*s)
		return why_fail(why, why_len, EINVAL,
				"registration list '%s': want N[,N...] or all",
				s);
	strcpy(buf, s);
	/* strtok_r would merge ",," into one separator: refuse it instead */
	if (buf[0] == ',' || buf[strlen(buf) - 1] == ',' || strstr(buf, ",,"))
		return why_fail(why, why_len, EINVAL,
				"registration list '%s' has an empty entry", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_number(tok, &v) || !v || v > 1000000)
			return why_fail(
				why, why_len, EINVAL,
				"registration list '%s': '%s' is not a number from 1",
				s, tok);
		if (n == IVP_MAX_NTH)
			return why_fail(
				why, why_len, E2BIG,
				"registration list '%s': at most %d entries", s,
				IVP_MAX_NTH);
		nth[n++] = (unsigned int)v;
	}
	*nr = n;
	return 0;
}

enum ivp_verdict ivp_rule_match(const struct ivp_config *c, uint64_t len,
				unsigned int nth)
{
	unsigned int i;

	if (len < c->min_size)
		return IVP_TOO_SMALL;
	if (!c->nr_nth)
		return IVP_TAKE;
	for (i = 0; i < c->nr_nth; i++)
		if (c->nth[i] == nth)
			return IVP_TAKE;
	return IVP_NOT_LISTED;
}
