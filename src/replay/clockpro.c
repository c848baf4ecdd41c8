/*
 * clockpro.c - CLOCK-Pro (Jiang, Chen and Zhang, USENIX ATC '05): the
 * clock's approximation of LIRS. One ring holds hot pages, resident cold
 * pages and, for a while, the page numbers of evicted cold pages (their
 * "test period"); three hands sweep it. m is the cache's size; mc, the
 * target number of resident cold pages, adapts: a cold page used again
 * within its test period says cold pages deserve more room (mc + 1, it
 * turns hot); a test period that ends unused, less (mc - 1).
 *
 *   HAND_cold finds the victim among resident cold pages: one referenced in
 *     its test period turns hot; one referenced outside it starts a new test
 *     period (its bit cleared); an unreferenced one is evicted, kept as a
 *     non-resident entry if it is in its test period.
 *   HAND_hot turns an unreferenced hot page cold (a referenced one loses its
 *     bit), and ends the test periods of the cold pages it passes; it runs
 *     while there are more hot pages than m - mc.
 *   HAND_test ends the test periods of the pages it passes, removing
 *     non-resident entries; it runs while they number more than m.
 *
 * A new page enters as a resident cold page in its test period, just
 * behind HAND_hot (the ring's head), as do pages turning hot or starting a
 * new test period. mc starts at m and stays within [1, m]. libCacheSim's
 * ClockPro.c (2025) differs in its details and has no reference answers
 * here; this follows the paper.
 */
#include <stdlib.h>
#include "policy.h"

#define NIL	UINT32_MAX

enum { NONE, HOT, COLD, TEST };	/* TEST: non-resident, in its test period */

struct clockpro {
	uint32_t *next, *prev;		/* the ring, through page ids */
	uint8_t *kind, *ref, *testing;	/* testing: a resident cold page's test period */
	uint32_t hand_hot, hand_cold, hand_test;
	uint64_t m, mc, hot, cold, test;
};

static void cp_free(void *st)
{
	struct clockpro *c = st;

	free(c->next);
	free(c->prev);
	free(c->kind);
	free(c->ref);
	free(c->testing);
	free(c);
}

static void *cp_init(const struct policy_config *pc, const struct trace *t)
{
	struct clockpro *c = calloc(1, sizeof(*c));
	uint32_t n = t->npages;

	if (!c)
		return NULL;
	c->m = pc->cap;
	c->mc = pc->cap;
	c->hand_hot = c->hand_cold = c->hand_test = NIL;
	c->next = malloc((size_t)n * sizeof(uint32_t));
	c->prev = malloc((size_t)n * sizeof(uint32_t));
	c->kind = calloc(n, 1);
	c->ref = calloc(n, 1);
	c->testing = calloc(n, 1);
	if (!c->next || !c->prev || !c->kind || !c->ref || !c->testing) {
		cp_free(c);
		return NULL;
	}
	return c;
}

/* id joins the ring at its head: just behind HAND_hot. */
static void ring_add(struct clockpro *c, uint32_t id)
{
	if (c->hand_hot == NIL) {
		c->next[id] = c->prev[id] = id;
		c->hand_hot = c->hand_cold = c->hand_test = id;
		return;
	}
	uint32_t h = c->hand_hot, p = c->prev[h];

	c->next[p] = id;
	c->prev[id] = p;
	c->next[id] = h;
	c->prev[h] = id;
}

static void ring_del(struct clockpro *c, uint32_t id)
{
	uint32_t nx = c->next[id];

	if (nx == id) {
		c->hand_hot = c->hand_cold = c->hand_test = NIL;
		return;
	}
	c->next[c->prev[id]] = nx;
	c->prev[nx] = c->prev[id];
	if (c->hand_hot == id)
		c->hand_hot = nx;
	if (c->hand_cold == id)
		c->hand_cold = nx;
	if (c->hand_test == id)
		c->hand_test = nx;
}

/* to the ring's head (HAND_hot passes it last) */
static void ring_move_head(struct clockpro *c, uint32_t id)
{
	if (c->hand_hot == id)
		c->hand_hot = c->next[id];
	if (c->next[id] == id)
		return;
	ring_del(c, id);
	ring_add(c, id);
}

/* A test period ends unused: mc shrinks; a non-resident entry goes. */
static void end_test(struct clockpro *c, uint32_t id)
{
	if (c->mc > 1)
		c->mc--;
	if (c->kind[id] == TEST) {
		ring_del(c, id);
		c->kind[id] = NONE;
		c->test--;
	} else {
		c->testing[id] = 0;
	}
}

static void run_hand_test(struct clockpro *c)
{
	uint32_t p = c->hand_test;

	c->hand_test = c->next[p];
	if (c->kind[p] == TEST || (c->kind[p] == COLD && c->testing[p]))
		end_test(c, p);
}

/* One step of HAND_hot (it also ends the test periods it passes). */
static void run_hand_hot(struct clockpro *c)
{
	uint32_t p = c->hand_hot;

	c->hand_hot = c->next[p];
	if (c->kind[p] == HOT) {
		if (c->ref[p]) {
			c->ref[p] = 0;
		} else {
			c->kind[p] = COLD;
			c->testing[p] = 0;
			c->hot--;
			c->cold++;
		}
	} else if (c->kind[p] == TEST || (c->kind[p] == COLD && c->testing[p])) {
		end_test(c, p);
	}
}

static void make_hot(struct clockpro *c, uint32_t id)
{
	c->kind[id] = HOT;
	c->ref[id] = 0;
	c->testing[id] = 0;
	c->hot++;
	ring_move_head(c, id);
	while (c->hot > c->m - c->mc && c->hot > 0)
		run_hand_hot(c);
}

/* HAND_cold until it evicts a resident cold page: the victim. */
static uint32_t run_hand_cold(struct clockpro *c)
{
	for (;;) {
		uint32_t p = c->hand_cold;

		c->hand_cold = c->next[p];
		if (c->kind[p] != COLD)
			continue;
		if (c->ref[p] && c->testing[p]) {	/* reused in its test period */
			if (c->mc < c->m)
				c->mc++;
			c->cold--;
			make_hot(c, p);
		} else if (c->ref[p]) {			/* a new test period */
			c->ref[p] = 0;
			c->testing[p] = 1;
			ring_move_head(c, p);
		} else {				/* the victim */
			c->cold--;
			if (c->testing[p]) {
				c->kind[p] = TEST;
				c->testing[p] = 0;
				c->test++;
				while (c->test > c->m)
					run_hand_test(c);
			} else {
				ring_del(c, p);
				c->kind[p] = NONE;
			}
			return p;
		}
		if (c->cold == 0)		/* every cold page turned hot: make one cold */
			while (c->cold == 0)
				run_hand_hot(c);
	}
}

static bool cp_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct clockpro *c = st;
	bool was_test = c->kind[id] == TEST;

	(void)i;
	*victim = NO_VICTIM;
	if (c->kind[id] == HOT || c->kind[id] == COLD) {
		c->ref[id] = 1;
		return true;
	}
	if (c->hot + c->cold == c->m) {
		if (c->cold == 0)
			while (c->cold == 0)
				run_hand_hot(c);
		*victim = run_hand_cold(c);
	}
	if (was_test && c->kind[id] == TEST) {	/* a fault in its test period: hot */
		c->test--;
		if (c->mc < c->m)
			c->mc++;
		make_hot(c, id);
	} else {
		c->kind[id] = COLD;
		c->ref[id] = 0;
		c->testing[id] = 1;
		c->cold++;
		ring_add(c, id);
	}
	return false;
}

/* The resident pages from HAND_hot round the ring. */
static uint64_t cp_show(void *st, uint32_t *ids, uint64_t max)
{
	struct clockpro *c = st;
	uint64_t n = 0;
	uint32_t p = c->hand_hot;

	if (p == NIL)
		return 0;
	do {
		if ((c->kind[p] == HOT || c->kind[p] == COLD) && n < max)
			ids[n++] = p;
		p = c->next[p];
	} while (p != c->hand_hot);
	return n;
}

const struct policy_ops policy_clockpro = {
	.name = "clockpro", .help = "CLOCK-Pro: hot and cold pages, test periods, three hands",
	.left = "Hand", .right = "Last",
	.init = cp_init, .access = cp_access, .show = cp_show, .free = cp_free,
};
