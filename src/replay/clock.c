/*
 * clock.c - the resident pages in a ring, the oldest under a hand; a miss in
 * a full cache evicts at the hand and the new page takes its slot, the hand
 * moving on past it. Two policies share the ring:
 *
 *   fifo   first in, first out: hits change nothing (so FIFO shows Belady's
 *          anomaly: more frames, more misses).
 *   clock  second chance: a hit sets the page's reference bit (a new page
 *          starts with it clear); the hand passes over a page with its bit
 *          set, clearing it, and evicts the first without. This is
 *          libCacheSim's "clock" (a FIFO queue where the evicting end's
 *          referenced objects are reinserted at the other with the bit
 *          cleared: the same order as the hand's), so the miss ratios agree
 *          exactly.
 *
 * With no bit ever set the two are the same ring; the hand always points at
 * the page that came in first.
 */
#include <stdlib.h>
#include "policy.h"

struct clock {
	uint32_t *ring;		/* cap slots */
	uint8_t *resident, *ref;	/* per page id */
	uint64_t cap, hand, used;
	bool second_chance;
};

static void clock_free(void *st)
{
	struct clock *c = st;

	free(c->ring);
	free(c->resident);
	free(c->ref);
	free(c);
}

static void *ring_init(const struct policy_config *pc, const struct trace *t, bool second_chance)
{
	struct clock *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cap = pc->cap;
	c->second_chance = second_chance;
	c->ring = malloc(pc->cap * sizeof(*c->ring));
	c->resident = calloc(t->npages, 1);
	c->ref = calloc(t->npages, 1);
	if (!c->ring || !c->resident || !c->ref) {
		clock_free(c);
		return NULL;
	}
	return c;
}

static void *fifo_init(const struct policy_config *pc, const struct trace *t)
{
	return ring_init(pc, t, false);
}

static void *clock_init(const struct policy_config *pc, const struct trace *t)
{
	return ring_init(pc, t, true);
}

static bool clock_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct clock *c = st;

	(void)i;
	*victim = NO_VICTIM;
	if (c->resident[id]) {
		c->ref[id] = c->second_chance;
		return true;
	}
	if (c->used < c->cap) {
		c->ring[c->used++] = id;	/* the hand stays on the oldest, slot 0 */
	} else {
		while (c->ref[c->ring[c->hand]]) {
			c->ref[c->ring[c->hand]] = 0;
			c->hand = c->hand + 1 == c->cap ? 0 : c->hand + 1;
		}
		*victim = c->ring[c->hand];
		c->resident[*victim] = 0;
		c->ring[c->hand] = id;
		c->hand = c->hand + 1 == c->cap ? 0 : c->hand + 1;
	}
	c->resident[id] = 1;
	c->ref[id] = 0;
	return false;
}

/* From the hand round the ring: the order the hand will visit them (for
 * FIFO, first in to last in). */
static uint64_t clock_show(void *st, uint32_t *ids, uint64_t max)
{
	struct clock *c = st;
	uint64_t n = 0;

	for (; n < c->used && n < max; n++)
		ids[n] = c->ring[(c->hand + n) % c->used];
	return n;
}

const struct policy_ops policy_fifo = {
	.name = "fifo", .help = "first in, first out",
	.left = "FirstIn", .right = "Lastin ",
	.init = fifo_init, .access = clock_access, .show = clock_show, .free = clock_free,
};

const struct policy_ops policy_clock = {
	.name = "clock", .help = "second chance: a ring, a hand and one reference bit",
	.left = "Hand", .right = "Last",
	.init = clock_init, .access = clock_access, .show = clock_show, .free = clock_free,
};
