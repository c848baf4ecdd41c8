/*
 * oom_kill.c - the OOM killer (mm/oom_kill.c, 5.9+ through 6.18;
 * reference/linux-mm.md §2).
 *
 * It is entered when reclaim has failed: from the allocator's slow path
 * (__alloc_pages_may_oom, a global OOM) and from a memory cgroup that could
 * not reclaim under its limit (mem_cgroup_out_of_memory, a memcg OOM that
 * chooses only inside that group). out_of_memory() then
 *   - lets an allocating task that is already dying go (it will free its
 *     memory: task_will_free_mem), killing nobody;
 *   - scores every candidate with oom_badness(): its RSS, swap entries and
 *     page-table pages, plus oom_score_adj thousandths of the memory the
 *     OOM is about (totalpages: RAM + swap, or the group's limit + swap);
 *     -1000 exempts, kernel threads are never candidates;
 *   - chooses the highest, the later task on a tie (points >= chosen), and
 *     chooses nobody while an earlier victim still holds its memory;
 *   - kills it with SIGKILL, after writing the kernel's log lines
 *     (dump_header's first line, the memcg's usage lines, the task table of
 *     oom_dump_tasks, the oom-kill: summary and the "Killed process" line),
 *     and counts oom_kill in /proc/vmstat and the victim's memory.events.
 * A victim that is not inside a fault dies at once; one inside a fault (the
 * allocating task itself) gets the SIGKILL when the fault returns
 * (pagefault_out_of_memory sees the fatal signal). Either way its exit
 * frees its memory and sets MMF_OOM_SKIP before the oom_reaper's
 * OOM_REAPER_DELAY (2 s) would have it reap: the reaper finds nothing to
 * do, as on a real kernel whose victim exits promptly, and writes no line.
 *
 * memory.oom.group makes the kill take the victim's whole group (the
 * highest group with it set up to the OOM's domain).
 *
 * Not modelled: the stack dump and show_mem() of dump_header, the swap and
 * memory.stat lines of a memcg OOM's header, oom_kill_allocating_task,
 * panic_on_oom, cpusets and mempolicies (one node: CONSTRAINT_NONE or
 * CONSTRAINT_MEMCG).
 */
#include <string.h>
#include "internal.h"

#define OOM_SCORE_ADJ_MIN	(-1000)

/* oom_unkillable_task(): kernel threads (vmlab runs no init at pid 1). */
static bool oom_unkillable_task(const struct task_struct *p)
{
	return p->threadfn != NULL;
}

int64_t oom_badness(const struct task_struct *p, uint64_t totalpages)
{
	int64_t points, adj;

	if (oom_unkillable_task(p) || !p->mm)	/* find_lock_task_mm(): no mm left */
		return INT64_MIN;
	adj = p->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN)
		return INT64_MIN;	/* (MMF_OOM_SKIP: a simulated mm goes with its exit; no vfork) */
	points = (int64_t)get_mm_rss(p->mm) + p->mm->rss_stat[MM_SWAPENTS] +
		 p->mm->pgtables_bytes / (int64_t)PAGE_SIZE;
	adj *= (int64_t)(totalpages / 1000);	/* the division first, as the kernel's */
	return points + adj;
}

int oom_score(int64_t badness, uint64_t totalpages)
{
	if (badness == INT64_MIN)
		return 0;
	return (int)((1000 + badness * 1000 / (int64_t)totalpages) * 2 / 3);
}

uint64_t oom_totalpages(const struct machine *m, const struct mem_cgroup *memcg)
{
	uint64_t max;

	if (!memcg)
		return m->totalram_pages + m->total_swap_pages;
	/*
	 * mem_cgroup_get_max(): the limit (PAGE_COUNTER_MAX for "max"), plus
	 * the swap the group may use while its swappiness lets it swap
	 * (swap.max is not modelled: all of it).
	 */
	max = memcg->max == UINT64_MAX ? (uint64_t)PAGE_COUNTER_MAX : memcg->max;
	if (mem_cgroup_swappiness(m, (struct mem_cgroup *)memcg))
		max += m->total_swap_pages;
	return max ? max : 1;
}

/* task_is_dying() / __task_will_free_mem(): a fatal signal is on its way to it. */
static bool task_will_free_mem(const struct task_struct *t)
{
	return t->mm && task_is_dying(t);
}

static bool in_oom_domain(struct machine *m, const struct oom_control *oc,
			  const struct task_struct *p)
{
	return !oc->memcg || (p->mm && mem_cgroup_is_descendant(m->memcg[p->mm->memcg_id],
								  oc->memcg));
}

/* ---- choosing (select_bad_process, oom_evaluate_task) ---- */

/* false: stop the scan (an earlier victim still holds its memory) */
static bool oom_evaluate_task(struct machine *m, struct task_struct *p, struct oom_control *oc)
{
	int64_t points;

	if (oom_unkillable_task(p) || !in_oom_domain(m, oc, p))
		return true;
	if (p->oom_victim && p->mm) {	/* not yet gone: wait for it (its exit is MMF_OOM_SKIP) */
		oc->chosen = OOM_ABORT;
		return false;
	}
	points = oom_badness(p, oc->totalpages);
	if (points == INT64_MIN || points < oc->chosen_points)
		return true;
	oc->chosen = p;
	oc->chosen_points = points;
	return true;
}

/*
 * for_each_process() in creation order, or mem_cgroup_scan_tasks(): the
 * group's tasks, then its descendants'. A task joins a group when it is
 * spawned into it or forked inside it, so pid order within the scan is the
 * order of the kernel's per-cgroup task lists.
 */
static void select_bad_process(struct machine *m, struct oom_control *oc)
{
	oc->chosen = NULL;
	oc->chosen_points = INT64_MIN;
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *p = m->tasks[pid];

		if (p && p->state != TASK_ZOMBIE && p->state != TASK_DEAD &&
		    !oom_evaluate_task(m, p, oc))
			return;
	}
}

/* ---- the kernel's log lines ---- */

static void cgroup_path(const struct mem_cgroup *g, char *buf, size_t n)
{
	const struct mem_cgroup *chain[MAX_MEMCG + 2];
	int depth = 0;
	size_t at = 0;

	for (; g && g->parent; g = g->parent)
		chain[depth++] = g;
	buf[0] = '/';
	buf[1] = '\0';
	for (int i = depth - 1; i >= 0 && at < n; i--)
		at += (size_t)snprintf(buf + at, n - at, "/%s", chain[i]->name);
}

/* %pGg of the allocation's gfp mask: the values and names of include/linux/gfp_types.h. */
static void gfp_text(unsigned gfp, bool charge, char *buf, size_t n)
{
	if (charge)		/* mem_cgroup_charge(folio, mm, GFP_KERNEL) */
		snprintf(buf, n, "0xcc0(GFP_KERNEL)");
	else if (gfp & __GFP_ZERO)
		snprintf(buf, n, "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)");
	else if (gfp & __GFP_MOVABLE)
		snprintf(buf, n, "0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)");
	else
		snprintf(buf, n, "0xcc0(GFP_KERNEL)");
}

static void dump_tasks(struct machine *m, const struct oom_control *oc, uint64_t t)
{
	printk(m, t, "Tasks state (memory values in pages):");
	printk(m, t, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
		     "pgtables_bytes swapents oom_score_adj name");
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *p = m->tasks[pid];
		const struct mm_struct *mm;

		if (!p || !p->mm || oom_unkillable_task(p) || !in_oom_domain(m, oc, p))
			continue;
		mm = p->mm;
		printk(m, t, "[%7d] %5d %5d %8llu %8llu %8lld %8lld %9lld %8lld %8lld         %5d %s",
		       p->pid, p->uid, p->pid, (unsigned long long)mm->total_vm,
		       (unsigned long long)get_mm_rss(mm), (long long)mm->rss_stat[MM_ANONPAGES],
		       (long long)mm->rss_stat[MM_FILEPAGES], (long long)mm->rss_stat[MM_SHMEMPAGES],
		       (long long)mm->pgtables_bytes, (long long)mm->rss_stat[MM_SWAPENTS],
		       p->oom_score_adj, p->comm);
	}
}

static void dump_header(struct machine *m, const struct oom_control *oc, uint64_t t)
{
	const struct task_struct *cur = m->current;
	char gfp[96];

	gfp_text(oc->gfp_mask, oc->memcg != NULL, gfp, sizeof(gfp));
	printk(m, t, "%s invoked oom-killer: gfp_mask=%s, order=%d, oom_score_adj=%d",
	       cur ? cur->comm : "kswapd0", gfp, oc->order, cur ? cur->oom_score_adj : 0);
	if (oc->memcg) {	/* mem_cgroup_print_oom_meminfo()'s first line */
		const struct mem_cgroup *g = oc->memcg;

		printk(m, t, "memory: usage %llukB, limit %llukB, failcnt %llu", K(g->usage),
		       g->max == UINT64_MAX ? K(PAGE_COUNTER_MAX) : K(g->max),
		       (unsigned long long)g->failcnt);
	}
	dump_tasks(m, oc, t);
}

static void dump_oom_victim(struct machine *m, const struct oom_control *oc,
			    const struct task_struct *victim, uint64_t t)
{
	char oom_memcg[256], task_memcg[256], ctx[600];

	cgroup_path(m->memcg[victim->mm->memcg_id], task_memcg, sizeof(task_memcg));
	if (oc->memcg) {
		cgroup_path(oc->memcg, oom_memcg, sizeof(oom_memcg));
		snprintf(ctx, sizeof(ctx), "oom_memcg=%s", oom_memcg);
	} else {
		snprintf(ctx, sizeof(ctx), "global_oom");
	}
	printk(m, t, "oom-kill:constraint=%s,nodemask=(null),cpuset=/,mems_allowed=0,%s,"
		     "task_memcg=%s,task=%s,pid=%d,uid=%d",
	       oc->memcg ? "CONSTRAINT_MEMCG" : "CONSTRAINT_NONE", ctx, task_memcg, victim->comm,
	       victim->pid, victim->uid);
}

/* ---- killing ---- */

/* mark_oom_victim(): TIF_MEMDIE; its allocations may use half the min reserve (ALLOC_OOM). */
static void mark_oom_victim(struct task_struct *t)
{
	t->oom_victim = true;
}

/*
 * Deliver the SIGKILL. The allocating task is inside the kernel (a fault,
 * a system call): it dies at its next safe point. Any other task sits at
 * one and dies now, freeing its memory (exit_mmap sets MMF_OOM_SKIP).
 */
static void oom_sigkill(struct machine *m, struct task_struct *t)
{
	if (t == m->current)
		t->pending_sig = SIGKILL;
	else
		kill_task(m, t, SIGKILL);
}

void oom_victim_kill(struct machine *m, struct task_struct *victim, const char *what)
{
	struct mm_struct *mm = victim->mm;
	uint64_t t = m->current ? m->current->clock : m->now;

	count_vm_event(m, OOM_KILL);
	memcg_memory_event(m->memcg[mm->memcg_id], MEMCG_OOM_KILL);
	mark_oom_victim(victim);
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t, .kind = EV_OOM_KILL, .pid = victim->pid, .cpu = victim->cpu,
			.len = (uint64_t)get_mm_rss(mm), .what = what,
		};
		mm_emit(m, &ev);
	}
	oom_sigkill(m, victim);	/* vmlab's processes share no mm: no other to kill */
}

static void __oom_kill_process(struct machine *m, struct task_struct *victim,
			       const char *message, uint64_t t)
{
	const struct mm_struct *mm = victim->mm;

	printk(m, t, "%s: Killed process %d (%s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB, "
		     "shmem-rss:%llukB, UID:%d pgtables:%lldkB oom_score_adj:%d",
	       message, victim->pid, victim->comm, K(mm->total_vm), K(mm->rss_stat[MM_ANONPAGES]),
	       K(mm->rss_stat[MM_FILEPAGES]), K(mm->rss_stat[MM_SHMEMPAGES]), victim->uid,
	       (long long)(mm->pgtables_bytes >> 10), victim->oom_score_adj);
	oom_victim_kill(m, victim, message);
}

/*
 * mem_cgroup_get_oom_group(): the highest group with memory.oom.group set
 * between the victim's and the OOM's domain (the root for a global OOM).
 */
static struct mem_cgroup *mem_cgroup_get_oom_group(struct machine *m, const struct task_struct *victim,
						   struct mem_cgroup *oom_domain)
{
	struct mem_cgroup *memcg = m->memcg[victim->mm->memcg_id], *oom_group = NULL;

	if (!oom_domain)
		oom_domain = m->memcg[0];
	if (memcg == m->memcg[0] || !mem_cgroup_is_descendant(memcg, oom_domain))
		return NULL;
	for (; memcg; memcg = memcg->parent) {
		if (memcg->oom_group)
			oom_group = memcg;
		if (memcg == oom_domain)
			break;
	}
	return oom_group;
}

static void oom_kill_process(struct machine *m, struct oom_control *oc, const char *message)
{
	struct task_struct *victim = oc->chosen;
	uint64_t t = m->current ? m->current->clock : m->now;
	struct mem_cgroup *oom_group;
	char path[256];

	if (task_will_free_mem(victim)) {	/* already dying: no alarm, no kill */
		mark_oom_victim(victim);
		return;
	}
	dump_header(m, oc, t);
	dump_oom_victim(m, oc, victim, t);
	oom_group = mem_cgroup_get_oom_group(m, victim, oc->memcg);	/* before the kill */
	__oom_kill_process(m, victim, message, t);
	if (!oom_group)
		return;
	/*
	 * memory.oom.group: every task of the group and its descendants goes
	 * (oom_kill_memcg_member: not the -1000 ones). The victim is not
	 * killed a second time: a simulated victim is gone or marked already.
	 */
	memcg_memory_event(oom_group, MEMCG_OOM_GROUP_KILL);
	cgroup_path(oom_group, path, sizeof(path));
	printk(m, t, "Tasks in %s are going to be killed due to memory.oom.group set", path);
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *p = m->tasks[pid];

		if (!p || p == victim || !p->mm || oom_unkillable_task(p) ||
		    p->state == TASK_ZOMBIE || p->oom_score_adj == OOM_SCORE_ADJ_MIN ||
		    !mem_cgroup_is_descendant(m->memcg[p->mm->memcg_id], oom_group))
			continue;
		__oom_kill_process(m, p, message, t);
	}
}

bool out_of_memory(struct machine *m, struct oom_control *oc)
{
	struct task_struct *cur = m->current;

	if (!strcmp(m->cfg.oom, "classic"))
		return out_of_memory_classic(m, oc);

	if (cur && task_will_free_mem(cur)) {
		mark_oom_victim(cur);
		return true;
	}
	oc->constraint = oc->memcg ? CONSTRAINT_MEMCG : CONSTRAINT_NONE;
	oc->totalpages = oom_totalpages(m, oc->memcg);
	select_bad_process(m, oc);
	if (!oc->chosen) {
		uint64_t t = cur ? cur->clock : m->now;

		dump_header(m, oc, t);
		printk(m, t, "Out of memory and no killable processes...");
		if (!oc->memcg)
			printk(m, t, "Kernel panic - not syncing: System is deadlocked on memory");
		return false;
	}
	if (oc->chosen != OOM_ABORT)
		oom_kill_process(m, oc, oc->memcg ? "Memory cgroup out of memory" : "Out of memory");
	return true;
}

/* ---- vm.show("oom"): every candidate, term by term ---- */

int vm_oom_candidates(vm_machine *m, int memcg_id, struct vm_oom_row *rows, int max,
		      uint64_t *totalpages)
{
	struct oom_control oc = { .memcg = memcg_id > 0 && memcg_id < m->nr_memcg ?
					   m->memcg[memcg_id] : NULL };
	bool classic = !strcmp(m->cfg.oom, "classic");
	struct task_struct *classic_chosen = NULL;
	uint64_t classic_points;
	int n = 0;

	oc.totalpages = *totalpages = oom_totalpages(m, oc.memcg);
	select_bad_process(m, &oc);
	if (classic)
		classic_chosen = select_bad_process_classic(m, oc.memcg, &classic_points);
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap && n < max; pid++) {
		const struct task_struct *p = m->tasks[pid];
		struct vm_oom_row *r = &rows[n];

		if (!p || !p->mm || p->state == TASK_ZOMBIE || oom_unkillable_task(p) ||
		    !in_oom_domain(m, &oc, p))
			continue;
		memset(r, 0, sizeof(*r));
		r->pid = p->pid;
		snprintf(r->comm, sizeof(r->comm), "%s", p->comm);
		r->rss = (int64_t)get_mm_rss(p->mm);
		r->swapents = p->mm->rss_stat[MM_SWAPENTS];
		r->pgtables = p->mm->pgtables_bytes / (int64_t)PAGE_SIZE;
		r->oom_score_adj = p->oom_score_adj;
		r->adj_points = (int64_t)p->oom_score_adj * (int64_t)(oc.totalpages / 1000);
		r->badness = oom_badness(p, oc.totalpages);
		r->eligible = r->badness != INT64_MIN;
		r->oom_score = oom_score(oom_badness(p, m->totalram_pages + m->total_swap_pages),
					 m->totalram_pages + m->total_swap_pages);
		r->chosen = oc.chosen == p;
		if (classic) {
			struct oom_classic c;

			oom_badness_classic(m, p, &c);
			r->classic = 1;
			r->modern_chosen = r->chosen;
			r->chosen = classic_chosen == p;
			r->total_vm = c.total_vm;
			r->children_vm = c.children_vm;
			r->cpu_time = c.cpu_time;
			r->run_time = c.run_time;
			r->root = c.root;
			r->oom_adj = c.oom_adj;
			r->points = c.points;
			r->eligible = c.eligible;
			r->oom_score = c.points > INT32_MAX ? INT32_MAX : (int)c.points;
		}
		n++;
	}
	return n;
}
