/*
 * lru.c - the LRU lists of each lruvec, in kB: the node's (what
 * /proc/vmstat's nr_{in,}active_{anon,file} and nr_unevictable count, every
 * page of the machine) and each memory cgroup's (memory.stat's
 * inactive_anon ... unevictable: the pages charged to it). Not a kernel
 * file: the one place that shows where reclaim will look next, per group.
 */
#include <string.h>
#include "views.h"

static const char *const lists[] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
};

/* The node's five counts (pages in /proc/vmstat), in kB. */
static void node_lists(const struct vm_snapshot *s, int64_t kb[5])
{
	char name[32];

	for (int i = 0; i < 5; i++) {
		int64_t v;

		snprintf(name, sizeof(name), "nr_%s", lists[i]);
		v = vm_kv_get(s->vmstat, s->n_vmstat, name);
		kb[i] = v < 0 ? 0 : v * 4;
	}
}

void view_lru(struct strbuf *o, const struct vm_snapshot *s, const char *const *names,
	      const struct vm_kv *const *stats, const int *nstats, int ngroups)
{
	int64_t kb[5];

	sb_printf(o, "%-16s", "lruvec (kB)");
	for (int i = 0; i < 5; i++)
		sb_printf(o, " %13s", lists[i]);
	sb_putc(o, '\n');
	node_lists(s, kb);
	sb_printf(o, "%-16s", "node 0");
	for (int i = 0; i < 5; i++)
		sb_printf(o, " %13lld", (long long)kb[i]);
	sb_putc(o, '\n');
	for (int g = 0; g < ngroups; g++) {
		sb_printf(o, "%-16.16s", names[g]);
		for (int i = 0; i < 5; i++) {
			int64_t v = vm_kv_get(stats[g], nstats[g], lists[i]);

			if (v < 0)
				sb_printf(o, " %13s", "-");
			else
				sb_printf(o, " %13lld", (long long)(v / 1024));
		}
		sb_putc(o, '\n');
	}
}
