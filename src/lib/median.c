/*
 * median.c - see median.h.
 */
#include <stdlib.h>
#include "median.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int median_near(const double *v, int n, double m, double tol)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += v[i] >= m - tol && v[i] <= m + tol;
	return k;
}
