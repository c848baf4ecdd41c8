/*
 * replay.c - see replay.h.
 */
#include <stdlib.h>
#include <string.h>
#include "replay.h"


int replay_run(const struct trace *t, const struct policy_ops *pol, const struct policy_config *pc,
	       struct replay_counts *out, replay_step_fn step, void *ctx)
{
	void *st = pol->init(pc, t);
	uint8_t *dirty = calloc(t->npages, 1);

	memset(out, 0, sizeof(*out));
	if (!st || !dirty) {
		if (st)
			pol->free(st);
		free(dirty);
		return -1;
	}
	for (uint64_t i = 0; i < t->n; i++) {
		uint32_t id = TRACE_ID(t->acc[i]), victim;
		bool hit;

		if (pol->prefetch && i + 2 * PREFETCH_AHEAD < t->n) {
			pol->prefetch(st, TRACE_ID(t->acc[i + 2 * PREFETCH_AHEAD]), false);
			pol->prefetch(st, TRACE_ID(t->acc[i + PREFETCH_AHEAD]), true);
		}
		hit = pol->access(st, i, id, &victim);

		if (hit)
			out->hits++;
		else
			out->misses++;
		if (victim != NO_VICTIM) {
			out->evictions++;
			out->dirty_evictions += dirty[victim];
			dirty[victim] = 0;
		}
		if (t->acc[i] & TRACE_WRITE)
			dirty[id] = 1;
		if (step)
			step(ctx, st, i, id, hit, victim, out);
	}
	pol->free(st);
	free(dirty);
	return 0;
}
