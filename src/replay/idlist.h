/*
 * idlist.h - doubly linked lists of page ids, linked through two arrays
 * indexed by id, for the policies that keep pages in queues (LRU, SIEVE,
 * S3-FIFO, ARC, 2Q). A page is on at most one list at a time; several lists
 * share the arrays, list k's sentinel being slot npages + k. The head end
 * is the newest (most recently inserted or used), the tail the oldest, as
 * in libCacheSim.
 */
#ifndef VMLAB_IDLIST_H
#define VMLAB_IDLIST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

struct idlinks {
	uint32_t *prev, *next;	/* prev: towards the head; next: towards the tail */
	uint32_t base;		/* npages: the first sentinel */
};

static inline int idlinks_init(struct idlinks *l, uint32_t npages, int nlists)
{
	size_t n = (size_t)npages + (size_t)nlists;

	l->base = npages;
	l->prev = malloc(n * sizeof(uint32_t));
	l->next = malloc(n * sizeof(uint32_t));
	if (!l->prev || !l->next) {
		free(l->prev);
		free(l->next);
		return -1;
	}
	for (int k = 0; k < nlists; k++)
		l->prev[npages + k] = l->next[npages + k] = npages + (uint32_t)k;
	return 0;
}

static inline void idlinks_free(struct idlinks *l)
{
	free(l->prev);
	free(l->next);
}

static inline bool il_empty(const struct idlinks *l, int k)
{
	return l->next[l->base + (uint32_t)k] == l->base + (uint32_t)k;
}

/* The newest and the oldest page of list k (only when it is not empty). */
static inline uint32_t il_newest(const struct idlinks *l, int k)
{
	return l->next[l->base + (uint32_t)k];
}

static inline uint32_t il_oldest(const struct idlinks *l, int k)
{
	return l->prev[l->base + (uint32_t)k];
}

/* The page after id towards the tail, or towards the head; a sentinel
 * (>= base) at the end. */
static inline uint32_t il_older(const struct idlinks *l, uint32_t id)
{
	return l->next[id];
}

static inline uint32_t il_newer(const struct idlinks *l, uint32_t id)
{
	return l->prev[id];
}

static inline void il_del(struct idlinks *l, uint32_t id)
{
	l->next[l->prev[id]] = l->next[id];
	l->prev[l->next[id]] = l->prev[id];
}

static inline void il_push_newest(struct idlinks *l, int k, uint32_t id)
{
	uint32_t s = l->base + (uint32_t)k, first = l->next[s];

	l->prev[id] = s;
	l->next[id] = first;
	l->prev[first] = id;
	l->next[s] = id;
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
