// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard's grants file: every malformed line is refused with its line
 * number, and a request is allowed only when each of its ranges lies
 * whole inside a grant of the peer's uid or gid on that device and BAR.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "grants.h"

static int load(const char *text, struct grants *g, char *why, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -2;
	ret = grants_load(f, g, why, len);
	fclose(f);
	return ret;
}

static void refused(const char *text, const char *want)
{
	struct grants g;
	char why[200] = "";

	if (load(text, &g, why, sizeof(why)) != -1 || !strstr(why, want)) {
		fprintf(stderr, "FAIL: '%s' gave '%s', want -1 and '%s'\n",
			text, why, want);
		check_failures++;
	}
}

static bool allow(const struct grants *g, const char *dev, unsigned int bar,
		  uid_t uid, gid_t gid, uint64_t off, uint64_t len, char *why)
{
	struct grant_range r = { off, len };

	return grants_allow(g, dev, bar, uid, gid, &r, 1, why, 200);
}

static bool only_01(const struct grant *g, void *arg)
{
	(void)arg;
	return !strcmp(g->device, "0000:01:00.0");
}

/* a reload keeps the grants in force unless the new file is whole */
static void reload(void)
{
	static const char good[] = "grant 01:00.0 2 0 1M uid=7\n";
	static const char bad[] = "grant 01:00.0 2 0 1M uid=8\ngrant x\n";
	static const char other[] = "grant 02:00.0 2 0 1M uid=9\n";
	static const char next[] = "grant 01:00.0 4 0 2M gid=5\n";
	struct grants g;
	char why[200] = "";
	FILE *f;

	CHECK_EQ(load(good, &g, why, sizeof(why)), 0);
	f = fmemopen((void *)bad, strlen(bad), "r");
	CHECK_EQ(grants_replace(&g, f, only_01, NULL, why, sizeof(why)), -1);
	fclose(f);
	CHECK(strstr(why, "line 2"));
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.v[0].id, 7);
	f = fmemopen((void *)other, strlen(other), "r");
	CHECK_EQ(grants_replace(&g, f, only_01, NULL, why, sizeof(why)), -1);
	fclose(f);
	CHECK(strstr(why, "0000:02:00.0 is not held"));
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.v[0].id, 7);
	f = fmemopen((void *)next, strlen(next), "r");
	CHECK_EQ(grants_replace(&g, f, only_01, NULL, why, sizeof(why)), 0);
	fclose(f);
	CHECK_EQ(g.n, 1);
	CHECK(g.v[0].is_gid && g.v[0].id == 5 && g.v[0].bar == 4 &&
	      g.v[0].length == 0x200000);
	grants_free(&g);
}

int main(void)
{
	static const char conf[] =
		"# two ranks share BAR 2\n"
		"grant 0000:01:00.0 2 0 1M uid=1000\n"
		"\n"
		"grant 01:00.0 2 1M 1M gid=2000   # the second, by group\n"
		"grant 0000:01:00.0 4 0x0 4K uid=1000\n";
	struct grant_range two[2] = { { 0, 0x1000 }, { 0x100000, 0x1000 } };
	struct grants g;
	char why[200];

	CHECK_EQ(load(conf, &g, why, sizeof(why)), 0);
	CHECK_EQ(g.n, 3);
	CHECK(!strcmp(g.v[1].device, "0000:01:00.0"));
	CHECK_EQ(g.v[1].offset, 0x100000);
	CHECK_EQ(g.v[1].length, 0x100000);
	CHECK(g.v[1].is_gid);
	CHECK_EQ(g.v[1].id, 2000);

	/* inside: first and last page of each grant */
	CHECK(allow(&g, "0000:01:00.0", 2, 1000, 1, 0, 0x1000, why));
	CHECK(allow(&g, "0000:01:00.0", 2, 1000, 1, 0xff000, 0x1000, why));
	CHECK(allow(&g, "0000:01:00.0", 2, 5, 2000, 0x100000, 0x100000, why));
	/* one byte past, the other rank's slice, another BAR, no grant */
	CHECK(!allow(&g, "0000:01:00.0", 2, 1000, 1, 0xff000, 0x1001, why));
	CHECK(strstr(why, "outside the grants of uid 1000") != NULL);
	CHECK(!allow(&g, "0000:01:00.0", 2, 1000, 1, 0x100000, 0x1000, why));
	CHECK(!allow(&g, "0000:01:00.0", 2, 5, 2000, 0, 0x1000, why));
	CHECK(!allow(&g, "0000:01:00.0", 4, 5, 2000, 0, 0x1000, why));
	CHECK(strstr(why, "uid 5 gid 2000 has no grant on BAR 4") != NULL);
	CHECK(!allow(&g, "0000:02:00.0", 2, 1000, 1, 0, 0x1000, why));
	/* a range that wraps is never inside */
	CHECK(!allow(&g, "0000:01:00.0", 2, 1000, 1, 0x1000,
		     0xfffffffffffff000ull, why));
	/* several ranges: all must be granted, to the same peer */
	CHECK(!grants_allow(&g, "0000:01:00.0", 2, 1000, 1, two, 2, why,
			    sizeof(why)));
	CHECK(grants_allow(&g, "0000:01:00.0", 2, 1000, 2000, two, 2, why,
			   sizeof(why)));
	grants_free(&g);

	refused("", "no grants");
	refused("# nothing\n\n", "no grants");
	refused("grant 0000:01:00.0 2 0 1M\n", "line 1: want: grant DEVICE");
	refused("\ngrnt 0000:01:00.0 2 0 1M uid=1\n", "line 2: want");
	refused("grant 0000:01:00.9 2 0 1M uid=1\n", "is not a PCI address");
	refused("grant 0000:01:00.0 6 0 1M uid=1\n", "BAR 6 is not 0 to 5");
	refused("grant 0000:01:00.0 2 0 0 uid=1\n", "not a non-empty range");
	refused("grant 0000:01:00.0 2 0xfffffffffffff000 8K uid=1\n",
		"not a non-empty range");
	refused("grant 0000:01:00.0 2 0 1M user=1\n", "is not uid=N or gid=N");
	refused("grant 0000:01:00.0 2 0 1M uid=4294967296\n",
		"is not uid=N or gid=N");
	refused("grant 0000:01:00.0 2 0 1M uid=1 extra\n", "want: grant");
	refused("grant 0000:01:00.0 2 0 1M uid=1\ngrant x\n", "line 2");
	/* ids: decimal digits only, and not the overflow ids */
	refused("grant 0000:01:00.0 2 0 1M uid=1K\n",
		"line 1: uid=1K is not uid=N or gid=N");
	refused("grant 0000:01:00.0 2 0 1M uid=0x10\n", "line 1: uid=0x10");
	refused("grant 0000:01:00.0 2 0 1M uid=1000\ngrant 0000:01:00.0 2 0 1M uid=65534\n",
		"line 2: uid 65534 is the overflow id");
	refused("grant 0000:01:00.0 2 0 1M gid=4294967295\n",
		"line 1: gid 4294967295 is");
	refused("grant 0000:01:00.0 2 0 1M uid=\n", "line 1: uid= is not");
	/* ranges: page-aligned offset and length */
	refused("grant 0000:01:00.0 2 0x800 1M uid=1\n",
		"line 1: range 0x800+1M is not aligned to 4096 bytes");
	refused("grant 0000:01:00.0 2 0 4097 uid=1\n",
		"line 1: range 0+4097 is not aligned");
	reload();
	return check_done("test_vfiobar_grants");
}
