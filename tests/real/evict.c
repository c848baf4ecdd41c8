/*
 * evict.c - a program outside a real run that evicts a run's file from the
 * page cache the way reclaim does, for tests/run.sh: it waits until the
 * file is wholly cached, maps it and asks MADV_PAGEOUT (reclaim_pages():
 * the pages go with shadow entries, as the host's own reclaim leaves
 * them), then reports how many pages cachestat(2) counts as evicted.
 *
 * usage: evict FILE     (exit 0 once it evicted, 1 if it could not)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

struct range { uint64_t off, len; };
struct stat_ { uint64_t cache, dirty, writeback, evicted, recently_evicted; };

static int cstat(int fd, struct stat_ *s)
{
	struct range r = { 0, 0 };

	return (int)syscall(451, fd, &r, s, 0);	/* cachestat */
}

int main(int argc, char **argv)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	struct stat st;
	struct stat_ s;
	uint64_t pages;
	volatile uint8_t *p;
	uint64_t sum = 0;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st)) {
		fprintf(stderr, "usage: evict FILE (an existing file)\n");
		return 1;
	}
	pages = ((uint64_t)st.st_size + 4095) / 4096;
	for (int i = 0; i < 3000 && (cstat(fd, &s) || s.cache < pages); i++)
		nanosleep(&ten_ms, NULL);		/* the run reads it in first */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	for (uint64_t i = 0; i < pages; i++)
		sum += p[i * 4096];			/* mapped here, by this process alone */
	if (madvise((void *)p, (size_t)st.st_size, MADV_PAGEOUT) || cstat(fd, &s))
		return 1;
	printf("evicted %llu of %llu pages (sum %llu)\n", (unsigned long long)s.evicted,
	       (unsigned long long)pages, (unsigned long long)sum);
	return s.evicted ? 0 : 1;
}
