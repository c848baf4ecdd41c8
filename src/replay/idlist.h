/*
 * idlist.h - doubly linked lists of page ids, linked through one array of
 * links indexed by id, for the policies that keep pages in queues (LRU,
 * SIEVE, S3-FIFO, ARC, 2Q, LFU, NRU). A page is on at most one list at a
 * time; several lists share the array, list k's sentinel being slot
 * npages + k. A page's two links sit side by side, so moving it touches its
 * own cache line and its two neighbours'. The head end is the newest (most
 * recently inserted or used), the tail the oldest, as in libCacheSim; a page
 * on no list has prev IL_NONE.
 */
#ifndef VMLAB_IDLIST_H
#define VMLAB_IDLIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define IL_NONE	UINT32_MAX

struct idlink {
	uint32_t prev;		/* towards the head */
	uint32_t next;		/* towards the tail */
};

struct idlinks {
	struct idlink *link;
	uint32_t base;		/* npages: the first sentinel */
};

static inline int idlinks_init(struct idlinks *l, uint32_t npages, int nlists)
{
	size_t n = (size_t)npages + (size_t)nlists;

	l->base = npages;
	l->link = malloc(n * sizeof(*l->link));
	if (!l->link)
		return -1;
	for (uint32_t p = 0; p < npages; p++)
		l->link[p].prev = l->link[p].next = IL_NONE;
	for (int k = 0; k < nlists; k++)
		l->link[npages + k].prev = l->link[npages + k].next = npages + (uint32_t)k;
	return 0;
}

static inline void idlinks_free(struct idlinks *l)
{
	free(l->link);
}

static inline bool il_linked(const struct idlinks *l, uint32_t id)
{
	return l->link[id].prev != IL_NONE;
}

static inline bool il_empty(const struct idlinks *l, int k)
{
	return l->link[l->base + (uint32_t)k].next == l->base + (uint32_t)k;
}

/* The newest and the oldest page of list k (only when it is not empty). */
static inline uint32_t il_newest(const struct idlinks *l, int k)
{
	return l->link[l->base + (uint32_t)k].next;
}

static inline uint32_t il_oldest(const struct idlinks *l, int k)
{
	return l->link[l->base + (uint32_t)k].prev;
}

/* The page after id towards the tail, or towards the head; a sentinel
 * (>= base) at the end. */
static inline uint32_t il_older(const struct idlinks *l, uint32_t id)
{
	return l->link[id].next;
}

static inline uint32_t il_newer(const struct idlinks *l, uint32_t id)
{
	return l->link[id].prev;
}

static inline void il_del(struct idlinks *l, uint32_t id)
{
	struct idlink *e = &l->link[id];

	l->link[e->prev].next = e->next;
	l->link[e->next].prev = e->prev;
	e->prev = e->next = IL_NONE;
}

static inline void il_push_newest(struct idlinks *l, int k, uint32_t id)
{
	uint32_t s = l->base + (uint32_t)k, first = l->link[s].next;

	l->link[id].prev = s;
	l->link[id].next = first;
	l->link[first].prev = id;
	l->link[s].next = id;
}

/* id, on list k, becomes its newest (a no-op when it already is). */
static inline void il_move_newest(struct idlinks *l, int k, uint32_t id)
{
	if (l->link[l->base + (uint32_t)k].next == id)
		return;
	il_del(l, id);
	il_push_newest(l, k, id);
}

/* id's links; near: its neighbours' too (its own are in cache by then) */
static inline void il_prefetch(const struct idlinks *l, uint32_t id, bool near)
{
	if (!near) {
		__builtin_prefetch(&l->link[id]);
	} else if (l->link[id].prev != IL_NONE) {
		__builtin_prefetch(&l->link[l->link[id].prev]);
		__builtin_prefetch(&l->link[l->link[id].next]);
	}
}

/*
 * Queues with sizes: a page is on at most one of up to 7 queues (1..7; 0 is
 * none), each an idlist, with where each page is and how many each holds.
 * The policies built of several queues (S3-FIFO, ARC, 2Q) use this.
 */
struct idqueues {
	struct idlinks l;	/* queue k is list k - 1 */
	uint8_t *where;		/* per page id: its queue, 0 for none */
	uint64_t n[8];
};

static inline int idqueues_init(struct idqueues *q, uint32_t npages, int nqueues)
{
	q->where = calloc(npages ? npages : 1, 1);
	if (!q->where || idlinks_init(&q->l, npages, nqueues)) {
		free(q->where);
		return -1;
	}
	return 0;
}

static inline void idqueues_free(struct idqueues *q)
{
	idlinks_free(&q->l);
	free(q->where);
}

/* id (on no queue) joins queue k at its newest end. */
static inline void iq_put(struct idqueues *q, uint32_t id, int k)
{
	il_push_newest(&q->l, k - 1, id);
	q->where[id] = (uint8_t)k;
	q->n[k]++;
}

/* id leaves its queue. */
static inline void iq_take(struct idqueues *q, uint32_t id)
{
	il_del(&q->l, id);
	q->n[q->where[id]]--;
	q->where[id] = 0;
}

static inline uint32_t iq_oldest(const struct idqueues *q, int k)
{
	return il_oldest(&q->l, k - 1);
}

/* Up to max pages of list k, oldest first: how many. */
static inline uint64_t il_show(const struct idlinks *l, int k, uint32_t *ids, uint64_t max)
{
	uint64_t n = 0;

	for (uint32_t p = il_oldest(l, k); p < l->base && n < max; p = il_newer(l, p))
		ids[n++] = p;
	return n;
}

#endif
