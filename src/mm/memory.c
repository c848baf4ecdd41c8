/*
 * memory.c - the page-fault handler and the unmapping of pages (mm/memory.c,
 * mm/rmap.c, mm/mlock.c).
 *
 * handle_mm_fault() finds (allocating if need be) the PTE for the faulting
 * address and decides what the fault means:
 *
 *   - empty PTE, anonymous VMA: do_anonymous_page(). A read maps the shared
 *     zero page read-only (a special PTE: no page, no RSS); a write allocates
 *     a zeroed page, maps it writable and dirty, and puts it on the inactive
 *     anon LRU.
 *   - empty PTE, shmem VMA: do_fault() -> shmem.c (fault-around on reads).
 *   - present but read-only, write access: do_wp_page(). The zero page is
 *     replaced by a new zeroed page (wp_page_copy). An anon page is reused
 *     in place when it is PageAnonExclusive or its refcount is 1 (the other
 *     side of a fork has let go of it, 5.9+ / 5.19+ rules); otherwise it is
 *     copied, and the old page loses a mapping.
 *   - present and allowed: a spurious fault (a stale TLB entry): mark young.
 *
 * Its last step, mm_account_fault(), counts the fault exactly as the kernel
 * does: pgfault for every completed fault including failures that reached
 * the handler, then min_flt or maj_flt of the task unless the fault failed.
 *
 * Zapping (unmap_page_range) clears PTEs, drops the pages' mapcounts and
 * references, and the RSS counters; the caller's mmu_gather flushes the TLB
 * once for the range it cleared.
 */
#include <string.h>
#include "internal.h"

/* ---- per-mm RSS counters (include/linux/mm.h) ---- */

void add_mm_counter(struct mm_struct *mm, int member, int64_t v)
{
	mm->rss_stat[member] += v;
}

uint64_t get_mm_rss(const struct mm_struct *mm)
{
	return (uint64_t)(mm->rss_stat[MM_FILEPAGES] + mm->rss_stat[MM_ANONPAGES] +
			  mm->rss_stat[MM_SHMEMPAGES]);
}

void update_hiwater_rss(struct mm_struct *mm)
{
	uint64_t rss = get_mm_rss(mm);

	if (mm->hiwater_rss < rss)
		mm->hiwater_rss = rss;
}

/* mm_counter(): which RSS counter a page belongs to. */
int mm_counter_of(const struct page *page)
{
	if (PageFlag(page, PG_anon))
		return MM_ANONPAGES;
	if (PageFlag(page, PG_swapbacked))
		return MM_SHMEMPAGES;
	return MM_FILEPAGES;
}

/* vm_normal_page(): the page behind a PTE, NULL for the zero page. */
static struct page *vm_normal_page(struct machine *m, pte_t pte)
{
	if (pte_special(pte))
		return NULL;
	return pfn_to_page(m, pte_pfn(pte));
}

/* ---- mmu_gather ---- */

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm, bool fullmm)
{
	tlb->mm = mm;
	tlb->start = UINT64_MAX;
	tlb->end = 0;
	tlb->fullmm = fullmm;
}

void tlb_adjust_range(struct mmu_gather *tlb, uint64_t addr, uint64_t size)
{
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + size > tlb->end)
		tlb->end = addr + size;
}

/* tlb_finish_mmu(): one flush for everything cleared (all of it at exit). */
void tlb_finish_mmu(struct machine *m, struct mmu_gather *tlb, struct task_struct *t)
{
	if (tlb->end <= tlb->start)
		return;
	if (tlb->fullmm)
		flush_tlb_mm(m, tlb->mm, t);
	else
		flush_tlb_mm_range(m, tlb->mm, tlb->start, tlb->end, t);
}

/* ---- rmap: mapcounts and the counters that follow them (mm/rmap.c) ---- */

/* folio_add_new_anon_rmap(): a fresh anon page, exclusive to this mm. */
void folio_add_new_anon_rmap(struct machine *m, struct page *page, struct vm_area_struct *vma,
			     uint64_t addr)
{
	SetPageFlag(page, PG_anon);
	SetPageFlag(page, PG_swapbacked);
	SetPageFlag(page, PG_anon_exclusive);
	page->mapcount = 1;
	page->index = (addr - vma->vm_start) >> PAGE_SHIFT;
	mod_node_page_state(m, NR_ANON_MAPPED, 1);
}

/* folio_add_file_rmap_pte(): one more PTE maps a page-cache (shmem) page. */
static void folio_add_file_rmap_pte(struct machine *m, struct page *page)
{
	if (page->mapcount++ == 0)
		mod_node_page_state(m, NR_FILE_MAPPED, 1);
}

/* mlock_folio() / munlock_folio() (mm/mlock.c): the unevictable list. */
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

/* folio_remove_rmap_pte(): a PTE no longer maps the page. */
void folio_remove_rmap_pte(struct machine *m, struct page *page)
{
	if (--page->mapcount > 0)
		return;
	if (PageFlag(page, PG_anon))
		mod_node_page_state(m, NR_ANON_MAPPED, -1);
	else
		mod_node_page_state(m, NR_FILE_MAPPED, -1);
}

/* folio_add_lru_vma(): new pages of a VM_LOCKED VMA go straight to unevictable. */
static void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_LOCKED)
		mlock_folio(m, page);
	else
		folio_add_lru(m, page, LRU_INACTIVE_ANON);
}

/* mlock_vma_folio(): a page newly mapped into a VM_LOCKED VMA. */
void mlock_vma_page(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_LOCKED)
		mlock_folio(m, page);
}

void munlock_vma_page(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_LOCKED)
		munlock_folio(m, page);
}

/* ---- fault events ---- */

static void fault_event(struct machine *m, struct task_struct *t, uint64_t addr, bool write,
			uint64_t pfn, const char *what)
{
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_FAULT, .pid = t->pid, .cpu = t->cpu,
			.addr = addr, .pfn = pfn, .write = write, .what = what,
		};
		mm_emit(m, &ev);
	}
}

static void anon_vma_prepare(struct machine *m, struct vm_area_struct *vma)
{
	if (!vma->anon_vma)
		vma->anon_vma = ++m->next_anon_vma;
}

/* ---- do_anonymous_page ---- */

static unsigned do_anonymous_page(struct machine *m, struct task_struct *t,
				  struct vm_area_struct *vma, uint64_t addr, bool write, pte_t *ptep)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;
	pte_t entry;

	if (!write) {
		/* Use the zero page for reads: one shared read-only frame. */
		*ptep = pfn_pte(m->zero_pfn, vm_get_page_prot(vma->vm_flags)) | _PAGE_SPECIAL;
		charge(m, t, COST_ANON_ZERO, false);
		fault_event(m, t, addr, write, m->zero_pfn, "anon: zero page");
		return 0;
	}
	anon_vma_prepare(m, vma);
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0);
	if (!page)
		return VM_FAULT_OOM;
	entry = pfn_pte(page_to_pfn(m, page), vm_get_page_prot(vma->vm_flags));
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW | _PAGE_DIRTY;
	folio_add_new_anon_rmap(m, page, vma, addr);
	folio_add_lru_vma(m, page, vma);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	*ptep = entry;
	charge(m, t, COST_ANON_ALLOC, false);
	fault_event(m, t, addr, write, page_to_pfn(m, page), "anon: new page");
	return 0;
}

/* ---- do_wp_page ---- */

/*
 * wp_page_copy(): give this mm its own copy (zeroed, if the old mapping was
 * the zero page), map it writable, flush the old translation everywhere.
 */
static unsigned wp_page_copy(struct machine *m, struct task_struct *t,
			     struct vm_area_struct *vma, uint64_t addr, pte_t *ptep,
			     struct page *old)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *new;
	pte_t entry;

	anon_vma_prepare(m, vma);
	new = alloc_pages(m, GFP_HIGHUSER_MOVABLE | (old ? 0 : __GFP_ZERO), 0);
	if (!new)
		return VM_FAULT_OOM;
	if (old)
		new->value = old->value;	/* copy_mc_user_highpage() */
	if (!old || !PageFlag(old, PG_anon)) {
		if (old)
			add_mm_counter(mm, mm_counter_of(old), -1);
		add_mm_counter(mm, MM_ANONPAGES, 1);
	}
	entry = pfn_pte(page_to_pfn(m, new), vm_get_page_prot(vma->vm_flags)) | _PAGE_DIRTY;
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW;
	/* ptep_clear_flush(): no CPU may keep using the old frame */
	*ptep = 0;
	flush_tlb_page(m, mm, addr & PAGE_MASK, t);
	folio_add_new_anon_rmap(m, new, vma, addr);
	folio_add_lru_vma(m, new, vma);
	*ptep = entry;
	if (old) {
		munlock_vma_page(m, old, vma);
		folio_remove_rmap_pte(m, old);
		put_page(m, old);
	}
	charge(m, t, old ? COST_COW_COPY : COST_WP_ZERO, false);
	fault_event(m, t, addr, true, page_to_pfn(m, new),
		    old ? "cow: copied" : "anon: new page replaces zero page");
	return 0;
}

/* wp_page_reuse(): the page is ours alone: just make the PTE writable. */
static unsigned wp_page_reuse(struct machine *m, struct task_struct *t,
			      struct vm_area_struct *vma, uint64_t addr, pte_t *ptep, bool anon)
{
	*ptep |= _PAGE_ACCESSED | _PAGE_DIRTY;
	if (vma->vm_flags & VM_WRITE)
		*ptep |= _PAGE_RW;
	if (anon)
		count_vm_event(m, PGREUSE);
	charge(m, t, COST_COW_REUSE, false);
	fault_event(m, t, addr, true, pte_pfn(*ptep), anon ? "cow: reused" : "shared: made writable");
	return 0;
}

/*
 * wp_can_reuse_anon_folio(): reuse only a small, non-KSM folio whose sole
 * reference is our mapping (+1 if it sits in the swap cache).
 */
static bool wp_can_reuse_anon_folio(const struct page *page)
{
	if (PageFlag(page, PG_head))
		return false;
	return page->refcount == 1 + (PageFlag(page, PG_swapcache) ? 1 : 0);
}

static unsigned do_wp_page(struct machine *m, struct task_struct *t,
			   struct vm_area_struct *vma, uint64_t addr, pte_t *ptep)
{
	struct page *page = vm_normal_page(m, *ptep);

	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		/* wp_page_shared(): shmem needs no write-notify; the page stays */
		if (page)
			return wp_page_reuse(m, t, vma, addr, ptep, false);
	}
	if (!page)
		return wp_page_copy(m, t, vma, addr, ptep, NULL);
	if (PageFlag(page, PG_anon)) {
		if (PageFlag(page, PG_anon_exclusive))
			return wp_page_reuse(m, t, vma, addr, ptep, true);
		if (wp_can_reuse_anon_folio(page)) {
			SetPageFlag(page, PG_anon_exclusive);
			return wp_page_reuse(m, t, vma, addr, ptep, true);
		}
	}
	return wp_page_copy(m, t, vma, addr, ptep, page);
}

/* ---- handle_mm_fault ---- */

static unsigned handle_pte_fault(struct machine *m, struct task_struct *t,
				 struct vm_area_struct *vma, uint64_t addr, unsigned flags,
				 pte_t *ptep)
{
	bool write = flags & FAULT_FLAG_WRITE;
	pte_t entry = *ptep;

	if (pte_none(entry)) {
		if (!vma->vm_file)
			return do_anonymous_page(m, t, vma, addr, write, ptep);
		return shmem_fault(m, t, vma, addr, flags, ptep);
	}
	if (!pte_present(entry))
		return VM_FAULT_SIGBUS;		/* swap entries arrive with swap */
	if (write) {
		if (!pte_write(entry))
			return do_wp_page(m, t, vma, addr, ptep);
		*ptep |= _PAGE_DIRTY;
	}
	/* A stale TLB entry: the PTE already allows the access. */
	*ptep |= _PAGE_ACCESSED;
	charge(m, t, COST_SPURIOUS, false);
	fault_event(m, t, addr, write, pte_pfn(entry), "spurious (stale TLB entry)");
	return 0;
}

/*
 * mm_account_fault(): pgfault for every fault that completed (failures
 * included); the task's min_flt or maj_flt unless it failed. GUP faults
 * (user == false) count here too, but not as perf events.
 */
void mm_account_fault(struct machine *m, struct task_struct *t, unsigned ret, bool user)
{
	(void)user;
	if (ret & VM_FAULT_RETRY)
		return;
	count_vm_event(m, PGFAULT);
	if (ret & VM_FAULT_ERROR)
		return;
	if (ret & VM_FAULT_MAJOR)
		t->maj_flt++;
	else
		t->min_flt++;
}

unsigned handle_mm_fault(struct machine *m, struct task_struct *t,
			 struct vm_area_struct *vma, uint64_t addr, unsigned flags)
{
	pte_t *ptep = pte_offset(m, vma->vm_mm, addr, true);
	unsigned ret;

	if (!ptep)
		ret = VM_FAULT_OOM;
	else
		ret = handle_pte_fault(m, t, vma, addr, flags, ptep);
	if (ret & VM_FAULT_OOM && m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_OOM, .pid = t->pid, .cpu = t->cpu,
			.addr = addr, .what = "no free page",
		};
		mm_emit(m, &ev);
	}
	mm_account_fault(m, t, ret, flags & FAULT_FLAG_USER);
	return ret;
}

/* ---- zap_pte_range ---- */

/*
 * unmap_page_range() for one VMA: clear every PTE in [start, end), drop
 * the pages' mapcounts and references (freeing those that reach zero) and
 * the RSS counters, and widen the gather to what was cleared.
 */
void zap_vma_range(struct machine *m, struct mmu_gather *tlb, struct task_struct *t,
		   struct vm_area_struct *vma, uint64_t start, uint64_t end)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t addr = start;

	if (m->shadow && !vma->vm_file)
		shadow_forget(mm, start, end);	/* private memory reads zero again */
	while (addr < end) {
		uint64_t next = (addr + PMD_SIZE) & PMD_MASK;
		pte_t *table = pte_table(m, mm, addr);

		if (next > end || next == 0)
			next = end;
		if (!table) {
			addr = next;
			continue;
		}
		for (; addr < next; addr += PAGE_SIZE) {
			pte_t *ptep = &table[pte_index(addr)];
			pte_t pte = *ptep;
			struct page *page;

			if (pte_none(pte))
				continue;
			*ptep = 0;
			tlb_adjust_range(tlb, addr, PAGE_SIZE);
			if (t)
				charge(m, t, COST_ZAP_PTE, false);
			page = vm_normal_page(m, pte);
			if (!page)
				continue;
			add_mm_counter(mm, mm_counter_of(page), -1);
			if ((pte & _PAGE_DIRTY) && !PageFlag(page, PG_anon))
				SetPageFlag(page, PG_dirty);	/* folio_mark_dirty() */
			munlock_vma_page(m, page, vma);
			folio_remove_rmap_pte(m, page);
			/*
			 * The kernel frees pages only after tlb_finish_mmu()
			 * flushes; no access can come in between here either.
			 */
			put_page(m, page);
		}
	}
}

/* Map a page-cache page at addr (set_pte_range()). */
void map_file_page(struct machine *m, struct vm_area_struct *vma, pte_t *ptep,
		   struct page *page, bool write)
{
	pte_t entry = pfn_pte(page_to_pfn(m, page), vm_get_page_prot(vma->vm_flags));

	if (write) {
		entry |= _PAGE_DIRTY;
		if (vma->vm_flags & VM_WRITE)
			entry |= _PAGE_RW;
	}
	page->refcount++;
	folio_add_file_rmap_pte(m, page);
	mlock_vma_page(m, page, vma);
	add_mm_counter(vma->vm_mm, mm_counter_of(page), 1);
	*ptep = entry;
}
