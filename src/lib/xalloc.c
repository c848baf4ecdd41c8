/*
 * xalloc.c - see xalloc.h.
 */
#include <stdlib.h>
#include "xalloc.h"

static void *(*realloc_hook)(void *, size_t) = realloc;
static void (*free_hook)(void *) = free;

void *x_realloc(void *p, size_t n)
{
	return realloc_hook(p, n);
}

void x_free(void *p)
{
	free_hook(p);
}

void x_set_allocator(void *(*realloc_fn)(void *, size_t), void (*free_fn)(void *))
{
	realloc_hook = realloc_fn ? realloc_fn : realloc;
	free_hook = free_fn ? free_fn : free;
}
