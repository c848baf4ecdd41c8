/*
 * u64map.c - the open-addressing hash map (see u64map.h).
 */
#include <stdlib.h>
#include <string.h>
#include "u64map.h"
#include "xalloc.h"

#define EMPTY	UINT64_MAX
#define DELETED	(UINT64_MAX - 1)

static uint64_t slot_of(uint64_t key, uint64_t cap)
{
	return (key * 0x9e3779b97f4a7c15ULL >> 17) & (cap - 1);
}

static int rehash(struct u64map *m, uint64_t cap)
{
	uint64_t *k = x_realloc(NULL, cap * sizeof(*k)), *v = x_realloc(NULL, cap * sizeof(*v));
	uint64_t used = 0;

	if (!k || !v) {
		x_free(k);
		x_free(v);
		return -1;
	}
	memset(k, 0xff, cap * sizeof(*k));
	for (uint64_t i = 0; i < m->cap; i++) {
		uint64_t j;

		if (m->keys[i] >= DELETED)
			continue;
		j = slot_of(m->keys[i], cap);
		while (k[j] != EMPTY)
			j = (j + 1) & (cap - 1);
		k[j] = m->keys[i];
		v[j] = m->vals[i];
		used++;
	}
	x_free(m->keys);
	x_free(m->vals);
	m->keys = k;
	m->vals = v;
	m->cap = cap;
	m->used = used;
	return 0;
}

int u64map_set(struct u64map *m, uint64_t key, uint64_t val)
{
	uint64_t j, tomb = EMPTY;

	if ((m->used + 1) * 2 > m->cap && rehash(m, m->cap ? m->cap * 2 : 256))
		return -1;
	j = slot_of(key, m->cap);
	while (m->keys[j] != EMPTY && m->keys[j] != key) {
		if (m->keys[j] == DELETED && tomb == EMPTY)
			tomb = j;
		j = (j + 1) & (m->cap - 1);
	}
	if (m->keys[j] == EMPTY) {
		if (tomb != EMPTY)
			j = tomb;	/* reuse a deleted slot; used already counts it */
		else
			m->used++;
		m->keys[j] = key;
	}
	m->vals[j] = val;
	return 0;
}

bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val)
{
	uint64_t j;

	if (!m->cap)
		return false;
	j = slot_of(key, m->cap);
	while (m->keys[j] != EMPTY) {
		if (m->keys[j] == key) {
			*val = m->vals[j];
			return true;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return false;
}

void u64map_del(struct u64map *m, uint64_t key)
{
	uint64_t j;

	if (!m->cap)
		return;
	j = slot_of(key, m->cap);
	while (m->keys[j] != EMPTY) {
		if (m->keys[j] == key) {
			m->keys[j] = DELETED;
			return;
		}
		j = (j + 1) & (m->cap - 1);
	}
}

int u64map_copy(struct u64map *dst, const struct u64map *src)
{
	*dst = (struct u64map)U64MAP_INIT;
	if (!src->cap)
		return 0;
	dst->keys = x_realloc(NULL, src->cap * sizeof(uint64_t));
	dst->vals = x_realloc(NULL, src->cap * sizeof(uint64_t));
	if (!dst->keys || !dst->vals) {
		u64map_free(dst);
		return -1;
	}
	memcpy(dst->keys, src->keys, src->cap * sizeof(uint64_t));
	memcpy(dst->vals, src->vals, src->cap * sizeof(uint64_t));
	dst->cap = src->cap;
	dst->used = src->used;
	return 0;
}

void u64map_free(struct u64map *m)
{
	x_free(m->keys);
	x_free(m->vals);
	*m = (struct u64map)U64MAP_INIT;
}

bool u64map_next(const struct u64map *m, uint64_t *pos, uint64_t *key, uint64_t *val)
{
	for (; *pos < m->cap; (*pos)++) {
		if (m->keys[*pos] < DELETED) {
			*key = m->keys[*pos];
			*val = m->vals[*pos];
			(*pos)++;
			return true;
		}
	}
	return false;
}
