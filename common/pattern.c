// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>

#include "pattern.h"

static uint64_t mix64(uint64_t z)
{
	z ^= z >> 30;
	z *= 0xbf58476d1ce4e5b9ULL;
	z ^= z >> 27;
	z *= 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z;
}

uint64_t pattern_qword(uint64_t q, uint64_t seed)
{
	return mix64(q * 0x9e3779b97f4a7c15ULL +
		     mix64(seed ^ 0x5851f42d4c957f2dULL));
}

uint8_t pattern_byte(uint64_t offset, uint64_t seed)
{
	return (uint8_t)(pattern_qword(offset >> 3, seed) >>
			 (8 * (offset & 7)));
}

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

int parse_number(const char *s, uint64_t *out)
{
	unsigned int base = 10, shift = 0;
	uint64_t v = 0;
	bool any = false;
	int d;

	if (!s || !out)
		goto inval;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		d = digit_value(*s, base);
		if (d < 0)
			break;
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			errno = ERANGE;
			return -1;
		}
		v = v * base + (uint64_t)d;
		any = true;
	}
	if (!any)
		goto inval;
	switch (*s) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		goto inval;
	}
	if (shift) {
		if (s[1] != '\0')
			goto inval;
		if (v > (UINT64_MAX >> shift)) {
			errno = ERANGE;
			return -1;
		}
		v <<= shift;
	}
	*out = v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}
