/*
 * page_alloc.c - physical memory: the memory map, zones, the buddy allocator
 * and the watermarks (mm/page_alloc.c, mm/mm_init.c, mm/memblock.c).
 *
 * Physical layout, as on an x86-64 PC or VM: RAM below 3 GiB sits at its own
 * addresses; the 3-4 GiB window belongs to PCI devices, so RAM beyond 3 GiB is
 * placed from 4 GiB up. Zones cut the physical address space at 16 MiB
 * (ZONE_DMA), 4 GiB (ZONE_DMA32) and above (ZONE_NORMAL). Boot reserves the
 * first 1 MiB (arch/x86/kernel/setup.c reserves it whole since 5.13), the zero
 * page (in the kernel image, loaded at CONFIG_PHYSICAL_START = 16 MiB), and the
 * memmap (64 bytes of struct page per 4 KiB frame, allocated top-down by
 * memblock); everything else is freed into the buddy allocator by
 * memblock_free_all(), lowest address first.
 *
 * The buddy allocator keeps, per zone, one free list per order 0..10. A block
 * of order n is 2^n frames aligned to 2^n; its buddy is at pfn ^ (1 << n).
 * Allocation takes the smallest order that fits and splits it, putting the
 * upper halves back (expand()); freeing merges with free buddies as far as it
 * can (__free_one_page()). Not modelled: migratetypes and pageblocks, the
 * per-CPU page lists, compaction; so MemFree here counts the pages a real
 * kernel would hold on per-CPU lists.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include "internal.h"

#define DMA_END_PFN	(16ULL << (20 - PAGE_SHIFT))	/* 16 MiB */
#define DMA32_END_PFN	(4ULL << (30 - PAGE_SHIFT))	/* 4 GiB */
#define PCI_HOLE_PFN	(3ULL << (30 - PAGE_SHIFT))	/* RAM below 4 GiB stops at 3 GiB */
#define LOW_RESERVE_PFN	(1ULL << (20 - PAGE_SHIFT))	/* the first 1 MiB */
#define STRUCT_PAGE_SIZE 64				/* sizeof(struct page) on x86-64 */

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };

/* sysctl_lowmem_reserve_ratio defaults (mm/page_alloc.c) */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32 };

enum zone_type pfn_zone(const struct machine *m, uint64_t pfn)
{
	(void)m;
	if (pfn < DMA_END_PFN)
		return ZONE_DMA;
	if (pfn < DMA32_END_PFN)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

/* pfn_valid(): is there RAM (and a struct page) at this frame number? */
static bool pfn_valid(const struct machine *m, uint64_t pfn)
{
	if (pfn >= m->max_pfn)
		return false;
	return pfn < m->dma32_end_pfn || pfn >= DMA32_END_PFN;
}

static struct zone *page_zone(struct machine *m, uint64_t pfn)
{
	return &m->node.node_zones[pfn_zone(m, pfn)];
}

/* ---- free lists ---- */

static void add_to_free_list(struct machine *m, uint64_t pfn, unsigned order, bool tail)
{
	struct zone *z = page_zone(m, pfn);
	struct page *p = pfn_to_page(m, pfn);

	p->flags = PF(PG_buddy);
	p->order = (uint8_t)order;
	pfn_list_add(m, &z->free_area[order].list, (uint32_t)pfn, tail);
}

static void del_page_from_free_list(struct machine *m, uint64_t pfn, unsigned order)
{
	struct zone *z = page_zone(m, pfn);
	struct page *p = pfn_to_page(m, pfn);

	pfn_list_del(m, &z->free_area[order].list, (uint32_t)pfn);
	p->flags = 0;
	p->order = 0;
}

/* page_is_buddy(): the buddy is free, of this order, and in the same zone. */
static bool page_is_buddy(struct machine *m, uint64_t pfn, uint64_t buddy_pfn, unsigned order)
{
	struct page *b;

	if (!pfn_valid(m, buddy_pfn))
		return false;
	b = pfn_to_page(m, buddy_pfn);
	return PageFlag(b, PG_buddy) && b->order == order &&
	       pfn_zone(m, buddy_pfn) == pfn_zone(m, pfn);
}

/*
 * buddy_merge_likely(): if the block's buddy at the next order up is free,
 * this block is likely to merge soon, so it goes to the tail of its list and
 * the allocator takes other blocks first.
 */
static bool buddy_merge_likely(struct machine *m, uint64_t pfn, uint64_t buddy_pfn,
			       unsigned order)
{
	uint64_t higher_pfn, higher_buddy;

	if (order >= MAX_PAGE_ORDER - 1)
		return false;
	higher_pfn = buddy_pfn & pfn;
	higher_buddy = higher_pfn ^ (1ULL << (order + 1));
	return page_is_buddy(m, higher_pfn, higher_buddy, order + 1);
}

/* __free_one_page(): merge with free buddies, then list the result. */
static void __free_one_page(struct machine *m, uint64_t pfn, unsigned order, bool to_tail)
{
	uint64_t buddy_pfn = pfn;
	struct zone *z = page_zone(m, pfn);

	z->vm_stat[NR_FREE_PAGES] += 1 << order;
	while (order < MAX_PAGE_ORDER) {
		buddy_pfn = pfn ^ (1ULL << order);
		if (!page_is_buddy(m, pfn, buddy_pfn, order))
			break;
		del_page_from_free_list(m, buddy_pfn, order);
		pfn &= buddy_pfn;
		order++;
	}
	if (!to_tail && order < MAX_PAGE_ORDER)
		to_tail = buddy_merge_likely(m, pfn, pfn ^ (1ULL << order), order);
	add_to_free_list(m, pfn, order, to_tail);
}

/*
 * expand(): a block of order high was taken for a request of order low; give
 * the upper halves back, largest first, at the head of their lists.
 */
static void expand(struct machine *m, uint64_t pfn, unsigned low, unsigned high)
{
	uint64_t size = 1ULL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(m, pfn + size, high, false);
	}
}

/* __rmqueue_smallest(): the first block of the smallest order that fits. */
static struct page *rmqueue(struct machine *m, struct zone *z, unsigned order)
{
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++) {
		uint32_t pfn = z->free_area[o].list.head;

		if (pfn == PFN_NONE)
			continue;
		del_page_from_free_list(m, pfn, o);
		expand(m, pfn, order, o);
		z->vm_stat[NR_FREE_PAGES] -= 1 << order;
		return pfn_to_page(m, pfn);
	}
	return NULL;
}

/*
 * __zone_watermark_ok(): can the zone give 2^order pages and stay above mark
 * plus the reserve it keeps for allocations that could use a higher zone?
 */
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       int highest_zoneidx, uint64_t free_pages)
{
	int64_t free = (int64_t)free_pages - ((1 << order) - 1);

	if (free <= (int64_t)(mark + z->lowmem_reserve[highest_zoneidx]))
		return false;
	if (!order)
		return true;
	for (unsigned o = order; o < NR_PAGE_ORDERS; o++)
		if (z->free_area[o].list.nr)
			return true;
	return false;
}

/* get_page_from_freelist(): walk the zonelist, highest zone first. */
static struct page *get_page_from_freelist_flags(struct machine *m, unsigned order,
						 int highest_zoneidx, enum zone_watermarks wmark,
						 bool alloc_oom)
{
	for (int i = highest_zoneidx; i >= 0; i--) {
		struct zone *z = &m->node.node_zones[i];
		uint64_t mark = z->watermark[wmark];

		if (!z->managed_pages)
			continue;
		if (alloc_oom)
			mark -= mark / 2;	/* __zone_watermark_ok(): ALLOC_OOM */
		if (!zone_watermark_ok(z, order, mark, highest_zoneidx,
				       (uint64_t)z->vm_stat[NR_FREE_PAGES]))
			continue;
		struct page *p = rmqueue(m, z, order);
		if (p) {
			count_vm_events(m, (enum vm_event_item)(PGALLOC_DMA + i), 1ULL << order);
			return p;
		}
	}
	return NULL;
}

static struct page *get_page_from_freelist(struct machine *m, unsigned order,
					   int highest_zoneidx, enum zone_watermarks wmark)
{
	return get_page_from_freelist_flags(m, order, highest_zoneidx, wmark, false);
}

/*
 * should_reclaim_retry(): after no progress MAX_RECLAIM_RETRIES times in a
 * row, give up; otherwise go on while some zone could meet its min
 * watermark if everything reclaimable in it were freed.
 */
static bool should_reclaim_retry(struct machine *m, unsigned order, int highest, bool progress,
				 int *no_progress_loops)
{
	if (progress)
		*no_progress_loops = 0;
	else if (++*no_progress_loops > MAX_RECLAIM_RETRIES)
		return false;
	for (int i = highest; i >= 0; i--) {
		struct zone *z = &m->node.node_zones[i];
		uint64_t available = (uint64_t)z->vm_stat[NR_FREE_PAGES];

		if (!z->managed_pages)
			continue;
		/* zone_reclaimable_pages(): file, and anon while there is swap */
		available += (uint64_t)(z->vm_stat[NR_ZONE_INACTIVE_FILE] + z->vm_stat[NR_ZONE_ACTIVE_FILE]);
		if (get_nr_swap_pages(m) > 0)
			available += (uint64_t)(z->vm_stat[NR_ZONE_INACTIVE_ANON] +
						z->vm_stat[NR_ZONE_ACTIVE_ANON]);
		if (zone_watermark_ok(z, order, z->watermark[WMARK_MIN], highest, available))
			return true;
	}
	return false;
}

/*
 * __alloc_pages_may_oom(): one more try against the high watermark, then
 * the OOM killer for what it can help (order <= PAGE_ALLOC_COSTLY_ORDER, a
 * zone up to Normal). *progress: it killed something, or found the caller
 * dying, so retrying makes sense.
 */
static struct page *__alloc_pages_may_oom(struct machine *m, unsigned gfp, unsigned order,
					  int highest, bool *progress)
{
	struct oom_control oc = { .gfp_mask = gfp, .order = (int)order };
	struct page *p;

	*progress = false;
	p = get_page_from_freelist(m, order, highest, WMARK_HIGH);
	if (p || order > PAGE_ALLOC_COSTLY_ORDER || highest < ZONE_NORMAL)
		return p;
	*progress = out_of_memory(m, &oc);
	return NULL;
}

/*
 * __alloc_pages_slowpath(): the one place an allocation goes when the
 * fast path fails, in the kernel's order: wake kswapd (wake_all_kswapds),
 * retry against the min watermark (ALLOC_WMARK_MIN), then direct reclaim
 * (__alloc_pages_direct_reclaim) and a retry, looping while
 * should_reclaim_retry() allows, then __alloc_pages_may_oom(); while the
 * OOM killer makes progress it all starts again. An OOM victim allocates
 * from half the min reserve (ALLOC_OOM); when even that fails once it has
 * it, the allocation fails (note_oom(), NULL: VM_FAULT_OOM) and the victim
 * dies at the end of its fault. Reclaim itself (PF_MEMALLOC) allocates
 * below min without reclaiming again.
 */
static struct page *__alloc_pages_slowpath(struct machine *m, unsigned gfp, unsigned order,
					   int highest)
{
	struct task_struct *t = m->current;
	int no_progress_loops = 0;
	bool alloc_oom = false, oom_progress;
	struct page *p;

	if (t)
		wakeup_kswapd(m, (int)order, highest, t->clock);
	p = get_page_from_freelist(m, order, highest, WMARK_MIN);
	if (p)
		return p;
	if (m->reclaim.in_reclaim || !t || t->threadfn) {
		note_oom(m);	/* no task to reclaim for, or reclaim itself */
		return NULL;
	}
	for (int kills = 0;; kills++) {
		/* retry: __gfp_pfmemalloc_flags() gives an OOM victim ALLOC_OOM */
		alloc_oom = t->oom_victim;
		if (alloc_oom) {
			p = get_page_from_freelist_flags(m, order, highest, WMARK_MIN, true);
			if (p)
				return p;
		}
		for (;;) {
			uint64_t progress = try_to_free_pages(m, t, (int)order, highest);

			p = get_page_from_freelist_flags(m, order, highest, WMARK_MIN, alloc_oom);
			if (p)
				return p;
			if (!should_reclaim_retry(m, order, highest, progress > 0, &no_progress_loops))
				break;
		}
		p = __alloc_pages_may_oom(m, gfp, order, highest, &oom_progress);
		if (p)
			return p;
		/* avoid allocations with no watermarks from looping endlessly */
		if ((t->oom_victim && alloc_oom) || !oom_progress)
			break;
		VM_BUG_ON(m, kills > 4096, "the OOM killer makes progress without end");
		no_progress_loops = 0;
	}
	note_oom(m);
	return NULL;
}

/* alloc_pages(): the fast path against the low watermark, else the slow path. */
struct page *alloc_pages(struct machine *m, unsigned gfp, unsigned order)
{
	int highest = (gfp & __GFP_DMA32) ? ZONE_DMA32 : ZONE_NORMAL;
	struct page *p;

	p = get_page_from_freelist(m, order, highest, WMARK_LOW);
	if (!p)
		p = __alloc_pages_slowpath(m, gfp, order, highest);
	if (!p)
		return NULL;
	/* prep_new_page() */
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		p[i].flags = 0;
		p[i].refcount = 0;
		p[i].mapcount = 0;
		p[i].lru = LRU_NONE;
		p[i].mapping = NULL;
		p[i].index = 0;
		p[i].private = 0;
		p[i].memcg_id = 0;	/* the root's until mem_cgroup_charge() */
		if (gfp & __GFP_ZERO)
			p[i].value = 0;
	}
	p->refcount = 1;
	if (order) {
		SetPageFlag(p, PG_head);
		p->order = (uint8_t)order;
	}
	return p;
}

void split_page(struct machine *m, struct page *page, unsigned order)
{
	(void)m;
	if (!order)
		return;
	ClearPageFlag(page, PG_head);
	page->order = 0;
	for (uint64_t i = 0; i < (1ULL << order); i++)
		page[i].refcount = 1;
}

void __free_pages(struct machine *m, struct page *page, unsigned order)
{
	uint64_t pfn = page_to_pfn(m, page);

	count_vm_events(m, PGFREE, 1ULL << order);
	for (uint64_t i = 0; i < (1ULL << order); i++) {
		page[i].flags = 0;
		page[i].mapping = NULL;
		page[i].refcount = 0;
		page[i].mapcount = 0;
	}
	__free_one_page(m, pfn, order, false);
}

/* folio_put(): the last reference frees the folio, off its LRU first. */
void put_page(struct machine *m, struct page *page)
{
	unsigned order = 0;

	if (--page->refcount > 0)
		return;
	if (PageFlag(page, PG_lru))
		lruvec_del_folio(m, page);
	mem_cgroup_uncharge(m, page);
	if (PageFlag(page, PG_head))
		order = page->order;
	__free_pages(m, page, order);
}

uint64_t nr_free_pages(const struct machine *m)
{
	return (uint64_t)global_zone_page_state(m, NR_FREE_PAGES);
}

/* ---- boot: memblock, zones, freeing into the buddy allocator ---- */

/* __free_pages_memory(): free [start, end) in the largest aligned blocks. */
static void free_pages_memory(struct machine *m, uint64_t start, uint64_t end)
{
	while (start < end) {
		unsigned order = MAX_PAGE_ORDER;

		if (start)
			order = (unsigned)__builtin_ctzll(start);
		if (order > MAX_PAGE_ORDER)
			order = MAX_PAGE_ORDER;
		while (start + (1ULL << order) > end)
			order--;
		/* memblock_free_pages() -> __free_pages_core(): FPI_TO_TAIL */
		__free_one_page(m, start, order, true);
		start += 1ULL << order;
	}
}

static void reserve_range(struct machine *m, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = start; pfn < end; pfn++) {
		struct page *p = pfn_to_page(m, pfn);

		p->flags = PF(PG_reserved);
		p->refcount = 1;
		p->lru = LRU_NONE;
	}
}

/* int_sqrt() (lib/math/int_sqrt.c): the integer square root, rounded down. */
uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, b = 1ULL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/*
 * nr_free_buffer_pages(): pages above the high watermark in the zones a
 * GFP_USER allocation may use (all of ours).
 */
static uint64_t nr_free_buffer_pages(const struct machine *m)
{
	uint64_t sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &m->node.node_zones[i];

		if (z->managed_pages > z->watermark[WMARK_HIGH])
			sum += z->managed_pages - z->watermark[WMARK_HIGH];
	}
	return sum;
}

/*
 * setup_per_zone_lowmem_reserve(): each zone keeps free, for allocations
 * that could have used the zones above it, their managed pages over the
 * zone's lowmem_reserve_ratio (cumulative: an empty upper zone repeats the
 * value below it, as /proc/zoneinfo's protection line shows on 6.18).
 */
static void setup_per_zone_lowmem_reserve(struct machine *m)
{
	for (int i = 0; i < MAX_NR_ZONES - 1; i++) {
		struct zone *z = &m->node.node_zones[i];
		bool clear = !lowmem_reserve_ratio[i] || !z->managed_pages;
		uint64_t managed = 0;

		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			managed += m->node.node_zones[j].managed_pages;
			z->lowmem_reserve[j] = clear ? 0 : managed / (uint64_t)lowmem_reserve_ratio[i];
		}
	}
}

/* calculate_totalreserve_pages() */
static void calculate_totalreserve_pages(struct machine *m)
{
	uint64_t total = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &m->node.node_zones[i];
		uint64_t max = 0;

		for (int j = i; j < MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		max += z->watermark[WMARK_HIGH];
		if (max > z->managed_pages)
			max = z->managed_pages;
		total += max;
	}
	m->node.totalreserve_pages = total;
}

/*
 * __setup_per_zone_wmarks(): min_free_kbytes is shared among the zones in
 * proportion to their size; low and high sit a step above min, the step being
 * the larger of min/4 and watermark_scale_factor/10000 of the zone.
 */
void setup_per_zone_wmarks(struct machine *m)
{
	uint64_t pages_min = (uint64_t)m->min_free_kbytes >> (PAGE_SHIFT - 10);
	uint64_t lowmem = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		lowmem += m->node.node_zones[i].managed_pages;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &m->node.node_zones[i];
		uint64_t tmp = lowmem ? pages_min * z->managed_pages / lowmem : 0;
		uint64_t step;

		z->watermark[WMARK_MIN] = tmp;
		step = z->managed_pages * (uint64_t)m->cfg.watermark_scale_factor / 10000;
		if (tmp >> 2 > step)
			step = tmp >> 2;
		z->watermark[WMARK_LOW] = z->watermark[WMARK_MIN] + step;
		z->watermark[WMARK_HIGH] = z->watermark[WMARK_LOW] + step;
		z->watermark[WMARK_PROMO] = z->watermark[WMARK_HIGH] + step;
	}
	calculate_totalreserve_pages(m);
}

/*
 * init_per_zone_wmark_min() at boot, then khugepaged's
 * set_recommended_min_free_kbytes() when THP is enabled (always or madvise):
 * room for two free pageblocks per zone plus one per migratetype pair,
 * pageblock_nr_pages * nr_zones * (2 + MIGRATE_PCPTYPES^2), at most 5% of
 * lowmem. A value the user wrote (vm.config{min_free_kbytes=}) wins.
 */
void init_per_zone_wmark_min(struct machine *m)
{
	setup_per_zone_lowmem_reserve(m);
	if (m->user_min_free_kbytes) {
		setup_per_zone_wmarks(m);
		return;
	}
	/* calculate_min_free_kbytes(): watermarks are still 0 here */
	uint64_t lowmem_kbytes = nr_free_buffer_pages(m) * (PAGE_SIZE >> 10);
	uint64_t v = int_sqrt(lowmem_kbytes * 16);

	if (v < 128)
		v = 128;
	if (v > 262144)
		v = 262144;
	m->min_free_kbytes = (long)v;
	setup_per_zone_wmarks(m);

	if (m->cfg.thp != VM_THP_NEVER) {
		uint64_t recommended = pageblock_nr_pages * (uint64_t)m->node.nr_zones *
				       (2 + MIGRATE_PCPTYPES * MIGRATE_PCPTYPES);
		uint64_t cap = nr_free_buffer_pages(m) / 20;

		if (recommended > cap)
			recommended = cap;
		recommended <<= (PAGE_SHIFT - 10);
		if ((long)recommended > m->min_free_kbytes) {
			m->min_free_kbytes = (long)recommended;
			setup_per_zone_wmarks(m);
		}
	}
}

/*
 * The simulated memmap lives in host memory obtained lazily (untouched
 * frames cost nothing) and, where the host kernel allows, backed by
 * transparent huge pages: first touches then fault 2 MiB at a time and the
 * host TLB covers 36,000 struct pages per entry.
 */
static struct page *memmap_alloc(uint64_t n)
{
	size_t len = (size_t)n * sizeof(struct page);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, len, MADV_HUGEPAGE);
#endif
	return p;
}

void memmap_free(struct machine *m)
{
	if (m->mem_map)
		munmap(m->mem_map, (size_t)m->max_pfn * sizeof(struct page));
	m->mem_map = NULL;
}

/* Free [start, end) zone by zone, as each zone's memory is freed on its own. */
static void free_range_by_zone(struct machine *m, uint64_t start, uint64_t end)
{
	while (start < end) {
		enum zone_type zt = pfn_zone(m, start);
		uint64_t zend = zt == ZONE_DMA ? DMA_END_PFN :
				zt == ZONE_DMA32 ? DMA32_END_PFN : UINT64_MAX;
		uint64_t e = end < zend ? end : zend;

		free_pages_memory(m, start, e);
		m->node.node_zones[zt].managed_pages += e - start;
		start = e;
	}
}

int page_alloc_init(struct machine *m, char *err, size_t errlen)
{
	uint64_t ram_pages = m->cfg.ram >> PAGE_SHIFT;
	uint64_t low_pages = ram_pages < PCI_HOLE_PFN ? ram_pages : PCI_HOLE_PFN;
	uint64_t high_pages = ram_pages - low_pages;
	struct zone *zones = m->node.node_zones;

	m->dma32_end_pfn = low_pages;
	m->max_pfn = high_pages ? DMA32_END_PFN + high_pages : low_pages;
	m->mem_map = memmap_alloc(m->max_pfn);
	if (!m->mem_map) {
		snprintf(err, errlen, "cannot allocate the memory map for ram=%lluM",
			 (unsigned long long)(m->cfg.ram >> 20));
		return -1;
	}
	for (int l = 0; l < NR_LRU_LISTS; l++)
		pfn_list_init(&m->node.lruvec.lists[l]);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		zones[i].name = zone_names[i];
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			pfn_list_init(&zones[i].free_area[o].list);
	}
	zones[ZONE_DMA].zone_start_pfn = 0;
	zones[ZONE_DMA].spanned_pages = DMA_END_PFN;
	zones[ZONE_DMA].present_pages = DMA_END_PFN;
	zones[ZONE_DMA32].zone_start_pfn = DMA_END_PFN;
	zones[ZONE_DMA32].spanned_pages = low_pages - DMA_END_PFN;
	zones[ZONE_DMA32].present_pages = low_pages - DMA_END_PFN;
	zones[ZONE_NORMAL].zone_start_pfn = DMA32_END_PFN;
	zones[ZONE_NORMAL].spanned_pages = high_pages;
	zones[ZONE_NORMAL].present_pages = high_pages;

	/*
	 * memblock reservations: the first 1 MiB, the zero page in the kernel
	 * image at 16 MiB, and the memmap at the top of RAM.
	 */
	uint64_t memmap_pages = (ram_pages * STRUCT_PAGE_SIZE + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t from_high = memmap_pages < high_pages ? memmap_pages : high_pages;
	uint64_t low_end = low_pages - (memmap_pages - from_high);
	uint64_t high_end = DMA32_END_PFN + high_pages - from_high;

	m->zero_pfn = (uint32_t)DMA_END_PFN;
	m->memmap_pages = memmap_pages;
	m->node.vm_stat[NR_MEMMAP_BOOT_PAGES] = (int64_t)memmap_pages;
	reserve_range(m, 0, LOW_RESERVE_PFN);
	reserve_range(m, m->zero_pfn, m->zero_pfn + 1);
	reserve_range(m, low_end, low_pages);
	if (high_pages)
		reserve_range(m, high_end, m->max_pfn);

	/* memblock_free_all(): the free ranges, lowest address first */
	free_range_by_zone(m, LOW_RESERVE_PFN, m->zero_pfn);
	free_range_by_zone(m, m->zero_pfn + 1, low_end);
	if (high_pages)
		free_range_by_zone(m, DMA32_END_PFN, high_end);

	m->totalram_pages = 0;
	m->node.nr_zones = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		m->totalram_pages += zones[i].managed_pages;
		if (zones[i].present_pages)
			m->node.nr_zones++;
	}
	init_per_zone_wmark_min(m);
	m->boot_free_pages = nr_free_pages(m);	/* init_admin_reserve(), init_user_reserve() */
	return 0;
}

/*
 * si_mem_available() (mm/show_mem.c): free pages above the reserves, plus the
 * part of the page cache and of reclaimable slab that reclaim could free
 * without dipping below the low watermarks.
 */
uint64_t si_mem_available(const struct machine *m)
{
	int64_t wmark_low = 0, available, pagecache, reclaimable;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		wmark_low += (int64_t)m->node.node_zones[i].watermark[WMARK_LOW];
	available = (int64_t)nr_free_pages(m) - (int64_t)m->node.totalreserve_pages;
	pagecache = node_page_state(m, NR_ACTIVE_FILE) + node_page_state(m, NR_INACTIVE_FILE);
	available += pagecache - (pagecache / 2 < wmark_low ? pagecache / 2 : wmark_low);
	reclaimable = 0;	/* SReclaimable + misc: no slab is modelled */
	available += reclaimable - (reclaimable / 2 < wmark_low ? reclaimable / 2 : wmark_low);
	return available < 0 ? 0 : (uint64_t)available;
}
