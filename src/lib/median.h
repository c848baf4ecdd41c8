/*
 * median.h - the median of a small sample (benchmark and repeated-run
 * figures, where one slow outlier must not move the result).
 */
#ifndef VMLAB_MEDIAN_H
#define VMLAB_MEDIAN_H

/* Sorts v[0..n) in place; n > 0. */
double median(double *v, int n);

/*
 * How many of v[0..n) lie within tol of m: a median is settled when more
 * than half of its sample does (one outlier among repeated runs does not
 * unsettle it; a scattered sample does).
 */
int median_near(const double *v, int n, double m, double tol);

#endif
