/*
 * test_views.c - the views against the real tools' output. The expected
 * texts are what procps-ng 4.0.2 and Linux 6.18 printed on this machine for
 * the same numbers (free was shown a crafted /proc/meminfo through a bind
 * mount in a private mount namespace; tests/run.sh repeats that live).
 */
#include "unit.h"
#include "../../src/report/views.h"
#include "../../src/report/json.h"
#include "../../src/lib/size.h"

static void add(struct vm_kv *kv, int *n, const char *name, int64_t v)
{
	snprintf(kv[*n].name, sizeof(kv[*n].name), "%s", name);
	kv[(*n)++].value = v;
}

static struct vm_snapshot *meminfo_snapshot(int64_t total, int64_t freem, int64_t avail,
					    int64_t buffers, int64_t cached, int64_t srecl,
					    int64_t shmem)
{
	static struct vm_snapshot s;

	memset(&s, 0, sizeof(s));
	add(s.meminfo, &s.n_meminfo, "MemTotal", total);
	add(s.meminfo, &s.n_meminfo, "MemFree", freem);
	add(s.meminfo, &s.n_meminfo, "MemAvailable", avail);
	add(s.meminfo, &s.n_meminfo, "Buffers", buffers);
	add(s.meminfo, &s.n_meminfo, "Cached", cached);
	add(s.meminfo, &s.n_meminfo, "SwapTotal", 0);
	add(s.meminfo, &s.n_meminfo, "SwapFree", 0);
	add(s.meminfo, &s.n_meminfo, "Shmem", shmem);
	add(s.meminfo, &s.n_meminfo, "SReclaimable", srecl);
	return &s;
}

static void expect_free(struct vm_snapshot *s, const char *args, const char *want)
{
	struct strbuf b = STRBUF_INIT;
	char err[128];

	assert_int_equal(view_free(&b, s, args, err, sizeof(err)), 0);
	assert_string_equal(sb_str(&b), want);
	sb_free(&b);
}

/* The reference's free 4.0.2 check: used = total - available. */
static void test_free_reference(void **state)
{
	struct vm_snapshot *s = meminfo_snapshot(24684084, 21000000, 24308048, 15768, 2934640,
						 45052, 8788);

	(void)state;
	expect_free(s, "",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:        24684084      376036    21000000        8788     2995460    24308048\n"
		"Swap:              0           0           0\n");
	expect_free(s, "-w",
		"               total        used        free      shared     buffers       cache   available\n"
		"Mem:        24684084      376036    21000000        8788       15768     2979692    24308048\n"
		"Swap:              0           0           0\n");
}

/* Outputs captured from free 4.0.2 for MemTotal 1031168, MemFree 900000,
 * MemAvailable 880000, Cached 8788, Shmem 8788. */
static void test_free_units(void **state)
{
	struct vm_snapshot *s = meminfo_snapshot(1031168, 900000, 880000, 0, 8788, 0, 8788);
	struct strbuf b = STRBUF_INIT;
	char err[128];

	(void)state;
	expect_free(s, "-h",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:           1.0Gi       147Mi       878Mi       8.6Mi       8.6Mi       859Mi\n"
		"Swap:             0B          0B          0B\n");
	expect_free(s, "-m",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:            1007         147         878           8           8         859\n"
		"Swap:              0           0           0\n");
	expect_free(s, "-g",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:               0           0           0           0           0           0\n"
		"Swap:              0           0           0\n");
	expect_free(s, "-b",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:      1055916032   154796032   921600000     8998912     8998912   901120000\n"
		"Swap:              0           0           0\n");
	expect_free(s, "--si -h",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:            1.1G        154M        921M        9.0M        9.0M        901M\n"
		"Swap:             0B          0B          0B\n");
	expect_free(s, "-k -t",
		"               total        used        free      shared  buff/cache   available\n"
		"Mem:         1031168      151168      900000        8788        8788      880000\n"
		"Swap:              0           0           0\n"
		"Total:       1031168      151168      900000\n");
	assert_int_equal(view_free(&b, s, "-x", err, sizeof(err)), -1);
	sb_free(&b);
}

/* vmstat's first line for the host's own counters (captured). */
static void test_vmstat_line(void **state)
{
	struct vm_snapshot s;
	struct strbuf b = STRBUF_INIT;
	const uint64_t j = 10000000;	/* ns per jiffy at USER_HZ 100 */

	(void)state;
	memset(&s, 0, sizeof(s));
	add(s.meminfo, &s.n_meminfo, "MemFree", 24443676);
	add(s.meminfo, &s.n_meminfo, "Buffers", 688);
	add(s.meminfo, &s.n_meminfo, "Cached", 108240);
	add(s.meminfo, &s.n_meminfo, "SwapTotal", 0);
	add(s.meminfo, &s.n_meminfo, "SwapFree", 0);
	add(s.vmstat, &s.n_vmstat, "pgpgin", 1287713);
	add(s.vmstat, &s.n_vmstat, "pgpgout", 281564);
	add(s.vmstat, &s.n_vmstat, "pswpin", 0);
	add(s.vmstat, &s.n_vmstat, "pswpout", 0);
	s.cpu_user_ns = 8782 * j;
	s.cpu_system_ns = (3235 + 57) * j;
	s.cpu_idle_ns = 353645 * j;
	s.cpu_iowait_ns = 1506 * j;
	s.cpu_steal_ns = 596 * j;
	s.intr = 172843;
	s.ctxt = 284794;
	s.procs_running = 1;
	view_vmstat(&b, &s);
	assert_string_equal(sb_str(&b),
		"procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n"
		" r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n"
		" 1  0      0 24443676    688 108240    0    0   350    77   47   77  2  1 96  0  0\n");
	sb_free(&b);
}

/* ps: an overflowing RSS borrows the next column's padding (captured). */
static void test_ps_overflow(void **state)
{
	struct vm_snapshot s;
	struct vm_proc p[2];
	struct strbuf b = STRBUF_INIT;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(p, 0, sizeof(p));
	p[0].pid = 1;
	snprintf(p[0].comm, sizeof(p[0].comm), "process_api");
	p[0].vsz_kb = 37264, p[0].rss_kb = 9164, p[0].min_flt = 35071;
	p[1].pid = 4699;
	snprintf(p[1].comm, sizeof(p[1].comm), "python3");
	p[1].vsz_kb = 323768, p[1].rss_kb = 320740, p[1].min_flt = 79644, p[1].maj_flt = 10;
	s.procs = p;
	s.nprocs = 2;
	view_ps(&b, &s);
	assert_string_equal(sb_str(&b),
		"  PID COMMAND            VSZ   RSS  MINFL  MAJFL\n"
		"    1 process_api      37264  9164  35071      0\n"
		" 4699 python3         323768 320740 79644     10\n");
	sb_free(&b);
}

static void test_proc_files(void **state)
{
	struct vm_snapshot s;
	struct vm_proc p;
	struct strbuf b = STRBUF_INIT;

	(void)state;
	memset(&s, 0, sizeof(s));
	add(s.meminfo, &s.n_meminfo, "MemTotal", 24684096);
	add(s.meminfo, &s.n_meminfo, "VmallocTotal", 34359738367LL);
	add(s.meminfo, &s.n_meminfo, "HugePages_Total", 0);
	add(s.meminfo, &s.n_meminfo, "Hugepagesize", 2048);
	view_meminfo(&b, &s);
	assert_string_equal(sb_str(&b),
		"MemTotal:       24684096 kB\n"
		"VmallocTotal:   34359738367 kB\n"
		"HugePages_Total:       0\n"
		"Hugepagesize:       2048 kB\n");
	sb_reset(&b);
	memset(&p, 0, sizeof(p));
	snprintf(p.comm, sizeof(p.comm), "cat");
	p.pid = 1895;
	p.vm_peak_kb = 3060;
	p.vm_stk_kb = 132;
	p.vm_lo = 0x558c18d90000ULL;
	p.vm_hi = 0x7ffc0457d000ULL;
	p.rss = 1604;
	p.pss_anon = 112;
	view_status(&b, &p);
	assert_non_null(strstr(sb_str(&b), "VmPeak:\t    3060 kB\n"));
	assert_non_null(strstr(sb_str(&b), "VmStk:\t     132 kB\n"));
	sb_reset(&b);
	view_smaps_rollup(&b, &p);
	assert_non_null(strstr(sb_str(&b),
		"558c18d90000-7ffc0457d000 ---p 00000000 00:00 0                          [rollup]\n"
		"Rss:                1604 kB\n"));
	assert_non_null(strstr(sb_str(&b), "\nPss_Anon:            112 kB\n"));
	sb_free(&b);
}

/* The zone block of /proc/zoneinfo, as the host printed its DMA zone. */
static void test_zoneinfo(void **state)
{
	struct vm_snapshot s;
	struct strbuf b = STRBUF_INIT;
	struct vm_zone *z = &s.zones[0];
	static const int64_t prot[5] = { 0, 3019, 4171, 4171, 4171 };

	(void)state;
	memset(&s, 0, sizeof(s));
	s.nzones = 1;
	snprintf(z->name, sizeof(z->name), "DMA");
	z->free = 3840, z->min = 60, z->low = 75, z->high = 90, z->promo = 105;
	z->spanned = 4095, z->present = 3998, z->managed = 3840;
	memcpy(z->protection, prot, sizeof(prot));
	add(z->stat, &z->n_stat, "nr_free_pages", 3840);
	add(z->stat, &z->n_stat, "nr_mlock", 0);
	view_zoneinfo(&b, &s);
	assert_string_equal(sb_str(&b),
		"Node 0, zone      DMA\n"
		"  pages free     3840\n"
		"        boost    0\n"
		"        min      60\n"
		"        low      75\n"
		"        high     90\n"
		"        promo    105\n"
		"        spanned  4095\n"
		"        present  3998\n"
		"        managed  3840\n"
		"        cma      0\n"
		"        protection: (0, 3019, 4171, 4171, 4171)\n"
		"      nr_free_pages 3840\n"
		"      nr_mlock     0\n");
	sb_free(&b);
}

static void test_events_and_walk(void **state)
{
	struct vm_event ev = { .time = 1234567, .kind = EV_FAULT, .pid = 1000, .addr = 0x7f3a00000000ULL,
			       .pfn = 0x1a2b, .write = 1, .what = "anon: new page" };
	struct strbuf b = STRBUF_INIT;
	vm_machine *m = new_machine(256 * MiB, 1);
	int pid = vm_spawn(m, "w", NULL);
	uint64_t a = map_anon(m, pid, 4096, VM_PROT_READ | VM_PROT_WRITE);
	struct vm_walk w;
	struct vm_result r;

	(void)state;
	format_event(&b, &ev);
	assert_string_equal(sb_str(&b),
		"[    0.001234] pid 1000 fault 0x7f3a00000000 write anon: new page: pfn 0x1a2b (minor)\n");
	sb_reset(&b);
	vm_write(m, pid, a, 65, &r);
	vm_pagewalk(m, pid, a, &w);
	view_pagetable(&b, &w, "w");
	assert_non_null(strstr(sb_str(&b), "P RW US A D NX  -> page at pfn"));
	assert_non_null(strstr(sb_str(&b), "content value 65, mapped by 1 PTE"));
	assert_non_null(strstr(sb_str(&b), "cached in cpu"));
	sb_free(&b);
	vm_free(m);
}

static void test_json(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_obj_begin(&j);
	json_kv_str(&j, "a", "x\"y\n\x01");
	json_key(&j, "b");
	json_arr_begin(&j);
	json_int(&j, -3);
	json_bool(&j, true);
	json_null(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	json_kv_int(&j, "c", 4);
	json_obj_end(&j);
	assert_string_equal(sb_str(&j.b), "{\"a\":\"x\\\"y\\n\\u0001\",\"b\":[-3,true,null,{}],\"c\":4}");
	json_free(&j);
}

/* /proc/PID/maps: the columns and names the kernel writes, the name at column 74 */
static void test_maps(void **state)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	int pid = vm_spawn(m, "p", NULL);
	char err[64], buf[4096], *line;
	int f = vm_file_create(m, "data.bin", 4 * MiB, 1, 0, err, sizeof(err));
	struct vm_mmap_args fa = { .len = 4 * MiB, .prot = VM_PROT_READ, .file = f, .offset = 1 * MiB };
	struct vm_mmap_args sa = { .len = 1 * MiB, .prot = VM_PROT_READ | VM_PROT_WRITE, .shared = 1 };
	uint64_t fa_addr = map_args(m, pid, fa), sa_addr = map_args(m, pid, sa);

	(void)state;
	assert_true(vm_proc_maps(m, pid, buf, sizeof(buf)) > 0);
	snprintf(err, sizeof(err), "%llx-", (unsigned long long)fa_addr);
	line = strstr(buf, err);
	assert_non_null(line);
	assert_memory_equal(strchr(line, ' '), " r--p 00100000 fe:00 ", 21);
	assert_memory_equal(line + 73, "/vmlab/data.bin\n", 16);
	snprintf(err, sizeof(err), "%llx-", (unsigned long long)sa_addr);
	line = strstr(buf, err);
	assert_non_null(line);
	assert_memory_equal(strchr(line, ' '), " rw-s 00000000 00:01 ", 21);
	assert_memory_equal(line + 73, "/dev/zero (deleted)\n", 20);
	assert_non_null(strstr(buf, "[stack]\n"));
	assert_int_equal(vm_file_unlink(m, f), 0);
	assert_true(vm_proc_maps(m, pid, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "/vmlab/data.bin (deleted)\n"));
	assert_int_equal(vm_proc_maps(m, 4242, buf, sizeof(buf)), -ESRCH);
	vm_free(m);
}

static void test_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("100M", &v), 0);
	assert_int_equal(v, 104857600);
	assert_int_equal(parse_size("4K", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size(" 4 KiB ", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("1.5g", &v), 0);
	assert_int_equal(v, 1610612736);
	assert_int_equal(parse_size("12", &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(parse_size("2T", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("M", &v), -1);
	assert_int_equal(parse_size("1.3K", &v), -1);		/* not a whole byte count */
	assert_int_equal(parse_size("-1", &v), -1);
	assert_int_equal(parse_size("10X", &v), -1);
	assert_int_equal(parse_size("99999999999999999999", &v), -1);
	assert_int_equal(parse_duration("10ms", &v), 0);
	assert_int_equal(v, 10000000);
	assert_int_equal(parse_duration("1.5", &v), 0);
	assert_int_equal(v, 1500000000);
	assert_int_equal(parse_duration("250us", &v), 0);
	assert_int_equal(v, 250000);
	assert_int_equal(parse_duration("7ns", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_duration("3 parsecs", &v), -1);
	char buf[32];
	format_size(104857600, buf, sizeof(buf));
	assert_string_equal(buf, "100M");
	format_size(4097, buf, sizeof(buf));
	assert_string_equal(buf, "4097");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_reference),
		cmocka_unit_test(test_free_units),
		cmocka_unit_test(test_vmstat_line),
		cmocka_unit_test(test_ps_overflow),
		cmocka_unit_test(test_proc_files),
		cmocka_unit_test(test_zoneinfo),
		cmocka_unit_test(test_events_and_walk),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_maps),
	};
	return cmocka_run_group_tests_name("views", tests, NULL, NULL);
}
