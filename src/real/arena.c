/*
 * arena.c - see arena.h.
 *
 * Blocks carry a 16-byte header: the size class, or for blocks above the
 * largest class (their own mmap) the mapping's length. Small blocks are cut
 * from 4 MiB chunks by bumping a pointer; a freed block goes on its class's
 * list and is reused as is. Nothing is returned to the kernel before the
 * process ends, which suits a scenario's short life.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "arena.h"

#define MIN_SHIFT	4			/* 16 bytes */
#define MAX_SHIFT	20			/* 1 MiB: above, a block is its own mmap */
#define NCLASS		(MAX_SHIFT - MIN_SHIFT + 1)
#define CHUNK		(4u << 20)
#define HDR		16
#define BIG		0xffff

struct hdr {
	size_t len;		/* BIG blocks: the mapping's length */
	uint32_t cls;		/* class index, or BIG */
	uint32_t magic;
};

struct free_block {
	struct free_block *next;
};

#define MAGIC	0x766d6c61u	/* "vmla" */

#define MAX_MAPS	8192

static struct free_block *free_list[NCLASS];
static char *bump, *bump_end;
static struct { void *start; size_t len; } maps[MAX_MAPS];	/* chunks and large blocks */
static int nmaps;

static void *map(size_t len)
{
	void *p;

	if (nmaps == MAX_MAPS)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	maps[nmaps].start = p;
	maps[nmaps++].len = len;
	return p;
}

static void unmap(void *p, size_t len)
{
	for (int i = 0; i < nmaps; i++) {
		if (maps[i].start == p) {
			maps[i] = maps[--nmaps];
			break;
		}
	}
	munmap(p, len);
}

void arena_reserve(size_t bytes)
{
	if (bytes > CHUNK)
		bytes = CHUNK;
	if ((size_t)(bump_end - bump) < bytes) {
		char *c = map(CHUNK);

		if (!c)
			return;
		bump = c;
		bump_end = c + CHUNK;
	}
	for (size_t off = 0; off < bytes; off += 4096)
		((volatile char *)bump)[off] = 0;
}

void arena_each_chunk(void (*fn)(void *start, size_t len))
{
	for (int i = 0; i < nmaps; i++)
		fn(maps[i].start, maps[i].len);
}

static unsigned class_of(size_t n)
{
	unsigned c = 0;

	while (((size_t)1 << (c + MIN_SHIFT)) < n + HDR)
		c++;
	return c;
}

static void *alloc(size_t n)
{
	struct hdr *h;

	if (n > ((size_t)1 << MAX_SHIFT) - HDR) {
		size_t len = (n + HDR + 4095) & ~(size_t)4095;

		if (len < n)
			return NULL;
		h = map(len);
		if (!h)
			return NULL;
		h->len = len;
		h->cls = BIG;
	} else {
		unsigned c = class_of(n);
		size_t sz = (size_t)1 << (c + MIN_SHIFT);

		if (free_list[c]) {
			h = (struct hdr *)free_list[c];
			free_list[c] = free_list[c]->next;
		} else {
			if ((size_t)(bump_end - bump) < sz) {
				bump = map(CHUNK);
				if (!bump) {
					bump_end = NULL;
					return NULL;
				}
				bump_end = bump + CHUNK;
			}
			h = (struct hdr *)bump;
			bump += sz;
		}
		h->len = sz;
		h->cls = c;
	}
	h->magic = MAGIC;
	return (char *)h + HDR;
}

void arena_free(void *p)
{
	struct hdr *h;

	if (!p)
		return;
	h = (struct hdr *)((char *)p - HDR);
	if (h->magic != MAGIC)
		abort();	/* not ours: a vmlab bug, stop before it spreads */
	if (h->cls == BIG) {
		unmap(h, h->len);
		return;
	}
	((struct free_block *)h)->next = free_list[h->cls];
	free_list[h->cls] = (struct free_block *)h;
}

void *arena_realloc(void *p, size_t n)
{
	struct hdr *h;
	void *q;

	if (!p)
		return alloc(n ? n : 1);
	h = (struct hdr *)((char *)p - HDR);
	if (n + HDR <= h->len && (h->cls == BIG || h->cls == 0 || n + HDR > h->len / 2))
		return p;
	q = alloc(n ? n : 1);
	if (!q)
		return NULL;
	memcpy(q, p, (n < h->len - HDR) ? n : h->len - HDR);
	arena_free(p);
	return q;
}

void *arena_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (nsize == 0) {
		arena_free(ptr);
		return NULL;
	}
	return arena_realloc(ptr, nsize);
}
