/*
 * filemap.c - fault-around over the page cache (mm/filemap.c
 * filemap_map_pages, mm/memory.c do_fault_around).
 *
 * A read fault on a mapping backed by the page cache first tries to map the
 * pages around the faulting one that are already cached: a window of
 * fault_around_bytes (64 KiB = 16 PTEs), aligned to 16 PTEs in the virtual
 * address space, clipped to the VMA and to the page table (2 MiB). Pages
 * not in the cache are skipped, PTEs already set are left alone. If the
 * faulting page itself got mapped, the fault is done (VM_FAULT_NOPAGE):
 * one minor fault for up to 16 pages. So a freshly created shmem area takes
 * one fault per page (nothing is cached yet), and reading it again from a
 * second process takes one fault per 16 pages.
 */
#include "internal.h"

#define FAULT_AROUND_PAGES	16	/* fault_around_bytes / PAGE_SIZE */

/* filemap_map_pages(): map cached pages of [start_idx, end_idx]; returns how many. */
uint64_t filemap_map_pages(struct machine *m, struct vm_area_struct *vma, uint64_t start_idx,
			   uint64_t end_idx)
{
	struct address_space *as = vma->vm_file;
	uint64_t mapped = 0;

	for (uint64_t idx = start_idx; idx <= end_idx && idx < as->size; idx++) {
		uint64_t addr = vma->vm_start + ((idx - vma->vm_pgoff) << PAGE_SHIFT);
		uint32_t pfn = as->pages[idx];
		pte_t *ptep;

		if (pfn == PFN_NONE)
			continue;
		ptep = pte_offset(m, vma->vm_mm, addr, false);
		if (!ptep || !pte_none(*ptep))
			continue;
		map_file_page(m, vma, ptep, pfn_to_page(m, pfn), false);
		mapped++;
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
	uint64_t from_pte, to_pte, mapped;

	from_pte = pte_off & ~(uint64_t)(FAULT_AROUND_PAGES - 1);
	if (pte_off - (pte_off < vma_off ? pte_off : vma_off) > from_pte)
		from_pte = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	to_pte = from_pte + FAULT_AROUND_PAGES;
	if (to_pte > PTRS_PER_TABLE)
		to_pte = PTRS_PER_TABLE;
	if (to_pte > pte_off + vma_pages - vma_off)
		to_pte = pte_off + vma_pages - vma_off;
	to_pte--;
	mapped = vma->vm_ops->map_pages(m, vma, pgoff + from_pte - pte_off,
					pgoff + to_pte - pte_off);
	if (mapped)
		charge_n(m, vmf->task, COST_FAULT_AROUND_PTE, mapped, false);
	return pte_none(*vmf->pte) ? 0 : VM_FAULT_NOPAGE;
}
