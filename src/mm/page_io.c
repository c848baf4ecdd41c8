/*
 * page_io.c - writing pages to swap (mm/page_io.c), and the queue of writes
 * in flight that file writeback shares (mm/page-writeback.c's
 * folio_end_writeback).
 *
 * Reclaim's pageout() starts the write of a swap-cache page and goes on:
 * the write is asynchronous (a block device, not zram), so the page stays
 * in the swap cache under writeback (Writeback in meminfo) and reclaim
 * puts it back on its list. The device writes one page in
 * COST_SWAP_WRITE_PAGE, in the order the writes were queued; when a write
 * ends (folio_end_writeback), the page marked PG_reclaim moves to the tail
 * of the inactive list (pgrotated), where the next scan frees it: clean,
 * in the swap cache, mapped by nobody. That is why one MADV_PAGEOUT leaves
 * its pages in SwapCached and a read straight after it faults minor
 * (measured on 6.18: 2560 pages paged out, 2560 SwapCached, 2560 minor
 * faults to read them back).
 *
 * Writes in flight sit in a ring ordered by completion time; they end
 * when a task's clock passes that time (at each turn of the run loop and
 * at each reclaim), never out of order. The device takes SWAP_MAX_INFLIGHT
 * pages at a time: its 128 request tags (virtio-blk here, blk-mq's
 * nr_tags), each request the up to 32 adjacent slots of one reclaim batch
 * merged by the plug. A writer that finds them all busy sleeps until the
 * oldest write ends (blk_mq_get_tag()), so reclaim cannot run ahead of
 * the disk by more than that.
 */
#include <stdlib.h>
#include "internal.h"

#define SWAP_MAX_INFLIGHT	(128 * SWAP_CLUSTER_MAX)

static int wb_push(struct machine *m, uint32_t pfn, uint64_t done)
{
	if (m->wb_nr == m->wb_cap) {
		size_t cap = m->wb_cap ? m->wb_cap * 2 : 256;
		struct wb_pending *n = malloc(cap * sizeof(*n));

		if (!n)
			return -1;
		for (size_t i = 0; i < m->wb_nr; i++)
			n[i] = m->wb[(m->wb_head + i) % m->wb_cap];
		free(m->wb);
		m->wb = n;
		m->wb_cap = cap;
		m->wb_head = 0;
	}
	m->wb[(m->wb_head + m->wb_nr) % m->wb_cap] = (struct wb_pending){ pfn, done };
	m->wb_nr++;
	return 0;
}

/* folio_end_writeback(): the write ended; a page reclaim is waiting for goes first in line. */
static void folio_end_writeback(struct machine *m, struct page *page)
{
	swp_entry_t e = { page->private };

	if (!PageFlag(page, PG_swapcache)) {
		file_end_writeback(m, page);
		return;
	}

	ClearPageFlag(page, PG_writeback);
	mod_lruvec_page_state(m, page, NR_WRITEBACK, -1);
	mod_zone_page_state(m, page_to_pfn(m, page), NR_ZONE_WRITE_PENDING, -1);
	if (PageFlag(page, PG_reclaim)) {
		ClearPageFlag(page, PG_reclaim);
		folio_rotate_reclaimable(m, page);
	}
	/*
	 * A page whose every swap PTE went while it was written (munmap, exit):
	 * free_swap_and_cache() could not take it under writeback. The kernel
	 * leaves it to reclaim, which frees it at its next scan (clean, unmapped,
	 * in the swap cache); vmlab frees it now, the write being its last use,
	 * so SwapCached drops when the write ends rather than at that scan.
	 */
	if (!page->mapcount && !PageFlag(page, PG_locked) && !swap_count(m, e)) {
		page->refcount++;
		folio_free_swap(m, page);
		put_page(m, page);
	}
}

/* The queue completes in order: a write cannot end before the one queued before it. */
static uint64_t wb_in_order(const struct machine *m, uint64_t done)
{
	if (m->wb_nr) {
		uint64_t last = m->wb[(m->wb_head + m->wb_nr - 1) % m->wb_cap].done;

		if (done < last)
			done = last;
	}
	return done;
}

/*
 * folio_start_writeback() for a file page: under writeback until done (or
 * later, in queue order: the time it ends is returned), the queue holding
 * a reference (see page-writeback.c).
 */
uint64_t folio_start_writeback(struct machine *m, struct page *page, uint64_t done)
{
	done = wb_in_order(m, done);
	SetPageFlag(page, PG_writeback);
	mod_lruvec_page_state(m, page, NR_WRITEBACK, 1);
	page->refcount++;
	if (wb_push(m, (uint32_t)page_to_pfn(m, page), done))
		file_end_writeback(m, page);	/* no host memory to queue it: done at once */
	return done;
}

/* When the last write in flight of a file's pages ends (0: none). */
uint64_t writeback_last_done(const struct machine *m, const struct address_space *as)
{
	uint64_t last = 0;

	for (size_t i = 0; i < m->wb_nr; i++) {
		const struct wb_pending *w = &m->wb[(m->wb_head + i) % m->wb_cap];

		if (m->mem_map[w->pfn].mapping == as && w->done > last)
			last = w->done;
	}
	return last;
}

void swap_complete_writeback(struct machine *m, uint64_t now)
{
	while (m->wb_nr && m->wb[m->wb_head].done <= now) {
		uint32_t pfn = m->wb[m->wb_head].pfn;

		m->wb_head = (m->wb_head + 1) % m->wb_cap;
		m->wb_nr--;
		folio_end_writeback(m, pfn_to_page(m, pfn));
	}
}

/*
 * t sleeps until the oldest write in flight ends (a sleep, not CPU time:
 * blk_mq_get_tag() and reclaim_throttle() schedule out), and the writes
 * done by then end.
 */
void swap_wait_writeback(struct machine *m, struct task_struct *t)
{
	if (m->wb_nr && m->wb[m->wb_head].done > t->clock)
		t->clock = m->wb[m->wb_head].done;
	swap_complete_writeback(m, t->clock);
}

/*
 * swap_writepage(): the page's content goes to its slot; it is clean and
 * under writeback until the device is done (pswpout and pgpgout now, as
 * the kernel counts at submission).
 */
void swap_writepage(struct machine *m, struct task_struct *t, struct page *page)
{
	swp_entry_t e = { page->private };
	struct swap_info_struct *si = swp_info(m, e);
	uint64_t start, done;

	if (m->wb_nr >= SWAP_MAX_INFLIGHT)
		swap_wait_writeback(m, t);	/* every tag is busy */
	start = t->clock > si->busy_until ? t->clock : si->busy_until;
	done = wb_in_order(m, start + m->cost.ns[COST_SWAP_WRITE_PAGE]);
	charge(m, t, COST_PAGEOUT, false);
	si->value[swp_offset(e)] = page->value;
	ClearPageFlag(page, PG_dirty);
	SetPageFlag(page, PG_reclaim);
	count_vm_event(m, PSWPOUT);
	count_vm_events(m, PGPGOUT, PAGE_SIZE >> 10);
	if (wb_push(m, (uint32_t)page_to_pfn(m, page), done)) {
		/* no host memory to queue it: the write completes at once */
		ClearPageFlag(page, PG_reclaim);
		return;
	}
	si->busy_until = done;
	SetPageFlag(page, PG_writeback);
	mod_lruvec_page_state(m, page, NR_WRITEBACK, 1);
	mod_zone_page_state(m, page_to_pfn(m, page), NR_ZONE_WRITE_PENDING, 1);
}
