/*
 * pyrandom.c - see pyrandom.h. The Mersenne Twister of Matsumoto and
 * Nishimura (1998), with its init_genrand and init_by_array, as CPython's
 * _randommodule.c uses them.
 */
#include "pyrandom.h"

#define N	624
#define M	397

static void init_genrand(struct pyrandom *r, uint32_t s)
{
	r->mt[0] = s;
	for (int i = 1; i < N; i++)
		r->mt[i] = 1812433253U * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + (uint32_t)i;
	r->i = N;
}

static void init_by_array(struct pyrandom *r, const uint32_t *key, int len)
{
	int i = 1, j = 0;

	init_genrand(r, 19650218U);
	for (int k = N > len ? N : len; k; k--) {
		r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525U)) + key[j] +
			   (uint32_t)j;
		i++;
		j++;
		if (i >= N) {
			r->mt[0] = r->mt[N - 1];
			i = 1;
		}
		if (j >= len)
			j = 0;
	}
	for (int k = N - 1; k; k--) {
		r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941U)) -
			   (uint32_t)i;
		i++;
		if (i >= N) {
			r->mt[0] = r->mt[N - 1];
			i = 1;
		}
	}
	r->mt[0] = 0x80000000U;
}

void pyrandom_seed(struct pyrandom *r, uint64_t n)
{
	uint32_t key[2] = { (uint32_t)n, (uint32_t)(n >> 32) };

	init_by_array(r, key, n >> 32 ? 2 : 1);	/* the words it takes, at least one */
}

static uint32_t next32(struct pyrandom *r)
{
	uint32_t y;

	if (r->i >= N) {
		for (int k = 0; k < N; k++) {
			y = (r->mt[k] & 0x80000000U) | (r->mt[(k + 1) % N] & 0x7fffffffU);
			r->mt[k] = r->mt[(k + M) % N] ^ (y >> 1) ^ (y & 1 ? 0x9908b0dfU : 0);
		}
		r->i = 0;
	}
	y = r->mt[r->i++];
	y ^= y >> 11;
	y ^= (y << 7) & 0x9d2c5680U;
	y ^= (y << 15) & 0xefc60000U;
	y ^= y >> 18;
	return y;
}

double pyrandom_random(struct pyrandom *r)
{
	uint32_t a = next32(r) >> 5, b = next32(r) >> 6;

	return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}
