/*
 * filemap.c - the page cache and file faults (mm/filemap.c, mm/memory.c's
 * do_fault_around and finish_fault, mm/truncate.c).
 *
 * A file's cached pages live in its address_space, an array of frame
 * numbers by page index. Pages come in folios: readahead and write(2)
 * allocate 2^order contiguous frames for 2^order consecutive, naturally
 * aligned indexes (page_cache_ra_order, fgf_set_order), and fault-around
 * and reclaim see the folio the page belongs to. vmlab keeps each frame of
 * a folio an order-0 page of its own (split_page: own refcount, mapcount
 * and LRU place) and records the folio in folio_order[]; what a folio
 * decides in Linux - which PTEs one fault maps, the PG_readahead mark, the
 * I/O that reads it - is decided here by the folio. Reclaim takes a folio's
 * pages one by one; the first to go splits what remains of the folio into
 * order-0 pages (Linux reclaims the folio whole: one difference, in
 * when the rest of it goes).
 *
 * A read fault (reference/linux-mm.md §1.6) first maps what is cached
 * around the address (do_fault_around: a 16-PTE window aligned in the
 * virtual address space, clipped to the VMA, the page table and EOF;
 * filemap_map_pages skips folios still being read and the PG_readahead
 * folio; on 6.18 a large folio wholly inside the VMA and the page table is
 * mapped whole). If that mapped the faulting address, the fault is done: a
 * minor fault for up to 16 or more pages. Else ->fault, filemap_fault():
 *   - page cached: minor; a PG_readahead folio starts async readahead;
 *   - not cached: PGMAJFAULT and do_sync_mmap_readahead(): MADV_RANDOM
 *     reads only the page, MADV_SEQUENTIAL the sequential window, the
 *     default "read-around" ra_pages around the index (unless mmap_miss
 *     passed MMAP_LOTSAMISS);
 *   - whenever the fault had to wait for I/O it drops the lock and returns
 *     VM_FAULT_RETRY, and the retry (FAULT_FLAG_TRIED after a major
 *     attempt, so it counts major, x86 do_user_addr_fault) does the
 *     fault-around again: a cold major fault maps 16 pages too.
 * A page whose read is in flight carries its completion time in
 * page->private: who needs it before then waits (folio_wait_locked).
 */
#include <stdlib.h>
#include "internal.h"

#define FAULT_AROUND_PAGES	16	/* fault_around_bytes / PAGE_SIZE */
#define MMAP_LOTSAMISS		100

/* ---- adding and removing pages ---- */

struct page *filemap_add_new_folio(struct machine *m, struct task_struct *t,
				   struct address_space *as, uint64_t idx, unsigned order, bool read)
{
	uint64_t n = 1ULL << order;
	struct page *p = alloc_pages(m, GFP_HIGHUSER_MOVABLE, order);

	if (!p)
		return NULL;
	split_page(m, p, order);
	for (uint64_t i = 0; i < n; i++) {
		if (mem_cgroup_charge(m, &p[i], t ? t->mm : NULL, 1)) {
			for (uint64_t j = 0; j < n; j++)
				put_page(m, &p[j]);
			return NULL;
		}
	}
	for (uint64_t i = 0; i < n; i++) {
		struct page *page = &p[i];

		page->mapping = as;
		page->index = idx + i;
		SetPageFlag(page, PG_locked);	/* until read or written: reclaim keeps off */
		as->pages[idx + i] = (uint32_t)page_to_pfn(m, page);
		as->folio_order[idx + i] = (uint8_t)order;
		as->nrpages++;
		mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
		if (as->shadows && as->shadows[idx + i]) {
			/* filemap_add_folio(): a refault, unless it is a write's (__GFP_WRITE) */
			uint32_t shadow = as->shadows[idx + i];

			as->shadows[idx + i] = 0;
			if (read && workingset_refault(m, page, shadow)) {
				folio_add_lru(m, page, LRU_ACTIVE_FILE);
				continue;
			}
		}
		folio_add_lru(m, page, LRU_INACTIVE_FILE);
	}
	if (t)
		charge_n(m, t, COST_PAGECACHE_ADD, n, false);
	return p;
}

/*
 * __filemap_remove_folio() for one page: out of the cache, the cache's
 * reference dropped, shadow (if not 0: reclaim's workingset entry) left
 * in its place. What is left of a large folio becomes order-0 pages (see
 * the top of the file). The caller made sure nothing maps it.
 */
void __filemap_remove_page(struct machine *m, struct page *page, uint32_t shadow)
{
	struct address_space *as = page->mapping;
	uint64_t idx = page->index;

	if (shadow && !as->shadows)
		as->shadows = calloc(as->size, sizeof(*as->shadows));
	if (as->shadows)
		as->shadows[idx] = shadow;	/* no host memory: no shadow, as if reclaimed away */
	VM_BUG_ON(m, page->mapcount, "a mapped page left the page cache");
	if (folio_order_at(as, idx)) {
		uint64_t head = folio_index_at(as, idx), n = 1ULL << folio_order_at(as, idx);
		struct page *hp = cache_page(m, as, head);

		if (hp && PageFlag(hp, PG_readahead) && head != idx)
			ClearPageFlag(hp, PG_readahead);
		for (uint64_t i = head; i < head + n; i++)
			as->folio_order[i] = 0;
	}
	if (PageFlag(page, PG_dirty)) {
		/* truncation of a dirty page: account_page_cleaned() */
		ClearPageFlag(page, PG_dirty);
		if (!as->shmem) {
			mod_lruvec_page_state(m, page, NR_FILE_DIRTY, -1);
			mod_zone_page_state(m, page_to_pfn(m, page), NR_ZONE_WRITE_PENDING, -1);
			as->nr_dirty--;
		}
	}
	ClearPageFlag(page, PG_readahead);
	as->pages[idx] = PFN_NONE;
	as->nrpages--;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
	if (as->shmem)
		mod_lruvec_page_state(m, page, NR_SHMEM, -1);
	page->mapping = NULL;
	put_page(m, page);
}

void filemap_remove_page(struct machine *m, struct page *page)
{
	__filemap_remove_page(m, page, 0);
}

/*
 * truncate_inode_pages_range(): every page from index from goes. Nothing
 * maps them (the inode's last holder went, or the caller unmapped them);
 * a page under writeback leaves the cache now and is freed when its write
 * ends (the write holds a reference).
 */
void truncate_inode_pages(struct machine *m, struct address_space *as, uint64_t from)
{
	for (uint64_t i = from; i < as->size && as->nrpages; i++) {
		struct page *page = cache_page(m, as, i);

		if (page)
			filemap_remove_page(m, page);
	}
	for (uint64_t i = from; as->shadows && i < as->size; i++)
		as->shadows[i] = 0;		/* the shadow entries go with the pages */
}

/*
 * invalidate_mapping_pages() (drop_caches, POSIX_FADV_DONTNEED): drop each
 * page that is clean, unmapped, not under writeback nor being read, and
 * held by nothing but the cache (mapping_evict_folio).
 */
uint64_t invalidate_mapping_pages(struct machine *m, struct address_space *as)
{
	uint64_t n = 0;

	if (as->shmem)
		return 0;	/* shmem's pages are its data: nothing to drop */
	for (uint64_t i = 0; as->shadows && i < as->size; i++)
		as->shadows[i] = 0;	/* invalidate_exceptional_entry() */
	for (uint64_t i = 0; i < as->size && as->nrpages; i++) {
		struct page *page = cache_page(m, as, i);

		if (!page || page->mapcount || page->refcount != 1 ||
		    PageFlag(page, PG_dirty) || PageFlag(page, PG_writeback) ||
		    PageFlag(page, PG_locked) || folio_read_pending(page, m->now))
			continue;
		filemap_remove_page(m, page);
		n++;
	}
	return n;
}

/* ---- fault-around ---- */

/* Is the cached folio at head (2^order pages) usable now: read, unlocked, unmarked? */
static bool folio_mappable(const struct page *hp, uint64_t now)
{
	return !PageFlag(hp, PG_readahead) && !PageFlag(hp, PG_locked) &&
	       !folio_read_pending(hp, now);
}

/* Does the folio [head, head + n) lie in the VMA and in one page table? */
static bool folio_fits_pmd(const struct vm_area_struct *vma, uint64_t head, uint64_t n)
{
	uint64_t addr;

	if (head < vma->vm_pgoff)
		return false;
	addr = vma->vm_start + ((head - vma->vm_pgoff) << PAGE_SHIFT);
	if (addr < vma->vm_start || addr + (n << PAGE_SHIFT) > vma->vm_end)
		return false;
	return (addr & PMD_MASK) == ((addr + (n << PAGE_SHIFT) - 1) & PMD_MASK);
}

/* The time to map n PTEs of one folio: the folio's first (shmem's own figure), then the batch. */
static void charge_folio_map(struct machine *m, struct task_struct *t, const struct address_space *as,
			     uint64_t n)
{
	charge(m, t, as->shmem ? COST_FAULT_AROUND_PTE : COST_FILE_MAP_FOLIO, false);
	charge_n(m, t, COST_MAP_PTE_BATCH, n - 1, false);
}

/* Map the cached page idx at its address in vmf's page table, if its PTE is empty. */
static bool map_one(struct machine *m, struct vm_fault *vmf, struct address_space *as,
		    uint64_t idx, bool write)
{
	struct vm_area_struct *vma = vmf->vma;
	uint64_t addr = vma->vm_start + ((idx - vma->vm_pgoff) << PAGE_SHIFT);
	pte_t *ptep = vmf->pte - pte_index(vmf->address) + pte_index(addr);

	if (!pte_none(*ptep))
		return false;
	map_file_page(m, vma, ptep, cache_page(m, as, idx), write);
	return true;
}

/*
 * Does 6.18 map this large folio whole? When it fits the VMA and one page
 * table; for fault-around (filemap_map_folio_range) also only when it ends
 * before EOF or is shmem's (the can_map_large test of "mm/memory: do not
 * populate page table entries beyond i_size"), a PMD-sized folio excepted:
 * it goes through filemap_map_pmd, which 6.18.44 does not stop at EOF
 * (vmlab maps it with 512 PTEs: the same single fault, a page table the
 * kernel does without, FilePmdMapped 0). finish_fault() has no EOF test.
 * Measured on 6.18.44, 100 MiB files read one byte a page: 128 KiB folios:
 * 804 faults read (the last folio, ending at EOF, in two), 800 for a
 * write-first through MAP_SHARED; 2 MiB folios: 454, the last one in one.
 */
static bool map_folio_whole(const struct machine *m, const struct vm_area_struct *vma,
			    const struct address_space *as, uint64_t head, unsigned order,
			    bool fault_around)
{
	uint64_t n = 1ULL << order;

	if (!order || !m->kprof.faultaround_large_folio || !folio_fits_pmd(vma, head, n))
		return false;
	return !fault_around || as->shmem || order == PMD_SHIFT - PAGE_SHIFT ||
	       file_pages(as) - 1 >= head + n;
}

/*
 * filemap_map_pages(): map the cached folios of [start_idx, end_idx] that
 * are ready (next_uptodate_folio), up to EOF; a large folio whole where
 * map_folio_whole() says so. Pages mapped lower the file's mmap_miss.
 */
uint64_t filemap_map_pages(struct machine *m, struct vm_fault *vmf, uint64_t start_idx,
			   uint64_t end_idx)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *as = vma->vm_file->f_mapping;
	uint64_t now = vmf->task->clock, mapped = 0, npages = file_pages(as);

	if (!npages)
		return 0;
	if (end_idx > npages - 1)
		end_idx = npages - 1;
	for (uint64_t idx = start_idx; idx <= end_idx;) {
		uint64_t head, n, from, to;
		struct page *hp;

		if (as->pages[idx] == PFN_NONE) {
			idx++;
			continue;
		}
		head = folio_index_at(as, idx);
		n = 1ULL << folio_order_at(as, idx);
		hp = cache_page(m, as, head);
		if (!folio_mappable(hp, now)) {
			idx = head + n;
			continue;
		}
		from = idx;
		to = head + n - 1 < end_idx ? head + n - 1 : end_idx;
		if (map_folio_whole(m, vma, as, head, folio_order_at(as, idx), true)) {
			from = head;
			to = head + n - 1;
		}
		uint64_t before = mapped;

		for (uint64_t i = from; i <= to; i++)
			mapped += map_one(m, vmf, as, i, false);
		if (mapped > before)	/* set_pte_range(): a folio's PTEs in one batch */
			charge_folio_map(m, vmf->task, as, mapped - before);
		idx = head + n;
	}
	if (!as->shmem) {
		struct file_ra_state *ra = &vma->vm_file->f_ra;

		ra->mmap_miss -= mapped < ra->mmap_miss ? (uint32_t)mapped : ra->mmap_miss;
	}
	return mapped;
}

/*
 * do_fault_around(): returns VM_FAULT_NOPAGE if the faulting address is now
 * mapped, else 0 (the caller goes on to ->fault()).
 */
unsigned do_fault_around(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	uint64_t addr = vmf->address;
	uint64_t pte_off = pte_index(addr);
	uint64_t vma_off = (addr - vma->vm_start) >> PAGE_SHIFT;
	uint64_t vma_pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	uint64_t pgoff = vmf->pgoff;
	uint64_t from_pte, to_pte;

	from_pte = pte_off & ~(uint64_t)(FAULT_AROUND_PAGES - 1);
	if (pte_off - (pte_off < vma_off ? pte_off : vma_off) > from_pte)
		from_pte = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	to_pte = from_pte + FAULT_AROUND_PAGES;
	if (to_pte > PTRS_PER_TABLE)
		to_pte = PTRS_PER_TABLE;
	if (to_pte > pte_off + vma_pages - vma_off)
		to_pte = pte_off + vma_pages - vma_off;
	to_pte--;
	vma->vm_ops->map_pages(m, vmf, pgoff + from_pte - pte_off, pgoff + to_pte - pte_off);
	return pte_none(*vmf->pte) ? 0 : VM_FAULT_NOPAGE;
}

/*
 * finish_fault() -> set_pte_range(): map vmf->page, and on 6.18 the whole
 * file folio with it where map_folio_whole() allows and its PTEs are all
 * empty ("mm/fault: try to map the entire file folio"). Returns the pages
 * mapped.
 */
uint64_t finish_fault_folio(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *as = vma->vm_file->f_mapping;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	uint64_t head = folio_index_at(as, vmf->pgoff);
	uint64_t n = 1ULL << folio_order_at(as, vmf->pgoff);

	if (map_folio_whole(m, vma, as, head, folio_order_at(as, vmf->pgoff), false)) {
		uint64_t first = vma->vm_start + ((head - vma->vm_pgoff) << PAGE_SHIFT);
		pte_t *ptep = vmf->pte - pte_index(vmf->address) + pte_index(first);
		bool empty = true;

		for (uint64_t i = 0; i < n && empty; i++)
			empty = pte_none(ptep[i]);
		if (empty) {
			for (uint64_t i = head; i < head + n; i++)
				map_one(m, vmf, as, i, write);
			charge_n(m, vmf->task, COST_MAP_PTE_BATCH, n - 1, false);
			return n;
		}
	}
	map_file_page(m, vma, vmf->pte, vmf->page, write);
	return 1;
}

/* ---- filemap_fault ---- */

/*
 * do_sync_mmap_readahead(): a fault missed the cache. True if readahead
 * was started (the lock is dropped for the I/O: the fault retries).
 */
static bool do_sync_mmap_readahead(struct machine *m, struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file;
	struct file_ra_state *ra = &f->f_ra;
	uint32_t vm_flags = vmf->vma->vm_flags;

	if (vm_flags & VM_RAND_READ || !ra->ra_pages)
		return false;
	if (vm_flags & VM_SEQ_READ) {
		page_cache_sync_ra(m, vmf->task, f, vmf->pgoff, ra->ra_pages);
		return true;
	}
	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (ra->mmap_miss > MMAP_LOTSAMISS)
		return false;	/* it misses much more than it hits: readahead would only hurt */
	/* mmap read-around */
	ra->start = vmf->pgoff > ra->ra_pages / 2 ? vmf->pgoff - ra->ra_pages / 2 : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	ra->order = 0;
	page_cache_ra_order(m, vmf->task, f, ra->start);
	return true;
}

/*
 * do_async_mmap_readahead(): a fault hit the cache. A PG_readahead folio
 * pushes the window on (true: I/O started, the fault retries).
 */
static bool do_async_mmap_readahead(struct machine *m, struct vm_fault *vmf, uint64_t head)
{
	struct file *f = vmf->vma->vm_file;
	struct file_ra_state *ra = &f->f_ra;
	struct page *hp = cache_page(m, f->f_mapping, head);

	if (vmf->vma->vm_flags & VM_RAND_READ || !ra->ra_pages)
		return false;
	if (ra->mmap_miss)
		ra->mmap_miss--;
	if (!PageFlag(hp, PG_readahead))
		return false;
	page_cache_async_ra(m, vmf->task, f, vmf->pgoff, head, ra->ra_pages);
	return true;
}

bool folio_wait_read(struct task_struct *t, const struct page *page)
{
	if (!folio_read_pending(page, t->clock))
		return false;
	t->clock = page->private;	/* asleep on the folio lock: no CPU time */
	return true;
}

/*
 * filemap_fault(), the ->fault of file VMAs: the page at vmf->pgoff,
 * minor when cached, major when it has to be read. Returns with
 * VM_FAULT_RETRY (the caller faults again) whenever it waited for I/O on
 * its first attempt.
 */
static unsigned filemap_fault(struct machine *m, struct vm_fault *vmf)
{
	struct file *f = vmf->vma->vm_file;
	struct address_space *as = f->f_mapping;
	struct task_struct *t = vmf->task;
	uint64_t idx = vmf->pgoff;
	bool dropped = false, first = !(vmf->flags & FAULT_FLAG_RETRIED);
	unsigned ret = 0;
	struct page *page;

	if (idx >= file_pages(as))
		return VM_FAULT_SIGBUS;
	page = cache_page(m, as, idx);
	if (page) {
		if (first)
			dropped = do_async_mmap_readahead(m, vmf, folio_index_at(as, idx));
		vmf->what = "file: page from cache";
	} else {
		count_vm_event(m, PGMAJFAULT);
		ret = VM_FAULT_MAJOR;
		dropped = do_sync_mmap_readahead(m, vmf);
		page = cache_page(m, as, idx);
		if (!page) {
			/* __filemap_get_folio(FGP_CREAT), then filemap_read_folio() */
			page = filemap_add_new_folio(m, t, as, idx, 0, true);
			if (!page)
				return VM_FAULT_OOM;
			read_pages(m, t, as, idx, 1);
			dropped = true;
		}
		vmf->what = "file: read from disk";
	}
	if (folio_wait_read(t, page))
		dropped = true;	/* lock_folio_maybe_drop_mmap() */
	if (dropped && first)
		return ret | VM_FAULT_RETRY;
	vmf->page = page;
	charge(m, t, COST_FILE_FAULT, false);
	return ret;
}

/* filemap_page_mkwrite(): a shared mapping's write is about to dirty the folio. */
static void filemap_page_mkwrite(struct machine *m, struct vm_fault *vmf)
{
	struct address_space *as = vmf->vma->vm_file->f_mapping;
	struct page *page = vmf->page;
	uint64_t head = folio_index_at(as, page->index);
	uint64_t n = 1ULL << folio_order_at(as, page->index);

	for (uint64_t i = head; i < head + n; i++)
		if (as->pages[i] != PFN_NONE)
			folio_mark_dirty(m, cache_page(m, as, i));
}

const struct vm_operations_struct generic_file_vm_ops = {
	.name = "file",
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.fault_around_event = "file: fault-around",
	.page_mkwrite = filemap_page_mkwrite,
};
