/*
 * unit.h - helpers shared by the C unit tests (cmocka).
 *
 * Tests reach into the simulator's internals where a mechanism has no
 * public face (watermarks, buddy blocks, TLB sets), and otherwise drive it
 * through include/vmlab.h as any embedder would. Every test that changes the
 * machine ends by running the invariant checker.
 */
#ifndef VMLAB_UNIT_H
#define VMLAB_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../include/vmlab.h"
#include "../../src/mm/internal.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* A cost item of the built-in profile, by name (the time model's ns). */
static inline uint64_t cost_ns(const char *name)
{
	for (int i = 0; i < vm_cost_items(); i++)
		if (!strcmp(vm_cost_name(i), name))
			return vm_cost_default(i);
	fail_msg("no cost item %s", name);
	return 0;
}

/* A user-mode anonymous write fault: the trap, the new page, and two
 * accesses each with its page walk (the one that faulted, its retry). */
#define FAULT_ACCESSES_NS	(2 * (cost_ns("page_walk") + cost_ns("access_l1")))
#define ANON_WRITE_FAULT_NS	(cost_ns("fault_trap") + cost_ns("anon_alloc") + FAULT_ACCESSES_NS)
/* A write to a page nobody else maps any more: reused, no copy, no flush. */
#define COW_REUSE_FAULT_NS	(cost_ns("fault_trap") + cost_ns("cow_reuse") + FAULT_ACCESSES_NS)

static inline vm_machine *new_machine_cfg(const struct vm_config *c)
{
	char err[256];
	vm_machine *m = vm_new(c, err, sizeof(err));

	if (!m)
		fail_msg("vm_new: %s", err);
	return m;
}

static inline vm_machine *new_machine(uint64_t ram, int cpus)
{
	struct vm_config c;

	vm_config_default(&c);
	c.ram = ram;
	c.cpus = cpus;
	return new_machine_cfg(&c);
}

/* With swap bytes of swap and the content shadow on (--check: every value verified). */
static inline vm_machine *new_machine_swap(uint64_t ram, uint64_t swap)
{
	struct vm_config c;

	vm_config_default(&c);
	c.ram = ram;
	c.swap = swap;
	c.check = 1;
	return new_machine_cfg(&c);
}

/* Fail the test with the checker's message if an invariant is broken. */
#define assert_invariants(m) do {					\
		char err_[512];						\
		if (vm_check((m), err_, sizeof(err_)))			\
			fail_msg("invariant: %s", err_);		\
	} while (0)

static inline uint64_t map_args(vm_machine *m, int pid, struct vm_mmap_args a)
{
	uint64_t addr = 0;

	assert_int_equal(vm_mmap(m, pid, &a, &addr, NULL), 0);
	return addr;
}

static inline uint64_t map_anon(vm_machine *m, int pid, uint64_t len, int prot)
{
	return map_args(m, pid, (struct vm_mmap_args){ .len = len, .prot = prot });
}

static inline struct vm_result touch(vm_machine *m, int pid, uint64_t addr, uint64_t len,
				     int write, int value)
{
	struct vm_touch_args t = { .addr = addr, .len = len, .write = write };
	struct vm_result r;

	if (value >= 0) {
		t.has_value = 1;
		t.value = (uint8_t)value;
	}
	assert_int_equal(vm_touch(m, pid, &t, &r), 0);
	return r;
}

/* The page (never the zero page) mapped at addr in pid. */
static inline struct page *page_at(vm_machine *m, int pid, uint64_t addr)
{
	struct vm_walk w;

	assert_int_equal(vm_pagewalk(m, pid, addr, &w), 0);
	assert_true(w.mapped);
	assert_false(w.zero_page);
	return pfn_to_page(m, w.pfn);
}

static inline int64_t vmstat_of(vm_machine *m, const char *name)
{
	struct vm_snapshot s;
	int64_t v;

	vm_snapshot(m, &s);
	v = vm_kv_get(s.vmstat, s.n_vmstat, name);
	if (v < 0)
		v = vm_kv_get(s.meminfo, s.n_meminfo, name);
	vm_snapshot_release(&s);
	return v;
}

#endif
