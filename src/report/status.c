/*
 * status.c - the memory lines of /proc/PID/status (fs/proc/task_mmu.c
 * task_mem: "Name:\t%8lu kB", in the kernel's order) and the whole of
 * /proc/PID/smaps_rollup (show_smaps_rollup: the range of the first and last
 * VMA padded to column 73, then "[rollup]"; each field name padded to 16
 * columns, the value in 8, then " kB").
 */
#include <string.h>
#include "views.h"

static void vm_line(struct strbuf *o, const char *name, uint64_t kb)
{
	sb_printf(o, "%s:\t%8llu kB\n", name, (unsigned long long)kb);
}

void view_status(struct strbuf *o, const struct vm_proc *p)
{
	sb_printf(o, "Name:\t%s\n", p->comm);
	sb_printf(o, "Pid:\t%d\n", p->pid);
	if (p->state == 'Z') {
		sb_puts(o, "State:\tZ (zombie)\n");
		return;
	}
	vm_line(o, "VmPeak", p->vm_peak_kb);
	vm_line(o, "VmSize", p->vsz_kb);
	vm_line(o, "VmLck", p->vm_lck_kb);
	vm_line(o, "VmPin", 0);
	vm_line(o, "VmHWM", p->vm_hwm_kb);
	vm_line(o, "VmRSS", p->rss_kb);
	vm_line(o, "RssAnon", p->rss_anon_kb);
	vm_line(o, "RssFile", p->rss_file_kb);
	vm_line(o, "RssShmem", p->rss_shmem_kb);
	vm_line(o, "VmData", p->vm_data_kb);
	vm_line(o, "VmStk", p->vm_stk_kb);
	vm_line(o, "VmExe", p->vm_exe_kb);
	vm_line(o, "VmLib", p->vm_lib_kb);
	vm_line(o, "VmPTE", p->vm_pte_kb);
	vm_line(o, "VmSwap", p->swap_kb);
}

static void field(struct strbuf *o, const char *name, uint64_t kb)
{
	char label[32];

	snprintf(label, sizeof(label), "%s:", name);
	sb_printf(o, "%-16s%8llu kB\n", label, (unsigned long long)kb);
}

void view_smaps_rollup(struct strbuf *o, const struct vm_proc *p)
{
	char head[128];

	snprintf(head, sizeof(head), "%08llx-%08llx ---p 00000000 00:00 0",
		 (unsigned long long)p->vm_lo, (unsigned long long)p->vm_hi);
	sb_printf(o, "%-72s [rollup]\n", head);
	field(o, "Rss", p->rss);
	field(o, "Pss", p->pss);
	field(o, "Pss_Dirty", p->pss_dirty);
	field(o, "Pss_Anon", p->pss_anon);
	field(o, "Pss_File", p->pss_file);
	field(o, "Pss_Shmem", p->pss_shmem);
	field(o, "Shared_Clean", p->shared_clean);
	field(o, "Shared_Dirty", p->shared_dirty);
	field(o, "Private_Clean", p->private_clean);
	field(o, "Private_Dirty", p->private_dirty);
	field(o, "Referenced", p->referenced);
	field(o, "Anonymous", p->anonymous);
	field(o, "KSM", 0);
	field(o, "LazyFree", 0);
	field(o, "AnonHugePages", 0);
	field(o, "ShmemPmdMapped", 0);
	field(o, "FilePmdMapped", 0);
	field(o, "Shared_Hugetlb", 0);
	field(o, "Private_Hugetlb", 0);
	field(o, "Swap", p->swap);
	field(o, "SwapPss", p->swap_pss);
	field(o, "Locked", p->locked);
}
