/*
 * shadow.c - what memory must contain, kept apart from the kernel model
 * (--check only).
 *
 * The shadow is a second, deliberately simple account of every content
 * value: for private memory, a map per address space from page to the value
 * last stored there; for shared memory, a map per shmem object. It follows
 * semantics, not mechanism: a store sets a value (a file's: write(2) or a
 * shared mapping; a private mapping's is its own, and until then it reads
 * the file); fork copies the parent's
 * private values (those of the VMAs the child inherits); unmapping or
 * MADV_DONTNEED forgets private values (the memory reads zero again); shared
 * values live as long as their object. It knows nothing of page tables,
 * copy-on-write, reuse or the zero page, so when the checker finds a mapped
 * page whose value differs from the shadow's, the kernel model lost or leaked
 * data: a copy that did not happen, a reuse that should not have, a wrong frame.
 *
 * Each map is a u64map keyed by page number.
 */
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "../lib/u64map.h"

static struct u64map *map_of(void **slot)
{
	if (!*slot)
		*slot = calloc(1, sizeof(struct u64map));
	return *slot;
}

static void map_set(void **slot, uint64_t key, uint8_t v)
{
	struct u64map *s = map_of(slot);

	if (s)
		u64map_set(s, key, v);
}

static bool map_lookup(void *slot, uint64_t key, uint8_t *out)
{
	uint64_t v;

	if (!slot || !u64map_get(slot, key, &v))
		return false;
	*out = (uint8_t)v;
	return true;
}

static void map_free(void **slot)
{
	if (*slot) {
		u64map_free(*slot);
		free(*slot);
		*slot = NULL;
	}
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
	if (vma->vm_file && (vma->vm_flags & VM_SHARED)) {
		shadow_file_store(vma->vm_file->f_mapping, linear_page_index(vma, addr), v);
		return;
	}
	map_set(&t->mm->shadow, vpn, v);
}

/* A store of v into page idx of the file (write(2), a shared mapping). */
void shadow_file_store(struct address_space *as, uint64_t idx, uint8_t v)
{
	map_set(&as->shadow, idx, v);
}

/* What page idx of the file holds: the last store, else what it was made with. */
uint8_t shadow_file_expect(const struct address_space *as, uint64_t idx)
{
	uint8_t v = as->init_value;

	map_lookup(as->shadow, idx, &v);
	return v;
}

/* Private memory in [start, end) of mm is gone: it reads zero from now on. */
void shadow_forget(struct mm_struct *mm, uint64_t start, uint64_t end)
{
	struct u64map *s = mm->shadow;
	uint64_t pos = 0, key, val;

	if (!s)
		return;
	while (u64map_next(s, &pos, &key, &val))
		if (key >= start >> PAGE_SHIFT && key < end >> PAGE_SHIFT)
			u64map_del(s, key);
}

/* fork: the child starts with the parent's values in the VMAs it inherited. */
void shadow_fork(struct mm_struct *parent, struct mm_struct *child)
{
	uint64_t pos = 0, key, val;

	if (!parent->shadow)
		return;
	while (u64map_next(parent->shadow, &pos, &key, &val)) {
		struct vm_area_struct *v = vma_lookup(child, key << PAGE_SHIFT);

		if (v && !(v->vm_flags & VM_SHARED))
			map_set(&child->shadow, key, (uint8_t)val);
	}
}

void shadow_mm_free(struct mm_struct *mm)
{
	map_free(&mm->shadow);
}

void shadow_mapping_free(struct address_space *as)
{
	map_free(&as->shadow);
}

/* What a mapped page at addr of mm must hold. */
uint8_t shadow_expect(struct mm_struct *mm, struct vm_area_struct *vma, uint64_t addr)
{
	uint8_t v;

	if (vma->vm_file && (vma->vm_flags & VM_SHARED))
		return shadow_file_expect(vma->vm_file->f_mapping, linear_page_index(vma, addr));
	if (map_lookup(mm->shadow, addr >> PAGE_SHIFT, &v))
		return v;
	/* a private file page not yet copied reads the file */
	return vma->vm_file ? shadow_file_expect(vma->vm_file->f_mapping,
						 linear_page_index(vma, addr)) : 0;
}
