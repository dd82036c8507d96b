// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * rdma-mr-scale: rxe dma-buf MRs over a VFIO BAR, in numbers, and racing
 * revocation. Every command revokes by turning memory decode off and
 * restores by turning it on again (the path that holds access revoked).
 * The pattern (pattern.h) is keyed by BAR offset; each command prints
 * the BAR windows it wrote as "vbr-scale-window OFF:LEN:SEED" for the
 * host to check with bar-pattern verify --rest-zero, which also proves
 * that no refused write reached the BAR.
 *
 *   rdma-mr-scale many-mrs --device DEV --bar N --slice OFF:LEN
 *                 --count N --length L --seed S [--sample K]
 *     N MRs over one dma-buf of the slice (each over all of it); each
 *     writes its own L-byte slot, so all are mapped. One revoke: every
 *     MR says revoked, with one more invalidation; K of them get a remote
 *     access error. Restore: every MR says idle; K others write again
 *     and say mapped, with one more fault.
 *   rdma-mr-scale many-dmabufs ... --count N --length L --seed S
 *     the slice cut into N dma-bufs with one MR each; the same steps.
 *   rdma-mr-scale reg-race ... --threads T --iterations N
 *     T threads register, query and deregister MRs over one dma-buf
 *     while access is revoked and restored N times: every registration
 *     and deregistration succeeds, and some registrations happen while
 *     access is revoked. Then one MR writes --length bytes at 0.
 *   rdma-mr-scale kill ... --iterations N --count M --length L --seed S
 *     N times: a child process registers M MRs and writes slot 0 through
 *     them in a loop, another turns memory decode off and on in a loop;
 *     both are killed with SIGKILL, the MR owner first. Then a fresh MR
 *     over the same dma-buf writes slot 0 and works.
 *   rdma-mr-scale map-windows ... --count N --seed S
 *     N dma-bufs over the whole slice (16 MiB or more), a one-page MR
 *     each: /proc/vmallocinfo shows one rxe ioremap() per buffer, of at
 *     most 2 MiB and 2 MiB-aligned, not the slice; an MR inside a window
 *     shares it, one outside gets its own; none is left at the end.
 *   rdma-mr-scale map-limit ... --seed S
 *     under rdma_rxe.dmabuf_map_limit_mib=4: an MR over the slice (8 MiB
 *     or more) is refused with EDQUOT; two windows map, the write that
 *     needs a third fails and the MR says failed with EDQUOT; after one
 *     MR is deregistered the same write lands. The old limit is put back.
 *   rdma-mr-scale unbind --device DEV
 *     unbind the device's driver; with nothing open it must complete.
 *
 * Exit 0, 1 on a failed check, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mr_scale.h"
#include "mr_scale_map.h"
#include "pattern.h"
#include "vfio_block.h"

#define MAX_COUNT 100000U
#define MAX_THREADS 64U

struct opts {
	const char *cmd;
	uint64_t count, length, seed, sample, threads, iterations;
	bool have_count, have_length, have_seed, have_threads, have_iter;
};

static void usage(void)
{
	fprintf(stderr,
		"usage: rdma-mr-scale many-mrs|many-dmabufs|reg-race|kill|\n"
		"                     map-windows|map-limit\n"
		"                     --device DEV --bar N --slice OFF:LEN [--ibdev NAME]\n"
		"                     [--count N] [--length L] [--seed S] [--sample K]\n"
		"                     [--threads T] [--iterations N]\n"
		"       rdma-mr-scale unbind --device DEV\n");
	exit(2);
}

static uint64_t number(const char *opt, const char *arg)
{
	uint64_t v;

	if (parse_number(arg, &v)) {
		fprintf(stderr, "rdma-mr-scale: bad number for --%s: %s\n", opt,
			arg);
		usage();
	}
	return v;
}

static void parse(struct mr_scale *s, struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "bar", required_argument, NULL, 'b' },
		{ "slice", required_argument, NULL, 'S' },
		{ "ibdev", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "length", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "sample", required_argument, NULL, 'k' },
		{ "threads", required_argument, NULL, 't' },
		{ "iterations", required_argument, NULL, 'n' },
		{}
	};
	bool have_bar = false;
	int c;

	if (argc < 2)
		usage();
	o->cmd = argv[1];
	o->sample = 8;
	s->ibdev = "rxe0";
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			s->path = optarg;
			break;
		case 'b':
			s->bar = number("bar", optarg);
			have_bar = true;
			break;
		case 'S':
			if (mr_scale_parse_slice(optarg, &s->slice)) {
				fprintf(stderr,
					"rdma-mr-scale: bad --slice %s\n",
					optarg);
				usage();
			}
			break;
		case 'i':
			s->ibdev = optarg;
			break;
		case 'c':
			o->count = number("count", optarg);
			o->have_count = o->count && o->count <= MAX_COUNT;
			break;
		case 'l':
			o->length = number("length", optarg);
			o->have_length = o->length && o->length <= 65536;
			break;
		case 's':
			o->seed = number("seed", optarg);
			o->have_seed = true;
			break;
		case 'k':
			o->sample = number("sample", optarg);
			break;
		case 't':
			o->threads = number("threads", optarg);
			o->have_threads = o->threads &&
					  o->threads <= MAX_THREADS;
			break;
		case 'n':
			o->iterations = number("iterations", optarg);
			o->have_iter = o->iterations && o->iterations <= 1000;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || !s->path)
		usage();
	if (!strcmp(o->cmd, "unbind"))
		return;
	if (!strcmp(o->cmd, "map-windows") || !strcmp(o->cmd, "map-limit")) {
		if (!have_bar || !s->slice.length || !o->have_seed ||
		    (!strcmp(o->cmd, "map-windows") && !o->have_count))
			usage();
		o->length = 4096;
		return;
	}
	if (!have_bar || !s->slice.length || !o->have_length || !o->have_seed)
		usage();
	if (!strcmp(o->cmd, "many-mrs") || !strcmp(o->cmd, "many-dmabufs")) {
		if (!o->have_count || !o->sample || o->sample > o->count / 2)
			usage();
	} else if (!strcmp(o->cmd, "reg-race")) {
		if (!o->have_threads || !o->have_iter)
			usage();
	} else if (!strcmp(o->cmd, "kill")) {
		if (!o->have_count || !o->have_iter)
			usage();
	} else {
		usage();
	}
}

static void window(uint64_t off, uint64_t len, uint64_t seed)
{
	printf("vbr-scale-window %#llx:%#llx:%llu\n", (unsigned long long)off,
	       (unsigned long long)len, (unsigned long long)seed);
}

/* Every MR of @mrs must be in @want; @inv/@faults: at least these. */
static void expect_all(struct ibv_mr **mrs, uint64_t n, uint32_t want,
		       const struct rxevbr_mr_attr *before, bool more_inv,
		       const char *what)
{
	struct rxevbr_mr_attr info;
	uint64_t i;

	for (i = 0; i < n; i++) {
		mr_scale_query(mrs[i], &info);
		if (info.state != want)
			mr_scale_fail(
				"%s: MR %llu of %llu (rkey %#x) is %s, expected %s",
				what, (unsigned long long)i,
				(unsigned long long)n, mrs[i]->rkey,
				rxevbr_mr_state_str(info.state),
				rxevbr_mr_state_str(want));
		if (more_inv && info.invalidations <= before[i].invalidations)
			mr_scale_fail(
				"%s: MR %llu (rkey %#x) was not invalidated (%llu invalidations)",
				what, (unsigned long long)i, mrs[i]->rkey,
				(unsigned long long)info.invalidations);
	}
	mr_scale_ok("%s: all %llu MRs %s", what, (unsigned long long)n,
		    rxevbr_mr_state_str(want));
}

static void snapshot(struct ibv_mr **mrs, uint64_t n,
		     struct rxevbr_mr_attr *info)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		mr_scale_query(mrs[i], &info[i]);
}

/*
 * What many-mrs and many-dmabufs share, once each MR i has written its
 * first slot: revoke, every MR revoked, writes through a sample refused;
 * restore, every MR idle, writes through another sample land. @bar_off
 * and @mr_off give where slot @slot of MR i is.
 */
struct layout {
	uint64_t (*bar_off)(const struct mr_scale *s, const struct opts *o,
			    uint64_t i, unsigned int slot);
	uint64_t (*mr_off)(const struct opts *o, uint64_t i, unsigned int slot);
};

static void revoke_restore(struct mr_scale *s, const struct opts *o,
			   struct ibv_mr **mrs, const struct layout *lay)
{
	uint64_t n = o->count, k, i, t0, t1;
	struct rxevbr_mr_attr *before, info;

	before = calloc(n, sizeof(*before));
	if (!before)
		mr_scale_fail("out of memory");
	snapshot(mrs, n, before);
	expect_all(mrs, n, RXEVBR_MR_MAPPED, before, false,
		   "after a write through each");

	t0 = mr_scale_now_ns();
	mr_scale_decode(s, false);
	t1 = mr_scale_now_ns();
	mr_scale_ok(
		"memory decode off with %llu mapped MRs: %.1f ms (debug kernel)",
		(unsigned long long)n, (t1 - t0) / 1e6);
	expect_all(mrs, n, RXEVBR_MR_REVOKED, before, true, "one revoke");
	/* MR i of the sample: slot 1 refused here, slot 2 of MR i+1 later */
	for (k = 0; k < o->sample; k++) {
		i = k * (n / o->sample);
		mr_scale_expect_write(s, mrs[i], lay->mr_off(o, i, 1),
				      lay->bar_off(s, o, i, 1), o->length,
				      o->seed + 1, IBV_WC_REM_ACCESS_ERR);
	}
	mr_scale_ok("%llu writes through revoked MRs: remote access error",
		    (unsigned long long)o->sample);

	snapshot(mrs, n, before);
	mr_scale_decode(s, true);
	expect_all(mrs, n, RXEVBR_MR_IDLE, before, true, "restore");
	for (k = 0; k < o->sample; k++) {
		i = k * (n / o->sample) + 1;
		mr_scale_expect_write(s, mrs[i], lay->mr_off(o, i, 2),
				      lay->bar_off(s, o, i, 2), o->length,
				      o->seed + 2, IBV_WC_SUCCESS);
		mr_scale_query(mrs[i], &info);
		if (info.state != RXEVBR_MR_MAPPED ||
		    info.faults <= before[i].faults)
			mr_scale_fail(
				"MR %llu after its first write since the restore: %s, %llu faults (%llu before)",
				(unsigned long long)i,
				rxevbr_mr_state_str(info.state),
				(unsigned long long)info.faults,
				(unsigned long long)before[i].faults);
		window(lay->bar_off(s, o, i, 2), o->length, o->seed + 2);
	}
	mr_scale_ok(
		"%llu MRs write again after the restore, each mapped again on its first access",
		(unsigned long long)o->sample);
	free(before);
}

/* many-mrs: slot j of MR i is slot (j ? n + i : i) of the slice. */
static uint64_t mm_slot(const struct opts *o, uint64_t i, unsigned int slot)
{
	return (slot ? o->count + i : i) * o->length;
}

static uint64_t mm_bar_off(const struct mr_scale *s, const struct opts *o,
			   uint64_t i, unsigned int slot)
{
	return s->slice.offset + mm_slot(o, i, slot);
}

static void cmd_many_mrs(struct mr_scale *s, const struct opts *o)
{
	const struct layout lay = { mm_bar_off, mm_slot };
	struct ibv_mr **mrs;
	uint64_t i, t0;

	if (s->slice.length < 2 * o->count * o->length)
		mr_scale_fail("--slice must hold 2 * --count * --length bytes");
	mrs = calloc(o->count, sizeof(*mrs));
	if (!mrs)
		mr_scale_fail("out of memory");
	t0 = mr_scale_now_ns();
	for (i = 0; i < o->count; i++)
		mrs[i] = mr_scale_reg(s, s->dmabuf, s->slice.length);
	mr_scale_ok("%llu MRs over one dma-buf registered in %.1f ms",
		    (unsigned long long)o->count,
		    (mr_scale_now_ns() - t0) / 1e6);
	for (i = 0; i < o->count; i++)
		mr_scale_expect_write(s, mrs[i], mm_slot(o, i, 0),
				      mm_bar_off(s, o, i, 0), o->length,
				      o->seed, IBV_WC_SUCCESS);
	window(s->slice.offset, o->count * o->length, o->seed);
	revoke_restore(s, o, mrs, &lay);
	for (i = 0; i < o->count; i++)
		mr_scale_dereg(mrs[i]);
	mr_scale_ok("%llu MRs deregistered", (unsigned long long)o->count);
	free(mrs);
}

/* many-dmabufs: dma-buf i is the i-th 1/n of the slice; slot j at j * L */
static uint64_t md_mr_off(const struct opts *o, uint64_t i, unsigned int slot)
{
	(void)i;
	return slot * o->length;
}

static uint64_t md_bar_off(const struct mr_scale *s, const struct opts *o,
			   uint64_t i, unsigned int slot)
{
	return s->slice.offset + i * (s->slice.length / o->count) +
	       md_mr_off(o, i, slot);
}

static void cmd_many_dmabufs(struct mr_scale *s, const struct opts *o)
{
	const struct layout lay = { md_bar_off, md_mr_off };
	uint64_t per = s->slice.length / o->count, i;
	struct vfiobar_range r;
	struct ibv_mr **mrs;
	int *fds;

	if (per % 4096 || per < 3 * o->length)
		mr_scale_fail(
			"--slice / --count must be a multiple of 4096 of at least 3 * --length");
	mrs = calloc(o->count, sizeof(*mrs));
	fds = calloc(o->count, sizeof(*fds));
	if (!mrs || !fds)
		mr_scale_fail("out of memory");
	for (i = 0; i < o->count; i++) {
		r.offset = s->slice.offset + i * per;
		r.length = per;
		fds[i] = vfiobar_dmabuf_export(s->dev, s->bar, &r, 1,
					       O_RDWR | O_CLOEXEC);
		if (fds[i] < 0)
			mr_scale_fail("dma-buf export %llu of %llu: %s",
				      (unsigned long long)i,
				      (unsigned long long)o->count,
				      vfiobar_last_error(s->dev));
		mrs[i] = mr_scale_reg(s, fds[i], per);
		mr_scale_expect_write(s, mrs[i], 0, md_bar_off(s, o, i, 0),
				      o->length, o->seed, IBV_WC_SUCCESS);
		window(md_bar_off(s, o, i, 0), o->length, o->seed);
	}
	mr_scale_ok(
		"%llu dma-bufs over one BAR, one MR each, each wrote its slice",
		(unsigned long long)o->count);
	revoke_restore(s, o, mrs, &lay);
	for (i = 0; i < o->count; i++) {
		mr_scale_dereg(mrs[i]);
		close(fds[i]);
	}
	mr_scale_ok("%llu MRs deregistered, their dma-bufs closed",
		    (unsigned long long)o->count);
	free(mrs);
	free(fds);
}

struct race {
	struct mr_scale *s;
	atomic_bool stop;
	atomic_ulong regs, while_revoked, failed;
	atomic_int first_errno;
	atomic_uint bad_state;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	struct rxevbr_mr_attr info;
	struct ibv_mr *mr;
	int err;

	while (!atomic_load(&r->stop)) {
		mr = ibv_reg_dmabuf_mr(r->s->loop.pd, 0, r->s->slice.length, 0,
				       r->s->dmabuf, MR_SCALE_BAR_ACCESS);
		if (!mr) {
			err = errno;
			goto failed;
		}
		if (rxevbr_query_mr(mr, &info, NULL, 0)) {
			err = errno;
			ibv_dereg_mr(mr);
			goto failed;
		}
		/*
		 * Revoked, or usable: registration leaves the exporter's
		 * ranges mapped (its probe), so a fresh MR says mapped
		 * until a revoke, idle after one. Never gone.
		 */
		if (info.state == RXEVBR_MR_REVOKED)
			atomic_fetch_add(&r->while_revoked, 1);
		else if (info.state != RXEVBR_MR_IDLE &&
			 info.state != RXEVBR_MR_MAPPED) {
			atomic_store(&r->bad_state, info.state);
			ibv_dereg_mr(mr);
			err = EPROTO;
			goto failed;
		}
		err = ibv_dereg_mr(mr);
		if (err)
			goto failed;
		atomic_fetch_add(&r->regs, 1);
		continue;
failed:
		if (!atomic_fetch_add(&r->failed, 1))
			atomic_store(&r->first_errno, err);
	}
	return NULL;
}

static void cmd_reg_race(struct mr_scale *s, const struct opts *o)
{
	struct race r = { .s = s };
	pthread_t th[MAX_THREADS];
	struct ibv_mr *mr;
	uint64_t i;

	for (i = 0; i < o->threads; i++)
		if (pthread_create(&th[i], NULL, race_thread, &r))
			mr_scale_fail("pthread_create");
	for (i = 0; i < o->iterations; i++) {
		mr_scale_decode(s, false);
		usleep(20000);
		mr_scale_decode(s, true);
		usleep(20000);
	}
	atomic_store(&r.stop, true);
	for (i = 0; i < o->threads; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&r.bad_state))
		mr_scale_fail("a fresh MR, never accessed, was %s",
			      rxevbr_mr_state_str(atomic_load(&r.bad_state)));
	if (atomic_load(&r.failed))
		mr_scale_fail(
			"%lu registrations or deregistrations failed racing revoke, the first: %s",
			atomic_load(&r.failed),
			strerror(atomic_load(&r.first_errno)));
	mr_scale_ok(
		"%llu threads, %llu revokes and restores: %lu MRs registered, queried and deregistered, %lu of them while revoked",
		(unsigned long long)o->threads,
		(unsigned long long)o->iterations, atomic_load(&r.regs),
		atomic_load(&r.while_revoked));
	if (!atomic_load(&r.while_revoked) ||
	    atomic_load(&r.while_revoked) == atomic_load(&r.regs))
		mr_scale_fail("the registrations did not race the revokes");
	mr = mr_scale_reg(s, s->dmabuf, s->slice.length);
	mr_scale_expect_write(s, mr, 0, s->slice.offset, o->length, o->seed,
			      IBV_WC_SUCCESS);
	window(s->slice.offset, o->length, o->seed);
	mr_scale_dereg(mr);
	mr_scale_ok("an MR registered after the race writes");
}

/* Child of cmd_kill: M MRs, slot 0 written through them until killed. */
static void kill_traffic(struct mr_scale *s, const struct opts *o, int ready)
{
	struct ibv_mr **mrs = calloc(o->count, sizeof(*mrs));
	enum ibv_wc_status wc;
	uint64_t i;

	if (!mrs)
		_exit(1);
	mr_scale_open_rdma(s, o->length);
	for (i = 0; i < o->count; i++) {
		mrs[i] = mr_scale_reg(s, s->dmabuf, s->slice.length);
		mr_scale_expect_write(s, mrs[i], 0, s->slice.offset, o->length,
				      o->seed, IBV_WC_SUCCESS);
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (i = 0;; i++) {
		wc = mr_scale_write(s, mrs[i % o->count], 0, s->slice.offset,
				    o->length, o->seed);
		if (wc != IBV_WC_SUCCESS && wc != IBV_WC_REM_ACCESS_ERR)
			mr_scale_fail("traffic: completion %s",
				      ibv_wc_status_str(wc));
	}
}

/*
 * Child of cmd_kill: revoke and restore until killed. The pauses keep
 * QEMU's TCG from remapping the BAR back to back: without them the
 * emulator itself crashed (SIGSEGV) once in three runs of the scenario.
 */
static void kill_revoker(struct mr_scale *s)
{
	for (;;) {
		mr_scale_decode(s, false);
		usleep(2000);
		mr_scale_decode(s, true);
		usleep(2000);
	}
}

static void expect_killed(pid_t pid, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		mr_scale_fail("waitpid: %s", strerror(errno));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		mr_scale_fail(
			"the %s process ended before it was killed (status %#x)",
			who, status);
}

/* The system call @pid is in now, "running", or "?" */
static void syscall_of(pid_t pid, char *out, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	snprintf(out, len, "?");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "%15s", out) != 1)
		snprintf(out, len, "?");
	fclose(f);
}

static void cmd_kill(struct mr_scale *s, const struct opts *o)
{
	unsigned int in_call = 0, t;
	struct pollfd pfd;
	struct ibv_mr *mr;
	pid_t traffic, revoker;
	uint64_t round;
	char sc[16], c;
	int p[2];

	for (round = 0; round < o->iterations; round++) {
		if (pipe(p))
			mr_scale_fail("pipe: %s", strerror(errno));
		fflush(stdout);
		traffic = fork();
		if (traffic < 0)
			mr_scale_fail("fork: %s", strerror(errno));
		if (!traffic) {
			close(p[0]);
			kill_traffic(s, o, p[1]);
		}
		close(p[1]);
		pfd.fd = p[0];
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 120000) != 1 || read(p[0], &c, 1) != 1)
			mr_scale_fail(
				"round %llu: the traffic process did not get ready",
				(unsigned long long)round);
		close(p[0]);
		revoker = fork();
		if (revoker < 0)
			mr_scale_fail("fork: %s", strerror(errno));
		if (!revoker)
			kill_revoker(s);
		usleep(20000 + (round * 7919) % 30000);
		/*
		 * Kill the owner while the revoker sleeps in its config
		 * space write (18: pwrite64), which is where the revoke
		 * invalidates the owner's MRs; /proc says "running" while
		 * it is on a CPU. Give up after 2 s and kill it anyway.
		 */
		for (t = 0; t < 2000; t++) {
			syscall_of(revoker, sc, sizeof(sc));
			if (!strcmp(sc, "18")) {
				in_call++;
				break;
			}
			usleep(1000);
		}
		kill(traffic, SIGKILL);
		usleep((round * 104729) % 10000);
		kill(revoker, SIGKILL);
		expect_killed(traffic, "traffic");
		expect_killed(revoker, "revoking");
		/* the revoker may have died with decode off */
		mr_scale_decode(s, true);
	}
	if (!in_call)
		mr_scale_fail(
			"in %llu rounds the owner was never killed during a revoke",
			(unsigned long long)o->iterations);
	mr_scale_ok(
		"%llu rounds: MR owner with %llu MRs and traffic killed (%u times while the revoking process was in its config write), then the revoking process",
		(unsigned long long)o->iterations, (unsigned long long)o->count,
		in_call);
	mr_scale_open_rdma(s, o->length);
	mr = mr_scale_reg(s, s->dmabuf, s->slice.length);
	mr_scale_expect_write(s, mr, 0, s->slice.offset, o->length, o->seed,
			      IBV_WC_SUCCESS);
	window(s->slice.offset, o->length, o->seed);
	mr_scale_dereg(mr);
	mr_scale_ok("a fresh MR over the same dma-buf writes after the kills");
}

static void cmd_unbind(const char *path)
{
	char bdf[64];
	pid_t pid;

	if (vfio_pci_address(path, bdf, sizeof(bdf)))
		mr_scale_fail("no PCI address for %s", path);
	pid = vfio_unbind_start(bdf);
	if (pid < 0)
		mr_scale_fail("fork: %s", strerror(errno));
	if (!vfio_child_succeeded(pid))
		mr_scale_fail("unbinding %s failed", bdf);
	if (vfio_pci_has_driver(bdf))
		mr_scale_fail("%s still has a driver after unbind", bdf);
	mr_scale_ok("%s unbound from its VFIO driver", bdf);
}

int main(int argc, char **argv)
{
	struct mr_scale s = { .dmabuf = -1 };
	struct opts o = {};

	mr_scale_prog = "rdma-mr-scale";
	parse(&s, &o, argc, argv);
	if (!strcmp(o.cmd, "unbind")) {
		cmd_unbind(s.path);
		return 0;
	}
	mr_scale_open(&s);
	if (!strcmp(o.cmd, "kill")) {
		/* the children open their own verbs contexts */
		cmd_kill(&s, &o);
	} else {
		mr_scale_open_rdma(&s, o.length);
		if (!strcmp(o.cmd, "many-mrs"))
			cmd_many_mrs(&s, &o);
		else if (!strcmp(o.cmd, "many-dmabufs"))
			cmd_many_dmabufs(&s, &o);
		else if (!strcmp(o.cmd, "map-windows"))
			mr_scale_cmd_windows(&s, o.count, o.seed);
		else if (!strcmp(o.cmd, "map-limit"))
			mr_scale_cmd_limit(&s, o.seed);
		else
			cmd_reg_race(&s, &o);
	}
	fflush(stdout);
	mr_scale_close(&s);
	return 0;
}
