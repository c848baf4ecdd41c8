/*
 * mm_types.h - the data structures of the simulated kernel.
 *
 * These mirror include/linux/mm_types.h, mmzone.h and sched.h closely enough
 * that a reader can hold them beside the kernel's: struct page per frame (at
 * most 64 bytes, as in Linux), zones with buddy free lists and watermarks, one
 * node with its LRU lists, struct mm_struct with a 4-level page table and VMAs,
 * struct task_struct with its fault counters and its simulated clock.
 *
 * Lists of pages (buddy free lists, LRU lists) link pages by frame number in
 * two 32-bit fields, so a page costs 56 bytes (asserted below: at most 64,
 * as in Linux) and a list walk is array indexing, never a pointer chase
 * through malloc'd nodes.
 */
#ifndef VMLAB_MM_TYPES_H
#define VMLAB_MM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../lib/list.h"
#include "../lib/prng.h"

/* ---- x86-64 paging geometry (arch/x86/include/asm/pgtable_64_types.h) ---- */

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ULL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PMD_SHIFT	21
#define PMD_SIZE	(1ULL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_SHIFT	30
#define PUD_SIZE	(1ULL << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PGDIR_SHIFT	39
#define PGDIR_SIZE	(1ULL << PGDIR_SHIFT)
#define PGDIR_MASK	(~(PGDIR_SIZE - 1))
#define PTRS_PER_TABLE	512

/* 4-level paging: 47 bits of user space, the top page left unmapped. */
#define TASK_SIZE	((1ULL << 47) - PAGE_SIZE)

#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

typedef uint64_t pte_t;		/* any level's entry: PGD, PUD, PMD or PTE */

/* ---- struct page (include/linux/page-flags.h, mm_types.h) ---- */

enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_active,
	PG_workingset,
	PG_reserved,		/* never given to the buddy allocator */
	PG_swapbacked,		/* anon or shmem: backed by swap, not a file */
	PG_unevictable,
	PG_mlocked,
	PG_anon,		/* folio->mapping carries PAGE_MAPPING_ANON */
	PG_anon_exclusive,	/* PageAnonExclusive: mapped by exactly one mm */
	PG_buddy,		/* page type "buddy": head of a free block */
	PG_table,		/* page type "table": a page-table page */
	PG_swapcache,
	PG_readahead,
	PG_writeback,
	PG_reclaim,
	PG_memcg,		/* charged to page->memcg_id (folio_memcg_charged) */
	NR_PAGEFLAGS
};

#define PF(f)	(1u << (f))

struct address_space;
struct file;
struct mm_struct;
struct vm_operations_struct;

/*
 * One per simulated frame. Which union member is live depends on the flags:
 * PG_table pages hold a host pointer to their 512 entries; page-cache and
 * shmem pages their mapping and index; anon pages their linear index.
 */
struct page {
	uint32_t flags;
	int32_t refcount;	/* folio_ref_count(): mappings + cache + pins */
	int32_t mapcount;	/* PTEs mapping this page (Linux keeps it -1 based) */
	uint32_t lru_next;	/* buddy free list or LRU list, by pfn */
	uint32_t lru_prev;
	uint8_t order;		/* PG_buddy: order of the free block */
	uint8_t lru;		/* which LRU list holds it (enum lru_list) */
	uint8_t value;		/* the content value: DESIGN.md "Contents" */
	union {
		uint8_t pt_level;	/* PG_table: 4 = PGD, 3 = PUD, 2 = PMD, 1 = PTE */
		uint8_t memcg_id;	/* a user page: the memory cgroup it is charged to */
	};
	union {
		struct {
			struct address_space *mapping;
			uint64_t index;
		};
		struct {
			pte_t *table;		/* PG_table: the 512 entries */
			struct mm_struct *pt_mm;
		};
	};
	uint64_t private;	/* PG_swapcache: its swap entry (folio->swap) */
	uint32_t mlock_count;	/* VM_LOCKED VMAs mapping it (folio->mlock_count) */
};

_Static_assert(sizeof(struct page) <= 64, "struct page must stay within 64 bytes, as in Linux");

#define PFN_NONE	UINT32_MAX	/* end of a pfn-linked list */

/* ---- zones and the node (include/linux/mmzone.h) ---- */

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };

#define MAX_PAGE_ORDER		10
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define pageblock_order		9	/* PMD-sized blocks (HUGETLB_PAGE_ORDER) */
#define pageblock_nr_pages	(1UL << pageblock_order)
#define MIGRATE_PCPTYPES	3

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

struct pfn_list {
	uint32_t head;
	uint32_t tail;
	uint64_t nr;
};

struct free_area {
	struct pfn_list list;	/* blocks of this order (one migratetype) */
};

/* Per-zone counters (enum zone_stat_item). */
#define ZONE_STAT_ITEMS(X) \
	X(NR_FREE_PAGES, "nr_free_pages") \
	X(NR_ZONE_INACTIVE_ANON, "nr_zone_inactive_anon") \
	X(NR_ZONE_ACTIVE_ANON, "nr_zone_active_anon") \
	X(NR_ZONE_INACTIVE_FILE, "nr_zone_inactive_file") \
	X(NR_ZONE_ACTIVE_FILE, "nr_zone_active_file") \
	X(NR_ZONE_UNEVICTABLE, "nr_zone_unevictable") \
	X(NR_ZONE_WRITE_PENDING, "nr_zone_write_pending") \
	X(NR_MLOCK, "nr_mlock")

enum zone_stat_item {
#define X(item, name) item,
	ZONE_STAT_ITEMS(X)
#undef X
	NR_VM_ZONE_STAT_ITEMS
};

struct zone {
	const char *name;
	uint64_t zone_start_pfn;
	uint64_t spanned_pages;
	uint64_t present_pages;
	uint64_t managed_pages;
	uint64_t watermark[NR_WMARK];
	uint64_t lowmem_reserve[MAX_NR_ZONES];
	struct free_area free_area[NR_PAGE_ORDERS];
	int64_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
};

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS,
	LRU_NONE = 0xff
};

/* Per-node counters (enum node_stat_item), the ones vmlab models. */
#define NODE_STAT_ITEMS(X) \
	X(NR_INACTIVE_ANON, "nr_inactive_anon") \
	X(NR_ACTIVE_ANON, "nr_active_anon") \
	X(NR_INACTIVE_FILE, "nr_inactive_file") \
	X(NR_ACTIVE_FILE, "nr_active_file") \
	X(NR_UNEVICTABLE, "nr_unevictable") \
	X(NR_ANON_MAPPED, "nr_anon_pages") /* nr_anon_pages: anon pages mapped by a PTE */ \
	X(NR_FILE_MAPPED, "nr_mapped") /* nr_mapped */ \
	X(NR_FILE_PAGES, "nr_file_pages") \
	X(NR_FILE_DIRTY, "nr_dirty") \
	X(NR_WRITEBACK, "nr_writeback") \
	X(NR_SHMEM, "nr_shmem") \
	X(NR_ANON_THPS, "nr_anon_transparent_hugepages") \
	X(NR_KERNEL_STACK_KB, "nr_kernel_stack") \
	X(NR_PAGETABLE, "nr_page_table_pages") /* nr_page_table_pages */ \
	X(NR_SWAPCACHE, "nr_swapcached") \
	X(WORKINGSET_REFAULT_ANON, "workingset_refault_anon") \
	X(WORKINGSET_REFAULT_FILE, "workingset_refault_file") \
	X(WORKINGSET_ACTIVATE_ANON, "workingset_activate_anon") \
	X(WORKINGSET_ACTIVATE_FILE, "workingset_activate_file") \
	X(WORKINGSET_RESTORE_ANON, "workingset_restore_anon") \
	X(WORKINGSET_RESTORE_FILE, "workingset_restore_file") \
	X(NR_DIRTIED, "nr_dirtied") \
	X(NR_WRITTEN, "nr_written") \
	X(NR_MEMMAP_BOOT_PAGES, "nr_memmap_boot_pages")

enum node_stat_item {
#define X(item, name) item,
	NODE_STAT_ITEMS(X)
#undef X
	NR_VM_NODE_STAT_ITEMS
};

struct lruvec {
	struct pfn_list lists[NR_LRU_LISTS];
};

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	int nr_zones;			/* populated zones */
	struct lruvec lruvec;
	int64_t vm_stat[NR_VM_NODE_STAT_ITEMS];
	uint64_t totalreserve_pages;
};

/* ---- the TLB (arch/x86/mm/tlb.c; geometry from the CPU) ---- */

struct tlb_entry {
	uint64_t tag;		/* (vpn << 12) | pcid, TLB_VALID set; 0 = empty */
	pte_t pte;		/* the leaf entry as it was walked (pfn + bits) */
};

#define TLB_VALID	(1ULL << 63)

struct tlb_array {
	struct tlb_entry *e;	/* sets * ways, each set in MRU-first order */
	uint32_t sets;		/* a power of two, as in hardware: a set is picked by mask */
	uint32_t set_mask;	/* sets - 1 */
	uint32_t ways;
};

/* The set a page number falls in: its low bits, as the hardware indexes it. */
static inline struct tlb_entry *tlb_set(const struct tlb_array *a, uint64_t key)
{
	return &a->e[(key & a->set_mask) * a->ways];
}

/* Linux keeps 6 dynamic ASIDs per CPU (TLB_NR_DYN_ASIDS). */
#define TLB_NR_DYN_ASIDS	6

struct tlb_context {
	uint64_t ctx_id;	/* the mm's context.ctx_id, 0 = unused */
	uint64_t tlb_gen;	/* the mm's tlb_gen this ASID was last synced to */
};

struct cpu {
	int id;
	struct tlb_array l1_4k;		/* L1 dTLB, 4 KiB pages */
	struct tlb_array l1_2m;		/* L1 dTLB, 2 MiB pages */
	struct tlb_array stlb;		/* shared second level, 4 KiB and 2 MiB */
	/* The last translation used: a repeated access to the same page on the
	 * same CPU is an L1 hit that changes no LRU state, so it is counted
	 * without a lookup. Cleared by every invalidation on this CPU. */
	uint64_t last_tag;
	struct tlb_entry *last;
	bool huge_seen;			/* a 2 MiB translation was ever filled */
	/*
	 * The last PTE table this CPU's walker reached, for the 2 MiB region
	 * pmd_va of mm ctx_id: a host-side memo of the walk's upper levels
	 * (whose accessed bits are already set), dropped whenever any table is
	 * freed (pt_gen). It changes no count and no cost.
	 */
	uint64_t walk_ctx, walk_pmd_va, walk_gen;
	pte_t *walk_table;
	struct mm_struct *loaded_mm;	/* cpu_tlbstate.loaded_mm */
	uint16_t loaded_asid;
	uint16_t next_asid;
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
	uint64_t free_at;		/* simulated time the CPU becomes free */
	uint64_t user_ns, sys_ns;	/* time spent in user and kernel mode */
};

/* ---- address spaces (include/linux/mm_types.h) ---- */

/* vm_flags (include/linux/mm.h) */
#define VM_READ		0x00000001u
#define VM_WRITE	0x00000002u
#define VM_EXEC		0x00000004u
#define VM_SHARED	0x00000008u
#define VM_MAYREAD	0x00000010u
#define VM_MAYWRITE	0x00000020u
#define VM_MAYEXEC	0x00000040u
#define VM_MAYSHARE	0x00000080u
#define VM_GROWSDOWN	0x00000100u
#define VM_LOCKED	0x00002000u
#define VM_SEQ_READ	0x00008000u
#define VM_RAND_READ	0x00010000u
#define VM_DONTCOPY	0x00020000u
#define VM_DONTEXPAND	0x00040000u
#define VM_ACCOUNT	0x00100000u
#define VM_NORESERVE	0x00200000u
#define VM_HUGETLB	0x00400000u
#define VM_WIPEONFORK	0x02000000u
#define VM_DONTDUMP	0x04000000u
#define VM_HUGEPAGE	0x20000000u
#define VM_NOHUGEPAGE	0x40000000u
#define VM_STACK_FLAGS	(VM_GROWSDOWN | VM_ACCOUNT)

/*
 * struct anon_vma (include/linux/rmap.h): the anonymous pages of a VMA and
 * of the VMAs forked from it. Its chains (head) are the VMAs that may map
 * those pages; rmap.c explains the structure.
 */
struct anon_vma_chain;

struct anon_vma {
	struct anon_vma *root;		/* the oldest anon_vma of the fork chain */
	struct anon_vma *parent;	/* the anon_vma this one was forked from */
	int refcount;			/* chains linking it + child anon_vmas */
	struct list_head rb_root;	/* its chains (.rb): the VMAs that may map its pages */
	uint64_t id;
};

/* struct anon_vma_chain: one link between a VMA and an anon_vma. */
struct anon_vma_chain {
	struct vm_area_struct *vma;
	struct anon_vma *anon_vma;
	struct list_head same_vma;	/* in vma->anon_vma_chain */
	struct list_head rb;		/* in anon_vma->rb_root (an interval tree in Linux) */
};

/* A VMA's node in its mm's tree (vma_tree.c). */
struct vma_rb {
	struct vm_area_struct *child[2], *parent;	/* child[0] the lower addresses */
	uint64_t subtree_gap;		/* rb_subtree_gap: the largest gap below a VMA here */
	int height;
};

struct vm_area_struct {
	uint64_t vm_start;
	uint64_t vm_end;
	struct vm_area_struct *vm_next, *vm_prev;	/* the VMAs sorted by address */
	struct vma_rb vm_rb;
	uint32_t vm_flags;
	struct anon_vma *anon_vma;	/* where its new anon pages go; NULL until the first */
	struct list_head anon_vma_chain;	/* its chains (.same_vma): every anon_vma it may map */
	struct file *vm_file;		/* the open file it maps (shmem for shared anonymous memory) */
	/*
	 * Offset in vm_file, in pages; for anonymous memory the start address
	 * >> PAGE_SHIFT when created, so linear_page_index() stays an anon
	 * page's identity through split, merge and stack growth.
	 */
	uint64_t vm_pgoff;
	struct list_head shared;	/* in vm_file->i_mmap */
	const struct vm_operations_struct *vm_ops;	/* NULL: anonymous memory */
	struct mm_struct *vm_mm;
	uint64_t swap_readahead_info;	/* swap_state.c: last fault, window, hits */
};

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

struct mm_struct {
	struct machine *machine;
	pte_t *pgd;			/* host view of the PGD page */
	uint32_t pgd_pfn;
	struct vm_area_struct *mmap;	/* the lowest VMA; vm_next goes on up */
	struct vm_area_struct *mm_rb;	/* the root of the VMA tree (vma_tree.c) */
	int map_count;
	int users;			/* mm_users */
	uint64_t mmap_base;
	uint64_t start_brk, brk;
	uint64_t start_stack;
	uint64_t total_vm, locked_vm, data_vm, exec_vm, stack_vm;
	uint64_t hiwater_rss, hiwater_vm;
	int64_t rss_stat[NR_MM_COUNTERS];
	int64_t pgtables_bytes;		/* PUD + PMD + PTE tables, as mm_pgtables_bytes() */
	uint64_t ctx_id;		/* context.ctx_id: never reused */
	uint64_t tlb_gen;		/* context.tlb_gen */
	uint64_t cpumask;		/* mm_cpumask: CPUs that have it loaded */
	uint64_t committed;		/* pages charged to vm_committed_as */
	void *shadow;			/* shadow.c: what private memory must hold */
	int memcg_id;			/* the memory cgroup its pages are charged to (mm->owner's) */
};

/* ---- tasks (include/linux/sched.h) ---- */

enum task_state {
	TASK_RUNNABLE,		/* ready; its clock says when it may run */
	TASK_BLOCKED,		/* waiting for a child, a ready() or a kill */
	TASK_ZOMBIE,		/* exited, not yet reaped */
	TASK_DEAD		/* reaped */
};

enum block_reason { BLOCK_NONE, BLOCK_WAIT, BLOCK_READY, BLOCK_PAUSE, BLOCK_KTHREAD };

struct machine;
struct task_struct;

/*
 * A kernel thread's body (sched.c): called each time the thread is
 * scheduled; it does one round of work, charging its own clock, and either
 * returns runnable (it runs again when it is due) or sleeps with
 * kthread_sleep() until wake_up_process().
 */
typedef void (*kthread_fn)(struct machine *m, struct task_struct *t, void *data);

struct task_struct {
	int pid;
	char comm[16];		/* TASK_COMM_LEN */
	int uid;
	enum task_state state;
	enum block_reason blocked_on;
	int wait_for;			/* BLOCK_WAIT / BLOCK_READY: that pid (0: any child) */
	struct mm_struct *mm;
	struct task_struct *parent;
	int *children;			/* pids of children not yet reaped */
	int nr_children, children_cap;
	uint64_t min_flt, maj_flt;	/* rusage, RUSAGE_SELF */
	uint64_t cmin_flt, cmaj_flt;	/* reaped children (wait_task_zombie) */
	uint64_t perf_faults;		/* PERF_COUNT_SW_PAGE_FAULTS: every hardware fault */
	uint64_t nvcsw, nivcsw;
	int oom_score_adj;
	uint64_t start_time;		/* ns since boot */
	uint64_t clock;			/* the task's own simulated time */
	uint64_t slice_end;		/* when the current quantum ends */
	uint64_t utime, stime;		/* ns in user and kernel mode */
	int cpu;			/* CPU it runs or last ran on */
	bool ready;			/* called ready() */
	uint64_t ready_at;
	/* Exit status, as wait(2) would see it. */
	int exit_code;			/* exit(code) */
	int exit_signal;		/* terminating signal, 0 if it exited */
	uint64_t exit_addr;		/* SIGSEGV: the faulting address */
	int segv_code;			/* SEGV_MAPERR / SEGV_ACCERR */
	bool core_dumped;
	uint64_t exit_time;
	uint64_t tlb_l1_hits, tlb_l2_hits, tlb_walks;
	void *libc;			/* the modelled glibc malloc state (src/libc) */
	kthread_fn threadfn;		/* a kernel thread (PF_KTHREAD): its body, in C */
	void *thread_data;
	int in_fault;			/* inside handle_mm_fault: a kill must wait */
	int pending_sig;		/* a fatal signal to deliver at the next safe point */
	bool oom_victim;		/* tsk_is_oom_victim(): TIF_MEMDIE, ALLOC_OOM */
};

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGSEGV		11
#define SIGTERM		15
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGWINCH	28
#define SIGSYS		31
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2

#endif
