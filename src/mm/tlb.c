/*
 * tlb.c - translation lookaside buffers, PCIDs and shootdowns
 * (arch/x86/mm/tlb.c, arch/x86/include/asm/tlbflush.h).
 *
 * Each simulated CPU has a split first-level data TLB (one array for 4 KiB
 * translations, one for 2 MiB) and a shared second-level TLB (STLB) holding
 * both sizes, all set-associative with LRU replacement; the default geometry
 * is a recent Intel server core's (64x4-way, 32x4-way, 1536x12-way). An
 * access looks in L1, then the STLB (refilling L1), then walks the page
 * table (filling both). Entries are tagged with a PCID, so switching address
 * spaces need not flush.
 *
 * PCIDs follow Linux: each CPU keeps 6 dynamic ASIDs (TLB_NR_DYN_ASIDS);
 * switch_mm() reuses the slot that last held the mm (flushing it only if the
 * mm's tlb_gen moved on meanwhile) or takes the next slot round-robin and
 * flushes it (choose_new_asid()). PCID = ASID + 1.
 *
 * Flushes follow flush_tlb_mm_range(): the mm's tlb_gen advances; every CPU
 * that has the mm loaded flushes now (the others by IPI: a shootdown); a CPU
 * that only has a stale ASID slot for it flushes when it next switches to
 * it. More than tlb_single_page_flush_ceiling (33) pages flush the whole
 * PCID instead of one invlpg per page. The counters are the kernel's
 * CONFIG_DEBUG_TLBFLUSH ones (nr_tlb_local_flush_one, ...).
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define TLB_HUGE		(1ULL << 62)
#define TLB_FLUSH_ALL		UINT64_MAX
#define TLB_SINGLE_PAGE_FLUSH_CEILING	33

static inline uint64_t make_tag(uint64_t vpn, uint16_t pcid, bool huge)
{
	return TLB_VALID | (huge ? TLB_HUGE : 0) | (vpn << 12) | pcid;
}

/* The largest array vmlab builds: far above any TLB's (STLBs hold 1-4K entries). */
#define TLB_MAX_ENTRIES	65536
#define TLB_MAX_WAYS	64

static int array_init(struct tlb_array *a, int entries, int ways)
{
	if (entries <= 0 || ways <= 0 || entries > TLB_MAX_ENTRIES || ways > TLB_MAX_WAYS ||
	    entries % ways || ((entries / ways) & (entries / ways - 1)))
		return -1;
	a->ways = (uint32_t)ways;
	a->sets = (uint32_t)(entries / ways);
	a->set_mask = a->sets - 1;
	a->e = calloc((size_t)entries, sizeof(struct tlb_entry));
	return a->e ? 0 : -1;
}

int tlb_init(struct machine *m, char *err, size_t errlen)
{
	const struct vm_config *c = &m->cfg;

	for (int i = 0; i < m->nr_cpus; i++) {
		struct cpu *cpu = &m->cpus[i];

		cpu->id = i;
		if (array_init(&cpu->l1_4k, c->tlb_l1_4k_entries, c->tlb_l1_4k_ways) ||
		    array_init(&cpu->l1_2m, c->tlb_l1_2m_entries, c->tlb_l1_2m_ways) ||
		    array_init(&cpu->stlb, c->tlb_l2_entries, c->tlb_l2_ways)) {
			snprintf(err, errlen, "TLB geometry: entries must be ways times a "
				 "power of two, at most %d entries of at most %d ways "
				 "(L1 4K %d/%d, L1 2M %d/%d, L2 %d/%d)", TLB_MAX_ENTRIES, TLB_MAX_WAYS,
				 c->tlb_l1_4k_entries, c->tlb_l1_4k_ways,
				 c->tlb_l1_2m_entries, c->tlb_l1_2m_ways,
				 c->tlb_l2_entries, c->tlb_l2_ways);
			return -1;
		}
	}
	return 0;
}

void tlb_free(struct machine *m)
{
	for (int i = 0; i < m->nr_cpus; i++) {
		free(m->cpus[i].l1_4k.e);
		free(m->cpus[i].l1_2m.e);
		free(m->cpus[i].stlb.e);
	}
}

/*
 * The way of set that holds tag, or -1. Valid entries are packed at the
 * front and a valid tag is never 0, so every way can be compared without
 * testing for the end: in the default geometries (4 and 12 ways) the loop
 * is unrolled, a compare and a branch per way.
 */
static inline int scan_ways(const struct tlb_entry *set, uint32_t ways, uint64_t tag)
{
#pragma GCC unroll 12
	for (uint32_t i = 0; i < ways; i++)
		if (set[i].tag == tag)
			return (int)i;
	return -1;
}

/* Find tag in its set; on a hit move it to the front (MRU). */
static inline struct tlb_entry *array_lookup(struct tlb_array *a, uint64_t key,
					     uint64_t tag)
{
	struct tlb_entry *set = tlb_set(a, key);
	int i = a->ways == 4 ? scan_ways(set, 4, tag) : a->ways == 12 ? scan_ways(set, 12, tag) :
		scan_ways(set, a->ways, tag);

	if (i < 0)
		return NULL;
	if (i) {
		struct tlb_entry hit = set[i];

		memmove(&set[1], &set[0], (size_t)i * sizeof(*set));
		set[0] = hit;
	}
	return &set[0];
}

/* Insert at the front of the set, evicting the LRU entry if full. */
static inline struct tlb_entry *array_fill(struct tlb_array *a, uint64_t key, uint64_t tag,
					   pte_t pte)
{
	struct tlb_entry *set = tlb_set(a, key);

	memmove(&set[1], &set[0], (a->ways - 1) * sizeof(*set));
	set[0].tag = tag;
	set[0].pte = pte;
	return &set[0];
}

/* Remove entries of the set for which match() holds, keeping MRU order. */
static void array_remove(struct tlb_array *a, uint32_t set_nr, uint64_t tag, uint64_t mask)
{
	struct tlb_entry *set = &a->e[set_nr * a->ways];
	uint32_t w = 0;

	for (uint32_t i = 0; i < a->ways; i++) {
		if (!set[i].tag)
			break;
		if ((set[i].tag & mask) == (tag & mask))
			continue;
		set[w++] = set[i];
	}
	for (; w < a->ways && set[w].tag; w++)
		set[w].tag = 0;
}

/*
 * tlb_lookup(): the translation of vpn under pcid, or NULL. *level says
 * where it was found: 1 = L1, 2 = STLB (and now copied into L1).
 */
struct tlb_entry *tlb_lookup(struct cpu *c, uint64_t vpn, uint16_t pcid, int *level)
{
	uint64_t tag = make_tag(vpn, pcid, false);
	uint64_t vpn2m = vpn >> 9;
	uint64_t htag = make_tag(vpn2m, pcid, true);
	struct tlb_entry *e;

	e = array_lookup(&c->l1_4k, vpn, tag);
	if (e) {
		*level = 1;
		return e;
	}
	if (c->huge_seen) {	/* no 2 MiB entry can exist otherwise: skip the search */
		e = array_lookup(&c->l1_2m, vpn2m, htag);
		if (e) {
			*level = 1;
			return e;
		}
	}
	e = array_lookup(&c->stlb, vpn, tag);
	if (e) {
		*level = 2;
		return array_fill(&c->l1_4k, vpn, tag, e->pte);
	}
	if (!c->huge_seen)
		return NULL;
	e = array_lookup(&c->stlb, vpn2m, htag);
	if (e) {
		*level = 2;
		return array_fill(&c->l1_2m, vpn2m, htag, e->pte);
	}
	return NULL;
}

/* A page walk found pte for vpn: fill the STLB and the L1 of its size. */
void tlb_fill(struct cpu *c, uint64_t vpn, uint16_t pcid, pte_t pte)
{
	if (pte & _PAGE_PSE) {
		uint64_t vpn2m = vpn >> 9;
		uint64_t htag = make_tag(vpn2m, pcid, true);

		c->huge_seen = true;
		array_fill(&c->stlb, vpn2m, htag, pte);
		c->last = array_fill(&c->l1_2m, vpn2m, htag, pte);
		c->last_tag = 0;
	} else {
		uint64_t tag = make_tag(vpn, pcid, false);

		array_fill(&c->stlb, vpn, tag, pte);
		c->last = array_fill(&c->l1_4k, vpn, tag, pte);
		c->last_tag = tag;
	}
}

/* invlpg: drop the translations of addr's page under pcid from every level. */
static void invlpg(struct cpu *c, uint64_t addr, uint16_t pcid)
{
	uint64_t vpn = addr >> PAGE_SHIFT, vpn2m = vpn >> 9;
	uint64_t mask = ~0ULL;

	array_remove(&c->l1_4k, (uint32_t)(vpn & c->l1_4k.set_mask), make_tag(vpn, pcid, false), mask);
	array_remove(&c->stlb, (uint32_t)(vpn & c->stlb.set_mask), make_tag(vpn, pcid, false), mask);
	array_remove(&c->l1_2m, (uint32_t)(vpn2m & c->l1_2m.set_mask), make_tag(vpn2m, pcid, true), mask);
	array_remove(&c->stlb, (uint32_t)(vpn2m & c->stlb.set_mask), make_tag(vpn2m, pcid, true), mask);
	c->last_tag = 0;
}

/* Drop every translation tagged pcid (a CR3 load without NOFLUSH). */
static void flush_pcid(struct cpu *c, uint16_t pcid)
{
	struct tlb_array *arrays[3] = { &c->l1_4k, &c->l1_2m, &c->stlb };

	for (int i = 0; i < 3; i++)
		for (uint32_t s = 0; s < arrays[i]->sets; s++)
			array_remove(arrays[i], s, pcid, 0xfffULL);
	c->last_tag = 0;
}

void tlb_invalidate_local(struct machine *m, struct cpu *c, uint64_t addr)
{
	(void)m;
	invlpg(c, addr, kern_pcid(c->loaded_asid));
}

/* choose_new_asid() */
static void choose_new_asid(struct cpu *c, struct mm_struct *next, uint16_t *asid,
			    bool *need_flush)
{
	for (uint16_t i = 0; i < TLB_NR_DYN_ASIDS; i++) {
		if (c->ctxs[i].ctx_id != next->ctx_id)
			continue;
		*asid = i;
		*need_flush = c->ctxs[i].tlb_gen < next->tlb_gen;
		return;
	}
	*asid = c->next_asid++;
	if (*asid >= TLB_NR_DYN_ASIDS) {
		*asid = 0;
		c->next_asid = 1;
	}
	*need_flush = true;
}

/* switch_mm_irqs_off(): CPU c starts running task t, whose mm is next. */
void switch_mm(struct machine *m, struct cpu *c, struct mm_struct *next, struct task_struct *t)
{
	struct mm_struct *prev = c->loaded_mm;
	uint16_t asid;
	bool need_flush;

	if (prev == next)
		return;
	if (prev)
		prev->cpumask &= ~(1ULL << c->id);
	choose_new_asid(c, next, &asid, &need_flush);
	if (need_flush)
		flush_pcid(c, kern_pcid(asid));
	c->ctxs[asid].ctx_id = next->ctx_id;
	c->ctxs[asid].tlb_gen = next->tlb_gen;
	c->loaded_mm = next;
	c->loaded_asid = asid;
	c->last_tag = 0;
	next->cpumask |= 1ULL << c->id;
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_SWITCH_MM, .pid = t->pid, .cpu = c->id,
			.len = asid, .what = need_flush ? "new asid, flushed" : "asid reused",
		};
		mm_emit(m, &ev);
	}
}

/* flush_tlb_func() on one CPU that has mm loaded. */
static void flush_tlb_func(struct machine *m, struct cpu *c, struct mm_struct *mm,
			   uint64_t start, uint64_t end, bool local)
{
	uint16_t pcid = kern_pcid(c->loaded_asid);

	if (c->ctxs[c->loaded_asid].tlb_gen == mm->tlb_gen)
		return;
	if (end == TLB_FLUSH_ALL) {
		flush_pcid(c, pcid);
		if (local)
			count_vm_event(m, NR_TLB_LOCAL_FLUSH_ALL);
	} else {
		for (uint64_t a = start; a < end; a += PAGE_SIZE)
			invlpg(c, a, pcid);
		if (local)
			count_vm_events(m, NR_TLB_LOCAL_FLUSH_ONE, (end - start) >> PAGE_SHIFT);
	}
	if (!local)
		count_vm_event(m, NR_TLB_REMOTE_FLUSH_RECEIVED);
	c->ctxs[c->loaded_asid].tlb_gen = mm->tlb_gen;
}

/*
 * flush_tlb_mm_range(): make every CPU forget mm's translations in
 * [start, end). t is the task on whose behalf it happens (its CPU is
 * "local" and it pays the cost of the flush and of the IPIs it sends).
 */
void flush_tlb_mm_range(struct machine *m, struct mm_struct *mm, uint64_t start,
			uint64_t end, struct task_struct *t)
{
	int here = t ? t->cpu : -1;
	int remote = 0;
	bool all = end == TLB_FLUSH_ALL ||
		   ((end - start) >> PAGE_SHIFT) > TLB_SINGLE_PAGE_FLUSH_CEILING;

	if (all) {
		start = 0;
		end = TLB_FLUSH_ALL;
	}
	mm->tlb_gen++;
	for (int i = 0; i < m->nr_cpus; i++) {
		struct cpu *c = &m->cpus[i];

		if (!(mm->cpumask & (1ULL << i)) || c->loaded_mm != mm)
			continue;
		if (i != here)
			remote++;
		flush_tlb_func(m, c, mm, start, end, i == here);
	}
	if (remote) {
		count_vm_event(m, NR_TLB_REMOTE_FLUSH);
		m->nr_ipis += (uint64_t)remote;
	}
	if (t) {
		if (all)
			charge(m, t, COST_TLB_FLUSH_ALL, false);
		else
			charge_n(m, t, COST_TLB_FLUSH_ONE, (end - start) >> PAGE_SHIFT, false);
		charge_n(m, t, COST_TLB_IPI, (uint64_t)remote, false);
	}
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t ? t->clock : m->now, .kind = EV_TLB_FLUSH,
			.pid = t ? t->pid : 0, .cpu = here,
			.addr = start, .len = all ? 0 : end - start, .child = remote,
			.what = all ? "all" : "range",
		};
		mm_emit(m, &ev);
	}
}

void flush_tlb_mm(struct machine *m, struct mm_struct *mm, struct task_struct *t)
{
	flush_tlb_mm_range(m, mm, 0, TLB_FLUSH_ALL, t);
}

void flush_tlb_page(struct machine *m, struct mm_struct *mm, uint64_t addr,
		    struct task_struct *t)
{
	flush_tlb_mm_range(m, mm, addr, addr + PAGE_SIZE, t);
}

/* The mm is going away: no CPU keeps it loaded (they switch to init_mm). */
void mm_drop_cpus(struct machine *m, struct mm_struct *mm)
{
	for (int i = 0; i < m->nr_cpus; i++) {
		struct cpu *c = &m->cpus[i];

		if (c->loaded_mm == mm) {
			c->loaded_mm = NULL;
			c->last_tag = 0;
		}
	}
	mm->cpumask = 0;
}
