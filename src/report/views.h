/*
 * views.h - what a person looks at, rendered from a backend-neutral struct
 * vm_snapshot exactly as the real tools print it: free (procps-ng 4.0.2),
 * vmstat's first line (procps-ng 4.0.2), ps -o pid,comm,vsz,rss,min_flt,
 * maj_flt, /proc/meminfo, /proc/PID/status, /proc/PID/smaps_rollup; and
 * vmlab's own 4-level page-table walk. The simulated and the real machine
 * print through the same code.
 */
#ifndef VMLAB_VIEWS_H
#define VMLAB_VIEWS_H

#include <stdio.h>
#include "../../include/vmlab.h"
#include "strbuf.h"

/* free [-b|-k|-m|-g|-h] [--si] [-w] [-t]: args is the option text after "free". */
int view_free(struct strbuf *o, const struct vm_snapshot *s, const char *args,
	      char *err, size_t errlen);
void view_vmstat(struct strbuf *o, const struct vm_snapshot *s);
void view_meminfo(struct strbuf *o, const struct vm_snapshot *s);
void view_zoneinfo(struct strbuf *o, const struct vm_snapshot *s);
/* The node's LRU lists and each named group's (stats: its memory.stat), in kB. */
void view_lru(struct strbuf *o, const struct vm_snapshot *s, const char *const *names,
	      const struct vm_kv *const *stats, const int *nstats, int ngroups);
void view_ps(struct strbuf *o, const struct vm_snapshot *s);
void view_status(struct strbuf *o, const struct vm_proc *p);
void view_smaps_rollup(struct strbuf *o, const struct vm_proc *p);
void view_pagetable(struct strbuf *o, const struct vm_walk *w, const char *comm);
/* vm.show("oom"): rows of one OOM's candidates; group NULL for a global OOM */
void view_oom(struct strbuf *o, const struct vm_oom_row *r, int n, uint64_t totalpages,
	      const char *group);
/* vm.show("oom_score"): the same processes as ps would list them, by oom_score */
void view_oom_score(struct strbuf *o, struct vm_oom_row *r, int n);	/* sorts r */
/* One --events line, dmesg-style: "[    0.000012] pid 1000 ...". */
void format_event(struct strbuf *o, const struct vm_event *ev);

#endif
