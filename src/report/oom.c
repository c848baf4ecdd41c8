/*
 * oom.c - vm.show("oom"): the OOM killer's candidates as it would weigh
 * them now, term by term (mm/oom_kill.c oom_badness(): RSS + swap entries
 * + page-table pages + oom_score_adj x totalpages / 1000), with
 * /proc/PID/oom_score beside them and a mark on the one it would choose
 * (the highest badness; on a tie the later in the list).
 */
#include "views.h"

void view_oom(struct strbuf *o, const struct vm_oom_row *r, int n, uint64_t totalpages,
	      const char *group)
{
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
