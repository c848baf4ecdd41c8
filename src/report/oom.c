/*
 * oom.c - vm.show("oom"): the OOM killer's candidates as it would weigh
 * them now, term by term (mm/oom_kill.c oom_badness(): RSS + swap entries
 * + page-table pages + oom_score_adj x totalpages / 1000), with
 * /proc/PID/oom_score beside them and a mark on the one it would choose
 * (the highest badness; on a tie the later in the list).
 */
#include <stdlib.h>
#include "views.h"

/* vm.config{ oom = "classic" }: badness()'s terms (oom_classic.c) */
static void view_oom_classic(struct strbuf *o, const struct vm_oom_row *r, int n, const char *group)
{
	sb_printf(o, "OOM candidates%s%s (the classic badness(), <= 2.6.35)\n", group ? " in " : "",
		  group ? group : "");
	sb_printf(o, "     PID COMM             TOTAL_VM CHILDREN  CPU  RUN ROOT OOM_ADJ       POINTS"
		     "  MODERN\n");
	for (int i = 0; i < n; i++) {
		char pts[24];

		if (r[i].eligible)
			snprintf(pts, sizeof(pts), "%llu", (unsigned long long)r[i].points);
		else
			snprintf(pts, sizeof(pts), "exempt");
		sb_printf(o, "%s %6d %-16s %8llu %8llu %4llu %4llu %4s %7d %12s %7s\n",
			  r[i].chosen ? "*" : " ", r[i].pid, r[i].comm, (unsigned long long)r[i].total_vm,
			  (unsigned long long)r[i].children_vm, (unsigned long long)r[i].cpu_time,
			  (unsigned long long)r[i].run_time, r[i].root ? "/16" : "-", r[i].oom_adj, pts,
			  r[i].modern_chosen ? "+" : "");
	}
	if (!n)
		sb_printf(o, "  (no process)\n");
	sb_printf(o, "(pages: total_vm + children's total_vm/2 + 1, / sqrt(CPU), / sqrt(sqrt(RUN)), "
		     "root /16, << oom_adj; * the classic choice (the first on a tie), + the one "
		     "today's oom_badness() would kill)\n");
}

void view_oom(struct strbuf *o, const struct vm_oom_row *r, int n, uint64_t totalpages,
	      const char *group)
{
	if (n && r[0].classic) {
		view_oom_classic(o, r, n, group);
		return;
	}
	if (group)
		sb_printf(o, "OOM candidates in %s (a memcg OOM: totalpages %llu, the group's limit "
			  "and the swap it may use)\n", group, (unsigned long long)totalpages);
	else
		sb_printf(o, "OOM candidates (a global OOM: totalpages %llu, RAM + swap)\n",
			  (unsigned long long)totalpages);
	sb_printf(o, "     PID COMM                  RSS     SWAP      PTE  OOM_ADJ  ADJ_POINTS"
		     "      BADNESS  OOM_SCORE\n");
	for (int i = 0; i < n; i++) {
		char adj[24], bad[24];

		if (r[i].eligible) {
			snprintf(adj, sizeof(adj), "%lld", (long long)r[i].adj_points);
			snprintf(bad, sizeof(bad), "%lld", (long long)r[i].badness);
		} else {
			snprintf(adj, sizeof(adj), "-");
			snprintf(bad, sizeof(bad), "exempt");
		}
		sb_printf(o, "%s %6d %-16s %8lld %8lld %8lld %8d %11s %12s %10d\n",
			  r[i].chosen ? "*" : " ", r[i].pid, r[i].comm, (long long)r[i].rss,
			  (long long)r[i].swapents, (long long)r[i].pgtables, r[i].oom_score_adj, adj, bad,
			  r[i].oom_score);
	}
	if (!n)
		sb_printf(o, "  (no process)\n");
	sb_printf(o, "(pages; * marks the one the kernel would kill now: the highest badness, the "
		     "later on a tie; oom_score_adj -1000 is exempt)\n");
}

static int by_score(const void *a, const void *b)
{
	const struct vm_oom_row *x = a, *y = b;

	if (x->oom_score != y->oom_score)
		return y->oom_score - x->oom_score;
	return x->pid - y->pid;
}

void view_oom_score(struct strbuf *o, struct vm_oom_row *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_score);	/* in place: no allocation in a real run */
	sb_printf(o, "    PID COMM                 RSS     SWAP      PTE OOM_SCORE_ADJ OOM_SCORE\n");
	for (int i = 0; i < n; i++)
		sb_printf(o, "%7d %-16s %8lld %8lld %8lld %13d %9d\n", v[i].pid, v[i].comm,
			  (long long)v[i].rss * 4, (long long)v[i].swapents * 4,
			  (long long)v[i].pgtables * 4, v[i].oom_score_adj, v[i].oom_score);
	sb_printf(o, "(kB; /proc/PID/oom_score, the highest first)\n");
}
