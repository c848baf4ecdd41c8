/*
 * calibrate.c - `vmlab calibrate [-o PROFILE] [--runs N] [--dir DIR]`:
 * measure this machine's memory-management costs and write a cost profile
 * for `vmlab run --costs PROFILE`.
 *
 * Each microbenchmark (src/real/calibrate.c) runs --runs times, each time
 * in a fresh process; the median counts. The profile's items are then
 * solved one at a time, in an order where each benchmark depends only on
 * items already known: run the same benchmark on the simulated kernel
 * with the item at 0 and at a probe value, and pick the value that makes
 * the simulated time equal the measured one. So the model reproduces every
 * measurement by construction, whatever it charges around an event (walks,
 * TLB flushes, the retried access); a final pass prints both side by side.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "../../include/vmlab.h"
#include "../lib/fdio.h"
#include "../lib/median.h"
#include "../real/calibrate.h"
#include "../real/procfs.h"

#define MAX_ITEMS	64
#define PROBE		10000

struct measured {
	bool ok;
	double ns;		/* the median */
	char why[200];
};

static int cost_index(const char *name)
{
	for (int i = 0; i < vm_cost_items(); i++)
		if (!strcmp(vm_cost_name(i), name))
			return i;
	return -1;
}

/* ---- the same benchmarks on the simulated kernel ---- */

static vm_machine *sim_machine(const uint64_t *ns, int *pid)
{
	struct vm_config c;
	struct vm_spawn_opts o = { .uid = 0 };
	char err[256];
	vm_machine *m;

	vm_config_default(&c);
	c.ram = 1ULL << 30;
	c.cost_ns = ns;
	m = vm_new(&c, err, sizeof(err));
	if (m)
		*pid = vm_spawn(m, "bench", &o);
	return m;
}

static uint64_t sim_region(vm_machine *m, int pid, int shared)
{
	struct vm_mmap_args a = { 0 };
	struct vm_result r;
	uint64_t addr = 0;

	a.len = (uint64_t)BENCH_PAGES * VM_PAGE_SIZE;
	a.prot = VM_PROT_READ | VM_PROT_WRITE;
	a.shared = shared;
	vm_mmap(m, pid, &a, &addr, &r);
	return addr;
}

static uint64_t sim_pass(vm_machine *m, int pid, uint64_t addr, uint64_t pages, int write,
			 uint64_t passes)
{
	struct vm_touch_args t = { 0 };
	struct vm_result r;

	t.addr = addr;
	t.len = pages * VM_PAGE_SIZE;
	t.write = write;
	t.passes = passes;
	t.stride = VM_PAGE_SIZE;
	vm_touch(m, pid, &t, &r);
	return r.ns;
}

/* The simulated time per event of benchmark b, or -1 if it has no counterpart. */
static double sim_bench(enum bench b, const uint64_t *ns)
{
	int pid, child;
	vm_machine *m = sim_machine(ns, &pid);
	const double pages = BENCH_PAGES;
	struct vm_result r;
	uint64_t a, t0;
	double v = -1;

	if (!m)
		return -1;
	switch (b) {
	case B_ACCESS:
		a = sim_region(m, pid, 0);
		sim_pass(m, pid, a, 16, 1, 1);
		v = (double)sim_pass(m, pid, a, 16, 0, 65536) / (16.0 * 65536);
		break;
	case B_SEQ_MAPPED:
		a = sim_region(m, pid, 0);
		sim_pass(m, pid, a, BENCH_PAGES, 1, 1);
		v = (double)sim_pass(m, pid, a, BENCH_PAGES, 1, 1) / pages;
		break;
	case B_WRITE_FAULT:
		a = sim_region(m, pid, 0);
		v = (double)sim_pass(m, pid, a, BENCH_PAGES, 1, 1) / pages;
		break;
	case B_READ_FAULT:
		a = sim_region(m, pid, 0);
		v = (double)sim_pass(m, pid, a, BENCH_PAGES, 0, 1) / pages;
		break;
	case B_WRITE_AFTER_READ:
		a = sim_region(m, pid, 0);
		sim_pass(m, pid, a, BENCH_PAGES, 0, 1);
		v = (double)sim_pass(m, pid, a, BENCH_PAGES, 1, 1) / pages;
		break;
	case B_POPULATE:
	case B_POPULATE_READ:
		a = sim_region(m, pid, 0);
		vm_madvise(m, pid, a, (uint64_t)BENCH_PAGES * VM_PAGE_SIZE,
			   b == B_POPULATE ? VM_MADV_POPULATE_WRITE : VM_MADV_POPULATE_READ, &r);
		v = (double)r.ns / pages;
		break;
	case B_COW_COPY:
	case B_COW_REUSE:
		a = sim_region(m, pid, 0);
		sim_pass(m, pid, a, BENCH_PAGES, 1, 1);
		child = vm_fork(m, pid, "child");
		if (b == B_COW_REUSE) {
			vm_exit(m, child, 0);
			vm_reap(m, child);
		}
		v = (double)sim_pass(m, pid, a, BENCH_PAGES, 1, 1) / pages;
		break;
	case B_SHMEM_READ:
		a = sim_region(m, pid, 1);
		v = (double)sim_pass(m, pid, a, BENCH_PAGES, 0, 1) / pages;
		break;
	case B_MUNMAP:
		a = sim_region(m, pid, 0);
		sim_pass(m, pid, a, BENCH_PAGES, 1, 1);
		vm_munmap(m, pid, a, (uint64_t)BENCH_PAGES * VM_PAGE_SIZE, &r);
		v = (double)r.ns / pages;
		break;
	case B_MMAP_MUNMAP: {
		struct vm_mmap_args ma = { 0 };
		struct vm_result r2;

		ma.len = VM_PAGE_SIZE;
		ma.prot = VM_PROT_READ | VM_PROT_WRITE;
		vm_mmap(m, pid, &ma, &a, &r);
		vm_munmap(m, pid, a, VM_PAGE_SIZE, &r2);
		v = (double)(r.ns + r2.ns);
		break;
	}
	case B_FORK_BASE:
	case B_FORK_PAGES:
		if (b == B_FORK_PAGES) {
			a = sim_region(m, pid, 0);
			sim_pass(m, pid, a, BENCH_PAGES, 1, 1);
		}
		t0 = vm_clock(m, pid);
		vm_fork(m, pid, "child");
		v = (double)(vm_clock(m, pid) - t0);
		break;
	default:
		break;
	}
	vm_free(m);
	return v;
}

/* ---- solving the items ---- */

struct solve_step {
	const char *item;
	enum bench bench;	/* NR_BENCH: the trap (below) */
};

/*
 * The trap is what a fault taken by the program costs beyond the same work
 * done by the kernel's GUP (MADV_POPULATE_READ / _WRITE): the exception and
 * the two accesses. The model charges one trap for both reads and writes,
 * so it takes the mean of the two differences; the populates then come out
 * within about 10% either way (printed as checks), the faults exactly.
 */
static bool target(enum bench b, const struct measured *mes, double *v)
{
	if (b != NR_BENCH) {
		*v = mes[b].ns;
		return mes[b].ok;
	}
	*v = (mes[B_WRITE_FAULT].ns - mes[B_POPULATE].ns + mes[B_READ_FAULT].ns -
	      mes[B_POPULATE_READ].ns) / 2;
	return mes[B_WRITE_FAULT].ok && mes[B_POPULATE].ok && mes[B_READ_FAULT].ok &&
	       mes[B_POPULATE_READ].ok;
}

static double simulate(enum bench b, const uint64_t *ns)
{
	if (b != NR_BENCH)
		return sim_bench(b, ns);
	return (sim_bench(B_WRITE_FAULT, ns) - sim_bench(B_POPULATE, ns) + sim_bench(B_READ_FAULT, ns) -
		sim_bench(B_POPULATE_READ, ns)) / 2;
}

/* Each step's figure depends only on the items above it. */
static const struct solve_step steps[] = {
	{ "access_l1", B_ACCESS },
	{ "page_walk", B_SEQ_MAPPED },
	{ "fault_trap", NR_BENCH },
	{ "anon_zero", B_READ_FAULT },
	{ "anon_alloc", B_WRITE_FAULT },
	{ "wp_zero", B_WRITE_AFTER_READ },
	{ "cow_copy", B_COW_COPY },
	{ "cow_reuse", B_COW_REUSE },
	{ "shmem_fault", B_SHMEM_READ },
	{ "zap_pte", B_MUNMAP },
	{ "vma_op", B_MMAP_MUNMAP },
	{ "fork", B_FORK_BASE },
	{ "copy_pte", B_FORK_PAGES },
};

/* One item: 0 solved, 1 unsolvable (the model's other costs already exceed
 * the measurement: kept at 0), -1 not measured or not charged there. */
static int solve(const struct solve_step *s, const struct measured *mes, uint64_t *ns, char *note,
		 size_t n)
{
	int i = cost_index(s->item);
	double s0, s1, c, x, want;

	note[0] = '\0';
	if (i < 0 || !target(s->bench, mes, &want))
		return -1;
	ns[i] = 0;
	s0 = simulate(s->bench, ns);
	ns[i] = PROBE;
	s1 = simulate(s->bench, ns);
	c = (s1 - s0) / PROBE;
	if (s0 < 0 || c <= 0) {
		ns[i] = vm_cost_default(i);
		snprintf(note, n, "the model does not charge it in this benchmark: default kept");
		return -1;
	}
	x = (want - s0) / c;
	if (x < 0) {
		snprintf(note, n, "the model's other costs already exceed the measurement: 0");
		ns[i] = 0;
		return 1;
	}
	ns[i] = (uint64_t)llround(x);
	return 0;
}

/* ---- output ---- */

static void fmt_time(char *buf, size_t n, double ns)
{
	if (ns < 100)
		snprintf(buf, n, "%.2f ns", ns);
	else if (ns < 100000)
		snprintf(buf, n, "%.3f us", ns / 1e3);
	else
		snprintf(buf, n, "%.3f ms", ns / 1e6);
}

struct line {
	char s[512];
};

static void machine_line(struct line *o)
{
	struct utsname u;
	char model[128] = "unknown CPU", *text, *l;
	size_t len;

	if (!read_whole("/proc/cpuinfo", &text, &len)) {
		if ((l = strstr(text, "model name")) && (l = strchr(l, ':'))) {
			size_t k = strcspn(l + 2, "\n");

			snprintf(model, sizeof(model), "%.*s", (int)(k < 127 ? k : 127), l + 2);
		}
		free(text);
	}
	uname(&u);
	snprintf(o->s, sizeof(o->s), "%s, %ld CPUs, %.1f GiB RAM, Linux %s", model,
		 sysconf(_SC_NPROCESSORS_ONLN),
		 (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE) / 1073741824.0,
		 u.release);
}

static void measure(enum bench b, int runs, const char *dir, struct measured *m)
{
	double v[64];
	int ok = 0;

	memset(m, 0, sizeof(*m));
	for (int r = 0; r < runs; r++) {
		if (bench_run(b, dir, &v[ok], m->why, sizeof(m->why)))
			return;
		ok++;
	}
	m->ok = true;
	m->ns = median(v, ok);
}

static void calibrate_usage(void)
{
	fputs("usage: vmlab calibrate [-o PROFILE] [--runs N] [--dir DIR]\n", stderr);
}

int cmd_calibrate(int argc, char **argv)
{
	const char *out = NULL, *dir = getenv("TMPDIR");
	struct measured mes[NR_BENCH];
	uint64_t ns[MAX_ITEMS];
	struct line machine;
	char text[16384], note[200], t1[32], t2[32];
	size_t len = 0;
	int runs = 7;
	time_t now = time(NULL);
	struct tm tm;

	if (!dir || !*dir)
		dir = "/var/tmp";
	for (int i = 0; i < argc; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--runs") || !strcmp(argv[i], "--dir")) &&
		    i + 1 >= argc) {
			fprintf(stderr, "vmlab calibrate: %s needs a value\n", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "-o")) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--dir")) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--runs")) {
			runs = atoi(argv[++i]);
			if (runs < 1 || runs > 63) {
				fprintf(stderr, "vmlab calibrate: --runs must be 1 to 63\n");
				return 2;
			}
		} else {
			fprintf(stderr, "vmlab calibrate: unknown argument '%s'\n", argv[i]);
			calibrate_usage();
			return 2;
		}
	}
	if (vm_cost_items() > MAX_ITEMS)
		return 3;
	for (int i = 0; i < vm_cost_items(); i++)
		ns[i] = vm_cost_default(i);

	if (bench_setup(note, sizeof(note))) {
		fprintf(stderr, "vmlab calibrate: %s\n", note);
		return 2;
	}
	fprintf(stderr, "measuring (median of %d runs, each in a fresh process):\n", runs);
	for (int b = 0; b < NR_BENCH; b++) {
		measure((enum bench)b, runs, dir, &mes[b]);
		if (mes[b].ok) {
			fmt_time(t1, sizeof(t1), mes[b].ns);
			fprintf(stderr, "  %-24s %12s %s\n", bench_desc[b].name, t1, bench_desc[b].what);
		} else {
			fprintf(stderr, "  %-24s %12s (%s)\n", bench_desc[b].name, "skipped", mes[b].why);
		}
	}

	bench_cleanup();
	machine_line(&machine);
	localtime_r(&now, &tm);
	len += (size_t)snprintf(text + len, sizeof(text) - len,
		"# vmlab cost profile, measured by `vmlab calibrate` (vmlab %s) on %04d-%02d-%02d\n"
		"# machine: %s\n"
		"# each figure is the median of %d runs, each in a fresh process; each item\n"
		"# is solved so that the simulator reproduces the figure after it exactly\n\n",
		VMLAB_VERSION, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, machine.s, runs);
	fprintf(stderr, "\nsolving the model's items (simulated = measured by construction):\n");
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		const struct solve_step *s = &steps[k];
		const char *from = s->bench == NR_BENCH ? "fault beyond GUP" : bench_desc[s->bench].name;
		const char *what = s->bench == NR_BENCH ? "per fault" : bench_desc[s->bench].what;
		int i = cost_index(s->item);
		bool unsolvable = solve(s, mes, ns, note, sizeof(note)) == 1;
		double want, sim;

		if (!target(s->bench, mes, &want)) {
			len += (size_t)snprintf(text + len, sizeof(text) - len,
				"# %-16s not measured: default kept\n", s->item);
			continue;
		}
		sim = simulate(s->bench, ns);
		fmt_time(t1, sizeof(t1), want);
		fmt_time(t2, sizeof(t2), sim);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%-16s = %-8llu # %s %s %s%s%s\n",
					s->item, (unsigned long long)ns[i], from, t1, what,
					*note ? "; " : "", note);
		/* an item the noise made negative cannot be reproduced: said so */
		fprintf(stderr, "  %-16s %8llu ns   %-24s %smeasured %12s, simulated %12s\n", s->item,
			(unsigned long long)ns[i], from,
			unsolvable ? "(unsolvable, kept at 0: the other costs exceed it) " : "",
			t1, t2);
	}
	/* what the solved items predict for the benchmarks that solved none */
	for (int b = B_POPULATE_READ; b <= B_POPULATE; b++) {
		double sim;

		if (!mes[b].ok)
			continue;
		sim = sim_bench((enum bench)b, ns);
		fmt_time(t1, sizeof(t1), mes[b].ns);
		fmt_time(t2, sizeof(t2), sim);
		fprintf(stderr, "  check: %-24s real %12s, model %12s (%+.0f%%)\n", bench_desc[b].name, t1,
			t2, 100.0 * (sim - mes[b].ns) / mes[b].ns);
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"# check: %s %s %s, the model says %s\n", bench_desc[b].name, t1,
					bench_desc[b].what, t2);
	}
	/* items with no simulated counterpart: the measurement itself, or a difference */
	{
		struct { const char *item; double v; const char *from; } direct[] = {
			{ "syscall", mes[B_SYSCALL].ok ? mes[B_SYSCALL].ns : -1, "syscall (getppid)" },
			{ "context_switch", mes[B_SWITCH].ok && mes[B_SYSCALL].ok ?
				mes[B_SWITCH].ns - 2 * mes[B_SYSCALL].ns : -1,
				"context_switch less the pipe's two system calls" },
			{ "malloc", mes[B_MALLOC].ok ? mes[B_MALLOC].ns : -1, "malloc_free" },
			{ "fault_around_pte", mes[B_FILE_HOT].ok ?
				(mes[B_FILE_HOT].ns - (double)ns[cost_index("fault_trap")] -
				 2.0 * (double)ns[cost_index("page_walk")]) / 16 : -1,
				"file_hot_fault less the trap and two walks, over 16 PTEs" },
		};

		for (size_t k = 0; k < sizeof(direct) / sizeof(direct[0]); k++) {
			int i = cost_index(direct[k].item);

			if (i < 0 || direct[k].v < 0)
				continue;
			ns[i] = (uint64_t)llround(direct[k].v);
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%-16s = %-8llu # %s\n",
						direct[k].item, (unsigned long long)ns[i], direct[k].from);
		}
	}
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"\n# measured, not in the model yet:\n");
	for (int b = B_THP_FAULT; b < NR_BENCH; b++) {
		if (mes[b].ok) {
			fmt_time(t1, sizeof(t1), mes[b].ns);
			len += (size_t)snprintf(text + len, sizeof(text) - len, "#   %-22s %12s %s\n",
						bench_desc[b].name, t1, bench_desc[b].what);
		} else {
			len += (size_t)snprintf(text + len, sizeof(text) - len, "#   %-22s skipped: %s\n",
						bench_desc[b].name, mes[b].why);
		}
	}
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"#   %-22s skipped: %s\n", "swap_in_fault", procfs_host_swap() ?
				"swap arrives with the memory-pressure work" : "this machine has no swap");
	if (len >= sizeof(text) - 1)
		return 3;
	if (!out) {
		fputs(text, stdout);
		return 0;
	}
	if (write_file_atomic(out, text, len)) {
		fprintf(stderr, "vmlab calibrate: cannot write %s: %s\n", out, strerror(errno));
		return 2;
	}
	fprintf(stderr, "\nwrote %s: use it with vmlab run --costs %s\n", out, out);
	return 0;
}
