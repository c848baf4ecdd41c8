/*
 * arena.h - a private allocator for vmlab's own memory in a real run.
 *
 * A scenario's self:malloc must find glibc's heap as a freshly started
 * program finds it (nothing in the brk area, no tcache), or its brk and
 * mmap counts would not be the real ones. So in a real run vmlab's Lua
 * state and buffers never call malloc: they live here, in chunks mmap'ed
 * directly, with power-of-two size classes and per-class free lists.
 */
#ifndef VMLAB_ARENA_H
#define VMLAB_ARENA_H

#include <stddef.h>

void *arena_realloc(void *p, size_t n);
void arena_free(void *p);
/* lua_Alloc over the arena. */
void *arena_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Make the next `bytes` the bump allocator will hand out resident (written),
 * in a chunk of their own if the current one has less left. */
void arena_reserve(size_t bytes);
/* Call fn for every chunk and large block the arena holds. */
void arena_each_chunk(void (*fn)(void *start, size_t len));

#endif
