/*
 * internal.h - what the files of the simulated kernel share (as mm/internal.h).
 *
 * struct machine is the whole simulated computer. The mm files never print:
 * they count (vm_events, per-task and per-mm counters) and emit struct
 * struct vm_event records to an optional hook, which the report layer renders.
 */
#ifndef VMLAB_MM_INTERNAL_H
#define VMLAB_MM_INTERNAL_H

#include <errno.h>
#include <stdio.h>	/* snprintf for error messages; nothing here prints */
#include "../../include/vmlab.h"
#include "mm_types.h"

/*
 * ---- /proc/vmstat events (enum vm_event_item, in the kernel's order) ----
 * One list gives both the enum and the names /proc/vmstat prints.
 */
#define VM_EVENT_ITEMS(X) \
	X(PGPGIN, "pgpgin") \
	X(PGPGOUT, "pgpgout") \
	X(PSWPIN, "pswpin") \
	X(PSWPOUT, "pswpout") \
	X(PGALLOC_DMA, "pgalloc_dma") \
	X(PGALLOC_DMA32, "pgalloc_dma32") \
	X(PGALLOC_NORMAL, "pgalloc_normal") \
	X(ALLOCSTALL_DMA, "allocstall_dma") \
	X(ALLOCSTALL_DMA32, "allocstall_dma32") \
	X(ALLOCSTALL_NORMAL, "allocstall_normal") \
	X(ALLOCSTALL_MOVABLE, "allocstall_movable") \
	X(PGFREE, "pgfree") \
	X(PGACTIVATE, "pgactivate") \
	X(PGDEACTIVATE, "pgdeactivate") \
	X(PGLAZYFREE, "pglazyfree") \
	X(PGFAULT, "pgfault") \
	X(PGMAJFAULT, "pgmajfault") \
	X(PGLAZYFREED, "pglazyfreed") \
	X(PGREFILL, "pgrefill") \
	X(PGREUSE, "pgreuse") \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd") \
	X(PGSTEAL_DIRECT, "pgsteal_direct") \
	X(PGSCAN_KSWAPD, "pgscan_kswapd") \
	X(PGSCAN_DIRECT, "pgscan_direct") \
	X(PGSCAN_ANON, "pgscan_anon") \
	X(PGSCAN_FILE, "pgscan_file") \
	X(PGSTEAL_ANON, "pgsteal_anon") \
	X(PGSTEAL_FILE, "pgsteal_file") \
	X(KSWAPD_LOW_WMARK_HIT_QUICKLY, "kswapd_low_wmark_hit_quickly") \
	X(KSWAPD_HIGH_WMARK_HIT_QUICKLY, "kswapd_high_wmark_hit_quickly") \
	X(PAGEOUTRUN, "pageoutrun") \
	X(PGROTATED, "pgrotated") \
	X(DROP_PAGECACHE, "drop_pagecache") \
	X(DROP_SLAB, "drop_slab") \
	X(OOM_KILL, "oom_kill") \
	X(UNEVICTABLE_PGCULLED, "unevictable_pgs_culled") \
	X(UNEVICTABLE_PGMLOCKED, "unevictable_pgs_mlocked") \
	X(UNEVICTABLE_PGMUNLOCKED, "unevictable_pgs_munlocked") \
	X(THP_FAULT_ALLOC, "thp_fault_alloc") \
	X(THP_FAULT_FALLBACK, "thp_fault_fallback") \
	X(THP_SPLIT_PMD, "thp_split_pmd") \
	X(THP_ZERO_PAGE_ALLOC, "thp_zero_page_alloc") \
	X(SWAP_RA, "swap_ra") \
	X(SWAP_RA_HIT, "swap_ra_hit") \
	X(NR_TLB_REMOTE_FLUSH, "nr_tlb_remote_flush") \
	X(NR_TLB_REMOTE_FLUSH_RECEIVED, "nr_tlb_remote_flush_received") \
	X(NR_TLB_LOCAL_FLUSH_ALL, "nr_tlb_local_flush_all") \
	X(NR_TLB_LOCAL_FLUSH_ONE, "nr_tlb_local_flush_one")

enum vm_event_item {
#define X(item, name) item,
	VM_EVENT_ITEMS(X)
#undef X
	NR_VM_EVENT_ITEMS
};

extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];
extern const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS];
extern const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS];

/* ---- the cost profile (cost.c) ---- */

enum cost_item {
	COST_ACCESS_L1,		/* an access that hits the L1 dTLB */
	COST_ACCESS_L2,		/* extra for an STLB hit */
	COST_PAGE_WALK,		/* extra for a page walk (TLB miss) */
	COST_FAULT_TRAP,	/* exception entry, do_user_addr_fault, return */
	COST_ANON_ZERO,		/* map the zero page */
	COST_ANON_ALLOC,	/* allocate, zero and map a 4 KiB page */
	COST_WP_ZERO,		/* write after the zero page: allocate + zero + remap */
	COST_COW_COPY,		/* copy a 4 KiB page on write */
	COST_COW_REUSE,		/* make an exclusive page writable */
	COST_SHMEM_FAULT,	/* shared anonymous page: allocate and map */
	COST_FAULT_AROUND_PTE,	/* each extra PTE a fault-around maps (the first of its folio) */
	COST_SPURIOUS,		/* a fault that finds nothing to do */
	COST_SYSCALL,		/* entry and exit of a system call */
	COST_VMA_OP,		/* create, split or merge a VMA */
	COST_ZAP_PTE,		/* unmap one present PTE */
	COST_ZAP_FILE_PTE,	/* unmap a page-cache page's PTE (the first of its folio) */
	COST_FREE_PAGE,		/* return a page to the buddy allocator */
	COST_COPY_PTE,		/* fork: copy one present PTE */
	COST_FORK,		/* fork: fixed part (task, mm, stack) */
	COST_EXIT,		/* exit: fixed part */
	COST_TLB_FLUSH_ONE,	/* invlpg */
	COST_TLB_FLUSH_ALL,	/* full flush of one PCID */
	COST_TLB_IPI,		/* a shootdown IPI to one other CPU */
	COST_CONTEXT_SWITCH,
	COST_MALLOC,		/* glibc malloc/free bookkeeping per call */
	COST_SWAP_READ,		/* a swap-in read request: the wait of a major fault */
	COST_SWAP_READ_PAGE,	/* each further page the same request reads */
	COST_SWAP_WRITE_PAGE,	/* the device's time to write one page (async) */
	COST_RECLAIM_PAGE,	/* reclaim's CPU time for one page it scans */
	COST_PAGEOUT,		/* reclaim's CPU time to swap one page out and submit it */
	COST_FILE_FAULT,	/* a file fault's ->fault: find the cached page, map it */
	COST_FILE_MAP_FOLIO,	/* fault-around maps a file folio's first PTE */
	COST_MAP_PTE_BATCH,	/* each further PTE of the same folio (set_pte_range's batch) */
	COST_PAGECACHE_ADD,	/* allocate a page-cache folio's page and add it to the cache */
	COST_COPY_PAGE,		/* read(2)/write(2): copy one page between user and cache */
	COST_WRITE_BEGIN,	/* write(2): the file system's work for a page (write_begin/end) */
	COST_DISK_READ,		/* a read request to the file system's disk: its latency */
	COST_DISK_READ_PAGE,	/* each page the request transfers */
	COST_DISK_WRITE_PAGE,	/* the disk's time to write one page (async) */
	NR_COST_ITEMS
};

struct cost_profile {
	uint64_t ns[NR_COST_ITEMS];
	char source[128];
};

extern const char *const cost_names[NR_COST_ITEMS];
void cost_profile_default(struct cost_profile *p);
/* Reads a "name = ns" profile over the defaults; -1 with a message on error. */
int cost_profile_load(struct cost_profile *p, const char *path, char *err, size_t errlen);
/* The same from an open stream (name_of_f names it in messages). */
int cost_profile_parse(struct cost_profile *p, FILE *f, const char *name_of_f, char *err,
		       size_t errlen);

/* ---- kernel profile: version-dependent behaviour ---- */

struct kernel_profile {
	const char *name;
	int version;			/* 612 for 6.12, 618 for 6.18 */
	bool thp_align_anon;		/* 6.7+: 2 MiB-aligned anon mmaps of 2 MiB multiples */
	bool thp_zero_wp_alloc;		/* 6.13+: write to huge zero page allocates a THP */
	bool faultaround_large_folio;	/* 6.18+: fault-around maps whole large folios */
	bool pt_reclaim;		/* 6.14+: MADV_DONTNEED frees empty PTE tables */
};

int kernel_profile_find(const char *name, struct kernel_profile *out);

/* ---- files and the page cache (filemap.c, readahead.c, shmem.c) ---- */

/*
 * struct address_space (include/linux/fs.h): an inode's page cache. The
 * cache is an array of frame numbers indexed by page offset (PFN_NONE:
 * absent); for a regular file each index also carries what the disk holds
 * there (disk[]) and the order of the folio the cached page belongs to
 * (folio_order[]: the page is index & ~((1 << order) - 1)'s folio; see
 * filemap.c). Shmem objects (shared anonymous memory, tmpfs files) have no
 * disk: their pages are the data.
 */
struct address_space {
	uint32_t *pages;	/* pfn of each page index, PFN_NONE if absent */
	uint8_t *disk;		/* regular files: the content value on disk per page */
	uint8_t *folio_order;	/* regular files: the order of each cached page's folio */
	uint32_t *shadows;	/* workingset shadow entries of evicted pages (NULL: none yet) */
	uint64_t *swp;		/* shmem: the swap entry of each swapped-out index (NULL: none yet) */
	uint64_t swapped;	/* shmem: indexes swapped out (shmem_inode_info->swapped) */
	uint64_t size;		/* pages the arrays hold */
	uint64_t i_size;	/* bytes (regular files and tmpfs files) */
	uint64_t nrpages;	/* pages present */
	uint64_t committed;	/* pages charged to Committed_AS (shmem_acct_size) */
	void *shadow;		/* shadow.c: what the object must hold */
	struct list_head i_mmap;	/* the VMAs mapping it (.shared; rmap.c) */
	int refs;		/* VMAs, open files and the directory entry */
	uint64_t id;		/* inode number */
	bool shmem;		/* shmem_mapping(): swap-backed, no disk */
	bool linked;		/* a name in the directory (vm.file) still names it */
	int file_id;		/* the scenario's handle (vm.file), 0: none */
	uint64_t nr_dirty;	/* dirty pages of this inode */
	uint64_t dirtied_when;	/* inode->dirtied_when: when it became dirty (ns) */
	uint8_t init_value;	/* --check: what the file was made with */
	char name[64];
};

/*
 * struct file_ra_state (include/linux/fs.h): the readahead window of one
 * open file. The window [start, start + size) was read last; the folio at
 * start + size - async_size carries PG_readahead; order is the folio order
 * the next window asks for; mmap_miss counts faults that missed the cache.
 */
struct file_ra_state {
	uint64_t start;
	uint32_t size;
	uint32_t async_size;
	uint32_t ra_pages;	/* the maximum window: read_ahead_kb / 4 */
	uint32_t mmap_miss;
	uint32_t order;
	int64_t prev_pos;	/* the last byte read(2) read, -1: none */
};

/* struct file: an open file (an mmap holds one; read_file opens its own). */
struct file {
	struct address_space *f_mapping;
	struct file_ra_state f_ra;
	bool f_random;		/* FMODE_RANDOM (POSIX_FADV_RANDOM) */
	int refs;
};

struct address_space *shmem_create(struct machine *m, uint64_t size);
void mapping_get(struct address_space *as);
void mapping_put(struct machine *m, struct address_space *as);
struct file *file_open(struct machine *m, struct address_space *as);
static inline void get_file(struct file *f)
{
	f->refs++;
}
void fput(struct machine *m, struct file *f);

/* ---- swap (swapfile.c, swap_state.c, page_io.c) ---- */

#define MAX_SWAPFILES		27	/* 32 swap types less the special entries' */
#define SWAPFILE_CLUSTER	512	/* slots per cluster (HPAGE_PMD_NR) */
#define SWAP_HAS_CACHE		0x8000u	/* swap_map: the slot's page is in the swap cache */
#define SWAP_MAP_MAX		0x7fffu	/* references a slot can count */

/*
 * struct swap_info_struct (include/linux/swap.h): one swap device. Per slot
 * a reference count (the swap PTEs naming it, + SWAP_HAS_CACHE), the
 * content value its data holds, and the swap cache's frame (PFN_NONE when
 * not cached): arrays indexed by offset, as the kernel's swap table is.
 */
struct swap_info_struct {
	int type;
	int prio;
	char name[40];
	uint64_t max;			/* slots, the header at offset 0 included */
	uint64_t pages;			/* usable slots (max - 1) */
	uint64_t inuse_pages;
	uint16_t *swap_map;
	uint8_t *value;
	uint32_t *cache;
	uint32_t *cluster_used;		/* slots in use per cluster */
	uint32_t *shadows;		/* the swap cache's workingset shadow entries (NULL: none yet) */
	uint64_t nr_clusters;
	uint64_t next;			/* the allocator's next offset (its current cluster) */
	uint64_t busy_until;		/* the device finishes the writes queued so far */
};

/* A swap-out in flight: the folio's writeback ends at done (page_io.c). */
struct wb_pending {
	uint32_t pfn;
	uint64_t done;
};

/* ---- reclaim state (vmscan.c) ---- */

struct reclaim_state_node {
	struct task_struct *kswapd;
	int kswapd_order;
	int kswapd_highest_zoneidx;
	int kswapd_failures;		/* balance_pgdat runs that reclaimed nothing */
	int kswapd_priority;		/* its pass in progress; 0: none */
	uint64_t kswapd_reclaimed;	/* this run of balance_pgdat */
	int in_reclaim;			/* PF_MEMALLOC: reclaim never recurses */
};

/* ---- memory cgroups (memcontrol.c) ---- */

#define MAX_MEMCG		255	/* ids fit page->memcg_id; 0 is the root */

enum memcg_event { MEMCG_LOW, MEMCG_HIGH, MEMCG_MAX, MEMCG_OOM, MEMCG_OOM_KILL,
		   MEMCG_OOM_GROUP_KILL, NR_MEMCG_EVENTS };

/*
 * struct mem_cgroup (include/linux/memcontrol.h): a group's limit and
 * usage in pages (memory.max, memory.current, memory.peak), its events
 * (memory.events), its own LRU lists (the lruvec of this node) with their
 * reclaim costs, and its share of the node's page states and fault counts.
 * The root's lruvec is the node's: pages of processes in no group live there.
 */
struct mem_cgroup {
	int id;
	char name[64];
	struct mem_cgroup *parent;
	uint64_t max;			/* pages; UINT64_MAX: "max" */
	uint64_t usage, peak;
	uint64_t events[NR_MEMCG_EVENTS];
	struct lruvec *lruvec;
	struct lruvec own_lruvec;
	uint64_t anon_cost, file_cost;	/* lru_note_cost() of this lruvec */
	int swappiness;			/* v1's memory.swappiness; -1: vm.swappiness (as v2) */
	uint64_t failcnt;		/* memory.failcnt: charges that met this group's max */
	uint64_t min, low;		/* memory.min, memory.low (pages; 0: none) */
	uint64_t emin, elow;		/* their effective values in the reclaim under way */
	bool oom_group;			/* memory.oom.group: an OOM kill takes the whole group */
	uint64_t nonresident_age;	/* lruvec->nonresident_age: evictions + activations */
	int64_t refaults[2];		/* WORKINGSET_ACTIVATE_{ANON,FILE} at the last reclaim */
	int64_t stat[NR_VM_NODE_STAT_ITEMS];
	uint64_t pgfault, pgmajfault;
};

/* ---- the machine ---- */

struct touch_cursor;

struct machine {
	struct vm_config cfg;
	struct kernel_profile kprof;
	struct cost_profile cost;

	struct page *mem_map;		/* indexed by pfn */
	uint64_t max_pfn;		/* one past the highest pfn */
	uint64_t dma32_end_pfn;		/* where RAM below the PCI hole ends */
	struct pglist_data node;
	uint64_t totalram_pages;	/* sum of managed pages */
	uint64_t memmap_pages;		/* reserved for struct pages */
	long min_free_kbytes;
	bool user_min_free_kbytes;
	uint32_t zero_pfn;

	uint64_t vm_events[NR_VM_EVENT_ITEMS];
	int64_t vm_committed_as;	/* pages */

	struct cpu *cpus;
	int nr_cpus;
	uint64_t ctxt;			/* context switches */
	uint64_t dead_utime, dead_stime;	/* CPU time of reaped tasks */
	uint64_t nr_ipis;

	struct task_struct **tasks;	/* indexed by pid */
	int pid_cap;
	int last_pid;
	int nr_tasks;			/* not yet reaped */
	struct task_struct *current;	/* the task the caller acts for */
	uint64_t now;			/* latest time reached by any task */

	uint64_t next_ctx_id;
	uint64_t next_anon_vma;
	uint64_t next_mapping_id;
	struct prng rng;

	uint64_t pt_gen;		/* bumped when any page-table page is freed */
	/* Host memory for page-table pages: 512-entry arrays, recycled. */
	pte_t **pt_free;
	int pt_free_nr, pt_free_cap;

	void *check_scratch;		/* debug.c's per-frame arrays, kept between checks */

	vm_event_fn event_fn;		/* vm_set_event_callback() */
	void *event_ctx;
	/* per-process state of the layers above (src/libc's malloc arena) */
	void (*task_release)(struct machine *m, struct task_struct *t);
	void (*task_fork)(struct machine *m, struct task_struct *parent, struct task_struct *child);
	vm_bug_fn bug_fn;		/* vm_set_bug_callback() */
	void *bug_ctx;
	vm_step_fn user_step;		/* vm_set_user_step(): runs a process's body */
	void *user_step_ctx;
	int last_kpid;			/* kernel threads take pids below the user range */
	bool oom;			/* the last allocation failed */
	bool shadow;			/* keep the content shadow (--check) */

	struct swap_info_struct *swap_info[MAX_SWAPFILES];
	int nr_swapfiles;
	int64_t nr_swap_pages;		/* free slots over all devices */
	uint64_t total_swap_pages;
	uint64_t swapin_ra_prev;	/* swapin_nr_pages()'s prev_offset (cluster readahead) */
	unsigned swapin_ra_hits, swapin_ra_last;	/* swapin_readahead_hits, last_readahead_pages */
	struct wb_pending *wb;		/* swap-outs in flight, by completion time */
	size_t wb_head, wb_nr, wb_cap;	/* a ring */
	struct reclaim_state_node reclaim;
	int kthreads_awake;		/* kernel threads runnable now (sched.c) */
	struct mem_cgroup *memcg[MAX_MEMCG + 1];	/* by id; [0] the root */
	int nr_memcg;

	struct address_space **files;	/* vm.file's inodes by handle - 1 (NULL: freed) */
	int nr_files, files_cap;
	uint64_t disk_busy_until;	/* the file system's disk finishes its queue */
	uint32_t ra_pages;		/* the disk's bdi->ra_pages (read_ahead_kb / 4) */
	struct task_struct *flusher;	/* the writeback worker (page-writeback.c) */
	uint64_t flusher_next;		/* its next periodic run (dirty_writeback_centisecs) */
	bool flusher_all;		/* asked to write everything (sync, reclaim) */
	uint64_t boot_free_pages;	/* free after boot: init_{admin,user}_reserve's base */
	char *log;			/* the kernel log (printk.c) */
	size_t log_len;
};

/*
 * VM_BUG_ON (include/linux/mmdebug.h): a rule of the kernel broken inside
 * the simulator. mm_bug() records the rule and where, calls the hook the
 * program set (vm_set_bug_callback: vmlab prints it and exits with status
 * 3), and aborts if there is none or it returns. Never compiled out: a
 * broken rule must not turn into a wrong count.
 */
_Noreturn void mm_bug(struct machine *m, const char *file, int line, const char *rule);

#define VM_BUG_ON(m, cond, rule) \
	do { if (__builtin_expect(!!(cond), 0)) mm_bug((m), __FILE__, __LINE__, (rule)); } while (0)

/* Simulated time: charge ns of CPU time to the current task. */
static inline void charge(struct machine *m, struct task_struct *t, enum cost_item c, bool user)
{
	uint64_t ns = m->cost.ns[c];

	t->clock += ns;
	if (user)
		t->utime += ns;
	else
		t->stime += ns;
}

static inline void charge_n(struct machine *m, struct task_struct *t, enum cost_item c,
			    uint64_t n, bool user)
{
	uint64_t ns = m->cost.ns[c] * n;

	t->clock += ns;
	if (user)
		t->utime += ns;
	else
		t->stime += ns;
}

static inline void count_vm_event(struct machine *m, enum vm_event_item i)
{
	m->vm_events[i]++;
}

static inline void count_vm_events(struct machine *m, enum vm_event_item i, uint64_t n)
{
	m->vm_events[i] += n;
}

void mm_emit(struct machine *m, const struct vm_event *ev);

/* ---- pages (page_alloc.c) ---- */

static inline struct page *pfn_to_page(struct machine *m, uint64_t pfn)
{
	return &m->mem_map[pfn];
}

static inline uint64_t page_to_pfn(struct machine *m, const struct page *p)
{
	return (uint64_t)(p - m->mem_map);
}

static inline bool PageFlag(const struct page *p, enum pageflags f)
{
	return p->flags & PF(f);
}

static inline void SetPageFlag(struct page *p, enum pageflags f)
{
	p->flags |= PF(f);
}

static inline void ClearPageFlag(struct page *p, enum pageflags f)
{
	p->flags &= ~PF(f);
}

enum zone_type pfn_zone(const struct machine *m, uint64_t pfn);

#define __GFP_ZERO	0x1u	/* the page's content value starts at 0 */
#define __GFP_DMA32	0x2u	/* no higher than ZONE_DMA32 */
#define GFP_KERNEL	0x0u
#define __GFP_MOVABLE	0x4u	/* a user page: its direct reclaim counts allocstall_movable */
#define GFP_HIGHUSER_MOVABLE __GFP_MOVABLE

/* alloc_pages(): the head page of 2^order frames, or NULL (nothing free). */
struct page *alloc_pages(struct machine *m, unsigned gfp, unsigned order);
/* split_page(): 2^order frames become as many order-0 pages, each with a reference. */
void split_page(struct machine *m, struct page *page, unsigned order);
/* Free 2^order frames back to the buddy allocator. */
void __free_pages(struct machine *m, struct page *page, unsigned order);
/* Drop a reference; frees the page (off the LRU first) when it reaches 0. */
void put_page(struct machine *m, struct page *page);

int page_alloc_init(struct machine *m, char *err, size_t errlen);
void memmap_free(struct machine *m);
void setup_per_zone_wmarks(struct machine *m);
void init_per_zone_wmark_min(struct machine *m);
bool zone_watermark_ok(const struct zone *z, unsigned order, uint64_t mark,
		       int highest_zoneidx, uint64_t free_pages);
uint64_t nr_free_pages(const struct machine *m);
uint64_t int_sqrt(uint64_t x);
uint64_t si_mem_available(const struct machine *m);

/* ---- per-node counters (vmstat.c) ---- */

void mod_node_page_state(struct machine *m, enum node_stat_item i, int64_t delta);
/* lruvec_stat_mod_folio(): the node's state and the page's memory cgroup's. */
void mod_lruvec_page_state(struct machine *m, const struct page *page, enum node_stat_item i,
			   int64_t delta);
void mod_zone_page_state(struct machine *m, uint64_t pfn, enum zone_stat_item i, int64_t delta);
int64_t node_page_state(const struct machine *m, enum node_stat_item i);
int64_t global_zone_page_state(const struct machine *m, enum zone_stat_item i);

/* ---- LRU lists (vmscan.c) ---- */

void pfn_list_init(struct pfn_list *l);
void pfn_list_add(struct machine *m, struct pfn_list *l, uint32_t pfn, bool tail);
void pfn_list_del(struct machine *m, struct pfn_list *l, uint32_t pfn);

void folio_add_lru(struct machine *m, struct page *page, enum lru_list lru);
void lruvec_del_folio(struct machine *m, struct page *page);
enum lru_list folio_lru_list(const struct page *page);

/* ---- page tables (pgtable.c) ---- */

/* PTE bits (arch/x86/include/asm/pgtable_types.h) */
#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_PWT	(1ULL << 3)
#define _PAGE_PCD	(1ULL << 4)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)	/* PMD/PUD: maps a huge page */
#define _PAGE_GLOBAL	(1ULL << 8)
#define _PAGE_PROTNONE	_PAGE_GLOBAL	/* only when !_PAGE_PRESENT */
#define _PAGE_SPECIAL	(1ULL << 9)	/* _PAGE_BIT_SOFTW1: no struct page use */
#define _PAGE_NX	(1ULL << 63)
#define PTE_PFN_MASK	0x000ffffffffff000ULL
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

static inline uint64_t pte_pfn(pte_t pte)
{
	return (pte & PTE_PFN_MASK) >> PAGE_SHIFT;
}

static inline bool pte_none(pte_t pte)
{
	return pte == 0;
}

static inline bool pte_present(pte_t pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

static inline bool pte_write(pte_t pte)
{
	return pte & _PAGE_RW;
}

static inline bool pte_special(pte_t pte)
{
	return pte & _PAGE_SPECIAL;
}

static inline pte_t pfn_pte(uint64_t pfn, pte_t prot)
{
	return (pfn << PAGE_SHIFT) | prot;
}

static inline unsigned pgd_index(uint64_t va) { return (va >> PGDIR_SHIFT) & 511; }
static inline unsigned pud_index(uint64_t va) { return (va >> PUD_SHIFT) & 511; }
static inline unsigned pmd_index(uint64_t va) { return (va >> PMD_SHIFT) & 511; }
static inline unsigned pte_index(uint64_t va) { return (va >> PAGE_SHIFT) & 511; }

/* The host array behind a page-table entry that points to a lower table. */
static inline pte_t *table_of(struct machine *m, pte_t entry)
{
	return m->mem_map[pte_pfn(entry)].table;
}

/*
 * Swap entries (include/linux/swapops.h, arch/x86 pgtable_64.h): a
 * non-present PTE that is not PROT_NONE carries a swap type (bits 9-13) and
 * an offset (bits 14-57), the offset stored inverted as x86 does since L1TF,
 * so that the frame bits of a non-present PTE never name real memory and an
 * entry is never 0 (the all-ones offset is never used: swap devices are
 * capped below it, as max_swapfile_size() caps them). Types at or past
 * MAX_SWAPFILES are the kernel's other non-present entries (migration,
 * markers).
 */
typedef struct { uint64_t val; } swp_entry_t;

#define SWP_TYPE_SHIFT		9
#define SWP_TYPE_BITS		5
#define SWP_OFFSET_SHIFT	14
#define SWP_OFFSET_BITS		44
#define SWP_OFFSET_MASK		((1ULL << SWP_OFFSET_BITS) - 1)

static inline swp_entry_t swp_entry(unsigned type, uint64_t offset)
{
	return (swp_entry_t){ ((uint64_t)type << SWP_OFFSET_BITS) | (offset & SWP_OFFSET_MASK) };
}

static inline unsigned swp_type(swp_entry_t e)
{
	return (unsigned)(e.val >> SWP_OFFSET_BITS);
}

static inline uint64_t swp_offset(swp_entry_t e)
{
	return e.val & SWP_OFFSET_MASK;
}

static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return ((uint64_t)swp_type(e) << SWP_TYPE_SHIFT) |
	       ((~swp_offset(e) & SWP_OFFSET_MASK) << SWP_OFFSET_SHIFT);
}

static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry((unsigned)((pte >> SWP_TYPE_SHIFT) & ((1u << SWP_TYPE_BITS) - 1)),
			 ~(pte >> SWP_OFFSET_SHIFT) & SWP_OFFSET_MASK);
}

/* _PAGE_SWP_EXCLUSIVE (x86: the PSE bit of a swap PTE): the page was PageAnonExclusive. */
#define _PAGE_SWP_EXCLUSIVE	_PAGE_PSE

/* is_swap_pte(): not empty, not present (PROT_NONE counts as present). */
static inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}

/* pmd_trans_huge() / pud_trans_huge(): the entry maps a huge page itself. */
static inline bool pmd_huge(pte_t pmd)
{
	return (pmd & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE);
}

/* vm_get_page_prot(): the PTE protection bits a VMA's flags give. */
pte_t vm_get_page_prot(uint32_t vm_flags);
int pgd_alloc(struct machine *m, struct mm_struct *mm);
void pgd_free(struct machine *m, struct mm_struct *mm);
/* The PTE slot for addr; allocates missing tables if alloc. NULL: none / no memory. */
pte_t *pte_offset(struct machine *m, struct mm_struct *mm, uint64_t addr, bool alloc);
/* pmd_alloc(): the PMD entry over addr, making the PUD and PMD tables if missing. */
pte_t *pmd_alloc(struct machine *m, struct mm_struct *mm, uint64_t addr);
/* pte_offset_map() / pte_alloc(): the PTE slot for addr under the PMD entry *pmd. */
pte_t *pte_offset_pmd(struct machine *m, struct mm_struct *mm, pte_t *pmd, uint64_t addr,
		      bool alloc);
/*
 * struct mmu_gather (include/asm-generic/tlb.h): the range of addresses whose
 * PTEs (or page tables) an operation cleared, flushed once at the end.
 */
struct mmu_gather {
	struct mm_struct *mm;
	struct task_struct *task;	/* who is charged for the work and the flush (may be NULL) */
	uint64_t start, end;
	bool fullmm;
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm, struct task_struct *t,
		    bool fullmm);
void tlb_adjust_range(struct mmu_gather *tlb, uint64_t addr, uint64_t size);
void tlb_finish_mmu(struct machine *m, struct mmu_gather *tlb);

void free_pgd_range(struct machine *m, struct mmu_gather *tlb, uint64_t addr,
		    uint64_t end, uint64_t floor, uint64_t ceiling);
pte_t walk_peek(struct machine *m, struct mm_struct *mm, uint64_t addr);
/* A hardware walk: the leaf entry (0 if none), setting accessed bits on the way. */
pte_t walk_hw(struct machine *m, struct cpu *c, struct mm_struct *mm, uint64_t addr,
	      pte_t **slot);

/* ---- the page walker (pagewalk.c) ---- */

enum walk_kind { WALK_NONE, WALK_PRESENT, WALK_SWAP, WALK_NONPRESENT, WALK_HUGE };
enum page_walk_action { ACTION_SUBTREE, ACTION_CONTINUE };

struct mm_walk;

/*
 * struct mm_walk_ops: the upper levels' callbacks get [addr, next) and the
 * entry's kind (WALK_PRESENT: a table, WALK_HUGE: a huge page); pte_entry
 * one PTE. A non-zero return stops the walk and is returned.
 */
struct mm_walk_ops {
	int (*pgd_entry)(struct mm_walk *w, pte_t *pgd, uint64_t addr, uint64_t next,
			 enum walk_kind kind);
	int (*pud_entry)(struct mm_walk *w, pte_t *pud, uint64_t addr, uint64_t next,
			 enum walk_kind kind);
	int (*pmd_entry)(struct mm_walk *w, pte_t *pmd, uint64_t addr, uint64_t next,
			 enum walk_kind kind);
	int (*pte_entry)(struct mm_walk *w, pte_t *pte, uint64_t addr, enum walk_kind kind);
	/* no table at depth (0 PGD .. 2 PMD), or no VMA (-1) over [addr, next) */
	int (*pte_hole)(struct mm_walk *w, uint64_t addr, uint64_t next, int depth);
	bool walk_none;		/* pte_entry sees empty PTEs too */
};

struct mm_walk {
	const struct mm_walk_ops *ops;
	struct machine *m;
	struct mm_struct *mm;
	struct vm_area_struct *vma;	/* NULL in walk_page_range_novma() */
	void *private;
	enum page_walk_action action;	/* set by pXd_entry: descend or not */
};

enum walk_kind walk_kind_of(pte_t entry, int level);
int walk_page_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		    const struct mm_walk_ops *ops, void *private);
int walk_page_range_vma(struct machine *m, struct vm_area_struct *vma, uint64_t start,
			uint64_t end, const struct mm_walk_ops *ops, void *private);
int walk_page_range_novma(struct machine *m, struct mm_struct *mm, uint64_t start,
			  uint64_t end, const struct mm_walk_ops *ops, void *private);

/* ---- TLB (tlb.c) ---- */

int tlb_init(struct machine *m, char *err, size_t errlen);
void tlb_free(struct machine *m);
void switch_mm(struct machine *m, struct cpu *c, struct mm_struct *next, struct task_struct *t);
void flush_tlb_mm_range(struct machine *m, struct mm_struct *mm, uint64_t start,
			uint64_t end, struct task_struct *t);
void flush_tlb_mm(struct machine *m, struct mm_struct *mm, struct task_struct *t);
void flush_tlb_page(struct machine *m, struct mm_struct *mm, uint64_t addr,
		    struct task_struct *t);
/* The faulting CPU drops its entry for addr (a fault invalidates it). */
void tlb_invalidate_local(struct machine *m, struct cpu *c, uint64_t addr);
void mm_drop_cpus(struct machine *m, struct mm_struct *mm);
struct tlb_entry *tlb_lookup(struct cpu *c, uint64_t vpn, uint16_t pcid, int *level);
void tlb_fill(struct cpu *c, uint64_t vpn, uint16_t pcid, pte_t pte);

static inline uint16_t kern_pcid(uint16_t asid)
{
	return (uint16_t)(asid + 1);
}

/* ---- VMAs (mmap.c, mprotect.c, madvise.c) ---- */

struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr);
struct vm_area_struct *vma_last(const struct mm_struct *mm);
/* Put vma in mm's tree and list, or take it out (vma_tree.c). */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
/* v's gap changed: its vm_start moved, or its predecessor's vm_end did. */
void vma_gap_update(struct mm_struct *mm, struct vm_area_struct *v);
#define STACK_GUARD_GAP	(256ULL << PAGE_SHIFT)	/* stack_guard_gap */
/* vm_start_gap(): where v's claim begins; a stack's includes its guard gap. */
uint64_t vm_start_gap(const struct vm_area_struct *v);
/* --check: the tree's fault, written to buf, or NULL if it is sound. */
const char *vma_tree_check(const struct mm_struct *mm, char *buf, size_t len);
uint64_t unmapped_area_topdown(struct mm_struct *mm, uint64_t len, uint64_t low,
			       uint64_t high, uint64_t align);
struct mm_struct *mm_alloc(struct machine *m);
void mmput(struct machine *m, struct mm_struct *mm, struct task_struct *t);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(const struct vm_area_struct *orig, struct mm_struct *mm);
void vm_area_free(struct machine *m, struct vm_area_struct *v);
/* Does [start, end) lie entirely inside VMAs? */
bool range_mapped(struct mm_struct *mm, uint64_t start, uint64_t end);
/* Give [start, end) of the VMAs there new flags: split, set, merge. */
int update_vma_flags(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end,
		     uint32_t set, uint32_t clear, uint64_t *changed);
int do_mmap(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len,
	    uint32_t vm_flags, struct address_space *file, uint64_t pgoff, bool fixed,
	    uint64_t *out);
int do_munmap(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len);
int do_brk(struct machine *m, struct task_struct *t, uint64_t newbrk);
int do_mprotect(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len,
		uint32_t newflags_rwx);
int do_madvise(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len,
	       enum vm_madv advice);
int do_mlock(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len, bool on);
/* Split so that a VMA boundary falls at addr (if addr is inside a VMA). */
int split_vma_at(struct machine *m, struct mm_struct *mm, uint64_t addr);
void vma_merge_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end);
void vm_stat_account(struct mm_struct *mm, uint32_t flags, int64_t npages);
void mm_setup_layout(struct machine *m, struct mm_struct *mm);
int setup_stack(struct machine *m, struct mm_struct *mm);

/* unmap_page_range(): clear the PTEs of [start, end) in one VMA. */
/* try_to_free_pte(): free the PTE table mapping the 2 MiB at addr if all its
 * entries are none (true if it went). */
bool try_to_free_pte(struct machine *m, struct mmu_gather *tlb, uint64_t addr);
void zap_vma_range(struct machine *m, struct mmu_gather *tlb, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end);
void update_hiwater_rss(struct mm_struct *mm);
uint64_t get_mm_rss(const struct mm_struct *mm);

/* ---- faults (memory.c, fault.c, gup.c) ---- */

#define VM_FAULT_OOM		0x0001u
#define VM_FAULT_SIGBUS		0x0002u
#define VM_FAULT_MAJOR		0x0004u
#define VM_FAULT_SIGSEGV	0x0040u
#define VM_FAULT_NOPAGE		0x0100u
#define VM_FAULT_RETRY		0x0400u
#define VM_FAULT_ERROR		(VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

#define FAULT_FLAG_WRITE	0x01u
#define FAULT_FLAG_USER		0x02u
#define FAULT_FLAG_REMOTE	0x04u	/* GUP from a syscall (regs == NULL) */
#define FAULT_FLAG_TRIED	0x08u	/* a retry after a major attempt: counts as major */
#define FAULT_FLAG_RETRIED	0x10u	/* the attempt after a VM_FAULT_RETRY: it waits, never drops */

/* struct vm_fault (include/linux/mm.h): one fault's state on its way down. */
struct vm_fault {
	struct vm_area_struct *vma;
	struct task_struct *task;	/* whose fault: charged and counted */
	uint64_t address;		/* page-aligned */
	uint64_t real_address;		/* as faulted */
	unsigned flags;			/* FAULT_FLAG_* */
	uint64_t pgoff;			/* linear_page_index(vma, address) */
	pte_t *pmd;			/* the PMD entry over address */
	pte_t *pte;			/* the PTE slot, NULL while there is no PTE table */
	pte_t orig_pte;			/* the PTE as the fault found it */
	struct page *page;		/* ->fault()'s page */
	const char *what;		/* ->fault()'s account of it, for --events */
	bool major;			/* the fault read from a device (--events says so) */
};

/*
 * struct vm_operations_struct: how a mapping with an object behind it
 * (shmem now, files later) supplies pages. Anonymous VMAs have none
 * (vma_is_anonymous).
 */
struct vm_operations_struct {
	const char *name;
	/* the page at vmf->pgoff in vmf->page, or VM_FAULT_* */
	unsigned (*fault)(struct machine *m, struct vm_fault *vmf);
	/* fault-around: map what is cached of [start, end]; returns how many */
	uint64_t (*map_pages)(struct machine *m, struct vm_fault *vmf, uint64_t start_idx,
			      uint64_t end_idx);
	const char *fault_around_event;
	/* a write is about to dirty the page of a shared mapping (write-notify) */
	void (*page_mkwrite)(struct machine *m, struct vm_fault *vmf);
};

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

/*
 * vma_wants_writenotify(): a shared writable mapping of a file whose
 * writes must be seen (->page_mkwrite, dirty accounting): its PTEs are
 * mapped read-only (vma->vm_page_prot without RW) until a write fault has
 * dirtied the page.
 */
static inline bool vma_wants_writenotify(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE) &&
	       vma->vm_ops && vma->vm_ops->page_mkwrite;
}

/* One user page (anon, CoW copy, shmem) of 2^order frames: the allocation seam. */
struct page *vma_alloc_folio(struct machine *m, unsigned gfp, unsigned order,
			     struct vm_area_struct *vma, uint64_t addr);

unsigned handle_mm_fault(struct machine *m, struct task_struct *t,
			 struct vm_area_struct *vma, uint64_t addr, unsigned flags);
void mm_account_fault(struct machine *m, struct task_struct *t, unsigned ret, unsigned flags);
/* The x86 page-fault handler: 0, or VM_ESIGNAL after delivering SIGSEGV. */
int do_user_addr_fault(struct machine *m, struct task_struct *t, uint64_t addr, bool write);
/*
 * A store by the current task that changes no content value: the writes of
 * an allocator's bookkeeping (chunk headers) into a page whose one-byte
 * value stands for the user's data. Faults like any store.
 */
int vm_access_meta(struct machine *m, struct task_struct *t, uint64_t addr);
/* A store of value over [addr, addr+len) by t, one access per page (memset). */
int vm_access_fill(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len,
		   uint8_t value);
/*
 * Fault [start, end) in through GUP. POPULATE_MMAP is __mm_populate()'s rule
 * (MAP_POPULATE, mlock): writable private memory is faulted for writing,
 * the rest for reading. MADV_POPULATE_READ and _WRITE ask for one kind.
 */
enum populate_mode { POPULATE_MMAP, POPULATE_READ, POPULATE_WRITE };

/*
 * __mm_populate() / faultin_page_range(): fault in [start, end). 0; -EACCES
 * when a VMA does not allow it (check_vma_flags(): PROT_NONE, or a write to
 * a read-only mapping), which each caller reports as the kernel's does
 * (mlock: ENOMEM, MADV_POPULATE_*: EINVAL, mmap: ignored); -EFAULT when a
 * fault fails; -ENOMEM; -EINTR.
 */
int populate_range(struct machine *m, struct task_struct *t, uint64_t start,
		   uint64_t end, enum populate_mode mode, bool locked_only);
int expand_stack(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		 uint64_t addr);

/* ---- rmap (rmap.c) and RSS counters (memory.c) ---- */

/* linear_page_index(): the page offset of addr within vma's object (or anon space). */
static inline uint64_t linear_page_index(const struct vm_area_struct *vma, uint64_t addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* folio_anon_vma(): the anon_vma an anonymous page belongs to. */
static inline struct anon_vma *folio_anon_vma(const struct page *page)
{
	return PageFlag(page, PG_anon) ? (struct anon_vma *)(void *)page->mapping : NULL;
}

int anon_vma_prepare(struct machine *m, struct vm_area_struct *vma);
int anon_vma_clone(struct vm_area_struct *dst, const struct vm_area_struct *src);
int anon_vma_fork(struct machine *m, struct vm_area_struct *vma, const struct vm_area_struct *pvma);
void unlink_anon_vmas(struct vm_area_struct *vma);
void vma_link_file(struct vm_area_struct *vma);
void unlink_file_vma(struct vm_area_struct *vma);

void folio_add_new_anon_rmap(struct machine *m, struct page *page, struct vm_area_struct *vma,
			     uint64_t addr, bool exclusive);
void folio_add_anon_rmap_pte(struct machine *m, struct page *page, struct vm_area_struct *vma,
			     bool exclusive);
void folio_dup_anon_rmap_pte(struct machine *m, struct page *page);
void folio_add_file_rmap_pte(struct machine *m, struct page *page, struct vm_area_struct *vma);
void folio_remove_rmap_pte(struct machine *m, struct page *page, struct vm_area_struct *vma);

/* struct rmap_walk_control: rmap_one() returns false to stop the walk. */
struct rmap_walk_control {
	bool (*rmap_one)(struct machine *m, struct page *page, struct vm_area_struct *vma,
			 uint64_t addr, pte_t *ptep, void *arg);
	bool (*invalid_vma)(struct vm_area_struct *vma, void *arg);	/* skip this VMA */
	void *arg;
};

void rmap_walk(struct machine *m, struct page *page, const struct rmap_walk_control *rwc);
/*
 * folio_referenced(): how many mappings had the accessed bit set (each is
 * cleared); *vm_flags gets their VMAs' flags, VM_LOCKED if one is locked
 * (the walk stops there).
 */
int folio_referenced(struct machine *m, struct page *page, uint32_t *vm_flags);
/*
 * try_to_unmap(): replace every PTE mapping page with what new_pte returns
 * (a swap entry; NULL or 0: empty), charging the TLB flushes to t. False if
 * a VM_LOCKED VMA maps it (the rest may be unmapped already, as in Linux).
 */
typedef pte_t (*ttu_pte_fn)(struct machine *m, struct page *page, struct vm_area_struct *vma,
			    uint64_t addr, pte_t old, void *ctx);
bool try_to_unmap(struct machine *m, struct task_struct *t, struct page *page, ttu_pte_fn new_pte,
		  void *ctx);

void add_mm_counter(struct mm_struct *mm, int member, int64_t v);
int mm_counter_of(const struct page *page);

/* ---- shmem (shmem.c) and the page cache (filemap.c, readahead.c, page-writeback.c) ---- */

extern const struct vm_operations_struct shmem_vm_ops;
extern const struct vm_operations_struct generic_file_vm_ops;
struct page *shmem_get_folio(struct machine *m, struct task_struct *t, struct address_space *as,
			     uint64_t idx);
/* shmem_writeout(): reclaim writes a dirty unmapped shmem page to the free slot e. */
void shmem_writeout(struct machine *m, struct task_struct *t, struct page *page, swp_entry_t e);

/* Fault-around (filemap.c): VM_FAULT_NOPAGE if the faulting address got mapped. */
unsigned do_fault_around(struct machine *m, struct vm_fault *vmf);
uint64_t filemap_map_pages(struct machine *m, struct vm_fault *vmf, uint64_t start_idx,
			   uint64_t end_idx);
void map_file_page(struct machine *m, struct vm_area_struct *vma, pte_t *ptep,
		   struct page *page, bool write);
/* finish_fault()'s range: the pages of vmf->page's folio it may map with it (6.18). */
uint64_t finish_fault_folio(struct machine *m, struct vm_fault *vmf);

#define MAX_PAGECACHE_ORDER	9	/* min(PMD_ORDER, ...) on x86-64: the largest page-cache folio */

/* The cached page at idx, NULL if there is none (filemap_get_folio()). */
static inline struct page *cache_page(struct machine *m, const struct address_space *as,
				      uint64_t idx)
{
	return as->pages[idx] == PFN_NONE ? NULL : pfn_to_page(m, as->pages[idx]);
}

/* Are [idx, idx + n) all absent from the cache (filemap_add_folio() would not fail)? */
static inline bool cache_range_free(const struct address_space *as, uint64_t idx, uint64_t n)
{
	for (uint64_t i = idx; i < idx + n; i++)
		if (as->pages[i] != PFN_NONE)
			return false;
	return true;
}

/* The file's pages: DIV_ROUND_UP(i_size, PAGE_SIZE). */
static inline uint64_t file_pages(const struct address_space *as)
{
	return (as->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}
/* The first index of the folio the cached page at idx belongs to, and its order. */
static inline unsigned folio_order_at(const struct address_space *as, uint64_t idx)
{
	return as->folio_order ? as->folio_order[idx] : 0;
}
static inline uint64_t folio_index_at(const struct address_space *as, uint64_t idx)
{
	return idx & ~((1ULL << folio_order_at(as, idx)) - 1);
}
/*
 * A page-cache page of a file whose read is still in flight: the read
 * ends at page->private (ns). Such a page is locked and not uptodate for
 * whoever comes before then (filemap.c).
 */
static inline bool folio_read_pending(const struct page *page, uint64_t now)
{
	return !PageFlag(page, PG_swapbacked) && page->private > now;
}

struct address_space *file_create(struct machine *m, const char *name, uint64_t size,
				  uint8_t value, char *err, size_t errlen);
/* Make room for pages [0, n) (a write past EOF); -ENOMEM. */
int mapping_grow(struct address_space *as, uint64_t n);
/*
 * filemap_alloc_folio() + filemap_add_folio(): 2^order new pages for
 * [idx, idx + 2^order) charged to t's group, in the cache, on the inactive
 * file list (active if a read refaults them: workingset.c), not yet read
 * (the caller reads or fills them). NULL if memory ran out (nothing is added).
 */
struct page *filemap_add_new_folio(struct machine *m, struct task_struct *t,
				   struct address_space *as, uint64_t idx, unsigned order, bool read);
/* __filemap_remove_folio(): the page leaves the cache (the cache's reference goes);
 * shadow: reclaim's workingset entry left in its slot (0: none). */
void __filemap_remove_page(struct machine *m, struct page *page, uint32_t shadow);
void filemap_remove_page(struct machine *m, struct page *page);
/* invalidate_mapping_pages(): drop the clean, unmapped, idle pages; how many. */
uint64_t invalidate_mapping_pages(struct machine *m, struct address_space *as);
/* truncate_inode_pages_range() from page index from: every page goes. */
void truncate_inode_pages(struct machine *m, struct address_space *as, uint64_t from);
/* filemap_read(): read(2) of [pos, pos + len); *first: the value at pos. */
int filemap_read(struct machine *m, struct task_struct *t, struct file *f, uint64_t pos,
		 uint64_t len, uint8_t *first);
/* generic_perform_write(): write(2) of value over [pos, pos + len). */
int generic_perform_write(struct machine *m, struct task_struct *t, struct file *f,
			  uint64_t pos, uint64_t len, uint8_t value);
/* The machine's files (vm.file) by handle. */
struct address_space *file_lookup(struct machine *m, int id);
/* vm_free(): every file goes, cache and all. */
void files_exit(struct machine *m);

/* readahead.c */
void file_ra_state_init(struct machine *m, struct file_ra_state *ra);
/* page_cache_sync_ra(): a read missed the cache at index; req_count pages wanted. */
void page_cache_sync_ra(struct machine *m, struct task_struct *t, struct file *f,
			uint64_t index, uint64_t req_count);
/* page_cache_async_ra(): index hit the PG_readahead folio at folio_idx. */
void page_cache_async_ra(struct machine *m, struct task_struct *t, struct file *f,
			 uint64_t index, uint64_t folio_idx, uint64_t req_count);
/* force_page_cache_ra(): read [index, index + nr) regardless of the window (WILLNEED, random). */
void force_page_cache_ra(struct machine *m, struct task_struct *t, struct file *f,
			 uint64_t index, uint64_t nr);
void page_cache_ra_order(struct machine *m, struct task_struct *t, struct file *f, uint64_t index);
/* A write request of n pages submitted at now: when the disk finishes it. */
uint64_t disk_write_request(struct machine *m, uint64_t now, uint64_t n);
/* Read [idx, idx + n) of the file's new pages from disk: they are uptodate once it ends. */
void read_pages(struct machine *m, struct task_struct *t, struct address_space *as,
		uint64_t idx, uint64_t n);
/* t waits for the page's read (folio_wait_locked): true if it had to. */
bool folio_wait_read(struct task_struct *t, const struct page *page);

/* page-writeback.c */
/* folio_mark_dirty(): the page's data differs from the disk's now. */
void folio_mark_dirty(struct machine *m, struct page *page);
/* filemap_write_and_wait(): write the file's dirty pages and wait for them (fsync). */
void filemap_write_and_wait(struct machine *m, struct task_struct *t, struct address_space *as);
/* The flusher: wake it to write dirty pages back (wakeup_flusher_threads). */
int flusher_run(struct machine *m);
void wakeup_flusher_threads(struct machine *m, uint64_t when);
/* balance_dirty_pages_ratelimited(): a writer that dirtied too much waits for writeback. */
void balance_dirty_pages_ratelimited(struct machine *m, struct task_struct *t);
/* The dirty thresholds (global_dirty_limits), in pages. */
void global_dirty_limits(const struct machine *m, uint64_t *background, uint64_t *dirty);
/* folio_end_writeback() for a file page (page_io.c calls it). */
void file_end_writeback(struct machine *m, struct page *page);

/* ---- mlock (mlock.c) ---- */

void folio_add_lru_vma(struct machine *m, struct page *page, struct vm_area_struct *vma);
void mlock_folio(struct machine *m, struct page *page);
void munlock_folio(struct machine *m, struct page *page);

/* mlock_vma_folio(): a page newly mapped into a VM_LOCKED VMA (inline: once per mapped PTE). */
static inline void mlock_vma_page(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_LOCKED)
		mlock_folio(m, page);
}

/* munlock_vma_folio(): a mapping of a VM_LOCKED VMA goes away. */
static inline void munlock_vma_page(struct machine *m, struct page *page, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_LOCKED)
		munlock_folio(m, page);
}

/* ---- tasks (fork.c, sched.c) ---- */

struct task_struct *find_task(struct machine *m, int pid);
struct task_struct *task_create(struct machine *m, const char *comm, struct task_struct *parent);
int copy_mm(struct machine *m, struct task_struct *parent, struct task_struct *child);
void do_exit(struct machine *m, struct task_struct *t, int code, int sig);
void force_sig_segv(struct machine *m, struct task_struct *t, uint64_t addr, int code);
void release_task(struct machine *m, struct task_struct *t);
void sched_switch_to(struct machine *m, struct task_struct *t);
void sched_wake_parent(struct machine *m, struct task_struct *t);
struct task_struct *sched_pick_next(struct machine *m);
void sched_dispatch(struct machine *m, struct task_struct *t);
void sched_release(struct machine *m, struct task_struct *t);
/* Has the task used up its quantum? Long operations stop here and yield. */
static inline bool sched_need_resched(const struct task_struct *t)
{
	return t->slice_end && t->clock >= t->slice_end;
}
void sched_block(struct machine *m, struct task_struct *t, enum block_reason why, int target);
void sched_wake_ready(struct machine *m, struct task_struct *t);
void sched_wake(struct machine *m, struct task_struct *t, uint64_t when);
/* kthread_create(): a kernel thread (pid below 1000, no mm), asleep until woken. */
struct task_struct *kthread_create(struct machine *m, kthread_fn fn, void *data, const char *name);
struct task_struct *task_create_kernel(struct machine *m, const char *comm);
void kthread_sleep(struct machine *m, struct task_struct *t);
/* wake_up_process(): a sleeping kernel thread becomes runnable at time when. */
void wake_up_process(struct machine *m, struct task_struct *t, uint64_t when);
/*
 * kill_task(): a fatal signal. Delivered at once to a task at a safe
 * point; one inside a fault gets it when the fault is done
 * (signal_deliver at the retry), never under it.
 */
void kill_task(struct machine *m, struct task_struct *t, int sig);
/* Deliver a pending fatal signal: true if t died. */
bool signal_deliver(struct machine *m, struct task_struct *t);

/* ---- overcommit (mmap.c) ---- */

/* Charge pages to Committed_AS if vm.overcommit_memory allows it: 0, or -ENOMEM (uncharged). */
int __vm_enough_memory(struct machine *m, const struct mm_struct *mm, uint64_t pages);
/* vm_commit_limit(): CommitLimit in pages (RAM x overcommit_ratio / 100 + swap) */
int64_t vm_commit_limit(const struct machine *m);

/* ---- OOM (oom_kill.c) ---- */

/* An allocation failed for good: the caller gets NULL (VM_FAULT_OOM, -ENOMEM). */
static inline void note_oom(struct machine *m)
{
	m->oom = true;
}

enum oom_constraint { CONSTRAINT_NONE, CONSTRAINT_MEMCG };

#define PAGE_ALLOC_COSTLY_ORDER	3	/* the OOM killer does not help larger allocations */
#define K(pages)	((unsigned long long)(pages) << (PAGE_SHIFT - 10))	/* the OOM lines' kB */

/* task_is_dying(): an OOM victim (TIF_MEMDIE), or a SIGKILL on its way to it. */
static inline bool task_is_dying(const struct task_struct *t)
{
	return t->oom_victim || t->pending_sig == SIGKILL;
}

/* struct oom_control: what the OOM is about, and whom it chose. */
struct oom_control {
	struct mem_cgroup *memcg;	/* NULL: a global OOM */
	unsigned gfp_mask;
	int order;
	uint64_t totalpages;
	struct task_struct *chosen;	/* or OOM_ABORT: an earlier victim is still dying */
	int64_t chosen_points;
	enum oom_constraint constraint;
};
#define OOM_ABORT	((struct task_struct *)-1)
#define PAGE_COUNTER_MAX	(INT64_MAX / PAGE_SIZE)	/* a limit of "max" */

/* Kill something (or find the caller dying): true if memory may come back. */
bool out_of_memory(struct machine *m, struct oom_control *oc);
/* oom_badness(): INT64_MIN for a task that is not a candidate. */
int64_t oom_badness(const struct task_struct *p, uint64_t totalpages);
/* proc_oom_score(): /proc/PID/oom_score from a badness over totalpages. */
int oom_score(int64_t badness, uint64_t totalpages);
/* constrained_alloc()'s totalpages: RAM + swap, or the group's mem_cgroup_get_max(). */
uint64_t oom_totalpages(const struct machine *m, const struct mem_cgroup *memcg);

/* The kill itself: counted, marked, SIGKILL at the victim's next safe point (what: for --events). */
void oom_victim_kill(struct machine *m, struct task_struct *victim, const char *what);

/* vm.config{ oom = "classic" }: 2.6.32's badness() (oom_classic.c), term by term. */
struct oom_classic {
	uint64_t total_vm, children_vm;		/* pages */
	uint64_t cpu_time, run_time;		/* its units: 8.192 s of CPU, 1024 s alive */
	bool root, eligible;
	int oom_adj;
	uint64_t points;
};
void oom_badness_classic(struct machine *m, const struct task_struct *p, struct oom_classic *c);
struct task_struct *select_bad_process_classic(struct machine *m, const struct mem_cgroup *memcg,
					       uint64_t *points);
bool out_of_memory_classic(struct machine *m, struct oom_control *oc);
/* /proc/PID/oom_adj: oom_score_adj * 17 / 1000, at most 15 */
int oom_adj_of(const struct task_struct *t);

/* ---- the kernel log (printk.c) ---- */

void printk(struct machine *m, uint64_t t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- system calls made inside an operation (api.c): charged and reported ---- */

int ksys_mmap(struct machine *m, struct task_struct *t, uint64_t len, uint32_t vm_flags,
	      uint64_t *addr);
int ksys_munmap(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len);
int ksys_brk(struct machine *m, struct task_struct *t, uint64_t newbrk);
int ksys_madvise(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len,
		 enum vm_madv advice);

/* ---- one operation's deltas (api.c) ---- */

struct op_bracket {
	uint64_t minflt, majflt, clock, l1, l2, walks;
	int64_t rss_stat[NR_MM_COUNTERS], pgtables_bytes;
};

void op_begin(struct op_bracket *b, const struct task_struct *t);
/* A system call of pid: NULL if it is not alive; else charged, bracketed, and reported at exit. */
struct task_struct *syscall_enter(struct machine *m, int pid, struct op_bracket *b);
/* ret, or VM_ESIGNAL when a signal waiting for the return to user space ended the task */
int syscall_exit(struct machine *m, struct task_struct *t, const struct op_bracket *b,
		 struct vm_result *r, const char *what, uint64_t addr, uint64_t len, int ret);
void op_end(const struct op_bracket *b, const struct task_struct *t, struct vm_result *r);

/* ---- the content shadow (shadow.c), kept only with --check ---- */

void shadow_store(struct machine *m, struct task_struct *t, uint64_t addr, uint8_t v);
void shadow_forget(struct mm_struct *mm, uint64_t start, uint64_t end);
void shadow_fork(struct mm_struct *parent, struct mm_struct *child);
void shadow_mm_free(struct mm_struct *mm);
void shadow_mapping_free(struct address_space *as);
uint8_t shadow_expect(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr);
void shadow_file_store(struct address_space *as, uint64_t idx, uint8_t v);
uint8_t shadow_file_expect(const struct address_space *as, uint64_t idx);

/* ---- invariants (debug.c) ---- */

int mm_check_invariants(struct machine *m, char *err, size_t errlen);
void mm_check_free(struct machine *m);

/* ---- swap devices and slots (swapfile.c) ---- */

int swap_init(struct machine *m, char *err, size_t errlen);
void swap_exit(struct machine *m);
static inline struct swap_info_struct *swp_info(struct machine *m, swp_entry_t e)
{
	return m->swap_info[swp_type(e)];
}
/* folio_alloc_swap(): a free slot for the folio (its count 0 | SWAP_HAS_CACHE); false if none. */
bool get_swap_page(struct machine *m, swp_entry_t *out);
/* swap_duplicate(): one more swap PTE names the slot (fork). */
void swap_duplicate(struct machine *m, swp_entry_t e);
/* free_swap_and_cache(): a swap PTE naming e went (zap); its page goes too if nothing else holds it. */
void free_swap_and_cache(struct machine *m, swp_entry_t e);
/* put_swap_folio(): give back a slot get_swap_page() handed out, unused. */
void swap_put_slot(struct machine *m, swp_entry_t e);
/* swap_free(): drop one reference the slot's count holds (swap-in of a mapped PTE). */
void swap_free(struct machine *m, swp_entry_t e);
/* __swap_count(): the swap PTEs naming the slot. */
unsigned swap_count(struct machine *m, swp_entry_t e);
/* folio_free_swap(): free the slot of a cached page nothing names any more. */
bool folio_free_swap(struct machine *m, struct page *page);
/* vm_swap_full(): more than half of the swap space in use. */
bool vm_swap_full(const struct machine *m);
static inline int64_t get_nr_swap_pages(const struct machine *m)
{
	return m->nr_swap_pages;
}

/* ---- the swap cache and swap-in (swap_state.c) ---- */

struct page *swap_cache_get_folio(struct machine *m, swp_entry_t e);
void swap_cache_add_folio(struct machine *m, struct page *page, swp_entry_t e);
void swap_cache_del_folio(struct machine *m, struct page *page);
/* The same, leaving reclaim's workingset shadow in the slot while swap PTEs still name it. */
void __swap_cache_del_folio(struct machine *m, struct page *page, uint32_t shadow);
/* swap_update_readahead(): a fault found page in the swap cache. */
void swap_update_readahead(struct machine *m, struct page *page, struct vm_area_struct *vma,
			   uint64_t addr);
struct page *read_swap_cache_async(struct machine *m, swp_entry_t e, struct vm_area_struct *vma,
				   uint64_t addr);
/* swap_cluster_readahead(): read e and the slots of its cluster (shmem); e's page or NULL. */
struct page *swap_cluster_readahead(struct machine *m, swp_entry_t e, struct vm_fault *vmf);
/* swapin_readahead(): read the target and its neighbours; the target's page or NULL. */
struct page *swapin_readahead(struct machine *m, swp_entry_t e, struct vm_fault *vmf);

/* ---- swap I/O (page_io.c) ---- */

/* swap_writepage(): start writing a folio to its slot; it is under writeback until done. */
void swap_writepage(struct machine *m, struct task_struct *t, struct page *page);
/* Writebacks finished by time now end (folio_end_writeback). */
void swap_complete_writeback(struct machine *m, uint64_t now);
/* A file page's write to end at done (or after the writes queued before it): when it ends. */
uint64_t folio_start_writeback(struct machine *m, struct page *page, uint64_t done);
uint64_t writeback_last_done(const struct machine *m, const struct address_space *as);
/* t sleeps until the oldest write in flight ends (reclaim_throttle, a full tag queue). */
void swap_wait_writeback(struct machine *m, struct task_struct *t);

/* ---- reclaim (vmscan.c) ---- */

#define SWAP_CLUSTER_MAX	32
#define DEF_PRIORITY		12
#define MAX_RECLAIM_RETRIES	16

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

/* The inputs get_scan_count() reads, so that its split can be tested alone. */
struct scan_inputs {
	uint64_t lru[NR_LRU_LISTS];	/* lruvec_lru_size() */
	uint64_t free, high_wmarks;	/* node free pages, sum of high watermarks */
	uint64_t anon_cost, file_cost;
	int swappiness;
	int priority;
	bool may_swap;			/* swap space left and sc->may_swap */
	bool may_deactivate_anon, may_deactivate_file;
	bool cgroup_reclaim;
	uint64_t protection, cgroup_size;	/* the group's effective min or low, and its usage */
};

enum scan_balance get_scan_count(const struct scan_inputs *in, uint64_t nr[NR_LRU_LISTS]);
/* inactive_is_low(): does the active list need deactivating? */
bool inactive_is_low(uint64_t inactive, uint64_t active);
int kswapd_run(struct machine *m);
/* wakeup_kswapd(): an allocation fell below the low watermark at time when. */
void wakeup_kswapd(struct machine *m, int order, int highest_zoneidx, uint64_t when);
/* try_to_free_pages(): direct reclaim for an allocation; pages reclaimed. */
uint64_t try_to_free_pages(struct machine *m, struct task_struct *t, int order, int highest_zoneidx);
/*
 * reclaim_pages(): reclaim the isolated pages of MADV_PAGEOUT (shrink_folio_list
 * with ignore_references); they come back on their LRU if they stay.
 */
uint64_t reclaim_pages(struct machine *m, struct task_struct *t, const uint32_t *pfns, size_t n);
bool folio_isolate_lru(struct machine *m, struct page *page);
void folio_putback_lru(struct machine *m, struct page *page);
/* folio_mark_accessed(): read(2)/write(2) used it: referenced, then active. */
void folio_mark_accessed(struct machine *m, struct page *page);
/* folio_rotate_reclaimable(): its writeback ended: to the tail of the inactive list. */
void folio_rotate_reclaimable(struct machine *m, struct page *page);

/* ---- workingset detection (workingset.c) ---- */

/* workingset_eviction(): the shadow entry a page reclaimed for target (NULL: global) leaves. */
uint32_t workingset_eviction(struct machine *m, struct page *page, struct mem_cgroup *target);
/* workingset_refault(): a new page takes the place of shadow: true if it starts active. */
bool workingset_refault(struct machine *m, struct page *page, uint32_t shadow);
/* workingset_activation(): a page became active by use (folio_mark_accessed). */
void workingset_activation(struct machine *m, struct page *page);
/* A state of memcg's lruvec, its subtree's (the root: the node's). */
int64_t memcg_lruvec_state(const struct machine *m, const struct mem_cgroup *memcg,
			   enum node_stat_item item);
/* lru_note_cost() (vmscan.c): reclaim's I/O and rotations, on the lruvec and its ancestors. */
void lru_note_cost(struct machine *m, struct mem_cgroup *memcg, bool file, uint64_t nr_io,
		   uint64_t nr_rotated);

/* ---- memory cgroups (memcontrol.c) ---- */

/* What one memory.stat is made of: page states, fault events, memory.current in bytes. */
struct memstat_src {
	const int64_t *stat;		/* by enum node_stat_item */
	uint64_t pgfault, pgmajfault;
	int64_t current;
};
/* memory_stat_format() (proc.c): VM_MEMSTAT_KEYS into kv[0 .. NR_VM_MEMSTAT-1]. */
void memstat_fill(const struct memstat_src *src, struct vm_kv *kv);

int mem_cgroup_init(struct machine *m, char *err, size_t errlen);
void mem_cgroup_exit(struct machine *m);
static inline struct mem_cgroup *page_memcg(const struct machine *m, const struct page *page)
{
	return m->memcg[page->memcg_id];
}
static inline struct lruvec *folio_lruvec(const struct machine *m, const struct page *page)
{
	return page_memcg(m, page)->lruvec;
}
/*
 * mem_cgroup_swappiness(): the swappiness reclaim of this group's lists
 * uses: the group's own where it was given one (cgroup v1's
 * memory.swappiness, inherited by the groups made under it), else
 * vm.swappiness (the root, and every group on cgroup v2).
 */
static inline int mem_cgroup_swappiness(const struct machine *m, const struct mem_cgroup *memcg)
{
	return memcg->id && memcg->swappiness >= 0 ? memcg->swappiness : m->cfg.swappiness;
}
/* mem_cgroup_charge(): charge a new user page to mm's group, reclaiming in it at its limit. */
int mem_cgroup_charge(struct machine *m, struct page *page, struct mm_struct *mm, unsigned nr);
/* mem_cgroup_uncharge(): the page is freed. */
void mem_cgroup_uncharge(struct machine *m, struct page *page);
/* Is memcg within (or equal to) ancestor? */
bool mem_cgroup_is_descendant(const struct mem_cgroup *memcg, const struct mem_cgroup *ancestor);
/*
 * mem_cgroup_calculate_protection(): memcg's effective memory.min and
 * memory.low (emin, elow) in a reclaim rooted at root (NULL: global);
 * mem_cgroup_protection() reads them back (0 for root itself and the
 * root group).
 */
void mem_cgroup_calculate_protection(struct machine *m, struct mem_cgroup *root,
				     struct mem_cgroup *memcg);
void mem_cgroup_protection(const struct machine *m, const struct mem_cgroup *root,
			   const struct mem_cgroup *memcg, uint64_t *min, uint64_t *low);
/* memcg_memory_event(): one event in the group's memory.events and its ancestors'. */
void memcg_memory_event(struct mem_cgroup *memcg, enum memcg_event event);
/* try_to_free_mem_cgroup_pages() (vmscan.c): limit reclaim inside memcg's subtree. */
uint64_t try_to_free_mem_cgroup_pages(struct machine *m, struct task_struct *t,
				      struct mem_cgroup *memcg, uint64_t nr_pages);

#endif
