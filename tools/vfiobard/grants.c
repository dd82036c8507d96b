// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* vfiobard: the grants file and the check of a request against it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vfiobar.h>

#include "grants.h"
#include "pattern.h"
#include "pci_addr.h"

#define MAX_WORDS 7

static int split(char *line, char **w)
{
	int n = 0;
	char *save, *t;

	for (t = strtok_r(line, " \t\r\n", &save); t;
	     t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return -1;
		w[n++] = t;
	}
	return n;
}

/* grants are page-granular, as the dma-bufs they allow */
#define GRANT_ALIGN 4096u
/* the ids the kernel reports for an id it cannot map */
#define OVERFLOW_ID 65534u

/* uid=N or gid=N, N plain decimal digits; a sentence in @why if not */
static int parse_who(const char *s, struct grant *g, char *why, size_t len)
{
	unsigned long long id;
	const char *p;

	if (!strncmp(s, "uid=", 4))
		g->is_gid = false;
	else if (!strncmp(s, "gid=", 4))
		g->is_gid = true;
	else
		goto bad;
	for (p = s + 4; *p >= '0' && *p <= '9'; p++)
		;
	if (p == s + 4 || *p || p - (s + 4) > 10)
		goto bad;
	id = strtoull(s + 4, NULL, 10);
	if (id > UINT32_MAX)
		goto bad;
	if (id == UINT32_MAX || id == OVERFLOW_ID) {
		snprintf(
			why, len,
			"%s %llu is the overflow id or (uid_t)-1, which names no one",
			g->is_gid ? "gid" : "uid", id);
		return -1;
	}
	g->id = (uint32_t)id;
	return 0;
bad:
	snprintf(why, len, "%s is not uid=N or gid=N (N in decimal)", s);
	return -1;
}

/* one non-empty line into @g; a sentence in @why if it does not parse */
static int parse_line(char *line, struct grant *g, char *why, size_t len)
{
	uint64_t bar, end;
	char *w[MAX_WORDS];
	int n = split(line, w);

	if (n != 6 || strcmp(w[0], "grant")) {
		snprintf(why, len,
			 "want: grant DEVICE BAR OFFSET LENGTH uid=N|gid=N");
		return -1;
	}
	if (!vfiobar_parse_pci_addr(w[1], g->device, sizeof(g->device))) {
		snprintf(why, len, "%s is not a PCI address", w[1]);
		return -1;
	}
	if (parse_number(w[2], &bar) || bar > VFIOBAR_MAX_BAR) {
		snprintf(why, len, "BAR %s is not 0 to 5", w[2]);
		return -1;
	}
	g->bar = (unsigned int)bar;
	if (parse_number(w[3], &g->offset) || parse_number(w[4], &g->length) ||
	    !g->length || __builtin_add_overflow(g->offset, g->length, &end)) {
		snprintf(why, len, "range %s+%s is not a non-empty range", w[3],
			 w[4]);
		return -1;
	}
	if ((g->offset | g->length) % GRANT_ALIGN) {
		snprintf(why, len, "range %s+%s is not aligned to %u bytes",
			 w[3], w[4], GRANT_ALIGN);
		return -1;
	}
	return parse_who(w[5], g, why, len);
}

int grants_load(FILE *f, struct grants *out, char *why, size_t why_len)
{
	char line[512], reason[160];
	unsigned int lineno = 0;
	struct grant g, *v;
	char *hash;

	memset(out, 0, sizeof(*out));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(why, why_len, "line %u: longer than %zu bytes",
				 lineno, sizeof(line) - 2);
			goto fail;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		memset(&g, 0, sizeof(g));
		if (parse_line(line, &g, reason, sizeof(reason))) {
			snprintf(why, why_len, "line %u: %s", lineno, reason);
			goto fail;
		}
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v) {
			snprintf(why, why_len, "out of memory");
			goto fail;
		}
		out->v = v;
		out->v[out->n++] = g;
	}
	if (!out->n) {
		snprintf(why, why_len, "no grants");
		goto fail;
	}
	return 0;
fail:
	grants_free(out);
	return -1;
}

void grants_free(struct grants *g)
{
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

int grants_replace(struct grants *cur, FILE *f,
		   bool (*accept)(const struct grant *g, void *arg), void *arg,
		   char *why, size_t why_len)
{
	struct grants g;
	size_t i;

	if (grants_load(f, &g, why, why_len))
		return -1;
	for (i = 0; accept && i < g.n; i++) {
		if (!accept(&g.v[i], arg)) {
			snprintf(
				why, why_len,
				"grant %zu: device %s is not held (restart to add a device)",
				i + 1, g.v[i].device);
			grants_free(&g);
			return -1;
		}
	}
	grants_free(cur);
	*cur = g;
	return 0;
}

static bool inside(const struct grant *g, const struct grant_range *r)
{
	uint64_t end;

	if (__builtin_add_overflow(r->offset, r->length, &end))
		return false;
	return r->offset >= g->offset && end <= g->offset + g->length;
}

bool grants_allow(const struct grants *g, const char *device, unsigned int bar,
		  uid_t uid, gid_t gid, const struct grant_range *r,
		  unsigned int n, char *why, size_t why_len)
{
	bool any = false, ok;
	unsigned int i;
	size_t k;

	for (i = 0; i < n; i++) {
		ok = false;
		for (k = 0; k < g->n && !ok; k++) {
			const struct grant *e = &g->v[k];

			if (strcmp(e->device, device) || e->bar != bar ||
			    e->id !=
				    (e->is_gid ? (uint32_t)gid : (uint32_t)uid))
				continue;
			any = true;
			ok = inside(e, &r[i]);
		}
		if (!ok) {
			if (any)
				snprintf(
					why, why_len,
					"range 0x%llx+0x%llx of BAR %u of %s is outside the grants of uid %u gid %u",
					(unsigned long long)r[i].offset,
					(unsigned long long)r[i].length, bar,
					device, (unsigned int)uid,
					(unsigned int)gid);
			else
				snprintf(
					why, why_len,
					"uid %u gid %u has no grant on BAR %u of %s",
					(unsigned int)uid, (unsigned int)gid,
					bar, device);
			return false;
		}
	}
	return true;
}
