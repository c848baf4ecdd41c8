/*
 * replay.h - one policy at one size over a whole trace: the loop every bare
 * replay, curve and test shares, with the counts it keeps. A page is dirty
 * from a write while cached until it leaves; its eviction then counts as a
 * dirty one (the write-back a kernel would owe).
 */
#ifndef VMLAB_REPLAY_H
#define VMLAB_REPLAY_H

#include "policy.h"

/* How far ahead of the access the loops fetch a page's state: about a
 * memory latency's worth of accesses. */
#define PREFETCH_AHEAD	16

struct replay_counts {
	uint64_t hits, misses, evictions, dirty_evictions;
};

/* Called after each access (for -v): the policy's state to show. */
typedef void (*replay_step_fn)(void *ctx, const void *st, uint64_t i, uint32_t id, bool hit,
			       uint32_t victim, const struct replay_counts *so_far);

/* 0, or -1 when host memory ran out. */
int replay_run(const struct trace *t, const struct policy_ops *pol, const struct policy_config *pc,
	       struct replay_counts *out, replay_step_fn step, void *ctx);

#endif
