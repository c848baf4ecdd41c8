/*
 * arc.c - ARC, the adaptive replacement cache (Megiddo and Modha, FAST '03,
 * figure 4): T1 holds pages seen once recently, T2 pages seen at least
 * twice, each an LRU list; B1 and B2 remember the page numbers T1 and T2
 * evicted (ghosts, c of them at most together with T1 and T2's... 2c in
 * all). The target size p of T1 adapts: a hit in B1 says T1 was too small
 * (p grows by max(|B2|/|B1|, 1)), a hit in B2 that T2 was (p shrinks by
 * max(|B1|/|B2|, 1)). REPLACE evicts T1's LRU page into B1 when T1 is over
 * p (or at p and the page wanted is in B2), else T2's into B2. A complete
 * miss in a full cache first trims the history: B1's oldest (or T1's own,
 * straight out, when T1 alone fills the cache) if T1 and B1 hold c pages,
 * else B2's oldest when all four hold 2c. The same cases as libCacheSim's
 * ARC.c, and as there p and the deltas are real numbers (the paper leaves
 * it open; with integer division the miss ratio on the Zipf reference trace
 * at 50,000 pages is 0.0950 instead of libCacheSim's 0.0943), and REPLACE
 * takes from T1 whenever T2 is empty.
 */
#include "idlist.h"
#include "policy.h"

enum { NOWHERE, T1, T2, B1, B2 };

struct arc {
	struct idlinks l;	/* list k - 1 for T1, T2, B1, B2 */
	uint8_t *where;
	uint64_t n[5], c;
	double p;		/* T1's target size */
};

static void arc_free(void *st)
{
	struct arc *a = st;

	idlinks_free(&a->l);
	free(a->where);
	free(a);
}

static void *arc_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct arc *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->c = cap;
	a->where = calloc(t->npages, 1);
	if (!a->where || idlinks_init(&a->l, t->npages, 4)) {
		free(a->where);
		free(a);
		return NULL;
	}
	return a;
}

static void put(struct arc *a, uint32_t id, int k)
{
	il_push_newest(&a->l, k - 1, id);
	a->where[id] = (uint8_t)k;
	a->n[k]++;
}

static void take(struct arc *a, uint32_t id)
{
	il_del(&a->l, id);
	a->n[a->where[id]]--;
	a->where[id] = NOWHERE;
}

/* REPLACE(x, p): the page it pushes out of the cache (into B1 or B2). */
static uint32_t replace(struct arc *a, bool wanted_in_b2)
{
	double t1 = (double)a->n[T1];
	bool from_t1 = (a->n[T1] && (t1 > a->p || (t1 == a->p && wanted_in_b2))) || !a->n[T2];
	uint32_t v = il_oldest(&a->l, (from_t1 ? T1 : T2) - 1);

	take(a, v);
	put(a, v, from_t1 ? B1 : B2);
	return v;
}

static bool arc_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct arc *a = st;

	(void)i;
	*victim = NO_VICTIM;
	switch (a->where[id]) {
	case T1:
	case T2:				/* case I: to T2's MRU end */
		take(a, id);
		put(a, id, T2);
		return true;
	case B1: {				/* case II */
		double d = (double)a->n[B2] / (double)a->n[B1];

		a->p += d > 1 ? d : 1;
		if (a->p > (double)a->c)
			a->p = (double)a->c;
		*victim = replace(a, false);
		take(a, id);
		put(a, id, T2);
		return false;
	}
	case B2: {				/* case III */
		double d = (double)a->n[B1] / (double)a->n[B2];

		a->p -= d > 1 ? d : 1;
		if (a->p < 0)
			a->p = 0;
		*victim = replace(a, true);
		take(a, id);
		put(a, id, T2);
		return false;
	}
	}
	if (a->n[T1] + a->n[T2] >= a->c) {	/* case IV, the cache full */
		if (a->n[T1] + a->n[B1] >= a->c) {
			if (a->n[T1] < a->c) {
				take(a, il_oldest(&a->l, B1 - 1));
				*victim = replace(a, false);
			} else {
				*victim = il_oldest(&a->l, T1 - 1);
				take(a, *victim);
			}
		} else {
			if (a->n[T1] + a->n[T2] + a->n[B1] + a->n[B2] >= 2 * a->c)
				take(a, il_oldest(&a->l, B2 - 1));
			*victim = replace(a, false);
		}
	}
	put(a, id, T1);
	return false;
}

static uint64_t arc_show(void *st, uint32_t *ids, uint64_t max)
{
	struct arc *a = st;
	uint64_t n = il_show(&a->l, T1 - 1, ids, max);

	return n + il_show(&a->l, T2 - 1, ids + n, max - n);
}

const struct policy_ops policy_arc = {
	.name = "arc", .help = "ARC: recency and frequency lists with ghosts and an adaptive split",
	.left = "T1", .right = "T2",
	.init = arc_init, .access = arc_access, .show = arc_show, .free = arc_free,
};
