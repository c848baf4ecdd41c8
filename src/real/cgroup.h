/*
 * cgroup.h - the real run's own memory cgroup: every process a real
 * scenario starts lives in it, under a memory limit, so a scenario that
 * exhausts memory (an OOM experiment, a bug) kills only its own processes.
 * cgroup v2 when its memory controller is available, else v1's memory
 * hierarchy (mm/memcontrol.c: memory.max, or memory.limit_in_bytes).
 *
 * Everything here that cleans up is async-signal-safe (open, read, write,
 * kill, waitpid, rmdir, nanosleep), so the SIGINT/SIGTERM handler can use it.
 */
#ifndef VMLAB_CGROUP_H
#define VMLAB_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include "../../include/vmlab.h"

/* The default limit: the smaller of a quarter of RAM and 4 GiB. */
uint64_t cgroup_default_limit(void);
/*
 * Make the run's cgroup (vmlab-PID) with the limit and move this process
 * into it; children inherit it. 0; 1 when no cgroup could be made and the
 * run goes on under RLIMIT_DATA instead (why is in note); -1 on a hard
 * error (err).
 */
int cgroup_enter(uint64_t limit, char *note, size_t nn, char *err, size_t en);
/* The limit the run is under (its cgroup's, or RLIMIT_DATA's); 0 before cgroup_enter(). */
uint64_t cgroup_limit(void);
/* The run's cgroup directory ("" without one). */
const char *cgroup_dir(void);
/* The processes in the run's cgroup and its vm.cgroup groups, other than except: how many. */
int cgroup_pids(int except, int *pids, int max);
/*
 * The run's memory.stat as vm_snapshot.memstat (VM_MEMSTAT_KEYS: v2's names
 * and units, v1's total_* lines mapped onto them) and its usage: how many
 * keys (those the kernel's files have), 0 when there is none to read. The
 * kernel flushes a memcg's per-CPU counters only once 64 updates per CPU are
 * pending (memcg_rstat_updated(), memcg_vmstats_needs_flush()) and charges
 * pages in stocks of 64 per CPU (consume_stock()): a figure can lag its
 * processes by some 128 updates per CPU. Without a cgroup of its own, the
 * run reads the one vmlab was started in (cgroup_enter()'s note says which).
 */
int cgroup_memstat(struct vm_kv *kv, int *own);
/*
 * vm.cgroup{}: a group inside the run's (or inside the id-th group, parent
 * 1..n), limited to max bytes (0: no limit): its id (1, 2, ...), or -errno
 * with a message. cgroup_child_join(): the calling process moves into it.
 * cgroup_child_memstat(): its memory.stat (as cgroup_memstat) and
 * memory.events' max, oom and oom_kill (v1: memory.failcnt, no count of
 * OOMs (UINT64_MAX), oom_control's oom_kill), and memory.peak (v1:
 * max_usage_in_bytes).
 */
int cgroup_child_create(const char *name, int parent, uint64_t max, char *err, size_t en);
/* memory.swappiness of group id (cgroup v1 only): 0 or -errno with why */
int cgroup_child_swappiness(int id, int swappiness, char *err, size_t en);
int cgroup_child_join(int id);
/* memory.min and memory.low of group id in bytes (v2; -ENOTSUP with why on v1) */
int cgroup_child_protect(int id, uint64_t min, uint64_t low, char *err, size_t en);
/* memory.oom.group = 1 of group id (v2; -ENOTSUP with why on v1) */
int cgroup_child_oom_group(int id, char *err, size_t en);
/* The processes in group id now, its limit in bytes (0: none) and the
 * memory.swappiness vm.cgroup gave it (-1: none): how many, or -EINVAL */
int cgroup_child_pids(int id, int *pids, int max, uint64_t *limit, int *swappiness);
int cgroup_child_memstat(int id, struct vm_kv *kv, uint64_t *max_events, uint64_t *oom_events,
			 uint64_t *oom_kill, uint64_t *peak);
/*
 * How many charges of the run's groups (its own and every vm.cgroup) have
 * met a limit so far (v2 memory.events max, v1 memory.failcnt): while it
 * stays 0 the run has reclaimed nothing itself, so a page of its files
 * evicted was evicted by the host.
 */
uint64_t cgroup_limit_hits(void);
/* Kill what is left, leave the cgroup and remove it (idempotent). */
void cgroup_leave(void);
/*
 * Fork the run's watchdog: outside the cgroup, it kills everything in it
 * and removes it when this process (the driver) dies, even of SIGKILL.
 * Its pid (the driver kills it at its normal end), 0 without a cgroup, -1.
 */
int cgroup_watch(void);
/* Something else the watchdog undoes after removing the cgroup (async-signal-safe). */
void cgroup_watch_cleanup(void (*fn)(void));
/* Remove the cgroups of earlier runs whose vmlab process is gone. */
void cgroup_reap_stale(void);

#endif
