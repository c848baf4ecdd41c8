/*
 * bench_mm.c - how fast the simulated kernel runs, in wall-clock time.
 *
 *   faults     anonymous write faults per second (touch of fresh memory,
 *              one byte per page): 100 MiB and 4 GiB
 *   tlb-hit    accesses per second that hit the L1 dTLB (64-byte stride
 *              over 16 populated pages, many passes): in sequential order,
 *              where the 63 accesses after the first in each page are
 *              counted together, and in random order, one lookup each
 *   tlb-miss   accesses per second that miss both TLB levels and walk the
 *              page table (random order over 1 GiB of populated memory)
 *
 *   vmas       100,000 VMAs in one process (mappings that cannot merge):
 *              mmaps, then a fault in each (a VMA lookup each), then
 *              mprotects that split each in two, then munmaps, per second
 *
 * Each figure is the best of several runs. The simulated time of each run is
 * printed beside it: the simulator should be much faster than the kernel
 * it models (~2.6 us per fault on the reference machine).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../include/vmlab.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A machine of ram bytes whose processes may hold max_map_count VMAs (0: the default). */
static vm_machine *machine(uint64_t ram, int max_map_count)
{
	struct vm_config c;
	char err[256];
	vm_machine *m;

	vm_config_default(&c);
	c.ram = ram;
	if (max_map_count)
		c.max_map_count = max_map_count;
	m = vm_new(&c, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return m;
}

static uint64_t map(vm_machine *m, int pid, uint64_t len, int populate)
{
	struct vm_mmap_args a = { .len = len, .prot = VM_PROT_READ | VM_PROT_WRITE,
				  .populate = populate };
	uint64_t addr;

	if (vm_mmap(m, pid, &a, &addr, NULL)) {
		fprintf(stderr, "bench: mmap failed\n");
		exit(1);
	}
	return addr;
}

/*
 * Faults per wall second, best of `runs` processes that each write len of
 * fresh memory on one machine (after the first, the host memory behind the
 * simulator is warm: this is its steady state). *sim: simulated ns per fault.
 */
static double faults(uint64_t len, int runs, double *sim)
{
	vm_machine *m = machine(len + (1ULL << 30), 0);
	double best = 0;

	for (int run = 0; run < runs; run++) {
		int pid = vm_spawn(m, "bench", NULL);
		uint64_t a = map(m, pid, len, 0);
		struct vm_touch_args t = { .addr = a, .len = len, .write = 1 };
		struct vm_result r;
		double t0 = now(), dt;

		vm_touch(m, pid, &t, &r);
		dt = now() - t0;
		if (r.minflt / dt > best) {
			best = r.minflt / dt;
			*sim = (double)r.ns / r.minflt;
		}
		vm_exit(m, pid, 0);
		vm_reap(m, pid);
	}
	vm_free(m);
	return best;
}

enum pattern { HIT_SEQ, HIT_RANDOM, MISS };

static double accesses(enum pattern pat, double *sim)
{
	int miss = pat == MISS;
	double best = 0;
	uint64_t len = miss ? 1ULL << 30 : 16 * VM_PAGE_SIZE;
	vm_machine *m = machine(2ULL << 30, 0);
	int pid = vm_spawn(m, "bench", NULL);
	uint64_t a = map(m, pid, len, 1);

	for (int run = 0; run < 5; run++) {
		struct vm_touch_args t = { .addr = a, .len = len };
		struct vm_result r;
		double t0, dt;

		if (miss) {
			t.order = VM_ORDER_RANDOM;
			t.passes = 4;
		} else {
			t.stride = 64;
			t.passes = pat == HIT_SEQ ? 200000 : 20000;
			if (pat == HIT_RANDOM)
				t.order = VM_ORDER_RANDOM;
		}
		t0 = now();
		vm_touch(m, pid, &t, &r);
		dt = now() - t0;
		if (r.accesses / dt > best) {
			best = r.accesses / dt;
			*sim = (double)r.ns / r.accesses;
		}
		if (miss && r.tlb_walks < r.accesses * 9 / 10)
			fprintf(stderr, "bench: tlb-miss pattern hit the TLB too often\n");
		if (!miss && r.tlb_l1_hits < r.accesses * 99 / 100)
			fprintf(stderr, "bench: tlb-hit pattern missed the L1 TLB\n");
	}
	vm_free(m);
	return best;
}

/* rate[0..3]: mmaps, faults, splitting mprotects, munmaps per second over n VMAs. */
static void vmas(int n, double rate[4])
{
	vm_machine *m = machine(4ULL << 30, 4 * n);
	uint64_t *addr = malloc((size_t)n * sizeof(*addr));
	int pid = vm_spawn(m, "bench", NULL);
	double t0;

	if (!addr) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct vm_mmap_args a = { .len = 2 * VM_PAGE_SIZE,
					  .prot = VM_PROT_READ | (i % 2 ? VM_PROT_WRITE : 0) };

		if (vm_mmap(m, pid, &a, &addr[i], NULL)) {
			fprintf(stderr, "bench: mmap %d failed\n", i);
			exit(1);
		}
	}
	rate[0] = n / (now() - t0);
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct vm_touch_args t = { .addr = addr[i], .len = 1 };
		struct vm_result r;

		vm_touch(m, pid, &t, &r);
	}
	rate[1] = n / (now() - t0);
	t0 = now();
	for (int i = 0; i < n; i++)
		vm_mprotect(m, pid, addr[i], VM_PAGE_SIZE, VM_PROT_READ | VM_PROT_EXEC, NULL);
	rate[2] = n / (now() - t0);
	t0 = now();
	for (int i = 0; i < n; i++)
		vm_munmap(m, pid, addr[i], 2 * VM_PAGE_SIZE, NULL);
	rate[3] = n / (now() - t0);
	vm_free(m);
	free(addr);
}

int main(void)
{
	double sim, v;

	printf("%-34s %14s %14s\n", "benchmark", "per second", "simulated");
	v = faults(100ULL << 20, 15, &sim);
	printf("%-34s %14.2fM %11.2f us\n", "anon write faults, 100 MiB", v / 1e6, sim / 1e3);
	v = faults(4ULL << 30, 3, &sim);
	printf("%-34s %14.2fM %11.2f us\n", "anon write faults, 4 GiB", v / 1e6, sim / 1e3);
	v = accesses(HIT_SEQ, &sim);
	printf("%-34s %14.1fM %11.2f ns\n", "accesses, L1 dTLB hits", v / 1e6, sim);
	v = accesses(HIT_RANDOM, &sim);
	printf("%-34s %14.1fM %11.2f ns\n", "  the same in random order", v / 1e6, sim);
	v = accesses(MISS, &sim);
	printf("%-34s %14.1fM %11.2f ns\n", "accesses, TLB misses (page walks)", v / 1e6, sim);
	{
		double rate[4];
		const char *what[4] = { "100,000 VMAs: mmaps", "  a fault in each",
					"  mprotects that split each", "  munmaps" };

		vmas(100000, rate);
		for (int i = 0; i < 4; i++)
			printf("%-34s %14.2fM\n", what[i], rate[i] / 1e6);
	}
	return 0;
}
