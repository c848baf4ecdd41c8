/*
 * madvise.c - advice about a range (mm/madvise.c).
 *
 *   MADV_DONTNEED	unmap the range's pages now (zap): private anonymous
 *			memory is freed and reads back as zeroes; shared memory
 *			only loses this mapping. A VM_LOCKED VMA refuses it (EINVAL),
 *			after the VMAs before it were zapped.
 *   MADV_POPULATE_*	fault the range in through GUP (gup.c), like MAP_POPULATE.
 *   MADV_NORMAL/RANDOM/SEQUENTIAL, HUGEPAGE/NOHUGEPAGE, DONTFORK/DOFORK
 *			set VMA flags (splitting and merging VMAs); the readahead
 *			and THP code read them.
 *   MADV_WILLNEED	starts swap-in of the range's swapped pages
 *			(swapin_walk_pmd_entry -> read_swap_cache_async): they
 *			are read into the swap cache, pswpin, without waiting,
 *			and the faults that come later are minor. A file's
 *			range is read ahead (force_page_cache_ra).
 *   MADV_COLD		clears the accessed bits and moves the range's active,
 *			unshared pages to the inactive list (folio_deactivate).
 *   MADV_PAGEOUT	isolates the unshared pages and reclaims them
 *			(reclaim_pages -> shrink_folio_list, vmscan.c) without
 *			looking at their accessed bits: anonymous pages are
 *			swapped out (written, and left in the swap cache until
 *			reclaim frees them after the write). With no swap space,
 *			add_to_swap() fails and each page is activated instead
 *			(pgactivate), exactly as on a swapless kernel.
 *
 * The present pages are visited with the page walker (pagewalk.c).
 */
#include <stdlib.h>
#include "internal.h"

/* Give [start, end) of the VMAs there new flags: split, set, merge. */
int update_vma_flags(struct machine *m, struct mm_struct *mm, uint64_t start,
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
bool range_mapped(struct mm_struct *mm, uint64_t start, uint64_t end)
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

#define PAGEOUT_BATCH	PTRS_PER_TABLE	/* reclaim_pages() once per PTE table's worth */

struct cold_walk {
	struct mmu_gather *tlb;
	bool pageout;
	size_t n;
	uint32_t pfns[PAGEOUT_BATCH];	/* isolated, waiting for reclaim_pages() */
};

static void pageout_flush(struct machine *m, struct cold_walk *w)
{
	if (w->n)
		reclaim_pages(m, w->tlb->task, w->pfns, w->n);
	w->n = 0;
}

/* madvise_cold_or_pageout_pte_range() for one page. */
static int cold_pte_entry(struct mm_walk *walk, pte_t *ptep, uint64_t addr, enum walk_kind kind)
{
	struct machine *m = walk->m;
	struct cold_walk *w = walk->private;
	struct page *page;

	if (kind != WALK_PRESENT || pte_special(*ptep))
		return 0;
	page = pfn_to_page(m, pte_pfn(*ptep));
	if (page->mapcount > 1 || !PageFlag(page, PG_lru) || PageFlag(page, PG_unevictable))
		return 0;	/* shared pages are left alone */
	if (*ptep & _PAGE_ACCESSED) {
		*ptep &= ~_PAGE_ACCESSED;
		tlb_adjust_range(w->tlb, addr, PAGE_SIZE);
	}
	ClearPageFlag(page, PG_referenced);
	if (PageFlag(page, PG_active))
		SetPageFlag(page, PG_workingset);
	if (w->pageout) {
		/* isolated now, reclaimed as inactive pages (reclaim_pages) */
		folio_isolate_lru(m, page);
		ClearPageFlag(page, PG_active);
		w->pfns[w->n++] = (uint32_t)page_to_pfn(m, page);
		if (w->n == PAGEOUT_BATCH)
			pageout_flush(m, w);
	} else if (PageFlag(page, PG_active)) {
		/* folio_deactivate() -> lru_deactivate() */
		bool anon = PageFlag(page, PG_swapbacked);

		lruvec_del_folio(m, page);
		folio_add_lru(m, page, anon ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
		count_vm_event(m, PGDEACTIVATE);
	}
	return 0;
}

static const struct mm_walk_ops cold_walk_ops = { .pte_entry = cold_pte_entry };

/* swapin_walk_pmd_entry() for one PTE: a swapped page starts coming back. */
static int willneed_pte_entry(struct mm_walk *walk, pte_t *ptep, uint64_t addr,
			      enum walk_kind kind)
{
	if (kind == WALK_SWAP)
		read_swap_cache_async(walk->m, pte_to_swp_entry(*ptep), walk->vma, addr);
	return 0;
}

static const struct mm_walk_ops willneed_walk_ops = { .pte_entry = willneed_pte_entry };

/*
 * madvise_willneed(): anonymous memory reads its swapped pages back; a
 * file's range is read ahead (vfs_fadvise(POSIX_FADV_WILLNEED) ->
 * force_page_cache_ra: at most ra_pages, without waiting); shmem has
 * nothing to read.
 */
static int madvise_willneed(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			    uint64_t end, void *arg)
{
	struct task_struct *t = arg;

	if (vma_is_anonymous(vma))
		walk_page_range_vma(m, vma, start, end, &willneed_walk_ops, NULL);
	else if (!vma->vm_file->f_mapping->shmem)
		force_page_cache_ra(m, t, vma->vm_file, linear_page_index(vma, start),
				    (end - start) >> PAGE_SHIFT);
	return 0;
}

/*
 * madvise_walk_vmas(): visit each VMA of [start, end), clipped to the
 * range, in address order. A visit's error ends the walk there (the VMAs
 * before it keep what was done to them); a hole in the range is ENOMEM,
 * said once the rest is done (unmapped_error).
 */
typedef int (*madvise_visit)(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			     uint64_t end, void *arg);

static int madvise_walk_vmas(struct machine *m, struct mm_struct *mm, uint64_t start,
			     uint64_t end, madvise_visit visit, void *arg)
{
	int unmapped_error = 0;

	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		uint64_t tmp;
		int err;

		if (!vma || vma->vm_start >= end)
			return -ENOMEM;
		if (start < vma->vm_start) {
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
		}
		tmp = vma->vm_end < end ? vma->vm_end : end;
		err = visit(m, vma, start, tmp, arg);
		if (err)
			return err;
		start = tmp;
	}
	return unmapped_error;
}

/*
 * madvise_dontneed_single_vma(): madvise_dontneed_free_valid_vma() refuses
 * a locked VMA; the zap, and with pt_reclaim (mm/pt_reclaim.c, 6.14+) the
 * freeing of each PTE table whose whole 2 MiB the zap covered
 * (reclaim_pt_is_enabled()) if it is empty.
 */
static int madvise_dontneed_single_vma(struct machine *m, struct vm_area_struct *vma,
				       uint64_t start, uint64_t end, void *arg)
{
	struct mmu_gather *tlb = arg;

	if (vma->vm_flags & VM_LOCKED)
		return -EINVAL;
	zap_vma_range(m, tlb, vma, start, end);
	if (m->kprof.pt_reclaim)
		for (uint64_t p = (start + PMD_SIZE - 1) & PMD_MASK; p + PMD_SIZE <= end; p += PMD_SIZE)
			try_to_free_pte(m, tlb, p);
	return 0;
}

/* madvise_cold() / madvise_pageout(): can_madv_lru_vma() refuses a locked VMA. */
static int madvise_cold_or_pageout(struct machine *m, struct vm_area_struct *vma, uint64_t start,
				   uint64_t end, void *arg)
{
	struct cold_walk *w = arg;

	if (vma->vm_flags & VM_LOCKED)
		return -EINVAL;
	walk_page_range(m, vma->vm_mm, start, end, &cold_walk_ops, w);
	pageout_flush(m, w);
	return 0;
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
		return madvise_walk_vmas(m, mm, start, end, madvise_willneed, t);
	case VM_MADV_POPULATE_READ:
	case VM_MADV_POPULATE_WRITE:
		if (!range_mapped(mm, start, end))
			return -ENOMEM;
		err = populate_range(m, t, start, end, advice == VM_MADV_POPULATE_WRITE ?
				     POPULATE_WRITE : POPULATE_READ, false);
		return err == -EACCES ? -EINVAL : err;	/* madvise_populate() */
	case VM_MADV_DONTNEED: {
		struct mmu_gather tlb;

		tlb_gather_mmu(&tlb, mm, t, false);
		update_hiwater_rss(mm);
		err = madvise_walk_vmas(m, mm, start, end, madvise_dontneed_single_vma, &tlb);
		tlb_finish_mmu(m, &tlb);
		return err;
	}
	case VM_MADV_COLD:
	case VM_MADV_PAGEOUT: {
		struct mmu_gather tlb;
		struct cold_walk *w = malloc(sizeof(*w));

		if (!w)
			return -ENOMEM;
		w->tlb = &tlb;
		w->pageout = advice == VM_MADV_PAGEOUT;
		w->n = 0;
		tlb_gather_mmu(&tlb, mm, t, false);
		err = madvise_walk_vmas(m, mm, start, end, madvise_cold_or_pageout, w);
		tlb_finish_mmu(m, &tlb);
		free(w);
		return err;
	}
	default:
		return -EINVAL;
	}
}
