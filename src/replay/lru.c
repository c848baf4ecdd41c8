/*
 * lru.c - least recently used: the resident pages on one list from most to
 * least recently used (idlist.h). A hit moves the page to the MRU end; a
 * miss in a full cache evicts the LRU end.
 */
#include "idlist.h"
#include "policy.h"

struct lru {
	struct idlinks l;	/* a page is resident when it is linked */
	uint64_t cap, used;
};

static void lru_free(void *st)
{
	struct lru *l = st;

	idlinks_free(&l->l);
	free(l);
}

static void *lru_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct lru *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->cap = cap;
	if (idlinks_init(&l->l, t->npages, 1)) {
		free(l);
		return NULL;
	}
	return l;
}

static bool lru_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct lru *l = st;

	(void)i;
	*victim = NO_VICTIM;
	if (il_linked(&l->l, id)) {
		il_move_newest(&l->l, 0, id);
		return true;
	}
	if (l->used == l->cap) {
		*victim = il_oldest(&l->l, 0);
		il_del(&l->l, *victim);
	} else {
		l->used++;
	}
	il_push_newest(&l->l, 0, id);
	return false;
}

static void lru_prefetch(const void *st, uint32_t id, bool near)
{
	il_prefetch(&((const struct lru *)st)->l, id, near);
}

static uint64_t lru_show(void *st, uint32_t *ids, uint64_t max)
{
	return il_show(&((struct lru *)st)->l, 0, ids, max);
}

const struct policy_ops policy_lru = {
	.name = "lru", .help = "least recently used",
	.left = "LRU", .right = "MRU",
	.init = lru_init, .access = lru_access, .prefetch = lru_prefetch, .show = lru_show,
	.free = lru_free,
};
