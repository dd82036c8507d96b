// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobar-bind: the environment as an array (environ, or a test's), its
 * numbers, and the one-sentence failures every part returns.
 */
#include <stdarg.h>
#include <string.h>

#include "bind.h"

const char *vb_env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (!strncmp(*envp, name, n) && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

int vb_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -1;
}

bool vb_parse_long(const char *s, long *out)
{
	unsigned long v = 0;
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v >
		    ((unsigned long)LONG_MAX - (unsigned long)(*p - '0')) / 10)
			return false;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	*out = (long)v;
	return true;
}
