/*
 * lirs.c - LIRS (Jiang and Zhang, SIGMETRICS '02): pages whose reuse
 * distance is short (LIR, 99% of the cache) are kept; the rest (HIR, 1%)
 * pass through a small LRU queue Q. The stack S holds, in recency order, the
 * LIR pages and the HIR pages seen recently (resident or not); its bottom is
 * always an LIR page (pruning). An HIR page used again while still in S has
 * a shorter reuse distance than the bottom LIR page: it becomes LIR and that
 * page is demoted to Q. A miss evicts Q's least recently used page; if it is
 * still in S it stays there as a non-resident entry, remembered.
 *
 * As libCacheSim's LIRS.c, whose miss ratios its reference answers hold:
 * HIR gets max(1, 1% of the cache); S is limited to twice the cache by
 * dropping its oldest non-resident entries (in the order they became
 * non-resident); and a hit on a resident HIR page that is not in S demotes
 * S's bottom LIR page to Q first when the LIR set is full, which can evict
 * Q's oldest page on that hit and leave a page free.
 */
#include "idlist.h"
#include "policy.h"

struct lirs {
	struct idlinks s, q, nh;	/* S, Q (LRU), and S's non-resident pages */
	uint8_t *lir;			/* resident: LIR, or (HIR) on Q */
	uint64_t lir_limit, hir_limit, lirs, hirs, s_size, cap;
	uint32_t victim;		/* this access's eviction */
};

/* Where a page is, as the links say it. */
static bool in_s(const struct lirs *l, uint32_t id)
{
	return il_linked(&l->s, id);
}

static bool in_q(const struct lirs *l, uint32_t id)
{
	return il_linked(&l->q, id);
}

static bool resident(const struct lirs *l, uint32_t id)
{
	return l->lir[id] || in_q(l, id);
}

static void lirs_free(void *st)
{
	struct lirs *l = st;

	idlinks_free(&l->s);
	idlinks_free(&l->q);
	idlinks_free(&l->nh);
	free(l->lir);
	free(l);
}

static void *lirs_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct lirs *l = calloc(1, sizeof(*l));
	uint32_t n = t->npages;

	if (!l)
		return NULL;
	l->cap = cap;
	l->hir_limit = (uint64_t)(0.01 * (double)cap);
	if (!l->hir_limit)
		l->hir_limit = 1;
	l->lir_limit = cap > l->hir_limit ? cap - l->hir_limit : 0;
	l->lir = calloc(n, 1);
	if (!l->lir ||
	    idlinks_init(&l->s, n, 1) || idlinks_init(&l->q, n, 1) || idlinks_init(&l->nh, n, 1)) {
		lirs_free(l);		/* idlinks_free of one never made frees NULL */
		return NULL;
	}
	return l;
}

static void s_push(struct lirs *l, uint32_t id)
{
	il_push_newest(&l->s, 0, id);
	l->s_size++;
}

static void s_drop(struct lirs *l, uint32_t id)
{
	il_del(&l->s, id);
	l->s_size--;
}

static void nh_drop(struct lirs *l, uint32_t id)
{
	if (il_linked(&l->nh, id))
		il_del(&l->nh, id);
}

static void q_push(struct lirs *l, uint32_t id)
{
	il_push_newest(&l->q, 0, id);
}

static void q_drop(struct lirs *l, uint32_t id)
{
	il_del(&l->q, id);
}

/* Stack pruning: S's bottom must be an LIR page. */
static void prune(struct lirs *l)
{
	while (!il_empty(&l->s, 0)) {
		uint32_t b = il_oldest(&l->s, 0);

		if (l->lir[b] || il_newest(&l->s, 0) == b)
			break;
		if (!resident(l, b))
			nh_drop(l, b);
		s_drop(l, b);
	}
}

/* Q's least recently used page leaves the cache (the eviction). */
static void evict_hir(struct lirs *l)
{
	uint32_t v = il_oldest(&l->q, 0);

	q_drop(l, v);
	l->hirs--;
	if (in_s(l, v))
		il_push_newest(&l->nh, 0, v);
	l->victim = v;
}

/* S's bottom LIR page becomes a resident HIR page in Q (HIR has a page at
 * least, so there is always room once Q's oldest is evicted). */
static void demote_lir(struct lirs *l)
{
	uint32_t b = il_oldest(&l->s, 0);

	s_drop(l, b);
	l->lir[b] = 0;
	l->lirs--;
	while (l->hirs + 1 > l->hir_limit)
		evict_hir(l);
	q_push(l, b);
	l->hirs++;
	prune(l);
}

/* S is kept to twice the cache by dropping its oldest non-resident pages. */
static void limit_stack(struct lirs *l)
{
	while (l->s_size > 2 * l->cap && !il_empty(&l->nh, 0)) {
		uint32_t p = il_oldest(&l->nh, 0);

		nh_drop(l, p);
		s_drop(l, p);
	}
}

static bool lirs_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct lirs *l = st;
	bool hit = false;

	(void)i;
	l->victim = NO_VICTIM;
	if (!l->lir_limit) {		/* a one-page cache: no LIR set, Q alone, an LRU */
		hit = in_q(l, id);
		if (hit) {
			il_move_newest(&l->q, 0, id);
		} else {
			while (l->hirs + 1 > l->hir_limit)
				evict_hir(l);
			q_push(l, id);
			l->hirs++;
		}
		*victim = l->victim;
		return hit;
	}
	if (in_s(l, id))		/* to S's top, as libCacheSim's LRU find does */
		il_move_newest(&l->s, 0, id);
	if (in_q(l, id))
		il_move_newest(&l->q, 0, id);
	if (in_s(l, id) && l->lir[id]) {			/* an LIR page */
		prune(l);
		hit = true;
	} else if (in_s(l, id) && resident(l, id)) {		/* resident HIR in S */
		if (in_q(l, id)) {
			q_drop(l, id);
			l->hirs--;
		}
		while (l->lirs + 1 > l->lir_limit && l->lirs)
			demote_lir(l);
		l->lir[id] = 1;
		l->lirs++;
		hit = true;
	} else if (!in_s(l, id) && in_q(l, id)) {		/* resident HIR not in S */
		/* (not when the demotion would evict this very page: Q holds it
		 * alone, which libCacheSim does and then counts a hit on a page it
		 * just evicted; only with under 200 pages cached, HIR's 1% being 1) */
		while (l->lirs + 1 > l->lir_limit && l->lirs &&
		       !(l->hirs >= l->hir_limit && il_oldest(&l->q, 0) == id))
			demote_lir(l);
		s_push(l, id);
		hit = true;
	} else if (in_s(l, id)) {				/* non-resident HIR in S */
		while (l->lirs + 1 > l->lir_limit && l->lirs)
			demote_lir(l);
		nh_drop(l, id);
		if (l->lirs + l->hirs + 1 > l->cap) {
			while (l->hirs >= l->hir_limit && l->hirs)
				evict_hir(l);
			if (l->lirs)
				demote_lir(l);
		}
		l->lir[id] = 1;
		l->lirs++;
	} else {						/* in neither */
		if (l->lirs + 1 > l->lir_limit && l->hirs + 1 > l->hir_limit)
			while (l->hirs + 1 > l->hir_limit)
				evict_hir(l);
		s_push(l, id);
		if (l->lirs + 1 <= l->lir_limit) {
			l->lir[id] = 1;
			l->lirs++;
		} else {
			q_push(l, id);
			l->hirs++;
		}
	}
	limit_stack(l);
	*victim = l->victim;
	return hit;
}

/* Q's pages (oldest first), then S's resident LIR pages (bottom first). */
static uint64_t lirs_show(void *st, uint32_t *ids, uint64_t max)
{
	struct lirs *l = st;
	uint64_t n = il_show(&l->q, 0, ids, max);

	for (uint32_t p = il_oldest(&l->s, 0); p < l->s.base && n < max; p = il_newer(&l->s, p))
		if (l->lir[p])
			ids[n++] = p;
	return n;
}

const struct policy_ops policy_lirs = {
	.name = "lirs", .help = "LIRS: low inter-reference recency pages kept, the rest through a 1% queue",
	.left = "HIR", .right = "LIR",
	.init = lirs_init, .access = lirs_access, .show = lirs_show, .free = lirs_free,
};
