/*
 * replay_kernel.c - vmlab replay TRACE --ram SIZE [--swap SIZE]: a trace
 * through the whole simulated kernel.
 *
 * One simulated process maps the trace's pages, laid out in the order of
 * their page numbers with the gaps between them removed (so neighbours stay
 * neighbours for the TLB and for swap readahead), and makes the trace's
 * accesses, reads and writes, one at a time: first touches are minor
 * faults, pages the kernel swapped out come back as major faults, kswapd and
 * direct reclaim run as they would. It runs in the machine's run loop, a
 * quantum at a time, so kswapd gets its CPU beside it. The figures are the
 * kernel's own: the process's faults, TLB hits and walks, peak RSS and
 * simulated time, and /proc/vmstat's swap and reclaim counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../include/vmlab.h"
#include "cli.h"
#include "../lib/fdio.h"
#include "../lib/size.h"
#include "../report/json.h"
#include "../trace/trace.h"

static void kreplay_usage(void)
{
	fputs("usage: vmlab replay --ram SIZE [--swap SIZE] [--cpus N] [--kernel K] [--format F]\n"
	      "                    [--json FILE] (TRACE | --addresses 1,2,3,...)\n", stderr);
}

struct kreplay {
	vm_machine *m;
	const struct trace *t;
	const uint32_t *slot;	/* dense id -> its page in the mapping */
	uint64_t base;
	uint64_t next;		/* the next access */
	int pid, err;
	bool done;
};

/* The process's body: accesses until its quantum ends, then the run loop goes on. */
static int step(void *ctx, int pid)
{
	struct kreplay *k = ctx;

	while (k->next < k->t->n) {
		uint32_t a = k->t->acc[k->next];
		uint64_t addr = k->base + (uint64_t)k->slot[a & ~TRACE_WRITE] * VM_PAGE_SIZE;
		int rc = (a & TRACE_WRITE) ? vm_write(k->m, pid, addr, 1, NULL) :
					     vm_read(k->m, pid, addr, NULL);

		if (rc) {
			k->err = rc;
			k->done = true;
			return 0;
		}
		k->next++;
		if (vm_sched_should_yield(k->m, pid))
			return 0;
	}
	k->done = true;
	return 0;
}

static int done(void *ctx)
{
	return ((struct kreplay *)ctx)->done;
}

static const struct trace *sort_trace;

static int by_page(const void *a, const void *b)
{
	uint64_t x = sort_trace->page[*(const uint32_t *)a], y = sort_trace->page[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

/* slot[id]: the rank of the id's page number among the trace's pages. */
static uint32_t *layout(const struct trace *t)
{
	uint32_t *order = malloc((size_t)t->npages * sizeof(*order));
	uint32_t *slot = malloc((size_t)t->npages * sizeof(*slot));

	if (!order || !slot) {
		free(order);
		free(slot);
		return NULL;
	}
	for (uint32_t i = 0; i < t->npages; i++)
		order[i] = i;
	sort_trace = t;
	qsort(order, t->npages, sizeof(*order), by_page);
	for (uint32_t i = 0; i < t->npages; i++)
		slot[order[i]] = i;
	free(order);
	return slot;
}

static int64_t vmstat(vm_machine *m, const char *name)
{
	struct vm_snapshot s;
	int64_t v;

	vm_snapshot(m, &s);
	v = vm_kv_get(s.vmstat, s.n_vmstat, name);
	vm_snapshot_release(&s);
	return v < 0 ? 0 : v;
}

int replay_kernel(int argc, char **argv)
{
	const char *format = "auto", *json = NULL, *path = NULL, *list = NULL, *kernel = "6.18";
	uint64_t ram = 0, swap = 0, cpus = 2;
	struct vm_config c;
	struct kreplay k = { 0 };
	struct trace t;
	struct vm_proc pi;
	char err[512];
	int f, rc = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if ((!strcmp(a, "--ram") || !strcmp(a, "--swap")) && more) {
			if (parse_size(argv[++i], a[2] == 'r' ? &ram : &swap)) {
				fprintf(stderr, "vmlab replay: %s wants a size such as 1G, not '%s'\n", a,
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--cpus") && more) {
			if (!parse_whole(argv[++i], 1, 64, &cpus)) {
				fprintf(stderr, "vmlab replay: --cpus wants 1 to 64, not '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--kernel") && more) {
			kernel = argv[++i];
		} else if (!strcmp(a, "--format") && more) {
			format = argv[++i];
		} else if (!strcmp(a, "--json") && more) {
			json = argv[++i];
		} else if (!strcmp(a, "--addresses") && more) {
			list = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "vmlab replay: unknown option or missing value: %s\n", a);
			kreplay_usage();
			return 2;
		} else if (!path) {
			path = a;
		} else {
			fprintf(stderr, "vmlab replay: one trace at a time (%s and %s)\n", path, a);
			return 2;
		}
	}
	if (!ram || (!path == !list)) {
		fputs("vmlab replay: through the kernel it needs --ram and a trace (a file or "
		      "--addresses); --bare replays the policies alone\n", stderr);
		kreplay_usage();
		return 2;
	}
	if ((f = parse_trace_format("replay", format)) < 0)
		return 2;
	vm_config_default(&c);
	c.ram = ram;
	c.swap = swap;
	c.cpus = (int)cpus;
	c.kernel = kernel;
	k.m = vm_new(&c, err, sizeof(err));
	if (!k.m) {
		fprintf(stderr, "vmlab replay: %s\n", err);
		return 2;
	}
	if (list ? trace_from_list(list, &t, err, sizeof(err)) :
		   trace_load(path, (enum trace_format)f, &t, err, sizeof(err))) {
		fprintf(stderr, "vmlab replay: %s\n", err);
		vm_free(k.m);
		return 2;
	}
	k.t = &t;
	k.slot = layout(&t);
	k.pid = vm_spawn(k.m, "replay", NULL);
	struct vm_mmap_args ma = { .len = (uint64_t)t.npages * VM_PAGE_SIZE,
				   .prot = VM_PROT_READ | VM_PROT_WRITE };
	if (!k.slot || k.pid < 0 || vm_mmap(k.m, k.pid, &ma, &k.base, NULL)) {
		fprintf(stderr, "vmlab replay: cannot map the trace's %u pages (%llu MiB) on a machine "
			"of %llu MiB RAM and %llu MiB swap\n", t.npages,
			(unsigned long long)(ma.len >> 20), (unsigned long long)(ram >> 20),
			(unsigned long long)(swap >> 20));
		rc = 2;
		goto out;
	}
	vm_set_user_step(k.m, step, &k);
	vm_run(k.m, done, &k);
	if (k.err) {
		fprintf(stderr, "vmlab replay: access %llu of %llu: %s: the working set does not fit "
			"(reclaim could not free a page): give it more --ram or --swap\n",
			(unsigned long long)k.next + 1, (unsigned long long)t.n,
			k.err == VM_ESIGNAL ? "the OOM killer killed the replaying process" :
			k.err == -ENOMEM ? "out of memory" : strerror(-k.err));
		rc = 2;
		goto out;
	}
	vm_proc_info(k.m, k.pid, &pi);
	uint64_t sim_ns = vm_clock(k.m, k.pid), tlb_hits = pi.tlb_l1_hits + pi.tlb_l2_hits;

	printf("trace %s (%s): %llu accesses (%llu reads, %llu writes), %u distinct pages\n",
	       path ? path : "--addresses", trace_format_names[t.format], (unsigned long long)t.n,
	       (unsigned long long)(t.n - t.writes), (unsigned long long)t.writes, t.distinct);
	printf("kernel: Linux %s profile, RAM %llu MiB, swap %llu MiB, %llu CPUs\n", kernel,
	       (unsigned long long)(ram >> 20), (unsigned long long)(swap >> 20),
	       (unsigned long long)cpus);
	printf("  faults   %llu minor, %llu major\n", (unsigned long long)pi.min_flt,
	       (unsigned long long)pi.maj_flt);
	printf("  swap     %lld pages in, %lld out\n", (long long)vmstat(k.m, "pswpin"),
	       (long long)vmstat(k.m, "pswpout"));
	printf("  reclaim  kswapd %lld scanned, %lld reclaimed; direct %lld scanned, %lld reclaimed "
	       "(%lld stalls)\n", (long long)vmstat(k.m, "pgscan_kswapd"),
	       (long long)vmstat(k.m, "pgsteal_kswapd"), (long long)vmstat(k.m, "pgscan_direct"),
	       (long long)vmstat(k.m, "pgsteal_direct"), (long long)vmstat(k.m, "allocstall_movable"));
	printf("  TLB      %llu hits (%llu L1, %llu STLB), %llu page walks\n",
	       (unsigned long long)tlb_hits, (unsigned long long)pi.tlb_l1_hits,
	       (unsigned long long)pi.tlb_l2_hits, (unsigned long long)pi.tlb_walks);
	printf("  time     %.6f s simulated; peak RSS %llu kB\n", (double)sim_ns / 1e9,
	       (unsigned long long)pi.vm_hwm_kb);
	if (json) {
		struct json j;

		json_init(&j);
		json_obj_begin(&j);
		json_kv_str(&j, "trace", path ? path : "--addresses");
		json_kv_int(&j, "accesses", (int64_t)t.n);
		json_kv_int(&j, "reads", (int64_t)(t.n - t.writes));
		json_kv_int(&j, "writes", (int64_t)t.writes);
		json_kv_int(&j, "pages", t.distinct);
		json_kv_int(&j, "ram", (int64_t)ram);
		json_kv_int(&j, "swap", (int64_t)swap);
		json_kv_int(&j, "minflt", (int64_t)pi.min_flt);
		json_kv_int(&j, "majflt", (int64_t)pi.maj_flt);
		json_kv_int(&j, "pswpin", vmstat(k.m, "pswpin"));
		json_kv_int(&j, "pswpout", vmstat(k.m, "pswpout"));
		json_kv_int(&j, "pgscan_kswapd", vmstat(k.m, "pgscan_kswapd"));
		json_kv_int(&j, "pgscan_direct", vmstat(k.m, "pgscan_direct"));
		json_kv_int(&j, "allocstall", vmstat(k.m, "allocstall_movable"));
		json_kv_int(&j, "tlb_hits", (int64_t)tlb_hits);
		json_kv_int(&j, "tlb_misses", (int64_t)pi.tlb_walks);
		json_kv_int(&j, "sim_ns", (int64_t)sim_ns);
		json_kv_int(&j, "peak_rss_kb", (int64_t)pi.vm_hwm_kb);
		json_obj_end(&j);
		if (write_file_atomic(json, sb_str(&j.b), strlen(sb_str(&j.b)))) {
			fprintf(stderr, "vmlab replay: cannot write %s: %s\n", json, strerror(errno));
			rc = 2;
		}
		json_free(&j);
	}
out:
	free((void *)k.slot);
	trace_free(&t);
	vm_free(k.m);
	return rc;
}
