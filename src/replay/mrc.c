/*
 * mrc.c - see mrc.h.
 */
#include <stdlib.h>
#include <string.h>
#include "mrc.h"

#define NONE	UINT64_MAX

/* A Fenwick tree over positions 1..n: point add, prefix sum. */
struct fenwick {
	int32_t *t;
	uint64_t n;
};

static void fw_add(struct fenwick *f, uint64_t i, int32_t v)
{
	for (; i <= f->n; i += i & -i)
		f->t[i] += v;
}

static int64_t fw_sum(const struct fenwick *f, uint64_t i)
{
	int64_t s = 0;

	for (; i; i -= i & -i)
		s += f->t[i];
	return s;
}

/*
 * The distances of the accesses to pages keep(id) says to keep, the times
 * being those accesses' own order: a page's distance counts the distinct
 * kept pages since its previous access. keep NULL keeps every page.
 */
static int stack_distances(const struct trace *t, const uint8_t *keep, struct lru_curve *c)
{
	struct fenwick f = { 0 };
	uint64_t *last = malloc((size_t)t->npages * sizeof(uint64_t)), now = 0, distinct = 0;

	memset(c, 0, sizeof(*c));
	c->hist = calloc((size_t)t->npages + 2, sizeof(uint64_t));
	f.n = t->n;
	f.t = calloc(t->n + 1, sizeof(int32_t));
	if (!last || !c->hist || !f.t) {
		free(last);
		free(f.t);
		mrc_free(c);
		return -1;
	}
	for (uint32_t p = 0; p < t->npages; p++)
		last[p] = NONE;
	for (uint64_t i = 0; i < t->n; i++) {
		uint32_t id = TRACE_ID(t->acc[i]);

		if (keep && !keep[id])
			continue;
		now++;
		if (last[id] == NONE) {
			c->cold++;
			distinct++;
		} else {
			/* every page seen has its one mark at or before now - 1:
			 * those after last[id] are the distinct pages since */
			uint64_t d = distinct - (uint64_t)fw_sum(&f, last[id]) + 1;

			c->hist[d]++;
			if (d > c->maxd)
				c->maxd = d;
			fw_add(&f, last[id], -1);
		}
		fw_add(&f, now, 1);
		last[id] = now;
	}
	free(last);
	free(f.t);
	c->scale = 1;
	c->accesses = t->n;
	return 0;
}

int mrc_lru(const struct trace *t, struct lru_curve *c)
{
	return stack_distances(t, NULL, c);
}

/* splitmix64's finaliser: a page number's sampling hash */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

int mrc_shards(const struct trace *t, double rate, struct lru_curve *c)
{
	uint8_t *keep = malloc(t->npages);
	uint64_t threshold = (uint64_t)(rate * 4294967296.0);
	int rc;

	if (!keep)
		return -1;
	for (uint32_t p = 0; p < t->npages; p++)
		keep[p] = (mix(t->page[p]) >> 32) < threshold;
	rc = stack_distances(t, keep, c);
	free(keep);
	if (rc)
		return rc;
	c->scale = 1 / rate;
	c->accesses = t->n;
	return 0;
}

/*
 * Misses at size s: the cold ones and those farther than s. Under SHARDS a
 * sampled distance d stands for d / rate, and the ratio is over the
 * accesses the sample should have had, rate x n, not those it has: a
 * sample that happens to miss (or catch) the hottest pages of a skewed
 * trace has far fewer (or more) accesses than that, all of them at short
 * distances, and dividing by its own count would bias the whole curve (the
 * paper's SHARDS_adj puts the difference into the shortest distance).
 */
double mrc_lru_miss_ratio(const struct lru_curve *c, uint64_t size)
{
	uint64_t counted = c->cold, miss = c->cold;
	double expected;

	for (uint64_t d = 1; d <= c->maxd; d++) {
		counted += c->hist[d];
		if ((double)d * c->scale > (double)size)
			miss += c->hist[d];
	}
	expected = c->scale > 1 ? (double)c->accesses / c->scale : (double)counted;
	if (expected < (double)miss)
		expected = (double)miss;
	return expected > 0 ? (double)miss / expected : 0;
}

void mrc_free(struct lru_curve *c)
{
	free(c->hist);
	memset(c, 0, sizeof(*c));
}
