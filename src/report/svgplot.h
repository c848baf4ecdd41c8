/*
 * svgplot.h - miss-ratio curves as an SVG picture: cache size on a log axis
 * (decades marked), miss ratio from 0 to 1, one coloured line per policy,
 * a legend. Written whole or not at all.
 */
#ifndef VMLAB_SVGPLOT_H
#define VMLAB_SVGPLOT_H

#include <stdint.h>

struct svg_series {
	const char *name;
	const double *y;	/* one per size */
};

/* 0, or -1 with errno. */
int svg_plot_curves(const char *path, const char *title, const uint64_t *sizes, int nsizes,
		    const struct svg_series *s, int nseries);

#endif
