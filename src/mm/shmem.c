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
	m->vm_committed_as -= (int64_t)as->committed;	/* shmem_unacct_size() */
	shadow_mapping_free(as);
	free(as->pages);
	free(as->disk);
	free(as->folio_order);
	free(as->shadows);
	free(as);
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
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
	if (!page)
		return NULL;
	if (mem_cgroup_charge(m, page, t ? t->mm : NULL, 1)) {
		put_page(m, page);
		return NULL;
	}
	SetPageFlag(page, PG_swapbacked);
	SetPageFlag(page, PG_uptodate);
	page->mapping = as;
	page->index = idx;
	as->pages[idx] = (uint32_t)page_to_pfn(m, page);
	as->nrpages++;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
	mod_lruvec_page_state(m, page, NR_SHMEM, 1);
	folio_add_lru(m, page, LRU_INACTIVE_ANON);
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

	if (vmf->pgoff >= file_pages(vma->vm_file->f_mapping))
		return VM_FAULT_SIGBUS;
	allocated = vma->vm_file->f_mapping->pages[vmf->pgoff] == PFN_NONE;
	vmf->page = shmem_get_folio(m, vmf->task, vma->vm_file->f_mapping, vmf->pgoff);
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
