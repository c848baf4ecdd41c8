/*
 * test_pagewalk.c - the one page walker (pagewalk.c): every kind of entry
 * is reported as what it is, holes and VMA gaps are reported, and a walk
 * that meets a huge entry without a callback for it stops on a broken rule
 * instead of reading the huge page as a table.
 */
#include "unit.h"

#define MAX_SEEN 64

struct seen {
	uint64_t addr[MAX_SEEN];
	enum walk_kind kind[MAX_SEEN];
	int n;
	int holes, vma_holes, huge;
};

static int record_pte(struct mm_walk *w, pte_t *ptep, uint64_t addr, enum walk_kind kind)
{
	struct seen *s = w->private;

	(void)ptep;
	if (s->n < MAX_SEEN) {
		s->addr[s->n] = addr;
		s->kind[s->n] = kind;
		s->n++;
	}
	return 0;
}

static int record_pmd(struct mm_walk *w, pte_t *pmd, uint64_t addr, uint64_t next,
		      enum walk_kind kind)
{
	struct seen *s = w->private;

	(void)pmd;
	(void)addr;
	(void)next;
	if (kind == WALK_HUGE)
		s->huge++;
	return 0;
}

static int record_hole(struct mm_walk *w, uint64_t addr, uint64_t next, int depth)
{
	struct seen *s = w->private;

	(void)addr;
	(void)next;
	if (depth < 0)
		s->vma_holes++;
	else
		s->holes++;
	return 0;
}

static const struct mm_walk_ops record_ops = {
	.pmd_entry = record_pmd,
	.pte_entry = record_pte,
	.pte_hole = record_hole,
	.walk_none = true,
};

static enum walk_kind kind_at(const struct seen *s, uint64_t addr)
{
	for (int i = 0; i < s->n; i++)
		if (s->addr[i] == addr)
			return s->kind[i];
	fail_msg("the walk never reported %#llx", (unsigned long long)addr);
	return WALK_NONE;
}

/* Swap entries keep their type and offset, and are never an empty PTE. */
static void test_swap_entry_encoding(void **state)
{
	static const uint64_t offsets[] = { 0, 1, 42, SWP_OFFSET_MASK - 1 };

	(void)state;
	for (unsigned type = 0; type < 32; type += 7) {
		for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			pte_t pte = swp_entry_to_pte(swp_entry(type, offsets[i]));
			swp_entry_t back = pte_to_swp_entry(pte);

			assert_false(pte_none(pte));
			assert_false(pte_present(pte));
			assert_true(is_swap_pte(pte));
			assert_int_equal(swp_type(back), type);
			assert_int_equal(swp_offset(back), offsets[i]);
		}
	}
}

/* present, zero page, empty, swap, another non-present entry: each as itself */
static void test_walk_pte_kinds(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "p", NULL);
	struct mm_struct *mm = find_task(m, pid)->mm;
	uint64_t a = map_anon(m, pid, 8 * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE);
	pte_t *swp, *other;
	struct seen s = { .n = 0 };

	(void)state;
	touch(m, pid, a, PAGE_SIZE, 1, 5);			/* page 0: a page */
	touch(m, pid, a + PAGE_SIZE, PAGE_SIZE, 0, -1);	/* page 1: the zero page */
	swp = pte_offset(m, mm, a + 3 * PAGE_SIZE, false);	/* page 3: swapped out */
	other = pte_offset(m, mm, a + 4 * PAGE_SIZE, false);	/* page 4: a migration entry */
	assert_non_null(swp);
	*swp = swp_entry_to_pte(swp_entry(1, 77));
	*other = swp_entry_to_pte(swp_entry(MAX_SWAPFILES + 1, 5));

	assert_int_equal(walk_page_range(m, mm, a, a + 8 * PAGE_SIZE, &record_ops, &s), 0);
	assert_int_equal(s.n, 8);
	assert_int_equal(kind_at(&s, a), WALK_PRESENT);
	assert_int_equal(kind_at(&s, a + PAGE_SIZE), WALK_PRESENT);
	assert_int_equal(kind_at(&s, a + 2 * PAGE_SIZE), WALK_NONE);
	assert_int_equal(kind_at(&s, a + 3 * PAGE_SIZE), WALK_SWAP);
	assert_int_equal(kind_at(&s, a + 4 * PAGE_SIZE), WALK_NONPRESENT);
	assert_int_equal(s.vma_holes, 0);
	/* the walk reads; nothing changed */
	assert_int_equal(swp_offset(pte_to_swp_entry(*swp)), 77);

	*swp = 0;
	*other = 0;
	vm_free(m);
}

/* A gap between VMAs is a depth -1 hole; a range with no PTE table is a hole too. */
static void test_walk_holes(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "p", NULL);
	struct mm_struct *mm = find_task(m, pid)->mm;
	uint64_t a = map_anon(m, pid, 4 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct seen s = { .n = 0 };

	(void)state;
	assert_int_equal(vm_munmap(m, pid, a + MiB, MiB, NULL), 0);
	assert_int_equal(walk_page_range(m, mm, a, a + 4 * MiB, &record_ops, &s), 0);
	assert_int_equal(s.n, 0);		/* nothing was ever touched */
	assert_int_equal(s.vma_holes, 1);	/* the munmapped MiB */
	assert_true(s.holes >= 2);		/* no tables under either VMA */
	vm_free(m);
}

static jmp_buf bug_jmp;
static char bug_rule[256];

static void on_bug(void *ctx, const char *file, int line, const char *rule)
{
	(void)ctx;
	(void)file;
	(void)line;
	snprintf(bug_rule, sizeof(bug_rule), "%s", rule);
	longjmp(bug_jmp, 1);
}

static const struct mm_walk_ops pte_only_ops = { .pte_entry = record_pte };

/*
 * A PMD with _PAGE_PSE maps a huge page: pmd_entry gets WALK_HUGE and the
 * walker never descends into it; a walk with no pmd_entry stops on a
 * broken rule.
 */
static void test_walk_huge_pmd(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "p", NULL);
	struct mm_struct *mm = find_task(m, pid)->mm;
	uint64_t a = map_anon(m, pid, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t huge = (a + PMD_SIZE) & PMD_MASK;
	struct seen s = { .n = 0 };
	pte_t *pmd;

	(void)state;
	touch(m, pid, huge + 2 * PMD_SIZE, PAGE_SIZE, 1, 3);	/* one small page elsewhere */
	pmd = pmd_alloc(m, mm, huge);
	assert_non_null(pmd);
	assert_true(pte_none(*pmd));
	*pmd = pfn_pte(512, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PSE);
	assert_int_equal(walk_kind_of(*pmd, 2), WALK_HUGE);

	assert_int_equal(walk_page_range(m, mm, a, a + 8 * MiB, &record_ops, &s), 0);
	assert_int_equal(s.huge, 1);
	for (int i = 0; i < s.n; i++)
		assert_false(s.addr[i] >= huge && s.addr[i] < huge + PMD_SIZE);
	assert_int_equal(kind_at(&s, huge + 2 * PMD_SIZE), WALK_PRESENT);

	vm_set_bug_callback(m, on_bug, NULL);
	bug_rule[0] = 0;
	if (!setjmp(bug_jmp))
		walk_page_range(m, mm, a, a + 8 * MiB, &pte_only_ops, &s);
	assert_non_null(strstr(bug_rule, "huge"));

	*pmd = 0;
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_swap_entry_encoding),
		cmocka_unit_test(test_walk_pte_kinds),
		cmocka_unit_test(test_walk_holes),
		cmocka_unit_test(test_walk_huge_pmd),
	};
	return cmocka_run_group_tests_name("pagewalk", tests, NULL, NULL);
}
