/*
 * wsclock.c - WSClock (Carr and Hennessy, 1981; Tanenbaum's form): the
 * clock's ring and hand, with each page's time of last use (in accesses)
 * and a working-set window tau (--tau, by default the cache's size in
 * accesses). To make room the hand sweeps: a referenced page loses its R
 * bit and has its time of last use set to now; an unreferenced page older
 * than tau is evicted if clean, or has its write-back scheduled (modelled as
 * done at once: its M bit clears) and is passed over if dirty; a younger one
 * is in the working set and stays. After a whole turn without a victim the
 * hand takes the first clean page it meets, or, with none, the page under
 * it.
 */
#include <stdlib.h>
#include "policy.h"

struct wsclock {
	const struct trace *t;
	uint32_t *ring;
	uint8_t *resident, *r, *m;	/* per page id */
	uint64_t *last;			/* per page id: time of last use */
	uint64_t cap, hand, used, tau;
};

static void ws_free(void *st)
{
	struct wsclock *w = st;

	free(w->ring);
	free(w->resident);
	free(w->r);
	free(w->m);
	free(w->last);
	free(w);
}

static void *ws_init(const struct policy_config *pc, const struct trace *t)
{
	const uint64_t cap = pc->cap;
	struct wsclock *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->t = t;
	w->cap = cap;
	w->tau = pc->tau ? pc->tau : cap;
	w->ring = malloc(cap * sizeof(uint32_t));
	w->resident = calloc(t->npages, 1);
	w->r = calloc(t->npages, 1);
	w->m = calloc(t->npages, 1);
	w->last = calloc(t->npages, sizeof(uint64_t));
	if (!w->ring || !w->resident || !w->r || !w->m || !w->last) {
		ws_free(w);
		return NULL;
	}
	return w;
}

static void advance(struct wsclock *w)
{
	w->hand = w->hand + 1 == w->cap ? 0 : w->hand + 1;
}

/* The slot whose page goes, the hand left on it. */
static void sweep(struct wsclock *w, uint64_t now)
{
	uint64_t first_clean = UINT64_MAX, start = w->hand;

	for (uint64_t step = 0; step < w->cap; step++, advance(w)) {
		uint32_t p = w->ring[w->hand];

		if (w->r[p]) {
			w->r[p] = 0;
			w->last[p] = now;
		} else if (now - w->last[p] > w->tau) {
			if (!w->m[p])
				return;
			w->m[p] = 0;		/* its write-back, scheduled */
		}
		if (first_clean == UINT64_MAX && !w->m[p])
			first_clean = w->hand;
	}
	/* a whole turn: the first clean page from where the hand began (the
	 * pages whose writes were scheduled are clean by the time the hand
	 * comes back to them), or, with none, the page under the hand */
	w->hand = first_clean != UINT64_MAX ? first_clean : start;
}

static bool ws_access(void *st, uint64_t i, uint32_t id, uint32_t *victim)
{
	struct wsclock *w = st;
	uint8_t write = (w->t->acc[i] & TRACE_WRITE) ? 1 : 0;
	uint64_t slot;

	*victim = NO_VICTIM;
	if (w->resident[id]) {
		w->r[id] = 1;
		w->m[id] |= write;
		return true;
	}
	if (w->used == w->cap) {
		sweep(w, i);
		slot = w->hand;
		*victim = w->ring[slot];
		w->resident[*victim] = 0;
		advance(w);
	} else {
		slot = w->used++;
	}
	w->ring[slot] = id;
	w->resident[id] = 1;
	w->r[id] = 1;
	w->m[id] = write;
	w->last[id] = i;
	return false;
}

static uint64_t ws_show(void *st, uint32_t *ids, uint64_t max)
{
	struct wsclock *w = st;
	uint64_t n = 0;

	for (; n < w->used && n < max; n++)
		ids[n] = w->ring[(w->hand + n) % w->used];
	return n;
}

const struct policy_ops policy_wsclock = {
	.name = "wsclock", .help = "WSClock: the clock with a working-set window (--tau)",
	.left = "Hand", .right = "Last",
	.init = ws_init, .access = ws_access, .show = ws_show, .free = ws_free,
};
