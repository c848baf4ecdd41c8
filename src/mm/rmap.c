/*
 * rmap.c - reverse maps: from a page to every PTE that maps it (mm/rmap.c).
 *
 * Reclaim starts from a page and must find its mappings: to harvest and
 * clear their accessed bits (folio_referenced) and to replace them all
 * before the page can go (try_to_unmap). Linux answers without scanning
 * page tables, and so does vmlab:
 *
 * Anonymous pages. A page's mapping names an anon_vma and its index is the
 * linear page index of the address in its VMA (linear_page_index: vm_pgoff
 * + the page's offset, where an anonymous VMA's vm_pgoff is its start
 * address >> PAGE_SHIFT, kept through split, merge and stack growth). Each
 * VMA is linked to the anon_vmas whose pages it may map by anon_vma_chain
 * objects (one per VMA and anon_vma). At fork, anon_vma_fork() links the
 * child's VMA to all of the parent VMA's anon_vmas and gives it one of its
 * own (whose parent is the parent VMA's and whose root is the root of the
 * chain), where the child's CoW copies go. So a page made by the parent is
 * found from every descendant VMA that still may map it, and a page copied
 * in a child only from that child and its own descendants. A split VMA
 * keeps all its links (anon_vma_clone); a merged VMA's links go
 * (unlink_anon_vmas); an anon_vma goes when no chain and no child anon_vma
 * refers to it any more.
 *
 * Shared (file and shmem) pages. A page's mapping is its address_space and
 * its index the page offset in it; the address_space lists the VMAs that
 * map it (i_mmap, an interval tree in Linux, a list here).
 *
 * rmap_walk() visits each VMA whose range covers the page's index, finds
 * the PTE at the address that index gives (page_vma_mapped_walk) and calls
 * the caller's rmap_one() if it maps this very page.
 *
 * Accessed bits and the TLB: x86's ptep_clear_flush_young() clears the
 * accessed bit without a flush (arch/x86/mm/pgtable.c: a missed reference
 * only makes aging a little less precise), so a CPU that still holds the
 * translation keeps using it without setting the bit again until the entry
 * leaves its TLB. folio_referenced() behaves the same here: the tests show
 * an access through a cached translation going unseen.
 */
#include <stdlib.h>
#include "internal.h"

/* ---- anon_vma objects and their chains ---- */

static struct anon_vma *anon_vma_alloc(struct machine *m, struct anon_vma *parent)
{
	struct anon_vma *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	av->id = ++m->next_anon_vma;
	INIT_LIST_HEAD(&av->rb_root);
	av->parent = parent;
	av->root = parent ? parent->root : av;
	if (parent)
		parent->refcount++;	/* the child keeps its parent (and root) alive */
	return av;
}

static void put_anon_vma(struct anon_vma *av)
{
	while (av && --av->refcount == 0) {
		struct anon_vma *parent = av->parent;

		free(av);
		av = parent;
	}
}

/* anon_vma_chain_link(): vma may map pages of av. */
static int anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma *av)
{
	struct anon_vma_chain *avc = malloc(sizeof(*avc));

	if (!avc)
		return -ENOMEM;
	avc->vma = vma;
	avc->anon_vma = av;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	list_add(&avc->rb, &av->rb_root);
	av->refcount++;
	return 0;
}

/*
 * __anon_vma_prepare(): the VMA's first anonymous page needs an anon_vma
 * to belong to. A VMA with a neighbour it could merge with would share the
 * neighbour's (find_mergeable_anon_vma); vmlab gives it its own, which the
 * merge code then reconciles. 0 or -ENOMEM.
 */
int anon_vma_prepare(struct machine *m, struct vm_area_struct *vma)
{
	struct anon_vma *av;

	if (vma->anon_vma)
		return 0;
	av = anon_vma_alloc(m, NULL);
	if (!av)
		return -ENOMEM;
	if (anon_vma_chain_link(vma, av)) {
		free(av);
		return -ENOMEM;
	}
	vma->anon_vma = av;
	return 0;
}

/* anon_vma_clone(): dst (a split-off part, or a merge target) may map all of src's pages. */
int anon_vma_clone(struct vm_area_struct *dst, const struct vm_area_struct *src)
{
	for (struct list_head *l = src->anon_vma_chain.next; l != &src->anon_vma_chain; l = l->next)
		if (anon_vma_chain_link(dst, list_entry(l, struct anon_vma_chain, same_vma)->anon_vma))
			return -ENOMEM;
	if (!dst->anon_vma)
		dst->anon_vma = src->anon_vma;
	return 0;
}

/*
 * anon_vma_fork(): the child's VMA links to the parent VMA's anon_vmas and
 * gets a new one of its own, a child of the parent VMA's, for the pages it
 * will copy. 0 or -ENOMEM.
 */
int anon_vma_fork(struct machine *m, struct vm_area_struct *vma, const struct vm_area_struct *pvma)
{
	struct anon_vma *av;

	if (!pvma->anon_vma)
		return 0;
	if (anon_vma_clone(vma, pvma))
		return -ENOMEM;
	av = anon_vma_alloc(m, pvma->anon_vma);
	if (!av)
		return -ENOMEM;
	if (anon_vma_chain_link(vma, av)) {
		put_anon_vma(av->parent);
		free(av);
		return -ENOMEM;
	}
	vma->anon_vma = av;
	return 0;
}

/* unlink_anon_vmas(): the VMA goes; each anon_vma it linked loses a reference. */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	while (!list_empty(&vma->anon_vma_chain)) {
		struct anon_vma_chain *avc =
			list_entry(vma->anon_vma_chain.next, struct anon_vma_chain, same_vma);
		struct anon_vma *av = avc->anon_vma;

		list_del_init(&avc->same_vma);
		list_del_init(&avc->rb);
		free(avc);
		put_anon_vma(av);
	}
	vma->anon_vma = NULL;
}

/* ---- i_mmap: the VMAs mapping an address_space ---- */

void vma_link_file(struct vm_area_struct *vma)
{
	list_add(&vma->shared, &vma->vm_file->f_mapping->i_mmap);
}

void unlink_file_vma(struct vm_area_struct *vma)
{
	list_del_init(&vma->shared);
}

/* ---- mapcounts and the counters that follow them ---- */

/*
 * folio_add_new_anon_rmap(): a page becomes anonymous memory of vma at
 * addr, its first mapping (__folio_set_anon). Exclusive to this mm (a
 * fresh page, or a swapped-in one the swap PTE says only we had), it
 * belongs to the VMA's own anon_vma; shared (swapped in from a slot other
 * mms also name), to the oldest, the root, so that every process forked
 * from it finds the page.
 */
void folio_add_new_anon_rmap(struct machine *m, struct page *page, struct vm_area_struct *vma,
			     uint64_t addr, bool exclusive)
{
	VM_BUG_ON(m, !vma->anon_vma, "an anonymous page for a VMA without an anon_vma");
	VM_BUG_ON(m, addr < vma->vm_start || addr >= vma->vm_end,
		  "an anonymous page mapped outside its VMA");
	SetPageFlag(page, PG_anon);
	SetPageFlag(page, PG_swapbacked);
	if (exclusive)
		SetPageFlag(page, PG_anon_exclusive);
	page->mapcount = 1;
	page->mapping = (struct address_space *)(void *)(exclusive ? vma->anon_vma :
							 vma->anon_vma->root);
	page->index = linear_page_index(vma, addr);
	mod_lruvec_page_state(m, page, NR_ANON_MAPPED, 1);
}

/* folio_add_anon_rmap_pte(): one more PTE maps an anon page (a swap-in of a cached page). */
void folio_add_anon_rmap_pte(struct machine *m, struct page *page, struct vm_area_struct *vma,
			     bool exclusive)
{
	VM_BUG_ON(m, !vma->anon_vma || folio_anon_vma(page)->root != vma->anon_vma->root,
		  "an anonymous page mapped into a VMA outside its anon_vma's family");
	if (page->mapcount++ == 0)
		mod_lruvec_page_state(m, page, NR_ANON_MAPPED, 1);
	if (exclusive)
		SetPageFlag(page, PG_anon_exclusive);
}

/* folio_try_dup_anon_rmap_pte(): fork maps an anon page a second time, shared now. */
void folio_dup_anon_rmap_pte(struct machine *m, struct page *page)
{
	(void)m;
	page->mapcount++;
	ClearPageFlag(page, PG_anon_exclusive);
}

/*
 * folio_add_file_rmap_pte(): one more PTE of vma maps a page-cache (shmem)
 * page; in a VM_LOCKED VMA it is mlocked (__folio_add_file_rmap).
 */
void folio_add_file_rmap_pte(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (page->mapcount++ == 0)
		mod_lruvec_page_state(m, page, NR_FILE_MAPPED, 1);
	mlock_vma_page(m, page, vma);
}

/*
 * folio_remove_rmap_pte(): a PTE of vma no longer maps the page; a
 * VM_LOCKED VMA's mapping is munlocked first (__folio_remove_rmap).
 */
void folio_remove_rmap_pte(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	VM_BUG_ON(m, page->mapcount <= 0, "a page unmapped more often than it was mapped");
	munlock_vma_page(m, page, vma);
	if (--page->mapcount > 0)
		return;
	if (PageFlag(page, PG_anon))
		mod_lruvec_page_state(m, page, NR_ANON_MAPPED, -1);
	else
		mod_lruvec_page_state(m, page, NR_FILE_MAPPED, -1);
}

/* ---- rmap_walk ---- */

/*
 * page_vma_mapped_walk() for a small page: the PTE at addr in vma, if it
 * maps pfn (present or PROT_NONE), else NULL.
 */
static pte_t *page_vma_mapped(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
			      uint64_t pfn)
{
	pte_t *ptep = pte_offset(m, vma->vm_mm, addr, false);

	if (!ptep || !pte_present(*ptep) || pte_special(*ptep) || pte_pfn(*ptep) != pfn)
		return NULL;
	return ptep;
}

/* vma_address(): where page offset pgoff lies in vma, or 0 if outside it. */
static uint64_t vma_address(const struct vm_area_struct *vma, uint64_t pgoff)
{
	uint64_t pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

	if (pgoff < vma->vm_pgoff || pgoff - vma->vm_pgoff >= pages)
		return 0;
	return vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
}

static bool rmap_one(struct machine *m, struct page *page, struct vm_area_struct *vma,
		     const struct rmap_walk_control *rwc)
{
	uint64_t addr = vma_address(vma, page->index);
	pte_t *ptep;

	if (!addr || (rwc->invalid_vma && rwc->invalid_vma(vma, rwc->arg)))
		return true;
	ptep = page_vma_mapped(m, vma, addr, page_to_pfn(m, page));
	if (!ptep)
		return true;
	return rwc->rmap_one(m, page, vma, addr, ptep, rwc->arg);
}

/*
 * rmap_walk(): rmap_one() for every PTE mapping page, until it returns
 * false. Anon pages through their anon_vma's chains, shared ones through
 * their mapping's i_mmap.
 */
void rmap_walk(struct machine *m, struct page *page, const struct rmap_walk_control *rwc)
{
	if (PageFlag(page, PG_anon)) {
		struct anon_vma *av = folio_anon_vma(page);

		for (struct list_head *l = av ? av->rb_root.next : NULL; l && l != &av->rb_root;
		     l = l->next)
			if (!rmap_one(m, page, list_entry(l, struct anon_vma_chain, rb)->vma, rwc))
				return;
		return;
	}
	if (!page->mapping)
		return;
	for (struct list_head *l = page->mapping->i_mmap.next; l != &page->mapping->i_mmap;
	     l = l->next)
		if (!rmap_one(m, page, list_entry(l, struct vm_area_struct, shared), rwc))
			return;
}

/* ---- folio_referenced ---- */

struct referenced_arg {
	int mapcount;		/* mappings not yet visited */
	int referenced;
	uint32_t vm_flags;
};

/* folio_referenced_one(): harvest and clear one PTE's accessed bit. */
static bool referenced_one(struct machine *m, struct page *page, struct vm_area_struct *vma,
			   uint64_t addr, pte_t *ptep, void *arg)
{
	struct referenced_arg *pra = arg;

	(void)m;
	(void)page;
	(void)addr;
	if (vma->vm_flags & VM_LOCKED) {
		pra->vm_flags |= VM_LOCKED;
		return false;
	}
	pra->mapcount--;
	if (*ptep & _PAGE_ACCESSED) {
		*ptep &= ~_PAGE_ACCESSED;	/* ptep_clear_flush_young(): no flush on x86 */
		pra->referenced++;
		pra->vm_flags |= vma->vm_flags & ~VM_LOCKED;
	}
	return pra->mapcount > 0;
}

/* invalid_folio_referenced_vma(): vma_has_recency() - madvise'd SEQ/RAND VMAs say nothing. */
static bool no_recency(struct vm_area_struct *vma, void *arg)
{
	(void)arg;
	return vma->vm_flags & (VM_SEQ_READ | VM_RAND_READ);
}

int folio_referenced(struct machine *m, struct page *page, uint32_t *vm_flags)
{
	struct referenced_arg pra = { .mapcount = page->mapcount };
	struct rmap_walk_control rwc = {
		.rmap_one = referenced_one, .invalid_vma = no_recency, .arg = &pra,
	};

	*vm_flags = 0;
	if (!pra.mapcount)
		return 0;
	rmap_walk(m, page, &rwc);
	*vm_flags = pra.vm_flags;
	return pra.referenced;
}

/* ---- try_to_unmap ---- */

struct unmap_arg {
	struct task_struct *t;
	ttu_pte_fn new_pte;
	void *ctx;
	bool locked;
};

/*
 * try_to_unmap_one(): clear the PTE and flush it everywhere
 * (ptep_clear_flush), put what the caller asks in its place (a swap entry,
 * or nothing for a clean file page), carry the dirty bit to the page, and
 * drop the mapping's counts and reference. A VM_LOCKED VMA stops it.
 */
static bool unmap_one(struct machine *m, struct page *page, struct vm_area_struct *vma,
		      uint64_t addr, pte_t *ptep, void *arg)
{
	struct unmap_arg *ua = arg;
	struct mm_struct *mm = vma->vm_mm;
	pte_t old = *ptep, repl;

	if (vma->vm_flags & VM_LOCKED) {
		ua->locked = true;
		return false;
	}
	*ptep = 0;
	flush_tlb_page(m, mm, addr, ua->t);
	if (old & _PAGE_DIRTY)
		folio_mark_dirty(m, page);
	repl = ua->new_pte ? ua->new_pte(m, page, vma, addr, old, ua->ctx) : 0;
	VM_BUG_ON(m, pte_present(repl), "try_to_unmap left a present PTE");
	*ptep = repl;
	add_mm_counter(mm, mm_counter_of(page), -1);
	if (walk_kind_of(repl, 1) == WALK_SWAP)
		add_mm_counter(mm, MM_SWAPENTS, 1);
	folio_remove_rmap_pte(m, page, vma);
	put_page(m, page);
	return page->mapcount > 0;
}

bool try_to_unmap(struct machine *m, struct task_struct *t, struct page *page, ttu_pte_fn new_pte,
		  void *ctx)
{
	struct unmap_arg ua = { .t = t, .new_pte = new_pte, .ctx = ctx };
	struct rmap_walk_control rwc = { .rmap_one = unmap_one, .arg = &ua };

	/* the walk may drop the last mapping's reference: hold the page meanwhile */
	page->refcount++;
	rmap_walk(m, page, &rwc);
	put_page(m, page);
	return !ua.locked && page->mapcount == 0;
}
