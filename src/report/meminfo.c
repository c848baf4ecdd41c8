/*
 * meminfo.c - /proc/meminfo as the kernel prints it (fs/proc/meminfo.c
 * show_val_kb: the name and colon padded to 16 columns, the value in 8, then
 * " kB"; hugetlb_report_meminfo prints the HugePages_ counts in 5).
 */
#include <string.h>
#include "views.h"

void view_meminfo(struct strbuf *o, const struct vm_snapshot *s)
{
	for (int i = 0; i < s->n_meminfo; i++) {
		const char *name = s->meminfo[i].name;
		char label[48];

		snprintf(label, sizeof(label), "%s:", name);
		if (!strncmp(name, "HugePages_", 10))
			sb_printf(o, "%s   %5lld\n", label, (long long)s->meminfo[i].value);
		else
			sb_printf(o, "%-16s%8lld kB\n", label, (long long)s->meminfo[i].value);
	}
}
