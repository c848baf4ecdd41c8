/*
 * mprotect.c - changing a range's protection (mm/mprotect.c).
 *
 * The VMAs covering the range are split at its ends, given the new
 * protection and merged again where they became identical to a neighbour.
 * Their PTEs are rewritten with pte_modify(): the frame and the accessed,
 * dirty and special bits stay, the protection bits are replaced. A private
 * mapping's new protection never includes RW itself (writes go through the
 * copy-on-write fault), but a page that is anonymous and exclusive to this
 * mm may be made writable at once (can_change_pte_writable()), so
 * mprotect(PROT_READ) then mprotect(PROT_READ|PROT_WRITE) costs no faults on
 * memory the process owns alone. A shared file mapping's writable
 * protection lacks RW as well (write-notify); only PTEs already dirty get
 * it back. Entries whose permission changed, in
 * either direction, are flushed from the TLBs (pte_needs_flush(), as x86
 * decides it).
 *
 * A private mapping that becomes writable for the first time is charged to
 * Committed_AS then.
 */
#include "internal.h"

/* The bits pte_modify() keeps (_PAGE_CHG_MASK). */
#define PAGE_CHG_MASK	(PTE_PFN_MASK | _PAGE_PCD | _PAGE_PWT | _PAGE_SPECIAL | \
			 _PAGE_ACCESSED | _PAGE_DIRTY)

/*
 * pte_needs_flush() (arch/x86/include/asm/tlbflush.h): a present entry
 * whose frame changed, which lost P or D (pte_flags_need_flush()'s
 * flush_on_clear; A is ignored), or whose RW, U, caching, PS, G or NX bit
 * changed either way (flush_on_change): a TLB entry with the old bits
 * must not stay. So mprotect(PROT_READ|PROT_WRITE) after PROT_READ flushes
 * too, and the next write finds a writable translation without a fault.
 */
static bool pte_needs_flush(pte_t old, pte_t new)
{
	const pte_t flush_on_clear = _PAGE_DIRTY | _PAGE_PRESENT;
	const pte_t flush_on_change = _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD | _PAGE_PSE |
				      _PAGE_GLOBAL | _PAGE_NX;
	pte_t diff = old ^ new;

	if (!(old & _PAGE_PRESENT))
		return false;
	if (diff & PTE_PFN_MASK)
		return true;
	return (diff & old & flush_on_clear) || (diff & flush_on_change);
}

struct change_prot {
	struct mmu_gather *tlb;
	pte_t newprot;
	bool try_writable;
	bool shared;		/* a write-notify mapping: try_writable looks at the dirty bit */
};

/* change_pte_range() for one PTE: pte_modify() it, flush if it lost something. */
static int change_pte_entry(struct mm_walk *walk, pte_t *ptep, uint64_t addr, enum walk_kind kind)
{
	struct change_prot *cp = walk->private;
	pte_t old = *ptep, new;

	if (kind != WALK_PRESENT)
		return 0;	/* swap entries keep their protection in the VMA */
	new = (old & PAGE_CHG_MASK) | cp->newprot;
	if (cp->try_writable && !(new & _PAGE_RW) && (new & _PAGE_PRESENT) && !pte_special(new)) {
		struct page *page = pfn_to_page(walk->m, pte_pfn(new));

		/* can_change_pte_writable(): shared: a dirty PTE needs no notify; private: ours alone */
		if (cp->shared ? (new & _PAGE_DIRTY) != 0 :
		    PageFlag(page, PG_anon) && PageFlag(page, PG_anon_exclusive))
			new |= _PAGE_RW;
	}
	*ptep = new;
	if (pte_needs_flush(old, new))
		tlb_adjust_range(cp->tlb, addr, PAGE_SIZE);
	return 0;
}

/* no pmd_entry: a huge PMD stops the walk on a VM_BUG_ON until THP brings change_huge_pmd() */
static const struct mm_walk_ops change_prot_ops = {
	.pte_entry = change_pte_entry,
};

static void change_pte_range(struct machine *m, struct mmu_gather *tlb,
			     struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct change_prot cp = {
		.tlb = tlb,
		.newprot = vm_get_page_prot(vma->vm_flags),
		.try_writable = (vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE ||
				vma_wants_writenotify(vma),
		.shared = vma_wants_writenotify(vma),
	};

	if (cp.shared)
		cp.newprot &= ~_PAGE_RW;	/* vma_set_page_prot(): write-notify */

	walk_page_range_vma(m, vma, start, end, &change_prot_ops, &cp);
}

int do_mprotect(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len,
		uint32_t rwx)
{
	struct mm_struct *mm = t->mm;
	struct mmu_gather tlb;
	uint64_t end, addr;
	int err = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	tlb_gather_mmu(&tlb, mm, t, false);
	for (addr = start; addr < end;) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint32_t newflags;
		uint64_t vend;

		if (!vma || vma->vm_start > addr) {
			err = -ENOMEM;
			break;
		}
		newflags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | rwx;
		if ((newflags & VM_WRITE) && !(vma->vm_flags & VM_MAYWRITE)) {
			err = -EACCES;
			break;
		}
		if ((newflags & VM_WRITE) &&
		    !(vma->vm_flags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
			uint64_t lo = addr, hi = vma->vm_end < end ? vma->vm_end : end;
			uint64_t pages = (hi - lo) >> PAGE_SHIFT;

			if (__vm_enough_memory(m, mm, pages)) {	/* mprotect_fixup() */
				err = -ENOMEM;
				break;
			}
			mm->committed += pages;
			newflags |= VM_ACCOUNT;
		}
		if (split_vma_at(m, mm, addr) || split_vma_at(m, mm, end)) {
			err = -ENOMEM;
			break;
		}
		vma = vma_lookup(mm, addr);
		vend = vma->vm_end;
		if (newflags != vma->vm_flags) {
			uint64_t pages = (vend - vma->vm_start) >> PAGE_SHIFT;

			vm_stat_account(mm, vma->vm_flags, -(int64_t)pages);
			vm_stat_account(mm, newflags, (int64_t)pages);
			vma->vm_flags = newflags;
			change_pte_range(m, &tlb, vma, vma->vm_start, vend);
		}
		addr = vend;
	}
	tlb_finish_mmu(m, &tlb);
	/*
	 * vma_modify() merges each VMA it changes as it goes; one that fails
	 * (a split past max_map_count) keeps the split it already made.
	 */
	if (!err)
		vma_merge_range(m, mm, start, end);
	else if (addr > start)
		vma_merge_range(m, mm, start, addr - 1);
	charge(m, t, COST_VMA_OP, false);
	return err;
}
