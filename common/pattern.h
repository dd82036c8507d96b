/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BAR test pattern and command-line number parsing: pure helpers of
 * the tools (bar-pattern, rdmacm-bar, vfiobar, vfiobar-run) and the tests.
 */
#ifndef VBR_PATTERN_H
#define VBR_PATTERN_H

#include <stdint.h>

/*
 * The pattern is defined per aligned 8-byte word of the BAR: word q (bytes
 * 8q..8q+7) holds pattern_qword(q, seed) in little-endian byte order, so
 * the byte at absolute BAR offset i is
 *
 *	(pattern_qword(i / 8, seed) >> (8 * (i % 8))) & 0xff
 *
 * pattern_qword() is a splitmix64 finaliser over q and a mixed seed: data
 * moved by any number of bytes, or written with another seed, mismatches.
 */
uint64_t pattern_qword(uint64_t q, uint64_t seed);
uint8_t pattern_byte(uint64_t offset, uint64_t seed);

/*
 * parse_number: a decimal or 0x-hex number with an optional K, M or G
 * suffix (powers of 1024, either case). 0 on success; -1 with errno EINVAL
 * for anything else (empty, junk, sign, space) or ERANGE on overflow.
 */
int parse_number(const char *s, uint64_t *out);

#endif /* VBR_PATTERN_H */
