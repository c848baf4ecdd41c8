/*
 * pgtable.c - x86-64 4-level page tables (arch/x86/mm/pgtable.c,
 * mm/pgtable-generic.c, and the table parts of mm/memory.c).
 *
 * A 48-bit virtual address is cut into four 9-bit indexes and a 12-bit
 * offset:
 *
 *	47    39 38    30 29    21 20    12 11       0
 *	| PGD   | PUD   | PMD   | PTE   | offset    |
 *
 * Each table is one 4 KiB frame of simulated RAM holding 512 64-bit entries
 * with the hardware's bits: P (present), RW, US, A (accessed), D (dirty), PS
 * (this PMD/PUD maps a huge page), NX, and the frame number in bits 12-51.
 * Linux adds software bits: _PAGE_SPECIAL marks the zero page's PTEs, and a
 * PROT_NONE PTE keeps its frame with P clear and _PAGE_PROTNONE set, so the
 * hardware faults but the kernel still knows the page.
 *
 * Table frames are charged to the machine like any page (NR_PAGETABLE) and
 * the PUD, PMD and PTE tables to their mm (pgtables_bytes, VmPTE, and the
 * OOM killer's badness). Their entries live in a host array the frame's
 * struct page points to, so a walk is four array lookups.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/*
 * vm_get_page_prot() over x86's protection_map: private mappings are
 * mapped read-only even when writable (the write fault makes them writable
 * or copies: copy-on-write); shared writable ones get RW; without VM_EXEC
 * the NX bit is set; PROT_NONE is PAGE_NONE. The kernel's PAGE_* values
 * include _PAGE_ACCESSED, so new entries start young.
 */
pte_t vm_get_page_prot(uint32_t vm_flags)
{
	pte_t prot;

	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return _PAGE_PROTNONE | _PAGE_ACCESSED;
	prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	if ((vm_flags & VM_SHARED) && (vm_flags & VM_WRITE))
		prot |= _PAGE_RW;
	return prot;
}

/* The host side of a table page: a zeroed array of 512 entries. */
static pte_t *host_table_get(struct machine *m)
{
	if (m->pt_free_nr) {
		pte_t *t = m->pt_free[--m->pt_free_nr];

		memset(t, 0, PTRS_PER_TABLE * sizeof(pte_t));
		return t;
	}
	return calloc(PTRS_PER_TABLE, sizeof(pte_t));
}

static void host_table_put(struct machine *m, pte_t *t)
{
	if (m->pt_free_nr == m->pt_free_cap) {
		int cap = m->pt_free_cap ? m->pt_free_cap * 2 : 64;
		pte_t **n = realloc(m->pt_free, (size_t)cap * sizeof(*n));

		if (!n) {
			free(t);
			return;
		}
		m->pt_free = n;
		m->pt_free_cap = cap;
	}
	m->pt_free[m->pt_free_nr++] = t;
}

/* pagetable_alloc() + the level's ctor. NULL if no page or no host memory. */
static struct page *table_alloc(struct machine *m, struct mm_struct *mm, int level)
{
	struct page *p = alloc_pages(m, __GFP_ZERO, 0);
	pte_t *t;

	if (!p)
		return NULL;
	t = host_table_get(m);
	if (!t) {
		put_page(m, p);
		note_oom(m);
		return NULL;
	}
	SetPageFlag(p, PG_table);
	p->pt_level = (uint8_t)level;
	p->table = t;
	p->pt_mm = mm;
	mod_node_page_state(m, NR_PAGETABLE, 1);
	if (level < 4)
		mm->pgtables_bytes += PAGE_SIZE;	/* mm_inc_nr_{puds,pmds,ptes} */
	return p;
}

static void table_free(struct machine *m, struct mm_struct *mm, uint64_t pfn)
{
	struct page *p = pfn_to_page(m, pfn);

	m->pt_gen++;	/* every CPU's walk memo is stale now */
	if (p->pt_level < 4)
		mm->pgtables_bytes -= PAGE_SIZE;
	mod_node_page_state(m, NR_PAGETABLE, -1);
	host_table_put(m, p->table);
	p->table = NULL;
	p->pt_mm = NULL;
	p->pt_level = 0;
	ClearPageFlag(p, PG_table);
	put_page(m, p);
}

int pgd_alloc(struct machine *m, struct mm_struct *mm)
{
	struct page *p = table_alloc(m, mm, 4);

	if (!p)
		return -ENOMEM;
	mm->pgd_pfn = (uint32_t)page_to_pfn(m, p);
	mm->pgd = p->table;
	return 0;
}

void pgd_free(struct machine *m, struct mm_struct *mm)
{
	table_free(m, mm, mm->pgd_pfn);
	mm->pgd = NULL;
}

/*
 * Descend one level: the table entry *e points to, allocating it if the
 * entry is empty and alloc is set (__pud_alloc/__pmd_alloc/__pte_alloc).
 * An entry that maps a huge page is never read as a table.
 */
static pte_t *next_table(struct machine *m, struct mm_struct *mm, pte_t *e, int level,
			 bool alloc)
{
	if (!(*e & _PAGE_PRESENT)) {
		struct page *p;

		if (!alloc)
			return NULL;
		p = table_alloc(m, mm, level);
		if (!p)
			return NULL;
		*e = pfn_pte(page_to_pfn(m, p), _PAGE_TABLE);
	}
	VM_BUG_ON(m, *e & _PAGE_PSE, "a huge page's entry read as a page table");
	return table_of(m, *e);
}

/* The PMD entry over addr, making the PUD and PMD tables if alloc. NULL: none / no memory. */
static pte_t *pmd_offset(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc)
{
	pte_t *pud, *pmd;

	pud = next_table(m, mm, &mm->pgd[pgd_index(addr)], 3, alloc);
	if (!pud)
		return NULL;
	pmd = next_table(m, mm, &pud[pud_index(addr)], 2, alloc);
	if (!pmd)
		return NULL;
	return &pmd[pmd_index(addr)];
}

pte_t *pmd_alloc(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	return pmd_offset(m, mm, addr, true);
}

pte_t *pte_offset_pmd(struct machine *m, struct mm_struct *mm, pte_t *pmd, uint64_t addr,
		      bool alloc)
{
	pte_t *pte = next_table(m, mm, pmd, 1, alloc);

	return pte ? &pte[pte_index(addr)] : NULL;
}

pte_t *pte_offset(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc)
{
	pte_t *pmd = pmd_offset(m, mm, addr, alloc);

	return pmd ? pte_offset_pmd(m, mm, pmd, addr, alloc) : NULL;
}

/*
 * The page walker of the MMU: follows the four levels, setting the accessed
 * bit of every entry it uses, as x86 does. Returns the leaf entry (a PTE,
 * or a PMD with PS set), or 0 if a level is not present; *slot points to it.
 */
pte_t walk_hw(struct machine *m, struct cpu *c, struct mm_struct *mm, uint64_t addr,
	      pte_t **slot)
{
	pte_t *e = &mm->pgd[pgd_index(addr)];
	pte_t *t;

	if (c->walk_ctx == mm->ctx_id && c->walk_pmd_va == (addr & PMD_MASK) &&
	    c->walk_gen == m->pt_gen) {
		e = &c->walk_table[pte_index(addr)];
		*slot = e;
		return *e;
	}
	if (!(*e & _PAGE_PRESENT))
		return 0;
	*e |= _PAGE_ACCESSED;
	t = table_of(m, *e);
	e = &t[pud_index(addr)];
	if (!(*e & _PAGE_PRESENT))
		return 0;
	*e |= _PAGE_ACCESSED;
	t = table_of(m, *e);
	e = &t[pmd_index(addr)];
	if (!(*e & _PAGE_PRESENT))
		return 0;
	*e |= _PAGE_ACCESSED;
	if (*e & _PAGE_PSE) {
		*slot = e;
		return *e;
	}
	t = table_of(m, *e);
	c->walk_ctx = mm->ctx_id;
	c->walk_pmd_va = addr & PMD_MASK;
	c->walk_gen = m->pt_gen;
	c->walk_table = t;
	e = &t[pte_index(addr)];
	*slot = e;
	return *e;
}

/* ---- free_pgd_range(): freeing tables no VMA needs any more ---- */

/* pte_free_tlb(): the table goes, and the TLB range grows to cover it. */
static void free_pte_range(struct machine *m, struct mmu_gather *tlb, pte_t *pmd, uint64_t addr)
{
	uint64_t pfn = pte_pfn(*pmd);

	*pmd = 0;
	table_free(m, tlb->mm, pfn);
	tlb_adjust_range(tlb, addr, PAGE_SIZE);
}

/*
 * try_to_free_pte() (mm/pt_reclaim.c, CONFIG_PT_RECLAIM, Linux 6.14+): when
 * MADV_DONTNEED has zapped the whole 2 MiB a PTE table maps
 * (reclaim_pt_is_enabled(): the zap covers PMD_SIZE), the table goes if
 * every entry in it is none, and VmPTE shrinks.
 */
bool try_to_free_pte(struct machine *m, struct mmu_gather *tlb, uint64_t addr)
{
	pte_t *pmd = pmd_offset(m, tlb->mm, addr, false), *pte;

	if (!pmd || !(*pmd & _PAGE_PRESENT) || (*pmd & _PAGE_PSE))
		return false;
	pte = table_of(m, *pmd);
	for (int i = 0; i < PTRS_PER_TABLE; i++)
		if (pte[i])
			return false;
	free_pte_range(m, tlb, pmd, addr & PMD_MASK);
	return true;
}

static void free_pmd_range(struct machine *m, struct mmu_gather *tlb, pte_t *pud,
			   uint64_t addr, uint64_t end, uint64_t floor, uint64_t ceiling)
{
	struct mm_struct *mm = tlb->mm;
	pte_t *pmd = table_of(m, *pud);
	uint64_t start = addr, next;

	do {
		next = (addr + PMD_SIZE) & PMD_MASK;
		if (next - 1 > end - 1)
			next = end;
		if (pmd[pmd_index(addr)] & _PAGE_PRESENT)
			free_pte_range(m, tlb, &pmd[pmd_index(addr)], addr);
	} while (addr = next, addr != end);

	start &= PUD_MASK;
	if (start < floor)
		return;
	if (ceiling) {
		ceiling &= PUD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		return;
	table_free(m, mm, pte_pfn(*pud));
	*pud = 0;
	tlb_adjust_range(tlb, start, PAGE_SIZE);
}

static void free_pud_range(struct machine *m, struct mmu_gather *tlb, pte_t *pgd,
			   uint64_t addr, uint64_t end, uint64_t floor, uint64_t ceiling)
{
	struct mm_struct *mm = tlb->mm;
	pte_t *pud = table_of(m, *pgd);
	uint64_t start = addr, next;

	do {
		next = (addr + PUD_SIZE) & PUD_MASK;
		if (next - 1 > end - 1)
			next = end;
		if (pud[pud_index(addr)] & _PAGE_PRESENT)
			free_pmd_range(m, tlb, &pud[pud_index(addr)], addr, next, floor, ceiling);
	} while (addr = next, addr != end);

	start &= PGDIR_MASK;
	if (start < floor)
		return;
	if (ceiling) {
		ceiling &= PGDIR_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		return;
	table_free(m, mm, pte_pfn(*pgd));
	*pgd = 0;
	tlb_adjust_range(tlb, start, PAGE_SIZE);
}

/*
 * free_pgd_range() (mm/memory.c): free the page tables covering
 * [addr, end), but only those whose whole span lies in [floor, ceiling): a
 * table that also covers a neighbouring VMA stays. As in the kernel, 0 as
 * an end or ceiling means the top of the address space.
 */
void free_pgd_range(struct machine *m, struct mmu_gather *tlb, uint64_t addr,
		    uint64_t end, uint64_t floor, uint64_t ceiling)
{
	struct mm_struct *mm = tlb->mm;
	uint64_t next;

	addr &= PMD_MASK;
	if (addr < floor) {
		addr += PMD_SIZE;
		if (!addr)
			return;
	}
	if (ceiling) {
		ceiling &= PMD_MASK;
		if (!ceiling)
			return;
	}
	if (end - 1 > ceiling - 1)
		end -= PMD_SIZE;
	if (addr > end - 1)
		return;
	do {
		next = (addr + PGDIR_SIZE) & PGDIR_MASK;
		if (next - 1 > end - 1)
			next = end;
		if (mm->pgd[pgd_index(addr)] & _PAGE_PRESENT)
			free_pud_range(m, tlb, &mm->pgd[pgd_index(addr)], addr, next, floor, ceiling);
	} while (addr = next, addr != end);
}

/* The leaf entry for addr as software sees it (no accessed bits set), or 0. */
pte_t walk_peek(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	pte_t e = mm->pgd[pgd_index(addr)];

	if (!(e & _PAGE_PRESENT))
		return 0;
	e = table_of(m, e)[pud_index(addr)];
	if (!(e & _PAGE_PRESENT))
		return 0;
	e = table_of(m, e)[pmd_index(addr)];
	if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
		return e;
	return table_of(m, e)[pte_index(addr)];
}

/* vm_pagewalk(): the four levels for addr, read without side effects. */
int vm_pagewalk(vm_machine *m, int pid, uint64_t addr, struct vm_walk *w)
{
	struct task_struct *t = find_task(m, pid);
	struct mm_struct *mm;
	struct vm_area_struct *v;
	pte_t *table, e = 0;
	static const int shift[4] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };

	if (!t || !t->mm)
		return -ESRCH;
	mm = t->mm;
	memset(w, 0, sizeof(*w));
	w->pid = pid;
	w->addr = addr;
	w->value = -1;
	w->cpu = t->cpu;
	w->pcid = m->cpus[t->cpu].loaded_mm == mm ? kern_pcid(m->cpus[t->cpu].loaded_asid) : 0;
	table = mm->pgd;
	for (int l = 0; l < 4; l++) {
		w->lvl[l].index = (unsigned)((addr >> shift[l]) & 511);
		w->lvl[l].table_pfn = l ? pte_pfn(e) : mm->pgd_pfn;
		e = table[w->lvl[l].index];
		w->lvl[l].entry = e;
		w->levels = l + 1;
		if (!(e & _PAGE_PRESENT))
			break;
		if (l == 2 && (e & _PAGE_PSE)) {
			w->huge = 1;
			break;
		}
		if (l < 3)
			table = table_of(m, e);
	}
	if (e & _PAGE_PRESENT && (w->levels == 4 || w->huge)) {
		struct page *p;

		w->mapped = 1;
		w->pfn = pte_pfn(e) + (w->huge ? ((addr >> PAGE_SHIFT) & 511) : 0);
		w->phys = (w->pfn << PAGE_SHIFT) | (addr & ~PAGE_MASK);
		w->zero_page = w->pfn == m->zero_pfn;
		p = pfn_to_page(m, w->pfn);
		w->value = p->value;
		w->refcount = p->refcount;
		w->mapcount = w->zero_page ? 0 : p->mapcount;
	}
	v = vma_lookup(mm, addr);
	if (v) {
		w->in_vma = 1;
		w->vma_start = v->vm_start;
		w->vma_end = v->vm_end;
		w->vma_perms[0] = v->vm_flags & VM_READ ? 'r' : '-';
		w->vma_perms[1] = v->vm_flags & VM_WRITE ? 'w' : '-';
		w->vma_perms[2] = v->vm_flags & VM_EXEC ? 'x' : '-';
		w->vma_perms[3] = v->vm_flags & VM_MAYSHARE ? 's' : 'p';
	}
	if (w->pcid) {
		struct cpu *c = &m->cpus[t->cpu];
		uint64_t tag = TLB_VALID | ((addr >> PAGE_SHIFT) << 12) | w->pcid;
		struct tlb_array *arr[2] = { &c->l1_4k, &c->stlb };

		for (int k = 0; k < 2 && !w->tlb; k++) {
			struct tlb_entry *set = tlb_set(arr[k], addr >> PAGE_SHIFT);

			for (uint32_t i = 0; i < arr[k]->ways; i++)
				if (set[i].tag == tag)
					w->tlb = k + 1;
		}
	}
	return 0;
}
