/*
 * sieve.c - SIEVE (Zhang et al., NSDI '24): one FIFO queue, new pages at
 * the head, a visited bit per page set by a hit, and a hand that moves from
 * the tail towards the head. To evict, the hand clears the bits it passes
 * and stops at the first page without one; that page goes, and the hand
 * stays where it was (on the next newer page), wrapping to the tail past
 * the head. Unlike CLOCK a surviving page is not moved: old popular pages
 * stay behind the hand while new ones stream past. libCacheSim's Sieve.c
 * does the same, so the miss ratios agree.
 */
#include "idlist.h"
#include "policy.h"

struct sieve {
	struct idlinks l;
	uint8_t *visited;	/* a page is resident when it is linked */
	uint32_t hand;		/* a page, or NO_VICTIM: start from the tail */
	uint64_t cap, used;
};

static void sieve_free(void *st)
{
	struct sieve *s = st;

	idlinks_free(&s->l);
	free(s->visited);
	free(s);
}

static void *sieve_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct sieve *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cap = cap;
	s->hand = NO_VICTIM;
	s->visited = calloc(t->npages, 1);
	if (!s->visited || idlinks_init(&s->l, t->npages, 1)) {
		free(s->visited);
		free(s);
		return NULL;
	}
	return s;
}

static uint32_t evict(struct sieve *s)
{
	uint32_t p = s->hand == NO_VICTIM ? il_oldest(&s->l, 0) : s->hand, newer;

	while (s->visited[p]) {
		s->visited[p] = 0;
		p = il_newer(&s->l, p);
		if (p >= s->l.base)		/* past the head: round to the tail */
			p = il_oldest(&s->l, 0);
	}
	newer = il_newer(&s->l, p);
	s->hand = newer >= s->l.base ? NO_VICTIM : newer;
	il_del(&s->l, p);
	return p;
}

static bool sieve_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct sieve *s = st;

	(void)i;
	*victim = NO_VICTIM;
	if (il_linked(&s->l, id)) {
		s->visited[id] = 1;
		return true;
	}
	if (s->used == s->cap)
		*victim = evict(s);
	else
		s->used++;
	il_push_newest(&s->l, 0, id);
	s->visited[id] = 0;
	return false;
}

static uint64_t sieve_show(void *st, uint32_t *ids, uint64_t max)
{
	return il_show(&((struct sieve *)st)->l, 0, ids, max);
}

const struct policy_ops policy_sieve = {
	.name = "sieve", .help = "SIEVE: a FIFO queue and a hand that leaves survivors in place",
	.left = "Tail", .right = "Head",
	.init = sieve_init, .access = sieve_access, .show = sieve_show, .free = sieve_free,
};
