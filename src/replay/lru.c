/*
 * lru.c - least recently used: the resident pages on one list from least
 * to most recently used, linked through arrays indexed by page id (slot
 * npages is the list head). A hit moves the page to the MRU end; a miss in
 * a full cache evicts the LRU end.
 */
#include <stdlib.h>
#include "policy.h"

struct lru {
	uint32_t *prev, *next;	/* npages + 1: the last slot is the head */
	uint8_t *resident;
	uint32_t head;
	uint64_t cap, used;
};

static void *lru_init(uint64_t cap, const struct trace *t)
{
	struct lru *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->cap = cap;
	l->head = t->npages;
	l->prev = malloc(((size_t)t->npages + 1) * sizeof(uint32_t));
	l->next = malloc(((size_t)t->npages + 1) * sizeof(uint32_t));
	l->resident = calloc(t->npages, 1);
	if (!l->prev || !l->next || !l->resident) {
		free(l->prev);
		free(l->next);
		free(l->resident);
		free(l);
		return NULL;
	}
	l->prev[l->head] = l->next[l->head] = l->head;
	return l;
}

static void unlink_page(struct lru *l, uint32_t id)
{
	l->next[l->prev[id]] = l->next[id];
	l->prev[l->next[id]] = l->prev[id];
}

static void add_mru(struct lru *l, uint32_t id)
{
	uint32_t last = l->prev[l->head];

	l->prev[id] = last;
	l->next[id] = l->head;
	l->next[last] = id;
	l->prev[l->head] = id;
}

static bool lru_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct lru *l = st;

	(void)i;
	*victim = NO_VICTIM;
	if (l->resident[id]) {
		unlink_page(l, id);
		add_mru(l, id);
		return true;
	}
	if (l->used == l->cap) {
		*victim = l->next[l->head];
		unlink_page(l, *victim);
		l->resident[*victim] = 0;
	} else {
		l->used++;
	}
	add_mru(l, id);
	l->resident[id] = 1;
	return false;
}

static uint64_t lru_show(void *st, uint32_t *ids, uint64_t max)
{
	struct lru *l = st;
	uint64_t n = 0;

	for (uint32_t p = l->next[l->head]; p != l->head && n < max; p = l->next[p])
		ids[n++] = p;
	return n;
}

static void lru_free(void *st)
{
	struct lru *l = st;

	free(l->prev);
	free(l->next);
	free(l->resident);
	free(l);
}

const struct policy_ops policy_lru = {
	.name = "lru", .help = "least recently used",
	.left = "LRU", .right = "MRU",
	.init = lru_init, .access = lru_access, .show = lru_show, .free = lru_free,
};
