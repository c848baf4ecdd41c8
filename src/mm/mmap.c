/*
 * mmap.c - address spaces and their VMAs (mm/mmap.c, mm/vma.c, mm/util.c,
 * arch/x86/mm/mmap.c).
 *
 * An mm is a tree of VMAs (vma_tree.c), each a range [vm_start, vm_end)
 * with flags. mmap finds room top-down below mmap_base (arch_get_unmapped_area_
 * topdown), creates a VMA, and merges it with an identical neighbour, as
 * vma_merge does; munmap splits the VMAs at the range's ends, unmaps their
 * pages, frees the page tables nothing else needs, flushes the TLB for the
 * range that had mappings, and removes them. Nothing is allocated at mmap
 * time but the VMA: pages arrive on the first touch (memory.c).
 *
 * Layout, as a 64-bit process gets it with ASLR on: mmap_base sits below the
 * stack gap with 28 bits of page randomisation; the stack top is randomised
 * over 16 GiB; the brk heap starts at a random point within 32 MiB above the
 * program (vmlab's processes have no program image, so above the PIE base).
 * Anonymous mappings whose length is a multiple of 2 MiB are placed 2 MiB
 * aligned (6.7+, __get_unmapped_area -> thp_get_unmapped_area_vmflags), and
 * so are regular files (ext4's thp_get_unmapped_area).
 *
 * Overcommit follows the default heuristic (OVERCOMMIT_GUESS): a private
 * writable mapping is charged to Committed_AS and refused only if it alone
 * exceeds RAM + swap.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define RLIMIT_STACK_DEFAULT	(8ULL << 20)
#define STACK_RND_MASK		0x3fffffULL			/* 22 bits of pages */
#define MMAP_RND_BITS		28
#define ELF_ET_DYN_BASE		0x555555554000ULL
#define BRK_RND_RANGE		0x02000000ULL			/* 32 MiB */
#define INITIAL_STACK		(132ULL << 10)			/* 128 KiB + the arg page */

/* ---- VMAs ---- */

/* The lowest address mmap hands out: vm.mmap_min_addr, and never page 0
 * (mm/vma.c unmapped_area_topdown's low_limit, max(PAGE_SIZE, ...)). */
static uint64_t mmap_min(const struct machine *m)
{
	return m->cfg.mmap_min_addr > PAGE_SIZE ? m->cfg.mmap_min_addr : PAGE_SIZE;
}

/* vma_lookup(): the VMA containing addr, or NULL. */
struct vm_area_struct *vma_lookup(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *v = find_vma(mm, addr);

	return v && v->vm_start <= addr ? v : NULL;
}

/* vm_area_alloc(): a new VMA of mm, linked to nothing yet. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->vm_mm = mm;
	INIT_LIST_HEAD(&v->anon_vma_chain);
	INIT_LIST_HEAD(&v->shared);
	return v;
}

/*
 * vm_area_dup(): a copy of orig for mm with no anon_vma links yet (split
 * adds them with anon_vma_clone(), fork with anon_vma_fork()), in its
 * file's i_mmap and holding a reference on the file.
 */
struct vm_area_struct *vm_area_dup(const struct vm_area_struct *orig, struct mm_struct *mm)
{
	struct vm_area_struct *v = malloc(sizeof(*v));

	if (!v)
		return NULL;
	*v = *orig;
	v->vm_mm = mm;
	v->vm_next = v->vm_prev = NULL;
	v->vm_rb = (struct vma_rb){ 0 };
	v->anon_vma = NULL;
	INIT_LIST_HEAD(&v->anon_vma_chain);
	INIT_LIST_HEAD(&v->shared);
	if (v->vm_file) {
		get_file(v->vm_file);
		vma_link_file(v);
	}
	return v;
}

/* vm_area_free(): unlink the VMA from its anon_vmas and its file, and free it. */
void vm_area_free(struct machine *m, struct vm_area_struct *v)
{
	unlink_anon_vmas(v);
	if (v->vm_file) {
		unlink_file_vma(v);
		fput(m, v->vm_file);
	}
	free(v);
}

static uint64_t vma_pages(const struct vm_area_struct *v)
{
	return (v->vm_end - v->vm_start) >> PAGE_SHIFT;
}

/* vm_stat_account(): total_vm and the exec/stack/data split of VmExe/VmStk/VmData. */
void vm_stat_account(struct mm_struct *mm, uint32_t flags, int64_t npages)
{
	mm->total_vm += (uint64_t)npages;
	if ((flags & (VM_EXEC | VM_WRITE | VM_GROWSDOWN)) == VM_EXEC)
		mm->exec_vm += (uint64_t)npages;
	else if (flags & VM_GROWSDOWN)
		mm->stack_vm += (uint64_t)npages;
	else if ((flags & (VM_WRITE | VM_SHARED | VM_GROWSDOWN)) == VM_WRITE)
		mm->data_vm += (uint64_t)npages;
}

static void update_hiwater_vm(struct mm_struct *mm)
{
	if (mm->hiwater_vm < mm->total_vm)
		mm->hiwater_vm = mm->total_vm;
}

/* ---- overcommit (mm/util.c __vm_enough_memory, vm_commit_limit) ---- */

int64_t vm_commit_limit(const struct machine *m)
{
	return (int64_t)(m->totalram_pages * (uint64_t)m->cfg.overcommit_ratio / 100 +
			 m->total_swap_pages);
}

/*
 * __vm_enough_memory(): the pages join Committed_AS, then the sysctl
 * decides. OVERCOMMIT_ALWAYS (1): yes. OVERCOMMIT_GUESS (0): unless the one
 * request is larger than RAM + swap. OVERCOMMIT_NEVER (2): only while
 * Committed_AS stays under CommitLimit, less admin_reserve_kbytes for a
 * task without CAP_SYS_ADMIN (not root) and less min(total_vm / 32,
 * user_reserve_kbytes) for the process growing (init_admin_reserve and
 * init_user_reserve: 1/32 of free memory at boot, at most 8 MiB and
 * 128 MiB). A refusal is logged as the kernel logs it.
 */
int __vm_enough_memory(struct machine *m, const struct mm_struct *mm, uint64_t pages)
{
	const struct task_struct *t = m->current;
	int64_t allowed;

	m->vm_committed_as += (int64_t)pages;
	if (m->cfg.overcommit_memory == 1)
		return 0;
	if (m->cfg.overcommit_memory == 0) {
		if (pages > m->totalram_pages + m->total_swap_pages)
			goto error;
		return 0;
	}
	allowed = vm_commit_limit(m);
	if (!t || t->uid)
		allowed -= (int64_t)(m->boot_free_pages / 32 < 2048 ? m->boot_free_pages / 32 : 2048);
	if (mm) {
		int64_t reserve = (int64_t)(m->boot_free_pages / 32 < 32768 ? m->boot_free_pages / 32 :
					    32768);

		allowed -= (int64_t)mm->total_vm / 32 < reserve ? (int64_t)mm->total_vm / 32 : reserve;
	}
	if (m->vm_committed_as < allowed)
		return 0;
error:
	m->vm_committed_as -= (int64_t)pages;
	if (t)
		printk(m, t->clock, "__vm_enough_memory: pid: %d, comm: %s, bytes: %llu not enough "
		       "memory for the allocation", t->pid, t->comm,
		       (unsigned long long)pages << PAGE_SHIFT);
	return -ENOMEM;
}

static bool accountable_mapping(uint32_t vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* ---- creating and destroying address spaces ---- */

struct mm_struct *mm_alloc(struct machine *m)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->machine = m;
	mm->users = 1;
	mm->ctx_id = ++m->next_ctx_id;
	mm->tlb_gen = 1;
	if (pgd_alloc(m, mm)) {
		free(mm);
		return NULL;
	}
	return mm;
}

/*
 * arch_pick_mmap_layout() / mmap_base(): leave room for the stack (its
 * rlimit, the guard gap and its randomisation), minus up to 2^28 random
 * pages. setup_new_exec() and load_elf_binary() randomise the stack top
 * and the brk start.
 */
void mm_setup_layout(struct machine *m, struct mm_struct *mm)
{
	uint64_t stack_max_rnd = STACK_RND_MASK << PAGE_SHIFT;
	uint64_t gap = RLIMIT_STACK_DEFAULT + STACK_GUARD_GAP + stack_max_rnd;
	uint64_t rnd = prng_below(&m->rng, 1ULL << MMAP_RND_BITS) << PAGE_SHIFT;
	uint64_t stack_rnd = (prng_next(&m->rng) & STACK_RND_MASK) << PAGE_SHIFT;
	uint64_t pie_rnd = prng_below(&m->rng, 1ULL << MMAP_RND_BITS) << PAGE_SHIFT;
	uint64_t brk_rnd = prng_below(&m->rng, BRK_RND_RANGE >> PAGE_SHIFT) << PAGE_SHIFT;

	mm->mmap_base = PAGE_ALIGN(TASK_SIZE + PAGE_SIZE - gap - rnd);
	mm->start_stack = (TASK_SIZE + PAGE_SIZE - stack_rnd) & PAGE_MASK;
	mm->start_brk = mm->brk = ELF_ET_DYN_BASE + pie_rnd + brk_rnd;
}

/* The initial stack VMA, as exec leaves it: 132 KiB below the stack top. */
int setup_stack(struct machine *m, struct mm_struct *mm)
{
	struct vm_area_struct *v = vm_area_alloc(mm);
	uint64_t pages = INITIAL_STACK >> PAGE_SHIFT;

	if (!v)
		return -ENOMEM;
	v->vm_start = mm->start_stack - INITIAL_STACK;
	v->vm_end = mm->start_stack;
	v->vm_pgoff = v->vm_start >> PAGE_SHIFT;	/* setup_arg_pages() */
	v->vm_flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC |
		      VM_GROWSDOWN | VM_ACCOUNT;
	if (__vm_enough_memory(m, mm, pages)) {
		free(v);
		return -ENOMEM;
	}
	mm->committed += pages;
	vma_link(mm, v);
	vm_stat_account(mm, v->vm_flags, (int64_t)pages);
	return 0;
}

/* ---- finding room ---- */

static bool range_is_free(struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	struct vm_area_struct *v = find_vma(mm, addr);

	return !v || addr + len <= vm_start_gap(v);
}

/*
 * thp_get_unmapped_area() for a file with large folios (ext4's
 * ->get_unmapped_area): when [off, off + len) holds an aligned 2 MiB of
 * the file, ask for len + 2 MiB and slide the start so that the address
 * and the file offset agree modulo 2 MiB (__thp_get_unmapped_area), so a
 * PMD-sized folio can be mapped whole. 0: no such room, place it plainly.
 */
static uint64_t thp_file_area(struct machine *m, struct mm_struct *mm, uint64_t len, uint64_t off)
{
	uint64_t off_align = (off + PMD_SIZE - 1) & PMD_MASK, ret, off_sub;

	if (off + len <= off_align || off + len - off_align < PMD_SIZE)
		return 0;
	ret = unmapped_area_topdown(mm, len + PMD_SIZE, mmap_min(m), mm->mmap_base, PAGE_SIZE);
	if (!ret)
		return 0;
	off_sub = (off - ret) & (PMD_SIZE - 1);
	return off_sub ? ret + off_sub : ret + PMD_SIZE;	/* MMF_TOPDOWN: the upper end */
}

/*
 * get_unmapped_area(): the hint if it is free, else top-down from
 * mmap_base; 2 MiB-aligned for an anonymous length of 2 MiB multiples
 * (thp_get_unmapped_area_vmflags) and for regular files (thp_file_area).
 * Shmem places plainly (shmem_get_unmapped_area with huge=never).
 */
static int get_unmapped_area(struct machine *m, struct mm_struct *mm, uint64_t hint,
			     uint64_t len, uint32_t vm_flags, const struct address_space *inode,
			     uint64_t pgoff, uint64_t *out)
{
	uint64_t align = PAGE_SIZE, addr = 0;

	if (len > TASK_SIZE - mmap_min(m))
		return -ENOMEM;
	if (hint) {
		hint = PAGE_ALIGN(hint);
		if (hint >= mmap_min(m) && hint <= TASK_SIZE - len && range_is_free(mm, hint, len)) {
			*out = hint;
			return 0;
		}
	} else if (inode && !inode->shmem) {
		addr = thp_file_area(m, mm, len, pgoff << PAGE_SHIFT);
	} else if (!inode && !(vm_flags & VM_SHARED) && m->kprof.thp_align_anon &&
		   len % PMD_SIZE == 0) {
		align = PMD_SIZE;
	}
	if (!addr)
		addr = unmapped_area_topdown(mm, len, mmap_min(m), mm->mmap_base, align);
	if (!addr && align > PAGE_SIZE)	/* no aligned room: plain placement */
		addr = unmapped_area_topdown(mm, len, mmap_min(m), mm->mmap_base, PAGE_SIZE);
	if (!addr)	/* arch_get_unmapped_area_topdown falls back to bottom-up */
		addr = unmapped_area_topdown(mm, len, mmap_min(m), TASK_SIZE, PAGE_SIZE);
	if (!addr)
		return -ENOMEM;
	*out = addr;
	return 0;
}

/* ---- splitting and merging ---- */

/*
 * __split_vma(): make addr a VMA boundary. The upper part is a copy with
 * the same anon_vmas and a vm_pgoff advanced by the pages below addr, for
 * anonymous memory as for files, so linear_page_index() does not change.
 */
int split_vma_at(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *v = vma_lookup(mm, addr), *n;

	if (!v || v->vm_start == addr)
		return 0;
	if (mm->map_count >= m->cfg.max_map_count)
		return -ENOMEM;		/* __split_vma(): sysctl_max_map_count */
	n = vm_area_dup(v, mm);
	if (!n)
		return -ENOMEM;
	if (anon_vma_clone(n, v)) {
		vm_area_free(m, n);
		return -ENOMEM;
	}
	n->vm_start = addr;
	n->vm_pgoff += (addr - v->vm_start) >> PAGE_SHIFT;
	v->vm_end = addr;
	vma_link(mm, n);
	return 0;
}

/*
 * is_mergeable_anon_vma(): two VMAs may share their pages' anon_vma if it
 * is the same one, or one has none and the other's chain is a single link
 * (its pages can be found from the merged VMA alone).
 */
static bool mergeable_anon_vma(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	const struct vm_area_struct *with = a->anon_vma ? a : b;

	if (a->anon_vma && b->anon_vma)
		return a->anon_vma == b->anon_vma;
	return !with->anon_vma || list_is_singular(&with->anon_vma_chain);
}

/*
 * is_mergeable_vma() + can_vma_merge_after(): can b be appended to a? The
 * offsets must run on (for anonymous memory too: vm_pgoff is its address).
 */
static bool can_merge(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags || a->vm_file != b->vm_file)
		return false;
	if (b->vm_pgoff != a->vm_pgoff + vma_pages(a))
		return false;
	if (a->vm_flags & VM_GROWSDOWN)
		return false;
	return mergeable_anon_vma(a, b);
}

/* Merge neighbours that became identical around [start, end) (vma_merge). */
void vma_merge_range(struct machine *m, struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct vm_area_struct *a = find_vma(mm, start);

	if (a && a->vm_prev)
		a = a->vm_prev;
	while (a && a->vm_next) {
		struct vm_area_struct *b = a->vm_next;

		if (a->vm_start > end)
			break;
		if (!can_merge(a, b) || (!a->anon_vma && b->anon_vma && anon_vma_clone(a, b))) {
			a = b;
			continue;
		}
		a->vm_end = b->vm_end;	/* dup_anon_vma() above gave a b's anon_vma */
		vma_unlink(mm, b);	/* which updates the gap above a */
		vm_area_free(m, b);
	}
}

/* ---- mmap ---- */

int do_mmap(struct machine *m, struct task_struct *t, uint64_t addr, uint64_t len,
	    uint32_t vm_flags, struct address_space *inode, uint64_t pgoff, bool fixed,
	    uint64_t *out)
{
	struct file *file = NULL;
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *v;
	uint64_t pages, charged = 0;
	int err;

	if (!len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if (mm->map_count > m->cfg.max_map_count)
		return -ENOMEM;		/* do_mmap(): "Too many mappings?" */
	if (fixed) {
		/* __get_unmapped_area(), then security_mmap_addr(): cap_mmap_addr()
		 * lets CAP_SYS_RAWIO (root) map below mmap_min_addr */
		if (addr > TASK_SIZE - len)
			return -ENOMEM;
		if (addr & ~PAGE_MASK)
			return -EINVAL;
		if (addr < m->cfg.mmap_min_addr && t->uid != 0)
			return -EPERM;
		err = do_munmap(m, t, addr, len);
		if (err)
			return err;
	} else {
		err = get_unmapped_area(m, mm, addr, len, vm_flags, inode, pgoff, &addr);
		if (err)
			return err;
	}
	pages = len >> PAGE_SHIFT;
	vm_flags |= VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
	if (vm_flags & VM_SHARED)
		vm_flags |= VM_MAYSHARE;
	if (accountable_mapping(vm_flags)) {
		if (__vm_enough_memory(m, mm, pages))
			return -ENOMEM;
		charged = pages;
		vm_flags |= VM_ACCOUNT;
	}
	if ((vm_flags & VM_SHARED) && !inode) {
		/* shmem_zero_setup(): shared anonymous memory is a shmem object */
		if (!(vm_flags & VM_NORESERVE) && __vm_enough_memory(m, mm, pages))
			return -ENOMEM;
		inode = shmem_create(m, pages);
		if (!inode)
			return -ENOMEM;
		if (!(vm_flags & VM_NORESERVE))
			inode->committed = pages;
		pgoff = 0;
		file = file_open(m, inode);
		mapping_put(m, inode);		/* the open file holds it now */
	} else if (inode) {
		file = file_open(m, inode);
	}
	v = (inode && !file) ? NULL : vm_area_alloc(mm);
	if (v) {
		v->vm_start = addr;
		v->vm_end = addr + len;
		v->vm_flags = vm_flags;
		v->vm_file = file;
		/* do_mmap(): a private anonymous mapping's offset is its address */
		v->vm_pgoff = file ? pgoff : addr >> PAGE_SHIFT;
		if (file) {
			v->vm_ops = inode->shmem ? &shmem_vm_ops : &generic_file_vm_ops;
			vma_link_file(v);
		}
	}
	if (!v) {
		m->vm_committed_as -= (int64_t)charged;
		if (file)
			fput(m, file);
		return -ENOMEM;
	}
	vma_link(mm, v);
	mm->committed += charged;
	vm_stat_account(mm, vm_flags, (int64_t)pages);
	if (vm_flags & VM_LOCKED)
		mm->locked_vm += pages;
	vma_merge_range(m, mm, addr, addr + len);
	charge(m, t, COST_VMA_OP, false);
	*out = addr;
	return 0;
}

/* ---- munmap ---- */

static void remove_vma(struct machine *m, struct mm_struct *mm, struct vm_area_struct *v)
{
	uint64_t pages = vma_pages(v);

	vm_stat_account(mm, v->vm_flags, -(int64_t)pages);
	if (v->vm_flags & VM_ACCOUNT) {
		m->vm_committed_as -= (int64_t)pages;
		mm->committed -= pages;
	}
	if (v->vm_flags & VM_LOCKED)
		mm->locked_vm -= pages;
	vm_area_free(m, v);
}

/*
 * unmap_region() + free_pgtables(): zap the pages of the VMAs from first to
 * last, free the page tables only they used (floor and ceiling bound the
 * neighbours'), flush the TLB, then drop the VMAs.
 */
static void unmap_and_free_vmas(struct machine *m, struct task_struct *t, struct mm_struct *mm,
				struct vm_area_struct *first, struct vm_area_struct *last,
				uint64_t floor, uint64_t ceiling, bool fullmm)
{
	struct vm_area_struct *stop = last->vm_next, *before = first->vm_prev, *v;
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, mm, t, fullmm);
	update_hiwater_rss(mm);
	for (v = first; v != stop; v = v->vm_next)
		zap_vma_range(m, &tlb, v, v->vm_start, v->vm_end);
	for (v = first; v != stop;) {
		struct vm_area_struct *j = v;

		/* gather nearby VMAs into one call down, as free_pgtables() does */
		while (j != last && j->vm_next->vm_start <= j->vm_end + PMD_SIZE)
			j = j->vm_next;
		free_pgd_range(m, &tlb, v->vm_start, j->vm_end, floor,
			       j != last ? j->vm_next->vm_start : ceiling);
		v = j->vm_next;
	}
	tlb_finish_mmu(m, &tlb);
	update_hiwater_vm(mm);
	for (v = last; v != before;) {
		struct vm_area_struct *prev = v->vm_prev;

		vma_unlink(mm, v);
		remove_vma(m, mm, v);
		v = prev;
	}
}

int do_munmap(struct machine *m, struct task_struct *t, uint64_t start, uint64_t len)
{
	struct mm_struct *mm = t->mm;
	struct vm_area_struct *first, *last;
	uint64_t end;

	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;
	if (split_vma_at(m, mm, start) || split_vma_at(m, mm, end))
		return -ENOMEM;
	first = find_vma(mm, start);
	if (!first || first->vm_start >= end)
		return 0;
	for (last = first; last->vm_next && last->vm_next->vm_start < end;)
		last = last->vm_next;
	unmap_and_free_vmas(m, t, mm, first, last, first->vm_prev ? first->vm_prev->vm_end : 0,
			    last->vm_next ? last->vm_next->vm_start : 0, false);
	charge(m, t, COST_VMA_OP, false);
	return 0;
}

/* mmput() -> exit_mmap(): t lets go of mm; the last user tears it down, charged to t. */
void mmput(struct machine *m, struct mm_struct *mm, struct task_struct *t)
{
	if (--mm->users > 0)
		return;
	if (mm->mmap)
		unmap_and_free_vmas(m, t, mm, mm->mmap, vma_last(mm), 0, 0, true);
	mm_drop_cpus(m, mm);
	pgd_free(m, mm);
	shadow_mm_free(mm);
	free(mm);
}

/* ---- brk ---- */

/*
 * brk(2): the heap is one anonymous VMA from start_brk to the page-aligned
 * break. Shrinking unmaps; growing extends the VMA if it does not run into
 * the next mapping (plus the stack guard gap); failure returns the old break.
 */
int do_brk(struct machine *m, struct task_struct *t, uint64_t brk)
{
	struct mm_struct *mm = t->mm;
	uint64_t oldbrk = PAGE_ALIGN(mm->brk), newbrk = PAGE_ALIGN(brk);
	struct vm_area_struct *next, *heap;
	uint64_t pages, flags;
	int err;

	if (brk < mm->start_brk)
		return -ENOMEM;
	if (oldbrk == newbrk) {
		mm->brk = brk;
		return 0;
	}
	if (brk <= mm->brk) {
		err = do_munmap(m, t, newbrk, oldbrk - newbrk);
		if (err)
			return err;
		mm->brk = brk;
		return 0;
	}
	next = find_vma(mm, oldbrk);
	if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
		return -ENOMEM;
	pages = (newbrk - oldbrk) >> PAGE_SHIFT;
	flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT;
	if (__vm_enough_memory(m, mm, pages))
		return -ENOMEM;
	mm->committed += pages;
	heap = oldbrk > mm->start_brk ? vma_lookup(mm, oldbrk - 1) : NULL;
	if (heap && heap->vm_end == oldbrk && heap->vm_flags == flags && !heap->vm_file) {
		heap->vm_end = newbrk;	/* do_brk_flags() expands the brk VMA */
		vma_gap_update(mm, heap->vm_next);
	} else {
		struct vm_area_struct *v = vm_area_alloc(mm);

		if (v) {
			v->vm_start = oldbrk;
			v->vm_end = newbrk;
			v->vm_pgoff = oldbrk >> PAGE_SHIFT;	/* do_brk_flags() */
			v->vm_flags = (uint32_t)flags;
		}
		if (!v) {
			m->vm_committed_as -= (int64_t)pages;
			mm->committed -= pages;
			return -ENOMEM;
		}
		vma_link(mm, v);
	}
	vm_stat_account(mm, (uint32_t)flags, (int64_t)pages);
	mm->brk = brk;
	charge(m, t, COST_VMA_OP, false);
	return 0;
}

/* ---- the stack grows down on a fault below it ---- */

/*
 * expand_downwards() + acct_stack_growth(): the stack VMA may grow to the
 * faulting address if it stays within RLIMIT_STACK and keeps the guard gap
 * from the mapping below.
 */
int expand_stack(struct machine *m, struct mm_struct *mm, struct vm_area_struct *vma,
		 uint64_t addr)
{
	struct vm_area_struct *prev = vma->vm_prev;
	uint64_t start = addr & PAGE_MASK, grow;

	if (!(vma->vm_flags & VM_GROWSDOWN) || start >= vma->vm_start)
		return -EFAULT;
	if (vma->vm_end - start > RLIMIT_STACK_DEFAULT)
		return -ENOMEM;
	if (start < mmap_min(m))
		return -EPERM;
	if (prev && (prev->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)) &&
	    start - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	grow = (vma->vm_start - start) >> PAGE_SHIFT;
	if (__vm_enough_memory(m, mm, grow))
		return -ENOMEM;
	mm->committed += grow;
	vma->vm_start = start;
	vma->vm_pgoff -= grow;	/* expand_downwards(): the pages keep their index */
	vma_gap_update(mm, vma);
	vm_stat_account(mm, vma->vm_flags, (int64_t)grow);
	return 0;
}
