/*
 * procfs.h - the real machine as vmlab's snapshot: /proc/meminfo,
 * /proc/vmstat, /proc/stat, /proc/zoneinfo and /proc/PID/{status,stat,
 * smaps_rollup,oom_score,oom_score_adj,maps} parsed into the same
 * backend-neutral structures the simulator fills (include/vmlab.h), so the
 * views print both machines with one piece of code.
 *
 * Files are read with read(2) into arena memory (fdio.h), never with stdio.
 */
#ifndef VMLAB_PROCFS_H
#define VMLAB_PROCFS_H

#include <stdbool.h>
#include "../../include/vmlab.h"

/* "Name: 123 kB" and "name 123" lines into kv (at most max); the count. */
int procfs_parse_kv(const char *text, struct vm_kv *kv, int max);
/* The zones of node 0 in /proc/zoneinfo text (at most 5); the count. */
int procfs_parse_zoneinfo(const char *text, struct vm_zone *z, int max);
/* One process: 0, or -ESRCH when /proc/PID is gone. */
int procfs_proc(int pid, struct vm_proc *p);
/* The machine, and the processes listed in pids. 0 or -errno. */
int procfs_snapshot(struct vm_snapshot *s, const int *pids, int npids);
void procfs_snapshot_release(struct vm_snapshot *s);
/* /proc/PID/stat's state letter and parent (either may be NULL): 0 or -ESRCH. */
int procfs_stat_head(int pid, char *state, int *ppid);
/* The processes descended from ancestor (not itself): their number. */
int procfs_descendants(int ancestor, int *pids, int max);
/*
 * Whether name is "vmlab-PID" followed by suffix and that vmlab is gone: what
 * an earlier run left behind (its cgroup, its swap file) that nobody removed.
 */
bool procfs_stale_run(const char *name, const char *suffix);
/* The filesystem dir is on ("ext4", "tmpfs", ...); *can_swap: whether it can hold a swap file. */
const char *procfs_fs_name(const char *dir, bool *can_swap);
/* Whether the machine has swap (SwapTotal above 0). */
bool procfs_host_swap(void);
/* This process's own figures, in kB, from /proc/self/status. */
struct self_figures {
	long anon, file, shmem;		/* RssAnon, RssFile, RssShmem */
	long pte, swap;			/* VmPTE, VmSwap */
};
/* Read them: 0, or -1 if the file is unreadable. */
int procfs_self_figures(struct self_figures *f);

#endif
