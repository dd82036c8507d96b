// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The bar-pattern pattern: deterministic, and sensitive to seed and offset. */
#include <stdint.h>

#include "check.h"
#include "pattern.h"

#define N 4096

int main(void)
{
	unsigned int same_seed = 0, same_shift = 0, same_shift1 = 0;
	unsigned int hist[256] = { 0 };
	uint64_t i;

	/* pinned values: the pattern must not change under the VM tests */
	CHECK_EQ(pattern_qword(0, 0), pattern_qword(0, 0));
	CHECK_EQ(pattern_byte(0, 7),
		 (uint8_t)pattern_qword(0, 7)); /* byte 0 = low byte */
	CHECK_EQ(pattern_byte(13, 7), (uint8_t)(pattern_qword(1, 7) >> 40));

	for (i = 0; i < N; i++) {
		/* determinism */
		CHECK_EQ(pattern_byte(i, 11), pattern_byte(i, 11));
		/* seed sensitivity */
		if (pattern_byte(i, 11) == pattern_byte(i, 12))
			same_seed++;
		/* offset sensitivity: shifted data must not check */
		if (pattern_byte(i, 11) == pattern_byte(i + 8, 11))
			same_shift++;
		if (pattern_byte(i, 11) == pattern_byte(i + 1, 11))
			same_shift1++;
		hist[pattern_byte(i, 11)]++;
	}
	/* ~N/256 coincidences expected for a random-looking byte stream */
	CHECK(same_seed < N / 64);
	CHECK(same_shift < N / 64);
	CHECK(same_shift1 < N / 64);
	/* not i & 0xff, nor any fixed per-offset value */
	for (i = 0; i < 256; i++)
		CHECK(hist[i] < N / 32);
	CHECK(pattern_byte(0x100000, 11) != pattern_byte(0, 11) ||
	      pattern_byte(0x100001, 11) != pattern_byte(1, 11));
	/* seed 0 is a pattern too, not zeros */
	CHECK(pattern_qword(0, 0) != 0);
	/* the defining formula, stable across releases */
	CHECK_EQ(pattern_qword(0, 0), 0x4a042d1dc9e67966ULL);
	return check_done("test_pattern");
}
