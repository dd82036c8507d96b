// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The bar-pattern pattern: known values at many words and seeds, the
 * byte order within a word, and sensitivity to seed and offset.
 */
#include <stdint.h>

#include "check.h"
#include "pattern.h"

#define N 4096
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Pinned values, computed outside this project's C code with Python from
 * the definition (all arithmetic mod 2^64):
 *
 *	mix(z):  z ^= z >> 30; z *= 0xbf58476d1ce4e5b9;
 *		 z ^= z >> 27; z *= 0x94d049bb133111eb; z ^= z >> 31
 *	qword(q, seed) = mix(q * 0x9e3779b97f4a7c15 +
 *			     mix(seed ^ 0x5851f42d4c957f2d))
 *	byte(i, seed)  = (qword(i >> 3, seed) >> (8 * (i & 7))) & 0xff
 *
 * The VM tests check BAR contents written by one build with another (host
 * and guest): a change to any of these is a change of the pattern.
 */
static const struct {
	uint64_t q, seed, want;
} qwords[] = {
	{ 0x0, 0x0ULL, 0x4a042d1dc9e67966ULL },
	{ 0x1, 0x0ULL, 0x18a33082d6b0d44fULL },
	{ 0x2, 0x0ULL, 0x675d3d57f92e2d0cULL },
	{ 0x1000, 0x0ULL, 0x01493e3c9fc0ae8dULL },
	{ 0x1fffffffffffffff, 0x0ULL, 0xe0bcbcc0f31cc66dULL },
	{ 0x0, 0x1ULL, 0x1778383bbdb43f64ULL },
	{ 0x1, 0x1ULL, 0xe217e7ac4d85e060ULL },
	{ 0x2, 0x1ULL, 0x62e921f36838dacaULL },
	{ 0x1000, 0x1ULL, 0x98db139e99931587ULL },
	{ 0x1fffffffffffffff, 0x1ULL, 0x988ea86a88a4f24dULL },
	{ 0x0, 0x7ULL, 0xee7bbf20a04b5195ULL },
	{ 0x1, 0x7ULL, 0x717dc091ca0d84f3ULL },
	{ 0x2, 0x7ULL, 0xaa41caf57d04246cULL },
	{ 0x1000, 0x7ULL, 0xa4ba676fe9f5ed44ULL },
	{ 0x1fffffffffffffff, 0x7ULL, 0x694c7810e96ef03cULL },
	{ 0x0, 0xffffffffffffffffULL, 0x8a9233cb6e5996feULL },
	{ 0x1, 0xffffffffffffffffULL, 0x55d20f9f5487a034ULL },
	{ 0x2, 0xffffffffffffffffULL, 0xb2ea61dc19177023ULL },
	{ 0x1000, 0xffffffffffffffffULL, 0x3a881edeb4321d58ULL },
	{ 0x1fffffffffffffff, 0xffffffffffffffffULL, 0xbb281ab5eda11215ULL },
};

/* byte(i, 7) and byte(i, 12) for i = 0..15: little-endian within a word */
static const uint8_t bytes_seed7[16] = {
	0x95, 0x51, 0x4b, 0xa0, 0x20, 0xbf, 0x7b, 0xee,
	0xf3, 0x84, 0x0d, 0xca, 0x91, 0xc0, 0x7d, 0x71,
};

static const uint8_t bytes_seed12[16] = {
	0x41, 0x07, 0xf2, 0xfd, 0x0d, 0x2b, 0x44, 0x3c,
	0x03, 0x1c, 0xab, 0xa1, 0x34, 0x10, 0xfc, 0xc5,
};

/* single bytes at offsets the file and VM tests use, seed 7 */
static const struct {
	uint64_t offset;
	uint8_t want;
} bytes_at[] = {
	{ 0x1234, 0x9e },
	{ 0xfffff, 0x77 },
	{ 0x100000, 0x30 },
	{ 0x100001, 0x4f },
};

static void check_known_values(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(qwords); i++)
		CHECK_EQ(pattern_qword(qwords[i].q, qwords[i].seed),
			 qwords[i].want);
	for (i = 0; i < 16; i++) {
		CHECK_EQ(pattern_byte(i, 7), bytes_seed7[i]);
		CHECK_EQ(pattern_byte(i, 12), bytes_seed12[i]);
	}
	for (i = 0; i < ARRAY_SIZE(bytes_at); i++)
		CHECK_EQ(pattern_byte(bytes_at[i].offset, 7), bytes_at[i].want);
}

/* Data moved by a byte or a word, or written with another seed, mismatches. */
static void check_sensitivity(void)
{
	unsigned int same_seed = 0, same_shift = 0, same_shift1 = 0;
	unsigned int hist[256] = { 0 };
	uint64_t i;

	for (i = 0; i < N; i++) {
		if (pattern_byte(i, 11) == pattern_byte(i, 12))
			same_seed++;
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
}

int main(void)
{
	check_known_values();
	check_sensitivity();
	return check_done("test_pattern");
}
