/*
 * pattern.c - access orders for touch (see pattern.h).
 */
#include <errno.h>
#include "pattern.h"

int pattern_init(struct pattern *p, const struct vm_touch_args *a,
		 void *(*perm_alloc)(uint64_t bytes))
{
	uint64_t stride = a->stride ? a->stride : VM_PAGE_SIZE;

	p->order = a->order;
	p->positions = a->len ? (a->len + stride - 1) / stride : 0;
	p->n = a->order == VM_ORDER_ZIPF ? (a->count ? a->count : p->positions) : p->positions;
	p->perm = NULL;
	prng_seed(&p->rng, a->seed);
	if (a->order == VM_ORDER_RANDOM && p->positions) {
		if (p->positions > UINT32_MAX)
			return -E2BIG;
		p->perm = perm_alloc(p->positions * sizeof(uint32_t));
		if (!p->perm)
			return -ENOMEM;
	}
	if (a->order == VM_ORDER_ZIPF && p->positions)
		zipf_init(&p->z, p->positions, a->zipf > 0 ? a->zipf : 1.0);
	return 0;
}

/* Fisher-Yates over the positions, a fresh permutation each pass. */
void pattern_pass(struct pattern *p)
{
	if (!p->perm)
		return;
	for (uint64_t i = 0; i < p->positions; i++)
		p->perm[i] = (uint32_t)i;
	for (uint64_t i = p->positions; i > 1; i--) {
		uint64_t j = prng_below(&p->rng, i);
		uint32_t t = p->perm[i - 1];

		p->perm[i - 1] = p->perm[j];
		p->perm[j] = t;
	}
}

uint64_t pattern_pages(const struct pattern *p, const struct vm_touch_args *a)
{
	uint64_t stride = a->stride ? a->stride : VM_PAGE_SIZE;

	if (!p->positions)
		return 0;
	if (stride < VM_PAGE_SIZE)
		return ((a->addr + (p->positions - 1) * stride) >> 12) - (a->addr >> 12) + 1;
	return p->positions;
}
