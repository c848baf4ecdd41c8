/*
 * nru.c - not recently used (the seed's NUR): each page has a referenced
 * bit R, set by every access, and a modified bit M, set by a write, as the
 * MMU sets them; every --nru-period accesses (by default as many as the
 * cache has pages) the R bits are cleared, as the clock interrupt does in
 * the textbook. A miss in a full cache evicts from the lowest non-empty
 * class: 0 (not referenced, clean), 1 (not referenced, modified: its write
 * back is still owed), 2 (referenced, clean), 3 (referenced, modified).
 * Tanenbaum picks at random within the class; vmlab takes the page that has
 * been in the class longest, so a run needs no seed to repeat.
 */
#include "idlist.h"
#include "policy.h"

struct nru {
	struct idlinks l;	/* list k: the pages of class k */
	const struct trace *t;	/* for each access's write bit */
	uint8_t *cls;		/* per page id: class + 1, 0 when not resident */
	uint64_t cap, used, period, since_clear;
};

static void nru_free(void *st)
{
	struct nru *n = st;

	idlinks_free(&n->l);
	free(n->cls);
	free(n);
}

static void *nru_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct nru *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->cap = cap;
	n->t = t;
	n->period = pc->nru_period ? pc->nru_period : cap;
	n->cls = calloc(t->npages, 1);
	if (!n->cls || idlinks_init(&n->l, t->npages, 4)) {
		free(n->cls);
		free(n);
		return NULL;
	}
	return n;
}

static void set_class(struct nru *n, uint32_t id, int k)
{
	if (n->cls[id]) {
		if (n->cls[id] == k + 1)
			return;
		il_del(&n->l, id);
	}
	il_push_newest(&n->l, k, id);
	n->cls[id] = (uint8_t)(k + 1);
}

/* The clock tick: R cleared everywhere, classes 2 and 3 fall to 0 and 1
 * (in their order, behind the pages already there). */
static void clear_r(struct nru *n)
{
	for (int k = 2; k <= 3; k++)
		while (!il_empty(&n->l, k))
			set_class(n, il_oldest(&n->l, k), k - 2);
}

static bool nru_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct nru *n = st;
	int m = (n->t->acc[i] & TRACE_WRITE) ? 1 : 0;
	bool hit = n->cls[id] != 0;

	*victim = NO_VICTIM;
	if (++n->since_clear > n->period) {
		clear_r(n);
		n->since_clear = 1;
	}
	if (hit) {
		set_class(n, id, 2 + (((n->cls[id] - 1) & 1) | m));
		return true;
	}
	if (n->used == n->cap) {
		int k = 0;

		while (il_empty(&n->l, k))
			k++;
		*victim = il_oldest(&n->l, k);
		il_del(&n->l, *victim);
		n->cls[*victim] = 0;
	} else {
		n->used++;
	}
	set_class(n, id, 2 + m);
	return false;
}

/* Class 0 first, each class oldest first. */
static uint64_t nru_show(void *st, uint32_t *ids, uint64_t max)
{
	struct nru *n = st;
	uint64_t k = 0;

	for (int c = 0; c < 4; c++)
		k += il_show(&n->l, c, ids + k, max - k);
	return k;
}

const struct policy_ops policy_nru = {
	.name = "nru", .help = "not recently used: R and M bits, classes 0-3, R cleared every --nru-period",
	.left = "Class0", .right = "Class3",
	.init = nru_init, .access = nru_access, .show = nru_show, .free = nru_free,
};
