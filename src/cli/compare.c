/*
 * compare.c - `vmlab compare [OPTIONS] SCENARIO.lua [ARGS]`: the scenario on
 * the simulated kernel and on the real one, side by side.
 *
 * Each side is a `vmlab run --json` of its own (a fresh process: the real
 * run must start with glibc's heap untouched), with the same seed; the
 * simulated kernel is the profile of the host's release (--kernel host)
 * unless told otherwise, with its built-in time model or (--costs) the one
 * vmlab calibrate measured on this machine. Their records are then matched operation by
 * operation: a process is known by its name and, among processes of the
 * same name, by its rank in creation order; an operation by its place
 * among that process's operations. Fault counts must be equal, RSS and
 * swap changes within 1%, time is shown but not judged, unless the
 * operation carries a tolerance ({ tolerance = { minflt = "2%", ns = "25%" } }).
 *
 * With several scenarios (--summary, or `make fidelity`), one line each.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "../lib/fdio.h"
#include "../lib/jsonread.h"
#include "../lib/median.h"
#include "../lib/size.h"
#include "../report/json.h"

#define MAX_REPEAT	15

struct compare_options {
	const char *seed, *kernel, *limit, *swapfile, *json;
	const char *costs;		/* the sim side's time model (vmlab calibrate's) */
	int repeat;			/* real runs; their median time counts */
	bool summary, verbose;
	bool unsafe;			/* both sides: Lua's full libraries */
	bool calibrate;			/* calibrate before each scenario (--calibrate) */
	bool no_time;			/* show times, judge none (for tests: no timing) */
	bool time_advisory;		/* a time outside its tolerance alone is no mismatch */
};

/* One side's run: its exit status and its JSON document. */
struct side {
	const char *name;		/* "sim" or "real" */
	int status;
	struct jval doc;
	char err_path[4096];
};

/* ---- running the two sides ---- */

/* Run this vmlab with argv, stdout to /dev/null, stderr to err_path: its exit status, or -1. */
static int run_vmlab(const char *const argv[], const char *err_path)
{
	pid_t pid;
	int ws;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int out = open("/dev/null", O_WRONLY), err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			_exit(3);
		execv("/proc/self/exe", (char *const *)argv);
		_exit(3);
	}
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

/*
 * --calibrate: measure this machine now (vmlab calibrate, 5 runs of each
 * item) into dir/host.costs, just before the sides run: the host's speed
 * drifts by tens of percent within minutes on a shared machine (an
 * anonymous fault took 1.9 us and, two minutes later, 1.5 us here).
 */
static int calibrate_now(const char *dir, char *costs, size_t n)
{
	char err[4096];
	const char *argv[] = { "vmlab", "calibrate", "--runs", "5", "-o", costs, NULL };

	snprintf(costs, n, "%s/host.costs", dir);
	snprintf(err, sizeof(err), "%s/calibrate.err", dir);
	if (run_vmlab(argv, err) == 0) {
		unlink(err);
		return 0;
	}
	fprintf(stderr, "vmlab compare: vmlab calibrate failed (%s)\n", err);
	return -1;
}

static int run_side(const struct compare_options *co, const char *dir, bool real, char **scenario,
		    int nargs, struct side *s)
{
	char json[4096];

	const char *argv[64];
	int n = 0;

	snprintf(json, sizeof(json), "%s/%s.json", dir, s->name);
	snprintf(s->err_path, sizeof(s->err_path), "%s/%s.err", dir, s->name);
	argv[n++] = "vmlab";
	argv[n++] = "run";
	if (real) {
		argv[n++] = "--real";
		if (co->limit) {
			argv[n++] = "--limit";
			argv[n++] = co->limit;
		}
		if (co->swapfile) {
			argv[n++] = "--swapfile";
			argv[n++] = co->swapfile;
		}
	} else {
		argv[n++] = "--kernel";
		argv[n++] = co->kernel ? co->kernel : "host";
		if (co->costs) {
			argv[n++] = "--costs";
			argv[n++] = co->costs;
		}
	}
	if (co->seed) {
		argv[n++] = "--seed";
		argv[n++] = co->seed;
	}
	if (co->unsafe)
		argv[n++] = "--unsafe";
	argv[n++] = "--json";
	argv[n++] = json;
	for (int i = 0; i <= nargs && n < 63; i++)
		argv[n++] = scenario[i];
	argv[n] = NULL;
	s->status = run_vmlab(argv, s->err_path);
	if (s->status < 0)
		return -1;
	if (s->status <= 1) {
		char *text, perr[256];
		size_t len;

		if (read_whole(json, &text, &len))
			return -1;
		if (jparse(text, &s->doc, perr, sizeof(perr))) {
			fprintf(stderr, "vmlab compare: %s: %s\n", json, perr);
			free(text);
			return -1;
		}
		free(text);
	}
	unlink(json);
	return 0;
}

static void show_stderr(const struct side *s)
{
	char *text;
	size_t len;

	if (!read_whole(s->err_path, &text, &len)) {
		fputs(text, stderr);
		free(text);
	}
}

/* ---- matching operations ---- */

struct op {
	const struct jval *rec;
	const char *proc;
	int instance;			/* rank among processes of that name */
	int seq;			/* place among its process's operations */
	bool used;
	bool unstable;			/* its counts differ between real runs */
	const char *spread;		/* which count, from lo to hi (NULL: a run lacks the op) */
	int64_t lo, hi;
	int host_runs;			/* real runs left out: the host evicted the run's pages */
	int64_t host_pages;		/* the most it evicted in one of them */
};

struct oplist {
	struct op *v;
	int n;
};

struct proc_ent {
	int pid;
	const char *name;
	int instance, ops;
};

static int cmp_pid(const void *a, const void *b)
{
	int x = ((const struct proc_ent *)a)->pid, y = ((const struct proc_ent *)b)->pid;

	return (x > y) - (x < y);
}

/* The records' operations, each with its process's name, instance and sequence. */
static int collect_ops(const struct jval *records, struct oplist *l)
{
	int n = records ? records->n : 0, np = 0;
	struct proc_ent *procs = calloc((size_t)n + 1, sizeof(*procs)), key;

	l->v = calloc((size_t)n + 1, sizeof(*l->v));
	l->n = 0;
	if (!l->v || !procs) {
		free(procs);
		return -1;
	}
	for (int i = 0; i < n; i++) {		/* the processes, by pid: creation order */
		const struct jval *r = &records->item[i];
		int pid = (int)jget_int(r, "pid", 0), k;

		if (strcmp(jget_str(r, "kind", ""), "op"))
			continue;
		for (k = 0; k < np && procs[k].pid != pid; k++)
			;
		if (k == np)
			procs[np++] = (struct proc_ent){ pid, jget_str(r, "proc", "?"), 0, 0 };
	}
	qsort(procs, (size_t)np, sizeof(*procs), cmp_pid);
	for (int k = 0; k < np; k++)
		for (int e = 0; e < k; e++)
			procs[k].instance += !strcmp(procs[e].name, procs[k].name);
	for (int i = 0; i < n; i++) {
		const struct jval *r = &records->item[i];
		struct proc_ent *pe;
		struct op *o;

		if (strcmp(jget_str(r, "kind", ""), "op"))
			continue;
		key.pid = (int)jget_int(r, "pid", 0);
		pe = bsearch(&key, procs, (size_t)np, sizeof(*procs), cmp_pid);
		o = &l->v[l->n++];
		o->rec = r;
		o->proc = pe->name;
		o->instance = pe->instance;
		o->seq = pe->ops++;
	}
	free(procs);
	return 0;
}

static struct op *find_op(struct oplist *l, const struct op *want)
{
	for (int i = 0; i < l->n; i++) {
		struct op *o = &l->v[i];

		if (!o->used && o->instance == want->instance && o->seq == want->seq &&
		    !strcmp(o->proc, want->proc))
			return o;
	}
	return NULL;
}

/* ---- judging ---- */

enum verdict { EXACT, WITHIN, MISMATCH };

struct tally {
	int ops, exact, within, mismatch;
	int slow;			/* ops whose time alone is outside its tolerance */
	int sim_passed, sim_failed, real_passed, real_failed;
	bool machines_differ;		/* in what decides whether memory runs out */
	int out_of_memory;		/* mismatches: ENOMEM on one side only */
	const char *scenario;		/* named before a mismatch that --summary shows */
	bool incomparable;		/* the two kernels run different OOM killers */
};

/* The memory a side's processes can have: its RAM, or the limit the run is under. */
static int64_t usable_memory(const struct jval *config)
{
	int64_t ram = jget_int(config, "ram", 0), limit = jget_int(config, "limit", 0);

	return limit > 0 && limit < ram ? limit : ram;
}

/*
 * Could the same operation run out of memory on one machine and not the
 * other? The overcommit heuristic weighs a mapping against RAM and swap
 * (__vm_enough_memory()), the OOM killer against the limit, mmap and
 * splits the map count against vm.max_map_count: all give ENOMEM.
 */
static bool machines_differ(const struct jval *sim, const struct jval *real)
{
	return jget_int(sim, "ram", 0) != jget_int(real, "ram", 0) ||
	       usable_memory(sim) != usable_memory(real) ||
	       jget_int(sim, "swap", 0) != jget_int(real, "swap", 0) ||
	       jget_int(sim, "overcommit", 0) != jget_int(real, "overcommit", 0) ||
	       jget_int(sim, "max_map_count", 0) != jget_int(real, "max_map_count", 0);
}

static void json_machine(struct json *j, const struct jval *c)
{
	static const char *const keys[] = { "ram", "swap", "overcommit", "limit", "max_map_count",
					    "cpus" };

	json_obj_begin(j);
	json_kv_str(j, "kernel", jget_str(c, "kernel", "?"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_kv_int(j, keys[i], jget_int(c, keys[i], 0));
	json_obj_end(j);
}

/* A machine's size as free -h would round it: "23.5 GiB", "512.0 MiB". */
static void gib(int64_t bytes, char *buf, size_t len)
{
	if (bytes >= 1LL << 30)
		snprintf(buf, len, "%.1f GiB", (double)bytes / (1 << 30));
	else
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
}

/* ", 2 CPUs, RAM 1.0 GiB, no swap, overcommit 0, max_map_count N[, limit 4.0 GiB (...)]" */
static void print_machine(const struct jval *c)
{
	char ram[32], swap[32], limit[32];

	gib(jget_int(c, "ram", 0), ram, sizeof(ram));
	gib(jget_int(c, "swap", 0), swap, sizeof(swap));
	printf(", %lld CPUs, RAM %s, %s%s, overcommit %lld, max_map_count %lld",
	       (long long)jget_int(c, "cpus", 0), ram, jget_int(c, "swap", 0) ? "swap " : "no swap",
	       jget_int(c, "swap", 0) ? swap : "", (long long)jget_int(c, "overcommit", 0),
	       (long long)jget_int(c, "max_map_count", 0));
	if (jget_int(c, "limit", 0) > 0) {
		gib(jget_int(c, "limit", 0), limit, sizeof(limit));
		printf(", limit %s (the run's memory cgroup)", limit);
	}
	printf("\n");
}

/* A tolerance: "2%" (of the real value) or an absolute amount; -1 if none. */
static double tolerance(const struct jval *rec, const char *field, double real, const char *dflt)
{
	const char *t = jget_str(jget(rec, "tolerance"), field, dflt);
	char *end;
	double v;

	if (!t)
		return -1;
	v = strtod(t, &end);
	if (end == t || v < 0)
		return -1;
	if (*end == '%')
		return v / 100 * fabs(real);
	if (!strcmp(field, "ns")) {
		uint64_t ns;

		if (!parse_duration(t, &ns))
			return (double)ns;
	}
	return v;
}

static bool judge_time = true, time_advisory;

/* Field f of the two records: exact, within its tolerance, or not. */
static enum verdict judge(const struct jval *sim, const struct jval *real, const char *f,
			  const char *dflt)
{
	double a = (double)jget_int(sim, f, 0), b = (double)jget_int(real, f, 0);
	double tol = tolerance(sim, f, b, dflt);

	if (a == b || (!judge_time && !strcmp(f, "ns")))
		return EXACT;
	if (tol >= 0 && fabs(a - b) <= tol)
		return WITHIN;
	if (tol < 0 && !strcmp(f, "ns"))
		return EXACT;		/* time is not judged without a tolerance */
	return MISMATCH;
}

static void fmt_ns(char *buf, size_t n, int64_t ns)
{
	if (ns < 10000)
		snprintf(buf, n, "%lldns", (long long)ns);
	else if (ns < 10000000)
		snprintf(buf, n, "%.1fus", ns / 1e3);
	else if (ns < 10000000000LL)
		snprintf(buf, n, "%.1fms", ns / 1e6);
	else
		snprintf(buf, n, "%.2fs", ns / 1e9);
}

/*
 * What is compared after each operation: the table's columns (minflt,
 * majflt, rss_kb, ns), then the rest of the process's /proc/PID/status
 * figures both kernels have, each shown on a line of its own when it
 * differs. The default tolerances (NULL: exact; time is judged only where
 * the scenario declares one):
 *   RSS figures: 1%. The real kernel's are per-CPU batched counters
 *     (percpu_counter_read_positive() in get_mm_counter()).
 *   VmPTE: 16 kB. A real process's first mappings lie next to vmlab's own,
 *     so they share the PUD and PMD tables that a fresh simulated process
 *     allocates (8 kB), and a range's 2 MiB boundaries fall elsewhere, one
 *     PTE table more or less at each end (8 kB). Issue 7's item 14, the
 *     layouts made to agree, takes this away. A table leak or a reclaim
 *     not modelled (a DONTNEED that frees 4 MiB of tables) is far above it.
 */
static const char *const fields[] = { "minflt", "majflt", "rss_kb", "swap_kb", "ns",
				       "anon_kb", "file_kb", "shmem_kb", "pte_kb" };
static const char *const field_names[] = { "minflt", "majflt", "VmRSS", "VmSwap", "time",
					    "RssAnon", "RssFile", "RssShmem", "VmPTE" };
static const char *const default_tol[] = { NULL, NULL, "1%", "1%", NULL, "1%", "1%", "1%", "16" };
#define NFIELDS 9

/* An operation's outcome as a row says it: "" returned, "signal", or the errno. */
static const char *outcome_text(const char *outcome)
{
	return !*outcome ? "returned" : !strcmp(outcome, "signal") ? "ended the process" : outcome;
}

/* One row: print it, put it in the JSON, count it. */
static void row(const struct op *s, const struct op *r, struct tally *t, struct json *j, bool quiet)
{
	enum verdict v[NFIELDS], worst = EXACT;
	const struct jval *sr = s ? s->rec : NULL, *rr = r ? r->rec : NULL;
	const struct op *any = s ? s : r;
	char name[40], ts[24], tr[24], ratio[16];
	bool err_s = sr && jget(sr, "error"), err_r = rr && jget(rr, "error");
	/* the outcome: "" (it returned), an errno name, or "signal" */
	const char *out_s = err_s ? jget_str(sr, "error", "error") : "";
	const char *out_r = err_r ? jget_str(rr, "error", "error") : "";

	/*
	 * ENOMEM on one side only. (Not a signal: a SIGSEGV is no question of
	 * size, and the OOM killer's SIGKILL comes with the OOM issue.)
	 */
	bool memory_bound = t->machines_differ && strcmp(out_s, out_r) &&
			    (!strcmp(out_s, "ENOMEM") || !strcmp(out_r, "ENOMEM"));

	snprintf(name, sizeof(name), any->instance ? "%s#%d" : "%s", any->proc, any->instance + 1);
	t->ops++;
	t->out_of_memory += memory_bound;
	if (r && r->unstable) {
		worst = MISMATCH;
		for (int i = 0; i < NFIELDS; i++)
			v[i] = MISMATCH;
	} else if (!sr || !rr || strcmp(out_s, out_r) ||
	    strcmp(jget_str(sr, "op", ""), jget_str(rr, "op", ""))) {
		worst = MISMATCH;
		for (int i = 0; i < NFIELDS; i++)
			v[i] = MISMATCH;
	} else if (err_s) {
		for (int i = 0; i < NFIELDS; i++)
			v[i] = EXACT;
	} else {
		enum verdict others = EXACT;

		for (int i = 0; i < NFIELDS; i++) {
			v[i] = judge(sr, rr, fields[i], default_tol[i]);
			if (v[i] > worst)
				worst = v[i];
			if (strcmp(fields[i], "ns") && v[i] > others)
				others = v[i];
		}
		if (worst == MISMATCH && others != MISMATCH) {
			t->slow++;
			if (time_advisory)
				worst = others;
		}
	}
	if (worst == EXACT)
		t->exact++;
	else if (worst == WITHIN)
		t->within++;
	else
		t->mismatch++;
	/* --summary shows only its table, and each mismatch on stderr: what failed, not just where */
	if (!quiet || worst == MISMATCH) {
		FILE *out = quiet ? stderr : stdout;
		const char *op = jget_str(sr ? sr : rr, "op", "?");

		if (quiet)
			fprintf(out, "%s: mismatch: operation %d of ", t->scenario, any->seq + 1);
		fprintf(out, "%-14s %-18s", name, op);
		if (!sr || !rr) {
			fprintf(out, " only on the %s kernel\n", sr ? "simulated" : "real");
		} else if (r->unstable && r->spread) {
			fprintf(out, " its counts differ from one real run to the next (%s from %lld to %lld)\n",
			       r->spread, (long long)r->lo, (long long)r->hi);
		} else if (r->unstable) {
			fprintf(out, " its counts differ from one real run to the next\n");
		} else if (err_s || err_r) {
			if (!strcmp(out_s, out_r))
				fprintf(out, " %s on both\n", outcome_text(out_s));
			else
				fprintf(out, " %s on the simulator, %s on the real kernel *%s\n",
				       outcome_text(out_s), outcome_text(out_r),
				       memory_bound ? " (the machines differ)" : "");
		} else {
			for (int i = 0; i < 3; i++)
				fprintf(out, " %8lld %8lld%c", (long long)jget_int(sr, fields[i], 0),
				       (long long)jget_int(rr, fields[i], 0),
				       v[i] == MISMATCH ? '*' : v[i] == WITHIN ? '~' : ' ');
			fmt_ns(ts, sizeof(ts), jget_int(sr, "ns", 0));
			fmt_ns(tr, sizeof(tr), jget_int(rr, "ns", 0));
			if (jget_int(rr, "ns", 0) > 0)
				snprintf(ratio, sizeof(ratio), "%.2f",
					 (double)jget_int(sr, "ns", 0) / (double)jget_int(rr, "ns", 0));
			else
				snprintf(ratio, sizeof(ratio), "-");
			fprintf(out, " %9s %9s %6s%c\n", ts, tr, ratio,
			       v[4] == MISMATCH ? '*' : v[4] == WITHIN ? '~' : ' ');
			for (int i = 3; i < NFIELDS; i++)
				if (i != 4 && v[i] != EXACT)
					fprintf(out, "%-33s %s change: sim %+lld kB, real %+lld kB %c\n", "",
					       field_names[i], (long long)jget_int(sr, fields[i], 0),
					       (long long)jget_int(rr, fields[i], 0),
					       v[i] == MISMATCH ? '*' : '~');
		}
		if (r && r->host_runs)
			fprintf(out, "%-33s %d real run%s left out: the host evicted up to %lld pages "
				"of the run's files in %s\n", "", r->host_runs, r->host_runs > 1 ? "s" : "",
				(long long)r->host_pages, r->host_runs > 1 ? "them" : "it");
		else if (rr && jget_int(rr, "host_evicted", 0))
			fprintf(out, "%-33s the host evicted %lld pages of the run's files by its end: "
				"the real counts may show it\n", "",
				(long long)jget_int(rr, "host_evicted", 0));
	}
	if (j) {
		json_obj_begin(j);
		json_kv_str(j, "proc", any->proc);
		json_kv_int(j, "instance", any->instance + 1);
		json_kv_int(j, "seq", any->seq + 1);
		json_kv_str(j, "op", jget_str(sr ? sr : rr, "op", "?"));
		json_kv_str(j, "verdict", worst == EXACT ? "exact" : worst == WITHIN ? "within" : "mismatch");
		if (r && r->host_runs)
			json_kv_int(j, "real_runs_left_out", r->host_runs);
		for (int side = 0; side < 2; side++) {
			const struct jval *rec = side ? rr : sr;

			json_key(j, side ? "real" : "sim");
			if (!rec) {
				json_null(j);
				continue;
			}
			json_obj_begin(j);
			if (jget(rec, "error"))
				json_kv_str(j, "error", side ? out_r : out_s);
			for (int i = 0; i < NFIELDS; i++)
				json_kv_int(j, fields[i], jget_int(rec, fields[i], 0));
			json_obj_end(j);
		}
		json_obj_end(j);
	}
}

static void expectations(const struct jval *doc, int *passed, int *failed)
{
	const struct jval *e = jget(doc, "expectations");

	*passed = (int)jget_int(e, "passed", 0);
	*failed = (int)jget_int(e, "failed", 0);
}

/* The two runs' records, matched and judged. */
static void compare_docs(struct side *sim, struct oplist *so_, struct side *real, struct oplist *ro_,
			 struct tally *t, struct json *j, bool quiet)
{
	const struct jval *srec = jget(&sim->doc, "records");
	struct oplist so = *so_, ro = *ro_;
	int k = 0;
	if (!quiet) {		/* the columns of row(): 3 x " %8 %8c", then " %9 %9 %6c" */
		printf("%-14s %-18s %18s  %18s  %18s  %19s\n", "", "", "minflt", "majflt",
		       "rss_kb change", "time");
		printf("%-14s %-18s %8s %8s  %8s %8s  %8s %8s  %9s %9s %6s\n", "process", "operation",
		       "sim", "real", "sim", "real", "sim", "real", "sim", "real", "s/r");
	}
	if (j) {
		json_key(j, "operations");
		json_arr_begin(j);
	}
	for (int i = 0; srec && i < srec->n; i++) {
		const struct jval *r = &srec->item[i];
		const char *kind = jget_str(r, "kind", "");

		if (!strcmp(kind, "mark")) {
			if (!quiet)
				printf("== %s ==\n", jget_str(r, "name", ""));
			continue;
		}
		if (strcmp(kind, "op"))
			continue;
		{
			struct op *s = &so.v[k++];
			struct op *m = find_op(&ro, s);

			if (m)
				m->used = true;
			row(s, m, t, j, quiet);
		}
	}
	for (int i = 0; i < ro.n; i++)
		if (!ro.v[i].used)
			row(NULL, &ro.v[i], t, j, quiet);
	if (j)
		json_arr_end(j);
	expectations(&sim->doc, &t->sim_passed, &t->sim_failed);
	expectations(&real->doc, &t->real_passed, &t->real_failed);
}

/*
 * Several real runs: each operation's time becomes the median of its runs'
 * (the first run's record carries it). Its counts must agree in every run,
 * except where the operation declares a tolerance for one (the real
 * kernel's reclaim and readahead depend on timing): there the median is
 * what is compared, and most runs must lie within the tolerance of it. One
 * run that another program's I/O slowed does not decide the verdict; runs
 * that scatter do. A run in which the host evicted pages of the run's
 * files (its record's host_evicted: backend_real.c's bracket) is left out
 * of the counts while another run was spared, and the row says so.
 */
static void merge_runs(struct oplist *ro, int runs)
{
	static const char *const counts[] = { "minflt", "majflt", "rss_kb", "swap_kb" };

	for (int i = 0; i < ro[0].n; i++) {
		struct op *o = &ro[0].v[i];
		struct jval *ns = (struct jval *)jget(o->rec, "ns");
		const struct jval *rec[MAX_REPEAT];
		double v[MAX_REPEAT], c[4][MAX_REPEAT];
		int n = 0, nc = 0, nrec = 0, spared = 0;

		rec[nrec++] = o->rec;
		for (int k = 1; k < runs; k++) {
			struct op *m = find_op(&ro[k], o);

			if (!m) {
				o->unstable = true;
				continue;
			}
			m->used = true;
			rec[nrec++] = m->rec;
		}
		for (int k = 0; k < nrec; k++) {
			if (ns)
				v[n++] = (double)jget_int(rec[k], "ns", 0);
			spared += jget_int(rec[k], "host_evicted", 0) == 0;
		}
		for (int k = 0; k < nrec; k++) {
			int64_t ev = jget_int(rec[k], "host_evicted", 0);

			if (ev && spared) {
				o->host_runs++;
				o->host_pages = ev > o->host_pages ? ev : o->host_pages;
				continue;
			}
			for (size_t f = 0; f < 4; f++)
				c[f][nc] = (double)jget_int(rec[k], counts[f], 0);
			nc++;
		}
		for (size_t f = 0; f < 4 && !o->unstable; f++) {
			double lo = c[f][0], hi = c[f][0], mid, tol;
			struct jval *x = (struct jval *)jget(o->rec, counts[f]);

			for (int k = 1; k < nc; k++) {
				lo = c[f][k] < lo ? c[f][k] : lo;
				hi = c[f][k] > hi ? c[f][k] : hi;
			}
			if (lo == hi) {
				if (x)
					x->i = (int64_t)lo;	/* the first run's may be left out */
				continue;
			}
			mid = median(c[f], nc);
			tol = tolerance(o->rec, counts[f], mid, NULL);
			if (tol < 0 || 2 * median_near(c[f], nc, mid, tol) <= nc || !x) {
				o->unstable = true;
				o->spread = counts[f];
				o->lo = (int64_t)lo;
				o->hi = (int64_t)hi;
			} else
				x->i = (int64_t)mid;
		}
		if (ns && n)
			ns->i = (int64_t)median(v, n);
	}
}

/* ---- one scenario ---- */

static int compare_one(const struct compare_options *co, char **scenario, int nargs,
		       struct tally *t, struct json *j)
{
	char dir[] = "/tmp/vmlab-compare-XXXXXX", names[MAX_REPEAT][16], costs[4096];
	struct compare_options here;
	struct side sim = { .name = "sim" }, reals[MAX_REPEAT], *bad = NULL;
	struct oplist so = { 0 }, ro[MAX_REPEAT];
	int rc = 0, runs = co->repeat;

	memset(t, 0, sizeof(*t));
	t->scenario = scenario[0];
	memset(reals, 0, sizeof(reals));
	memset(ro, 0, sizeof(ro));
	if (!mkdtemp(dir)) {
		fprintf(stderr, "vmlab compare: cannot make a work directory: %s\n", strerror(errno));
		return 2;
	}
	if (co->calibrate) {
		if (calibrate_now(dir, costs, sizeof(costs)))
			return 2;
		here = *co;
		here.costs = costs;
		co = &here;
	}
	rc = run_side(co, dir, false, scenario, nargs, &sim);
	if (!rc && sim.status > 1)
		bad = &sim;
	for (int k = 0; !rc && !bad && k < runs; k++) {
		snprintf(names[k], sizeof(names[k]), "real%d", k + 1);
		reals[k].name = names[k];
		rc = run_side(co, dir, true, scenario, nargs, &reals[k]);
		if (!rc && reals[k].status > 1)
			bad = &reals[k];
	}
	struct side real = reals[0];

	if (rc) {
		fprintf(stderr, "vmlab compare: %s: a run could not be read\n", scenario[0]);
		rc = 2;
	} else if (bad) {
		fprintf(stderr, "vmlab compare: %s: the %s run failed (exit %d):\n", scenario[0],
			bad == &sim ? "simulated" : "real", bad->status);
		show_stderr(bad);
		rc = 2;
	} else {
		if (!co->summary) {
			const struct jval *sc = jget(&sim.doc, "config"), *rc2 = jget(&real.doc, "config");

			printf("vmlab compare %s\n", scenario[0]);
			printf("  sim:  Linux %s profile, seed %lld", jget_str(sc, "kernel", "?"),
			       (long long)jget_int(sc, "seed", 0));
			print_machine(sc);
			printf("  real: Linux %s", jget_str(rc2, "kernel", "?"));
			print_machine(rc2);
			printf("\n");
		}
		t->machines_differ = machines_differ(jget(&sim.doc, "config"),
						     jget(&real.doc, "config"));
		if (j) {
			json_obj_begin(j);
			json_kv_str(j, "scenario", scenario[0]);
			json_key(j, "sim");
			json_machine(j, jget(&sim.doc, "config"));
			json_key(j, "real");
			json_machine(j, jget(&real.doc, "config"));
		}
		collect_ops(jget(&sim.doc, "records"), &so);
		for (int k = 0; k < runs; k++)
			collect_ops(jget(&reals[k].doc, "records"), &ro[k]);
		merge_runs(ro, runs);
		/*
		 * vm.config{ oom = "classic" } is the simulator's alone: the real
		 * kernel kills by today's oom_badness(), so who dies (and all that
		 * follows) cannot be set side by side; each side's expectations
		 * still count.
		 */
		t->incomparable = strcmp(jget_str(jget(&sim.doc, "config"), "oom", "modern"),
					 jget_str(jget(&real.doc, "config"), "oom", "modern")) != 0;
		if (t->incomparable) {
			if (!co->summary)
				printf("not compared: the simulator ran the classic OOM killer "
				       "(vm.config{ oom = \"classic\" }), the real kernel has only "
				       "today's\n\n");
			expectations(&sim.doc, &t->sim_passed, &t->sim_failed);
			expectations(&real.doc, &t->real_passed, &t->real_failed);
		} else {
			compare_docs(&sim, &so, &real, &ro[0], t, j, co->summary);
		}
		if (t->real_failed && co->verbose)
			show_stderr(&real);
		if (j) {
			json_key(j, "summary");
			json_obj_begin(j);
			json_kv_int(j, "operations", t->ops);
			json_kv_int(j, "exact", t->exact);
			json_kv_int(j, "within_tolerance", t->within);
			json_kv_int(j, "mismatches", t->mismatch);
			json_kv_int(j, "time_outside_tolerance", t->slow);
			json_kv_int(j, "out_of_memory_on_one_side", t->out_of_memory);
			json_kv_int(j, "sim_expectations_failed", t->sim_failed);
			json_kv_int(j, "real_expectations_failed", t->real_failed);
			json_obj_end(j);
			json_obj_end(j);
		}
		rc = t->mismatch || t->sim_failed || t->real_failed ? 1 : 0;
	}
	unlink(sim.err_path);
	if (co->calibrate)
		unlink(costs);
	jfree(&sim.doc);
	free(so.v);
	for (int k = 0; k < runs; k++) {
		if (reals[k].name)
			unlink(reals[k].err_path);
		jfree(&reals[k].doc);
		free(ro[k].v);
	}
	rmdir(dir);
	return rc;
}

static void print_tally(const struct tally *t)
{
	printf("\n%d operations: %d exact, %d within tolerance, %d mismatched\n", t->ops, t->exact,
	       t->within, t->mismatch);
	if (t->slow)
		printf("%d operation%s outside %s time tolerance alone%s\n", t->slow,
		       t->slow > 1 ? "s" : "", t->slow > 1 ? "their" : "its",
		       time_advisory ? " (--time-advisory: counted above by their other figures)" : "");
	if (t->out_of_memory)
		printf("%d of the mismatches ran out of memory on one side only: the machines differ "
		       "(RAM, swap, overcommit, limit or max_map_count, above), so these outcomes "
		       "depend on the machines, not on the mechanism\n", t->out_of_memory);
	printf("expectations: simulated %d of %d held, real %d of %d held\n", t->sim_passed,
	       t->sim_passed + t->sim_failed, t->real_passed, t->real_passed + t->real_failed);
}

static void compare_usage(void)
{
	fputs("usage: vmlab compare [--seed N] [--kernel K] [--costs PROFILE | --calibrate]\n"
	      "                     [--limit SIZE] [--swapfile SIZE] [--repeat N]\n"
	      "                     [--no-time | --time-advisory]\n"
	      "                     [--verbose] [--unsafe] [--json FILE] SCENARIO.lua [ARGS]\n"
	      "       vmlab compare --summary [--repeat N] [--costs PROFILE | --calibrate]\n"
	      "                     [--swapfile SIZE]\n"
	      "                     [--time-advisory] [--json FILE] SCENARIO.lua...\n", stderr);
}

int cmd_compare(int argc, char **argv)
{
	struct compare_options co = { .repeat = 1 };
	struct json j;
	struct tally t, all = { 0 };
	int i, rc = 0;

	for (i = 0; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		const char **val = !strcmp(a, "--seed") ? &co.seed : !strcmp(a, "--kernel") ? &co.kernel :
				   !strcmp(a, "--limit") ? &co.limit : !strcmp(a, "--json") ? &co.json :
				   !strcmp(a, "--swapfile") ? &co.swapfile :
				   !strcmp(a, "--costs") ? &co.costs : NULL;

		if (!strcmp(a, "--repeat")) {
			if (i + 1 >= argc || (co.repeat = atoi(argv[i + 1])) < 1 || co.repeat > MAX_REPEAT) {
				fprintf(stderr, "vmlab compare: --repeat needs a number of real runs, 1 to %d\n",
					MAX_REPEAT);
				return 2;
			}
			i++;
		} else if (!strcmp(a, "--summary")) {
			co.summary = true;
		} else if (!strcmp(a, "--no-time")) {
			co.no_time = true;
		} else if (!strcmp(a, "--time-advisory")) {
			co.time_advisory = true;
		} else if (!strcmp(a, "--unsafe")) {
			co.unsafe = true;
		} else if (!strcmp(a, "--calibrate")) {
			co.calibrate = true;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			co.verbose = true;
		} else if (val) {
			if (i + 1 >= argc) {
				fprintf(stderr, "vmlab compare: %s needs a value\n", a);
				return 2;
			}
			*val = argv[++i];
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			fprintf(stderr, "vmlab compare: unknown option '%s'\n", a);
			compare_usage();
			return 2;
		}
	}
	judge_time = !co.no_time;
	time_advisory = co.time_advisory;
	if (i >= argc) {
		fprintf(stderr, "vmlab compare: which scenario? (for example scenarios/cow.lua)\n");
		compare_usage();
		return 2;
	}
	if (co.json) {
		json_init(&j);
		json_obj_begin(&j);
		json_kv_str(&j, "vmlab", "compare");
		json_key(&j, "scenarios");
		json_arr_begin(&j);
	}
	/* scenarios given by name (vmlab compare cow): the installed ones */
	for (int k = i; k < (co.summary ? argc : i + 1); k++) {
		char buf[4096];
		const char *path = scenario_find(argv[k], buf, sizeof(buf), "compare");

		if (!path)
			return 2;
		if (path == buf && !(argv[k] = strdup(buf)))
			return 3;
	}
	if (!co.summary) {
		rc = compare_one(&co, argv + i, argc - i - 1, &t, co.json ? &j : NULL);
		if (rc < 2)
			print_tally(&t);
	} else {
		printf("%-32s %10s %7s %10s %10s %13s %9s\n", "scenario", "operations", "exact",
		       "tolerance", "mismatched", "expectations", "time off");
		for (; i < argc; i++) {
			int r = compare_one(&co, argv + i, 0, &t, co.json ? &j : NULL);
			char exp[32];

			if (r > rc)
				rc = r;
			if (r == 2) {
				printf("%-32s %10s\n", argv[i], "(failed)");
				continue;
			}
			snprintf(exp, sizeof(exp), "%d/%d", t.real_passed, t.real_passed + t.real_failed);
			if (t.incomparable)
				printf("%-32s %-42s %13s\n", argv[i], "   (not compared: the classic OOM killer)",
				       exp);
			else
				printf("%-32s %10d %7d %10d %10d %13s %9d\n", argv[i], t.ops, t.exact,
				       t.within, t.mismatch, exp, t.slow);
			all.slow += t.slow;
			all.ops += t.ops;
			all.exact += t.exact;
			all.within += t.within;
			all.mismatch += t.mismatch;
			all.real_passed += t.real_passed;
			all.real_failed += t.real_failed;
		}
		printf("%-32s %10d %7d %10d %10d %13s %9d\n", "total", all.ops, all.exact, all.within,
		       all.mismatch, "", all.slow);
	}
	if (co.json) {
		json_arr_end(&j);
		json_kv_int(&j, "exit", rc);
		json_obj_end(&j);
		sb_putc(&j.b, '\n');
		if (rc < 2 && write_file_atomic(co.json, sb_str(&j.b), j.b.len)) {
			fprintf(stderr, "vmlab compare: cannot write %s: %s\n", co.json, strerror(errno));
			rc = 2;
		}
		json_free(&j);
	}
	return rc;
}
