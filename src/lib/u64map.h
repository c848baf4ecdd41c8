/*
 * u64map.h - a hash map from 64-bit keys to 64-bit values, open addressing
 * with linear probing. For the places that must look up sparse keys (glibc's
 * pointer -> chunk table, the --check content shadow), never for the
 * simulator's hot paths, which index arrays by frame number.
 */
#ifndef VMLAB_U64MAP_H
#define VMLAB_U64MAP_H

#include <stdbool.h>
#include <stdint.h>

/* Keys UINT64_MAX and UINT64_MAX - 1 are reserved (empty, deleted). */
struct u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint64_t cap;		/* a power of two, or 0 */
	uint64_t used;		/* live keys + deleted slots */
};

#define U64MAP_INIT { 0, 0, 0, 0 }

/* 0, or -1 if host memory ran out (the map is unchanged then). */
int u64map_set(struct u64map *m, uint64_t key, uint64_t val);
bool u64map_get(const struct u64map *m, uint64_t key, uint64_t *val);
void u64map_del(struct u64map *m, uint64_t key);
/* dst (empty) becomes a copy of src; -1 if host memory ran out. */
int u64map_copy(struct u64map *dst, const struct u64map *src);
void u64map_free(struct u64map *m);
/* Iteration: for (i = 0; u64map_next(m, &i, &k, &v); ) ... */
bool u64map_next(const struct u64map *m, uint64_t *pos, uint64_t *key, uint64_t *val);

#endif
