/*
 * test_page_alloc.c - physical memory: zones, the buddy allocator,
 * watermarks (the reference's nine measured values), MemAvailable.
 */
#include "unit.h"

/* __setup_per_zone_wmarks() on the reference machine's zones (§3.1). */
static void test_watermarks_match_reference(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	static const uint64_t managed[3] = { 3840, 772915, 163840 };
	static const uint64_t want[3][3] = {
		{ 68, 85, 102 }, { 13883, 17353, 20823 }, { 2943, 3678, 4413 },
	};

	(void)state;
	for (int i = 0; i < 3; i++)
		m->node.node_zones[i].managed_pages = managed[i];
	m->min_free_kbytes = 67584;
	setup_per_zone_wmarks(m);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(m->node.node_zones[i].watermark[WMARK_MIN], want[i][0]);
		assert_int_equal(m->node.node_zones[i].watermark[WMARK_LOW], want[i][1]);
		assert_int_equal(m->node.node_zones[i].watermark[WMARK_HIGH], want[i][2]);
	}
	vm_free(m);
}

/*
 * khugepaged's recommendation: 512 * zones * 11 pages. On a 24 GiB machine
 * with THP enabled that is 512 * 3 * 11 pages = 67584 kB, what the test
 * machine's /proc/sys/vm/min_free_kbytes shows.
 */
static void test_min_free_kbytes_thp(void **state)
{
	vm_machine *m = new_machine(24 * GiB, 1);

	(void)state;
	assert_int_equal(m->node.nr_zones, 3);
	assert_int_equal(m->min_free_kbytes, 67584);
	vm_free(m);
	{
		struct vm_config c;
		char err[128];

		vm_config_default(&c);
		c.ram = 24 * GiB;
		c.thp = VM_THP_NEVER;
		m = vm_new(&c, err, sizeof(err));
		assert_non_null(m);
		/* calculate_min_free_kbytes(): int_sqrt(lowmem_kbytes * 16) */
		uint64_t lowmem_kb = m->totalram_pages * 4, r = 0;
		while ((r + 1) * (r + 1) <= lowmem_kb * 16)
			r++;
		assert_int_equal(m->min_free_kbytes, (long)(r > 262144 ? 262144 : r));
		vm_free(m);
	}
}

/*
 * On a small machine khugepaged's recommendation (512 * 2 zones * 11 =
 * 11264 pages) is capped at 5% of lowmem: for 512 MiB, nr_free_buffer_pages()
 * = (3840 - 31) + (124927 - 1041) = 127695 pages after the first watermarks,
 * / 20 = 6384 pages = 25536 kB.
 */
static void test_min_free_kbytes_capped(void **state)
{
	vm_machine *m = new_machine(512 * MiB, 1);

	(void)state;
	assert_int_equal(m->node.node_zones[ZONE_DMA32].managed_pages, 124927);
	assert_int_equal(m->min_free_kbytes, 25536);
	assert_int_equal(m->node.node_zones[ZONE_DMA].watermark[WMARK_MIN], 190);
	assert_int_equal(m->node.node_zones[ZONE_DMA32].watermark[WMARK_MIN], 6193);
	vm_free(m);
}

/* The physical layout: the first 1 MiB reserved, DMA zone at 16 MiB, RAM
 * beyond 3 GiB placed above 4 GiB, the memmap reserved at the top. */
static void test_layout(void **state)
{
	vm_machine *m = new_machine(4 * GiB, 1);
	struct zone *z = m->node.node_zones;

	(void)state;
	/* 16 MiB minus the reserved first 1 MiB: the reference machine's 3840 */
	assert_int_equal(z[ZONE_DMA].managed_pages, 3840);
	assert_int_equal(z[ZONE_DMA32].present_pages, (3 * GiB >> 12) - 4096);
	assert_int_equal(z[ZONE_NORMAL].zone_start_pfn, 4 * GiB >> 12);
	assert_int_equal(z[ZONE_NORMAL].present_pages, 1 * GiB >> 12);
	assert_int_equal(m->memmap_pages, (4 * GiB >> 12) * 64 / 4096);
	assert_int_equal(m->totalram_pages, (4 * GiB >> 12) - 256 - 1 - m->memmap_pages);
	assert_int_equal(vmstat_of(m, "nr_free_pages"), (int64_t)m->totalram_pages);
	assert_int_equal(vmstat_of(m, "MemTotal"), (int64_t)m->totalram_pages * 4);
	/* lowmem_reserve: cumulative over the zones above, / 256 for DMA and DMA32 */
	assert_int_equal(z[ZONE_DMA].lowmem_reserve[ZONE_DMA32], z[ZONE_DMA32].managed_pages / 256);
	assert_int_equal(z[ZONE_DMA].lowmem_reserve[ZONE_NORMAL],
			 (z[ZONE_DMA32].managed_pages + z[ZONE_NORMAL].managed_pages) / 256);
	assert_int_equal(z[ZONE_DMA32].lowmem_reserve[ZONE_NORMAL], z[ZONE_NORMAL].managed_pages / 256);
	assert_invariants(m);
	vm_free(m);
}

/* Buddy blocks split on allocation and merge back on free. */
static void test_buddy_split_and_merge(void **state)
{
	vm_machine *m = new_machine(64 * MiB, 1);
	uint64_t before = nr_free_pages(m);
	struct page *a, *b, *big;
	uint64_t pa, pb;

	(void)state;
	a = alloc_pages(m, 0, 0);
	b = alloc_pages(m, 0, 0);
	assert_non_null(a);
	assert_non_null(b);
	pa = page_to_pfn(m, a);
	pb = page_to_pfn(m, b);
	assert_int_equal(pb, pa + 1);		/* expand() hands out the low half */
	assert_int_equal(nr_free_pages(m), before - 2);
	big = alloc_pages(m, 0, 4);
	assert_non_null(big);
	assert_int_equal(page_to_pfn(m, big) % 16, 0);	/* aligned to its order */
	assert_true(PageFlag(big, PG_head));
	put_page(m, a);
	put_page(m, b);
	put_page(m, big);
	assert_int_equal(nr_free_pages(m), before);
	assert_int_equal(vmstat_of(m, "pgfree"), 1 + 1 + 16);
	assert_invariants(m);
	vm_free(m);
}

/* Allocations stop at the min watermark: nothing below it is handed out. */
static void test_exhaustion_respects_min(void **state)
{
	vm_machine *m = new_machine(64 * MiB, 1);
	uint64_t n = 0, min_sum = 0;

	(void)state;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		min_sum += m->node.node_zones[i].watermark[WMARK_MIN];
	while (alloc_pages(m, 0, 0))
		n++;
	assert_true(m->oom);
	assert_true(nr_free_pages(m) >= min_sum);
	assert_true(n > m->totalram_pages / 2);
	vm_free(m);
}

/* si_mem_available(): free - totalreserve when there is no page cache. */
static void test_mem_available(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);

	(void)state;
	assert_int_equal(si_mem_available(m), nr_free_pages(m) - m->node.totalreserve_pages);
	assert_int_equal(vmstat_of(m, "MemAvailable"),
			 (int64_t)(nr_free_pages(m) - m->node.totalreserve_pages) * 4);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watermarks_match_reference),
		cmocka_unit_test(test_min_free_kbytes_thp),
		cmocka_unit_test(test_min_free_kbytes_capped),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_buddy_split_and_merge),
		cmocka_unit_test(test_exhaustion_respects_min),
		cmocka_unit_test(test_mem_available),
	};
	return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
