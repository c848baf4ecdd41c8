/*
 * test_real.c - the real backend's parts that need no scenario: /proc
 * parsing against the kernel's formats, the private arena, the JSON reader
 * compare uses, the shared access orders, and the measurement bracket
 * around real system calls in this very process.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "unit.h"
#include "../../src/lib/jsonread.h"
#include "../../src/lib/pattern.h"
#include "../../src/real/arena.h"
#include "../../src/real/cgroup.h"
#include "../../src/real/procfs.h"
#include "../../src/real/real.h"

static void test_parse_kv(void **state)
{
	const char *text = "MemTotal:       24684096 kB\nActive(anon):     371 kB\n"
			   "HugePages_Total:       0\nnr_free_pages 3840\nbroken line\n"
			   "DirectMap1G:    -5 kB";
	struct vm_kv kv[8];
	int n = procfs_parse_kv(text, kv, 8);

	(void)state;
	assert_int_equal(n, 5);
	assert_string_equal(kv[0].name, "MemTotal");
	assert_int_equal(kv[0].value, 24684096);
	assert_string_equal(kv[1].name, "Active(anon)");
	assert_int_equal(kv[2].value, 0);
	assert_string_equal(kv[3].name, "nr_free_pages");
	assert_int_equal(kv[3].value, 3840);
	assert_int_equal(kv[4].value, -5);
	assert_int_equal(procfs_parse_kv(text, kv, 2), 2);	/* never past max */
}

/* The layout of mm/vmstat.c zoneinfo_show_print(), two nodes, one empty zone. */
static void test_parse_zoneinfo(void **state)
{
	const char *text =
		"Node 0, zone      DMA\n  per-node stats\n      nr_inactive_anon 589\n"
		"  pages free     3840\n        boost    0\n        min      60\n"
		"        low      75\n        high     90\n        promo    105\n"
		"        spanned  4095\n        present  3998\n        managed  3840\n"
		"        cma      0\n        protection: (0, 3019, 4171, 4171, 4171)\n"
		"      nr_free_pages 3840\n      nr_zone_inactive_anon 0\n  pagesets\n"
		"    cpu: 0\n              count:    0\n"
		"Node 0, zone   Normal\n  pages free     1000\n        boost    0\n"
		"        min      9\n        low      11\n        high     13\n        promo    15\n"
		"        spanned  2000\n        present  2000\n        managed  1900\n"
		"        protection: (0, 0, 0, 0, 0)\n      nr_free_pages 1000\n"
		"Node 0, zone  Movable\n  pages free     0\n        spanned  0\n        present  0\n"
		"Node 1, zone   Normal\n  pages free     7\n        present  9\n";
	struct vm_zone z[5];
	int n = procfs_parse_zoneinfo(text, z, 5);

	(void)state;
	assert_int_equal(n, 2);				/* node 0's populated zones */
	assert_string_equal(z[0].name, "DMA");
	assert_int_equal(z[0].free, 3840);
	assert_int_equal(z[0].min, 60);
	assert_int_equal(z[0].low, 75);
	assert_int_equal(z[0].high, 90);
	assert_int_equal(z[0].promo, 105);
	assert_int_equal(z[0].managed, 3840);
	assert_int_equal(z[0].protection[1], 3019);
	assert_int_equal(z[0].protection[4], 4171);
	assert_int_equal(z[0].n_stat, 2);		/* the per-CPU part is left out */
	assert_string_equal(z[0].stat[1].name, "nr_zone_inactive_anon");
	assert_string_equal(z[1].name, "Normal");
	assert_int_equal(z[1].min, 9);
	assert_int_equal(z[1].present, 2000);
}

/* This process, read back from /proc as the ps and status views would. */
static void test_proc_self(void **state)
{
	struct vm_proc p;

	(void)state;
	assert_int_equal(procfs_proc(getpid(), &p), 0);
	assert_int_equal(p.pid, getpid());
	assert_int_equal(p.ppid, getppid());
	assert_true(p.rss_kb > 0 && p.vsz_kb >= p.rss_kb);
	assert_true(p.min_flt > 0);
	assert_int_equal(p.rss_kb, p.rss_anon_kb + p.rss_file_kb + p.rss_shmem_kb);
	assert_true(p.vm_lo > 0 && p.vm_hi > p.vm_lo);
	assert_true(p.state == 'R' || p.state == 'S');
	assert_int_equal(procfs_proc(0x7ffffff0, &p), -ESRCH);
}

static int chunks;

static void count_chunk(void *start, size_t len)
{
	(void)start;
	(void)len;
	chunks++;
}

static void test_arena(void **state)
{
	char *a, *b, *big;

	(void)state;
	a = arena_realloc(NULL, 100);
	memset(a, 1, 100);
	b = arena_realloc(NULL, 100);
	assert_ptr_not_equal(a, b);
	arena_free(b);
	assert_ptr_equal(arena_realloc(NULL, 90), b);	/* same size class: reused */
	a = arena_realloc(a, 5000);			/* grows, keeps the bytes */
	assert_int_equal(a[99], 1);
	big = arena_realloc(NULL, 8 << 20);		/* its own mapping */
	memset(big, 2, 8 << 20);
	chunks = 0;
	arena_each_chunk(count_chunk);
	assert_true(chunks >= 2);
	arena_free(big);
	chunks = 0;
	arena_each_chunk(count_chunk);
	assert_true(chunks >= 1);
	assert_null(arena_lua_alloc(NULL, a, 5000, 0));	/* lua_Alloc's free */
	arena_free(NULL);
}

static void test_jsonread(void **state)
{
	struct jval v;
	char err[128];
	const char *text = " {\"a\": [1, -2, 9223372036854775807, 2.5e3, true, null],"
			   " \"s\": \"q\\\"\\u00e9\\ud83d\\ude00\\n\", \"o\": {}} ";

	(void)state;
	assert_int_equal(jparse(text, &v, err, sizeof(err)), 0);
	assert_int_equal(jget(&v, "a")->n, 6);
	assert_int_equal(jget(&v, "a")->item[1].i, -2);
	assert_int_equal(jget(&v, "a")->item[2].i, INT64_MAX);	/* exact */
	assert_int_equal(jget(&v, "a")->item[3].type, J_NUM);
	assert_true(jget(&v, "a")->item[4].b);
	assert_string_equal(jget_str(&v, "s", ""), "q\"\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_int_equal(jget(&v, "o")->n, 0);
	assert_int_equal(jget_int(&v, "missing", 7), 7);
	jfree(&v);
	assert_int_equal(jparse("{\"a\": [1, 2}", &v, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 11: expected ',' or ']'");
	assert_int_equal(jparse("[1] x", &v, err, sizeof(err)), -1);
	assert_string_equal(err, "byte 4: text after the value");
	assert_int_equal(jparse("\"abc", &v, err, sizeof(err)), -1);
}

static void *heap_alloc(uint64_t bytes)
{
	return malloc(bytes);
}

/* Both kernels draw the same orders from the same seed. */
static void test_pattern(void **state)
{
	struct vm_touch_args a = { .addr = 0x1000, .len = 100 * 4096, .stride = 4096,
				   .order = VM_ORDER_RANDOM, .seed = 42 };
	struct pattern p, q;
	uint8_t seen[100] = { 0 };

	(void)state;
	assert_int_equal(pattern_init(&p, &a, heap_alloc), 0);
	assert_int_equal(pattern_init(&q, &a, heap_alloc), 0);
	pattern_pass(&p);
	pattern_pass(&q);
	for (uint64_t i = 0; i < p.n; i++) {
		uint64_t pos = pattern_pos(&p, i);

		assert_true(pos < 100);
		seen[pos]++;
		assert_int_equal(pos, pattern_pos(&q, i));
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(seen[i], 1);		/* a permutation */
	assert_int_equal(pattern_pages(&p, &a), 100);
	free(p.perm);
	free(q.perm);
	a.order = VM_ORDER_REVERSE;
	a.stride = 1000;				/* 410 positions over 101 pages */
	assert_int_equal(pattern_init(&p, &a, heap_alloc), 0);
	assert_int_equal(p.n, 410);
	assert_int_equal(pattern_pos(&p, 0), 409);
	assert_int_equal(pattern_pages(&p, &a), 100);
}

/* The bracket around a real operation: exact faults and RSS, in this process. */
static void test_real_touch(void **state)
{
	struct backend be = { .ops = &real_backend_ops };
	struct vm_mmap_args m = { .len = 1 << 20, .prot = VM_PROT_READ | VM_PROT_WRITE };
	struct vm_touch_args t = { .len = 1 << 20, .write = 1, .value = 9, .has_value = 1 };
	struct vm_result r;
	uint64_t addr;
	void *op;
	int err;

	(void)state;
	assert_int_equal(be.ops->mmap(&be, 0, &m, &addr, &r), 0);
	madvise((void *)(uintptr_t)addr, m.len, MADV_NOHUGEPAGE);
	assert_int_equal(r.minflt, 0);
	t.addr = addr;
	op = be.ops->touch_begin(&be, 0, &t, &err);
	assert_non_null(op);
	assert_int_equal(be.ops->touch_step(&be, op, &r), 0);
	be.ops->touch_end(op);
#ifdef __SANITIZE_ADDRESS__
	/* ASan checks every store against its shadow: 1 MiB has 32 pages of it */
	assert_in_range(r.minflt, 256, 256 + 32);
#else
	assert_int_equal(r.minflt, 256);
#endif
	assert_int_equal(r.rss_kb, 1024);
	assert_int_equal(r.accesses, 256);
	assert_true(r.ns > 0);
	assert_int_equal(be.ops->access(&be, 0, addr + 4096, 0, 0, &r), 0);
	assert_int_equal(r.value, 9);
	assert_int_equal(r.minflt, 0);
	assert_int_equal(be.ops->munmap(&be, 0, addr, m.len, &r), 0);
	assert_int_equal(r.rss_kb, -1024);
	assert_int_equal(be.ops->free(&be, 0, 0x1234, &r), -EINVAL);	/* never malloc'ed */
	assert_int_equal(be.ops->pagewalk(&be, 0, addr, NULL), -ENOSYS);
}

static void test_default_limit(void **state)
{
	uint64_t ram = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t l = cgroup_default_limit();

	(void)state;
	assert_true(l <= 4ULL << 30);
	assert_true(l <= ram / 4);
	assert_true(l == 4ULL << 30 || l == ram / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_kv),
		cmocka_unit_test(test_parse_zoneinfo),
		cmocka_unit_test(test_proc_self),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_jsonread),
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_real_touch),
		cmocka_unit_test(test_default_limit),
	};

	return cmocka_run_group_tests_name("real", tests, NULL, NULL);
}
