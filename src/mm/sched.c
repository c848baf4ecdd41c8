/*
 * sched.c - simulated time, CPUs and the order in which tasks run
 * (a deterministic stand-in for kernel/sched/).
 *
 * Every task carries its own clock: the simulated time at which its next
 * action happens. Each CPU remembers when it becomes free. The scheduler
 * always runs the runnable task with the earliest clock (ties: lowest pid) on
 * a CPU: the one it last ran on if that CPU is free by then, else the CPU
 * that frees up first. The task starts at max(its clock, the CPU's free
 * time) and runs for one quantum (1 ms), or until it blocks, before the
 * choice is made again. With as many CPUs as tasks this runs them in
 * parallel; with more tasks they share CPUs, and waiting shows in their
 * clocks like run-queue delay. There is no real concurrency, so a run is
 * reproducible to the byte.
 *
 * Switching a CPU to a task of another address space is a context switch:
 * switch_mm() picks the PCID (tlb.c) and the switch costs time.
 *
 * The run loop is here, in C (vm_run): it picks the task due first, puts
 * it on a CPU, runs it for its turn and takes it off again. A kernel thread
 * (kswapd, khugepaged, the flusher and the oom reaper when their mechanisms
 * land) is a task with a C body (threadfn) and no mm, on the same CPUs and
 * clock as the processes: it sleeps (kthread_sleep) until a waker calls
 * wake_up_process(), as kswapd sleeps until wakeup_kswapd(). A process's
 * body is the driver's (vm_set_user_step: the Lua layer resumes its
 * coroutine). A fatal signal that arrived while a task was inside a fault
 * is delivered after its turn at the latest (signal_deliver).
 */
#include "internal.h"

#define SCHED_QUANTUM_NS	1000000ULL
/*
 * While a kernel thread is awake (kswapd reclaiming), processes run in
 * turns of 20 us, so that the thread's work interleaves with theirs as it
 * would on another CPU, instead of trailing them by a whole quantum.
 */
#define KTHREAD_INTERLEAVE_NS	20000ULL

/*
 * The task runs on its CPU now (an operation or a turn begins): the swap
 * writes finished by its time end first; its mm is loaded if another is.
 */
void sched_switch_to(struct machine *m, struct task_struct *t)
{
	struct cpu *c = &m->cpus[t->cpu];

	m->current = t;
	swap_complete_writeback(m, t->clock);	/* the writes the device has finished by now */
	if (!t->mm || c->loaded_mm == t->mm)
		return;
	m->ctxt++;
	charge(m, t, COST_CONTEXT_SWITCH, false);
	switch_mm(m, c, t->mm, t);
}

/* pick_next_task(): the runnable task with the earliest clock, or NULL. */
struct task_struct *sched_pick_next(struct machine *m)
{
	struct task_struct *best = NULL;

	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *t = m->tasks[pid];

		if (!t || t->state != TASK_RUNNABLE)
			continue;
		if (!best || t->clock < best->clock)
			best = t;
	}
	/* the flusher's timer (wb_wakeup_delayed): due before anything else runs */
	if (best && m->flusher_next && m->flusher_next <= best->clock &&
	    m->flusher->state == TASK_BLOCKED) {
		wake_up_process(m, m->flusher, m->flusher_next);
		if (m->flusher->clock <= best->clock)
			best = m->flusher;
	}
	return best;
}

/* Put t on a CPU for one quantum. */
void sched_dispatch(struct machine *m, struct task_struct *t)
{
	struct cpu *c = &m->cpus[t->cpu];

	if (c->free_at > t->clock) {
		struct cpu *best = c;

		for (int i = 0; i < m->nr_cpus; i++)
			if (m->cpus[i].free_at < best->free_at)
				best = &m->cpus[i];
		c = best;
		t->cpu = c->id;
	}
	if (c->free_at > t->clock)
		t->clock = c->free_at;	/* waited for the CPU */
	t->slice_end = t->clock + (m->kthreads_awake && !t->threadfn ? KTHREAD_INTERLEAVE_NS :
				   SCHED_QUANTUM_NS);
	sched_switch_to(m, t);
}

/* The task gave up the CPU (quantum over, blocked, or done). */
void sched_release(struct machine *m, struct task_struct *t)
{
	struct cpu *c = &m->cpus[t->cpu];

	if (c->free_at < t->clock)
		c->free_at = t->clock;
	if (m->now < t->clock)
		m->now = t->clock;
	if (m->current == t)
		m->current = NULL;
}

/* Block t until another task ends, becomes ready, or kills it. */
void sched_block(struct machine *m, struct task_struct *t, enum block_reason why, int target)
{
	(void)m;
	t->state = TASK_BLOCKED;
	t->blocked_on = why;
	t->wait_for = target;
	t->nvcsw++;
}

static void wake_at(struct machine *m, struct task_struct *t, uint64_t when)
{
	(void)m;
	t->state = TASK_RUNNABLE;
	t->blocked_on = BLOCK_NONE;
	if (t->clock < when)
		t->clock = when;
}

/*
 * A task ended: a parent blocked in wait() for it (or for any child) wakes
 * at the time of the exit; so does anything waiting for it to be ready.
 */
void sched_wake_parent(struct machine *m, struct task_struct *t)
{
	struct task_struct *p = t->parent;

	if (p && p->state == TASK_BLOCKED && p->blocked_on == BLOCK_WAIT &&
	    (p->wait_for == 0 || p->wait_for == t->pid))
		wake_at(m, p, t->exit_time);
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *w = m->tasks[pid];

		if (w && w->state == TASK_BLOCKED && w->blocked_on == BLOCK_READY &&
		    w->wait_for == t->pid)
			wake_at(m, w, t->exit_time);
	}
}

/* t called ready(): wake whoever waits in wait_ready(t). */
void sched_wake_ready(struct machine *m, struct task_struct *t)
{
	t->ready = true;
	t->ready_at = t->clock;
	for (int pid = 1; pid <= m->last_pid && pid < m->pid_cap; pid++) {
		struct task_struct *w = m->tasks[pid];

		if (w && w->state == TASK_BLOCKED && w->blocked_on == BLOCK_READY &&
		    w->wait_for == t->pid)
			wake_at(m, w, t->clock);
	}
}

/* Wake a blocked task at a given time (a kill reaches a paused task). */
void sched_wake(struct machine *m, struct task_struct *t, uint64_t when)
{
	wake_at(m, t, when);
}

/* ---- kernel threads (kernel/kthread.c) ---- */

struct task_struct *kthread_create(struct machine *m, kthread_fn fn, void *data, const char *name)
{
	struct task_struct *t = task_create_kernel(m, name);

	if (!t)
		return NULL;
	t->threadfn = fn;
	t->thread_data = data;
	sched_block(m, t, BLOCK_KTHREAD, 0);	/* born asleep */
	return t;
}

/* The thread waits for wake_up_process() (schedule() in TASK_INTERRUPTIBLE). */
void kthread_sleep(struct machine *m, struct task_struct *t)
{
	if (t->state == TASK_RUNNABLE)
		m->kthreads_awake--;
	sched_block(m, t, BLOCK_KTHREAD, 0);
}

void wake_up_process(struct machine *m, struct task_struct *t, uint64_t when)
{
	struct task_struct *cur = m->current;

	int idle = -1;

	if (t->state != TASK_BLOCKED || t->blocked_on != BLOCK_KTHREAD)
		return;
	/* select_idle_sibling(): the CPU free soonest, not the waker's */
	for (int i = 0; i < m->nr_cpus; i++)
		if ((!cur || i != cur->cpu) && (idle < 0 || m->cpus[i].free_at < m->cpus[idle].free_at))
			idle = i;
	if (idle >= 0)
		t->cpu = idle;
	m->kthreads_awake++;
	wake_at(m, t, when);
	/* the waker's turn ends soon: the thread gets its CPU time beside it */
	if (cur && cur != t && cur->slice_end > cur->clock + KTHREAD_INTERLEAVE_NS)
		cur->slice_end = cur->clock + KTHREAD_INTERLEAVE_NS;
}

/* ---- the run loop ---- */

void vm_set_user_step(vm_machine *m, vm_step_fn fn, void *ctx)
{
	m->user_step = fn;
	m->user_step_ctx = ctx;
}

/* One turn of t on its CPU: its C body, or the driver's for a process. */
static void run_task(struct machine *m, struct task_struct *t)
{
	int pid = t->pid, ret;

	sched_dispatch(m, t);
	if (t->threadfn) {
		t->threadfn(m, t, t->thread_data);
		sched_release(m, t);
		return;
	}
	ret = m->user_step ? m->user_step(m->user_step_ctx, pid) : VM_STEP_NONE;
	t = find_task(m, pid);
	if (!t)
		return;
	sched_release(m, t);
	if (ret == VM_STEP_RETURNED)
		do_exit(m, t, 0, 0);		/* the body returned: exit(0) */
	else if (ret == VM_STEP_NONE)
		kill_task(m, t, SIGKILL);	/* nothing will ever run it */
	else
		signal_deliver(m, t);
}

int vm_run(vm_machine *m, int (*until)(void *ctx), void *ctx)
{
	for (;;) {
		struct task_struct *t;

		if (until && until(ctx))
			return 1;
		t = sched_pick_next(m);
		if (!t)
			return !until;
		run_task(m, t);
	}
}
