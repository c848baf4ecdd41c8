/*
 * page-writeback.c - dirty page-cache pages and their writeback
 * (mm/page-writeback.c, fs/fs-writeback.c).
 *
 * A write(2), or a store through a shared file mapping (page_mkwrite, or
 * zap/unmap finding the PTE dirty), makes a page dirty (folio_mark_dirty:
 * Dirty in meminfo, nr_dirtied, the inode dirtied_when its first page
 * was). Dirty pages go back to disk:
 *   - by the flusher, a kernel thread: every dirty_writeback_centisecs
 *     (5 s) it writes the inodes dirtied more than dirty_expire_centisecs
 *     (30 s) ago (wb_check_old_data_flush), and whatever it takes to bring
 *     Dirty below the background threshold when it is above it
 *     (wb_check_background_flush), and everything when asked (sync,
 *     reclaim finding dirty pages: wakeup_flusher_threads);
 *   - by fsync/sync (filemap_write_and_wait), which wait for the writes;
 *   - never by reclaim itself: since 6.16 shrink_folio_list() does not
 *     write file folios (->writepage is gone); it marks them PG_reclaim,
 *     keeps them, and wakes the flusher.
 * A writer past the dirty threshold is throttled (balance_dirty_pages):
 * it sleeps until the disk has written enough of what is dirty. The
 * thresholds are dirty_background_ratio and dirty_ratio of the dirtyable
 * memory (free pages above the reserves plus the file LRU pages,
 * global_dirtyable_memory).
 *
 * Writing a page: folio_clear_dirty_for_io() write-protects its shared
 * PTEs (page_mkclean: the next store faults and dirties it again), its
 * content goes to disk[] at submission, it is under writeback until the
 * disk is done (COST_DISK_WRITE_PAGE a page, runs of adjacent pages one
 * request), in page_io.c's ring of writes in flight, which holds a
 * reference so that a page truncated meanwhile lives until its write ends.
 */
#include "internal.h"

#define WB_MAX_RUN	256	/* pages per write request (max_sectors_kb 1280: 1 MiB) */

static uint64_t now_of(const struct machine *m, const struct task_struct *t)
{
	if (t)
		return t->clock;
	return m->current ? m->current->clock : m->now;
}

static uint64_t centisecs(int cs)
{
	return (uint64_t)cs * 10000000ULL;
}

void folio_mark_dirty(struct machine *m, struct page *page)
{
	struct address_space *as = page->mapping;

	if (PageFlag(page, PG_dirty))
		return;
	SetPageFlag(page, PG_dirty);
	if (PageFlag(page, PG_anon) || !as || as->shmem)
		return;		/* anon, shmem: noop_dirty_folio(), no file to write back to */
	mod_lruvec_page_state(m, page, NR_FILE_DIRTY, 1);
	mod_zone_page_state(m, page_to_pfn(m, page), NR_ZONE_WRITE_PENDING, 1);
	mod_node_page_state(m, NR_DIRTIED, 1);
	if (!as->nr_dirty++) {
		/* __mark_inode_dirty(): the inode goes on the dirty list, the flusher is armed */
		as->dirtied_when = now_of(m, NULL);
		if (!m->flusher_next)
			m->flusher_next = as->dirtied_when + centisecs(m->cfg.dirty_writeback_centisecs);
	}
}

/* page_mkclean_one(): write-protect and clean one shared PTE of the page. */
static bool mkclean_one(struct machine *m, struct page *page, struct vm_area_struct *vma,
			uint64_t addr, pte_t *ptep, void *arg)
{
	(void)page;
	(void)arg;
	if (!(vma->vm_flags & VM_SHARED) || !(*ptep & (_PAGE_RW | _PAGE_DIRTY)))
		return true;
	*ptep &= ~(_PAGE_RW | _PAGE_DIRTY);
	flush_tlb_page(m, vma->vm_mm, addr, NULL);
	return true;
}

/* folio_clear_dirty_for_io(): clean the page for its write. */
static void folio_clear_dirty_for_io(struct machine *m, struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = mkclean_one };

	if (page->mapcount)
		rmap_walk(m, page, &rwc);
	ClearPageFlag(page, PG_dirty);
	mod_lruvec_page_state(m, page, NR_FILE_DIRTY, -1);
	page->mapping->nr_dirty--;
}

/* Write the run [idx, idx + n) of dirty pages as one request at now; when it ends. */
static uint64_t write_run(struct machine *m, struct address_space *as, uint64_t idx, uint64_t n,
			  uint64_t now)
{
	uint64_t done = disk_write_request(m, now, n);

	for (uint64_t i = idx; i < idx + n; i++) {
		struct page *page = pfn_to_page(m, as->pages[i]);

		folio_clear_dirty_for_io(m, page);
		as->disk[i] = page->value;
		done = folio_start_writeback(m, page, done);
		mod_node_page_state(m, NR_WRITTEN, 1);
	}
	count_vm_events(m, PGPGOUT, n * (PAGE_SIZE >> 10));
	return done;
}

/*
 * writeback_inode(): submit every dirty page of the file not already being
 * written, adjacent ones together (write_cache_pages). Returns when the
 * last write submitted ends (0: none).
 */
static uint64_t writeback_inode(struct machine *m, struct address_space *as, uint64_t now)
{
	uint64_t last = 0, run = 0, n = 0;

	for (uint64_t i = 0; i < as->size && as->nr_dirty; i++) {
		struct page *page = as->pages[i] == PFN_NONE ? NULL : pfn_to_page(m, as->pages[i]);
		bool take = page && PageFlag(page, PG_dirty) && !PageFlag(page, PG_writeback);

		if (take && n && run + n == i && n < WB_MAX_RUN) {
			n++;
			continue;
		}
		if (n)
			last = write_run(m, as, run, n, now);
		run = i;
		n = take;
	}
	if (n)
		last = write_run(m, as, run, n, now);
	return last;
}

void filemap_write_and_wait(struct machine *m, struct task_struct *t, struct address_space *as)
{
	uint64_t now = now_of(m, t), until = writeback_inode(m, as, now);
	uint64_t inflight = writeback_last_done(m, as);

	if (inflight > until)
		until = inflight;	/* writes the flusher had started */
	if (!until)
		return;
	if (t) {
		if (t->clock < until)
			t->clock = until;	/* asleep in filemap_fdatawait: no CPU time */
		swap_complete_writeback(m, t->clock);
	} else {
		if (m->now < until)
			m->now = until;
		swap_complete_writeback(m, until);
	}
}

void global_dirty_limits(const struct machine *m, uint64_t *background, uint64_t *dirty)
{
	int64_t avail = (int64_t)nr_free_pages(m) - (int64_t)m->node.totalreserve_pages;
	uint64_t dirtyable;

	if (avail < 0)
		avail = 0;
	dirtyable = (uint64_t)avail + (uint64_t)node_page_state(m, NR_ACTIVE_FILE) +
		    (uint64_t)node_page_state(m, NR_INACTIVE_FILE);
	*dirty = dirtyable * (uint64_t)m->cfg.dirty_ratio / 100;
	*background = dirtyable * (uint64_t)m->cfg.dirty_background_ratio / 100;
	if (*background >= *dirty)
		*background = *dirty / 2;
}

/*
 * wb_workfn(): one round of the flusher: everything when asked, the
 * expired inodes, and enough for the background threshold; then it sleeps,
 * its timer armed again while anything is dirty.
 */
static void wb_workfn(struct machine *m, struct task_struct *t, void *data)
{
	uint64_t bg, thresh, expire = centisecs(m->cfg.dirty_expire_centisecs);

	(void)data;
	global_dirty_limits(m, &bg, &thresh);
	swap_complete_writeback(m, t->clock);
	for (int i = 0; i < m->nr_files; i++) {
		struct address_space *as = m->files[i];

		if (!as || as->shmem || !as->nr_dirty)
			continue;
		if (m->flusher_all || (uint64_t)node_page_state(m, NR_FILE_DIRTY) > bg ||
		    t->clock - as->dirtied_when >= expire) {
			charge_n(m, t, COST_RECLAIM_PAGE, as->nr_dirty, false);
			writeback_inode(m, as, t->clock);
		}
	}
	m->flusher_all = false;
	m->flusher_next = node_page_state(m, NR_FILE_DIRTY) ?
			  t->clock + centisecs(m->cfg.dirty_writeback_centisecs) : 0;
	kthread_sleep(m, t);
}

int flusher_run(struct machine *m)
{
	m->flusher = kthread_create(m, wb_workfn, NULL, "kworker/u8:flush");
	return m->flusher ? 0 : -ENOMEM;
}

void wakeup_flusher_threads(struct machine *m, uint64_t when)
{
	m->flusher_all = true;
	wake_up_process(m, m->flusher, when);
}

void balance_dirty_pages_ratelimited(struct machine *m, struct task_struct *t)
{
	uint64_t bg, thresh;

	global_dirty_limits(m, &bg, &thresh);
	if ((uint64_t)node_page_state(m, NR_FILE_DIRTY) > bg)
		wake_up_process(m, m->flusher, t->clock);	/* background writeback */
	/* over the limit: sleep while the disk writes (the kernel paces the writer) */
	while ((uint64_t)(node_page_state(m, NR_FILE_DIRTY) + node_page_state(m, NR_WRITEBACK)) >
	       thresh) {
		if (!node_page_state(m, NR_WRITEBACK)) {
			for (int i = 0; i < m->nr_files; i++)
				if (m->files[i] && !m->files[i]->shmem && m->files[i]->nr_dirty)
					writeback_inode(m, m->files[i], t->clock);
			if (!node_page_state(m, NR_WRITEBACK))
				return;
		}
		swap_wait_writeback(m, t);
	}
}

/*
 * folio_end_writeback() for a file page: the write ended. One reclaim
 * marked goes to the inactive tail (folio_rotate_reclaimable); the
 * queue's reference goes, freeing a page truncated meanwhile.
 */
void file_end_writeback(struct machine *m, struct page *page)
{
	ClearPageFlag(page, PG_writeback);
	mod_lruvec_page_state(m, page, NR_WRITEBACK, -1);
	mod_zone_page_state(m, page_to_pfn(m, page), NR_ZONE_WRITE_PENDING, -1);
	if (PageFlag(page, PG_reclaim)) {
		ClearPageFlag(page, PG_reclaim);
		if (page->mapping && PageFlag(page, PG_lru))
			folio_rotate_reclaimable(m, page);
	}
	put_page(m, page);
}
