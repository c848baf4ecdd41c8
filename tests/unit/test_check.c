/*
 * test_check.c - the invariant checker notices what it must: each test
 * breaks the machine in one way and expects vm_check to name it.
 */
#include "unit.h"

static vm_machine *checked_machine(void)
{
	struct vm_config c;
	char err[128];
	vm_machine *m;

	vm_config_default(&c);
	c.ram = 256 * MiB;
	c.cpus = 2;
	c.check = 1;
	m = vm_new(&c, err, sizeof(err));
	assert_non_null(m);
	return m;
}

static void expect_violation(vm_machine *m, const char *what)
{
	char err[512];

	assert_int_equal(vm_check(m, err, sizeof(err)), -1);
	if (!strstr(err, what))
		fail_msg("checker said \"%s\", expected it to mention \"%s\"", err, what);
}

static void test_content_loss(void **state)
{
	vm_machine *m = checked_machine();
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, 64 * 1024, VM_PROT_READ | VM_PROT_WRITE);

	(void)state;
	touch(m, pid, a, 64 * 1024, 1, 7);
	assert_invariants(m);
	page_at(m, pid, a + 4096)->value = 8;		/* data changed behind the model's back */
	expect_violation(m, "content");
	vm_free(m);
}

/* A fork child that writes through to the parent's page: the shadow knows. */
static void test_cow_leak(void **state)
{
	vm_machine *m = checked_machine();
	int p = vm_spawn(m, "p", NULL), c;
	uint64_t a = map_anon(m, p, 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	touch(m, p, a, 4096, 1, 1);
	c = vm_fork(m, p, "c");
	assert_invariants(m);
	/* make the child's PTE writable as if copy-on-write had been skipped */
	*pte_offset(m, find_task(m, c)->mm, a, false) |= _PAGE_RW;
	assert_int_equal(vm_write(m, c, a, 2, &r), 0);
	assert_int_equal(r.minflt, 0);
	expect_violation(m, "content");
	vm_free(m);
}

static void test_refcount(void **state)
{
	vm_machine *m = checked_machine();
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, 4096, VM_PROT_READ | VM_PROT_WRITE);

	(void)state;
	touch(m, pid, a, 4096, 1, 1);
	page_at(m, pid, a)->refcount++;
	expect_violation(m, "refcount");
	vm_free(m);
}

/* A PTE changed without a flush: a CPU still translates the old way. */
static void test_missed_flush(void **state)
{
	vm_machine *m = checked_machine();
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, 4096, VM_PROT_READ | VM_PROT_WRITE);

	(void)state;
	touch(m, pid, a, 4096, 1, 1);			/* the TLB now holds a RW entry */
	*pte_offset(m, find_task(m, pid)->mm, a, false) &= ~_PAGE_RW;
	expect_violation(m, "TLB entry");
	vm_free(m);
}

static void test_counters(void **state)
{
	vm_machine *m = checked_machine();
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, 8192, VM_PROT_READ | VM_PROT_WRITE);

	(void)state;
	touch(m, pid, a, 8192, 1, 1);
	find_task(m, pid)->mm->rss_stat[MM_ANONPAGES]--;
	expect_violation(m, "RSS counter");
	find_task(m, pid)->mm->rss_stat[MM_ANONPAGES]++;
	m->node.vm_stat[NR_ACTIVE_ANON]++;
	expect_violation(m, "LRU list");
	vm_free(m);
}

/* A frame both free and mapped. */
static void test_double_ownership(void **state)
{
	vm_machine *m = checked_machine();
	int pid = vm_spawn(m, "p", NULL);
	uint64_t a = map_anon(m, pid, 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct page *free_page = alloc_pages(m, 0, 0);
	pte_t *ptep, zero;

	(void)state;
	touch(m, pid, a, 4096, 0, -1);			/* a zero-page PTE */
	put_page(m, free_page);				/* back on a free list */
	ptep = pte_offset(m, find_task(m, pid)->mm, a, false);
	zero = *ptep;
	*ptep = pfn_pte(page_to_pfn(m, free_page), _PAGE_PRESENT | _PAGE_USER);
	find_task(m, pid)->mm->rss_stat[MM_FILEPAGES]++;	/* keep every other count right */
	expect_violation(m, "free pfn");
	/* undo it: unmapping a free page is itself a broken rule (VM_BUG_ON) */
	*ptep = zero;
	find_task(m, pid)->mm->rss_stat[MM_FILEPAGES]--;
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_loss),
		cmocka_unit_test(test_cow_leak),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_missed_flush),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_double_ownership),
	};
	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
