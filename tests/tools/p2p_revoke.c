// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-p2p's revocation commands: take access away by each path VFIO
 * has (vfio_block.h), check the importer was told and DMA fails, give it
 * back and check DMA works again on the same dma-buf.
 *
 * The importer contract (docs/revocation.md) sends one move_notify per
 * change of access, on revoke and again on restore, and none otherwise:
 * the counts asserted here are that rule applied to what each path does,
 * so a restore without the revoke before it, or a revoke that notifies
 * twice, is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "kmsg.h"
#include "p2p.h"
#include "vfio_block.h"

static const struct vfio_block_path *revoke_path(const char *name)
{
	const struct vfio_block_path *p = vfio_block_path_find(name);

	if (!p)
		usage();
	return p;
}

/* The importer's move_notify count so far (the edu driver's counter). */
static unsigned int notified(struct ctx *c)
{
	struct dmabuf_edu_status st;

	if (edu_status(c->edu, &st))
		die("edu status");
	return st.move_notify_count;
}

/* Exactly @want move_notify calls since the count was @before. */
static void expect_notified(struct ctx *c, unsigned int before,
			    unsigned int want, const char *why)
{
	unsigned int got = notified(c) - before;
	char what[160];

	snprintf(what, sizeof(what), "%s: %u move_notify (expected %u)", why,
		 got, want);
	expect(got == want, what);
}

static void revoke_enter(struct ctx *c, const struct vfio_block_path *p)
{
	if (p->enter(c->dev))
		die_path(c, p->name);
}

/* Give access back where the path needs that; re-enable an NVMe PMR. */
static void revoke_exit(struct ctx *c, const struct vfio_block_path *p)
{
	if (p->exit && p->exit(c->dev))
		die_path(c, p->name);
	pmr_enable(c);
}

/* Close the device, or unbind its driver, which waits for that close. */
static void revoke_for_good(struct ctx *c, const struct vfio_block_path *p)
{
	char bdf[64], stack[4096], state;
	bool blocked;
	pid_t pid;

	if (!strcmp(p->name, "close")) {
		vfiobar_close(c->dev);
		c->dev = NULL;
		return;
	}
	if (vfio_pci_address(c->path, bdf, sizeof(bdf)))
		die(c->path);
	pid = vfio_unbind_start(bdf);
	if (pid < 0)
		die("fork");
	/*
	 * vfio_unregister_group_dev() is where VFIO waits for the last
	 * user to close the device: the unbinding task must be seen asleep
	 * in it (its wchan), not merely not finished yet.
	 */
	blocked = vfio_child_blocked_in(pid, "vfio_unregister_group_dev", 20000,
					stack, sizeof(stack), &state);
	printf("unbind task %d: state %c, kernel stack:\n%s", (int)pid, state,
	       *stack ? stack : "(none: no CONFIG_STACKTRACE)\n");
	expect(blocked,
	       "unbind sleeps in vfio_unregister_group_dev while the device is open");
	expect(!dma_check(c, c->seed), "meanwhile the dma-buf still works");
	vfiobar_close(c->dev);
	c->dev = NULL;
	expect(vfio_child_succeeded(pid),
	       "closing the device lets unbind finish");
	expect(!vfio_pci_has_driver(bdf), "the device has no driver now");
}

/* Created while access is blocked, the dma-buf starts out revoked. */
int cmd_born_revoked(struct ctx *c)
{
	const struct vfio_block_path *p = revoke_path(c->revoke_path);

	if (p->kind != VFIO_BLOCK_HOLDS)
		usage();
	revoke_enter(c, p);
	export(c);
	import(c);
	expect(dma_write(c, c->seed) == ENODEV,
	       "a dma-buf created while access is blocked does not map");
	expect_notified(c, 0, 0, "while it stays blocked");
	revoke_exit(c, p);
	expect_notified(c, 0, 1, "access coming back is one change");
	expect(!dma_write(c, c->seed), "once access is back, DMA works");
	expect(!dma_check(c, c->seed), "and reads back");
	return 0;
}

/*
 * The exporter's log line for an importer it refuses because that
 * importer cannot honour revocation (docs/revocation.md, "Importer
 * contract"); the peer-to-peer check refuses with the same errno but
 * logs nothing.
 */
#define REVOCATION_REFUSAL "needs an importer that honours revocation"

/* /dev/kmsg after what was logged so far; dies if it cannot be read */
static int kmsg_start(void)
{
	int fd = kmsg_open();

	if (fd < 0)
		die("/dev/kmsg");
	return fd;
}

/* Whether a record logged since kmsg_start() holds @text; closes @fd. */
static bool kmsg_holds(int fd, const char *text)
{
	int n = kmsg_logged(fd, text);

	if (n < 0)
		die("reading /dev/kmsg");
	return n > 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define LEAK_CLEANUP "detached with its CPU ranges still mapped"

/*
 * A CPU importer that detaches with the exporter's ranges still mapped:
 * the dma-buf core gives them back for it (and says so), or the
 * exporter's next revoke would wait for them forever, uninterruptibly.
 */
static int leak_phys(struct ctx *c)
{
	const struct vfio_block_path *p = revoke_path("memory-disable");
	double t0, took;
	int err, kmsg;

	export(c);
	kmsg = kmsg_start();
	err = edu_probe(c->edu, c->dmabuf, DMABUF_EDU_PROBE_LEAK_PHYS) ? errno :
									 0;
	printf("refuse-importer: a leak-phys importer got %s\n",
	       err ? strerror(err) : "the ranges");
	expect(!err, "a revocable CPU importer gets the CPU ranges");
	expect(kmsg_holds(kmsg, LEAK_CLEANUP),
	       "the dma-buf core gave them back at detach (\"" LEAK_CLEANUP
	       "\" logged)");
	import(c);
	expect(!dma_write(c, c->seed) && !dma_check(c, c->seed),
	       "a revocable importer of the same dma-buf works");
	t0 = now_ms();
	revoke_enter(c, p);
	took = now_ms() - t0;
	printf("revoke by %s returned after %.0f ms\n", p->name, took);
	expect(took < 5000, "the revoke does not wait for the leaked mapping");
	revoke_exit(c, p);
	expect(!dma_write(c, c->seed + 1) && !dma_check(c, c->seed + 1),
	       "DMA works again after the restore");
	return 0;
}

/*
 * Importers that would keep a mapping after revocation are turned away,
 * by the revocation check: the exporter says so in the kernel log. This
 * runs where peer-to-peer is allowed, which the revocable import of the
 * same dma-buf by the same device shows at the end.
 */
int cmd_refuse_importer(struct ctx *c)
{
	uint32_t flags;
	int err, kmsg;

	if (!c->importer)
		usage();
	if (!strcmp(c->importer, "static"))
		flags = DMABUF_EDU_PROBE_STATIC;
	else if (!strcmp(c->importer, "pinned"))
		flags = DMABUF_EDU_PROBE_PINNED;
	else if (!strcmp(c->importer, "leak-phys"))
		return leak_phys(c);
	else
		usage();
	export(c);
	kmsg = kmsg_start();
	err = edu_probe(c->edu, c->dmabuf, flags) ? errno : 0;
	printf("refuse-importer: a %s importer got %s\n", c->importer,
	       err ? strerror(err) : "accepted");
	expect(err == EOPNOTSUPP, "the exporter refuses it with EOPNOTSUPP");
	expect(kmsg_holds(kmsg, REVOCATION_REFUSAL),
	       "the refusal is the revocation check's (\"" REVOCATION_REFUSAL
	       "\" logged)");
	import(c);
	expect(!dma_write(c, c->seed) && !dma_check(c, c->seed),
	       "a revocable importer of the same dma-buf still works");
	return 0;
}

int cmd_revoke(struct ctx *c)
{
	const struct vfio_block_path *p = revoke_path(c->revoke_path);
	struct dmabuf_edu_status after;
	unsigned int before;
	double t0;
	int err;

	expect(!dma_write(c, c->seed), "DMA into the BAR before revocation");
	expect(!dma_check(c, c->seed), "the same bytes read back");
	before = notified(c);

	t0 = now_ms();
	if (p->kind == VFIO_BLOCK_PERMANENT)
		revoke_for_good(c, p);
	else
		revoke_enter(c, p);
	printf("revoke by %s returned after %.0f ms\n", p->name, now_ms() - t0);
	if (c->defer_unmap)
		printf("(the importer unmaps %d ms after move_notify)\n",
		       DMABUF_EDU_DEFER_UNMAP_MS);

	/*
	 * Revoking returns only once every importer has handed its mapping
	 * back. A deferring importer still holds it for a second after
	 * move_notify, so this is where an exporter that does not wait is
	 * caught.
	 */
	if (edu_status(c->edu, &after))
		die("edu status");
	expect(!after.mapped, "the importer has no mapping");
	/* A one-shot path revokes, resets and restores within the call. */
	expect_notified(c, before, p->kind == VFIO_BLOCK_ONESHOT ? 2 : 1,
			p->kind == VFIO_BLOCK_ONESHOT ?
				"one revoke and one restore" :
				"one revoke");

	if (!strcmp(p->name, "runtime-pm")) {
		/* The entry's error path must leave access revoked. */
		err = vfio_block_low_power(c->dev, true) ? errno : 0;
		expect(err == EINVAL,
		       "a second LOW_POWER_ENTRY fails with EINVAL");
		expect_notified(c, before, 1,
				"the failed entry changed nothing");
	}
	if (p->kind != VFIO_BLOCK_ONESHOT) {
		err = dma_write(c, c->seed + 1);
		expect(err == ENODEV, "DMA while revoked fails with ENODEV");
		err = dma_check(c, c->seed);
		expect(err == ENODEV,
		       "reading while revoked fails with ENODEV");
	}

	if (p->kind == VFIO_BLOCK_PERMANENT) {
		/* Permanent: even a fresh open of the device does not help. */
		if (!strcmp(p->name, "close")) {
			c->dev = vfiobar_open(c->path);
			if (!c->dev)
				die("reopening the device");
		}
		expect(dma_write(c, c->seed + 2) == ENODEV,
		       "the revoked dma-buf never works again");
		expect(!edu_release(c->edu), "the revoked dma-buf detaches");
		expect(!close(c->dmabuf), "and its fd closes");
		c->dmabuf = -1;
		return 0;
	}
	revoke_exit(c, p);
	expect_notified(c, before, 2, "revoke, then restore");
	expect(!dma_check(c, c->seed),
	       "after restore: what was there before is intact");
	expect(!dma_write(c, c->seed + 2), "after restore: DMA works again");
	expect(!dma_check(c, c->seed + 2), "and reads back");
	print_status(c, "after");
	return 0;
}

struct storm_counts {
	unsigned long landed, revoked, other;
	/* runs of ENODEV after a DMA that landed: revoked windows seen */
	unsigned long windows;
	unsigned int notified; /* the traffic importer's move_notify count */
	int first_other;
};

/*
 * The traffic side of a storm: a second importer of the same dma-buf
 * (its own edu file) says it is ready through @report_fd, writes the
 * pattern until @stop_fd reads EOF, then reports what its DMAs got and
 * how many move_notify calls it had through @report_fd.
 */
static void storm_traffic(struct ctx *c, int stop_fd, int report_fd)
{
	struct storm_counts n = { 0 };
	struct dmabuf_edu_status st;
	bool in_window = false;
	char byte = 'R';
	int err;

	c->edu = edu_open(NULL);
	if (c->edu < 0 || edu_import(c->edu, c->dmabuf))
		_exit(3);
	if (write(report_fd, &byte, 1) != 1)
		_exit(4);
	while (read(stop_fd, &byte, 1) < 0 && errno == EAGAIN) {
		err = dma_write(c, c->seed);
		if (!err) {
			n.landed++;
			in_window = false;
		} else if (err == ENODEV) {
			n.revoked++;
			n.windows += !in_window;
			in_window = true;
			usleep(1000); /* revoked: no need to spin */
		} else {
			if (!n.other++)
				n.first_other = err;
		}
	}
	if (edu_status(c->edu, &st))
		_exit(5);
	n.notified = st.move_notify_count;
	_exit(write(report_fd, &n, sizeof(n)) == sizeof(n) ? 0 : 4);
}

/*
 * Revoke and restore by one path again and again while another importer
 * keeps DMA going: both importers are told of every revoke and every
 * restore, exactly; every DMA either lands or fails with ENODEV, none is
 * lost in between, some fail because they hit a revoked window, and the
 * BAR ends up holding the pattern. Run on the debug kernel, this is what
 * shakes out lock order and lifetime bugs between move_notify, the
 * exporter's wait for unmap and importers that map concurrently.
 *
 * Every path keeps access revoked for a while: 100 ms between the two
 * calls of a blocking path, and within a one-shot call at least the
 * 100 ms that Linux lets a device recover after a function or bus reset
 * (PCIe r6.0, sec. 6.6). A DMA tried meanwhile must see ENODEV.
 */
int cmd_stress(struct ctx *c)
{
	const struct vfio_block_path *p = revoke_path(c->revoke_path);
	unsigned int before, want = 2 * c->iterations;
	struct storm_counts n;
	int stop[2], report[2];
	unsigned int i;
	char what[160], ready;
	pid_t pid;

	if (p->kind == VFIO_BLOCK_PERMANENT || !c->iterations)
		usage();
	export(c);
	import(c);
	if (pipe(stop) || pipe(report))
		die("pipe");
	if (fcntl(stop[0], F_SETFL, O_NONBLOCK))
		die("fcntl");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		close(stop[1]);
		close(report[0]);
		storm_traffic(c, stop[0], report[1]);
	}
	close(stop[0]);
	close(report[1]);
	/* Both importers are attached before the first revoke. */
	if (read(report[0], &ready, 1) != 1 || ready != 'R')
		fail("the traffic process did not import the dma-buf");
	before = notified(c);

	for (i = 0; i < c->iterations; i++) {
		revoke_enter(c, p);
		usleep(100 * 1000);
		revoke_exit(c, p);
		usleep(100 * 1000);
	}
	close(stop[1]);
	if (read(report[0], &n, sizeof(n)) != sizeof(n))
		fail("the traffic process did not report");
	if (!vfio_child_succeeded(pid))
		fail("the traffic process failed");

	printf("stress %s: %u rounds; DMAs landed %lu, refused while revoked %lu in %lu windows, other %lu; move_notify: traffic %u, idle importer %u\n",
	       p->name, c->iterations, n.landed, n.revoked, n.windows, n.other,
	       n.notified, notified(c) - before);
	snprintf(
		what, sizeof(what),
		"every DMA landed or failed with ENODEV (first other error: %s)",
		n.other ? strerror(n.first_other) : "none");
	expect(!n.other, what);
	expect_notified(c, before, want,
			"the idle importer saw every revoke and restore");
	snprintf(
		what, sizeof(what),
		"the traffic importer saw every revoke and restore: %u move_notify (expected %u)",
		n.notified, want);
	expect(n.notified == want, what);
	expect(n.landed > 0, "DMA got through between revocations");
	expect(n.revoked > 0 && n.windows > 0,
	       "DMA hit the revoked windows and failed with ENODEV");
	expect(!dma_check(c, c->seed), "afterwards the BAR holds the pattern");
	return 0;
}
