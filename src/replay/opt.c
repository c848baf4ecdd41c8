/*
 * opt.c - Belady's optimal policy (MIN): a miss in a full cache evicts the
 * resident page whose next use lies furthest ahead, or one never used
 * again. A backward pass over the trace gives each access the index of the
 * next access to the same page; the resident pages sit in a max-heap on
 * that index, so each access costs O(log cap).
 *
 * Among pages never used again any victim gives the same misses; vmlab
 * evicts the one that came in last, as OSTEP's paging-policy.py does (its
 * '>=' scan over memory in order of arrival), so -v shows the same
 * "Replaced:" column. libCacheSim calls this policy belady.
 */
#include <stdlib.h>
#include "policy.h"

#define NEVER	TRACE_NEVER	/* no next use; no heap slot */

struct opt {
	uint32_t *next_use;	/* per access: the next access to its page, or NEVER */
	uint32_t *heap;		/* page ids, a max-heap on (key, seq) */
	uint32_t *pos;		/* per page id: its heap slot, or NEVER */
	uint32_t *key;		/* per page id: its next use */
	uint64_t *seq;		/* per page id: when it came in */
	uint64_t cap, used, arrivals;
};

static void opt_free(void *st)
{
	struct opt *o = st;

	free(o->next_use);
	free(o->heap);
	free(o->pos);
	free(o->key);
	free(o->seq);
	free(o);
}

static void *opt_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct opt *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->cap = cap;
	o->next_use = trace_next_use(t);
	o->heap = malloc(cap * sizeof(uint32_t));
	o->pos = malloc((size_t)t->npages * sizeof(uint32_t));
	o->key = malloc((size_t)t->npages * sizeof(uint32_t));
	o->seq = malloc((size_t)t->npages * sizeof(uint64_t));
	if (!o->next_use || !o->heap || !o->pos || !o->key || !o->seq) {
		opt_free(o);
		return NULL;
	}
	for (uint32_t p = 0; p < t->npages; p++)
		o->pos[p] = NEVER;
	return o;
}

/* a evicts before b: its next use is later, or equal and it came in later */
static bool above(const struct opt *o, uint32_t a, uint32_t b)
{
	return o->key[a] != o->key[b] ? o->key[a] > o->key[b] : o->seq[a] > o->seq[b];
}

static void put(struct opt *o, uint64_t slot, uint32_t id)
{
	o->heap[slot] = id;
	o->pos[id] = (uint32_t)slot;
}

static void sift_up(struct opt *o, uint64_t s)
{
	uint32_t id = o->heap[s];

	while (s > 0 && above(o, id, o->heap[(s - 1) / 2])) {
		put(o, s, o->heap[(s - 1) / 2]);
		s = (s - 1) / 2;
	}
	put(o, s, id);
}

static void sift_down(struct opt *o, uint64_t s)
{
	uint32_t id = o->heap[s];

	for (;;) {
		uint64_t c = 2 * s + 1;

		if (c >= o->used)
			break;
		if (c + 1 < o->used && above(o, o->heap[c + 1], o->heap[c]))
			c++;
		if (!above(o, o->heap[c], id))
			break;
		put(o, s, o->heap[c]);
		s = c;
	}
	put(o, s, id);
}

static bool opt_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct opt *o = st;

	*victim = NO_VICTIM;
	if (o->pos[id] != NEVER) {		/* a hit: its next use moves on */
		o->key[id] = o->next_use[i];
		sift_up(o, o->pos[id]);
		sift_down(o, o->pos[id]);
		return true;
	}
	if (o->used == o->cap) {
		*victim = o->heap[0];
		o->pos[*victim] = NEVER;
		if (--o->used) {
			put(o, 0, o->heap[o->used]);
			sift_down(o, 0);
		}
	}
	o->key[id] = o->next_use[i];
	o->seq[id] = o->arrivals++;
	put(o, o->used++, id);
	sift_up(o, o->used - 1);
	return false;
}

/* In order of arrival, as OSTEP's memory list (an insertion sort: -v is for
 * short traces and small caches). */
static uint64_t opt_show(void *st, uint32_t *ids, uint64_t max)
{
	struct opt *o = st;
	uint64_t n = 0;

	for (; n < o->used && n < max; n++) {
		uint32_t id = o->heap[n];
		uint64_t k = n;

		for (; k > 0 && o->seq[ids[k - 1]] > o->seq[id]; k--)
			ids[k] = ids[k - 1];
		ids[k] = id;
	}
	return n;
}

const struct policy_ops policy_opt = {
	.name = "opt", .help = "Belady's optimal: evict the page used furthest ahead (libCacheSim's belady)",
	.left = "Left ", .right = "Right",
	.init = opt_init, .access = opt_access, .show = opt_show, .free = opt_free,
};
