/*
 * twoq.c - 2Q (Johnson and Shasha, VLDB '94, the full version): new pages
 * enter A1in, a FIFO of a quarter of the cache; one pushed out of A1in is
 * remembered in A1out (page numbers only, half the cache's size, FIFO); a
 * page found in A1out is hot and goes to Am, an LRU list of the rest of the
 * cache. Hits in A1in change nothing (correlated references). A miss in a
 * full cache takes A1in's oldest when A1in is over its quarter, else Am's
 * least recently used. The sizes and rules of libCacheSim's TwoQ.c
 * (Ain-size-ratio 0.25, Aout-size-ratio 0.5), except that A1in has at least
 * one page (libCacheSim's is empty, and caches nothing, under 4 pages).
 */
#include "idlist.h"
#include "policy.h"

enum { NOWHERE, AIN, AM, AOUT };

struct twoq {
	struct idqueues q;	/* A1in, Am, A1out */
	uint64_t size[4], cap;
};

static void twoq_free(void *st)
{
	struct twoq *q = st;

	idqueues_free(&q->q);
	free(q);
}

static void *twoq_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct twoq *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->cap = cap;
	q->size[AIN] = (uint64_t)((double)cap * 0.25);
	if (!q->size[AIN])
		q->size[AIN] = 1;
	q->size[AOUT] = (uint64_t)((double)cap * 0.5);
	q->size[AM] = cap - q->size[AIN];
	if (idqueues_init(&q->q, t->npages, 3)) {
		free(q);
		return NULL;
	}
	return q;
}

static bool twoq_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct twoq *q = st;
	bool hot = false;

	(void)i;
	*victim = NO_VICTIM;
	if (q->q.where[id] == AIN)
		return true;
	if (q->q.where[id] == AM) {
		iq_take(&q->q, id);
		iq_put(&q->q, id, AM);
		return true;
	}
	if (q->q.where[id] == AOUT) {
		iq_take(&q->q, id);
		hot = true;
	}
	if (q->q.n[AIN] + q->q.n[AM] >= q->cap) {
		if (q->q.n[AIN] > q->size[AIN] || !q->q.n[AM]) {
			*victim = iq_oldest(&q->q, AIN);
			iq_take(&q->q, *victim);
			if (q->size[AOUT]) {
				while (q->q.n[AOUT] >= q->size[AOUT])
					iq_take(&q->q, iq_oldest(&q->q, AOUT));
				iq_put(&q->q, *victim, AOUT);
			}
		} else {
			*victim = iq_oldest(&q->q, AM);
			iq_take(&q->q, *victim);
		}
	}
	iq_put(&q->q, id, hot ? AM : AIN);
	return false;
}

static uint64_t twoq_show(void *st, uint32_t *ids, uint64_t max)
{
	struct twoq *q = st;
	uint64_t n = il_show(&q->q.l, AIN - 1, ids, max);

	return n + il_show(&q->q.l, AM - 1, ids + n, max - n);
}

const struct policy_ops policy_twoq = {
	.name = "twoq", .help = "2Q: a FIFO for new pages, a ghost FIFO, an LRU for hot ones",
	.left = "A1in", .right = "Am",
	.init = twoq_init, .access = twoq_access, .show = twoq_show, .free = twoq_free,
};
