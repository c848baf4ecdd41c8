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
	INIT_LIST_HEAD(&as->i_mmap);
	as->refs = 1;
	as->id = ++m->next_mapping_id;
	return as;
}

void mapping_get(struct address_space *as)
{
	as->refs++;
}

/* filemap_remove_folio(): out of the cache; the cache's reference goes. */
static void shmem_delete_from_page_cache(struct machine *m, struct address_space *as,
					 uint64_t idx)
{
	struct page *page = pfn_to_page(m, as->pages[idx]);

	as->pages[idx] = PFN_NONE;
	as->nrpages--;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
	mod_lruvec_page_state(m, page, NR_SHMEM, -1);
	page->mapping = NULL;
	put_page(m, page);
}

/* shmem_truncate_range() over the whole object, then evict it. */
static void shmem_truncate(struct machine *m, struct address_space *as)
{
	for (uint64_t i = 0; i < as->size && as->nrpages; i++)
		if (as->pages[i] != PFN_NONE)
			shmem_delete_from_page_cache(m, as, i);
}

void mapping_put(struct machine *m, struct address_space *as)
{
	if (--as->refs > 0)
		return;
	shmem_truncate(m, as);
	m->vm_committed_as -= (int64_t)as->committed;	/* shmem_unacct_size() */
	shadow_mapping_free(as);
	free(as->pages);
	free(as);
}

/* shmem_get_folio_gfp(SGP_CACHE): the cached page, or a new zeroed one. */
static struct page *shmem_get_page(struct machine *m, struct vm_area_struct *vma, uint64_t idx,
				   uint64_t addr, bool *allocated)
{
	struct address_space *as = vma->vm_file;
	struct page *page;

	*allocated = false;
	if (as->pages[idx] != PFN_NONE)
		return pfn_to_page(m, as->pages[idx]);
	page = vma_alloc_folio(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0, vma, addr);
	if (!page)
		return NULL;
	SetPageFlag(page, PG_swapbacked);
	SetPageFlag(page, PG_uptodate);
	page->mapping = as;
	page->index = idx;
	as->pages[idx] = (uint32_t)page_to_pfn(m, page);
	as->nrpages++;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
	mod_lruvec_page_state(m, page, NR_SHMEM, 1);
	folio_add_lru(m, page, LRU_INACTIVE_ANON);
	*allocated = true;
	return page;
}

/*
 * shmem_fault(), the ->fault of shmem VMAs: the page at the fault's offset
 * from the object's cache, allocated (zeroed) if it is not there yet.
 * finish_fault() maps it (memory.c).
 */
static unsigned shmem_fault(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	bool allocated;

	if (vmf->pgoff >= vma->vm_file->size)
		return VM_FAULT_SIGBUS;
	vmf->page = shmem_get_page(m, vma, vmf->pgoff, vmf->address, &allocated);
	if (!vmf->page)
		return VM_FAULT_OOM;
	charge(m, vmf->task, COST_SHMEM_FAULT, false);
	vmf->what = allocated ? "shmem: new page" : "shmem: page from cache";
	return 0;
}

const struct vm_operations_struct shmem_vm_ops = {
	.name = "shmem",
	.fault = shmem_fault,
	.map_pages = filemap_map_pages,
	.fault_around_event = "shmem: fault-around",
};
