/*
 * proc.c - the simulated machine as /proc shows it (fs/proc/meminfo.c,
 * fs/proc/task_mmu.c, fs/proc/array.c, fs/proc/base.c, mm/vmstat.c).
 *
 * vm_snapshot() fills the backend-neutral struct vm_snapshot that every view
 * renders: /proc/meminfo and /proc/vmstat as name/value lists in the
 * kernel's order, /proc/stat's CPU times, and per process the fields of
 * /proc/PID/status, stat, smaps_rollup and oom_score. The formulas are the
 * kernel's: MemAvailable (si_mem_available), Cached = file pages - swap
 * cache - buffers, CommitLimit = swap + RAM * overcommit_ratio (50%),
 * VmPeak/VmHWM as the larger of the high-water mark and now, smaps PSS with
 * the kernel's fixed point, oom_score = (1000 + badness*1000/totalpages)*2/3.
 * Lines for things the simulator does not model (slab, vmalloc, the direct
 * map) are left out rather than invented; the kernel stack and per-CPU
 * areas read 0.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define KB(pages)	((int64_t)(pages) * (int64_t)(PAGE_SIZE >> 10))
#define PSS_SHIFT	12

static void kv_add(struct vm_kv *kv, int *n, const char *name, int64_t value)
{
	if (*n >= VM_MAX_KV)
		return;
	snprintf(kv[*n].name, sizeof(kv[*n].name), "%s", name);
	kv[*n].value = value;
	(*n)++;
}

int64_t vm_kv_get(const struct vm_kv *kv, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(kv[i].name, name))
			return kv[i].value;
	return -1;
}

/* meminfo_proc_show(): the fields the simulator models, in the kernel's order. */
static void fill_meminfo(struct machine *m, struct vm_snapshot *s)
{
	struct vm_kv *kv = s->meminfo;
	int *n = &s->n_meminfo;
	int64_t ia = node_page_state(m, NR_INACTIVE_ANON), aa = node_page_state(m, NR_ACTIVE_ANON);
	int64_t ifl = node_page_state(m, NR_INACTIVE_FILE), af = node_page_state(m, NR_ACTIVE_FILE);
	int64_t swap_pages = (int64_t)m->total_swap_pages;
	int64_t swapcached = node_page_state(m, NR_SWAPCACHE);
	int64_t cached = node_page_state(m, NR_FILE_PAGES) - swapcached;	/* - Buffers (0) */

	*n = 0;
	kv_add(kv, n, "MemTotal", KB(m->totalram_pages));
	kv_add(kv, n, "MemFree", KB(nr_free_pages(m)));
	kv_add(kv, n, "MemAvailable", KB(si_mem_available(m)));
	kv_add(kv, n, "Buffers", 0);
	kv_add(kv, n, "Cached", KB(cached < 0 ? 0 : cached));
	kv_add(kv, n, "SwapCached", KB(swapcached));
	kv_add(kv, n, "Active", KB(aa + af));
	kv_add(kv, n, "Inactive", KB(ia + ifl));
	kv_add(kv, n, "Active(anon)", KB(aa));
	kv_add(kv, n, "Inactive(anon)", KB(ia));
	kv_add(kv, n, "Active(file)", KB(af));
	kv_add(kv, n, "Inactive(file)", KB(ifl));
	kv_add(kv, n, "Unevictable", KB(node_page_state(m, NR_UNEVICTABLE)));
	kv_add(kv, n, "Mlocked", KB(global_zone_page_state(m, NR_MLOCK)));
	kv_add(kv, n, "SwapTotal", KB(swap_pages));
	kv_add(kv, n, "SwapFree", KB(get_nr_swap_pages(m)));
	kv_add(kv, n, "Zswap", 0);
	kv_add(kv, n, "Zswapped", 0);
	kv_add(kv, n, "Dirty", KB(node_page_state(m, NR_FILE_DIRTY)));
	kv_add(kv, n, "Writeback", KB(node_page_state(m, NR_WRITEBACK)));
	kv_add(kv, n, "AnonPages", KB(node_page_state(m, NR_ANON_MAPPED)));
	kv_add(kv, n, "Mapped", KB(node_page_state(m, NR_FILE_MAPPED)));
	kv_add(kv, n, "Shmem", KB(node_page_state(m, NR_SHMEM)));
	kv_add(kv, n, "KReclaimable", 0);
	kv_add(kv, n, "Slab", 0);
	kv_add(kv, n, "SReclaimable", 0);
	kv_add(kv, n, "SUnreclaim", 0);
	kv_add(kv, n, "KernelStack", node_page_state(m, NR_KERNEL_STACK_KB));
	kv_add(kv, n, "PageTables", KB(node_page_state(m, NR_PAGETABLE)));
	kv_add(kv, n, "SecPageTables", 0);
	kv_add(kv, n, "NFS_Unstable", 0);
	kv_add(kv, n, "Bounce", 0);
	kv_add(kv, n, "WritebackTmp", 0);
	kv_add(kv, n, "CommitLimit", KB(vm_commit_limit(m)));
	kv_add(kv, n, "Committed_AS", KB(m->vm_committed_as));
	kv_add(kv, n, "VmallocTotal", 34359738367LL);
	kv_add(kv, n, "Percpu", 0);
	kv_add(kv, n, "AnonHugePages", KB(node_page_state(m, NR_ANON_THPS) * 512));
	kv_add(kv, n, "ShmemHugePages", 0);
	kv_add(kv, n, "ShmemPmdMapped", 0);
	kv_add(kv, n, "FileHugePages", 0);
	kv_add(kv, n, "FilePmdMapped", 0);
	kv_add(kv, n, "HugePages_Total", 0);
	kv_add(kv, n, "HugePages_Free", 0);
	kv_add(kv, n, "HugePages_Rsvd", 0);
	kv_add(kv, n, "HugePages_Surp", 0);
	kv_add(kv, n, "Hugepagesize", 2048);
	kv_add(kv, n, "Hugetlb", 0);
}

/* /proc/vmstat: zone items (summed), node items, then the events. */
static void fill_vmstat(struct machine *m, struct vm_snapshot *s)
{
	int *n = &s->n_vmstat;

	*n = 0;
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		kv_add(s->vmstat, n, zone_stat_names[i], global_zone_page_state(m, i));
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		kv_add(s->vmstat, n, node_stat_names[i], node_page_state(m, i));
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		kv_add(s->vmstat, n, vm_event_names[i], (int64_t)m->vm_events[i]);
}

/*
 * memory_stat_format() (mm/memcontrol.c): page states in bytes, the fault
 * events, and "current". One mapping for the run's memory cgroup (on the
 * simulator it holds every process: the node's counters, and current is
 * what the memcg is charged for: anonymous and file folios, page tables and
 * kernel stacks, __GFP_ACCOUNT) and for each vm.cgroup group (its own
 * counters; current its charged user pages, memcontrol.c).
 */
static int64_t memstat_value(const struct memstat_src *src, enum vm_memstat_key k)
{
	const int64_t page = PAGE_SIZE, *st = src->stat;

	switch (k) {
	case MEMSTAT_ANON:		return st[NR_ANON_MAPPED] * page;
	case MEMSTAT_FILE:		return st[NR_FILE_PAGES] * page;
	case MEMSTAT_SHMEM:		return st[NR_SHMEM] * page;
	case MEMSTAT_FILE_MAPPED:	return st[NR_FILE_MAPPED] * page;
	case MEMSTAT_FILE_DIRTY:	return st[NR_FILE_DIRTY] * page;
	case MEMSTAT_FILE_WRITEBACK:	return st[NR_WRITEBACK] * page;
	case MEMSTAT_SWAPCACHED:	return st[NR_SWAPCACHE] * page;
	case MEMSTAT_ANON_THP:		return st[NR_ANON_THPS] * page * 512;
	case MEMSTAT_INACTIVE_ANON:	return st[NR_INACTIVE_ANON] * page;
	case MEMSTAT_ACTIVE_ANON:	return st[NR_ACTIVE_ANON] * page;
	case MEMSTAT_INACTIVE_FILE:	return st[NR_INACTIVE_FILE] * page;
	case MEMSTAT_ACTIVE_FILE:	return st[NR_ACTIVE_FILE] * page;
	case MEMSTAT_UNEVICTABLE:	return st[NR_UNEVICTABLE] * page;
	case MEMSTAT_PGFAULT:		return (int64_t)src->pgfault;
	case MEMSTAT_PGMAJFAULT:	return (int64_t)src->pgmajfault;
	case MEMSTAT_CURRENT:		return src->current;
	case NR_VM_MEMSTAT:
		break;
	}
	return 0;
}

void memstat_fill(const struct memstat_src *src, struct vm_kv *kv)
{
	for (int k = 0; k < NR_VM_MEMSTAT; k++) {
		snprintf(kv[k].name, sizeof(kv[k].name), "%s", vm_memstat_names[k]);
		kv[k].value = memstat_value(src, (enum vm_memstat_key)k);
	}
}

const char *const vm_memstat_names[NR_VM_MEMSTAT] = {
#define X(key, v2, v1) v2,
	VM_MEMSTAT_KEYS(X)
#undef X
};

static void fill_memstat(struct machine *m, struct vm_snapshot *s)
{
	const int64_t *st = m->node.vm_stat;
	struct memstat_src src = {
		.stat = st, .pgfault = m->vm_events[PGFAULT], .pgmajfault = m->vm_events[PGMAJFAULT],
		.current = (st[NR_ANON_MAPPED] + st[NR_FILE_PAGES] + st[NR_PAGETABLE]) *
			   (int64_t)PAGE_SIZE + st[NR_KERNEL_STACK_KB] * 1024,
	};

	memstat_fill(&src, s->memstat);
	s->n_memstat = NR_VM_MEMSTAT;
	s->memstat_own = 1;		/* the simulated machine runs nothing else */
}

_Static_assert(NR_VM_ZONE_STAT_ITEMS <= (int)(sizeof(((struct vm_zone *)0)->stat) /
					      sizeof(struct vm_kv)), "vm_zone.stat is too small");

/* zoneinfo_show_print(): each populated zone's free pages, watermarks, sizes. */
static void fill_zoneinfo(struct machine *m, struct vm_snapshot *s)
{
	s->nzones = 0;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &m->node.node_zones[i];
		struct vm_zone *o = &s->zones[s->nzones];

		if (!z->present_pages)
			continue;
		snprintf(o->name, sizeof(o->name), "%s", z->name);
		o->free = z->vm_stat[NR_FREE_PAGES];
		o->min = (int64_t)z->watermark[WMARK_MIN];
		o->low = (int64_t)z->watermark[WMARK_LOW];
		o->high = (int64_t)z->watermark[WMARK_HIGH];
		o->promo = (int64_t)z->watermark[WMARK_PROMO];
		o->spanned = (int64_t)z->spanned_pages;
		o->present = (int64_t)z->present_pages;
		o->managed = (int64_t)z->managed_pages;
		/* ZONE_MOVABLE and ZONE_DEVICE are empty: they repeat Normal's column */
		for (int j = 0; j < 5; j++)
			o->protection[j] = (int64_t)z->lowmem_reserve[j < MAX_NR_ZONES ? j : MAX_NR_ZONES - 1];
		o->n_stat = 0;
		for (int k = 0; k < NR_VM_ZONE_STAT_ITEMS; k++)
			kv_add(o->stat, &o->n_stat, zone_stat_names[k], z->vm_stat[k]);
		s->nzones++;
	}
}

/* smaps_account() + smaps_page_accumulate() for one mapped page. */
static void smaps_page(struct machine *m, struct vm_proc *p, uint64_t *pss, uint64_t *pss_anon,
		       uint64_t *pss_file, uint64_t *pss_shmem, uint64_t *pss_dirty,
		       uint64_t *pss_locked, pte_t pte, bool locked)
{
	struct page *page = pfn_to_page(m, pte_pfn(pte));
	bool dirty = (pte & _PAGE_DIRTY) || PageFlag(page, PG_dirty);
	bool private = page->refcount == 1 || page->mapcount < 2;
	uint64_t size = PAGE_SIZE, share = PAGE_SIZE << PSS_SHIFT;

	if (PageFlag(page, PG_anon))
		p->anonymous += size;
	p->rss += size;
	if ((pte & _PAGE_ACCESSED) || PageFlag(page, PG_referenced))
		p->referenced += size;
	if (!private)
		share /= (uint64_t)page->mapcount;
	*pss += share;
	if (PageFlag(page, PG_anon))
		*pss_anon += share;
	else if (PageFlag(page, PG_swapbacked))
		*pss_shmem += share;
	else
		*pss_file += share;
	if (locked)
		*pss_locked += share;
	if (dirty) {
		*pss_dirty += share;
		if (private)
			p->private_dirty += size;
		else
			p->shared_dirty += size;
	} else {
		if (private)
			p->private_clean += size;
		else
			p->shared_clean += size;
	}
}

struct smaps_walk {
	struct vm_proc *p;
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked, swap_pss;
};

/*
 * smaps_pte_entry(): one mapped page (the zero page adds nothing), or a
 * swap entry: Swap, and SwapPss shared among the PTEs naming the slot.
 */
static int smaps_pte_entry(struct mm_walk *walk, pte_t *ptep, uint64_t addr, enum walk_kind kind)
{
	struct smaps_walk *sw = walk->private;

	(void)addr;
	if (kind == WALK_SWAP) {
		unsigned count = swap_count(walk->m, pte_to_swp_entry(*ptep));

		sw->p->swap += PAGE_SIZE;
		sw->swap_pss += (PAGE_SIZE << PSS_SHIFT) / (count >= 2 ? count : 1);
		return 0;
	}
	if (kind != WALK_PRESENT || pte_special(*ptep))
		return 0;
	smaps_page(walk->m, sw->p, &sw->pss, &sw->pss_anon, &sw->pss_file, &sw->pss_shmem,
		   &sw->pss_dirty, &sw->pss_locked, *ptep, walk->vma->vm_flags & VM_LOCKED);
	return 0;
}

/* no pmd_entry: a huge PMD stops the walk on a VM_BUG_ON until THP brings smaps_pmd_entry() */
static const struct mm_walk_ops smaps_walk_ops = {
	.pte_entry = smaps_pte_entry,
};

/* show_smaps_rollup(): the whole address space summed, values in kB. */
static void fill_smaps_rollup(struct machine *m, const struct mm_struct *mm, struct vm_proc *p)
{
	struct smaps_walk sw = { .p = p };

	if (!mm->mmap)
		return;
	p->vm_lo = mm->mmap->vm_start;
	p->vm_hi = vma_last(mm)->vm_end;
	walk_page_range(m, (struct mm_struct *)mm, p->vm_lo, p->vm_hi, &smaps_walk_ops, &sw);
	p->rss >>= 10;
	p->anonymous >>= 10;
	p->referenced >>= 10;
	p->private_dirty >>= 10;
	p->private_clean >>= 10;
	p->shared_dirty >>= 10;
	p->shared_clean >>= 10;
	p->pss = sw.pss >> PSS_SHIFT >> 10;
	p->pss_anon = sw.pss_anon >> PSS_SHIFT >> 10;
	p->pss_file = sw.pss_file >> PSS_SHIFT >> 10;
	p->pss_shmem = sw.pss_shmem >> PSS_SHIFT >> 10;
	p->pss_dirty = sw.pss_dirty >> PSS_SHIFT >> 10;
	p->locked = sw.pss_locked >> PSS_SHIFT >> 10;
	p->swap >>= 10;
	p->swap_pss = sw.swap_pss >> PSS_SHIFT >> 10;
}

static void fill_proc(struct machine *m, const struct task_struct *t, struct vm_proc *p)
{
	const struct mm_struct *mm = t->mm;

	memset(p, 0, sizeof(*p));
	p->pid = t->pid;
	p->ppid = t->parent ? t->parent->pid : 1;
	p->uid = t->uid;
	snprintf(p->comm, sizeof(p->comm), "%s", t->comm);
	p->state = t->state == TASK_ZOMBIE ? 'Z' : t->state == TASK_BLOCKED ? 'S' :
		   (m->current == t ? 'R' : 'S');
	if (t->state == TASK_RUNNABLE && m->current != t && t->clock <= m->now)
		p->state = 'R';
	p->min_flt = t->min_flt;
	p->maj_flt = t->maj_flt;
	p->cmin_flt = t->cmin_flt;
	p->cmaj_flt = t->cmaj_flt;
	p->oom_score_adj = t->oom_score_adj;
	/* proc_oom_score(): over RAM + swap whatever group the task is in; <= 2.6.35 the raw points */
	p->oom_score = oom_score(oom_badness(t, oom_totalpages(m, NULL)), oom_totalpages(m, NULL));
	if (!strcmp(m->cfg.oom, "classic")) {
		struct oom_classic c;

		oom_badness_classic(m, t, &c);
		p->oom_score = c.points > INT32_MAX ? INT32_MAX : (int)c.points;
	}
	p->start_ns = t->start_time;
	p->utime_ns = t->utime;
	p->stime_ns = t->stime;
	p->tlb_l1_hits = t->tlb_l1_hits;
	p->tlb_l2_hits = t->tlb_l2_hits;
	p->tlb_walks = t->tlb_walks;
	p->perf_faults = t->perf_faults;
	if (!mm)
		return;
	uint64_t rss = get_mm_rss(mm);

	p->vsz_kb = KB(mm->total_vm);
	p->rss_kb = KB(rss);
	p->rss_anon_kb = KB(mm->rss_stat[MM_ANONPAGES]);
	p->rss_file_kb = KB(mm->rss_stat[MM_FILEPAGES]);
	p->rss_shmem_kb = KB(mm->rss_stat[MM_SHMEMPAGES]);
	p->swap_kb = KB(mm->rss_stat[MM_SWAPENTS]);
	p->vm_peak_kb = KB(mm->hiwater_vm > mm->total_vm ? mm->hiwater_vm : mm->total_vm);
	p->vm_hwm_kb = KB(mm->hiwater_rss > rss ? mm->hiwater_rss : rss);
	p->vm_lck_kb = KB(mm->locked_vm);
	p->vm_data_kb = KB(mm->data_vm);
	p->vm_stk_kb = KB(mm->stack_vm);
	p->vm_exe_kb = 0;			/* no program text */
	p->vm_lib_kb = KB(mm->exec_vm);
	p->vm_pte_kb = (uint64_t)mm->pgtables_bytes >> 10;
	if (mm->brk > mm->start_brk)
		p->heap_kb = (PAGE_ALIGN(mm->brk) - mm->start_brk) >> 10;
	fill_smaps_rollup(m, mm, p);
}

/* show_map_vma(): one line of /proc/PID/maps. */
static size_t show_map_vma(const struct vm_area_struct *v, const struct mm_struct *mm, char *buf,
			   size_t n)
{
	const struct address_space *as = v->vm_file ? v->vm_file->f_mapping : NULL;
	unsigned major = 0, minor = 0;
	uint64_t ino = 0, pgoff = 0;
	char name[96] = "";
	int len;

	if (as) {
		ino = as->id;
		pgoff = v->vm_pgoff << PAGE_SHIFT;
		if (!as->shmem) {
			major = 254;	/* the disk the files are on: this machine's vda, 254:0 */
			snprintf(name, sizeof(name), "/vmlab/%s%s", as->name,
				 as->linked ? "" : " (deleted)");
		} else if (as->file_id || as->name[0]) {
			minor = 26;	/* /dev/shm's tmpfs */
			snprintf(name, sizeof(name), "/dev/shm/%s%s", as->name,
				 as->linked ? "" : " (deleted)");
		} else {
			minor = 1;	/* shmem_zero_setup()'s anonymous file on the shm mount */
			snprintf(name, sizeof(name), "/dev/zero (deleted)");
		}
	} else if (v->vm_start <= mm->brk && v->vm_end >= mm->start_brk &&
		   v->vm_start >= mm->start_brk) {
		snprintf(name, sizeof(name), "[heap]");
	} else if (v->vm_flags & VM_GROWSDOWN) {
		snprintf(name, sizeof(name), "[stack]");
	}
	len = snprintf(buf, n, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu",
		       (unsigned long long)v->vm_start, (unsigned long long)v->vm_end,
		       v->vm_flags & VM_READ ? 'r' : '-', v->vm_flags & VM_WRITE ? 'w' : '-',
		       v->vm_flags & VM_EXEC ? 'x' : '-', v->vm_flags & VM_MAYSHARE ? 's' : 'p',
		       (unsigned long long)pgoff, major, minor, (unsigned long long)ino);
	if (len < 0)
		return 0;
	/* seq_setwidth(25 + 6 * sizeof(void *) - 1), seq_pad(' '): the name at column 74 */
	if (name[0])
		len += snprintf(buf + ((size_t)len < n ? (size_t)len : n),
				(size_t)len < n ? n - (size_t)len : 0, "%*s%s",
				len < 73 ? 73 - len : 1, "", name);
	len += snprintf(buf + ((size_t)len < n ? (size_t)len : n), (size_t)len < n ? n - (size_t)len : 0,
			"\n");
	return (size_t)len;
}

int vm_proc_maps(vm_machine *m, int pid, char *buf, size_t n)
{
	struct task_struct *t = find_task(m, pid);
	size_t len = 0;

	if (!t || !t->mm)
		return -ESRCH;
	if (n)
		buf[0] = '\0';
	for (const struct vm_area_struct *v = t->mm->mmap; v; v = v->vm_next)
		len += show_map_vma(v, t->mm, buf + (len < n ? len : n), len < n ? n - len : 0);
	return (int)len;
}

int vm_proc_info(vm_machine *m, int pid, struct vm_proc *p)
{
	struct task_struct *t = find_task(m, pid);

	if (!t)
		return -ESRCH;
	fill_proc(m, t, p);
	return 0;
}

int vm_snapshot(vm_machine *m, struct vm_snapshot *s)
{
	uint64_t user = m->dead_utime, sys = m->dead_stime, busy, total;
	int n = 0;

	memset(s, 0, sizeof(*s));
	s->uptime_ns = m->now;
	s->ncpus = m->nr_cpus;
	fill_meminfo(m, s);
	fill_vmstat(m, s);
	fill_memstat(m, s);
	fill_zoneinfo(m, s);
	s->procs = calloc((size_t)(m->nr_tasks ? m->nr_tasks : 1), sizeof(*s->procs));
	if (!s->procs)
		return -ENOMEM;
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *t = m->tasks[pid];

		if (!t || n >= m->nr_tasks)
			continue;
		/* the run's processes; kernel threads (kswapd) only in the CPU figures */
		if (!t->threadfn)
			fill_proc(m, t, &s->procs[n++]);
		user += t->utime;
		sys += t->stime;
		if (t->state == TASK_RUNNABLE)
			s->procs_running++;
	}
	s->nprocs = n;
	total = m->now * (uint64_t)m->nr_cpus;
	busy = user + sys;
	s->cpu_user_ns = user;
	s->cpu_system_ns = sys;
	s->cpu_idle_ns = total > busy ? total - busy : 0;
	/* NO_HZ idle: the 1000 Hz tick runs only on busy CPUs; plus IPIs */
	s->intr = busy / 1000000 + m->nr_ipis;
	s->ctxt = m->ctxt;
	return 0;
}

void vm_snapshot_release(struct vm_snapshot *s)
{
	free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
}
