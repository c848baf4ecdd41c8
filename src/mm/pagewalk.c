/*
 * pagewalk.c - the one page-table walker (mm/pagewalk.c walk_page_range).
 *
 * Everything in the kernel that visits the page tables of a range (zap,
 * copy_page_range at fork, mprotect, madvise, smaps, the --check recount)
 * does it through this walker and says what to do at each entry with
 * callbacks, as the kernel's struct mm_walk_ops does:
 *
 *   pgd_entry, pud_entry, pmd_entry	a present entry of that level, before
 *					the walker descends; walk->action =
 *					ACTION_CONTINUE skips what lies below
 *   pte_entry				a PTE, with its kind (below)
 *   pte_hole				a range with no table at some level
 *
 * Each entry is classified once, here, so no caller can mistake one kind
 * for another (the bug this file replaces: five loops that read any
 * non-zero PTE as a frame):
 *
 *   WALK_NONE		an empty entry (pte_entry sees these only if walk_none)
 *   WALK_PRESENT	a PTE with a frame: present, or PROT_NONE
 *   WALK_SWAP		a swap entry of a swap device (is_swap_pte with a
 *			swapfile type)
 *   WALK_NONPRESENT	another non-present entry: a migration entry or a
 *			marker (a swap entry whose type is past MAX_SWAPFILES)
 *   WALK_HUGE		a PMD or PUD that maps a huge page itself (_PAGE_PSE):
 *			pmd_entry/pud_entry get it and the walker never reads
 *			it as a table. A caller without such a callback meets
 *			a huge entry as a broken rule (VM_BUG_ON), never as a
 *			table to descend into.
 *
 * walk_page_range() follows the VMAs of [start, end), like the kernel's,
 * calling pte_hole(depth -1) for the gaps between them; walk_page_range_vma()
 * stays in one VMA; walk_page_range_novma() walks the tables alone (the
 * --check recount, which must find PTEs outside every VMA too).
 */
#include "internal.h"

/* What an entry of any level is (see above). */
enum walk_kind walk_kind_of(pte_t e, int level)
{
	if (pte_none(e))
		return WALK_NONE;
	if (level > 1) {
		if (!(e & _PAGE_PRESENT))
			return WALK_NONPRESENT;
		return (e & _PAGE_PSE) && level < 4 ? WALK_HUGE : WALK_PRESENT;
	}
	if (pte_present(e))
		return WALK_PRESENT;
	return swp_type(pte_to_swp_entry(e)) < MAX_SWAPFILES ? WALK_SWAP : WALK_NONPRESENT;
}

/* The end of the level-sized block after addr, clipped to end (pXd_addr_end). */
static inline uint64_t addr_end(uint64_t addr, uint64_t end, uint64_t size)
{
	uint64_t next = (addr + size) & ~(size - 1);

	return next - 1 < end - 1 ? next : end;
}

static int hole(struct mm_walk *walk, uint64_t addr, uint64_t next, int depth)
{
	return walk->ops->pte_hole ? walk->ops->pte_hole(walk, addr, next, depth) : 0;
}

static int walk_pte_range(struct mm_walk *walk, pte_t *table, uint64_t addr, uint64_t end)
{
	const struct mm_walk_ops *ops = walk->ops;

	if (!ops->pte_entry)
		return 0;
	for (; addr != end; addr += PAGE_SIZE) {
		pte_t *ptep = &table[pte_index(addr)];
		int err;

		if (pte_none(*ptep) && !ops->walk_none)
			continue;
		err = ops->pte_entry(walk, ptep, addr, walk_kind_of(*ptep, 1));
		if (err)
			return err;
	}
	return 0;
}

/*
 * One upper level: the entries of table over [addr, end). A huge or
 * non-present entry goes to the level's callback and is never descended;
 * a table entry is offered to the callback, then walked.
 */
static int walk_level(struct mm_walk *walk, pte_t *table, uint64_t addr, uint64_t end, int level)
{
	static const uint64_t size[] = { 0, PAGE_SIZE, PMD_SIZE, PUD_SIZE, PGDIR_SIZE };
	static const unsigned shift[] = { 0, PAGE_SHIFT, PMD_SHIFT, PUD_SHIFT, PGDIR_SHIFT };
	const struct mm_walk_ops *ops = walk->ops;
	int (*entry)(struct mm_walk *, pte_t *, uint64_t, uint64_t, enum walk_kind) =
		level == 4 ? ops->pgd_entry : level == 3 ? ops->pud_entry : ops->pmd_entry;

	do {
		uint64_t next = addr_end(addr, end, size[level]);
		pte_t *e = &table[(addr >> shift[level]) & 511];
		enum walk_kind kind = walk_kind_of(*e, level);
		int err = 0;

		if (kind == WALK_NONE) {
			err = hole(walk, addr, next, 4 - level);
		} else {
			walk->action = ACTION_SUBTREE;
			if (entry)
				err = entry(walk, e, addr, next, kind);
			else
				VM_BUG_ON(walk->m, kind != WALK_PRESENT,
					  "a huge or non-present upper-level entry met by a walk "
					  "that has no callback for it");
			if (!err && kind == WALK_PRESENT && walk->action == ACTION_SUBTREE)
				err = level == 2 ? walk_pte_range(walk, table_of(walk->m, *e), addr, next)
						 : walk_level(walk, table_of(walk->m, *e), addr, next,
							      level - 1);
		}
		if (err)
			return err;
		addr = next;
	} while (addr != end);
	return 0;
}

static int walk_pgd_range(struct mm_walk *walk, uint64_t start, uint64_t end)
{
	if (start >= end)
		return 0;
	return walk_level(walk, walk->mm->pgd, start, end, 4);
}

int walk_page_range_vma(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			uint64_t end, const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = {
		.ops = ops, .m = m, .mm = vma->vm_mm, .vma = vma, .private = private,
	};

	if (start < vma->vm_start)
		start = vma->vm_start;
	if (end > vma->vm_end)
		end = vma->vm_end;
	return walk_pgd_range(&walk, start, end);
}

int walk_page_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		    const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { .ops = ops, .m = m, .mm = mm, .private = private };

	while (start < end) {
		struct vm_area_struct *vma = find_vma(mm, start);
		uint64_t next;
		int err;

		if (!vma || vma->vm_start >= end) {
			walk.vma = NULL;
			return hole(&walk, start, end, -1);
		}
		if (vma->vm_start > start) {
			walk.vma = NULL;
			err = hole(&walk, start, vma->vm_start, -1);
			if (err)
				return err;
			start = vma->vm_start;
		}
		next = vma->vm_end < end ? vma->vm_end : end;
		walk.vma = vma;
		err = walk_pgd_range(&walk, start, next);
		if (err)
			return err;
		start = next;
	}
	return 0;
}

int walk_page_range_novma(struct machine *m, struct mm_struct *mm, uint64_t start,
			  uint64_t end, const struct mm_walk_ops *ops, void *private)
{
	struct mm_walk walk = { .ops = ops, .m = m, .mm = mm, .private = private };

	return walk_pgd_range(&walk, start, end);
}
