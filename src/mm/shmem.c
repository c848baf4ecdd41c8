/*
 * shmem.c - shared anonymous memory (mm/shmem.c).
 *
 * mmap(MAP_SHARED|MAP_ANONYMOUS) is backed by an unlinked shmem file
 * (shmem_zero_setup): its pages live in that file's page cache, indexed by
 * page offset, so every process mapping it (a parent and its forked
 * children) sees the same frames. There is no zero page here: the first
 * touch of a page, read or write, allocates it (zeroed), adds it to the
 * cache (Cached, Shmem, the anon LRU because it is swap-backed) and maps it.
 * The PTE is writable at once (shmem needs no write-notify), so a write
 * after a read costs no fault. Read faults try fault-around first: shmem's
 * vm_operations_struct has filemap_map_pages() as its map_pages, as in
 * Linux, and memory.c's do_read_fault() calls it.
 *
 * The cache of a mapping is an array of frame numbers indexed by page
 * offset: lookups on the fault path are array reads, not tree walks.
 *
 * Swap (shmem_writeout, shmem_swapin_folio): reclaim unmaps a dirty shmem
 * page and writes it to a swap slot; the page leaves the shmem cache for
 * the swap cache and its index keeps the swap entry instead (the slot
 * counts that one reference: swap_shmem_alloc). A clean page was never
 * written: it is all zeros and simply goes. A fault on a swapped index
 * finds the page in the swap cache (minor) or reads the slot (major,
 * pswpin), and the page comes back into the shmem cache, dirty, its slot
 * freed, reading the slots of its swap cluster ahead (swap_cluster_readahead,
 * measured on 6.18: 96 MiB read back in a 64 MiB group, 3084 major faults
 * for 24,576 pages). Unlike anonymous memory there are no swap PTEs: the
 * mappings were cleared, VmSwap does not count it.
 */
#include <stdlib.h>
#include "internal.h"

struct address_space *shmem_create(struct machine *m, uint64_t size)
{
	struct address_space *as = calloc(1, sizeof(*as));

	if (!as)
		return NULL;
	as->pages = malloc(size * sizeof(uint32_t));
	if (!as->pages) {
		free(as);
		return NULL;
	}
	for (uint64_t i = 0; i < size; i++)
		as->pages[i] = PFN_NONE;
	as->size = size;
	as->i_size = size << PAGE_SHIFT;
	as->shmem = true;
	INIT_LIST_HEAD(&as->i_mmap);
	as->refs = 1;
	as->id = ++m->next_mapping_id;
	return as;
}

void mapping_get(struct address_space *as)
{
	as->refs++;
}

/* iput() of the last reference: the pages go (shmem: the data with them), then the inode. */
void mapping_put(struct machine *m, struct address_space *as)
{
	if (--as->refs > 0)
		return;
	if (as->file_id)
		m->files[as->file_id - 1] = NULL;	/* drop_caches and sync no longer see it */
	truncate_inode_pages(m, as, 0);
	for (uint64_t i = 0; as->swp && i < as->size; i++)
		if (as->swp[i])
			free_swap_and_cache(m, (swp_entry_t){ as->swp[i] });	/* shmem_free_swap() */
	free(as->swp);
	m->vm_committed_as -= (int64_t)as->committed;	/* shmem_unacct_size() */
	shadow_mapping_free(as);
	free(as->pages);
	free(as->disk);
	free(as->folio_order);
	free(as->shadows);
	free(as);
}

/* shmem_add_to_page_cache() of a page that is already charged and on the LRU. */
static void shmem_add_page(struct machine *m, struct address_space *as, struct page *page,
			   uint64_t idx)
{
	page->mapping = as;
	page->index = idx;
	as->pages[idx] = (uint32_t)page_to_pfn(m, page);
	as->nrpages++;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
	mod_lruvec_page_state(m, page, NR_SHMEM, 1);
}

/*
 * shmem_get_folio_gfp(SGP_CACHE): the cached page at idx, or a new zeroed
 * one added to the cache (charged to t's group; NULL: no memory).
 */
struct page *shmem_get_folio(struct machine *m, struct task_struct *t, struct address_space *as,
			     uint64_t idx)
{
	struct page *page;

	if (as->pages[idx] != PFN_NONE)
		return pfn_to_page(m, as->pages[idx]);
	if (as->swp && as->swp[idx]) {
		/* write(2) over a swapped page: the old content is overwritten whole */
		free_swap_and_cache(m, (swp_entry_t){ as->swp[idx] });
		as->swp[idx] = 0;
		as->swapped--;
	}
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
	if (!page)
		return NULL;
	if (mem_cgroup_charge(m, page, t ? t->mm : NULL, 1)) {
		put_page(m, page);
		return NULL;
	}
	SetPageFlag(page, PG_swapbacked);
	SetPageFlag(page, PG_uptodate);
	shmem_add_page(m, as, page, idx);
	folio_add_lru(m, page, LRU_INACTIVE_ANON);
	return page;
}

/*
 * shmem_writeout(): reclaim's write of a dirty, unmapped shmem page to the
 * free slot e: into the swap cache, out of the shmem cache (the index keeps
 * e), written asynchronously (swap_writepage). The caller holds the page.
 */
void shmem_writeout(struct machine *m, struct task_struct *t, struct page *page, swp_entry_t e)
{
	struct address_space *as = page->mapping;
	uint64_t idx = page->index;

	if (!as->swp)
		as->swp = calloc(as->size, sizeof(*as->swp));
	if (!as->swp) {
		swap_put_slot(m, e);	/* no host memory to remember it: keep the page */
		SetPageFlag(page, PG_dirty);
		return;
	}
	swap_cache_add_folio(m, page, e);
	swap_duplicate(m, e);		/* swap_shmem_alloc(): the index's reference */
	as->swp[idx] = e.val;
	as->swapped++;
	/* shmem_delete_from_page_cache(): the swap entry takes the page's place */
	as->pages[idx] = PFN_NONE;
	as->nrpages--;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
	mod_lruvec_page_state(m, page, NR_SHMEM, -1);
	page->mapping = NULL;
	put_page(m, page);		/* the shmem cache's reference */
	swap_writepage(m, t, page);
}

/*
 * shmem_swapin_folio(): the page of a swapped index: from the swap cache
 * (minor) or read from its slot (major). It goes back into the shmem
 * cache, dirty, and the slot is freed. NULL: no memory.
 */
static struct page *shmem_swapin(struct machine *m, struct vm_fault *vmf, struct address_space *as,
				 uint64_t idx, unsigned *ret)
{
	swp_entry_t e = { as->swp[idx] };
	struct page *page = swap_cache_get_folio(m, e);

	if (page) {
		swap_update_readahead(m, page, NULL, 0);
	} else {
		page = swap_cluster_readahead(m, e, vmf);	/* shmem_swapin_cluster() */
		if (!page)
			return NULL;
		count_vm_event(m, PGMAJFAULT);
		*ret |= VM_FAULT_MAJOR;
	}
	while (PageFlag(page, PG_writeback))
		swap_wait_writeback(m, vmf->task);	/* folio_wait_writeback() */
	page->refcount++;		/* becomes the shmem cache's */
	swap_cache_del_folio(m, page);
	as->swp[idx] = 0;
	as->swapped--;
	swap_free(m, e);		/* the index's reference: the slot is free */
	shmem_add_page(m, as, page, idx);
	SetPageFlag(page, PG_dirty);	/* its only copy is in RAM again */
	return page;
}

/*
 * shmem_fault(), the ->fault of shmem VMAs: the page at the fault's offset
 * from the object's cache, swapped in if it was swapped out, allocated
 * (zeroed) if it is not there yet. finish_fault() maps it (memory.c).
 */
static unsigned shmem_fault(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *as = vma->vm_file->f_mapping;
	unsigned ret = 0;
	bool allocated;

	if (vmf->pgoff >= file_pages(as))
		return VM_FAULT_SIGBUS;
	allocated = as->pages[vmf->pgoff] == PFN_NONE;
	if (allocated && as->swp && as->swp[vmf->pgoff]) {
		vmf->page = shmem_swapin(m, vmf, as, vmf->pgoff, &ret);
		vmf->what = ret & VM_FAULT_MAJOR ? "shmem: read from swap" :
			    "shmem: page from swap cache";
	} else {
		vmf->page = shmem_get_folio(m, vmf->task, as, vmf->pgoff);
		vmf->what = allocated ? "shmem: new page" : "shmem: page from cache";
	}
	if (!vmf->page)
		return VM_FAULT_OOM;
	charge(m, vmf->task, COST_SHMEM_FAULT, false);
	return ret;
}

const struct vm_operations_struct shmem_vm_ops = {
	.name = "shmem",
	.fault = shmem_fault,
	.map_pages = filemap_map_pages,
	.fault_around_event = "shmem: fault-around",
};
