/*
 * mlock.c - locking pages in memory (mm/mlock.c).
 *
 * A page mapped into a VM_LOCKED VMA is mlocked: it leaves the evictable
 * LRU lists for the unevictable one, and counts in Mlocked (NR_MLOCK). A
 * page mapped into several locked VMAs counts each (folio->mlock_count);
 * it goes back to the inactive list when the last one lets go:
 *
 *   - a fault maps a page into a locked VMA: mlock_vma_folio();
 *   - a locked mapping is zapped or replaced (CoW): munlock_vma_folio();
 *   - mlock(2) sets VM_LOCKED, (un)locks the pages already present through
 *     the page walker (mlock_pte_range), and faults the rest in
 *     (__mm_populate); munlock(2) undoes it.
 *
 * Locked memory is limited by RLIMIT_MEMLOCK (8 MiB) for processes without
 * CAP_IPC_LOCK (uid != 0).
 */
#include "internal.h"

#define RLIMIT_MEMLOCK_DEFAULT	(8ULL << 20)

/* mlock_folio(): one more locked mapping; the first moves it to unevictable. */
void mlock_folio(struct machine *m, struct page *page)
{
	if (page->mlock_count++ > 0)
		return;
	SetPageFlag(page, PG_mlocked);
	mod_zone_page_state(m, page_to_pfn(m, page), NR_MLOCK, 1);
	count_vm_event(m, UNEVICTABLE_PGMLOCKED);
	if (PageFlag(page, PG_lru))
		lruvec_del_folio(m, page);
	folio_add_lru(m, page, LRU_UNEVICTABLE);
}

/* munlock_folio(): one locked mapping less; the last puts it back on the inactive list. */
void munlock_folio(struct machine *m, struct page *page)
{
	if (!page->mlock_count || --page->mlock_count > 0)
		return;
	ClearPageFlag(page, PG_mlocked);
	mod_zone_page_state(m, page_to_pfn(m, page), NR_MLOCK, -1);
	count_vm_event(m, UNEVICTABLE_PGMUNLOCKED);
	if (PageFlag(page, PG_lru))
		lruvec_del_folio(m, page);
	folio_add_lru(m, page, PageFlag(page, PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
}

/* folio_add_lru_vma(): new pages of a VM_LOCKED VMA go straight to unevictable. */
void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_LOCKED)
		mlock_folio(m, page);
	else
		folio_add_lru(m, page, LRU_INACTIVE_ANON);
}

/* mlock_pte_range(): (un)lock the present pages of VMAs whose flag changes. */
static int mlock_pte_entry(struct mm_walk *walk, pte_t *ptep, uint64_t addr, enum walk_kind kind)
{
	bool on = walk->private != NULL;
	struct page *page;

	(void)addr;
	if (kind != WALK_PRESENT || pte_special(*ptep))
		return 0;
	page = pfn_to_page(walk->m, pte_pfn(*ptep));
	if (on && !(walk->vma->vm_flags & VM_LOCKED))
		mlock_folio(walk->m, page);
	else if (!on && (walk->vma->vm_flags & VM_LOCKED))
		munlock_folio(walk->m, page);
	return 0;
}

static const struct mm_walk_ops mlock_walk_ops = { .pte_entry = mlock_pte_entry };

/*
 * __mlock_posix_error_return(): what GUP said, as POSIX wants mlock to say
 * it: a fault that failed (EFAULT; and check_vma_flags() refusing
 * PROT_NONE, which populate_range() reports as EACCES) is ENOMEM, no
 * memory for the pages is EAGAIN.
 */
static int mlock_posix_error_return(int err)
{
	if (err == -EFAULT || err == -EACCES)
		return -ENOMEM;
	return err == -ENOMEM ? -EAGAIN : err;
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
	walk_page_range(m, mm, start, end, &mlock_walk_ops, on ? (void *)1 : NULL);
	err = update_vma_flags(m, mm, start, end, on ? VM_LOCKED : 0, on ? 0 : VM_LOCKED,
			       &changed);
	if (err)
		return err;
	if (!on) {
		mm->locked_vm -= changed;
		return 0;
	}
	mm->locked_vm += changed;
	/* __mm_populate() without ignoring errors; VM_LOCKED stays */
	return mlock_posix_error_return(populate_range(m, t, start, end, POPULATE_MMAP, true));
}
