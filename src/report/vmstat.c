/*
 * vmstat.c - the first line of vmstat(8) (procps-ng 4.0.2): averages since
 * boot. Memory columns in KiB from /proc/meminfo (cache = Cached +
 * SReclaimable); si/so from pswpin/pswpout in KiB, bi/bo from pgpgin/pgpgout,
 * in and cs from /proc/stat; every rate is count * HZ / (the jiffies of all
 * CPUs together), and the CPU columns are each mode's share of those
 * jiffies, rounded, as vmstat computes them.
 */
#include "views.h"

#define USER_HZ		100
#define NS_PER_JIFFY	(1000000000ULL / USER_HZ)

static uint64_t kv(const struct vm_kv *k, int n, const char *name)
{
	int64_t v = vm_kv_get(k, n, name);

	return v < 0 ? 0 : (uint64_t)v;
}

void view_vmstat(struct strbuf *o, const struct vm_snapshot *s)
{
	uint64_t us = s->cpu_user_ns / NS_PER_JIFFY, sy = s->cpu_system_ns / NS_PER_JIFFY;
	uint64_t id = s->cpu_idle_ns / NS_PER_JIFFY, wa = s->cpu_iowait_ns / NS_PER_JIFFY;
	uint64_t st = s->cpu_steal_ns / NS_PER_JIFFY;
	uint64_t div = us + sy + id + wa + st, half;
	uint64_t swpd = kv(s->meminfo, s->n_meminfo, "SwapTotal") -
			kv(s->meminfo, s->n_meminfo, "SwapFree");
	uint64_t cache = kv(s->meminfo, s->n_meminfo, "Cached") +
			 kv(s->meminfo, s->n_meminfo, "SReclaimable");
	uint64_t kb_per_page = 4;

	if (!div) {
		div = 1;
		id = 1;
	}
	half = div / 2;
	sb_puts(o, "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n");
	sb_puts(o, " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n");
	sb_printf(o, "%2u %2u %6lu %6lu %6lu %6lu %4u %4u %5u %5u %4u %4u %2u %2u %2u %2u %2u\n",
		  (unsigned)s->procs_running, (unsigned)s->procs_blocked,
		  (unsigned long)swpd, (unsigned long)kv(s->meminfo, s->n_meminfo, "MemFree"),
		  (unsigned long)kv(s->meminfo, s->n_meminfo, "Buffers"), (unsigned long)cache,
		  (unsigned)((kv(s->vmstat, s->n_vmstat, "pswpin") * kb_per_page * USER_HZ + half) / div),
		  (unsigned)((kv(s->vmstat, s->n_vmstat, "pswpout") * kb_per_page * USER_HZ + half) / div),
		  (unsigned)((kv(s->vmstat, s->n_vmstat, "pgpgin") * USER_HZ + half) / div),
		  (unsigned)((kv(s->vmstat, s->n_vmstat, "pgpgout") * USER_HZ + half) / div),
		  (unsigned)((s->intr * USER_HZ + half) / div),
		  (unsigned)((s->ctxt * USER_HZ + half) / div),
		  (unsigned)((100 * us + half) / div), (unsigned)((100 * sy + half) / div),
		  (unsigned)((100 * id + half) / div), (unsigned)((100 * wa + half) / div),
		  (unsigned)((100 * st + half) / div));
}
