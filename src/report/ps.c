/*
 * ps.c - ps -o pid,comm,vsz,rss,min_flt,maj_flt (procps-ng 4.0.2).
 *
 * Columns are right-aligned to the header's width (PID takes as many digits
 * as pid_max has: 5 for 32768), COMMAND left-aligned in 15. A number wider
 * than its column pushes the line right, and the next columns give back
 * that much of their padding, as procps does. A zombie's command reads
 * "name <defunct>".
 */
#include <string.h>
#include "views.h"

struct col {
	const char *head;
	int width;
	int left;
};

static const struct col cols[] = {
	{ "PID", 5, 0 }, { "COMMAND", 15, 1 }, { "VSZ", 6, 0 }, { "RSS", 5, 0 },
	{ "MINFL", 6, 0 }, { "MAJFL", 6, 0 },
};

#define NCOLS ((int)(sizeof(cols) / sizeof(cols[0])))

static void emit_row(struct strbuf *o, char text[NCOLS][64])
{
	int debt = 0;

	for (int i = 0; i < NCOLS; i++) {
		int len = (int)strlen(text[i]), pad = cols[i].width - len;

		if (i)
			sb_putc(o, ' ');
		if (cols[i].left) {
			if (len > cols[i].width) {
				text[i][cols[i].width] = '\0';	/* a non-last text column is cut */
				len = cols[i].width;
				pad = 0;
			}
			sb_puts(o, text[i]);
			if (i < NCOLS - 1)
				for (int k = 0; k < pad; k++)
					sb_putc(o, ' ');
			continue;
		}
		if (pad < 0) {
			debt += -pad;
			pad = 0;
		} else if (debt) {
			int take = debt < pad ? debt : pad;

			pad -= take;
			debt -= take;
		}
		for (int k = 0; k < pad; k++)
			sb_putc(o, ' ');
		sb_puts(o, text[i]);
	}
	sb_putc(o, '\n');
}

void view_ps(struct strbuf *o, const struct vm_snapshot *s)
{
	char text[NCOLS][64];

	for (int i = 0; i < NCOLS; i++)
		snprintf(text[i], sizeof(text[i]), "%s", cols[i].head);
	emit_row(o, text);
	for (int i = 0; i < s->nprocs; i++) {
		const struct vm_proc *p = &s->procs[i];

		snprintf(text[0], sizeof(text[0]), "%d", p->pid);
		if (p->state == 'Z')
			snprintf(text[1], sizeof(text[1]), "%s <defunct>", p->comm);
		else
			snprintf(text[1], sizeof(text[1]), "%s", p->comm);
		snprintf(text[2], sizeof(text[2]), "%llu", (unsigned long long)p->vsz_kb);
		snprintf(text[3], sizeof(text[3]), "%llu", (unsigned long long)p->rss_kb);
		snprintf(text[4], sizeof(text[4]), "%llu", (unsigned long long)p->min_flt);
		snprintf(text[5], sizeof(text[5]), "%llu", (unsigned long long)p->maj_flt);
		emit_row(o, text);
	}
}
