/*
 * bench_swap.c - thrashing, in wall-clock time: how fast the simulator runs
 * a machine that swaps without pause.
 *
 *   thrash     a 1 GiB machine with 4 GiB of swap; one process writes 2 GiB
 *              and then reads it in random order, 19 passes of a fresh
 *              permutation each (about 10 million accesses), with kswapd and
 *              direct reclaim at work: simulated swap-in (major) faults and
 *              accesses per second of wall time, the simulated time beside
 *              (the real kernel takes ~83 us per random swap-in here).
 *
 * It also prints the host memory the simulated machine takes: struct page
 * (56 bytes a frame) and the swap device's per-slot arrays (7 bytes a slot).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../include/vmlab.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct driver {
	vm_machine *m;
	vm_touch_op *op;
	struct vm_result r;
	int done;
};

static int step(void *ctx, int pid)
{
	struct driver *d = ctx;

	(void)pid;
	if (vm_touch_step(d->m, d->op, &d->r) != VM_EMORE)
		d->done = 1;
	return 0;
}

static int done(void *ctx)
{
	return ((struct driver *)ctx)->done;
}

/* One touch through the run loop (kswapd gets its CPU time there). */
static struct vm_result run_touch(vm_machine *m, int pid, const struct vm_touch_args *t)
{
	struct driver d = { .m = m };
	int err;

	d.op = vm_touch_begin(m, pid, t, &err);
	if (!d.op) {
		fprintf(stderr, "bench_swap: touch: error %d\n", err);
		exit(1);
	}
	vm_set_user_step(m, step, &d);
	vm_run(m, done, &d);
	vm_touch_end(d.op);
	return d.r;
}

int main(void)
{
	struct vm_config c;
	struct vm_mmap_args a = { .len = 2 * GiB, .prot = VM_PROT_READ | VM_PROT_WRITE };
	char err[256];
	vm_machine *m;
	uint64_t addr = 0;
	int pid;

	vm_config_default(&c);
	c.ram = 1 * GiB;
	c.swap = 4 * GiB;
	m = vm_new(&c, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "bench_swap: %s\n", err);
		return 1;
	}
	pid = vm_spawn(m, "thrash", NULL);
	if (pid < 0 || vm_mmap(m, pid, &a, &addr, NULL)) {
		fprintf(stderr, "bench_swap: cannot set up the process\n");
		return 1;
	}
	struct vm_touch_args w = { .addr = addr, .len = 2 * GiB, .write = 1 };
	double t0 = now();
	struct vm_result rw = run_touch(m, pid, &w);
	double t1 = now();
	struct vm_touch_args rd = { .addr = addr, .len = 2 * GiB, .order = VM_ORDER_RANDOM,
				    .passes = 19, .seed = 1 };
	struct vm_result rr = run_touch(m, pid, &rd);
	double t2 = now();

	printf("thrash (1 GiB RAM, 4 GiB swap, 2 GiB process)\n");
	printf("  write 2 GiB:   %8llu faults in %6.2f s wall (%9.0f faults/s), %6.2f s simulated\n",
	       (unsigned long long)(rw.minflt + rw.majflt), t1 - t0,
	       (double)(rw.minflt + rw.majflt) / (t1 - t0), (double)rw.ns / 1e9);
	printf("  random reads:  %8llu accesses, %llu major faults in %6.2f s wall: %9.0f swap-ins/s, "
	       "%9.0f accesses/s; %7.1f s simulated (%.0fx faster than simulated)\n",
	       (unsigned long long)rr.accesses, (unsigned long long)rr.majflt, t2 - t1,
	       (double)rr.majflt / (t2 - t1), (double)rr.accesses / (t2 - t1), (double)rr.ns / 1e9,
	       (double)rr.ns / 1e9 / (t2 - t1));
	printf("  host memory:   struct page %zu bytes a frame (%llu MiB for 1 GiB), swap map 7 bytes "
	       "a slot (%llu MiB for 4 GiB)\n", (size_t)56, (unsigned long long)(56ULL * 262144 / MiB),
	       (unsigned long long)(7ULL * (4 * GiB / 4096) / MiB));
	vm_free(m);
	return 0;
}
