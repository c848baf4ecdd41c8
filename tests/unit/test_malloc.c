/*
 * test_malloc.c - the glibc 2.36 allocator model, against what glibc 2.36 did
 * on this machine (measured with the same calls in a C program).
 */
#include <errno.h>
#include "unit.h"

static void test_calloc_faults(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "c", NULL);
	struct vm_result r;
	uint64_t p, q;

	(void)state;
	assert_int_equal(vm_calloc(m, pid, 100 * MiB, &p, &r), 0);
	assert_int_equal(r.minflt, 2);			/* tcache + chunk header */
	assert_int_equal(p % 4096, 16);			/* chunk + 16 */
	r = touch(m, pid, p, 100 * MiB, 1, 1);
	assert_int_equal(r.minflt, 25599);
	assert_int_equal(vm_calloc(m, pid, 100 * MiB, &q, &r), 0);
	assert_int_equal(r.minflt, 1);			/* the header only */
	assert_invariants(m);
	vm_free(m);
}

/* The brk heap and the mmap threshold, step by step as glibc went. */
static void test_heap_and_threshold(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "g", NULL);
	uint64_t brk0 = vm_brk(m, pid, 0, NULL), s, t, big[40], m1, m2, m3;
	struct vm_result r;

	(void)state;
	assert_int_equal(vm_malloc(m, pid, 1000, &s, &r), 0);
	assert_int_equal(r.minflt, 1);
	assert_int_equal(s - brk0, 672);		/* after the 656-byte tcache chunk */
	assert_int_equal(vm_brk(m, pid, 0, NULL) - brk0, 135168);
	assert_int_equal(vm_malloc(m, pid, 1000, &t, &r), 0);
	assert_int_equal(r.minflt, 0);
	assert_int_equal(t - s, 1008);
	for (int i = 0; i < 40; i++)
		vm_malloc(m, pid, 4000, &big[i], &r);
	assert_int_equal(big[39] - big[0], 156624);
	assert_int_equal(vm_brk(m, pid, 0, NULL) - brk0, 270336);
	vm_malloc(m, pid, 200000, &m1, &r);
	assert_true(m1 > vm_brk(m, pid, 0, NULL));	/* its own mapping */
	vm_malloc_free(m, pid, m1, &r);			/* threshold rises to 200704 */
	vm_malloc(m, pid, 200000, &m2, &r);
	assert_true(m2 > brk0 && m2 < vm_brk(m, pid, 0, NULL));
	assert_int_equal(vm_brk(m, pid, 0, NULL) - brk0, 495616);
	vm_malloc(m, pid, 300000, &m3, &r);
	assert_true(m3 > vm_brk(m, pid, 0, NULL));
	vm_malloc_free(m, pid, m3, &r);
	for (int i = 0; i < 40; i++)
		vm_malloc_free(m, pid, big[i], &r);
	assert_int_equal(vm_brk(m, pid, 0, NULL) - brk0, 495616);
	assert_int_equal(vm_malloc_trim(m, pid, 0, &r), 1);
	assert_int_equal(vm_brk(m, pid, 0, NULL) - brk0, 364544);
	assert_int_equal(vm_malloc_usable_size(m, pid, t), 1000);
	assert_int_equal(vm_malloc_free(m, pid, t + 16, &r), -EINVAL);
	assert_int_equal(vm_malloc_free(m, pid, t, &r), 0);
	assert_int_equal(vm_malloc_free(m, pid, t, &r), -EINVAL);	/* double free */
	assert_invariants(m);
	vm_free(m);
}

/* Freeing into top beyond trim_threshold shrinks the heap by itself. */
static void test_auto_trim(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "g", NULL);
	uint64_t brk0 = vm_brk(m, pid, 0, NULL), p[100];
	struct vm_result r;

	(void)state;
	for (int i = 0; i < 100; i++)
		vm_malloc(m, pid, 10000, &p[i], &r);
	assert_true(vm_brk(m, pid, 0, NULL) - brk0 > 1000000);
	for (int i = 99; i >= 0; i--)
		vm_malloc_free(m, pid, p[i], &r);
	/* back to top_pad (128 KiB) plus what is still in use, page-rounded */
	assert_true(vm_brk(m, pid, 0, NULL) - brk0 < 200000);
	assert_invariants(m);
	vm_free(m);
}

/* fork copies the allocator's state with the memory. */
static void test_fork_copies_arena(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "g", NULL), child;
	uint64_t a, b, c;
	struct vm_result r;

	(void)state;
	vm_malloc(m, pid, 5000, &a, &r);
	child = vm_fork(m, pid, "c");
	assert_int_equal(vm_malloc_free(m, child, a, &r), 0);
	vm_malloc(m, child, 5000, &b, &r);
	assert_int_equal(b, a);				/* the child reuses its copy of the chunk */
	vm_malloc(m, pid, 5000, &c, &r);
	assert_int_not_equal(c, a);			/* the parent's a is still in use */
	assert_invariants(m);
	vm_free(m);
}

/*
 * Huge requests: glibc's checked_request2size() refuses more than
 * PTRDIFF_MAX, and below that sysmalloc's mmap and brk both fail when the
 * machine cannot have the memory: ENOMEM, for every size up to SIZE_MAX
 * (32 to 63 GiB once indexed the tcache with a negative number).
 */
static void test_huge_requests(void **state)
{
	static const uint64_t sizes[] = {
		32 * GiB, 40 * GiB, 63 * GiB, 64 * GiB, 1ULL << 40, (1ULL << 62) + 1,
		INT64_MAX - 4096, INT64_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX - 16, UINT64_MAX,
	};
	vm_machine *m = new_machine(4 * GiB, 1);
	int pid = vm_spawn(m, "h", NULL);
	uint64_t p = 1, q;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		assert_int_equal(vm_malloc(m, pid, sizes[i], &p, NULL), -ENOMEM);
		assert_int_equal(p, 0);
		assert_int_equal(vm_calloc(m, pid, sizes[i], &p, NULL), -ENOMEM);
		assert_invariants(m);
	}
	assert_int_equal(vm_malloc(m, pid, 100, &q, NULL), 0);	/* the heap still works */
	assert_int_equal(vm_malloc_free(m, pid, q, NULL), 0);
	vm_free(m);

	/* where the memory exists, 40 GiB is a mapping like any other */
	m = new_machine(64 * GiB, 1);
	pid = vm_spawn(m, "h", NULL);
	assert_int_equal(vm_malloc(m, pid, 40 * GiB, &p, NULL), 0);
	assert_int_equal(p % 4096, 16);
	assert_int_equal(vm_malloc_free(m, pid, p, NULL), 0);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calloc_faults),
		cmocka_unit_test(test_heap_and_threshold),
		cmocka_unit_test(test_auto_trim),
		cmocka_unit_test(test_fork_copies_arena),
		cmocka_unit_test(test_huge_requests),
	};
	return cmocka_run_group_tests_name("malloc", tests, NULL, NULL);
}
