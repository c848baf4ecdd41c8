/*
 * real.h - the real backend (src/real/), as the scenario layer sees it:
 * the memory operations (backend_real.c), /proc (procfs.c), the run's
 * memory cgroup (cgroup.c) and the private arena (arena.c). Process life
 * (fork, wait, signals) is in supervisor.c.
 */
#ifndef VMLAB_REAL_H
#define VMLAB_REAL_H

#include <stdbool.h>
#include "../backend/backend.h"

extern const struct backend_ops real_backend_ops;

/* What the backend knows of the run (b->priv points here). */
struct real_run {
	int driver;			/* the driver's pid: not a scenario process */
};

/* The run's live processes other than the driver (the cgroup's, or
 * without one the driver's descendants): their number. */
int real_run_pids(struct backend *b, int *pids, int max);

/* oom.c: vm.show("oom") and vm.show("dmesg") of the run (see there) */
void real_oom_note_start(void);
int real_oom_rows(struct backend *b, int memcg, struct vm_oom_row *rows, int max,
		  uint64_t *totalpages);
int real_dmesg(struct backend *b, char *buf, size_t n);

#endif
