/*
 * policy.h - the bare replacement policies: a cache of a fixed number of
 * pages, fed one access at a time, with no kernel around it (the kernel's
 * own reclaim, which sees only accessed bits, stays in src/mm/vmscan.c).
 *
 * libCacheSim's shape: init, access (hit or miss; on a miss that needs room
 * the policy evicts and says which page), free, and show for the OSTEP-style
 * trace of short runs (-v). Per-page state lives in arrays indexed by the
 * trace's dense page ids (trace.h). Adding a policy is one file defining a
 * struct policy_ops and one line in policy.c's registry.
 */
#ifndef VMLAB_POLICY_H
#define VMLAB_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "../lib/pyrandom.h"
#include "../trace/trace.h"

#define NO_VICTIM	UINT32_MAX

/* What a policy is built with: its size and the knobs some policies have. */
struct policy_config {
	uint64_t cap;		/* pages */
	uint64_t seed;		/* random */
	uint64_t nru_period;	/* nru: accesses between clearings of the R bits (0: cap) */
	uint64_t tau;		/* wsclock: the working-set window, in accesses (0: cap) */
	struct pyrandom *py;	/* ostep-*: Python's draws to go on from (NULL: from seed) */
	uint64_t clockbits;	/* ostep-clock: the use counts' ceiling (0: 2) */
};

struct policy_ops {
	const char *name;
	const char *help;		/* one line for vmlab help replay */
	const char *left, *right;	/* -v: what the ends of the shown list are */
	/* a cache of c->cap pages for the trace t (OPT reads ahead in it; NRU
	 * and WSClock read the write bit of access i there) */
	void *(*init)(const struct policy_config *c, const struct trace *t);
	/* access number i (0-based) to page id: hit or not; *victim is the page
	 * evicted to make room, or NO_VICTIM */
	bool (*access)(void *st, uint64_t i, uint32_t id, uint32_t *victim);
	/* optional: page id will be accessed soon, a cache prefetch of its state
	 * (arrays indexed by id: a random trace misses the CPU cache on every
	 * access unless it is fetched ahead); called twice, the second time
	 * (near) when its own state should be in cache, to fetch what it points
	 * to */
	void (*prefetch)(const void *st, uint32_t id, bool near);
	/* the resident pages, left to right as -v shows them: how many */
	uint64_t (*show)(void *st, uint32_t *ids, uint64_t max);
	void (*free)(void *st);
};

/* The registry: the policy named, or NULL. */
const struct policy_ops *policy_find(const char *name);
/* Each policy in turn: for (i = 0; (p = policy_at(i)); i++) */
const struct policy_ops *policy_at(int i);

extern const struct policy_ops policy_fifo, policy_lru, policy_clock, policy_opt, policy_lfu,
	policy_twoq, policy_arc, policy_sieve, policy_s3fifo, policy_lirs, policy_clockpro,
	policy_random, policy_nru, policy_wsclock, policy_ostep_rand, policy_ostep_clock;

#endif
