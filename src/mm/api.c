/*
 * api.c - the public C API (include/vmlab.h) over the simulated kernel.
 *
 * Each system-call entry point names its process by pid, makes it the
 * current task on its CPU (loading its address space: switch_mm), charges
 * the system call, runs the kernel function, and reports the operation's
 * own deltas (faults, simulated time, RSS) in a struct vm_result, the way a
 * careful benchmark brackets a call with getrusage() and clock_gettime().
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* ---- configuration and the machine ---- */

const char *vm_version(void)
{
	return VMLAB_VERSION;
}

void vm_config_default(struct vm_config *c)
{
	memset(c, 0, sizeof(*c));
	c->ram = 4ULL << 30;
	c->swap = 0;
	c->cpus = 2;
	c->kernel = "6.18";
	c->thp = VM_THP_MADVISE;
	c->swappiness = 60;
	c->min_free_kbytes = -1;
	c->mmap_min_addr = 4096;	/* security/Kconfig DEFAULT_MMAP_MIN_ADDR */
	c->max_map_count = 65530;	/* DEFAULT_MAX_MAP_COUNT: USHRT_MAX - 5 */
	c->overcommit_memory = 0;	/* OVERCOMMIT_GUESS */
	c->overcommit_ratio = 50;
	c->read_ahead_kb = 128;		/* VM_READAHEAD_PAGES: SZ_128K / PAGE_SIZE */
	c->dirty_ratio = 20;		/* mm/page-writeback.c vm_dirty_ratio */
	c->dirty_background_ratio = 10;
	c->dirty_expire_centisecs = 3000;
	c->dirty_writeback_centisecs = 500;
	c->watermark_scale_factor = 10;
	c->policy = "linux";
	c->oom = "modern";
	c->seed = 1;
	/* a recent Intel server core (reference/anchors.md) */
	c->tlb_l1_4k_entries = 64;
	c->tlb_l1_4k_ways = 4;
	c->tlb_l1_2m_entries = 32;
	c->tlb_l1_2m_ways = 4;
	c->tlb_l2_entries = 1536;
	c->tlb_l2_ways = 12;
}

#define MIN_RAM		(64ULL << 20)
#define MAX_RAM		(256ULL << 30)
#define MAX_CPUS	64

static int validate(const struct vm_config *c, char *err, size_t errlen)
{
	if (c->ram < MIN_RAM || c->ram > MAX_RAM) {
		snprintf(err, errlen, "ram must be between 64M and 256G (got %llu bytes)",
			 (unsigned long long)c->ram);
		return -1;
	}
	if (c->ram & (PAGE_SIZE - 1)) {
		snprintf(err, errlen, "ram must be a whole number of 4K pages");
		return -1;
	}
	if (c->swap & (PAGE_SIZE - 1) || c->swap > (1ULL << 40) ||
	    (c->swap && c->swap < 2 * PAGE_SIZE)) {
		snprintf(err, errlen, "swap must be 0 or a whole number of 4K pages, from 8K to 1T "
			 "(got %llu bytes)", (unsigned long long)c->swap);
		return -1;
	}
	if (c->cpus < 1 || c->cpus > MAX_CPUS) {
		snprintf(err, errlen, "cpus must be between 1 and %d", MAX_CPUS);
		return -1;
	}
	if (c->swappiness < 0 || c->swappiness > 200) {
		snprintf(err, errlen, "swappiness must be between 0 and 200 (vm.swappiness)");
		return -1;
	}
	/* what nothing implements yet is refused, never silently ignored */
	if (c->thp == VM_THP_ALWAYS) {
		snprintf(err, errlen, "thp = \"always\": transparent huge page faults are not "
			 "modelled in this version of vmlab (\"madvise\", the default, or \"never\")");
		return -1;
	}
	if (c->watermark_scale_factor < 1 || c->watermark_scale_factor > 3000) {
		snprintf(err, errlen, "watermark_scale_factor must be between 1 and 3000");
		return -1;
	}
	if (c->overcommit_memory < 0 || c->overcommit_memory > 2 || c->overcommit_ratio < 0) {
		snprintf(err, errlen, "overcommit must be 0 (heuristic), 1 (always) or 2 (never), "
			 "overcommit_ratio 0 or more");
		return -1;
	}
	if (c->max_map_count < 1) {
		snprintf(err, errlen, "max_map_count must be at least 1");
		return -1;
	}
	if (c->read_ahead_kb < 0 || c->read_ahead_kb > (1 << 20)) {
		snprintf(err, errlen, "read_ahead_kb must be between 0 and 1048576");
		return -1;
	}
	if (c->dirty_ratio < 0 || c->dirty_ratio > 100 || c->dirty_background_ratio < 0 ||
	    c->dirty_background_ratio > 100) {
		snprintf(err, errlen, "dirty_ratio and dirty_background_ratio must be between 0 "
			 "and 100");
		return -1;
	}
	if (c->dirty_expire_centisecs < 0 || c->dirty_writeback_centisecs < 0) {
		snprintf(err, errlen, "dirty_expire_centisecs and dirty_writeback_centisecs must "
			 "not be negative");
		return -1;
	}
	if (c->mmap_min_addr & (VM_PAGE_SIZE - 1) || c->mmap_min_addr > (1ULL << 32)) {
		snprintf(err, errlen, "mmap_min_addr must be a multiple of 4096, at most 4G");
		return -1;
	}
	if (c->min_free_kbytes != -1 && (c->min_free_kbytes < 0 ||
	    (uint64_t)c->min_free_kbytes > (c->ram >> 10) / 4)) {
		snprintf(err, errlen, "min_free_kbytes must be between 0 and a quarter of ram");
		return -1;
	}
	if (strcmp(c->policy, "linux")) {
		snprintf(err, errlen, "policy \"%s\": the simulated kernel runs Linux's own "
			 "two-list LRU (the other policies replay traces: vmlab replay)", c->policy);
		return -1;
	}
	if (strcmp(c->oom, "modern") && strcmp(c->oom, "classic")) {
		snprintf(err, errlen, "oom \"%s\": \"modern\" (oom_badness(), 5.9+) or \"classic\" "
			 "(badness(), <= 2.6.35)", c->oom);
		return -1;
	}
	return 0;
}

vm_machine *vm_new(const struct vm_config *c, char *err, size_t errlen)
{
	struct machine *m;

	if (validate(c, err, errlen))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "out of host memory");
		return NULL;
	}
	m->cfg = *c;
	m->shadow = c->check;
	if (kernel_profile_find(c->kernel, &m->kprof)) {
		char names[64];

		vm_kernel_profile_names(names, sizeof(names), ", ");
		snprintf(err, errlen, "unknown kernel profile \"%s\" (known: %s)", c->kernel, names);
		free(m);
		return NULL;
	}
	m->cfg.kernel = m->kprof.name;
	m->cfg.policy = "linux";
	m->cfg.oom = strcmp(c->oom, "classic") ? "modern" : "classic";	/* static: c's may not last */
	m->cfg.costs = NULL;
	cost_profile_default(&m->cost);
	if (c->costs && cost_profile_load(&m->cost, c->costs, err, errlen)) {
		free(m);
		return NULL;
	}
	if (c->cost_ns) {
		memcpy(m->cost.ns, c->cost_ns, sizeof(m->cost.ns));
		snprintf(m->cost.source, sizeof(m->cost.source), "given by the caller");
	}
	prng_seed(&m->rng, c->seed);
	m->nr_cpus = c->cpus;
	m->cpus = calloc((size_t)c->cpus, sizeof(struct cpu));
	if (!m->cpus) {
		snprintf(err, errlen, "out of host memory");
		free(m);
		return NULL;
	}
	if (c->min_free_kbytes >= 0) {
		m->min_free_kbytes = c->min_free_kbytes;
		m->user_min_free_kbytes = true;
	}
	if (tlb_init(m, err, errlen) || page_alloc_init(m, err, errlen) ||
	    mem_cgroup_init(m, err, errlen) || swap_init(m, err, errlen)) {
		vm_free(m);
		return NULL;
	}
	m->ra_pages = (uint32_t)(c->read_ahead_kb / (PAGE_SIZE >> 10));
	if (kswapd_run(m) || flusher_run(m)) {
		snprintf(err, errlen, "out of host memory");
		vm_free(m);
		return NULL;
	}
	m->last_pid = 1;	/* pid 1 is init: the parent the scenario's processes show */
	return m;
}

void vm_free(vm_machine *m)
{
	if (!m)
		return;
	for (int pid = 1; pid < m->pid_cap; pid++) {
		struct task_struct *t = m->tasks[pid];

		if (!t)
			continue;
		if (t->mm) {
			mmput(m, t->mm, t);
			t->mm = NULL;
		}
		if (m->task_release)
			m->task_release(m, t);
		free(t->children);
		free(t);
	}
	files_exit(m);
	mm_check_free(m);
	swap_exit(m);
	mem_cgroup_exit(m);
	for (int i = 0; i < m->pt_free_nr; i++)
		free(m->pt_free[i]);
	free(m->pt_free);
	free(m->tasks);
	if (m->cpus)
		tlb_free(m);
	free(m->cpus);
	free(m->log);
	memmap_free(m);
	free(m);
}

void vm_set_event_callback(vm_machine *m, vm_event_fn fn, void *ctx)
{
	m->event_fn = fn;
	m->event_ctx = ctx;
}

void vm_set_bug_callback(vm_machine *m, vm_bug_fn fn, void *ctx)
{
	m->bug_fn = fn;
	m->bug_ctx = ctx;
}

_Noreturn void mm_bug(struct machine *m, const char *file, int line, const char *rule)
{
	if (m && m->bug_fn)
		m->bug_fn(m->bug_ctx, file, line, rule);
	abort();
}

int vm_check(vm_machine *m, char *err, size_t errlen)
{
	return mm_check_invariants(m, err, errlen);
}

/* ---- operation brackets ---- */

void op_begin(struct op_bracket *b, const struct task_struct *t)
{
	b->minflt = t->min_flt;
	b->majflt = t->maj_flt;
	b->clock = t->clock;
	for (int k = 0; k < NR_MM_COUNTERS; k++)
		b->rss_stat[k] = t->mm ? t->mm->rss_stat[k] : 0;
	b->pgtables_bytes = t->mm ? t->mm->pgtables_bytes : 0;
	b->l1 = t->tlb_l1_hits;
	b->l2 = t->tlb_l2_hits;
	b->walks = t->tlb_walks;
}

void op_end(const struct op_bracket *b, const struct task_struct *t, struct vm_result *r)
{
	int64_t d[NR_MM_COUNTERS], kb = PAGE_SIZE >> 10;

	/* the /proc/PID/status figures: RssAnon, RssFile, RssShmem, VmSwap, VmPTE */
	for (int k = 0; k < NR_MM_COUNTERS; k++)
		d[k] = ((t->mm ? t->mm->rss_stat[k] : 0) - b->rss_stat[k]) * kb;
	r->minflt = t->min_flt - b->minflt;
	r->majflt = t->maj_flt - b->majflt;
	r->ns = t->clock - b->clock;
	r->anon_kb = d[MM_ANONPAGES];
	r->file_kb = d[MM_FILEPAGES];
	r->shmem_kb = d[MM_SHMEMPAGES];
	r->rss_kb = d[MM_ANONPAGES] + d[MM_FILEPAGES] + d[MM_SHMEMPAGES];	/* get_mm_rss() */
	r->swap_kb = d[MM_SWAPENTS];
	r->pte_kb = ((t->mm ? t->mm->pgtables_bytes : 0) - b->pgtables_bytes) >> 10;
	r->tlb_l1_hits = t->tlb_l1_hits - b->l1;
	r->tlb_l2_hits = t->tlb_l2_hits - b->l2;
	r->tlb_walks = t->tlb_walks - b->walks;
}

/* The task enters the kernel for a system call. NULL if it is not alive. */
struct task_struct *syscall_enter(struct machine *m, int pid, struct op_bracket *b)
{
	struct task_struct *t = find_task(m, pid);

	if (!t || t->state == TASK_ZOMBIE || !t->mm)
		return NULL;
	sched_switch_to(m, t);
	op_begin(b, t);
	charge(m, t, COST_SYSCALL, false);
	return t;
}

static const char *const madv_names[NR_VM_MADV] = {
	"madvise(normal)", "madvise(random)", "madvise(sequential)", "madvise(willneed)",
	"madvise(dontneed)", "madvise(cold)", "madvise(pageout)", "madvise(hugepage)",
	"madvise(nohugepage)", "madvise(populate_read)", "madvise(populate_write)",
	"madvise(dontfork)", "madvise(dofork)",
};

/* The event of a system call that returned ret (EV_SYSCALL, for --events). */
static void syscall_event(struct machine *m, struct task_struct *t, const char *what,
			  uint64_t addr, uint64_t len, int ret)
{
	if (m->event_fn) {
		struct vm_event ev = {
			.time = t->clock, .kind = EV_SYSCALL, .pid = t->pid, .cpu = t->cpu,
			.addr = addr, .len = len, .child = ret, .what = what,
		};
		mm_emit(m, &ev);
	}
}

int syscall_exit(struct machine *m, struct task_struct *t, const struct op_bracket *b,
		 struct vm_result *r, const char *what, uint64_t addr, uint64_t len, int ret)
{
	if (r) {
		memset(r, 0, sizeof(*r));
		op_end(b, t, r);
	}
	syscall_event(m, t, what, addr, len, ret);
	/* the return to user space is a safe point (exit_to_user_mode_loop) */
	return signal_deliver(m, t) ? VM_ESIGNAL : ret;
}

/*
 * System calls a task makes from inside an operation (the glibc model's
 * brk, mmap, munmap and madvise): entered and reported like the public
 * entry points, within the operation's own bracket.
 */
int ksys_mmap(struct machine *m, struct task_struct *t, uint64_t len, uint32_t vm_flags,
	      uint64_t *addr)
{
	int err;

	charge(m, t, COST_SYSCALL, false);
	err = do_mmap(m, t, 0, len, vm_flags, NULL, 0, false, addr);
	syscall_event(m, t, "mmap", err ? 0 : *addr, len, err);
	return err;
}

int ksys_munmap(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len)
{
	int err;

	charge(m, t, COST_SYSCALL, false);
	err = do_munmap(m, t, addr, len);
	syscall_event(m, t, "munmap", addr, len, err);
	return err;
}

int ksys_brk(struct machine *m, struct task_struct *t, uint64_t newbrk)
{
	int err;

	charge(m, t, COST_SYSCALL, false);
	err = do_brk(m, t, newbrk);
	syscall_event(m, t, "brk", newbrk, 0, err);
	return err;
}

int ksys_madvise(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len,
		 enum vm_madv advice)
{
	int err;

	charge(m, t, COST_SYSCALL, false);
	err = do_madvise(m, t, addr, len, advice);
	syscall_event(m, t, madv_names[advice], addr, len, err);
	return err;
}

/* ---- processes ---- */

int vm_spawn(vm_machine *m, const char *comm, const struct vm_spawn_opts *o)
{
	struct task_struct *t;

	if (o && (o->cgroup < 0 || o->cgroup >= m->nr_memcg))
		return -EINVAL;
	t = task_create(m, comm, NULL);
	if (!t)
		return -ENOMEM;
	if (o) {
		t->uid = o->uid;
		t->oom_score_adj = o->oom_score_adj;
	}
	t->mm = mm_alloc(m);
	if (!t->mm) {
		t->state = TASK_ZOMBIE;
		release_task(m, t);
		return -ENOMEM;
	}
	if (o)
		t->mm->memcg_id = o->cgroup;	/* its pages are charged there (mm->owner) */
	mm_setup_layout(m, t->mm);
	if (setup_stack(m, t->mm)) {
		do_exit(m, t, 1, 0);
		release_task(m, t);
		return -ENOMEM;
	}
	return t->pid;
}

int vm_fork(vm_machine *m, int pid, const char *comm)
{
	struct op_bracket b;
	struct task_struct *p = syscall_enter(m, pid, &b), *c;
	int err;

	if (!p)
		return -ESRCH;
	charge(m, p, COST_FORK, false);
	c = task_create(m, comm ? comm : p->comm, p);
	if (!c)
		return -ENOMEM;
	err = copy_mm(m, p, c);
	if (err) {
		c->state = TASK_ZOMBIE;
		release_task(m, c);
		return err;
	}
	c->clock = p->clock;
	c->start_time = p->clock;
	if (m->task_fork)
		m->task_fork(m, p, c);
	if (m->event_fn) {
		struct vm_event ev = {
			.time = p->clock, .kind = EV_FORK, .pid = p->pid, .cpu = p->cpu,
			.child = c->pid, .what = "fork",
		};
		mm_emit(m, &ev);
	}
	return c->pid;
}

void vm_exit(vm_machine *m, int pid, int code)
{
	struct task_struct *t = find_task(m, pid);

	if (t)
		do_exit(m, t, code & 0xff, 0);
}

int vm_kill(vm_machine *m, int pid, int sig)
{
	struct task_struct *t = find_task(m, pid);

	if (!t)
		return -ESRCH;
	switch (vm_signal_action(sig)) {
	case -1:
		return -EINVAL;
	case VM_SIG_STOP:
		return -ENOSYS;		/* stopped processes are not modelled */
	case VM_SIG_IGNORE:
	case VM_SIG_CONT:		/* continuing a running process: nothing */
		return 0;
	default:
		kill_task(m, t, sig);
		return 0;
	}
}

int vm_status(vm_machine *m, int pid, struct vm_status *st)
{
	struct task_struct *t = find_task(m, pid);

	if (!t)
		return -ESRCH;
	if (t->state != TASK_ZOMBIE)
		return -EAGAIN;
	memset(st, 0, sizeof(*st));
	st->exited = t->exit_signal == 0;
	st->signal = t->exit_signal;
	st->code = st->exited ? t->exit_code : 128 + t->exit_signal;
	st->core_dumped = t->core_dumped;
	st->addr = t->exit_addr;
	st->segv_code = t->segv_code;
	return 0;
}

int vm_reap(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	if (!t)
		return -ESRCH;
	if (t->state != TASK_ZOMBIE)
		return -EAGAIN;
	release_task(m, t);
	return 0;
}

/* ---- memory system calls ---- */

static uint32_t prot_to_vm(int prot)
{
	return (prot & VM_PROT_READ ? VM_READ : 0) | (prot & VM_PROT_WRITE ? VM_WRITE : 0) |
	       (prot & VM_PROT_EXEC ? VM_EXEC : 0);
}

int vm_mmap(vm_machine *m, int pid, const struct vm_mmap_args *a, uint64_t *addr,
	    struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t = syscall_enter(m, pid, &b);
	uint32_t flags;
	int err;

	if (!t)
		return -ESRCH;
	flags = prot_to_vm(a->prot) | (a->shared ? VM_SHARED : 0) |
		/* do_mmap(): MAP_NORESERVE is honoured only while overcommit is allowed */
		(a->noreserve && m->cfg.overcommit_memory != 2 ? VM_NORESERVE : 0);
	if (a->file && !file_lookup(m, a->file))
		err = -EBADF;
	else if (a->file && a->offset & ~PAGE_MASK)
		err = -EINVAL;
	else
		err = do_mmap(m, t, a->addr, a->len, flags, a->file ? file_lookup(m, a->file) : NULL,
			      a->offset >> PAGE_SHIFT, a->fixed, addr);
	if (!err && a->populate)	/* mm_populate(): errors are not reported */
		populate_range(m, t, *addr, *addr + PAGE_ALIGN(a->len), POPULATE_MMAP, false);
	return syscall_exit(m, t, &b, r, "mmap", err ? 0 : *addr, a->len, err);
}

int vm_munmap(vm_machine *m, int pid, uint64_t addr, uint64_t len, struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t = syscall_enter(m, pid, &b);
	int err;

	if (!t)
		return -ESRCH;
	err = do_munmap(m, t, addr, len);
	return syscall_exit(m, t, &b, r, "munmap", addr, len, err);
}

int vm_mprotect(vm_machine *m, int pid, uint64_t addr, uint64_t len, int prot,
		struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t = syscall_enter(m, pid, &b);
	int err;

	if (!t)
		return -ESRCH;
	err = do_mprotect(m, t, addr, len, prot_to_vm(prot));
	return syscall_exit(m, t, &b, r, "mprotect", addr, len, err);
}


int vm_madvise(vm_machine *m, int pid, uint64_t addr, uint64_t len, enum vm_madv advice,
	       struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t;
	int err;

	if ((unsigned)advice >= NR_VM_MADV)
		return -EINVAL;
	t = syscall_enter(m, pid, &b);
	if (!t)
		return -ESRCH;
	err = do_madvise(m, t, addr, len, advice);
	return syscall_exit(m, t, &b, r, madv_names[advice], addr, len, err);
}

static int lock_syscall(struct machine *m, int pid, uint64_t addr, uint64_t len, bool on,
			struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t = syscall_enter(m, pid, &b);
	int err;

	if (!t)
		return -ESRCH;
	err = do_mlock(m, t, addr, len, on);
	return syscall_exit(m, t, &b, r, on ? "mlock" : "munlock", addr, len, err);
}

int vm_mlock(vm_machine *m, int pid, uint64_t addr, uint64_t len, struct vm_result *r)
{
	return lock_syscall(m, pid, addr, len, true, r);
}

int vm_munlock(vm_machine *m, int pid, uint64_t addr, uint64_t len, struct vm_result *r)
{
	return lock_syscall(m, pid, addr, len, false, r);
}

uint64_t vm_brk(vm_machine *m, int pid, uint64_t newbrk, struct vm_result *r)
{
	struct op_bracket b;
	struct task_struct *t = syscall_enter(m, pid, &b);
	int err = 0;

	if (!t)
		return 0;
	if (newbrk)
		err = do_brk(m, t, newbrk);
	if (syscall_exit(m, t, &b, r, "brk", newbrk, 0, err) == VM_ESIGNAL)
		return 0;		/* killed on its way back (an OOM victim) */
	return t->mm->brk;
}

/* ---- scheduling ---- */

int vm_sched_next(vm_machine *m)
{
	struct task_struct *t = sched_pick_next(m);

	return t ? t->pid : 0;
}

void vm_sched_run(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	if (t)
		sched_dispatch(m, t);
}

void vm_sched_stop(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	if (t)
		sched_release(m, t);
	else
		m->current = NULL;
}

int vm_sched_should_yield(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid), *next;

	if (!t || t->state != TASK_RUNNABLE || sched_need_resched(t))
		return 1;
	next = sched_pick_next(m);
	return next && next != t && next->clock < t->clock;
}

void vm_block(vm_machine *m, int pid, enum vm_wait_kind kind, int target)
{
	struct task_struct *t = find_task(m, pid);
	static const enum block_reason why[] = { BLOCK_WAIT, BLOCK_READY, BLOCK_PAUSE };

	if (t)
		sched_block(m, t, why[kind], target);
}

void vm_sleep(vm_machine *m, int pid, uint64_t ns)
{
	struct task_struct *t = find_task(m, pid);

	if (t) {
		t->clock += ns;
		t->nvcsw++;
	}
}

void vm_ready(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	if (t)
		sched_wake_ready(m, t);
}

int vm_is_ready(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	return t && t->ready;
}

char vm_task_state(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	if (!t)
		return 0;
	return t->state == TASK_ZOMBIE ? 'Z' : t->state == TASK_BLOCKED ? 'S' : 'R';
}

int vm_blocked_on(vm_machine *m, int pid, int *target)
{
	struct task_struct *t = find_task(m, pid);

	if (!t || t->state != TASK_BLOCKED)
		return -1;
	*target = t->wait_for;
	switch (t->blocked_on) {
	case BLOCK_WAIT: return VM_WAIT_CHILD;
	case BLOCK_READY: return VM_WAIT_READY;
	default: return VM_WAIT_PAUSE;
	}
}

/* The driver's processes in pid order (kernel threads are the kernel's own). */
int vm_next_pid(vm_machine *m, int after)
{
	for (int pid = after + 1; pid <= m->last_pid && pid < m->pid_cap; pid++)
		if (m->tasks[pid] && !m->tasks[pid]->threadfn)
			return pid;
	return 0;
}

int vm_parent(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	return t && t->parent ? t->parent->pid : 1;
}

uint64_t vm_now(vm_machine *m)
{
	return m->now;
}

uint64_t vm_clock(vm_machine *m, int pid)
{
	struct task_struct *t = find_task(m, pid);

	return t ? t->clock : m->now;
}
