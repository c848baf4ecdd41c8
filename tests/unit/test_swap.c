/*
 * test_swap.c - swap (swapfile.c, swap_state.c, page_io.c) and reclaim
 * (vmscan.c) on a small machine, against the counts measured on Linux 6.18
 * and the rules they come from:
 *
 *   - MADV_PAGEOUT writes every private page (pswpout) and leaves it in
 *     the swap cache until its write ends and reclaim frees it: a re-read
 *     straight after is all minor faults; after a second pageout frees the
 *     clean pages, a sequential re-write of 2560 pages takes 322 major
 *     faults (measured on 6.18: 321-323) with readahead reading the rest;
 *   - VMA readahead's window: 1 page for random faults, growing to 8;
 *   - a write swap-in frees the slot, a read swap-in keeps it (SwapCached);
 *   - fork shares swap slots, zap and exit give them back;
 *   - mlocked pages never leave; every value survives swap (--check);
 *   - pressure wakes kswapd below the low watermark and makes allocations
 *     below min reclaim directly; without swap, anon memory cannot go.
 */
#include "unit.h"

static int madvise(vm_machine *m, int pid, uint64_t addr, uint64_t len, enum vm_madv a)
{
	struct vm_result r;

	return vm_madvise(m, pid, addr, len, a, &r);
}

#define N 2560

/*
 * N pages written with value, paged out, read back from the swap cache and
 * paged out again: freed now, every one of them only in its swap slot.
 */
static uint64_t swapped_out(vm_machine *m, int pid, int value)
{
	uint64_t a = map_anon(m, pid, N * 4096ULL, VM_PROT_READ | VM_PROT_WRITE);

	touch(m, pid, a, N * 4096ULL, 1, value);
	madvise(m, pid, a, N * 4096ULL, VM_MADV_PAGEOUT);
	vm_sleep(m, pid, 300 * 1000 * 1000);
	touch(m, pid, a, N * 4096ULL, 0, -1);
	madvise(m, pid, a, N * 4096ULL, VM_MADV_PAGEOUT);
	assert_int_equal(vmstat_of(m, "SwapCached"), 0);
	return a;
}

static void test_pageout_then_swapin(void **state)
{
	vm_machine *m = new_machine_swap(1 * GiB, 512 * MiB);
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, N * 4096ULL, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	assert_int_equal(a & (PMD_SIZE - 1), 0);	/* 10 MiB: THP-aligned, as on 6.18 */
	touch(m, pid, a, N * 4096ULL, 1, 7);
	assert_int_equal(madvise(m, pid, a, N * 4096ULL, VM_MADV_PAGEOUT), 0);
	assert_int_equal(vmstat_of(m, "pswpout"), N);
	/* written, not freed: in the swap cache, under writeback */
	assert_int_equal(vmstat_of(m, "SwapCached"), N * 4);
	assert_int_equal(vmstat_of(m, "SwapFree"), 524284 - N * 4);
	assert_true(vmstat_of(m, "Writeback") > 0);
	assert_invariants(m);
	vm_sleep(m, pid, 200 * 1000 * 1000);
	r = touch(m, pid, a, N * 4096ULL, 0, -1);
	assert_int_equal(r.minflt, N);		/* swap cache hits */
	assert_int_equal(r.majflt, 0);
	assert_int_equal(vmstat_of(m, "Writeback"), 0);
	assert_int_equal(vmstat_of(m, "pgrotated"), N);	/* every written page rotated */
	assert_int_equal(vmstat_of(m, "pswpin"), 0);
	assert_int_equal(vmstat_of(m, "SwapCached"), N * 4);	/* a read keeps the slot */
	/* clean pages in the swap cache go without a write */
	assert_int_equal(madvise(m, pid, a, N * 4096ULL, VM_MADV_PAGEOUT), 0);
	assert_int_equal(vmstat_of(m, "pswpout"), N);
	assert_int_equal(vmstat_of(m, "SwapCached"), 0);
	assert_invariants(m);
	r = touch(m, pid, a, N * 4096ULL, 1, 9);
	assert_int_equal(r.majflt, 322);
	assert_int_equal(r.minflt, N - 322);
	assert_int_equal(vmstat_of(m, "swap_ra"), N - 322);
	assert_int_equal(vmstat_of(m, "swap_ra_hit"), N - 322);
	assert_int_equal(vmstat_of(m, "pswpin"), N);
	/* each write swap-in gave its slot back */
	assert_int_equal(vmstat_of(m, "SwapFree"), 524284);
	assert_int_equal(vmstat_of(m, "SwapCached"), 0);
	assert_invariants(m);
	vm_free(m);
}

/*
 * MADV_WILLNEED reads the swapped pages back into the swap cache, not
 * marked as readahead, without waiting: the read after is all minor
 * (measured on 6.18: pswpin +2560, swap_ra +0, then 2560 minor faults).
 */
static void test_willneed(void **state)
{
	vm_machine *m = new_machine_swap(1 * GiB, 512 * MiB);
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = swapped_out(m, pid, 3);
	int64_t in0, ra0;
	struct vm_result r;

	(void)state;
	in0 = vmstat_of(m, "pswpin");
	ra0 = vmstat_of(m, "swap_ra");
	assert_int_equal(vm_madvise(m, pid, a, N * 4096ULL, VM_MADV_WILLNEED, &r), 0);
	assert_int_equal(r.minflt + r.majflt, 0);
	assert_int_equal(vmstat_of(m, "pswpin") - in0, N);
	assert_int_equal(vmstat_of(m, "swap_ra") - ra0, 0);
	assert_int_equal(vmstat_of(m, "SwapCached"), N * 4);
	r = touch(m, pid, a, N * 4096ULL, 0, -1);
	assert_int_equal(r.minflt, N);
	assert_int_equal(r.majflt, 0);
	assert_invariants(m);
	vm_free(m);
}

/* Random faults: the window collapses to the faulting page. */
static void test_random_swapin(void **state)
{
	vm_machine *m = new_machine_swap(1 * GiB, 512 * MiB);
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = swapped_out(m, pid, 5);
	uint64_t maj = 0, faults = 0, ra0;

	(void)state;
	ra0 = (uint64_t)vmstat_of(m, "swap_ra");
	/* a stride of 37 pages: no fault is next to the last one */
	for (uint64_t i = 0, k = 0; i < 400; i++, k = (k + 37) % N) {
		struct vm_result r = touch(m, pid, a + k * 4096, 4096, 0, -1);

		maj += r.majflt;
		faults += r.majflt + r.minflt;
	}
	/*
	 * The first fault reads a window of 8 around itself (a VMA starts with
	 * 4 hits; clipped to the VMA: pages 1-4 ahead), the next ones 4 and 2
	 * (never below half the last window: 36, 38, 39 and 75), then one page
	 * each. Faults 346 and 347 land on pages 2 and 39: two hits, minor,
	 * and the window after them is 4 again (77, 78; 75 is cached), then 2.
	 */
	assert_int_equal(faults, 400);
	assert_int_equal(maj, 398);
	assert_int_equal((uint64_t)vmstat_of(m, "swap_ra") - ra0, 4 + 3 + 1 + 2 + 1);
	assert_invariants(m);
	vm_free(m);
}

/* fork: both sides name the slots; each side's exit gives its references back. */
static void test_fork_shares_slots(void **state)
{
	vm_machine *m = new_machine_swap(512 * MiB, 256 * MiB);
	int parent = vm_spawn(m, "p", NULL), child;
	uint64_t a = map_anon(m, parent, 64 * 4096ULL, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_proc pi;
	struct vm_result r;

	(void)state;
	touch(m, parent, a, 64 * 4096ULL, 1, 11);
	madvise(m, parent, a, 64 * 4096ULL, VM_MADV_PAGEOUT);
	vm_sleep(m, parent, 100 * 1000 * 1000);
	madvise(m, parent, a, 64 * 4096ULL, VM_MADV_PAGEOUT);	/* nothing mapped: no-op */
	child = vm_fork(m, parent, "c");
	assert_true(child > 0);
	assert_int_equal(vm_proc_info(m, child, &pi), 0);
	assert_int_equal(pi.swap_kb, 64 * 4);		/* VmSwap: the entries were copied */
	assert_invariants(m);
	/* the child writes: its copies are its own; the parent's data stays 11 */
	r = touch(m, child, a, 64 * 4096ULL, 1, 22);
	assert_int_equal(r.minflt + r.majflt, 64);
	assert_invariants(m);
	vm_exit(m, child, 0);
	assert_int_equal(vm_reap(m, child), 0);
	assert_invariants(m);
	r = touch(m, parent, a, 64 * 4096ULL, 0, -1);
	assert_int_equal(r.minflt + r.majflt, 64);
	assert_invariants(m);		/* the values read back are the parent's 11 */
	assert_int_equal(vm_munmap(m, parent, a, 64 * 4096ULL, &r), 0);
	assert_int_equal(vmstat_of(m, "SwapFree"), 256 * 1024 - 4);
	assert_int_equal(vmstat_of(m, "SwapCached"), 0);
	assert_invariants(m);
	vm_free(m);
}

struct driver {
	vm_machine *m;
	vm_touch_op *op;
	int pid;
	int done;
	struct vm_result r;
};

/* The process's body: one resumable touch, a quantum at a time; it lives on after. */
static int drive_step(void *ctx, int pid)
{
	struct driver *d = ctx;

	(void)pid;
	if (vm_touch_step(d->m, d->op, &d->r) != VM_EMORE)
		d->done = 1;
	return 0;
}

static int touch_done(void *ctx)
{
	return ((struct driver *)ctx)->done;
}

/* Run one touch of pid through the run loop, where kswapd gets its CPU time. */
static struct vm_result run_touch(vm_machine *m, int pid, uint64_t addr, uint64_t len, int write,
				  int value)
{
	struct vm_touch_args t = { .addr = addr, .len = len, .write = write,
				   .has_value = value >= 0, .value = (uint8_t)value };
	struct driver d = { .m = m, .pid = pid };
	int err;

	d.op = vm_touch_begin(m, pid, &t, &err);
	assert_non_null(d.op);
	vm_set_user_step(m, drive_step, &d);
	assert_int_equal(vm_run(m, touch_done, &d), 1);
	vm_touch_end(d.op);
	return d.r;
}

/* Under pressure: kswapd below low, direct reclaim below min; locked pages stay. */
static void test_pressure_reclaims(void **state)
{
	vm_machine *m = new_machine_swap(128 * MiB, 512 * MiB);
	int pid = vm_spawn(m, "p", NULL);
	uint64_t locked = map_anon(m, pid, 4 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t a = map_anon(m, pid, 192 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;
	struct vm_proc pi;

	(void)state;
	assert_int_equal(vm_mlock(m, pid, locked, 4 * MiB, &r), 0);
	touch(m, pid, locked, 4 * MiB, 1, 1);
	r = run_touch(m, pid, a, 192 * MiB, 1, 2);
	assert_int_equal(r.minflt, 192 * 256);
	assert_true(vmstat_of(m, "pswpout") >= 64 * 256);	/* at least what did not fit */
	assert_true(vmstat_of(m, "pageoutrun") > 0);
	assert_true(vmstat_of(m, "pgscan_kswapd") > 0);
	assert_true(vmstat_of(m, "pgsteal_kswapd") > 0);
	assert_int_equal(vmstat_of(m, "pgsteal_anon"),
			 vmstat_of(m, "pgsteal_kswapd") + vmstat_of(m, "pgsteal_direct"));
	assert_int_equal(vmstat_of(m, "pgscan_anon"),
			 vmstat_of(m, "pgscan_kswapd") + vmstat_of(m, "pgscan_direct"));
	assert_int_equal(vm_proc_info(m, pid, &pi), 0);
	assert_true(pi.swap_kb > 0);
	assert_int_equal(vmstat_of(m, "Mlocked"), 4096);
	assert_invariants(m);
	/* the locked pages are all still there: touching them faults nothing */
	r = touch(m, pid, locked, 4 * MiB, 0, -1);
	assert_int_equal(r.minflt + r.majflt, 0);
	/* reading it all back swaps in what went out (majors) */
	r = run_touch(m, pid, a, 192 * MiB, 0, -1);
	assert_true(r.majflt > 0);
	assert_true(r.minflt + r.majflt <= 192 * 256);
	assert_invariants(m);
	vm_free(m);
}

/* With no swap device anonymous memory cannot be reclaimed: the allocation fails. */
static void test_no_swap_runs_out(void **state)
{
	vm_machine *m = new_machine_swap(64 * MiB, 0);
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, 48 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t b = map_anon(m, pid, 48 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_touch_args t = { .addr = b, .len = 48 * MiB, .write = 1 };
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 48 * MiB, 1, 1);
	assert_int_not_equal(vm_touch(m, pid, &t, &r), 0);
	assert_int_equal(vmstat_of(m, "pswpout"), 0);
	assert_true(vmstat_of(m, "allocstall_movable") > 0);	/* it tried */
	assert_int_equal(vmstat_of(m, "pgsteal_direct") + vmstat_of(m, "pgsteal_kswapd"), 0);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pageout_then_swapin),
		cmocka_unit_test(test_willneed),
		cmocka_unit_test(test_random_swapin),
		cmocka_unit_test(test_fork_shares_slots),
		cmocka_unit_test(test_pressure_reclaims),
		cmocka_unit_test(test_no_swap_runs_out),
	};
	return cmocka_run_group_tests_name("swap", tests, NULL, NULL);
}
