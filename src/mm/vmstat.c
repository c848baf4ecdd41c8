/*
 * vmstat.c - the kernel's counters (mm/vmstat.c): per-zone and per-node page
 * states, and the cumulative events of /proc/vmstat, named as the kernel names
 * them. Everything a view shows is derived from these and from per-mm and
 * per-task counters; the simulator keeps no other statistics.
 */
#include "internal.h"

const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
#define X(item, name) [item] = name,
	ZONE_STAT_ITEMS(X)
#undef X
};

const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
#define X(item, name) [item] = name,
	NODE_STAT_ITEMS(X)
#undef X
};

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
#define X(item, name) [item] = name,
	VM_EVENT_ITEMS(X)
#undef X
};

void mod_node_page_state(struct machine *m, enum node_stat_item i, int64_t delta)
{
	m->node.vm_stat[i] += delta;
}

void mod_lruvec_page_state(struct machine *m, const struct page *page, enum node_stat_item i,
			   int64_t delta)
{
	m->node.vm_stat[i] += delta;
	page_memcg(m, page)->stat[i] += delta;
}

void mod_zone_page_state(struct machine *m, uint64_t pfn, enum zone_stat_item i, int64_t delta)
{
	m->node.node_zones[pfn_zone(m, pfn)].vm_stat[i] += delta;
}

int64_t node_page_state(const struct machine *m, enum node_stat_item i)
{
	return m->node.vm_stat[i];
}

int64_t global_zone_page_state(const struct machine *m, enum zone_stat_item i)
{
	int64_t sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->node.node_zones[z].vm_stat[i];
	return sum;
}

void mm_emit(struct machine *m, const struct vm_event *ev)
{
	if (m->event_fn)
		m->event_fn(m->event_ctx, ev);
}
