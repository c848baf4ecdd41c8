/*
 * mrc.c - vmlab mrc: miss-ratio curves of a trace. LRU's whole curve comes
 * from one pass over the trace's stack distances (src/replay/mrc.c), or
 * from a SHARDS sample with --sample; every other policy is replayed at each
 * size, the sizes shared out among --threads threads.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../lib/fdio.h"
#include "../replay/mrc.h"
#include "../replay/replay.h"
#include "../report/json.h"
#include "../report/svgplot.h"

#define MAX_SIZES	256
#define MAX_POLICIES	16
#define AUTO_SIZES	24

struct job {
	const struct trace *t;
	const struct policy_ops *pol;
	uint64_t size;
	double *out;
	int failed;
};

struct pool {
	struct job *jobs;
	int njobs;
	int next;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		struct job *j;
		struct replay_counts c;
		struct policy_config pc;

		pthread_mutex_lock(&p->lock);
		j = p->next < p->njobs ? &p->jobs[p->next++] : NULL;
		pthread_mutex_unlock(&p->lock);
		if (!j)
			return NULL;
		pc = (struct policy_config){ .cap = j->size, .seed = 1 };
		if (replay_run(j->t, j->pol, &pc, &c, NULL, NULL))
			j->failed = 1;
		else
			*j->out = (double)c.misses / (double)j->t->n;
	}
}

static void mrc_usage(void)
{
	fputs("usage: vmlab mrc TRACE [--policy P[,P...]] [--sizes N,N,...|auto]\n"
	      "                 [--sample RATE] [--threads N] [--format F] [--csv]\n"
	      "                 [--json FILE] [--plot FILE.svg]\n", stderr);
}

/* --sizes auto: AUTO_SIZES sizes spaced evenly on a log scale, 1 to the footprint */
static int auto_sizes(uint64_t pages, uint64_t *sizes)
{
	int n = 0;

	for (int k = 0; k < AUTO_SIZES; k++) {
		uint64_t s = (uint64_t)llround(pow((double)pages, (double)k / (AUTO_SIZES - 1)));

		if (!s)
			s = 1;
		if (!n || s > sizes[n - 1])
			sizes[n++] = s;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int write_json(const char *path, const char *trace, const struct trace *t,
		      const uint64_t *sizes, int ns, const struct policy_ops *const *pols, int np,
		      double *const *curves, double sample)
{
	struct json j;
	int rc;

	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "trace", trace);
	json_kv_int(&j, "accesses", (int64_t)t->n);
	json_kv_int(&j, "pages", t->distinct);
	json_key(&j, "sizes");
	json_arr_begin(&j);
	for (int i = 0; i < ns; i++)
		json_int(&j, (int64_t)sizes[i]);
	json_arr_end(&j);
	json_key(&j, "curves");
	json_obj_begin(&j);
	for (int k = 0; k < np; k++) {
		json_key(&j, pols[k]->name);
		json_arr_begin(&j);
		for (int i = 0; i < ns; i++)
			json_num(&j, curves[k][i]);
		json_arr_end(&j);
	}
	json_obj_end(&j);
	json_key(&j, "lru_method");
	json_str(&j, sample < 1 ? "shards" : "stack distances");
	json_key(&j, "sample_rate");
	json_num(&j, sample);
	json_obj_end(&j);
	rc = write_file_atomic(path, sb_str(&j.b), strlen(sb_str(&j.b)));
	json_free(&j);
	return rc;
}

int cmd_mrc(int argc, char **argv)
{
	const char *path = NULL, *format = "auto", *json = NULL, *plot = NULL;
	char *policies = NULL, *size_arg = NULL, err[512];
	const char *bad;
	const struct policy_ops *pols[MAX_POLICIES];
	uint64_t sizes[MAX_SIZES];
	double *curves[MAX_POLICIES] = { 0 }, sample = 1;
	int np = 0, ns = 0, threads = 2, f, rc = 0;
	bool csv = false;
	struct trace t;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;

		if (!strcmp(a, "--policy") && more)
			policies = argv[++i];
		else if (!strcmp(a, "--sizes") && more)
			size_arg = argv[++i];
		else if (!strcmp(a, "--format") && more)
			format = argv[++i];
		else if (!strcmp(a, "--json") && more)
			json = argv[++i];
		else if (!strcmp(a, "--plot") && more)
			plot = argv[++i];
		else if (!strcmp(a, "--csv"))
			csv = true;
		else if (!strcmp(a, "--sample") && more) {
			char *end;

			sample = strtod(argv[++i], &end);
			if (*end || !(sample > 0 && sample <= 1)) {
				fprintf(stderr, "vmlab mrc: --sample wants a rate above 0 and at most 1, "
					"not '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--threads") && more) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 256) {
				fprintf(stderr, "vmlab mrc: --threads wants 1 to 256, not '%s'\n", argv[i]);
				return 2;
			}
			threads = (int)v;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "vmlab mrc: unknown option or missing value: %s\n", a);
			mrc_usage();
			return 2;
		} else if (!path) {
			path = a;
		} else {
			fprintf(stderr, "vmlab mrc: one trace at a time (%s and %s)\n", path, a);
			return 2;
		}
	}
	if (!path) {
		mrc_usage();
		return 2;
	}
	if ((f = parse_trace_format("mrc", format)) < 0)
		return 2;
	if (!(np = parse_policies("mrc", policies ? policies : "lru", pols, MAX_POLICIES)))
		return 2;
	if (size_arg && strcmp(size_arg, "auto") &&
	    (ns = parse_page_counts(size_arg, sizes, MAX_SIZES, &bad)) < 0) {
		fprintf(stderr, "vmlab mrc: --sizes wants page counts from 1 to %u, at most %d of them, "
			"or auto%s%s%s\n", UINT32_MAX, MAX_SIZES, bad ? " (not '" : "", bad ? bad : "",
			bad ? "')" : "");
		return 2;
	}
	if (trace_load(path, (enum trace_format)f, &t, err, sizeof(err))) {
		fprintf(stderr, "vmlab mrc: %s\n", err);
		return 2;
	}
	if (!ns)
		ns = auto_sizes(t.distinct, sizes);
	qsort(sizes, (size_t)ns, sizeof(sizes[0]), cmp_u64);

	struct job *jobs = calloc((size_t)(np * ns), sizeof(*jobs));
	struct pool pool = { .jobs = jobs, .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t tid[256];
	int started = 0;

	for (int k = 0; k < np && jobs; k++) {
		if (!(curves[k] = calloc((size_t)ns, sizeof(double)))) {
			rc = 2;
			break;
		}
		if (pols[k] == &policy_lru) {
			struct lru_curve c;

			if ((sample < 1 ? mrc_shards(&t, sample, sizes, ns, &c) :
					  mrc_lru(&t, sizes, ns, &c))) {
				rc = 2;
				break;
			}
			for (int i = 0; i < ns; i++)
				curves[k][i] = mrc_lru_miss_ratio(&c, sizes[i]);
			mrc_free(&c);
			continue;
		}
		for (int i = 0; i < ns; i++)
			jobs[pool.njobs++] = (struct job){ .t = &t, .pol = pols[k], .size = sizes[i],
							   .out = &curves[k][i] };
	}
	if (!jobs)
		rc = 2;
	for (; !rc && started < threads && started < pool.njobs; started++)
		if (pthread_create(&tid[started], NULL, worker, &pool))
			break;
	if (!rc && pool.njobs && !started)
		worker(&pool);
	for (int k = 0; k < started; k++)
		pthread_join(tid[k], NULL);
	for (int i = 0; i < pool.njobs; i++)
		if (jobs[i].failed)
			rc = 2;
	if (rc) {
		fprintf(stderr, "vmlab mrc: out of memory\n");
	} else if (csv) {
		printf("size");
		for (int k = 0; k < np; k++)
			printf(",%s", pols[k]->name);
		printf("\n");
		for (int i = 0; i < ns; i++) {
			printf("%llu", (unsigned long long)sizes[i]);
			for (int k = 0; k < np; k++)
				printf(",%.6f", curves[k][i]);
			printf("\n");
		}
	} else {
		printf("trace %s (%s): %llu accesses, %u distinct pages%s\n\n", path,
		       trace_format_names[t.format], (unsigned long long)t.n, t.distinct,
		       sample < 1 ? "; lru by SHARDS sampling" : "");
		printf("%10s", "size");
		for (int k = 0; k < np; k++)
			printf(" %9s", pols[k]->name);
		printf("\n");
		for (int i = 0; i < ns; i++) {
			printf("%10llu", (unsigned long long)sizes[i]);
			for (int k = 0; k < np; k++)
				printf(" %9.4f", curves[k][i]);
			printf("\n");
		}
	}
	if (!rc && json && write_json(json, path, &t, sizes, ns, pols, np, curves, sample)) {
		fprintf(stderr, "vmlab mrc: cannot write %s: %s\n", json, strerror(errno));
		rc = 2;
	}
	if (!rc && plot) {
		struct svg_series s[MAX_POLICIES];
		char title[600];

		for (int k = 0; k < np; k++)
			s[k] = (struct svg_series){ .name = pols[k]->name, .y = curves[k] };
		snprintf(title, sizeof(title), "miss-ratio curves: %s (%llu accesses, %u pages)", path,
			 (unsigned long long)t.n, t.distinct);
		if (svg_plot_curves(plot, title, sizes, ns, s, np)) {
			fprintf(stderr, "vmlab mrc: cannot write %s: %s\n", plot, strerror(errno));
			rc = 2;
		}
	}
	for (int k = 0; k < np; k++)
		free(curves[k]);
	free(jobs);
	trace_free(&t);
	return rc;
}
