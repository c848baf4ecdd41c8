/*
 * free.c - the free(1) view, as procps-ng 4.0.2 prints it.
 *
 * From /proc/meminfo (library/meminfo.c): used = MemTotal - MemAvailable
 * (4.0.1+; MemFree stands in when MemAvailable is 0 or above MemTotal, and
 * if used comes out negative it is MemTotal - MemFree), buff/cache =
 * Buffers + Cached + SReclaimable, shared = Shmem. The label takes 8
 * columns and each number 12. -h prints "%.1f" with a binary unit when the
 * number and unit fit in 4 characters, else the truncated integer, else it
 * tries the next unit (scale_size()).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "views.h"

enum { EXP_DEFAULT = 0, EXP_BYTES = 1, EXP_KIB = 2, EXP_MIB = 3, EXP_GIB = 4, EXP_TIB = 5 };

struct free_opts {
	int exponent;
	int human, si, wide, total;
};

/* scale_size(): a value in KiB as free prints it. */
static void scale_size(char *buf, size_t len, int64_t kb, const struct free_opts *o)
{
	static const char up[] = "BKMGTPE";
	double base = o->si ? 1000.0 : 1024.0;
	long long bytes = kb * 1024LL;

	if (!o->human) {
		switch (o->exponent) {
		case EXP_DEFAULT:
			snprintf(buf, len, "%ld", (long)(bytes / (long long)base));
			return;
		case EXP_BYTES:
			snprintf(buf, len, "%lld", bytes);
			return;
		default:
			snprintf(buf, len, "%ld", (long)(bytes / pow(base, o->exponent - 1)));
			return;
		}
	}
	if (snprintf(buf, len, "%lld%c", bytes, up[0]) <= 4)
		return;
	for (int i = 1; up[i]; i++) {
		double v = bytes / pow(base, i);

		if (o->si) {
			if (snprintf(buf, len, "%.1f%c", (float)v, up[i]) <= 4)
				return;
			if (snprintf(buf, len, "%ld%c", (long)v, up[i]) <= 4)
				return;
		} else {
			if (snprintf(buf, len, "%.1f%ci", (float)v, up[i]) <= 5)
				return;
			if (snprintf(buf, len, "%ld%ci", (long)v, up[i]) <= 5)
				return;
		}
	}
	snprintf(buf, len, "%lld", bytes);
}

static int parse_args(const char *args, struct free_opts *o, char *err, size_t errlen)
{
	char word[32];
	int n;

	memset(o, 0, sizeof(*o));
	while (args && sscanf(args, " %31s%n", word, &n) == 1) {
		args += n;
		if (!strcmp(word, "-b") || !strcmp(word, "--bytes"))
			o->exponent = EXP_BYTES;
		else if (!strcmp(word, "-k") || !strcmp(word, "--kibi"))
			o->exponent = EXP_KIB;
		else if (!strcmp(word, "-m") || !strcmp(word, "--mebi"))
			o->exponent = EXP_MIB;
		else if (!strcmp(word, "-g") || !strcmp(word, "--gibi"))
			o->exponent = EXP_GIB;
		else if (!strcmp(word, "--tebi"))
			o->exponent = EXP_TIB;
		else if (!strcmp(word, "-h") || !strcmp(word, "--human"))
			o->human = 1;
		else if (!strcmp(word, "--si"))
			o->si = 1;
		else if (!strcmp(word, "-w") || !strcmp(word, "--wide"))
			o->wide = 1;
		else if (!strcmp(word, "-t") || !strcmp(word, "--total"))
			o->total = 1;
		else {
			snprintf(err, errlen, "free: unknown option '%s' (known: -b -k -m -g -h --si "
				 "-w -t)", word);
			return -1;
		}
	}
	return 0;
}

static int64_t mi(const struct vm_snapshot *s, const char *name)
{
	int64_t v = vm_kv_get(s->meminfo, s->n_meminfo, name);

	return v < 0 ? 0 : v;
}

static void row(struct strbuf *o, const char *label, const int64_t *v, int n,
		const struct free_opts *opts)
{
	char buf[64];

	sb_printf(o, "%-8s", label);
	for (int i = 0; i < n; i++) {
		scale_size(buf, sizeof(buf), v[i], opts);
		sb_printf(o, " %11s", buf);
	}
	sb_putc(o, '\n');
}

int view_free(struct strbuf *o, const struct vm_snapshot *s, const char *args,
	      char *err, size_t errlen)
{
	struct free_opts opts;
	int64_t total, freem, avail, used, buffers, cached, shared, swap_total, swap_free;

	if (parse_args(args, &opts, err, errlen))
		return -1;
	total = mi(s, "MemTotal");
	freem = mi(s, "MemFree");
	avail = mi(s, "MemAvailable");
	if (!avail || avail > total)
		avail = freem;
	used = total - avail;
	if (used < 0)
		used = total - freem;
	buffers = mi(s, "Buffers");
	cached = mi(s, "Cached") + mi(s, "SReclaimable");
	shared = mi(s, "Shmem");
	swap_total = mi(s, "SwapTotal");
	swap_free = mi(s, "SwapFree");
	if (opts.wide) {
		int64_t v[7] = { total, used, freem, shared, buffers, cached, avail };

		sb_puts(o, "               total        used        free      shared     buffers"
			   "       cache   available\n");
		row(o, "Mem:", v, 7, &opts);
	} else {
		int64_t v[6] = { total, used, freem, shared, buffers + cached, avail };

		sb_puts(o, "               total        used        free      shared  buff/cache"
			   "   available\n");
		row(o, "Mem:", v, 6, &opts);
	}
	{
		int64_t v[3] = { swap_total, swap_total - swap_free, swap_free };

		row(o, "Swap:", v, 3, &opts);
	}
	if (opts.total) {
		int64_t v[3] = { total + swap_total, used + swap_total - swap_free, freem + swap_free };

		row(o, "Total:", v, 3, &opts);
	}
	return 0;
}
