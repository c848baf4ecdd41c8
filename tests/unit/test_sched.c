/*
 * test_sched.c - simulated time: quanta, CPUs, blocking.
 */
#include "unit.h"

/* Two processes each write 100 MiB; run them as a driver would. */
static uint64_t run_two(int cpus, int *yields)
{
	vm_machine *m = new_machine(1 * GiB, cpus);
	int pid[2];
	vm_touch_op *op[2];
	int done = 0, err;
	uint64_t now = 0;

	*yields = 0;
	for (int i = 0; i < 2; i++) {
		struct vm_touch_args t = { .len = 100 * MiB, .write = 1 };

		pid[i] = vm_spawn(m, "w", NULL);
		t.addr = map_anon(m, pid[i], 100 * MiB, VM_PROT_READ | VM_PROT_WRITE);
		op[i] = vm_touch_begin(m, pid[i], &t, &err);
		assert_non_null(op[i]);
	}
	while (done < 2) {
		int next = vm_sched_next(m), i = next == pid[0] ? 0 : 1;
		struct vm_result r;
		int rc;

		assert_true(next == pid[0] || next == pid[1]);
		vm_sched_run(m, next);
		rc = vm_touch_step(m, op[i], &r);
		vm_sched_stop(m, next);
		if (rc == VM_EMORE) {
			(*yields)++;
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(r.minflt, 25600);
		if (vm_clock(m, next) > now)
			now = vm_clock(m, next);	/* when the touch finished */
		vm_touch_end(op[i]);
		vm_exit(m, next, 0);
		done++;
	}
	assert_invariants(m);
	vm_free(m);
	return now;
}

static void test_parallel_vs_shared_cpu(void **state)
{
	int y2, y1;
	uint64_t two = run_two(2, &y2), one = run_two(1, &y1);

	(void)state;

	const uint64_t solo = 25600 * ANON_WRITE_FAULT_NS;

	/* side by side on 2 CPUs, one after the other on 1 (plus the switches) */
	assert_in_range(two, solo, solo + solo / 100);
	assert_in_range(one, 2 * solo, 2 * solo + solo / 50);
	assert_true(y2 > 100 && y1 > 100);		/* cut into 1 ms quanta */
}

static void test_blocking(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	int p = vm_spawn(m, "p", NULL), c = vm_fork(m, p, "c");

	(void)state;
	vm_block(m, p, VM_WAIT_CHILD, c);
	assert_int_equal(vm_task_state(m, p), 'S');
	assert_int_equal(vm_sched_next(m), c);
	vm_sleep(m, c, 5000000);
	vm_exit(m, c, 0);
	assert_int_equal(vm_task_state(m, p), 'R');	/* woken by the exit */
	assert_true(vm_clock(m, p) >= 5000000);
	vm_block(m, p, VM_WAIT_PAUSE, 0);
	assert_int_equal(vm_sched_next(m), 0);
	assert_int_equal(vm_kill(m, p, 9), 0);
	assert_int_equal(vm_task_state(m, p), 'Z');
	assert_invariants(m);
	vm_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parallel_vs_shared_cpu),
		cmocka_unit_test(test_blocking),
	};
	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
