/*
 * random.c - random replacement: a miss in a full cache evicts a resident
 * page chosen uniformly (xoshiro256** from --seed, so a run repeats). The
 * resident pages sit in an array, each page knowing its slot, so a victim
 * is one draw and one store.
 */
#include <stdlib.h>
#include "policy.h"
#include "../lib/prng.h"

#define NOT_HERE	UINT32_MAX

struct random_policy {
	struct prng rng;
	uint32_t *slot_page;	/* cap slots */
	uint32_t *page_slot;	/* per page id, NOT_HERE when not resident */
	uint64_t cap, used;
};

static void *random_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct random_policy *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cap = cap;
	prng_seed(&r->rng, pc->seed);
	r->slot_page = malloc(cap * sizeof(uint32_t));
	r->page_slot = malloc((size_t)t->npages * sizeof(uint32_t));
	if (!r->slot_page || !r->page_slot) {
		free(r->slot_page);
		free(r->page_slot);
		free(r);
		return NULL;
	}
	for (uint32_t p = 0; p < t->npages; p++)
		r->page_slot[p] = NOT_HERE;
	return r;
}

static bool random_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct random_policy *r = st;
	uint64_t s;

	(void)i;
	*victim = NO_VICTIM;
	if (r->page_slot[id] != NOT_HERE)
		return true;
	if (r->used == r->cap) {
		s = prng_below(&r->rng, r->cap);
		*victim = r->slot_page[s];
		r->page_slot[*victim] = NOT_HERE;
	} else {
		s = r->used++;
	}
	r->slot_page[s] = id;
	r->page_slot[id] = (uint32_t)s;
	return false;
}

static uint64_t random_show(void *st, uint32_t *ids, uint64_t max)
{
	struct random_policy *r = st;
	uint64_t n = 0;

	for (; n < r->used && n < max; n++)
		ids[n] = r->slot_page[n];
	return n;
}

static void random_free(void *st)
{
	struct random_policy *r = st;

	free(r->slot_page);
	free(r->page_slot);
	free(r);
}

const struct policy_ops policy_random = {
	.name = "random", .help = "a uniformly random victim (--seed)",
	.left = "Left ", .right = "Right",
	.init = random_init, .access = random_access, .show = random_show, .free = random_free,
};
