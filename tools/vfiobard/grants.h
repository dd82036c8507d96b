/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * vfiobard's configuration: which uid or gid may have which slice of which
 * BAR of which device. One grant per line:
 *
 *     grant DEVICE BAR OFFSET LENGTH uid=N|gid=N
 *
 * DEVICE is a PCI address; numbers as vfiobar(1) takes them (0x hex,
 * K/M/G suffixes). '#' starts a comment.
 */
#ifndef VFIOBARD_GRANTS_H
#define VFIOBARD_GRANTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct grant {
	char device[16]; /* full PCI address */
	unsigned int bar;
	uint64_t offset, length;
	bool is_gid;
	uint32_t id;
};

struct grants {
	struct grant *v;
	size_t n;
};

/* 0, or -1 with the line number and reason in @why */
int grants_load(FILE *f, struct grants *out, char *why, size_t why_len);
void grants_free(struct grants *g);
/*
 * A reload: the grants of @f replace @cur if they load and @accept (when
 * not NULL) takes each; otherwise @cur stays as it was and -1 with the
 * reason in @why.
 */
int grants_replace(struct grants *cur, FILE *f,
		   bool (*accept)(const struct grant *g, void *arg), void *arg,
		   char *why, size_t why_len);

struct grant_range {
	uint64_t offset, length;
};

/*
 * Whether @uid/@gid may have every one of the @n ranges of @bar of
 * @device: each must lie whole inside one of its grants. false with a
 * sentence in @why otherwise.
 */
bool grants_allow(const struct grants *g, const char *device, unsigned int bar,
		  uid_t uid, gid_t gid, const struct grant_range *r,
		  unsigned int n, char *why, size_t why_len);

#endif /* VFIOBARD_GRANTS_H */
