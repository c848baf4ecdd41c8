/*
 * swap_state.c - the swap cache and swap-in readahead (mm/swap_state.c).
 *
 * The swap cache holds pages that have a swap slot and are in RAM: a page
 * on its way out (added by reclaim before the write, kept until reclaim
 * frees it after the write ended) or on its way in (read by a fault or by
 * readahead). Per slot it is the frame number in si->cache[offset]. A
 * cached page holds one reference, counts in nr_file_pages and in
 * nr_swapcached (SwapCached), and keeps SWAP_HAS_CACHE in its slot's count.
 *
 * A fault on a swap PTE whose slot is cached is minor. Otherwise
 * swapin_readahead() reads the slot, and with it the swapped pages around
 * the fault in the same VMA and page table (swap_vma_readahead): a window
 * of up to 1 << page-cluster pages (8) that __swapin_nr_pages() sizes from
 * the readahead hits since the last read: hits + 2 rounded up to a power of
 * two, 1 when there were none and the fault is not next to the last one,
 * never below half the last window. The window starts at the fault when
 * the faults go up one page at a time, ends at it when they go down, and is
 * centred on it otherwise; it is clipped to the VMA and the 2 MiB of the
 * PTE table. Pages read ahead carry PG_readahead (swap_ra); the fault that
 * finds one counts a hit (swap_ra_hit) and widens the next window.
 */
#include <stdlib.h>
#include "internal.h"

#define SWAP_RA_ORDER_CEILING	5
#define PAGE_CLUSTER		3	/* /proc/sys/vm/page-cluster */

/* vma->swap_readahead_info packs the last fault address, the window and the hits. */
#define SWAP_RA_WIN_SHIFT	(PAGE_SHIFT / 2)
#define SWAP_RA_HITS_MASK	((1ULL << SWAP_RA_WIN_SHIFT) - 1)
#define SWAP_RA_HITS_MAX	SWAP_RA_HITS_MASK
#define SWAP_RA_WIN_MASK	(~PAGE_MASK & ~SWAP_RA_HITS_MASK)
#define SWAP_RA_HITS(v)		((v) & SWAP_RA_HITS_MASK)
#define SWAP_RA_WIN(v)		(((v) & SWAP_RA_WIN_MASK) >> SWAP_RA_WIN_SHIFT)
#define SWAP_RA_ADDR(v)		((v) & PAGE_MASK)
#define SWAP_RA_VAL(addr, win, hits) \
	(((addr) & PAGE_MASK) | (((uint64_t)(win) << SWAP_RA_WIN_SHIFT) & SWAP_RA_WIN_MASK) | \
	 ((hits) & SWAP_RA_HITS_MASK))
/* GET_SWAP_RA_VAL(): a VMA starts with 4 hits, for a small first window */
#define GET_SWAP_RA_VAL(vma)	((vma)->swap_readahead_info ? (vma)->swap_readahead_info : 4)

struct page *swap_cache_get_folio(struct machine *m, swp_entry_t e)
{
	uint32_t pfn = swp_info(m, e)->cache[swp_offset(e)];

	return pfn == PFN_NONE ? NULL : pfn_to_page(m, pfn);
}

/* __swap_cache_add_folio(): the page now caches slot e (the cache's reference taken). */
void swap_cache_add_folio(struct machine *m, struct page *page, swp_entry_t e)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);

	VM_BUG_ON(m, si->cache[off] != PFN_NONE, "a swap slot cached twice");
	si->cache[off] = (uint32_t)page_to_pfn(m, page);
	si->swap_map[off] |= SWAP_HAS_CACHE;
	SetPageFlag(page, PG_swapcache);
	SetPageFlag(page, PG_swapbacked);
	page->private = e.val;
	page->refcount++;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
	mod_lruvec_page_state(m, page, NR_SWAPCACHE, 1);
}

/*
 * swap_cache_del_folio(): out of the swap cache; the slot loses
 * SWAP_HAS_CACHE (and is freed if no PTE names it), the page the cache's
 * reference (it is freed if that was the last one).
 */
void __swap_cache_del_folio(struct machine *m, struct page *page, uint32_t shadow)
{
	swp_entry_t e = { page->private };
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);

	VM_BUG_ON(m, PageFlag(page, PG_writeback), "a page left the swap cache under writeback");
	si->cache[off] = PFN_NONE;
	si->swap_map[off] &= (uint16_t)~SWAP_HAS_CACHE;
	if (!si->swap_map[off]) {
		si->cluster_used[off / SWAPFILE_CLUSTER]--;
		si->inuse_pages--;
		m->nr_swap_pages++;
		shadow = 0;		/* nothing names the slot: nothing can refault */
	}
	if (shadow && !si->shadows)
		si->shadows = calloc(si->max, sizeof(*si->shadows));
	if (si->shadows)
		si->shadows[off] = shadow;
	ClearPageFlag(page, PG_swapcache);
	ClearPageFlag(page, PG_readahead);
	page->private = 0;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
	mod_lruvec_page_state(m, page, NR_SWAPCACHE, -1);
	put_page(m, page);
}

void swap_cache_del_folio(struct machine *m, struct page *page)
{
	__swap_cache_del_folio(m, page, 0);
}

void swap_update_readahead(struct machine *m, struct page *page, struct vm_area_struct *vma,
			   uint64_t addr)
{
	bool readahead = PageFlag(page, PG_readahead);

	if (!vma) {
		/* no VMA readahead (shmem): the hits feed the cluster readahead's window */
		ClearPageFlag(page, PG_readahead);
		if (readahead) {
			count_vm_event(m, SWAP_RA_HIT);
			m->swapin_ra_hits++;
		}
		return;
	}
	uint64_t ra_val = GET_SWAP_RA_VAL(vma);
	uint64_t win = SWAP_RA_WIN(ra_val), hits = SWAP_RA_HITS(ra_val);

	ClearPageFlag(page, PG_readahead);
	if (readahead && hits < SWAP_RA_HITS_MAX)
		hits++;
	vma->swap_readahead_info = SWAP_RA_VAL(addr, win, hits);
	if (readahead)
		count_vm_event(m, SWAP_RA_HIT);
}

static unsigned swapin_nr_pages(uint64_t prev_offset, uint64_t offset, unsigned hits,
				unsigned max_pages, unsigned prev_win)
{
	unsigned pages = hits + 2, last_ra;

	if (pages == 2) {
		/* no hits to judge by: an adjacent fault still gets two */
		if (offset != prev_offset + 1 && offset != prev_offset - 1)
			pages = 1;
	} else {
		unsigned roundup = 4;

		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > max_pages)
		pages = max_pages;
	last_ra = prev_win / 2;		/* don't shrink readahead too fast */
	if (pages < last_ra)
		pages = last_ra;
	return pages;
}

/* swap_vma_ra_win(): the window [*start, *end) around the fault, and its size. */
static unsigned swap_vma_ra_win(struct vm_fault *vmf, uint64_t *start, uint64_t *end)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned max_win = 1u << (PAGE_CLUSTER < SWAP_RA_ORDER_CEILING ? PAGE_CLUSTER :
				  SWAP_RA_ORDER_CEILING);
	uint64_t faddr = vmf->address, ra_val = GET_SWAP_RA_VAL(vma);
	uint64_t prev_faddr = SWAP_RA_ADDR(ra_val), left, right, lo, hi;
	unsigned win;

	win = swapin_nr_pages(prev_faddr >> PAGE_SHIFT, faddr >> PAGE_SHIFT,
			      (unsigned)SWAP_RA_HITS(ra_val), max_win, (unsigned)SWAP_RA_WIN(ra_val));
	vma->swap_readahead_info = SWAP_RA_VAL(faddr, win, 0);
	if (win == 1)
		return 1;
	if (faddr == prev_faddr + PAGE_SIZE)
		left = faddr;
	else if (prev_faddr == faddr + PAGE_SIZE)
		left = faddr - ((uint64_t)win << PAGE_SHIFT) + PAGE_SIZE;
	else
		left = faddr - ((uint64_t)((win - 1) / 2) << PAGE_SHIFT);
	right = left + ((uint64_t)win << PAGE_SHIFT);
	if ((int64_t)left < 0)
		left = 0;
	lo = faddr & PMD_MASK;
	hi = lo + PMD_SIZE;
	*start = left > vma->vm_start ? left : vma->vm_start;
	if (*start < lo)
		*start = lo;
	*end = right < vma->vm_end ? right : vma->vm_end;
	if (*end > hi)
		*end = hi;
	return win;
}

/*
 * swap_cache_read_folio(): the cached page of slot e, or a new page read
 * into the cache (*nr_read counts it); NULL if the slot is free or no page
 * could be had.
 */
static struct page *swap_cache_read_folio(struct machine *m, swp_entry_t e, struct vm_fault *vmf,
					  uint64_t addr, bool readahead, unsigned *nr_read)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e);
	struct page *page;

	if (!(si->swap_map[off] & ~SWAP_HAS_CACHE))
		return NULL;	/* an unused slot is not read */
	page = swap_cache_get_folio(m, e);
	if (page)
		return page;
	page = vma_alloc_folio(m, GFP_HIGHUSER_MOVABLE, 0, vmf->vma, addr);
	if (!page)
		return NULL;
	/* the allocation may have reclaimed: the slot may be cached or free by now */
	if (!(si->swap_map[off] & ~SWAP_HAS_CACHE) || si->cache[off] != PFN_NONE) {
		put_page(m, page);
		return swap_cache_get_folio(m, e);
	}
	swap_cache_add_folio(m, page, e);
	if (si->shadows && si->shadows[off]) {
		/* __read_swap_cache_async(): workingset_refault() before it joins the LRU */
		uint32_t shadow = si->shadows[off];

		si->shadows[off] = 0;
		folio_add_lru(m, page, workingset_refault(m, page, shadow) ? LRU_ACTIVE_ANON :
							     LRU_INACTIVE_ANON);
	} else {
		folio_add_lru(m, page, LRU_INACTIVE_ANON);
	}
	put_page(m, page);	/* the cache's reference keeps it */
	/* swap_read_folio(): the data comes back (pswpin per page read, mm/page_io.c) */
	page->value = si->value[off];
	SetPageFlag(page, PG_uptodate);
	count_vm_events(m, PGPGIN, PAGE_SIZE >> 10);
	count_vm_event(m, PSWPIN);
	if (readahead) {
		SetPageFlag(page, PG_readahead);
		count_vm_event(m, SWAP_RA);
	}
	(*nr_read)++;
	return page;
}

/*
 * read_swap_cache_async() for MADV_WILLNEED: start reading slot e into the
 * swap cache; nobody waits, nothing is marked as readahead, and the fault
 * that comes later finds the page there (minor).
 */
struct page *read_swap_cache_async(struct machine *m, swp_entry_t e, struct vm_area_struct *vma,
				   uint64_t addr)
{
	struct vm_fault vmf = { .vma = vma, .address = addr };
	unsigned nr_read = 0;

	return swap_cache_read_folio(m, e, &vmf, addr, false, &nr_read);
}

/*
 * swap_cluster_readahead(): the readahead for swap entries with no VMA
 * order to follow (shmem's): the page_cluster-aligned run of slots around
 * e, as many as swapin_nr_pages() grants from the hits since the last
 * fault (global state, as the kernel's statics are), each slot in use
 * read into the swap cache; the fault waits for the one request.
 */
struct page *swap_cluster_readahead(struct machine *m, swp_entry_t e, struct vm_fault *vmf)
{
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t off = swp_offset(e), mask;
	unsigned hits = m->swapin_ra_hits, nr_read = 0;
	struct page *page;

	m->swapin_ra_hits = 0;
	mask = swapin_nr_pages(m->swapin_ra_prev, off, hits, 1u << PAGE_CLUSTER,
			       m->swapin_ra_last) - 1;
	if (!hits)
		m->swapin_ra_prev = off;
	m->swapin_ra_last = (unsigned)mask + 1;
	if (mask) {
		uint64_t start = off & ~mask, end = off | mask;

		if (!start)
			start = 1;	/* the header */
		if (end >= si->max)
			end = si->max - 1;
		for (uint64_t o = start; o <= end; o++)
			swap_cache_read_folio(m, swp_entry(swp_type(e), o), vmf, vmf->address, o != off,
					      &nr_read);
	}
	page = swap_cache_read_folio(m, e, vmf, vmf->address, false, &nr_read);
	if (nr_read) {
		charge(m, vmf->task, COST_SWAP_READ, false);
		charge_n(m, vmf->task, COST_SWAP_READ_PAGE, nr_read - 1, false);
	}
	return page;
}

struct page *swapin_readahead(struct machine *m, swp_entry_t e, struct vm_fault *vmf)
{
	struct task_struct *t = vmf->task;
	uint64_t start, end;
	unsigned nr_read = 0;
	struct page *page;

	if (swap_vma_ra_win(vmf, &start, &end) > 1) {
		pte_t *table = vmf->pte - pte_index(vmf->address);

		for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
			pte_t pte = table[pte_index(addr)];

			if (!is_swap_pte(pte) || walk_kind_of(pte, 1) != WALK_SWAP)
				continue;
			swap_cache_read_folio(m, pte_to_swp_entry(pte), vmf, addr,
					      addr != vmf->address, &nr_read);
		}
	}
	page = swap_cache_read_folio(m, e, vmf, vmf->address, false, &nr_read);
	/* the fault waits for one request that reads them all */
	if (nr_read) {
		charge(m, t, COST_SWAP_READ, false);
		charge_n(m, t, COST_SWAP_READ_PAGE, nr_read - 1, false);
	}
	return page;
}
