/*
 * ostep.c - the two policies of OSTEP's paging-policy.py that draw random
 * numbers, as it draws them, for vmlab replay --ostep: its RAND (evict
 * memory[int(random() * count)]) and its CLOCK, which is no hand at all but
 * random probes: a page with a use count (1 on a miss, +1 on each hit, at
 * most -b clockbits) loses one per probe, the first probed at zero goes.
 * The draws are Python's own (pyrandom.h), continuing after the ones that
 * generated the addresses, so vmlab gives the homework's answers exactly.
 * Memory is a list in order of arrival, a victim removed from its place and
 * the new page appended, as the script's list is: O(cache) a miss, which a
 * homework's few frames do not notice.
 */
#include <stdlib.h>
#include <string.h>
#include "policy.h"

struct ostep {
	struct pyrandom own, *r;	/* the run's draws, or ours from --seed */
	uint32_t *memory;		/* cap slots, in arrival order */
	uint8_t *resident;
	uint32_t *ref;			/* CLOCK's use counts */
	uint64_t cap, count, clockbits;
	bool clock;
};

static void ostep_free(void *st)
{
	struct ostep *o = st;

	free(o->memory);
	free(o->resident);
	free(o->ref);
	free(o);
}

static void *ostep_init(const struct policy_config *pc, const struct trace *t, bool clock)
{
	struct ostep *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->cap = pc->cap;
	o->clock = clock;
	o->clockbits = pc->clockbits ? pc->clockbits : 2;
	o->r = pc->py;
	if (!o->r) {
		pyrandom_seed(&o->own, pc->seed);
		o->r = &o->own;
	}
	o->memory = malloc(pc->cap * sizeof(uint32_t));
	o->resident = calloc(t->npages, 1);
	o->ref = calloc(t->npages, sizeof(uint32_t));
	if (!o->memory || !o->resident || !o->ref) {
		ostep_free(o);
		return NULL;
	}
	return o;
}

static void *rand_init(const struct policy_config *pc, const struct trace *t)
{
	return ostep_init(pc, t, false);
}

static void *clock_init(const struct policy_config *pc, const struct trace *t)
{
	return ostep_init(pc, t, true);
}

static void remove_at(struct ostep *o, uint64_t k)
{
	memmove(o->memory + k, o->memory + k + 1, (o->count - k - 1) * sizeof(uint32_t));
	o->count--;
}

static bool ostep_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct ostep *o = st;
	bool hit = o->resident[id];

	(void)i;
	*victim = NO_VICTIM;
	if (!hit) {
		if (o->count == o->cap) {
			uint64_t k;

			for (;;) {
				k = (uint64_t)(pyrandom_random(o->r) * (double)o->count);
				if (!o->clock || o->ref[o->memory[k]] == 0)
					break;
				o->ref[o->memory[k]]--;
			}
			*victim = o->memory[k];
			o->resident[*victim] = 0;
			o->ref[*victim] = 0;		/* del ref[victim] */
			remove_at(o, k);
		}
		o->memory[o->count++] = id;
		o->resident[id] = 1;
	}
	/* after the miss, the use count: 1 for a page just brought in (absent
	 * from the script's dict), else one more, at most clockbits (RAND keeps
	 * it too, and never reads it) */
	if (!hit)
		o->ref[id] = 1;
	else if (++o->ref[id] > o->clockbits)
		o->ref[id] = (uint32_t)o->clockbits;
	return hit;
}

static uint64_t ostep_show(void *st, uint32_t *ids, uint64_t max)
{
	struct ostep *o = st;
	uint64_t n = o->count < max ? o->count : max;

	memcpy(ids, o->memory, n * sizeof(uint32_t));
	return n;
}

const struct policy_ops policy_ostep_rand = {
	.name = "ostep-rand", .help = "paging-policy.py's RAND, with Python's draws (--ostep)",
	.left = "Left ", .right = "Right",
	.init = rand_init, .access = ostep_access, .show = ostep_show, .free = ostep_free,
};

const struct policy_ops policy_ostep_clock = {
	.name = "ostep-clock",
	.help = "paging-policy.py's CLOCK: random probes of use counts up to -b (--ostep)",
	.left = "Left ", .right = "Right",
	.init = clock_init, .access = ostep_access, .show = ostep_show, .free = ostep_free,
};
