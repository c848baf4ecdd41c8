/*
 * mrc.c - see mrc.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "mrc.h"
#include "replay.h"

#define NONE	UINT64_MAX

/*
 * The marks: one bit per time position, and a Fenwick tree over blocks of
 * 64 positions counting the marks in each. A prefix count is the tree's sum
 * over the blocks before plus a popcount in the block; with a bit a
 * position and 4 bytes a block, a million-page window is 256 KB of bits and
 * 128 KB of tree, which stay in the CPU's caches.
 */
struct marks {
	uint64_t *bits;		/* positions 0..n-1 */
	int32_t *tree;		/* blocks 1..nb (Fenwick, 1-based) */
	uint64_t nb;
};

static void tree_add(struct marks *m, uint64_t b, int32_t v)
{
	for (b++; b <= m->nb; b += b & -b)
		m->tree[b] += v;
}

/* Marks at positions 0..pos (inclusive). */
static int64_t marks_upto(const struct marks *m, uint64_t pos)
{
	uint64_t b = pos >> 6, mask = pos % 64 == 63 ? ~0ULL : (2ULL << (pos % 64)) - 1;
	int64_t s = __builtin_popcountll(m->bits[b] & mask);

	for (; b; b -= b & -b)
		s += m->tree[b];
	return s;
}

static void mark(struct marks *m, uint64_t pos, bool on)
{
	uint64_t bit = 1ULL << (pos % 64);

	if (on)
		m->bits[pos >> 6] |= bit;
	else
		m->bits[pos >> 6] &= ~bit;
	tree_add(m, pos >> 6, on ? 1 : -1);
}

/* Marks exactly at positions 0..k-1, the tree built in linear time. */
static void marks_reset(struct marks *m, uint64_t k)
{
	for (uint64_t b = 0; b < m->nb; b++) {
		uint64_t lo = b * 64;

		m->bits[b] = k >= lo + 64 ? ~0ULL : k > lo ? (1ULL << (k - lo)) - 1 : 0;
		m->tree[b + 1] = __builtin_popcountll(m->bits[b]);
	}
	for (uint64_t i = 1; i <= m->nb; i++) {
		uint64_t up = i + (i & -i);

		if (up <= m->nb)
			m->tree[up] += m->tree[i];
	}
}

/* Where a distance d is counted: its own slot, or the bucket of the first
 * size it fits (a binary search over a few dozen cached sizes). */
static uint64_t slot(const struct lru_curve *c, uint64_t d)
{
	double scaled = (double)d * c->scale;
	int lo = 0, hi = c->nsizes;

	if (!c->sizes)
		return d;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if ((double)c->sizes[mid] < scaled)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint64_t)lo;
}

/*
 * The distances of the accesses to pages keep says to keep (NULL: all),
 * the times being those accesses' own order: a page's distance counts the
 * distinct kept pages since its previous access, the marks after its own.
 *
 * The marks span a window of time positions, not the whole trace: when the
 * window fills, the live marks (one per page seen) are renumbered 0..D-1 in
 * their order and rebuilt in linear time. With a window of four times the
 * pages that happens at most once every 3 x pages accesses, so it costs
 * O(1) an access, and the marks stay small enough for the CPU's caches.
 */
static int stack_distances(const struct trace *t, const uint8_t *keep, struct lru_curve *c)
{
	uint64_t window = 4 * (uint64_t)t->npages + 64, now = 0, distinct = 0;
	uint64_t *last = malloc((size_t)t->npages * sizeof(uint64_t));
	uint32_t *owner = malloc(window * sizeof(uint32_t));
	struct marks m = { .nb = window / 64 + 1 };

	c->nhist = c->sizes ? (uint64_t)c->nsizes + 1 : (uint64_t)t->npages + 2;
	c->hist = calloc(c->nhist, sizeof(uint64_t));
	m.bits = calloc(m.nb, sizeof(uint64_t));
	m.tree = calloc(m.nb + 1, sizeof(int32_t));
	if (!last || !owner || !c->hist || !m.bits || !m.tree) {
		free(last);
		free(owner);
		free(m.bits);
		free(m.tree);
		mrc_free(c);
		return -1;
	}
	for (uint32_t p = 0; p < t->npages; p++)
		last[p] = NONE;
	for (uint64_t i = 0; i < t->n; i++) {
		uint32_t id = TRACE_ID(t->acc[i]);

		if (i + PREFETCH_AHEAD < t->n)		/* the one random read that misses */
			__builtin_prefetch(&last[TRACE_ID(t->acc[i + PREFETCH_AHEAD])]);
		if (keep && !keep[id])
			continue;
		if (now == window) {		/* renumber the live marks 0..distinct-1 */
			uint64_t k = 0;

			for (uint64_t pos = 0; pos < window; pos++) {
				uint32_t p = owner[pos];

				if (p != UINT32_MAX) {	/* a live mark: freed ones are cleared */
					owner[k] = p;
					last[p] = k++;
				}
			}
			for (uint64_t pos = k; pos < window; pos++)
				owner[pos] = UINT32_MAX;
			marks_reset(&m, k);
			now = k;
		}
		if (last[id] == NONE) {
			c->cold++;
			distinct++;
		} else {
			/* every page seen has its one mark before now: those after
			 * last[id] are the distinct pages since */
			uint64_t d = distinct - (uint64_t)marks_upto(&m, last[id]) + 1;

			c->hist[slot(c, d)]++;
			mark(&m, last[id], false);
			owner[last[id]] = UINT32_MAX;
		}
		mark(&m, now, true);
		owner[now] = id;
		last[id] = now++;
	}
	free(last);
	free(owner);
	free(m.bits);
	free(m.tree);
	c->accesses = t->n;
	return 0;
}

static int curve_init(struct lru_curve *c, const uint64_t *sizes, int nsizes, double scale)
{
	memset(c, 0, sizeof(*c));
	c->scale = scale;
	if (sizes && nsizes > 0) {
		if (!(c->sizes = malloc((size_t)nsizes * sizeof(uint64_t))))
			return -1;
		memcpy(c->sizes, sizes, (size_t)nsizes * sizeof(uint64_t));
		c->nsizes = nsizes;
	}
	return 0;
}

int mrc_lru(const struct trace *t, const uint64_t *sizes, int nsizes, struct lru_curve *c)
{
	if (curve_init(c, sizes, nsizes, 1))
		return -1;
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

int mrc_shards(const struct trace *t, double rate, const uint64_t *sizes, int nsizes,
	       struct lru_curve *c)
{
	uint8_t *keep = malloc(t->npages);
	uint64_t threshold = (uint64_t)(rate * 4294967296.0);
	int rc;

	if (!keep || curve_init(c, sizes, nsizes, 1 / rate)) {
		free(keep);
		return -1;
	}
	for (uint32_t p = 0; p < t->npages; p++)
		keep[p] = (mix(t->page[p]) >> 32) < threshold;
	rc = stack_distances(t, keep, c);
	free(keep);
	return rc;
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
	int k = 0;

	if (c->sizes) {
		while (k < c->nsizes && c->sizes[k] != size)
			k++;
		if (k == c->nsizes)
			return -1;
	}
	for (uint64_t b = 0; b < c->nhist; b++) {
		counted += c->hist[b];
		/* a distance misses when it is over the size: its bucket is past k */
		if (c->sizes ? b > (uint64_t)k : (double)b * c->scale > (double)size)
			miss += c->hist[b];
	}
	expected = c->scale > 1 ? (double)c->accesses / c->scale : (double)counted;
	if (expected < (double)miss)
		expected = (double)miss;
	return expected > 0 ? (double)miss / expected : 0;
}

void mrc_free(struct lru_curve *c)
{
	free(c->hist);
	free(c->sizes);
	memset(c, 0, sizeof(*c));
}
