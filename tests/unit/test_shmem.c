/*
 * test_shmem.c - shared anonymous memory (§1.3, §1.6 fault-around).
 */
#include "unit.h"

static uint64_t map_shared(vm_machine *m, int pid, uint64_t len)
{
	return map_args(m, pid, (struct vm_mmap_args){ .len = len, .shared = 1,
						       .prot = VM_PROT_READ | VM_PROT_WRITE });
}

/* Measured: 25,600 faults on the read pass, 0 on the write pass. */
static void test_read_then_write(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "s", NULL);
	uint64_t a = map_shared(m, pid, 100 * MiB);
	struct vm_result r;
	struct vm_proc p;

	(void)state;
	r = touch(m, pid, a, 100 * MiB, 0, -1);
	assert_int_equal(r.minflt, 25600);
	assert_int_equal(r.rss_kb, 102400);		/* real pages: no zero page for shmem */
	r = touch(m, pid, a, 100 * MiB, 1, 9);
	assert_int_equal(r.minflt, 0);
	vm_proc_info(m, pid, &p);
	assert_int_equal(p.rss_shmem_kb, 102400);
	assert_int_equal(vmstat_of(m, "Shmem"), 102400);
	assert_int_equal(vmstat_of(m, "Cached"), 102400);
	assert_int_equal(vmstat_of(m, "Mapped"), 102400);
	assert_int_equal(vmstat_of(m, "Inactive(anon)"), 102400);	/* swap-backed */
	assert_invariants(m);
	vm_free(m);
}

/* A forked child finds the pages cached: fault-around maps 16 per fault. */
static void test_fork_faults_around(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "s", NULL), c;
	uint64_t a = map_shared(m, pid, 100 * MiB);
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 100 * MiB, 1, 4);
	c = vm_fork(m, pid, "c");			/* shared VMAs are not copied */
	r = touch(m, c, a, 100 * MiB, 0, -1);
	/*
	 * One fault per 16-page window aligned in the virtual address space:
	 * 1600 for a 64 KiB-aligned mapping, 1601 otherwise (the reference's
	 * /dev/shm measurement). A shared mapping gets no THP alignment.
	 */
	assert_int_equal(r.minflt, ((a + 100 * MiB - 1) >> 16) - (a >> 16) + 1);
	assert_in_range(r.minflt, 1600, 1601);
	vm_write(m, c, a, 5, &r);
	assert_int_equal(r.minflt, 0);
	vm_read(m, pid, a, &r);
	assert_int_equal(r.value, 5);			/* one memory, both see it */
	assert_invariants(m);
	vm_munmap(m, pid, a, 100 * MiB, NULL);
	assert_int_equal(vmstat_of(m, "Shmem"), 102400);	/* the child still maps it */
	vm_exit(m, c, 0);
	assert_int_equal(vmstat_of(m, "Shmem"), 0);
	assert_int_equal(vmstat_of(m, "Cached"), 0);
	assert_invariants(m);
	vm_free(m);
}

/* MADV_DONTNEED on shared memory drops the mapping, not the memory. */
static void test_dontneed_keeps_data(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "s", NULL);
	uint64_t a = map_shared(m, pid, 1 * MiB);
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 1 * MiB, 1, 6);
	vm_madvise(m, pid, a, 1 * MiB, VM_MADV_DONTNEED, &r);
	assert_int_equal(r.rss_kb, -1024);
	assert_int_equal(vmstat_of(m, "Shmem"), 1024);
	vm_read(m, pid, a + 4096, &r);
	assert_int_equal(r.value, 6);
	assert_int_equal(r.minflt, 1);			/* fault-around maps 16 at once */
	r = touch(m, pid, a, 64 * 1024, 0, -1);
	assert_int_equal(r.minflt, 0);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_then_write),
		cmocka_unit_test(test_fork_faults_around),
		cmocka_unit_test(test_dontneed_keeps_data),
	};
	return cmocka_run_group_tests_name("shmem", tests, NULL, NULL);
}
