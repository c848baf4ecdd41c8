/*
 * test_sched.c - simulated time: quanta, CPUs, blocking.
 */
#include "unit.h"

/*
 * Drive two touches to their ends as a driver would: the task due first
 * runs a quantum, until each returns 0. r[i] and clock[i] are touch i's
 * result and its task's clock when it finished; yields[i] its VM_EMOREs.
 */
static void run_touches(vm_machine *m, const int pid[2], vm_touch_op *const op[2],
			struct vm_result r[2], uint64_t clock[2], int yields[2])
{
	int done = 0;

	yields[0] = yields[1] = 0;
	while (done < 2) {
		int next = vm_sched_next(m), i = next == pid[0] ? 0 : 1;
		int rc;

		assert_true(next == pid[0] || next == pid[1]);
		vm_sched_run(m, next);
		rc = vm_touch_step(m, op[i], &r[i]);
		vm_sched_stop(m, next);
		if (rc == VM_EMORE) {
			yields[i]++;
			continue;
		}
		assert_int_equal(rc, 0);
		clock[i] = vm_clock(m, next);
		vm_touch_end(op[i]);
		vm_exit(m, next, 0);
		done++;
	}
}

/* Two processes each write 100 MiB; when the later one finished. */
static uint64_t run_two(int cpus, int *yields)
{
	vm_machine *m = new_machine(1 * GiB, cpus);
	int pid[2], err, y[2];
	vm_touch_op *op[2];
	struct vm_result r[2];
	uint64_t clock[2];

	for (int i = 0; i < 2; i++) {
		struct vm_touch_args t = { .len = 100 * MiB, .write = 1 };

		pid[i] = vm_spawn(m, "w", NULL);
		t.addr = map_anon(m, pid[i], 100 * MiB, VM_PROT_READ | VM_PROT_WRITE);
		op[i] = vm_touch_begin(m, pid[i], &t, &err);
		assert_non_null(op[i]);
	}
	run_touches(m, pid, op, r, clock, y);
	assert_int_equal(r[0].minflt, 25600);
	assert_int_equal(r[1].minflt, 25600);
	*yields = y[0] + y[1];
	assert_invariants(m);
	vm_free(m);
	return clock[0] > clock[1] ? clock[0] : clock[1];
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

/* ---- the run loop in C, kernel threads, and safe points for a kill ---- */

struct kt_state {
	int runs;
	uint64_t woken_at, ran_at, ran_until;
	int cpu;
};

/* A kernel thread's body: 50 us of kernel work, then sleep again. */
static void kt_body(struct machine *m, struct task_struct *t, void *data)
{
	struct kt_state *k = data;

	(void)m;
	k->runs++;
	k->ran_at = t->clock;
	k->cpu = t->cpu;
	t->clock += 50000;
	t->stime += 50000;
	k->ran_until = t->clock;
	kthread_sleep(m, t);
}

struct driver {
	vm_machine *m;
	struct task_struct *kt;
	struct kt_state *k;
	vm_touch_op *op;
	int pid, steps;
	uint64_t wake_after;	/* pages faulted before the thread is woken; 0: never */
	struct vm_result r;
};

/* The user task's body, in C: a resumable touch; wakes the thread past a threshold. */
static int drive_step(void *ctx, int pid)
{
	struct driver *d = ctx;
	int rc;

	assert_int_equal(pid, d->pid);
	d->steps++;
	rc = vm_touch_step(d->m, d->op, &d->r);
	if (d->kt && !d->k->runs && find_task(d->m, pid)->min_flt >= d->wake_after) {
		d->k->woken_at = vm_clock(d->m, pid);
		wake_up_process(d->m, d->kt, d->k->woken_at);
	}
	return rc == VM_EMORE ? 0 : VM_STEP_RETURNED;
}

static uint64_t run_with_thread(bool thread, struct kt_state *k, int *steps)
{
	vm_machine *m = new_machine(1 * GiB, 2);
	struct driver d = { .m = m, .k = k, .wake_after = 5000 };
	struct vm_touch_args t = { .len = 64 * MiB, .write = 1 };
	uint64_t end;
	int err;

	d.pid = vm_spawn(m, "w", NULL);
	t.addr = map_anon(m, d.pid, 64 * MiB, VM_PROT_READ | VM_PROT_WRITE);
	d.op = vm_touch_begin(m, d.pid, &t, &err);
	assert_non_null(d.op);
	if (thread) {
		d.kt = kthread_create(m, kt_body, k, "kworker");
		assert_non_null(d.kt);
		assert_true(d.kt->pid < 1000 && !d.kt->mm);
		assert_int_equal(vm_next_pid(m, 0), d.pid);	/* the driver does not see it */
	}
	vm_set_user_step(m, drive_step, &d);
	assert_int_equal(vm_run(m, NULL, NULL), 1);
	assert_int_equal(d.r.minflt, 16384);
	assert_int_equal(vm_task_state(m, d.pid), 'Z');
	end = find_task(m, d.pid)->exit_time;
	if (thread)
		assert_int_equal(d.kt->state, TASK_BLOCKED);	/* asleep again */
	*steps = d.steps;
	vm_touch_end(d.op);
	vm_free(m);
	return end;
}

/*
 * The loop runs a C kernel thread beside a user task: asleep until the
 * task's 5000th fault wakes it, it runs once, at that time, on the other
 * CPU, and the task's own time is exactly what it is without the thread.
 */
static void test_kthread_runs_beside_user_task(void **state)
{
	struct kt_state k = { 0 }, none = { 0 };
	int steps, steps0;
	uint64_t end = run_with_thread(true, &k, &steps);
	uint64_t end0 = run_with_thread(false, &none, &steps0);

	(void)state;
	assert_int_equal(k.runs, 1);
	/* due at the wake-up, it goes first (lowest pid on a tie) on its idle CPU */
	assert_int_equal(k.ran_at, k.woken_at);
	assert_int_equal(k.cpu, 1);			/* the CPU the task is not using */
	assert_int_equal(k.ran_until - k.ran_at, 50000);
	assert_int_equal(end, end0);
	assert_true(steps > 1);				/* the task ran in quanta */
}

struct kill_ctx {
	vm_machine *m;
	int pid, kills;
	int state_in_fault;
};

/* Inside the fault (its --events hook): kill the faulting task. */
static void kill_in_fault(void *ctx, const struct vm_event *ev)
{
	struct kill_ctx *k = ctx;

	if (ev->kind != EV_FAULT || k->kills)
		return;
	k->kills++;
	assert_int_equal(vm_kill(k->m, k->pid, 9), 0);
	k->state_in_fault = vm_task_state(k->m, k->pid);
}

/*
 * A SIGKILL that arrives while the task is inside a fault waits for the
 * fault to finish (the task and its page tables are intact meanwhile) and
 * is delivered at the retry: the access returns the death, the fault
 * counted, the address space is gone.
 */
static void test_kill_waits_for_the_fault(void **state)
{
	vm_machine *m = new_machine(256 * MiB, 1);
	struct kill_ctx k = { .m = m };
	struct vm_status st;
	uint64_t a;

	(void)state;
	k.pid = vm_spawn(m, "victim", NULL);
	a = map_anon(m, k.pid, 4 * PAGE_SIZE, VM_PROT_READ | VM_PROT_WRITE);
	vm_set_event_callback(m, kill_in_fault, &k);
	assert_int_equal(vm_write(m, k.pid, a, 5, NULL), VM_ESIGNAL);
	assert_int_equal(k.kills, 1);
	assert_int_equal(k.state_in_fault, 'R');	/* still alive inside the fault */
	assert_int_equal(vm_status(m, k.pid, &st), 0);
	assert_int_equal(st.signal, 9);
	assert_int_equal(vmstat_of(m, "pgfault"), 1);
	assert_null(find_task(m, k.pid)->mm);
	assert_invariants(m);
	vm_free(m);
}

/*
 * Strided sequential and reverse touches of two processes sharing one CPU,
 * so that quanta end in the middle of pages: the accesses counted together
 * within a page (touch_linear) must end each quantum where one-by-one
 * accesses do. With --check's shadow on, every access goes one by one.
 */
struct strided { uint64_t ns, hits, walks, accesses, minflt, clock; int yields; };

static void run_strided(bool one_by_one, enum vm_order order, uint64_t stride, int write,
			struct strided out[2])
{
	struct vm_config c;
	char err[256];
	vm_machine *m;
	int pid[2], yields[2];
	vm_touch_op *op[2];
	struct vm_result r[2];
	uint64_t clock[2];

	vm_config_default(&c);
	c.ram = 256 * MiB;
	c.cpus = 1;
	c.check = one_by_one;
	m = vm_new(&c, err, sizeof(err));
	assert_non_null(m);
	for (int i = 0; i < 2; i++) {
		struct vm_touch_args t = { .len = 1 * MiB + 100, .stride = stride, .order = order,
					   .write = write, .passes = 100 };
		int e;

		pid[i] = vm_spawn(m, "s", NULL);
		t.addr = map_anon(m, pid[i], 4 * MiB, VM_PROT_READ | VM_PROT_WRITE) + 8;
		op[i] = vm_touch_begin(m, pid[i], &t, &e);
		assert_non_null(op[i]);
	}
	run_touches(m, pid, op, r, clock, yields);
	memset(out, 0, 2 * sizeof(*out));	/* padding too: the two runs are compared bytewise */
	for (int i = 0; i < 2; i++) {
		out[i].ns = r[i].ns;
		out[i].hits = r[i].tlb_l1_hits;
		out[i].walks = r[i].tlb_walks;
		out[i].accesses = r[i].accesses;
		out[i].minflt = r[i].minflt;
		out[i].clock = clock[i];
		out[i].yields = yields[i];
	}
	assert_invariants(m);
	vm_free(m);
}

static void test_strided_runs_end_quanta_exactly(void **state)
{
	static const uint64_t strides[] = { 64, 1000, 4095 };

	(void)state;
	for (int o = VM_ORDER_SEQ; o <= VM_ORDER_REVERSE; o++) {
		for (size_t s = 0; s < sizeof(strides) / sizeof(strides[0]); s++) {
			for (int w = 0; w <= 1; w++) {
				struct strided fast[2], slow[2];

				run_strided(false, (enum vm_order)o, strides[s], w, fast);
				run_strided(true, (enum vm_order)o, strides[s], w, slow);
				if (strides[s] == 64)	/* quanta did end mid-touch */
					assert_true(slow[0].yields >= 4 && slow[1].yields >= 4);
				assert_memory_equal(fast, slow, sizeof(fast));
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kthread_runs_beside_user_task),
		cmocka_unit_test(test_kill_waits_for_the_fault),
		cmocka_unit_test(test_parallel_vs_shared_cpu),
		cmocka_unit_test(test_blocking),
		cmocka_unit_test(test_strided_runs_end_quanta_exactly),
	};
	return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
