/*
 * test_vmscan.c - the rules reclaim decides by (vmscan.c), for given
 * inputs: the inactive-ratio table of reference/linux-mm.md §3.2,
 * get_scan_count()'s anon/file split at swappiness 0, 60, 100 and 200 with
 * and without reclaim costs, and the scan-balance modes (no swap, priority
 * 0, a tiny file cache, cache trim mode).
 */
#include "unit.h"

#define GB_PAGES (1ULL << 18)

/* inactive_is_low(): the table of §3.2, at the edge of each row. */
static void test_inactive_ratio_table(void **state)
{
	/* list sizes inside each row: 0.5, 1.5, 10.5 and 100.5 GiB */
	struct { uint64_t total, ratio; } rows[] = {
		{ GB_PAGES / 2, 1 }, { 3 * GB_PAGES / 2, 3 }, { 21 * GB_PAGES / 2, 10 },
		{ 201 * GB_PAGES / 2, 31 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t total = rows[i].total, r = rows[i].ratio;
		/* inactive * ratio < active is low; just at active == inactive * ratio it is not */
		uint64_t inactive = total / (r + 1), active = total - inactive;

		assert_int_equal(inactive_is_low(inactive, inactive * r), false);
		assert_int_equal(inactive_is_low(inactive, inactive * r + 1), true);
		assert_true((inactive * r < active) == inactive_is_low(inactive, active));
	}
	/* under 1 GiB the lists must stay half and half */
	assert_false(inactive_is_low(1000, 1000));
	assert_true(inactive_is_low(999, 1001));
	/* 1 GiB: sqrt(10) = 3, so 25% inactive is the edge */
	assert_false(inactive_is_low(GB_PAGES / 4, 3 * GB_PAGES / 4));
	assert_true(inactive_is_low(GB_PAGES / 4 - 1, 3 * GB_PAGES / 4 + 1));
}

static struct scan_inputs inputs(int swappiness, uint64_t anon_cost, uint64_t file_cost)
{
	struct scan_inputs in = {
		.swappiness = swappiness, .priority = 4, .may_swap = true,
		.anon_cost = anon_cost, .file_cost = file_cost,
		.free = 1000, .high_wmarks = 2000,
		/* the active lists need deactivating: no cache trim mode, file not tiny */
		.may_deactivate_anon = true, .may_deactivate_file = true,
	};

	in.lru[LRU_INACTIVE_ANON] = 16000;
	in.lru[LRU_ACTIVE_ANON] = 48000;
	in.lru[LRU_INACTIVE_FILE] = 32000;
	in.lru[LRU_ACTIVE_FILE] = 32000;
	return in;
}

/*
 * SCAN_FRACT: ap = swappiness (T+1)/(a+1), fp = (200-swappiness)(T+1)/(f+1)
 * with a = total + anon_cost, f = total + file_cost, T = a + f; each list
 * gets (size >> priority) * its fraction / (ap + fp), rounded down.
 */
static void test_scan_count_swappiness(void **state)
{
	struct { int swappiness; uint64_t nr[4]; } want[] = {
		/* no costs: a = f = 0, T = 0: ap = swappiness, fp = 200 - swappiness */
		{ 0, { 0, 0, 2000, 2000 } },
		{ 60, { 300, 900, 1400, 1400 } },
		{ 100, { 500, 1500, 1000, 1000 } },
		{ 200, { 1000, 3000, 0, 0 } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct scan_inputs in = inputs(want[i].swappiness, 0, 0);
		uint64_t nr[NR_LRU_LISTS];

		assert_int_equal(get_scan_count(&in, nr), SCAN_FRACT);
		for (int lru = 0; lru < 4; lru++)
			assert_int_equal(nr[lru], want[i].nr[lru]);
		assert_int_equal(nr[LRU_UNEVICTABLE], 0);
	}
}

/* Costs feed back: anon reclaim that cost 3x the file's shifts the scan to file. */
static void test_scan_count_costs(void **state)
{
	struct scan_inputs in = inputs(100, 3000, 1000);
	uint64_t nr[NR_LRU_LISTS];
	/* total 4000: a = 7000, f = 5000, T = 12000 */
	uint64_t ap = 100 * 12001 / 7001, fp = 100 * 12001 / 5001;

	(void)state;
	assert_int_equal(get_scan_count(&in, nr), SCAN_FRACT);
	assert_int_equal(nr[LRU_INACTIVE_ANON], 1000 * ap / (ap + fp));
	assert_int_equal(nr[LRU_ACTIVE_ANON], 3000 * ap / (ap + fp));
	assert_int_equal(nr[LRU_INACTIVE_FILE], 2000 * fp / (ap + fp));
	assert_true(nr[LRU_INACTIVE_FILE] > nr[LRU_INACTIVE_ANON] * 2);
}

static void test_scan_balance_modes(void **state)
{
	uint64_t nr[NR_LRU_LISTS];
	struct scan_inputs in;

	(void)state;
	/* no swap space: file only */
	in = inputs(60, 0, 0);
	in.may_swap = false;
	assert_int_equal(get_scan_count(&in, nr), SCAN_FILE);
	assert_int_equal(nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON], 0);
	assert_int_equal(nr[LRU_INACTIVE_FILE], 2000);
	/* priority 0 with swappiness: every list in full */
	in = inputs(60, 0, 0);
	in.priority = 0;
	assert_int_equal(get_scan_count(&in, nr), SCAN_EQUAL);
	assert_int_equal(nr[LRU_ACTIVE_ANON], 48000);
	/* ... but swappiness 0 at priority 0 in global reclaim is still a fraction: no anon */
	in.swappiness = 0;
	assert_int_equal(get_scan_count(&in, nr), SCAN_FRACT);
	assert_int_equal(nr[LRU_INACTIVE_ANON], 0);
	/* cgroup reclaim with swappiness 0: file only */
	in = inputs(0, 0, 0);
	in.cgroup_reclaim = true;
	assert_int_equal(get_scan_count(&in, nr), SCAN_FILE);
	/* file_is_tiny: file + free below the high watermarks, anon need not deactivate */
	in = inputs(60, 0, 0);
	in.lru[LRU_INACTIVE_FILE] = 200;
	in.lru[LRU_ACTIVE_FILE] = 300;
	in.may_deactivate_anon = false;
	assert_int_equal(get_scan_count(&in, nr), SCAN_ANON);
	assert_int_equal(nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE], 0);
	assert_int_equal(nr[LRU_INACTIVE_ANON], 1000);
	/* cache trim mode: plenty of inactive file that need not deactivate */
	in = inputs(200, 0, 0);
	in.may_deactivate_file = false;
	assert_int_equal(get_scan_count(&in, nr), SCAN_FILE);
	assert_int_equal(nr[LRU_INACTIVE_ANON], 0);
	assert_int_equal(nr[LRU_INACTIVE_FILE], 2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inactive_ratio_table),
		cmocka_unit_test(test_scan_count_swappiness),
		cmocka_unit_test(test_scan_count_costs),
		cmocka_unit_test(test_scan_balance_modes),
	};
	return cmocka_run_group_tests_name("vmscan", tests, NULL, NULL);
}
