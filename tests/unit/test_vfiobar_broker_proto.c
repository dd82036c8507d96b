// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * vfiobard's record checks with malformed input: a valid request cut at
 * every length, every single-bit flip of its header, a seeded bounded fuzz
 * of random records (the check must answer, never read past the record:
 * run under valgrind too), and the reply check the same way. The layout
 * is mainline-independent: the offsets below are the wire format's,
 * written out by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "broker_proto.h"
#include "check.h"

/* wire offsets of the request fields, by hand */
#define OFF_MAGIC 0
#define OFF_VERSION 4
#define OFF_NR 6
#define OFF_BAR 8
#define OFF_FLAGS 12
#define OFF_ID 16
#define OFF_DEVICE 24
#define REQ_HDR (24 + VFIOBAR_BROKER_NAME_LEN)
#define RANGE_SIZE 16

static size_t build(unsigned char *buf, unsigned int nr)
{
	uint32_t magic = VFIOBAR_BROKER_MAGIC, bar = 2, flags = O_RDWR;
	uint16_t version = VFIOBAR_BROKER_VERSION, n = (uint16_t)nr;
	uint64_t id = 7;
	unsigned int i;

	memset(buf, 0, REQ_HDR + nr * RANGE_SIZE);
	memcpy(buf + OFF_MAGIC, &magic, 4);
	memcpy(buf + OFF_VERSION, &version, 2);
	memcpy(buf + OFF_NR, &n, 2);
	memcpy(buf + OFF_BAR, &bar, 4);
	memcpy(buf + OFF_FLAGS, &flags, 4);
	memcpy(buf + OFF_ID, &id, 8);
	strcpy((char *)buf + OFF_DEVICE, "0000:01:00.0");
	for (i = 0; i < nr; i++) {
		uint64_t off = (uint64_t)i << 12, len = 0x1000;

		memcpy(buf + REQ_HDR + i * RANGE_SIZE, &off, 8);
		memcpy(buf + REQ_HDR + i * RANGE_SIZE + 8, &len, 8);
	}
	return REQ_HDR + nr * RANGE_SIZE;
}

static int check(const unsigned char *buf, size_t len)
{
	char why[128];
	unsigned char *copy = malloc(len ? len : 1);
	int ret;

	/* an exact-size heap copy: valgrind sees any read past the end */
	memcpy(copy, buf, len);
	why[0] = '\0';
	ret = vfiobar_broker_check_req(copy, len, why, sizeof(why));
	free(copy);
	if (ret && !why[0]) {
		fprintf(stderr, "FAIL: refusal %d without a reason\n", ret);
		check_failures++;
	}
	return ret;
}

int main(void)
{
	static unsigned char buf[REQ_HDR + 70 * RANGE_SIZE];
	size_t len, cut, i;
	unsigned int bit, seed = 20261125, it;
	uint16_t n;
	uint32_t v;

	CHECK_EQ(sizeof(struct vfiobar_broker_req), REQ_HDR);
	len = build(buf, 3);
	CHECK_EQ(check(buf, len), 0);
	CHECK_EQ(check(buf, build(buf, VFIOBAR_BROKER_MAX_RANGES)), 0);

	/* truncated (and one byte long) at every length */
	len = build(buf, 3);
	for (cut = 0; cut < len; cut++)
		CHECK_EQ(check(buf, cut), EPROTO);
	CHECK_EQ(check(buf, len + 1), EPROTO);

	/* any bit of magic or version flipped: EPROTO */
	for (bit = 0; bit < 48; bit++) {
		build(buf, 1);
		buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		CHECK_EQ(check(buf, REQ_HDR + RANGE_SIZE), EPROTO);
	}
	/* range count: 0, one past the limit, a count the length disagrees with */
	len = build(buf, 1);
	n = 0;
	memcpy(buf + OFF_NR, &n, 2);
	CHECK_EQ(check(buf, len), EINVAL);
	len = build(buf, 65);
	CHECK_EQ(check(buf, len), E2BIG);
	len = build(buf, 2);
	n = 3;
	memcpy(buf + OFF_NR, &n, 2);
	CHECK_EQ(check(buf, len), EPROTO);
	/* device name: empty, unterminated */
	len = build(buf, 1);
	buf[OFF_DEVICE] = '\0';
	CHECK_EQ(check(buf, len), EINVAL);
	len = build(buf, 1);
	memset(buf + OFF_DEVICE, 'a', VFIOBAR_BROKER_NAME_LEN);
	CHECK_EQ(check(buf, len), EINVAL);
	/* open flags beyond O_ACCMODE | O_CLOEXEC */
	len = build(buf, 1);
	v = O_RDWR | O_NONBLOCK;
	memcpy(buf + OFF_FLAGS, &v, 4);
	CHECK_EQ(check(buf, len), EINVAL);
	/* id 0 is the broker's own (a refused connection): no request's */
	len = build(buf, 1);
	memset(buf + OFF_ID, 0, 8);
	CHECK_EQ(check(buf, len), EINVAL);

	/* bounded fuzz: random bytes over a valid header, random lengths */
	for (it = 0; it < 20000; it++) {
		int ret;

		len = build(buf, 1 + rand_r(&seed) % 4);
		for (i = rand_r(&seed) % 8; i; i--)
			buf[rand_r(&seed) % len] = (unsigned char)rand_r(&seed);
		len = rand_r(&seed) % 2 ? len : rand_r(&seed) % sizeof(buf);
		ret = check(buf, len);
		CHECK(ret == 0 || ret == EPROTO || ret == EINVAL ||
		      ret == E2BIG);
	}

	/* replies */
	{
		struct vfiobar_broker_reply r = {
			.magic = VFIOBAR_BROKER_MAGIC,
			.version = VFIOBAR_BROKER_VERSION,
			.status = EACCES,
		};
		char why[128];

		strcpy(r.msg, "no grant");
		CHECK_EQ(vfiobar_broker_check_reply(&r, sizeof(r), why,
						    sizeof(why)),
			 0);
		CHECK_EQ(vfiobar_broker_check_reply(&r, sizeof(r) - 1, why,
						    sizeof(why)),
			 EPROTO);
		CHECK_EQ(vfiobar_broker_check_reply(&r, 0, why, sizeof(why)),
			 EPROTO);
		r.status = -1;
		CHECK_EQ(vfiobar_broker_check_reply(&r, sizeof(r), why,
						    sizeof(why)),
			 EPROTO);
		r.status = 0;
		memset(r.msg, 'x', sizeof(r.msg));
		CHECK_EQ(vfiobar_broker_check_reply(&r, sizeof(r), why,
						    sizeof(why)),
			 EPROTO);
		r.msg[0] = '\0';
		r.version = 1;
		CHECK_EQ(vfiobar_broker_check_reply(&r, sizeof(r), why,
						    sizeof(why)),
			 EPROTO);
	}
	return check_done("test_vfiobar_broker_proto");
}
