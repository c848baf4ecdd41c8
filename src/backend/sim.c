/*
 * sim.c - the backend interface over the simulated kernel (vmlab.h).
 *
 * b->priv is the vm_machine. Processes are coroutines of the scenario
 * layer: this file only asks the kernel to block them (vm_block, vm_sleep)
 * and, when the driver waits, runs the machine (vm_run, src/mm/sched.c)
 * until what it waits for has happened; vm_run resumes the coroutines
 * through the step function the scenario layer registered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"

#define M(b)	((vm_machine *)(b)->priv)

static int s_mmap(struct backend *b, int pid, const struct vm_mmap_args *a, uint64_t *addr,
		  struct vm_result *r)
{
	return vm_mmap(M(b), pid, a, addr, r);
}

static int s_munmap(struct backend *b, int pid, uint64_t addr, uint64_t len, struct vm_result *r)
{
	return vm_munmap(M(b), pid, addr, len, r);
}

static int s_mprotect(struct backend *b, int pid, uint64_t addr, uint64_t len, int prot,
		      struct vm_result *r)
{
	return vm_mprotect(M(b), pid, addr, len, prot, r);
}

static int s_madvise(struct backend *b, int pid, uint64_t addr, uint64_t len, enum vm_madv adv,
		     struct vm_result *r)
{
	return vm_madvise(M(b), pid, addr, len, adv, r);
}

static int s_mlock(struct backend *b, int pid, uint64_t addr, uint64_t len, int on,
		   struct vm_result *r)
{
	return on ? vm_mlock(M(b), pid, addr, len, r) : vm_munlock(M(b), pid, addr, len, r);
}

static void *s_touch_begin(struct backend *b, int pid, const struct vm_touch_args *a, int *err)
{
	return vm_touch_begin(M(b), pid, a, err);
}

static int s_touch_step(struct backend *b, void *op, struct vm_result *r)
{
	return vm_touch_step(M(b), op, r);
}

static void s_touch_end(void *op)
{
	vm_touch_end(op);
}

static int s_access(struct backend *b, int pid, uint64_t addr, int write, uint8_t value,
		    struct vm_result *r)
{
	return write ? vm_write(M(b), pid, addr, value, r) : vm_read(M(b), pid, addr, r);
}

static int s_alloc(struct backend *b, int pid, uint64_t size, int zero, uint64_t *addr,
		   struct vm_result *r)
{
	return zero ? vm_calloc(M(b), pid, size, addr, r) : vm_malloc(M(b), pid, size, addr, r);
}

static int s_free(struct backend *b, int pid, uint64_t addr, struct vm_result *r)
{
	return vm_malloc_free(M(b), pid, addr, r);
}

static int s_trim(struct backend *b, int pid, uint64_t pad, struct vm_result *r)
{
	return vm_malloc_trim(M(b), pid, pad, r);
}

static int s_proc_info(struct backend *b, int pid, struct vm_proc *p)
{
	return vm_proc_info(M(b), pid, p);
}

static int s_snapshot(struct backend *b, struct vm_snapshot *s)
{
	return vm_snapshot(M(b), s);
}

static int s_pagewalk(struct backend *b, int pid, uint64_t addr, struct vm_walk *w)
{
	return vm_pagewalk(M(b), pid, addr, w);
}

/* ---- process life ---- */

static int s_dmesg(struct backend *b, char *buf, size_t n)
{
	size_t len;
	const char *log = vm_dmesg(M(b), &len);

	if (len >= n)		/* the newest lines, from a line's start */
		for (log += len - (n - 1), len = n - 1; len && log[-1] != '\n'; log++, len--)
			;
	memcpy(buf, log, len);
	buf[len] = '\0';
	return (int)len;
}

static int s_oom_rows(struct backend *b, int memcg, struct vm_oom_row *rows, int max,
		      uint64_t *totalpages)
{
	return vm_oom_candidates(M(b), memcg, rows, max, totalpages);
}

static int s_spawn(struct backend *b, const char *name, const struct vm_spawn_opts *o)
{
	return vm_spawn(M(b), name, o);
}

static int s_cgroup_create(struct backend *b, const char *name, int parent, uint64_t max,
			   char *err, size_t en)
{
	int id = vm_cgroup_create(M(b), name, parent, max);

	if (id < 0)
		snprintf(err, en, "%s", id == -EEXIST ? "a group of that name exists" :
					id == -ENOSPC ? "at most 255 groups" : strerror(-id));
	return id;
}

static int s_cgroup_swappiness(struct backend *b, int id, int swappiness, char *err, size_t en)
{
	int rc = vm_cgroup_set_swappiness(M(b), id, swappiness);

	if (rc)
		snprintf(err, en, "swappiness must be between 0 and 200");
	return rc;
}

static int s_cgroup_protect(struct backend *b, int id, uint64_t min, uint64_t low, char *err,
			    size_t en)
{
	int rc = vm_cgroup_set_protection(M(b), id, min, low);

	if (rc)
		snprintf(err, en, "no such group");
	return rc;
}

static int s_cgroup_oom_group(struct backend *b, int id, char *err, size_t en)
{
	int rc = vm_cgroup_set_oom_group(M(b), id, 1);

	if (rc)
		snprintf(err, en, "no such group");
	return rc;
}

static int s_cgroup_memstat(struct backend *b, int id, struct vm_kv *kv, uint64_t *max_events,
			    uint64_t *oom_events, uint64_t *oom_kill, uint64_t *peak)
{
	int n = vm_cgroup_memstat(M(b), id, kv, NR_VM_MEMSTAT);

	if (n >= 0) {
		vm_cgroup_events(M(b), id, max_events, oom_events, peak);
		*oom_kill = vm_cgroup_oom_kills(M(b), id);
	}
	return n;
}

static int s_maps(struct backend *b, int pid, char *buf, size_t n)
{
	return vm_proc_maps(M(b), pid, buf, n);
}

static int s_file_create(struct backend *b, const char *name, uint64_t size, uint8_t value,
			 int tmpfs, char *err, size_t en)
{
	return vm_file_create(M(b), name, size, value, tmpfs, err, en);
}

static int s_file_unlink(struct backend *b, int id)
{
	return vm_file_unlink(M(b), id);
}

static int s_file_read(struct backend *b, int pid, int id, uint64_t off, uint64_t len,
		       struct vm_result *r)
{
	return vm_file_read(M(b), pid, id, off, len, r);
}

static int s_file_write(struct backend *b, int pid, int id, uint64_t off, uint64_t len,
			uint8_t value, struct vm_result *r)
{
	return vm_file_write(M(b), pid, id, off, len, value, r);
}

static int s_fsync(struct backend *b, int pid, int id, struct vm_result *r)
{
	return vm_fsync(M(b), pid, id, r);
}

static int s_sync(struct backend *b, int pid, struct vm_result *r)
{
	return vm_sync(M(b), pid, r);
}

static int64_t s_drop_caches(struct backend *b)
{
	return (int64_t)vm_drop_caches(M(b));
}

static int64_t s_file_size(struct backend *b, int id)
{
	return vm_file_size(M(b), id);
}

static int s_fork(struct backend *b, int pid, const char *name)
{
	return vm_fork(M(b), pid, name);
}

/* What the driver waits for, tested by vm_run between turns. */
struct until {
	vm_machine *m;
	int pid;
	bool ready;			/* ready() or ended; else ended */
};

static bool ended(vm_machine *m, int pid)
{
	char s = vm_task_state(m, pid);

	return s == 'Z' || !s;
}

static int until_holds(void *ctx)
{
	const struct until *u = ctx;

	return (u->ready && vm_is_ready(u->m, u->pid)) || ended(u->m, u->pid);
}

/* The driver's wait: run the machine until u holds; false if it never can. */
static bool run_until(vm_machine *m, int pid, bool ready)
{
	struct until u = { m, pid, ready };

	return until_holds(&u) || vm_run(m, until_holds, &u);
}

static int s_wait(struct backend *b, int pid, int child, struct vm_status *st)
{
	vm_machine *m = M(b);

	if (!pid) {
		if (!run_until(m, child, false))
			return -EDEADLK;
	} else {
		char s = vm_task_state(m, child);

		if (child == pid || !s || vm_parent(m, child) != pid)
			return -ECHILD;
		if (s != 'Z') {
			vm_block(m, pid, VM_WAIT_CHILD, child);
			return -EAGAIN;
		}
	}
	if (vm_status(m, child, st) == 0)
		vm_reap(m, child);
	return 0;
}

static int s_wait_ready(struct backend *b, int pid, int target)
{
	vm_machine *m = M(b);
	struct until u = { m, target, true };

	if (!until_holds(&u)) {
		if (!pid) {
			if (!vm_run(m, until_holds, &u))
				return -EDEADLK;
		} else if (pid == target) {
			return -EINVAL;
		} else {
			vm_block(m, pid, VM_WAIT_READY, target);
			return -EAGAIN;
		}
	}
	return vm_is_ready(m, target);
}

static int s_ready(struct backend *b, int pid)
{
	vm_ready(M(b), pid);
	return 0;
}

static int s_kill(struct backend *b, int pid, int target, int sig)
{
	(void)pid;
	if (ended(M(b), target))
		return 0;	/* already gone: kill(2) would say ESRCH */
	vm_kill(M(b), target, sig);
	return 1;
}

static int s_sleep(struct backend *b, int pid, uint64_t ns)
{
	vm_sleep(M(b), pid, ns);
	return -EAGAIN;
}

static int s_pause(struct backend *b, int pid)
{
	vm_block(M(b), pid, VM_WAIT_PAUSE, 0);
	return -EAGAIN;
}

static void s_exit(struct backend *b, int pid, int code)
{
	vm_exit(M(b), pid, code);
}

static int s_status(struct backend *b, int pid, struct vm_status *st)
{
	return vm_status(M(b), pid, st) ? -EAGAIN : 0;
}

static bool s_should_yield(struct backend *b, int pid)
{
	return vm_sched_should_yield(M(b), pid);
}

static void s_why_blocked(struct backend *b, char *buf, size_t n)
{
	vm_machine *m = M(b);
	struct wait_text w;

	wait_text_init(&w, buf, n);
	for (int pid = vm_next_pid(m, 0); pid; pid = vm_next_pid(m, pid)) {
		int target = 0, kind = vm_blocked_on(m, pid, &target);

		if (kind >= 0)
			wait_text_add(&w, pid, kind, target);
	}
	wait_text_end(&w);
}

static int s_finish(struct backend *b)
{
	vm_machine *m = M(b);

	if (!m)
		return 0;
	vm_run(m, NULL, NULL);
	/* what still waits (paused, or waiting for those) ends with the session */
	for (int pid = vm_next_pid(m, 0); pid; pid = vm_next_pid(m, pid))
		if (vm_task_state(m, pid) != 'Z')
			vm_kill(m, pid, 9);
	return 0;
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
	.dmesg = s_dmesg,
	.oom_rows = s_oom_rows,
	.coroutines = true,
	.spawn = s_spawn,
	.cgroup_create = s_cgroup_create,
	.cgroup_memstat = s_cgroup_memstat,
	.cgroup_swappiness = s_cgroup_swappiness,
	.cgroup_protect = s_cgroup_protect,
	.cgroup_oom_group = s_cgroup_oom_group,
	.maps = s_maps,
	.file_create = s_file_create,
	.file_unlink = s_file_unlink,
	.file_read = s_file_read,
	.file_write = s_file_write,
	.fsync = s_fsync,
	.sync = s_sync,
	.drop_caches = s_drop_caches,
	.file_size = s_file_size,
	.fork = s_fork,
	.wait = s_wait,
	.wait_ready = s_wait_ready,
	.ready = s_ready,
	.kill = s_kill,
	.sleep = s_sleep,
	.pause = s_pause,
	.exit = s_exit,
	.status = s_status,
	.should_yield = s_should_yield,
	.why_blocked = s_why_blocked,
	.finish = s_finish,
};
