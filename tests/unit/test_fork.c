/*
 * test_fork.c - fork, copy-on-write, exit and reaping (§1.4, §5(c)).
 */
#include "unit.h"

#define N100M (100 * MiB)

/* The measured table of §5(c), fault by fault. */
static void test_cow_reference_counts(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int parent = vm_spawn(m, "parent", NULL), child;
	uint64_t a = map_anon(m, parent, N100M, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;
	int64_t anon, reuse;

	(void)state;
	touch(m, parent, a, N100M, 1, 80);
	child = vm_fork(m, parent, "child");
	assert_true(child > parent);
	r = touch(m, child, a, 10 * 4096, 1, 67);
	assert_int_equal(r.minflt, 10);			/* child writes 10 distinct pages */
	assert_int_equal(r.rss_kb, 0);
	r = touch(m, child, a, 10 * 4096, 1, 68);
	assert_int_equal(r.minflt, 0);			/* ... rewrites the same 10 */
	anon = vmstat_of(m, "AnonPages");
	r = touch(m, parent, a + 10 * 4096, 10 * 4096, 1, 81);
	assert_int_equal(r.minflt, 10);			/* parent while the child lives: copies */
	assert_int_equal(vmstat_of(m, "AnonPages") - anon, 40);
	vm_exit(m, child, 0);
	assert_int_equal(vm_reap(m, child), 0);
	reuse = vmstat_of(m, "pgreuse");
	anon = vmstat_of(m, "AnonPages");
	r = touch(m, parent, a + 20 * 4096, 10 * 4096, 1, 82);
	assert_int_equal(r.minflt, 10);			/* after the exit: reuse */
	assert_int_equal(vmstat_of(m, "pgreuse") - reuse, 10);
	assert_int_equal(vmstat_of(m, "AnonPages"), anon);
	r = touch(m, parent, a + 30 * 4096, N100M - 30 * 4096, 1, 83);
	assert_int_equal(r.minflt, 25570);
	r = touch(m, parent, a, 10 * 4096, 1, 84);	/* the pages the child had copied */
	assert_int_equal(r.minflt, 10);
	assert_int_equal(r.ns, 10 * COW_REUSE_FAULT_NS);
	assert_invariants(m);
	vm_free(m);
}

/*
 * §1.4's last row: the child writes 10 pages and exits; the parent then
 * writes the remaining 25,590, each a reuse fault (refcount 1): no page
 * allocated, pgreuse +25,590.
 */
static void test_cow_reuse_rest(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int parent = vm_spawn(m, "parent", NULL), child;
	uint64_t a = map_anon(m, parent, N100M, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;
	int64_t anon, reuse;

	(void)state;
	touch(m, parent, a, N100M, 1, 80);
	child = vm_fork(m, parent, "child");
	assert_int_equal(touch(m, child, a, 10 * 4096, 1, 67).minflt, 10);
	vm_exit(m, child, 0);
	assert_int_equal(vm_reap(m, child), 0);
	reuse = vmstat_of(m, "pgreuse");
	anon = vmstat_of(m, "AnonPages");
	r = touch(m, parent, a + 10 * 4096, N100M - 10 * 4096, 1, 81);
	assert_int_equal(r.minflt, 25590);
	assert_int_equal(vmstat_of(m, "pgreuse") - reuse, 25590);
	assert_int_equal(vmstat_of(m, "AnonPages"), anon);
	assert_int_equal(r.rss_kb, 0);
	assert_int_equal(r.ns, 25590 * COW_REUSE_FAULT_NS);
	assert_invariants(m);
	vm_free(m);
}

static void test_values_stay_apart(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c, g;
	uint64_t a = map_anon(m, p, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	touch(m, p, a, 1 * MiB, 1, 1);
	c = vm_fork(m, p, "c");
	g = vm_fork(m, c, "g");
	vm_write(m, c, a, 2, &r);
	vm_write(m, g, a + 4096, 3, &r);
	vm_read(m, p, a, &r);
	assert_int_equal(r.value, 1);
	vm_read(m, c, a, &r);
	assert_int_equal(r.value, 2);
	vm_read(m, g, a, &r);
	assert_int_equal(r.value, 1);			/* forked before c wrote */
	vm_read(m, g, a + 4096, &r);
	assert_int_equal(r.value, 3);
	vm_read(m, c, a + 4096, &r);
	assert_int_equal(r.value, 1);
	assert_invariants(m);
	vm_free(m);
}

/* VMAs without an anon_vma are not copied at fork: the child faults them. */
static void test_fork_skips_zero_page_vmas(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c;
	/* different protections, so the two VMAs cannot merge */
	uint64_t a = map_anon(m, p, 4 * MiB, VM_PROT_READ);
	uint64_t b = map_anon(m, p, 4 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	touch(m, p, a, 4 * MiB, 0, -1);		/* zero page only: no anon_vma */
	touch(m, p, b, 4 * MiB, 1, 5);
	c = vm_fork(m, p, "c");
	r = touch(m, c, a, 4 * MiB, 0, -1);
	assert_int_equal(r.minflt, 1024);		/* its PTEs were not copied */
	r = touch(m, c, b, 4 * MiB, 0, -1);
	assert_int_equal(r.minflt, 0);			/* these were */
	assert_invariants(m);
	vm_free(m);
}

/* wait_task_zombie(): the child's faults fold into the parent's cmin_flt. */
static void test_reap_accounting(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c, g;
	uint64_t a = map_anon(m, p, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_proc info;
	struct vm_status st;

	(void)state;
	c = vm_fork(m, p, "c");
	touch(m, c, a, 1 * MiB, 1, 1);			/* 256 faults */
	g = vm_fork(m, c, "g");
	touch(m, g, a, 64 * 4096, 1, 2);		/* 64 CoW faults */
	vm_exit(m, g, 3);
	vm_status(m, g, &st);
	assert_int_equal(st.code, 3);
	vm_reap(m, g);
	vm_exit(m, c, 0);
	vm_proc_info(m, p, &info);
	assert_int_equal(info.cmin_flt, 0);		/* not reaped yet */
	vm_reap(m, c);
	vm_proc_info(m, p, &info);
	assert_int_equal(info.cmin_flt, 256 + 64);
	assert_invariants(m);
	vm_free(m);
}

/* Orphans are reparented to init, which reaps them. */
static void test_orphans(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 2);
	int p = vm_spawn(m, "p", NULL), c, c2;

	(void)state;
	c = vm_fork(m, p, "c");
	c2 = vm_fork(m, p, "c2");
	vm_exit(m, c, 0);				/* a zombie, never reaped by p */
	assert_int_equal(vm_task_state(m, c), 'Z');
	vm_exit(m, p, 0);
	assert_int_equal(vm_task_state(m, c), 0);	/* init reaped it */
	assert_int_equal(vm_parent(m, c2), 1);
	assert_int_equal(vm_task_state(m, c2), 'R');
	assert_invariants(m);
	vm_free(m);
}

static void test_mlock_not_inherited(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int p = vm_spawn(m, "p", NULL), c;
	uint64_t a = map_anon(m, p, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_proc info;

	(void)state;
	vm_mlock(m, p, a, 1 * MiB, NULL);
	c = vm_fork(m, p, "c");
	vm_proc_info(m, c, &info);
	assert_int_equal(info.vm_lck_kb, 0);
	assert_int_equal(vmstat_of(m, "Mlocked"), 1024);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cow_reference_counts),
		cmocka_unit_test(test_values_stay_apart),
		cmocka_unit_test(test_fork_skips_zero_page_vmas),
		cmocka_unit_test(test_reap_accounting),
		cmocka_unit_test(test_orphans),
		cmocka_unit_test(test_cow_reuse_rest),
		cmocka_unit_test(test_mlock_not_inherited),
	};
	return cmocka_run_group_tests_name("fork", tests, NULL, NULL);
}
