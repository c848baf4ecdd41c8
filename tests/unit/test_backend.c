/*
 * test_backend.c - process life through the backend interface, in C with
 * no Lua: the simulator's spawn, fork, wait, wait_ready, pause, kill and
 * deadlock report, as an embedder other than the scenario layer would use
 * them. Each process's body is a small state machine run by vm_run's
 * step function, as the scenario layer's coroutines are.
 */
#include <errno.h>
#include "unit.h"
#include "../../src/backend/backend.h"

enum role { NONE, PARENT, CHILD, PAUSER, READIER };

#define MAXPID	1100			/* user pids start at 1000 */

struct world {
	struct backend be;
	enum role role[MAXPID];
	int turns[MAXPID];
	int child;			/* PARENT's child */
	int wait_rc[4];			/* PARENT's wait results, turn by turn */
	struct vm_status child_st;
};

/* One turn of pid's body: returns what a step function returns. */
static int step(void *ctx, int pid)
{
	struct world *w = ctx;
	struct backend *b = &w->be;
	int turn = w->turns[pid]++;

	switch (w->role[pid]) {
	case PARENT:
		if (turn == 0) {
			w->child = b->ops->fork(b, pid, "child");
			assert_true(w->child > pid);
			w->role[w->child] = CHILD;
			/* not its child: itself, or no such process */
			assert_int_equal(b->ops->wait(b, pid, pid, &w->child_st), -ECHILD);
			assert_int_equal(b->ops->wait(b, pid, MAXPID - 1, &w->child_st), -ECHILD);
		}
		w->wait_rc[turn] = b->ops->wait(b, pid, w->child, &w->child_st);
		return w->wait_rc[turn] == -EAGAIN ? 0 : VM_STEP_RETURNED;
	case CHILD:
		b->ops->exit(b, pid, 7);
		return 0;
	case PAUSER:
		assert_int_equal(b->ops->pause(b, pid), -EAGAIN);
		return 0;
	case READIER:
		assert_int_equal(b->ops->ready(b, pid), 0);
		assert_int_equal(b->ops->pause(b, pid), -EAGAIN);
		return 0;
	default:
		return VM_STEP_NONE;
	}
}

static vm_machine *world_new(struct world *w)
{
	vm_machine *m = new_machine(256 * MiB, 1);

	memset(w, 0, sizeof(*w));
	w->be.ops = &sim_backend_ops;
	w->be.priv = m;
	vm_set_user_step(m, step, w);
	return m;
}

static int spawn(struct world *w, enum role role)
{
	int pid = w->be.ops->spawn(&w->be, "p", NULL);

	assert_true(pid > 0 && pid < MAXPID);
	w->role[pid] = role;
	return pid;
}

/* The parent blocks in wait (-EAGAIN), the child's exit wakes it, the
 * second call reaps the child; the driver's wait runs the machine. */
static void test_fork_wait(void **state)
{
	struct world w;
	vm_machine *m = world_new(&w);
	struct vm_status st;
	int parent;

	(void)state;
	assert_true(w.be.ops->coroutines);
	parent = spawn(&w, PARENT);
	assert_int_equal(w.be.ops->status(&w.be, parent, &st), -EAGAIN);
	assert_int_equal(w.be.ops->wait(&w.be, 0, parent, &st), 0);
	assert_int_equal(w.wait_rc[0], -EAGAIN);
	assert_int_equal(w.wait_rc[1], 0);
	assert_int_equal(w.turns[parent], 2);
	assert_true(w.child_st.exited);
	assert_int_equal(w.child_st.code, 7);
	assert_true(st.exited);
	assert_int_equal(st.code, 0);
	assert_int_equal(vm_task_state(m, w.child), 0);	/* reaped by its parent */
	assert_invariants(m);
	vm_free(m);
}

/* A paused process: the driver's wait is a deadlock, said in words;
 * kill ends it (1), a second kill finds it gone (0). */
static void test_deadlock_and_kill(void **state)
{
	struct world w;
	vm_machine *m = world_new(&w);
	struct vm_status st;
	char why[128];
	int p, r;

	(void)state;
	p = spawn(&w, PAUSER);
	r = spawn(&w, READIER);
	assert_int_equal(w.be.ops->wait_ready(&w.be, 0, r), 1);
	assert_int_equal(w.be.ops->wait(&w.be, 0, p, &st), -EDEADLK);
	w.be.ops->why_blocked(&w.be, why, sizeof(why));
	snprintf(why + strlen(why), sizeof(why) - strlen(why), "|");
	{
		char want[128];

		snprintf(want, sizeof(want), "pid %d is paused; pid %d is paused|", p, r);
		assert_string_equal(why, want);
	}
	assert_int_equal(w.be.ops->kill(&w.be, 0, p, 9), 1);
	assert_int_equal(w.be.ops->status(&w.be, p, &st), 0);
	assert_int_equal(st.signal, 9);
	assert_int_equal(w.be.ops->kill(&w.be, 0, p, 9), 0);
	assert_int_equal(w.be.ops->wait(&w.be, 0, p, &st), 0);
	assert_int_equal(st.code, 128 + 9);
	assert_int_equal(w.be.ops->finish(&w.be), 0);		/* kills the readier */
	assert_int_equal(vm_task_state(m, r), 'Z');
	assert_invariants(m);
	vm_free(m);
}

/* The clauses of a deadlock's explanation: the first ones in full, the rest counted. */
static void test_wait_text(void **state)
{
	char buf[64], tiny[12], big[1024];
	struct wait_text w;

	(void)state;
	wait_text_init(&w, buf, sizeof(buf));
	wait_text_add(&w, 3, VM_WAIT_CHILD, 4);
	wait_text_add(&w, 4, VM_WAIT_READY, 5);
	wait_text_end(&w);
	assert_string_equal(buf, "pid 3 waits for its child 4; pid 4 waits for pid 5 to be ready");
	wait_text_init(&w, tiny, sizeof(tiny));
	wait_text_add(&w, 3, VM_WAIT_CHILD, 0);
	wait_text_add(&w, 3, VM_WAIT_CHILD, 0);
	assert_string_equal(tiny, "pid 3 waits");
	/* 32,767 paused processes and one waiting: a line a person can read */
	wait_text_init(&w, big, sizeof(big));
	for (int pid = 1000; pid < 1000 + 32767; pid++)
		wait_text_add(&w, pid, VM_WAIT_PAUSE, 0);
	wait_text_add(&w, 40000, VM_WAIT_CHILD, 0);
	wait_text_end(&w);
	assert_string_equal(big, "pid 1000 is paused; pid 1001 is paused; pid 1002 is paused; "
			    "pid 1003 is paused; pid 1004 is paused; pid 1005 is paused; "
			    "pid 1006 is paused; pid 1007 is paused; and 32760 more: 1 waiting for "
			    "a child, 32759 paused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_wait),
		cmocka_unit_test(test_deadlock_and_kill),
		cmocka_unit_test(test_wait_text),
	};
	return cmocka_run_group_tests_name("backend", tests, NULL, NULL);
}
