/*
 * fifo.c - first in, first out: a ring of the resident pages in the order
 * they came in; a miss in a full cache evicts the oldest. Hits change
 * nothing (so FIFO shows Belady's anomaly: more frames, more misses).
 */
#include <stdlib.h>
#include "policy.h"

struct fifo {
	uint32_t *ring;		/* cap slots, head = the oldest */
	uint8_t *resident;	/* per page id */
	uint64_t cap, head, used;
};

static void *fifo_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct fifo *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->cap = cap;
	f->ring = malloc(cap * sizeof(*f->ring));
	f->resident = calloc(t->npages, 1);
	if (!f->ring || !f->resident) {
		free(f->ring);
		free(f->resident);
		free(f);
		return NULL;
	}
	return f;
}

static bool fifo_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct fifo *f = st;

	(void)i;
	*victim = NO_VICTIM;
	if (f->resident[id])
		return true;
	if (f->used == f->cap) {		/* the oldest's slot takes the new page */
		*victim = f->ring[f->head];
		f->resident[*victim] = 0;
		f->ring[f->head] = id;
		f->head = f->head + 1 == f->cap ? 0 : f->head + 1;
	} else {
		f->ring[(f->head + f->used++) % f->cap] = id;
	}
	f->resident[id] = 1;
	return false;
}

static uint64_t fifo_show(void *st, uint32_t *ids, uint64_t max)
{
	struct fifo *f = st;
	uint64_t n = 0;

	for (; n < f->used && n < max; n++)
		ids[n] = f->ring[(f->head + n) % f->cap];
	return n;
}

static void fifo_free(void *st)
{
	struct fifo *f = st;

	free(f->ring);
	free(f->resident);
	free(f);
}

const struct policy_ops policy_fifo = {
	.name = "fifo", .help = "first in, first out",
	.left = "FirstIn", .right = "Lastin ",
	.init = fifo_init, .access = fifo_access, .show = fifo_show, .free = fifo_free,
};
