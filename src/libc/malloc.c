/*
 * malloc.c - glibc's allocator (ptmalloc2, glibc 2.36 as on Debian 12),
 * modelled over the simulated brk and mmap.
 *
 * What decides a program's faults and RSS is reproduced:
 *
 *   - Chunks: a request of n bytes takes a chunk of request2size(n) =
 *     max(32, (n + 8 + 15) & ~15) bytes; the pointer returned is chunk + 16.
 *   - The first call of the malloc family builds the thread cache
 *     (tcache_init(): a 640-byte struct from the main arena, zeroed). The
 *     main arena grows the brk heap by request + top_pad (128 KiB) + 32
 *     bytes, rounded up to a page: the first sbrk is 135,168 bytes, and
 *     zeroing the tcache faults in the heap's first page.
 *   - Requests of mmap_threshold (128 KiB) or more that the heap's free
 *     chunks and top cannot serve get their own mapping of
 *     ALIGN_UP(chunk + 8, 4096) bytes (sysmalloc_mmap); writing the chunk
 *     header faults in its first page. calloc() writes nothing else there:
 *     fresh anonymous memory is already zero. So calloc(100 MiB) as a
 *     program's first allocation takes exactly 2 faults (tcache + header),
 *     and writing the 100 MiB afterwards 25,599 more (measured on Linux 6.18,
 *     glibc 2.36).
 *   - Freeing an mmapped chunk unmaps it (RSS drops) and raises the threshold
 *     to its size if that is at most 32 MiB (dynamic threshold; trim_threshold
 *     becomes twice that).
 *   - Small chunks go to the tcache (7 per size up to 1032-byte requests),
 *     then to fastbins (chunks up to 128 bytes, not coalesced until
 *     malloc_consolidate), else they coalesce with free neighbours and with
 *     top. A free that leaves a chunk of 64 KiB or more consolidates the
 *     fastbins and, if top exceeds trim_threshold, shrinks the brk heap
 *     (systrim: keep top_pad, release whole pages).
 *   - malloc_trim(pad) consolidates, returns the whole pages inside free
 *     chunks with MADV_DONTNEED (mtrim) and trims top.
 *   - calloc() clears the chunk itself (it does not take from the tcache in
 *     2.36), except the part carved from heap memory never used before.
 *
 * Simplified: free chunks are kept in exact-size lists below 1024 bytes and
 * one size-ordered list above (glibc's unsorted and large bins order ties
 * differently), so which free chunk a request reuses can differ from glibc's
 * choice when several fit. Heap growth assumes brk is contiguous, as it is
 * unless a mapping blocks it; then the chunk comes from mmap.
 *
 * The allocator's own stores go through the simulated MMU (vm_access_meta:
 * they fault but leave the page's content value alone); calloc's memset is
 * a store of value 0.
 */
#include <stdlib.h>
#include <string.h>
#include "../mm/internal.h"
#include "../lib/u64map.h"

#define SIZE_SZ			8ULL
#define MALLOC_ALIGNMENT	16ULL
#define MINSIZE			32ULL
#define CHUNK_HDR_SZ		16ULL
#define MALLOC_CHUNK_SIZE	48ULL		/* sizeof(struct malloc_chunk) */
#define TCACHE_MAX_BINS		64
#define TCACHE_FILL_COUNT	7
#define TCACHE_STRUCT_SIZE	640ULL		/* sizeof(tcache_perthread_struct) */
#define MAX_FAST_SIZE		128ULL		/* global_max_fast */
#define NFASTBINS		7
#define MIN_LARGE_SIZE		1024ULL
#define NSMALLBINS		64
#define DEFAULT_MMAP_THRESHOLD	(128ULL << 10)
#define DEFAULT_MMAP_THRESHOLD_MAX (32ULL << 20)
#define DEFAULT_TRIM_THRESHOLD	(128ULL << 10)
#define DEFAULT_TOP_PAD		(128ULL << 10)
#define DEFAULT_MMAP_MAX	65536
#define FASTBIN_CONSOLIDATION_THRESHOLD (64ULL << 10)
#define NIL			(-1)

enum where { C_UNUSED, C_INUSE, C_TCACHE, C_FAST, C_BIN, C_MMAPPED };

struct chunk {
	uint64_t addr;		/* chunk start; the user pointer is addr + 16 */
	uint64_t size;
	int32_t prev, next;	/* neighbours in address order (heap chunks) */
	int32_t fd, bk;		/* free list links */
	uint8_t where;
};

struct arena {
	bool initialized;
	uint64_t top, top_size;		/* the top chunk [top, top + top_size) */
	int32_t last;			/* the heap chunk just below top */
	struct chunk *pool;
	int32_t pool_cap, pool_free;	/* unused slots chained through .next */
	int32_t tcache[TCACHE_MAX_BINS];
	int tcache_count[TCACHE_MAX_BINS];
	int32_t fast[NFASTBINS];
	bool have_fastchunks;
	int32_t small[NSMALLBINS];	/* exact sizes, FIFO (insert at head, take tail) */
	int32_t large;			/* sorted by size, then address */
	uint64_t max_heap_end;		/* sbrk_base + max_system_mem */
	struct u64map ptrs;		/* user pointer -> chunk index */
	/* mp_ */
	uint64_t mmap_threshold, trim_threshold, top_pad;
	int n_mmaps, n_mmaps_max;
	bool no_dyn_threshold;
};

/* ---- chunk pool and the pointer table ---- */

static int32_t chunk_new(struct arena *a)
{
	int32_t i;

	if (a->pool_free == NIL) {
		int32_t cap = a->pool_cap ? a->pool_cap * 2 : 64;
		struct chunk *n = realloc(a->pool, (size_t)cap * sizeof(*n));

		if (!n)
			return NIL;
		for (int32_t k = a->pool_cap; k < cap; k++) {
			n[k].where = C_UNUSED;
			n[k].next = k + 1 < cap ? k + 1 : NIL;
		}
		a->pool = n;
		a->pool_free = a->pool_cap;
		a->pool_cap = cap;
	}
	i = a->pool_free;
	a->pool_free = a->pool[i].next;
	memset(&a->pool[i], 0, sizeof(a->pool[i]));
	a->pool[i].prev = a->pool[i].next = a->pool[i].fd = a->pool[i].bk = NIL;
	return i;
}

static void chunk_release(struct arena *a, int32_t i)
{
	a->pool[i].where = C_UNUSED;
	a->pool[i].next = a->pool_free;
	a->pool_free = i;
}

/* Record ptr -> chunk i (i = NIL: forget ptr). */
static void hset(struct arena *a, uint64_t ptr, int32_t i)
{
	if (i == NIL)
		u64map_del(&a->ptrs, ptr);
	else
		u64map_set(&a->ptrs, ptr, (uint64_t)i);
}

static int32_t hget(const struct arena *a, uint64_t ptr)
{
	uint64_t v;

	return u64map_get(&a->ptrs, ptr, &v) ? (int32_t)v : NIL;
}

/* ---- the per-process arena, created on first use, copied on fork ---- */

static void arena_free(struct arena *a)
{
	if (!a)
		return;
	free(a->pool);
	u64map_free(&a->ptrs);
	free(a);
}

static void libc_release(struct machine *m, struct task_struct *t)
{
	(void)m;
	arena_free(t->libc);
	t->libc = NULL;
}

/* fork() copies the parent's memory, glibc's bookkeeping with it. */
static void libc_fork(struct machine *m, struct task_struct *parent, struct task_struct *child)
{
	struct arena *p = parent->libc, *c;

	(void)m;
	if (!p)
		return;
	c = malloc(sizeof(*c));
	if (!c)
		return;
	*c = *p;
	c->pool = malloc((size_t)p->pool_cap * sizeof(*c->pool));
	if ((p->pool_cap && !c->pool) || u64map_copy(&c->ptrs, &p->ptrs)) {
		free(c->pool);
		free(c);
		return;
	}
	if (p->pool_cap)
		memcpy(c->pool, p->pool, (size_t)p->pool_cap * sizeof(*c->pool));
	child->libc = c;
}

static struct arena *arena_of(struct machine *m, struct task_struct *t)
{
	struct arena *a = t->libc;

	m->task_release = libc_release;
	m->task_fork = libc_fork;
	if (a)
		return a;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->pool_free = NIL;
	a->last = NIL;
	a->large = NIL;
	for (int i = 0; i < TCACHE_MAX_BINS; i++)
		a->tcache[i] = NIL;
	for (int i = 0; i < NFASTBINS; i++)
		a->fast[i] = NIL;
	for (int i = 0; i < NSMALLBINS; i++)
		a->small[i] = NIL;
	a->mmap_threshold = DEFAULT_MMAP_THRESHOLD;
	a->trim_threshold = DEFAULT_TRIM_THRESHOLD;
	a->top_pad = DEFAULT_TOP_PAD;
	a->n_mmaps_max = DEFAULT_MMAP_MAX;
	t->libc = a;
	return a;
}

/* ---- size classes ---- */

static uint64_t request2size(uint64_t req)
{
	uint64_t s = (req + SIZE_SZ + MALLOC_ALIGNMENT - 1) & ~(MALLOC_ALIGNMENT - 1);

	return s < MINSIZE ? MINSIZE : s;
}

/* csize2tidx(): unsigned, as glibc's size_t: a huge chunk's index is huge, never negative */
static uint64_t tcache_idx(uint64_t size)
{
	return (size - MINSIZE + MALLOC_ALIGNMENT - 1) / MALLOC_ALIGNMENT;
}

/* ---- free lists ---- */

static void bin_insert(struct arena *a, int32_t i)
{
	struct chunk *c = &a->pool[i];

	c->where = C_BIN;
	if (c->size < MIN_LARGE_SIZE) {
		int b = (int)(c->size / MALLOC_ALIGNMENT);

		c->bk = NIL;
		c->fd = a->small[b];
		if (c->fd != NIL)
			a->pool[c->fd].bk = i;
		a->small[b] = i;
		return;
	}
	int32_t prev = NIL, cur = a->large;

	while (cur != NIL && (a->pool[cur].size < c->size ||
			      (a->pool[cur].size == c->size && a->pool[cur].addr < c->addr))) {
		prev = cur;
		cur = a->pool[cur].fd;
	}
	c->fd = cur;
	c->bk = prev;
	if (cur != NIL)
		a->pool[cur].bk = i;
	if (prev != NIL)
		a->pool[prev].fd = i;
	else
		a->large = i;
}

static void bin_remove(struct arena *a, int32_t i)
{
	struct chunk *c = &a->pool[i];
	int32_t *head = c->size < MIN_LARGE_SIZE ? &a->small[c->size / MALLOC_ALIGNMENT] : &a->large;

	if (c->bk != NIL)
		a->pool[c->bk].fd = c->fd;
	else
		*head = c->fd;
	if (c->fd != NIL)
		a->pool[c->fd].bk = c->bk;
	c->fd = c->bk = NIL;
	c->where = C_INUSE;
}

/* The oldest chunk of an exact small size (glibc takes last(bin)). */
static int32_t small_bin_take(struct arena *a, uint64_t size)
{
	int32_t i = a->small[size / MALLOC_ALIGNMENT];

	if (i == NIL)
		return NIL;
	while (a->pool[i].fd != NIL)
		i = a->pool[i].fd;
	bin_remove(a, i);
	return i;
}

/* Best fit among binned chunks: the smallest of at least size (lowest address). */
static int32_t best_fit(struct arena *a, uint64_t size)
{
	if (size < MIN_LARGE_SIZE)
		for (uint64_t s = size; s < MIN_LARGE_SIZE; s += MALLOC_ALIGNMENT)
			if (a->small[s / MALLOC_ALIGNMENT] != NIL)
				return small_bin_take(a, s);
	for (int32_t i = a->large; i != NIL; i = a->pool[i].fd)
		if (a->pool[i].size >= size) {
			bin_remove(a, i);
			return i;
		}
	return NIL;
}

/* ---- heap chunks in address order ---- */

static void link_after(struct arena *a, int32_t after, int32_t i)
{
	struct chunk *c = &a->pool[i];

	c->prev = after;
	c->next = after == NIL ? NIL : a->pool[after].next;
	if (after != NIL)
		a->pool[after].next = i;
	if (c->next != NIL)
		a->pool[c->next].prev = i;
	if (a->last == after)
		a->last = i;
}

static void unlink_chunk(struct arena *a, int32_t i)
{
	struct chunk *c = &a->pool[i];

	if (c->prev != NIL)
		a->pool[c->prev].next = c->next;
	if (c->next != NIL)
		a->pool[c->next].prev = c->prev;
	if (a->last == i)
		a->last = c->prev;
}

/* ---- touching memory as glibc does ---- */

struct call {
	struct machine *m;
	struct task_struct *t;
	int err;		/* first failure of a store (SIGSEGV, ENOMEM) */
};

static void store_meta(struct call *c, uint64_t addr)
{
	if (!c->err)
		c->err = vm_access_meta(c->m, c->t, addr);
}

/* set_head(): the size field of the chunk at addr. */
static void set_head(struct call *c, uint64_t chunk)
{
	store_meta(c, chunk + SIZE_SZ);
}

/* ---- getting memory from the kernel ---- */

static int sys_mmap(struct call *c, uint64_t len, uint64_t *addr)
{
	return ksys_mmap(c->m, c->t, len, VM_READ | VM_WRITE, addr);
}

/* sysmalloc() for the heap: grow top by brk so it can hold nb. */
static int grow_heap(struct call *c, struct arena *a, uint64_t nb)
{
	struct mm_struct *mm = c->t->mm;
	uint64_t size = nb + a->top_pad + MINSIZE, old_end;

	if (!a->initialized || a->top_size == 0) {
		a->initialized = true;
		a->top = mm->brk;
		a->top_size = 0;
	}
	size -= a->top_size;		/* contiguous: the old top is reused */
	size = PAGE_ALIGN(size);
	old_end = mm->brk;
	if (old_end != a->top + a->top_size)
		return -ENOMEM;		/* a foreign brk: not modelled */
	if (ksys_brk(c->m, c->t, old_end + size))
		return -ENOMEM;
	a->top_size += size;
	if (a->max_heap_end < a->top + a->top_size)
		a->max_heap_end = a->top + a->top_size;
	set_head(c, a->top);
	return 0;
}

/* sysmalloc_mmap(): a chunk of its own mapping. */
static int32_t mmap_chunk(struct call *c, struct arena *a, uint64_t nb)
{
	uint64_t len = PAGE_ALIGN(nb + SIZE_SZ), addr;
	int32_t i;

	if (sys_mmap(c, len, &addr))
		return NIL;
	i = chunk_new(a);
	if (i == NIL)
		return NIL;
	a->pool[i].addr = addr;
	a->pool[i].size = len;
	a->pool[i].where = C_MMAPPED;
	a->n_mmaps++;
	store_meta(c, addr);		/* prev_size: the front misalignment (0) */
	set_head(c, addr);
	return i;
}

/* Split a chunk of top off for nb bytes. */
static int32_t from_top(struct call *c, struct arena *a, uint64_t nb)
{
	int32_t i = chunk_new(a);

	if (i == NIL)
		return NIL;
	a->pool[i].addr = a->top;
	a->pool[i].size = nb;
	a->pool[i].where = C_INUSE;
	link_after(a, a->last, i);
	a->top += nb;
	a->top_size -= nb;
	set_head(c, a->pool[i].addr);
	set_head(c, a->top);		/* the remaining top's header */
	return i;
}

/* Carve nb off the front of a free chunk; the rest goes back to the bins. */
static void split_chunk(struct call *c, struct arena *a, int32_t i, uint64_t nb)
{
	uint64_t rest = a->pool[i].size - nb;

	a->pool[i].where = C_INUSE;
	set_head(c, a->pool[i].addr);
	if (rest < MINSIZE)
		return;		/* the whole chunk is used */
	int32_t r = chunk_new(a);

	if (r == NIL)
		return;
	a->pool[i].size = nb;
	a->pool[r].addr = a->pool[i].addr + nb;
	a->pool[r].size = rest;
	link_after(a, i, r);
	set_head(c, a->pool[r].addr);
	store_meta(c, a->pool[r].addr + rest);	/* set_foot() */
	bin_insert(a, r);
}

/* ---- freeing ---- */

static uint64_t free_to_bins(struct call *c, struct arena *a, int32_t i);

/* malloc_consolidate(): every fastbin chunk coalesces now. */
static void malloc_consolidate(struct call *c, struct arena *a)
{
	a->have_fastchunks = false;
	for (int b = 0; b < NFASTBINS; b++) {
		int32_t i = a->fast[b];

		a->fast[b] = NIL;
		while (i != NIL) {
			int32_t next = a->pool[i].fd;

			a->pool[i].fd = NIL;
			free_to_bins(c, a, i);
			i = next;
		}
	}
}

/* systrim(): give back whole pages above top_pad at the end of the heap. */
static int systrim(struct call *c, struct arena *a, uint64_t pad)
{
	int64_t top_area = (int64_t)a->top_size - (int64_t)MINSIZE - 1;
	uint64_t extra;
	struct mm_struct *mm = c->t->mm;

	if (top_area <= (int64_t)pad)
		return 0;
	extra = ((uint64_t)top_area - pad) & PAGE_MASK;
	if (!extra || mm->brk != a->top + a->top_size)
		return 0;
	if (ksys_brk(c->m, c->t, mm->brk - extra))
		return 0;
	a->top_size -= extra;
	return 1;
}

/*
 * _int_free() for a chunk that is neither tcached nor a fastbin chunk:
 * coalesce backward and forward (into top if it borders it), bin the rest.
 * Returns the size of the chunk it made (the new top's, if it merged there).
 */
static uint64_t free_to_bins(struct call *c, struct arena *a, int32_t i)
{
	int32_t p = a->pool[i].prev, n = a->pool[i].next;

	if (p != NIL && a->pool[p].where == C_BIN) {
		bin_remove(a, p);
		a->pool[p].size += a->pool[i].size;
		unlink_chunk(a, i);
		chunk_release(a, i);
		i = p;
		n = a->pool[i].next;
	}
	if (n == NIL && a->pool[i].addr + a->pool[i].size == a->top) {
		/* borders top: becomes part of it */
		a->top = a->pool[i].addr;
		a->top_size += a->pool[i].size;
		unlink_chunk(a, i);
		chunk_release(a, i);
		set_head(c, a->top);
		return a->top_size;
	}
	if (n != NIL && a->pool[n].where == C_BIN) {
		bin_remove(a, n);
		a->pool[i].size += a->pool[n].size;
		unlink_chunk(a, n);
		chunk_release(a, n);
	}
	set_head(c, a->pool[i].addr);
	store_meta(c, a->pool[i].addr + CHUNK_HDR_SZ);	/* fd/bk in the user area */
	store_meta(c, a->pool[i].addr + a->pool[i].size);	/* set_foot, clear PREV_INUSE */
	bin_insert(a, i);
	return a->pool[i].size;
}

/* ---- malloc ---- */

static int32_t tcache_take(struct arena *a, uint64_t idx)
{
	int32_t i = a->tcache[idx];

	if (i == NIL)
		return NIL;
	a->tcache[idx] = a->pool[i].fd;
	a->pool[i].fd = NIL;
	a->tcache_count[idx]--;
	a->pool[i].where = C_INUSE;
	return i;
}

static void tcache_put(struct call *c, struct arena *a, int32_t i, uint64_t idx)
{
	a->pool[i].where = C_TCACHE;
	a->pool[i].fd = a->tcache[idx];
	a->tcache[idx] = i;
	a->tcache_count[idx]++;
	store_meta(c, a->pool[i].addr + CHUNK_HDR_SZ);	/* e->next, e->key */
}

/* _int_malloc(): a chunk of at least nb bytes, NIL if memory ran out. */
static int32_t int_malloc(struct call *c, struct arena *a, uint64_t nb)
{
	int32_t i;

	if (nb <= MAX_FAST_SIZE) {
		int fb = (int)(nb / MALLOC_ALIGNMENT) - 2;

		i = a->fast[fb];
		if (i != NIL) {
			a->fast[fb] = a->pool[i].fd;
			a->pool[i].fd = NIL;
			a->pool[i].where = C_INUSE;
			/* stash the rest of this fastbin into the tcache */
			uint64_t idx = tcache_idx(nb);

			while (a->fast[fb] != NIL && a->tcache_count[idx] < TCACHE_FILL_COUNT) {
				int32_t s = a->fast[fb];

				a->fast[fb] = a->pool[s].fd;
				tcache_put(c, a, s, idx);
			}
			return i;
		}
	}
	if (nb < MIN_LARGE_SIZE) {
		i = small_bin_take(a, nb);
		if (i != NIL) {
			uint64_t idx = tcache_idx(nb);

			a->pool[i].where = C_INUSE;
			set_head(c, a->pool[i].addr + nb);	/* set_inuse_bit_at_offset */
			while (idx < TCACHE_MAX_BINS && a->tcache_count[idx] < TCACHE_FILL_COUNT) {
				int32_t s = small_bin_take(a, nb);

				if (s == NIL)
					break;
				tcache_put(c, a, s, idx);
			}
			return i;
		}
	} else if (a->have_fastchunks) {
		malloc_consolidate(c, a);
	}
	for (int pass = 0; pass < 2; pass++) {
		i = best_fit(a, nb);
		if (i != NIL) {
			split_chunk(c, a, i, nb);
			return i;
		}
		if (a->initialized && a->top_size >= nb + MINSIZE)
			return from_top(c, a, nb);
		if (!a->have_fastchunks)
			break;
		malloc_consolidate(c, a);
	}
	/* sysmalloc() */
	if (nb >= a->mmap_threshold && a->n_mmaps < a->n_mmaps_max) {
		i = mmap_chunk(c, a, nb);
		if (i != NIL)
			return i;
	}
	if (grow_heap(c, a, nb) == 0)
		return from_top(c, a, nb);
	return mmap_chunk(c, a, nb);	/* MORECORE failed: fall back to mmap */
}

/* tcache_init(): the first allocation of a process builds its thread cache. */
static void tcache_init(struct call *c, struct arena *a)
{
	int32_t i;

	if (a->initialized)
		return;
	i = int_malloc(c, a, request2size(TCACHE_STRUCT_SIZE));
	if (i == NIL)
		return;
	hset(a, a->pool[i].addr + CHUNK_HDR_SZ, i);
	if (!c->err)	/* memset(tcache, 0, sizeof(*tcache)) */
		c->err = vm_access_fill(c->m, c->t, a->pool[i].addr + CHUNK_HDR_SZ,
					TCACHE_STRUCT_SIZE, 0);
}

/* Enter the allocator on behalf of pid. */
static struct task_struct *libc_enter(struct machine *m, int pid, struct op_bracket *b,
				      struct arena **a)
{
	struct task_struct *t = find_task(m, pid);

	if (!t || !t->mm || t->state == TASK_ZOMBIE)
		return NULL;
	sched_switch_to(m, t);
	op_begin(b, t);
	*a = arena_of(m, t);
	if (*a)
		charge(m, t, COST_MALLOC, true);
	return *a ? t : NULL;
}

static int libc_exit(struct call *c, const struct op_bracket *b, struct vm_result *r, int ret)
{
	if (r) {
		memset(r, 0, sizeof(*r));
		op_end(b, c->t, r);
	}
	if (c->err == VM_ESIGNAL)
		return VM_ESIGNAL;
	if (c->err)
		return c->err;
	return ret;
}

static int do_malloc(struct machine *m, int pid, uint64_t size, bool zero, uint64_t *addr,
		     struct vm_result *r)
{
	struct op_bracket b;
	struct arena *a;
	struct task_struct *t = libc_enter(m, pid, &b, &a);
	struct call c = { m, t, 0 };
	uint64_t nb, oldtop, oldtop_size;
	int32_t i = NIL;
	uint64_t idx;

	*addr = 0;
	if (!t)
		return -ESRCH;
	if (size > INT64_MAX)	/* checked_request2size(): more than PTRDIFF_MAX */
		return libc_exit(&c, &b, r, -ENOMEM);
	tcache_init(&c, a);
	nb = request2size(size);
	idx = tcache_idx(nb);
	if (idx < TCACHE_MAX_BINS && !zero)	/* calloc bypasses the tcache (2.36) */
		i = tcache_take(a, idx);
	/* calloc(): memory the heap never had before is known to be zero */
	oldtop = a->top;
	oldtop_size = a->top_size;
	if (a->max_heap_end > oldtop && a->max_heap_end - oldtop > oldtop_size)
		oldtop_size = a->max_heap_end - oldtop;
	if (i == NIL)
		i = int_malloc(&c, a, nb);
	if (i == NIL)
		return libc_exit(&c, &b, r, -ENOMEM);
	*addr = a->pool[i].addr + CHUNK_HDR_SZ;
	hset(a, *addr, i);
	if (zero && a->pool[i].where != C_MMAPPED && !c.err) {
		/* calloc(): clear the chunk, but not memory fresh from sbrk */
		uint64_t csz = a->pool[i].size;

		if (a->pool[i].addr == oldtop && csz > oldtop_size)
			csz = oldtop_size;
		if (csz > SIZE_SZ)
			c.err = vm_access_fill(m, t, *addr, csz - SIZE_SZ, 0);
	}
	return libc_exit(&c, &b, r, 0);
}

int vm_malloc(vm_machine *m, int pid, uint64_t size, uint64_t *addr, struct vm_result *r)
{
	return do_malloc(m, pid, size, false, addr, r);
}

int vm_calloc(vm_machine *m, int pid, uint64_t size, uint64_t *addr, struct vm_result *r)
{
	return do_malloc(m, pid, size, true, addr, r);
}

int vm_malloc_free(vm_machine *m, int pid, uint64_t addr, struct vm_result *r)
{
	struct op_bracket b;
	struct arena *a;
	struct task_struct *t = libc_enter(m, pid, &b, &a);
	struct call c = { m, t, 0 };
	int32_t i;
	uint64_t size;
	uint64_t idx;

	if (!t)
		return -ESRCH;
	if (!addr)
		return libc_exit(&c, &b, r, 0);		/* free(NULL) */
	i = hget(a, addr);
	if (i == NIL || (a->pool[i].where != C_INUSE && a->pool[i].where != C_MMAPPED))
		return libc_exit(&c, &b, r, -EINVAL);	/* "free(): invalid pointer" */
	hset(a, addr, NIL);
	size = a->pool[i].size;
	if (a->pool[i].where == C_MMAPPED) {
		/* the dynamic mmap threshold */
		if (!a->no_dyn_threshold && size > a->mmap_threshold &&
		    size <= DEFAULT_MMAP_THRESHOLD_MAX) {
			a->mmap_threshold = size;
			a->trim_threshold = 2 * size;
		}
		ksys_munmap(m, t, a->pool[i].addr, size);
		a->n_mmaps--;
		chunk_release(a, i);
		return libc_exit(&c, &b, r, 0);
	}
	idx = tcache_idx(size);
	if (idx < TCACHE_MAX_BINS && a->tcache_count[idx] < TCACHE_FILL_COUNT) {
		tcache_put(&c, a, i, idx);
		return libc_exit(&c, &b, r, 0);
	}
	if (size <= MAX_FAST_SIZE) {
		int fb = (int)(size / MALLOC_ALIGNMENT) - 2;

		a->pool[i].where = C_FAST;
		a->pool[i].fd = a->fast[fb];
		a->fast[fb] = i;
		a->have_fastchunks = true;
		store_meta(&c, a->pool[i].addr + CHUNK_HDR_SZ);
		return libc_exit(&c, &b, r, 0);
	}
	if (free_to_bins(&c, a, i) >= FASTBIN_CONSOLIDATION_THRESHOLD) {
		if (a->have_fastchunks)
			malloc_consolidate(&c, a);
		if (a->top_size >= a->trim_threshold)
			systrim(&c, a, a->top_pad);
	}
	return libc_exit(&c, &b, r, 0);
}

/* mtrim(): whole free pages inside binned chunks go back with MADV_DONTNEED. */
static int mtrim(struct call *c, struct arena *a, uint64_t pad)
{
	int result = 0;

	malloc_consolidate(c, a);
	for (int32_t i = 0; i < a->pool_cap; i++) {
		struct chunk *ch = &a->pool[i];
		uint64_t start, size;

		if (ch->where != C_BIN || ch->size <= PAGE_SIZE - 1 + MALLOC_CHUNK_SIZE)
			continue;
		start = PAGE_ALIGN(ch->addr + MALLOC_CHUNK_SIZE);
		size = ch->size - (start - ch->addr);
		if (size > PAGE_SIZE - 1) {
			ksys_madvise(c->m, c->t, start, size & PAGE_MASK, VM_MADV_DONTNEED);
			result = 1;
		}
	}
	return result | systrim(c, a, pad);
}

int vm_malloc_trim(vm_machine *m, int pid, uint64_t pad, struct vm_result *r)
{
	struct op_bracket b;
	struct arena *a;
	struct task_struct *t = libc_enter(m, pid, &b, &a);
	struct call c = { m, t, 0 };
	int ret;

	if (!t)
		return -ESRCH;
	ret = a->initialized ? mtrim(&c, a, pad) : 0;
	return libc_exit(&c, &b, r, ret);
}

uint64_t vm_malloc_usable_size(vm_machine *m, int pid, uint64_t addr)
{
	struct task_struct *t = find_task(m, pid);
	struct arena *a = t ? t->libc : NULL;
	int32_t i = a ? hget(a, addr) : NIL;

	if (i == NIL)
		return 0;
	if (a->pool[i].where == C_MMAPPED)
		return a->pool[i].size - 2 * SIZE_SZ;
	return a->pool[i].size - SIZE_SZ;
}
