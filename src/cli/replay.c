/*
 * replay.c - vmlab replay --bare: a trace through the bare replacement
 * policies (src/replay/), each at each cache size, with the counts a
 * paging lesson or a policy paper wants; -v prints OSTEP paging-policy.py's
 * per-access lines for one policy and one size. Replay through the whole
 * simulated kernel needs swap and comes with it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../lib/fdio.h"
#include "../replay/replay.h"
#include "../report/json.h"
#include "../trace/trace.h"

#define MAX_RUNS	64

struct outcome {
	const struct policy_ops *pol;
	uint64_t cap, hits, misses, evictions, dirty_evictions;
	uint64_t seed, nru_period, tau;
};

static void replay_usage(void)
{
	fputs("usage: vmlab replay --bare --policy P[,P...] --cache N[,N...] [--format F]\n"
	      "                    [--seed N] [--nru-period N] [--tau N] [-v] [--json FILE]\n"
	      "                    (TRACE | --addresses 1,2,3,...)\n"
	      "  policies:", stderr);
	for (int i = 0; policy_at(i); i++)
		fprintf(stderr, " %s", policy_at(i)->name);
	fputs("\n  formats:", stderr);
	for (int f = 0; f < NR_TRACE_FORMATS; f++)
		fprintf(stderr, " %s", trace_format_names[f]);
	fputs("\n", stderr);
}

int parse_policies(const char *cmd, const char *s, const struct policy_ops **out, int max)
{
	int n = 0;

	for (const char *p = s; *p; ) {
		size_t len = strcspn(p, ",");
		char name[64];

		if (len && len < sizeof(name)) {
			memcpy(name, p, len);
			name[len] = '\0';
			if (n == max) {
				fprintf(stderr, "vmlab %s: at most %d policies\n", cmd, max);
				return 0;
			}
			if (!(out[n++] = policy_find(name))) {
				fprintf(stderr, "vmlab %s: unknown policy '%s' (vmlab help replay)\n", cmd, name);
				return 0;
			}
		} else if (len) {
			fprintf(stderr, "vmlab %s: unknown policy '%.*s'\n", cmd, (int)len, p);
			return 0;
		}
		p += len + (p[len] == ',');
	}
	if (!n)
		fprintf(stderr, "vmlab %s: --policy names no policy\n", cmd);
	return n;
}

int parse_trace_format(const char *cmd, const char *name)
{
	int f = trace_format_parse(name);

	if (f < 0) {
		fprintf(stderr, "vmlab %s: unknown trace format '%s' (", cmd, name);
		for (int k = 0; k < NR_TRACE_FORMATS; k++)
			fprintf(stderr, "%s%s", k ? ", " : "", trace_format_names[k]);
		fputs(")\n", stderr);
	}
	return f;
}

bool parse_whole(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (s[0] < '0' || s[0] > '9')		/* no sign, no space */
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

int parse_page_counts(char *s, uint64_t *out, int max, const char **bad)
{
	int n = 0;

	*bad = NULL;
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max)
			return -1;
		if (!parse_whole(tok, 1, UINT32_MAX, &out[n++])) {
			*bad = tok;
			return -1;
		}
	}
	if (!n)
		*bad = s;
	return n ? n : -1;
}

/* OSTEP's "%12s" of a Python list: "[1, 2, 3]" right-justified in 12. */
static void print_list(const struct trace *t, const uint32_t *ids, uint64_t n)
{
	char buf[4096];
	size_t len = 0;

	len += (size_t)snprintf(buf + len, sizeof(buf) - len, "[");
	for (uint64_t k = 0; k < n && len < sizeof(buf) - 32; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%llu", k ? ", " : "",
					(unsigned long long)t->page[ids[k]]);
	snprintf(buf + len, sizeof(buf) - len, "]");
	printf("%12s", buf);
}

struct verbose {
	const struct trace *t;
	const struct policy_ops *pol;
	uint32_t *shown;
	uint64_t cap;
};

/* -v: OSTEP's line for one access */
static void print_step(void *ctx, const void *st, uint64_t i, uint32_t id, bool hit, uint32_t victim,
		       const struct replay_counts *so_far)
{
	const struct verbose *v = ctx;
	uint64_t n = v->pol->show((void *)st, v->shown, v->cap);
	char out[24] = "-";

	(void)i;
	if (victim != NO_VICTIM)
		snprintf(out, sizeof(out), "%llu", (unsigned long long)v->t->page[victim]);
	printf("Access: %llu  %s %s -> ", (unsigned long long)v->t->page[id], hit ? "HIT " : "MISS",
	       v->pol->left);
	print_list(v->t, v->shown, n);
	printf(" <- %s Replaced:%s [Hits:%llu Misses:%llu]\n", v->pol->right, out,
	       (unsigned long long)so_far->hits, (unsigned long long)so_far->misses);
}

static void print_finalstats(uint64_t hits, uint64_t misses)
{
	printf("\nFINALSTATS hits %llu   misses %llu   hitrate %.2f\n\n", (unsigned long long)hits,
	       (unsigned long long)misses, 100.0 * (double)hits / (double)(hits + misses));
}

/* -v's lines (when lines), then FINALSTATS, as paging-policy.py -c prints them. */
int replay_print_ostep(const struct trace *t, const struct policy_ops *pol,
		       const struct policy_config *pc, bool lines)
{
	struct verbose v = { .t = t, .pol = pol, .cap = pc->cap };
	struct replay_counts c;
	int rc;

	if (!(v.shown = malloc(pc->cap * sizeof(*v.shown))))
		return 2;
	rc = replay_run(t, pol, pc, &c, lines ? print_step : NULL, &v);
	free(v.shown);
	if (rc) {
		fprintf(stderr, "vmlab replay: %s: out of memory\n", pol->name);
		return 2;
	}
	print_finalstats(c.hits, c.misses);
	return 0;
}

static int run_one(const struct trace *t, struct outcome *o, bool verbose)
{
	struct policy_config pc = { .cap = o->cap, .seed = o->seed, .nru_period = o->nru_period,
				    .tau = o->tau };
	struct verbose v = { .t = t, .pol = o->pol, .cap = o->cap };
	struct replay_counts c;
	int rc;

	if (verbose && !(v.shown = malloc(o->cap * sizeof(*v.shown))))
		return -1;
	rc = replay_run(t, o->pol, &pc, &c, verbose ? print_step : NULL, &v);
	free(v.shown);
	o->hits = c.hits;
	o->misses = c.misses;
	o->evictions = c.evictions;
	o->dirty_evictions = c.dirty_evictions;
	return rc;
}

static int write_json(const char *path, const char *trace, const struct trace *t,
		      const struct outcome *o, int n)
{
	struct json j;
	int rc;

	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "trace", trace);
	json_kv_str(&j, "format", trace_format_names[t->format]);
	json_kv_int(&j, "accesses", (int64_t)t->n);
	json_kv_int(&j, "reads", (int64_t)(t->n - t->writes));
	json_kv_int(&j, "writes", (int64_t)t->writes);
	json_kv_int(&j, "pages", t->distinct);
	json_key(&j, "runs");
	json_arr_begin(&j);
	for (int k = 0; k < n; k++) {
		json_obj_begin(&j);
		json_kv_str(&j, "policy", o[k].pol->name);
		json_kv_int(&j, "cache_pages", (int64_t)o[k].cap);
		json_kv_int(&j, "accesses", (int64_t)t->n);
		json_kv_int(&j, "hits", (int64_t)o[k].hits);
		json_kv_int(&j, "misses", (int64_t)o[k].misses);
		json_key(&j, "miss_ratio");
		json_num(&j, (double)o[k].misses / (double)t->n);
		json_kv_int(&j, "reads", (int64_t)(t->n - t->writes));
		json_kv_int(&j, "writes", (int64_t)t->writes);
		json_kv_int(&j, "evictions", (int64_t)o[k].evictions);
		json_kv_int(&j, "dirty_evictions", (int64_t)o[k].dirty_evictions);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	rc = write_file_atomic(path, sb_str(&j.b), strlen(sb_str(&j.b)));
	json_free(&j);
	return rc;
}

int cmd_replay(int argc, char **argv)
{
	char *policies = NULL, *caches = NULL, err[512];
	const struct policy_ops *pols[MAX_RUNS];
	const char *bad;
	uint64_t sizes[MAX_RUNS];
	const char *format = "auto", *json = NULL, *path = NULL, *list = NULL;
	bool bare = false, verbose = false;
	struct outcome runs[MAX_RUNS], knobs = { .seed = 1 };
	struct trace t;
	uint64_t *knob;
	int np, nc, nr = 0, f, rc = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--ostep"))
			return replay_ostep(argc, argv);
		bare |= !strcmp(argv[i], "--bare");
	}
	if (!bare)	/* the whole kernel (replay_kernel.c) */
		return replay_kernel(argc, argv);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(a, "--bare"))
			bare = true;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			verbose = true;
		else if (!strcmp(a, "--policy") && more)
			policies = argv[++i];
		else if (!strcmp(a, "--cache") && more)
			caches = argv[++i];
		else if (!strcmp(a, "--format") && more)
			format = argv[++i];
		else if (!strcmp(a, "--json") && more)
			json = argv[++i];
		else if (!strcmp(a, "--addresses") && more)
			list = argv[++i];
		else if ((knob = !strcmp(a, "--seed") ? &knobs.seed :
				 !strcmp(a, "--nru-period") ? &knobs.nru_period :
				 !strcmp(a, "--tau") ? &knobs.tau : NULL) && more) {
			if (!parse_whole(argv[++i], 0, UINT64_MAX, knob)) {
				fprintf(stderr, "vmlab replay: %s wants a whole number, not '%s'\n", a,
					argv[i]);
				return 2;
			}
		}
		else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "vmlab replay: unknown option or missing value: %s\n", a);
			replay_usage();
			return 2;
		} else if (!path)
			path = a;
		else {
			fprintf(stderr, "vmlab replay: one trace at a time (%s and %s)\n", path, a);
			return 2;
		}
	}
	if (!policies || !caches || (!path == !list)) {
		fputs("vmlab replay: needs --policy, --cache and a trace (a file or --addresses)\n", stderr);
		replay_usage();
		return 2;
	}
	if ((f = parse_trace_format("replay", format)) < 0)
		return 2;
	if (!(np = parse_policies("replay", policies, pols, MAX_RUNS)))
		return 2;
	nc = parse_page_counts(caches, sizes, MAX_RUNS, &bad);
	if (nc < 0 && bad) {
		fprintf(stderr, "vmlab replay: --cache wants page counts from 1 to %u, not '%s'\n",
			UINT32_MAX, bad);
		return 2;
	}
	if (nc <= 0 || np * nc > MAX_RUNS) {
		fprintf(stderr, "vmlab replay: at most %d policy and cache pairs\n", MAX_RUNS);
		return 2;
	}
	for (int p = 0; p < np; p++)
		for (int c = 0; c < nc; c++)
			runs[nr++] = (struct outcome){ .pol = pols[p], .cap = sizes[c], .seed = knobs.seed,
						       .nru_period = knobs.nru_period, .tau = knobs.tau };
	if (verbose && nr != 1) {
		fputs("vmlab replay: -v traces one policy at one cache size\n", stderr);
		return 2;
	}
	if (list ? trace_from_list(list, &t, err, sizeof(err)) :
		   trace_load(path, (enum trace_format)f, &t, err, sizeof(err))) {
		fprintf(stderr, "vmlab replay: %s\n", err);
		return 2;
	}
	for (int k = 0; k < nr && !rc; k++) {
		if (run_one(&t, &runs[k], verbose)) {
			fprintf(stderr, "vmlab replay: %s at %llu pages: out of memory\n",
				runs[k].pol->name, (unsigned long long)runs[k].cap);
			rc = 2;
		}
	}
	if (!rc && verbose) {
		print_finalstats(runs[0].hits, runs[0].misses);
	} else if (!rc) {
		printf("trace %s (%s): %llu accesses (%llu reads, %llu writes), %u distinct pages\n\n",
		       path ? path : "--addresses", trace_format_names[t.format],
		       (unsigned long long)t.n, (unsigned long long)(t.n - t.writes),
		       (unsigned long long)t.writes, t.distinct);
		printf("%-8s %10s %12s %12s %10s %10s\n", "policy", "cache", "hits", "misses",
		       "miss ratio", "dirty evict");
		for (int k = 0; k < nr; k++)
			printf("%-8s %10llu %12llu %12llu %10.4f %10llu\n", runs[k].pol->name,
			       (unsigned long long)runs[k].cap, (unsigned long long)runs[k].hits,
			       (unsigned long long)runs[k].misses,
			       (double)runs[k].misses / (double)t.n,
			       (unsigned long long)runs[k].dirty_evictions);
	}
	if (!rc && json && write_json(json, path ? path : "--addresses", &t, runs, nr)) {
		fprintf(stderr, "vmlab replay: cannot write %s: %s\n", json, strerror(errno));
		rc = 2;
	}
	trace_free(&t);
	return rc;
}
