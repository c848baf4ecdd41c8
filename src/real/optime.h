/*
 * optime.h - how long an operation took, as it would on an idle machine.
 *
 * The machine is shared: a parallel build beside a run takes CPUs away from
 * it, and a wall-clock bracket then counts the time the operation spent
 * waiting on a run queue, not running. Linux keeps the run's own figure: a
 * thread's CPU time (CLOCK_THREAD_CPUTIME_ID, the scheduler's
 * sum_exec_runtime, user and system time, page faults included), which a
 * neighbour cannot inflate by preempting it. It leaves out the time the
 * thread slept, so an operation that blocked (a voluntary context switch:
 * disk I/O, a pipe, a child's exit) is timed by the wall clock instead, the
 * one figure that holds its waits; a neighbour's load can inflate that one.
 * (The waiting time alone, /proc/PID/schedstat's run_delay, needs
 * schedstats, which kernels here have off.)
 */
#ifndef VMLAB_REAL_OPTIME_H
#define VMLAB_REAL_OPTIME_H

#include <stdint.h>
#include <time.h>

struct optime {
	struct timespec wall, cpu;
	long nvcsw;			/* voluntary context switches so far */
};

void optime_start(struct optime *t);
uint64_t optime_ns(const struct optime *t);	/* since optime_start */

#endif
