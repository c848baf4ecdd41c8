/*
 * workingset.c - refault detection (mm/workingset.c, the classic LRU;
 * reference/linux-mm.md §3.3).
 *
 * Each lruvec counts its nonresident_age: the pages it evicted and the
 * pages that became active (workingset_age_nonresident, up the cgroup
 * tree). A page reclaimed from the page cache or the swap cache leaves a
 * shadow entry in its slot (workingset_eviction): the lruvec of the
 * reclaim's target, its age then, and whether the page was in the
 * workingset (PG_workingset: once active). When the slot is filled again
 * (a refault: a file read, a swap-in), the distance since its eviction,
 * refault_distance = age now - age at eviction, is how many pages the
 * lists took in meanwhile. If that is no more than the pages that could
 * have held it (the active file list; for anon also the inactive file
 * list; and the anon lists when there is swap), the page would have
 * stayed with a little more memory: it starts on the active list
 * (workingset_activate_*), and if it had been in the workingset it is a
 * restore (workingset_restore_*) whose cost tells get_scan_count() that
 * its type is being thrashed (lru_note_cost_refault). Refaults also make
 * the next reclaim deactivate that type (vmscan.c prepare_scan_control).
 *
 * A shadow entry is 32 bits here, as the kernel packs it into an xarray
 * value: a valid bit, the memcg id (8), the workingset bit, and the age
 * at eviction in the remaining 22 bits, shifted right by bucket_order
 * when memory has more pages than that counts (pack_shadow).
 */
#include "internal.h"

#define SHADOW_VALID		(1u << 31)
#define SHADOW_MEMCG_SHIFT	23
#define SHADOW_WORKINGSET	(1u << 22)
#define EVICTION_BITS		22
#define EVICTION_MASK		((1ULL << EVICTION_BITS) - 1)

/* bucket_order (workingset_init): the age's low bits dropped so that memory's pages fit. */
static unsigned bucket_order(const struct machine *m)
{
	unsigned bits = 64u - (unsigned)__builtin_clzll(m->totalram_pages | 1);

	return bits > EVICTION_BITS ? bits - EVICTION_BITS : 0;
}

int64_t memcg_lruvec_state(const struct machine *m, const struct mem_cgroup *memcg,
			   enum node_stat_item item)
{
	int64_t v = 0;

	if (!memcg->id)
		return node_page_state(m, item);
	for (int id = 1; id < m->nr_memcg; id++)
		if (mem_cgroup_is_descendant(m->memcg[id], memcg))
			v += m->memcg[id]->stat[item];
	return v;
}

/* workingset_age_nonresident(): the lruvec and its ancestors age by nr. */
static void age_nonresident(struct mem_cgroup *memcg, uint64_t nr)
{
	for (; memcg; memcg = memcg->parent)
		memcg->nonresident_age += nr;
}

uint32_t workingset_eviction(struct machine *m, struct page *page, struct mem_cgroup *target)
{
	struct mem_cgroup *memcg = target ? target : m->memcg[0];
	uint64_t eviction = (memcg->nonresident_age >> bucket_order(m)) & EVICTION_MASK;

	age_nonresident(memcg, 1);
	return SHADOW_VALID | ((uint32_t)memcg->id << SHADOW_MEMCG_SHIFT) |
	       (PageFlag(page, PG_workingset) ? SHADOW_WORKINGSET : 0) | (uint32_t)eviction;
}

/* workingset_test_recent(): would the page have stayed resident with that much more memory? */
static bool workingset_test_recent(struct machine *m, uint32_t shadow, bool file)
{
	unsigned id = (shadow >> SHADOW_MEMCG_SHIFT) & 0xff;
	struct mem_cgroup *memcg = id < (unsigned)m->nr_memcg ? m->memcg[id] : NULL;
	uint64_t eviction = (uint64_t)(shadow & EVICTION_MASK) << bucket_order(m);
	uint64_t refault_distance, workingset_size;

	if (!memcg)
		return false;	/* the group is gone */
	refault_distance = (memcg->nonresident_age - eviction) &
			   ((1ULL << (EVICTION_BITS + bucket_order(m))) - 1);
	workingset_size = (uint64_t)memcg_lruvec_state(m, memcg, NR_ACTIVE_FILE);
	if (!file)
		workingset_size += (uint64_t)memcg_lruvec_state(m, memcg, NR_INACTIVE_FILE);
	if (get_nr_swap_pages(m) > 0) {
		workingset_size += (uint64_t)memcg_lruvec_state(m, memcg, NR_ACTIVE_ANON);
		if (file)
			workingset_size += (uint64_t)memcg_lruvec_state(m, memcg, NR_INACTIVE_ANON);
	}
	return refault_distance <= workingset_size;
}

bool workingset_refault(struct machine *m, struct page *page, uint32_t shadow)
{
	bool file = !PageFlag(page, PG_swapbacked);
	struct mem_cgroup *memcg = page_memcg(m, page);

	if (!(shadow & SHADOW_VALID))
		return false;
	mod_lruvec_page_state(m, page, file ? WORKINGSET_REFAULT_FILE : WORKINGSET_REFAULT_ANON, 1);
	if (!workingset_test_recent(m, shadow, file))
		return false;
	SetPageFlag(page, PG_active);
	age_nonresident(memcg, 1);
	mod_lruvec_page_state(m, page, file ? WORKINGSET_ACTIVATE_FILE : WORKINGSET_ACTIVATE_ANON, 1);
	if (shadow & SHADOW_WORKINGSET) {
		/* it was active before its eviction: its list is being thrashed */
		SetPageFlag(page, PG_workingset);
		lru_note_cost(m, memcg, file, 1, 0);	/* lru_note_cost_refault() */
		mod_lruvec_page_state(m, page, file ? WORKINGSET_RESTORE_FILE : WORKINGSET_RESTORE_ANON,
				      1);
	}
	return true;
}

void workingset_activation(struct machine *m, struct page *page)
{
	age_nonresident(page_memcg(m, page), 1);
}
