/*
 * pyrandom.h - Python's random module's generator, bit for bit: MT19937
 * seeded as random.seed(n) seeds it from an integer (init_by_array over the
 * integer's 32-bit words) and random.random()'s 53-bit doubles. For the
 * OSTEP homework mode of vmlab replay, whose answers come from
 * paging-policy.py's random draws (its generated addresses, its RAND and
 * CLOCK policies): the same seed gives the same draws, so the same answers.
 */
#ifndef VMLAB_PYRANDOM_H
#define VMLAB_PYRANDOM_H

#include <stdint.h>

struct pyrandom {
	uint32_t mt[624];
	int i;
};

/* random.seed(n) for an integer n >= 0 */
void pyrandom_seed(struct pyrandom *r, uint64_t n);
/* random.random(): a double in [0, 1) */
double pyrandom_random(struct pyrandom *r);

#endif
