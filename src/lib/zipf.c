/*
 * zipf.c - rejection-inversion Zipf sampler (see zipf.h for the method).
 *
 * H(x) is an antiderivative of h(x) = x^-s, written with helper functions that
 * stay accurate near s = 1 (where the closed form has a removable singularity).
 */
#include <math.h>
#include "zipf.h"

/* log(1+x)/x, accurate for small x. */
static double helper1(double x)
{
	if (fabs(x) > 1e-8)
		return log1p(x) / x;
	return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

/* (exp(x)-1)/x, accurate for small x. */
static double helper2(double x)
{
	if (fabs(x) > 1e-8)
		return expm1(x) / x;
	return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

static double big_h(const struct zipf *z, double x)
{
	double lx = log(x);

	return helper2((1.0 - z->s) * lx) * lx;
}

static double big_h_inv(const struct zipf *z, double x)
{
	double t = x * (1.0 - z->s);

	if (t < -1.0)
		t = -1.0;
	return exp(helper1(t) * x);
}

static double small_h(const struct zipf *z, double x)
{
	return exp(-z->s * log(x));
}

void zipf_init(struct zipf *z, uint64_t n, double s)
{
	z->n = n;
	z->s = s;
	z->h_x1 = big_h(z, 1.5) - 1.0;
	z->h_n = big_h(z, (double)n + 0.5);
	z->threshold = 2.0 - big_h_inv(z, big_h(z, 2.5) - small_h(z, 2.0));
}

uint64_t zipf_next(struct zipf *z, struct prng *r)
{
	for (;;) {
		double u = z->h_n + prng_double(r) * (z->h_x1 - z->h_n);
		double x = big_h_inv(z, u);
		double k = floor(x + 0.5);

		if (k < 1.0)
			k = 1.0;
		else if (k > (double)z->n)
			k = (double)z->n;
		if (k - x <= z->threshold ||
		    u >= big_h(z, k + 0.5) - small_h(z, k))
			return (uint64_t)k - 1;
	}
}
