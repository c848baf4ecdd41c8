/*
 * zipf.h - Zipf-distributed ranks for skewed access patterns.
 *
 * touch{zipf=s, count=n} draws n page ranks from Zipf(s) over the pages of a
 * range: rank k (1-based) has probability proportional to 1/k^s. Sampling is
 * rejection-inversion (W. Hormann and G. Derflinger, "Rejection-inversion to
 * generate variates from monotone discrete distributions", 1996): O(1) time per
 * draw and no table, so a skew over millions of pages costs nothing up front.
 */
#ifndef VMLAB_ZIPF_H
#define VMLAB_ZIPF_H

#include <stdint.h>
#include "prng.h"

struct zipf {
	uint64_t n;
	double s;
	double h_x1, h_n, threshold;
};

/* n >= 1 ranks, exponent s > 0. */
void zipf_init(struct zipf *z, uint64_t n, double s);
/* A rank in [0, n): 0 is the most popular. */
uint64_t zipf_next(struct zipf *z, struct prng *r);

#endif
