/*
 * xalloc.h - the allocator behind vmlab's own growing buffers (strbuf, the
 * u64map). It is glibc's malloc, except in a real run: there the real
 * backend points it at a private arena (src/real/arena.c), so that vmlab's
 * bookkeeping never touches glibc's heap, and a scenario's self:malloc
 * finds that heap exactly as a freshly started program would.
 */
#ifndef VMLAB_XALLOC_H
#define VMLAB_XALLOC_H

#include <stddef.h>

/* NULL when memory ran out (p is untouched then); x_realloc(NULL, n) allocates. */
void *x_realloc(void *p, size_t n);
void x_free(void *p);
/* Route both through another allocator (NULL, NULL: back to glibc's). */
void x_set_allocator(void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *));

#endif
