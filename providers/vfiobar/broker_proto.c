// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libvfiobar: checks of vfiobard's wire records. Both ends run them on
 * every record they receive, before reading any field past the header.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "broker_proto.h"

static int check_header(uint32_t magic, uint16_t version, char *why,
			size_t why_len)
{
	if (magic != VFIOBAR_BROKER_MAGIC) {
		snprintf(why, why_len, "bad magic 0x%08x", magic);
		return EPROTO;
	}
	if (version != VFIOBAR_BROKER_VERSION) {
		snprintf(why, why_len, "protocol version %u, not %u", version,
			 VFIOBAR_BROKER_VERSION);
		return EPROTO;
	}
	return 0;
}

int vfiobar_broker_check_req(const void *buf, size_t len, char *why,
			     size_t why_len)
{
	struct vfiobar_broker_req req;
	size_t want;
	int err;

	if (len < sizeof(req)) {
		snprintf(why, why_len, "request of %zu bytes, header is %zu",
			 len, sizeof(req));
		return EPROTO;
	}
	memcpy(&req, buf, sizeof(req));
	err = check_header(req.magic, req.version, why, why_len);
	if (err)
		return err;
	if (!req.nr_ranges) {
		snprintf(why, why_len, "no ranges");
		return EINVAL;
	}
	if (req.nr_ranges > VFIOBAR_BROKER_MAX_RANGES) {
		snprintf(why, why_len, "%u ranges, the broker takes %u",
			 req.nr_ranges, VFIOBAR_BROKER_MAX_RANGES);
		return E2BIG;
	}
	want = sizeof(req) + req.nr_ranges * sizeof(req.ranges[0]);
	if (len != want) {
		snprintf(why, why_len,
			 "request of %zu bytes, %u ranges need %zu", len,
			 req.nr_ranges, want);
		return EPROTO;
	}
	if (!req.id) {
		snprintf(why, why_len, "request id 0");
		return EINVAL;
	}
	if (!memchr(req.device, '\0', sizeof(req.device)) || !req.device[0]) {
		snprintf(why, why_len, "device name not terminated or empty");
		return EINVAL;
	}
	if (req.open_flags & ~(O_ACCMODE | O_CLOEXEC)) {
		snprintf(why, why_len, "open_flags 0x%x", req.open_flags);
		return EINVAL;
	}
	return 0;
}

int vfiobar_broker_check_reply(const void *buf, size_t len, char *why,
			       size_t why_len)
{
	struct vfiobar_broker_reply reply;
	int err;

	if (len != sizeof(reply)) {
		snprintf(why, why_len, "reply of %zu bytes, not %zu", len,
			 sizeof(reply));
		return EPROTO;
	}
	memcpy(&reply, buf, sizeof(reply));
	err = check_header(reply.magic, reply.version, why, why_len);
	if (err)
		return err;
	if (!memchr(reply.msg, '\0', sizeof(reply.msg)) || reply.status < 0) {
		snprintf(why, why_len, "malformed reply");
		return EPROTO;
	}
	return 0;
}
