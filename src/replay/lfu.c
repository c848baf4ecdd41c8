/*
 * lfu.c - least frequently used: a miss in a full cache evicts a page with
 * the fewest accesses since it came in (its count starts at 1 and is
 * forgotten when it leaves). Ties go to the page that reached that count
 * first, which is the one accessed least recently: each count has a queue
 * that a page joins at its newest end when it reaches the count, and
 * eviction takes the oldest end of the lowest non-empty count. O(1) per
 * access: the lowest count only ever moves up by one, or back to 1 when a
 * page comes in. libCacheSim's LFU.c orders ties the same way (a FIFO per
 * frequency), so the miss ratios agree.
 */
#include <string.h>
#include "idlist.h"
#include "policy.h"

struct lfu {
	struct idlinks l;	/* list k: the pages with count k + 1... */
	uint32_t *count;	/* per page id, 0 when not resident */
	uint64_t cap, used, min;
	uint32_t npages;
	uint64_t *bucket;	/* count -> its list's size */
	uint64_t nbuckets;
};

static void lfu_free(void *st)
{
	struct lfu *f = st;

	idlinks_free(&f->l);
	free(f->count);
	free(f->bucket);
	free(f);
}

static void *lfu_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct lfu *f = calloc(1, sizeof(*f));
	uint32_t most = 0;

	if (!f)
		return NULL;
	f->cap = cap;
	f->npages = t->npages;
	f->count = calloc(t->npages, sizeof(uint32_t));
	if (!f->count) {
		free(f);
		return NULL;
	}
	/* one list per count, up to the most any page is used: list c lives at
	 * sentinel npages + c */
	for (uint64_t i = 0; i < t->n; i++) {
		uint32_t c = ++f->count[TRACE_ID(t->acc[i])];

		if (c > most)
			most = c;
	}
	memset(f->count, 0, (size_t)t->npages * sizeof(uint32_t));
	f->nbuckets = (uint64_t)most + 1;
	f->bucket = calloc(f->nbuckets, sizeof(uint64_t));
	if (!f->bucket || (uint64_t)t->npages + f->nbuckets > UINT32_MAX ||
	    idlinks_init(&f->l, t->npages, (int)f->nbuckets)) {
		free(f->count);
		free(f->bucket);
		free(f);
		return NULL;
	}
	return f;
}

static void join(struct lfu *f, uint32_t id, uint32_t c)
{
	f->count[id] = c;
	il_push_newest(&f->l, (int)c, id);
	f->bucket[c]++;
}

static void leave(struct lfu *f, uint32_t id)
{
	il_del(&f->l, id);
	f->bucket[f->count[id]]--;
}

static bool lfu_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct lfu *f = st;

	(void)i;
	*victim = NO_VICTIM;
	if (f->count[id]) {
		uint32_t c = f->count[id];

		leave(f, id);
		join(f, id, c + 1);
		if (f->min == c && !f->bucket[c])
			f->min = c + 1;
		return true;
	}
	if (f->used == f->cap) {
		*victim = il_oldest(&f->l, (int)f->min);
		leave(f, *victim);
		f->count[*victim] = 0;
	} else {
		f->used++;
	}
	join(f, id, 1);
	f->min = 1;
	return false;
}

/* Lowest count first, each count oldest first. */
static uint64_t lfu_show(void *st, uint32_t *ids, uint64_t max)
{
	struct lfu *f = st;
	uint64_t n = 0;

	for (uint64_t c = 1; c < f->nbuckets && n < max && n < f->used; c++)
		if (f->bucket[c])
			n += il_show(&f->l, (int)c, ids + n, max - n);
	return n;
}

const struct policy_ops policy_lfu = {
	.name = "lfu", .help = "least frequently used; ties to the least recently used",
	.left = "Fewest", .right = "Most",
	.init = lfu_init, .access = lfu_access, .show = lfu_show, .free = lfu_free,
};
