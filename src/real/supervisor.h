/*
 * supervisor.h - the real backend's processes (supervisor.c): a run's
 * driver, the scenario processes it forks, what they tell it, and the
 * memory cgroup they all live in. No Lua here: the scenario layer's
 * bindings (src/script/lreal.c) run a new process's function and send its
 * records through supervisor_send.
 */
#ifndef VMLAB_SUPERVISOR_H
#define VMLAB_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../backend/backend.h"

struct real_options {
	uint64_t limit;			/* the run's memory cgroup (0: the default) */
	uint64_t swapfile;		/* bytes of the run's own swap file (0: none) */
	bool check;			/* --check: glibc's heap must be untouched */
	/* the operation under way in this process, told if a signal kills it there */
	const char *const *pending_op;
};

/*
 * Before the Lua state exists, in the process that will be the driver:
 * the private arena for vmlab's own memory, the cgroup, the socket the
 * processes write to, SIGCHLD through a signalfd, the stop signals. Sets
 * b->priv. Returns 0, or -1 with a message in err.
 */
int supervisor_begin(struct backend *b, const struct real_options *o, char *err, size_t n);
/* After the run: every process left is killed and reaped, the cgroup removed. */
void supervisor_end(void);
/* In the driver, from a signal handler: kill every process of the run and
 * remove the cgroup now (async-signal-safe). */
void supervisor_kill_all(void);
/* In a scenario process: a record or an expectation's outcome for the driver
 * (its hooks' deliver), or (type SUPERVISOR_ERROR) its function's error. */
void supervisor_send(char type, const char *text);
#define SUPERVISOR_ERROR	'X'
/* The process this code runs in: its pid, 0 in the driver. */
int supervisor_self(void);
/* This process enters (true) or leaves an operation: the driver learns where a SIGKILL found it. */
void supervisor_in_op(bool in);
/* This process ends with code (stdout flushed first). */
_Noreturn void supervisor_exit(int code);

/* The process-life half of real_backend_ops (backend.h says what each does). */
int real_spawn(struct backend *b, const char *name, const struct vm_spawn_opts *o);
int real_fork(struct backend *b, int pid, const char *name);
int real_wait(struct backend *b, int pid, int child, struct vm_status *st);
int real_wait_ready(struct backend *b, int pid, int target);
int real_ready(struct backend *b, int pid);
int real_kill(struct backend *b, int pid, int target, int sig);
int real_sleep(struct backend *b, int pid, uint64_t ns);
int real_pause(struct backend *b, int pid);
void real_exit(struct backend *b, int pid, int code);
int real_status(struct backend *b, int pid, struct vm_status *st);
void real_why_blocked(struct backend *b, char *buf, size_t n);
int real_finish(struct backend *b);

#endif
