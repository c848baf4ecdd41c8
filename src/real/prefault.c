/*
 * prefault.c - see prefault.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include "prefault.h"
#include "arena.h"
#include "../lib/fdio.h"
#include "../lib/xalloc.h"

#define PAGE		4096UL
#define STACK_PROBE	(256UL << 10)

struct range {
	uintptr_t start, end;
	int write;		/* private and writable: rewrite resident pages */
};

static struct range *ranges;
static int nranges;

int prefault_note_mappings(void)
{
	char *maps, *line;
	size_t len;
	int cap = 0;

	if (read_whole("/proc/self/maps", &maps, &len))
		return -1;
	for (line = maps; line && *line; ) {
		char *eol = strchr(line, '\n');
		unsigned long lo, hi;
		char perms[8] = "";
		int name = 0;

		if (eol)
			*eol = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &name) >= 3 &&
		    perms[0] == 'r' && perms[3] == 'p' && (!name || (strcmp(line + name, "[vvar]") &&
		    strcmp(line + name, "[vvar_vclock]") && strcmp(line + name, "[vsyscall]")))) {
			if (nranges == cap) {
				int ncap = cap ? cap * 2 : 64;
				struct range *nr = x_realloc(ranges, (size_t)ncap * sizeof(*nr));

				if (!nr)
					break;
				ranges = nr;
				cap = ncap;
			}
			ranges[nranges++] = (struct range){ lo, hi, perms[1] == 'w' };
		}
		line = eol ? eol + 1 : NULL;
	}
	x_free(maps);
	return 0;
}

/* Touch [start, end): read every page, or rewrite the resident ones. */
static void touch_range(uintptr_t start, uintptr_t end, int write)
{
	static unsigned char vec[4096];

	for (uintptr_t a = start; a < end; ) {
		size_t pages = (end - a) / PAGE;

		if (pages > sizeof(vec))
			pages = sizeof(vec);
		if (write && mincore((void *)a, pages * PAGE, vec))
			return;
		for (size_t i = 0; i < pages; i++) {
			volatile char *p = (volatile char *)(a + i * PAGE);

			if (!write)
				(void)*p;
			else if (vec[i] & 1)
				*p = *p;
		}
		a += pages * PAGE;
	}
}

static void chunk_cb(void *start, size_t len)
{
	touch_range((uintptr_t)start, (uintptr_t)start + len, 1);
}

/* The stack the operations will use, written once (noinline: its own frame). */
static __attribute__((noinline)) void probe_stack(void)
{
	volatile char buf[STACK_PROBE];

	for (size_t i = 0; i < sizeof(buf); i += PAGE)
		buf[i] = 0;
}

/*
 * What the process's own vmlab code will allocate next (records, Lua
 * tables) comes from the arena's bump region: pages never written yet, so
 * the first allocation into one would add a page to RSS and Private_Dirty
 * in the middle of a scenario's measurement. Written now, with the rest.
 */
#define ARENA_RESERVE	(256UL << 10)

void prefault_self(void)
{
	for (int i = 0; i < nranges; i++)
		touch_range(ranges[i].start, ranges[i].end, ranges[i].write);
	arena_each_chunk(chunk_cb);
	arena_reserve(ARENA_RESERVE);
	probe_stack();
}
