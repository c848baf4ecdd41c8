/*
 * test_oom.c - the OOM killer (reference/linux-mm.md §2): oom_badness and
 * /proc/PID/oom_score against the table measured on the reference machine,
 * the victim the kernel chooses (the highest badness, never -1000, the
 * later task on a tie), what it leaves in the log and the counters, and
 * the classic badness() of <= 2.6.35 term by term.
 */
#include <string.h>
#include "unit.h"

/* §2.1's table: totalpages 6,171,021 (RAM, no swap); RSS + PTE pages, adj, oom_score. */
static void test_oom_score_table(void **state)
{
	static const struct { int64_t rss, pte; int adj, score; } row[] = {
		{ 2963, 16, 0, 666 }, { 2964, 16, 500, 1000 }, { 2964, 16, 1000, 1333 },
		{ 262520, 525, 0, 694 }, { 262537, 525, 500, 1028 }, { 262537, 525, 1000, 1361 },
	};
	const uint64_t totalpages = 6171021;

	(void)state;
	for (size_t i = 0; i < sizeof(row) / sizeof(row[0]); i++) {
		int64_t badness = row[i].rss + row[i].pte + row[i].adj * (int64_t)(totalpages / 1000);

		assert_int_equal(oom_score(badness, totalpages), row[i].score);
	}
	assert_int_equal(oom_score(INT64_MIN, totalpages), 0);	/* -1000, kernel threads */
}

static int spawn_adj(vm_machine *m, const char *name, int adj)
{
	struct vm_spawn_opts o = { .oom_score_adj = adj };

	return vm_spawn(m, name, &o);
}

/* A process that has written mib MiB of its own anonymous memory. */
static int hog(vm_machine *m, const char *name, int adj, uint64_t mib)
{
	int pid = spawn_adj(m, name, adj);
	uint64_t a = map_anon(m, pid, mib * MiB, VM_PROT_READ | VM_PROT_WRITE);

	touch(m, pid, a, mib * MiB, 1, 1);
	return pid;
}

static bool killed(vm_machine *m, int pid)
{
	struct vm_status st;

	return vm_status(m, pid, &st) == 0 && !st.exited && st.signal == 9;
}

/*
 * The seed's four processes on a 512 MiB machine without swap: sshd
 * shielded (-1000), a server, a backup at +500, a browser, the largest. A
 * fifth asks for more than is left: the backup goes first (+500 is worth
 * half of all memory), then the browser, larger than the fifth is by
 * then; sshd is no candidate at all.
 */
static void test_victims_in_order(void **state)
{
	vm_machine *m = new_machine(512 * MiB, 2);
	int sshd = hog(m, "sshd", -1000, 100), server = hog(m, "server", 0, 60);
	int backup = hog(m, "backup", 500, 20), browser = hog(m, "browser", 0, 200);
	int late = spawn_adj(m, "late", 0);
	struct vm_oom_row rows[8];
	uint64_t totalpages, a;
	struct vm_result r;
	int n, chosen = 0;
	size_t len;
	char line[128];

	(void)state;
	n = vm_oom_candidates(m, 0, rows, 8, &totalpages);
	assert_int_equal(n, 5);
	for (int i = 0; i < n; i++) {
		if (rows[i].pid == sshd)
			assert_false(rows[i].eligible);
		if (rows[i].chosen)
			chosen = rows[i].pid;
	}
	assert_int_equal(chosen, backup);
	a = map_anon(m, late, 150 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	r = touch(m, late, a, 150 * MiB, 1, 2);
	assert_int_equal(r.minflt, 150 * MiB / 4096);	/* it got its memory */
	assert_true(killed(m, backup));
	assert_true(killed(m, browser));
	assert_false(killed(m, sshd) || killed(m, server) || killed(m, late));
	assert_int_equal(vmstat_of(m, "oom_kill"), 2);
	snprintf(line, sizeof(line), "] Out of memory: Killed process %d (backup) ", backup);
	assert_non_null(strstr(vm_dmesg(m, &len), line));
	snprintf(line, sizeof(line), "oom_score_adj:500\n");
	assert_non_null(strstr(vm_dmesg(m, &len), line));
	/* the second kill comes after the first in the log */
	snprintf(line, sizeof(line), "Killed process %d (browser)", browser);
	assert_true(strstr(vm_dmesg(m, &len), line) >
		    strstr(vm_dmesg(m, &len), "Killed process"));
	assert_invariants(m);
	vm_free(m);
}

/* Equal badness: select_bad_process() keeps `points >= chosen`, so the later task wins. */
static void test_tie_goes_to_the_later(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int first = hog(m, "twin", 0, 50), second = hog(m, "twin", 0, 50);
	struct vm_oom_row rows[4];
	uint64_t totalpages;
	int n;

	(void)state;
	n = vm_oom_candidates(m, 0, rows, 4, &totalpages);
	assert_int_equal(n, 2);
	assert_true(rows[0].pid == first && rows[1].pid == second);
	assert_true(rows[0].badness == rows[1].badness);
	assert_false(rows[0].chosen);
	assert_true(rows[1].chosen);
	assert_invariants(m);
	vm_free(m);
}

/*
 * A memcg OOM chooses only inside the group (CONSTRAINT_MEMCG), over the
 * group's limit: a larger process outside it lives.
 */
static void test_memcg_oom_stays_inside(void **state)
{
	vm_machine *m = new_machine(512 * MiB, 2);
	int g = vm_cgroup_create(m, "box", 0, 32 * MiB);
	struct vm_spawn_opts in = { .cgroup = g };
	int outside = hog(m, "big", 0, 200), small = vm_spawn(m, "small", &in);
	int grower = vm_spawn(m, "grower", &in);
	uint64_t a = map_anon(m, small, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE), b;
	struct vm_oom_row rows[8];
	uint64_t totalpages, max_ev, oom_ev, peak;
	struct vm_result r;
	size_t len;

	(void)state;
	touch(m, small, a, 8 * MiB, 1, 1);
	assert_int_equal(vm_oom_candidates(m, g, rows, 8, &totalpages), 2);
	assert_int_equal(totalpages, 32 * MiB / 4096);	/* no swap: the limit alone */
	b = map_anon(m, grower, 40 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(vm_touch(m, grower, &(struct vm_touch_args){ .addr = b, .len = 40 * MiB,
							       .write = 1 }, &r), VM_ESIGNAL);
	assert_true(killed(m, grower));		/* the larger of the two inside */
	assert_false(killed(m, small) || killed(m, outside));
	assert_int_equal(vm_cgroup_events(m, g, &max_ev, &oom_ev, &peak), 0);
	assert_int_equal(oom_ev, 1);
	assert_int_equal(vm_cgroup_oom_kills(m, g), 1);
	assert_non_null(strstr(vm_dmesg(m, &len), "oom_memcg=/box,task_memcg=/box,task=grower,"));
	assert_invariants(m);
	vm_free(m);
}

/*
 * memory.oom.group: the kill takes the victim's whole group (its -1000
 * members excepted); a process outside it lives.
 */
static void test_oom_group(void **state)
{
	vm_machine *m = new_machine(512 * MiB, 2);
	int g = vm_cgroup_create(m, "app", 0, 48 * MiB);
	struct vm_spawn_opts in = { .cgroup = g }, shielded = { .cgroup = g, .oom_score_adj = -1000 };
	int outside = hog(m, "outside", 0, 16), helper, keeper, grower;
	uint64_t a, max_ev, oom_ev, peak;
	struct vm_result r;
	size_t len;

	(void)state;
	assert_int_equal(vm_cgroup_set_oom_group(m, g, 1), 0);
	helper = vm_spawn(m, "helper", &in);
	keeper = vm_spawn(m, "keeper", &shielded);
	a = map_anon(m, helper, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	touch(m, helper, a, 8 * MiB, 1, 1);
	a = map_anon(m, keeper, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	touch(m, keeper, a, 8 * MiB, 1, 1);
	grower = vm_spawn(m, "grower", &in);
	a = map_anon(m, grower, 64 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(vm_touch(m, grower, &(struct vm_touch_args){ .addr = a, .len = 64 * MiB,
							       .write = 1 }, &r), VM_ESIGNAL);
	assert_true(killed(m, grower) && killed(m, helper));
	assert_false(killed(m, keeper) || killed(m, outside));
	assert_int_equal(vmstat_of(m, "oom_kill"), 2);
	assert_int_equal(vm_cgroup_events(m, g, &max_ev, &oom_ev, &peak), 0);
	assert_int_equal(oom_ev, 1);
	assert_non_null(strstr(vm_dmesg(m, &len), "] Tasks in /app are going to be killed due to "
						  "memory.oom.group set\n"));
	assert_invariants(m);
	vm_free(m);
}

static struct vm_oom_row row_of(const struct vm_oom_row *rows, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if (rows[i].pid == pid)
			return rows[i];
	fail_msg("pid %d is no candidate", pid);
	return rows[0];
}

/*
 * The classic badness() (§2.4): total_vm, plus half of each child's with
 * its own mm plus one; root /16; oom_adj shifts (+500 -> oom_adj 8);
 * -1000 -> OOM_DISABLE; the first on a tie.
 */
static void test_classic_terms(void **state)
{
	struct vm_config c;
	struct vm_spawn_opts user = { .uid = 1000 }, adj = { .uid = 1000, .oom_score_adj = 500 };
	struct vm_spawn_opts off = { .uid = 1000, .oom_score_adj = -1000 };
	vm_machine *m;
	struct vm_oom_row rows[8], r;
	struct vm_proc pi;
	uint64_t totalpages, vm_root, vm_child;
	int root, child, a, b, shifted, disabled, n;

	(void)state;
	vm_config_default(&c);
	c.ram = 512 * MiB;
	c.oom = "classic";
	m = new_machine_cfg(&c);
	root = vm_spawn(m, "root", NULL);
	map_anon(m, root, 64 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	child = vm_fork(m, root, "child");
	a = vm_spawn(m, "twin", &user);
	b = vm_spawn(m, "twin", &user);
	map_anon(m, a, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	map_anon(m, b, 8 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	shifted = vm_spawn(m, "shifted", &adj);
	disabled = vm_spawn(m, "disabled", &off);
	n = vm_oom_candidates(m, 0, rows, 8, &totalpages);
	assert_int_equal(n, 6);
	assert_int_equal(vm_proc_info(m, root, &pi), 0);
	vm_root = pi.vsz_kb / 4;
	assert_int_equal(vm_proc_info(m, child, &pi), 0);
	vm_child = pi.vsz_kb / 4;
	r = row_of(rows, n, root);
	assert_true(r.classic && r.root && r.total_vm == vm_root && r.children_vm == vm_child / 2 + 1);
	assert_int_equal(r.points, (vm_root + vm_child / 2 + 1) / 16);
	r = row_of(rows, n, child);
	assert_int_equal(r.points, vm_child / 16);	/* a child's parent is not its child */
	assert_int_equal(vm_proc_info(m, shifted, &pi), 0);
	r = row_of(rows, n, shifted);
	assert_int_equal(r.oom_adj, 8);
	assert_int_equal(r.points, (pi.vsz_kb / 4) << 8);
	assert_int_equal(pi.oom_score, (int)r.points);	/* /proc/PID/oom_score: the raw points */
	r = row_of(rows, n, disabled);
	assert_true(r.oom_adj == -17 && !r.eligible);
	/* a and b tie: the first; the shifted one outweighs them both */
	assert_true(row_of(rows, n, a).points == row_of(rows, n, b).points);
	assert_true(row_of(rows, n, shifted).chosen);
	assert_invariants(m);
	vm_free(m);
}

static void test_classic_tie_goes_to_the_first(void **state)
{
	struct vm_config c;
	struct vm_spawn_opts user = { .uid = 1000 };
	struct vm_oom_row rows[4];
	uint64_t totalpages;
	vm_machine *m;
	int a, b;

	(void)state;
	vm_config_default(&c);
	c.ram = 256 * MiB;
	c.oom = "classic";
	m = new_machine_cfg(&c);
	a = vm_spawn(m, "twin", &user);
	b = vm_spawn(m, "twin", &user);
	assert_int_equal(vm_oom_candidates(m, 0, rows, 4, &totalpages), 2);
	assert_true(rows[0].pid == a && rows[1].pid == b && rows[0].points == rows[1].points);
	assert_true(rows[0].chosen && !rows[1].chosen);		/* points > chosen: the first */
	assert_true(rows[1].modern_chosen && !rows[0].modern_chosen);	/* >=: the later */
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_score_table),
		cmocka_unit_test(test_victims_in_order),
		cmocka_unit_test(test_tie_goes_to_the_later),
		cmocka_unit_test(test_memcg_oom_stays_inside),
		cmocka_unit_test(test_oom_group),
		cmocka_unit_test(test_classic_terms),
		cmocka_unit_test(test_classic_tie_goes_to_the_first),
	};
	return cmocka_run_group_tests_name("oom", tests, NULL, NULL);
}
