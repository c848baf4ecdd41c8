/*
 * oom_classic.c - the OOM killer the textbooks describe: Linux <= 2.6.35's
 * badness() and its victim choice (mm/oom_kill.c of 2.6.32;
 * reference/linux-mm.md §2.4), behind vm.config{ oom = "classic" }.
 *
 * badness() starts from the virtual size (total_vm, not RSS), adds half of
 * each child's that has its own mm, divides by the square root of the CPU
 * time (units of 8 s) and by the fourth root of the run time (units of
 * 1024 s), doubles for a positive nice, divides by 4 for CAP_SYS_ADMIN or
 * CAP_SYS_RESOURCE and by 4 again for CAP_SYS_RAWIO (root has all three:
 * /16), and shifts by oom_adj. The highest wins, the first on a tie (points
 * > chosen), and the kill goes to its first child with a mm of its own
 * before the parent ("kill process ... or a child").
 *
 * oom_adj is today's oom_score_adj read through /proc/PID/oom_adj's
 * mapping (adj * 17 / 1000: -1000 is OOM_DISABLE, -17), kept in the old
 * range (-16..15). The simulated kernel has no nice levels (0) and no
 * cpusets, and runs HZ=250 (SHIFT_HZ 8). What the kernel wrote then: the
 * header without the task table (oom_dump_tasks was 0 by default), the
 * "kill process ... or a child" line and "Killed process ... vsz:".
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define OOM_DISABLE	(-17)
#define SHIFT_HZ	8		/* HZ = 250 */

int oom_adj_of(const struct task_struct *t)
{
	int adj = t->oom_score_adj * -OOM_DISABLE / 1000;	/* proc_oom_adj_read() */

	return adj > 15 ? 15 : adj;
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The task's children in fork order (the kernel's p->children list). */
static int children_of(const struct task_struct *p, int *pids, int max)
{
	int n = p->nr_children < max ? p->nr_children : max;

	for (int i = 0; i < n; i++)
		pids[i] = p->children[i];
	qsort(pids, (size_t)n, sizeof(int), cmp_pid);
	return n;
}

void oom_badness_classic(struct machine *m, const struct task_struct *p, struct oom_classic *c)
{
	uint64_t now = m->current ? m->current->clock : m->now;
	uint64_t s;
	int kids[256], n;

	memset(c, 0, sizeof(*c));
	if (!p->mm || p->threadfn)
		return;
	c->total_vm = p->mm->total_vm;
	n = children_of(p, kids, 256);
	for (int i = 0; i < n; i++) {
		const struct task_struct *ch = find_task(m, kids[i]);

		if (ch && ch->mm && ch->mm != p->mm)
			c->children_vm += ch->mm->total_vm / 2 + 1;
	}
	c->cpu_time = ((p->utime + p->stime) / (1000000000ULL / 250)) >> (SHIFT_HZ + 3);
	c->run_time = (now > p->start_time ? (now - p->start_time) / 1000000000ULL : 0) >> 10;
	c->root = p->uid == 0;
	c->oom_adj = oom_adj_of(p);
	if (c->oom_adj == OOM_DISABLE)
		return;			/* points 0, never chosen */
	c->eligible = true;
	c->points = c->total_vm + c->children_vm;
	s = int_sqrt(c->cpu_time);
	if (s)
		c->points /= s;
	s = int_sqrt(int_sqrt(c->run_time));
	if (s)
		c->points /= s;
	if (c->root)
		c->points /= 16;	/* CAP_SYS_ADMIN / CAP_SYS_RESOURCE, then CAP_SYS_RAWIO */
	if (c->oom_adj > 0) {
		if (!c->points)
			c->points = 1;
		c->points <<= c->oom_adj;
	} else if (c->oom_adj < 0) {
		c->points >>= -c->oom_adj;
	}
}

/* select_bad_process() of 2.6.32: NULL, OOM_ABORT, or the task. */
struct task_struct *select_bad_process_classic(struct machine *m, const struct mem_cgroup *memcg,
					       uint64_t *points)
{
	struct task_struct *chosen = NULL;

	*points = 0;
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *p = m->tasks[pid];
		struct oom_classic c;

		if (!p || !p->mm || p->threadfn || p->state == TASK_ZOMBIE || p->state == TASK_DEAD)
			continue;
		if (memcg && !mem_cgroup_is_descendant(m->memcg[p->mm->memcg_id], memcg))
			continue;
		if (p->oom_victim)
			return OOM_ABORT;	/* TIF_MEMDIE: wait for it */
		oom_badness_classic(m, p, &c);
		if (!c.eligible)
			continue;
		if (c.points > *points || !chosen) {
			chosen = p;
			*points = c.points;
		}
	}
	return chosen;
}

/* oom_kill_task(): 1 if it cannot be killed (no mm, OOM_DISABLE). */
static int oom_kill_task(struct machine *m, struct task_struct *p, uint64_t t)
{
	if (!p->mm || oom_adj_of(p) == OOM_DISABLE)
		return 1;
	printk(m, t, "Killed process %d (%s) vsz:%llukB, anon-rss:%llukB, file-rss:%llukB", p->pid,
	       p->comm, K(p->mm->total_vm), K(p->mm->rss_stat[MM_ANONPAGES]),
	       K(p->mm->rss_stat[MM_FILEPAGES] + p->mm->rss_stat[MM_SHMEMPAGES]));
	oom_victim_kill(m, p, "oom-kill (classic)");
	return 0;
}

bool out_of_memory_classic(struct machine *m, struct oom_control *oc)
{
	struct task_struct *cur = m->current, *p;
	uint64_t points, t = cur ? cur->clock : m->now;
	const char *message = oc->memcg ? "Memory cgroup out of memory" : "Out of memory";
	int kids[256], n;

	if (cur && task_is_dying(cur)) {
		cur->oom_victim = true;		/* PF_EXITING current: TIF_MEMDIE, no kill */
		return true;
	}
	p = select_bad_process_classic(m, oc->memcg, &points);
	if (p == OOM_ABORT)
		return true;
	if (!p) {
		printk(m, t, "Out of memory and no killable processes...");
		return false;
	}
	printk(m, t, "%s invoked oom-killer: gfp_mask=0x%x, order=%d, oom_adj=%d",
	       cur ? cur->comm : "kswapd0", oc->memcg ? 0xd0u : 0x280dau, oc->order,
	       cur ? oom_adj_of(cur) : 0);
	printk(m, t, "%s: kill process %d (%s) score %llu or a child", message, p->pid, p->comm,
	       (unsigned long long)points);
	n = children_of(p, kids, 256);
	for (int i = 0; i < n; i++) {
		struct task_struct *c = find_task(m, kids[i]);

		if (!c || c->state == TASK_ZOMBIE || !c->mm || c->mm == p->mm)
			continue;
		if (oc->memcg && !mem_cgroup_is_descendant(m->memcg[c->mm->memcg_id], oc->memcg))
			continue;
		if (!oom_kill_task(m, c, t))
			return true;
	}
	oom_kill_task(m, p, t);
	return true;
}
