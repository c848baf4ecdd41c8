/*
 * vmscan.c - the LRU lists and page reclaim (mm/vmscan.c, mm/swap.c,
 * include/linux/mm_inline.h), the classic two-list LRU (CONFIG_LRU_GEN off).
 *
 * Every evictable user page sits on one of four lists of the node's lruvec
 * (inactive/active x anon/file) or on the unevictable list. New anonymous and
 * page-cache folios enter the inactive lists (folio_add_lru(); anon has since
 * 5.9). The counters nr_{in,}active_{anon,file} and their per-zone twins
 * follow every move. A list links pages by pfn through page->lru_next/
 * lru_prev: adding, removing and rotating are O(1) array operations; the
 * head is the newest page, reclaim takes from the tail.
 *
 * Reclaim (reference/linux-mm.md §3.1-3.2):
 *   - kswapd, a kernel thread, is woken when an allocation finds a zone
 *     below its low watermark and reclaims until every zone is above high
 *     (balance_pgdat: one pass per priority from 12 down, each aiming at
 *     the sum of max(high, 32) pages). An allocation that finds no zone
 *     above min reclaims directly (try_to_free_pages: 32 pages, priority 12
 *     down to 0; allocstall), retrying while should_reclaim_retry() sees a
 *     way, then fails (the OOM killer comes with the next issue).
 *   - shrink_lruvec() splits the scan between anon and file with
 *     get_scan_count() (swappiness, the decayed reclaim costs, the scan
 *     balance modes) and works through the lists in batches of 32;
 *     shrink_active_list() deactivates (pgrefill, pgdeactivate) when the
 *     inactive list is low (inactive_is_low: the sqrt(10 x GiB) ratio);
 *     shrink_inactive_list() isolates from the tail (pgscan) and
 *     shrink_folio_list() decides each page: second chance through the
 *     accessed bits (folio_check_references), swap out (add_to_swap,
 *     try_to_unmap, pageout: the write runs asynchronously, page_io.c),
 *     free a clean swap-cache page (pgsteal).
 *   - Page-cache pages are unmapped and dropped when clean; dirty ones
 *     wait for the flusher, or shmem's go to swap (shrink_cache_folio).
 * Every LRU move goes through the helpers here (folio_add_lru,
 * lruvec_del_folio, folio_isolate_lru, folio_putback_lru,
 * folio_rotate_reclaimable): a second LRU implementation replaces them.
 */
#include <stdlib.h>
#include "internal.h"

void pfn_list_init(struct pfn_list *l)
{
	l->head = l->tail = PFN_NONE;
	l->nr = 0;
}

void pfn_list_add(struct machine *m, struct pfn_list *l, uint32_t pfn, bool tail)
{
	struct page *p = pfn_to_page(m, pfn);

	if (l->head == PFN_NONE) {
		p->lru_next = p->lru_prev = PFN_NONE;
		l->head = l->tail = pfn;
	} else if (tail) {
		p->lru_prev = l->tail;
		p->lru_next = PFN_NONE;
		pfn_to_page(m, l->tail)->lru_next = pfn;
		l->tail = pfn;
	} else {
		p->lru_next = l->head;
		p->lru_prev = PFN_NONE;
		pfn_to_page(m, l->head)->lru_prev = pfn;
		l->head = pfn;
	}
	l->nr++;
}

void pfn_list_del(struct machine *m, struct pfn_list *l, uint32_t pfn)
{
	struct page *p = pfn_to_page(m, pfn);

	if (p->lru_prev != PFN_NONE)
		pfn_to_page(m, p->lru_prev)->lru_next = p->lru_next;
	else
		l->head = p->lru_next;
	if (p->lru_next != PFN_NONE)
		pfn_to_page(m, p->lru_next)->lru_prev = p->lru_prev;
	else
		l->tail = p->lru_prev;
	p->lru_next = p->lru_prev = PFN_NONE;
	l->nr--;
}

static const enum node_stat_item lru_node_item[NR_LRU_LISTS] = {
	NR_INACTIVE_ANON, NR_ACTIVE_ANON, NR_INACTIVE_FILE, NR_ACTIVE_FILE, NR_UNEVICTABLE
};

static const enum zone_stat_item lru_zone_item[NR_LRU_LISTS] = {
	NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON, NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE, NR_ZONE_UNEVICTABLE
};

static uint64_t folio_nr_pages(const struct page *p)
{
	return PageFlag(p, PG_head) ? 1ULL << p->order : 1;
}

/* folio_lru_list(): which list the folio's flags say it belongs on. */
enum lru_list folio_lru_list(const struct page *page)
{
	if (PageFlag(page, PG_unevictable))
		return LRU_UNEVICTABLE;
	bool file = !PageFlag(page, PG_swapbacked);
	bool active = PageFlag(page, PG_active);

	return (enum lru_list)((file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON) + active);
}

static void update_lru_size(struct machine *m, struct page *page, enum lru_list lru, int sign)
{
	int64_t nr = sign * (int64_t)folio_nr_pages(page);
	uint64_t pfn = page_to_pfn(m, page);

	mod_lruvec_page_state(m, page, lru_node_item[lru], nr);
	mod_zone_page_state(m, pfn, lru_zone_item[lru], nr);
}

/* lruvec_add_folio() via folio_add_lru(): new folios go to the head. */
void folio_add_lru(struct machine *m, struct page *page, enum lru_list lru)
{
	uint32_t pfn = (uint32_t)page_to_pfn(m, page);

	if (lru == LRU_UNEVICTABLE)
		SetPageFlag(page, PG_unevictable);
	else if (lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE)
		SetPageFlag(page, PG_active);
	SetPageFlag(page, PG_lru);
	page->lru = (uint8_t)lru;
	pfn_list_add(m, &folio_lruvec(m, page)->lists[lru], pfn, false);
	update_lru_size(m, page, lru, +1);
}

void lruvec_del_folio(struct machine *m, struct page *page)
{
	uint32_t pfn = (uint32_t)page_to_pfn(m, page);
	enum lru_list lru = (enum lru_list)page->lru;

	pfn_list_del(m, &folio_lruvec(m, page)->lists[lru], pfn);
	update_lru_size(m, page, lru, -1);
	ClearPageFlag(page, PG_lru);
	ClearPageFlag(page, PG_active);
	ClearPageFlag(page, PG_unevictable);
	page->lru = LRU_NONE;
}

/* folio_isolate_lru(): off its list for reclaim, a reference held; its flags stay. */
bool folio_isolate_lru(struct machine *m, struct page *page)
{
	uint32_t keep = page->flags & (PF(PG_active) | PF(PG_unevictable));

	if (!PageFlag(page, PG_lru))
		return false;
	page->refcount++;
	lruvec_del_folio(m, page);
	page->flags |= keep;
	return true;
}

/* folio_putback_lru(): back to the list its flags name; the isolation's reference goes. */
void folio_putback_lru(struct machine *m, struct page *page)
{
	enum lru_list lru;

	if (PageFlag(page, PG_mlocked))
		lru = LRU_UNEVICTABLE;
	else
		lru = folio_lru_list(page);
	ClearPageFlag(page, PG_unevictable);
	ClearPageFlag(page, PG_active);
	folio_add_lru(m, page, lru);
	put_page(m, page);
}

/*
 * folio_mark_accessed() (mm/swap.c): a read(2) or write(2) used the page.
 * The first use marks it referenced; the second activates an inactive one.
 */
void folio_mark_accessed(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_referenced)) {
		SetPageFlag(page, PG_referenced);
	} else if (!PageFlag(page, PG_unevictable) && !PageFlag(page, PG_active) &&
		   PageFlag(page, PG_lru)) {
		enum lru_list lru = folio_lru_list(page);

		lruvec_del_folio(m, page);
		folio_add_lru(m, page, (enum lru_list)(lru + 1));	/* folio_activate() */
		count_vm_event(m, PGACTIVATE);
		ClearPageFlag(page, PG_referenced);
		workingset_activation(m, page);
	}
}

/* lru_move_tail(): a written-back page goes to the inactive tail, first in line (pgrotated). */
void folio_rotate_reclaimable(struct machine *m, struct page *page)
{
	uint32_t pfn = (uint32_t)page_to_pfn(m, page);
	enum lru_list lru;

	if (PageFlag(page, PG_locked) || PageFlag(page, PG_dirty) ||
	    PageFlag(page, PG_unevictable) || !PageFlag(page, PG_lru))
		return;
	lruvec_del_folio(m, page);
	lru = folio_lru_list(page);
	page->lru = (uint8_t)lru;
	SetPageFlag(page, PG_lru);
	pfn_list_add(m, &folio_lruvec(m, page)->lists[lru], pfn, true);
	update_lru_size(m, page, lru, +1);
	count_vm_event(m, PGROTATED);
}

/* ---- the anon/file balance ---- */

/* inactive_is_low(): inactive * int_sqrt(10 * GiB) < active (1 below 1 GiB). */
bool inactive_is_low(uint64_t inactive, uint64_t active)
{
	uint64_t gb = (inactive + active) >> (30 - PAGE_SHIFT);
	uint64_t ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}

static bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

/*
 * get_scan_count() with prepare_scan_control()'s cache_trim_mode and
 * file_is_tiny: how many pages of each list to scan at this priority.
 */
enum scan_balance get_scan_count(const struct scan_inputs *in, uint64_t nr[NR_LRU_LISTS])
{
	enum scan_balance balance;
	uint64_t fraction[2] = { 0, 0 }, denominator = 1;
	uint64_t inactive_file = in->lru[LRU_INACTIVE_FILE];
	uint64_t file = inactive_file + in->lru[LRU_ACTIVE_FILE];
	bool cache_trim_mode = (inactive_file >> in->priority) && !in->may_deactivate_file;
	bool file_is_tiny = !in->cgroup_reclaim && file + in->free <= in->high_wmarks &&
			    !in->may_deactivate_anon &&
			    (in->lru[LRU_INACTIVE_ANON] >> in->priority);

	if (!in->may_swap)
		balance = SCAN_FILE;
	else if (in->cgroup_reclaim && !in->swappiness)
		balance = SCAN_FILE;
	else if (!in->priority && in->swappiness)
		balance = SCAN_EQUAL;
	else if (file_is_tiny)
		balance = SCAN_ANON;
	else if (cache_trim_mode)
		balance = SCAN_FILE;
	else {
		uint64_t total = in->anon_cost + in->file_cost;
		uint64_t anon_cost = total + in->anon_cost;
		uint64_t file_cost = total + in->file_cost;
		uint64_t ap, fp;

		total = anon_cost + file_cost;
		ap = (uint64_t)in->swappiness * (total + 1) / (anon_cost + 1);
		fp = (uint64_t)(200 - in->swappiness) * (total + 1) / (file_cost + 1);
		fraction[0] = ap;
		fraction[1] = fp;
		denominator = ap + fp;
		balance = SCAN_FRACT;
	}
	for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		bool f = is_file_lru((enum lru_list)lru);
		uint64_t scan = in->lru[lru];

		if (in->protection) {
			/*
			 * apply_proportional_protection(): a partly protected
			 * group is scanned for its unprotected share only, and
			 * at least SWAP_CLUSTER_MAX to keep reclaim moving.
			 */
			uint64_t size = in->cgroup_size > in->protection ? in->cgroup_size :
									   in->protection;

			scan -= scan * in->protection / (size + 1);
			if (scan < SWAP_CLUSTER_MAX)
				scan = SWAP_CLUSTER_MAX;
		}
		scan >>= in->priority;

		switch (balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ? scan * fraction[f] / denominator : 0;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((balance == SCAN_FILE) != f)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
	nr[LRU_UNEVICTABLE] = 0;
	return balance;
}

/*
 * lru_note_cost(): reclaim's I/O (32 per page written) and rotations, on
 * the lruvec and its ancestors', each decayed by half once the costs pass a
 * quarter of its lists (a group's: its own pages; the root's: the node's).
 */
void lru_note_cost(struct machine *m, struct mem_cgroup *memcg, bool file, uint64_t nr_io,
		   uint64_t nr_rotated)
{
	uint64_t cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated;

	for (struct mem_cgroup *g = memcg; g; g = g->parent) {
		uint64_t lrusize = 0;

		if (file)
			g->file_cost += cost;
		else
			g->anon_cost += cost;
		for (int lru = 0; lru < LRU_UNEVICTABLE; lru++)
			lrusize += (uint64_t)(g->parent ? g->stat[lru_node_item[lru]] :
					      node_page_state(m, lru_node_item[lru]));
		if (g->file_cost + g->anon_cost > lrusize / 4) {
			g->file_cost /= 2;
			g->anon_cost /= 2;
		}
	}
}

/* ---- shrinking the lists ---- */

struct scan_control {
	struct task_struct *t;		/* who reclaims: charged for the work */
	struct mem_cgroup *target;	/* limit reclaim of this group; NULL: global */
	struct mem_cgroup *memcg;	/* the group whose lists are being shrunk */
	uint64_t nr_to_reclaim;
	uint64_t nr_scanned, nr_reclaimed;
	uint64_t nr_writeback;		/* pages met under writeback */
	int priority;
	bool kswapd;
	bool may_writepage;
	bool may_deactivate_anon, may_deactivate_file;
	bool ignore_references;		/* reclaim_pages(): MADV_PAGEOUT */
	bool memcg_low_reclaim;		/* reclaim within memory.low too (a retry) */
	bool memcg_low_skipped;		/* a group within its memory.low was passed over */
};

enum folio_references { FOLIOREF_RECLAIM, FOLIOREF_RECLAIM_CLEAN, FOLIOREF_KEEP, FOLIOREF_ACTIVATE };

/* folio_check_references(): the second chance that accessed bits buy. */
static enum folio_references folio_check_references(struct machine *m, struct page *page)
{
	uint32_t vm_flags;
	int referenced_ptes = folio_referenced(m, page, &vm_flags);
	bool referenced_folio = PageFlag(page, PG_referenced);

	if (vm_flags & VM_LOCKED)
		return FOLIOREF_ACTIVATE;
	ClearPageFlag(page, PG_referenced);
	if (referenced_ptes) {
		/* mapped pages start with a reference from their fault: look twice */
		SetPageFlag(page, PG_referenced);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		if ((vm_flags & VM_EXEC) && !PageFlag(page, PG_swapbacked))
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	if (referenced_folio && !PageFlag(page, PG_swapbacked))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

/* try_to_unmap_one()'s swap PTE: the slot named once more, exclusivity carried. */
static pte_t swap_pte_of(struct machine *m, struct page *page, struct vm_area_struct *vma,
			 uint64_t addr, pte_t old, void *ctx)
{
	swp_entry_t e = { page->private };
	pte_t pte = swp_entry_to_pte(e);

	(void)vma;
	(void)addr;
	(void)old;
	(void)ctx;
	swap_duplicate(m, e);
	if (PageFlag(page, PG_anon_exclusive)) {
		ClearPageFlag(page, PG_anon_exclusive);
		pte |= _PAGE_SWP_EXCLUSIVE;
	}
	return pte;
}

/*
 * shrink_folio_list() for a page-cache page, a file's or shmem's: unmap it
 * (a dirty PTE dirties the page), then
 *   - clean: free it if nothing else holds it (__remove_mapping), leaving a
 *     file's workingset shadow entry (shmem's clean pages were never
 *     written: zeros, no shadow);
 *   - a dirty file page is not written from reclaim (6.16+: no
 *     ->writepage): it is marked PG_reclaim, activated, and the flusher is
 *     woken; when its write ends it goes to the inactive tail;
 *   - a dirty shmem page is written to swap (pageout -> shmem_writeout) and
 *     stays in the swap cache until its write ends and a later scan frees
 *     it, as an anonymous page does.
 */
static bool shrink_cache_folio(struct machine *m, struct scan_control *sc, struct page *page,
			       uint64_t *nr_activate, uint64_t *nr_pageout)
{
	bool shmem = PageFlag(page, PG_swapbacked);
	swp_entry_t e;

	if (page->mapcount && !try_to_unmap(m, sc->t, page, NULL, NULL))
		goto activate;	/* a VM_LOCKED mapping keeps it */
	if (PageFlag(page, PG_dirty)) {
		if (!shmem) {
			SetPageFlag(page, PG_reclaim);
			wakeup_flusher_threads(m, sc->t->clock);
			goto activate;
		}
		if (!sc->may_writepage)
			return false;
		if (!get_swap_page(m, &e))
			goto activate;	/* no swap space: it stays */
		shmem_writeout(m, sc->t, page, e);
		(*nr_pageout)++;
		return false;
	}
	if (page->refcount != 2 || folio_read_pending(page, sc->t->clock))
		return false;
	/* __remove_mapping(): the isolation's reference is the last */
	__filemap_remove_page(m, page, shmem ? 0 : workingset_eviction(m, page, sc->target));
	return true;
activate:
	if (!PageFlag(page, PG_mlocked)) {
		SetPageFlag(page, PG_active);
		(*nr_activate)++;
	}
	return false;
}

/*
 * shrink_folio_list() for one isolated page: true if it was reclaimed
 * (freed when the caller drops the isolation reference), false if it goes
 * back (activated or kept). nr_activate counts activations.
 */
static bool shrink_folio(struct machine *m, struct scan_control *sc, struct page *page,
			 uint64_t *nr_activate, uint64_t *nr_pageout)
{
	enum folio_references references = FOLIOREF_RECLAIM;

	if (PageFlag(page, PG_locked))
		return false;	/* folio_trylock() failed: keep */
	sc->nr_scanned++;
	charge(m, sc->t, COST_RECLAIM_PAGE, false);
	if (PageFlag(page, PG_mlocked))
		goto activate;
	if (PageFlag(page, PG_writeback)) {
		/* case 2: mark it for immediate reclaim when the write ends */
		SetPageFlag(page, PG_reclaim);
		sc->nr_writeback++;
		goto activate;
	}
	if (!sc->ignore_references) {
		references = folio_check_references(m, page);
		if (references == FOLIOREF_ACTIVATE)
			goto activate;
		if (references == FOLIOREF_KEEP)
			return false;
	}
	if (!PageFlag(page, PG_anon) && !PageFlag(page, PG_swapcache))
		return shrink_cache_folio(m, sc, page, nr_activate, nr_pageout);
	if (!PageFlag(page, PG_swapcache)) {
		swp_entry_t e;

		if (!get_swap_page(m, &e))
			goto activate;	/* add_to_swap() failed: no swap space */
		swap_cache_add_folio(m, page, e);
		SetPageFlag(page, PG_dirty);	/* add_to_swap(): it must be written */
	}
	if (page->mapcount && !try_to_unmap(m, sc->t, page, swap_pte_of, NULL))
		goto activate;	/* a VM_LOCKED mapping keeps it */
	if (page->mapcount)
		goto activate;
	if (PageFlag(page, PG_dirty)) {
		if (!sc->may_writepage)
			return false;
		swap_writepage(m, sc->t, page);	/* pageout(): PAGE_SUCCESS, under writeback */
		(*nr_pageout)++;
		return false;
	}
	/* __remove_mapping(): only the isolation and the cache hold it */
	if (page->refcount != 2)
		return false;
	__swap_cache_del_folio(m, page, workingset_eviction(m, page, sc->target));
	return true;
activate:
	if (PageFlag(page, PG_swapcache) && (vm_swap_full(m) || PageFlag(page, PG_mlocked)))
		folio_free_swap(m, page);
	if (!PageFlag(page, PG_mlocked)) {
		SetPageFlag(page, PG_active);
		(*nr_activate)++;
	}
	return false;
}

/*
 * shrink_folio_list() over isolated pages (oldest first): each is
 * reclaimed or put back at the head of its list, in order. The pages
 * reclaimed, and stat->nr_pageout.
 */
static uint64_t shrink_folio_list(struct machine *m, struct scan_control *sc, uint32_t *pfns,
				  size_t n, uint64_t *nr_pageout)
{
	uint64_t reclaimed = 0, nr_activate = 0;

	for (size_t i = 0; i < n; i++) {
		struct page *page = pfn_to_page(m, pfns[i]);

		if (shrink_folio(m, sc, page, &nr_activate, nr_pageout)) {
			reclaimed++;
			put_page(m, page);	/* the isolation's reference: it is freed */
		} else {
			folio_putback_lru(m, page);
		}
	}
	count_vm_events(m, PGACTIVATE, nr_activate);
	return reclaimed;
}

/* isolate_lru_folios(): up to nr pages from the tail of lru, oldest first. */
static size_t isolate_lru_folios(struct machine *m, struct scan_control *sc, enum lru_list lru,
				 uint64_t nr, uint32_t *out)
{
	struct pfn_list *l = &sc->memcg->lruvec->lists[lru];
	size_t n = 0;

	while (n < nr && l->tail != PFN_NONE) {
		uint32_t pfn = l->tail;

		folio_isolate_lru(m, pfn_to_page(m, pfn));
		out[n++] = pfn;
	}
	return n;
}

static uint64_t shrink_inactive_list(struct machine *m, struct scan_control *sc,
				     enum lru_list lru, uint64_t nr_to_scan)
{
	uint32_t pfns[SWAP_CLUSTER_MAX];
	bool file = is_file_lru(lru);
	size_t n = isolate_lru_folios(m, sc, lru, nr_to_scan, pfns);
	uint64_t reclaimed, nr_pageout = 0;

	/* by reclaimer only in global reclaim (!cgroup_reclaim()); by type always */
	if (!sc->target)
		count_vm_events(m, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT, n);
	count_vm_events(m, file ? PGSCAN_FILE : PGSCAN_ANON, n);
	if (!n)
		return 0;
	reclaimed = shrink_folio_list(m, sc, pfns, n, &nr_pageout);
	if (!sc->target)
		count_vm_events(m, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, reclaimed);
	count_vm_events(m, file ? PGSTEAL_FILE : PGSTEAL_ANON, reclaimed);
	lru_note_cost(m, sc->memcg, file, nr_pageout, n - reclaimed);
	return reclaimed;
}

/* shrink_active_list(): deactivate; referenced executable file pages stay active. */
static void shrink_active_list(struct machine *m, struct scan_control *sc, enum lru_list lru,
			       uint64_t nr_to_scan)
{
	uint32_t pfns[SWAP_CLUSTER_MAX];
	size_t n = isolate_lru_folios(m, sc, lru, nr_to_scan, pfns);
	uint64_t nr_deactivate = 0;

	if (!sc->target)
		count_vm_events(m, PGREFILL, n);
	for (size_t i = 0; i < n; i++) {
		struct page *page = pfn_to_page(m, pfns[i]);
		uint32_t vm_flags;

		charge(m, sc->t, COST_RECLAIM_PAGE, false);
		if (!PageFlag(page, PG_mlocked) && folio_referenced(m, page, &vm_flags) &&
		    (vm_flags & VM_EXEC) && is_file_lru(lru)) {
			folio_putback_lru(m, page);
			continue;
		}
		if (!PageFlag(page, PG_mlocked)) {
			ClearPageFlag(page, PG_active);
			SetPageFlag(page, PG_workingset);
			nr_deactivate++;
		}
		folio_putback_lru(m, page);
	}
	count_vm_events(m, PGDEACTIVATE, nr_deactivate);
}

static uint64_t shrink_list(struct machine *m, struct scan_control *sc, enum lru_list lru,
			    uint64_t nr_to_scan)
{
	if (is_active_lru(lru)) {
		if (is_file_lru(lru) ? sc->may_deactivate_file : sc->may_deactivate_anon)
			shrink_active_list(m, sc, lru, nr_to_scan);
		return 0;
	}
	return shrink_inactive_list(m, sc, lru, nr_to_scan);
}

static uint64_t lru_size(const struct scan_control *sc, enum lru_list lru)
{
	return sc->memcg->lruvec->lists[lru].nr;
}

static uint64_t sum_high_wmarks(const struct machine *m)
{
	uint64_t sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->node.node_zones[z].watermark[WMARK_HIGH];
	return sum;
}

/* shrink_lruvec() of sc->memcg's lists, after prepare_scan_control(). */
static void shrink_lruvec(struct machine *m, struct scan_control *sc)
{
	struct mem_cgroup *costs = sc->target ? sc->target : m->memcg[0];
	struct scan_inputs in = {
		.free = nr_free_pages(m), .high_wmarks = sum_high_wmarks(m),
		.anon_cost = costs->anon_cost, .file_cost = costs->file_cost,
		.swappiness = mem_cgroup_swappiness(m, sc->memcg), .priority = sc->priority,
		.may_swap = get_nr_swap_pages(m) > 0, .cgroup_reclaim = sc->target != NULL,
	};
	uint64_t nr[NR_LRU_LISTS], targets[NR_LRU_LISTS], reclaimed = 0;
	bool proportional = !sc->kswapd && sc->priority == DEF_PRIORITY;

	uint64_t min, low;

	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		in.lru[lru] = lru_size(sc, (enum lru_list)lru);
	mem_cgroup_protection(m, sc->target, sc->memcg, &min, &low);
	if (min || low) {
		in.cgroup_size = sc->memcg->usage;
		if (!sc->memcg_low_reclaim && low > min) {	/* memory.low scaling */
			in.protection = low;
			sc->memcg_low_skipped = true;
		} else {
			in.protection = min;
		}
	}
	in.may_deactivate_anon = sc->may_deactivate_anon;
	in.may_deactivate_file = sc->may_deactivate_file;
	get_scan_count(&in, nr);
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		targets[lru] = nr[lru];
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		uint64_t nr_anon, nr_file, percentage;
		int small, big;

		for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
			if (nr[lru]) {
				uint64_t n = nr[lru] < SWAP_CLUSTER_MAX ? nr[lru] : SWAP_CLUSTER_MAX;

				nr[lru] -= n;
				reclaimed += shrink_list(m, sc, (enum lru_list)lru, n);
			}
		}
		if (reclaimed < sc->nr_to_reclaim || proportional)
			continue;
		/* enough: stop the smaller type, scale the other to what it has done */
		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			small = LRU_INACTIVE_ANON;
			percentage = nr_anon * 100 /
				     (targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1);
		} else {
			small = LRU_INACTIVE_FILE;
			percentage = nr_file * 100 /
				     (targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1);
		}
		nr[small] = nr[small + 1] = 0;
		big = small == LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		for (int lru = big; lru <= big + 1; lru++) {
			uint64_t scanned = targets[lru] - nr[lru];

			nr[lru] = targets[lru] * (100 - percentage) / 100;
			nr[lru] -= nr[lru] < scanned ? nr[lru] : scanned;
		}
	}
	sc->nr_reclaimed += reclaimed;
	/* keep the anon lists aged even when no anon was scanned */
	if (get_nr_swap_pages(m) > 0 &&
	    inactive_is_low(lru_size(sc, LRU_INACTIVE_ANON), lru_size(sc, LRU_ACTIVE_ANON)))
		shrink_active_list(m, sc, LRU_ACTIVE_ANON, SWAP_CLUSTER_MAX);
}

/*
 * shrink_node() -> shrink_node_memcgs(): every group's lists in turn, the
 * root first (mem_cgroup_iter's pre-order), only sc->target's subtree in
 * limit reclaim.
 */
static void shrink_node(struct machine *m, struct scan_control *sc)
{
	uint64_t before = sc->nr_reclaimed, size[NR_LRU_LISTS] = { 0 };
	struct mem_cgroup *tm = sc->target ? sc->target : m->memcg[0];

	m->reclaim.in_reclaim++;
	swap_complete_writeback(m, sc->t->clock);
	/*
	 * prepare_scan_control(): deactivate where the target's inactive list
	 * is low (the node's lists in global reclaim, the group's subtree in
	 * limit reclaim), or where refaults activated pages since the last
	 * reclaim (a new workingset: the stale active pages must go).
	 */
	for (int lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		if (!sc->target)
			size[lru] = (uint64_t)node_page_state(m, lru_node_item[lru]);
		else
			for (int id = 1; id < m->nr_memcg; id++)
				if (mem_cgroup_is_descendant(m->memcg[id], sc->target))
					size[lru] += (uint64_t)m->memcg[id]->stat[lru_node_item[lru]];
	}
	sc->may_deactivate_anon =
		memcg_lruvec_state(m, tm, WORKINGSET_ACTIVATE_ANON) != tm->refaults[0] ||
		inactive_is_low(size[LRU_INACTIVE_ANON], size[LRU_ACTIVE_ANON]);
	sc->may_deactivate_file =
		memcg_lruvec_state(m, tm, WORKINGSET_ACTIVATE_FILE) != tm->refaults[1] ||
		inactive_is_low(size[LRU_INACTIVE_FILE], size[LRU_ACTIVE_FILE]);
	for (int id = 0; id < m->nr_memcg; id++) {
		uint64_t min, low;

		sc->memcg = m->memcg[id];
		if (sc->target && !mem_cgroup_is_descendant(sc->memcg, sc->target))
			continue;
		/* shrink_node_memcgs(): memory.min is a wall, memory.low a fence */
		mem_cgroup_calculate_protection(m, sc->target, sc->memcg);
		mem_cgroup_protection(m, sc->target, sc->memcg, &min, &low);
		if (min && min >= sc->memcg->usage)
			continue;			/* mem_cgroup_below_min() */
		if (low && low >= sc->memcg->usage) {	/* mem_cgroup_below_low() */
			if (!sc->memcg_low_reclaim) {
				sc->memcg_low_skipped = true;
				continue;
			}
			memcg_memory_event(sc->memcg, MEMCG_LOW);
		}
		shrink_lruvec(m, sc);
	}
	if (sc->nr_reclaimed > before)
		m->reclaim.kswapd_failures = 0;	/* the node is reclaimable again */
	m->reclaim.in_reclaim--;
}

/* snapshot_refaults(): the refaults a reclaim has seen, for the next one to compare with. */
static void snapshot_refaults(struct machine *m, struct mem_cgroup *target)
{
	struct mem_cgroup *tm = target ? target : m->memcg[0];

	tm->refaults[0] = memcg_lruvec_state(m, tm, WORKINGSET_ACTIVATE_ANON);
	tm->refaults[1] = memcg_lruvec_state(m, tm, WORKINGSET_ACTIVATE_FILE);
}

/* ---- MADV_PAGEOUT ---- */

uint64_t reclaim_pages(struct machine *m, struct task_struct *t, const uint32_t *pfns, size_t n)
{
	struct scan_control sc = {
		.t = t, .may_writepage = true, .ignore_references = true, .memcg = m->memcg[0],
	};
	uint64_t reclaimed = 0, nr_pageout = 0;
	uint32_t batch[SWAP_CLUSTER_MAX];

	m->reclaim.in_reclaim++;
	for (size_t i = 0; i < n; ) {
		size_t k = 0;

		while (k < SWAP_CLUSTER_MAX && i < n)
			batch[k++] = pfns[i++];
		reclaimed += shrink_folio_list(m, &sc, batch, k, &nr_pageout);
	}
	m->reclaim.in_reclaim--;
	return reclaimed;
}

/* ---- direct reclaim ---- */

/*
 * reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK): a reclaimer that freed
 * nothing because every page it met was still being written waits for the
 * first write to end (the kernel's wait is up to HZ/10, cut short as writes
 * complete) and reports progress: the pages can go now.
 */
static uint64_t reclaim_throttle_writeback(struct machine *m, struct task_struct *t)
{
	swap_wait_writeback(m, t);
	return 1;
}

/*
 * do_try_to_free_pages()'s end: nothing reclaimed while groups within
 * their memory.low were passed over ("untapped cgroup reserves? Don't OOM,
 * retry"): once more from the first priority, through memory.low.
 */
static bool low_retry(struct scan_control *sc)
{
	if (sc->nr_reclaimed || !sc->memcg_low_skipped || sc->memcg_low_reclaim)
		return false;
	sc->priority = DEF_PRIORITY;
	sc->memcg_low_reclaim = true;
	sc->memcg_low_skipped = false;
	return true;
}

uint64_t try_to_free_pages(struct machine *m, struct task_struct *t, int order, int highest_zoneidx)
{
	struct scan_control sc = {
		.t = t, .nr_to_reclaim = SWAP_CLUSTER_MAX, .priority = DEF_PRIORITY,
	};

	(void)order;
	if (m->reclaim.in_reclaim)
		return 0;	/* PF_MEMALLOC: reclaim does not recurse */
	count_vm_event(m, highest_zoneidx == ZONE_NORMAL ? ALLOCSTALL_MOVABLE :
			  (enum vm_event_item)(ALLOCSTALL_DMA + highest_zoneidx));
	do {
		shrink_node(m, &sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = true;
	} while (--sc.priority >= 0 || low_retry(&sc));
	snapshot_refaults(m, NULL);
	if (!sc.nr_reclaimed && sc.nr_writeback)
		return reclaim_throttle_writeback(m, t);
	return sc.nr_reclaimed;
}

/* ---- limit reclaim ---- */

uint64_t try_to_free_mem_cgroup_pages(struct machine *m, struct task_struct *t,
				      struct mem_cgroup *memcg, uint64_t nr_pages)
{
	struct scan_control sc = {
		.t = t, .target = memcg, .priority = DEF_PRIORITY, .may_writepage = true,
		.nr_to_reclaim = nr_pages > SWAP_CLUSTER_MAX ? nr_pages : SWAP_CLUSTER_MAX,
	};

	if (m->reclaim.in_reclaim)
		return 0;
	do {
		shrink_node(m, &sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	} while (--sc.priority >= 0 || low_retry(&sc));
	snapshot_refaults(m, memcg);
	if (!sc.nr_reclaimed && sc.nr_writeback)
		return reclaim_throttle_writeback(m, t);	/* v2: throttled as global reclaim is */
	return sc.nr_reclaimed;
}

/* ---- kswapd ---- */

/* pgdat_balanced(): some eligible zone has free pages above its high watermark. */
static bool pgdat_balanced(const struct machine *m, int order, int highest_zoneidx)
{
	for (int i = 0; i <= highest_zoneidx; i++) {
		const struct zone *z = &m->node.node_zones[i];

		if (!z->managed_pages)
			continue;
		if (zone_watermark_ok(z, (unsigned)order, z->watermark[WMARK_HIGH], highest_zoneidx,
				      (uint64_t)z->vm_stat[NR_FREE_PAGES]))
			return true;
	}
	return false;
}

/*
 * One turn of kswapd: one priority pass of balance_pgdat(), or sleep when
 * the node is balanced. Its clock advances by the work it does, on its own
 * CPU, beside the allocating tasks.
 */
static void kswapd_fn(struct machine *m, struct task_struct *t, void *data)
{
	struct reclaim_state_node *rs = &m->reclaim;
	uint64_t before;
	struct scan_control sc = { .t = t, .kswapd = true, .may_writepage = true };

	(void)data;
	swap_complete_writeback(m, t->clock);
	if (pgdat_balanced(m, rs->kswapd_order, rs->kswapd_highest_zoneidx)) {
		if (rs->kswapd_priority)
			snapshot_refaults(m, NULL);	/* balance_pgdat()'s end */
		rs->kswapd_priority = 0;
		kthread_sleep(m, t);
		return;
	}
	if (!rs->kswapd_priority) {
		count_vm_event(m, PAGEOUTRUN);
		rs->kswapd_priority = DEF_PRIORITY;
		rs->kswapd_reclaimed = 0;
	}
	/* kswapd_shrink_node(): aim at the high watermarks of the eligible zones */
	for (int i = 0; i <= rs->kswapd_highest_zoneidx; i++) {
		uint64_t high = m->node.node_zones[i].watermark[WMARK_HIGH];

		if (m->node.node_zones[i].managed_pages)
			sc.nr_to_reclaim += high > SWAP_CLUSTER_MAX ? high : SWAP_CLUSTER_MAX;
	}
	sc.priority = rs->kswapd_priority;
	before = t->clock;
	shrink_node(m, &sc);
	rs->kswapd_reclaimed += sc.nr_reclaimed;
	if (t->clock == before)
		t->clock += m->cost.ns[COST_RECLAIM_PAGE];	/* a pass always takes time */
	/* raise the priority when this pass did not scan its target */
	if (sc.nr_scanned < sc.nr_to_reclaim || !sc.nr_reclaimed)
		rs->kswapd_priority--;
	if (rs->kswapd_priority < 1) {
		/* balance_pgdat() gave up: sleep until the next wakeup */
		if (!rs->kswapd_reclaimed)
			rs->kswapd_failures++;
		snapshot_refaults(m, NULL);
		rs->kswapd_priority = 0;
		kthread_sleep(m, t);
		return;
	}
	if (sc.nr_writeback && !sc.nr_reclaimed)
		reclaim_throttle_writeback(m, t);	/* everything it met is being written */
}

int kswapd_run(struct machine *m)
{
	m->reclaim.kswapd = kthread_create(m, kswapd_fn, NULL, "kswapd0");
	return m->reclaim.kswapd ? 0 : -ENOMEM;
}

void wakeup_kswapd(struct machine *m, int order, int highest_zoneidx, uint64_t when)
{
	struct reclaim_state_node *rs = &m->reclaim;
	struct task_struct *k = rs->kswapd;

	if (!k || rs->kswapd_failures >= MAX_RECLAIM_RETRIES)
		return;
	if (k->state == TASK_BLOCKED && k->blocked_on == BLOCK_KTHREAD) {
		if (pgdat_balanced(m, order, highest_zoneidx))
			return;
		rs->kswapd_order = order;
		rs->kswapd_highest_zoneidx = highest_zoneidx;
		wake_up_process(m, k, when);
	}
}
