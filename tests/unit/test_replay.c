/*
 * test_replay.c - the bare policies (src/replay/) against answers worked by
 * hand: Belady's anomaly under FIFO, the textbook traces for FIFO, LRU,
 * CLOCK and OPT with the page each miss evicts, OPT never worse than any
 * other policy on random traces, every policy's hits and victims consistent
 * with holding at most its size, and the trace readers' dense renaming and
 * errors.
 */
#include <stdlib.h>
#include <unistd.h>
#include "unit.h"
#include "../../src/replay/replay.h"
#include "../../src/trace/trace.h"
#include "../../src/lib/prng.h"

static uint64_t misses(const char *policy, uint64_t cap, const struct trace *t)
{
	struct policy_config pc = { .cap = cap, .seed = 1 };
	struct replay_counts c;

	assert_int_equal(replay_run(t, policy_find(policy), &pc, &c, NULL, NULL), 0);
	assert_int_equal(c.hits + c.misses, t->n);
	return c.misses;
}

static void list(const char *s, struct trace *t)
{
	char err[256];

	assert_int_equal(trace_from_list(s, t, err, sizeof(err)), 0);
}

static void test_belady_anomaly(void **state)
{
	struct trace t;

	(void)state;
	list("1,2,3,4,1,2,5,1,2,3,4,5", &t);
	assert_int_equal(misses("fifo", 3, &t), 9);
	assert_int_equal(misses("fifo", 4, &t), 10);	/* more frames, more misses */
	assert_int_equal(misses("lru", 3, &t), 10);	/* a stack algorithm: no anomaly */
	assert_int_equal(misses("lru", 4, &t), 8);
	assert_int_equal(misses("opt", 3, &t), 7);
	assert_int_equal(misses("opt", 4, &t), 6);
	trace_free(&t);
}

/* Each access's victim (a page number, -1 for none) on one trace, by hand. */
static void victims(const char *policy, uint64_t cap, const char *trace, const int64_t *want)
{
	const struct policy_ops *p = policy_find(policy);
	struct trace t;
	void *st;

	list(trace, &t);
	st = p->init(&(struct policy_config){ .cap = cap, .seed = 1 }, &t);
	for (uint64_t i = 0; i < t.n; i++) {
		uint32_t v;

		p->access(st, i, TRACE_ID(t.acc[i]), &v);
		assert_int_equal(v == NO_VICTIM ? -1 : (int64_t)t.page[v], want[i]);
	}
	p->free(st);
	trace_free(&t);
}

static void test_hand_worked(void **state)
{
	/* 7 0 1 2 0 3 0 4 2 3 0 3 2, three frames */
	static const char *tr = "7,0,1,2,0,3,0,4,2,3,0,3,2";
	static const int64_t fifo[] = { -1, -1, -1, 7, -1, 0, 1, 2, 3, 0, 4, -1, -1 };
	static const int64_t lru[] = { -1, -1, -1, 7, -1, 1, -1, 2, 3, 0, 4, -1, -1 };
	/* OPT: at 2, 7 and 1 are never used again: the later arrival, 1, goes */
	static const int64_t opt[] = { -1, -1, -1, 1, -1, 7, -1, 0, -1, -1, 4, -1, -1 };
	/* clock: 7 0 1 fill (bits clear); 2 evicts 7; 0 hit sets 0's bit; 3:
	 * the hand clears 0's bit, passes it, evicts 1; 0 sets its bit again; 4
	 * evicts 2; 2: the hand clears 0's bit, evicts 3; 3 evicts 4; 0 3 2 hit */
	static const int64_t clock[] = { -1, -1, -1, 7, -1, 1, -1, 2, 3, 4, -1, -1, -1 };

	(void)state;
	victims("fifo", 3, tr, fifo);
	victims("lru", 3, tr, lru);
	victims("opt", 3, tr, opt);
	victims("clock", 3, tr, clock);
}

static struct prng rng;

static uint64_t rnd(uint64_t n)
{
	return prng_below(&rng, n);
}

/* A shadow of what a policy says it holds, from its hits and victims alone. */
struct shadow {
	uint8_t resident[64];
	uint64_t count, cap;
	bool broken;
};

static void follow(void *ctx, const void *st, uint64_t i, uint32_t id, bool hit, uint32_t victim,
		   const struct replay_counts *so_far)
{
	struct shadow *s = ctx;

	(void)st;
	(void)i;
	(void)so_far;
	if (hit != (s->resident[id] != 0))	/* a hit on a page it does not hold, or the reverse */
		s->broken = true;
	if (victim != NO_VICTIM) {
		if (!s->resident[victim] || victim == id)
			s->broken = true;
		s->resident[victim] = 0;
		s->count--;
	}
	if (!hit) {
		s->resident[id] = 1;
		s->count++;
	}
	if (s->count > s->cap)
		s->broken = true;
}

static void test_opt_is_optimal(void **state)
{
	(void)state;
	prng_seed(&rng, 1);
	for (int round = 0; round < 200; round++) {
		char buf[8192];
		size_t len = 0;
		uint64_t n = 20 + rnd(300), pages = 2 + rnd(40), cap = 1 + rnd(pages);
		struct trace t;

		for (uint64_t i = 0; i < n; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%llu", i ? "," : "",
						(unsigned long long)(rnd(3) ? rnd(pages / 2 + 1) : rnd(pages)));
		list(buf, &t);
		uint64_t best = misses("opt", cap, &t);

		for (int k = 0; policy_at(k); k++) {
			uint64_t m = misses(policy_at(k)->name, cap, &t);

			struct shadow sh = { .cap = cap };
			struct policy_config pc = { .cap = cap, .seed = 1 };
			struct replay_counts c;

			assert_true(best <= m);
			assert_true(m >= t.npages);		/* every first use misses */
			assert_true(m <= t.n);
			/* what it holds, followed through its reports, is never over its size */
			assert_int_equal(replay_run(&t, policy_at(k), &pc, &c, follow, &sh), 0);
			if (sh.broken)
				fail_msg("%s at %llu pages: a hit on a page it does not hold, a victim it "
					 "did not hold, or more pages than its size", policy_at(k)->name,
					 (unsigned long long)cap);
		}
		trace_free(&t);
	}
}

static int write_tmp(const char *text, size_t len, char *path)
{
	int fd;

	strcpy(path, "/tmp/vmlab-trace-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return -1;
	close(fd);
	return 0;
}

static void test_readers(void **state)
{
	static const char hex[] = "# a comment\n0x1000 R\n0x1fff W\n\n0x2000 r # tail\n0x5000 w\n";
	static const char bad[] = "1\n2\nthree\n";
	unsigned char rec[3 * 24] = { 0 };
	char path[64], err[256];
	struct trace t;

	(void)state;
	assert_int_equal(write_tmp(hex, sizeof(hex) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), 0);
	assert_int_equal(t.format, TRACE_HEXADDR);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.npages, 3);			/* 0x1000 and 0x1fff: one page */
	assert_int_equal(t.writes, 2);
	assert_int_equal(t.page[TRACE_ID(t.acc[3])], 5);
	assert_true(t.acc[1] & TRACE_WRITE);
	trace_free(&t);
	unlink(path);

	assert_int_equal(write_tmp(bad, sizeof(bad) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: not a pages line: \"three\""));
	unlink(path);

	rec[4] = 9;			/* obj_id 9, 7, 9 */
	rec[24 + 4] = 7;
	rec[48 + 4] = 9;
	assert_int_equal(write_tmp((const char *)rec, sizeof(rec), path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), 0);
	assert_int_equal(t.format, TRACE_ORACLE);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.npages, 2);
	assert_int_equal(TRACE_ID(t.acc[0]), TRACE_ID(t.acc[2]));
	trace_free(&t);
	unlink(path);
	/* lackey: valgrind's lines skipped, a store across a page boundary is
	 * two writes, M a write, I and L reads */
	static const char lackey[] = "==123== Lackey, an example Valgrind tool\n"
				     "I  04016bc0,3\n L 04222cac,8\n S 04222ffc,8\n M 0421ad40,4\n"
				     "==123== \n";
	assert_int_equal(write_tmp(lackey, sizeof(lackey) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), 0);
	assert_int_equal(t.format, TRACE_LACKEY);
	assert_int_equal(t.n, 5);
	assert_int_equal(t.writes, 3);
	assert_int_equal(t.page[TRACE_ID(t.acc[2])], 0x4222);
	assert_int_equal(t.page[TRACE_ID(t.acc[3])], 0x4223);
	assert_true(t.acc[3] & TRACE_WRITE);
	assert_int_equal(t.npages, 4);
	trace_free(&t);
	unlink(path);
	static const char bad_lackey[] = "I  04016bc0,3\n X 0400,4\n";
	assert_int_equal(write_tmp(bad_lackey, sizeof(bad_lackey) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: not a lackey line"));
	unlink(path);

	assert_int_equal(write_tmp((const char *)rec, sizeof(rec) - 5, path), 0);
	assert_int_equal(trace_load(path, TRACE_ORACLE, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "byte offset 48: a partial oracleGeneral record (19 bytes of 24)"));
	unlink(path);
}

/* NRU's classes, with the R bits cleared or not before the last miss. */
static uint64_t nru_victim(const struct trace *t, uint64_t period)
{
	struct policy_config pc = { .cap = 3, .nru_period = period };
	void *st = policy_nru.init(&pc, t);
	uint32_t v = NO_VICTIM;

	for (uint64_t i = 0; i < t->n; i++)
		policy_nru.access(st, i, TRACE_ID(t->acc[i]), &v);
	policy_nru.free(st);
	return v == NO_VICTIM ? 0 : t->page[v];
}

/* Written and read back: the same accesses in every format that keeps them;
 * oracleGeneral's next_access_vtime is the 1-based index of the next use. */
static void test_write_read_back(void **state)
{
	static const char tr[] = "0x1000 R\n0x2000 W\n0x1000 W\n0x3000 R\n0x2000 R\n";
	static const enum trace_format fmts[] = { TRACE_HEXADDR, TRACE_PAGES, TRACE_ORACLE };
	char path[64], out[80], err[256];
	struct trace t, u;

	(void)state;
	assert_int_equal(write_tmp(tr, sizeof(tr) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), 0);
	snprintf(out, sizeof(out), "%s.out", path);
	for (size_t k = 0; k < sizeof(fmts) / sizeof(fmts[0]); k++) {
		assert_int_equal(trace_write(&t, fmts[k], out), 0);
		assert_int_equal(trace_load(out, TRACE_AUTO, &u, err, sizeof(err)), 0);
		assert_int_equal(u.format, fmts[k]);
		assert_int_equal(u.n, t.n);
		for (uint64_t i = 0; i < t.n; i++) {
			assert_int_equal(u.page[TRACE_ID(u.acc[i])], t.page[TRACE_ID(t.acc[i])]);
			if (fmts[k] == TRACE_HEXADDR)
				assert_int_equal(u.acc[i] & TRACE_WRITE, t.acc[i] & TRACE_WRITE);
		}
		trace_free(&u);
	}
	{
		FILE *f = fopen(out, "rb");
		unsigned char rec[5][24];
		static const int64_t next[5] = { 3, 5, -1, -1, -1 };

		assert_non_null(f);
		assert_int_equal(fread(rec, 24, 5, f), 5);
		fclose(f);
		for (int i = 0; i < 5; i++) {
			int64_t v = 0;

			for (int b = 7; b >= 0; b--)
				v = (int64_t)((uint64_t)v << 8 | rec[i][16 + b]);
			assert_int_equal(v, next[i]);
		}
	}
	assert_int_equal(trace_write(&t, TRACE_LACKEY, out), -1);
	trace_free(&t);
	unlink(out);
	unlink(path);
}

static void test_nru_classes(void **state)
{
	static const char tr[] = "0x1000 R\n0x2000 W\n0x3000 R\n0x1000 R\n0x4000 R\n";
	char path[64], err[256];
	struct trace t;

	(void)state;
	assert_int_equal(write_tmp(tr, sizeof(tr) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), 0);
	/* no clearing: 1 and 3 are class 2 (referenced, clean), 2 class 3; 1 came first */
	assert_int_equal(nru_victim(&t, 100), 1);
	/* cleared after the third access: 1 and 3 fall to class 0, 2 to class 1;
	 * 1's hit lifts it back to class 2: 3 goes */
	assert_int_equal(nru_victim(&t, 3), 3);
	trace_free(&t);
	unlink(path);
}

/* WSClock: with a window of 1 access the pages the hand passes are old at
 * once; a dirty one is cleaned and passed over, the first clean one goes. */
static void test_wsclock_window(void **state)
{
	static const char tr[] = "0x1000 W\n0x2000 R\n0x3000 R\n0x4000 R\n0x5000 R\n";
	struct policy_config pc = { .cap = 3, .tau = 1 };
	char path[64], err[256];
	struct trace t;
	uint32_t v[5];
	void *st;

	(void)state;
	assert_int_equal(write_tmp(tr, sizeof(tr) - 1, path), 0);
	assert_int_equal(trace_load(path, TRACE_AUTO, &t, err, sizeof(err)), 0);
	st = policy_wsclock.init(&pc, &t);
	for (uint64_t i = 0; i < t.n; i++)
		policy_wsclock.access(st, i, TRACE_ID(t.acc[i]), &v[i]);
	/* 4: the first turn clears every R bit (1 2 3 all referenced), so nothing
	 * is old enough: the first clean page from the hand, 2, goes (1 is dirty) */
	assert_int_equal(t.page[v[3]], 2);
	/* 5: the hand is at 3's slot; 1 and 3 are 1 access old, not older than
	 * the window, and 4 is referenced: another whole turn, and the first
	 * clean page from the hand, 3, goes */
	assert_int_equal(t.page[v[4]], 3);
	policy_wsclock.free(st);
	trace_free(&t);
	unlink(path);
}

/* Scan resistance: a page used twice, then a scan of one-time pages; LIRS
 * and CLOCK-Pro keep it (a reuse within its test period makes it hot), LRU
 * and CLOCK do not. */
static void test_scan_resistance(void **state)
{
	struct trace t;

	(void)state;
	list("1,1,2,3,4,5,6,7,8,1", &t);
	assert_int_equal(misses("lru", 3, &t), 9);
	assert_int_equal(misses("clock", 3, &t), 9);
	assert_int_equal(misses("clockpro", 3, &t), 8);
	assert_int_equal(misses("lirs", 3, &t), 8);
	trace_free(&t);
}

/* Python's random.seed(0); [int(10 * random.random()) for _ in range(10)],
 * and the first draw itself, to the last bit. */
static void test_pyrandom(void **state)
{
	static const int want[10] = { 8, 7, 4, 2, 5, 4, 7, 3, 4, 5 };
	struct pyrandom r;

	(void)state;
	pyrandom_seed(&r, 0);
	assert_true(pyrandom_random(&r) == 0.8444218515250481);
	pyrandom_seed(&r, 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal((int)(10 * pyrandom_random(&r)), want[i]);
	pyrandom_seed(&r, 42);		/* random.seed(42); random.random() */
	assert_true(pyrandom_random(&r) == 0.6394267984578837);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_belady_anomaly),
		cmocka_unit_test(test_hand_worked),
		cmocka_unit_test(test_opt_is_optimal),
		cmocka_unit_test(test_readers),
		cmocka_unit_test(test_write_read_back),
		cmocka_unit_test(test_nru_classes),
		cmocka_unit_test(test_pyrandom),
		cmocka_unit_test(test_scan_resistance),
		cmocka_unit_test(test_wsclock_window),
	};
	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
