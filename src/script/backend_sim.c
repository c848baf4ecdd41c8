/*
 * backend_sim.c - the backend interface over the simulated kernel (vmlab.h).
 */
#include "backend.h"

static int s_mmap(struct backend *b, int pid, const struct vm_mmap_args *a, uint64_t *addr,
		  struct vm_result *r)
{
	return vm_mmap(b->m, pid, a, addr, r);
}

static int s_munmap(struct backend *b, int pid, uint64_t addr, uint64_t len, struct vm_result *r)
{
	return vm_munmap(b->m, pid, addr, len, r);
}

static int s_mprotect(struct backend *b, int pid, uint64_t addr, uint64_t len, int prot,
		      struct vm_result *r)
{
	return vm_mprotect(b->m, pid, addr, len, prot, r);
}

static int s_madvise(struct backend *b, int pid, uint64_t addr, uint64_t len, enum vm_madv adv,
		     struct vm_result *r)
{
	return vm_madvise(b->m, pid, addr, len, adv, r);
}

static int s_mlock(struct backend *b, int pid, uint64_t addr, uint64_t len, int on,
		   struct vm_result *r)
{
	return on ? vm_mlock(b->m, pid, addr, len, r) : vm_munlock(b->m, pid, addr, len, r);
}

static void *s_touch_begin(struct backend *b, int pid, const struct vm_touch_args *a, int *err)
{
	return vm_touch_begin(b->m, pid, a, err);
}

static int s_touch_step(struct backend *b, void *op, struct vm_result *r)
{
	return vm_touch_step(b->m, op, r);
}

static void s_touch_end(void *op)
{
	vm_touch_end(op);
}

static int s_access(struct backend *b, int pid, uint64_t addr, int write, uint8_t value,
		    struct vm_result *r)
{
	return write ? vm_write(b->m, pid, addr, value, r) : vm_read(b->m, pid, addr, r);
}

static int s_alloc(struct backend *b, int pid, uint64_t size, int zero, uint64_t *addr,
		   struct vm_result *r)
{
	return zero ? vm_calloc(b->m, pid, size, addr, r) : vm_malloc(b->m, pid, size, addr, r);
}

static int s_free(struct backend *b, int pid, uint64_t addr, struct vm_result *r)
{
	return vm_malloc_free(b->m, pid, addr, r);
}

static int s_trim(struct backend *b, int pid, uint64_t pad, struct vm_result *r)
{
	return vm_malloc_trim(b->m, pid, pad, r);
}

static int s_proc_info(struct backend *b, int pid, struct vm_proc *p)
{
	return vm_proc_info(b->m, pid, p);
}

static int s_snapshot(struct backend *b, struct vm_snapshot *s)
{
	return vm_snapshot(b->m, s);
}

static int s_pagewalk(struct backend *b, int pid, uint64_t addr, struct vm_walk *w)
{
	return vm_pagewalk(b->m, pid, addr, w);
}

const struct backend_ops sim_backend_ops = {
	.name = "sim",
	.mmap = s_mmap,
	.munmap = s_munmap,
	.mprotect = s_mprotect,
	.madvise = s_madvise,
	.mlock = s_mlock,
	.touch_begin = s_touch_begin,
	.touch_step = s_touch_step,
	.touch_end = s_touch_end,
	.access = s_access,
	.alloc = s_alloc,
	.free = s_free,
	.trim = s_trim,
	.proc_info = s_proc_info,
	.snapshot = s_snapshot,
	.snapshot_release = vm_snapshot_release,
	.pagewalk = s_pagewalk,
};
