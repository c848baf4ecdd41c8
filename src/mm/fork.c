/*
 * fork.c - processes: fork, exit, reaping, fatal signals (kernel/fork.c
 * copy_process/dup_mmap, mm/memory.c copy_page_range, kernel/exit.c).
 *
 * fork copies the parent's VMAs and, for the VMAs that have anonymous
 * pages (an anon_vma), its page-table entries: both copies of a private
 * writable entry are write-protected and the page, now mapped twice, loses
 * PageAnonExclusive (copy_present_pte). Nothing is copied yet: the first
 * write on either side takes a fault that copies or reuses (memory.c). VMAs
 * without an anon_vma (shared memory, or private memory only ever read
 * through the zero page) are not copied at all: the child faults them in
 * (vma_needs_copy: "don't copy ptes where a page fault will fill them
 * correctly"). VM_LOCKED is not inherited. The parent's TLB is flushed
 * because its entries just lost their write permission.
 *
 * exit tears the address space down and leaves a zombie until the parent
 * reaps it; reaping folds the child's fault counts (and those of the
 * children it reaped) into the parent's cmin_flt/cmaj_flt, as
 * wait_task_zombie() does.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define FIRST_USER_PID	1000

struct task_struct *find_task(struct machine *m, int pid)
{
	if (pid <= 0 || pid >= m->pid_cap)
		return NULL;
	return m->tasks[pid];
}

static int add_child(struct task_struct *parent, int pid)
{
	if (parent->nr_children == parent->children_cap) {
		int cap = parent->children_cap ? parent->children_cap * 2 : 8;
		int *n = realloc(parent->children, (size_t)cap * sizeof(int));

		if (!n)
			return -ENOMEM;
		parent->children = n;
		parent->children_cap = cap;
	}
	parent->children[parent->nr_children++] = pid;
	return 0;
}

static void remove_child(struct task_struct *parent, int pid)
{
	for (int i = 0; i < parent->nr_children; i++) {
		if (parent->children[i] == pid) {
			parent->children[i] = parent->children[--parent->nr_children];
			return;
		}
	}
}

/* alloc_pid(): room in the pid table for pid; false if there is no host memory. */
static bool alloc_pid(struct machine *m, int pid)
{
	if (pid >= m->pid_cap) {
		int cap = m->pid_cap ? m->pid_cap * 2 : 2048;
		struct task_struct **n;

		while (cap <= pid)
			cap *= 2;
		n = realloc(m->tasks, (size_t)cap * sizeof(*n));
		if (!n)
			return false;
		memset(n + m->pid_cap, 0, (size_t)(cap - m->pid_cap) * sizeof(*n));
		m->tasks = n;
		m->pid_cap = cap;
	}
	return true;
}

/* A runnable task with this pid and name at clock, in the pid table. */
static struct task_struct *task_alloc(struct machine *m, int pid, const char *comm, uint64_t clock)
{
	struct task_struct *t;

	if (!alloc_pid(m, pid))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pid = pid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
	t->state = TASK_RUNNABLE;
	t->clock = t->start_time = clock;
	m->tasks[pid] = t;
	m->nr_tasks++;
	return t;
}

/* copy_process() without the mm: a runnable task at its parent's time. */
struct task_struct *task_create(struct machine *m, const char *comm, struct task_struct *parent)
{
	struct task_struct *t;
	int pid = m->last_pid < FIRST_USER_PID ? FIRST_USER_PID : m->last_pid + 1;

	if (parent && add_child(parent, pid))
		return NULL;
	t = task_alloc(m, pid, comm, parent ? parent->clock : m->now);
	if (!t) {
		if (parent)
			remove_child(parent, pid);
		return NULL;
	}
	t->parent = parent;
	if (parent) {
		t->uid = parent->uid;
		t->oom_score_adj = parent->oom_score_adj;
		t->cpu = parent->cpu;
	} else {
		t->cpu = pid % m->nr_cpus;
	}
	m->last_pid = pid;
	return t;
}

struct copy_walk {
	struct task_struct *parent;
	struct vm_area_struct *dst;
	bool cow;
	pte_t *dst_table;	/* the child's PTE table for the 2 MiB at dst_base */
	uint64_t dst_base;
};

/*
 * copy_present_pte(): share one present page with the child, write-protecting
 * a private one. copy_nonpresent_pte(): a swap entry names its slot once
 * more, and neither side is exclusive any longer.
 */
static int copy_pte_entry(struct mm_walk *walk, pte_t *sp, uint64_t addr, enum walk_kind kind)
{
	struct machine *m = walk->m;
	struct copy_walk *cw = walk->private;
	struct mm_struct *dst_mm = cw->dst->vm_mm;
	pte_t pte, *dp;

	if (!cw->dst_table || cw->dst_base != (addr & PMD_MASK)) {
		/* copy_pte_range(): the child's table, made at its first PTE, once per table */
		cw->dst_table = pte_offset(m, dst_mm, addr & PMD_MASK, true);
		if (!cw->dst_table)
			return -ENOMEM;
		cw->dst_base = addr & PMD_MASK;
		kind = walk_kind_of(*sp, 1);	/* the allocation may have reclaimed this page */
	}
	pte = *sp;
	dp = &cw->dst_table[pte_index(addr)];
	if (kind == WALK_SWAP) {
		swap_duplicate(m, pte_to_swp_entry(pte));
		if (pte & _PAGE_SWP_EXCLUSIVE) {
			pte &= ~_PAGE_SWP_EXCLUSIVE;
			*sp = pte;
		}
		add_mm_counter(dst_mm, MM_SWAPENTS, 1);
		*dp = pte;
		charge(m, cw->parent, COST_COPY_PTE, false);
		return 0;
	}
	VM_BUG_ON(m, kind != WALK_PRESENT, "fork met a non-present PTE that is not a swap entry");
	if (!pte_special(pte)) {
		struct page *page = pfn_to_page(m, pte_pfn(pte));

		page->refcount++;
		if (PageFlag(page, PG_anon))
			folio_dup_anon_rmap_pte(m, page);
		else
			page->mapcount++;	/* folio_dup_file_rmap_pte() */
		add_mm_counter(dst_mm, mm_counter_of(page), 1);
	}
	if (cw->cow && pte_write(pte)) {
		*sp &= ~_PAGE_RW;	/* ptep_set_wrprotect() */
		pte &= ~_PAGE_RW;
	}
	if (walk->vma->vm_flags & VM_SHARED)
		pte &= ~_PAGE_DIRTY;
	*dp = pte & ~_PAGE_ACCESSED;	/* pte_mkold() */
	charge(m, cw->parent, COST_COPY_PTE, false);
	return 0;
}

/* no pmd_entry: a huge PMD stops the walk on a VM_BUG_ON until THP brings copy_huge_pmd() */
static const struct mm_walk_ops copy_walk_ops = {
	.pte_entry = copy_pte_entry,
};

/*
 * copy_page_range() for one VMA: share every present page with the child,
 * write-protecting private writable entries on both sides.
 */
static int copy_page_range(struct machine *m, struct task_struct *parent,
			   struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct copy_walk cw = {
		.parent = parent, .dst = dst,
		.cow = (src->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE,
	};

	return walk_page_range_vma(m, src, src->vm_start, src->vm_end, &copy_walk_ops, &cw);
}

/* dup_mmap(): the child's copy of the parent's address space. */
int copy_mm(struct machine *m, struct task_struct *parent, struct task_struct *child)
{
	struct mm_struct *old = parent->mm, *mm = mm_alloc(m);
	int err = 0;

	if (!mm)
		return -ENOMEM;
	mm->mmap_base = old->mmap_base;
	mm->memcg_id = old->memcg_id;	/* the child starts in its parent's group */
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->hiwater_vm = old->total_vm;
	child->mm = mm;
	for (struct vm_area_struct *src = old->mmap; src && !err; src = src->vm_next) {
		struct vm_area_struct *v;
		uint64_t pages = (src->vm_end - src->vm_start) >> PAGE_SHIFT;
		bool wipe = src->vm_flags & VM_WIPEONFORK;

		if (src->vm_flags & VM_DONTCOPY)
			continue;
		if (src->vm_flags & VM_ACCOUNT) {
			/* dup_mmap(): security_vm_enough_memory_mm(oldmm, len) */
			if (__vm_enough_memory(m, old, pages)) {
				err = -ENOMEM;
				break;
			}
			mm->committed += pages;
		}
		v = vm_area_dup(src, mm);
		if (!v) {
			err = -ENOMEM;
			break;
		}
		v->vm_flags &= ~VM_LOCKED;
		/* anon_vma_fork(); a VM_WIPEONFORK child starts with nothing */
		if (!wipe && anon_vma_fork(m, v, src)) {
			vm_area_free(m, v);
			err = -ENOMEM;
			break;
		}
		vma_link(mm, v);
		vm_stat_account(mm, v->vm_flags, (int64_t)pages);
		/* vma_needs_copy(): only VMAs with anonymous pages have PTEs worth copying */
		if (src->anon_vma && !wipe)
			err = copy_page_range(m, parent, v, src);
	}
	/* the parent's writable entries became read-only: flush them */
	flush_tlb_mm(m, old, parent);
	if (m->shadow && !err)
		shadow_fork(old, mm);
	if (err) {
		mmput(m, mm, parent);
		child->mm = NULL;
	}
	return err;
}

/* Where the status of an ended task goes, and who is told. */
static void exit_notify(struct machine *m, struct task_struct *t)
{
	/* reparent the children to init; init reaps zombies at once */
	for (int i = 0; i < t->nr_children; i++) {
		struct task_struct *c = find_task(m, t->children[i]);

		if (!c)
			continue;
		c->parent = NULL;
		if (c->state == TASK_ZOMBIE)
			release_task(m, c);
	}
	t->nr_children = 0;
	t->state = TASK_ZOMBIE;
	sched_wake_parent(m, t);
}

/* do_exit(): the process ends with exit(code), or killed by signal sig. */
void do_exit(struct machine *m, struct task_struct *t, int code, int sig)
{
	if (t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
		return;
	t->exit_code = code;
	t->exit_signal = sig;
	/*
	 * do_coredump() writes a core only under a non-zero RLIMIT_CORE;
	 * vmlab's processes have 0 on both kernels (the real backend sets it,
	 * so no run ever writes a core file on the host): a core-action signal
	 * ends the process, and WCOREDUMP is false.
	 */
	t->core_dumped = false;
	charge(m, t, COST_EXIT, false);
	if (t->mm) {
		mmput(m, t->mm, t);
		t->mm = NULL;
	}
	t->exit_time = t->clock;
	if (m->now < t->clock)
		m->now = t->clock;
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_EXIT, .pid = t->pid, .cpu = t->cpu,
			.len = (uint64_t)code, .child = sig,
			.what = sig ? (sig == SIGSEGV ? "SIGSEGV" : sig == SIGKILL ? "SIGKILL" : "signal")
				    : "exit",
		};
		mm_emit(m, &ev);
	}
	exit_notify(m, t);
}

/*
 * A kernel thread's task (kernel/kthread.c): no mm, no parent the driver
 * sees, a pid from 2 up as kthreadd's children get, uid 0.
 */
struct task_struct *task_create_kernel(struct machine *m, const char *comm)
{
	int pid = m->last_kpid < 2 ? 2 : m->last_kpid + 1;
	struct task_struct *t = pid < FIRST_USER_PID ? task_alloc(m, pid, comm, m->now) : NULL;

	if (!t)
		return NULL;
	/*
	 * vmlab's stand-in for the scheduler's idle-CPU choice on wake-up
	 * (select_task_rq_fair -> select_idle_sibling): kernel threads start
	 * from the last CPU down, away from the first processes (pid % nr_cpus).
	 */
	t->cpu = m->nr_cpus - 1 - (pid - 2) % m->nr_cpus;
	m->last_kpid = pid;
	return t;
}

/*
 * The default actions (kernel/signal.c: sig_kernel_coredump(),
 * sig_kernel_ignore(), sig_kernel_stop(); signal(7)); every other signal,
 * the real-time ones included, terminates.
 */
int vm_signal_action(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return VM_SIG_CORE;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return VM_SIG_IGNORE;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return VM_SIG_STOP;
	case SIGCONT:
		return VM_SIG_CONT;
	default:
		return sig >= 1 && sig <= 64 ? VM_SIG_TERM : -1;
	}
}

/* kill_task(): see internal.h. Blocked tasks wake to die. */
void kill_task(struct machine *m, struct task_struct *t, int sig)
{
	uint64_t when = m->current ? m->current->clock : m->now;

	if (t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
		return;
	if (t->clock < when)
		t->clock = when;
	if (t->state == TASK_BLOCKED)
		sched_wake(m, t, when);
	if (t->in_fault) {
		t->pending_sig = sig;	/* fatal_signal_pending(): seen at the retry */
		return;
	}
	do_exit(m, t, 0, sig);	/* no handlers: every signal's default action ends it */
}

bool signal_deliver(struct machine *m, struct task_struct *t)
{
	int sig = t->pending_sig;

	if (!sig || t->in_fault || t->state == TASK_ZOMBIE || t->state == TASK_DEAD)
		return false;
	t->pending_sig = 0;
	do_exit(m, t, 0, sig);
	return true;
}

/* force_sig_fault(SIGSEGV): no handler is modelled, so the process dies. */
void force_sig_segv(struct machine *m, struct task_struct *t, uint64_t addr, int code)
{
	t->exit_addr = addr;
	t->segv_code = code;
	do_exit(m, t, 0, SIGSEGV);
}

/* release_task() after wait_task_zombie(): fold the counts, forget the task. */
void release_task(struct machine *m, struct task_struct *t)
{
	struct task_struct *p = t->parent;

	if (p) {
		p->cmin_flt += t->min_flt + t->cmin_flt;
		p->cmaj_flt += t->maj_flt + t->cmaj_flt;
		remove_child(p, t->pid);
	}
	t->state = TASK_DEAD;
	m->dead_utime += t->utime;
	m->dead_stime += t->stime;
	if (m->task_release)
		m->task_release(m, t);
	m->tasks[t->pid] = NULL;
	m->nr_tasks--;
	if (m->current == t)
		m->current = NULL;
	free(t->children);
	free(t);
}
