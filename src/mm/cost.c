/*
 * cost.c - the time model: what each kernel and hardware event costs in
 * simulated nanoseconds, and the kernel profiles.
 *
 * A user-mode page fault costs the exception (COST_FAULT_TRAP) plus its
 * handler (allocate-and-zero, copy, map the zero page...) plus the two
 * accesses around it (the one that faulted and its retry, each a page
 * walk). A fault taken by the kernel itself through GUP (MAP_POPULATE,
 * MADV_POPULATE_*, mlock) costs only the handler. With the defaults below
 * the simulator's per-fault times are those measured on the development
 * machine, in a memory cgroup as real runs are (reference/linux-mm.md §5(e)
 * has an earlier machine's, outside any cgroup: the faults within 15%, the
 * populate 25% cheaper without the memcg charge):
 *
 *	anon write fault	0.33 trap + 2.24 alloc + 2 x (walk + access)	= 2.61 us
 *	anon read (zero page)	0.33 + 0.63 + ...				= 0.99 us
 *	write after zero page	0.33 + 2.66 + 0.1 flush + ...			= 3.13 us
 *	MAP_POPULATE, per page	2.24 us (GUP: the handler, no trap)
 *	CoW copy / reuse	0.33 + 3.06 / 0.93 + ...			= 3.52 / 1.29 us
 *	shared anon read	0.33 + 4.06 + ...				= 4.43 us
 *
 * `vmlab calibrate` measures these on the machine it runs on and solves
 * each item so that the simulator reproduces the measurement; it writes a
 * profile that `vmlab run --costs FILE` loads.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

const char *const cost_names[NR_COST_ITEMS] = {
	[COST_ACCESS_L1] = "access_l1",
	[COST_ACCESS_L2] = "access_l2",
	[COST_PAGE_WALK] = "page_walk",
	[COST_FAULT_TRAP] = "fault_trap",
	[COST_ANON_ZERO] = "anon_zero",
	[COST_ANON_ALLOC] = "anon_alloc",
	[COST_WP_ZERO] = "wp_zero",
	[COST_COW_COPY] = "cow_copy",
	[COST_COW_REUSE] = "cow_reuse",
	[COST_SHMEM_FAULT] = "shmem_fault",
	[COST_FAULT_AROUND_PTE] = "fault_around_pte",
	[COST_SPURIOUS] = "spurious_fault",
	[COST_SYSCALL] = "syscall",
	[COST_VMA_OP] = "vma_op",
	[COST_ZAP_PTE] = "zap_pte",
	[COST_ZAP_FILE_PTE] = "zap_file_pte",
	[COST_FREE_PAGE] = "free_page",
	[COST_COPY_PTE] = "copy_pte",
	[COST_FORK] = "fork",
	[COST_EXIT] = "exit",
	[COST_TLB_FLUSH_ONE] = "tlb_flush_one",
	[COST_TLB_FLUSH_ALL] = "tlb_flush_all",
	[COST_TLB_IPI] = "tlb_ipi",
	[COST_CONTEXT_SWITCH] = "context_switch",
	[COST_MALLOC] = "malloc",
	[COST_SWAP_READ] = "swap_read",
	[COST_SWAP_READ_PAGE] = "swap_read_page",
	[COST_SWAP_WRITE_PAGE] = "swap_write_page",
	[COST_RECLAIM_PAGE] = "reclaim_page",
	[COST_PAGEOUT] = "pageout",
	[COST_FILE_FAULT] = "file_fault",
	[COST_FILE_MAP_FOLIO] = "file_map_folio",
	[COST_MAP_PTE_BATCH] = "map_pte_batch",
	[COST_PAGECACHE_ADD] = "pagecache_add",
	[COST_COPY_PAGE] = "copy_page",
	[COST_WRITE_BEGIN] = "write_begin",
	[COST_DISK_READ] = "disk_read",
	[COST_DISK_READ_PAGE] = "disk_read_page",
	[COST_DISK_WRITE_PAGE] = "disk_write_page",
};

/*
 * Measured on the development machine (AMD EPYC VM, 2 CPUs, Linux 6.18.44,
 * in a memory cgroup as real runs are) by `vmlab calibrate`: each item the
 * median of four calibrations of seven runs each, 2026-11-22. Items marked
 * "estimate" have no benchmark of their own.
 */
static const uint64_t default_ns[NR_COST_ITEMS] = {
	[COST_ACCESS_L1] = 3,		/* a load the L1 dTLB serves */
	[COST_ACCESS_L2] = 3,		/* STLB hit: ~7 more cycles (estimate) */
	[COST_PAGE_WALK] = 17,		/* 20 ns per page of mapped memory, sequential */
	[COST_FAULT_TRAP] = 326,	/* the exception: a fault beyond what GUP pays */
	[COST_ANON_ZERO] = 627,		/* map the zero page */
	[COST_ANON_ALLOC] = 2240,	/* allocate, charge, zero and map a page */
	[COST_WP_ZERO] = 2664,		/* replace the zero page by a fresh one */
	[COST_COW_COPY] = 3055,		/* copy a shared page */
	[COST_COW_REUSE] = 927,		/* take over a page nobody else maps */
	[COST_SHMEM_FAULT] = 4060,	/* allocate a shmem page, add it to the page cache, map it */
	[COST_FAULT_AROUND_PTE] = 543,	/* hot file fault: 9.0 us for 16 PTEs */
	[COST_SPURIOUS] = 100,		/* estimate */
	[COST_SYSCALL] = 262,		/* getppid() */
	[COST_VMA_OP] = 2440,		/* mmap + munmap of a page: 4.7 us */
	[COST_ZAP_PTE] = 304,		/* munmap, per mapped page, freeing included */
	[COST_ZAP_FILE_PTE] = 100,	/* munmap of a 100 MiB file's order-0 cache: 2.5-3.3 ms */
	[COST_FREE_PAGE] = 50,		/* estimate */
	[COST_COPY_PTE] = 112,		/* fork of 64 MiB mapped: 1.9 ms */
	[COST_FORK] = 67730,		/* fork of a small process */
	[COST_EXIT] = 30000,		/* estimate */
	[COST_TLB_FLUSH_ONE] = 100,	/* estimate */
	[COST_TLB_FLUSH_ALL] = 200,	/* estimate */
	[COST_TLB_IPI] = 2000,		/* estimate (a VM's IPI) */
	[COST_CONTEXT_SWITCH] = 3314,	/* pipe ping-pong on one CPU, less its two syscalls */
	[COST_MALLOC] = 10,		/* malloc(64) or free() from glibc's tcache */
	/* swap on a file of this machine's virtio disk, reference/linux-mm.md §1.7 */
	[COST_SWAP_READ] = 83000,	/* a random swap-in: 83 us per major fault */
	[COST_SWAP_READ_PAGE] = 4000,	/* sequential re-read of 2560 paged-out pages: 111 us a major of 8 */
	[COST_SWAP_WRITE_PAGE] = 5000,	/* 10 MiB paged out written in 13 ms (busy disk: 30 us) */
	[COST_RECLAIM_PAGE] = 1000,	/* estimate: isolate, check the references of one page */
	[COST_PAGEOUT] = 4000,		/* MADV_PAGEOUT: 4.9-6.5 us a page, scan included */
	/*
	 * Files on this machine's virtio disk (ext4, 8 MiB readahead), a 100 MiB
	 * file read one byte a page (scenarios/major-fault.lua, 6.18.44):
	 * cold MADV_RANDOM 36.6 us a major fault; cold with readahead 4.2 us a
	 * page; hot on 2 MiB-ramped folios 0.08-0.10 us a page (454 faults).
	 */
	[COST_FILE_FAULT] = 900,	/* find the cached page and map it (estimate) */
	[COST_FILE_MAP_FOLIO] = 180,	/* hot order-0 cache: 4.2 us a fault of 16 folios */
	[COST_MAP_PTE_BATCH] = 42,	/* hot large folios: 2.0 ms for 25,600 PTEs in 2758 folios */
	[COST_PAGECACHE_ADD] = 600,	/* allocate, charge, add one page to the cache (estimate) */
	[COST_COPY_PAGE] = 300,		/* copy 4 KiB to or from user space (estimate) */
	[COST_WRITE_BEGIN] = 4600,	/* ext4 buffered write: 1 GiB in 1.44 s (scenarios/page-cache) */
	[COST_DISK_READ] = 32500,	/* the request: a random major fault is 36.6 us */
	[COST_DISK_READ_PAGE] = 4000,	/* cold with readahead: 4.2 us a page, the faults included */
	[COST_DISK_WRITE_PAGE] = 5600,	/* fsync of 1 GiB: 1.48 s */
};

void cost_profile_default(struct cost_profile *p)
{
	memcpy(p->ns, default_ns, sizeof(p->ns));
	snprintf(p->source, sizeof(p->source), "built-in (reference/linux-mm.md §5)");
}

/*
 * A profile: lines "name = nanoseconds", '#' comments. Names not listed
 * keep their defaults; an unknown name, a bad number (nan and inf too) or a
 * line too long is an error that names the line (name:line).
 */
int cost_profile_parse(struct cost_profile *p, FILE *f, const char *name_of_f, char *err,
		       size_t errlen)
{
	char line[256];
	int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char name[64], *hash = strchr(line, '#'), *s = line, *end;
		size_t len = strlen(line);
		double v;
		int i, n = 0;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(f)) {
			snprintf(err, errlen, "%s:%d: the line is longer than %zu bytes", name_of_f,
				 lineno, sizeof(line) - 2);
			return -1;
		}
		if (hash)
			*hash = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			continue;
		if (sscanf(s, "%63[a-z0-9_] = %n", name, &n) != 1 || !n) {
			snprintf(err, errlen, "%s:%d: expected 'name = nanoseconds'", name_of_f, lineno);
			return -1;
		}
		for (i = 0; i < NR_COST_ITEMS; i++)
			if (!strcmp(cost_names[i], name))
				break;
		if (i == NR_COST_ITEMS) {
			snprintf(err, errlen, "%s:%d: unknown cost '%s'", name_of_f, lineno, name);
			return -1;
		}
		v = strtod(s + n, &end);
		while (isspace((unsigned char)*end))
			end++;
		if (end == s + n || *end || !(v >= 0 && v <= 1e12)) {
			snprintf(err, errlen, "%s:%d: '%s' needs a number of nanoseconds", name_of_f,
				 lineno, name);
			return -1;
		}
		p->ns[i] = (uint64_t)(v + 0.5);
	}
	return 0;
}

int cost_profile_load(struct cost_profile *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open cost profile", path);
		return -1;
	}
	rc = cost_profile_parse(p, f, path, err, errlen);
	fclose(f);
	if (!rc)
		snprintf(p->source, sizeof(p->source), "%s", path);
	return rc;
}

int vm_cost_items(void)
{
	return NR_COST_ITEMS;
}

const char *vm_cost_name(int i)
{
	return i >= 0 && i < NR_COST_ITEMS ? cost_names[i] : NULL;
}

uint64_t vm_cost_default(int i)
{
	return i >= 0 && i < NR_COST_ITEMS ? default_ns[i] : 0;
}

int vm_cost_profile_check(const char *path, char *err, size_t errlen)
{
	struct cost_profile p;

	cost_profile_default(&p);
	return cost_profile_load(&p, path, err, errlen);
}

/* ---- kernel profiles ---- */

static const struct kernel_profile profiles[] = {
	{ "6.18", 618, true, true, true, true },
	{ "6.12", 612, true, false, false, false },
	{ "6.6", 606, false, false, false, false },
};

/*
 * The profile for a kernel release such as "6.18.44-generic": the one of its
 * major.minor, else the newest profile older than it (1), else the oldest (2).
 */
int vm_kernel_profile_match(const char *release, char *name, size_t n)
{
	unsigned major = 0, minor = 0;
	int v, best = -1, oldest = 0;

	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		major = minor = 0;
	v = (int)(major * 100 + minor);
	for (int i = 0; i < (int)(sizeof(profiles) / sizeof(profiles[0])); i++) {
		if (profiles[i].version == v) {
			snprintf(name, n, "%s", profiles[i].name);
			return 0;
		}
		if (profiles[i].version < v && (best < 0 || profiles[i].version > profiles[best].version))
			best = i;
		if (profiles[i].version < profiles[oldest].version)
			oldest = i;
	}
	snprintf(name, n, "%s", profiles[best >= 0 ? best : oldest].name);
	return best >= 0 ? 1 : 2;
}

const char *vm_kernel_profile_name(int i)
{
	return i >= 0 && i < (int)(sizeof(profiles) / sizeof(profiles[0])) ? profiles[i].name : NULL;
}

int vm_kernel_profile_known(const char *name)
{
	struct kernel_profile k;

	return kernel_profile_find(name, &k) == 0;
}

void vm_kernel_profile_names(char *buf, size_t n, const char *sep)
{
	size_t len = 0;

	if (n)
		buf[0] = '\0';
	for (int i = 0; vm_kernel_profile_name(i) && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? sep : "",
					vm_kernel_profile_name(i));
}

int kernel_profile_find(const char *name, struct kernel_profile *out)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		if (!strcmp(profiles[i].name, name)) {
			*out = profiles[i];
			return 0;
		}
	}
	return -1;
}
