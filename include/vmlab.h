/*
 * vmlab.h - the public C API of vmlab's simulated kernel.
 *
 * A vm_machine is one simulated computer: RAM in zones, CPUs with TLBs, and
 * processes with address spaces. Processes are named by pid, as system calls
 * name them. Every operation is deterministic: the same calls on a machine
 * made from the same configuration give the same results, byte for byte.
 *
 *	struct vm_config c;
 *	vm_config_default(&c);
 *	c.ram = 1ULL << 30;
 *	vm_machine *m = vm_new(&c, err, sizeof err);
 *	int pid = vm_spawn(m, "demo", NULL);
 *	struct vm_mmap_args a = { .len = 100 << 20, .prot = VM_PROT_READ | VM_PROT_WRITE };
 *	uint64_t addr; vm_mmap(m, pid, &a, &addr, NULL);
 *	struct vm_touch_args t = { .addr = addr, .len = a.len, .write = 1 };
 *	struct vm_result r; vm_touch(m, pid, &t, &r);	// r.minflt == 25600
 *	vm_free(m);
 *
 * Errors are negative errno values (-ENOMEM, -EINVAL, ...), or VM_ESIGNAL when
 * the operation killed the process (SIGSEGV): vm_status() then says how.
 *
 * Link with `pkg-config --cflags --libs vmlab` (a static libvmlab.a).
 *
 * Stability: while VMLAB_VERSION_MAJOR is 0 the API may change between
 * minor versions (fields are added to the structures as mechanisms land;
 * initialise them with vm_config_default or `= { 0 }`, never positionally);
 * a release says what changed. From 1.0 on, a minor version only adds.
 * Test VMLAB_VERSION_NUM (major * 10000 + minor * 100 + patch) at compile
 * time, vm_version() at run time.
 */
#ifndef VMLAB_H
#define VMLAB_H

#include <stddef.h>
#include <stdint.h>

#define VMLAB_VERSION_MAJOR	0
#define VMLAB_VERSION_MINOR	1
#define VMLAB_VERSION_PATCH	0
#define VMLAB_VERSION_NUM	(VMLAB_VERSION_MAJOR * 10000 + VMLAB_VERSION_MINOR * 100 + \
				 VMLAB_VERSION_PATCH)
#define VMLAB_VERSION	"0.1.0"
#define VM_PAGE_SIZE	4096ULL

typedef struct machine vm_machine;

enum vm_thp { VM_THP_NEVER, VM_THP_MADVISE, VM_THP_ALWAYS };

struct vm_config {
	uint64_t ram;			/* bytes of simulated RAM */
	uint64_t swap;			/* bytes of swap (0: none) */
	int cpus;
	const char *kernel;		/* kernel profile: "6.18", "6.12" */
	enum vm_thp thp;
	int swappiness;
	long min_free_kbytes;		/* -1: the kernel's own computation */
	uint64_t mmap_min_addr;		/* vm.mmap_min_addr (CONFIG_DEFAULT_MMAP_MIN_ADDR 4096) */
	int max_map_count;		/* vm.max_map_count (DEFAULT_MAX_MAP_COUNT 65530) */
	int overcommit_memory;		/* vm.overcommit_memory: 0 guess, 1 always, 2 never */
	int overcommit_ratio;		/* vm.overcommit_ratio (50): CommitLimit's share of RAM */
	int read_ahead_kb;		/* the disk's queue/read_ahead_kb (VM_READAHEAD_PAGES: 128) */
	int dirty_ratio;		/* vm.dirty_ratio (20) */
	int dirty_background_ratio;	/* vm.dirty_background_ratio (10) */
	int dirty_expire_centisecs;	/* vm.dirty_expire_centisecs (3000) */
	int dirty_writeback_centisecs;	/* vm.dirty_writeback_centisecs (500) */
	int watermark_scale_factor;
	const char *policy;		/* page-replacement policy */
	const char *oom;		/* "modern" or "classic" */
	uint64_t seed;
	/* TLB geometry: entries and ways of each level. */
	int tlb_l1_4k_entries, tlb_l1_4k_ways;
	int tlb_l1_2m_entries, tlb_l1_2m_ways;
	int tlb_l2_entries, tlb_l2_ways;
	const char *costs;		/* cost profile file, NULL: built in */
	const uint64_t *cost_ns;	/* or every item's ns, in vm_cost_name() order */
	int check;			/* keep the content shadow vm_check compares with */
};

void vm_config_default(struct vm_config *c);
/* Read a cost profile ("name = nanoseconds" lines): 0, or -1 and file:line in err. */
int vm_cost_profile_check(const char *path, char *err, size_t errlen);
/* The time model's items: how many, their names, their built-in nanoseconds. */
int vm_cost_items(void);
const char *vm_cost_name(int i);
uint64_t vm_cost_default(int i);
/* The library's version (VMLAB_VERSION of the libvmlab.a linked in). */
const char *vm_version(void);
/* The i-th kernel profile vmlab knows ("6.18", "6.12", ...), NULL past the last. */
const char *vm_kernel_profile_name(int i);
/* Whether name is one of them. */
int vm_kernel_profile_known(const char *name);
/* All of them, separated by sep ("6.18, 6.12, 6.6"), written to buf. */
void vm_kernel_profile_names(char *buf, size_t n, const char *sep);
/* The kernel profile for a release such as "6.18.44": its major.minor's (0),
 * the newest older one (1) or the oldest there is (2), written to name. */
int vm_kernel_profile_match(const char *release, char *name, size_t n);
/* A new machine, booted. NULL and a message in err if the config is invalid. */
vm_machine *vm_new(const struct vm_config *c, char *err, size_t errlen);
void vm_free(vm_machine *m);

/* ---- processes ---- */

struct vm_spawn_opts {
	int uid;
	int oom_score_adj;
	int cgroup;		/* the memory cgroup (vm_cgroup_create()'s id; 0: none) */
};

/* A new process (as if fork+exec of a program with no image) or -errno. */
int vm_spawn(vm_machine *m, const char *comm, const struct vm_spawn_opts *o);
/* fork(2): a child with a copy-on-write copy of pid's address space. */
int vm_fork(vm_machine *m, int pid, const char *comm);
/* exit(2) */
void vm_exit(vm_machine *m, int pid, int code);
/*
 * kill(2). No process installs a handler, so each signal takes its default
 * action (signal(7)): most end the process now; SIGCHLD, SIGURG, SIGWINCH
 * and SIGCONT (of a running process) change nothing; the stop signals are
 * not modelled (-ENOSYS).
 */
int vm_kill(vm_machine *m, int pid, int sig);
enum vm_sig_action { VM_SIG_TERM, VM_SIG_CORE, VM_SIG_IGNORE, VM_SIG_STOP, VM_SIG_CONT };
/* A signal's default action (kernel/signal.c's SIG_KERNEL_*_MASK); -1 for no such signal. */
int vm_signal_action(int sig);

struct vm_status {
	int exited;		/* 1: exit(code); 0: killed by a signal */
	int code;		/* shell-style: exit code, or 128 + signal */
	int signal;
	int core_dumped;
	uint64_t addr;		/* SIGSEGV: the faulting address */
	int segv_code;		/* 1 SEGV_MAPERR, 2 SEGV_ACCERR */
};

/* The status of a process that has ended (zombie or reaped); -ESRCH if alive. */
int vm_status(vm_machine *m, int pid, struct vm_status *st);
/* Reap an ended process (wait(2)): its faults fold into the parent's cmin_flt. */
int vm_reap(vm_machine *m, int pid);

/* ---- memory operations: the results of one operation ---- */

struct vm_result {
	uint64_t minflt, majflt;	/* this operation's rusage deltas */
	uint64_t ns;			/* simulated time it took */
	uint64_t pages;			/* pages in the range it covered */
	uint64_t accesses;		/* memory accesses it made */
	int64_t rss_kb;			/* change of the process's RSS */
	int64_t swap_kb;		/* change of its swap usage */
	int64_t anon_kb, file_kb, shmem_kb;	/* the RSS change by kind (RssAnon, RssFile, RssShmem) */
	int64_t pte_kb;			/* change of its page tables (VmPTE) */
	uint64_t tlb_l1_hits, tlb_l2_hits, tlb_walks;
	uint8_t value;			/* vm_read: the value read */
	int64_t host_evicted;		/* --real: pages of the run's files the host evicted */
};

#define VM_PROT_READ	1
#define VM_PROT_WRITE	2
#define VM_PROT_EXEC	4

struct vm_mmap_args {
	uint64_t addr;			/* hint, 0 = let the kernel choose */
	uint64_t len;
	int prot;			/* VM_PROT_* */
	int shared;			/* MAP_SHARED (anonymous: shmem) */
	int populate;			/* MAP_POPULATE */
	int fixed;			/* MAP_FIXED */
	int noreserve;			/* MAP_NORESERVE */
	int file;			/* a vm_file_create() handle, 0: anonymous */
	uint64_t offset;		/* in the file, page-aligned */
};

int vm_mmap(vm_machine *m, int pid, const struct vm_mmap_args *a,
	    uint64_t *addr, struct vm_result *r);
int vm_munmap(vm_machine *m, int pid, uint64_t addr, uint64_t len, struct vm_result *r);
int vm_mprotect(vm_machine *m, int pid, uint64_t addr, uint64_t len, int prot,
		struct vm_result *r);

enum vm_madv {
	VM_MADV_NORMAL, VM_MADV_RANDOM, VM_MADV_SEQUENTIAL, VM_MADV_WILLNEED,
	VM_MADV_DONTNEED, VM_MADV_COLD, VM_MADV_PAGEOUT, VM_MADV_HUGEPAGE,
	VM_MADV_NOHUGEPAGE, VM_MADV_POPULATE_READ, VM_MADV_POPULATE_WRITE,
	VM_MADV_DONTFORK, VM_MADV_DOFORK, NR_VM_MADV
};

int vm_madvise(vm_machine *m, int pid, uint64_t addr, uint64_t len, enum vm_madv advice,
	       struct vm_result *r);
int vm_mlock(vm_machine *m, int pid, uint64_t addr, uint64_t len, struct vm_result *r);
int vm_munlock(vm_machine *m, int pid, uint64_t addr, uint64_t len, struct vm_result *r);
/* brk(2): returns the new break (or the old one if the request failed). */
uint64_t vm_brk(vm_machine *m, int pid, uint64_t newbrk, struct vm_result *r);

/* ---- accesses ---- */

enum vm_order { VM_ORDER_SEQ, VM_ORDER_REVERSE, VM_ORDER_RANDOM, VM_ORDER_ZIPF };

struct vm_touch_args {
	uint64_t addr, len;
	uint64_t stride;		/* bytes between accesses (default a page) */
	int write;
	int has_value;			/* write this value (else 1) */
	uint8_t value;
	enum vm_order order;
	uint64_t passes;		/* default 1 */
	double zipf;			/* VM_ORDER_ZIPF: exponent */
	uint64_t count;			/* VM_ORDER_ZIPF: number of accesses */
	uint64_t seed;			/* random and Zipf orders draw from this
					 * (0: from the machine's own PRNG) */
};

/*
 * An access pattern over [addr, addr+len): one byte per stride. 0 on success,
 * VM_ESIGNAL if an access killed the process.
 */
int vm_touch(vm_machine *m, int pid, const struct vm_touch_args *a, struct vm_result *r);

/*
 * The same, resumable: vm_touch_step() returns VM_EMORE when the task's
 * scheduling quantum (set by vm_sched_run) is used up, and continues on the
 * next call; 0 when done (r filled), VM_ESIGNAL or -errno.
 */
typedef struct vm_touch_op vm_touch_op;
vm_touch_op *vm_touch_begin(vm_machine *m, int pid, const struct vm_touch_args *a, int *err);
int vm_touch_step(vm_machine *m, vm_touch_op *op, struct vm_result *r);
void vm_touch_end(vm_touch_op *op);
int vm_read(vm_machine *m, int pid, uint64_t addr, struct vm_result *r);
int vm_write(vm_machine *m, int pid, uint64_t addr, uint8_t value, struct vm_result *r);

#define VM_ESIGNAL	(-10000)
#define VM_EMORE	(-10001)	/* the operation yielded its quantum */

/* ---- files and the page cache ---- */

/*
 * A file on the simulated disk (an ext4 file; tmpfs: a shmem file, in
 * memory only): size bytes, every page holding value. It is on disk, not
 * in the page cache, as after a reboot. Returns its handle (> 0) or
 * -EEXIST (the name is taken), -EINVAL, -ENOMEM with why in err.
 */
int vm_file_create(vm_machine *m, const char *name, uint64_t size, uint8_t value, int tmpfs,
		   char *err, size_t errlen);
/* unlink(2): the name goes; the data goes when no mapping holds it. -ENOENT. */
int vm_file_unlink(vm_machine *m, int file);
/* The file's size in bytes (-ENOENT: no such handle). */
int64_t vm_file_size(vm_machine *m, int file);
/*
 * read(2)/write(2) of [off, off + len) through the page cache, in
 * VM_IO_CHUNK-byte calls on one open file (as cat and dd do); r->value:
 * the value at off (read). write extends the file past its end.
 */
#define VM_IO_CHUNK	(128 * 1024)
int vm_file_read(vm_machine *m, int pid, int file, uint64_t off, uint64_t len,
		 struct vm_result *r);
int vm_file_write(vm_machine *m, int pid, int file, uint64_t off, uint64_t len, uint8_t value,
		  struct vm_result *r);
/* fsync(2): write the file's dirty pages and wait for them. */
int vm_fsync(vm_machine *m, int pid, int file, struct vm_result *r);
/* sync(2) by pid (0: the driver, charged to no process). */
int vm_sync(vm_machine *m, int pid, struct vm_result *r);
/* echo 1 > /proc/sys/vm/drop_caches: the clean, unmapped page cache goes; pages dropped. */
uint64_t vm_drop_caches(vm_machine *m);

/* ---- glibc's malloc, modelled over the simulated mmap and brk (src/libc) ---- */

/*
 * malloc/calloc: *addr is the pointer glibc would return (0 and -ENOMEM on
 * failure). The allocator's own writes (chunk headers, tcache, calloc's
 * memset) are accesses of the process and fault like any other.
 */
int vm_malloc(vm_machine *m, int pid, uint64_t size, uint64_t *addr, struct vm_result *r);
int vm_calloc(vm_machine *m, int pid, uint64_t size, uint64_t *addr, struct vm_result *r);
/* free(3); -EINVAL for a pointer malloc did not return (glibc would abort). */
int vm_malloc_free(vm_machine *m, int pid, uint64_t addr, struct vm_result *r);
/* malloc_trim(pad): 1 if memory was released, as glibc returns. */
int vm_malloc_trim(vm_machine *m, int pid, uint64_t pad, struct vm_result *r);
/* The usable size of an allocation (malloc_usable_size), 0 if unknown. */
uint64_t vm_malloc_usable_size(vm_machine *m, int pid, uint64_t addr);

/* ---- scheduling: for drivers that run several processes over time ---- */

enum vm_wait_kind { VM_WAIT_CHILD, VM_WAIT_READY, VM_WAIT_PAUSE };

/* The pid that should run next (earliest simulated clock), 0 if none can. */
int vm_sched_next(vm_machine *m);
/* Put pid on a CPU for one quantum; long operations return VM_EMORE after it. */
void vm_sched_run(vm_machine *m, int pid);
/* pid stopped running (it yielded, blocked or ended). */
void vm_sched_stop(vm_machine *m, int pid);
/*
 * The run loop (vm_run): the kernel runs the task due first, kernel threads
 * in C and processes through the driver's step function, which runs pid's
 * body for one turn (until it yields, blocks or ends) and returns 0,
 * VM_STEP_RETURNED if the body returned (the process then exits with 0), or
 * VM_STEP_NONE if pid has no body (it is killed).
 */
#define VM_STEP_RETURNED	1
#define VM_STEP_NONE		(-1)
typedef int (*vm_step_fn)(void *ctx, int pid);
void vm_set_user_step(vm_machine *m, vm_step_fn fn, void *ctx);
/*
 * Run until until(ctx) is true (returns 1) or nothing can run (returns 0;
 * with until NULL, runs everything and returns 1).
 */
int vm_run(vm_machine *m, int (*until)(void *ctx), void *ctx);
/* Should pid let another process run now (an earlier one is runnable)? */
int vm_sched_should_yield(vm_machine *m, int pid);
/* Block pid until target ends (VM_WAIT_CHILD, 0 = any child), target calls
 * vm_ready (VM_WAIT_READY), or pid is killed (VM_WAIT_PAUSE). */
void vm_block(vm_machine *m, int pid, enum vm_wait_kind kind, int target);
void vm_sleep(vm_machine *m, int pid, uint64_t ns);
void vm_ready(vm_machine *m, int pid);
int vm_is_ready(vm_machine *m, int pid);
/* 'R' runnable, 'S' blocked, 'Z' zombie, 0 no such process. */
char vm_task_state(vm_machine *m, int pid);
/* What a blocked process waits for (VM_WAIT_*, *target the pid), -1 if not blocked. */
int vm_blocked_on(vm_machine *m, int pid, int *target);
/* The next existing (not yet reaped) pid after `after`, 0 if none. */
int vm_next_pid(vm_machine *m, int after);
int vm_parent(vm_machine *m, int pid);
uint64_t vm_now(vm_machine *m);
uint64_t vm_clock(vm_machine *m, int pid);
/* The kernel's invariants (--check); 0, or -1 with a description in err. */
int vm_check(vm_machine *m, char *err, size_t errlen);

/* ---- kernel events (--events); the report layer renders them ---- */

enum vm_event_kind {
	EV_FAULT,		/* a fault handled: how in .what */
	EV_SEGV,		/* a fault that ended in SIGSEGV: why in .what */
	EV_SYSCALL,		/* mmap/munmap/mprotect/madvise/brk/mlock: .what, .addr, .len */
	EV_FORK,		/* .child is the new pid */
	EV_EXIT,		/* .len = exit code, .child = signal */
	EV_TLB_FLUSH,		/* .what "range"/"all", .addr/.len, .child = IPIs sent */
	EV_SWITCH_MM,		/* a CPU loads another mm: .len = ASID */
	EV_OOM,			/* an allocation found no page */
	EV_OOM_KILL,		/* the OOM killer killed .pid (.len: its RSS pages), .what: why */
};

struct vm_event {
	uint64_t time;		/* simulated ns since boot */
	enum vm_event_kind kind;
	int pid;
	int cpu;
	uint64_t addr;
	uint64_t len;
	uint64_t pfn;
	int write;
	int major;		/* EV_FAULT: the fault counted as major */
	int child;
	const char *what;
};

typedef void (*vm_event_fn)(void *ctx, const struct vm_event *ev);
void vm_set_event_callback(vm_machine *m, vm_event_fn fn, void *ctx);

/*
 * A broken kernel rule inside the simulator (a VM_BUG_ON): file and line in
 * the simulator's source and the rule. The callback should not return (vmlab
 * prints the rule and exits with status 3); if it does, or none is set, the
 * program aborts.
 */
typedef void (*vm_bug_fn)(void *ctx, const char *file, int line, const char *rule);
void vm_set_bug_callback(vm_machine *m, vm_bug_fn fn, void *ctx);

/* ---- introspection ---- */

struct vm_kv {
	char name[40];
	int64_t value;
};

#define VM_MAX_KV	256

struct vm_proc {
	int pid, ppid, uid;
	char comm[16];
	char state;			/* R S Z */
	uint64_t vsz_kb, rss_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb, swap_kb;
	uint64_t vm_peak_kb, vm_hwm_kb, vm_lck_kb, vm_data_kb, vm_stk_kb;
	uint64_t vm_exe_kb, vm_lib_kb, vm_pte_kb;
	uint64_t heap_kb;		/* the [heap] VMA: the brk area */
	uint64_t min_flt, maj_flt, cmin_flt, cmaj_flt;
	int oom_score, oom_score_adj;
	uint64_t start_ns, utime_ns, stime_ns;
	/* /proc/PID/smaps_rollup */
	uint64_t vm_lo, vm_hi;		/* first vma start, last vma end */
	uint64_t rss, pss, pss_dirty, pss_anon, pss_file, pss_shmem;	/* kB */
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, swap, swap_pss, locked;
	uint64_t tlb_l1_hits, tlb_l2_hits, tlb_walks, perf_faults;
};

/* One zone of /proc/zoneinfo. Pages. */
struct vm_zone {
	char name[8];
	int64_t free, boost, min, low, high, promo, spanned, present, managed;
	int64_t protection[5];		/* DMA DMA32 Normal Movable Device */
	struct vm_kv stat[16];		/* nr_free_pages, nr_zone_*, nr_mlock */
	int n_stat;
};

/*
 * The run's memory cgroup as memory.stat shows it: the keys cgroup v1 and v2
 * both have, in v2's names and units (bytes; events are counts), hierarchical
 * (v1's total_* lines; second column), then "current" (v2 memory.current,
 * v1 memory.usage_in_bytes). On the simulator the run is the whole machine.
 */
#define VM_MEMSTAT_KEYS(X) \
	X(MEMSTAT_ANON, "anon", "total_rss") \
	X(MEMSTAT_FILE, "file", "total_cache") \
	X(MEMSTAT_SHMEM, "shmem", "total_shmem") \
	X(MEMSTAT_FILE_MAPPED, "file_mapped", "total_mapped_file") \
	X(MEMSTAT_FILE_DIRTY, "file_dirty", "total_dirty") \
	X(MEMSTAT_FILE_WRITEBACK, "file_writeback", "total_writeback") \
	X(MEMSTAT_SWAPCACHED, "swapcached", "total_swapcached") \
	X(MEMSTAT_ANON_THP, "anon_thp", "total_rss_huge") \
	X(MEMSTAT_INACTIVE_ANON, "inactive_anon", "total_inactive_anon") \
	X(MEMSTAT_ACTIVE_ANON, "active_anon", "total_active_anon") \
	X(MEMSTAT_INACTIVE_FILE, "inactive_file", "total_inactive_file") \
	X(MEMSTAT_ACTIVE_FILE, "active_file", "total_active_file") \
	X(MEMSTAT_UNEVICTABLE, "unevictable", "total_unevictable") \
	X(MEMSTAT_PGFAULT, "pgfault", "total_pgfault") \
	X(MEMSTAT_PGMAJFAULT, "pgmajfault", "total_pgmajfault") \
	X(MEMSTAT_CURRENT, "current", NULL)

enum vm_memstat_key {
#define X(key, v2, v1) key,
	VM_MEMSTAT_KEYS(X)
#undef X
	NR_VM_MEMSTAT
};

/* Their names, v2's ("anon", ..., "current"). */
extern const char *const vm_memstat_names[NR_VM_MEMSTAT];

/*
 * Memory cgroups (cgroup v2's memory controller). vm_cgroup_create(): a
 * group under parent (0: the root) limited to max bytes (memory.max; 0:
 * "max"), its id for vm_spawn_opts.cgroup; -EEXIST for a name in use,
 * -ENOSPC past 255 groups. vm_cgroup_memstat(): its memory.stat and
 * memory.current as VM_MEMSTAT_KEYS (into kv, at least NR_VM_MEMSTAT): how
 * many. vm_cgroup_events(): memory.events' max and oom, and memory.peak.
 */
int vm_cgroup_create(vm_machine *m, const char *name, int parent, uint64_t max);
/* memory.oom.group of group id (an OOM kill takes the whole group): 0 or -EINVAL */
int vm_cgroup_set_oom_group(vm_machine *m, int id, int on);
/* memory.min and memory.low of group id, in bytes (0: none): 0 or -EINVAL */
int vm_cgroup_set_protection(vm_machine *m, int id, uint64_t min, uint64_t low);
/* cgroup v1's memory.swappiness (0-200) for the group and the groups made under it later */
int vm_cgroup_set_swappiness(vm_machine *m, int id, int swappiness);
int vm_cgroup_memstat(vm_machine *m, int id, struct vm_kv *kv, int max);
/*
 * The kernel log (dmesg): the lines the simulated kernel wrote, each with
 * its time since boot, as dmesg(1) prints them; *len bytes, not NUL-ended.
 */
const char *vm_dmesg(vm_machine *m, size_t *len);

/*
 * The OOM killer's view (vm.show("oom")): each candidate of a global OOM
 * (memcg 0) or of one in group memcg, with oom_badness()'s terms, the
 * totalpages they are over, and the one the kernel would choose now.
 */
struct vm_oom_row {
	int pid;
	char comm[16];
	int64_t rss, swapents, pgtables;	/* pages */
	int oom_score_adj;
	int64_t adj_points;			/* oom_score_adj * (totalpages / 1000) */
	int64_t badness;			/* their sum; INT64_MIN when not eligible */
	int eligible, chosen;
	int oom_score;				/* /proc/PID/oom_score */
	/* vm.config{ oom = "classic" }: badness() of <= 2.6.35, term by term */
	int classic;				/* chosen is then the classic choice */
	int modern_chosen;			/* the one oom_badness() would choose */
	uint64_t total_vm, children_vm;		/* pages */
	uint64_t cpu_time, run_time;		/* units of 8.192 s CPU, 1024 s alive */
	int root, oom_adj;			/* root: /16; oom_adj: the shift */
	uint64_t points;
};
int vm_oom_candidates(vm_machine *m, int memcg, struct vm_oom_row *rows, int max,
		      uint64_t *totalpages);

/* memory.events' oom_kill: the group's tasks the OOM killer killed (its descendants' too) */
uint64_t vm_cgroup_oom_kills(vm_machine *m, int id);
int vm_cgroup_events(vm_machine *m, int id, uint64_t *max_events, uint64_t *oom_events,
		     uint64_t *peak_bytes);

/* A backend-neutral picture of the machine, as /proc would show it. */
struct vm_snapshot {
	uint64_t uptime_ns;
	int ncpus;
	struct vm_kv meminfo[VM_MAX_KV];	/* /proc/meminfo, kB (HugePages_*: counts) */
	int n_meminfo;
	struct vm_kv vmstat[VM_MAX_KV];		/* /proc/vmstat */
	int n_vmstat;
	/* VM_MEMSTAT_KEYS, those the kernel's files have, in that order;
	 * n_memstat 0 where there is no memory cgroup to read */
	struct vm_kv memstat[NR_VM_MEMSTAT];
	int n_memstat;
	int memstat_own;		/* 1: a cgroup only the run's processes are in */
	struct vm_zone zones[5];		/* /proc/zoneinfo, populated zones */
	int nzones;
	/* /proc/stat: per-mode CPU time (ns), interrupts, context switches */
	uint64_t cpu_user_ns, cpu_system_ns, cpu_idle_ns, cpu_iowait_ns, cpu_steal_ns;
	uint64_t intr, ctxt;
	int procs_running, procs_blocked;
	struct vm_proc *procs;
	int nprocs;
};

int vm_snapshot(vm_machine *m, struct vm_snapshot *s);
void vm_snapshot_release(struct vm_snapshot *s);
/* One process (alive or zombie); -ESRCH if there is none. */
int vm_proc_info(vm_machine *m, int pid, struct vm_proc *p);
/*
 * /proc/PID/maps of the process into buf (NUL-terminated, cut at n): its
 * length, or -ESRCH. A file of vm.file shows as /vmlab/NAME on the disk
 * fe:00 (tmpfs: /dev/shm/NAME), " (deleted)" once unlinked; shared
 * anonymous memory as the kernel shows it, "/dev/zero (deleted)".
 */
int vm_proc_maps(vm_machine *m, int pid, char *buf, size_t n);
/* A software walk of the page table for one address (the pagetable view). */
struct vm_walk_level {
	unsigned index;		/* 9-bit index into this level's table */
	uint64_t table_pfn;	/* the table's frame */
	uint64_t entry;		/* the entry found there */
};

struct vm_walk {
	int pid;
	uint64_t addr;
	uint16_t pcid;		/* the PCID the process's CPU uses for it */
	int cpu;
	int levels;		/* how many levels were read (1-4) */
	struct vm_walk_level lvl[4];	/* PGD, PUD, PMD, PTE */
	int mapped;		/* the walk ended at a present leaf */
	int huge;		/* ... a 2 MiB PMD leaf */
	int zero_page;
	uint64_t pfn, phys;
	int value;		/* the page's content value (-1 if not mapped) */
	int refcount, mapcount;
	int in_vma;
	uint64_t vma_start, vma_end;
	char vma_perms[5];	/* "rw-p" as in /proc/PID/maps */
	int tlb;		/* 0: in no TLB of its CPU; 1: L1; 2: STLB only */
};

int vm_pagewalk(vm_machine *m, int pid, uint64_t addr, struct vm_walk *w);

/* The value of a field of a snapshot list, or -1 if absent. */
int64_t vm_kv_get(const struct vm_kv *kv, int n, const char *name);

#endif
