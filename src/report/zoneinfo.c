/*
 * zoneinfo.c - the zone part of /proc/zoneinfo (mm/vmstat.c
 * zoneinfo_show_print): for each populated zone, its free pages, the
 * watermarks (min, low, high: where kswapd wakes, where allocations stall),
 * its sizes, the protection it keeps against allocations that could use a
 * higher zone, and its counters. The per-node block and the per-CPU page
 * sets are left out (the simulator has no per-CPU page lists).
 */
#include "views.h"

void view_zoneinfo(struct strbuf *o, const struct vm_snapshot *s)
{
	for (int i = 0; i < s->nzones; i++) {
		const struct vm_zone *z = &s->zones[i];

		sb_printf(o, "Node 0, zone %8s", z->name);
		sb_printf(o, "\n  pages free     %lld", (long long)z->free);
		sb_printf(o, "\n        boost    %lld", (long long)z->boost);
		sb_printf(o, "\n        min      %lld", (long long)z->min);
		sb_printf(o, "\n        low      %lld", (long long)z->low);
		sb_printf(o, "\n        high     %lld", (long long)z->high);
		sb_printf(o, "\n        promo    %lld", (long long)z->promo);
		sb_printf(o, "\n        spanned  %lld", (long long)z->spanned);
		sb_printf(o, "\n        present  %lld", (long long)z->present);
		sb_printf(o, "\n        managed  %lld", (long long)z->managed);
		sb_printf(o, "\n        cma      0");
		sb_printf(o, "\n        protection: (%lld", (long long)z->protection[0]);
		for (int j = 1; j < 5; j++)
			sb_printf(o, ", %lld", (long long)z->protection[j]);
		sb_putc(o, ')');
		for (int k = 0; k < z->n_stat; k++)
			sb_printf(o, "\n      %-12s %lld", z->stat[k].name, (long long)z->stat[k].value);
		sb_putc(o, '\n');
	}
}
