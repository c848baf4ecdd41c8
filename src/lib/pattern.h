/*
 * pattern.h - the order in which a touch visits its range, shared by both
 * backends so that the simulated and the real kernel see the same access
 * sequence: sequential, reverse, a random permutation per pass, or Zipf
 * draws. Random orders come from a seed carried with the operation.
 */
#ifndef VMLAB_PATTERN_H
#define VMLAB_PATTERN_H

#include <stdint.h>
#include "../../include/vmlab.h"
#include "prng.h"
#include "zipf.h"

struct pattern {
	enum vm_order order;
	uint64_t positions;	/* strided positions in the range */
	uint64_t n;		/* accesses per pass */
	uint32_t *perm;		/* VM_ORDER_RANDOM: this pass's permutation */
	struct prng rng;
	struct zipf z;
};

/* 0, or -ENOMEM / -E2BIG. perm_alloc gives memory for the permutation
 * (the real backend passes one that keeps glibc's heap untouched). */
int pattern_init(struct pattern *p, const struct vm_touch_args *a,
		 void *(*perm_alloc)(uint64_t bytes));
/* Call at the start of each pass (draws the pass's permutation). */
void pattern_pass(struct pattern *p);
/* The position of access i of the current pass. */
static inline uint64_t pattern_pos(struct pattern *p, uint64_t i)
{
	switch (p->order) {
	case VM_ORDER_SEQ: return i;
	case VM_ORDER_REVERSE: return p->n - 1 - i;
	case VM_ORDER_RANDOM: return p->perm[i];
	default: return zipf_next(&p->z, &p->rng);
	}
}
/* The number of distinct pages the pattern covers (r.pages). */
uint64_t pattern_pages(const struct pattern *p, const struct vm_touch_args *a);

#endif
