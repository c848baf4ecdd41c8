/*
 * test_tlb.c - TLB geometry and replacement, flush ranges, PCIDs, shootdowns.
 */
#include "unit.h"

static uint64_t populated(vm_machine *m, int pid, uint64_t len)
{
	return map_args(m, pid, (struct vm_mmap_args){ .len = len, .populate = 1,
						       .prot = VM_PROT_READ | VM_PROT_WRITE });
}

/* 64 pages fill the 64-entry L1 (16 sets x 4 ways) exactly. */
static void test_l1_capacity(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = populated(m, pid, 64 * 4096);
	struct vm_result r;

	(void)state;
	r = touch(m, pid, a, 64 * 4096, 0, -1);
	assert_int_equal(r.tlb_walks, 64);		/* GUP does not fill the TLB */
	r = touch(m, pid, a, 64 * 4096, 0, -1);
	assert_int_equal(r.tlb_l1_hits, 64);
	assert_int_equal(r.tlb_walks, 0);
	vm_free(m);
}

/* 80 pages: 5 per L1 set, so sequential passes miss L1 (LRU) but hit the STLB. */
static void test_stlb_catches_l1_misses(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = populated(m, pid, 80 * 4096);
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 80 * 4096, 0, -1);
	r = touch(m, pid, a, 80 * 4096, 0, -1);
	assert_int_equal(r.tlb_l1_hits, 0);
	assert_int_equal(r.tlb_l2_hits, 80);
	assert_int_equal(r.tlb_walks, 0);
	vm_free(m);
}

/* 2000 pages exceed the 1536-entry STLB: a cyclic pass walks every time. */
static void test_stlb_capacity(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = populated(m, pid, 2000 * 4096);
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 2000 * 4096, 0, -1);
	r = touch(m, pid, a, 2000 * 4096, 0, -1);
	assert_int_equal(r.tlb_walks, 2000);
	vm_free(m);
}

/* Within a page: one walk, then L1 hits. */
static void test_same_page_hits(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = populated(m, pid, 4096);
	struct vm_touch_args t = { .addr = a, .len = 4096, .stride = 64 };
	struct vm_result r;

	(void)state;
	assert_int_equal(vm_touch(m, pid, &t, &r), 0);
	assert_int_equal(r.accesses, 64);
	assert_int_equal(r.tlb_walks, 1);
	assert_int_equal(r.tlb_l1_hits, 63);
	assert_int_equal(r.pages, 1);
	vm_free(m);
}

/* flush_tlb_mm_range(): up to 33 pages one by one, more: the whole PCID. */
static void test_flush_ceiling(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 100 * 4096, VM_PROT_READ | VM_PROT_WRITE);
	int64_t one, all;
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 100 * 4096, 1, 1);
	one = vmstat_of(m, "nr_tlb_local_flush_one");
	all = vmstat_of(m, "nr_tlb_local_flush_all");
	assert_int_equal(vm_munmap(m, pid, a, 33 * 4096, &r), 0);
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_one") - one, 33);
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_all") - all, 0);
	assert_int_equal(vm_munmap(m, pid, a + 33 * 4096, 34 * 4096, &r), 0);
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_one") - one, 33);
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_all") - all, 1);
	/* unmapping memory that was never touched clears nothing, flushes nothing */
	uint64_t b = map_anon(m, pid, 64 * 4096, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(vm_munmap(m, pid, b, 64 * 4096, &r), 0);
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_all") - all, 1);
	assert_invariants(m);
	vm_free(m);
}

/*
 * PCIDs: switching back to a process whose ASID slot survived keeps its
 * translations (no flush); a seventh address space recycles the first slot
 * (TLB_NR_DYN_ASIDS = 6) and the first process starts cold again.
 */
static void test_pcid_reuse(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid[8];
	uint64_t a[8];
	struct vm_result r;

	(void)state;
	for (int i = 0; i < 8; i++) {
		pid[i] = vm_spawn(m, "p", NULL);
		a[i] = populated(m, pid[i], 8 * 4096);
	}
	touch(m, pid[0], a[0], 8 * 4096, 0, -1);
	touch(m, pid[1], a[1], 4096, 0, -1);
	r = touch(m, pid[0], a[0], 8 * 4096, 0, -1);
	assert_int_equal(r.tlb_walks, 0);		/* ASID 0 kept its entries */
	for (int i = 1; i < 7; i++)
		touch(m, pid[i], a[i], 4096, 0, -1);	/* pid[6] takes ASID 0 */
	r = touch(m, pid[0], a[0], 8 * 4096, 0, -1);
	assert_int_equal(r.tlb_walks, 8);
	assert_invariants(m);
	vm_free(m);
}

/*
 * A CPU that last ran the process keeps its mm loaded (lazily): unmapping
 * from another CPU sends it a shootdown IPI.
 */
static void test_shootdown(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int pid = vm_spawn(m, "t", NULL);
	struct task_struct *t = find_task(m, pid);
	uint64_t a = map_anon(m, pid, 16 * 4096, VM_PROT_READ | VM_PROT_WRITE);
	int first = t->cpu;
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 16 * 4096, 1, 1);
	t->cpu = 1 - first;				/* migrate */
	touch(m, pid, a, 16 * 4096, 0, -1);
	assert_int_equal(vm_munmap(m, pid, a, 4096, &r), 0);
	assert_int_equal(vmstat_of(m, "nr_tlb_remote_flush"), 1);
	assert_int_equal(vmstat_of(m, "nr_tlb_remote_flush_received"), 1);
	assert_invariants(m);				/* no stale entry on either CPU */
	vm_free(m);
}

/* Copy-on-write flushes the old translation on every CPU that has the mm. */
static void test_cow_flushes(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL), child;
	uint64_t a = map_anon(m, pid, 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;
	int64_t one;

	(void)state;
	touch(m, pid, a, 4096, 1, 1);
	child = vm_fork(m, pid, "c");
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_all"), 1);	/* dup_mmap */
	one = vmstat_of(m, "nr_tlb_local_flush_one");
	assert_int_equal(vm_write(m, child, a, 2, &r), 0);		/* copies */
	assert_int_equal(vmstat_of(m, "nr_tlb_local_flush_one") - one, 1);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l1_capacity),
		cmocka_unit_test(test_stlb_catches_l1_misses),
		cmocka_unit_test(test_stlb_capacity),
		cmocka_unit_test(test_same_page_hits),
		cmocka_unit_test(test_flush_ceiling),
		cmocka_unit_test(test_pcid_reuse),
		cmocka_unit_test(test_shootdown),
		cmocka_unit_test(test_cow_flushes),
	};
	return cmocka_run_group_tests_name("tlb", tests, NULL, NULL);
}
