/*
 * vma_tree.c - the VMAs of an mm in a balanced search tree, augmented with
 * the largest free gap of each subtree.
 *
 * Linux keeps the VMAs in a maple tree (6.1+); before it, from 3.8 to 6.0,
 * in an rbtree (mm->mm_rb) threaded by a sorted list (vm_next, vm_prev)
 * and augmented with rb_subtree_gap, the largest gap below any VMA of the
 * subtree, so that unmapped_area_topdown() finds room in O(log n) by going
 * down only where a gap big enough exists (mm/mmap.c vma_compute_gap(),
 * vma_gap_update(), unmapped_area_topdown() of those kernels). vmlab does
 * the same with an AVL tree: lookup, insert and erase are O(log n), the
 * neighbours are one pointer away, and the layout it gives is exactly the
 * one a linear scan of the gaps from the top would give.
 *
 * The gap of a VMA is the free room below it: from the end of the VMA
 * before it (or 0) to vm_start_gap(), which for a stack includes its guard
 * gap. Whoever changes vm_start or vm_end of a linked VMA calls
 * vma_gap_update() on the VMA whose gap that changes.
 */
#include <stdio.h>
#include "internal.h"

#define RB(v)	((v)->vm_rb)
enum { LEFT, RIGHT };

/* vm_start_gap(): a stack VMA claims its guard gap below it. */
uint64_t vm_start_gap(const struct vm_area_struct *v)
{
	uint64_t s = v->vm_start;

	if (v->vm_flags & VM_GROWSDOWN)
		s = s > STACK_GUARD_GAP ? s - STACK_GUARD_GAP : 0;
	return s;
}

/* vma_compute_gap(): the free room just below v. */
static uint64_t vma_compute_gap(const struct vm_area_struct *v)
{
	uint64_t lo = v->vm_prev ? v->vm_prev->vm_end : 0, hi = vm_start_gap(v);

	return hi > lo ? hi - lo : 0;
}

static int height(const struct vm_area_struct *v)
{
	return v ? RB(v).height : 0;
}

static uint64_t subtree_gap(const struct vm_area_struct *v)
{
	return v ? RB(v).subtree_gap : 0;
}

/* vma_compute_subtree_gap(): the largest gap of v and its children's subtrees. */
static uint64_t compute_subtree_gap(const struct vm_area_struct *v)
{
	uint64_t g = vma_compute_gap(v);

	for (int d = LEFT; d <= RIGHT; d++)
		if (subtree_gap(RB(v).child[d]) > g)
			g = subtree_gap(RB(v).child[d]);
	return g;
}

/* Recompute v's height and subtree gap from its children. */
static void node_update(struct vm_area_struct *v)
{
	int hl = height(RB(v).child[LEFT]), hr = height(RB(v).child[RIGHT]);

	RB(v).height = 1 + (hl > hr ? hl : hr);
	RB(v).subtree_gap = compute_subtree_gap(v);
}

/* Make parent (or the root, if parent is NULL) point at n instead of old. */
static void replace_child(struct mm_struct *mm, struct vm_area_struct *parent,
			  struct vm_area_struct *old, struct vm_area_struct *n)
{
	if (!parent)
		mm->mm_rb = n;
	else if (RB(parent).child[LEFT] == old)
		RB(parent).child[LEFT] = n;
	else
		RB(parent).child[RIGHT] = n;
	if (n)
		RB(n).parent = parent;
}

/*
 * Rotate x's child on side d (LEFT or RIGHT) up into x's place; x becomes
 * its child on the other side. Returns the new subtree root.
 */
static struct vm_area_struct *rotate(struct mm_struct *mm, struct vm_area_struct *x, int d)
{
	struct vm_area_struct *y = RB(x).child[d], *inner = RB(y).child[!d];

	replace_child(mm, RB(x).parent, x, y);
	RB(x).child[d] = inner;
	if (inner)
		RB(inner).parent = x;
	RB(y).child[!d] = x;
	RB(x).parent = y;
	node_update(x);
	node_update(y);
	return y;
}

static int balance(const struct vm_area_struct *v)
{
	return height(RB(v).child[LEFT]) - height(RB(v).child[RIGHT]);
}

/* From v up to the root: recompute each node, rotating where AVL balance is lost. */
static void fix_upwards(struct mm_struct *mm, struct vm_area_struct *v)
{
	while (v) {
		node_update(v);
		int b = balance(v), d = b > 0 ? LEFT : RIGHT;

		if (b > 1 || b < -1) {
			/* the taller child leaning the other way turns first */
			if (balance(RB(v).child[d]) * b < 0)
				rotate(mm, RB(v).child[d], !d);
			v = rotate(mm, v, d);
		}
		v = RB(v).parent;
	}
}

/* vma_gap_update(): v's gap changed (its vm_start, or its predecessor's vm_end). */
void vma_gap_update(struct mm_struct *mm, struct vm_area_struct *v)
{
	if (v)
		fix_upwards(mm, v);
}

/* __vma_link_list() + __vma_link_rb(): put vma in mm by its vm_start. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *parent = NULL, *prev = NULL, *next = NULL;
	struct vm_area_struct **link = &mm->mm_rb;

	while (*link) {
		parent = *link;
		if (vma->vm_start < parent->vm_start) {
			next = parent;
			link = &RB(parent).child[LEFT];
		} else {
			prev = parent;
			link = &RB(parent).child[RIGHT];
		}
	}
	RB(vma) = (struct vma_rb){ .parent = parent, .height = 1 };
	*link = vma;
	vma->vm_prev = prev;
	vma->vm_next = next;
	if (prev)
		prev->vm_next = vma;
	else
		mm->mmap = vma;
	if (next)
		next->vm_prev = vma;
	mm->map_count++;
	fix_upwards(mm, vma);
	vma_gap_update(mm, next);
}

/* __vma_unlink(): take vma out of mm; its neighbours' links stay valid. */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma->vm_prev, *next = vma->vm_next;
	struct vm_area_struct *l = RB(vma).child[LEFT], *r = RB(vma).child[RIGHT], *from;

	if (prev)
		prev->vm_next = next;
	else
		mm->mmap = next;
	if (next)
		next->vm_prev = prev;
	if (!l || !r) {
		from = RB(vma).parent;
		replace_child(mm, from, vma, l ? l : r);
	} else {
		/* two children: next, the leftmost of the right subtree, takes vma's place */
		if (RB(next).parent == vma) {
			from = next;
		} else {
			from = RB(next).parent;
			RB(from).child[LEFT] = RB(next).child[RIGHT];
			if (RB(next).child[RIGHT])
				RB(RB(next).child[RIGHT]).parent = from;
			RB(next).child[RIGHT] = r;
			RB(r).parent = next;
		}
		RB(next).child[LEFT] = l;
		RB(l).parent = next;
		replace_child(mm, RB(vma).parent, vma, next);
	}
	mm->map_count--;
	fix_upwards(mm, from);
	vma_gap_update(mm, next);
	vma->vm_prev = vma->vm_next = NULL;
}

/* find_vma(): the first VMA with vm_end > addr, NULL if none. */
struct vm_area_struct *find_vma(struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *v = mm->mm_rb, *found = NULL;

	while (v) {
		if (v->vm_end > addr) {
			found = v;
			if (v->vm_start <= addr)
				break;
			v = RB(v).child[LEFT];
		} else {
			v = RB(v).child[RIGHT];
		}
	}
	return found;
}

/* The VMA with the highest addresses (mm->highest_vm_end's), NULL if none. */
struct vm_area_struct *vma_last(const struct mm_struct *mm)
{
	struct vm_area_struct *v = mm->mm_rb;

	while (v && RB(v).child[RIGHT])
		v = RB(v).child[RIGHT];
	return v;
}

struct gap_search {
	uint64_t need, len, align, low, high;
};

/* The top address that fits in the highest fitting gap under v, 0 if none. */
static uint64_t gap_search(const struct gap_search *s, const struct vm_area_struct *v)
{
	uint64_t lo, hi, addr;

	if (!v || RB(v).subtree_gap < s->need)
		return 0;
	/* the right subtree's gaps all start at or above v's end */
	if (v->vm_end < s->high && (addr = gap_search(s, RB(v).child[RIGHT])))
		return addr;
	lo = v->vm_prev ? v->vm_prev->vm_end : 0;
	hi = vm_start_gap(v);
	if (lo < s->low)
		lo = s->low;
	if (hi > s->high)
		hi = s->high;
	if (hi > lo && hi - lo >= s->need)
		return (hi - s->len) & ~(s->align - 1);
	/* the left subtree's gaps all end at or below v's start */
	return v->vm_start > s->low ? gap_search(s, RB(v).child[LEFT]) : 0;
}

/*
 * unmapped_area_topdown(): the highest gap below high, at or above low,
 * that holds len bytes; the mapping goes at its top. With a PMD alignment
 * the gap must hold len + PMD_SIZE, and the address is the top one that is
 * 2 MiB aligned, which is what __thp_get_unmapped_area() gets from its
 * padded request. Returns 0 if no gap fits.
 */
uint64_t unmapped_area_topdown(struct mm_struct *mm, uint64_t len, uint64_t low,
			       uint64_t high, uint64_t align)
{
	struct gap_search s = { .need = align > PAGE_SIZE ? len + align : len, .len = len,
				.align = align, .low = low, .high = high };
	struct vm_area_struct *last = vma_last(mm);
	uint64_t lo = last && last->vm_end > low ? last->vm_end : low;

	/* above the last VMA first (the one gap no VMA's gap field holds) */
	if (high > lo && high - lo >= s.need)
		return (high - len) & ~(align - 1);
	return gap_search(&s, mm->mm_rb);
}

/*
 * validate_mm() and browse_rb() (CONFIG_DEBUG_VM_RB): walk the tree in
 * order and check it against the list, the parent links, the AVL heights
 * and balance and every subtree gap. Returns the first fault found, in
 * buf, or NULL.
 */
struct tree_check {
	const struct vm_area_struct *expect;	/* the list's next VMA */
	int count;
	char *buf;
	size_t len;
	bool bad;
};

static int browse_rb(struct tree_check *c, const struct vm_area_struct *v,
		     const struct vm_area_struct *parent)
{
	int hl, hr;
	uint64_t g;

	if (!v || c->bad)
		return 0;
	if (RB(v).parent != parent) {
		snprintf(c->buf, c->len, "VMA at %#llx has the wrong parent",
			 (unsigned long long)v->vm_start);
		c->bad = true;
		return 0;
	}
	hl = browse_rb(c, RB(v).child[LEFT], v);
	if (c->bad)
		return 0;
	if (v != c->expect) {
		snprintf(c->buf, c->len, "VMA at %#llx is out of the list's order",
			 (unsigned long long)v->vm_start);
		c->bad = true;
		return 0;
	}
	c->expect = v->vm_next;
	c->count++;
	hr = browse_rb(c, RB(v).child[RIGHT], v);
	if (c->bad)
		return 0;
	g = compute_subtree_gap(v);
	if (RB(v).height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1 ||
	    RB(v).subtree_gap != g) {
		snprintf(c->buf, c->len, "VMA at %#llx: height %d (children %d, %d), gap %llu "
			 "(should be %llu)", (unsigned long long)v->vm_start, RB(v).height, hl, hr,
			 (unsigned long long)RB(v).subtree_gap, (unsigned long long)g);
		c->bad = true;
	}
	return RB(v).height;
}

const char *vma_tree_check(const struct mm_struct *mm, char *buf, size_t len)
{
	struct tree_check c = { .expect = mm->mmap, .buf = buf, .len = len };

	if (mm->mmap && mm->mmap->vm_prev) {
		snprintf(buf, len, "the first VMA has a predecessor");
		return buf;
	}
	for (const struct vm_area_struct *v = mm->mmap; v && v->vm_next; v = v->vm_next)
		if (v->vm_next->vm_prev != v) {
			snprintf(buf, len, "VMA at %#llx: its successor does not point back",
				 (unsigned long long)v->vm_start);
			return buf;
		}
	browse_rb(&c, mm->mm_rb, NULL);
	if (c.bad)
		return buf;
	if (c.expect || c.count != mm->map_count) {
		snprintf(buf, len, "the tree holds %d VMAs, the list more, map_count %d", c.count,
			 mm->map_count);
		return buf;
	}
	return NULL;
}
