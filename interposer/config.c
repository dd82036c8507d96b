// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The interposer's knobs: the launcher turns its options into them, the
 * preload library reads them back from the environment. Both go through
 * ivp_config_set(), so an option the launcher accepts is one the library
 * accepts.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interposer.h"
#include "pattern.h"
#include "vfiobar_int.h"

static int __attribute__((format(printf, 4, 5)))
why_fail(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

void ivp_config_init(struct ivp_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = IVP_MODE_UPGRADE;
	c->bar = -1;
	c->min_size = IVP_DEFAULT_MIN_SIZE;
}

/* libvfiobar's parser: one notion of a PCI address in the project */
int ivp_parse_bdf(const char *s, char *out, size_t len, char *why,
		  size_t why_len)
{
	if (len < IVP_BDF_LEN)
		return why_fail(why, why_len, ENAMETOOLONG,
				"no room for a PCI address");
	if (!s || !vfiobar_parse_pci_addr(s, out, len))
		return why_fail(
			why, why_len, EINVAL,
			"device '%s' is not a PCI address (DDDD:BB:DD.F)",
			s ? s : "");
	return 0;
}

static int parse_bool(const char *key, const char *val, bool *out, char *why,
		      size_t why_len)
{
	if (!strcmp(val, "1")) {
		*out = true;
		return 0;
	}
	if (!strcmp(val, "0") || !*val) {
		*out = false;
		return 0;
	}
	return why_fail(why, why_len, EINVAL, "%s=%s: want 0 or 1", key, val);
}

int ivp_config_set(struct ivp_config *c, const char *key, const char *val,
		   char *why, size_t why_len)
{
	uint64_t v;

	if (!strcmp(key, IVP_ENV_DEVICE))
		return ivp_parse_bdf(val, c->device, sizeof(c->device), why,
				     why_len);
	if (!strcmp(key, IVP_ENV_MODE)) {
		if (!strcmp(val, "upgrade"))
			c->mode = IVP_MODE_UPGRADE;
		else if (!strcmp(val, "redirect"))
			c->mode = IVP_MODE_REDIRECT;
		else
			return why_fail(
				why, why_len, EINVAL,
				"mode '%s' is neither upgrade nor redirect",
				val);
		return 0;
	}
	if (!strcmp(key, IVP_ENV_NTH))
		return ivp_parse_nth(val, c->nth, &c->nr_nth, why, why_len);
	if (!strcmp(key, IVP_ENV_FALLBACK))
		return parse_bool(key, val, &c->fallback, why, why_len);
	if (!strcmp(key, IVP_ENV_QUIET))
		return parse_bool(key, val, &c->quiet, why, why_len);

	if (strcmp(key, IVP_ENV_BAR) && strcmp(key, IVP_ENV_OFFSET) &&
	    strcmp(key, IVP_ENV_LENGTH) && strcmp(key, IVP_ENV_MIN_SIZE))
		return why_fail(why, why_len, EINVAL, "no knob %s", key);
	if (parse_number(val, &v))
		return why_fail(why, why_len, EINVAL, "%s '%s' is not a number",
				key, val);
	if (!strcmp(key, IVP_ENV_BAR)) {
		if (v > 5)
			return why_fail(why, why_len, EINVAL,
					"BAR %s: a PCI device has BARs 0 to 5",
					val);
		c->bar = (int)v;
	} else if (!strcmp(key, IVP_ENV_OFFSET)) {
		if (v & 0xfff)
			return why_fail(why, why_len, EINVAL,
					"offset %s is not a multiple of 4 KiB",
					val);
		c->offset = v;
	} else if (!strcmp(key, IVP_ENV_LENGTH)) {
		if (!v)
			return why_fail(why, why_len, EINVAL,
					"length %s: an empty slice", val);
		c->length = v;
	} else {
		c->min_size = v;
	}
	return 0;
}

int ivp_config_check(const struct ivp_config *c, char *why, size_t why_len)
{
	if (!c->device[0])
		return why_fail(
			why, why_len, EINVAL,
			"no device: name the PCI address of a device bound to vfio-pci");
	if (c->mode == IVP_MODE_REDIRECT && c->bar < 0)
		return why_fail(
			why, why_len, EINVAL,
			"redirect mode needs the BAR to take slices from");
	if (c->mode == IVP_MODE_UPGRADE && (c->offset || c->length))
		return why_fail(
			why, why_len, EINVAL,
			"an offset or length is for redirect mode: upgrade takes the slice the program mapped");
	return 0;
}

int ivp_config_from_env(struct ivp_config *c, char *(*get)(const char *),
			char *why, size_t why_len)
{
	static const char *const keys[] = {
		IVP_ENV_DEVICE, IVP_ENV_MODE,	  IVP_ENV_BAR,
		IVP_ENV_OFFSET, IVP_ENV_LENGTH,	  IVP_ENV_MIN_SIZE,
		IVP_ENV_NTH,	IVP_ENV_FALLBACK, IVP_ENV_QUIET,
	};
	const char *val;
	unsigned int i;
	int err;

	ivp_config_init(c);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		val = get(keys[i]);
		if (!val)
			continue;
		err = ivp_config_set(c, keys[i], val, why, why_len);
		if (err)
			return err;
	}
	return ivp_config_check(c, why, why_len);
}
