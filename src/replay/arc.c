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
	struct idqueues q;	/* T1, T2, B1, B2 */
	uint64_t c;
	double p;		/* T1's target size */
};

static void arc_free(void *st)
{
	struct arc *a = st;

	idqueues_free(&a->q);
	free(a);
}

static void *arc_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct arc *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->c = cap;
	if (idqueues_init(&a->q, t->npages, 4)) {
		free(a);
		return NULL;
	}
	return a;
}

/* REPLACE(x, p): the page it pushes out of the cache (into B1 or B2). */
static uint32_t replace(struct arc *a, bool wanted_in_b2)
{
	double t1 = (double)a->q.n[T1];
	bool from_t1 = (a->q.n[T1] && (t1 > a->p || (t1 == a->p && wanted_in_b2))) || !a->q.n[T2];
	uint32_t v = iq_oldest(&a->q, from_t1 ? T1 : T2);

	iq_take(&a->q, v);
	iq_put(&a->q, v, from_t1 ? B1 : B2);
	return v;
}

static bool arc_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct arc *a = st;

	(void)i;
	*victim = NO_VICTIM;
	switch (a->q.where[id]) {
	case T1:
	case T2:				/* case I: to T2's MRU end */
		iq_take(&a->q, id);
		iq_put(&a->q, id, T2);
		return true;
	case B1: {				/* case II */
		double d = (double)a->q.n[B2] / (double)a->q.n[B1];

		a->p += d > 1 ? d : 1;
		if (a->p > (double)a->c)
			a->p = (double)a->c;
		*victim = replace(a, false);
		iq_take(&a->q, id);
		iq_put(&a->q, id, T2);
		return false;
	}
	case B2: {				/* case III */
		double d = (double)a->q.n[B1] / (double)a->q.n[B2];

		a->p -= d > 1 ? d : 1;
		if (a->p < 0)
			a->p = 0;
		*victim = replace(a, true);
		iq_take(&a->q, id);
		iq_put(&a->q, id, T2);
		return false;
	}
	}
	if (a->q.n[T1] + a->q.n[T2] >= a->c) {	/* case IV, the cache full */
		if (a->q.n[T1] + a->q.n[B1] >= a->c) {
			if (a->q.n[T1] < a->c) {
				iq_take(&a->q, iq_oldest(&a->q, B1));
				*victim = replace(a, false);
			} else {
				*victim = iq_oldest(&a->q, T1);
				iq_take(&a->q, *victim);
			}
		} else {
			if (a->q.n[T1] + a->q.n[T2] + a->q.n[B1] + a->q.n[B2] >= 2 * a->c)
				iq_take(&a->q, iq_oldest(&a->q, B2));
			*victim = replace(a, false);
		}
	}
	iq_put(&a->q, id, T1);
	return false;
}

static uint64_t arc_show(void *st, uint32_t *ids, uint64_t max)
{
	struct arc *a = st;
	uint64_t n = il_show(&a->q.l, T1 - 1, ids, max);

	return n + il_show(&a->q.l, T2 - 1, ids + n, max - n);
}

const struct policy_ops policy_arc = {
	.name = "arc", .help = "ARC: recency and frequency lists with ghosts and an adaptive split",
	.left = "T1", .right = "T2",
	.init = arc_init, .access = arc_access, .show = arc_show, .free = arc_free,
};
