/*
 * backend.h - the one interface between scenarios and a kernel, with two
 * implementations: the simulated kernel (src/backend/sim.c, over vmlab.h)
 * and the real one (src/real/: real system calls in real processes, their
 * life run by src/real/supervisor.c). The scenario layer (src/script/)
 * includes this header; neither backend includes anything of that layer,
 * and neither knows Lua.
 *
 * A `pid` names the process acting, 0 the driver (the top of the script,
 * which is not a scenario process). The real backend only ever acts for
 * the process it runs in.
 *
 * Process life differs in kind between the two, and the interface says
 * how in two places only:
 * - A new process's body. On the simulator each process is a coroutine of
 *   the caller (`coroutines`): spawn and fork return the new pid and the
 *   caller starts the body, which vm_run's step function resumes. On the
 *   real kernel spawn and fork are fork(2): they return the child's pid in
 *   the parent and 0 in the child, which then runs its body and calls exit.
 * - Blocking. A simulated process cannot block inside C: wait, wait_ready,
 *   sleep and pause mark it blocked in the kernel and return -EAGAIN, and
 *   the caller yields its coroutine (the run loop resumes it when the
 *   condition holds; wait and wait_ready are then called again, sleep is
 *   done). A real process blocks in the system call. The driver blocks in
 *   both: the simulator runs the machine until the condition holds, the
 *   supervisor waits for messages and children; -EDEADLK when nothing left
 *   could ever make it hold, -ECANCELED when a process's function failed
 *   (the hooks' error said what).
 */
#ifndef VMLAB_BACKEND_H
#define VMLAB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include "../../include/vmlab.h"

struct backend;

/* What a backend tells the layer above it, from wherever it learns it. */
struct backend_hooks {
	void *ctx;
	/* a record or an expectation's outcome a real process sent the driver */
	void (*deliver)(void *ctx, char type, const char *text);
	/* a signal killed process pid (name) inside operation op */
	void (*died_in_op)(void *ctx, int pid, const char *name, const char *op);
	/* a process the driver spawned has ended, and how */
	void (*ended)(void *ctx, int pid, const char *name, const struct vm_status *st);
	/* a real process's function raised an error (the scenario is wrong) */
	void (*error)(void *ctx, const char *text);
};

struct backend_ops {
	const char *name;		/* "sim" or "real" */

	/* ---- memory: one process's system calls and accesses ---- */
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

	/* ---- memory cgroups ---- */
	/* vm.cgroup{}: a group under parent (0: the run's) limited to max bytes (0: none):
	 * its id (> 0), or -errno with why in err */
	int (*cgroup_create)(struct backend *b, const char *name, int parent, uint64_t max,
			     char *err, size_t en);
	/* cgroup v1's memory.swappiness: 0, or -errno with why in err (v2 has none) */
	int (*cgroup_swappiness)(struct backend *b, int id, int swappiness, char *err, size_t en);
	/* memory.min and memory.low of group id in bytes: 0, or -ENOTSUP (with why) where
	 * the host's cgroups have no such thing (v1) */
	int (*cgroup_protect)(struct backend *b, int id, uint64_t min, uint64_t low, char *err,
			      size_t en);
	/* memory.oom.group of group id: 0, or -ENOTSUP (with why) on cgroup v1 */
	int (*cgroup_oom_group)(struct backend *b, int id, char *err, size_t en);
	/* its memory.stat and current (VM_MEMSTAT_KEYS): how many, or -errno; and
	 * memory.events' max, oom (UINT64_MAX where the host has no such count:
	 * v1) and oom_kill, memory.peak */
	int (*cgroup_memstat)(struct backend *b, int id, struct vm_kv *kv, uint64_t *max_events,
			      uint64_t *oom_events, uint64_t *oom_kill, uint64_t *peak);

	/* ---- files (vm.file) ---- */
	/* a file of size bytes, each page value (tmpfs: in memory): its id (> 0),
	 * or -errno with why in err; on disk, not in the page cache */
	int (*file_create)(struct backend *b, const char *name, uint64_t size, uint8_t value,
			   int tmpfs, char *err, size_t en);
	int (*file_unlink)(struct backend *b, int id);
	/* read(2)/write(2) of whole pages in VM_IO_CHUNK calls by pid; r->value: the first page's */
	int (*file_read)(struct backend *b, int pid, int id, uint64_t off, uint64_t len,
			 struct vm_result *r);
	int (*file_write)(struct backend *b, int pid, int id, uint64_t off, uint64_t len,
			  uint8_t value, struct vm_result *r);
	int (*fsync)(struct backend *b, int pid, int id, struct vm_result *r);
	/* sync(2) by pid (0: the driver) */
	int (*sync)(struct backend *b, int pid, struct vm_result *r);
	/* the run's files written back and dropped from the page cache: pages dropped (sim) or 0 */
	int64_t (*drop_caches)(struct backend *b);
	/* the size now, or -ENOENT */
	int64_t (*file_size)(struct backend *b, int id);

	/* ---- what /proc shows ---- */
	int (*proc_info)(struct backend *b, int pid, struct vm_proc *p);
	int (*snapshot)(struct backend *b, struct vm_snapshot *s);
	void (*snapshot_release)(struct vm_snapshot *s);
	/* /proc/PID/maps into buf (cut at n): its length, or -errno */
	int (*maps)(struct backend *b, int pid, char *buf, size_t n);
	/* -ENOSYS where the backend cannot see page tables */
	int (*pagewalk)(struct backend *b, int pid, uint64_t addr, struct vm_walk *w);
	/* the kernel's log lines about this run (sim: all it wrote; real: the OOM
	 * reports whose victim is one of the run's processes) into buf: length or -errno */
	int (*dmesg)(struct backend *b, char *buf, size_t n);
	/* the OOM killer's candidates of a global OOM (memcg 0) or of one in a
	 * vm.cgroup: how many rows, totalpages; -errno */
	int (*oom_rows)(struct backend *b, int memcg, struct vm_oom_row *rows, int max,
			uint64_t *totalpages);

	/* ---- process life (see the top of this file) ---- */
	bool coroutines;		/* processes are coroutines of the caller */
	/* the driver starts a process: its pid; 0 in the new process (real); -errno */
	int (*spawn)(struct backend *b, const char *name, const struct vm_spawn_opts *o);
	/* fork(2) of pid, the same way */
	int (*fork)(struct backend *b, int pid, const char *name);
	/* pid (or the driver, 0) waits for child to end and reaps it: 0 and its
	 * status; -ECHILD if it is not pid's child; -EAGAIN, -EDEADLK, -ECANCELED */
	int (*wait)(struct backend *b, int pid, int child, struct vm_status *st);
	/* until target calls ready (1) or ends without (0); errors as wait's */
	int (*wait_ready)(struct backend *b, int pid, int target);
	int (*ready)(struct backend *b, int pid);
	/* kill(2) from pid: 1 sent, 0 target already gone */
	int (*kill)(struct backend *b, int pid, int target, int sig);
	int (*sleep)(struct backend *b, int pid, uint64_t ns);
	/* until a signal ends pid: -EAGAIN (sim), never returns (real) */
	int (*pause)(struct backend *b, int pid);
	/* exit(2): the real process ends here; a simulated one is a zombie */
	void (*exit)(struct backend *b, int pid, int code);
	/* 0 and the status once pid has ended (by exit or a signal), else -EAGAIN */
	int (*status)(struct backend *b, int pid, struct vm_status *st);
	/* after an operation: should pid let an earlier process run (sim)? */
	bool (*should_yield)(struct backend *b, int pid);
	/* who waits for what, after -EDEADLK */
	void (*why_blocked)(struct backend *b, char *buf, size_t n);
	/* the end of the script: let every process end, kill what never can;
	 * 0, or -ECANCELED */
	int (*finish)(struct backend *b);
};

/*
 * A backend in use: its operations and one opaque pointer to its own state
 * (the sim's vm_machine, the real backend's run).
 */
struct backend {
	const struct backend_ops *ops;
	void *priv;
	struct backend_hooks hooks;
};

extern const struct backend_ops sim_backend_ops;

/*
 * why_blocked's text: a clause per blocked process ("pid 3 waits for its
 * child 4"), "; " between them, the first WAIT_TEXT_SHOWN in full and the
 * rest counted by kind ("; and 32759 more: 32759 paused").
 */
#define WAIT_TEXT_SHOWN	8
struct wait_text {
	char *buf;
	size_t n;
	int shown, more, by_kind[3];	/* VM_WAIT_CHILD, _READY, _PAUSE */
};
void wait_text_init(struct wait_text *w, char *buf, size_t n);
void wait_text_add(struct wait_text *w, int pid, int kind, int target);
void wait_text_end(struct wait_text *w);

#endif
