/*
 * test_mmap.c - VMAs: placement, merging, splitting, page-table freeing,
 * brk, overcommit, MAP_FIXED.
 */
#include <string.h>
#include "unit.h"

static int map_count(vm_machine *m, int pid)
{
	return find_task(m, pid)->mm->map_count;
}

/* 6.7+: anonymous mappings whose length is a 2 MiB multiple are 2 MiB aligned. */
static void test_thp_alignment(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 100 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t b = map_anon(m, pid, 100 * MiB + 4096, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t c = map_anon(m, pid, 8192, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t d = map_anon(m, pid, 8192, VM_PROT_READ | VM_PROT_WRITE);
	uint64_t base = find_task(m, pid)->mm->mmap_base;

	(void)state;
	assert_int_equal(a % (2 * MiB), 0);
	assert_int_equal(a, (base - 100 * MiB) & ~(2 * MiB - 1));
	assert_int_not_equal(b % (2 * MiB), 0);
	assert_int_equal(b + 100 * MiB + 4096, a);	/* top-down, right below */
	assert_int_equal(c + 8192, base);		/* the highest gap that fits: above a */
	assert_int_equal(d + 8192, c);			/* right below c, and merged with it */
	assert_int_equal(map_count(m, pid), 1 + 2);	/* stack, b+a (adjacent: merged), c+d */
	vm_free(m);
	/* the 6.6 profile has no such alignment */
	{
		struct vm_config cfg;
		char err[128];

		vm_config_default(&cfg);
		cfg.ram = 1 * GiB;
		cfg.kernel = "6.6";
		m = vm_new(&cfg, err, sizeof(err));
		pid = vm_spawn(m, "t", NULL);
		a = map_anon(m, pid, 100 * MiB, VM_PROT_READ | VM_PROT_WRITE);
		assert_int_equal(a, find_task(m, pid)->mm->mmap_base - 100 * MiB);
		vm_free(m);
	}
}

/* munmap in the middle splits the VMA; RSS, VSZ and the tables follow. */
static void test_partial_munmap(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;
	struct vm_proc p;

	(void)state;
	touch(m, pid, a, 8 * MiB, 1, 3);
	assert_int_equal(vm_munmap(m, pid, a + 2 * MiB, 2 * MiB, &r), 0);
	assert_int_equal(r.rss_kb, -2048);
	assert_int_equal(map_count(m, pid), 3);
	vm_proc_info(m, pid, &p);
	assert_int_equal(p.vsz_kb, 132 + 6 * 1024);
	assert_int_equal(p.vm_hwm_kb, 8192);		/* the high-water mark remembers */
	/* the PTE table of the unmapped 2 MiB went: 4 of 5 PTE tables left */
	assert_int_equal(p.vm_pte_kb, (3 + 1 + 1) * 4);
	struct vm_result rd;
	assert_int_equal(vm_read(m, pid, a + 3 * MiB, &rd), VM_ESIGNAL);
	vm_free(m);
}

static void test_munmap_frees_tables(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 64 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	int64_t pt0 = vmstat_of(m, "nr_page_table_pages");

	(void)state;
	touch(m, pid, a, 64 * MiB, 1, 3);
	assert_int_equal(vmstat_of(m, "nr_page_table_pages") - pt0, 32 + 1 + 1);
	assert_int_equal(vm_munmap(m, pid, a, 64 * MiB, NULL), 0);
	assert_int_equal(vmstat_of(m, "nr_page_table_pages"), pt0);
	assert_int_equal(find_task(m, pid)->mm->pgtables_bytes, 0);
	assert_int_equal(vm_munmap(m, pid, a + 1, 4096, NULL), -EINVAL);
	assert_invariants(m);
	vm_free(m);
}

/* mprotect of the middle splits into three; restoring merges them back. */
static void test_mprotect_split_merge(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 1 * MiB, 1, 1);
	assert_int_equal(vm_mprotect(m, pid, a + 256 * 1024, 256 * 1024, VM_PROT_READ, &r), 0);
	assert_int_equal(map_count(m, pid), 1 + 3);
	assert_int_equal(vm_write(m, pid, a + 300 * 1024, 2, &r), VM_ESIGNAL);
	pid = vm_spawn(m, "u", NULL);
	a = map_anon(m, pid, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	touch(m, pid, a, 1 * MiB, 1, 1);
	vm_mprotect(m, pid, a + 256 * 1024, 256 * 1024, VM_PROT_READ, &r);
	assert_int_equal(vm_mprotect(m, pid, a + 256 * 1024, 256 * 1024,
				     VM_PROT_READ | VM_PROT_WRITE, &r), 0);
	assert_int_equal(map_count(m, pid), 1 + 1);
	/* the pages were exclusive anon: writable again at once, no fault */
	r = touch(m, pid, a, 1 * MiB, 1, 4);
	assert_int_equal(r.minflt, 0);
	assert_int_equal(vm_mprotect(m, pid, a + 2 * MiB, 4096, VM_PROT_READ, &r), -ENOMEM);
	assert_invariants(m);
	vm_free(m);
}

static void test_brk(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t start = vm_brk(m, pid, 0, NULL), now;
	struct vm_result r;
	struct vm_proc p;

	(void)state;
	now = vm_brk(m, pid, start + 100000, NULL);
	assert_int_equal(now, start + 100000);
	assert_int_equal(vm_write(m, pid, start + 99999, 1, &r), 0);
	assert_int_equal(vm_write(m, pid, start + 102400, 1, &r), VM_ESIGNAL);
	pid = vm_spawn(m, "u", NULL);
	start = vm_brk(m, pid, 0, NULL);
	vm_brk(m, pid, start + 8192, NULL);
	vm_brk(m, pid, start + 16384, NULL);
	assert_int_equal(map_count(m, pid), 2);		/* one [heap] VMA */
	vm_proc_info(m, pid, &p);
	assert_int_equal(p.heap_kb, 16);
	touch(m, pid, start, 16384, 1, 1);
	vm_brk(m, pid, start + 4096, &r);
	assert_int_equal(r.rss_kb, -12);
	assert_int_equal(vm_brk(m, pid, start - 4096, NULL), start + 4096);	/* refused */
	assert_invariants(m);
	vm_free(m);
}

/* OVERCOMMIT_GUESS: one mapping beyond RAM + swap fails; Committed_AS counts
 * private writable mappings only. */
static void test_overcommit(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	struct vm_mmap_args a = { .len = 2 * GiB, .prot = VM_PROT_READ | VM_PROT_WRITE };
	uint64_t addr;
	int64_t c0 = vmstat_of(m, "Committed_AS");

	(void)state;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), -ENOMEM);
	assert_int_equal(vmstat_of(m, "Committed_AS"), c0);
	a.len = 900 * MiB;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vmstat_of(m, "Committed_AS") - c0, 900 * 1024);
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);	/* overcommitted: fine */
	a.prot = VM_PROT_READ;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vmstat_of(m, "Committed_AS") - c0, 1800 * 1024);
	a.prot = VM_PROT_READ | VM_PROT_WRITE;
	a.noreserve = 1;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vmstat_of(m, "Committed_AS") - c0, 1800 * 1024);
	assert_invariants(m);
	vm_free(m);
}

static void test_map_fixed_replaces(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_mmap_args f = { .addr = a + 4096, .len = 4096, .prot = VM_PROT_READ, .fixed = 1 };
	struct vm_result r;
	uint64_t got;

	(void)state;
	touch(m, pid, a, 1 * MiB, 1, 7);
	assert_int_equal(vm_mmap(m, pid, &f, &got, &r), 0);
	assert_int_equal(got, a + 4096);
	assert_int_equal(r.rss_kb, -4);
	assert_int_equal(vm_read(m, pid, a + 4096, &r), 0);
	assert_int_equal(r.value, 0);			/* the new mapping reads zero */
	f.addr = a + 1;
	assert_int_equal(vm_mmap(m, pid, &f, &got, &r), -EINVAL);
	assert_invariants(m);
	vm_free(m);
}

/* MADV_DONTNEED: private memory is freed and reads zero again. */
static void test_dontneed(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 1 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	touch(m, pid, a, 1 * MiB, 1, 7);
	assert_int_equal(vm_madvise(m, pid, a, 1 * MiB, VM_MADV_DONTNEED, &r), 0);
	assert_int_equal(r.rss_kb, -1024);
	assert_int_equal(vm_read(m, pid, a, &r), 0);
	assert_int_equal(r.value, 0);
	assert_int_equal(r.minflt, 1);
	assert_int_equal(vm_mlock(m, pid, a, 4096, &r), 0);
	assert_int_equal(vm_madvise(m, pid, a, 4096, VM_MADV_DONTNEED, &r), -EINVAL);
	assert_invariants(m);
	vm_free(m);
}

/* mlock: faults the range in, the pages go unevictable; munlock undoes it. */
static void test_mlock(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL), user;
	struct vm_spawn_opts o = { .uid = 1000 };
	uint64_t a = map_anon(m, pid, 4 * MiB, VM_PROT_READ | VM_PROT_WRITE), b;
	struct vm_result r;
	struct vm_proc p;

	(void)state;
	touch(m, pid, a, 1 * MiB, 1, 1);
	assert_int_equal(vm_mlock(m, pid, a, 4 * MiB, &r), 0);
	assert_int_equal(r.minflt, 768);
	assert_int_equal(vmstat_of(m, "Mlocked"), 4096);
	assert_int_equal(vmstat_of(m, "Unevictable"), 4096);
	vm_proc_info(m, pid, &p);
	assert_int_equal(p.vm_lck_kb, 4096);
	assert_int_equal(vm_mlock(m, pid, a, 4 * MiB, &r), 0);	/* again: nothing changes */
	assert_int_equal(vmstat_of(m, "Mlocked"), 4096);
	assert_invariants(m);
	assert_int_equal(vm_munlock(m, pid, a, 2 * MiB, &r), 0);
	assert_int_equal(vmstat_of(m, "Mlocked"), 2048);
	assert_int_equal(vmstat_of(m, "Inactive(anon)"), 2048);
	assert_invariants(m);
	/* RLIMIT_MEMLOCK: 8 MiB without CAP_IPC_LOCK */
	user = vm_spawn(m, "user", &o);
	b = map_anon(m, user, 16 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(vm_mlock(m, user, b, 16 * MiB, &r), -ENOMEM);
	assert_int_equal(vm_mlock(m, user, b, 8 * MiB, &r), 0);
	vm_munmap(m, pid, a, 4 * MiB, NULL);
	assert_int_equal(vmstat_of(m, "Mlocked"), 8192);
	assert_invariants(m);
	vm_free(m);
}

/*
 * A PROT_NONE page is still present to the kernel (pte_present() is true of
 * _PAGE_PROTNONE), so munlock through it unlocks the page, as the kernel's
 * mlock_pte_range() does; and MADV_COLD sees it too (where it is not locked).
 */
static void test_munlock_through_prot_none(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "t", NULL);
	uint64_t a = map_anon(m, pid, 16 * 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_result r;

	(void)state;
	assert_int_equal(vm_mlock(m, pid, a, 16 * 4096, &r), 0);
	assert_int_equal(vmstat_of(m, "Mlocked"), 64);
	assert_int_equal(vm_mprotect(m, pid, a, 8 * 4096, 0, NULL), 0);
	assert_int_equal(vm_munlock(m, pid, a, 16 * 4096, &r), 0);
	assert_int_equal(vmstat_of(m, "Mlocked"), 0);
	assert_int_equal(vmstat_of(m, "Unevictable"), 0);
	assert_invariants(m);
	/* locked again under PROT_NONE, then unmapped: nothing stays locked */
	assert_int_equal(vm_mlock(m, pid, a + 8 * 4096, 8 * 4096, &r), 0);
	assert_int_equal(vm_mprotect(m, pid, a + 8 * 4096, 8 * 4096, 0, NULL), 0);
	assert_int_equal(vm_madvise(m, pid, a, 8 * 4096, VM_MADV_COLD, NULL), 0);	/* unlocked */
	/* can_madv_lru_vma(): a locked VMA refuses MADV_COLD */
	assert_int_equal(vm_madvise(m, pid, a, 16 * 4096, VM_MADV_COLD, NULL), -EINVAL);
	assert_invariants(m);
	assert_int_equal(vm_munmap(m, pid, a, 16 * 4096, NULL), 0);
	assert_int_equal(vmstat_of(m, "Mlocked"), 0);
	assert_invariants(m);
	vm_free(m);
}

/*
 * mlock of more than there is: the OOM killer takes the locking task inside
 * its populate. With nothing it may kill (oom_score_adj -1000), the fault
 * fails and mlock says EAGAIN (__mlock_posix_error_return()); the kernel
 * would then be deadlocked, and says so.
 */
static void test_mlock_without_memory(void **state)
{
	vm_machine *m = new_machine(64 * MiB, 1);
	struct vm_spawn_opts exempt = { .oom_score_adj = -1000 };
	int pid = vm_spawn(m, "t", NULL), shielded;
	struct vm_mmap_args a = { .len = 60 * MiB, .prot = VM_PROT_READ | VM_PROT_WRITE,
				  .noreserve = 1 };
	uint64_t addr;
	size_t len;

	(void)state;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vm_mlock(m, pid, addr, a.len, NULL), VM_ESIGNAL);
	assert_int_equal(vmstat_of(m, "oom_kill"), 1);
	shielded = vm_spawn(m, "t2", &exempt);
	assert_int_equal(vm_mmap(m, shielded, &a, &addr, NULL), 0);
	assert_int_equal(vm_mlock(m, shielded, addr, a.len, NULL), -EAGAIN);
	assert_int_equal(vmstat_of(m, "oom_kill"), 1);
	assert_non_null(strstr(vm_dmesg(m, &len), "] Out of memory and no killable processes...\n"));
	assert_invariants(m);
	vm_free(m);
}

static vm_machine *overcommit_machine(int mode)
{
	struct vm_config c;

	vm_config_default(&c);
	c.ram = 1 * GiB;
	c.overcommit_memory = mode;
	return new_machine_cfg(&c);
}

/*
 * vm.overcommit_memory (mm/util.c __vm_enough_memory): 0 refuses one
 * request larger than RAM + swap, 1 refuses nothing, 2 keeps Committed_AS
 * under CommitLimit (RAM x 50% + swap, less the reserves), ignores
 * MAP_NORESERVE, and logs a refusal.
 */
static void test_overcommit_modes(void **state)
{
	struct vm_mmap_args a = { .prot = VM_PROT_READ | VM_PROT_WRITE };
	struct vm_spawn_opts user = { .uid = 1000 };
	vm_machine *m;
	int64_t limit, before;
	uint64_t addr;
	size_t len;
	int pid;

	(void)state;
	m = overcommit_machine(0);
	pid = vm_spawn(m, "p", &user);
	a.len = 2 * GiB;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), -ENOMEM);
	a.len = 900 * MiB;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);	/* each alone fits */
	vm_free(m);

	m = overcommit_machine(1);
	pid = vm_spawn(m, "p", &user);
	a.len = 64 * GiB;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	vm_free(m);

	m = overcommit_machine(2);
	pid = vm_spawn(m, "p", &user);
	limit = vmstat_of(m, "CommitLimit") * 1024;
	assert_int_equal(limit, vmstat_of(m, "MemTotal") / 4 * 50 / 100 * 4096);
	a.len = (uint64_t)limit;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), -ENOMEM);
	assert_non_null(strstr(vm_dmesg(m, &len), "] __vm_enough_memory: pid: 1000, comm: p, bytes: "));
	a.len = (uint64_t)limit / 2;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	before = vmstat_of(m, "Committed_AS");
	a.len = 64 * MiB;
	a.noreserve = 1;		/* charged all the same */
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	assert_int_equal(vmstat_of(m, "Committed_AS") - before, 64 * 1024);
	a.len = (uint64_t)limit / 2;
	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), -ENOMEM);
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thp_alignment),
		cmocka_unit_test(test_overcommit_modes),
		cmocka_unit_test(test_partial_munmap),
		cmocka_unit_test(test_munmap_frees_tables),
		cmocka_unit_test(test_mprotect_split_merge),
		cmocka_unit_test(test_brk),
		cmocka_unit_test(test_munlock_through_prot_none),
		cmocka_unit_test(test_mlock_without_memory),
		cmocka_unit_test(test_overcommit),
		cmocka_unit_test(test_map_fixed_replaces),
		cmocka_unit_test(test_dontneed),
		cmocka_unit_test(test_mlock),
	};
	return cmocka_run_group_tests_name("mmap", tests, NULL, NULL);
}
