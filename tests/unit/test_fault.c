/*
 * test_fault.c - the page-fault handler and its accounting (§1.1, §1.3, §5(a)(b)).
 */
#include <string.h>
#include "unit.h"

#define N100M (100 * MiB)

static void test_write_fault_per_page(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, N100M, VM_PROT_READ | VM_PROT_WRITE);
	int64_t pgfault = vmstat_of(m, "pgfault");
	struct vm_result r = touch(m, pid, a, N100M, 1, 5);

	(void)state;
	assert_int_equal(r.minflt, 25600);
	assert_int_equal(r.majflt, 0);
	assert_int_equal(r.rss_kb, 102400);
	assert_int_equal(vmstat_of(m, "pgfault") - pgfault, 25600);
	assert_int_equal(vmstat_of(m, "AnonPages"), 102400);
	assert_int_equal(vmstat_of(m, "Inactive(anon)"), 102400);	/* new anon starts inactive */
	assert_int_equal(r.ns, 25600 * ANON_WRITE_FAULT_NS);
	r = touch(m, pid, a, N100M, 1, 6);
	assert_int_equal(r.minflt, 0);
	/* every page a TLB miss: a walk and the access */
	assert_int_equal(r.ns, 25600 * (cost_ns("page_walk") + cost_ns("access_l1")));
	assert_invariants(m);
	vm_free(m);
}

static void test_zero_page_then_write(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, N100M, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r = touch(m, pid, a, N100M, 0, -1);
	struct vm_walk w;

	(void)state;
	assert_int_equal(r.minflt, 25600);
	assert_int_equal(r.rss_kb, 0);
	assert_int_equal(vmstat_of(m, "AnonPages"), 0);
	vm_pagewalk(m, pid, a + 7 * 4096, &w);
	assert_true(w.mapped && w.zero_page);
	assert_false(w.lvl[3].entry & 2);		/* read-only */
	assert_true(w.lvl[3].entry & (1ULL << 9));	/* _PAGE_SPECIAL */
	r = touch(m, pid, a, N100M, 0, -1);
	assert_int_equal(r.minflt, 0);
	r = touch(m, pid, a, N100M, 1, 9);
	assert_int_equal(r.minflt, 25600);
	assert_int_equal(r.rss_kb, 102400);
	vm_pagewalk(m, pid, a + 7 * 4096, &w);
	assert_false(w.zero_page);
	assert_int_equal(w.value, 9);
	assert_invariants(m);
	vm_free(m);
}

/* MAP_POPULATE faults in mmap through GUP: rusage and pgfault, not perf. */
static void test_populate(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int pid = vm_spawn(m, "t", NULL);
	struct vm_mmap_args a = { .len = N100M, .prot = VM_PROT_READ | VM_PROT_WRITE, .populate = 1 };
	struct vm_result r, u;
	struct vm_proc p;
	uint64_t addr;

	(void)state;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, &r), 0);
	assert_int_equal(r.minflt, 25600);
	assert_int_equal(r.rss_kb, 102400);
	vm_proc_info(m, pid, &p);
	assert_int_equal(p.perf_faults, 0);
	u = touch(m, pid, addr, N100M, 1, 1);
	assert_int_equal(u.minflt, 0);
	/* GUP pays the handler only, no trap and no walks */
	assert_int_equal(r.ns, 25600 * cost_ns("anon_alloc") + cost_ns("syscall") + cost_ns("vma_op"));
	assert_invariants(m);
	vm_free(m);
}

static void test_madv_populate(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 4 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t ro = map_anon(m, pid, 4 * MiB, VM_PROT_READ);
	struct vm_result r;

	(void)state;
	assert_int_equal(vm_madvise(m, pid, a, 4 * MiB, VM_MADV_POPULATE_READ, &r), 0);
	assert_int_equal(r.minflt, 1024);
	assert_int_equal(r.rss_kb, 0);			/* the zero page */
	assert_int_equal(vm_madvise(m, pid, a, 4 * MiB, VM_MADV_POPULATE_WRITE, &r), 0);
	assert_int_equal(r.minflt, 1024);		/* write faults replace the zero page */
	assert_int_equal(r.rss_kb, 4096);
	assert_int_equal(vm_madvise(m, pid, ro, 4 * MiB, VM_MADV_POPULATE_WRITE, &r), -EINVAL);
	assert_int_equal(vm_madvise(m, pid, a + 8 * MiB, 4096, VM_MADV_POPULATE_READ, &r), -ENOMEM);
	assert_invariants(m);
	vm_free(m);
}

/* x86: a fault with no VMA or against the VMA's protection never reaches
 * handle_mm_fault(): SIGSEGV, pgfault and min_flt unchanged, perf counts it. */
static void test_sigsegv(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "null", NULL), pid2, pid3;
	int64_t pgfault = vmstat_of(m, "pgfault");
	struct vm_status st;
	struct vm_proc p;
	struct vm_result r;
	uint64_t ro, none;

	(void)state;
	assert_int_equal(vm_read(m, pid, 0, &r), VM_ESIGNAL);
	assert_int_equal(vm_status(m, pid, &st), 0);
	assert_false(st.exited);
	assert_int_equal(st.signal, 11);
	assert_int_equal(st.code, 139);
	assert_int_equal(st.addr, 0);
	assert_int_equal(st.segv_code, SEGV_MAPERR);
	assert_int_equal(vmstat_of(m, "pgfault"), pgfault);
	assert_int_equal(vm_proc_info(m, pid, &p), 0);
	assert_int_equal(p.min_flt, 0);
	assert_int_equal(p.perf_faults, 1);
	assert_int_equal(vm_read(m, pid, 4096, &r), -ESRCH);	/* it is dead */

	pid2 = vm_spawn(m, "ro", NULL);
	ro = map_anon(m, pid2, 1 * MiB, VM_PROT_READ);
	assert_int_equal(vm_write(m, pid2, ro + 8192, 1, &r), VM_ESIGNAL);
	vm_status(m, pid2, &st);
	assert_int_equal(st.addr, ro + 8192);
	assert_int_equal(st.segv_code, SEGV_ACCERR);
	assert_int_equal(vmstat_of(m, "pgfault"), pgfault);

	pid3 = vm_spawn(m, "none", NULL);
	none = map_anon(m, pid3, 1 * MiB, 0);
	assert_int_equal(vm_read(m, pid3, none, &r), VM_ESIGNAL);
	vm_status(m, pid3, &st);
	assert_int_equal(st.segv_code, SEGV_ACCERR);
	assert_invariants(m);
	vm_reap(m, pid);
	vm_reap(m, pid2);
	vm_reap(m, pid3);
	assert_invariants(m);
	vm_free(m);
}

/* An access just below the stack grows it (expand_downwards). */
static void test_stack_grows(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "stack", NULL);
	struct vm_proc p;
	struct vm_result r;
	uint64_t top, bottom;

	(void)state;
	vm_proc_info(m, pid, &p);
	top = p.vm_hi;
	assert_int_equal(p.vm_stk_kb, 132);
	bottom = top - 132 * 1024;
	assert_int_equal(vm_write(m, pid, bottom - 3 * 4096, 1, &r), 0);
	assert_int_equal(r.minflt, 1);
	vm_proc_info(m, pid, &p);
	assert_int_equal(p.vm_stk_kb, 132 + 12);
	/* but not beyond RLIMIT_STACK (8 MiB) */
	assert_int_equal(vm_write(m, pid, top - 9 * MiB, 1, &r), VM_ESIGNAL);
	assert_invariants(m);
	vm_free(m);
}

/*
 * x86's pte_needs_flush() flushes when RW changes in either direction: after
 * mprotect(RW) of a page the CPU cached read-only, the next store finds no
 * stale entry and does not fault (Linux 6.18 measured: no fault, private or
 * shared; the simulator once counted a spurious one here).
 */
static void test_upgrade_flushes(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;
	int64_t pgfault;

	(void)state;
	assert_int_equal(vm_write(m, pid, a, 3, &r), 0);
	assert_int_equal(vm_mprotect(m, pid, a, 4096, VM_PROT_READ, &r), 0);
	assert_int_equal(vm_read(m, pid, a, &r), 0);		/* caches a read-only entry */
	assert_int_equal(r.minflt, 0);
	assert_int_equal(vm_mprotect(m, pid, a, 4096, VM_PROT_READ | VM_PROT_WRITE, &r), 0);
	pgfault = vmstat_of(m, "pgfault");
	assert_int_equal(vm_write(m, pid, a, 4, &r), 0);
	assert_int_equal(r.minflt, 0);
	assert_int_equal(vmstat_of(m, "pgfault") - pgfault, 0);
	assert_int_equal(vm_read(m, pid, a, &r), 0);
	assert_int_equal(r.value, 4);
	assert_invariants(m);
	vm_free(m);
}

/* A store through a clean, writable translation sets D in the PTE, no fault. */
static void test_dirty_bit_set_by_cpu(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	struct vm_mmap_args a = { .len = 4096, .prot = VM_PROT_READ | VM_PROT_WRITE, .shared = 1 };
	struct vm_result r;
	struct vm_walk w;
	uint64_t addr;

	(void)state;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vm_read(m, pid, addr, &r), 0);
	assert_int_equal(r.minflt, 1);
	vm_pagewalk(m, pid, addr, &w);
	assert_true(w.lvl[3].entry & 2);		/* shmem maps writable at once */
	assert_false(w.lvl[3].entry & 0x40);		/* but clean */
	assert_int_equal(vm_write(m, pid, addr, 1, &r), 0);
	assert_int_equal(r.minflt, 0);
	vm_pagewalk(m, pid, addr, &w);
	assert_true(w.lvl[3].entry & 0x40);
	assert_invariants(m);
	vm_free(m);
}

/*
 * Out of memory without swap: reclaim frees nothing, the OOM killer takes
 * the only candidate, the hog itself, inside its fault: it dies of SIGKILL
 * there (pagefault_out_of_memory), its memory comes back, and the kernel's
 * lines are in the log.
 */
static void test_oom_fault(void **state)
{
	vm_machine *m = new_machine(64 * MiB, 1);
	int pid = vm_spawn(m, "hog", NULL);
	uint64_t a = map_anon(m, pid, 60 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_touch_args t = { .addr = a, .len = 60 * MiB, .write = 1 };
	struct vm_result r;
	struct vm_status st;
	size_t len;
	const char *log;

	(void)state;
	assert_int_equal(vm_touch(m, pid, &t, &r), VM_ESIGNAL);
	assert_true(r.minflt > 1000);
	assert_int_equal(vm_status(m, pid, &st), 0);
	assert_false(st.exited);
	assert_int_equal(st.signal, 9);
	assert_int_equal(vmstat_of(m, "oom_kill"), 1);
	log = vm_dmesg(m, &len);
	assert_non_null(strstr(log, "] hog invoked oom-killer: gfp_mask=0x140dca("
				    "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0\n"));
	assert_non_null(strstr(log, ",global_oom,task_memcg=/,task=hog,pid=1000,uid=0\n"));
	assert_non_null(strstr(log, "] Out of memory: Killed process 1000 (hog) total-vm:"));
	assert_non_null(strstr(log, "\n[    0.0") && strstr(log, "] [   1000]     0  1000    15393 "));
	assert_invariants(m);
	vm_free(m);
}

/* The pages a random-order touch faults, in the order it faults them. */
struct fault_order {
	uint64_t page[64];
	int n;
};

static void note_fault(void *ctx, const struct vm_event *ev)
{
	struct fault_order *o = ctx;

	if (ev->kind == EV_FAULT && o->n < 64)
		o->page[o->n++] = ev->addr >> 12;
}

static void random_touch(vm_machine *m, int pid, uint64_t seed, struct fault_order *o)
{
	uint64_t a = map_anon(m, pid, 64 * 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_touch_args t = { .addr = a, .len = 64 * 4096, .write = 1,
				   .order = VM_ORDER_RANDOM, .seed = seed };
	struct vm_result r;

	o->n = 0;
	vm_set_event_callback(m, note_fault, o);
	assert_int_equal(vm_touch(m, pid, &t, &r), 0);
	vm_set_event_callback(m, NULL, NULL);
	assert_int_equal(r.minflt, 64);
	assert_int_equal(o->n, 64);
	for (int i = 0; i < 64; i++)
		o->page[i] -= a >> 12;		/* page numbers within the region */
}

/* A random order comes from the touch's seed: the same seed, the same order
 * (on either kernel); seed 0 draws a fresh one from the machine's PRNG. */
static void test_random_order_seed(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "r", NULL);
	struct fault_order a, b, c, d;

	(void)state;
	random_touch(m, pid, 42, &a);
	random_touch(m, pid, 42, &b);
	assert_memory_equal(a.page, b.page, sizeof(a.page));
	random_touch(m, pid, 0, &c);
	random_touch(m, pid, 0, &d);
	assert_memory_not_equal(c.page, d.page, sizeof(c.page));
	assert_memory_not_equal(a.page, c.page, sizeof(a.page));
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_fault_per_page),
		cmocka_unit_test(test_zero_page_then_write),
		cmocka_unit_test(test_populate),
		cmocka_unit_test(test_madv_populate),
		cmocka_unit_test(test_sigsegv),
		cmocka_unit_test(test_stack_grows),
		cmocka_unit_test(test_upgrade_flushes),
		cmocka_unit_test(test_dirty_bit_set_by_cpu),
		cmocka_unit_test(test_oom_fault),
		cmocka_unit_test(test_random_order_seed),
	};
	return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
