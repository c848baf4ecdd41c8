/*
 * prng.h - the one seeded random-number generator of a vmlab run.
 *
 * Every random choice the simulator makes (address-space randomisation, random
 * and Zipf access orders) draws from a struct prng seeded from the scenario's
 * seed, so the same scenario and seed give byte-identical output. The generator
 * is xoshiro256** (Blackman and Vigna), seeded through splitmix64.
 */
#ifndef VMLAB_PRNG_H
#define VMLAB_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t s[4];
};

void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
/* A uniform integer in [0, n); n must be > 0. Unbiased (Lemire's method). */
uint64_t prng_below(struct prng *r, uint64_t n);
/* A uniform double in [0, 1). */
double prng_double(struct prng *r);

#endif
