/*
 * vmstat.c - the kernel's counters (mm/vmstat.c): per-zone and per-node page
 * states, and the cumulative events of /proc/vmstat, named as the kernel names
 * them. Everything a view shows is derived from these and from per-mm and
 * per-task counters; the simulator keeps no other statistics.
 */
#include "internal.h"

const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	"nr_free_pages",
	"nr_zone_inactive_anon",
	"nr_zone_active_anon",
	"nr_zone_inactive_file",
	"nr_zone_active_file",
	"nr_zone_unevictable",
	"nr_zone_write_pending",
	"nr_mlock",
};

const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
	"nr_inactive_anon",
	"nr_active_anon",
	"nr_inactive_file",
	"nr_active_file",
	"nr_unevictable",
	"nr_anon_pages",
	"nr_mapped",
	"nr_file_pages",
	"nr_dirty",
	"nr_writeback",
	"nr_shmem",
	"nr_anon_transparent_hugepages",
	"nr_kernel_stack",
	"nr_page_table_pages",
	"nr_memmap_boot_pages",
};

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	"pgpgin", "pgpgout", "pswpin", "pswpout",
	"pgalloc_dma", "pgalloc_dma32", "pgalloc_normal",
	"allocstall_dma", "allocstall_dma32", "allocstall_normal",
	"pgfree", "pgactivate", "pgdeactivate", "pglazyfree",
	"pgfault", "pgmajfault", "pglazyfreed", "pgrefill", "pgreuse",
	"pgsteal_kswapd", "pgsteal_direct", "pgscan_kswapd", "pgscan_direct",
	"pgscan_anon", "pgscan_file", "pgsteal_anon", "pgsteal_file",
	"pageoutrun", "pgrotated", "drop_pagecache", "drop_slab", "oom_kill",
	"unevictable_pgs_culled", "unevictable_pgs_mlocked", "unevictable_pgs_munlocked",
	"thp_fault_alloc", "thp_fault_fallback", "thp_split_pmd", "thp_zero_page_alloc",
	"swap_ra", "swap_ra_hit",
	"nr_tlb_remote_flush", "nr_tlb_remote_flush_received",
	"nr_tlb_local_flush_all", "nr_tlb_local_flush_one",
};

void mod_node_page_state(struct machine *m, enum node_stat_item i, int64_t delta)
{
	m->node.vm_stat[i] += delta;
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
