/*
 * bench_replay.c - how fast traces replay through the bare policies and the
 * curves, in accesses per second, end to end (the trace read from its file
 * included), with the process's peak RSS after each.
 *
 * The trace is the traces issue's bench trace: 20 million accesses drawn
 * from Zipf(0.99) over 1 million pages, written as libCacheSim's
 * oracleGeneral (24-byte records) to a temporary file; the cache holds
 * 100,000 pages. Each figure is the best of three runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "../src/lib/prng.h"
#include "../src/lib/zipf.h"
#include "../src/replay/mrc.h"
#include "../src/replay/replay.h"
#include "../src/trace/trace.h"

#define ACCESSES	20000000ULL
#define PAGES		1000000ULL
#define CACHE		100000ULL
#define RUNS		3

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_mb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void write_trace(const char *path)
{
	FILE *f = fopen(path, "wb");
	unsigned char rec[24] = { 0 };
	struct prng r;
	struct zipf z;

	if (!f) {
		perror(path);
		exit(1);
	}
	prng_seed(&r, 1);
	zipf_init(&z, PAGES, 0.99);
	for (uint64_t i = 0; i < ACCESSES; i++) {
		put_le(rec, i, 4);
		put_le(rec + 4, zipf_next(&z, &r), 8);
		put_le(rec + 12, 1, 4);
		put_le(rec + 16, (uint64_t)-1, 8);
		if (fwrite(rec, sizeof(rec), 1, f) != 1) {
			perror(path);
			exit(1);
		}
	}
	fclose(f);
}

static void load(const char *path, struct trace *t)
{
	char err[256];

	if (trace_load(path, TRACE_ORACLE, t, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
}

static void bench_policy(const char *path, const char *name)
{
	const struct policy_ops *p = policy_find(name);
	double best = 1e30, best_load = 0, miss = 0;

	for (int run = 0; run < RUNS; run++) {
		struct policy_config pc = { .cap = CACHE, .seed = 1 };
		struct replay_counts c;
		struct trace t;
		double t0 = now(), t1;

		load(path, &t);
		t1 = now();
		if (replay_run(&t, p, &pc, &c, NULL, NULL)) {
			fprintf(stderr, "bench: %s: out of memory\n", name);
			exit(1);
		}
		if (now() - t0 < best) {
			best = now() - t0;
			best_load = t1 - t0;
		}
		miss = (double)c.misses / (double)t.n;
		trace_free(&t);
	}
	printf("replay --bare %-8s %6.1f M accesses/s end to end (%.2f s, of which reading %.2f s); "
	       "miss ratio %.4f; peak RSS %ld MB\n", name, ACCESSES / best / 1e6, best, best_load,
	       miss, peak_rss_mb());
}

static void bench_curve(const char *path, double rate)
{
	enum { NSIZES = 24 };
	uint64_t sizes[NSIZES];
	double best = 1e30;

	for (int k = 0; k < NSIZES; k++)	/* 1 to the footprint, evenly on a log scale */
		sizes[k] = (uint64_t)llround(pow((double)PAGES, (double)k / (NSIZES - 1)));

	for (int run = 0; run < RUNS; run++) {
		struct lru_curve c;
		struct trace t;
		double t0 = now();

		load(path, &t);
		if (rate < 1 ? mrc_shards(&t, rate, sizes, NSIZES, &c) : mrc_lru(&t, sizes, NSIZES, &c)) {
			fprintf(stderr, "bench: mrc: out of memory\n");
			exit(1);
		}
		if (now() - t0 < best)
			best = now() - t0;
		mrc_free(&c);
		trace_free(&t);
	}
	if (rate < 1)
		printf("mrc lru, SHARDS at %.2f   %6.1f M accesses/s end to end (%.2f s); peak RSS %ld MB\n",
		       rate, ACCESSES / best / 1e6, best, peak_rss_mb());
	else
		printf("mrc lru, exact (24 sizes) %7.1f M accesses/s end to end (%.2f s); peak RSS %ld MB\n",
		       ACCESSES / best / 1e6, best, peak_rss_mb());
}

int main(void)
{
	char path[] = "/tmp/vmlab-bench-trace-XXXXXX";
	int fd = mkstemp(path);
	static const char *const policies[] = { "fifo", "lru", "clock", "sieve", "arc", "twoq",
						"s3fifo", "lfu", "opt" };

	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	printf("bench_replay: 20M accesses, Zipf(0.99) over 1M pages (oracleGeneral), cache 100,000 "
	       "pages\n");
	write_trace(path);
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
		bench_policy(path, policies[i]);
	bench_curve(path, 1);
	bench_curve(path, 0.01);
	unlink(path);
	return 0;
}
