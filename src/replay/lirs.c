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
	uint8_t *lir, *resident, *in_s, *in_q, *in_nh;
	uint64_t lir_limit, hir_limit, lirs, hirs, s_size, cap;
	uint32_t victim;		/* this access's eviction */
};

static void lirs_free(void *st)
{
	struct lirs *l = st;

	idlinks_free(&l->s);
	idlinks_free(&l->q);
	idlinks_free(&l->nh);
	free(l->lir);
	free(l->resident);
	free(l->in_s);
	free(l->in_q);
	free(l->in_nh);
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
	l->resident = calloc(n, 1);
	l->in_s = calloc(n, 1);
	l->in_q = calloc(n, 1);
	l->in_nh = calloc(n, 1);
	if (!l->lir || !l->resident || !l->in_s || !l->in_q || !l->in_nh ||
	    idlinks_init(&l->s, n, 1) || idlinks_init(&l->q, n, 1) || idlinks_init(&l->nh, n, 1)) {
		lirs_free(l);		/* idlinks_free of one never made frees NULL */
		return NULL;
	}
	return l;
}

static void s_push(struct lirs *l, uint32_t id)
{
	il_push_newest(&l->s, 0, id);
	l->in_s[id] = 1;
	l->s_size++;
}

static void s_drop(struct lirs *l, uint32_t id)
{
	il_del(&l->s, id);
	l->in_s[id] = 0;
	l->s_size--;
}

static void nh_drop(struct lirs *l, uint32_t id)
{
	if (l->in_nh[id]) {
		il_del(&l->nh, id);
		l->in_nh[id] = 0;
	}
}

static void q_push(struct lirs *l, uint32_t id)
{
	il_push_newest(&l->q, 0, id);
	l->in_q[id] = 1;
}

static void q_drop(struct lirs *l, uint32_t id)
{
	il_del(&l->q, id);
	l->in_q[id] = 0;
}

/* Stack pruning: S's bottom must be an LIR page. */
static void prune(struct lirs *l)
{
	while (!il_empty(&l->s, 0)) {
		uint32_t b = il_oldest(&l->s, 0);

		if (l->lir[b] || il_newest(&l->s, 0) == b)
			break;
		if (!l->resident[b])
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
	l->resident[v] = 0;
	if (l->in_s[v]) {
		il_push_newest(&l->nh, 0, v);
		l->in_nh[v] = 1;
	}
	l->victim = v;
}

/* S's bottom LIR page becomes a resident HIR page in Q. */
static void demote_lir(struct lirs *l)
{
	uint32_t b = il_oldest(&l->s, 0);

	s_drop(l, b);
	l->lir[b] = 0;
	l->lirs--;
	if (l->hir_limit >= 1) {
		while (l->hirs + 1 > l->hir_limit)
			evict_hir(l);
		q_push(l, b);
		l->hirs++;
	} else {
		l->resident[b] = 0;
		l->victim = b;
	}
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
		hit = l->in_q[id];
		if (hit) {
			il_move_newest(&l->q, 0, id);
		} else {
			while (l->hirs + 1 > l->hir_limit)
				evict_hir(l);
			q_push(l, id);
			l->resident[id] = 1;
			l->hirs++;
		}
		*victim = l->victim;
		return hit;
	}
	if (l->in_s[id]) {		/* to S's top, as libCacheSim's LRU find does */
		il_move_newest(&l->s, 0, id);
	}
	if (l->in_q[id])
		il_move_newest(&l->q, 0, id);
	if (l->in_s[id] && l->lir[id]) {			/* an LIR page */
		prune(l);
		hit = true;
	} else if (l->in_s[id] && l->resident[id]) {		/* resident HIR in S */
		if (l->in_q[id]) {
			q_drop(l, id);
			l->hirs--;
		}
		while (l->lirs + 1 > l->lir_limit && l->lirs)
			demote_lir(l);
		l->lir[id] = 1;
		l->lirs++;
		hit = true;
	} else if (!l->in_s[id] && l->in_q[id]) {		/* resident HIR not in S */
		/* (not when the demotion would evict this very page: Q holds it
		 * alone, which libCacheSim does and then counts a hit on a page it
		 * just evicted; only with under 200 pages cached, HIR's 1% being 1) */
		while (l->lirs + 1 > l->lir_limit && l->lirs &&
		       !(l->hirs >= l->hir_limit && il_oldest(&l->q, 0) == id))
			demote_lir(l);
		s_push(l, id);
		hit = true;
	} else if (l->in_s[id]) {				/* non-resident HIR in S */
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
		l->resident[id] = 1;
		l->lirs++;
	} else {						/* in neither */
		if (l->lirs + 1 > l->lir_limit && l->hirs + 1 > l->hir_limit)
			while (l->hirs + 1 > l->hir_limit)
				evict_hir(l);
		s_push(l, id);
		l->resident[id] = 1;
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
