/*
 * test_lib.c - src/lib's parsers, with the inputs the fuzzers found
 * (tests/fuzz/corpus/): sizes and durations parse exactly and format back
 * to themselves; the JSON reader saturates numbers an int64 cannot hold;
 * a repeated run's median is settled by most of its runs, not all.
 */
#include <errno.h>
#include <math.h>
#include "unit.h"
#include "../../src/lib/size.h"
#include "../../src/lib/jsonread.h"
#include "../../src/lib/median.h"

static void test_durations_exact(void **state)
{
	uint64_t v, w;
	char buf[64];

	(void)state;
	/* 6633333331 s is more ns than a double holds exactly (fuzz_size found it) */
	assert_int_equal(parse_duration("6633333331", &v), 0);
	assert_true(v == 6633333331000000000ULL);
	format_duration(v, buf, sizeof(buf));
	assert_string_equal(buf, "6633333331s");
	assert_int_equal(parse_duration(buf, &w), 0);
	assert_true(w == v);
	assert_int_equal(parse_duration("2h", &v), 0);
	assert_true(v == 7200000000000ULL);
	format_duration(90ULL * 60 * 1000000000ULL, buf, sizeof(buf));
	assert_string_equal(buf, "90min");
	assert_int_equal(parse_duration("1.5ms", &v), 0);
	assert_true(v == 1500000);
	assert_int_equal(parse_duration("9999999999s", &v), -1);	/* past 2^63 ns */
}

static void test_sizes_round_trip(void **state)
{
	uint64_t v, w;
	char buf[64];

	(void)state;
	assert_int_equal(parse_size("6633333331", &v), 0);
	format_size(v, buf, sizeof(buf));
	assert_int_equal(parse_size(buf, &w), 0);
	assert_true(w == v);
	assert_int_equal(parse_size("3G", &v), 0);
	format_size(v, buf, sizeof(buf));
	assert_string_equal(buf, "3G");
	assert_int_equal(parse_size("1.3K", &v), -1);
}

static void test_json_huge_numbers(void **state)
{
	struct jval v;
	char err[128];

	(void)state;
	/* 3.3e21 as an int64 was undefined behaviour (fuzz_json found it) */
	assert_int_equal(jparse("[3333333333333333333331, -3e30, 1e300, 12.5]", &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 4);
	assert_true(v.item[0].i == INT64_MAX);
	assert_true(v.item[1].i == INT64_MIN);
	assert_true(v.item[2].i == INT64_MAX);
	assert_true(v.item[3].i == 12);
	jfree(&v);
}

/* vmlab compare --repeat: seven cold reads, one slowed by another program's I/O */
static void test_median_settled(void **state)
{
	double runs[7] = { 456, 455, 457, 491, 456, 455, 456 }, m;

	(void)state;
	m = median(runs, 7);
	assert_true(m == 456);
	assert_int_equal(median_near(runs, 7, m, 13.7), 6);	/* 3% of 456: settled */
	double scattered[7] = { 430, 456, 490, 470, 440, 500, 456 };

	m = median(scattered, 7);
	assert_true(m == 456);
	assert_int_equal(median_near(scattered, 7, m, 15), 3);	/* 3 of 7: not settled */
	assert_int_equal(median_near(scattered, 7, m, 0), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations_exact),
		cmocka_unit_test(test_sizes_round_trip),
		cmocka_unit_test(test_json_huge_numbers),
		cmocka_unit_test(test_median_settled),
	};
	return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
