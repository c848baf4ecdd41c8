/*
 * debug.c - the kernel's invariants, checked from scratch (--check).
 *
 * Everything is recounted from the primary structures (free lists, page
 * tables, page caches, VMAs, LRU lists, TLBs) and compared with what the
 * simulator keeps incrementally:
 *
 *   - every frame of RAM is exactly one of: free (in one buddy block of its
 *     zone, aligned to its order), reserved, a page table of one mm, or a
 *     user page owned by its mappings and caches;
 *   - each page's mapcount equals the PTEs that map it, its refcount the
 *     mappings plus the cache's reference, its mlock_count the PTEs in
 *     VM_LOCKED VMAs;
 *   - NR_FREE_PAGES, the LRU sizes, nr_anon_pages, nr_mapped, nr_file_pages,
 *     nr_shmem, nr_page_table_pages, nr_mlock, Committed_AS, and each mm's
 *     RSS counters, total_vm/data_vm/stack_vm, locked_vm and pgtables_bytes
 *     equal their recount;
 *   - every user page is on exactly one LRU list, the one its flags name;
 *   - VMAs are sorted, page-aligned and disjoint, and no PTE lies outside
 *     a VMA;
 *   - no CPU holds a TLB entry, under an ASID that claims to be up to date,
 *     that is more permissive than the page table or points elsewhere;
 *   - every swap slot's count is the swap PTEs naming it, SWAP_HAS_CACHE is
 *     set exactly while a swap-cache page holds it, the free-slot counts and
 *     SwapCached, Writeback and the writes in flight agree;
 *   - with the content shadow on (shadow.c), every mapped page holds the
 *     value last stored at that address (0 if none since it was mapped),
 *     and every swapped-out page's slot (or its swap-cache page) too.
 *
 * It returns the first violation as text. Cost: O(RAM + mapped pages).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

enum owner { OWN_NONE, OWN_FREE, OWN_RESERVED, OWN_TABLE, OWN_USER };

struct check {
	struct machine *m;
	uint8_t *owner;
	uint32_t *maps;		/* PTEs mapping each frame */
	uint32_t *locked;	/* of which in VM_LOCKED VMAs */
	uint32_t *cached;	/* page-cache references */
	uint32_t *swap_refs[MAX_SWAPFILES];	/* swap PTEs naming each slot */
	char *err;
	size_t errlen;
	int failed;
};

static int fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed++)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool ram_pfn(const struct machine *m, uint64_t pfn)
{
	return pfn < m->max_pfn && (pfn < m->dma32_end_pfn || pfn >= (4ULL << (30 - PAGE_SHIFT)));
}

static void check_free_lists(struct check *c)
{
	struct machine *m = c->m;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &m->node.node_zones[z];
		uint64_t free = 0;

		for (unsigned o = 0; o < NR_PAGE_ORDERS; o++) {
			struct pfn_list *l = &zone->free_area[o].list;
			uint64_t n = 0;

			for (uint32_t pfn = l->head; pfn != PFN_NONE;
			     pfn = pfn_to_page(m, pfn)->lru_next) {
				struct page *p = pfn_to_page(m, pfn);

				if (!PageFlag(p, PG_buddy) || p->order != o)
					fail(c, "free list %s order %u: pfn %#x is not a buddy head of "
						"that order", zone->name, o, pfn);
				if (pfn & ((1u << o) - 1))
					fail(c, "free block pfn %#x is not aligned to order %u", pfn, o);
				for (uint64_t i = 0; i < (1ULL << o); i++) {
					uint64_t q = pfn + i;

					if (!ram_pfn(m, q) || (int)pfn_zone(m, q) != z)
						fail(c, "free block pfn %#x order %u leaves zone %s",
						     pfn, o, zone->name);
					else if (c->owner[q] != OWN_NONE)
						fail(c, "pfn %#llx is in two free blocks",
						     (unsigned long long)q);
					else
						c->owner[q] = OWN_FREE;
				}
				n++;
				free += 1ULL << o;
			}
			if (n != l->nr)
				fail(c, "free list %s order %u: %llu blocks, counted %llu",
				     zone->name, o, (unsigned long long)l->nr, (unsigned long long)n);
		}
		if ((int64_t)free != zone->vm_stat[NR_FREE_PAGES])
			fail(c, "zone %s: nr_free_pages %lld, free lists hold %llu", zone->name,
			     (long long)zone->vm_stat[NR_FREE_PAGES], (unsigned long long)free);
	}
}

static void claim_table(struct check *c, struct mm_struct *mm, uint64_t pfn, int level,
			uint64_t *tables)
{
	struct page *p = pfn_to_page(c->m, pfn);

	if (!ram_pfn(c->m, pfn) || c->owner[pfn] != OWN_NONE)
		fail(c, "page-table pfn %#llx (level %d) is also %s", (unsigned long long)pfn,
		     level, ram_pfn(c->m, pfn) ? "owned elsewhere" : "not RAM");
	else
		c->owner[pfn] = OWN_TABLE;
	if (!PageFlag(p, PG_table) || p->pt_level != level || p->pt_mm != mm)
		fail(c, "pfn %#llx is used as a level-%d table but its page says otherwise",
		     (unsigned long long)pfn, level);
	if (level < 4)
		(*tables)++;
}

struct table_walk {
	struct check *c;
	int64_t *rss;
	uint64_t tables;
};

/* Each table a walk reaches is claimed by its mm once (levels 3 to 1). */
static int claim_entry(struct mm_walk *walk, pte_t *e, uint64_t addr, uint64_t next,
		       enum walk_kind kind, int level)
{
	struct table_walk *tw = walk->private;

	(void)next;
	if (kind == WALK_PRESENT)
		claim_table(tw->c, walk->mm, pte_pfn(*e), level, &tw->tables);
	else
		fail(tw->c, "level-%d entry %#llx at %#llx is %s", level + 1,
		     (unsigned long long)*e, (unsigned long long)addr,
		     kind == WALK_HUGE ? "a huge page (THP is not modelled)" : "not present");
	return 0;
}

static int claim_pgd(struct mm_walk *w, pte_t *e, uint64_t addr, uint64_t next, enum walk_kind k)
{
	return claim_entry(w, e, addr, next, k, 3);
}

static int claim_pud(struct mm_walk *w, pte_t *e, uint64_t addr, uint64_t next, enum walk_kind k)
{
	return claim_entry(w, e, addr, next, k, 2);
}

static int claim_pmd(struct mm_walk *w, pte_t *e, uint64_t addr, uint64_t next, enum walk_kind k)
{
	return claim_entry(w, e, addr, next, k, 1);
}

/* Does vma link the anon_vma of page, and is the page at its linear index? (rmap) */
static void check_anon_rmap(struct check *c, struct vm_area_struct *v, struct page *page,
			    uint64_t va)
{
	struct anon_vma *av = folio_anon_vma(page);
	bool linked = false;

	for (struct list_head *l = v->anon_vma_chain.next; l != &v->anon_vma_chain && !linked;
	     l = l->next)
		linked = list_entry(l, struct anon_vma_chain, same_vma)->anon_vma == av;
	if (!linked)
		fail(c, "rmap: the anon page at %#llx belongs to anon_vma %llu, which its VMA does "
			"not link", (unsigned long long)va, av ? (unsigned long long)av->id : 0ULL);
	else if (page->index != linear_page_index(v, va))
		fail(c, "rmap: the anon page at %#llx has index %#llx, its VMA puts it at %#llx",
		     (unsigned long long)va, (unsigned long long)page->index,
		     (unsigned long long)linear_page_index(v, va));
}

/* A swap PTE names a used slot of a device; the slot (or its cached page) holds what was written. */
static void check_swap_pte(struct check *c, struct mm_struct *mm, struct vm_area_struct *v,
			   uint64_t va, pte_t pte, int64_t *rss)
{
	struct machine *m = c->m;
	swp_entry_t e = pte_to_swp_entry(pte);
	unsigned type = swp_type(e);
	uint64_t off = swp_offset(e);
	struct swap_info_struct *si;

	if ((int)type >= m->nr_swapfiles || !c->swap_refs[type]) {
		fail(c, "swap PTE %#llx at %#llx names no swap device", (unsigned long long)pte,
		     (unsigned long long)va);
		return;
	}
	si = m->swap_info[type];
	if (!off || off >= si->max) {
		fail(c, "swap PTE at %#llx names slot %llu outside %s", (unsigned long long)va,
		     (unsigned long long)off, si->name);
		return;
	}
	c->swap_refs[type][off]++;
	rss[MM_SWAPENTS]++;
	if (v->vm_flags & VM_SHARED)
		fail(c, "a swap PTE at %#llx in a shared VMA (shmem swaps by its index, not PTEs)",
		     (unsigned long long)va);
	if (m->shadow) {
		uint8_t want = shadow_expect(mm, v, va);
		uint32_t pfn = si->cache[off];
		uint8_t got = pfn != PFN_NONE ? pfn_to_page(m, pfn)->value : si->value[off];

		if (got != want)
			fail(c, "content: the page at %#llx, swapped out to slot %llu, holds %u, but %u "
				"was written there", (unsigned long long)va, (unsigned long long)off,
			     got, want);
	}
}

/*
 * The swap devices: each slot's count is the swap PTEs naming it, SWAP_HAS_CACHE
 * exactly when a cached page holds it, the free counts add up; each cached
 * page knows its slot and holds the cache's reference.
 */
static int64_t check_swap(struct check *c)
{
	struct machine *m = c->m;
	int64_t free_total = 0, cached = 0;

	for (int type = 0; type < m->nr_swapfiles; type++) {
		struct swap_info_struct *si = m->swap_info[type];
		uint64_t inuse = 0;

		for (uint64_t off = 1; off < si->max; off++) {
			unsigned count = si->swap_map[off] & ~SWAP_HAS_CACHE;
			bool has_cache = si->swap_map[off] & SWAP_HAS_CACHE;
			uint32_t pfn = si->cache[off];

			if (si->swap_map[off])
				inuse++;
			if (count != c->swap_refs[type][off])
				fail(c, "%s slot %llu: count %u, named by %u swap PTEs", si->name,
				     (unsigned long long)off, count, c->swap_refs[type][off]);
			if (has_cache != (pfn != PFN_NONE))
				fail(c, "%s slot %llu: SWAP_HAS_CACHE %d, cached page %s", si->name,
				     (unsigned long long)off, has_cache, pfn != PFN_NONE ? "yes" : "none");
			if (pfn == PFN_NONE)
				continue;
			if (!ram_pfn(m, pfn)) {
				fail(c, "%s slot %llu is cached in pfn %#x outside RAM", si->name,
				     (unsigned long long)off, pfn);
				continue;
			}
			struct page *p = pfn_to_page(m, pfn);

			cached++;
			c->cached[pfn]++;
			if (!PageFlag(p, PG_swapcache) ||
			    p->private != swp_entry((unsigned)type, off).val)
				fail(c, "pfn %#x caches %s slot %llu but names another", pfn, si->name,
				     (unsigned long long)off);
		}
		if (inuse != si->inuse_pages)
			fail(c, "%s: %llu slots in use, swap_map says %llu", si->name,
			     (unsigned long long)si->inuse_pages, (unsigned long long)inuse);
		free_total += (int64_t)(si->pages - inuse);
	}
	if (free_total != m->nr_swap_pages)
		fail(c, "nr_swap_pages %lld, the devices have %lld free slots",
		     (long long)m->nr_swap_pages, (long long)free_total);
	if (cached != node_page_state(m, NR_SWAPCACHE))
		fail(c, "nr_swapcached %lld, the swap caches hold %lld",
		     (long long)node_page_state(m, NR_SWAPCACHE), (long long)cached);
	return cached;
}

/* One PTE: it lies in a VMA, maps what it may, holds what was written. */
static int check_pte(struct mm_walk *walk, pte_t *ptep, uint64_t va, enum walk_kind kind)
{
	struct table_walk *tw = walk->private;
	struct check *c = tw->c;
	struct machine *m = c->m;
	struct mm_struct *mm = walk->mm;
	pte_t pte = *ptep;
	struct vm_area_struct *v = vma_lookup(mm, va);
	uint64_t pfn;

	if (!v) {
		fail(c, "PTE %#llx at %#llx lies outside every VMA",
			     (unsigned long long)pte, (unsigned long long)va);
		return 0;	/* go on: --check reports the first violation */
	}
	if (kind == WALK_SWAP) {
		check_swap_pte(c, mm, v, va, pte, tw->rss);
		return 0;
	}
	if (kind != WALK_PRESENT) {
		fail(c, "non-present PTE %#llx at %#llx (an entry nothing makes)",
		     (unsigned long long)pte, (unsigned long long)va);
		return 0;
	}
	pfn = pte_pfn(pte);
	if (m->shadow && (pte & _PAGE_PRESENT)) {
		uint8_t want = shadow_expect(mm, v, va);
		uint8_t got = pte_special(pte) ? 0 : pfn_to_page(m, pfn)->value;

		if (got != want)
			fail(c, "content: the page at %#llx holds %u, but %u was written there "
				"(pfn %#llx)", (unsigned long long)va, got, want,
			     (unsigned long long)pfn);
	}
	if (pte_special(pte)) {
		if (pfn != m->zero_pfn)
			fail(c, "special PTE at %#llx maps pfn %#llx, not the zero page",
			     (unsigned long long)va, (unsigned long long)pfn);
		if (pte & _PAGE_RW)
			fail(c, "the zero page is mapped writable at %#llx", (unsigned long long)va);
		return 0;
	}
	if (!ram_pfn(m, pfn)) {
		fail(c, "PTE at %#llx maps pfn %#llx outside RAM", (unsigned long long)va,
			     (unsigned long long)pfn);
		return 0;
	}
	c->maps[pfn]++;
	if (v->vm_flags & VM_LOCKED)
		c->locked[pfn]++;
	if ((pte & _PAGE_RW) && !(v->vm_flags & VM_WRITE))
		fail(c, "writable PTE at %#llx in a VMA without VM_WRITE", (unsigned long long)va);
	tw->rss[mm_counter_of(pfn_to_page(m, pfn))]++;
	if (PageFlag(pfn_to_page(m, pfn), PG_anon)) {
		if (v->vm_flags & VM_SHARED)
			fail(c, "anon page in a shared VMA at %#llx", (unsigned long long)va);
		else if (c->owner[pfn] != OWN_FREE)
			check_anon_rmap(c, v, pfn_to_page(m, pfn), va);
	}
	return 0;
}

static const struct mm_walk_ops check_walk_ops = {
	.pgd_entry = claim_pgd,
	.pud_entry = claim_pud,
	.pmd_entry = claim_pmd,
	.pte_entry = check_pte,
};

/* Walk one mm's tables: claim table frames, count mappings, check PTEs lie in VMAs. */
static void check_mm_tables(struct check *c, struct mm_struct *mm, int64_t rss[NR_MM_COUNTERS])
{
	struct table_walk tw = { .c = c, .rss = rss };

	claim_table(c, mm, mm->pgd_pfn, 4, &tw.tables);
	/* the user half: the first 256 PGD entries */
	walk_page_range_novma(c->m, mm, 0, 256 * PGDIR_SIZE, &check_walk_ops, &tw);
	if ((int64_t)tw.tables * (int64_t)PAGE_SIZE != mm->pgtables_bytes)
		fail(c, "mm pgtables_bytes %lld, tables hold %llu pages",
		     (long long)mm->pgtables_bytes, (unsigned long long)tw.tables);
}

static void check_vmas(struct check *c, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	uint64_t total = 0, data = 0, stack = 0, exec = 0, locked = 0;
	char why[160];

	if (vma_tree_check(mm, why, sizeof(why)))
		fail(c, "pid %d: VMA tree: %s", t->pid, why);
	for (struct vm_area_struct *v = mm->mmap; v; v = v->vm_next) {
		uint64_t pages = (v->vm_end - v->vm_start) >> PAGE_SHIFT;

		if ((v->vm_start | v->vm_end) & ~PAGE_MASK || v->vm_start >= v->vm_end ||
		    v->vm_end > TASK_SIZE)
			fail(c, "pid %d: bad VMA [%#llx, %#llx)", t->pid,
			     (unsigned long long)v->vm_start, (unsigned long long)v->vm_end);
		if (v->vm_prev && v->vm_prev->vm_end > v->vm_start)
			fail(c, "pid %d: VMAs overlap at %#llx", t->pid,
			     (unsigned long long)v->vm_start);
		if (v->vm_mm != mm)
			fail(c, "pid %d: VMA at %#llx belongs to another mm", t->pid,
			     (unsigned long long)v->vm_start);
		total += pages;
		if ((v->vm_flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC)
			exec += pages;
		else if (v->vm_flags & VM_GROWSDOWN)
			stack += pages;
		else if ((v->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			data += pages;
		if (v->vm_flags & VM_LOCKED)
			locked += pages;
	}
	if (total != mm->total_vm || data != mm->data_vm || stack != mm->stack_vm ||
	    exec != mm->exec_vm)
		fail(c, "pid %d: total/data/stack/exec_vm %llu/%llu/%llu/%llu, VMAs give "
			"%llu/%llu/%llu/%llu", t->pid, (unsigned long long)mm->total_vm,
		     (unsigned long long)mm->data_vm, (unsigned long long)mm->stack_vm,
		     (unsigned long long)mm->exec_vm, (unsigned long long)total,
		     (unsigned long long)data, (unsigned long long)stack, (unsigned long long)exec);
	if (locked != mm->locked_vm)
		fail(c, "pid %d: locked_vm %llu, VM_LOCKED VMAs hold %llu", t->pid,
		     (unsigned long long)mm->locked_vm, (unsigned long long)locked);
}

/*
 * A shmem index swapped out: nothing cached there, its slot in use and
 * counted once more, and (--check) the slot's data (or its swap-cache
 * page) what the index must hold.
 */
static void check_shmem_swap(struct check *c, struct address_space *as, uint64_t idx, uint32_t pfn)
{
	struct machine *m = c->m;
	swp_entry_t e = { as->swp[idx] };
	unsigned type = swp_type(e);
	uint64_t off = swp_offset(e);
	struct swap_info_struct *si;

	if (pfn != PFN_NONE)
		fail(c, "shmem %llu index %llu is both cached and swapped",
		     (unsigned long long)as->id, (unsigned long long)idx);
	if ((int)type >= m->nr_swapfiles || !off || off >= m->swap_info[type]->max) {
		fail(c, "shmem %llu index %llu names no swap slot", (unsigned long long)as->id,
		     (unsigned long long)idx);
		return;
	}
	si = m->swap_info[type];
	c->swap_refs[type][off]++;
	if (m->shadow) {
		uint8_t want = shadow_file_expect(as, idx);
		uint8_t got = si->cache[off] != PFN_NONE ? pfn_to_page(m, si->cache[off])->value :
			      si->value[off];

		if (got != want)
			fail(c, "shmem %llu index %llu holds %u in swap, it should hold %u",
			     (unsigned long long)as->id, (unsigned long long)idx, got, want);
	}
}

/*
 * One object's cache: each page where it says it is, nrpages and the dirty
 * count right, a folio's pages all there with one order; a regular file's
 * clean pages equal to its disk, and (--check) every page, cached or on
 * disk, what the shadow says. Returns the pages cached; *dirty += its dirty.
 */
static uint64_t check_mapping(struct check *c, struct address_space *as, int64_t *dirty)
{
	struct machine *m = c->m;
	uint64_t present = 0, nr_dirty = 0;

	for (uint64_t idx = 0; idx < as->size; idx++) {
		uint32_t pfn = as->pages[idx];
		struct page *p;

		if (as->swp && as->swp[idx])
			check_shmem_swap(c, as, idx, pfn);
		if (pfn == PFN_NONE) {
			if (!as->shmem && m->shadow && idx < file_pages(as) &&
			    as->disk[idx] != shadow_file_expect(as, idx))
				fail(c, "file %s page %llu: the disk holds %u, it should hold %u",
				     as->name, (unsigned long long)idx, as->disk[idx],
				     shadow_file_expect(as, idx));
			continue;
		}
		present++;
		p = pfn_to_page(m, pfn);
		c->cached[pfn]++;
		if (p->mapping != as || p->index != idx)
			fail(c, "cache page pfn %#x at index %llu names another place", pfn,
			     (unsigned long long)idx);
		if (PageFlag(p, PG_dirty) && !as->shmem)
			nr_dirty++;
		if (as->shmem)
			continue;
		unsigned order = folio_order_at(as, idx);
		uint64_t head = folio_index_at(as, idx);

		for (uint64_t i = head; i < head + (1ULL << order); i++)
			if (i >= as->size || as->pages[i] == PFN_NONE || as->folio_order[i] != order)
				fail(c, "file %s: the order-%u folio at %llu is not whole", as->name,
				     order, (unsigned long long)head);
		if (!PageFlag(p, PG_dirty) && !PageFlag(p, PG_writeback) && p->value != as->disk[idx])
			fail(c, "file %s page %llu is clean but holds %u, the disk %u (flags %#x, "
			     "mapcount %d, refcount %d)", as->name, (unsigned long long)idx, p->value,
			     as->disk[idx], p->flags, p->mapcount, p->refcount);
	}
	if (present != as->nrpages)
		fail(c, "mapping %llu: nrpages %llu, holds %llu", (unsigned long long)as->id,
		     (unsigned long long)as->nrpages, (unsigned long long)present);
	if (nr_dirty != as->nr_dirty)
		fail(c, "file %s: nr_dirty %llu, %llu pages are dirty", as->name,
		     (unsigned long long)as->nr_dirty, (unsigned long long)nr_dirty);
	*dirty += (int64_t)nr_dirty;
	return present;
}

/*
 * Claim the pages of every cache: each object mapped anywhere and each
 * file (once each), and the file pages the writeback queue holds. Returns
 * the pages cached; *shmem of them shmem's.
 */
struct seen_caches {
	struct address_space **as;
	int n, cap;
};

/* Has the object been checked already? If not, it is now marked so. */
static bool seen_before(struct check *c, struct seen_caches *s, struct address_space *as)
{
	for (int k = 0; k < s->n; k++)
		if (s->as[k] == as)
			return true;
	if (s->n == s->cap) {
		struct address_space **n;

		s->cap = s->cap ? s->cap * 2 : 16;
		n = realloc(s->as, (size_t)s->cap * sizeof(*n));
		if (!n) {
			fail(c, "out of host memory while checking");
			return true;
		}
		s->as = n;
	}
	s->as[s->n++] = as;
	return false;
}

static int64_t check_caches(struct check *c, int64_t *committed, int64_t *shmem, int64_t *dirty)
{
	struct machine *m = c->m;
	struct seen_caches seen = { 0 };
	int64_t nr = 0;

	for (int i = -1; i < m->pid_cap && i <= m->last_pid; i++) {
		/* i = -1: the files; then each process's mapped objects */
		struct task_struct *t = i > 0 ? m->tasks[i] : NULL;
		struct vm_area_struct *v = t && t->mm ? t->mm->mmap : NULL;

		for (int f = 0; i == -1 && f < m->nr_files; f++) {
			struct address_space *as = m->files[f];

			if (as && !seen_before(c, &seen, as)) {
				*committed += (int64_t)as->committed;
				nr += (int64_t)check_mapping(c, as, dirty);
				*shmem += as->shmem ? (int64_t)as->nrpages : 0;
			}
		}
		for (; v; v = v->vm_next) {
			struct address_space *as = v->vm_file ? v->vm_file->f_mapping : NULL;

			if (as && !seen_before(c, &seen, as)) {
				*committed += (int64_t)as->committed;
				nr += (int64_t)check_mapping(c, as, dirty);
				*shmem += as->shmem ? (int64_t)as->nrpages : 0;
			}
		}
	}
	free(seen.as);
	for (size_t i = 0; i < m->wb_nr; i++) {
		uint32_t pfn = m->wb[(m->wb_head + i) % m->wb_cap].pfn;

		if (!PageFlag(pfn_to_page(m, pfn), PG_swapcache))
			c->cached[pfn]++;	/* the file write's own reference */
	}
	return nr;
}

static void check_lru(struct check *c, uint8_t *on_lru)
{
	struct machine *m = c->m;
	static const enum node_stat_item item[NR_LRU_LISTS] = {
		NR_INACTIVE_ANON, NR_ACTIVE_ANON, NR_INACTIVE_FILE, NR_ACTIVE_FILE, NR_UNEVICTABLE
	};

	for (int l = 0; l < NR_LRU_LISTS; l++) {
		uint64_t total = 0;

		for (int id = 0; id < m->nr_memcg; id++) {
			struct mem_cgroup *g = m->memcg[id];
			struct pfn_list *list = &g->lruvec->lists[l];
			uint64_t n = 0;

			for (uint32_t pfn = list->head; pfn != PFN_NONE;
			     pfn = pfn_to_page(m, pfn)->lru_next) {
				struct page *p = pfn_to_page(m, pfn);

				if (on_lru[pfn]++)
					fail(c, "pfn %#x is on two LRU lists (or twice on one)", pfn);
				if (!PageFlag(p, PG_lru) || p->lru != l ||
				    folio_lru_list(p) != (enum lru_list)l)
					fail(c, "pfn %#x on LRU list %d has flags %#x / lru %d", pfn, l,
					     p->flags, p->lru);
				if (p->memcg_id != id)
					fail(c, "pfn %#x of cgroup %d is on cgroup %s's LRU", pfn,
					     p->memcg_id, g->name);
				if (++n > m->max_pfn) {
					fail(c, "LRU list %d of cgroup %s loops", l, g->name);
					break;
				}
			}
			if (n != list->nr || (id && (int64_t)n != g->stat[item[l]]))
				fail(c, "cgroup %s's LRU list %d holds %llu pages; list says %llu, "
				     "counter %lld", g->name, l, (unsigned long long)n,
				     (unsigned long long)list->nr, (long long)g->stat[item[l]]);
			total += n;
		}
		if ((int64_t)total != node_page_state(m, item[l]))
			fail(c, "LRU lists %d hold %llu pages, counter %lld", l,
			     (unsigned long long)total, (long long)node_page_state(m, item[l]));
	}
}

/* Each group's usage is the user pages charged to it and its descendants. */
static void check_memcg(struct check *c)
{
	struct machine *m = c->m;
	uint64_t charged[MAX_MEMCG + 1] = { 0 };

	for (uint64_t pfn = 0; pfn < m->max_pfn; pfn++) {
		const struct page *p = pfn_to_page(m, pfn);

		if (ram_pfn(m, pfn) && PageFlag(p, PG_memcg) && c->owner[pfn] != OWN_FREE &&
		    c->owner[pfn] != OWN_TABLE)
			for (const struct mem_cgroup *g = page_memcg(m, p); g; g = g->parent)
				charged[g->id]++;
	}
	for (int id = 1; id < m->nr_memcg; id++) {
		const struct mem_cgroup *g = m->memcg[id];

		if (charged[id] != g->usage)
			fail(c, "cgroup %s: memory.current %llu pages, %llu charged", g->name,
			     (unsigned long long)g->usage, (unsigned long long)charged[id]);
		if (g->usage > g->max)
			fail(c, "cgroup %s: %llu pages over its max %llu", g->name,
			     (unsigned long long)g->usage, (unsigned long long)g->max);
	}
}

/* No up-to-date ASID may translate differently from its page table. */
static void check_tlbs(struct check *c)
{
	struct machine *m = c->m;

	for (int i = 0; i < m->nr_cpus; i++) {
		struct cpu *cpu = &m->cpus[i];
		struct tlb_array *arrays[3] = { &cpu->l1_4k, &cpu->l1_2m, &cpu->stlb };

		if (cpu->loaded_mm &&
		    cpu->ctxs[cpu->loaded_asid].tlb_gen != cpu->loaded_mm->tlb_gen)
			fail(c, "cpu %d: the loaded ASID missed a flush (gen %llu, mm %llu)", i,
			     (unsigned long long)cpu->ctxs[cpu->loaded_asid].tlb_gen,
			     (unsigned long long)cpu->loaded_mm->tlb_gen);
		for (int a = 0; a < TLB_NR_DYN_ASIDS; a++) {
			struct mm_struct *mm = NULL;
			uint16_t pcid = kern_pcid((uint16_t)a);

			for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap && !mm; pid++) {
				struct task_struct *t = m->tasks[pid];

				if (t && t->mm && t->mm->ctx_id == cpu->ctxs[a].ctx_id)
					mm = t->mm;
			}
			if (!mm || cpu->ctxs[a].tlb_gen != mm->tlb_gen)
				continue;	/* stale ASIDs are flushed before use */
			for (int k = 0; k < 3; k++) {
				struct tlb_array *arr = arrays[k];

				for (uint32_t e = 0; e < arr->sets * arr->ways; e++) {
					struct tlb_entry *te = &arr->e[e];
					uint64_t vpn, va;
					pte_t pte;

					if (!te->tag || (te->tag & 0xfff) != pcid || (te->pte & _PAGE_PSE))
						continue;
					vpn = (te->tag & ~(TLB_VALID | (1ULL << 62))) >> 12;
					va = vpn << PAGE_SHIFT;
					pte = walk_peek(m, mm, va);
					if (!(pte & _PAGE_PRESENT) || pte_pfn(pte) != pte_pfn(te->pte) ||
					    ((te->pte & _PAGE_RW) && !(pte & _PAGE_RW)) ||
					    ((te->pte & _PAGE_DIRTY) && !(pte & _PAGE_DIRTY)))
						fail(c, "cpu %d ASID %d: TLB entry for %#llx (%#llx) disagrees "
							"with the PTE %#llx", i, a, (unsigned long long)va,
						     (unsigned long long)te->pte, (unsigned long long)pte);
				}
			}
		}
	}
}

/* The per-frame arrays, allocated once per machine and cleared per check. */
struct scratch {
	uint8_t *owner, *on_lru;
	uint32_t *maps, *locked, *cached;
};

void mm_check_free(struct machine *m)
{
	struct scratch *s = m->check_scratch;

	if (!s)
		return;
	free(s->owner);
	free(s->on_lru);
	free(s->maps);
	free(s->locked);
	free(s->cached);
	free(s);
	m->check_scratch = NULL;
}

static struct scratch *scratch_get(struct machine *m)
{
	struct scratch *s = m->check_scratch;
	size_t n = m->max_pfn;

	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		s->owner = malloc(n);
		s->on_lru = malloc(n);
		s->maps = malloc(n * sizeof(uint32_t));
		s->locked = malloc(n * sizeof(uint32_t));
		s->cached = malloc(n * sizeof(uint32_t));
		m->check_scratch = s;
		if (!s->owner || !s->on_lru || !s->maps || !s->locked || !s->cached) {
			mm_check_free(m);
			return NULL;
		}
	}
	memset(s->owner, 0, n);
	memset(s->on_lru, 0, n);
	memset(s->maps, 0, n * sizeof(uint32_t));
	memset(s->locked, 0, n * sizeof(uint32_t));
	memset(s->cached, 0, n * sizeof(uint32_t));
	return s;
}

int mm_check_invariants(struct machine *m, char *err, size_t errlen)
{
	struct check c = { .m = m, .err = err, .errlen = errlen };
	int64_t anon_mapped = 0, file_mapped = 0, tables = 0, mlocked = 0, committed = 0;
	int64_t cache_pages, swap_cached, writeback = 0, shmem_pages = 0, dirty = 0;
	struct scratch *s = scratch_get(m);
	uint8_t *on_lru;

	if (!s) {
		snprintf(err, errlen, "out of host memory for the invariant check");
		return -1;
	}
	c.owner = s->owner;
	c.maps = s->maps;
	c.locked = s->locked;
	c.cached = s->cached;
	on_lru = s->on_lru;
	for (int type = 0; type < m->nr_swapfiles; type++) {
		c.swap_refs[type] = calloc(m->swap_info[type]->max, sizeof(uint32_t));
		if (!c.swap_refs[type]) {
			snprintf(err, errlen, "out of host memory for the invariant check");
			for (int k = 0; k < type; k++)
				free(c.swap_refs[k]);
			return -1;
		}
	}
	check_free_lists(&c);
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *t = m->tasks[pid];
		int64_t rss[NR_MM_COUNTERS] = { 0 };

		if (!t || !t->mm)
			continue;
		check_vmas(&c, t);
		check_mm_tables(&c, t->mm, rss);
		committed += (int64_t)t->mm->committed;
		for (int k = 0; k < NR_MM_COUNTERS; k++)
			if (rss[k] != t->mm->rss_stat[k])
				fail(&c, "pid %d: RSS counter %d is %lld, page tables give %lld",
				     t->pid, k, (long long)t->mm->rss_stat[k], (long long)rss[k]);
	}
	cache_pages = check_caches(&c, &committed, &shmem_pages, &dirty);
	swap_cached = check_swap(&c);
	check_lru(&c, on_lru);
	check_memcg(&c);
	for (uint64_t pfn = 0; pfn < m->max_pfn; pfn++) {
		struct page *p;

		if (!ram_pfn(m, pfn))
			continue;
		p = pfn_to_page(m, pfn);
		if (c.owner[pfn] == OWN_TABLE) {
			tables++;
			continue;
		}
		if (PageFlag(p, PG_reserved)) {
			if (c.owner[pfn] != OWN_NONE || c.maps[pfn] || c.cached[pfn])
				fail(&c, "reserved pfn %#llx is also in use", (unsigned long long)pfn);
			continue;
		}
		if (c.owner[pfn] == OWN_FREE) {
			if (c.maps[pfn] || c.cached[pfn] || on_lru[pfn])
				fail(&c, "free pfn %#llx is still mapped, cached or on an LRU",
				     (unsigned long long)pfn);
			continue;
		}
		if (PageFlag(p, PG_buddy) && PageFlag(p, PG_head))
			fail(&c, "pfn %#llx is marked both free and allocated", (unsigned long long)pfn);
		if (!c.maps[pfn] && !c.cached[pfn] && !PageFlag(p, PG_buddy)) {
			/* tail of a free block? those are claimed above; anything else leaked */
			fail(&c, "pfn %#llx is allocated but nothing owns it (refcount %d)",
			     (unsigned long long)pfn, p->refcount);
			continue;
		}
		if ((uint32_t)p->mapcount != c.maps[pfn])
			fail(&c, "pfn %#llx: mapcount %d, mapped by %u PTEs", (unsigned long long)pfn,
			     p->mapcount, c.maps[pfn]);
		if ((uint32_t)p->refcount != c.maps[pfn] + c.cached[pfn])
			fail(&c, "pfn %#llx: refcount %d, %u mappings + %u cache references",
			     (unsigned long long)pfn, p->refcount, c.maps[pfn], c.cached[pfn]);
		if (p->mlock_count != c.locked[pfn])
			fail(&c, "pfn %#llx: mlock_count %u, %u PTEs in locked VMAs",
			     (unsigned long long)pfn, p->mlock_count, c.locked[pfn]);
		if (!on_lru[pfn])
			fail(&c, "user page pfn %#llx is on no LRU list", (unsigned long long)pfn);
		if (PageFlag(p, PG_mlocked))
			mlocked++;
		if (PageFlag(p, PG_writeback)) {
			writeback++;
			if (PageFlag(p, PG_anon) && !PageFlag(p, PG_swapcache))
				fail(&c, "anon pfn %#llx is under writeback outside the swap cache",
				     (unsigned long long)pfn);
		}
		if (c.maps[pfn]) {
			if (PageFlag(p, PG_anon))
				anon_mapped++;
			else
				file_mapped++;
		}
		if (PageFlag(p, PG_anon) && PageFlag(p, PG_anon_exclusive) && c.maps[pfn] > 1)
			fail(&c, "pfn %#llx is PageAnonExclusive but mapped %u times",
			     (unsigned long long)pfn, c.maps[pfn]);
	}
	if (anon_mapped != node_page_state(m, NR_ANON_MAPPED))
		fail(&c, "nr_anon_pages %lld, counted %lld", (long long)node_page_state(m, NR_ANON_MAPPED),
		     (long long)anon_mapped);
	if (file_mapped != node_page_state(m, NR_FILE_MAPPED))
		fail(&c, "nr_mapped %lld, counted %lld", (long long)node_page_state(m, NR_FILE_MAPPED),
		     (long long)file_mapped);
	if (cache_pages + swap_cached != node_page_state(m, NR_FILE_PAGES) ||
	    shmem_pages != node_page_state(m, NR_SHMEM))
		fail(&c, "nr_file_pages %lld / nr_shmem %lld, caches hold %lld / %lld",
		     (long long)node_page_state(m, NR_FILE_PAGES),
		     (long long)node_page_state(m, NR_SHMEM), (long long)cache_pages,
		     (long long)shmem_pages);
	if (dirty != node_page_state(m, NR_FILE_DIRTY))
		fail(&c, "nr_dirty %lld, the files hold %lld dirty pages",
		     (long long)node_page_state(m, NR_FILE_DIRTY), (long long)dirty);
	if (writeback != node_page_state(m, NR_WRITEBACK) || writeback != (int64_t)m->wb_nr)
		fail(&c, "nr_writeback %lld, %llu writes in flight, %lld pages under writeback",
		     (long long)node_page_state(m, NR_WRITEBACK), (unsigned long long)m->wb_nr,
		     (long long)writeback);
	if (tables != node_page_state(m, NR_PAGETABLE))
		fail(&c, "nr_page_table_pages %lld, counted %lld",
		     (long long)node_page_state(m, NR_PAGETABLE), (long long)tables);
	if (mlocked != global_zone_page_state(m, NR_MLOCK))
		fail(&c, "nr_mlock %lld, counted %lld", (long long)global_zone_page_state(m, NR_MLOCK),
		     (long long)mlocked);
	if (committed != m->vm_committed_as)
		fail(&c, "Committed_AS %lld pages, mappings account for %lld",
		     (long long)m->vm_committed_as, (long long)committed);
	check_tlbs(&c);
	for (int type = 0; type < m->nr_swapfiles; type++)
		free(c.swap_refs[type]);
	return c.failed ? -1 : 0;
}
