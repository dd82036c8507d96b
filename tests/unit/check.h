/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Minimal assertions for the unit tests: report every failure, then exit 1. */
#ifndef VBR_CHECK_H
#define VBR_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                    \
	do {                                                           \
		if (!(cond)) {                                         \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, \
				__LINE__, #cond);                      \
			check_failures++;                              \
		}                                                      \
	} while (0)

#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		unsigned long long _a = (unsigned long long)(a);              \
		unsigned long long _b = (unsigned long long)(b);              \
		if (_a != _b) {                                               \
			fprintf(stderr,                                       \
				"%s:%d: FAIL: %s is %llu (0x%llx), expected " \
				"%s = %llu (0x%llx)\n",                       \
				__FILE__, __LINE__, #a, _a, _a, #b, _b, _b);  \
			check_failures++;                                     \
		}                                                             \
	} while (0)

static inline int check_done(const char *name)
{
	if (check_failures) {
		fprintf(stderr, "%s: %d failure(s)\n", name, check_failures);
		return 1;
	}
	printf("%s: ok\n", name);
	return 0;
}

#endif /* VBR_CHECK_H */
