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

#endif
