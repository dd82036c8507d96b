/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* JSON output shared by the tools that print it (vfiobar, vbr_perf). */
#ifndef VBR_JSON_H
#define VBR_JSON_H

#include <stdio.h>

/* Write @s to @f as a JSON string literal, quotes included. */
void vbr_json_str(FILE *f, const char *s);

#endif /* VBR_JSON_H */
