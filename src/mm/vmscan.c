/*
 * vmscan.c - the LRU lists (mm/vmscan.c, mm/swap.c, include/linux/mm_inline.h).
 *
 * Every evictable user page sits on one of four lists of the node's lruvec
 * (inactive/active x anon/file) or on the unevictable list. New anonymous and
 * page-cache folios enter the inactive lists (folio_add_lru(); anon has since
 * 5.9). The counters nr_{in,}active_{anon,file} and their per-zone twins
 * follow every move. Reclaim (shrink_folio_list, kswapd) arrives with the
 * memory-pressure work; this file already keeps the lists it will scan.
 *
 * A list links pages by pfn through page->lru_next/lru_prev: adding,
 * removing and rotating are O(1) array operations.
 */
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

	mod_node_page_state(m, lru_node_item[lru], nr);
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
	pfn_list_add(m, &m->node.lruvec.lists[lru], pfn, false);
	update_lru_size(m, page, lru, +1);
}

void lruvec_del_folio(struct machine *m, struct page *page)
{
	uint32_t pfn = (uint32_t)page_to_pfn(m, page);
	enum lru_list lru = (enum lru_list)page->lru;

	pfn_list_del(m, &m->node.lruvec.lists[lru], pfn);
	update_lru_size(m, page, lru, -1);
	ClearPageFlag(page, PG_lru);
	ClearPageFlag(page, PG_active);
	ClearPageFlag(page, PG_unevictable);
	page->lru = LRU_NONE;
}
