/*
 * access.c - what the CPU does on a load or store: the MMU's side of memory.
 *
 * An access to a virtual address looks up the L1 dTLB, then the STLB, then
 * walks the page table (pgtable.c walk_hw, which sets the accessed bits).
 * A translation that is missing, or read-only for a store, raises a page
 * fault (fault.c); the faulting CPU drops its TLB entry for the address and
 * the instruction is retried. A store through a translation whose dirty bit
 * is clear makes the CPU write the dirty bit into the PTE first (a locked
 * walk), as x86 does. The access then reads or writes the page's content
 * value.
 *
 * touch is the workhorse of scenarios: one byte per stride over a range, in
 * sequential, reverse, random (a fresh permutation per pass) or Zipf order,
 * for a number of passes. It runs as a resumable operation: when the task's
 * scheduling quantum is used up it returns VM_EMORE and continues on the
 * next call, so other tasks interleave in simulated time.
 *
 * The hot path (an access that hits the L1 TLB) allocates nothing and
 * hashes nothing: a repeated access to the page used last on this CPU is
 * recognised by its tag alone.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../lib/pattern.h"

#define MAX_FAULT_RETRIES	4

struct vm_touch_op {
	int pid;
	struct vm_touch_args a;
	struct pattern pat;
	uint64_t i, pass;
	uint8_t value;
	struct op_bracket b;	/* counters when the operation started */
};

/* The data side of an access: store (write == 1) or load the page's value. */
static inline void page_data(struct machine *m, struct task_struct *t, struct page *p,
			     uint64_t addr, int write, uint8_t wval, uint8_t *rval)
{
	if (write == 1) {
		p->value = wval;
		if (m->shadow)
			shadow_store(m, t, addr, wval);
	} else if (!write && rval) {
		*rval = p->value;
	}
}

/*
 * One access by t at addr. Returns 0, VM_ESIGNAL (the access killed the
 * task), -ENOMEM (no memory for the fault) or -EIO (a fault that did not
 * resolve: a simulator bug, reported rather than looped on).
 */
static int mmu_access_slow(struct machine *m, struct task_struct *t, uint64_t addr,
			   int write, uint8_t wval, uint8_t *rval)
{
	uint64_t vpn = addr >> PAGE_SHIFT;
	const uint64_t *cost = m->cost.ns;

	for (int tries = 0;; tries++) {
		struct cpu *c = &m->cpus[t->cpu];
		uint16_t pcid = kern_pcid(c->loaded_asid);
		uint64_t tag = TLB_VALID | (vpn << 12) | pcid;
		struct tlb_entry *e;
		pte_t pte, *slot = NULL;
		int level = 1;

		if (c->last_tag == tag) {
			e = c->last;
		} else if (tries) {
			/*
			 * The retry after a fault: the fault dropped this CPU's
			 * entry and nothing fills a TLB during a fault, so the
			 * lookup would miss; a miss changes no LRU state.
			 */
			e = NULL;
		} else {
			e = tlb_lookup(c, vpn, pcid, &level);
			if (e && !(e->pte & _PAGE_PSE)) {
				c->last = e;
				c->last_tag = tag;
			}
		}
		if (e) {
			pte = e->pte;
			if (level == 1) {
				t->tlb_l1_hits++;
				t->clock += cost[COST_ACCESS_L1];
				t->utime += cost[COST_ACCESS_L1];
			} else {
				t->tlb_l2_hits++;
				t->clock += cost[COST_ACCESS_L1] + cost[COST_ACCESS_L2];
				t->utime += cost[COST_ACCESS_L1] + cost[COST_ACCESS_L2];
			}
			if (!write || (pte & (_PAGE_RW | _PAGE_DIRTY)) == (_PAGE_RW | _PAGE_DIRTY))
				goto done;
			if (pte & _PAGE_RW) {
				/* the first store through a clean entry sets D in the PTE */
				pte_t w = walk_hw(m, c, t->mm, addr, &slot);

				charge(m, t, COST_PAGE_WALK, true);
				if ((w & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW)) {
					*slot |= _PAGE_DIRTY;
					pte = e->pte = *slot;
					goto done;
				}
			}
			tlb_invalidate_local(m, c, addr);
		} else {
			t->tlb_walks++;
			t->clock += cost[COST_ACCESS_L1] + cost[COST_PAGE_WALK];
			t->utime += cost[COST_ACCESS_L1] + cost[COST_PAGE_WALK];
			pte = walk_hw(m, c, t->mm, addr, &slot);
			if ((pte & (_PAGE_PRESENT | _PAGE_USER)) == (_PAGE_PRESENT | _PAGE_USER) &&
			    (!write || (pte & _PAGE_RW))) {
				*slot |= _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);
				pte = *slot;
				tlb_fill(c, vpn, pcid, pte);
				goto done;
			}
		}
		if (tries >= MAX_FAULT_RETRIES)
			return -EIO;
		{
			int rc = do_user_addr_fault(m, t, addr, write);

			if (rc)
				return rc;
			/*
			 * The retry is a safe point: a kill that came during the
			 * fault lands here (do_user_addr_fault's
			 * fault_signal_pending() after a fault that returned).
			 */
			if (t->pending_sig && signal_deliver(m, t))
				return VM_ESIGNAL;
		}
		continue;
done:
		{
			uint64_t pfn = pte_pfn(pte);
			struct page *p;

			if (pte & _PAGE_PSE)
				pfn += vpn & (PTRS_PER_TABLE - 1);
			p = &m->mem_map[pfn];
			page_data(m, t, p, addr, write, wval, rval);
			return 0;
		}
	}
}

/*
 * The hot path: the same page as this CPU's last access, allowed as it is.
 * That entry is already the most recent of its L1 set, so counting the hit
 * without a lookup changes nothing a lookup would have.
 */
static inline bool hot_hit(const struct cpu *c, uint64_t addr, int write)
{
	uint64_t tag = TLB_VALID | ((addr >> PAGE_SHIFT) << 12) | kern_pcid(c->loaded_asid);

	return c->last_tag == tag &&
	       (!write || (c->last->pte & (_PAGE_RW | _PAGE_DIRTY)) == (_PAGE_RW | _PAGE_DIRTY));
}

static inline int mmu_access(struct machine *m, struct task_struct *t, uint64_t addr,
			     int write, uint8_t wval, uint8_t *rval)
{
	struct cpu *c = &m->cpus[t->cpu];

	if (__builtin_expect(hot_hit(c, addr, write), 1)) {
		struct page *p = &m->mem_map[pte_pfn(c->last->pte)];
		uint64_t ns = m->cost.ns[COST_ACCESS_L1];

		t->tlb_l1_hits++;
		t->clock += ns;
		t->utime += ns;
		page_data(m, t, p, addr, write, wval, rval);
		return 0;
	}
	return mmu_access_slow(m, t, addr, write, wval, rval);
}

#define WRITE_META	2	/* a store that leaves the content value alone */

int vm_access_meta(struct machine *m, struct task_struct *t, uint64_t addr)
{
	return mmu_access(m, t, addr, WRITE_META, 0, NULL);
}

int vm_access_fill(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len,
		   uint8_t value)
{
	for (uint64_t a = addr; a < addr + len; a = (a & PAGE_MASK) + PAGE_SIZE) {
		int rc = mmu_access(m, t, a, 1, value, NULL);

		if (rc)
			return rc;
	}
	return 0;
}

/* ---- touch ---- */

static void *perm_alloc(uint64_t bytes)
{
	return malloc(bytes);
}

vm_touch_op *vm_touch_begin(vm_machine *m, int pid, const struct vm_touch_args *a, int *err)
{
	struct task_struct *t = find_task(m, pid);
	struct vm_touch_op *op;

	*err = 0;
	if (!t || t->state == TASK_ZOMBIE) {
		*err = -ESRCH;
		return NULL;
	}
	if (a->addr + a->len < a->addr) {
		*err = -EINVAL;
		return NULL;
	}
	op = calloc(1, sizeof(*op));
	if (!op) {
		*err = -ENOMEM;
		return NULL;
	}
	op->pid = pid;
	op->a = *a;
	op->a.stride = a->stride ? a->stride : PAGE_SIZE;
	op->a.passes = a->passes ? a->passes : 1;
	op->value = a->has_value ? a->value : 1;
	if (!op->a.seed)	/* each touch its own order, still reproducible */
		op->a.seed = prng_next(&m->rng) | 1;
	*err = pattern_init(&op->pat, &op->a, perm_alloc);
	if (*err) {
		free(op);
		return NULL;
	}
	sched_switch_to(m, t);
	op_begin(&op->b, t);
	return op;
}

static void touch_result(struct vm_touch_op *op, const struct task_struct *t, struct vm_result *r)
{
	memset(r, 0, sizeof(*r));
	op_end(&op->b, t, r);
	r->accesses = op->pass * op->pat.n + op->i;
	r->pages = pattern_pages(&op->pat, &op->a);
}

/*
 * A sequential or reverse pass with a stride under a page: the accesses
 * that follow one in the same page are L1 hits on the translation it left
 * as this CPU's last (mmu_access's hot path), when that translation allows
 * what the touch does. They are counted together, each with its cost, and
 * cut where the quantum ends exactly as one by one would cut them: a
 * 64-byte stride makes 63 of every 64 accesses such hits. The content value
 * is the page's, stored by the first of them. Returns as vm_touch_step.
 */
static int touch_linear(struct machine *m, struct task_struct *t, struct vm_touch_op *op)
{
	const struct vm_touch_args *a = &op->a;
	const uint64_t n = op->pat.n, stride = a->stride;
	const uint64_t ns = m->cost.ns[COST_ACCESS_L1];
	const bool rev = op->pat.order == VM_ORDER_REVERSE;
	const struct cpu *c = &m->cpus[t->cpu];

	while (op->i < n) {
		uint64_t addr = a->addr + (rev ? n - 1 - op->i : op->i) * stride;
		uint64_t off = addr & ~PAGE_MASK;
		uint64_t k = rev ? off / stride : (PAGE_SIZE - 1 - off) / stride;
		int rc = mmu_access(m, t, addr, a->write, op->value, NULL);

		op->i++;
		if (rc)
			return rc;
		if (sched_need_resched(t))
			return VM_EMORE;
		if (k > n - op->i)
			k = n - op->i;
		if (!k || !hot_hit(c, addr, a->write))
			continue;
		if (t->slice_end && ns && k > (t->slice_end - t->clock + ns - 1) / ns)
			k = (t->slice_end - t->clock + ns - 1) / ns;
		t->tlb_l1_hits += k;
		t->clock += k * ns;
		t->utime += k * ns;
		op->i += k;
		if (sched_need_resched(t))
			return VM_EMORE;
	}
	return 0;
}

/*
 * Run the touch until it completes (0), the quantum ends (VM_EMORE), the
 * task dies (VM_ESIGNAL) or memory runs out (-ENOMEM). r is filled in every
 * case but VM_EMORE.
 */
int vm_touch_step(vm_machine *m, vm_touch_op *op, struct vm_result *r)
{
	struct task_struct *t = find_task(m, op->pid);
	const struct vm_touch_args *a = &op->a;
	int write = a->write;

	if (!t)
		return -ESRCH;
	sched_switch_to(m, t);
	while (op->pass < a->passes) {
		if (op->i == 0)
			pattern_pass(&op->pat);
		if (op->pat.order <= VM_ORDER_REVERSE && a->stride < PAGE_SIZE && !m->shadow) {
			int rc = touch_linear(m, t, op);

			if (rc == VM_EMORE)
				return rc;
			if (rc) {
				touch_result(op, t, r);
				return rc;
			}
		}
		while (op->i < op->pat.n) {
			uint64_t pos = pattern_pos(&op->pat, op->i);
			int rc = mmu_access(m, t, a->addr + pos * a->stride, write, op->value, NULL);

			op->i++;
			if (rc) {
				touch_result(op, t, r);
				return rc;
			}
			if (sched_need_resched(t))
				return VM_EMORE;
		}
		op->i = 0;
		op->pass++;
	}
	touch_result(op, t, r);
	return 0;
}

void vm_touch_end(vm_touch_op *op)
{
	if (op) {
		free(op->pat.perm);
		free(op);
	}
}

int vm_touch(vm_machine *m, int pid, const struct vm_touch_args *a, struct vm_result *r)
{
	int err;
	vm_touch_op *op = vm_touch_begin(m, pid, a, &err);

	if (!op)
		return err;
	do
		err = vm_touch_step(m, op, r);
	while (err == VM_EMORE);
	vm_touch_end(op);
	return err;
}

/* A single access (vm_read / vm_write), with its own result. */
static int one_access(struct machine *m, int pid, uint64_t addr, bool write, uint8_t v,
		      struct vm_result *r)
{
	struct task_struct *t = find_task(m, pid);
	struct op_bracket b;
	uint8_t got = 0;
	int rc;

	if (!t || t->state == TASK_ZOMBIE)
		return -ESRCH;
	sched_switch_to(m, t);
	op_begin(&b, t);
	rc = mmu_access(m, t, addr, write, v, &got);
	if (r) {
		memset(r, 0, sizeof(*r));
		op_end(&b, t, r);
		r->accesses = 1;
		r->pages = 1;
		r->value = write ? v : got;
	}
	return rc;
}

int vm_read(vm_machine *m, int pid, uint64_t addr, struct vm_result *r)
{
	return one_access(m, pid, addr, false, 0, r);
}

int vm_write(vm_machine *m, int pid, uint64_t addr, uint8_t value, struct vm_result *r)
{
	return one_access(m, pid, addr, true, value, r);
}
