/*
 * shadow.c - what memory must contain, kept apart from the kernel model
 * (--check only).
 *
 * The shadow is a second, deliberately simple account of every content
 * value: for private memory, a map per address space from page to the value
 * last stored there; for shared memory, a map per shmem object. It follows
 * semantics, not mechanism: a store sets a value; fork copies the parent's
 * private values (those of the VMAs the child inherits); unmapping or
 * MADV_DONTNEED forgets private values (the memory reads zero again); shared
 * values live as long as their object. It knows nothing of page tables,
 * copy-on-write, reuse or the zero page, so when the checker finds a mapped
 * page whose value differs from the shadow's, the kernel model lost or leaked
 * data: a copy that did not happen, a reuse that should not have, a wrong frame.
 *
 * Each map is an open-addressing hash table keyed by page number.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"

#define EMPTY	UINT64_MAX

struct shadow_map {
	uint64_t *keys;
	uint8_t *vals;
	uint64_t cap, used;
};

static struct shadow_map *map_new(void)
{
	return calloc(1, sizeof(struct shadow_map));
}

static void map_free(struct shadow_map *s)
{
	if (!s)
		return;
	free(s->keys);
	free(s->vals);
	free(s);
}

static uint64_t slot_of(uint64_t key, uint64_t cap)
{
	return (key * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

static int map_grow(struct shadow_map *s)
{
	uint64_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *k = malloc(cap * sizeof(*k));
	uint8_t *v = malloc(cap);

	if (!k || !v) {
		free(k);
		free(v);
		return -1;
	}
	memset(k, 0xff, cap * sizeof(*k));
	for (uint64_t i = 0; i < s->cap; i++) {
		uint64_t j;

		if (s->keys[i] == EMPTY)
			continue;
		j = slot_of(s->keys[i], cap);
		while (k[j] != EMPTY)
			j = (j + 1) & (cap - 1);
		k[j] = s->keys[i];
		v[j] = s->vals[i];
	}
	free(s->keys);
	free(s->vals);
	s->keys = k;
	s->vals = v;
	s->cap = cap;
	return 0;
}

static void map_set(struct shadow_map *s, uint64_t key, uint8_t v)
{
	uint64_t j;

	if ((s->used + 1) * 2 > s->cap && map_grow(s))
		return;
	j = slot_of(key, s->cap);
	while (s->keys[j] != EMPTY && s->keys[j] != key)
		j = (j + 1) & (s->cap - 1);
	if (s->keys[j] == EMPTY) {
		s->keys[j] = key;
		s->used++;
	}
	s->vals[j] = v;
}

static uint8_t map_get(const struct shadow_map *s, uint64_t key)
{
	uint64_t j;

	if (!s || !s->cap)
		return 0;
	j = slot_of(key, s->cap);
	while (s->keys[j] != EMPTY) {
		if (s->keys[j] == key)
			return s->vals[j];
		j = (j + 1) & (s->cap - 1);
	}
	return 0;
}

/* Keep only the keys for which keep() holds (rebuilding the table). */
static void map_filter(struct shadow_map *s, bool (*keep)(uint64_t key, void *ctx), void *ctx)
{
	struct shadow_map n = { 0 };

	if (!s || !s->cap)
		return;
	for (uint64_t i = 0; i < s->cap; i++)
		if (s->keys[i] != EMPTY && keep(s->keys[i], ctx))
			map_set(&n, s->keys[i], s->vals[i]);
	free(s->keys);
	free(s->vals);
	*s = n;
}

/* ---- hooks the kernel model calls (only when m->shadow is on) ---- */

/* A store of v at addr by t. */
void shadow_store(struct machine *m, struct task_struct *t, uint64_t addr, uint8_t v)
{
	struct vm_area_struct *vma = vma_lookup(t->mm, addr);
	uint64_t vpn = addr >> PAGE_SHIFT;

	(void)m;
	if (!vma)
		return;
	if (vma->vm_file) {
		struct address_space *as = vma->vm_file;

		if (!as->shadow)
			as->shadow = map_new();
		if (as->shadow)
			map_set(as->shadow, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), v);
		return;
	}
	if (!t->mm->shadow)
		t->mm->shadow = map_new();
	if (t->mm->shadow)
		map_set(t->mm->shadow, vpn, v);
}

struct range {
	uint64_t lo, hi;	/* page numbers, [lo, hi) */
};

static bool outside(uint64_t key, void *ctx)
{
	const struct range *r = ctx;

	return key < r->lo || key >= r->hi;
}

/* Private memory in [start, end) of mm is gone: it reads zero from now on. */
void shadow_forget(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct range r = { start >> PAGE_SHIFT, end >> PAGE_SHIFT };

	map_filter(mm->shadow, outside, &r);
}

static bool inherited(uint64_t key, void *ctx)
{
	struct mm_struct *child = ctx;
	struct vm_area_struct *v = vma_lookup(child, key << PAGE_SHIFT);

	return v && !v->vm_file;
}

/* fork: the child starts with the parent's values in the VMAs it inherited. */
void shadow_fork(struct mm_struct *parent, struct mm_struct *child)
{
	struct shadow_map *s = parent->shadow;

	if (!s || !s->cap)
		return;
	child->shadow = map_new();
	if (!child->shadow)
		return;
	for (uint64_t i = 0; i < s->cap; i++)
		if (s->keys[i] != EMPTY && inherited(s->keys[i], child))
			map_set(child->shadow, s->keys[i], s->vals[i]);
}

void shadow_mm_free(struct mm_struct *mm)
{
	map_free(mm->shadow);
	mm->shadow = NULL;
}

void shadow_mapping_free(struct address_space *as)
{
	map_free(as->shadow);
	as->shadow = NULL;
}

/* What a mapped page at addr of mm must hold. */
uint8_t shadow_expect(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	if (vma->vm_file)
		return map_get(vma->vm_file->shadow,
			       vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT));
	return map_get(mm->shadow, addr >> PAGE_SHIFT);
}
