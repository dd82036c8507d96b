// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The interposer's knobs and redirect rule: what each environment
 * variable accepts and refuses, the rules between them, and which
 * registrations redirect mode takes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "interposer.h"
#include "vfiobar_int.h"

/* a stand-in environment: NULL-terminated key, value pairs */
static const char *const *env;

static char *fake_getenv(const char *key)
{
	unsigned int i;

	for (i = 0; env[i]; i += 2)
		if (!strcmp(env[i], key))
			return (char *)env[i + 1];
	return NULL;
}

static int from(const char *const *e, struct ivp_config *c, char *why)
{
	env = e;
	return ivp_config_from_env(c, fake_getenv, why, IVP_WHY_LEN);
}

static void test_bdf(void)
{
	char out[IVP_BDF_LEN], why[IVP_WHY_LEN];

	CHECK_EQ(ivp_parse_bdf("01:00.0", out, sizeof(out), why, sizeof(why)),
		 0);
	CHECK(!strcmp(out, "0000:01:00.0"));
	CHECK_EQ(ivp_parse_bdf("0000:AF:1F.7", out, sizeof(out), why,
			       sizeof(why)),
		 0);
	CHECK(!strcmp(out, "0000:af:1f.7"));
	CHECK_EQ(ivp_parse_bdf("0000:01:00.8", out, sizeof(out), why,
			       sizeof(why)),
		 EINVAL);
	CHECK_EQ(ivp_parse_bdf("0000-01:00.0", out, sizeof(out), why,
			       sizeof(why)),
		 EINVAL);
	CHECK_EQ(ivp_parse_bdf("/dev/vfio/devices/vfio0", out, sizeof(out), why,
			       sizeof(why)),
		 EINVAL);
	CHECK(strstr(why, "is not a PCI address") != NULL);
	CHECK_EQ(ivp_parse_bdf("", out, sizeof(out), why, sizeof(why)), EINVAL);
	CHECK_EQ(ivp_parse_bdf("g1:00.0", out, sizeof(out), why, sizeof(why)),
		 EINVAL);
	/* a device number is 5 bits (PCI spec): 0x20 is no address */
	CHECK_EQ(ivp_parse_bdf("0000:01:20.0", out, sizeof(out), why,
			       sizeof(why)),
		 EINVAL);
	/* the same verdict as libvfiobar's parser on every address */
	{
		static const char *const s[] = {
			"0000:01:00.0", "01:00.0",	 "0000:01:1f.7",
			"0000:01:20.0", "0000:01:00.8",	 "00000:01:00.0",
			"0000:01:00",	"0000:01:00.0 ", "",
		};
		char lib[VFIOBAR_PCI_ADDR_LEN];
		unsigned int i;

		for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
			CHECK_EQ(ivp_parse_bdf(s[i], out, sizeof(out), why,
					       sizeof(why)) == 0,
				 vfiobar_parse_pci_addr(s[i], lib,
							sizeof(lib)));
	}
}

static void test_env(void)
{
	char why[IVP_WHY_LEN];
	struct ivp_config c;

	/* defaults: upgrade, any BAR, 64 KiB threshold, every registration */
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0", NULL },
		      &c, why),
		 0);
	CHECK(!strcmp(c.device, "0000:01:00.0"));
	CHECK_EQ(c.mode, IVP_MODE_UPGRADE);
	CHECK_EQ(c.bar, -1);
	CHECK_EQ(c.min_size, 65536);
	CHECK_EQ(c.nr_nth, 0);
	CHECK(!c.fallback && !c.quiet);

	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_MODE, "redirect",
					     IVP_ENV_BAR, "2", IVP_ENV_OFFSET,
					     "16M", IVP_ENV_MIN_SIZE, "0x1000",
					     IVP_ENV_NTH, "1,3",
					     IVP_ENV_FALLBACK, "1",
					     IVP_ENV_QUIET, "1", NULL },
		      &c, why),
		 0);
	CHECK_EQ(c.mode, IVP_MODE_REDIRECT);
	CHECK_EQ(c.bar, 2);
	CHECK_EQ(c.offset, 16 << 20);
	CHECK_EQ(c.length, 0);
	CHECK_EQ(c.min_size, 4096);
	CHECK_EQ(c.nr_nth, 2);
	CHECK_EQ(c.nth[0], 1);
	CHECK_EQ(c.nth[1], 3);
	CHECK(c.fallback && c.quiet);

	/* each refusal names what is wrong */
	CHECK_EQ(from((const char *const[]){ NULL }, &c, why), EINVAL);
	CHECK(strstr(why, "no device") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_MODE, "coherent", NULL },
		      &c, why),
		 EINVAL);
	CHECK(strstr(why, "mode 'coherent'") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_MODE, "redirect", NULL },
		      &c, why),
		 EINVAL);
	CHECK(strstr(why, "redirect mode needs the BAR") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_OFFSET, "1M", NULL },
		      &c, why),
		 EINVAL);
	CHECK(strstr(why, "an offset or length is for redirect mode") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_LENGTH, "1M", NULL },
		      &c, why),
		 EINVAL);
	CHECK(strstr(why, "an offset or length is for redirect mode") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_MODE, "redirect",
					     IVP_ENV_BAR, "2", IVP_ENV_LENGTH,
					     "0", NULL },
		      &c, why),
		 EINVAL);
	CHECK(strstr(why, "an empty slice") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_BAR, "6", NULL },
		      &c, why),
		 EINVAL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_BAR, "2x", NULL },
		      &c, why),
		 EINVAL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_MODE, "redirect",
					     IVP_ENV_BAR, "2", IVP_ENV_OFFSET,
					     "0x800", NULL },
		      &c, why),
		 EINVAL);
	CHECK(strstr(why, "not a multiple of 4 KiB") != NULL);
	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_QUIET, "yes", NULL },
		      &c, why),
		 EINVAL);
	CHECK_EQ(ivp_config_set(&c, "VFIOBAR_RUN_NOPE", "1", why, sizeof(why)),
		 EINVAL);
}

/* a slice given as offset and length ends where it says, never past the BAR */
static void test_redirect_end(void)
{
	char why[IVP_WHY_LEN];
	struct ivp_config c;

	CHECK_EQ(from((const char *const[]){ IVP_ENV_DEVICE, "01:00.0",
					     IVP_ENV_MODE, "redirect",
					     IVP_ENV_BAR, "2", IVP_ENV_OFFSET,
					     "0x100000", IVP_ENV_LENGTH,
					     "0x80000", NULL },
		      &c, why),
		 0);
	CHECK_EQ(c.length, 0x80000);
	CHECK_EQ(ivp_redirect_end(&c, 64 << 20), 0x180000);
	/* a slice past the BAR's end: the BAR's end */
	CHECK_EQ(ivp_redirect_end(&c, 0x140000), 0x140000);
	c.length = UINT64_MAX;
	CHECK_EQ(ivp_redirect_end(&c, 64 << 20), 64 << 20);
	/* no length: to the BAR's end */
	c.length = 0;
	CHECK_EQ(ivp_redirect_end(&c, 64 << 20), 64 << 20);
}

static void test_nth(void)
{
	unsigned int nth[IVP_MAX_NTH], nr = 99;
	char why[IVP_WHY_LEN];

	CHECK_EQ(ivp_parse_nth("all", nth, &nr, why, sizeof(why)), 0);
	CHECK_EQ(nr, 0);
	CHECK_EQ(ivp_parse_nth("2", nth, &nr, why, sizeof(why)), 0);
	CHECK_EQ(nr, 1);
	CHECK_EQ(nth[0], 2);
	CHECK_EQ(ivp_parse_nth("0", nth, &nr, why, sizeof(why)), EINVAL);
	CHECK_EQ(ivp_parse_nth("", nth, &nr, why, sizeof(why)), EINVAL);
	CHECK_EQ(ivp_parse_nth("1,,2", nth, &nr, why, sizeof(why)), EINVAL);
	CHECK(strstr(why, "empty entry") != NULL);
	CHECK_EQ(ivp_parse_nth("1,", nth, &nr, why, sizeof(why)), EINVAL);
	CHECK_EQ(ivp_parse_nth("1,-2", nth, &nr, why, sizeof(why)), EINVAL);
	CHECK_EQ(ivp_parse_nth("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", nth,
			       &nr, why, sizeof(why)),
		 E2BIG);
}

static void test_rule(void)
{
	struct ivp_config c;

	ivp_config_init(&c);
	c.min_size = 65536;
	/* perftest: a 128 KiB data buffer, an 8-byte credit buffer */
	CHECK_EQ(ivp_rule_match(&c, 131072, 1), IVP_TAKE);
	CHECK_EQ(ivp_rule_match(&c, 65536, 7), IVP_TAKE);
	CHECK_EQ(ivp_rule_match(&c, 65535, 1), IVP_TOO_SMALL);
	CHECK_EQ(ivp_rule_match(&c, 8, 2), IVP_TOO_SMALL);
	/* a list: only those numbers, and still never below the threshold */
	c.nth[0] = 2;
	c.nth[1] = 4;
	c.nr_nth = 2;
	CHECK_EQ(ivp_rule_match(&c, 131072, 1), IVP_NOT_LISTED);
	CHECK_EQ(ivp_rule_match(&c, 131072, 2), IVP_TAKE);
	CHECK_EQ(ivp_rule_match(&c, 131072, 3), IVP_NOT_LISTED);
	CHECK_EQ(ivp_rule_match(&c, 131072, 4), IVP_TAKE);
	CHECK_EQ(ivp_rule_match(&c, 4096, 4), IVP_TOO_SMALL);
	/* threshold 0: everything the list names */
	c.min_size = 0;
	CHECK_EQ(ivp_rule_match(&c, 1, 2), IVP_TAKE);
}

int main(void)
{
	test_bdf();
	test_env();
	test_redirect_end();
	test_nth();
	test_rule();
	return check_done("test_interposer_rule");
}
