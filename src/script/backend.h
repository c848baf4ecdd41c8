/*
 * backend.h - the one interface the scenario layer uses for a process's
 * memory operations and for the machine's /proc view, with two
 * implementations: the simulated kernel (backend_sim.c, over vmlab.h) and the
 * real one (src/real/, real system calls in real processes). A `pid` names
 * the process acting; the real backend only ever acts for itself.
 *
 * Process life (spawn, fork, wait, sleep...) differs in kind between the two
 * (coroutines on a simulated clock, or real processes) and lives in lproc.c
 * and lreal.c.
 */
#ifndef VMLAB_BACKEND_H
#define VMLAB_BACKEND_H

#include "../../include/vmlab.h"

struct backend;

struct backend_ops {
	const char *name;		/* "sim" or "real" */
	int (*mmap)(struct backend *b, int pid, const struct vm_mmap_args *a, uint64_t *addr,
		    struct vm_result *r);
	int (*munmap)(struct backend *b, int pid, uint64_t addr, uint64_t len, struct vm_result *r);
	int (*mprotect)(struct backend *b, int pid, uint64_t addr, uint64_t len, int prot,
			struct vm_result *r);
	int (*madvise)(struct backend *b, int pid, uint64_t addr, uint64_t len, enum vm_madv adv,
		       struct vm_result *r);
	int (*mlock)(struct backend *b, int pid, uint64_t addr, uint64_t len, int on,
		     struct vm_result *r);
	/* touch, resumable: step returns VM_EMORE when the quantum ends (sim) */
	void *(*touch_begin)(struct backend *b, int pid, const struct vm_touch_args *a, int *err);
	int (*touch_step)(struct backend *b, void *op, struct vm_result *r);
	void (*touch_end)(void *op);
	/* one access; r->value gets what a read returned */
	int (*access)(struct backend *b, int pid, uint64_t addr, int write, uint8_t value,
		      struct vm_result *r);
	/* glibc: malloc / calloc (zero), free (-EINVAL: not a live pointer), malloc_trim */
	int (*alloc)(struct backend *b, int pid, uint64_t size, int zero, uint64_t *addr,
		     struct vm_result *r);
	int (*free)(struct backend *b, int pid, uint64_t addr, struct vm_result *r);
	int (*trim)(struct backend *b, int pid, uint64_t pad, struct vm_result *r);
	int (*proc_info)(struct backend *b, int pid, struct vm_proc *p);
	int (*snapshot)(struct backend *b, struct vm_snapshot *s);
	void (*snapshot_release)(struct vm_snapshot *s);
	/* -ENOSYS where the backend cannot see page tables */
	int (*pagewalk)(struct backend *b, int pid, uint64_t addr, struct vm_walk *w);
};

struct backend {
	const struct backend_ops *ops;
	vm_machine *m;			/* sim */
	void *real;			/* real: src/real's state */
};

extern const struct backend_ops sim_backend_ops;

#endif
