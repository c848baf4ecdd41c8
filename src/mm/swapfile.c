/*
 * swapfile.c - swap devices and their slots (mm/swapfile.c).
 *
 * vm.config{ swap = "2G" } makes one swap device (swapon of a file: its
 * first page is the header, so it offers size/4K - 1 slots, as /proc/swaps
 * shows). Each slot has a reference count in swap_map: how many swap PTEs
 * (and, later, shmem entries) name it, plus SWAP_HAS_CACHE while a page of
 * the swap cache holds its data. A slot is free when its count is 0.
 *
 * Allocation follows the cluster allocator's shape (cluster_alloc_swap_entry):
 * the device is cut into clusters of 512 slots; slots are handed out in
 * order inside the current cluster, and a full cluster is followed by the
 * next free one (lowest offset after it, wrapping), then by any cluster with
 * a free slot. So pages swapped out together sit together on the device.
 * Linux keeps one current cluster per CPU; vmlab keeps one per device,
 * which places a lone swapper's pages exactly as Linux would.
 *
 * Freeing: a swap PTE that goes (zap, munmap, exit) drops its reference
 * (free_swap_and_cache); when no reference but the cache's remains and the
 * cached page is mapped by nobody and not under writeback, the page leaves
 * the swap cache and is freed with the slot (__try_to_reclaim_swap).
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

static int swap_device_add(struct machine *m, uint64_t bytes, int prio, char *err, size_t errlen)
{
	struct swap_info_struct *si;
	uint64_t max = bytes >> PAGE_SHIFT;

	if (m->nr_swapfiles == MAX_SWAPFILES) {
		snprintf(err, errlen, "at most %d swap devices", MAX_SWAPFILES);
		return -1;
	}
	if (max < 2) {
		snprintf(err, errlen, "a swap device needs at least two pages (a header and a slot)");
		return -1;
	}
	si = calloc(1, sizeof(*si));
	if (!si)
		goto nomem;
	si->type = m->nr_swapfiles;
	si->prio = prio;
	if (si->type)
		snprintf(si->name, sizeof(si->name), "/swapfile%d", si->type);
	else
		snprintf(si->name, sizeof(si->name), "/swapfile");
	si->max = max;
	si->pages = max - 1;
	si->nr_clusters = (max + SWAPFILE_CLUSTER - 1) / SWAPFILE_CLUSTER;
	si->swap_map = calloc(max, sizeof(*si->swap_map));
	si->value = calloc(max, 1);
	si->cache = malloc(max * sizeof(*si->cache));
	si->cluster_used = calloc(si->nr_clusters, sizeof(*si->cluster_used));
	if (!si->swap_map || !si->value || !si->cache || !si->cluster_used) {
		free(si->swap_map);
		free(si->value);
		free(si->cache);
		free(si->cluster_used);
		free(si);
		goto nomem;
	}
	for (uint64_t i = 0; i < max; i++)
		si->cache[i] = PFN_NONE;
	/* the header: never handed out (setup_swap_map: swap_map[0] = SWAP_MAP_BAD) */
	si->swap_map[0] = SWAP_MAP_MAX;
	si->cluster_used[0] = 1;
	si->next = 1;
	m->swap_info[m->nr_swapfiles++] = si;
	m->nr_swap_pages += (int64_t)si->pages;
	m->total_swap_pages += si->pages;
	return 0;
nomem:
	snprintf(err, errlen, "out of host memory for %llu swap slots", (unsigned long long)max);
	return -1;
}

int swap_init(struct machine *m, char *err, size_t errlen)
{
	if (!m->cfg.swap)
		return 0;
	/* swapon without a priority: -2 for the first device (then -3, ...) */
	return swap_device_add(m, m->cfg.swap, -2, err, errlen);
}

void swap_exit(struct machine *m)
{
	for (int i = 0; i < m->nr_swapfiles; i++) {
		struct swap_info_struct *si = m->swap_info[i];

		free(si->swap_map);
		free(si->value);
		free(si->cache);
		free(si->cluster_used);
		free(si->shadows);
		free(si);
		m->swap_info[i] = NULL;
	}
	m->nr_swapfiles = 0;
	free(m->wb);
	m->wb = NULL;
}

static bool slot_free(const struct swap_info_struct *si, uint64_t off)
{
	return si->swap_map[off] == 0;
}

/* The first free slot of cluster c at or after from, or 0. */
static uint64_t scan_cluster(const struct swap_info_struct *si, uint64_t c, uint64_t from)
{
	uint64_t end = (c + 1) * SWAPFILE_CLUSTER;

	if (end > si->max)
		end = si->max;
	if (si->cluster_used[c] >= end - c * SWAPFILE_CLUSTER)
		return 0;
	for (uint64_t off = from; off < end; off++)
		if (slot_free(si, off))
			return off;
	return 0;
}

/* cluster_alloc_swap_entry(): the current cluster, then a free one, then any with room. */
static uint64_t alloc_slot(struct swap_info_struct *si)
{
	uint64_t cur = si->next / SWAPFILE_CLUSTER, off;

	off = scan_cluster(si, cur, si->next);
	if (off)
		return off;
	for (uint64_t i = 1; i <= si->nr_clusters; i++) {
		uint64_t c = (cur + i) % si->nr_clusters;

		if (!si->cluster_used[c])
			return c * SWAPFILE_CLUSTER;
	}
	for (uint64_t i = 1; i <= si->nr_clusters; i++) {
		uint64_t c = (cur + i) % si->nr_clusters;

		off = scan_cluster(si, c, c * SWAPFILE_CLUSTER);
		if (off)
			return off;
	}
	return 0;
}

/* get_swap_pages() via the device list: the highest priority with room. */
bool get_swap_page(struct machine *m, swp_entry_t *out)
{
	struct swap_info_struct *best = NULL;

	for (int i = 0; i < m->nr_swapfiles; i++) {
		struct swap_info_struct *si = m->swap_info[i];

		if (si->inuse_pages < si->pages && (!best || si->prio > best->prio))
			best = si;
	}
	if (!best)
		return false;
	uint64_t off = alloc_slot(best);

	VM_BUG_ON(m, !off, "a swap device with free slots found none");
	best->swap_map[off] = SWAP_HAS_CACHE;
	best->cluster_used[off / SWAPFILE_CLUSTER]++;
	best->inuse_pages++;
	best->next = off + 1;
	m->nr_swap_pages--;
	*out = swp_entry((unsigned)best->type, off);
	return true;
}

/* swap_entries_free(): the slot is free again. */
static void swap_slot_free(struct machine *m, struct swap_info_struct *si, uint64_t off)
{
	si->swap_map[off] = 0;
	if (si->shadows)
		si->shadows[off] = 0;	/* the shadow entry goes with the slot */
	si->cluster_used[off / SWAPFILE_CLUSTER]--;
	si->inuse_pages--;
	m->nr_swap_pages++;
}

void swap_put_slot(struct machine *m, swp_entry_t e)
{
	swap_slot_free(m, swp_info(m, e), swp_offset(e));
}

unsigned swap_count(struct machine *m, swp_entry_t e)
{
	return swp_info(m, e)->swap_map[swp_offset(e)] & ~SWAP_HAS_CACHE;
}

void swap_duplicate(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint16_t *map = &si->swap_map[swp_offset(e)];

	VM_BUG_ON(m, *map == 0, "swap_duplicate of a free slot");
	VM_BUG_ON(m, (*map & ~SWAP_HAS_CACHE) == SWAP_MAP_MAX,
		  "a swap slot named by more PTEs than its count holds");
	(*map)++;
}

/* Drop one PTE's reference; true if the slot is now free or held by the cache alone. */
static bool swap_put_ref(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);
	uint16_t *map = &si->swap_map[off];

	VM_BUG_ON(m, (*map & ~SWAP_HAS_CACHE) == 0, "a swap entry freed twice");
	(*map)--;
	if (*map == 0) {
		swap_slot_free(m, si, off);
		return true;
	}
	return *map == SWAP_HAS_CACHE;
}

void swap_free(struct machine *m, swp_entry_t e)
{
	swap_put_ref(m, e);
}

/*
 * folio_free_swap(): if no swap PTE names the page's slot any more, take
 * the page out of the swap cache and free the slot. Not while under
 * writeback (the write is still using the slot).
 */
bool folio_free_swap(struct machine *m, struct page *page)
{
	swp_entry_t e = { page->private };

	if (!PageFlag(page, PG_swapcache) || PageFlag(page, PG_writeback))
		return false;
	if (swap_count(m, e))
		return false;
	swap_cache_del_folio(m, page);	/* frees the slot with the cache's hold */
	SetPageFlag(page, PG_dirty);	/* its only copy is in RAM again */
	return true;
}

/*
 * free_swap_and_cache(): a swap PTE went. If the cache's page is all that
 * is left of the slot and nobody maps it, it goes too
 * (__try_to_reclaim_swap with TTRS_UNMAPPED | TTRS_FULL... and always when
 * unmapped: the kernel reclaims a cache page no entry needs).
 */
void free_swap_and_cache(struct machine *m, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);
	struct page *page;

	if (!swap_put_ref(m, e) || si->cache[off] == PFN_NONE)
		return;
	page = pfn_to_page(m, si->cache[off]);
	if (page->mapcount || PageFlag(page, PG_writeback) || PageFlag(page, PG_locked))
		return;
	page->refcount++;
	folio_free_swap(m, page);
	put_page(m, page);
}

bool vm_swap_full(const struct machine *m)
{
	return m->nr_swap_pages * 2 < (int64_t)m->total_swap_pages;
}
