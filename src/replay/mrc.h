/*
 * mrc.h - miss-ratio curves: for every cache size at once, how many of a
 * trace's accesses would miss.
 *
 * LRU is a stack algorithm (Mattson et al., 1970): a cache of c pages holds
 * the c most recently used, so an access misses exactly when its reuse
 * (stack) distance - the number of distinct pages used since the page's
 * previous access, plus one - exceeds c, or when it is the page's first.
 * One pass computes every access's distance by counting the marks left at
 * each page's latest access time (a bitmap and a Fenwick tree over its
 * blocks: O(log pages) an access), and the histogram of distances gives the
 * whole curve.
 *
 * SHARDS (Waldspurger et al., FAST '15) samples pages, not accesses: a page
 * is in the sample when a hash of its number falls below rate x 2^32; the
 * sampled accesses' distances, scaled by 1 / rate, estimate the full
 * trace's, with the paper's adjustment for a sample whose access count is
 * off its expected rate x n. Fixed-rate here.
 */
#ifndef VMLAB_MRC_H
#define VMLAB_MRC_H

#include <stdint.h>
#include "../trace/trace.h"

/*
 * The distances counted: with no sizes asked for, one count per distance
 * (1..npages), which answers any size; with sizes (ascending), one count
 * per gap between them, which fits in the CPU's cache where a count per
 * distance of a large trace would miss it on every access.
 */
struct lru_curve {
	uint64_t *hist;		/* per distance, or per bucket: sizes[k-1] < d <= sizes[k] */
	uint64_t nhist;
	uint64_t *sizes;	/* a copy of the sizes asked for, or NULL */
	int nsizes;
	uint64_t cold;		/* first accesses: misses at every size */
	double scale;		/* a sampled distance stands for this many (SHARDS) */
	uint64_t accesses;	/* of the whole trace */
};

/* The exact curve, at sizes (ascending; NULL: every size): 0, or -1 when
 * host memory ran out. */
int mrc_lru(const struct trace *t, const uint64_t *sizes, int nsizes, struct lru_curve *c);
/* SHARDS at rate (0 < rate <= 1): 0, or -1. */
int mrc_shards(const struct trace *t, double rate, const uint64_t *sizes, int nsizes,
	       struct lru_curve *c);
/* The miss ratio of an LRU cache of size pages (one of the sizes asked for,
 * if any were; -1 for another). */
double mrc_lru_miss_ratio(const struct lru_curve *c, uint64_t size);
void mrc_free(struct lru_curve *c);

#endif
