// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* parse_number: decimal, 0x hex, K/M/G suffixes; junk and overflow fail. */
#include <errno.h>
#include <stdint.h>

#include "check.h"
#include "pattern.h"

static void good(const char *s, uint64_t want)
{
	uint64_t v = 0xdeadbeef;

	errno = 0;
	if (parse_number(s, &v)) {
		fprintf(stderr, "FAIL: parse_number(\"%s\") failed, errno %d\n",
			s, errno);
		check_failures++;
		return;
	}
	if (v != want) {
		fprintf(stderr,
			"FAIL: parse_number(\"%s\") = %llu, want %llu\n", s,
			(unsigned long long)v, (unsigned long long)want);
		check_failures++;
	}
}

static void bad(const char *s, int want_errno)
{
	uint64_t v = 0xdeadbeef;
	int ret;

	errno = 0;
	ret = parse_number(s, &v);
	if (ret != -1 || errno != want_errno || v != 0xdeadbeef) {
		fprintf(stderr,
			"FAIL: parse_number(\"%s\") = %d errno %d, want -1 errno %d, output untouched\n",
			s, ret, errno, want_errno);
		check_failures++;
	}
}

int main(void)
{
	good("0", 0);
	good("42", 42);
	good("0x10", 16);
	good("0X1f", 31);
	good("0xABCdef", 0xabcdef);
	good("4K", 4096);
	good("4k", 4096);
	good("1M", 1 << 20);
	good("2G", 2ULL << 30);
	good("0x10K", 16 << 10);
	good("010", 10); /* decimal, not octal */
	good("18446744073709551615", UINT64_MAX);
	good("0xffffffffffffffff", UINT64_MAX);
	good("17179869183G", 17179869183ULL << 30);

	bad("", EINVAL);
	bad("12x", EINVAL);
	bad("0x", EINVAL);
	bad("0xg", EINVAL);
	bad("K", EINVAL);
	bad("4KB", EINVAL);
	bad("4 K", EINVAL);
	bad(" 4", EINVAL);
	bad("-1", EINVAL);
	bad("+1", EINVAL);
	bad("1.5M", EINVAL);
	bad("18446744073709551616", ERANGE);
	bad("0x10000000000000000", ERANGE);
	bad("17179869184G", ERANGE);
	bad("99999999999999999999999", ERANGE);

	CHECK(parse_number(NULL, NULL) == -1 && errno == EINVAL);
	return check_done("test_parse_number");
}
