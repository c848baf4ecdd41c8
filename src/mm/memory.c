/*
 * memory.c - the page-fault handler and the unmapping of pages (mm/memory.c).
 *
 * handle_mm_fault() follows the kernel's path: __handle_mm_fault() makes
 * the upper table levels and stops at the PMD (where a huge page would be
 * handled), then handle_pte_fault() looks at the PTE and calls one of:
 *
 *   - nothing there, anonymous VMA (no vm_ops): do_anonymous_page(). A
 *     read maps the shared zero page read-only (a special PTE: no page, no
 *     RSS); a write allocates a zeroed page, maps it writable and dirty,
 *     and puts it on the inactive anon LRU.
 *   - nothing there, a VMA with vm_ops (shmem; files later): do_fault(),
 *     which asks the mapping: do_read_fault() (fault-around first, then
 *     ->fault), do_shared_fault(); finish_fault() maps the page.
 *   - a swap entry: do_swap_page().
 *   - present but read-only, write access: do_wp_page(). The zero page is
 *     replaced by a new zeroed page (wp_page_copy). An anon page is reused
 *     in place when it is PageAnonExclusive or its refcount is 1 (the other
 *     side of a fork has let go of it, 5.9+ / 5.19+ rules); otherwise it is
 *     copied, and the old page loses a mapping.
 *   - present and allowed: a spurious fault (a stale TLB entry): mark young.
 *
 * The fault's state travels in a struct vm_fault, as in the kernel. Every
 * user page is allocated through vma_alloc_folio(), the one seam where a
 * folio's order and its memory-cgroup charge are decided.
 *
 * Its last step, mm_account_fault(), counts the fault exactly as the kernel
 * does: pgfault for every completed fault including failures that reached
 * the handler, then min_flt or maj_flt of the task unless the fault failed.
 *
 * Zapping (unmap_page_range) clears PTEs through the page walker, drops the
 * pages' mapcounts and references, and the RSS counters; the caller's
 * mmu_gather flushes the TLB once for the range it cleared.
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

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm, struct task_struct *t,
		    bool fullmm)
{
	tlb->mm = mm;
	tlb->task = t;
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
void tlb_finish_mmu(struct machine *m, struct mmu_gather *tlb)
{
	if (tlb->end <= tlb->start)
		return;
	if (tlb->fullmm)
		flush_tlb_mm(m, tlb->mm, tlb->task);
	else
		flush_tlb_mm_range(m, tlb->mm, tlb->start, tlb->end, tlb->task);
}

/* ---- fault events ---- */

static void fault_event(struct machine *m, const struct vm_fault *vmf, uint64_t pfn,
			const char *what)
{
	if (m->event_fn) {
		struct task_struct *t = vmf->task;
		struct vm_event ev = {
			.time = t->clock, .kind = EV_FAULT, .pid = t->pid, .cpu = t->cpu,
			.addr = vmf->real_address, .pfn = pfn,
			.write = !!(vmf->flags & FAULT_FLAG_WRITE), .major = vmf->major, .what = what,
		};
		mm_emit(m, &ev);
	}
}

/* ---- the one seam where user pages are allocated ---- */

/*
 * vma_alloc_folio(): a page of 2^order frames for a user mapping at addr.
 * Every user page comes from here (anon faults, CoW copies, shmem), so this
 * is where the folio's order and, with memory cgroups, its charge are
 * decided; the allocator's slow path (page_alloc.c) does the rest.
 */
struct page *vma_alloc_folio(struct machine *m, unsigned gfp, unsigned order,
			     struct vm_area_struct *vma, uint64_t addr)
{
	struct page *page = alloc_pages(m, gfp, order);

	(void)addr;
	if (page && mem_cgroup_charge(m, page, vma ? vma->vm_mm : NULL, 1u << order)) {
		put_page(m, page);
		return NULL;
	}
	return page;
}

/* alloc_anon_folio(): the zeroed page of an anonymous write fault (order 0 without THP). */
static struct page *alloc_anon_folio(struct machine *m, struct vm_fault *vmf)
{
	return vma_alloc_folio(m, GFP_HIGHUSER_MOVABLE | __GFP_ZERO, 0, vmf->vma, vmf->address);
}

/* pte_alloc(): the PTE table under vmf->pmd, made if missing; sets vmf->pte. */
static bool pte_alloc(struct machine *m, struct vm_fault *vmf)
{
	if (!vmf->pte)
		vmf->pte = pte_offset_pmd(m, vmf->vma->vm_mm, vmf->pmd, vmf->address, true);
	return vmf->pte != NULL;
}

/* ---- do_anonymous_page ---- */

static unsigned do_anonymous_page(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	pte_t entry;

	if (!pte_alloc(m, vmf))
		return VM_FAULT_OOM;
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/* Use the zero page for reads: one shared read-only frame. */
		*vmf->pte = pfn_pte(m->zero_pfn, vm_get_page_prot(vma->vm_flags)) | _PAGE_SPECIAL;
		charge(m, vmf->task, COST_ANON_ZERO, false);
		fault_event(m, vmf, m->zero_pfn, "anon: zero page");
		return 0;
	}
	if (anon_vma_prepare(m, vma))
		return VM_FAULT_OOM;
	page = alloc_anon_folio(m, vmf);
	if (!page)
		return VM_FAULT_OOM;
	entry = pfn_pte(page_to_pfn(m, page), vm_get_page_prot(vma->vm_flags));
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW | _PAGE_DIRTY;
	folio_add_new_anon_rmap(m, page, vma, vmf->address, true);
	folio_add_lru_vma(m, page, vma);
	add_mm_counter(vma->vm_mm, MM_ANONPAGES, 1);
	*vmf->pte = entry;
	charge(m, vmf->task, COST_ANON_ALLOC, false);
	fault_event(m, vmf, page_to_pfn(m, page), "anon: new page");
	return 0;
}

/* ---- do_fault: mappings with vm_ops (shmem and files) ---- */

/* finish_fault() -> set_pte_range(): map the page ->fault() found (6.18: its whole folio). */
static unsigned finish_fault(struct machine *m, struct vm_fault *vmf)
{
	finish_fault_folio(m, vmf);
	fault_event(m, vmf, page_to_pfn(m, vmf->page), vmf->what);
	return 0;
}

/* __do_fault(): ask the mapping for the page (vmf->page). */
static unsigned __do_fault(struct machine *m, struct vm_fault *vmf)
{
	unsigned ret = vmf->vma->vm_ops->fault(m, vmf);

	VM_BUG_ON(m, !(ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) && !vmf->page,
		  "->fault() returned no page and no error");
	vmf->major = ret & VM_FAULT_MAJOR;
	return ret;
}

/*
 * do_read_fault(): fault-around first (map what is cached near the
 * address, filemap.c), then ->fault() for the page itself.
 */
static unsigned do_read_fault(struct machine *m, struct vm_fault *vmf)
{
	const struct vm_operations_struct *ops = vmf->vma->vm_ops;
	unsigned ret;

	if (ops->map_pages && do_fault_around(m, vmf) == VM_FAULT_NOPAGE) {
		fault_event(m, vmf, pte_pfn(*vmf->pte), ops->fault_around_event);
		return VM_FAULT_NOPAGE;
	}
	ret = __do_fault(m, vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	return ret | finish_fault(m, vmf);
}

/*
 * do_cow_fault(): a write to a private file mapping where nothing is
 * mapped yet: the page from the cache (read if it must be), copied into a
 * new anonymous page that is mapped writable. One fault per page.
 */
static unsigned do_cow_fault(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned ret = __do_fault(m, vmf);
	struct page *page = vmf->page, *new;
	pte_t entry;

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (anon_vma_prepare(m, vma))
		return VM_FAULT_OOM;
	page->refcount++;	/* ->fault()'s reference, held while the copy is made */
	new = vma_alloc_folio(m, GFP_HIGHUSER_MOVABLE, 0, vma, vmf->address);
	if (new)
		new->value = page->value;	/* copy_user_highpage() */
	put_page(m, page);
	if (!new)
		return VM_FAULT_OOM;
	entry = pfn_pte(page_to_pfn(m, new), vm_get_page_prot(vma->vm_flags)) | _PAGE_DIRTY;
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW;
	folio_add_new_anon_rmap(m, new, vma, vmf->address, true);
	folio_add_lru_vma(m, new, vma);
	add_mm_counter(vma->vm_mm, MM_ANONPAGES, 1);
	*vmf->pte = entry;
	charge(m, vmf->task, COST_COW_COPY, false);
	fault_event(m, vmf, page_to_pfn(m, new), "cow: copied from the page cache");
	return ret;
}

/*
 * do_shared_fault(): the page, made dirty through ->page_mkwrite (files;
 * shmem has none), mapped writable (6.18: with its whole folio), then the
 * writer is throttled if the machine has too much dirty
 * (fault_dirty_shared_page).
 */
static unsigned do_shared_fault(struct machine *m, struct vm_fault *vmf)
{
	const struct vm_operations_struct *ops = vmf->vma->vm_ops;
	unsigned ret = __do_fault(m, vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	if (ops->page_mkwrite)
		ops->page_mkwrite(m, vmf);
	ret |= finish_fault(m, vmf);
	folio_mark_dirty(m, vmf->page);
	if (ops->page_mkwrite)
		balance_dirty_pages_ratelimited(m, vmf->task);
	return ret;
}

static unsigned do_fault(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;

	if (!vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	if (!pte_alloc(m, vmf))
		return VM_FAULT_OOM;
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(m, vmf);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(m, vmf);
	return do_shared_fault(m, vmf);
}

/* ---- do_swap_page ---- */

static unsigned do_wp_page(struct machine *m, struct vm_fault *vmf);

/*
 * should_try_to_free_swap(): after a swap-in, give the slot back when swap
 * is more than half full, the page is locked in memory, or a write fault
 * leaves the page to us alone (its data is about to change anyway).
 */
static bool should_try_to_free_swap(const struct machine *m, const struct page *page,
				    const struct vm_area_struct *vma, unsigned flags)
{
	if (!PageFlag(page, PG_swapcache))
		return false;
	if (vm_swap_full(m) || (vma->vm_flags & VM_LOCKED) || PageFlag(page, PG_mlocked))
		return true;
	return (flags & FAULT_FLAG_WRITE) && page->refcount == 2;
}

/*
 * do_swap_page(): the PTE holds a swap entry. A page still in the swap
 * cache is mapped at once (a minor fault); otherwise swapin_readahead()
 * reads it and its neighbours (a major fault, the task waiting for the
 * read). An exclusive page (the swap PTE says so) is mapped writable, and
 * dirty on a write; a shared one is mapped read-only and a write goes on
 * to do_wp_page(). Other non-present entries (migration, markers) are not
 * made by anything: a bad PTE, SIGBUS (print_bad_pte).
 */
static unsigned do_swap_page(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t orig = vmf->orig_pte, pte;
	bool exclusive = orig & _PAGE_SWP_EXCLUSIVE;
	bool wp = vmf->flags & FAULT_FLAG_WRITE;	/* the write still needs do_wp_page() */
	unsigned ret = 0;
	struct page *page;
	swp_entry_t e;

	if (walk_kind_of(orig, 1) != WALK_SWAP)
		return VM_FAULT_SIGBUS;
	e = pte_to_swp_entry(orig);
	page = swap_cache_get_folio(m, e);
	if (page) {
		swap_update_readahead(m, page, vma, vmf->address);
		charge(m, vmf->task, COST_SPURIOUS, false);
	} else {
		page = swapin_readahead(m, e, vmf);
		if (*vmf->pte != orig)
			return 0;	/* the PTE changed meanwhile: the access retries */
		if (!page)
			return VM_FAULT_OOM;
		ret = VM_FAULT_MAJOR;
		count_vm_event(m, PGMAJFAULT);
	}
	page->refcount++;	/* the lookup's reference: the new mapping's */
	swap_free(m, e);
	if (should_try_to_free_swap(m, page, vma, vmf->flags))
		folio_free_swap(m, page);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	pte = pfn_pte(page_to_pfn(m, page), vm_get_page_prot(vma->vm_flags));
	if (exclusive || page->refcount == 1) {
		if (vma->vm_flags & VM_WRITE) {
			pte |= _PAGE_RW;
			if (wp) {
				pte |= _PAGE_DIRTY;
				wp = false;
			}
		}
		exclusive = true;
	}
	if (PageFlag(page, PG_anon))
		folio_add_anon_rmap_pte(m, page, vma, exclusive);
	else
		folio_add_new_anon_rmap(m, page, vma, vmf->address, exclusive);
	mlock_vma_page(m, page, vma);
	*vmf->pte = pte | _PAGE_ACCESSED;
	vmf->major = ret & VM_FAULT_MAJOR;
	fault_event(m, vmf, page_to_pfn(m, page),
		    vmf->major ? "swap: read from swap" : "swap: page from swap cache");
	if (wp) {
		vmf->orig_pte = *vmf->pte;
		ret |= do_wp_page(m, vmf);
	}
	return ret;
}

/* ---- do_wp_page ---- */

/*
 * wp_page_copy(): give this mm its own copy (zeroed, if the old mapping was
 * the zero page), map it writable, flush the old translation everywhere.
 */
static unsigned wp_page_copy(struct machine *m, struct vm_fault *vmf, struct page *old)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep = vmf->pte;
	struct page *new;
	pte_t entry;

	if (anon_vma_prepare(m, vma))
		return VM_FAULT_OOM;
	/*
	 * The allocation may reclaim. The page being copied is in use this very
	 * moment (the kernel holds it with folio_get() and re-checks the PTE
	 * after, and its young PTE spares it); vmlab locks it for the while, so
	 * that reclaim in a tiny group cannot take it on every retry.
	 */
	if (old)
		SetPageFlag(old, PG_locked);
	new = vma_alloc_folio(m, GFP_HIGHUSER_MOVABLE | (old ? 0 : __GFP_ZERO), 0, vma,
			      vmf->address);
	if (old)
		ClearPageFlag(old, PG_locked);
	if (!new)
		return VM_FAULT_OOM;
	if (*ptep != vmf->orig_pte) {
		/* reclaim took the old page meanwhile (pte_same() failed): retry the access */
		put_page(m, new);
		return 0;
	}
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
	flush_tlb_page(m, mm, vmf->address, vmf->task);
	folio_add_new_anon_rmap(m, new, vma, vmf->address, true);
	folio_add_lru_vma(m, new, vma);
	*ptep = entry;
	if (old) {
		folio_remove_rmap_pte(m, old, vma);
		put_page(m, old);
	}
	charge(m, vmf->task, old ? COST_COW_COPY : COST_WP_ZERO, false);
	fault_event(m, vmf, page_to_pfn(m, new),
		    old ? "cow: copied" : "anon: new page replaces zero page");
	return 0;
}

/* wp_page_reuse(): the page is ours alone: just make the PTE writable. */
static unsigned wp_page_reuse(struct machine *m, struct vm_fault *vmf, bool anon)
{
	pte_t *ptep = vmf->pte;

	*ptep |= _PAGE_ACCESSED | _PAGE_DIRTY;
	if (vmf->vma->vm_flags & VM_WRITE)
		*ptep |= _PAGE_RW;
	if (anon)
		count_vm_event(m, PGREUSE);
	charge(m, vmf->task, COST_COW_REUSE, false);
	fault_event(m, vmf, pte_pfn(*ptep), anon ? "cow: reused" : "shared: made writable");
	return 0;
}

/*
 * wp_can_reuse_anon_folio(): reuse only a small, non-KSM folio whose sole
 * reference is our mapping, once a swap-cache copy nothing else needs has
 * been let go (folio_free_swap).
 */
static bool wp_can_reuse_anon_folio(struct machine *m, struct page *page)
{
	if (PageFlag(page, PG_head))
		return false;
	if (page->refcount > 1 + (PageFlag(page, PG_swapcache) ? 1 : 0))
		return false;
	if (PageFlag(page, PG_swapcache))
		folio_free_swap(m, page);
	return page->refcount == 1;
}

static unsigned do_wp_page(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = vm_normal_page(m, vmf->orig_pte);

	if (vma->vm_flags & (VM_SHARED | VM_MAYSHARE)) {
		/*
		 * wp_page_shared(): a file's page is read-only for write-notify:
		 * ->page_mkwrite dirties it, then it is made writable; shmem
		 * needs no write-notify (its PTEs are writable from the start).
		 */
		if (page) {
			vmf->page = page;
			if (vma->vm_ops && vma->vm_ops->page_mkwrite) {
				vma->vm_ops->page_mkwrite(m, vmf);
				wp_page_reuse(m, vmf, false);
				balance_dirty_pages_ratelimited(m, vmf->task);
				return 0;
			}
			return wp_page_reuse(m, vmf, false);
		}
	}
	if (!page)
		return wp_page_copy(m, vmf, NULL);
	if (PageFlag(page, PG_anon)) {
		if (PageFlag(page, PG_anon_exclusive))
			return wp_page_reuse(m, vmf, true);
		if (wp_can_reuse_anon_folio(m, page)) {
			SetPageFlag(page, PG_anon_exclusive);
			return wp_page_reuse(m, vmf, true);
		}
	}
	return wp_page_copy(m, vmf, page);
}

/* ---- handle_mm_fault ---- */

/*
 * handle_pte_fault(): what the PTE holds decides. Nothing (or no table):
 * a first touch, anonymous (no vm_ops) or through the mapping's ->fault.
 * A swap entry: do_swap_page. Present but read-only for a write: do_wp_page.
 * Present and allowed: a stale TLB entry (spurious), marked young.
 */
static unsigned handle_pte_fault(struct machine *m, struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	pte_t *ptep;

	vmf->pte = pte_offset_pmd(m, vma->vm_mm, vmf->pmd, vmf->address, false);
	vmf->orig_pte = vmf->pte ? *vmf->pte : 0;
	if (!vmf->pte || pte_none(vmf->orig_pte))
		return vma_is_anonymous(vma) ? do_anonymous_page(m, vmf) : do_fault(m, vmf);
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(m, vmf);
	ptep = vmf->pte;
	if (vmf->flags & FAULT_FLAG_WRITE) {
		if (!pte_write(vmf->orig_pte))
			return do_wp_page(m, vmf);
		*ptep |= _PAGE_DIRTY;
	}
	*ptep |= _PAGE_ACCESSED;
	charge(m, vmf->task, COST_SPURIOUS, false);
	fault_event(m, vmf, pte_pfn(vmf->orig_pte), "spurious (stale TLB entry)");
	return 0;
}

/*
 * __handle_mm_fault(): the upper levels are made if missing; at the PMD a
 * huge page would be made or handled (create_huge_pmd, do_huge_pmd_wp_page:
 * huge_memory.c, with THP); then the PTE level.
 */
static unsigned __handle_mm_fault(struct machine *m, struct task_struct *t,
				  struct vm_area_struct *vma, uint64_t addr, unsigned flags)
{
	struct vm_fault vmf = {
		.vma = vma, .task = t, .address = addr & PAGE_MASK, .real_address = addr,
		.flags = flags, .pgoff = linear_page_index(vma, addr),
	};

	vmf.pmd = pmd_alloc(m, vma->vm_mm, addr);
	if (!vmf.pmd)
		return VM_FAULT_OOM;
	/* pmd_trans_huge(): do_huge_pmd_*() arrives with THP */
	VM_BUG_ON(m, pmd_huge(*vmf.pmd), "a huge PMD while THP is not modelled");
	return handle_pte_fault(m, &vmf);
}

/*
 * mm_account_fault(): pgfault for every fault that completed (failures
 * included); the task's min_flt or maj_flt unless it failed. GUP faults
 * (user == false) count here too, but not as perf events.
 */
void mm_account_fault(struct machine *m, struct task_struct *t, unsigned ret, unsigned flags)
{
	if (ret & VM_FAULT_RETRY)
		return;
	struct mem_cgroup *memcg = m->memcg[t->mm ? t->mm->memcg_id : 0];

	count_vm_event(m, PGFAULT);
	memcg->pgfault++;		/* count_memcg_event_mm() */
	if (ret & VM_FAULT_ERROR)
		return;
	if (ret & VM_FAULT_MAJOR || flags & FAULT_FLAG_TRIED) {
		t->maj_flt++;
		memcg->pgmajfault++;
	} else {
		t->min_flt++;
	}
}

unsigned handle_mm_fault(struct machine *m, struct task_struct *t,
			 struct vm_area_struct *vma, uint64_t addr, unsigned flags)
{
	unsigned ret;

	t->in_fault++;		/* a kill now waits for the fault to finish */
	ret = __handle_mm_fault(m, t, vma, addr, flags);
	if (ret & VM_FAULT_RETRY) {
		/*
		 * The fault dropped its lock for I/O and waited: fault again
		 * (x86 do_user_addr_fault: the retry after a major attempt is
		 * FAULT_FLAG_TRIED, which mm_account_fault counts as major).
		 */
		if (ret & VM_FAULT_MAJOR)
			flags |= FAULT_FLAG_TRIED;
		ret = __handle_mm_fault(m, t, vma, addr, flags | FAULT_FLAG_RETRIED);
	}
	t->in_fault--;
	if (ret & VM_FAULT_OOM && m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_OOM, .pid = t->pid, .cpu = t->cpu,
			.addr = addr, .what = "no free page",
		};
		mm_emit(m, &ev);
	}
	mm_account_fault(m, t, ret, flags);
	return ret;
}

/* ---- zap_pte_range ---- */

/*
 * What clearing one present PTE costs: an anonymous page is freed with it;
 * a page-cache page stays cached (cheaper), and the further PTEs of one
 * large folio go in zap_present_ptes()' batch.
 */
static enum cost_item zap_cost(const struct page *page)
{
	const struct address_space *as;

	if (!page || PageFlag(page, PG_anon) || PageFlag(page, PG_swapbacked) || !page->mapping)
		return COST_ZAP_PTE;
	as = page->mapping;
	return folio_index_at(as, page->index) != page->index ? COST_MAP_PTE_BATCH :
								 COST_ZAP_FILE_PTE;
}

/* zap_pte_range() for one entry: clear it, drop the page's mapping. */
static int zap_pte_entry(struct mm_walk *walk, pte_t *ptep, uint64_t addr, enum walk_kind kind)
{
	struct machine *m = walk->m;
	struct mmu_gather *tlb = walk->private;
	struct vm_area_struct *vma = walk->vma;
	pte_t pte = *ptep;
	struct page *page;

	if (kind == WALK_SWAP) {
		/* zap_nonpresent_ptes(): the slot loses this reference */
		*ptep = 0;
		free_swap_and_cache(m, pte_to_swp_entry(pte));
		add_mm_counter(vma->vm_mm, MM_SWAPENTS, -1);
		return 0;
	}
	VM_BUG_ON(m, kind != WALK_PRESENT, "zap met a non-present PTE that is not a swap entry");
	*ptep = 0;
	tlb_adjust_range(tlb, addr, PAGE_SIZE);
	page = vm_normal_page(m, pte);
	if (tlb->task)
		charge(m, tlb->task, zap_cost(page), false);
	if (!page)
		return 0;
	add_mm_counter(vma->vm_mm, mm_counter_of(page), -1);
	if ((pte & _PAGE_DIRTY) && !PageFlag(page, PG_anon))
		folio_mark_dirty(m, page);
	folio_remove_rmap_pte(m, page, vma);
	/* free_swap_cache(): a swap-cache copy nobody maps or names goes with it */
	if (PageFlag(page, PG_swapcache) && !page->mapcount)
		folio_free_swap(m, page);
	/*
	 * The kernel frees pages only after tlb_finish_mmu() flushes; no
	 * access can come in between here either.
	 */
	put_page(m, page);
	return 0;
}

/* no pmd_entry: a huge PMD stops the walk on a VM_BUG_ON until THP brings zap_huge_pmd() */
static const struct mm_walk_ops zap_walk_ops = {
	.pte_entry = zap_pte_entry,
};

/*
 * unmap_page_range() for one VMA: clear every PTE in [start, end), drop
 * the pages' mapcounts and references (freeing those that reach zero) and
 * the RSS counters, and widen the gather to what was cleared.
 */
void zap_vma_range(struct machine *m, struct mmu_gather *tlb, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end)
{
	if (m->shadow && !(vma->vm_flags & VM_SHARED))
		shadow_forget(vma->vm_mm, start, end);	/* private memory reads zero (or the file) again */
	walk_page_range_vma(m, vma, start, end, &zap_walk_ops, tlb);
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
	} else if (vma_wants_writenotify(vma)) {
		entry &= ~_PAGE_RW;	/* the first write faults */
	}
	page->refcount++;
	folio_add_file_rmap_pte(m, page, vma);
	add_mm_counter(vma->vm_mm, mm_counter_of(page), 1);
	*ptep = entry;
}
