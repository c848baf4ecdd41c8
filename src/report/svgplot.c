/*
 * svgplot.c - see svgplot.h.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "svgplot.h"
#include "strbuf.h"
#include "../lib/fdio.h"

#define W	760
#define H	480
#define LEFT	70
#define RIGHT	170
#define TOP	40
#define BOTTOM	60

static const char *const colours[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
	"#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8", "#98df8a",
};

static void escape(struct strbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			sb_printf(b, "&lt;");
		else if (*s == '>')
			sb_printf(b, "&gt;");
		else if (*s == '&')
			sb_printf(b, "&amp;");
		else
			sb_printf(b, "%c", *s);
	}
}

int svg_plot_curves(const char *path, const char *title, const uint64_t *sizes, int nsizes,
		    const struct svg_series *s, int nseries)
{
	double lo = log10((double)(sizes[0] ? sizes[0] : 1));
	double hi = log10((double)sizes[nsizes - 1]);
	double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
	struct strbuf b = STRBUF_INIT;
	int rc;

	if (hi <= lo)
		hi = lo + 1;
	sb_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		  "font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
	sb_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
	sb_printf(&b, "<text x=\"%d\" y=\"24\" font-size=\"14\">", LEFT);
	escape(&b, title);
	sb_printf(&b, "</text>\n");
	/* the miss-ratio axis: 0 to 1 by tenths */
	for (int k = 0; k <= 10; k++) {
		double y = TOP + ph - ph * k / 10.0;

		sb_printf(&b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			  LEFT, y, LEFT + pw, y);
		sb_printf(&b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", LEFT - 6,
			  y + 4, k / 10.0);
	}
	/* the size axis: a mark at each power of ten in range */
	for (int e = (int)ceil(lo); e <= (int)floor(hi); e++) {
		double x = LEFT + pw * (e - lo) / (hi - lo);

		sb_printf(&b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
			  x, TOP, x, TOP + ph);
		sb_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n", x,
			  TOP + ph + 18, pow(10, e));
	}
	sb_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
		  "stroke=\"black\"/>\n", LEFT, TOP, pw, ph);
	sb_printf(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">cache size (pages, log "
		  "scale)</text>\n", LEFT + pw / 2, H - 16);
	sb_printf(&b, "<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\">"
		  "miss ratio</text>\n", TOP + ph / 2);
	for (int k = 0; k < nseries; k++) {
		const char *col = colours[k % (int)(sizeof(colours) / sizeof(colours[0]))];

		sb_printf(&b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col);
		for (int i = 0; i < nsizes; i++) {
			double x = LEFT + pw * (log10((double)(sizes[i] ? sizes[i] : 1)) - lo) / (hi - lo);
			double y = TOP + ph - ph * s[k].y[i];

			sb_printf(&b, "%s%.1f,%.1f", i ? " " : "", x, y);
		}
		sb_printf(&b, "\"/>\n");
		sb_printf(&b, "<line x1=\"%.0f\" y1=\"%d\" x2=\"%.0f\" y2=\"%d\" stroke=\"%s\" "
			  "stroke-width=\"2\"/>\n", LEFT + pw + 14, TOP + 10 + 18 * k, LEFT + pw + 40,
			  TOP + 10 + 18 * k, col);
		sb_printf(&b, "<text x=\"%.0f\" y=\"%d\">", LEFT + pw + 46, TOP + 14 + 18 * k);
		escape(&b, s[k].name);
		sb_printf(&b, "</text>\n");
	}
	sb_printf(&b, "</svg>\n");
	rc = write_file_atomic(path, sb_str(&b), strlen(sb_str(&b)));
	sb_free(&b);
	return rc;
}
