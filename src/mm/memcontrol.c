/*
 * memcontrol.c - memory cgroups: charging and limit reclaim (mm/memcontrol.c,
 * mm/page_counter.c), as cgroup v2 defines them.
 *
 * vm.cgroup{ name =, max =, parent = } makes a group; a process spawned
 * into it ({ cgroup = g }) and its forks charge every user page they
 * allocate to it (mem_cgroup_charge() at vma_alloc_folio(), the one seam
 * for user pages: anonymous, CoW copies, shmem, swap-ins), and the page is
 * uncharged when it is freed. A group's pages live on its own LRU lists
 * (its lruvec). A charge that would take the group, or an ancestor, past
 * its memory.max reclaims inside that group first (try_charge_memcg():
 * try_to_free_mem_cgroup_pages(), counted as the group's "max" event),
 * retrying while reclaim makes progress and MAX_RECLAIM_RETRIES times
 * more without; then the memcg OOM killer chooses inside that group
 * (mem_cgroup_oom: the "oom" event, oom_kill.c) and the charge is tried
 * again; a charging task that is itself dying gives up (-ENOMEM: it dies
 * at the end of its fault). Events count in the group and its ancestors
 * (memcg_memory_event), as memory.events (not .local) does.
 *
 * memory.min and memory.low protect a group from reclaim as cgroup v2 says:
 * effective values computed top-down from the reclaim's root
 * (mem_cgroup_calculate_protection), a group within its min skipped, one
 * within its low skipped unless nothing else could be reclaimed (then its
 * "low" event), and the scan of a partly protected group cut in proportion
 * (vmscan.c).
 *
 * Not modelled yet: memory.high throttling, memory.swap.max, and the
 * kernel's own allocations charged to a group (page tables, kernel stacks:
 * __GFP_ACCOUNT); memory.current counts the group's user pages (anon,
 * shmem, page cache and swap cache).
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

int mem_cgroup_init(struct machine *m, char *err, size_t errlen)
{
	struct mem_cgroup *root = calloc(1, sizeof(*root));

	if (!root) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	snprintf(root->name, sizeof(root->name), "/");
	root->max = UINT64_MAX;
	root->lruvec = &m->node.lruvec;		/* the node's lists: pages of no group */
	m->memcg[0] = root;
	m->nr_memcg = 1;
	return 0;
}

void mem_cgroup_exit(struct machine *m)
{
	for (int i = 0; i < m->nr_memcg; i++) {
		free(m->memcg[i]);
		m->memcg[i] = NULL;
	}
	m->nr_memcg = 0;
}

int vm_cgroup_create(vm_machine *m, const char *name, int parent, uint64_t max)
{
	struct mem_cgroup *g;

	if (m->nr_memcg > MAX_MEMCG)
		return -ENOSPC;
	if (parent < 0 || parent >= m->nr_memcg)
		return -EINVAL;
	for (int i = 1; i < m->nr_memcg; i++)
		if (!strcmp(m->memcg[i]->name, name))
			return -EEXIST;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->id = m->nr_memcg;
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->parent = m->memcg[parent];
	g->swappiness = parent ? g->parent->swappiness : -1;	/* mem_cgroup_css_alloc() */
	g->max = max ? (max + PAGE_SIZE - 1) >> PAGE_SHIFT : UINT64_MAX;
	g->lruvec = &g->own_lruvec;
	for (int l = 0; l < NR_LRU_LISTS; l++)
		pfn_list_init(&g->own_lruvec.lists[l]);
	m->memcg[m->nr_memcg++] = g;
	return g->id;
}

int vm_cgroup_set_swappiness(vm_machine *m, int id, int swappiness)
{
	if (id < 1 || id >= m->nr_memcg)
		return -EINVAL;
	if (swappiness < 0 || swappiness > 200)
		return -EINVAL;		/* mem_cgroup_swappiness_write() */
	m->memcg[id]->swappiness = swappiness;
	return 0;
}

bool mem_cgroup_is_descendant(const struct mem_cgroup *memcg, const struct mem_cgroup *ancestor)
{
	for (; memcg; memcg = memcg->parent)
		if (memcg == ancestor)
			return true;
	return false;
}

/* page_counter_try_charge(): the group and its ancestors; the one that would pass its max, or NULL. */
static struct mem_cgroup *page_counter_try_charge(struct mem_cgroup *memcg, unsigned nr)
{
	for (struct mem_cgroup *g = memcg; g && g->parent; g = g->parent)
		if (g->usage + nr > g->max)
			return g;
	for (struct mem_cgroup *g = memcg; g; g = g->parent) {
		g->usage += nr;
		if (g->usage > g->peak)
			g->peak = g->usage;
	}
	return NULL;
}

/* mem_cgroup_margin(): how many pages the group can still take. */
static uint64_t mem_cgroup_margin(const struct mem_cgroup *g)
{
	uint64_t margin = UINT64_MAX;

	for (; g && g->parent; g = g->parent) {
		uint64_t left = g->usage < g->max ? g->max - g->usage : 0;

		if (left < margin)
			margin = left;
	}
	return margin;
}

void memcg_memory_event(struct mem_cgroup *memcg, enum memcg_event event)
{
	for (; memcg && memcg->parent; memcg = memcg->parent)
		memcg->events[event]++;
}

/* ---- memory.min and memory.low (mm/page_counter.c) ---- */

/*
 * effective_protection() without memory_recursiveprot (the default): what
 * a group claims and uses, min(usage, setting), unless its siblings
 * together claim more than the parent's own effective protection, which is
 * then shared in proportion to what each uses of its claim.
 */
static uint64_t effective_protection(uint64_t usage, uint64_t setting, uint64_t parent_effective,
				     uint64_t siblings_protected)
{
	uint64_t protected = usage < setting ? usage : setting;

	if (siblings_protected > parent_effective)
		return protected * parent_effective / siblings_protected;
	return protected;
}

/* children_min_usage / children_low_usage: the siblings' protected usage, summed. */
static uint64_t children_protected(const struct machine *m, const struct mem_cgroup *parent,
				   bool low)
{
	uint64_t sum = 0;

	for (int i = 1; i < m->nr_memcg; i++) {
		const struct mem_cgroup *c = m->memcg[i];
		uint64_t setting = low ? c->low : c->min;

		if (c->parent == parent)
			sum += c->usage < setting ? c->usage : setting;
	}
	return sum;
}

void mem_cgroup_calculate_protection(struct machine *m, struct mem_cgroup *root,
				     struct mem_cgroup *memcg)
{
	struct mem_cgroup *parent = memcg->parent;

	if (!root)
		root = m->memcg[0];
	/* page_counter_calculate_protection() */
	if (memcg == root || !memcg->usage)
		return;
	if (parent == root) {
		memcg->emin = memcg->min;
		memcg->elow = memcg->low;
		return;
	}
	memcg->emin = effective_protection(memcg->usage, memcg->min, parent->emin,
					   children_protected(m, parent, false));
	memcg->elow = effective_protection(memcg->usage, memcg->low, parent->elow,
					   children_protected(m, parent, true));
}

void mem_cgroup_protection(const struct machine *m, const struct mem_cgroup *root,
			   const struct mem_cgroup *memcg, uint64_t *min, uint64_t *low)
{
	*min = *low = 0;
	/* mem_cgroup_unprotected(): the root group, and the reclaim's own target */
	if (memcg == m->memcg[0] || memcg == root)
		return;
	*min = memcg->emin;
	*low = memcg->elow;
}

int vm_cgroup_set_oom_group(vm_machine *m, int id, int on)
{
	if (id < 1 || id >= m->nr_memcg)
		return -EINVAL;
	m->memcg[id]->oom_group = on != 0;
	return 0;
}

int vm_cgroup_set_protection(vm_machine *m, int id, uint64_t min, uint64_t low)
{
	if (id < 1 || id >= m->nr_memcg)
		return -EINVAL;
	m->memcg[id]->min = (min + PAGE_SIZE - 1) >> PAGE_SHIFT;
	m->memcg[id]->low = (low + PAGE_SIZE - 1) >> PAGE_SHIFT;
	return 0;
}

/*
 * mem_cgroup_oom() -> mem_cgroup_out_of_memory(): the OOM killer inside
 * the group over its limit. True when the charge may be retried: the group
 * has room again, the charging task is dying, or somebody was killed.
 */
static bool mem_cgroup_oom(struct machine *m, struct mem_cgroup *memcg, unsigned nr)
{
	struct oom_control oc = { .memcg = memcg, .gfp_mask = GFP_KERNEL };

	if (nr > 1u << PAGE_ALLOC_COSTLY_ORDER)	/* the OOM killer will not help */
		return false;
	memcg_memory_event(memcg, MEMCG_OOM);
	if (mem_cgroup_margin(memcg) >= nr)
		return true;
	return task_is_dying(m->current) || out_of_memory(m, &oc);
}

int mem_cgroup_charge(struct machine *m, struct page *page, struct mm_struct *mm, unsigned nr)
{
	struct mem_cgroup *memcg = m->memcg[mm ? mm->memcg_id : 0];
	struct task_struct *t = m->current;
	int retries = MAX_RECLAIM_RETRIES;
	bool passed_oom = false;

	for (;;) {
		struct mem_cgroup *over = page_counter_try_charge(memcg, nr);
		uint64_t reclaimed;

		if (!over) {
			page->memcg_id = (uint8_t)memcg->id;
			SetPageFlag(page, PG_memcg);
			return 0;
		}
		over->failcnt++;		/* page_counter_try_charge() */
		memcg_memory_event(over, MEMCG_MAX);
		if (!t || t->threadfn || m->reclaim.in_reclaim)
			break;
		reclaimed = try_to_free_mem_cgroup_pages(m, t, over, nr);
		if (mem_cgroup_margin(over) >= nr)
			continue;
		if (reclaimed && nr <= 1u << PAGE_ALLOC_COSTLY_ORDER)
			continue;
		if (retries-- > 0)
			continue;
		/* try_charge_memcg(): a task the OOM killer let by must not loop */
		if (passed_oom && task_is_dying(t))
			break;
		if (!mem_cgroup_oom(m, over, nr))
			break;
		passed_oom = true;
		retries = MAX_RECLAIM_RETRIES;
	}
	note_oom(m);
	return -ENOMEM;
}

void mem_cgroup_uncharge(struct machine *m, struct page *page)
{
	unsigned nr = PageFlag(page, PG_head) ? 1u << page->order : 1;

	if (!PageFlag(page, PG_memcg))
		return;
	for (struct mem_cgroup *g = page_memcg(m, page); g; g = g->parent)
		g->usage -= nr;
	ClearPageFlag(page, PG_memcg);
	page->memcg_id = 0;
}

/* ---- vm.memstat(g) ---- */

int vm_cgroup_memstat(vm_machine *m, int id, struct vm_kv *kv, int max)
{
	const struct mem_cgroup *g;

	if (id <= 0 || id >= m->nr_memcg || max < NR_VM_MEMSTAT)
		return -EINVAL;
	g = m->memcg[id];
	memstat_fill(&(struct memstat_src){
		.stat = g->stat, .pgfault = g->pgfault, .pgmajfault = g->pgmajfault,
		.current = (int64_t)(g->usage * PAGE_SIZE),
	}, kv);
	return NR_VM_MEMSTAT;
}

uint64_t vm_cgroup_oom_kills(vm_machine *m, int id)
{
	return id > 0 && id < m->nr_memcg ? m->memcg[id]->events[MEMCG_OOM_KILL] : 0;
}

int vm_cgroup_events(vm_machine *m, int id, uint64_t *max_events, uint64_t *oom_events,
		     uint64_t *peak_bytes)
{
	if (id <= 0 || id >= m->nr_memcg)
		return -EINVAL;
	*max_events = m->memcg[id]->events[MEMCG_MAX];
	*oom_events = m->memcg[id]->events[MEMCG_OOM];
	*peak_bytes = m->memcg[id]->peak * PAGE_SIZE;
	return 0;
}
