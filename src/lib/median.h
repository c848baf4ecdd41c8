/*
 * median.h - the median of a small sample (benchmark and repeated-run
 * figures, where one slow outlier must not move the result).
 */
#ifndef VMLAB_MEDIAN_H
#define VMLAB_MEDIAN_H

/* Sorts v[0..n) in place; n > 0. */
double median(double *v, int n);

#endif
