/*
 * pagetable.c - one address's journey through the 4-level page table, in the
 * spirit of OSTEP's paging-multilevel-translate: the address cut into its
 * indexes, then each level's table, index, entry and decoded bits, then the
 * frame, the physical address and what sits there.
 */
#include "views.h"

#define P_PRESENT	(1ULL << 0)
#define P_PSE		(1ULL << 7)
#define P_PROTNONE	(1ULL << 8)
#define P_PFN(e)	(((e) & 0x000ffffffffff000ULL) >> 12)

static void bits(struct strbuf *o, uint64_t e)
{
	static const struct { uint64_t bit; const char *name; } b[] = {
		{ 1ULL << 0, "P" }, { 1ULL << 1, "RW" }, { 1ULL << 2, "US" },
		{ 1ULL << 5, "A" }, { 1ULL << 6, "D" }, { 1ULL << 7, "PS" },
		{ 1ULL << 9, "special" }, { 1ULL << 63, "NX" },
	};
	int first = 1;

	if (!e) {
		sb_puts(o, "(empty)");
		return;
	}
	if (!(e & P_PRESENT) && (e & P_PROTNONE)) {
		sb_puts(o, "PROT_NONE");
		first = 0;
	}
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		if (!(e & b[i].bit))
			continue;
		sb_printf(o, "%s%s", first ? "" : " ", b[i].name);
		first = 0;
	}
}

void view_pagetable(struct strbuf *o, const struct vm_walk *w, const char *comm)
{
	static const char *const level[4] = { "PGD", "PUD", "PMD", "PTE" };
	static const char *const next[4] = { "PUD table", "PMD table", "PTE table", "page" };
	uint64_t a = w->addr;

	sb_printf(o, "pid %d (%s), virtual address 0x%llx\n", w->pid, comm, (unsigned long long)a);
	sb_printf(o, "  = PGD index %u | PUD index %u | PMD index %u | PTE index %u | offset 0x%03llx\n",
		  (unsigned)((a >> 39) & 511), (unsigned)((a >> 30) & 511),
		  (unsigned)((a >> 21) & 511), (unsigned)((a >> 12) & 511),
		  (unsigned long long)(a & 0xfff));
	if (w->in_vma)
		sb_printf(o, "  in VMA 0x%llx-0x%llx %s\n", (unsigned long long)w->vma_start,
			  (unsigned long long)w->vma_end, w->vma_perms);
	else
		sb_puts(o, "  in no VMA: an access here is a segmentation fault\n");
	for (int l = 0; l < w->levels; l++) {
		uint64_t e = w->lvl[l].entry;

		sb_printf(o, "  %s[%3u] in table pfn 0x%llx: 0x%016llx  ", level[l], w->lvl[l].index,
			  (unsigned long long)w->lvl[l].table_pfn, (unsigned long long)e);
		bits(o, e);
		if (e & P_PRESENT) {
			if (l == 2 && (e & P_PSE))
				sb_printf(o, "  -> 2 MiB page at pfn 0x%llx\n",
					  (unsigned long long)P_PFN(e));
			else
				sb_printf(o, "  -> %s at pfn 0x%llx\n", next[l],
					  (unsigned long long)P_PFN(e));
		} else {
			sb_puts(o, "  -> not present\n");
		}
	}
	if (w->mapped) {
		sb_printf(o, "  physical address 0x%llx", (unsigned long long)w->phys);
		if (w->zero_page)
			sb_puts(o, ": the shared zero page (reads 0, a write faults)");
		else
			sb_printf(o, ": content value %d, mapped by %d PTE%s, %d reference%s",
				  w->value, w->mapcount, w->mapcount == 1 ? "" : "s", w->refcount,
				  w->refcount == 1 ? "" : "s");
		sb_putc(o, '\n');
	} else if (w->in_vma) {
		sb_puts(o, "  not mapped yet: the first access faults it in (demand paging)\n");
	}
	if (w->tlb)
		sb_printf(o, "  cached in cpu %d's %s under PCID %u\n", w->cpu,
			  w->tlb == 1 ? "L1 dTLB" : "STLB", w->pcid);
	else if (w->mapped)
		sb_printf(o, "  not in cpu %d's TLB: the next access walks these tables\n", w->cpu);
}
