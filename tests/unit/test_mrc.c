/*
 * test_mrc.c - the miss-ratio curves (src/replay/mrc.c): LRU's curve from
 * stack distances equals LRU replayed at every single size, on random
 * traces with locality; SHARDS at rate 1 is that same curve, and its error
 * shrinks as the rate grows.
 */
#include <math.h>
#include <stdlib.h>
#include "unit.h"
#include "../../src/replay/mrc.h"
#include "../../src/replay/replay.h"
#include "../../src/lib/prng.h"

/* A trace of n accesses over about pages pages, half of them to a hot tenth. */
static void random_trace(struct trace *t, uint64_t n, uint64_t pages, uint64_t seed)
{
	char *buf = malloc(n * 12 + 1), err[128];
	struct prng r;
	size_t len = 0;

	prng_seed(&r, seed);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t p = prng_below(&r, 2) ? prng_below(&r, pages / 10 + 1) : prng_below(&r, pages);

		len += (size_t)sprintf(buf + len, "%s%llu", i ? "," : "", (unsigned long long)p);
	}
	assert_int_equal(trace_from_list(buf, t, err, sizeof(err)), 0);
	free(buf);
}

static void test_lru_curve_is_lru(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		struct trace t;
		struct lru_curve c;

		random_trace(&t, 3000, 40 * seed, seed);
		assert_int_equal(mrc_lru(&t, NULL, 0, &c), 0);
		for (uint64_t size = 1; size <= t.npages + 1; size++) {
			struct policy_config pc = { .cap = size };
			struct replay_counts rc;

			assert_int_equal(replay_run(&t, &policy_lru, &pc, &rc, NULL, NULL), 0);
			assert_true(fabs(mrc_lru_miss_ratio(&c, size) - (double)rc.misses / (double)t.n)
				    < 1e-12);
		}
		mrc_free(&c);
		trace_free(&t);
	}
}

static double mae(const struct lru_curve *a, const struct lru_curve *b, uint64_t from, uint64_t to)
{
	double s = 0;
	uint64_t n = 0;

	for (uint64_t size = from; size <= to; size += (size / 8) + 1, n++)
		s += fabs(mrc_lru_miss_ratio(a, size) - mrc_lru_miss_ratio(b, size));
	return s / (double)n;
}

static void test_shards(void **state)
{
	struct trace t;
	struct lru_curve exact, all, coarse, fine;

	(void)state;
	random_trace(&t, 200000, 20000, 7);
	assert_int_equal(mrc_lru(&t, NULL, 0, &exact), 0);
	assert_int_equal(mrc_shards(&t, 1.0, NULL, 0, &all), 0);
	for (uint64_t size = 1; size <= t.npages; size++)
		assert_true(mrc_lru_miss_ratio(&all, size) == mrc_lru_miss_ratio(&exact, size));
	assert_int_equal(mrc_shards(&t, 0.05, NULL, 0, &coarse), 0);
	assert_int_equal(mrc_shards(&t, 0.5, NULL, 0, &fine), 0);
	/* over the sizes a 5% sample can resolve (at least 1 / rate pages) */
	double e_coarse = mae(&coarse, &exact, 20, t.npages);
	double e_fine = mae(&fine, &exact, 20, t.npages);

	assert_true(e_fine < e_coarse);
	assert_true(e_fine < 0.01);
	mrc_free(&exact);
	mrc_free(&all);
	mrc_free(&coarse);
	mrc_free(&fine);
	trace_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru_curve_is_lru),
		cmocka_unit_test(test_shards),
	};
	return cmocka_run_group_tests_name("mrc", tests, NULL, NULL);
}
