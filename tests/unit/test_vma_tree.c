/*
 * test_vma_tree.c - the VMA tree (vma_tree.c): after every one of thousands
 * of random links and unlinks the tree is sound, find_vma() answers as a
 * scan of the sorted VMAs would, and unmapped_area_topdown() picks exactly
 * the gap a linear scan from the top picks; a corrupt tree is caught; and a
 * machine with tens of thousands of VMAs maps, splits and unmaps them.
 */
#include <stdlib.h>
#include "unit.h"

#define SLOTS	4096		/* VMAs live on a grid of SLOTS 64 KiB slots */
#define SLOT	(64ULL << 10)
#define BASE	(1ULL << 32)

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* The reference: the old linear scan of the gaps, from the top down. */
static uint64_t scan_topdown(struct vm_area_struct **v, int n, uint64_t len, uint64_t low,
			     uint64_t high, uint64_t align)
{
	uint64_t need = align > PAGE_SIZE ? len + align : len;

	for (int i = n; i >= 0; i--) {
		uint64_t gap_end = i < n ? vm_start_gap(v[i]) : high;
		uint64_t gap_start = i > 0 ? v[i - 1]->vm_end : low;

		if (gap_end > high)
			gap_end = high;
		if (gap_start < low)
			gap_start = low;
		if (gap_end <= gap_start || gap_end - gap_start < need)
			continue;
		return (gap_end - len) & ~(align - 1);
	}
	return 0;
}

static struct vm_area_struct *scan_find(struct vm_area_struct **v, int n, uint64_t addr)
{
	for (int i = 0; i < n; i++)
		if (v[i]->vm_end > addr)
			return v[i];
	return NULL;
}

/* Sorted list of the VMAs, taken from the grid. */
static int sorted(struct vm_area_struct **grid, struct vm_area_struct **out)
{
	int n = 0;

	for (int i = 0; i < SLOTS; i++)
		if (grid[i])
			out[n++] = grid[i];
	return n;
}

static void check_against_scan(struct mm_struct *mm, struct vm_area_struct **grid)
{
	static struct vm_area_struct *v[SLOTS];
	char why[160];
	int n = sorted(grid, v);
	const char *bad = vma_tree_check(mm, why, sizeof(why));

	if (bad)
		fail_msg("%s", bad);
	assert_int_equal(mm->map_count, n);
	assert_ptr_equal(mm->mmap, n ? v[0] : NULL);
	assert_ptr_equal(vma_last(mm), n ? v[n - 1] : NULL);
	for (int k = 0; k < 8; k++) {
		uint64_t addr = BASE - SLOT + rnd((SLOTS + 2) * SLOT);

		assert_ptr_equal(find_vma(mm, addr), scan_find(v, n, addr));
	}
	for (int k = 0; k < 8; k++) {
		uint64_t len = (1 + rnd(k % 2 ? 4 : k < 4 ? 16 : 600)) * PAGE_SIZE;
		uint64_t low = BASE + rnd(SLOTS / 2) * SLOT + rnd(16) * PAGE_SIZE;
		/* half the windows are narrow: the answer is then near low, or none */
		uint64_t high = (k % 2 ? low + rnd(3) * SLOT : BASE + (SLOTS / 2 + rnd(SLOTS)) * SLOT) +
				(4 + rnd(16)) * PAGE_SIZE;
		uint64_t align = k % 2 || rnd(4) ? PAGE_SIZE : PMD_SIZE;

		assert_int_equal(unmapped_area_topdown(mm, len, low, high, align),
				 scan_topdown(v, n, len, low, high, align));
	}
}

static void test_random_link_unlink(void **state)
{
	static struct vm_area_struct *grid[SLOTS];
	struct mm_struct mm = { 0 };

	(void)state;
	for (int op = 0; op < 20000; op++) {
		int s = (int)rnd(SLOTS);

		if (grid[s]) {
			vma_unlink(&mm, grid[s]);
			free(grid[s]);
			grid[s] = NULL;
		} else {
			struct vm_area_struct *v = calloc(1, sizeof(*v));

			assert_non_null(v);
			/* anywhere in its slot, so gaps take every size */
			v->vm_start = BASE + (uint64_t)s * SLOT + rnd(8) * PAGE_SIZE;
			v->vm_end = v->vm_start + (1 + rnd(8)) * PAGE_SIZE;
			v->vm_flags = rnd(16) ? VM_READ : VM_READ | VM_GROWSDOWN;
			grid[s] = v;
			vma_link(&mm, v);
		}
		/* a VMA grows or shrinks in place, as brk and the stack do */
		if (op % 7 == 0 && grid[s]) {
			struct vm_area_struct *v = grid[s];

			if (v->vm_start > BASE + (uint64_t)s * SLOT) {
				v->vm_start -= PAGE_SIZE;
				vma_gap_update(&mm, v);
			} else if (v->vm_end + PAGE_SIZE <= BASE + (uint64_t)(s + 1) * SLOT) {
				v->vm_end += PAGE_SIZE;
				vma_gap_update(&mm, v->vm_next);
			}
		}
		if (op % 16 == 0 || op > 19900)
			check_against_scan(&mm, grid);
	}
	for (int s = 0; s < SLOTS; s++)
		if (grid[s]) {
			vma_unlink(&mm, grid[s]);
			free(grid[s]);
		}
	assert_null(mm.mm_rb);
	assert_null(mm.mmap);
	assert_int_equal(mm.map_count, 0);
}

/* Ascending and descending runs: the shapes that unbalance a plain tree. */
static void test_sequential_stays_balanced(void **state)
{
	enum { N = 1 << 14 };
	static struct vm_area_struct v[N];
	struct mm_struct mm = { 0 };

	(void)state;
	for (int i = 0; i < N; i++) {
		int k = i % 2 ? N / 2 + i / 2 : N / 2 - 1 - i / 2;	/* outwards from the middle */

		v[k].vm_start = BASE + (uint64_t)k * 2 * PAGE_SIZE;
		v[k].vm_end = v[k].vm_start + PAGE_SIZE;
		vma_link(&mm, &v[k]);
	}
	assert_null(vma_tree_check(&mm, (char[160]){ 0 }, 160));
	/* an AVL tree of 2^14 nodes is at most 1.44 * 14 high */
	assert_true(mm.mm_rb->vm_rb.height <= 20);
	assert_int_equal(mm.mm_rb->vm_rb.subtree_gap, BASE);
	for (int i = 0; i < N; i += 2)
		vma_unlink(&mm, &v[i]);
	assert_null(vma_tree_check(&mm, (char[160]){ 0 }, 160));
	assert_int_equal(mm.map_count, N / 2);
	/* the room under the first VMA left is the largest gap */
	assert_int_equal(mm.mm_rb->vm_rb.subtree_gap, BASE + 2 * PAGE_SIZE);
}

/*
 * The search's two prunings, at their edges: a window that ends inside a
 * VMA's gap, and one that starts just below the VMA holding the answer in
 * its left subtree.
 */
static void test_window_edges(void **state)
{
	struct vm_area_struct v[3] = { 0 };
	struct mm_struct mm = { 0 };
	const uint64_t X = BASE, P = PAGE_SIZE;

	(void)state;
	/* v[0] the root, v[1] its left child, v[2] its right child */
	v[0].vm_start = X + 10 * P, v[0].vm_end = X + 11 * P;
	v[1].vm_start = X + 5 * P, v[1].vm_end = X + 6 * P;
	v[2].vm_start = X + 20 * P, v[2].vm_end = X + 21 * P;
	for (int i = 0; i < 3; i++)
		vma_link(&mm, &v[i]);
	assert_ptr_equal(mm.mm_rb, &v[0]);
	/* [X, X+8P): the gap under v[1] holds 3 pages, the one above it 2 */
	assert_int_equal(unmapped_area_topdown(&mm, 3 * P, X, X + 8 * P, P), X + 2 * P);
	assert_int_equal(unmapped_area_topdown(&mm, 2 * P, X, X + 8 * P, P), X + 6 * P);
	assert_int_equal(unmapped_area_topdown(&mm, 6 * P, X, X + 8 * P, P), 0);
	/* the window starts one page under v[0]: only v[0]'s own gap, clipped */
	assert_int_equal(unmapped_area_topdown(&mm, P, X + 9 * P, X + 11 * P, P), X + 9 * P);
	assert_int_equal(unmapped_area_topdown(&mm, 2 * P, X + 9 * P, X + 11 * P, P), 0);
	/* a window starting one page above v[1]'s end clips v[0]'s gap to 3 pages */
	assert_int_equal(unmapped_area_topdown(&mm, 3 * P, X + 7 * P, X + 10 * P, P), X + 7 * P);
	assert_int_equal(unmapped_area_topdown(&mm, 4 * P, X + 7 * P, X + 10 * P, P), 0);
	/* a window ending one page above v[0]'s end reaches into v[2]'s gap */
	assert_int_equal(unmapped_area_topdown(&mm, P, X, X + 12 * P, P), X + 11 * P);
	/* and the top: above the last VMA */
	assert_int_equal(unmapped_area_topdown(&mm, P, X, X + 30 * P, P), X + 29 * P);
	assert_int_equal(unmapped_area_topdown(&mm, 9 * P, X, X + 29 * P, P), X + 11 * P);
}

/* The checker is not blind: each kind of corruption is reported. */
static void test_check_catches_corruption(void **state)
{
	struct vm_area_struct v[3] = { 0 };
	struct mm_struct mm = { 0 };
	char why[160];

	(void)state;
	for (int i = 0; i < 3; i++) {
		v[i].vm_start = BASE + (uint64_t)i * 4 * PAGE_SIZE;
		v[i].vm_end = v[i].vm_start + PAGE_SIZE;
		vma_link(&mm, &v[i]);
	}
	assert_null(vma_tree_check(&mm, why, sizeof(why)));
	v[2].vm_start -= PAGE_SIZE;	/* moved without vma_gap_update() */
	assert_non_null(vma_tree_check(&mm, why, sizeof(why)));
	vma_gap_update(&mm, &v[2]);
	assert_null(vma_tree_check(&mm, why, sizeof(why)));
	mm.map_count++;
	assert_non_null(vma_tree_check(&mm, why, sizeof(why)));
	mm.map_count--;
	v[1].vm_next = &v[0];
	assert_non_null(vma_tree_check(&mm, why, sizeof(why)));
}

/*
 * Through the whole kernel: 30,000 mappings that cannot merge (alternating
 * protections), placed top-down one below the other, then every other one
 * unmapped and the holes filled again by mappings that fit them exactly.
 */
static void test_many_vmas(void **state)
{
	enum { N = 30000 };
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "many", NULL);
	static uint64_t addr[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		addr[i] = map_anon(m, pid, PAGE_SIZE, i % 2 ? VM_PROT_READ : 0);
		if (i)
			assert_int_equal(addr[i], addr[i - 1] - PAGE_SIZE);
	}
	for (int i = 1; i < N - 1; i += 2)
		assert_int_equal(vm_munmap(m, pid, addr[i], PAGE_SIZE, NULL), 0);
	assert_invariants(m);
	/* the highest hole is taken first, each holding one page */
	for (int i = 1; i < N - 1; i += 2)
		assert_int_equal(map_anon(m, pid, PAGE_SIZE, VM_PROT_WRITE), addr[i]);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_link_unlink),
		cmocka_unit_test(test_sequential_stays_balanced),
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_check_catches_corruption),
		cmocka_unit_test(test_many_vmas),
	};
	return cmocka_run_group_tests_name("vma_tree", tests, NULL, NULL);
}
