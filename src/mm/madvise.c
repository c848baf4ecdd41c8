/*
 * madvise.c - advice about a range, and locking it in memory (mm/madvise.c,
 * mm/mlock.c).
 *
 *   MADV_DONTNEED	unmap the range's pages now (zap): private anonymous
 *			memory is freed and reads back as zeroes; shared memory
 *			only loses this mapping. Refused on VM_LOCKED ranges.
 *   MADV_POPULATE_*	fault the range in through GUP (gup.c), like MAP_POPULATE.
 *   MADV_NORMAL/RANDOM/SEQUENTIAL, HUGEPAGE/NOHUGEPAGE, DONTFORK/DOFORK
 *			set VMA flags (splitting and merging VMAs); the readahead
 *			and THP code read them.
 *   MADV_WILLNEED	starts swap-in of swapped pages; with no swap there is
 *			nothing to read.
 *   MADV_COLD		clears the accessed bits and moves the range's active,
 *			unshared pages to the inactive list (folio_deactivate).
 *   MADV_PAGEOUT	isolates the unshared pages and reclaims them
 *			(reclaim_pages -> shrink_folio_list). Anonymous and shmem
 *			pages can only leave by swap: with no swap device,
 *			add_to_swap() fails and each page is activated instead
 *			(pgactivate), exactly as on a swapless kernel.
 *
 * mlock sets VM_LOCKED, moves the present pages to the unevictable list,
 * and faults the rest in; munlock undoes it. Locked memory is limited by
 * RLIMIT_MEMLOCK (8 MiB) for processes without CAP_IPC_LOCK (uid != 0).
 */
#include "internal.h"

#define RLIMIT_MEMLOCK_DEFAULT	(8ULL << 20)

/* Give [start, end) of the VMAs there new flags: split, set, merge. */
static int update_vma_flags(struct machine *m, struct mm_struct *mm, uint64_t start,
			    uint64_t end, uint32_t set, uint32_t clear, uint64_t *changed)
{
	uint64_t addr = start;
	int err = 0;

	*changed = 0;
	if (split_vma_at(m, mm, start) || split_vma_at(m, mm, end))
		return -ENOMEM;
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint32_t nf;

		if (!vma || vma->vm_start >= end)
			break;
		if (vma->vm_start > addr)
			err = -ENOMEM;	/* a hole: the rest is still done */
		nf = (vma->vm_flags & ~clear) | set;
		if (nf != vma->vm_flags) {
			uint64_t pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

			vm_stat_account(mm, vma->vm_flags, -(int64_t)pages);
			vm_stat_account(mm, nf, (int64_t)pages);
			vma->vm_flags = nf;
			*changed += pages;
		}
		addr = vma->vm_end;
	}
	vma_merge_range(m, mm, start, end);
	return err;
}

/* Does [start, end) lie entirely inside VMAs? */
static bool range_mapped(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	uint64_t addr = start;

	while (addr < end) {
		struct vm_area_struct *v = vma_lookup(mm, addr);

		if (!v)
			return false;
		addr = v->vm_end;
	}
	return true;
}

/* For each present page of [start, end) in each VMA, call fn. */
static void walk_present(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
			 void (*fn)(struct machine *, struct vm_area_struct *, uint64_t, pte_t *,
				    void *), void *arg)
{
	uint64_t addr = start;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t vend;

		if (!vma || vma->vm_start >= end)
			return;
		if (addr < vma->vm_start)
			addr = vma->vm_start;
		vend = vma->vm_end < end ? vma->vm_end : end;
		while (addr < vend) {
			uint64_t next = (addr + PMD_SIZE) & PMD_MASK;
			pte_t *table = pte_table(m, mm, addr);

			if (next > vend)
				next = vend;
			if (!table) {
				addr = next;
				continue;
			}
			for (; addr < next; addr += PAGE_SIZE) {
				pte_t *ptep = &table[pte_index(addr)];

				if ((*ptep & _PAGE_PRESENT) && !pte_special(*ptep))
					fn(m, vma, addr, ptep, arg);
			}
		}
	}
}

struct cold_walk {
	struct mmu_gather *tlb;
	bool pageout;
};

/* madvise_cold_or_pageout_pte_range() for one page. */
static void cold_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr, pte_t *ptep,
		      void *arg)
{
	struct cold_walk *w = arg;
	struct page *page = pfn_to_page(m, pte_pfn(*ptep));

	(void)vma;
	if (page->mapcount > 1 || !PageFlag(page, PG_lru) || PageFlag(page, PG_unevictable))
		return;		/* shared pages are left alone */
	if (*ptep & _PAGE_ACCESSED) {
		*ptep &= ~_PAGE_ACCESSED;
		tlb_adjust_range(w->tlb, addr, PAGE_SIZE);
	}
	ClearPageFlag(page, PG_referenced);
	if (w->pageout) {
		/* shrink_folio_list(): no swap, so add_to_swap() fails: activate */
		if (PageFlag(page, PG_swapbacked) && !PageFlag(page, PG_active)) {
			lruvec_del_folio(m, page);
			folio_add_lru(m, page, LRU_ACTIVE_ANON);
		}
		if (PageFlag(page, PG_swapbacked))
			count_vm_event(m, PGACTIVATE);
	} else if (PageFlag(page, PG_active)) {
		/* folio_deactivate() -> lru_deactivate() */
		bool anon = PageFlag(page, PG_swapbacked);

		lruvec_del_folio(m, page);
		folio_add_lru(m, page, anon ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
		count_vm_event(m, PGDEACTIVATE);
	}
}

int do_madvise(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len,
	       enum vm_madv advice)
{
	struct mm_struct *mm = t->mm;
	uint64_t end, changed;
	int err = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	switch (advice) {
	case VM_MADV_NORMAL:
		return update_vma_flags(m, mm, start, end, 0, VM_RAND_READ | VM_SEQ_READ, &changed);
	case VM_MADV_RANDOM:
		return update_vma_flags(m, mm, start, end, VM_RAND_READ, VM_SEQ_READ, &changed);
	case VM_MADV_SEQUENTIAL:
		return update_vma_flags(m, mm, start, end, VM_SEQ_READ, VM_RAND_READ, &changed);
	case VM_MADV_HUGEPAGE:
		return update_vma_flags(m, mm, start, end, VM_HUGEPAGE, VM_NOHUGEPAGE, &changed);
	case VM_MADV_NOHUGEPAGE:
		return update_vma_flags(m, mm, start, end, VM_NOHUGEPAGE, VM_HUGEPAGE, &changed);
	case VM_MADV_DONTFORK:
		return update_vma_flags(m, mm, start, end, VM_DONTCOPY, 0, &changed);
	case VM_MADV_DOFORK:
		return update_vma_flags(m, mm, start, end, 0, VM_DONTCOPY, &changed);
	case VM_MADV_WILLNEED:
		return range_mapped(mm, start, end) ? 0 : -ENOMEM;
	case VM_MADV_POPULATE_READ:
	case VM_MADV_POPULATE_WRITE:
		if (!range_mapped(mm, start, end))
			return -ENOMEM;
		err = populate_range(m, t, start, end, advice == VM_MADV_POPULATE_WRITE ?
				     POPULATE_WRITE : POPULATE_READ, false);
		return err == -EFAULT ? -EINVAL : err;
	case VM_MADV_DONTNEED: {
		struct mmu_gather tlb;
		uint64_t addr = start;

		for (uint64_t a = start; a < end;) {
			struct vm_area_struct *v = find_vma(mm, a);

			if (!v || v->vm_start >= end)
				break;
			if (v->vm_flags & VM_LOCKED)
				return -EINVAL;
			a = v->vm_end;
		}
		tlb_gather_mmu(&tlb, mm, false);
		update_hiwater_rss(mm);
		while (addr < end) {
			struct vm_area_struct *v = find_vma(mm, addr);

			if (!v || v->vm_start >= end)
				break;
			if (v->vm_start > addr)
				err = -ENOMEM;
			zap_vma_range(m, &tlb, t, v, v->vm_start > addr ? v->vm_start : addr,
				      v->vm_end < end ? v->vm_end : end);
			addr = v->vm_end;
		}
		if (addr < end)
			err = -ENOMEM;
		tlb_finish_mmu(m, &tlb, t);
		return err;
	}
	case VM_MADV_COLD:
	case VM_MADV_PAGEOUT: {
		struct mmu_gather tlb;
		struct cold_walk w = { &tlb, advice == VM_MADV_PAGEOUT };

		tlb_gather_mmu(&tlb, mm, false);
		walk_present(m, mm, start, end, cold_page, &w);
		tlb_finish_mmu(m, &tlb, t);
		return range_mapped(mm, start, end) ? 0 : -ENOMEM;
	}
	default:
		return -EINVAL;
	}
}

/* mlock_pte_range(): (un)lock the present pages of VMAs whose flag changes. */
static void lock_page(struct machine *m, struct vm_area_struct *vma, uint64_t addr, pte_t *ptep,
		      void *arg)
{
	struct page *page = pfn_to_page(m, pte_pfn(*ptep));

	(void)addr;
	if (arg && !(vma->vm_flags & VM_LOCKED))
		mlock_folio(m, page);
	else if (!arg && (vma->vm_flags & VM_LOCKED))
		munlock_folio(m, page);
}

/*
 * do_mlock() / apply_vma_lock_flags() + __mm_populate(), and munlock.
 * The pages already present are (un)locked in place; mlock then faults in
 * the rest, writable private memory for writing.
 */
int do_mlock(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len, bool on)
{
	struct mm_struct *mm = t->mm;
	uint64_t end, changed;
	int err;

	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (!range_mapped(mm, start, end))
		return -ENOMEM;
	if (on && t->uid != 0 &&
	    (mm->locked_vm << PAGE_SHIFT) + len > RLIMIT_MEMLOCK_DEFAULT)
		return -ENOMEM;
	/* (un)lock the present pages while the VMAs still have their old flags */
	walk_present(m, mm, start, end, lock_page, on ? (void *)1 : NULL);
	err = update_vma_flags(m, mm, start, end, on ? VM_LOCKED : 0, on ? 0 : VM_LOCKED,
			       &changed);
	if (err)
		return err;
	if (!on) {
		mm->locked_vm -= changed;
		return 0;
	}
	mm->locked_vm += changed;
	return populate_range(m, t, start, end, POPULATE_MMAP, true);
}
