/*
 * test_rmap.c - reverse maps (rmap.c): from a page to every PTE that maps
 * it, across a fork chain of three with VMA splits; folio_referenced()
 * harvests and clears exactly the accessed bits it reports (and, as on
 * x86, misses an access through a translation the TLB still holds);
 * try_to_unmap() replaces every mapping.
 */
#include "unit.h"

#define NPAGES 16

struct found {
	struct mm_struct *mm[8];
	uint64_t addr[8];
	int n;
};

static bool collect(struct machine *m, struct page *page, struct vm_area_struct *vma,
		    uint64_t addr, pte_t *ptep, void *arg)
{
	struct found *f = arg;

	assert_int_equal(pte_pfn(*ptep), page_to_pfn(m, page));
	assert_true(f->n < 8);
	f->mm[f->n] = vma->vm_mm;
	f->addr[f->n] = addr;
	f->n++;
	return true;
}

static struct found rmap_find(vm_machine *m, struct page *page)
{
	struct found f = { .n = 0 };
	struct rmap_walk_control rwc = { .rmap_one = collect, .arg = &f };

	rmap_walk(m, page, &rwc);
	return f;
}

static bool found_in(const struct found *f, struct mm_struct *mm, uint64_t addr)
{
	for (int i = 0; i < f->n; i++)
		if (f->mm[i] == mm && f->addr[i] == addr)
			return true;
	return false;
}

static bool mapped_at(vm_machine *m, int pid, uint64_t addr, struct page *page)
{
	pte_t pte = walk_peek(m, find_task(m, pid)->mm, addr);

	return (pte & _PAGE_PRESENT) && !pte_special(pte) && pte_pfn(pte) == page_to_pfn(m, page);
}

/*
 * Parent P writes 16 pages and forks C1, which forks C2. Then: P write-
 * protects pages 4-7 (splitting its VMA in three), C1 unmaps pages 12-15
 * (a split and a removal), C2 makes pages 0-1 read-only and copies page 2
 * on write. For every page, the walk finds exactly the PTEs that map it,
 * in every process, at the address each maps it.
 */
static void test_rmap_fork_chain_with_splits(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c1, c2;
	uint64_t a = map_anon(m, p, NPAGES * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE);
	struct page *orig[NPAGES], *copy;
	int pids[3];

	(void)state;
	touch(m, p, a, NPAGES * PAGE_SIZE, 1, 9);
	for (int i = 0; i < NPAGES; i++)
		orig[i] = page_at(m, p, a + i * PAGE_SIZE);
	c1 = vm_fork(m, p, "c1");
	c2 = vm_fork(m, c1, "c2");
	pids[0] = p, pids[1] = c1, pids[2] = c2;
	assert_int_equal(vm_mprotect(m, p, a + 4 * PAGE_SIZE, 4 * PAGE_SIZE, VM_PROT_READ, NULL), 0);
	assert_int_equal(vm_munmap(m, c1, a + 12 * PAGE_SIZE, 4 * PAGE_SIZE, NULL), 0);
	assert_int_equal(vm_mprotect(m, c2, a, 2 * PAGE_SIZE, VM_PROT_READ, NULL), 0);
	touch(m, c2, a + 2 * PAGE_SIZE, PAGE_SIZE, 1, 7);	/* CoW copy in C2 */
	assert_invariants(m);

	for (int i = 0; i < NPAGES; i++) {
		struct found f = rmap_find(m, orig[i]);
		int want = 0;

		for (int k = 0; k < 3; k++) {
			uint64_t addr = a + i * PAGE_SIZE;
			bool mapped = mapped_at(m, pids[k], addr, orig[i]);

			want += mapped;
			assert_int_equal(found_in(&f, find_task(m, pids[k])->mm, addr), mapped);
		}
		assert_int_equal(f.n, want);
		assert_int_equal(f.n, orig[i]->mapcount);
	}
	/* the expected sharing, spelled out: */
	assert_int_equal(rmap_find(m, orig[0]).n, 3);
	assert_int_equal(rmap_find(m, orig[2]).n, 2);	/* C2 has its own copy */
	assert_int_equal(rmap_find(m, orig[13]).n, 2);	/* C1 unmapped it */
	copy = page_at(m, c2, a + 2 * PAGE_SIZE);
	{
		struct found f = rmap_find(m, copy);

		assert_int_equal(f.n, 1);
		assert_true(found_in(&f, find_task(m, c2)->mm, a + 2 * PAGE_SIZE));
		/* the copy lives in C2's own anon_vma, whose root is P's */
		assert_ptr_equal(folio_anon_vma(copy)->root, folio_anon_vma(orig[0]));
		assert_ptr_not_equal(folio_anon_vma(copy), folio_anon_vma(orig[0]));
	}
	vm_free(m);
}

/* Stack growth keeps vm_pgoff in step: the old pages keep their index and are found. */
static void test_rmap_index_through_growth_and_merge(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int p = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, p, 8 * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE);
	struct page *pg;

	(void)state;
	touch(m, p, a + 5 * PAGE_SIZE, PAGE_SIZE, 1, 4);
	pg = page_at(m, p, a + 5 * PAGE_SIZE);
	assert_int_equal(pg->index, (a >> PAGE_SHIFT) + 5);
	/* split and merge again: the index is still the page's */
	assert_int_equal(vm_mprotect(m, p, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE, VM_PROT_READ, NULL), 0);
	assert_int_equal(vm_mprotect(m, p, a + 2 * PAGE_SIZE, 2 * PAGE_SIZE,
				     VM_PROT_READ | VM_PROT_WRITE, NULL), 0);
	assert_int_equal(rmap_find(m, pg).n, 1);
	assert_invariants(m);
	vm_free(m);
}

/*
 * folio_referenced() counts the young mappings and clears them. A second
 * call finds none. An access through a fresh walk sets the bit again; one
 * through the translation the TLB still holds does not (x86 clears the bit
 * without a flush), until the entry is flushed.
 */
static void test_folio_referenced(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c;
	uint64_t a = map_anon(m, p, 4 * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE);
	struct page *pg;
	uint32_t flags;

	(void)state;
	touch(m, p, a, PAGE_SIZE, 1, 2);
	pg = page_at(m, p, a);
	c = vm_fork(m, p, "c");		/* the child's copy of the PTE starts old */
	assert_int_equal(folio_referenced(m, pg, &flags), 1);
	assert_true(flags & VM_WRITE);
	assert_int_equal(folio_referenced(m, pg, &flags), 0);
	assert_int_equal(flags, 0);

	touch(m, c, a, PAGE_SIZE, 0, -1);	/* a TLB miss: the walk sets A */
	assert_int_equal(folio_referenced(m, pg, &flags), 1);
	touch(m, c, a, PAGE_SIZE, 0, -1);	/* a TLB hit: A stays clear */
	assert_int_equal(folio_referenced(m, pg, &flags), 0);
	flush_tlb_mm(m, find_task(m, c)->mm, find_task(m, c));
	touch(m, c, a, PAGE_SIZE, 0, -1);
	touch(m, p, a, PAGE_SIZE, 0, -1);	/* both now (the parent's entry was flushed at fork) */
	assert_int_equal(folio_referenced(m, pg, &flags), 2);

	/*
	 * A VM_LOCKED mapping ends the walk and says so. (Read-only first:
	 * mlock of writable private memory would break the sharing by
	 * faulting it in for writing, as __mm_populate does.)
	 */
	assert_int_equal(vm_mprotect(m, c, a, PAGE_SIZE, VM_PROT_READ, NULL), 0);
	assert_int_equal(vm_mlock(m, c, a, PAGE_SIZE, NULL), 0);
	assert_true(mapped_at(m, c, a, pg));
	folio_referenced(m, pg, &flags);
	assert_true(flags & VM_LOCKED);
	vm_free(m);
}

static pte_t to_swap(struct machine *m, struct page *page, struct vm_area_struct *vma,
		     uint64_t addr, pte_t old, void *ctx)
{
	int *calls = ctx;

	(void)m;
	(void)page;
	(void)vma;
	(void)addr;
	assert_true(old & _PAGE_PRESENT);
	(*calls)++;
	return swp_entry_to_pte(swp_entry(0, 42));
}

/* try_to_unmap() puts the caller's entry in every mapping, and the counters follow. */
static void test_try_to_unmap(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c1, c2, calls = 0;
	uint64_t a = map_anon(m, p, 4 * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE);
	struct mm_struct *mms[3];
	struct page *pg;

	(void)state;
	touch(m, p, a, 4 * PAGE_SIZE, 1, 6);
	c1 = vm_fork(m, p, "c1");
	c2 = vm_fork(m, c1, "c2");
	mms[0] = find_task(m, p)->mm, mms[1] = find_task(m, c1)->mm, mms[2] = find_task(m, c2)->mm;
	pg = page_at(m, p, a + PAGE_SIZE);
	pg->refcount++;				/* reclaim holds the page it isolated */
	assert_true(try_to_unmap(m, find_task(m, p), pg, to_swap, &calls));
	assert_int_equal(calls, 3);
	assert_int_equal(pg->mapcount, 0);
	assert_int_equal(pg->refcount, 1);
	for (int k = 0; k < 3; k++) {
		pte_t *ptep = pte_offset(m, mms[k], a + PAGE_SIZE, false);

		assert_int_equal(walk_kind_of(*ptep, 1), WALK_SWAP);
		assert_int_equal(swp_offset(pte_to_swp_entry(*ptep)), 42);
		assert_int_equal(mms[k]->rss_stat[MM_SWAPENTS], 1);
		assert_int_equal(mms[k]->rss_stat[MM_ANONPAGES], 3);
		/* there is no swap device to take the entry back: empty it for teardown */
		*ptep = 0;
		mms[k]->rss_stat[MM_SWAPENTS] = 0;
	}
	put_page(m, pg);

	/* a locked mapping keeps its page mapped */
	pg = page_at(m, p, a + 2 * PAGE_SIZE);
	assert_int_equal(vm_mprotect(m, c2, a, 4 * PAGE_SIZE, VM_PROT_READ, NULL), 0);
	assert_int_equal(vm_mlock(m, c2, a, 4 * PAGE_SIZE, NULL), 0);
	assert_true(mapped_at(m, c2, a + 2 * PAGE_SIZE, pg));
	pg->refcount++;
	assert_false(try_to_unmap(m, find_task(m, p), pg, NULL, NULL));
	assert_true(pg->mapcount >= 1);
	put_page(m, pg);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rmap_fork_chain_with_splits),
		cmocka_unit_test(test_rmap_index_through_growth_and_merge),
		cmocka_unit_test(test_folio_referenced),
		cmocka_unit_test(test_try_to_unmap),
	};
	return cmocka_run_group_tests_name("rmap", tests, NULL, NULL);
}
